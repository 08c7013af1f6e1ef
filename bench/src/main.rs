//! `make bench`: comparisons measured side by side in one run, because
//! these machines are noisy and only ratios mean something (issue 7).
//!
//! Today: the policy decision of `habilis-shared` against the `casbin`
//! crate answering the same questions (every profile × every action of
//! SPEC §2.3–2.4, loaded into casbin as `p, profile, action` rows), single
//! thread, with casbin's plain `Enforcer` and its `CachedEnforcer`. The
//! answers are checked equal before anything is timed.

use std::hint::black_box;
use std::time::Instant;

use casbin::{CachedApi, CachedEnforcer, CoreApi, DefaultModel, Enforcer, MemoryAdapter, MgmtApi};
use habilis_shared::policy::{Action, Actor, Policy, Profile, Resource};

const MODEL: &str = r#"
[request_definition]
r = sub, act

[policy_definition]
p = sub, act

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = r.sub == p.sub && r.act == p.act
"#;

struct Row {
    name: &'static str,
    ns_per_decision: f64,
}

fn questions() -> Vec<(Profile, Action)> {
    let mut q = Vec::new();
    for p in Profile::ACCOUNT_PROFILES {
        for a in Action::all() {
            q.push((p, a));
        }
    }
    q
}

/// Runs `f` over every question `rounds` times; ns per decision, best of 5.
fn time(rounds: usize, n: usize, mut f: impl FnMut() -> usize) -> f64 {
    let mut best = f64::MAX;
    for _ in 0..5 {
        let start = Instant::now();
        let mut allowed = 0;
        for _ in 0..rounds {
            allowed += f();
        }
        black_box(allowed);
        let ns = start.elapsed().as_nanos() as f64 / (rounds * n) as f64;
        best = best.min(ns);
    }
    best
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "results/latest.json".into());
    let policy = Policy::default();
    let qs = questions();
    let actor = |p: Profile| Actor::new(p, true);
    let expected: Vec<bool> = qs
        .iter()
        .map(|(p, a)| policy.decide(&actor(*p), a, &Resource::None).allowed)
        .collect();

    let rules: Vec<Vec<String>> = qs
        .iter()
        .zip(&expected)
        .filter(|(_, allowed)| **allowed)
        .map(|((p, a), _)| vec![p.as_str().to_owned(), a.code()])
        .collect();
    let mut plain = Enforcer::new(
        DefaultModel::from_str(MODEL).await?,
        MemoryAdapter::default(),
    )
    .await?;
    plain.add_policies(rules.clone()).await?;
    let mut cached = CachedEnforcer::new(
        DefaultModel::from_str(MODEL).await?,
        MemoryAdapter::default(),
    )
    .await?;
    cached.add_policies(rules).await?;
    cached.set_cache(Box::new(casbin::DefaultCache::new(10_000)));

    let asks: Vec<(String, String)> = qs
        .iter()
        .map(|(p, a)| (p.as_str().to_owned(), a.code()))
        .collect();
    for (i, (s, a)) in asks.iter().enumerate() {
        let p = plain.enforce((s.as_str(), a.as_str()))?;
        let c = cached.enforce_mut((s.as_str(), a.as_str()))?;
        if p != expected[i] || c != expected[i] {
            return Err(format!("casbin disagrees on {s} {a}").into());
        }
    }

    let n = qs.len();
    let habilis = time(2_000, n, || {
        qs.iter()
            .filter(|(p, a)| policy.decide(&actor(*p), a, &Resource::None).allowed)
            .count()
    });
    let casbin_cached = time(200, n, || {
        asks.iter()
            .filter(|(s, a)| {
                cached
                    .enforce_mut((s.as_str(), a.as_str()))
                    .unwrap_or(false)
            })
            .count()
    });
    let casbin_plain = time(5, n, || {
        asks.iter()
            .filter(|(s, a)| plain.enforce((s.as_str(), a.as_str())).unwrap_or(false))
            .count()
    });
    let rows = [
        Row {
            name: "habilis decide (with rule and reason)",
            ns_per_decision: habilis,
        },
        Row {
            name: "casbin CachedEnforcer",
            ns_per_decision: casbin_cached,
        },
        Row {
            name: "casbin Enforcer",
            ns_per_decision: casbin_plain,
        },
    ];
    let vs_cached = casbin_cached / habilis;
    let vs_plain = casbin_plain / habilis;
    println!("policy decision vs casbin ({n} questions: every profile × every action)");
    println!("| implementation | ns per decision |");
    println!("|---|---|");
    for r in &rows {
        println!("| {} | {:.0} |", r.name, r.ns_per_decision);
    }
    println!(
        "habilis is {vs_cached:.1}× faster than casbin's cached enforcer (goal ≥ 10×: {}) and {vs_plain:.0}× faster than its plain enforcer (goal ≥ 500×: {})",
        if vs_cached >= 10.0 { "met" } else { "NOT met" },
        if vs_plain >= 500.0 { "met" } else { "NOT met" },
    );
    let json = serde_json::json!({
        "date": chrono::Utc::now().to_rfc3339(),
        "machine": std::fs::read_to_string("/proc/cpuinfo").ok()
            .and_then(|c| c.lines().find(|l| l.starts_with("model name")).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())),
        "cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        "comparisons": [{
            "name": "policy decision vs casbin",
            "questions": n,
            "ns_per_decision": {
                "habilis": habilis,
                "casbin_cached": casbin_cached,
                "casbin_plain": casbin_plain,
            },
            "ratio_vs_cached": vs_cached,
            "ratio_vs_plain": vs_plain,
            "goals": { "vs_cached": 10.0, "vs_plain": 500.0 },
        }],
        "not_measured_yet": [
            "authenticated read vs bare actix floor (SQLite, PostgreSQL; 64 and 200 connections)",
            "login vs raw argon2id verify",
            "token refresh per second",
            "GET /users with 100,000 accounts, page 1 vs page 50",
        ],
    });
    std::fs::write(&out, serde_json::to_string_pretty(&json)? + "\n")?;
    println!("written to {out}");
    Ok(())
}
