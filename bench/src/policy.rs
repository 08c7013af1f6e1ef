//! Policy decision vs casbin: the same questions (every profile × every
//! action of SPEC §2.3–2.4, loaded into casbin as `p, profile, action`
//! rows), single thread, casbin's plain `Enforcer` and its `CachedEnforcer`.
//! The answers are checked equal before anything is timed.

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

pub struct PolicyResult {
    pub questions: usize,
    pub habilis_ns: f64,
    pub casbin_cached_ns: f64,
    pub casbin_plain_ns: f64,
}

impl PolicyResult {
    pub fn vs_cached(&self) -> f64 {
        self.casbin_cached_ns / self.habilis_ns
    }
    pub fn vs_plain(&self) -> f64 {
        self.casbin_plain_ns / self.habilis_ns
    }
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

pub fn run() -> anyhow::Result<PolicyResult> {
    tokio::runtime::Builder::new_current_thread()
        .build()?
        .block_on(compare())
}

async fn compare() -> anyhow::Result<PolicyResult> {
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
            anyhow::bail!("casbin disagrees on {s} {a}");
        }
    }

    let n = qs.len();
    let habilis_ns = time(2_000, n, || {
        qs.iter()
            .filter(|(p, a)| policy.decide(&actor(*p), a, &Resource::None).allowed)
            .count()
    });
    let casbin_cached_ns = time(200, n, || {
        asks.iter()
            .filter(|(s, a)| {
                cached
                    .enforce_mut((s.as_str(), a.as_str()))
                    .unwrap_or(false)
            })
            .count()
    });
    let casbin_plain_ns = time(5, n, || {
        asks.iter()
            .filter(|(s, a)| plain.enforce((s.as_str(), a.as_str())).unwrap_or(false))
            .count()
    });
    Ok(PolicyResult {
        questions: n,
        habilis_ns,
        casbin_cached_ns,
        casbin_plain_ns,
    })
}
