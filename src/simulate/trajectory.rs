//! One trajectory: a simulation of the whole system over a mission, by
//! either of two engines that give the same trajectories, bit for bit:
//! the sweep ([`Sweep`], the default: node by node, see its module) and
//! the event engine ([`Runner`], the reference, described here). They
//! share the streams ([`streams`]), the steady-state start and the standby
//! state machine ([`Machine`]).
//!
//! Every item (domain or replica) alternates up and down with its own
//! random stream. Each item and each standby block owns one slot of an
//! event queue holding its next event time, and nothing is allocated per
//! event. The queue depends on the number of slots ([`queue_for`]):
//! blocks of about sqrt(n) slots with their minima below
//! [`WINDOW_FROM_SLOTS`], the two-level [`WindowQueue`] from there on
//! (an epoch's events sorted, later ones in unsorted buckets). All give
//! the same trajectories as the indexed binary heap (`queue_tests`).
//! The window queue also tells which events come next, and the runner
//! fetches their items' records into the cache while it handles the
//! current one ([`Runner::fetch_ahead`]): on 10^5 items the records do
//! not fit in the cache, and waiting for them was most of an event's
//! time. Measured by `queue_tests::queue_speed_on_sys100k` (runs per
//! second against the binary heap, best of five rounds, one shared 2-core
//! machine): the blocks 1.28x at 214 slots, 1.46x at 529, 0.91x at 1,054,
//! 0.23x at 105,004; the window queue 0.91x at 214, 1.57x at 529, 1.17x
//! at 1,054, 1.25x at 2,104, 1.23x at 5,254, 1.34x at 21,004 and 1.35x
//! at 105,004; the calendar queue it replaced 0.81x to 1.21x. A change
//! propagates upwards only while nodes flip, in node order (children before
//! parents), so a standby block sees all its members' new states at once.
//!
//! A standby block's slot is its one timer: the end of a detection, of a
//! takeover or of a move back (at most one runs at a time). Its random
//! stream draws the switch successes and the detect, failover and failback
//! durations. Events at the same instant go in slot order: items first,
//! then standby blocks in node order (inner blocks before the blocks that
//! contain them), so a member back exactly when a detection ends is
//! ridden out.

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};

use crate::markov;
use crate::model::system::{Node, Owner, System};
#[cfg(test)]
use crate::simulate::queue::{BlockQueue, CalendarQueue, HeapQueue, QuadHeapQueue, TreeQueue};
use crate::simulate::queue::{EventQueue, WindowQueue, prefetch};
use crate::simulate::sampler::Sampler;

mod sweep;
pub(crate) use sweep::Sweep;

/// What one trajectory (one run, one mission) yields.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RunResult {
    /// Seconds down in the mission.
    pub downtime: f64,
    /// Outages that started in the mission.
    pub outages: u32,
    /// Whether the mission started down (an outage in progress, not counted
    /// in `outages`).
    pub starts_down: bool,
    /// Longest outage (its part inside the mission), seconds.
    pub longest: f64,
}

/// An engine's trajectories, one mission after another, each from
/// steady state (after the warm-up, when the model has one).
pub(crate) trait Trajectory {
    /// Simulates one mission of `mission` seconds.
    fn run(&mut self, mission: f64) -> RunResult;
}

/// The random streams of chunk `chunk` of the run seeded `seed`: one per
/// item (with what an event of it reads) and per standby block, keyed by
/// (kind, name, replica), and the start's.
fn streams(
    m: &Model,
    seed: u64,
    chunk: u64,
) -> (Vec<ItemSlot>, Vec<Xoshiro256PlusPlus>, Xoshiro256PlusPlus) {
    let base = mix(mix(seed) ^ chunk.wrapping_mul(0xa076_1d64_78bd_642f));
    let items = (0..m.n_items())
        .map(|i| ItemSlot {
            rng: Xoshiro256PlusPlus::seed_from_u64(mix(base ^ m.keys[i])),
            node: m.item_node[i],
            failure: m.failure[i],
            repair: m.repair[i],
        })
        .collect();
    let block_rngs = m.keys[m.n_items()..]
        .iter()
        .map(|k| Xoshiro256PlusPlus::seed_from_u64(mix(base ^ k)))
        .collect();
    let start_rng =
        Xoshiro256PlusPlus::seed_from_u64(mix(base ^ stream_key(StreamKind::Start, "", 0)));
    (items, block_rngs, start_rng)
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    Item,
    /// Up when at least `k` children are up.
    Gate(u32),
    Standby(u32),
}

/// The mode of a standby block (docs/model.md). Every mode but
/// `Serving` is down; `Detecting`, `Moving` and `Failback` run the block's
/// timer.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Mode {
    Serving(u32),
    /// The serving member `from` failed and the failure is not noticed
    /// yet: back in time, it serves again; else a takeover at the timer.
    Detecting {
        from: u32,
    },
    /// A takeover towards `target`; `from` is the member that failed first.
    Moving {
        target: u32,
        from: u32,
    },
    /// A move back (revert) to the preferred member `target`.
    Failback {
        target: u32,
    },
    /// After a failed switch: down until member `from` is repaired.
    Waiting {
        from: u32,
    },
    NoneUp,
}

struct StandbySpec {
    members: Vec<u32>,
    failover: Sampler,
    success: f64,
    detect: Sampler,
    /// `detect` is `Fixed(0)`: a takeover starts at the failure, with no
    /// draw (the streams of models without `detect` are unchanged).
    detect_instant: bool,
    revert: bool,
    failback: Sampler,
}

/// The system compiled for simulation.
pub(crate) struct Model {
    kind: Vec<Kind>,
    /// Parents of each node, flattened: `parents[parent_start[n]..parent_start[n + 1]]`.
    parent_start: Vec<u32>,
    parents: Vec<u32>,
    /// Children of each node (with repeats, as the node lists them),
    /// flattened like `parents`.
    child_start: Vec<u32>,
    children: Vec<u32>,
    standby_node: Vec<u32>,
    /// Each node's level: 0 for an item, else one above its highest
    /// child. A change propagates level by level.
    level: Vec<u32>,
    /// Levels (the root's, plus one).
    levels: usize,
    item_node: Vec<u32>,
    availability: Vec<f64>,
    /// The distinct duration samplers of the items (items share them: a
    /// small table stays in cache).
    samplers: Vec<Sampler>,
    /// Each item's failure and repair samplers (indices into `samplers`).
    failure: Vec<u32>,
    repair: Vec<u32>,
    standbys: Vec<StandbySpec>,
    /// Stream keys: items, then standby blocks.
    keys: Vec<u64>,
    root: u32,
    /// How a mission's standby blocks start.
    pub(crate) start: Start,
    /// Which standby blocks the start chain carries.
    in_chain: Vec<bool>,
    /// The warm-up set, by node: the standby blocks' nodes and every node
    /// under them (their members' subtrees, the domains those include,
    /// nested blocks). Closed downwards, so its nodes' states depend on
    /// its items and blocks alone; every other item is independent of the
    /// blocks' modes.
    warm: Vec<bool>,
    /// Parents of each node inside the warm-up set (the warm-up propagates
    /// only there), flattened like `parents`.
    warm_parent_start: Vec<u32>,
    warm_parents: Vec<u32>,
    /// Items outside the warm-up set: drawn at the end of the warm-up.
    cold_items: Vec<u32>,
    /// Simulate every item through the warm-up (the start before stream
    /// version 3), for tests that compare the two.
    #[cfg(test)]
    full_warm_up: bool,
}

/// How the standby blocks' modes start a mission
/// (docs/model.md: as in the long run).
pub(crate) enum Start {
    /// No standby dynamics: each item on its own.
    Independent,
    /// A draw from the stationary distribution of the standby blocks'
    /// Markov chain (items of the chain and the blocks' modes).
    Chain(Box<ChainStart>),
    /// The chain is too large: every mission follows a warm-up of this
    /// many seconds (see [`warm_up`]).
    WarmUp(f64),
}

/// The stationary distribution of the standby blocks' chain, for drawing.
pub(crate) struct ChainStart {
    /// Cumulative probabilities of the states.
    cdf: Vec<f64>,
    /// Items of each class.
    classes: Vec<Vec<u32>>,
    /// Down counts, `classes.len()` per state.
    counts: Vec<u16>,
    /// Modes, `blocks.len()` per state.
    modes: Vec<markov::Mode>,
    /// The standby (index into the model's) of each chain block.
    blocks: Vec<u32>,
    /// Number of states.
    pub states: usize,
}

