//! The Markov chain of a system's standby blocks: the items the blocks
//! depend on (their members' items and every domain above them) and the
//! blocks' modes (docs/model.md, "Standby dynamics"), as a continuous-time
//! Markov chain over the reachable states.
//!
//! Items fail and are repaired at the rates of their means (exact for
//! exponential items; others are taken by their means and said so).
//! Replicas of one component in the same domain are exchangeable and are
//! lumped by how many are down. Delays (detection, failover, failback) are
//! exponential phases: one for an exponential delay (exact), an Erlang fit
//! for others ([`ERLANG_PHASES`] for a fixed delay), named in
//! [`Chain::approximations`]. Groups of blocks that share no item are
//! independent: each group's chain is built and solved apart (at most
//! [`MAX_GROUP_STATES`] states), and the whole chain is their product.

use rustc_hash::FxHashMap;

use crate::model::dist::Distribution;
use crate::model::system::{ItemId, Node, NodeId, Owner, System};
use crate::value::finding::{Code, Finding};

/// Phases of the Erlang fit of a fixed delay.
pub const ERLANG_PHASES: u8 = 4;

/// Largest chain built before giving up (states, the product over
/// independent groups of blocks).
pub const MAX_STATES: usize = 500_000;

/// Largest chain of one group of blocks that share items (states): each
/// is solved by a sparse LU, whose fill grows quickly beyond this.
pub const MAX_GROUP_STATES: usize = 20_000;

/// A delay as exponential phases in sequence (`k = 0`: instant).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Phases {
    /// Number of phases.
    pub k: u8,
    /// Rate of each phase, per second.
    pub rate: f64,
}

impl Phases {
    /// The phase-type fit of a delay: instant for a zero mean, one phase
    /// for an exponential (exact), Erlang-k with `k ~ 1 / cv^2` (at most
    /// [`ERLANG_PHASES`]) otherwise. The second value says whether the fit
    /// is an approximation.
    pub fn fit(d: &Distribution) -> (Phases, bool) {
        let mean = d.mean();
        if mean <= 0.0 {
            return (Phases { k: 0, rate: 0.0 }, false);
        }
        let cv2 = match *d {
            Distribution::Exponential { .. } => {
                return (
                    Phases {
                        k: 1,
                        rate: 1.0 / mean,
                    },
                    false,
                );
            }
            Distribution::Fixed(_) => 0.0,
            Distribution::Weibull { shape, .. } => {
                use statrs::function::gamma::gamma;
                let g1 = gamma(1.0 + 1.0 / shape);
                gamma(1.0 + 2.0 / shape) / (g1 * g1) - 1.0
            }
            Distribution::Lognormal { mean, sd } => (sd / mean).powi(2),
        };
        let k = if cv2 <= 0.0 {
            ERLANG_PHASES
        } else {
            (1.0 / cv2).round().clamp(1.0, f64::from(ERLANG_PHASES)) as u8
        };
        (
            Phases {
                k,
                rate: f64::from(k) / mean,
            },
            true,
        )
    }
}

/// The mode of a standby block (docs/model.md). Members are
/// positions in the block's list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mode {
    /// Member `0` serves: the block is up.
    Serving(u8),
    /// The serving member `from` failed and the failure is not yet noticed.
    Detecting {
        /// The member that failed.
        from: u8,
        /// Phase of the detection delay.
        phase: u8,
    },
    /// A takeover towards `target` after `from` failed.
    Moving {
        /// The member taking over.
        target: u8,
        /// The member that failed first.
        from: u8,
        /// Phase of the failover delay.
        phase: u8,
    },
    /// A move back to the preferred member `target` (`revert`).
    FailingBack {
        /// The preferred member.
        target: u8,
        /// The member that served.
        from: u8,
        /// Phase of the failback delay.
        phase: u8,
    },
    /// After a failed switch: down until `from` is repaired.
    Waiting {
        /// The member that failed first.
        from: u8,
    },
    /// No member up.
    NoneUp,
    /// Detection is over: a takeover from `from` starts now (never stored).
    TakeoverDue {
        /// The member that failed.
        from: u8,
    },
}

impl Mode {
    /// Whether the block is up in this mode.
    pub fn is_up(self) -> bool {
        matches!(self, Mode::Serving(_))
    }
}

