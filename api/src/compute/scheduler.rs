//! The priority scheduler (SPEC §2.6, seed 004 §8) as a pure function of a
//! queue snapshot: no database, no I/O, no clock. The dispatcher reads the
//! queued and running jobs, builds a [`Scheduler`], asks [`Scheduler::next`]
//! for as many jobs as it has free slots, and starts them; "why am I
//! waiting" asks [`Scheduler::explain`].
//!
//! Rules, in this order:
//! - a job runs only if a slot is free (`capacity`) and its profile's caps
//!   hold: `max_running` jobs of one person, `max_share` of the slots for
//!   all the jobs of the profile together (at least one slot). The caps hold
//!   even when the platform is idle ("priorité bridée", seed 004 §8.1);
//! - strict priority between ranks (`PriorityPolicy::ranks`, higher first):
//!   a job of a lower rank starts only when no job of a higher rank could
//!   start now (a job held by its caps does not hold lower ranks back);
//! - public jobs (prepared queries) go after every rank, whatever the ranks
//!   say (seed 004 §8.1.1);
//! - within a rank, people take turns (seed 004 §8.1.2–8.1.6: "traités avec
//!   la même égalité"): the person with the fewest running jobs first, then
//!   the one served least recently (`last_turn`), then the one whose oldest
//!   job is oldest; a person's own jobs go first in, first out (`seq`).
//!
//! Cost: owners are interned to integers; each rank keeps a binary heap of
//! "lanes" (one person's jobs of that rank, oldest first) keyed by
//! `(running, last turn, oldest seq)`. The keys only ever grow (nothing
//! finishes inside one scheduler), so a stale key is refreshed when it
//! comes to the top, and a lane whose head is held by a cap is dropped from
//! its heap for good: `next` is O(log n) amortised.

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap, HashMap, VecDeque};

use habilis_shared::dto::{BindingRule, RankAhead};
use habilis_shared::i18n::Msg;
use habilis_shared::policy::{PriorityPolicy, Profile};

/// A queued job as the scheduler sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Waiting {
    pub job: String,
    pub owner: String,
    /// The owner's profile when the job was submitted.
    pub profile: Profile,
    /// A prepared query of the public site: after every rank.
    pub public: bool,
    /// Queue order (first in, first out within one person).
    pub seq: i64,
}

/// A running job: it holds a slot and counts against its owner's caps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Busy {
    pub owner: String,
    pub profile: Profile,
}

/// The queue at one instant.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Snapshot {
    pub waiting: Vec<Waiting>,
    pub running: Vec<Busy>,
    /// Worker slots of the platform.
    pub capacity: u32,
    /// Owner → sequence number of the owner's last dispatch (absent: never
    /// served, which goes first).
    pub last_turn: HashMap<String, i64>,
}

/// One dispatch decision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pick {
    pub job: String,
    pub owner: String,
}

/// Why a waiting job waits ("why am I waiting", `GET /jobs/{id}/queue`).
#[derive(Clone, Debug, PartialEq)]
pub struct Explanation {
    /// 1 = the next job to start. Counted as if every slot were free but
    /// the caps held; jobs that their caps hold for good (until something
    /// finishes) come after all the others.
    pub position: u32,
    /// The jobs ahead, by rank, highest first (their jobs add up to
    /// `position - 1`).
    pub ahead: Vec<RankAhead>,
    pub binding_rule: BindingRule,
    /// The job's profile, rank, and whether it is a public query.
    pub profile: Profile,
    pub rank: u32,
    pub public: bool,
    /// The cap the rule names: `max_running` for `MaxRunning`, the slots
    /// of the profile's `max_share` for `MaxShare`; otherwise the owner's
    /// `max_running` (`None`: the profile has no cap).
    pub cap: Option<u32>,
    /// The profile's `max_running` and its share of the slots.
    pub max_running: Option<u32>,
    pub share_slots: Option<u32>,
    /// Running jobs of the owner, and of the job's profile (all people).
    pub running_mine: u32,
    pub running_profile: u32,
    /// Jobs ahead that are of a higher rank (or, for a public job, not
    /// public) and can start.
    pub higher_waiting: u32,
    /// Jobs ahead of the same rank (and publicness), and their owners.
    pub same_rank_jobs: u32,
    pub same_rank_people: u32,
    pub capacity: u32,
    pub running: u32,
}

const PROFILES: usize = Profile::ALL.len();

fn index(p: Profile) -> usize {
    p as usize
}

/// A heap entry: (owner's running jobs, owner's last turn, seq of the
/// lane's oldest job, lane). The smallest goes first.
type Key = (u32, i64, i64, u32);

/// What does not change while deciding.
#[derive(Clone, Debug)]
struct Fixed {
    job_ids: Vec<String>,
    owners: Vec<String>,
    job_owner: Vec<u32>,
    job_seq: Vec<i64>,
    job_profile: Vec<Profile>,
    job_class: Vec<u32>,
    lane_owner: Vec<u32>,
    by_id: HashMap<String, u32>,
    /// Dispatch classes, first served first: `(public, rank)`, non-public
    /// ranks from the highest, then public ones.
    classes: Vec<(bool, u32)>,
    ranks: [Option<u32>; PROFILES],
    max_running: [Option<u32>; PROFILES],
    share_slots: [Option<u32>; PROFILES],
    capacity: u32,
}

impl Fixed {
    fn rank(&self, p: Profile) -> u32 {
        self.ranks[index(p)].unwrap_or(0)
    }
}

/// What every decision changes. Integers only, so a simulation on a clone
/// is cheap.
#[derive(Clone, Debug)]
struct State {
    lanes: Vec<VecDeque<u32>>,
    heaps: Vec<BinaryHeap<Reverse<Key>>>,
    person_running: Vec<u32>,
    person_last: Vec<i64>,
    profile_running: [u32; PROFILES],
    running: u32,
    turn: i64,
    waiting: Vec<bool>,
}

