# jobs
jobs-lease-lost = Le bail de la tâche a été perdu.