/// Exchangeable items (one item, or the replicas of a component in one
/// domain): the chain keeps how many are down.
#[derive(Clone, Debug)]
pub struct Class {
    /// The items; with `d` down, the first `d` stand for them.
    pub items: Vec<ItemId>,
    /// Failure rate of an up item, per second.
    pub fail: f64,
    /// Repair rate of a down item, per second.
    pub repair: f64,
}

/// A standby block's dynamics in the chain.
#[derive(Clone, Debug)]
pub struct BlockDyn {
    /// Index into [`System::standbys`].
    pub standby: usize,
    /// The block's node.
    pub node: NodeId,
    /// Detection delay.
    pub detect: Phases,
    /// Failover delay.
    pub failover: Phases,
    /// Failback delay (`revert` only).
    pub failback: Phases,
    /// Whether service moves back to a preferred member.
    pub revert: bool,
    /// Probability that a takeover succeeds.
    pub success: f64,
    /// Number of members.
    pub members: usize,
}

/// What-if changes for an evaluation.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    /// Items that never fail (indexed by item; empty: none).
    pub perfect_items: Vec<bool>,
    /// Standby blocks whose switch is instant and always succeeds
    /// (indexed by standby; empty: none).
    pub ideal_blocks: Vec<bool>,
}

impl Overrides {
    fn perfect(&self, i: ItemId) -> bool {
        self.perfect_items
            .get(i.0 as usize)
            .copied()
            .unwrap_or(false)
    }
    fn ideal(&self, s: usize) -> bool {
        self.ideal_blocks.get(s).copied().unwrap_or(false)
    }
}

/// Why no chain was built.
#[derive(Clone, Debug, PartialEq)]
pub enum ChainError {
    /// More than `limit` states.
    TooLarge {
        /// The limit.
        limit: usize,
    },
    /// An item of the dynamic part gives availability alone.
    Untimed(ItemId),
}

#[derive(Clone, Debug)]
enum CNode {
    Item { class: u32, rank: u16 },
    Gate { k: u32, children: Vec<u32> },
    Block { block: u32, members: Vec<u32> },
}

/// The reachable chain of the dynamic part, ready to solve.
#[derive(Clone, Debug)]
pub struct Chain {
    /// Lumped items.
    pub classes: Vec<Class>,
    /// The standby blocks, inner before outer.
    pub blocks: Vec<BlockDyn>,
    /// Transitions `(from, to, rate per second)`.
    pub transitions: Vec<(u32, u32, f64)>,
    /// Approximations made (empty: exact).
    pub approximations: Vec<Finding>,
    /// What drives each transition (parallel to `transitions`).
    pub causes: Vec<Cause>,
    /// Down counts, `classes.len()` per state.
    counts: Vec<u16>,
    /// Modes, `blocks.len()` per state.
    modes: Vec<Mode>,
    n_states: usize,
    /// For a chain of independent groups of blocks: each group's chain
    /// (the state is the tuple of theirs, the first group varying fastest).
    parts: Vec<Chain>,
}

/// Groups of standby blocks that share no item: their chains are
/// independent and their product is the whole chain.
fn independent_groups(sys: &System, standbys: &[usize]) -> Vec<Vec<usize>> {
    let n = standbys.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(p: &mut [usize], mut x: usize) -> usize {
        while p[x] != x {
            p[x] = p[p[x]];
            x = p[x];
        }
        x
    }
    let mut owner: FxHashMap<u32, usize> = FxHashMap::default();
    // Each block's nodes by a walk of its own subtree (a stamp per block),
    // not a sweep of the whole structure: linear in the blocks' sizes.
    let mut stamp = vec![0u32; sys.nodes().len()];
    let mut stack = Vec::new();
    for (k, &s) in standbys.iter().enumerate() {
        let mark = k as u32 + 1;
        stack.push(sys.standbys()[s].node);
        while let Some(v) = stack.pop() {
            if std::mem::replace(&mut stamp[v.0 as usize], mark) == mark {
                continue;
            }
            let node = sys.node(v);
            stack.extend(node.children());
            {
                let Node::Item(it) = node else {
                    continue;
                };
                match owner.get(&it.0) {
                    Some(&o) => {
                        let (a, b) = (find(&mut parent, o), find(&mut parent, k));
                        parent[a] = b;
                    }
                    None => {
                        owner.insert(it.0, k);
                    }
                }
            }
        }
    }
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut index: FxHashMap<usize, usize> = FxHashMap::default();
    for (k, &s) in standbys.iter().enumerate() {
        let r = find(&mut parent, k);
        let g = *index.entry(r).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push(s);
    }
    groups
}

