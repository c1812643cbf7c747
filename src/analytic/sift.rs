//! Dynamic variable reordering by sifting (Rudell, "Dynamic variable
//! ordering for ordered binary decision diagrams", ICCAD 1993).
//!
//! The build's [`Manager`] never frees a node and never moves one, so that
//! ascending ids stay a bottom-up order and its tables stay flat. Sifting
//! needs the opposite: nodes that change level in place, reference counts
//! and per-level tables. So it runs on a copy: [`reorder`] copies the
//! functions still needed (the garbage is left behind), sifts the copy and
//! writes it back into a fresh [`Manager`] under the order found, level by
//! level from the bottom (linear: the copy already is the reduced diagram
//! under that order).
//!
//! Sifting moves one variable at a time through every level by swaps of
//! adjacent levels, each of which only rewrites the nodes of the upper
//! level that depend on the lower one, and leaves it where the diagram was
//! smallest. Variables go largest level first; a direction is abandoned
//! when the diagram grows past [`MAX_GROWTH`] times the best size seen, and
//! the whole pass stops after a budget of node rewrites
//! ([`WORK_PER_NODE`] times the starting size), so a reordering costs a
//! bounded multiple of the diagram it starts from.
//!
//! The order found is decided by sizes and levels alone (the size of a
//! reduced diagram under an order does not depend on how it was made),
//! never by hash order, so it depends only on the functions and the order
//! they were built in.

use rustc_hash::FxHashMap;

use super::bdd::{FALSE, Manager, TRUE};

/// A direction of a variable's sift is abandoned past this growth over the
/// best size seen (CUDD's default).
const MAX_GROWTH: f64 = 1.2;

/// Node rewrites a reordering may spend, per node of the diagram it starts
/// from.
const WORK_PER_NODE: usize = 64;

/// The diagram being sifted: nodes with a variable (the level it had in
/// the source manager), reference counts, one unique table per variable.
struct Sifter {
    var: Vec<u32>,
    lo: Vec<u32>,
    hi: Vec<u32>,
    refs: Vec<u32>,
    free: Vec<u32>,
    /// Per variable: `(lo, hi) -> node`.
    table: Vec<FxHashMap<(u32, u32), u32>>,
    /// Variable at each level, and each variable's level.
    var_at: Vec<u32>,
    level_of: Vec<u32>,
    live: usize,
    work: usize,
}

const TERMINAL: u32 = u32::MAX;

impl Sifter {
    fn new(levels: usize) -> Sifter {
        Sifter {
            var: vec![TERMINAL, TERMINAL],
            lo: vec![FALSE, TRUE],
            hi: vec![FALSE, TRUE],
            refs: vec![0, 0],
            free: Vec::new(),
            table: vec![FxHashMap::default(); levels],
            var_at: (0..levels as u32).collect(),
            level_of: (0..levels as u32).collect(),
            live: 0,
            work: 0,
        }
    }

    #[inline]
    fn inc(&mut self, v: u32) {
        if v > TRUE {
            self.refs[v as usize] += 1;
        }
    }

    /// Drops one reference, freeing what nothing holds any more.
    fn deref(&mut self, v: u32) {
        let mut stack = vec![v];
        while let Some(v) = stack.pop() {
            if v <= TRUE {
                continue;
            }
            let r = &mut self.refs[v as usize];
            *r -= 1;
            if *r == 0 {
                let (x, lo, hi) = (
                    self.var[v as usize],
                    self.lo[v as usize],
                    self.hi[v as usize],
                );
                self.table[x as usize].remove(&(lo, hi));
                self.free.push(v);
                self.live -= 1;
                stack.push(lo);
                stack.push(hi);
            }
        }
    }

