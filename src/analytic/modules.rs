//! Modules: independent sub-structures, each with its own decision
//! diagram, combined as single variables.
//!
//! A node is a *module* when nothing below it is reached from outside it
//! except through it (no item or node shared with the rest). Its function
//! then depends on items nobody else sees, so it is independent of the rest
//! of the structure and can stand for one variable whose availability is
//! its own diagram's probability (exact). Found in linear time by the
//! visit dates of one depth-first traversal (Dutuit & Rauzy, "A linear-time
//! algorithm to find modules of fault trees", IEEE Trans. Reliability 45(3),
//! 1996): a node is a module when every descendant is first visited after it
//! is, and last visited before its own first visit ends.
//!
//! Every non-root module has exactly one parent module (a module reached
//! from two modules would make the inner of them share it), so the modules
//! form a tree. Probabilities go up it (each module's diagram evaluated with
//! its input modules' probabilities), Birnbaum importance comes down it by
//! the chain rule `I_B(x) = I_B(x; M) * I_B(M)`, both exact.
//!
//! Each module's diagram has its own variable order: the light depth-first
//! walk of `order.rs`, or, when that builds more than a few nodes a vertex
//! in a module with sharing inside, a FORCE order raced against it (see
//! the module documentation of `order.rs`).

use rustc_hash::{FxHashMap, FxHashSet};

use super::bdd::{Diagram, FALSE, Manager};
use super::order::{canonical_keys, force};
use super::sift::reorder;
use crate::model::system::{Node, System};

/// What a module's local variable stands for.
#[derive(Clone, Copy, Debug)]
enum Input {
    /// An item, by its global level.
    Item(u32),
    /// Another module, by index in [`Modular::mods`].
    Module(usize),
}

#[derive(Clone)]
struct Module {
    diagram: Diagram,
    /// Local level -> what it is.
    inputs: Vec<Input>,
}

/// The structure as a tree of modules, children first (the root last).
#[derive(Clone)]
pub(crate) struct Modular {
    mods: Vec<Module>,
    /// Siftings done while building (see `sift.rs`).
    sifted: usize,
}

/// The probabilities of every module's diagram.
pub(crate) struct ModularPass {
    passes: Vec<super::bdd::Pass>,
    /// Local availability and unavailability of each module's inputs.
    local: Vec<(Vec<f64>, Vec<f64>)>,
}

/// Which used nodes are modules (items count as modules). Iterative
/// depth-first traversal from the root; items are identified by item, not
/// by node.
pub(crate) fn find_modules(sys: &System) -> Vec<bool> {
    let nodes = sys.nodes();
    let n = nodes.len();
    // One node per item: the first that names it.
    let mut item_node: FxHashMap<u32, u32> = FxHashMap::default();
    let canon: Vec<u32> = nodes
        .iter()
        .enumerate()
        .map(|(i, node)| match node {
            Node::Item(it) => *item_node.entry(it.0).or_insert(i as u32),
            _ => i as u32,
        })
        .collect();
    let (mut first, mut exit, mut last) = (vec![0u64; n], vec![0u64; n], vec![0u64; n]);
    let mut t = 0u64;
    // (node, next child index)
    let root = canon[sys.root().0 as usize];
    let mut stack: Vec<(u32, usize)> = vec![(root, 0)];
    t += 1;
    first[root as usize] = t;
    last[root as usize] = t;
    while let Some(&mut (v, ref mut next)) = stack.last_mut() {
        let kids = nodes[v as usize].children();
        if *next < kids.len() {
            let c = canon[kids[*next].0 as usize];
            *next += 1;
            t += 1;
            if first[c as usize] == 0 {
                first[c as usize] = t;
                last[c as usize] = t;
                stack.push((c, 0));
            } else {
                last[c as usize] = t;
            }
        } else {
            t += 1;
            exit[v as usize] = t;
            last[v as usize] = last[v as usize].max(t);
            stack.pop();
        }
    }
    // Children before parents: the earliest first visit and the latest
    // visit among each node's descendants.
    let mut lo = vec![u64::MAX; n];
    let mut hi = vec![0u64; n];
    for v in 0..n {
        if first[v] == 0 {
            continue;
        }
        for c in nodes[v].children() {
            let c = canon[c.0 as usize] as usize;
            lo[v] = lo[v].min(first[c]).min(lo[c]);
            hi[v] = hi[v].max(last[c]).max(hi[c]);
        }
    }
    let mut module = vec![false; n];
    for v in 0..n {
        let c = canon[v] as usize;
        if first[c] == 0 {
            continue;
        }
        module[v] = match nodes[c] {
            Node::Item(_) => true,
            _ => lo[c] > first[c] && hi[c] < exit[c],
        };
    }
    module
}

