//! The variable order of the decision diagram.
//!
//! Depth first from the root, so that every block's items are contiguous
//! (a series-parallel structure then has a diagram linear in its size).
//!
//! Within a node the children are visited lightest first (fewest leaves),
//! equals by a canonical key of what they are (never the order written:
//! shuffling a block's members leaves the order, hence the diagram, as it
//! was). Combining parts that lie on disjoint
//! levels copies every part that has another part below it, so the
//! heaviest part belongs at the bottom: a node then costs the size of its
//! lighter children, and the whole build `O(n log n)` for a tree of `n`
//! leaves (a leaf is copied only where it lies in a child at most half the
//! size of its parent). A deep nesting such as `b_i = [b_{i+1}, c_i]` then
//! costs one node a level, written either way round; listed inner block
//! first and visited in written order it copied everything below at every
//! level (quadratic, 4M nodes at 10,000 levels).
//!
//! `Manager::at_least` combines a block's children in the order of their
//! levels whatever order they come in, so sorting them costs no copies
//! (tests/exact.rs holds a 6,000-member series of components and replica
//! groups written alternately to linear size).
//!
//! That order is the whole story for a tree, and for the whole diagram of
//! a model with standby dynamics (`order_items`). A module with sharing
//! inside (`modules.rs`: names used in many places, as in fault trees
//! whose basic events repeat) can do far worse under it: SCRAM's
//! 200-event benchmark builds 160,000 nodes for a 5,738-node result. Such
//! a module is ordered in three steps (`Modular::build`):
//!
//! 1. the light walk above, built within 16 nodes an input of the module
//!    (and 1,024 more): most models stop here;
//! 2. past that, [`force`] (Aloul, Markov & Sakallah 2003) over the
//!    module's hypergraph, whose vertices are its inputs and gates and
//!    whose edges are each gate with its children, seeded once by the
//!    light walk and once by the heavy walk (heaviest child first); the
//!    heavy seed's result is kept only when its total span is at least 5%
//!    smaller (the span is a coarse guide: on SCRAM's benchmarks the
//!    closer calls went the light seed's way, 200_event building 29,000
//!    nodes under it against 69,000). Failure domains are left out of FORCE and kept on top
//!    in the light walk's order: a condition shared by everything in it is
//!    best decided first, and FORCE would pull it to the middle of what it
//!    holds;
//! 3. the diagram built under that order and under the light walk at once
//!    (the light walk going on from step 1), always extending the one that
//!    has built fewer nodes, the light walk's count weighted by 8, and the
//!    first to finish kept: a FORCE order that goes wrong costs at most
//!    eight times what the light walk needs, a good one an eighth more.
//!
//! Everything is derived from canonical keys and the seeds' ranks, never
//! from the listing order (tests/shuffle.rs). On SCRAM's benchmarks
//! (benches/scram/README.md) this takes 200_event from 160,000 nodes built
//! to about 37,000 (both candidates together), telecom from 330,000 to
//! about 92,000 and edfpa15b from 720,000 to about 43,000.

use crate::model::system::{ItemId, Node, NodeId, System};

/// Depth-first order from the root, each node's children lightest first
/// (leaves counted with multiplicity, saturating), equals by
/// [`canonical_keys`]. An item gets its level when
/// first met, so a domain's item lands right by the first component placed
/// in it: a replica's node is `[own item, domain chain]` and its own item
/// comes before the heavier chain, so a 20,000-deep domain chain stays one
/// path built in linear time. Iterative.
pub(crate) fn order_items(sys: &System) -> (Vec<Option<u32>>, Vec<ItemId>) {
    let no_leaf = vec![false; sys.nodes().len()];
    let item_at: Vec<ItemId> = order_leaves(sys, &no_leaf)
        .into_iter()
        .map(|n| match sys.node(n) {
            Node::Item(i) => *i,
            _ => unreachable!("without marked leaves, the leaves are items"),
        })
        .collect();
    let mut level_of = vec![None; sys.items().len()];
    for (l, i) in item_at.iter().enumerate() {
        level_of[i.0 as usize] = Some(l as u32);
    }
    (level_of, item_at)
}