    /// The node `x ? hi : lo`, found or made, with one more reference.
    fn mk(&mut self, x: u32, lo: u32, hi: u32) -> u32 {
        if lo == hi {
            self.inc(lo);
            return lo;
        }
        if let Some(&v) = self.table[x as usize].get(&(lo, hi)) {
            self.refs[v as usize] += 1;
            return v;
        }
        self.inc(lo);
        self.inc(hi);
        let v = match self.free.pop() {
            Some(v) => {
                let i = v as usize;
                (self.var[i], self.lo[i], self.hi[i], self.refs[i]) = (x, lo, hi, 1);
                v
            }
            None => {
                self.var.push(x);
                self.lo.push(lo);
                self.hi.push(hi);
                self.refs.push(1);
                (self.var.len() - 1) as u32
            }
        };
        self.table[x as usize].insert((lo, hi), v);
        self.live += 1;
        v
    }

    /// Swaps the variables at `l` and `l + 1`. Nodes keep their ids (a
    /// node of the upper variable that depends on the lower one becomes a
    /// node of the lower one, over two new nodes of the upper), so every
    /// reference from above stays valid.
    fn swap(&mut self, l: usize) {
        let (x, y) = (self.var_at[l], self.var_at[l + 1]);
        // The upper variable's nodes that depend on the lower one, sorted
        // (hash order must not decide what is made first).
        let mut moved: Vec<u32> = self.table[x as usize]
            .values()
            .copied()
            .filter(|&f| {
                self.var[self.lo[f as usize] as usize] == y
                    || self.var[self.hi[f as usize] as usize] == y
            })
            .collect();
        moved.sort_unstable();
        self.work += moved.len() + 1;
        for &f in &moved {
            let fi = f as usize;
            let (f0, f1) = (self.lo[fi], self.hi[fi]);
            self.table[x as usize].remove(&(f0, f1));
            let cof = |s: &Sifter, g: u32| {
                if s.var[g as usize] == y {
                    (s.lo[g as usize], s.hi[g as usize])
                } else {
                    (g, g)
                }
            };
            let (f00, f01) = cof(self, f0);
            let (f10, f11) = cof(self, f1);
            // f = y ? (x ? f11 : f01) : (x ? f10 : f00)
            let g0 = self.mk(x, f00, f10);
            let g1 = self.mk(x, f01, f11);
            self.deref(f0);
            self.deref(f1);
            (self.var[fi], self.lo[fi], self.hi[fi]) = (y, g0, g1);
            // Unique: two upper nodes with the same new children would
            // have had the same four cofactors, hence been one node.
            self.table[y as usize].insert((g0, g1), f);
        }
        self.var_at.swap(l, l + 1);
        self.level_of[x as usize] = (l + 1) as u32;
        self.level_of[y as usize] = l as u32;
    }

    /// Moves the variable at `from` to `to` by adjacent swaps.
    fn move_to(&mut self, mut from: usize, to: usize) {
        while from < to {
            self.swap(from);
            from += 1;
        }
        while from > to {
            self.swap(from - 1);
            from -= 1;
        }
    }

    /// One sifting pass over every variable, largest level first, within
    /// `budget` node rewrites.
    fn sift(&mut self, budget: usize) {
        let n = self.var_at.len();
        if n < 2 {
            return;
        }
        let mut vars: Vec<u32> = (0..n as u32).collect();
        // Largest first; equal sizes by level (deterministic).
        vars.sort_by_key(|&x| {
            (
                std::cmp::Reverse(self.table[x as usize].len()),
                self.level_of[x as usize],
            )
        });
        for x in vars {
            if self.work >= budget {
                break;
            }
            if self.table[x as usize].is_empty() {
                continue;
            }
            let start = self.level_of[x as usize] as usize;
            let mut best = (self.live, start);
            let limit = |best: usize| (best as f64 * MAX_GROWTH) as usize;
            // The nearer end first, then the other.
            let down_first = n - 1 - start < start;
            for down in [down_first, !down_first] {
                loop {
                    let l = self.level_of[x as usize] as usize;
                    if (down && l + 1 >= n) || (!down && l == 0) || self.work >= budget {
                        break;
                    }
                    if down {
                        self.swap(l);
                    } else {
                        self.swap(l - 1);
                    }
                    let at = self.level_of[x as usize] as usize;
                    if self.live < best.0 {
                        best = (self.live, at);
                    }
                    if self.live > limit(best.0) {
                        break;
                    }
                }
            }
            let l = self.level_of[x as usize] as usize;
            self.move_to(l, best.1);
        }
    }
}