impl Modular {
    /// Builds every module's diagram over its own inputs. `level_of` gives
    /// each used item its global level. `None` when a diagram would exceed
    /// `limit` nodes.
    pub fn build(sys: &System, level_of: &[Option<u32>], limit: usize) -> Option<Modular> {
        Self::build_with(sys, level_of, limit, 1024, REORDER_AT)
    }

    /// [`Modular::build`] with the light walk's quick budget of a module
    /// with sharing inside `n_inputs * LIGHT_WALK_NODES + slack` nodes
    /// (tests set it low, to take the FORCE path on small structures), and
    /// the table size of a run's first sifting (tests set it low too).
    fn build_with(
        sys: &System,
        level_of: &[Option<u32>],
        limit: usize,
        slack: usize,
        reorder_at: usize,
    ) -> Option<Modular> {
        let nodes = sys.nodes();
        // Split off the modules with sharing inside: a module that is a
        // plain tree costs its parent's diagram no more than its own size,
        // laid out contiguously by the depth-first order.
        let mut is_module = find_modules(sys);
        let mut parents = vec![0u32; nodes.len()];
        for node in nodes {
            for c in node.children() {
                parents[c.0 as usize] += 1;
            }
        }
        let mut sharing = vec![false; nodes.len()];
        for (i, node) in nodes.iter().enumerate() {
            sharing[i] = node
                .children()
                .iter()
                .any(|c| parents[c.0 as usize] > 1 || sharing[c.0 as usize]);
            if !matches!(node, Node::Item(_)) && i != sys.root().0 as usize && !sharing[i] {
                is_module[i] = false;
            }
        }
        let keys = canonical_keys(sys);
        let mut is_domain = vec![false; sys.items().len()];
        for d in sys.domains() {
            is_domain[d.item.0 as usize] = true;
        }
        // Weight: leaves below a node, a module or item counting one.
        let mut weight = vec![0u64; nodes.len()];
        for (i, node) in nodes.iter().enumerate() {
            weight[i] = if matches!(node, Node::Item(_)) {
                1
            } else {
                node.children().iter().fold(0u64, |s, c| {
                    let c = c.0 as usize;
                    s.saturating_add(if is_module[c] { 1 } else { weight[c] })
                })
            };
        }
        let mut module_index: Vec<Option<usize>> = vec![None; nodes.len()];
        let mut mods: Vec<Module> = Vec::new();
        let mut sifted = 0;
        // Node ids are children first, so child modules are built first.
        for (v, node) in nodes.iter().enumerate() {
            if !is_module[v] || matches!(node, Node::Item(_)) {
                continue;
            }
            // The module's inner gates and inputs in a depth-first order,
            // children lighter first (by weight, then canonical key) or
            // heavier first: independent of the order members are listed
            // in. Items named by several nodes are one input.
            let w = |c: usize| if is_module[c] { 1 } else { weight[c] };
            let walk = |heavier_first: bool| -> Vec<usize> {
                let mut seq = Vec::new();
                let mut stack = vec![v];
                let mut seen: FxHashSet<usize> = FxHashSet::default();
                let mut items: FxHashSet<u32> = FxHashSet::default();
                while let Some(u) = stack.pop() {
                    if !seen.insert(u) {
                        continue;
                    }
                    if let Node::Item(it) = nodes[u]
                        && !items.insert(it.0)
                    {
                        continue;
                    }
                    seq.push(u);
                    if u != v && is_module[u] {
                        continue;
                    }
                    let mut kids: Vec<usize> =
                        nodes[u].children().iter().map(|c| c.0 as usize).collect();
                    if heavier_first {
                        kids.sort_by_key(|&c| (std::cmp::Reverse(w(c)), keys[c]));
                    } else {
                        kids.sort_by_key(|&c| (w(c), keys[c]));
                    }
                    // Popped in reverse: the first of the sort first.
                    stack.extend(kids.iter().rev());
                }
                seq
            };
            let light = walk(false);
            // Vertices: the inputs, then the inner gates, each numbered in
            // the order of the light walk.
            let is_input = |u: usize| u != v && is_module[u];
            let n_inputs = light.iter().filter(|&&u| is_input(u)).count();
            let mut vertex: FxHashMap<usize, u32> = FxHashMap::default();
            let mut item_vertex: FxHashMap<u32, u32> = FxHashMap::default();
            let mut inner: Vec<usize> = Vec::new();
            let mut input_of: Vec<usize> = Vec::with_capacity(n_inputs);
            for &u in &light {
                if is_input(u) {
                    if let Node::Item(it) = nodes[u] {
                        item_vertex.insert(it.0, input_of.len() as u32);
                    }
                    vertex.insert(u, input_of.len() as u32);
                    input_of.push(u);
                } else {
                    vertex.insert(u, (n_inputs + inner.len()) as u32);
                    inner.push(u);
                }
            }
            let vertex_of = |u: usize| -> u32 {
                match (vertex.get(&u), &nodes[u]) {
                    (Some(&x), _) => x,
                    (None, Node::Item(it)) => item_vertex[&it.0],
                    (None, _) => unreachable!("every reached node has a vertex"),
                }
            };
            let n_vertices = n_inputs + inner.len();
            let ranks_of = |seq: &[usize]| -> Vec<u32> {
                let mut r = vec![0u32; n_vertices];
                for (k, &u) in seq.iter().enumerate() {
                    r[vertex_of(u) as usize] = k as u32;
                }
                r
            };
            // Input levels of an order (ranks by vertex; inputs compared
            // only among themselves).
            let levels_of = |rank: &[u32]| -> Vec<u32> {
                let mut by_rank: Vec<u32> = (0..n_inputs as u32).collect();
                by_rank.sort_unstable_by_key(|&x| rank[x as usize]);
                let mut level = vec![0u32; n_inputs];
                for (l, &x) in by_rank.iter().enumerate() {
                    level[x as usize] = l as u32;
                }
                level
            };
            // Children before parents.
            inner.sort_unstable();
            let gates: Vec<(u32, usize, Vec<u32>)> = inner
                .iter()
                .map(|&u| {
                    let kids: Vec<u32> = nodes[u]
                        .children()
                        .iter()
                        .map(|c| vertex_of(c.0 as usize))
                        .collect();
                    let k = match &nodes[u] {
                        Node::AtLeast { k, .. } => *k as usize,
                        _ => kids.len(),
                    };
                    (vertex_of(u), k, kids)
                })
                .collect();
            let light_rank = ranks_of(&light);
            // A tree, or a module whose light walk builds in a few nodes an
            // input, keeps the light walk (a tree is linear in any
            // depth-first order).
            let quick = n_inputs
                .saturating_mul(if slack == 0 { 0 } else { LIGHT_WALK_NODES })
                .saturating_add(slack)
                .min(limit);
            let shared = sharing[v] && n_inputs > 2;
            let mut runs = vec![Run::new(
                levels_of(&light_rank),
                n_vertices,
                LIGHT_WALK_WEIGHT,
                limit,
                reorder_at,
                0,
            )];
            let winner = match race(&mut runs, &gates, if shared { quick } else { limit }) {
                Some(c) => c,
                None if !shared => return None,
                None => {
                    // The light walk's order refined by FORCE, and the heavy
                    // walk's (see `order::force`), raced against the light walk itself
                    // (which goes on from where it stopped).
                    // Failure domains are conditions shared by whatever they
                    // hold: they stay on top, in the light walk's order, and
                    // FORCE places the rest.
                    let pinned: Vec<bool> = input_of
                        .iter()
                        .map(|&u| matches!(nodes[u], Node::Item(it) if is_domain[it.0 as usize]))
                        .collect();
                    let free = |x: &u32| (*x as usize) >= n_inputs || !pinned[*x as usize];
                    // In the light walk's order (vertex ids), not the
                    // nodes': FORCE's sums do not depend on the listing.
                    let mut by_vertex: Vec<&(u32, usize, Vec<u32>)> = gates.iter().collect();
                    by_vertex.sort_unstable_by_key(|(g, _, _)| *g);
                    let edges: Vec<Vec<u32>> = by_vertex
                        .iter()
                        .map(|(g, _, kids)| {
                            std::iter::once(*g)
                                .chain(kids.iter().copied())
                                .filter(free)
                                .collect()
                        })
                        .collect();
                    let (a, span_a) = force(&edges, &light_rank);
                    let (b, span_b) = force(&edges, &ranks_of(&walk(true)));
                    // The heavy seed's only when clearly better (by 5%):
                    // the span is a coarse guide, and on SCRAM's benchmarks
                    // closer calls went the light seed's way.
                    let mut rank = if span_b.saturating_mul(20) < span_a.saturating_mul(19) {
                        b
                    } else {
                        a
                    };
                    for x in 0..n_inputs {
                        rank[x] = if pinned[x] {
                            light_rank[x]
                        } else {
                            rank[x] + n_vertices as u32
                        };
                    }
                    // Room for as many nodes as the light walk's rate so
                    // far would build in all (on SCRAM's benchmarks an
                    // underestimate of the refined order's build but for
                    // telecom's, 90,000 against 85,000).
                    let light = &runs[0];
                    let room = light.m.built().saturating_mul(gates.len()) / light.next.max(1);
                    runs[0].alive = true;
                    runs.insert(
                        0,
                        Run::new(levels_of(&rank), n_vertices, 1, limit, reorder_at, room),
                    );
                    race(&mut runs, &gates, limit)?
                }
            };
            sifted += runs.iter().map(|r| r.reorders).sum::<usize>();
            let run = runs.swap_remove(winner);
            let diagram = run.m.compact(run.memo[vertex_of(v) as usize]);
            let mut inputs: Vec<Input> = vec![Input::Item(0); n_inputs];
            for (x, &u) in input_of.iter().enumerate() {
                inputs[run.level[x] as usize] = match nodes[u] {
                    Node::Item(it) => Input::Item(level_of[it.0 as usize]?),
                    _ => Input::Module(module_index[u]?),
                };
            }
            module_index[v] = Some(mods.len());
            mods.push(Module { diagram, inputs });
        }
        let root = sys.root().0 as usize;
        // A root that is a single item: one module over it.
        if module_index[root].is_none() {
            let Node::Item(it) = nodes[root] else {
                return None;
            };
            let mut m = Manager::new(limit);
            let x = m.var(0);
            mods.push(Module {
                diagram: m.compact(x),
                inputs: vec![Input::Item(level_of[it.0 as usize]?)],
            });
        }
        Some(Modular { mods, sifted })
    }

