//! Works (SPEC §5): draft → unpublished → published, annotations, and who
//! sees them (SPEC §2.5). Every decision is the policy's; the list query is
//! built from the same decisions so pagination stays correct.

pub mod queries;
pub mod routes;