impl ChainStart {
    fn new(chain: &markov::Chain, pi: &[f64]) -> Self {
        let mut acc = 0.0;
        let cdf = pi
            .iter()
            .map(|p| {
                acc += p;
                acc
            })
            .collect();
        let (nc, nb) = (chain.classes.len(), chain.blocks.len());
        let mut counts = Vec::with_capacity(chain.len() * nc);
        let mut modes = Vec::with_capacity(chain.len() * nb);
        for s in 0..chain.len() {
            counts.extend((0..nc).map(|c| chain.down(s, c)));
            modes.extend((0..nb).map(|b| chain.mode(s, b)));
        }
        ChainStart {
            cdf,
            classes: chain
                .classes
                .iter()
                .map(|c| c.items.iter().map(|i| i.0).collect())
                .collect(),
            counts,
            modes,
            blocks: chain.blocks.iter().map(|b| b.standby as u32).collect(),
            states: chain.len(),
        }
    }

    /// The state at cumulative probability `u`.
    fn state(&self, u: f64) -> usize {
        let total = *self.cdf.last().expect("a chain has a state");
        self.cdf
            .partition_point(|&c| c < u * total)
            .min(self.states - 1)
    }

    /// The chain blocks' modes in `state`, each with the residual of the
    /// delay in progress drawn from the block's stream in `rngs`:
    /// `set(standby, mode, timer)`.
    fn draw_modes(
        &self,
        state: usize,
        standbys: &[StandbySpec],
        rngs: &mut [Xoshiro256PlusPlus],
        mut set: impl FnMut(usize, Mode, Option<f64>),
    ) {
        let nb = self.blocks.len();
        for (b, &sb) in self.blocks.iter().enumerate() {
            let sb = sb as usize;
            let (mode, timer) =
                chain_mode(&standbys[sb], &mut rngs[sb], self.modes[state * nb + b]);
            set(sb, mode, timer);
        }
    }

    /// Draws a mission's state from `rng` and which items of each class
    /// start down in it (a uniform choice of the state's count), written
    /// to `forced_down` (`Some(true)`: down). Returns the state.
    fn draw_items(
        &self,
        rng: &mut Xoshiro256PlusPlus,
        scratch: &mut Vec<u32>,
        forced_down: &mut [Option<bool>],
    ) -> usize {
        let s = self.state(rng.random::<f64>());
        let nc = self.classes.len();
        for (c, items) in self.classes.iter().enumerate() {
            let d = self.counts[s * nc + c] as usize;
            scratch.clear();
            scratch.extend_from_slice(items);
            for k in 0..d {
                let j = k + (rng.random::<f64>() * (items.len() - k) as f64) as usize;
                scratch.swap(k, j.min(items.len() - 1));
            }
            for (k, &i) in scratch.iter().enumerate() {
                forced_down[i as usize] = Some(k < d);
            }
        }
        s
    }
}

/// A chain block's mode in the chain's mode `mode`, with the residual of
/// the delay in progress drawn from the block's stream `rng` (`None`: no
/// timer runs).
fn chain_mode(
    spec: &StandbySpec,
    rng: &mut Xoshiro256PlusPlus,
    mode: markov::Mode,
) -> (Mode, Option<f64>) {
    match mode {
        markov::Mode::Serving(i) => (Mode::Serving(u32::from(i)), None),
        markov::Mode::Detecting { from, .. } => (
            Mode::Detecting {
                from: u32::from(from),
            },
            Some(spec.detect.residual(rng)),
        ),
        markov::Mode::Moving { target, from, .. } => (
            Mode::Moving {
                target: u32::from(target),
                from: u32::from(from),
            },
            Some(spec.failover.residual(rng)),
        ),
        markov::Mode::FailingBack { target, .. } => (
            Mode::Failback {
                target: u32::from(target),
            },
            Some(spec.failback.residual(rng)),
        ),
        markov::Mode::Waiting { from } => (
            Mode::Waiting {
                from: u32::from(from),
            },
            None,
        ),
        markov::Mode::NoneUp | markov::Mode::TakeoverDue { .. } => (Mode::NoneUp, None),
    }
}

/// The warm-up before each mission when the chain cannot be built: long
/// enough for each standby block's mode to forget its start to about
/// e^-7 (0.1%): seven times the slowest relaxation time, `1 / sum of its
/// members' failure rates` for a non-revertive block (its mode changes
/// only when the serving member fails), the longest mean repair or delay
/// under it for a revertive one. Capped at ten missions.
pub(crate) fn warm_up(sys: &System, mission: f64) -> f64 {
    let mut w: f64 = 0.0;
    let mut seen = vec![0u32; sys.nodes().len()];
    let mut stack = Vec::new();
    let mut walk = 0u32;
    for s in sys.standbys() {
        if s.is_ideal() {
            continue;
        }
        let mut rate = 0.0;
        let mut longest = s
            .failover
            .mean()
            .max(s.detect.mean())
            .max(s.failback.mean());
        for &m in &s.members {
            // One mark array for all the walks: a node is seen in this
            // walk when it carries this walk's stamp (linear in the
            // subtrees walked, not in standby blocks times nodes).
            walk += 1;
            stack.clear();
            stack.push(m);
            while let Some(n) = stack.pop() {
                if std::mem::replace(&mut seen[n.0 as usize], walk) == walk {
                    continue;
                }
                match sys.node(n) {
                    Node::Item(i) => {
                        let r = sys.item(*i).rates;
                        if let Some(up) = r.mtbf_s
                            && up.is_finite()
                            && up > 0.0
                        {
                            rate += 1.0 / up;
                        }
                        longest = longest.max(r.mttr_s.unwrap_or(0.0));
                    }
                    other => stack.extend(other.children().iter().copied()),
                }
            }
        }
        let relax = if s.revert {
            longest
        } else if rate > 0.0 {
            1.0 / rate
        } else {
            f64::INFINITY
        };
        w = w.max(7.0 * relax);
    }
    w.min(10.0 * mission)
}

/// Version of the mapping from (seed, model) to random streams: it changes
/// whenever a seed stops reproducing the figures of an earlier release.
/// 1: streams keyed by item name (a component `p[1]` shared the stream of
/// replica 1 of `p`); 2: keyed by (kind, name, replica), injectively; 3:
/// with a warm-up, only the items under the standby blocks run through it,
/// and every other item draws its start at its end (models without a
/// warm-up give the figures of version 2).
pub(crate) const STREAM_VERSION: u32 = 3;

/// What a random stream belongs to: the first byte of its key.
#[derive(Clone, Copy)]
#[repr(u8)]
enum StreamKind {
    Domain = 1,
    Replica = 2,
    Standby = 3,
    /// The draw of each mission's starting state of the standby blocks.
    Start = 4,
}

