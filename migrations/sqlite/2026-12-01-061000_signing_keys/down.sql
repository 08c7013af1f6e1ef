DELETE FROM app_locks WHERE name = 'signing_keys';
DROP TABLE signing_keys;