/// The standby blocks the chain must carry: used and not ideal.
pub fn dynamic_standbys(sys: &System) -> Vec<usize> {
    let used = sys.used_nodes();
    sys.standbys()
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.is_ideal() && used[s.node.0 as usize])
        .map(|(i, _)| i)
        .collect()
}

/// Every node under the members of the given standby blocks, and the
/// blocks' nodes (indexed by node).
pub fn dynamic_nodes(sys: &System, standbys: &[usize]) -> Vec<bool> {
    let mut mark = vec![false; sys.nodes().len()];
    for &s in standbys {
        mark[sys.standbys()[s].node.0 as usize] = true;
    }
    for i in (0..sys.nodes().len()).rev() {
        if mark[i] {
            for c in sys.nodes()[i].children() {
                mark[c.0 as usize] = true;
            }
        }
    }
    mark
}

impl Chain {
    /// Builds the reachable chain.
    ///
    /// # Examples
    ///
    /// ```
    /// use fivenines::markov::{Chain, MAX_STATES, Overrides};
    /// let sys = fivenines::System::from_str("pair.toml", r#"
    ///     system = "db"
    ///     [component.a]
    ///     mtbf = "1y"
    ///     mttr = "2h"
    ///     [component.b]
    ///     mtbf = "1y"
    ///     mttr = "2h"
    ///     [block.db]
    ///     standby = ["a", "b"]
    ///     failover = { exponential = { mean = "90s" } }
    /// "#)?;
    /// let chain = Chain::build(&sys, &Overrides::default(), MAX_STATES).expect("small");
    /// let pi = chain.stationary()?;
    /// assert_eq!(pi.len(), chain.len());
    /// assert!((pi.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ChainError::TooLarge`] beyond `limit` states,
    /// [`ChainError::Untimed`] when an item in the dynamic part gives
    /// availability alone.
    pub fn build(sys: &System, ov: &Overrides, limit: usize) -> Result<Chain, ChainError> {
        let standbys = dynamic_standbys(sys);
        let groups = independent_groups(sys, &standbys);
        let group_limit = limit.min(MAX_GROUP_STATES);
        if groups.len() <= 1 {
            return Self::build_group(sys, ov, group_limit, &standbys);
        }
        let parts = groups
            .iter()
            .map(|g| Self::build_group(sys, ov, group_limit, g))
            .collect::<Result<Vec<_>, _>>()?;
        Self::product(parts, limit)
    }

    /// The chain of independent groups: states are tuples, each group's
    /// transitions move its own part.
    fn product(parts: Vec<Chain>, limit: usize) -> Result<Chain, ChainError> {
        let mut n: usize = 1;
        for p in &parts {
            n = n.saturating_mul(p.len());
        }
        if n > limit {
            return Err(ChainError::TooLarge { limit });
        }
        let mut strides = Vec::with_capacity(parts.len());
        let mut stride = 1usize;
        for p in &parts {
            strides.push(stride);
            stride *= p.len();
        }
        let mut chain = Chain {
            classes: parts.iter().flat_map(|p| p.classes.clone()).collect(),
            blocks: parts.iter().flat_map(|p| p.blocks.clone()).collect(),
            transitions: Vec::new(),
            approximations: Vec::new(),
            causes: Vec::new(),
            counts: Vec::new(),
            modes: Vec::new(),
            n_states: n,
            parts: Vec::new(),
        };
        for p in &parts {
            for a in &p.approximations {
                if !chain.approximations.contains(a) {
                    chain.approximations.push(a.clone());
                }
            }
        }
        // Each part's transitions by source.
        let by_source: Vec<Vec<Vec<usize>>> = parts
            .iter()
            .map(|p| {
                let mut v = vec![Vec::new(); p.len()];
                for (k, t) in p.transitions.iter().enumerate() {
                    v[t.0 as usize].push(k);
                }
                v
            })
            .collect();
        let (mut class_off, mut block_off) = (Vec::new(), Vec::new());
        let (mut co, mut bo) = (0u32, 0u32);
        for p in &parts {
            class_off.push(co);
            block_off.push(bo);
            co += p.classes.len() as u32;
            bo += p.blocks.len() as u32;
        }
        for s in 0..n {
            for (g, p) in parts.iter().enumerate() {
                let sg = (s / strides[g]) % p.len();
                let nc = p.classes.len();
                let nb = p.blocks.len();
                chain
                    .counts
                    .extend_from_slice(&p.counts[sg * nc..(sg + 1) * nc]);
                chain
                    .modes
                    .extend_from_slice(&p.modes[sg * nb..(sg + 1) * nb]);
                for &k in &by_source[g][sg] {
                    let (_, to, rate) = p.transitions[k];
                    let t = s - sg * strides[g] + to as usize * strides[g];
                    chain.transitions.push((s as u32, t as u32, rate));
                    chain.causes.push(match p.causes[k] {
                        Cause::Fail(c) => Cause::Fail(c + class_off[g]),
                        Cause::Repair(c) => Cause::Repair(c + class_off[g]),
                        Cause::Phase(b) => Cause::Phase(b + block_off[g]),
                    });
                }
            }
        }
        chain.parts = parts;
        Ok(chain)
    }