/// The key of a random stream: FNV-1a over an injective encoding of
/// (kind, name, replica index): the kind's byte, the name's length (8
/// bytes), its bytes, the index (4 bytes). A component's name, a domain's
/// and a block's never share a key, nor does `p[1]` with replica 1 of `p`.
/// A single component is replica 0, like the first replica of a group.
fn stream_key(kind: StreamKind, name: &str, index: u32) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let bytes = std::iter::once(kind as u8)
        .chain((name.len() as u64).to_le_bytes())
        .chain(name.bytes())
        .chain(index.to_le_bytes());
    for b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// SplitMix64 finaliser.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl Model {
    /// Compiles the system. Items the system does not use still run (they
    /// are cheap), which keeps streams keyed by name stable.
    ///
    /// The caller has checked that every used item has a time scale.
    pub fn new(sys: &System) -> Self {
        let n = sys.nodes().len();
        let mut kind = Vec::with_capacity(n);
        let mut standby_of_node = vec![None; n];
        for (i, s) in sys.standbys().iter().enumerate() {
            standby_of_node[s.node.0 as usize] = Some(i as u32);
        }
        let mut item_node = vec![0u32; sys.items().len()];
        for (i, node) in sys.nodes().iter().enumerate() {
            kind.push(match node {
                Node::Item(it) => {
                    item_node[it.0 as usize] = i as u32;
                    Kind::Item
                }
                Node::All(c) => Kind::Gate(c.len() as u32),
                Node::AtLeast { k, .. } => match standby_of_node[i] {
                    Some(s) => Kind::Standby(s),
                    None => Kind::Gate(*k),
                },
            });
        }
        // Levels: children have lower indices than their parents.
        let mut level = vec![0u32; n];
        for (i, node) in sys.nodes().iter().enumerate() {
            level[i] = node
                .children()
                .iter()
                .map(|c| level[c.0 as usize] + 1)
                .max()
                .unwrap_or(0);
        }
        let levels = level.iter().max().map_or(1, |&l| l as usize + 1);
        // Parent lists (a shared node has several).
        let mut count = vec![0u32; n + 1];
        for node in sys.nodes() {
            for c in node.children() {
                count[c.0 as usize] += 1;
            }
        }
        let mut parent_start = vec![0u32; n + 1];
        for i in 0..n {
            parent_start[i + 1] = parent_start[i] + count[i];
        }
        let mut fill = parent_start.clone();
        let mut parents = vec![0u32; parent_start[n] as usize];
        for (p, node) in sys.nodes().iter().enumerate() {
            for c in node.children() {
                let slot = &mut fill[c.0 as usize];
                parents[*slot as usize] = p as u32;
                *slot += 1;
            }
        }
        let mut child_start = vec![0u32; n + 1];
        let mut children = Vec::new();
        for (i, node) in sys.nodes().iter().enumerate() {
            children.extend(node.children().iter().map(|c| c.0));
            child_start[i + 1] = children.len() as u32;
        }
        // The warm-up set: children have lower indices than their parents,
        // so one pass downwards closes it.
        let mut warm = vec![false; n];
        for s in sys.standbys() {
            warm[s.node.0 as usize] = true;
        }
        for i in (0..n).rev() {
            if warm[i] {
                for c in sys.nodes()[i].children() {
                    warm[c.0 as usize] = true;
                }
            }
        }
        let mut warm_parent_start = vec![0u32; n + 1];
        let mut warm_parents = Vec::new();
        for i in 0..n {
            warm_parents.extend(
                parents[parent_start[i] as usize..parent_start[i + 1] as usize]
                    .iter()
                    .filter(|&&p| warm[p as usize]),
            );
            warm_parent_start[i + 1] = warm_parents.len() as u32;
        }
        let cold_items = (0..sys.items().len() as u32)
            .filter(|&i| !warm[item_node[i as usize] as usize])
            .collect();
        let mut samplers = Vec::new();
        let mut interned = rustc_hash::FxHashMap::default();
        let mut sampler = |d: Option<&crate::Distribution>| -> u32 {
            use crate::Distribution as D;
            let key = match d {
                None => (0u8, 0u64, 0u64),
                Some(D::Exponential { mean }) => (1, mean.to_bits(), 0),
                Some(D::Weibull { shape, scale }) => (2, shape.to_bits(), scale.to_bits()),
                Some(D::Lognormal { mean, sd }) => (3, mean.to_bits(), sd.to_bits()),
                Some(D::Fixed(v)) => (4, v.to_bits(), 0),
            };
            *interned.entry(key).or_insert_with(|| {
                samplers.push(d.map_or(Sampler::Never, Sampler::new));
                samplers.len() as u32 - 1
            })
        };
        let failure = sys
            .items()
            .iter()
            .map(|it| sampler(it.failure.as_ref()))
            .collect();
        let repair = sys
            .items()
            .iter()
            .map(|it| sampler(it.repair.as_ref()))
            .collect();
        let mut keys: Vec<u64> = sys
            .items()
            .iter()
            .map(|it| match it.owner {
                Owner::Domain(d) => {
                    stream_key(StreamKind::Domain, &sys.domains()[d.index()].name, 0)
                }
                Owner::Component { component, replica } => stream_key(
                    StreamKind::Replica,
                    &sys.components()[component.index()].name,
                    replica,
                ),
            })
            .collect();
        keys.extend(
            sys.standbys()
                .iter()
                .map(|s| stream_key(StreamKind::Standby, &s.name, 0)),
        );
        Model {
            kind,
            parent_start,
            parents,
            child_start,
            children,
            standby_node: sys.standbys().iter().map(|s| s.node.0).collect(),
            level,
            levels,
            item_node,
            availability: sys
                .items()
                .iter()
                .map(|it| it.rates.availability.value())
                .collect(),
            samplers,
            failure,
            repair,
            standbys: sys
                .standbys()
                .iter()
                .map(|s| StandbySpec {
                    members: s.members.iter().map(|m| m.0).collect(),
                    failover: Sampler::new(&s.failover),
                    success: s.switch_success,
                    detect: Sampler::new(&s.detect),
                    detect_instant: s.detect == crate::Distribution::Fixed(0.0),
                    revert: s.revert,
                    failback: Sampler::new(&s.failback),
                })
                .collect(),
            keys,
            root: sys.root().0,
            start: Start::Independent,
            in_chain: vec![false; sys.standbys().len()],
            warm,
            warm_parent_start,
            warm_parents,
            cold_items,
            #[cfg(test)]
            full_warm_up: false,
        }
    }

    /// Chooses how missions start: a draw from the standby blocks' chain
    /// when it can be built and solved, else a warm-up. Returns how, in
    /// words, for the report.
    pub fn set_start(&mut self, sys: &System, mission: f64) -> Option<String> {
        self.set_start_within(sys, mission, markov::MAX_STATES)
    }

    /// [`Self::set_start`] with a chain of at most `max_states` states.
    fn set_start_within(
        &mut self,
        sys: &System,
        mission: f64,
        max_states: usize,
    ) -> Option<String> {
        if markov::chain::dynamic_standbys(sys).is_empty() {
            return None;
        }
        let solved = markov::Chain::build(sys, &markov::Overrides::default(), max_states)
            .ok()
            .and_then(|c| c.stationary().ok().map(|pi| (c, pi)));
        match solved {
            Some((chain, pi)) => {
                for b in &chain.blocks {
                    self.in_chain[b.standby] = true;
                }
                let cs = ChainStart::new(&chain, &pi);
                let note = format!(
                    "standby blocks start in their long-run mode: each mission's items of the standby blocks and the blocks' modes are drawn from the stationary distribution of their Markov chain ({} states; non-exponential times taken by their means for this draw only), a delay in progress with its equilibrium residual",
                    cs.states
                );
                self.start = Start::Chain(Box::new(cs));
                Some(note)
            }
            None => {
                let w = warm_up(sys, mission);
                self.start = Start::WarmUp(w);
                Some(format!(
                    "standby blocks start in their long-run mode by a warm-up of {} before each mission (seven relaxation times of the slowest block{}; the chain for an exact draw is too large or too costly to solve)",
                    crate::model::quantity::human_duration(w),
                    if w >= 10.0 * mission {
                        ", capped at ten missions: the start may keep a bias"
                    } else {
                        ""
                    }
                ))
            }
        }
    }

    fn n_items(&self) -> usize {
        self.item_node.len()
    }

    /// A mission's draw from the chain, when missions start from it: the
    /// state (from `start_rng`), which of the chain's items start down
    /// (into `forced_down`), and each chain block's mode with the residual
    /// of its delay in progress (from the block's stream in `block_rngs`),
    /// handed to `set(standby, mode, timer)`. Both engines start so.
    /// Returns the state, or `None` without a chain.
    fn draw_start(
        &self,
        start_rng: &mut Xoshiro256PlusPlus,
        scratch: &mut Vec<u32>,
        forced_down: &mut [Option<bool>],
        block_rngs: &mut [Xoshiro256PlusPlus],
        set: impl FnMut(usize, Mode, Option<f64>),
    ) -> Option<usize> {
        let Start::Chain(cs) = &self.start else {
            return None;
        };
        let state = cs.draw_items(start_rng, scratch, forced_down);
        cs.draw_modes(state, &self.standbys, block_rngs, set);
        Some(state)
    }
}

/// From this many slots (items and standby blocks) on, the simulator uses
/// the [`WindowQueue`]; below, the [`BlockQueue`].
pub(crate) const WINDOW_FROM_SLOTS: usize = 512;

/// What computes a model's trajectories: the sweep, or the event engine
/// on one of its queues.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Driver {
    Blocks,
    Window,
    Sweep,
}

/// The driver of `engine` for a model: the event engine's queue by the
/// number of slots.
pub(crate) fn driver_for(m: &Model, engine: super::Engine) -> Driver {
    match engine {
        super::Engine::Sweep => Driver::Sweep,
        super::Engine::Events => match m.n_items() + m.standbys.len() {
            n if n < WINDOW_FROM_SLOTS => Driver::Blocks,
            _ => Driver::Window,
        },
    }
}

/// An item's random stream with the static facts an event of it reads,
/// side by side: one cache line an event instead of four arrays.
struct ItemSlot {
    rng: Xoshiro256PlusPlus,
    node: u32,
    failure: u32,
    repair: u32,
}

impl ItemSlot {
    /// Item `i`'s stationary start (or down as `forced`): whether it is
    /// up, and the residual time of its phase.
    #[inline]
    fn start(&mut self, m: &Model, i: usize, forced: Option<bool>) -> (bool, f64) {
        let up = match forced {
            Some(down) => !down,
            None => {
                let a = m.availability[i];
                a >= 1.0 || self.rng.random::<f64>() < a
            }
        };
        let next = if up {
            m.samplers[self.failure as usize].residual(&mut self.rng)
        } else {
            m.samplers[self.repair as usize].residual(&mut self.rng)
        };
        (up, next)
    }
}

/// A node's state with the static facts propagation reads (its kind and
/// where its parents are listed), side by side.
struct NodeSlot {
    kind: Kind,
    up_count: u32,
    parents_at: u32,
    parents_end: u32,
    up: bool,
    queued: bool,
}