impl State {
    fn key(&self, fixed: &Fixed, lane: u32) -> Option<Key> {
        let head = *self.lanes[lane as usize].front()?;
        let owner = fixed.lane_owner[lane as usize] as usize;
        Some((
            self.person_running[owner],
            self.person_last[owner],
            fixed.job_seq[head as usize],
            lane,
        ))
    }

    /// Whether the job's caps hold it now.
    fn capped(&self, fixed: &Fixed, job: u32) -> bool {
        let p = index(fixed.job_profile[job as usize]);
        let owner = fixed.job_owner[job as usize] as usize;
        fixed.max_running[p].is_some_and(|cap| self.person_running[owner] >= cap)
            || fixed.share_slots[p].is_some_and(|cap| self.profile_running[p] >= cap)
    }

    /// The next job to start with `slots` slots in all, if any can.
    fn pick(&mut self, fixed: &Fixed, slots: u32) -> Option<u32> {
        if self.running >= slots {
            return None;
        }
        for class in 0..self.heaps.len() {
            while let Some(&Reverse(key)) = self.heaps[class].peek() {
                self.heaps[class].pop();
                let lane = key.3;
                let Some(fresh) = self.key(fixed, lane) else {
                    continue;
                };
                if fresh != key {
                    // The owner was served in another lane since: requeue
                    // with the true key (keys only grow, so this converges).
                    self.heaps[class].push(Reverse(fresh));
                    continue;
                }
                let Some(&job) = self.lanes[lane as usize].front() else {
                    continue;
                };
                if self.capped(fixed, job) {
                    // Running counts only grow here: held for good. The
                    // lane keeps its jobs (they are still waiting).
                    continue;
                }
                self.lanes[lane as usize].pop_front();
                let owner = fixed.job_owner[job as usize] as usize;
                self.person_running[owner] += 1;
                self.person_last[owner] = self.turn;
                self.turn += 1;
                self.profile_running[index(fixed.job_profile[job as usize])] += 1;
                self.running += 1;
                self.waiting[job as usize] = false;
                if let Some(next) = self.key(fixed, lane) {
                    self.heaps[class].push(Reverse(next));
                }
                return Some(job);
            }
        }
        None
    }
}

/// The scheduler over one snapshot; see the module documentation.
#[derive(Clone, Debug)]
pub struct Scheduler {
    fixed: Fixed,
    state: State,
}

impl Scheduler {
    pub fn new(policy: &PriorityPolicy, snapshot: Snapshot) -> Scheduler {
        let Snapshot {
            waiting,
            running,
            capacity,
            last_turn,
        } = snapshot;
        let mut ranks = [None; PROFILES];
        let mut max_running = [None; PROFILES];
        let mut share_slots = [None; PROFILES];
        for p in Profile::ALL {
            ranks[index(p)] = policy.ranks.get(&p).copied();
            if let Some(cap) = policy.caps.get(&p) {
                max_running[index(p)] = Some(cap.max_running);
                // max(1, floor(max_share × capacity)): a profile alone on a
                // small platform still gets one slot.
                let share = cap.max_share.clamp(0.0, 1.0) * f64::from(capacity);
                share_slots[index(p)] = Some((share.floor() as u32).max(1));
            }
        }

        let mut order: Vec<usize> = (0..waiting.len()).collect();
        order.sort_by_key(|&i| (waiting[i].seq, i));

        let mut owner_ids: HashMap<String, u32> = HashMap::new();
        let mut owners = Vec::new();
        let mut class_set = BTreeSet::new();
        for w in &waiting {
            let rank = ranks[index(w.profile)].unwrap_or(0);
            class_set.insert((w.public, Reverse(rank)));
        }
        let classes: Vec<(bool, u32)> = class_set.iter().map(|&(p, Reverse(r))| (p, r)).collect();
        let class_of: HashMap<(bool, u32), u32> = classes
            .iter()
            .enumerate()
            .map(|(i, &c)| (c, i as u32))
            .collect();

        let n = waiting.len();
        let mut fixed = Fixed {
            job_ids: Vec::with_capacity(n),
            owners: Vec::new(),
            job_owner: Vec::with_capacity(n),
            job_seq: Vec::with_capacity(n),
            job_profile: Vec::with_capacity(n),
            job_class: Vec::with_capacity(n),
            lane_owner: Vec::new(),
            by_id: HashMap::with_capacity(n),
            classes,
            ranks,
            max_running,
            share_slots,
            capacity,
        };
        let mut lanes: Vec<VecDeque<u32>> = Vec::new();
        let mut lane_of: HashMap<(u32, u32), u32> = HashMap::new();
        let mut slots: Vec<Option<Waiting>> = waiting.into_iter().map(Some).collect();
        for i in order {
            let Some(w) = slots[i].take() else { continue };
            let job = fixed.job_ids.len() as u32;
            let owner = match owner_ids.get(&w.owner) {
                Some(&o) => o,
                None => {
                    let o = owners.len() as u32;
                    owner_ids.insert(w.owner.clone(), o);
                    owners.push(w.owner);
                    o
                }
            };
            let rank = fixed.rank(w.profile);
            let class = class_of.get(&(w.public, rank)).copied().unwrap_or(0);
            let lane = *lane_of.entry((owner, class)).or_insert_with(|| {
                lanes.push(VecDeque::new());
                fixed.lane_owner.push(owner);
                (lanes.len() - 1) as u32
            });
            lanes[lane as usize].push_back(job);
            fixed.by_id.insert(w.job.clone(), job);
            fixed.job_ids.push(w.job);
            fixed.job_owner.push(owner);
            fixed.job_seq.push(w.seq);
            fixed.job_profile.push(w.profile);
            fixed.job_class.push(class);
        }
        fixed.owners = owners;

        let mut person_running = vec![0u32; fixed.owners.len()];
        let mut profile_running = [0u32; PROFILES];
        for b in &running {
            if let Some(&o) = owner_ids.get(&b.owner) {
                person_running[o as usize] += 1;
            }
            profile_running[index(b.profile)] += 1;
        }
        let person_last: Vec<i64> = fixed
            .owners
            .iter()
            .map(|o| last_turn.get(o).copied().unwrap_or(i64::MIN))
            .collect();
        let turn = last_turn.values().copied().max().unwrap_or(0).max(0) + 1;

        let mut state = State {
            lanes,
            heaps: vec![BinaryHeap::new(); fixed.classes.len()],
            person_running,
            person_last,
            profile_running,
            running: u32::try_from(running.len()).unwrap_or(u32::MAX),
            turn,
            waiting: vec![true; n],
        };
        for lane in 0..state.lanes.len() as u32 {
            if let Some(key) = state.key(&fixed, lane) {
                let head = state.lanes[lane as usize][0];
                let class = fixed.job_class[head as usize] as usize;
                state.heaps[class].push(Reverse(key));
            }
        }
        Scheduler { fixed, state }
    }