    /// The chain of one group of standby blocks (all of them when they
    /// share items).
    fn build_group(
        sys: &System,
        ov: &Overrides,
        limit: usize,
        standbys: &[usize],
    ) -> Result<Chain, ChainError> {
        let standbys = standbys.to_vec();
        let mark = dynamic_nodes(sys, &standbys);
        let mut approximations = Vec::new();

        // Classes of exchangeable items.
        let mut class_of: FxHashMap<ItemId, (u32, u16)> = FxHashMap::default();
        let mut classes: Vec<Class> = Vec::new();
        let mut class_key: FxHashMap<(usize, u32, bool), u32> = FxHashMap::default();
        let mut untimed_means = Vec::new();
        // Domain node of each component replica: the other child of its leaf.
        let mut leaf_domain: FxHashMap<ItemId, u32> = FxHashMap::default();
        for (i, n) in sys.nodes().iter().enumerate() {
            if !mark[i] {
                continue;
            }
            if let Node::All(ch) = n
                && ch.len() == 2
                && let Node::Item(it) = sys.node(ch[0])
                && matches!(sys.item(*it).owner, Owner::Component { .. })
            {
                leaf_domain.insert(*it, ch[1].0);
            }
        }
        for (i, n) in sys.nodes().iter().enumerate() {
            let (true, Node::Item(it)) = (mark[i], n) else {
                continue;
            };
            if class_of.contains_key(it) {
                continue;
            }
            let item = sys.item(*it);
            let perfect = ov.perfect(*it) || item.rates.availability.unavailability() == 0.0;
            let (fail, repair) = if perfect {
                (0.0, 0.0)
            } else {
                match (item.rates.mtbf_s, item.rates.mttr_s) {
                    (Some(m), Some(r)) if m > 0.0 && r > 0.0 => (1.0 / m, 1.0 / r),
                    _ => return Err(ChainError::Untimed(*it)),
                }
            };
            if !perfect
                && (!matches!(item.failure, Some(Distribution::Exponential { .. }))
                    || !matches!(item.repair, Some(Distribution::Exponential { .. })))
            {
                untimed_means.push(item.name.clone());
            }
            let class = match item.owner {
                Owner::Component { component, .. }
                    if sys.components()[component.index()].items.len() > 1 =>
                {
                    let dom = leaf_domain.get(it).copied().unwrap_or(u32::MAX);
                    *class_key
                        .entry((component.index(), dom, perfect))
                        .or_insert_with(|| {
                            classes.push(Class {
                                items: Vec::new(),
                                fail,
                                repair,
                            });
                            classes.len() as u32 - 1
                        })
                }
                _ => {
                    classes.push(Class {
                        items: Vec::new(),
                        fail,
                        repair,
                    });
                    classes.len() as u32 - 1
                }
            };
            let rank = classes[class as usize].items.len() as u16;
            classes[class as usize].items.push(*it);
            class_of.insert(*it, (class, rank));
        }
        if !untimed_means.is_empty() {
            approximations.push(Finding::approximation(
                Code::ChainMeans,
                None,
                format!(
                    "in the Markov chain, non-exponential failure or repair times are taken by their means ({})",
                    untimed_means.join(", ")
                ),
            ));
        }

        // Blocks.
        let mut block_of_node: FxHashMap<u32, u32> = FxHashMap::default();
        let mut blocks = Vec::new();
        for &s in &standbys {
            let sb = &sys.standbys()[s];
            let ideal = ov.ideal(s);
            let fit = |d: &Distribution, what: &str, approximations: &mut Vec<Finding>| {
                if ideal {
                    return Phases { k: 0, rate: 0.0 };
                }
                let (p, approx) = Phases::fit(d);
                if approx {
                    approximations.push(Finding::approximation(
                        Code::ErlangFit,
                        Some(&sb.name),
                        format!(
                            "{what} {} as {} exponential phase{} (Erlang fit of its mean and spread)",
                            d.describe(),
                            p.k,
                            if p.k == 1 { "" } else { "s" }
                        ),
                    ));
                }
                p
            };
            let detect = fit(&sb.detect, "detection", &mut approximations);
            let failover = fit(&sb.failover, "failover", &mut approximations);
            let failback = if sb.revert {
                fit(&sb.failback, "failback", &mut approximations)
            } else {
                Phases { k: 0, rate: 0.0 }
            };
            if sb.members.len() > 200 {
                return Err(ChainError::TooLarge { limit });
            }
            block_of_node.insert(sb.node.0, blocks.len() as u32);
            blocks.push(BlockDyn {
                standby: s,
                node: sb.node,
                detect,
                failover,
                failback,
                revert: sb.revert,
                success: if ideal { 1.0 } else { sb.switch_success },
                members: sb.members.len(),
            });
        }

        // Compact structure of the dynamic part, children first.
        let mut compact_of = vec![u32::MAX; sys.nodes().len()];
        let mut cnodes = Vec::new();
        for (i, n) in sys.nodes().iter().enumerate() {
            if !mark[i] {
                continue;
            }
            let kids =
                |c: &[NodeId]| -> Vec<u32> { c.iter().map(|x| compact_of[x.0 as usize]).collect() };
            let cn = match n {
                Node::Item(it) => {
                    let (class, rank) = class_of[it];
                    CNode::Item { class, rank }
                }
                Node::All(c) => CNode::Gate {
                    k: c.len() as u32,
                    children: kids(c),
                },
                Node::AtLeast { k, of } => match block_of_node.get(&(i as u32)) {
                    Some(&b) => {
                        let sb = &sys.standbys()[blocks[b as usize].standby];
                        CNode::Block {
                            block: b,
                            members: kids(&sb.members),
                        }
                    }
                    None => CNode::Gate {
                        k: *k,
                        children: kids(of),
                    },
                },
            };
            compact_of[i] = cnodes.len() as u32;
            cnodes.push(cn);
        }

        let mut chain = Chain {
            classes,
            blocks,
            transitions: Vec::new(),
            approximations,
            causes: Vec::new(),
            counts: Vec::new(),
            modes: Vec::new(),
            n_states: 0,
            parts: Vec::new(),
        };
        // Items fail and are repaired independently, so every vector of
        // down counts is reachable: a lower bound on the states.
        let mut least = 1.0f64;
        for c in &chain.classes {
            if c.fail > 0.0 {
                least *= (c.items.len() + 1) as f64;
            }
        }
        if least > limit as f64 {
            return Err(ChainError::TooLarge { limit });
        }
        chain.explore(&cnodes, limit)?;
        Ok(chain)
    }