/// The dirty nodes of one propagation, handed out children first (every
/// child of a node before it), each once.
pub(crate) trait Dirty {
    fn for_model(m: &Model) -> Self;
    /// Adds node `n` of model `m`, not yet in.
    fn push(&mut self, m: &Model, n: u32);
    /// The next node, children first; `None` when empty.
    fn pop(&mut self) -> Option<u32>;
    fn clear(&mut self);
}

/// A min-heap by node index (children have lower indices than their
/// parents): cheapest when a change dirties a few nodes (small models:
/// 10% faster than [`LevelDirty`] on `sys10`).
pub(crate) struct HeapDirty(std::collections::BinaryHeap<std::cmp::Reverse<u32>>);

impl Dirty for HeapDirty {
    fn for_model(m: &Model) -> Self {
        HeapDirty(std::collections::BinaryHeap::with_capacity(m.kind.len()))
    }

    #[inline]
    fn push(&mut self, _m: &Model, n: u32) {
        self.0.push(std::cmp::Reverse(n));
    }

    #[inline]
    fn pop(&mut self) -> Option<u32> {
        self.0.pop().map(|std::cmp::Reverse(n)| n)
    }

    fn clear(&mut self) {
        self.0.clear();
    }
}

/// One stack a level, emptied lowest level first (a parent is a level
/// above its children): O(1) a node, for the thousands of nodes a zone's
/// failure dirties at once on large models, where the heap's O(log n)
/// a node showed (7% of a `sys100k` run).
pub(crate) struct LevelDirty {
    stacks: Vec<Vec<u32>>,
    /// The lowest and highest levels holding nodes (`usize::MAX` and 0:
    /// none).
    lo: usize,
    hi: usize,
}

impl Dirty for LevelDirty {
    fn for_model(m: &Model) -> Self {
        LevelDirty {
            stacks: vec![Vec::new(); m.levels],
            lo: usize::MAX,
            hi: 0,
        }
    }

    #[inline]
    fn push(&mut self, m: &Model, n: u32) {
        let l = m.level[n as usize] as usize;
        self.stacks[l].push(n);
        self.lo = self.lo.min(l);
        self.hi = self.hi.max(l);
    }

    #[inline]
    fn pop(&mut self) -> Option<u32> {
        while self.lo <= self.hi {
            if let Some(n) = self.stacks[self.lo].pop() {
                return Some(n);
            }
            self.lo += 1;
        }
        self.lo = usize::MAX;
        self.hi = 0;
        None
    }

    fn clear(&mut self) {
        self.stacks.iter_mut().for_each(Vec::clear);
        self.lo = usize::MAX;
        self.hi = 0;
    }
}

/// Reusable state for the trajectories of one chunk.
pub(crate) struct Runner<'m, Q: EventQueue = WindowQueue, D: Dirty = LevelDirty> {
    m: &'m Model,
    /// Each node's state, with its kind and parents beside it.
    nodes: Vec<NodeSlot>,
    mode: Vec<Mode>,
    tree: Q,
    /// Dirty nodes to re-evaluate, children first.
    dirty: D,
    /// Each item's stream with what an event of it reads.
    items: Vec<ItemSlot>,
    /// Each standby block's stream.
    block_rngs: Vec<Xoshiro256PlusPlus>,
    /// Draws each mission's starting state of the standby blocks.
    start_rng: Xoshiro256PlusPlus,
    /// Scratch: the chain's items drawn down (by item), and an order.
    forced_down: Vec<Option<bool>>,
    scratch: Vec<u32>,
}

impl<'m, Q: EventQueue, D: Dirty> Runner<'m, Q, D> {
    /// Streams for chunk `chunk` of the run seeded `seed`: one per item and
    /// per standby block, keyed by (kind, name, replica), so that the same
    /// component draws the same numbers in two variants of a model.
    pub fn new(m: &'m Model, seed: u64, chunk: u64) -> Self {
        let (items, block_rngs, start_rng) = streams(m, seed, chunk);
        let n = m.kind.len();
        Runner {
            m,
            nodes: (0..n)
                .map(|i| NodeSlot {
                    kind: m.kind[i],
                    up_count: 0,
                    parents_at: m.parent_start[i],
                    parents_end: m.parent_start[i + 1],
                    up: false,
                    queued: false,
                })
                .collect(),
            mode: vec![Mode::NoneUp; m.standbys.len()],
            tree: Q::with_slots(m.n_items() + m.standbys.len()),
            dirty: D::for_model(m),
            items,
            block_rngs,
            start_rng,
            forced_down: vec![None; m.n_items()],
            scratch: Vec::new(),
        }
    }

    /// Handles every event before `t0` (the warm-up).
    fn run_until<const WARM: bool>(&mut self, t0: f64) {
        loop {
            let (slot, t) = self.tree.min();
            if t >= t0 {
                break;
            }
            self.step::<WARM>(slot, t);
        }
    }

    /// Brings the records of the next few events into the cache while
    /// this one is handled, as far as the queue knows them: an item's
    /// record three to six events ahead, then its node one and two ahead
    /// (read from the record fetched before, so nothing here waits).
    #[inline]
    fn fetch_ahead(&self) {
        for k in 3..=6 {
            if let Some(s) = self.tree.ahead(k)
                && let Some(it) = self.items.get(s)
            {
                prefetch(it);
            }
        }
        for k in 1..=2 {
            if let Some(s) = self.tree.ahead(k)
                && let Some(it) = self.items.get(s)
            {
                prefetch(&self.nodes[it.node as usize]);
            }
        }
    }

    /// One event and its consequences.
    #[inline]
    fn step<const WARM: bool>(&mut self, slot: usize, t: f64) {
        if slot < self.m.n_items() {
            self.flip_item::<WARM>(slot, t);
        } else {
            self.timer_done(slot - self.m.n_items(), t);
        }
        self.propagate::<WARM>(t);
    }

    /// Steady-state start: the standby blocks' items and modes drawn from
    /// their chain's stationary distribution (or, without a chain, left to
    /// the warm-up); every other item up with probability A; each item with
    /// the residual time of its current phase, each delay in progress with
    /// the residual of its distribution. With `warm_only`, only the
    /// warm-up set starts (its items and nodes); the rest waits for
    /// [`Self::end_warm_up`].
    fn start(&mut self, warm_only: bool) {
        let m = self.m;
        for s in 0..m.standbys.len() {
            self.tree.set(m.n_items() + s, f64::INFINITY);
        }
        let drawn = m.draw_start(
            &mut self.start_rng,
            &mut self.scratch,
            &mut self.forced_down,
            &mut self.block_rngs,
            |sb, mode, timer| {
                self.mode[sb] = mode;
                if let Some(t) = timer {
                    self.tree.set(m.n_items() + sb, t);
                }
            },
        );
        for i in 0..m.n_items() {
            if warm_only && !m.warm[m.item_node[i] as usize] {
                self.tree.set(i, f64::INFINITY);
                continue;
            }
            let forced = self.forced_down[i];
            self.start_item(i, forced, 0.0);
        }
        if drawn.is_some() {
            for f in &mut self.forced_down {
                *f = None;
            }
        }
        self.settle(warm_only, |s| drawn.is_some() && m.in_chain[s as usize]);
    }

    /// Item `i` starts at `t0` in its stationary state (or down as
    /// `forced`), with the residual time of its phase.
    #[inline]
    fn start_item(&mut self, i: usize, forced: Option<bool>, t0: f64) {
        let it = &mut self.items[i];
        let (up, next) = it.start(self.m, i, forced);
        self.nodes[it.node as usize].up = up;
        self.tree.set(i, t0 + next);
    }

    /// The end of a warm-up of the warm-up set at `t0`: every other item
    /// starts in its stationary state (its first draws), and every node is
    /// settled from its children (a block from its mode).
    fn end_warm_up(&mut self, t0: f64) {
        let m = self.m;
        for &i in &m.cold_items {
            self.start_item(i as usize, None, t0);
        }
        self.settle(false, |_| true);
    }

    /// Settles every node from its children, children before parents (each
    /// node's children are settled and counted when it is reached). With
    /// `warm_only`, nodes outside the warm-up set stay down; a standby
    /// block keeps its mode where `keep_mode`, else serves from its first
    /// member up.
    fn settle(&mut self, warm_only: bool, keep_mode: impl Fn(u32) -> bool) {
        let m = self.m;
        self.nodes.iter_mut().for_each(|n| n.up_count = 0);
        for n in 0..m.kind.len() {
            if warm_only && !m.warm[n] {
                self.nodes[n].up = false;
                self.nodes[n].queued = false;
                continue;
            }
            let now = match m.kind[n] {
                Kind::Item => self.nodes[n].up,
                Kind::Gate(k) => self.nodes[n].up_count >= k,
                Kind::Standby(s) if keep_mode(s) => {
                    matches!(self.mode[s as usize], Mode::Serving(_))
                }
                Kind::Standby(s) => {
                    let spec = &m.standbys[s as usize];
                    let first_up = spec.members.iter().position(|&c| self.nodes[c as usize].up);
                    self.mode[s as usize] =
                        first_up.map_or(Mode::NoneUp, |j| Mode::Serving(j as u32));
                    first_up.is_some()
                }
            };
            self.nodes[n].up = now;
            self.nodes[n].queued = false;
            if now {
                for &p in &m.parents[m.parent_start[n] as usize..m.parent_start[n + 1] as usize] {
                    self.nodes[p as usize].up_count += 1;
                }
            }
        }
        self.dirty.clear();
    }