    /// Siftings done while building (every candidate's).
    pub fn sifted(&self) -> usize {
        self.sifted
    }

    /// Nodes of all the modules' diagrams together.
    pub fn len(&self) -> usize {
        self.mods.iter().map(|m| m.diagram.len()).sum()
    }

    /// Bottom-up: every module's probabilities from the items' `a`, `q`
    /// (by global level).
    pub fn forward(&self, a: &[f64], q: &[f64]) -> ModularPass {
        let mut passes: Vec<super::bdd::Pass> = Vec::with_capacity(self.mods.len());
        let mut local = Vec::with_capacity(self.mods.len());
        let mut value: Vec<(f64, f64)> = Vec::with_capacity(self.mods.len());
        for m in &self.mods {
            let (la, lq): (Vec<f64>, Vec<f64>) = m
                .inputs
                .iter()
                .map(|i| match *i {
                    Input::Item(l) => (a[l as usize], q[l as usize]),
                    Input::Module(j) => value[j],
                })
                .unzip();
            let pass = m.diagram.forward(&la, &lq);
            value.push(m.diagram.root_probabilities(&pass));
            passes.push(pass);
            local.push((la, lq));
        }
        ModularPass { passes, local }
    }

    /// P(up) and P(down) of the whole structure.
    pub fn root_probabilities(&self, pass: &ModularPass) -> (f64, f64) {
        let last = self.mods.len() - 1;
        self.mods[last]
            .diagram
            .root_probabilities(&pass.passes[last])
    }