    /// Every successor of a state: `(rate, cause, counts, modes)`.
    fn successors(
        &self,
        cnodes: &[CNode],
        counts: &[u16],
        modes: &[Mode],
        settled: &mut Vec<(f64, Vec<Mode>)>,
        out: &mut Vec<Successor>,
    ) {
        // Item failures and repairs.
        for (c, class) in self.classes.iter().enumerate() {
            let n = class.items.len() as u16;
            let d = counts[c];
            for (delta, rate, cause) in [
                (1i32, f64::from(n - d) * class.fail, Cause::Fail(c as u32)),
                (-1i32, f64::from(d) * class.repair, Cause::Repair(c as u32)),
            ] {
                if rate <= 0.0 {
                    continue;
                }
                let mut c2 = counts.to_vec();
                c2[c] = (i32::from(d) + delta) as u16;
                settled.clear();
                self.settle(cnodes, &c2, modes.to_vec(), settled);
                for (p, m) in settled.drain(..) {
                    out.push((rate * p, cause, c2.clone(), m));
                }
            }
        }
        // Phases of delays.
        for (b, blk) in self.blocks.iter().enumerate() {
            let (phases, next, done) = match modes[b] {
                Mode::Detecting { from, phase } => (
                    blk.detect,
                    Mode::Detecting {
                        from,
                        phase: phase + 1,
                    },
                    Mode::TakeoverDue { from },
                ),
                Mode::Moving {
                    target,
                    from,
                    phase,
                } => (
                    blk.failover,
                    Mode::Moving {
                        target,
                        from,
                        phase: phase + 1,
                    },
                    Mode::Serving(target),
                ),
                Mode::FailingBack {
                    target,
                    from,
                    phase,
                } => (
                    blk.failback,
                    Mode::FailingBack {
                        target,
                        from,
                        phase: phase + 1,
                    },
                    Mode::Serving(target),
                ),
                _ => continue,
            };
            let cause = Cause::Phase(b as u32);
            let mut m2 = modes.to_vec();
            if next_phase(next) < phases.k {
                m2[b] = next;
                out.push((phases.rate, cause, counts.to_vec(), m2));
            } else {
                m2[b] = done;
                settled.clear();
                self.settle(cnodes, counts, m2, settled);
                for (p, m) in settled.drain(..) {
                    out.push((phases.rate * p, cause, counts.to_vec(), m));
                }
            }
        }
    }

