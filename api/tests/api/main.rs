//! Integration tests: the real server, a fresh database per test, on
//! SQLite by default and on PostgreSQL with `HABILIS_TEST_DB=postgres`
//! (`make test` runs both).

mod accounts;
mod attacks;
mod auth;
mod catalog;
mod cli;
mod compute;
mod crash;
mod datasets;
mod helpers;
mod http;
mod hygiene;
mod i18n;
mod idor;
mod instances;
mod kb;
mod kb_from_ticket;
mod keys;
mod language;
mod lifecycle;
mod lists;
mod mail;
mod mail_in;
mod objects;
mod openapi;
mod orders;
mod orgs;
mod project_works;
mod projects;
mod recovery;
mod routes;
mod secondment;
mod security;
mod storage;
mod support;
mod uploads;
mod works;
