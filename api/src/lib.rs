//! Habilis API server and command-line front door.
//!
//! A request travels one way: route → caller extractor ([`auth`]) → policy
//! decision ([`policy`]) → service (one transaction: change + audit row +
//! outbox mail) → DTO → JSON. See README "Architecture".

pub mod accounts;
pub mod activity;
pub mod app;
pub mod audit;
pub mod auth;
pub mod catalog;
pub mod cli;
pub mod clock;
pub mod compute;
pub mod config;
pub mod datasets;
pub mod db;
pub mod engines;
pub mod error;
pub mod extract;
pub mod instances;
pub mod jobs;
pub mod kb;
pub mod lang;
pub mod mail;
pub mod meta;
pub mod metrics;
pub mod orders;
pub mod orgs;
pub mod paging;
pub mod policy;
pub mod projects;
pub mod routes;
pub mod routing;
pub mod spawners;
pub mod state;
pub mod storage;
pub mod support;
pub mod uploads;
pub mod works;
