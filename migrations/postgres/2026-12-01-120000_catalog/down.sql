DROP TABLE instance_usage;
DROP TABLE instance_configurations;
DROP TABLE instances;
DROP TABLE orders;
DROP TABLE offerings;
