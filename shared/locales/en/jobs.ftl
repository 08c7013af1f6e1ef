# jobs
jobs-lease-lost = The job's lease was lost.
