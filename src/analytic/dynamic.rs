//! Standby blocks solved exactly: the modular approach of dynamic fault
//! trees (docs/math.md, "Where each breaks").
//!
//! The items the standby blocks depend on and the blocks' modes form a
//! Markov chain ([`crate::markov::Chain`]); everything else is static and
//! independent of it. A second decision diagram puts the chain's items
//! and one variable per block (up while it serves) on its top levels, so
//! each chain state `s` leads, by following its values, to one node `v_s`
//! whose function is the system given `s`:
//!
//! - `U = sum_s pi(s) P(f_{v_s} = 0)`;
//! - outage frequency: the static items' `f_i * I_B(i)`, with `I_B` taken
//!   in the mixture of cofactors, plus every chain transition `s -> t`
//!   that takes the system down, `pi(s) q(s, t) P(f_{v_s} = 1, f_{v_t} = 0)`.

use rustc_hash::FxHashMap;

use super::bdd::{Diagram, FALSE, Manager};
use crate::markov::{Chain, Direction};
use crate::model::system::{ItemId, Node, System};

/// What a top level of the diagram stands for.
#[derive(Clone, Copy, Debug)]
enum Top {
    /// An item of the chain: its class and rank.
    Item { class: u32, rank: u16 },
    /// The state of a block (by position in the chain's blocks).
    Block(u32),
}

/// The diagram with the dynamic part on top.
pub(crate) struct DynamicDiagram {
    pub diagram: Diagram,
    /// Levels of the chain's items, by item.
    item_level: Vec<Option<u32>>,
    /// Number of top (dynamic) levels.
    n_top: u32,
    /// Static items, by level (from `n_top` on).
    pub static_items: Vec<ItemId>,
}

/// Figures of one exact evaluation.
pub(crate) struct Solved {
    pub availability: f64,
    pub unavailability: f64,
    /// Outages per second: the static items' part.
    pub f_static: f64,
    /// Outages per second: the chain's transitions.
    pub f_dynamic: f64,
    /// Birnbaum importance of each static item (indexed by static level
    /// minus `n_top`).
    pub birnbaum: Vec<f64>,
    /// Static items without a time scale that matter.
    pub untimed: Vec<ItemId>,
}

impl DynamicDiagram {
    /// Builds the diagram: the chain's items (in `order`), then one
    /// variable per block, then the static items (in `order`).
    pub fn build(
        sys: &System,
        chain: &Chain,
        order: &[ItemId],
        limit: usize,
    ) -> Option<DynamicDiagram> {
        let mut item_level = vec![None; sys.items().len()];
        let mut in_chain = vec![false; sys.items().len()];
        for c in &chain.classes {
            for i in &c.items {
                in_chain[i.0 as usize] = true;
            }
        }
        let mut level = 0u32;
        for &i in order {
            if in_chain[i.0 as usize] {
                item_level[i.0 as usize] = Some(level);
                level += 1;
            }
        }
        let block_base = level;
        let n_top = block_base + chain.blocks.len() as u32;
        level = n_top;
        let mut static_items = Vec::new();
        for &i in order {
            if !in_chain[i.0 as usize] {
                item_level[i.0 as usize] = Some(level);
                static_items.push(i);
                level += 1;
            }
        }
        // Nodes the root needs, not looking inside the blocks.
        let mut block_at = FxHashMap::default();
        for (b, blk) in chain.blocks.iter().enumerate() {
            block_at.insert(blk.node.0, block_base + b as u32);
        }
        let n = sys.nodes().len();
        let mut used = vec![false; n];
        used[sys.root().0 as usize] = true;
        for i in (0..n).rev() {
            if used[i] && !block_at.contains_key(&(i as u32)) {
                for c in sys.nodes()[i].children() {
                    used[c.0 as usize] = true;
                }
            }
        }
        let mut m = Manager::new(limit);
        let mut memo = vec![FALSE; n];
        for (i, node) in sys.nodes().iter().enumerate() {
            if !used[i] {
                continue;
            }
            memo[i] = if let Some(&l) = block_at.get(&(i as u32)) {
                m.var(l)
            } else {
                match node {
                    Node::Item(it) => {
                        m.var(item_level[it.0 as usize].expect("used item has a level"))
                    }
                    _ => super::gate(&mut m, node, &memo),
                }
            };
        }
        if m.overflowed() {
            return None;
        }
        let diagram = m.compact(memo[sys.root().0 as usize]);
        Some(DynamicDiagram {
            diagram,
            item_level,
            n_top,
            static_items,
        })
    }

