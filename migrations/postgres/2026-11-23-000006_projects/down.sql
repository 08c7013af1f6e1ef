DROP TABLE participants;
DROP TABLE project_events;
DROP TABLE approvals;
DROP TABLE approval_requests;
DROP TABLE projects;