    /// Every waiting job in the order it would start if every slot were
    /// free but the caps held; then, in class and queue order, the jobs
    /// their caps hold until something finishes. The second value is how
    /// many of the first can start.
    fn order(&self) -> (Vec<u32>, usize) {
        let mut sim = self.state.clone();
        let mut order = Vec::new();
        while let Some(job) = sim.pick(&self.fixed, u32::MAX) {
            order.push(job);
        }
        let startable = order.len();
        let mut held: Vec<u32> = (0..self.fixed.job_ids.len() as u32)
            .filter(|&j| sim.waiting[j as usize])
            .collect();
        held.sort_by_key(|&j| {
            (
                self.fixed.job_class[j as usize],
                self.fixed.job_seq[j as usize],
                j,
            )
        });
        order.extend(held);
        (order, startable)
    }

    /// Why the waiting job `job` waits; `None` if it is not waiting here
    /// (unknown, or already picked by [`Scheduler::next`]). O(n log n).
    pub fn explain(&self, job: &str) -> Option<Explanation> {
        let &j = self.fixed.by_id.get(job)?;
        if !self.state.waiting[j as usize] {
            return None;
        }
        let (order, startable) = self.order();
        let at = order.iter().position(|&x| x == j)?;
        Some(self.explain_at(&order, startable, at))
    }

    /// [`Scheduler::explain`] for every waiting job, in position order, with
    /// one simulation.
    pub fn explain_all(&self) -> Vec<(String, Explanation)> {
        let (order, startable) = self.order();
        (0..order.len())
            .map(|at| {
                let job = self.fixed.job_ids[order[at] as usize].clone();
                (job, self.explain_at(&order, startable, at))
            })
            .collect()
    }

    fn explain_at(&self, order: &[u32], startable: usize, at: usize) -> Explanation {
        let f = &self.fixed;
        let s = &self.state;
        let j = order[at] as usize;
        let profile = f.job_profile[j];
        let p = index(profile);
        let rank = f.rank(profile);
        let class = f.job_class[j];
        let public = f.classes[class as usize].0;
        let owner = f.job_owner[j] as usize;

        // The jobs ahead, grouped by rank, highest first.
        let mut groups: Vec<(u32, u32, BTreeSet<u32>)> = Vec::new();
        let mut higher_waiting = 0u32;
        let mut same_rank_jobs = 0u32;
        let mut same_people = BTreeSet::new();
        for (i, &x) in order[..at].iter().enumerate() {
            let x = x as usize;
            let r = f.rank(f.job_profile[x]);
            match groups.iter_mut().find(|g| g.0 == r) {
                Some(g) => {
                    g.1 += 1;
                    g.2.insert(f.job_owner[x]);
                }
                None => groups.push((r, 1, BTreeSet::from([f.job_owner[x]]))),
            }
            if i < startable && f.job_class[x] < class {
                higher_waiting += 1;
            }
            if f.job_class[x] == class {
                same_rank_jobs += 1;
                same_people.insert(f.job_owner[x]);
            }
        }
        groups.sort_by_key(|g| Reverse(g.0));
        let ahead = groups
            .into_iter()
            .map(|(r, jobs, people)| RankAhead {
                rank: r,
                profiles: Profile::ALL
                    .into_iter()
                    .filter(|&q| f.rank(q) == r)
                    .collect(),
                jobs,
                people: people.len() as u32,
            })
            .collect();

        let running_mine = s.person_running[owner];
        let running_profile = s.profile_running[p];
        let mine_full = f.max_running[p].is_some_and(|c| running_mine >= c);
        let share_full = f.share_slots[p].is_some_and(|c| running_profile >= c);
        let others_waiting =
            (0..f.job_ids.len()).any(|x| s.waiting[x] && !f.classes[f.job_class[x] as usize].0);
        let binding_rule = if at == 0 && startable > 0 {
            if s.running < f.capacity {
                BindingRule::Next
            } else {
                BindingRule::Capacity
            }
        } else if mine_full {
            BindingRule::MaxRunning
        } else if share_full {
            BindingRule::MaxShare
        } else if public && others_waiting {
            BindingRule::PublicLast
        } else if higher_waiting > 0 {
            BindingRule::Rank
        } else {
            BindingRule::Turn
        };
        let cap = match binding_rule {
            BindingRule::MaxShare => f.share_slots[p],
            _ => f.max_running[p],
        };
        Explanation {
            position: u32::try_from(at + 1).unwrap_or(u32::MAX),
            ahead,
            binding_rule,
            profile,
            rank,
            public,
            cap,
            max_running: f.max_running[p],
            share_slots: f.share_slots[p],
            running_mine,
            running_profile,
            higher_waiting,
            same_rank_jobs,
            same_rank_people: same_people.len() as u32,
            capacity: f.capacity,
            running: s.running,
        }
    }
}

/// The decisions one after the other (`next`); once `None`, always `None`
/// (nothing finishes inside one scheduler).
impl Iterator for Scheduler {
    type Item = Pick;

    /// The next dispatch decision: the job to start now, or `None` when
    /// nothing can (no free slot, or every waiting job held by its caps).
    /// The scheduler then counts it as running.
    fn next(&mut self) -> Option<Pick> {
        let job = self.state.pick(&self.fixed, self.fixed.capacity)?;
        let owner = self.fixed.job_owner[job as usize] as usize;
        Some(Pick {
            job: self.fixed.job_ids[job as usize].clone(),
            owner: self.fixed.owners[owner].clone(),
        })
    }
}

