//! Compute engines, jobs and the priority queue (SPEC §7, §2.6; issue 17).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use validator::{Validate, ValidationError};

use crate::policy::Profile;

/// The longest argv of an engine's command template.
pub const COMMAND_MAX_ARGS: usize = 256;

fn command_shape(argv: &[String]) -> Result<(), ValidationError> {
    if argv.is_empty() || argv.len() > COMMAND_MAX_ARGS {
        return Err(ValidationError::new("length"));
    }
    if argv[0].trim().is_empty() || argv.iter().any(|a| a.len() > 4096 || a.contains('\0')) {
        return Err(ValidationError::new("argv"));
    }
    Ok(())
}

/// What a job of an engine may use. A local worker slot applies the memory
/// limit as the address-space limit of the process; Slurm passes both on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EngineResources {
    #[validate(range(min = 1, max = 256))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 256))]
    pub cpus: u32,
    #[validate(range(min = 16, max = 4_194_304))]
    #[cfg_attr(feature = "openapi", schema(minimum = 16, maximum = 4194304))]
    pub memory_mb: u32,
}

impl Default for EngineResources {
    fn default() -> Self {
        EngineResources {
            cpus: 1,
            memory_mb: 1024,
        }
    }
}

/// A named input of an engine: a file of one of the project's datasets,
/// chosen at submission, placed in the job's working directory as
/// `inputs/<name>`; the command refers to it as `{inputs.<name>}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EngineInput {
    #[validate(length(min = 1, max = 64))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub name: String,
    #[serde(default)]
    #[validate(length(max = 2000))]
    pub description: String,
    #[serde(default = "yes")]
    pub required: bool,
}

fn yes() -> bool {
    true
}

/// `POST /engines`. `command` is an argv template, never a shell string:
/// each element may hold `{name}` placeholders for a parameter of
/// `parameters` (a JSON Schema with defaults), `{inputs.<name>}` for an
/// input, `{workdir}` or `{outdir}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateEngine {
    #[validate(length(min = 1, max = 120))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 120))]
    pub name: String,
    #[serde(default)]
    #[validate(length(max = 4000))]
    pub description: String,
    #[validate(custom(function = "command_shape"))]
    pub command: Vec<String>,
    /// JSON Schema (draft 2020-12) of the parameters, with defaults; an
    /// object schema. Remote `$ref` is refused.
    #[serde(default = "empty_object_schema")]
    pub parameters: Value,
    #[serde(default)]
    #[validate(nested)]
    pub inputs: Vec<EngineInput>,
    /// Wall-clock limit of one job, in seconds.
    #[validate(range(min = 1, max = 2_592_000))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 2592000))]
    pub timeout_secs: u32,
    #[serde(default)]
    #[validate(nested)]
    pub resources: EngineResources,
}

fn empty_object_schema() -> Value {
    serde_json::json!({"type": "object"})
}

/// `PATCH /engines/{id}`: every field optional. A change makes a new
/// version (jobs keep the version they ran); changing `command`,
/// `parameters` or `inputs` needs `engine.modify`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateEngine {
    #[validate(length(min = 1, max = 120))]
    pub name: Option<String>,
    #[validate(length(max = 4000))]
    pub description: Option<String>,
    #[validate(custom(function = "command_shape"))]
    pub command: Option<Vec<String>>,
    pub parameters: Option<Value>,
    #[validate(nested)]
    pub inputs: Option<Vec<EngineInput>>,
    #[validate(range(min = 1, max = 2_592_000))]
    pub timeout_secs: Option<u32>,
    #[validate(nested)]
    pub resources: Option<EngineResources>,
}

/// One engine, at its current version (or the version asked for).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EngineView {
    pub id: String,
    pub name: String,
    pub description: String,
    /// 1 at creation, +1 at each change.
    pub version: u32,
    pub command: Vec<String>,
    pub parameters: Value,
    pub inputs: Vec<EngineInput>,
    pub timeout_secs: u32,
    pub resources: EngineResources,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Whether the caller may run it (`engine.run`).
    pub can_run: bool,
    /// Whether the caller may change it (`engine.modify`).
    pub can_modify: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnginePage {
    pub items: Vec<EngineView>,
    /// The cursor of the next page; `None` on the last one.
    pub next_cursor: Option<String>,
}

/// Where a job stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum JobState {
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
    TimedOut,
}