    /// Top-down: Birnbaum importance of every item (by global level),
    /// added into `birnbaum`.
    pub fn birnbaum(&self, pass: &ModularPass, birnbaum: &mut [f64]) {
        let mut weight = vec![0.0; self.mods.len()];
        let last = self.mods.len() - 1;
        weight[last] = 1.0;
        for k in (0..self.mods.len()).rev() {
            let m = &self.mods[k];
            if weight[k] == 0.0 || m.diagram.root_node() < 2 {
                continue;
            }
            let mut reach = vec![0.0; m.diagram.len()];
            reach[m.diagram.root_node()] = weight[k];
            let mut b = vec![0.0; m.inputs.len()];
            let (la, lq) = &pass.local[k];
            m.diagram
                .birnbaum_from(la, lq, &pass.passes[k], reach, &mut b);
            for (i, input) in m.inputs.iter().enumerate() {
                match *input {
                    Input::Item(l) => birnbaum[l as usize] += b[i],
                    Input::Module(j) => weight[j] += b[i],
                }
            }
        }
    }
}

/// Nodes an input the light walk of a module with sharing may build (and
/// 1,024 more) before its order is refined.
const LIGHT_WALK_NODES: usize = 16;

/// How much more a candidate order of [`race`] may build than the
/// light walk's before the light walk is built further: the refined order
/// is the better one on every large benchmark, the light walk the safe one
/// (a variable shared by thousands of gates stays on top).
const LIGHT_WALK_WEIGHT: usize = 8;

