DROP TABLE files;
DROP TABLE datasets;
