DELETE FROM app_locks WHERE name = 'instances';
DELETE FROM jobs WHERE kind IN ('instances.reconcile', 'instances.idle');