    #[inline]
    fn flip_item<const WARM: bool>(&mut self, i: usize, t: f64) {
        let m = self.m;
        let it = &mut self.items[i];
        let node = it.node as usize;
        let now_up = !self.nodes[node].up;
        let d = if now_up {
            m.samplers[it.failure as usize].sample(&mut it.rng)
        } else {
            m.samplers[it.repair as usize].sample(&mut it.rng)
        };
        self.tree.set(i, t + d);
        self.set_node::<WARM>(node, now_up);
    }

    /// Sets a node's state and tells its parents.
    /// During the warm-up (`WARM`) only parents in the warm-up set hear.
    #[inline]
    fn set_node<const WARM: bool>(&mut self, n: usize, now_up: bool) {
        let m = self.m;
        self.nodes[n].up = now_up;
        let parents = if WARM {
            &m.warm_parents[m.warm_parent_start[n] as usize..m.warm_parent_start[n + 1] as usize]
        } else {
            let node = &self.nodes[n];
            &m.parents[node.parents_at as usize..node.parents_end as usize]
        };
        for &p in parents {
            let p = p as usize;
            if now_up {
                self.nodes[p].up_count += 1;
            } else {
                self.nodes[p].up_count -= 1;
            }
            self.enqueue(p);
        }
    }

    /// Marks node `n` for re-evaluation (once).
    #[inline]
    fn enqueue(&mut self, n: usize) {
        let node = &mut self.nodes[n];
        if !node.queued {
            node.queued = true;
            self.dirty.push(self.m, n as u32);
        }
    }

    /// Re-evaluates dirty nodes, children before parents.
    fn propagate<const WARM: bool>(&mut self, t: f64) {
        while let Some(n) = self.dirty.pop() {
            let n = n as usize;
            self.nodes[n].queued = false;
            let (kind, count) = (self.nodes[n].kind, self.nodes[n].up_count);
            let now = match kind {
                Kind::Gate(k) => count >= k,
                Kind::Standby(s) => self.standby_update(s as usize, t),
                Kind::Item => self.nodes[n].up,
            };
            if now != self.nodes[n].up {
                self.set_node::<WARM>(n, now);
            }
        }
    }

    /// The standby state machine of docs/model.md, driven by its members'
    /// current states. Returns whether the block is up.
    fn standby_update(&mut self, s: usize, t: f64) -> bool {
        let (up, timer) = {
            let mut mc = self.machine(s);
            (mc.update(t), mc.timer)
        };
        if let Some(x) = timer {
            self.tree.set(self.m.n_items() + s, x);
        }
        up
    }

    /// Standby block `s`'s state machine over the members' current states.
    #[inline]
    fn machine(&mut self, s: usize) -> Machine<'m, '_, impl Fn(u32) -> bool + '_> {
        let spec = &self.m.standbys[s];
        let nodes = &self.nodes;
        Machine {
            spec,
            mode: &mut self.mode[s],
            rng: &mut self.block_rngs[s],
            up: move |j: u32| nodes[spec.members[j as usize] as usize].up,
            timer: None,
        }
    }

    /// The timer of standby `s` has run out: a move (takeover or move back)
    /// is done, or a detection ends and the takeover starts.
    fn timer_done(&mut self, s: usize, t: f64) {
        let m = self.m;
        let (changed, timer) = {
            let mut mc = self.machine(s);
            (mc.timer_done(t), mc.timer)
        };
        self.tree
            .set(m.n_items() + s, timer.unwrap_or(f64::INFINITY));
        // The block's state, and with `revert` a move back, are settled
        // with its members' when the change propagates.
        if changed {
            self.enqueue(m.standby_node[s] as usize);
        }
    }
}

/// The standby state machine of docs/model.md for one block, as both
/// engines drive it: `up(j)` tells whether member `j` is up now, and
/// `timer` receives the block's new timer (`INFINITY`: none) when it
/// changes. The draws from `rng` depend on the block's own history alone,
/// so the event engine and the sweep draw the same numbers.
struct Machine<'a, 'b, F: Fn(u32) -> bool> {
    spec: &'a StandbySpec,
    mode: &'b mut Mode,
    rng: &'b mut Xoshiro256PlusPlus,
    up: F,
    timer: Option<f64>,
}

impl<F: Fn(u32) -> bool> Machine<'_, '_, F> {
    /// The block after a change of its members' states (or its timer) at
    /// `t`. Returns whether it is up.
    fn update(&mut self, t: f64) -> bool {
        match *self.mode {
            Mode::Serving(i) if !(self.up)(i) => {
                if self.spec.detect_instant {
                    self.takeover(i, t);
                } else {
                    self.detecting(i, t);
                }
            }
            Mode::Detecting { from } if (self.up)(from) => {
                // Ridden out: no takeover, no switch-success draw.
                *self.mode = Mode::Serving(from);
                self.timer = Some(f64::INFINITY);
            }
            Mode::Moving { target, from } if !(self.up)(target) => self.takeover(from, t),
            // Seen at once: a takeover, as after a failure of the serving
            // member, without the detection.
            Mode::Failback { target } if !(self.up)(target) => self.takeover(target, t),
            Mode::Waiting { from } if (self.up)(from) => *self.mode = Mode::Serving(from),
            Mode::NoneUp => {
                if let Some(j) = (0..self.spec.members.len() as u32).find(|&j| (self.up)(j)) {
                    *self.mode = Mode::Serving(j);
                }
            }
            _ => {}
        }
        if self.spec.revert
            && let Mode::Serving(j) = *self.mode
        {
            self.revert(j, t);
        }
        matches!(*self.mode, Mode::Serving(_))
    }

    /// The timer has run out at `t`: a move (takeover or move back) is
    /// done, or a detection ends and the takeover starts. Returns whether
    /// the block must be updated (always, unless no timer was running).
    fn timer_done(&mut self, t: f64) -> bool {
        self.timer = Some(f64::INFINITY);
        match *self.mode {
            Mode::Moving { target, .. } | Mode::Failback { target } => {
                *self.mode = Mode::Serving(target);
            }
            Mode::Detecting { from } => {
                if (self.up)(from) {
                    // Back at this very instant: ridden out.
                    *self.mode = Mode::Serving(from);
                } else {
                    self.takeover(from, t);
                }
            }
            _ => return false,
        }
        true
    }

    /// The serving member `from` failed: the block is down for a detection
    /// draw before anything moves.
    fn detecting(&mut self, from: u32, t: f64) {
        let d = self.spec.detect.sample(self.rng);
        if d <= 0.0 {
            self.takeover(from, t);
        } else {
            *self.mode = Mode::Detecting { from };
            self.timer = Some(t + d);
        }
    }

    /// With `revert`, the block serves member `j`: if a member listed
    /// before it is up, move back to the first such one (always succeeds).
    fn revert(&mut self, j: u32, t: f64) {
        let Some(target) = (0..j).find(|&i| (self.up)(i)) else {
            return;
        };
        let d = self.spec.failback.sample(self.rng);
        if d <= 0.0 {
            *self.mode = Mode::Serving(target);
        } else {
            *self.mode = Mode::Failback { target };
            self.timer = Some(t + d);
        }
    }

    /// Service leaves member `from` (which failed first): move to the first
    /// member that is up, if any.
    fn takeover(&mut self, from: u32, t: f64) {
        let spec = self.spec;
        let Some(target) = (0..spec.members.len() as u32).find(|&j| (self.up)(j)) else {
            *self.mode = Mode::NoneUp;
            self.timer = Some(f64::INFINITY);
            return;
        };
        if spec.success < 1.0 && self.rng.random::<f64>() >= spec.success {
            // Down until `from` is repaired; if it already is (it came back
            // during a move that then failed), it serves at once.
            *self.mode = if (self.up)(from) {
                Mode::Serving(from)
            } else {
                Mode::Waiting { from }
            };
            self.timer = Some(f64::INFINITY);
            return;
        }
        let d = spec.failover.sample(self.rng);
        if d <= 0.0 {
            *self.mode = Mode::Serving(target);
            self.timer = Some(f64::INFINITY);
        } else {
            *self.mode = Mode::Moving { target, from };
            self.timer = Some(t + d);
        }
    }
}

