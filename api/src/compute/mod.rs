//! Compute jobs and the priority scheduler (SPEC §7, §2.6; issue 17).

pub mod executors;
pub mod scheduler;
