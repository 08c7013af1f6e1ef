# jobs
jobs-lease-lost = ジョブのリースが失われました。