/// Table size at which a run is first garbage-collected and sifted
/// (`sift.rs`); after that, each time its table doubles what the
/// reordering left. No SCRAM benchmark reaches it (their largest run,
/// jbd9601's under FORCE's order, builds about 205,000 nodes): sifting is
/// the fallback for a structure that both candidate orders get wrong.
const REORDER_AT: usize = 1 << 18;

/// One candidate order's build in a [`race`].
struct Run {
    /// The inputs' levels, by vertex.
    level: Vec<u32>,
    m: Manager,
    /// Each vertex's diagram, once built.
    memo: Vec<u32>,
    /// The next gate to build.
    next: usize,
    /// Its node count is multiplied by this when compared.
    weight: usize,
    alive: bool,
    /// Table size that triggers the next reordering (`usize::MAX`: none).
    reorder_at: usize,
    /// `next` when last reordered: a gate that overflows again right after
    /// its own reordering drops the run.
    reordered_before: usize,
    /// Reorderings done (tests).
    reorders: usize,
}

impl Run {
    fn new(
        level: Vec<u32>,
        n_vertices: usize,
        weight: usize,
        limit: usize,
        reorder_at: usize,
        room: usize,
    ) -> Run {
        // Tables sized for `room` nodes (`Manager::with_room`).
        let mut m = Manager::with_room(limit, room);
        let mut memo = vec![FALSE; n_vertices];
        for (x, &l) in level.iter().enumerate() {
            memo[x] = m.var(l);
        }
        Run {
            level,
            m,
            memo,
            next: 0,
            weight,
            alive: true,
            reorder_at,
            reordered_before: usize::MAX,
            reorders: 0,
        }
    }

    fn cost(&self) -> usize {
        self.m.built().saturating_mul(self.weight)
    }

    /// Keeps what the gates from `next` on need (`last_use`: the last gate
    /// to read each vertex, `usize::MAX` for the module's own), sifted
    /// into a fresh table of at most `allowed` nodes; the garbage of the
    /// gates built so far is dropped.
    fn reorder(&mut self, last_use: &[usize], allowed: usize, limit: usize) {
        let keep: Vec<usize> = (0..self.memo.len())
            .filter(|&x| last_use[x] != NEVER_USED && last_use[x] >= self.next)
            .collect();
        let roots: Vec<u32> = keep.iter().map(|&x| self.memo[x]).collect();
        let (m, roots, new_level) = reorder(&self.m, self.level.len(), &roots, allowed);
        self.memo.fill(FALSE);
        for (&x, &r) in keep.iter().zip(&roots) {
            self.memo[x] = r;
        }
        for l in &mut self.level {
            *l = new_level[*l as usize];
        }
        self.m = m;
        self.reorders += 1;
        self.reordered_before = self.next;
        let size = self.m.built();
        self.reorder_at = if 2 * size > limit {
            usize::MAX
        } else {
            (2 * size).max(self.reorder_at)
        };
    }
}

