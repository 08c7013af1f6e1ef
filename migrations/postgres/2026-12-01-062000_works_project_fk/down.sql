DROP INDEX works_project_idx;
ALTER TABLE works DROP CONSTRAINT works_project_fk;
DROP TABLE works_project_cleared;
