DROP TABLE activity;
DROP TABLE annotations;
DROP TABLE works;