impl JobState {
    pub const ALL: [JobState; 6] = [
        JobState::Queued,
        JobState::Running,
        JobState::Succeeded,
        JobState::Failed,
        JobState::Cancelled,
        JobState::TimedOut,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
            Self::TimedOut => "timed_out",
        }
    }

    pub fn parse(s: &str) -> Option<JobState> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// `true` once the job will not change again.
    pub const fn is_final(self) -> bool {
        !matches!(self, Self::Queued | Self::Running)
    }
}

/// `POST /projects/{id}/jobs`: the parameters are laid over the engine's
/// defaults and validated against its schema.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SubmitJob {
    #[validate(length(min = 1, max = 64))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub engine_id: String,
    #[serde(default)]
    pub parameters: Option<Value>,
    #[serde(default)]
    #[validate(length(min = 1, max = 120))]
    pub name: Option<String>,
    /// Input name → file id of a dataset of the project.
    #[serde(default)]
    pub inputs: BTreeMap<String, String>,
}

/// One job.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JobView {
    pub id: String,
    pub name: String,
    pub project_id: String,
    pub project_name: String,
    pub engine_id: String,
    pub engine_name: String,
    /// The engine version the job runs (or ran).
    pub engine_version: u32,
    pub owner_id: String,
    pub owner_name: String,
    pub state: JobState,
    /// The effective parameters (defaults merged under what was asked).
    pub parameters: Value,
    pub inputs: BTreeMap<String, String>,
    /// The owner's profile and its rank when the job was submitted.
    pub profile: Profile,
    pub rank: u32,
    /// Which executor runs it (`local`, `slurm`), once dispatched.
    pub executor: Option<String>,
    pub queued_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub exit_code: Option<i32>,
    /// CPU time (user + system), in seconds.
    pub cpu_secs: Option<f64>,
    /// Peak resident memory, in KiB.
    pub max_rss_kb: Option<i64>,
    /// Why it failed, in the reader's language.
    pub failure: Option<String>,
    /// The draft work its outputs became.
    pub work_id: Option<String>,
    /// The dataset holding its output files.
    pub dataset_id: Option<String>,
    /// Whether the caller may cancel it.
    pub can_cancel: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JobPage {
    pub items: Vec<JobView>,
    /// The cursor of the next page; `None` on the last one.
    pub next_cursor: Option<String>,
}

/// `GET /jobs`: filters and page.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct JobQuery {
    /// Only the jobs of this project.
    pub project_id: Option<String>,
    /// Only jobs in this state (`queued`, `running`, `succeeded`, `failed`,
    /// `cancelled`, `timed_out`).
    pub state: Option<String>,
    /// Whose jobs: `me` (default) or `subordinates` (the jobs of the people
    /// whose activity I see).
    pub owner: Option<String>,
    /// Page size, 1–200, default 50.
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<u32>,
    /// Opaque cursor from the previous page's `next_cursor`.
    pub cursor: Option<String>,
}

/// The rule that holds a waiting job now (SPEC §2.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum BindingRule {
    /// It goes at the next dispatch decision.
    Next,
    /// Jobs of a higher rank wait and can run.
    Rank,
    /// Other people of the same rank have their turn first.
    Turn,
    /// The owner's profile cap `max_running` is reached.
    MaxRunning,
    /// The owner's profile has its `max_share` of the slots.
    MaxShare,
    /// Every slot is busy.
    Capacity,
    /// Public jobs go after everything else.
    PublicLast,
}

impl BindingRule {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Next => "next",
            Self::Rank => "rank",
            Self::Turn => "turn",
            Self::MaxRunning => "max_running",
            Self::MaxShare => "max_share",
            Self::Capacity => "capacity",
            Self::PublicLast => "public_last",
        }
    }
}

/// Jobs ahead of mine at one rank.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RankAhead {
    pub rank: u32,
    /// The profiles of that rank.
    pub profiles: Vec<Profile>,
    pub jobs: u32,
    pub people: u32,
}

/// `GET /jobs/{id}/queue`: "why am I waiting".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueuePosition {
    /// 1 = the next to be dispatched (a job no longer queued answers 409).
    pub position: u32,
    pub ahead: Vec<RankAhead>,
    pub binding_rule: BindingRule,
    /// The same, in a sentence in the reader's language.
    pub reason: String,
}

/// One rank of the whole queue (nobody named).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RankCount {
    pub rank: u32,
    pub profiles: Vec<Profile>,
    pub queued: u32,
    pub running: u32,
    /// People with a job queued at this rank.
    pub people: u32,
}

/// `GET /queue`: the whole queue by rank, highest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueView {
    /// Worker slots of this platform.
    pub capacity: u32,
    pub running: u32,
    pub queued: u32,
    pub ranks: Vec<RankCount>,
}