    /// Breadth-first search of the states reachable from everything up,
    /// recording every transition and its cause.
    fn explore(&mut self, cnodes: &[CNode], limit: usize) -> Result<(), ChainError> {
        let (nc, nb) = (self.classes.len(), self.blocks.len());
        let mut index: FxHashMap<Key, u32> = FxHashMap::default();
        let mut settled = Vec::new();
        let start_counts = vec![0u16; nc];
        self.settle(cnodes, &start_counts, vec![Mode::NoneUp; nb], &mut settled);
        let (_, start_modes) = settled.pop().expect("one start");
        self.counts.extend_from_slice(&start_counts);
        self.modes.extend_from_slice(&start_modes);
        index.insert((start_counts.into(), start_modes.into()), 0);
        self.n_states = 1;
        let mut out: Vec<Successor> = Vec::new();
        let mut s = 0;
        while s < self.n_states {
            let counts: Vec<u16> = self.counts[s * nc..(s + 1) * nc].to_vec();
            let modes: Vec<Mode> = self.modes[s * nb..(s + 1) * nb].to_vec();
            out.clear();
            self.successors(cnodes, &counts, &modes, &mut settled, &mut out);
            for (rate, cause, c2, m2) in out.drain(..) {
                if rate <= 0.0 {
                    continue;
                }
                let key: Key = (c2.into_boxed_slice(), m2.into_boxed_slice());
                let t = match index.get(&key) {
                    Some(&t) => t,
                    None => {
                        if self.n_states >= limit {
                            return Err(ChainError::TooLarge { limit });
                        }
                        let t = self.n_states as u32;
                        self.counts.extend_from_slice(&key.0);
                        self.modes.extend_from_slice(&key.1);
                        self.n_states += 1;
                        index.insert(key, t);
                        t
                    }
                };
                if t as usize != s {
                    self.transitions.push((s as u32, t, rate));
                    self.causes.push(cause);
                }
            }
            s += 1;
        }
        Ok(())
    }

    /// Settles every block after a change (instant reactions only), inner
    /// blocks first; pushes each outcome with its probability.
    fn settle(
        &self,
        cnodes: &[CNode],
        counts: &[u16],
        modes: Vec<Mode>,
        out: &mut Vec<(f64, Vec<Mode>)>,
    ) {
        let mut status = vec![false; cnodes.len()];
        self.settle_from(cnodes, 0, counts, &mut status, modes, 1.0, out);
    }

