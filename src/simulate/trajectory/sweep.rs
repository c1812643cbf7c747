//! The sweep: one trajectory computed node by node instead of event by
//! event.
//!
//! Each item's whole mission is drawn at once from its own stream (its
//! start, then every flip before the mission's end), and each node's
//! states follow from its children's, children before parents: a node's
//! timeline is its state at its start and the times it flips. A gate
//! merges its children's flips; a standby block runs its state machine
//! ([`Machine`]) over its members' flips and its own timer. No event
//! queue, no propagation: the work is a few passes over arrays in node
//! order, which the cache and the prefetcher follow, where the event
//! engine jumps between records at random on large models.
//!
//! It draws the numbers the event engine draws and gives the same
//! trajectories, bit for bit (`sweep_tests`): every draw comes from the
//! stream of the item or block it concerns, and depends on that item's or
//! block's own history alone. Each flip carries the event it comes from,
//! `(time, slot)`, the event engine's order of events; a node takes the
//! flips of one event together, as the event engine's propagation does,
//! and its own flips carry that event on.
//!
//! Its cost grows with the flips, not with the nodes an event passes on
//! the way up: a zone's failure is one flip a node below it, merged once.
//! Rare-event simulation fits this shape: importance sampling changes how
//! each item draws its timeline (and weighs the run by the likelihood
//! ratio), not how the timelines combine.

use rand::rngs::Xoshiro256PlusPlus;

use super::{ItemSlot, Kind, Machine, Mode, Model, RunResult, Start, Trajectory};

/// Up to this many children with flips, a node merges their flips one
/// child after another (linear a child); beyond, it sorts them.
const MERGE_SOURCES: usize = 8;

/// A change of a node's state at time `t`, caused by the event of `slot`
/// (item `i`'s flip: `i`; standby block `s`'s timer: items + `s`). Events
/// are ordered by `(t, slot)`, as the event engine handles them.
#[derive(Clone, Copy, Debug)]
struct Flip {
    t: f64,
    slot: u32,
}

impl Flip {
    #[inline]
    fn same_event(self, o: Flip) -> bool {
        self.t == o.t && self.slot == o.slot
    }

    #[inline]
    fn before(self, o: Flip) -> bool {
        self.t < o.t || (self.t == o.t && self.slot < o.slot)
    }
}

/// Reusable state for the trajectories of one chunk, drawing from the
/// same streams as the event engine's [`super::Runner`].
pub(crate) struct Sweep<'m> {
    m: &'m Model,
    items: Vec<ItemSlot>,
    block_rngs: Vec<Xoshiro256PlusPlus>,
    start_rng: Xoshiro256PlusPlus,
    /// The item of each item node (`u32::MAX` for the others).
    node_item: Vec<u32>,
    /// Each node's state at its start: 0, or the end of the warm-up for a
    /// node outside the warm-up set.
    init: Vec<bool>,
    /// Node `n`'s flips, in event order: `flips[at[n]..at[n + 1]]`.
    at: Vec<u32>,
    flips: Vec<Flip>,
    mode: Vec<Mode>,
    /// A standby block's timer at the start (from the chain's draw).
    timer: Vec<f64>,
    forced_down: Vec<Option<bool>>,
    scratch: Vec<u32>,
    /// A node's merge: its children's flips, each with the change of the
    /// count of children up (a gate) or the member (a standby block).
    merged: Vec<(Flip, i32)>,
    tmp: Vec<(Flip, i32)>,
    /// A standby block's members' states.
    member_up: Vec<bool>,
}

impl<'m> Sweep<'m> {
    /// Streams for chunk `chunk` of the run seeded `seed`: those of
    /// [`super::Runner::new`].
    pub fn new(m: &'m Model, seed: u64, chunk: u64) -> Self {
        let (items, block_rngs, start_rng) = super::streams(m, seed, chunk);
        let n = m.kind.len();
        let mut node_item = vec![u32::MAX; n];
        for (i, &node) in m.item_node.iter().enumerate() {
            node_item[node as usize] = i as u32;
        }
        Sweep {
            m,
            items,
            block_rngs,
            start_rng,
            node_item,
            init: vec![false; n],
            at: vec![0; n + 1],
            flips: Vec::new(),
            mode: vec![Mode::NoneUp; m.standbys.len()],
            timer: vec![f64::INFINITY; m.standbys.len()],
            forced_down: vec![None; m.n_items()],
            scratch: Vec::new(),
            merged: Vec::new(),
            tmp: Vec::new(),
            member_up: Vec::new(),
        }
    }