/// The leaves in the depth-first order of [`order_items`], where the nodes
/// marked in `leaf` are leaves too (their children are not visited):
/// each leaf node once, items once however many nodes name them.
pub(crate) fn order_leaves(sys: &System, leaf: &[bool]) -> Vec<NodeId> {
    let nodes = sys.nodes();
    let keys = canonical_keys(sys);
    let mut leaves = vec![0u64; nodes.len()];
    for (i, n) in nodes.iter().enumerate() {
        leaves[i] = if leaf[i] || matches!(n, Node::Item(_)) {
            1
        } else {
            n.children()
                .iter()
                .fold(0u64, |s, c| s.saturating_add(leaves[c.0 as usize]))
        };
    }
    let mut out = Vec::new();
    let mut item_seen = vec![false; sys.items().len()];
    let mut seen = vec![false; nodes.len()];
    let mut stack: Vec<NodeId> = vec![sys.root()];
    while let Some(n) = stack.pop() {
        if std::mem::replace(&mut seen[n.0 as usize], true) {
            continue;
        }
        match sys.node(n) {
            Node::Item(i) => {
                if !std::mem::replace(&mut item_seen[i.0 as usize], true) {
                    out.push(n);
                }
            }
            _ if leaf[n.0 as usize] => out.push(n),
            other => {
                let mut kids = other.children().to_vec();
                kids.sort_by_key(|c| (leaves[c.0 as usize], keys[c.0 as usize]));
                stack.extend(kids.iter().rev());
            }
        }
    }
    out
}

/// A key for every node that depends on what it is, never on the order
/// its members are listed in: a hash of the item's name, or of the node's
/// kind, threshold and its children's keys, sorted. Ties between children
/// of equal weight are broken by it.
pub(crate) fn canonical_keys(sys: &System) -> Vec<u64> {
    use std::hash::{Hash, Hasher};
    let nodes = sys.nodes();
    let mut keys = vec![0u64; nodes.len()];
    for (i, n) in nodes.iter().enumerate() {
        let mut h = rustc_hash::FxHasher::default();
        match n {
            Node::Item(it) => {
                0u8.hash(&mut h);
                sys.item(*it).name.hash(&mut h);
            }
            Node::All(c) | Node::AtLeast { of: c, .. } => {
                let k = if let Node::AtLeast { k, .. } = n {
                    *k
                } else {
                    0
                };
                1u8.hash(&mut h);
                k.hash(&mut h);
                let mut ck: Vec<u64> = c.iter().map(|c| keys[c.0 as usize]).collect();
                ck.sort_unstable();
                ck.hash(&mut h);
            }
        }
        keys[i] = h.finish();
    }
    keys
}

/// Most rounds of [`force`].
const FORCE_ROUNDS: usize = 200;
/// Work of one [`force`] (rounds times the vertices and the edges' total
/// size): large hypergraphs get fewer rounds, down to [`FORCE_MIN_ROUNDS`].
const FORCE_WORK: usize = 1 << 19;
/// Fewest rounds of [`force`] (unless it settles sooner). Of SCRAM's
/// benchmarks only telecom (a hypergraph of 33,525) is held to fewer than
/// the most: 15 rounds, whose order builds 92,000 nodes in all where 20
/// built 95,000 (the span's last few percent are not the diagram's).
const FORCE_MIN_ROUNDS: usize = 10;
/// Rounds of [`force`] without a smaller span before it stops.
const FORCE_PATIENCE: usize = 40;