    #[allow(clippy::too_many_arguments)]
    fn settle_from(
        &self,
        cnodes: &[CNode],
        start: usize,
        counts: &[u16],
        status: &mut [bool],
        mut modes: Vec<Mode>,
        p: f64,
        out: &mut Vec<(f64, Vec<Mode>)>,
    ) {
        for idx in start..cnodes.len() {
            status[idx] = match &cnodes[idx] {
                CNode::Item { class, rank } => *rank >= counts[*class as usize],
                CNode::Gate { k, children } => {
                    children.iter().filter(|&&c| status[c as usize]).count() as u32 >= *k
                }
                CNode::Block { block, members } => {
                    let up: Vec<bool> = members.iter().map(|&c| status[c as usize]).collect();
                    let b = *block as usize;
                    let mut outcomes = Vec::with_capacity(1);
                    self.react(b, modes[b], &up, 1.0, &mut outcomes);
                    if outcomes.len() == 1 {
                        modes[b] = outcomes[0].1;
                        modes[b].is_up()
                    } else {
                        for (q, m) in outcomes {
                            let mut modes2 = modes.clone();
                            modes2[b] = m;
                            let mut status2 = status.to_vec();
                            status2[idx] = m.is_up();
                            self.settle_from(
                                cnodes,
                                idx + 1,
                                counts,
                                &mut status2,
                                modes2,
                                p * q,
                                out,
                            );
                        }
                        return;
                    }
                }
            };
        }
        out.push((p, modes));
    }

    /// The instant reactions of block `b` in `mode` to its members' states
    /// (docs/model.md), each outcome with its probability.
    fn react(&self, b: usize, mode: Mode, up: &[bool], p: f64, out: &mut Vec<(f64, Mode)>) {
        let blk = &self.blocks[b];
        let first_up = up.iter().position(|&u| u).map(|j| j as u8);
        match mode {
            Mode::Serving(i) => {
                if !up[i as usize] {
                    if blk.detect.k > 0 {
                        out.push((p, Mode::Detecting { from: i, phase: 0 }));
                    } else {
                        self.takeover(b, i, up, p, out);
                    }
                } else if blk.revert
                    && let Some(j) = first_up
                    && j < i
                {
                    if blk.failback.k > 0 {
                        out.push((
                            p,
                            Mode::FailingBack {
                                target: j,
                                from: i,
                                phase: 0,
                            },
                        ));
                    } else {
                        self.react(b, Mode::Serving(j), up, p, out);
                    }
                } else {
                    out.push((p, mode));
                }
            }
            Mode::Detecting { from, .. } => {
                if up[from as usize] {
                    self.react(b, Mode::Serving(from), up, p, out);
                } else {
                    out.push((p, mode));
                }
            }
            Mode::Moving { target, from, .. } => {
                if up[target as usize] {
                    out.push((p, mode));
                } else {
                    self.takeover(b, from, up, p, out);
                }
            }
            Mode::FailingBack { target, .. } => {
                if up[target as usize] {
                    out.push((p, mode));
                } else {
                    self.takeover(b, target, up, p, out);
                }
            }
            Mode::Waiting { from } => {
                if up[from as usize] {
                    self.react(b, Mode::Serving(from), up, p, out);
                } else {
                    out.push((p, mode));
                }
            }
            Mode::NoneUp => match first_up {
                Some(j) => self.react(b, Mode::Serving(j), up, p, out),
                None => out.push((p, mode)),
            },
            Mode::TakeoverDue { from } => self.takeover(b, from, up, p, out),
        }
    }

    /// Service leaves `from`: towards the first member up, if any.
    fn takeover(&self, b: usize, from: u8, up: &[bool], p: f64, out: &mut Vec<(f64, Mode)>) {
        let blk = &self.blocks[b];
        let Some(target) = up.iter().position(|&u| u).map(|j| j as u8) else {
            out.push((p, Mode::NoneUp));
            return;
        };
        let c = blk.success;
        if c > 0.0 {
            if blk.failover.k > 0 {
                out.push((
                    p * c,
                    Mode::Moving {
                        target,
                        from,
                        phase: 0,
                    },
                ));
            } else {
                self.react(b, Mode::Serving(target), up, p * c, out);
            }
        }
        if c < 1.0 {
            if up[from as usize] {
                self.react(b, Mode::Serving(from), up, p * (1.0 - c), out);
            } else {
                out.push((p * (1.0 - c), Mode::Waiting { from }));
            }
        }
    }