    /// Node `c`'s state at time `s` (after its flips before `s`) and the
    /// index in `flips` of its first flip from `s` on.
    #[inline]
    fn state_at(&self, c: usize, s: f64) -> (bool, usize) {
        let (a, b) = (self.at[c] as usize, self.at[c + 1] as usize);
        let k = if s > 0.0 {
            self.flips[a..b].partition_point(|f| f.t < s)
        } else {
            0
        };
        (self.init[c] ^ (k % 2 == 1), a + k)
    }

    /// Item node `n`: its start at `s` and its flips before `end`.
    #[inline]
    fn item(&mut self, n: usize, s: f64, end: f64) {
        let m = self.m;
        let i = self.node_item[n] as usize;
        let forced = self.forced_down[i].take();
        let it = &mut self.items[i];
        let (mut up, first) = it.start(m, i, forced);
        self.init[n] = up;
        let mut t = s + first;
        while t < end {
            self.flips.push(Flip { t, slot: i as u32 });
            up = !up;
            let d = if up {
                m.samplers[it.failure as usize].sample(&mut it.rng)
            } else {
                m.samplers[it.repair as usize].sample(&mut it.rng)
            };
            t += d;
        }
    }

    /// Gathers the flips from `s` on of `children` into `merged`, in event
    /// order, each with `change(j, state before)` for child `j`; writes
    /// each child's state at `s` through `state`. Returns whether any
    /// flip was found.
    #[inline]
    fn gather(
        &mut self,
        children: &[u32],
        s: f64,
        mut state: impl FnMut(usize, bool),
        change: impl Fn(usize, bool) -> i32,
    ) -> bool {
        self.merged.clear();
        let mut sources = 0;
        for (j, &c) in children.iter().enumerate() {
            let (mut st, from) = self.state_at(c as usize, s);
            state(j, st);
            let to = self.at[c as usize + 1] as usize;
            if from == to {
                continue;
            }
            sources += 1;
            let run = self.merged.len();
            for f in &self.flips[from..to] {
                self.merged.push((*f, change(j, st)));
                st = !st;
            }
            // Few sources (most nodes): merge each into the ones before,
            // if they overlap at all; many: one sort at the end.
            if run > 0 && sources <= MERGE_SOURCES {
                self.merge_last(run);
            }
        }
        if sources > MERGE_SOURCES {
            self.merged
                .sort_unstable_by(|a, b| a.0.t.total_cmp(&b.0.t).then(a.0.slot.cmp(&b.0.slot)));
        }
        sources > 0
    }

    /// Merges the two sorted runs `merged[..run]` and `merged[run..]`.
    #[inline]
    fn merge_last(&mut self, run: usize) {
        let m = &self.merged;
        if !m[run].0.before(m[run - 1].0) {
            return;
        }
        let tmp = &mut self.tmp;
        tmp.clear();
        tmp.reserve(m.len());
        let (mut a, mut b) = (0, run);
        while a < run && b < m.len() {
            if m[b].0.before(m[a].0) {
                tmp.push(m[b]);
                b += 1;
            } else {
                tmp.push(m[a]);
                a += 1;
            }
        }
        tmp.extend_from_slice(&m[a..run]);
        tmp.extend_from_slice(&m[b..]);
        std::mem::swap(&mut self.merged, &mut self.tmp);
    }

    /// Gate node `n` (up with at least `k` children up) from `s` on.
    fn gate(&mut self, n: usize, k: u32, s: f64) {
        let m = self.m;
        let children = &m.children[m.child_start[n] as usize..m.child_start[n + 1] as usize];
        let mut count = 0i32;
        let any = self.gather(
            children,
            s,
            |_, st| count += i32::from(st),
            |_, st| if st { -1 } else { 1 },
        );
        let k = k as i32;
        let mut up = count >= k;
        self.init[n] = up;
        if !any {
            return;
        }
        let mut i = 0;
        let merged = &self.merged;
        while i < merged.len() {
            let event = merged[i].0;
            while i < merged.len() && merged[i].0.same_event(event) {
                count += merged[i].1;
                i += 1;
            }
            let now = count >= k;
            if now != up {
                up = now;
                self.flips.push(event);
            }
        }
    }

