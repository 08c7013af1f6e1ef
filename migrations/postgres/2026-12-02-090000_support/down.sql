DROP TABLE ticket_events;
DROP TABLE ticket_participants;
DROP TABLE tickets;
DROP TABLE desk_agents;
DROP TABLE desks;