    /// The same chain where the items of the marked classes never fail
    /// (their failure transitions removed): the states stay, those with
    /// such an item down become transient.
    pub fn without_failures(&self, perfect: &[bool]) -> Chain {
        let mut c = self.clone();
        let keep: Vec<bool> = self
            .causes
            .iter()
            .map(|cause| !matches!(cause, Cause::Fail(k) if perfect[*k as usize]))
            .collect();
        let mut k = keep.iter();
        c.transitions.retain(|_| *k.next().expect("parallel"));
        let mut k = keep.iter();
        c.causes.retain(|_| *k.next().expect("parallel"));
        for (i, cl) in c.classes.iter_mut().enumerate() {
            if perfect[i] {
                cl.fail = 0.0;
            }
        }
        let mut off = 0;
        for part in &mut c.parts {
            let n = part.classes.len();
            *part = part.without_failures(&perfect[off..off + n]);
            off += n;
        }
        c
    }

    /// Number of states.
    pub fn len(&self) -> usize {
        self.n_states
    }

    /// Whether the chain has no state (never: it holds at least the start).
    pub fn is_empty(&self) -> bool {
        self.n_states == 0
    }

    /// How many items of class `c` are down in state `s`.
    pub fn down(&self, s: usize, c: usize) -> u16 {
        self.counts[s * self.classes.len() + c]
    }

    /// The mode of block `b` in state `s`.
    pub fn mode(&self, s: usize, b: usize) -> Mode {
        self.modes[s * self.blocks.len() + b]
    }

    /// Whether a transition from `s` to `t` can only take things down
    /// (no item repaired, no block back up), or only up, or neither.
    pub fn direction(&self, s: usize, t: usize) -> Direction {
        let (mut down, mut up) = (false, false);
        for c in 0..self.classes.len() {
            match self.down(t, c).cmp(&self.down(s, c)) {
                std::cmp::Ordering::Greater => down = true,
                std::cmp::Ordering::Less => up = true,
                std::cmp::Ordering::Equal => {}
            }
        }
        for b in 0..self.blocks.len() {
            match (self.mode(s, b).is_up(), self.mode(t, b).is_up()) {
                (true, false) => down = true,
                (false, true) => up = true,
                _ => {}
            }
        }
        match (down, up) {
            (false, false) => Direction::Neither,
            (true, false) => Direction::Down,
            (false, true) => Direction::Up,
            (true, true) => Direction::Mixed,
        }
    }

    /// The stationary distribution.
    ///
    /// # Errors
    ///
    /// When the chain cannot be solved (see [`super::solve::SolveError`]).
    pub fn stationary(&self) -> Result<Vec<f64>, super::SolveError> {
        if self.parts.is_empty() {
            return super::solve::stationary(self.n_states, &self.transitions);
        }
        // Independent groups: the product of their distributions.
        let pis = self
            .parts
            .iter()
            .map(Chain::stationary)
            .collect::<Result<Vec<_>, _>>()?;
        let mut pi = vec![1.0; self.n_states];
        let mut stride = 1;
        for (p, part) in pis.iter().zip(&self.parts) {
            for (s, v) in pi.iter_mut().enumerate() {
                *v *= p[(s / stride) % part.len()];
            }
            stride *= part.len();
        }
        Ok(pi)
    }
}

/// A state as the search keys it: down counts and modes.
type Key = (Box<[u16]>, Box<[Mode]>);

/// A successor: rate, cause, down counts, modes.
type Successor = (f64, Cause, Vec<u16>, Vec<Mode>);

/// What drives a transition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cause {
    /// A failure of an item of the class.
    Fail(u32),
    /// A repair of an item of the class.
    Repair(u32),
    /// A phase of a delay of the block.
    Phase(u32),
}

fn next_phase(m: Mode) -> u8 {
    match m {
        Mode::Detecting { phase, .. }
        | Mode::Moving { phase, .. }
        | Mode::FailingBack { phase, .. } => phase,
        _ => 0,
    }
}

/// The kind of change a transition makes to the dynamic part.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Nothing the structure sees changes (a phase of a delay).
    Neither,
    /// Only failures: items down, blocks down.
    Down,
    /// Only repairs: items up, blocks up.
    Up,
    /// Both (a repair that starts a failback).
    Mixed,
}
