DELETE FROM app_locks WHERE name = 'secondments';
DROP TABLE secondments;
