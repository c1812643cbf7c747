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

use rustc_hash::FxHashMap;

use super::bdd::{Diagram, FALSE, Manager};
use super::order::canonical_keys;
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
        let mut memo = vec![FALSE; nodes.len()];
        let mut local_level: Vec<u32> = vec![u32::MAX; nodes.len()];
        // Node ids are children first, so child modules are built first.
        for (v, node) in nodes.iter().enumerate() {
            if !is_module[v] || matches!(node, Node::Item(_)) {
                continue;
            }
            // The module's inner nodes and inputs, in a depth-first order
            // with lighter children first (by weight, then canonical key):
            // independent of the order members are listed in.
            let mut inputs: Vec<Input> = Vec::new();
            let mut input_nodes: Vec<usize> = Vec::new();
            let mut inner: Vec<usize> = Vec::new();
            let mut stack = vec![v];
            let mut seen: FxHashMap<usize, ()> = FxHashMap::default();
            // Item -> local level (one variable however many nodes name it).
            let mut item_local: FxHashMap<u32, u32> = FxHashMap::default();
            while let Some(u) = stack.pop() {
                if seen.insert(u, ()).is_some() {
                    continue;
                }
                if let Node::Item(it) = nodes[u] {
                    if let Some(&l) = item_local.get(&it.0) {
                        local_level[u] = l;
                        input_nodes.push(u);
                        continue;
                    }
                    item_local.insert(it.0, inputs.len() as u32);
                }
                let is_input = u != v && is_module[u];
                if is_input || matches!(nodes[u], Node::Item(_)) {
                    local_level[u] = inputs.len() as u32;
                    input_nodes.push(u);
                    inputs.push(match nodes[u] {
                        Node::Item(it) => Input::Item(level_of[it.0 as usize]?),
                        _ => Input::Module(module_index[u]?),
                    });
                    continue;
                }
                inner.push(u);
                let mut kids: Vec<usize> =
                    nodes[u].children().iter().map(|c| c.0 as usize).collect();
                let w = |c: usize| if is_module[c] { 1 } else { weight[c] };
                kids.sort_by_key(|&c| (w(c), keys[c]));
                // Popped in reverse: lightest first, heaviest last.
                stack.extend(kids.iter().rev());
            }
            let mut m = Manager::new(limit);
            for &u in &input_nodes {
                memo[u] = m.var(local_level[u]);
            }
            inner.sort_unstable();
            for &u in &inner {
                let kids: Vec<u32> = nodes[u]
                    .children()
                    .iter()
                    .map(|c| memo[c.0 as usize])
                    .collect();
                memo[u] = match &nodes[u] {
                    Node::All(_) => m.at_least(kids.len(), &kids),
                    Node::AtLeast { k, .. } => m.at_least(*k as usize, &kids),
                    Node::Item(_) => unreachable!("items are inputs"),
                };
            }
            if m.overflowed() {
                return None;
            }
            let diagram = m.compact(memo[v]);
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
        Some(Modular { mods })
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