    /// The node each chain state leads to.
    pub fn cofactors(&self, chain: &Chain) -> Vec<u32> {
        let mut top = vec![Top::Block(0); self.n_top as usize];
        for (c, class) in chain.classes.iter().enumerate() {
            for (r, i) in class.items.iter().enumerate() {
                if let Some(l) = self.item_level[i.0 as usize] {
                    top[l as usize] = Top::Item {
                        class: c as u32,
                        rank: r as u16,
                    };
                }
            }
        }
        let block_base = self.n_top - chain.blocks.len() as u32;
        for b in 0..chain.blocks.len() {
            top[(block_base + b as u32) as usize] = Top::Block(b as u32);
        }
        (0..chain.len())
            .map(|s| {
                let mut v = self.diagram.root_node();
                loop {
                    let (level, lo, hi) = self.diagram.node(v);
                    if level >= self.n_top {
                        break v as u32;
                    }
                    let up = match top[level as usize] {
                        Top::Item { class, rank } => rank >= chain.down(s, class as usize),
                        Top::Block(b) => chain.mode(s, b as usize).is_up(),
                    };
                    v = if up { hi } else { lo };
                }
            })
            .collect()
    }

    /// Evaluates with the chain's stationary distribution `pi`, its
    /// states' cofactors, and the static items' availability.
    pub fn evaluate(
        &self,
        sys: &System,
        chain: &Chain,
        pi: &[f64],
        cofactors: &[u32],
        static_a: &[f64],
        static_q: &[f64],
    ) -> Solved {
        let levels = self.n_top as usize + self.static_items.len();
        let mut a = vec![1.0; levels];
        let mut q = vec![0.0; levels];
        a[self.n_top as usize..].copy_from_slice(static_a);
        q[self.n_top as usize..].copy_from_slice(static_q);
        let pass = self.diagram.forward(&a, &q);
        let mut weight = vec![0.0; self.diagram.len()];
        for (s, &v) in cofactors.iter().enumerate() {
            weight[v as usize] += pi[s];
        }
        let (mut availability, mut unavailability) = (0.0, 0.0);
        for (v, &w) in weight.iter().enumerate() {
            if w > 0.0 {
                availability += w * pass.up[v];
                unavailability += w * pass.down[v];
            }
        }
        let mut birnbaum = vec![0.0; levels];
        self.diagram
            .birnbaum_from(&a, &q, &pass, weight, &mut birnbaum);
        let mut f_static = 0.0;
        let mut untimed = Vec::new();
        for (k, &item) in self.static_items.iter().enumerate() {
            let b = birnbaum[self.n_top as usize + k];
            if b <= 0.0 {
                continue;
            }
            match sys.item(item).rates.frequency() {
                Some(f) => f_static += f * b,
                None => untimed.push(item),
            }
        }
        let mut memo = FxHashMap::default();
        let mut f_dynamic = 0.0;
        for &(s, t, rate) in &chain.transitions {
            let (vs, vt) = (
                cofactors[s as usize] as usize,
                cofactors[t as usize] as usize,
            );
            if vs == vt {
                continue;
            }
            let p = match chain.direction(s as usize, t as usize) {
                Direction::Neither | Direction::Up => 0.0,
                Direction::Down => (pass.down[vt] - pass.down[vs]).max(0.0),
                Direction::Mixed => self.diagram.and_not(vs, vt, &a, &q, &pass, &mut memo),
            };
            f_dynamic += pi[s as usize] * rate * p;
        }
        Solved {
            availability,
            unavailability,
            f_static,
            f_dynamic,
            birnbaum: birnbaum[self.n_top as usize..].to_vec(),
            untimed,
        }
    }
}