/// Garbage-collects and sifts the functions `roots` of `m` (over `levels`
/// levels): returns a fresh manager that holds them under the order found
/// (limited to `limit` nodes), the roots' ids in it (in the order given),
/// and the new level of each old level.
pub(crate) fn reorder(
    m: &Manager,
    levels: usize,
    roots: &[u32],
    limit: usize,
) -> (Manager, Vec<u32>, Vec<u32>) {
    let mut s = Sifter::new(levels);
    // Copy what the roots reach, children first (ascending ids of the
    // source manager are bottom-up).
    let mut reached: Vec<u32> = Vec::new();
    let mut seen: FxHashMap<u32, u32> = FxHashMap::default();
    let mut stack: Vec<u32> = roots.to_vec();
    while let Some(v) = stack.pop() {
        if v <= TRUE || seen.insert(v, 0).is_some() {
            continue;
        }
        reached.push(v);
        let (_, lo, hi) = m.node(v);
        stack.push(lo);
        stack.push(hi);
    }
    reached.sort_unstable();
    let copy = |seen: &FxHashMap<u32, u32>, v: u32| if v <= TRUE { v } else { seen[&v] };
    for &v in &reached {
        let (level, lo, hi) = m.node(v);
        let (lo, hi) = (copy(&seen, lo), copy(&seen, hi));
        let id = s.mk(level, lo, hi);
        // The copy's own reference is the parents' (added by theirs).
        s.refs[id as usize] -= 1;
        seen.insert(v, id);
    }
    let held: Vec<u32> = roots.iter().map(|&r| copy(&seen, r)).collect();
    for &r in &held {
        s.inc(r);
    }
    // Nodes nothing reaches any more (none: everything copied is reached
    // from a root) would be dropped here; counts start exact.
    let budget = s.live.max(1) * WORK_PER_NODE;
    s.sift(budget);
    // Back into a manager, level by level from the bottom.
    let mut out = Manager::new(limit);
    let mut new_id: FxHashMap<u32, u32> = FxHashMap::default();
    let get = |new_id: &FxHashMap<u32, u32>, v: u32| if v <= TRUE { v } else { new_id[&v] };
    for l in (0..levels).rev() {
        let x = s.var_at[l] as usize;
        let mut nodes: Vec<(u32, u32, u32)> = s.table[x]
            .iter()
            .map(|(&(lo, hi), &v)| (v, lo, hi))
            .collect();
        nodes.sort_unstable();
        for (v, lo, hi) in nodes {
            let id = out.mk(l as u32, get(&new_id, lo), get(&new_id, hi));
            new_id.insert(v, id);
        }
    }
    let roots = held.iter().map(|&r| get(&new_id, r)).collect();
    (out, roots, s.level_of)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Evaluates `f` of `m` under an assignment of levels.
    fn eval(m: &Manager, mut f: u32, at: impl Fn(u32) -> bool) -> bool {
        while f > TRUE {
            let (l, lo, hi) = m.node(f);
            f = if at(l) { hi } else { lo };
        }
        f == TRUE
    }

    /// `x1 y1 + x2 y2 + ... + xn yn` with every x above every y: `2^(n+1)`
    /// nodes; pairs adjacent: `2n`. Sifting must find a linear order, and
    /// the function must survive the trip.
    #[test]
    fn sifting_finds_the_pairs_order() {
        let n = 8u32;
        let mut m = Manager::new(1 << 20);
        let mut f = FALSE;
        for i in 0..n {
            let (x, y) = (m.var(i), m.var(n + i));
            let xy = m.ite(x, y, FALSE);
            f = m.ite(xy, TRUE, f);
        }
        let x0 = m.var(0);
        let g = m.ite(x0, FALSE, f); // a second root sharing nodes
        let before = m.compact(f).len();
        assert!(before > 1 << n, "{before}");
        let (out, roots, level_of) = reorder(&m, 2 * n as usize, &[f, g], 1 << 20);
        let after = out.compact(roots[0]).len();
        assert_eq!(
            after,
            2 * n as usize + 2,
            "pairs adjacent: two nodes a pair"
        );
        for s in 0u32..1 << (2 * n) {
            let old = |l: u32| s >> l & 1 == 1;
            // New level of old level l is level_of[l].
            let mut inv = vec![0u32; 2 * n as usize];
            for (old_l, &new_l) in level_of.iter().enumerate() {
                inv[new_l as usize] = old_l as u32;
            }
            let new = |l: u32| s >> inv[l as usize] & 1 == 1;
            assert_eq!(eval(&m, f, old), eval(&out, roots[0], new));
            assert_eq!(eval(&m, g, old), eval(&out, roots[1], new));
        }
    }

    /// Garbage is left behind: only what the roots reach is copied.
    #[test]
    fn reordering_collects_garbage() {
        let mut m = Manager::new(1 << 20);
        let vars: Vec<u32> = (0..12).map(|l| m.var(l)).collect();
        // Garbage: a large threshold nobody keeps.
        let _ = m.at_least(6, &vars);
        let keep = m.ite(vars[0], vars[5], FALSE);
        let (out, roots, _) = reorder(&m, 12, &[keep], 1 << 20);
        assert_eq!(out.built(), 4, "two terminals and the kept pair");
        assert_eq!(out.compact(roots[0]).len(), 4);
    }

    /// Random thresholds over random earlier functions, several roots kept
    /// (some shared, some garbage): after sifting, every root is the same
    /// function (all 2^10 assignments) and the diagram is reduced (no two
    /// nodes alike) and no larger than before.
    #[test]
    fn sifting_keeps_random_functions() {
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let levels = 10u32;
        for _ in 0..60 {
            let mut m = Manager::new(1 << 20);
            let mut fs: Vec<u32> = (0..levels).map(|l| m.var(l)).collect();
            for _ in 0..12 {
                let n = 2 + next(4) as usize;
                let kids: Vec<u32> = (0..n).map(|_| fs[next(fs.len() as u64) as usize]).collect();
                let k = 1 + next(n as u64) as usize;
                let f = m.at_least(k, &kids);
                fs.push(f);
            }
            let roots: Vec<u32> = (0..3)
                .map(|_| fs[levels as usize + next(12) as usize])
                .collect();
            let before: usize = {
                let mut seen = std::collections::HashSet::new();
                let mut stack = roots.clone();
                while let Some(v) = stack.pop() {
                    if v > TRUE && seen.insert(v) {
                        let (_, lo, hi) = m.node(v);
                        stack.extend([lo, hi]);
                    }
                }
                seen.len()
            };
            let (out, new_roots, level_of) = reorder(&m, levels as usize, &roots, 1 << 20);
            assert!(out.built() - 2 <= before, "{} > {before}", out.built() - 2);
            let mut inv = vec![0u32; levels as usize];
            for (old, &new) in level_of.iter().enumerate() {
                inv[new as usize] = old as u32;
            }
            for s in 0u32..1 << levels {
                for (r, nr) in roots.iter().zip(&new_roots) {
                    assert_eq!(
                        eval(&m, *r, |l| s >> l & 1 == 1),
                        eval(&out, *nr, |l| s >> inv[l as usize] & 1 == 1)
                    );
                }
            }
            let mut keys = std::collections::HashSet::new();
            for v in 2..out.built() as u32 {
                let (l, lo, hi) = out.node(v);
                assert!(lo != hi && keys.insert((l, lo, hi)), "reduced");
                for c in [lo, hi] {
                    assert!(c <= TRUE || out.node(c).0 > l, "ordered");
                }
            }
        }
    }
}
