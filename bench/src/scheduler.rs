//! The priority scheduler alone (SPEC §2.6, `api/src/compute/scheduler.rs`):
//! dispatch decisions per second over a queue of 10,000 jobs from 1,000
//! people over the six profiles, with the default policy; and how evenly
//! the people of one rank are served (Jain's fairness index).
//!
//! The scheduler is pure, so this times it without a database: the
//! dispatcher around it adds one read of the queue per dispatch round.
//! Building the scheduler from the snapshot (`Scheduler::new`) is timed
//! apart from the decisions (`next`).

use std::collections::HashMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use habilis_api::compute::scheduler::{Scheduler, Snapshot, Waiting};
use habilis_shared::policy::{PriorityPolicy, Profile};

pub const JOBS: usize = 10_000;
pub const PEOPLE: usize = 1_000;
/// Slots: enough that the caps, not the slots, end a run of decisions.
pub const CAPACITY: u32 = 10_000;
/// The fairness run: people of one rank, and decisions among them.
pub const FAIR_PEOPLE: usize = 200;
pub const FAIR_DECISIONS: usize = 1_500;

pub struct SchedulerResult {
    pub decisions: u64,
    pub decisions_per_sec: f64,
    /// Mean `Scheduler::new` time over the runs, in ms.
    pub build_ms: f64,
    /// Decisions one snapshot gives before every waiting job is capped.
    pub per_build: u64,
    pub jain: f64,
    pub fair_min: u32,
    pub fair_max: u32,
}

/// A small reproducible generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n
    }
}

/// 10,000 queued jobs, each of one of 1,000 people chosen at random; person
/// `i` has profile `i mod 6` (an anonymous visitor's jobs are public).
fn queue() -> Snapshot {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let waiting = (0..JOBS)
        .map(|n| {
            let person = rng.below(PEOPLE);
            let profile = Profile::ALL[person % Profile::ALL.len()];
            Waiting {
                job: format!("job-{n}"),
                owner: format!("person-{person}"),
                profile,
                public: profile == Profile::Public,
                seq: n as i64,
            }
        })
        .collect();
    Snapshot {
        waiting,
        running: Vec::new(),
        capacity: CAPACITY,
        last_turn: HashMap::new(),
    }
}

/// 200 confirmed scientists, each with 10 to 49 jobs waiting (more than the
/// 7.5 decisions each gets), queued in a random order.
fn one_rank() -> Snapshot {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut owners: Vec<usize> = (0..FAIR_PEOPLE)
        .flat_map(|p| std::iter::repeat_n(p, 10 + p % 40))
        .collect();
    for i in (1..owners.len()).rev() {
        owners.swap(i, rng.below(i + 1));
    }
    let waiting = owners
        .into_iter()
        .enumerate()
        .map(|(n, p)| Waiting {
            job: format!("job-{n}"),
            owner: format!("person-{p}"),
            profile: Profile::Confirmed,
            public: false,
            seq: n as i64,
        })
        .collect();
    Snapshot {
        waiting,
        running: Vec::new(),
        capacity: CAPACITY,
        last_turn: HashMap::new(),
    }
}

/// Jain's fairness index: (Σx)² / (n·Σx²); 1 when all are equal.
fn jain(xs: &[u32]) -> f64 {
    let sum: f64 = xs.iter().map(|&x| f64::from(x)).sum();
    let squares: f64 = xs.iter().map(|&x| f64::from(x) * f64::from(x)).sum();
    if squares == 0.0 {
        return 1.0;
    }
    sum * sum / (xs.len() as f64 * squares)
}

pub fn run() -> anyhow::Result<SchedulerResult> {
    let policy = PriorityPolicy::default();
    let snapshot = queue();

    // Decisions until every job left is capped, again and again from a
    // fresh scheduler, for at least a second of deciding.
    let mut decisions = 0u64;
    let mut deciding = Duration::ZERO;
    let mut building = Duration::ZERO;
    let mut builds = 0u32;
    let mut per_build = 0u64;
    while deciding < Duration::from_secs(1) || builds < 3 {
        let input = snapshot.clone();
        let start = Instant::now();
        let mut scheduler = Scheduler::new(&policy, input);
        building += start.elapsed();
        builds += 1;
        let start = Instant::now();
        let mut n = 0u64;
        for pick in scheduler.by_ref() {
            black_box(&pick);
            n += 1;
        }
        deciding += start.elapsed();
        drop(scheduler);
        if builds > 1 && n != per_build {
            anyhow::bail!("the same snapshot gave {per_build} then {n} decisions");
        }
        per_build = n;
        decisions += n;
    }
    if per_build == 0 {
        anyhow::bail!("the scheduler dispatched nothing");
    }

    let fair = one_rank();
    let picks: Vec<_> = Scheduler::new(&policy, fair).take(FAIR_DECISIONS).collect();
    if picks.len() != FAIR_DECISIONS {
        anyhow::bail!("only {} decisions in the fairness run", picks.len());
    }
    let mut counts: HashMap<String, u32> = (0..FAIR_PEOPLE)
        .map(|p| (format!("person-{p}"), 0))
        .collect();
    for pick in picks {
        *counts.entry(pick.owner).or_insert(0) += 1;
    }
    let counts: Vec<u32> = counts.into_values().collect();

    Ok(SchedulerResult {
        decisions,
        decisions_per_sec: decisions as f64 / deciding.as_secs_f64(),
        build_ms: building.as_secs_f64() * 1e3 / f64::from(builds),
        per_build,
        jain: jain(&counts),
        fair_min: counts.iter().copied().min().unwrap_or(0),
        fair_max: counts.iter().copied().max().unwrap_or(0),
    })
}