    /// Standby node `n` (block `s`) from time 0 on (a block is in the
    /// warm-up set); `keep` keeps the mode and timer drawn at the start.
    fn standby(&mut self, n: usize, s: usize, keep: bool, end: f64) {
        let m = self.m;
        let spec = &m.standbys[s];
        let mut member_up = std::mem::take(&mut self.member_up);
        member_up.clear();
        member_up.resize(spec.members.len(), false);
        self.gather(
            &spec.members,
            0.0,
            |j, st| member_up[j] = st,
            |j, _| j as i32,
        );
        let mut timer = f64::INFINITY;
        if keep {
            timer = self.timer[s];
        } else {
            self.mode[s] = member_up
                .iter()
                .position(|&u| u)
                .map_or(Mode::NoneUp, |j| Mode::Serving(j as u32));
        }
        let mut up = matches!(self.mode[s], Mode::Serving(_));
        self.init[n] = up;
        let own = (m.n_items() + s) as u32;
        let mut i = 0;
        loop {
            let next = self.merged.get(i).map(|x| x.0);
            let timer_event = Flip {
                t: timer,
                slot: own,
            };
            let event = match next {
                _ if timer >= end => next,
                Some(e) if e.before(timer_event) => Some(e),
                _ => Some(timer_event),
            };
            let Some(event) = event else { break };
            if event.slot != own {
                while i < self.merged.len() && self.merged[i].0.same_event(event) {
                    let j = self.merged[i].1 as usize;
                    member_up[j] = !member_up[j];
                    i += 1;
                }
            }
            let states = &member_up;
            let mut mc = Machine {
                spec,
                mode: &mut self.mode[s],
                rng: &mut self.block_rngs[s],
                up: |j: u32| states[j as usize],
                timer: None,
            };
            let go = event.slot != own || mc.timer_done(event.t);
            let now = if go { mc.update(event.t) } else { up };
            if let Some(x) = mc.timer {
                timer = x;
            }
            if now != up {
                up = now;
                self.flips.push(event);
            }
        }
        self.member_up = member_up;
    }
}

impl Trajectory for Sweep<'_> {
    fn run(&mut self, mission: f64) -> RunResult {
        let m = self.m;
        let t0 = match m.start {
            Start::WarmUp(w) if w > 0.0 => w,
            _ => 0.0,
        };
        let end = t0 + mission;
        // The start: the chain's draw, as the event engine's.
        let drawn = m.draw_start(
            &mut self.start_rng,
            &mut self.scratch,
            &mut self.forced_down,
            &mut self.block_rngs,
            |sb, mode, timer| {
                self.mode[sb] = mode;
                self.timer[sb] = timer.unwrap_or(f64::INFINITY);
            },
        );
        self.flips.clear();
        for n in 0..m.kind.len() {
            // A node outside the warm-up set starts at its end.
            let s = if t0 > 0.0 && !m.warm[n] { t0 } else { 0.0 };
            match m.kind[n] {
                Kind::Item => self.item(n, s, end),
                Kind::Gate(k) => self.gate(n, k, s),
                Kind::Standby(b) => {
                    let keep = drawn.is_some() && m.in_chain[b as usize];
                    self.standby(n, b as usize, keep, end);
                }
            }
            self.at[n + 1] = self.flips.len() as u32;
        }
        // The mission, from the root's flips.
        let root = m.root as usize;
        let (mut up, from) = self.state_at(root, t0);
        let mut r = RunResult {
            starts_down: !up,
            ..RunResult::default()
        };
        let mut down_since = t0;
        for f in &self.flips[from..self.at[root + 1] as usize] {
            if up {
                r.outages += 1;
                down_since = f.t;
            } else {
                let d = f.t - down_since;
                r.downtime += d;
                r.longest = r.longest.max(d);
            }
            up = !up;
        }
        if !up {
            let d = end - down_since;
            r.downtime += d;
            r.longest = r.longest.max(d);
        }
        r
    }
}