/// `last_use` of a vertex no gate reads.
const NEVER_USED: usize = usize::MAX - 1;

/// Builds a module's diagram under each candidate order at once (the gates
/// `(vertex, threshold, children's vertices)` children first, the last the
/// module's own), always extending the live run of least weighted node
/// count, and returns the index of the first to finish. A run is paused
/// when it passes what the others allow (its gate is tried again later:
/// nothing past an overflow is cached, and what it built stays), sifted
/// when its table passes its `reorder_at` after a gate is done (never in
/// the middle of one, whose partial work would be lost) or when a gate
/// reaches `limit` (once: a gate that reaches it again right after its
/// own sifting drops the run), and dropped at `limit` nodes otherwise;
/// `None` when all are.
fn race(runs: &mut [Run], gates: &[(u32, usize, Vec<u32>)], limit: usize) -> Option<usize> {
    let n_vertices = runs.first().map_or(0, |r| r.memo.len());
    let mut last_use = vec![NEVER_USED; n_vertices];
    for (i, (_, _, kids)) in gates.iter().enumerate() {
        for &x in kids {
            last_use[x as usize] = i;
        }
    }
    if let Some((root, _, _)) = gates.last() {
        last_use[*root as usize] = usize::MAX;
    }
    loop {
        let c = (0..runs.len())
            .filter(|&c| runs[c].alive)
            .min_by_key(|&c| (runs[c].cost(), c))?;
        // What the others allow it: up to the cheapest other's cost, and
        // at least half as much again as it has (few retries of a gate).
        let others = (0..runs.len())
            .filter(|&o| o != c && runs[o].alive)
            .map(|o| runs[o].cost() / runs[c].weight)
            .min();
        let own = runs[c].m.built();
        let allowed = others.map_or(limit, |x| x.max(own + own / 2 + 4096).min(limit));
        let run = &mut runs[c];
        run.m.resume(allowed);
        while run.next < gates.len() {
            let (g, k, kids) = &gates[run.next];
            let kids: Vec<u32> = kids.iter().map(|&x| run.memo[x as usize]).collect();
            let f = run.m.at_least(*k, &kids);
            if run.m.overflowed() {
                break;
            }
            run.memo[*g as usize] = f;
            run.next += 1;
            // Between gates only: a gate paused half built keeps what it
            // built for when it resumes.
            if run.next < gates.len() && run.m.built() >= run.reorder_at {
                run.reorder(&last_use, allowed, limit);
            }
        }
        if run.next == gates.len() {
            return Some(c);
        }
        if allowed >= limit {
            // Sifted on reaching the limit only where the limit is past the
            // point of sifting (not the light walk's quick budget).
            if run.reorder_at <= limit && run.reordered_before != run.next {
                run.reorder(&last_use, limit, limit);
            } else {
                run.alive = false;
            }
        }
    }
}

/// The structure function: one diagram over every item, or a tree of
/// modules (used when no standby block needs the whole diagram).
#[derive(Clone)]
pub(crate) enum Structure {
    Whole(Diagram),
    Modules(Modular),
}

/// The probabilities of a [`Structure`]'s nodes.
pub(crate) enum StructurePass {
    Whole(super::bdd::Pass),
    Modules(ModularPass),
}

impl Structure {
    /// The whole diagram, when it is one.
    pub fn whole(&self) -> Option<&Diagram> {
        match self {
            Structure::Whole(d) => Some(d),
            Structure::Modules(_) => None,
        }
    }