impl<Q: EventQueue, D: Dirty> Trajectory for Runner<'_, Q, D> {
    /// Simulates one mission of `mission` seconds from steady state (after
    /// the warm-up, when the model has one).
    fn run(&mut self, mission: f64) -> RunResult {
        let root = self.m.root as usize;
        let t0 = match self.m.start {
            Start::WarmUp(w) if w > 0.0 => w,
            _ => 0.0,
        };
        #[cfg(test)]
        let restricted = !self.m.full_warm_up;
        #[cfg(not(test))]
        let restricted = true;
        if t0 > 0.0 && restricted {
            // Only the warm-up set moves during the warm-up; every other
            // item starts at its end, on its own, as in a start without
            // standby dynamics (its stationary state is the same then).
            self.start(true);
            self.run_until::<true>(t0);
            self.end_warm_up(t0);
        } else {
            self.start(false);
            self.run_until::<false>(t0);
        }
        let end = t0 + mission;
        let mut sys_up = self.nodes[root].up;
        let mut down_since = t0;
        let mut r = RunResult {
            starts_down: !sys_up,
            ..RunResult::default()
        };
        loop {
            let (slot, t) = self.tree.min();
            if t >= end {
                break;
            }
            self.fetch_ahead();
            self.step::<false>(slot, t);
            let now_up = self.nodes[root].up;
            if now_up != sys_up {
                sys_up = now_up;
                if now_up {
                    let d = t - down_since;
                    r.downtime += d;
                    r.longest = r.longest.max(d);
                } else {
                    r.outages += 1;
                    down_since = t;
                }
            }
        }
        if !sys_up {
            let d = end - down_since;
            r.downtime += d;
            r.longest = r.longest.max(d);
        }
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_keys_tell_kinds_names_and_replicas_apart() {
        let keys = [
            stream_key(StreamKind::Replica, "p[1]", 0),
            stream_key(StreamKind::Replica, "p", 1),
            stream_key(StreamKind::Replica, "p", 0),
            stream_key(StreamKind::Domain, "p", 0),
            stream_key(StreamKind::Standby, "p", 0),
            // The name's length is encoded: no shifting of bytes between
            // the name and the index.
            stream_key(StreamKind::Replica, "p\u{1}", 0),
            stream_key(StreamKind::Replica, "", 0),
        ];
        for (i, a) in keys.iter().enumerate() {
            for b in &keys[i + 1..] {
                assert_ne!(a, b);
            }
        }
        // Pinned (computed independently from the encoding): a change here
        // changes every stream, and must come with a new STREAM_VERSION.
        assert_eq!(STREAM_VERSION, 3);
        assert_eq!(
            stream_key(StreamKind::Replica, "p", 1),
            0xd5f1_735a_e02b_0b2d
        );
        assert_eq!(
            stream_key(StreamKind::Standby, "db", 0),
            0x5364_ef9b_2d64_9b3a
        );
    }
}

/// The sys100k bench model's generator, for the queue measurement.
#[cfg(test)]
#[path = "../../benches/common/sys100k.rs"]
mod sys100k_model;

#[cfg(test)]
mod queue_tests {
    use super::*;

    use super::sys100k_model as sys100k;

    fn load(name: &str) -> System {
        System::from_path(format!(
            "{}/benches/models/{name}.toml",
            env!("CARGO_MANIFEST_DIR")
        ))
        .expect("bench model")
    }

    fn runs<Q: EventQueue>(m: &Model, n: usize, mission: f64) -> Vec<RunResult> {
        let mut r: Runner<Q> = Runner::new(m, 7, 3);
        (0..n).map(|_| r.run(mission)).collect()
    }

    #[test]
    fn queues_give_the_same_trajectories() {
        // The last: standby pairs in shared zones, after a warm-up of the
        // pairs' subtrees (a warm-up, then every other item starting).
        for name in ["sys10", "sys100", "zones", "sys100k(2)"] {
            let sys = match name {
                "zones" => super::warm_up_tests::shared_zones(),
                "sys100k(2)" => System::from_str("sys100k.toml", &sys100k::sys100k_toml(2))
                    .expect("sys100k loads"),
                _ => load(name),
            };
            let mut m = Model::new(&sys);
            m.set_start(&sys, crate::YEAR_S);
            if name != "sys10" && name != "sys100" {
                assert!(matches!(m.start, Start::WarmUp(_)), "{name}");
            }
            let block = runs::<BlockQueue>(&m, 200, crate::YEAR_S);
            // The heap of dirty nodes (small models) against the levels.
            let mut r: Runner<BlockQueue, HeapDirty> = Runner::new(&m, 7, 3);
            let heap_dirty: Vec<RunResult> = (0..200).map(|_| r.run(crate::YEAR_S)).collect();
            assert_eq!(block, heap_dirty, "{name}");
            let heap = runs::<HeapQueue>(&m, 200, crate::YEAR_S);
            let calendar = runs::<CalendarQueue>(&m, 200, crate::YEAR_S);
            let quad = runs::<QuadHeapQueue>(&m, 200, crate::YEAR_S);
            let tree = runs::<TreeQueue>(&m, 200, crate::YEAR_S);
            let window = runs::<WindowQueue>(&m, 200, crate::YEAR_S);
            assert_eq!(block, window, "{name}");
            assert_eq!(block, quad, "{name}");
            assert_eq!(block, tree, "{name}");
            assert_eq!(block, heap, "{name}");
            assert_eq!(block, calendar, "{name}");
            assert!(block.iter().any(|r| r.outages > 0));
        }
    }

    /// The four queues pop the same slots at the same times, ties to the
    /// lowest slot, on random inputs: times on a coarse grid (many ties),
    /// slots sent to infinity and back, times set earlier than the
    /// current minimum, gaps of many days, and a restart at time 0.
    #[test]
    fn queues_pop_in_the_same_order() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
        for slots in [1usize, 2, 3, 17, 100, 1_000, 5_000] {
            type Queues = (
                BlockQueue,
                HeapQueue,
                CalendarQueue,
                QuadHeapQueue,
                TreeQueue,
                WindowQueue,
            );
            let mut q: Queues = (
                BlockQueue::with_slots(slots),
                HeapQueue::with_slots(slots),
                CalendarQueue::with_slots(slots),
                QuadHeapQueue::with_slots(slots),
                TreeQueue::with_slots(slots),
                WindowQueue::with_slots(slots),
            );
            let set = |q: &mut Queues, s: usize, t: f64| {
                q.0.set(s, t);
                q.1.set(s, t);
                q.2.set(s, t);
                q.3.set(s, t);
                q.4.set(s, t);
                q.5.set(s, t);
            };
            for s in 0..slots {
                if rng.random::<f64>() < 0.9 {
                    set(&mut q, s, (rng.random::<f64>() * 50.0).floor());
                }
            }
            let mut overflowed = 0;
            for step in 0..20 * slots + 200 {
                overflowed = overflowed.max(q.2.overflowed);
                let (sb, tb) = q.0.min();
                assert_eq!((sb, tb), q.1.min(), "{slots} slots, step {step}");
                assert_eq!((sb, tb), q.2.min(), "{slots} slots, step {step}");
                assert_eq!((sb, tb), q.3.min(), "{slots} slots, step {step}");
                assert_eq!((sb, tb), q.4.min(), "{slots} slots, step {step}");
                assert_eq!((sb, tb), q.5.min(), "{slots} slots, step {step}");
                let now = if tb.is_finite() { tb } else { 0.0 };
                let u = rng.random::<f64>();
                let t = if step == 10 * slots {
                    // A new run: everything back near time 0.
                    for s in 0..slots {
                        set(&mut q, s, (rng.random::<f64>() * 10.0).floor());
                    }
                    continue;
                } else if u < 0.05 {
                    f64::INFINITY
                } else if u < 0.1 {
                    now + 1e6 * rng.random::<f64>()
                } else {
                    now + (rng.random::<f64>() * 8.0).floor()
                };
                set(&mut q, sb, t);
                // Another slot moved, maybe before the minimum.
                if rng.random::<f64>() < 0.3 {
                    let o = (rng.random::<f64>() * slots as f64) as usize % slots;
                    let t = if rng.random::<f64>() < 0.5 {
                        (now - 3.0).max(0.0) + (rng.random::<f64>() * 6.0).floor()
                    } else {
                        f64::INFINITY
                    };
                    set(&mut q, o, t);
                }
            }
            // The calendar's full buckets were exercised.
            assert!(slots < 100 || overflowed > 0, "{slots} slots");
        }
    }

    /// The event queues on the sys100k bench model and smaller versions of
    /// it (cells of 100 components), one thread, one simulated year a run:
    /// runs per second of each, measured in the same process, the queues
    /// taking turns for five rounds and each keeping its best round (the
    /// machine is shared: the best round is the least disturbed).
    /// `cargo test --release --lib queue_speed -- --ignored --nocapture`
    #[test]
    #[ignore = "a measurement: prints runs per second of each queue"]
    fn queue_speed_on_sys100k() {
        // `QUEUE_SPEED_CELLS=1000,200` measures those sizes only.
        let cells: Vec<usize> = std::env::var("QUEUE_SPEED_CELLS").map_or_else(
            |_| vec![2, 5, 10, 20, 50, 200, 1_000],
            |v| v.split(',').filter_map(|c| c.trim().parse().ok()).collect(),
        );
        for cells in cells {
            let sys = System::from_str("sys100k.toml", &sys100k::sys100k_toml(cells))
                .expect("sys100k loads");
            let mut m = Model::new(&sys);
            m.set_start(&sys, crate::YEAR_S);
            let n = (3_000 / cells).max(6);
            let time = |f: &dyn Fn() -> Vec<RunResult>, best: &mut f64| {
                let t = std::time::Instant::now();
                let r = f();
                *best = best.min(t.elapsed().as_secs_f64());
                r
            };
            let [mut ta, mut tb, mut tc, mut td, mut te, mut tw] = [f64::INFINITY; 6];
            for _ in 0..5 {
                let a = time(&|| runs::<BlockQueue>(&m, n, crate::YEAR_S), &mut ta);
                let b = time(&|| runs::<HeapQueue>(&m, n, crate::YEAR_S), &mut tb);
                let c = time(&|| runs::<CalendarQueue>(&m, n, crate::YEAR_S), &mut tc);
                let d = time(&|| runs::<QuadHeapQueue>(&m, n, crate::YEAR_S), &mut td);
                let e = time(&|| runs::<TreeQueue>(&m, n, crate::YEAR_S), &mut te);
                let w = time(&|| runs::<WindowQueue>(&m, n, crate::YEAR_S), &mut tw);
                assert_eq!(a, e);
                assert_eq!(a, b);
                assert_eq!(a, c);
                assert_eq!(a, d);
                assert_eq!(a, w);
            }
            println!(
                "{cells} cells ({} slots), {n} runs of one year, one thread, runs/s: sqrt(n) blocks {:.2}, binary heap {:.2}, 4-ary heap {:.2}, calendar {:.2}, tournament tree {:.2}, window {:.2}; against the binary heap: blocks {:.2}x, 4-ary {:.2}x, calendar {:.2}x, tree {:.2}x, window {:.2}x",
                m.n_items() + m.standbys.len(),
                n as f64 / ta,
                n as f64 / tb,
                n as f64 / td,
                n as f64 / tc,
                n as f64 / te,
                n as f64 / tw,
                tb / ta,
                tb / td,
                tb / tc,
                tb / te,
                tb / tw
            );
        }
    }
}