/// FORCE (Aloul, Markov & Sakallah, "FORCE: a fast and easy-to-implement
/// variable-ordering heuristic", GLSVLSI 2003) over a hypergraph whose
/// vertices are `0..seed.len()` and whose edges are `edges`, from the seed
/// ranks `seed` (distinct, `0..n`).
///
/// Each round, every edge's centre of gravity is the mean rank of its
/// vertices, every vertex moves to the mean centre of the edges it is in,
/// and the vertices are ranked again by that (ties by their previous rank,
/// so the result depends only on the seed and the edges). Returns the ranks
/// of the round with the smallest total span (the sum over edges of the
/// highest rank minus the lowest; the seed counts as a round) and that
/// span. Each round is linear in the edges' total size plus a sort of the
/// vertices.
pub(crate) fn force(edges: &[Vec<u32>], seed: &[u32]) -> (Vec<u32>, u64) {
    let n = seed.len();
    // The edges flat (one pass over contiguous memory a round), empty ones
    // left out (they have no centre and no span).
    let mut flat: Vec<u32> = Vec::with_capacity(edges.iter().map(Vec::len).sum());
    let mut ends: Vec<usize> = Vec::with_capacity(edges.len());
    for e in edges.iter().filter(|e| !e.is_empty()) {
        flat.extend_from_slice(e);
        ends.push(flat.len());
    }
    // One pass over the edges under the ranks `pos`: their total span, and
    // each vertex's sum of the centres of the edges it is in (added in the
    // edges' order, so the same sums whatever else changes).
    let pass = |pos: &[u32], sum: &mut [f64]| -> u64 {
        sum.fill(0.0);
        let mut total_span = 0u64;
        let mut start = 0;
        for &end in &ends {
            let e = &flat[start..end];
            start = end;
            let (mut lo, mut hi) = (u32::MAX, 0);
            // An exact integer sum: the centre does not depend on the
            // order of the edge's vertices.
            let mut total = 0u64;
            for &v in e {
                let p = pos[v as usize];
                lo = lo.min(p);
                hi = hi.max(p);
                total += u64::from(p);
            }
            total_span += u64::from(hi - lo);
            let centre = total as f64 / e.len() as f64;
            for &v in e {
                sum[v as usize] += centre;
            }
        }
        total_span
    };
    let mut cur = seed.to_vec();
    let mut best = cur.clone();
    let mut sum = vec![0f64; n];
    let mut best_span = pass(&cur, &mut sum);
    let mut since_best = 0;
    // How many edges each vertex is in (the same every round).
    let mut count = vec![0u32; n];
    for &v in &flat {
        count[v as usize] += 1;
    }
    let mut key = vec![0f64; n];
    let mut by_key: Vec<(u64, u32, u32)> = Vec::with_capacity(n);
    let mut bucket_start = vec![0usize; n + 1];
    let mut fill = vec![0usize; n];
    let size = n + flat.len();
    let max_rounds = (FORCE_WORK / size.max(1)).clamp(FORCE_MIN_ROUNDS, FORCE_ROUNDS);
    for _ in 0..max_rounds {
        // `sum` holds the centres' sums under `cur` (the last pass).
        // Ranked by bucket (the key's integer part: keys lie in 0..n),
        // then within a bucket by key and previous rank: linear but for
        // the small buckets' sorts.
        bucket_start.fill(0);
        for v in 0..n {
            key[v] = if count[v] == 0 {
                f64::from(cur[v])
            } else {
                sum[v] / f64::from(count[v])
            };
            bucket_start[(key[v] as usize).min(n - 1) + 1] += 1;
        }
        for b in 0..n {
            bucket_start[b + 1] += bucket_start[b];
        }
        by_key.clear();
        by_key.resize(n, (0, 0, 0));
        fill.copy_from_slice(&bucket_start[..n]);
        for (v, &r) in cur.iter().enumerate() {
            let k = key[v];
            let b = (k as usize).min(n - 1);
            // Non-negative: the bits order as the numbers do.
            by_key[fill[b]] = (k.to_bits(), r, v as u32);
            fill[b] += 1;
        }
        for b in 0..n {
            let (lo, hi) = (bucket_start[b], bucket_start[b + 1]);
            if hi - lo > 1 {
                by_key[lo..hi].sort_unstable();
            }
        }
        let mut moved = false;
        for (r, &(_, _, v)) in by_key.iter().enumerate() {
            moved |= cur[v as usize] != r as u32;
            cur[v as usize] = r as u32;
        }
        if !moved {
            break;
        }
        // The span of the new ranks, and the next round's sums with it.
        let s = pass(&cur, &mut sum);
        if s < best_span {
            best_span = s;
            best.copy_from_slice(&cur);
            since_best = 0;
        } else {
            since_best += 1;
            if since_best >= FORCE_PATIENCE {
                break;
            }
        }
    }
    (best, best_span)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<String> {
        let sys = System::from_str("m.toml", text).unwrap();
        let (level_of, item_at) = order_items(&sys);
        for (l, i) in item_at.iter().enumerate() {
            assert_eq!(level_of[i.0 as usize], Some(l as u32));
        }
        item_at.iter().map(|&i| sys.item(i).name.clone()).collect()
    }

    #[test]
    fn the_heavier_member_goes_below_however_listed() {
        let model = |top: &str| {
            format!(
                r#"
                system = "top"
                [component.a]
                availability = 0.9
                [component.b]
                availability = 0.9
                [component.c]
                availability = 0.9
                [block.inner]
                parallel = ["b", "c"]
                [block.top]
                series = {top}
                "#
            )
        };
        let want = ["a", "b", "c"];
        assert_eq!(names(&model(r#"["inner", "a"]"#)), want);
        assert_eq!(names(&model(r#"["a", "inner"]"#)), want);
    }

    #[test]
    fn own_item_before_its_domain_chain() {
        let text = r#"
            system = "top"
            [domain.region]
            availability = 0.999
            [domain.az]
            availability = 0.99
            within = "region"
            [component.lb]
            availability = 0.9
            [component.web]
            availability = 0.9
            count = 2
            domain = "az"
            [block.top]
            series = ["web", "lb"]
        "#;
        // web's group is heavier (2 replicas, each over the chain): last.
        // Among equals the canonical key decides (not the listing order).
        let got = names(text);
        assert_eq!(got[0], "lb");
        assert!(got[1].starts_with("web[") && got[4].starts_with("web["));
        let mut chain = [got[2].as_str(), got[3].as_str()];
        chain.sort_unstable();
        assert_eq!(chain, ["az", "region"]);
    }

    /// [`force`] as first written (one pass for the centres, another for
    /// the span, the edges as they come): the faster one must give the
    /// same ranks and span, bit for bit.
    fn force_reference(edges: &[Vec<u32>], seed: &[u32]) -> (Vec<u32>, u64) {
        let n = seed.len();
        let span = |pos: &[u32]| -> u64 {
            edges
                .iter()
                .map(|e| {
                    let (mut lo, mut hi) = (u32::MAX, 0);
                    for &v in e {
                        lo = lo.min(pos[v as usize]);
                        hi = hi.max(pos[v as usize]);
                    }
                    u64::from(hi.saturating_sub(lo))
                })
                .sum()
        };
        let mut cur = seed.to_vec();
        let mut best = cur.clone();
        let mut best_span = span(&cur);
        let mut since_best = 0;
        let mut sum = vec![0f64; n];
        // How many edges each vertex is in (the same every round).
        let mut count = vec![0u32; n];
        for e in edges {
            for &v in e {
                count[v as usize] += 1;
            }
        }
        let mut key = vec![0f64; n];
        let mut by_key: Vec<(u64, u32, u32)> = Vec::with_capacity(n);
        let mut bucket_start = vec![0usize; n + 1];
        let mut fill = vec![0usize; n];
        let size = n + edges.iter().map(Vec::len).sum::<usize>();
        let max_rounds = (FORCE_WORK / size.max(1)).clamp(FORCE_MIN_ROUNDS, FORCE_ROUNDS);
        for _ in 0..max_rounds {
            sum.fill(0.0);
            for e in edges.iter().filter(|e| !e.is_empty()) {
                // An exact integer sum: the centre does not depend on the
                // order of the edge's vertices.
                let total: u64 = e.iter().map(|&v| u64::from(cur[v as usize])).sum();
                let centre = total as f64 / e.len() as f64;
                for &v in e {
                    sum[v as usize] += centre;
                }
            }
            // Ranked by bucket (the key's integer part: keys lie in 0..n),
            // then within a bucket by key and previous rank: linear but for
            // the small buckets' sorts.
            bucket_start.fill(0);
            for v in 0..n {
                key[v] = if count[v] == 0 {
                    f64::from(cur[v])
                } else {
                    sum[v] / f64::from(count[v])
                };
                bucket_start[(key[v] as usize).min(n - 1) + 1] += 1;
            }
            for b in 0..n {
                bucket_start[b + 1] += bucket_start[b];
            }
            by_key.clear();
            by_key.resize(n, (0, 0, 0));
            fill.copy_from_slice(&bucket_start[..n]);
            for (v, &r) in cur.iter().enumerate() {
                let k = key[v];
                let b = (k as usize).min(n - 1);
                // Non-negative: the bits order as the numbers do.
                by_key[fill[b]] = (k.to_bits(), r, v as u32);
                fill[b] += 1;
            }
            for b in 0..n {
                let (lo, hi) = (bucket_start[b], bucket_start[b + 1]);
                if hi - lo > 1 {
                    by_key[lo..hi].sort_unstable();
                }
            }
            let mut moved = false;
            for (r, &(_, _, v)) in by_key.iter().enumerate() {
                moved |= cur[v as usize] != r as u32;
                cur[v as usize] = r as u32;
            }
            if !moved {
                break;
            }
            let s = span(&cur);
            if s < best_span {
                best_span = s;
                best.copy_from_slice(&cur);
                since_best = 0;
            } else {
                since_best += 1;
                if since_best >= FORCE_PATIENCE {
                    break;
                }
            }
        }
        (best, best_span)
    }

    #[test]
    fn force_as_the_reference_does() {
        // Random hypergraphs (an xorshift generator, fixed seeds): edges of
        // 0 to 6 vertices, some repeated, seeds shuffled.
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = |m: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % m
        };
        for case in 0..60 {
            let n = 2 + next(if case < 40 { 30 } else { 400 }) as u32;
            let edges: Vec<Vec<u32>> = (0..next(u64::from(n) * 2) + 1)
                .map(|_| (0..next(7)).map(|_| next(u64::from(n)) as u32).collect())
                .collect();
            let mut seed: Vec<u32> = (0..n).collect();
            for i in (1..n as usize).rev() {
                seed.swap(i, next(i as u64 + 1) as usize);
            }
            assert_eq!(
                force(&edges, &seed),
                force_reference(&edges, &seed),
                "case {case}"
            );
        }
    }

    #[test]
    fn force_gathers_what_the_seed_scatters() {
        // Ten pairs, each an edge, the seed placing every pair's two ends
        // ten ranks apart: FORCE brings each pair together.
        let edges: Vec<Vec<u32>> = (0..10).map(|i| vec![i, i + 10]).collect();
        let seed: Vec<u32> = (0..20).collect();
        let (rank, span) = force(&edges, &seed);
        assert_eq!(span, 10 * 10 - 90, "{rank:?}");
        let mut sorted = rank.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, seed, "a permutation");
        // The same seed and edges, the same ranks.
        assert_eq!(force(&edges, &seed), (rank, span));
    }

    #[test]
    fn force_never_worse_than_its_seed() {
        // A chain already in order: nothing to gain, the seed kept.
        let edges: Vec<Vec<u32>> = (0..30).map(|i| vec![i, i + 1]).collect();
        let seed: Vec<u32> = (0..31).collect();
        let (rank, span) = force(&edges, &seed);
        assert_eq!(span, 30);
        assert_eq!(rank, seed);
    }
}