    /// The pass of the whole diagram, when it is one.
    pub fn whole_pass<'p>(&self, pass: &'p StructurePass) -> Option<&'p super::bdd::Pass> {
        match pass {
            StructurePass::Whole(p) => Some(p),
            StructurePass::Modules(_) => None,
        }
    }

    /// Siftings done while building its diagrams.
    pub fn sifted(&self) -> usize {
        match self {
            Structure::Whole(_) => 0,
            Structure::Modules(m) => m.sifted(),
        }
    }

    /// Nodes of its diagrams.
    pub fn len(&self) -> usize {
        match self {
            Structure::Whole(d) => d.len(),
            Structure::Modules(m) => m.len(),
        }
    }

    /// Bottom-up pass with the items' availability `a` and unavailability
    /// `q` by global level.
    pub fn forward(&self, a: &[f64], q: &[f64]) -> StructurePass {
        match self {
            Structure::Whole(d) => StructurePass::Whole(d.forward(a, q)),
            Structure::Modules(m) => StructurePass::Modules(m.forward(a, q)),
        }
    }

    /// P(up) and P(down) of the system.
    pub fn root_probabilities(&self, pass: &StructurePass) -> (f64, f64) {
        match (self, pass) {
            (Structure::Whole(d), StructurePass::Whole(p)) => d.root_probabilities(p),
            (Structure::Modules(m), StructurePass::Modules(p)) => m.root_probabilities(p),
            _ => unreachable!("a pass of another structure"),
        }
    }

    /// Birnbaum importance of every item, added into `birnbaum`.
    pub fn birnbaum(&self, a: &[f64], q: &[f64], pass: &StructurePass, birnbaum: &mut [f64]) {
        match (self, pass) {
            (Structure::Whole(d), StructurePass::Whole(p)) => d.birnbaum(a, q, p, birnbaum),
            (Structure::Modules(m), StructurePass::Modules(p)) => m.birnbaum(p, birnbaum),
            _ => unreachable!("a pass of another structure"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytic::order::order_items;

    /// Three of five pairs over nine shared items, one of them a domain's,
    /// and a series over two of the pairs: sharing everywhere, one module.
    const SHARED: &str = r#"
        system = "top"
        [domain.z]
        availability = 0.97
        [component.a]
        availability = 0.91
        domain = "z"
        [component.b]
        availability = 0.92
        [component.c]
        availability = 0.93
        domain = "z"
        [component.d]
        availability = 0.94
        [component.e]
        availability = 0.95
        [component.f]
        availability = 0.96
        [component.g]
        availability = 0.89
        [component.h]
        availability = 0.88
        [block.p1]
        parallel = ["a", "e"]
        [block.p2]
        parallel = ["b", "f"]
        [block.p3]
        parallel = ["c", "g", "a"]
        [block.p4]
        parallel = ["d", "h"]
        [block.p5]
        parallel = ["e", "b", "h"]
        [block.vote]
        parallel = ["p1", "p2", "p3", "p4", "p5"]
        need = 3
        [block.top]
        series = ["vote", "p1", "p4"]
    "#;

    /// The items' levels, and their availability and unavailability by
    /// level.
    fn ordered(sys: &System) -> (Vec<Option<u32>>, Vec<f64>, Vec<f64>) {
        let (level_of, item_at) = order_items(sys);
        let (a, q) = item_at
            .iter()
            .map(|&i| {
                let av = sys.item(i).rates.availability;
                (av.value(), av.unavailability())
            })
            .unzip();
        (level_of, a, q)
    }

    #[test]
    fn force_path_gives_the_light_walks_probabilities() {
        let sys = System::from_str("m.toml", SHARED).unwrap();
        let (level_of, a, q) = ordered(&sys);
        let light = Modular::build(&sys, &level_of, 1 << 20).unwrap();
        // No quick budget: FORCE orders the module, raced against the
        // light walk.
        let forced = Modular::build_with(&sys, &level_of, 1 << 20, 0, REORDER_AT).unwrap();
        let (lp, fp) = (light.forward(&a, &q), forced.forward(&a, &q));
        let (lu, ld) = light.root_probabilities(&lp);
        let (fu, fd) = forced.root_probabilities(&fp);
        assert!(
            (lu - fu).abs() < 1e-15 && (ld - fd).abs() < 1e-15,
            "{lu} {fu}"
        );
        let (mut lb, mut fb) = (vec![0.0; a.len()], vec![0.0; a.len()]);
        light.birnbaum(&lp, &mut lb);
        forced.birnbaum(&fp, &mut fb);
        for (x, y) in lb.iter().zip(&fb) {
            assert!((x - y).abs() < 1e-15, "{x} vs {y}");
        }
        // And the enumeration of every state, the structure evaluated
        // node by node (children first).
        let n = a.len();
        let mut want = 0.0;
        for s in 0u32..1 << n {
            let mut up = vec![false; sys.nodes().len()];
            for (i, node) in sys.nodes().iter().enumerate() {
                up[i] = match node {
                    Node::Item(it) => s >> level_of[it.0 as usize].unwrap() & 1 == 1,
                    Node::All(c) => c.iter().all(|c| up[c.0 as usize]),
                    Node::AtLeast { k, of } => {
                        of.iter().filter(|c| up[c.0 as usize]).count() >= *k as usize
                    }
                };
            }
            if up[sys.root().0 as usize] {
                want += (0..n)
                    .map(|i| if s >> i & 1 == 1 { a[i] } else { q[i] })
                    .product::<f64>();
            }
        }
        assert!((fu - want).abs() < 1e-14, "{fu} vs {want}");
        // Sifted after every few nodes: the same function.
        let sifted = Modular::build_with(&sys, &level_of, 1 << 20, 0, 8).unwrap();
        assert!(sifted.sifted() > 0);
        let sp = sifted.forward(&a, &q);
        let (su, sd) = sifted.root_probabilities(&sp);
        assert!(
            (su - want).abs() < 1e-14 && (sd - fd).abs() < 1e-15,
            "{su} vs {want}"
        );
        let mut sb = vec![0.0; a.len()];
        sifted.birnbaum(&sp, &mut sb);
        for (x, y) in lb.iter().zip(&sb) {
            assert!((x - y).abs() < 1e-15, "{x} vs {y}");
        }
    }

    /// SCRAM's benchmark trees built with sifting from 64 nodes
    /// on: the top probability and every item's importance as without.
    #[test]
    fn sifting_keeps_the_scram_benchmarks_results() {
        for name in [
            "200_event",
            "baobab1",
            "chinese",
            "das9201",
            "edf9202",
            "isp9604",
        ] {
            let path = format!(
                "{}/benches/scram/models/{name}.toml",
                env!("CARGO_MANIFEST_DIR")
            );
            let text = std::fs::read_to_string(&path).unwrap();
            let sys = System::from_str(&path, &text).unwrap();
            let (level_of, a, q) = ordered(&sys);
            let plain = Modular::build(&sys, &level_of, 1 << 22).unwrap();
            let sifted = Modular::build_with(&sys, &level_of, 1 << 22, 1024, 64).unwrap();
            if name == "200_event" {
                // The fallback: within 8,192 nodes, neither candidate order
                // finishes; sifted from 2,048 nodes on, the build does.
                assert!(Modular::build_with(&sys, &level_of, 8192, 1024, REORDER_AT).is_none());
                let tight = Modular::build_with(&sys, &level_of, 8192, 1024, 2048).unwrap();
                let tp = tight.forward(&a, &q);
                let (tu, _) = tight.root_probabilities(&tp);
                let (pu, _) = plain.root_probabilities(&plain.forward(&a, &q));
                assert!((tu - pu).abs() < 1e-12, "{tu} vs {pu}");
            }
            assert_eq!(plain.sifted(), 0, "{name}: the default never sifts here");
            assert!(sifted.sifted() > 0, "{name}: sifted");
            let (pp, sp) = (plain.forward(&a, &q), sifted.forward(&a, &q));
            let (pu, pd) = plain.root_probabilities(&pp);
            let (su, sd) = sifted.root_probabilities(&sp);
            assert!(
                (pu - su).abs() < 1e-12 && (pd - sd).abs() <= 1e-12 * pd.max(1e-300),
                "{name}: {pu} {pd} vs {su} {sd}"
            );
            let (mut pb, mut sb) = (vec![0.0; a.len()], vec![0.0; a.len()]);
            plain.birnbaum(&pp, &mut pb);
            sifted.birnbaum(&sp, &mut sb);
            for (x, y) in pb.iter().zip(&sb) {
                assert!((x - y).abs() < 1e-12, "{name}: {x} vs {y}");
            }
        }
    }
}