#[cfg(test)]
mod warm_up_tests {
    use super::*;

    /// Six non-revertive pairs (primary in az0, failing often; backup in
    /// az1, failing rarely) and 60 plain replicas spread over the same
    /// zones: the zones and the region are shared by the pairs' subtrees
    /// and the rest, so the chain is one group, too large, and missions
    /// start after a warm-up.
    pub(super) fn shared_zones() -> System {
        let mut text = String::from(
            "system = \"s\"\n[domain.region]\nmtbf = \"20000h\"\nmttr = \"2h\"\n\
             [domain.az0]\nmtbf = \"5000h\"\nmttr = \"3h\"\nwithin = \"region\"\n\
             [domain.az1]\nmtbf = \"5000h\"\nmttr = \"3h\"\nwithin = \"region\"\n\
             [component.g]\nmtbf = \"10000h\"\nmttr = \"1h\"\ncount = 60\nneed = 59\n\
             spread = [\"az0\", \"az1\"]\n",
        );
        let mut parts = vec!["\"g\"".to_string()];
        for k in 0..6 {
            text += &format!(
                "[component.p{k}a]\nmtbf = \"100h\"\nmttr = \"5h\"\ndomain = \"az0\"\n\
                 [component.p{k}b]\nmtbf = \"2000h\"\nmttr = \"5h\"\ndomain = \"az1\"\n\
                 [block.p{k}]\nstandby = [\"p{k}a\", \"p{k}b\"]\n\
                 failover = {{ exponential = {{ mean = \"60m\" }} }}\n"
            );
            parts.push(format!("\"p{k}\""));
        }
        text += &format!("[block.s]\nseries = [{}]\n", parts.join(", "));
        System::from_str("zones.toml", &text).expect("model")
    }

    /// Mean and standard error of the downtime of `runs` missions.
    fn mean_se(m: &Model, seed: u64, runs: u64, mission: f64) -> (f64, f64) {
        let (mut sum, mut sum2) = (0.0, 0.0);
        let mut n = 0.0;
        for chunk in 0..runs.div_ceil(500) {
            let mut r: Runner<BlockQueue> = Runner::new(m, seed, chunk);
            for _ in 0..500 {
                let d = r.run(mission).downtime;
                sum += d;
                sum2 += d * d;
                n += 1.0;
            }
        }
        let mean = sum / n;
        (mean, ((sum2 / n - mean * mean) / (n - 1.0)).sqrt())
    }

    /// The warm-up of the blocks' subtrees alone gives the downtime of the
    /// warm-up of every item (the start of stream version 2), within
    /// 3.5 standard errors (other seeds: independent samples); a start
    /// without warm-up (every pair on its primary) is far from both, so
    /// the comparison can tell.
    #[test]
    fn restricted_warm_up_matches_the_full_one() {
        let sys = shared_zones();
        let mission = 30.0 * 86_400.0;
        let mut m = Model::new(&sys);
        m.set_start(&sys, mission);
        let Start::WarmUp(w) = m.start else {
            panic!("the chain should be too large")
        };
        // The warm-up set: the pairs' items and the three domains, not the
        // 60 replicas.
        assert_eq!(m.cold_items.len(), 60);
        assert!(m.warm_parents.len() < m.parents.len());
        let runs = 20_000;
        let restricted = mean_se(&m, 5, runs, mission);
        m.full_warm_up = true;
        let full = mean_se(&m, 6, runs, mission);
        m.start = Start::WarmUp(1.0);
        let none = mean_se(&m, 7, runs, mission);
        let se = (restricted.1.powi(2) + full.1.powi(2)).sqrt();
        println!(
            "warm-up {w:.0} s: restricted {restricted:?}, full {full:?}, none {none:?} (seconds of downtime, se)"
        );
        assert!(
            (restricted.0 - full.0).abs() < 3.5 * se,
            "restricted {restricted:?} vs full {full:?}"
        );
        assert!(
            none.0 - full.0 > 10.0 * se,
            "no warm-up {none:?} vs full {full:?}: the test cannot tell"
        );
    }
}

#[cfg(test)]
mod sweep_tests {
    use super::*;

    use super::sys100k_model as sys100k;

    /// Every standby feature at once, two ways of starting: nested blocks
    /// (a revertive block of a standby pair and a plain replica), a
    /// detection, failed switches, a move back, fixed delays (ties of a
    /// delay's end with other events need the events' order), Weibull and
    /// lognormal times, a 2-of-3 group over zones that the blocks share.
    fn every_feature(shared: bool) -> System {
        let zone = |z: &str| {
            if shared {
                format!("domain = \"{z}\"\n")
            } else {
                String::new()
            }
        };
        let text = format!(
            "system = \"top\"\n\
             [domain.az0]\nmtbf = \"3000h\"\nmttr = \"3h\"\n\
             [domain.az1]\nmtbf = \"3000h\"\nmttr = \"3h\"\n\
             [domain.az2]\nmtbf = \"3000h\"\nmttr = \"3h\"\n\
             [component.a]\nfailure = {{ weibull = {{ shape = 1.5, scale = \"300h\" }} }}\n\
             repair = {{ lognormal = {{ mean = \"4h\", sd = \"3h\" }} }}\n{}\
             [component.b]\nmtbf = \"500h\"\nrepair = {{ fixed = \"2h\" }}\n{}\
             [component.c]\nmtbf = \"800h\"\nmttr = \"6h\"\n{}\
             [component.g]\nmtbf = \"400h\"\nmttr = \"8h\"\ncount = 3\nneed = 2\n\
             spread = [\"az0\", \"az1\", \"az2\"]\n\
             [block.pair]\nstandby = [\"a\", \"b\"]\nfailover = \"5m\"\n\
             detect = {{ exponential = {{ mean = \"1m\" }} }}\nswitch_success = 0.9\n\
             [block.outer]\nstandby = [\"pair\", \"c\"]\nfailover = {{ fixed = \"3m\" }}\n\
             revert = true\nfailback = \"1m\"\n\
             [block.top]\nseries = [\"outer\", \"g\"]\n",
            zone("az0"),
            zone("az1"),
            zone("az2"),
        );
        System::from_str("every.toml", &text).expect("model")
    }