impl std::iter::FusedIterator for Scheduler {}

/// The ids of up to `n` jobs to start now, in order.
pub fn dispatch(policy: &PriorityPolicy, snapshot: Snapshot, n: usize) -> Vec<Pick> {
    Scheduler::new(policy, snapshot).take(n).collect()
}

/// A list of profiles in the reader's language ("confirmed scientists and
/// webmasters").
fn profiles_msg(profiles: &[Profile]) -> Msg {
    match profiles {
        [] => Msg::new("queue-profile-none"),
        [one] => Msg::new("queue-profile").arg("profile", one.as_str()),
        [first, second] => Msg::new("queue-profile-pair")
            .arg("first", profiles_msg(&[*first]))
            .arg("second", profiles_msg(&[*second])),
        [first, rest @ ..] => Msg::new("queue-profile-more")
            .arg("first", profiles_msg(&[*first]))
            .arg("rest", profiles_msg(rest)),
    }
}

/// The explanation in a sentence (`QueuePosition::reason`).
pub fn reason(e: &Explanation) -> Msg {
    let ahead = e.position.saturating_sub(1);
    let own = profiles_msg(&[e.profile]);
    match e.binding_rule {
        BindingRule::Next => Msg::new("queue-reason-next"),
        BindingRule::Capacity => Msg::new("queue-reason-capacity").arg("capacity", e.capacity),
        BindingRule::Rank => {
            let higher: Vec<Profile> = e
                .ahead
                .iter()
                .filter(|r| r.rank > e.rank)
                .flat_map(|r| r.profiles.iter().copied())
                .collect();
            Msg::new("queue-reason-rank")
                .arg("jobs", e.higher_waiting)
                .arg("profiles", profiles_msg(&higher))
                .arg("rank", e.rank)
        }
        BindingRule::Turn => Msg::new("queue-reason-turn")
            .arg("jobs", ahead)
            .arg("people", e.same_rank_people),
        BindingRule::MaxRunning => Msg::new("queue-reason-max-running")
            .arg("running", e.running_mine)
            .arg("cap", e.cap.unwrap_or(0))
            .arg("profiles", own),
        BindingRule::MaxShare => Msg::new("queue-reason-max-share")
            .arg("running", e.running_profile)
            .arg("cap", e.cap.unwrap_or(0))
            .arg("capacity", e.capacity)
            .arg("profiles", own),
        BindingRule::PublicLast => Msg::new("queue-reason-public-last").arg("jobs", ahead),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use habilis_shared::i18n::Language;
    use habilis_shared::policy::PriorityCap;
    use proptest::prelude::*;

    use super::*;
    use Profile::{Admin, Confirmed, Expert, Novice, Public, Webmaster};

    fn job(id: &str, owner: &str, profile: Profile, seq: i64) -> Waiting {
        Waiting {
            job: id.to_owned(),
            owner: owner.to_owned(),
            profile,
            public: false,
            seq,
        }
    }

    fn public(id: &str, owner: &str, profile: Profile, seq: i64) -> Waiting {
        Waiting {
            public: true,
            ..job(id, owner, profile, seq)
        }
    }

    fn busy(owner: &str, profile: Profile, n: usize) -> Vec<Busy> {
        (0..n)
            .map(|_| Busy {
                owner: owner.to_owned(),
                profile,
            })
            .collect()
    }

    fn snap(waiting: Vec<Waiting>, running: Vec<Busy>, capacity: u32) -> Snapshot {
        Snapshot {
            waiting,
            running,
            capacity,
            last_turn: HashMap::new(),
        }
    }

    /// The default policy without any cap.
    fn uncapped() -> PriorityPolicy {
        PriorityPolicy {
            caps: BTreeMap::new(),
            ..PriorityPolicy::default()
        }
    }

    fn ids(policy: &PriorityPolicy, snapshot: Snapshot) -> Vec<String> {
        dispatch(policy, snapshot, usize::MAX)
            .into_iter()
            .map(|p| p.job)
            .collect()
    }

    // -- dispatch orders ------------------------------------------------

    /// Seed 004 §8.2: confirmed and webmaster beat each other, so they
    /// share a rank and take turns.
    #[test]
    fn confirmed_and_webmaster_alternate() {
        let waiting = vec![
            job("c1", "carla", Confirmed, 1),
            job("w1", "wim", Webmaster, 2),
            job("c2", "carla", Confirmed, 3),
            job("w2", "wim", Webmaster, 4),
            job("c3", "carla", Confirmed, 5),
            job("w3", "wim", Webmaster, 6),
            job("c4", "carla", Confirmed, 7),
        ];
        assert_eq!(
            ids(&uncapped(), snap(waiting.clone(), vec![], 100)),
            ["c1", "w1", "c2", "w2", "c3", "w3", "c4"]
        );
        // With the default caps the webmaster stops at max_running = 2.
        assert_eq!(
            ids(&PriorityPolicy::default(), snap(waiting, vec![], 100)),
            ["c1", "w1", "c2", "w2", "c3", "c4"]
        );
    }

    #[test]
    fn higher_ranks_go_first_whatever_the_queue_order() {
        let waiting = vec![
            job("n1", "nina", Novice, 1),
            job("c1", "carla", Confirmed, 2),
            job("e1", "emma", Expert, 3),
            job("e2", "emma", Expert, 4),
            job("a1", "adam", Admin, 5),
        ];
        assert_eq!(
            ids(&uncapped(), snap(waiting, vec![], 100)),
            ["a1", "e1", "e2", "c1", "n1"]
        );
    }

    /// Seed 004 §8.1: a novice alone gets a "bridled" priority.
    #[test]
    fn a_novice_alone_is_capped_by_max_running() {
        let waiting = (1..=6)
            .map(|i| job(&format!("n{i}"), "nina", Novice, i))
            .collect();
        // Default novice caps: max_running 4, max_share 0.25 of 100 = 25.
        let mut s = Scheduler::new(&PriorityPolicy::default(), snap(waiting, vec![], 100));
        let got: Vec<String> = s.by_ref().map(|p| p.job).collect();
        assert_eq!(got, ["n1", "n2", "n3", "n4"]);
        assert_eq!(s.next(), None, "the platform is idle but the cap holds");
    }

    #[test]
    fn a_novice_alone_is_capped_by_max_share() {
        let waiting = vec![
            job("x1", "xavier", Novice, 1),
            job("x2", "xavier", Novice, 2),
            job("y1", "yann", Novice, 3),
            job("y2", "yann", Novice, 4),
        ];
        // 0.25 × 8 slots = 2 for all novices together.
        assert_eq!(
            ids(&PriorityPolicy::default(), snap(waiting.clone(), vec![], 8)),
            ["x1", "y1"]
        );
        // 0.25 × 3 = 0.75: still one slot.
        assert_eq!(
            ids(&PriorityPolicy::default(), snap(waiting.clone(), vec![], 3)),
            ["x1"]
        );
        // Novices already running elsewhere count against the share.
        assert!(ids(
            &PriorityPolicy::default(),
            snap(waiting, busy("zoe", Novice, 2), 8)
        )
        .is_empty());
    }

    #[test]
    fn a_profile_without_caps_is_not_capped() {
        let mut policy = PriorityPolicy::default();
        policy.caps.remove(&Novice);
        let waiting = (1..=6)
            .map(|i| job(&format!("n{i}"), "nina", Novice, i))
            .collect();
        assert_eq!(
            ids(&policy, snap(waiting, vec![], 100)),
            ["n1", "n2", "n3", "n4", "n5", "n6"]
        );
    }

    #[test]
    fn public_jobs_go_last_whatever_the_ranks_say() {
        let mut policy = uncapped();
        // Even a policy that ranks anonymous visitors first.
        policy.ranks.insert(Public, 9);
        let waiting = vec![
            public("p1", "visitor-1", Public, 1),
            public("q1", "adam", Admin, 2),
            job("n1", "nina", Novice, 3),
            public("p2", "visitor-2", Public, 4),
            job("a1", "adam", Admin, 5),
        ];
        assert_eq!(
            ids(&policy, snap(waiting, vec![], 100)),
            ["a1", "n1", "p1", "p2", "q1"]
        );
    }

    #[test]
    fn a_capped_higher_rank_does_not_block_a_lower_one() {
        let mut policy = PriorityPolicy::default();
        policy.caps.insert(
            Expert,
            PriorityCap {
                max_running: 1,
                max_share: 1.0,
            },
        );
        let waiting = vec![
            job("e1", "emma", Expert, 1),
            job("e2", "emma", Expert, 2),
            job("n1", "nina", Novice, 3),
            job("f1", "felix", Expert, 4),
        ];
        // Emma already runs one job: her cap holds e1 and e2, not Felix
        // (same rank) nor Nina (lower rank).
        assert_eq!(
            ids(&policy, snap(waiting, busy("emma", Expert, 1), 10)),
            ["f1", "n1"]
        );
    }

    /// One person's 100 jobs do not starve another's one (SPEC §2.6).
    #[test]
    fn people_take_turns_not_jobs() {
        let mut waiting: Vec<Waiting> = (1..=100)
            .map(|i| job(&format!("a{i}"), "ana", Confirmed, i))
            .collect();
        waiting.push(job("b1", "bob", Confirmed, 101));
        assert_eq!(
            dispatch(&uncapped(), snap(waiting, vec![], 4), 10)
                .into_iter()
                .map(|p| p.job)
                .collect::<Vec<_>>(),
            ["a1", "b1", "a2", "a3"]
        );
    }

    #[test]
    fn fewest_running_first_then_least_recently_served() {
        let waiting = vec![
            job("a1", "ana", Confirmed, 1),
            job("a2", "ana", Confirmed, 2),
            job("b1", "bob", Confirmed, 3),
            job("b2", "bob", Confirmed, 4),
            job("b3", "bob", Confirmed, 5),
        ];
        // Ana runs two jobs already: Bob catches up, then they alternate
        // (Ana, never served, before Bob, just served).
        assert_eq!(
            ids(
                &uncapped(),
                snap(waiting.clone(), busy("ana", Confirmed, 2), 100)
            ),
            ["b1", "b2", "a1", "b3", "a2"]
        );
        // Same running count: the one served least recently goes first,
        // even with the younger job.
        let mut s = snap(waiting, vec![], 100);
        s.last_turn = HashMap::from([("ana".to_owned(), 7), ("bob".to_owned(), 3)]);
        assert_eq!(ids(&uncapped(), s), ["b1", "a1", "b2", "a2", "b3"]);
    }

    #[test]
    fn a_person_s_jobs_are_first_in_first_out() {
        let waiting = vec![
            job("late", "ana", Confirmed, 30),
            job("early", "ana", Confirmed, 10),
            job("middle", "ana", Confirmed, 20),
        ];
        assert_eq!(
            ids(&uncapped(), snap(waiting, vec![], 100)),
            ["early", "middle", "late"]
        );
    }

    #[test]
    fn never_more_running_than_capacity() {
        let waiting: Vec<Waiting> = (1..=5)
            .map(|i| job(&format!("a{i}"), &format!("p{i}"), Admin, i))
            .collect();
        assert_eq!(
            ids(&uncapped(), snap(waiting.clone(), busy("x", Novice, 3), 4)),
            ["a1"]
        );
        assert!(ids(&uncapped(), snap(waiting.clone(), vec![], 0)).is_empty());
        assert_eq!(
            dispatch(&uncapped(), snap(waiting, vec![], 100), 2).len(),
            2
        );
    }

    // -- explain ----------------------------------------------------------

    fn mixed() -> Snapshot {
        snap(
            vec![
                job("e1", "emma", Expert, 1),
                job("e2", "emma", Expert, 2),
                job("n1", "nina", Novice, 3),
                public("p1", "visitor", Public, 4),
                job("a1", "adam", Admin, 5),
                job("w1", "wim", Webmaster, 6),
                job("w2", "wim", Webmaster, 7),
                job("w3", "wim", Webmaster, 8),
            ],
            vec![],
            10,
        )
    }

    fn positions(s: &Scheduler, jobs: &[&str]) -> Vec<(u32, BindingRule)> {
        jobs.iter()
            .map(|j| {
                let e = s.explain(j).expect("waiting");
                (e.position, e.binding_rule)
            })
            .collect()
    }

    #[test]
    fn explain_gives_positions_and_rules() {
        use BindingRule::*;
        // Default caps, 10 slots: webmasters may hold floor(0.1 × 10) = 1.
        let mut s = Scheduler::new(&PriorityPolicy::default(), mixed());
        assert_eq!(
            positions(&s, &["a1", "e1", "e2", "w1", "n1", "p1", "w2", "w3"]),
            [
                (1, Next),
                (2, Rank),
                (3, Rank),
                (4, Rank),
                (5, Rank),
                (6, PublicLast),
                // Held by the webmasters' share once w1 runs: after the
                // jobs that can start.
                (7, Rank),
                (8, Rank),
            ]
        );
        let p1 = s.explain("p1").expect("waiting");
        assert_eq!(
            p1.ahead,
            [
                RankAhead {
                    rank: 5,
                    profiles: vec![Admin],
                    jobs: 1,
                    people: 1
                },
                RankAhead {
                    rank: 4,
                    profiles: vec![Expert],
                    jobs: 2,
                    people: 1
                },
                RankAhead {
                    rank: 3,
                    profiles: vec![Confirmed, Webmaster],
                    jobs: 1,
                    people: 1
                },
                RankAhead {
                    rank: 2,
                    profiles: vec![Novice],
                    jobs: 1,
                    people: 1
                },
            ]
        );
        let got: Vec<String> = (0..4).filter_map(|_| s.next()).map(|p| p.job).collect();
        assert_eq!(got, ["a1", "e1", "e2", "w1"]);
        assert_eq!(s.explain("a1"), None, "no longer waiting");
        assert_eq!(s.explain("nope"), None);
        assert_eq!(
            positions(&s, &["n1", "p1", "w2", "w3"]),
            [(1, Next), (2, PublicLast), (3, MaxShare), (4, MaxShare)]
        );
        let w2 = s.explain("w2").expect("waiting");
        assert_eq!((w2.cap, w2.running_profile), (Some(1), 1));
    }

    #[test]
    fn explain_names_max_running_capacity_and_turn() {
        use BindingRule::*;
        // Nina runs the 4 jobs a novice may run at once.
        let s = Scheduler::new(
            &PriorityPolicy::default(),
            snap(
                vec![job("n5", "nina", Novice, 1), job("o1", "omar", Novice, 2)],
                busy("nina", Novice, 4),
                100,
            ),
        );
        let n5 = s.explain("n5").expect("waiting");
        assert_eq!((n5.position, n5.binding_rule), (2, MaxRunning));
        assert_eq!((n5.cap, n5.running_mine), (Some(4), 4));
        assert_eq!(positions(&s, &["o1"]), [(1, Next)]);

        // Every slot busy: the first job waits for a slot.
        let s = Scheduler::new(
            &uncapped(),
            snap(
                vec![
                    job("a1", "ana", Confirmed, 1),
                    job("b1", "bob", Confirmed, 2),
                ],
                busy("x", Expert, 2),
                2,
            ),
        );
        assert_eq!(positions(&s, &["a1", "b1"]), [(1, Capacity), (2, Turn)]);

        // Ana's second job waits for Bob's turn.
        let s = Scheduler::new(
            &uncapped(),
            snap(
                vec![
                    job("a1", "ana", Confirmed, 1),
                    job("a2", "ana", Confirmed, 2),
                    job("b1", "bob", Confirmed, 3),
                ],
                vec![],
                10,
            ),
        );
        assert_eq!(
            positions(&s, &["a1", "b1", "a2"]),
            [(1, Next), (2, Turn), (3, Turn)]
        );
        let a2 = s.explain("a2").expect("waiting");
        assert_eq!((a2.same_rank_jobs, a2.same_rank_people), (2, 2));
        let all: Vec<(String, u32)> = s
            .explain_all()
            .into_iter()
            .map(|(j, e)| (j, e.position))
            .collect();
        assert_eq!(
            all,
            [
                ("a1".to_owned(), 1),
                ("b1".to_owned(), 2),
                ("a2".to_owned(), 3)
            ]
        );
    }

    #[test]
    fn reasons_are_sentences_in_every_language() {
        let mut s = Scheduler::new(&PriorityPolicy::default(), mixed());
        let e = s.explain("e1").expect("waiting");
        let en = reason(&e).render(Language::En);
        assert_eq!(
            en,
            "One job of higher rank (administrators) goes before yours (rank 4)."
        );
        let p1 = s.explain("p1").expect("waiting");
        assert_eq!(
            reason(&p1).render(Language::En),
            "Prepared queries of the public site go after every other job: 5 jobs are ahead of yours."
        );
        let n1 = s.explain("n1").expect("waiting");
        assert_eq!(
            reason(&n1).render(Language::Fr),
            "4 tâches de rang supérieur (administrateurs, scientifiques experts, \
             scientifiques confirmés et webmestres) passent avant la vôtre (rang 2)."
        );
        assert_eq!(
            reason(&n1).render(Language::Ja),
            "上位ランク（管理者、上級研究者、中級研究者とウェブマスター）のジョブ 4 件が先に実行されます（このジョブのランクは 2）。"
        );
        for _ in 0..4 {
            s.next();
        }
        let w2 = s.explain("w2").expect("waiting");
        for lang in [Language::En, Language::Fr, Language::Ja] {
            let text = reason(&w2).render(lang);
            assert!(text.contains("10") && text.contains('1'), "{text}");
            assert!(!text.contains("queue-"), "{text}");
        }
        assert_eq!(
            reason(&w2).render(Language::En),
            "Jobs of your profile (webmasters) already hold one slot, the share of the 10 slots it may use (max_share: 1); your job starts when one of them ends."
        );
    }

    // -- properties over random snapshots --------------------------------

    /// The rules of SPEC §2.6 written the slow, obvious way: every decision
    /// looks at every waiting job.
    struct Model {
        policy: PriorityPolicy,
        waiting: Vec<Waiting>,
        person: HashMap<String, u32>,
        profile: [u32; PROFILES],
        last: HashMap<String, i64>,
        turn: i64,
        running: u32,
        capacity: u32,
    }

    impl Model {
        fn new(policy: &PriorityPolicy, s: &Snapshot) -> Model {
            let mut person = HashMap::new();
            let mut profile = [0; PROFILES];
            for b in &s.running {
                *person.entry(b.owner.clone()).or_insert(0) += 1;
                profile[index(b.profile)] += 1;
            }
            Model {
                policy: policy.clone(),
                waiting: s.waiting.clone(),
                person,
                profile,
                last: s.last_turn.clone(),
                turn: s.last_turn.values().copied().max().unwrap_or(0).max(0) + 1,
                running: s.running.len() as u32,
                capacity: s.capacity,
            }
        }

        /// Smaller goes first: non-public before public, then higher rank.
        fn class(&self, w: &Waiting) -> (bool, Reverse<u32>) {
            let rank = self.policy.ranks.get(&w.profile).copied().unwrap_or(0);
            (w.public, Reverse(rank))
        }

        fn max_running(&self, p: Profile) -> Option<u32> {
            self.policy.caps.get(&p).map(|c| c.max_running)
        }

        fn share(&self, p: Profile) -> Option<u32> {
            self.policy
                .caps
                .get(&p)
                .map(|c| ((c.max_share * f64::from(self.capacity)).floor() as u32).max(1))
        }

        fn running_of(&self, owner: &str) -> u32 {
            self.person.get(owner).copied().unwrap_or(0)
        }

        fn capped(&self, w: &Waiting) -> bool {
            self.max_running(w.profile)
                .is_some_and(|c| self.running_of(&w.owner) >= c)
                || self
                    .share(w.profile)
                    .is_some_and(|c| self.profile[index(w.profile)] >= c)
        }

        /// The oldest job of each (person, class): what that person offers.
        fn heads(&self) -> Vec<&Waiting> {
            let mut heads: Vec<&Waiting> = Vec::new();
            for w in &self.waiting {
                match heads
                    .iter_mut()
                    .find(|h| h.owner == w.owner && self.class(h) == self.class(w))
                {
                    Some(h) if w.seq < h.seq => *h = w,
                    Some(_) => {}
                    None => heads.push(w),
                }
            }
            heads
        }

        fn pick(&mut self) -> Option<Waiting> {
            if self.running >= self.capacity {
                return None;
            }
            let heads: Vec<&Waiting> = self
                .heads()
                .into_iter()
                .filter(|h| !self.capped(h))
                .collect();
            let best = heads.iter().map(|h| self.class(h)).min()?;
            let chosen = heads
                .into_iter()
                .filter(|h| self.class(h) == best)
                .min_by_key(|h| {
                    (
                        self.running_of(&h.owner),
                        self.last.get(&h.owner).copied().unwrap_or(i64::MIN),
                        h.seq,
                    )
                })?
                .clone();
            self.waiting.retain(|w| w.job != chosen.job);
            *self.person.entry(chosen.owner.clone()).or_insert(0) += 1;
            self.profile[index(chosen.profile)] += 1;
            self.last.insert(chosen.owner.clone(), self.turn);
            self.turn += 1;
            self.running += 1;
            Some(chosen)
        }
    }

    /// A random policy and snapshot: up to 8 people, each of one profile
    /// (public or not), up to 40 jobs with distinct `seq`, some running.
    /// `idle`: nothing running, nobody served yet, each person's jobs of
    /// their one profile.
    fn case(idle: bool) -> impl Strategy<Value = (PriorityPolicy, Snapshot)> {
        (
            prop::collection::vec((0..PROFILES, prop::bool::weighted(0.2)), 1..8),
            prop::collection::vec(
                (
                    0..8usize,
                    0..1000i64,
                    prop::option::weighted(0.15, (0..PROFILES, any::<bool>())),
                ),
                0..40,
            ),
            prop::collection::vec(0..10usize, 0..12),
            0u32..16,
            prop::collection::vec(1u32..5, PROFILES),
            prop::collection::vec(
                prop::option::weighted(0.85, (1u32..6, 0.01f64..=1.0)),
                PROFILES,
            ),
            prop::collection::vec(prop::option::of(0i64..30), 8),
        )
            .prop_map(
                move |(people, jobs, running, capacity, ranks, caps, last)| {
                    let caps = Profile::ALL
                        .into_iter()
                        .zip(caps)
                        .filter_map(|(p, c)| {
                            c.map(|(max_running, max_share)| {
                                (
                                    p,
                                    PriorityCap {
                                        max_running,
                                        max_share,
                                    },
                                )
                            })
                        })
                        .collect();
                    let policy = PriorityPolicy {
                        ranks: Profile::ALL.into_iter().zip(ranks).collect(),
                        caps,
                        ..PriorityPolicy::default()
                    };
                    let who = |i: usize| format!("u{}", i % people.len());
                    let waiting = jobs
                        .iter()
                        .enumerate()
                        .map(|(n, &(o, key, other))| {
                            // Now and then a job of another profile (the
                            // owner was promoted since) or a public one:
                            // one person in several classes.
                            let (p, public) = match other {
                                Some(x) if !idle => x,
                                _ => people[o % people.len()],
                            };
                            Waiting {
                                job: format!("j{n}"),
                                owner: who(o),
                                profile: Profile::ALL[p],
                                public,
                                seq: key * 100 + n as i64,
                            }
                        })
                        .collect();
                    let running = if idle {
                        vec![]
                    } else {
                        running
                            .iter()
                            .map(|&o| {
                                // Indices past the people: someone with
                                // nothing queued.
                                let p = people.get(o).map_or(Expert, |x| Profile::ALL[x.0]);
                                let owner = if o < people.len() {
                                    who(o)
                                } else {
                                    format!("other{o}")
                                };
                                Busy { owner, profile: p }
                            })
                            .collect()
                    };
                    let last_turn = if idle {
                        HashMap::new()
                    } else {
                        last.iter()
                            .enumerate()
                            .filter_map(|(i, t)| t.map(|t| (format!("u{i}"), t)))
                            .collect()
                    };
                    (
                        policy,
                        Snapshot {
                            waiting,
                            running,
                            capacity,
                            last_turn,
                        },
                    )
                },
            )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Each decision is the one the obvious model takes; and, checked
        /// against the rules themselves: (1) no job of a lower class while a
        /// job of a higher class could start, nothing refused while a job
        /// could start; (3) never past capacity or a cap.
        #[test]
        fn decisions_follow_the_rules((policy, snapshot) in case(false)) {
            let mut model = Model::new(&policy, &snapshot);
            let mut s = Scheduler::new(&policy, snapshot.clone());
            // Explanations agree with the first decision and with each other.
            let all = s.explain_all();
            let mut seen: Vec<u32> = all.iter().map(|(_, e)| e.position).collect();
            seen.sort_unstable();
            prop_assert_eq!(seen, (1..=snapshot.waiting.len() as u32).collect::<Vec<_>>());
            for (job, e) in &all {
                let ahead: u32 = e.ahead.iter().map(|r| r.jobs).sum();
                prop_assert_eq!(ahead + 1, e.position);
                let again = s.explain(job);
                prop_assert_eq!(again.as_ref(), Some(e));
            }
            let first = all.first().map(|(j, e)| (j.clone(), e.binding_rule));
            loop {
                // A person's jobs are first in, first out: what each
                // person offers is their oldest job of each class.
                let startable: Vec<&Waiting> =
                    model.heads().into_iter().filter(|w| !model.capped(w)).collect();
                let best = startable.iter().map(|w| model.class(w)).min();
                let slot_free = model.running < model.capacity;
                let got = s.next();
                if let Some((job, rule)) = &first {
                    if model.waiting.len() == snapshot.waiting.len() {
                        let is_next = matches!(rule, BindingRule::Next);
                        prop_assert_eq!(
                            is_next,
                            got.as_ref().is_some_and(|p| &p.job == job)
                        );
                    }
                }
                let want = model.pick();
                prop_assert_eq!(got.as_ref().map(|p| &p.job), want.as_ref().map(|w| &w.job));
                let Some(w) = want else {
                    // (1) Nothing refused that could start.
                    prop_assert!(!slot_free || best.is_none());
                    break;
                };
                // (1) Strict priority.
                prop_assert_eq!(Some(model.class(&w)), best);
                // (3) Capacity and caps.
                prop_assert!(model.running <= model.capacity);
                if let Some(c) = model.max_running(w.profile) {
                    prop_assert!(model.running_of(&w.owner) <= c);
                }
                if let Some(c) = model.share(w.profile) {
                    prop_assert!(model.profile[index(w.profile)] <= c);
                }
            }
        }

        /// A pass that starts at most `k` jobs decides the same over each
        /// owner's first `k` jobs of each profile and publicness as over
        /// the whole queue (the dispatcher reads only those).
        #[test]
        fn k_decisions_need_only_the_first_k_jobs_of_each_lane(
            (policy, snapshot) in case(false),
            k in 1usize..6,
        ) {
            let mut seen: HashMap<(String, Profile, bool), usize> = HashMap::new();
            let mut cut = snapshot.clone();
            let mut waiting = cut.waiting.clone();
            waiting.sort_by_key(|w| w.seq);
            cut.waiting = waiting
                .into_iter()
                .filter(|w| {
                    let n = seen.entry((w.owner.clone(), w.profile, w.public)).or_insert(0);
                    *n += 1;
                    *n <= k
                })
                .collect();
            let whole: Vec<String> =
                Scheduler::new(&policy, snapshot).take(k).map(|p| p.job).collect();
            let heads: Vec<String> =
                Scheduler::new(&policy, cut).take(k).map(|p| p.job).collect();
            prop_assert_eq!(whole, heads);
        }

        /// (2) From an idle platform, among the people of one class who
        /// still have jobs waiting and are not capped, dispatched counts stay
        /// within one of each other.
        #[test]
        fn people_of_a_rank_get_equal_shares((policy, snapshot) in case(true)) {
            let model = Model::new(&policy, &snapshot);
            let s = Scheduler::new(&policy, snapshot.clone());
            let mut waiting = snapshot.waiting.clone();
            let mut count: HashMap<String, u32> = HashMap::new();
            let mut person: HashMap<String, u32> = HashMap::new();
            let mut profile = [0u32; PROFILES];
            for pick in s {
                let at = waiting.iter().position(|w| w.job == pick.job);
                prop_assert!(at.is_some());
                let w = waiting.remove(at.unwrap_or(0));
                *count.entry(w.owner.clone()).or_insert(0) += 1;
                *person.entry(w.owner.clone()).or_insert(0) += 1;
                profile[index(w.profile)] += 1;
                let mut by_class: HashMap<(bool, Reverse<u32>), Vec<u32>> = HashMap::new();
                let mut done = BTreeSet::new();
                for w in &waiting {
                    if !done.insert(w.owner.clone()) {
                        continue;
                    }
                    let mine = person.get(&w.owner).copied().unwrap_or(0);
                    let capped = model.max_running(w.profile).is_some_and(|c| mine >= c)
                        || model.share(w.profile).is_some_and(|c| profile[index(w.profile)] >= c);
                    if !capped {
                        by_class
                            .entry(model.class(w))
                            .or_default()
                            .push(count.get(&w.owner).copied().unwrap_or(0));
                    }
                }
                for counts in by_class.values() {
                    let lo = counts.iter().min().copied().unwrap_or(0);
                    let hi = counts.iter().max().copied().unwrap_or(0);
                    prop_assert!(hi - lo <= 1, "counts {:?}", counts);
                }
            }
        }
    }
}
