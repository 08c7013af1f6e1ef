DELETE FROM app_locks WHERE name = 'memberships';
DROP TABLE invitations;
DROP TABLE memberships;
DROP TABLE organizations;