    fn events<Q: EventQueue, D: Dirty>(m: &Model, n: usize, mission: f64) -> Vec<RunResult> {
        let mut r: Runner<Q, D> = Runner::new(m, 11, 5);
        (0..n).map(|_| r.run(mission)).collect()
    }

    /// A random model (from `seed`): domains (one within another),
    /// components with every kind of distribution, replica groups spread
    /// over the domains, and blocks of every kind over earlier names
    /// (shared members, nested standby blocks with random options).
    fn random_model(seed: u64) -> String {
        let mut r = Xoshiro256PlusPlus::seed_from_u64(seed);
        let mut pick = |n: usize| (r.random::<f64>() * n as f64) as usize;
        let mut t = String::from("system = \"top\"\n");
        let nd = pick(3);
        for d in 0..nd {
            t += &format!(
                "[domain.d{d}]\nmtbf = \"{}h\"\nmttr = \"{}h\"\n",
                500 + 500 * pick(8),
                1 + pick(6)
            );
            if d > 0 && pick(2) == 0 {
                t += "within = \"d0\"\n";
            }
        }
        let mut names: Vec<String> = Vec::new();
        let nc = 3 + pick(6);
        for c in 0..nc {
            t += &format!("[component.c{c}]\n");
            t += &match pick(3) {
                0 => format!("mtbf = \"{}h\"\n", 50 + 100 * pick(10)),
                1 => format!(
                    "failure = {{ weibull = {{ shape = {}, scale = \"{}h\" }} }}\n",
                    [0.7, 1.5, 3.0][pick(3)],
                    100 + 100 * pick(8)
                ),
                _ => format!("failure = {{ fixed = \"{}h\" }}\n", 100 + 50 * pick(8)),
            };
            t += &match pick(4) {
                0 => format!("mttr = \"{}m\"\n", 30 + 30 * pick(10)),
                1 => format!(
                    "repair = {{ lognormal = {{ mean = \"{}h\", sd = \"{}h\" }} }}\n",
                    2 + pick(4),
                    1 + pick(3)
                ),
                2 => format!("repair = {{ fixed = \"{}h\" }}\n", 1 + pick(5)),
                _ => format!(
                    "repair = {{ exponential = {{ mean = \"{}h\" }} }}\n",
                    1 + pick(8)
                ),
            };
            if nd > 0 && pick(3) > 0 {
                if pick(2) == 0 {
                    let n = 2 + pick(2);
                    t += &format!("count = {n}\nneed = {}\n", 1 + pick(n));
                    let spread: Vec<String> = (0..nd).map(|d| format!("\"d{d}\"")).collect();
                    t += &format!("spread = [{}]\n", spread.join(", "));
                } else {
                    t += &format!("domain = \"d{}\"\n", pick(nd));
                }
            }
            names.push(format!("c{c}"));
        }
        let nb = 2 + pick(5);
        for b in 0..nb {
            let name = if b + 1 == nb {
                "top".to_string()
            } else {
                format!("b{b}")
            };
            let k = 2 + pick(2);
            let mut members: Vec<String> = Vec::new();
            while members.len() < k {
                // Recent names more often: deeper nesting.
                let n = names.len();
                let j = if pick(2) == 0 {
                    n - 1 - pick(n.min(3))
                } else {
                    pick(n)
                };
                if !members.contains(&names[j]) {
                    members.push(names[j].clone());
                }
            }
            let list: Vec<String> = members.iter().map(|m| format!("\"{m}\"")).collect();
            let list = list.join(", ");
            t += &format!("[block.{name}]\n");
            t += &match pick(3) {
                0 => format!("series = [{list}]\n"),
                1 => format!("parallel = [{list}]\nneed = {}\n", 1 + pick(k)),
                _ => {
                    let mut s = format!("standby = [{list}]\n");
                    s += &match pick(3) {
                        0 => format!("failover = \"{}m\"\n", 1 + pick(20)),
                        1 => format!(
                            "failover = {{ exponential = {{ mean = \"{}m\" }} }}\n",
                            1 + pick(20)
                        ),
                        _ => String::new(),
                    };
                    if pick(2) == 0 {
                        s += &format!("detect = \"{}s\"\n", 10 + 30 * pick(5));
                    }
                    if pick(2) == 0 {
                        s += &format!("switch_success = {}\n", [0.5, 0.9, 0.99][pick(3)]);
                    }
                    if pick(2) == 0 {
                        s += &format!("revert = true\nfailback = \"{}m\"\n", pick(5));
                    }
                    s
                }
            };
            names.push(name);
        }
        t
    }

    /// The sweep against the event engine on 300 random models, 40 runs
    /// each, over missions from a day to two years: even seeds start from
    /// the chain's draw where it has at most 3,000 states (else, as odd
    /// seeds, after a warm-up).
    #[test]
    fn the_sweep_gives_the_event_engines_trajectories_on_random_models() {
        let (mut outages, mut chains, mut warm_ups) = (0u64, 0, 0);
        for seed in 0..300u64 {
            let text = random_model(seed);
            let sys = System::from_str("random.toml", &text)
                .unwrap_or_else(|e| panic!("seed {seed}: {e}\n{text}"));
            let mission = [86_400.0, crate::YEAR_S, 2.0 * crate::YEAR_S][seed as usize % 3];
            let mut m = Model::new(&sys);
            let limit = if seed % 2 == 0 { 3_000 } else { 0 };
            m.set_start_within(&sys, mission, limit);
            match m.start {
                Start::Chain(_) => chains += 1,
                Start::WarmUp(_) => warm_ups += 1,
                Start::Independent => {}
            }
            let mut sweep = Sweep::new(&m, seed, 2);
            let s: Vec<RunResult> = (0..40).map(|_| sweep.run(mission)).collect();
            let mut r: Runner<BlockQueue, HeapDirty> = Runner::new(&m, seed, 2);
            let e: Vec<RunResult> = (0..40).map(|_| r.run(mission)).collect();
            assert_eq!(s, e, "seed {seed}\n{text}");
            outages += s.iter().map(|r| u64::from(r.outages)).sum::<u64>();
        }
        assert!(
            chains > 40 && warm_ups > 100,
            "{chains} chains, {warm_ups} warm-ups"
        );
        assert!(outages > 5_000, "{outages} outages");
    }

    /// The sweep gives the event engine's trajectories, bit for bit, on
    /// every shipped model, the bench models, and models made to reach
    /// each corner of the standby machine, from a chain's draw and after
    /// a warm-up, over missions of a year and of a day.
    #[test]
    fn the_sweep_gives_the_event_engines_trajectories() {
        let dir = env!("CARGO_MANIFEST_DIR");
        let mut cases: Vec<(String, System)> = Vec::new();
        for sub in ["models", "benches/models"] {
            let mut paths: Vec<_> = std::fs::read_dir(format!("{dir}/{sub}"))
                .expect("model folder")
                .map(|e| e.expect("entry").path())
                .filter(|p| p.extension().is_some_and(|e| e == "toml"))
                .collect();
            paths.sort();
            for p in paths {
                let sys = System::from_path(&p).expect("shipped model");
                cases.push((p.display().to_string(), sys));
            }
        }
        cases.push(("zones".into(), super::warm_up_tests::shared_zones()));
        cases.push(("every feature".into(), every_feature(false)));
        cases.push(("every feature, shared zones".into(), every_feature(true)));
        cases.push((
            "sys100k(3)".into(),
            System::from_str("sys100k.toml", &sys100k::sys100k_toml(3)).expect("sys100k"),
        ));
        let (mut chain, mut warm, mut flips) = (0, 0, 0u64);
        for (name, sys) in &cases {
            for mission in [crate::YEAR_S, 86_400.0] {
                let mut m = Model::new(sys);
                m.set_start(sys, mission);
                match m.start {
                    Start::Chain(_) => chain += 1,
                    Start::WarmUp(_) => warm += 1,
                    Start::Independent => {}
                }
                let runs = 150;
                let mut sweep = Sweep::new(&m, 11, 5);
                let s: Vec<RunResult> = (0..runs).map(|_| sweep.run(mission)).collect();
                let e = events::<WindowQueue, LevelDirty>(&m, runs, mission);
                assert_eq!(s, e, "{name}, mission {mission} s");
                let b = events::<BlockQueue, HeapDirty>(&m, runs, mission);
                assert_eq!(s, b, "{name}, mission {mission} s");
                flips += s.iter().map(|r| u64::from(r.outages)).sum::<u64>();
            }
        }
        // The cases reach both starts and many outages.
        assert!(chain >= 4 && warm >= 4, "chain {chain}, warm-up {warm}");
        assert!(flips > 10_000, "{flips} outages");
    }
}
