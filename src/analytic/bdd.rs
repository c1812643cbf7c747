//! A small reduced ordered binary decision diagram (ROBDD).
//!
//! Why our own: the structures we build need only `ite` and a threshold
//! (k of n) construction, and the probability passes want the diagram as
//! flat arrays in topological order; a hash-consed node table of four
//! `u32` arrays gives both in a couple of hundred lines, with no
//! dependency whose variable and memory management we would have to fit
//! around (the general BDD crates carry garbage collection, dynamic
//! reordering and bit-vector APIs we do not use).
//!
//! Variables are *levels* `0..n` (0 on top). Node 0 is false, node 1 true;
//! every other node's children have smaller ids, so ascending ids are a
//! bottom-up topological order.

use rustc_hash::FxHashMap;

/// The false terminal.
pub(crate) const FALSE: u32 = 0;
/// The true terminal.
pub(crate) const TRUE: u32 = 1;
const TERMINAL_LEVEL: u32 = u32::MAX;
/// Largest computed table (entries of 16 bytes: 32 MiB).
const MAX_CACHE: usize = 1 << 21;
const MIN_CACHE: usize = 1 << 10;
/// Most nodes [`Manager::with_room`] sizes the tables for ahead (a unique
/// table of 131,072 slots and a computed table of 65,536 entries, 2 MiB).
const MAX_ROOM: usize = 3 << 15;

/// One node of the table.
#[derive(Clone, Copy)]
struct Node {
    level: u32,
    lo: u32,
    hi: u32,
    /// The deepest level the node depends on (0 for the terminals).
    deepest: u32,
}

/// The node table with its unique and computed caches.
pub(crate) struct Manager {
    nodes: Vec<Node>,
    /// The unique table: open addressing with linear probing, at most
    /// three quarters full (less memory to touch than at half, and the
    /// tags keep most longer probes from reading a node); a slot holds a
    /// node id in its low half and its hash's high half above (0: empty;
    /// the terminals are never in it).
    unique: Vec<u64>,
    /// The computed table: lossy, direct-mapped `(f, g, h) -> result`
    /// (`f == 0`: empty; a stored `f` is never a terminal), as many
    /// entries as the unique table has slots over two, up to
    /// [`MAX_CACHE`], so its memory stays bounded.
    ite_cache: Vec<[u32; 4]>,
    /// Results stored in the computed table (tests).
    cache_stores: usize,
    limit: usize,
    overflow: bool,
}

/// A well-mixed hash of three words: its high half repeated in the low
/// half, so that a slot index (low bits) can be found again from the high
/// half alone (the unique table's tags).
#[inline]
fn hash3(a: u32, b: u32, c: u32) -> u64 {
    let x = (u64::from(a).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ u64::from(b).wrapping_mul(0xC2B2_AE3D_27D4_EB4F)
        ^ u64::from(c).wrapping_mul(0x1656_67B1_9E37_79F9))
    .rotate_left(29);
    let x = x.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    // Slot bits from the high half, mixed down; the high half kept.
    (x & 0xFFFF_FFFF_0000_0000) | (x >> 32)
}

/// `n` zeros, written rather than allocated zeroed: a table that is read
/// before it is written (the unique and computed tables' probes) would
/// otherwise map the shared zero page on the read and copy it on the
/// write, two faults a page and a TLB flush, which a second thread of the
/// process turns into an interrupt of the other core (a quarter of the
/// time of a 100,000-component `estimate`).
fn written_zeros<T: Copy + Default>(n: usize) -> Vec<T> {
    let mut v = Vec::with_capacity(n);
    v.resize(n, T::default());
    v
}

impl Manager {
    /// A manager that refuses to grow beyond `limit` nodes, with tables the
    /// size they would have grown to by `room` nodes (at most
    /// [`MAX_ROOM`]): a build expected to come that far skips the
    /// doublings (rehashing every node again, and touching twice the
    /// memory in all). The diagrams built are the same whatever the room:
    /// the tables' sizes change only which computed results are kept.
    pub fn with_room(limit: usize, room: usize) -> Self {
        let mut m = Manager::new(limit);
        let slots = (room.min(MAX_ROOM).saturating_mul(4) / 3 + 1).next_power_of_two();
        if slots > m.unique.len() {
            m.unique = written_zeros(slots);
            m.ite_cache = written_zeros((slots / 2).min(MAX_CACHE));
            m.nodes.reserve_exact(room.min(MAX_ROOM));
        }
        m
    }

    /// A manager that refuses to grow beyond `limit` nodes.
    pub fn new(limit: usize) -> Self {
        let terminal = |t: u32| Node {
            level: TERMINAL_LEVEL,
            lo: t,
            hi: t,
            deepest: 0,
        };
        Manager {
            nodes: vec![terminal(FALSE), terminal(TRUE)],
            unique: written_zeros(MIN_CACHE),
            ite_cache: written_zeros(MIN_CACHE / 2),
            cache_stores: 0,
            limit,
            overflow: false,
        }
    }

    /// Nodes made so far, terminals included.
    pub fn built(&self) -> usize {
        self.nodes.len()
    }

    /// Clears the overflow flag and sets a new node limit, so that a build
    /// stopped at the old limit can be tried again: nothing computed past
    /// the overflow was cached, and the nodes made stay valid.
    pub fn resume(&mut self, limit: usize) {
        self.limit = limit;
        self.overflow = false;
    }

    /// Whether the node limit was hit (results are then meaningless).
    pub fn overflowed(&self) -> bool {
        self.overflow
    }

    /// The diagram of the single variable at `level`.
    pub fn var(&mut self, level: u32) -> u32 {
        self.mk(level, FALSE, TRUE)
    }

    #[inline]
    fn level(&self, f: u32) -> u32 {
        self.nodes[f as usize].level
    }

    /// A node's level (`u32::MAX` for the terminals) and children.
    pub fn node(&self, f: u32) -> (u32, u32, u32) {
        let n = &self.nodes[f as usize];
        (n.level, n.lo, n.hi)
    }

    /// The node `level ? hi : lo`, found or made; its children must lie
    /// below `level`.
    pub fn mk(&mut self, level: u32, lo: u32, hi: u32) -> u32 {
        if lo == hi {
            return lo;
        }
        let h = hash3(level, lo, hi);
        let mask = self.unique.len() - 1;
        let mut i = h as usize & mask;
        // The slot's high half: the hash's, to skip most other nodes
        // without reading them.
        let tag = h & 0xFFFF_FFFF_0000_0000;
        loop {
            let e = self.unique[i];
            if e == 0 {
                break;
            }
            if e & 0xFFFF_FFFF_0000_0000 == tag {
                let id = e as u32;
                let n = &self.nodes[id as usize];
                if n.level == level && n.lo == lo && n.hi == hi {
                    return id;
                }
            }
            i = (i + 1) & mask;
        }
        if self.nodes.len() >= self.limit {
            self.overflow = true;
            return FALSE;
        }
        let id = self.nodes.len() as u32;
        let deepest = level
            .max(self.nodes[lo as usize].deepest)
            .max(self.nodes[hi as usize].deepest);
        self.nodes.push(Node {
            level,
            lo,
            hi,
            deepest,
        });
        self.unique[i] = tag | u64::from(id);
        if 4 * self.nodes.len() > 3 * self.unique.len() {
            self.grow();
        }
        id
    }

    /// Doubles the unique table, and the computed table up to
    /// [`MAX_CACHE`] (keeping its entries).
    fn grow(&mut self) {
        let size = 2 * self.unique.len();
        let mask = size - 1;
        let mut unique = written_zeros::<u64>(size);
        for &e in self.unique.iter().filter(|&&e| e != 0) {
            // The tag holds the hash's slot bits (see `hash3`): no node read.
            let mut i = (e >> 32) as usize & mask;
            while unique[i] != 0 {
                i = (i + 1) & mask;
            }
            unique[i] = e;
        }
        self.unique = unique;
        let cache = (size / 2).min(MAX_CACHE);
        if cache > self.ite_cache.len() {
            // The entries kept (every node stays valid), each in its slot
            // of the larger table.
            let mut ite_cache = written_zeros::<[u32; 4]>(cache);
            for e in self.ite_cache.iter().filter(|e| e[0] != 0) {
                ite_cache[hash3(e[0], e[1], e[2]) as usize & (cache - 1)] = *e;
            }
            self.ite_cache = ite_cache;
        }
    }

    #[inline]
    fn cofactors(&self, f: u32, level: u32) -> (u32, u32) {
        let n = &self.nodes[f as usize];
        if n.level == level {
            (n.lo, n.hi)
        } else {
            (f, f)
        }
    }

    /// If-then-else: `(f and g) or (not f and h)`. Recursion depth is at
    /// most the number of levels.
    pub fn ite(&mut self, f: u32, g: u32, h: u32) -> u32 {
        if f == TRUE {
            return g;
        }
        if f == FALSE {
            return h;
        }
        if g == h {
            return g;
        }
        if g == TRUE && h == FALSE {
            return f;
        }
        // Standard triples: `f and g` and `f or h` are symmetric, one
        // cache entry for both orders.
        let (f, g, h) = if h == FALSE && g < f {
            (g, f, h)
        } else if g == TRUE && h < f {
            (h, g, f)
        } else {
            (f, g, h)
        };
        if self.overflow {
            return FALSE;
        }
        // A single variable above both branches (every cell of a threshold
        // over plain variables): the node itself, without a cache entry.
        let nf = self.nodes[f as usize];
        let (lg, lh) = (self.level(g), self.level(h));
        if nf.lo == FALSE && nf.hi == TRUE && nf.level < lg && nf.level < lh {
            return self.mk(nf.level, h, g);
        }
        let slot = self.slot(f, g, h);
        let e = self.ite_cache[slot];
        if e[0] == f && e[1] == g && e[2] == h {
            return e[3];
        }
        let top = nf.level.min(lg).min(lh);
        let (f0, f1) = self.cofactors(f, top);
        let (g0, g1) = self.cofactors(g, top);
        let (h0, h1) = self.cofactors(h, top);
        let t = self.ite(f1, g1, h1);
        let e = self.ite(f0, g0, h0);
        let r = self.mk(top, e, t);
        if self.overflow {
            // Not cached: the result is meaningless, and a resumed build
            // must compute it again.
            return FALSE;
        }
        // The table may have grown meanwhile: index again.
        let slot = self.slot(f, g, h);
        self.ite_cache[slot] = [f, g, h, r];
        self.cache_stores += 1;
        r
    }

    /// The computed table's slot for `(f, g, h)`.
    #[inline]
    fn slot(&self, f: u32, g: u32, h: u32) -> usize {
        hash3(f, g, h) as usize & (self.ite_cache.len() - 1)
    }

    /// Conjunction (tests; series blocks use [`Manager::at_least`]).
    #[cfg(test)]
    pub fn and(&mut self, f: u32, g: u32) -> u32 {
        self.ite(f, g, FALSE)
    }

    /// At least `k` of `fs` true.
    ///
    /// Counted as a budget of failures: `D(i, d)` = "at most `d` of
    /// `fs[i..]` false", `D(i, d) = ite(f_i, D(i+1, d), D(i+1, d-1))`, with
    /// the root `D(0, n-k)`. Only the live band is built: `d < 0` is false,
    /// `d >= n - i` is true (the rest cannot use up the budget), and
    /// `d < (n-k) - i` is never reached from the root (each step spends at
    /// most one). So row `i` holds `d` in `max(0, n-k-i) ..= min(n-k, n-i-1)`,
    /// at most `min(n-k+1, k)` cells: `O(n * min(n-k+1, k))` `ite` calls
    /// instead of `n * k`.
    ///
    /// The function is symmetric, so the inputs are taken in the order of
    /// their lowest level (then their top level): for inputs on disjoint,
    /// ordered levels every cell's `ite` then only copies its own input,
    /// however the caller listed them. Constant inputs are folded into `k`.
    pub fn at_least(&mut self, k: usize, fs: &[u32]) -> u32 {
        let trues = fs.iter().filter(|&&f| f == TRUE).count();
        let k = k.saturating_sub(trues);
        if k == 0 {
            return TRUE;
        }
        let mut fs: Vec<u32> = fs.iter().copied().filter(|&f| f > TRUE).collect();
        let n = fs.len();
        if k > n {
            return FALSE;
        }
        fs.sort_by_key(|&f| {
            let n = &self.nodes[f as usize];
            (n.deepest, n.level)
        });
        let m = n - k;
        // row[d] = D(i + 1, d); cells above the band stay TRUE.
        let mut row = vec![TRUE; m + 1];
        for i in (0..n).rev() {
            let lo = m.saturating_sub(i);
            let hi = m.min(n - i - 1);
            // Descending, so row[d - 1] still holds D(i + 1, d - 1).
            for d in (lo..=hi).rev() {
                let spent = if d == 0 { FALSE } else { row[d - 1] };
                row[d] = self.ite(fs[i], row[d], spent);
            }
            if self.overflow {
                return FALSE;
            }
        }
        row[m]
    }

    /// The nodes reachable from `root`, as flat arrays in bottom-up order.
    ///
    /// `O(k log k)` for `k` reachable nodes, whatever the size of the table:
    /// a depth-first walk from the root, the reached ids sorted (ascending
    /// ids are bottom-up), and a map local to the call.
    pub fn compact(&self, root: u32) -> Diagram {
        let mut reached: Vec<u32> = Vec::new();
        let mut remap: FxHashMap<u32, u32> = FxHashMap::default();
        let mut stack = vec![root];
        while let Some(v) = stack.pop() {
            if v <= TRUE || remap.insert(v, 0).is_some() {
                continue;
            }
            reached.push(v);
            stack.push(self.nodes[v as usize].lo);
            stack.push(self.nodes[v as usize].hi);
        }
        reached.sort_unstable();
        let mut d = Diagram {
            level: Vec::with_capacity(reached.len() + 2),
            lo: Vec::with_capacity(reached.len() + 2),
            hi: Vec::with_capacity(reached.len() + 2),
            root: 0,
        };
        for t in [FALSE, TRUE] {
            d.level.push(self.level(t));
            d.lo.push(t);
            d.hi.push(t);
        }
        let local = |remap: &FxHashMap<u32, u32>, v: u32| if v <= TRUE { v } else { remap[&v] };
        for &id in &reached {
            let Node { lo, hi, level, .. } = self.nodes[id as usize];
            let new = d.level.len() as u32;
            d.level.push(level);
            d.lo.push(local(&remap, lo));
            d.hi.push(local(&remap, hi));
            remap.insert(id, new);
        }
        d.root = local(&remap, root) as usize;
        d
    }
}

/// A compacted diagram: node 0 false, node 1 true, children before parents.
#[derive(Clone, Debug)]
pub(crate) struct Diagram {
    level: Vec<u32>,
    lo: Vec<u32>,
    hi: Vec<u32>,
    root: usize,
}

/// Probabilities of every node of a diagram.
pub(crate) struct Pass {
    /// P(function = 1) at each node.
    pub up: Vec<f64>,
    /// P(function = 0) at each node, summed directly (no `1 - up`).
    pub down: Vec<f64>,
}

/// Nodes by level and parents by node, for [`Diagram::gain_without`].
pub(crate) struct Index {
    by_level: Vec<u32>,
    level_start: Vec<usize>,
    parents: Vec<u32>,
    parent_start: Vec<usize>,
    /// Probability of reaching each node from the root.
    reach: Vec<f64>,
}

impl Diagram {
    /// The index of [`Diagram::gain_without`] for `levels` levels, with the
    /// reach probabilities under `a`, `q`. Linear.
    pub fn index(&self, levels: usize, a: &[f64], q: &[f64]) -> Index {
        let n = self.len();
        let mut count = vec![0usize; levels + 1];
        let mut pcount = vec![0usize; n + 1];
        for v in 2..n {
            count[self.level[v] as usize] += 1;
            pcount[self.lo[v] as usize] += 1;
            pcount[self.hi[v] as usize] += 1;
        }
        let mut level_start = vec![0usize; levels + 1];
        for l in 0..levels {
            level_start[l + 1] = level_start[l] + count[l];
        }
        let mut parent_start = vec![0usize; n + 1];
        for v in 0..n {
            parent_start[v + 1] = parent_start[v] + pcount[v];
        }
        let mut by_level = vec![0u32; level_start[levels]];
        let mut parents = vec![0u32; parent_start[n]];
        let mut fill = level_start.clone();
        let mut pfill = parent_start.clone();
        for v in 2..n {
            let l = self.level[v] as usize;
            by_level[fill[l]] = v as u32;
            fill[l] += 1;
            for c in [self.lo[v] as usize, self.hi[v] as usize] {
                parents[pfill[c]] = v as u32;
                pfill[c] += 1;
            }
        }
        let mut reach = vec![0.0; n];
        reach[self.root] = 1.0;
        for v in (2..n).rev() {
            let r = reach[v];
            if r != 0.0 {
                let l = self.level[v] as usize;
                reach[self.hi[v] as usize] += r * a[l];
                reach[self.lo[v] as usize] += r * q[l];
            }
        }
        Index {
            by_level,
            level_start,
            parents,
            parent_start,
            reach,
        }
    }

    /// How much `P(function = 0)` falls when the variables at `perfect`
    /// are never 0: exact, in time proportional to the nodes between the
    /// highest and the deepest of those levels. Every path from the root
    /// enters that band once, so the root's value is the sum over the
    /// entries into it of (probability of the path to the entry) times (the
    /// value of the node entered); only the band's nodes change.
    pub fn gain_without(
        &self,
        idx: &Index,
        perfect: &[usize],
        a: &[f64],
        q: &[f64],
        pass: &Pass,
    ) -> f64 {
        let (Some(&lmin), Some(&lmax)) = (perfect.iter().min(), perfect.iter().max()) else {
            return 0.0;
        };
        let mut perfect = perfect.to_vec();
        perfect.sort_unstable();
        let mut band: Vec<u32> =
            idx.by_level[idx.level_start[lmin]..idx.level_start[lmax + 1]].to_vec();
        band.sort_unstable();
        let mut new: FxHashMap<u32, f64> = FxHashMap::default();
        let value = |new: &FxHashMap<u32, f64>, v: u32| {
            new.get(&v).copied().unwrap_or(pass.down[v as usize])
        };
        let mut gain = 0.0;
        for &v in &band {
            let vi = v as usize;
            let l = self.level[vi] as usize;
            let (al, ql) = if perfect.binary_search(&l).is_ok() {
                (1.0, 0.0)
            } else {
                (a[l], q[l])
            };
            let d = al * value(&new, self.hi[vi]) + ql * value(&new, self.lo[vi]);
            new.insert(v, d);
            // Entries into the band at v.
            let mut entry = if vi == self.root { 1.0 } else { 0.0 };
            for &u in &idx.parents[idx.parent_start[vi]..idx.parent_start[vi + 1]] {
                let u = u as usize;
                let lu = self.level[u] as usize;
                if lu < lmin {
                    if self.hi[u] == v {
                        entry += idx.reach[u] * a[lu];
                    }
                    if self.lo[u] == v {
                        entry += idx.reach[u] * q[lu];
                    }
                }
            }
            gain += entry * (pass.down[vi] - d);
        }
        gain
    }

    /// Number of nodes, terminals included.
    pub fn len(&self) -> usize {
        self.level.len()
    }

    /// The root node's index.
    pub fn root_node(&self) -> usize {
        self.root
    }

    /// A node's level (`u32::MAX` for the terminals) and its children
    /// (low: the level's variable down, high: up).
    pub fn node(&self, v: usize) -> (u32, usize, usize) {
        (self.level[v], self.lo[v] as usize, self.hi[v] as usize)
    }

    /// `P(f_u = 1 and f_v = 0)` for two nodes, with per-level availability
    /// `a` and unavailability `q`; `memo` caches pairs across calls with
    /// the same probabilities.
    pub fn and_not(
        &self,
        u: usize,
        v: usize,
        a: &[f64],
        q: &[f64],
        pass: &Pass,
        memo: &mut FxHashMap<(u32, u32), f64>,
    ) -> f64 {
        if u == FALSE as usize || v == TRUE as usize || u == v {
            return 0.0;
        }
        if v == FALSE as usize {
            return pass.up[u];
        }
        if u == TRUE as usize {
            return pass.down[v];
        }
        if let Some(&p) = memo.get(&(u as u32, v as u32)) {
            return p;
        }
        let (lu, lv) = (self.level[u], self.level[v]);
        let l = lu.min(lv);
        let (u0, u1) = if lu == l {
            (self.lo[u] as usize, self.hi[u] as usize)
        } else {
            (u, u)
        };
        let (v0, v1) = if lv == l {
            (self.lo[v] as usize, self.hi[v] as usize)
        } else {
            (v, v)
        };
        let p = a[l as usize] * self.and_not(u1, v1, a, q, pass, memo)
            + q[l as usize] * self.and_not(u0, v0, a, q, pass, memo);
        memo.insert((u as u32, v as u32), p);
        p
    }

    fn root(&self) -> usize {
        self.root
    }

    /// Bottom-up pass: the probability that each node's function is 1 and 0,
    /// given per-level availability `a` and unavailability `q`.
    pub fn forward(&self, a: &[f64], q: &[f64]) -> Pass {
        let n = self.len();
        let mut up = vec![0.0; n];
        let mut down = vec![0.0; n];
        down[0] = 1.0;
        if n > 1 {
            up[1] = 1.0;
        }
        for v in 2..n {
            let l = self.level[v] as usize;
            let (lo, hi) = (self.lo[v] as usize, self.hi[v] as usize);
            up[v] = a[l] * up[hi] + q[l] * up[lo];
            down[v] = a[l] * down[hi] + q[l] * down[lo];
        }
        Pass { up, down }
    }

    /// P(function = 1) and P(function = 0) at the root.
    pub fn root_probabilities(&self, pass: &Pass) -> (f64, f64) {
        let r = self.root();
        (pass.up[r], pass.down[r])
    }

    /// Top-down pass: Birnbaum importance of every level,
    /// `P(f | x=1) - P(f | x=0)`, added into `birnbaum`.
    pub fn birnbaum(&self, a: &[f64], q: &[f64], pass: &Pass, birnbaum: &mut [f64]) {
        if self.root < 2 {
            return;
        }
        let mut reach = vec![0.0; self.len()];
        reach[self.root()] = 1.0;
        self.birnbaum_from(a, q, pass, reach, birnbaum);
    }

    /// [`Diagram::birnbaum`] as `(level, importance)` pairs, ascending by
    /// level, for the levels the diagram holds: time and memory in its
    /// size, not in the number of levels.
    pub fn birnbaum_sparse(&self, a: &[f64], q: &[f64], pass: &Pass) -> Vec<(u32, f64)> {
        let mut out: FxHashMap<u32, f64> = FxHashMap::default();
        if self.root >= 2 {
            let mut reach = vec![0.0; self.len()];
            reach[self.root] = 1.0;
            self.top_down(a, q, pass, &mut reach, |l, x| {
                *out.entry(l as u32).or_insert(0.0) += x;
            });
        }
        let mut v: Vec<(u32, f64)> = out.into_iter().collect();
        v.sort_unstable_by_key(|&(l, _)| l);
        v
    }

    /// The top-down pass of [`Diagram::birnbaum`] from a given weight at
    /// each node (the probability of reaching it from above): the
    /// importance of each level in a mixture of cofactors.
    pub fn birnbaum_from(
        &self,
        a: &[f64],
        q: &[f64],
        pass: &Pass,
        mut reach: Vec<f64>,
        birnbaum: &mut [f64],
    ) {
        self.top_down(a, q, pass, &mut reach, |l, x| birnbaum[l] += x);
    }

    /// The top-down pass: `reach` (the probability of reaching each node
    /// from above) carried down, and each node's share of its level's
    /// importance handed to `add(level, share)`.
    #[inline]
    fn top_down(
        &self,
        a: &[f64],
        q: &[f64],
        pass: &Pass,
        reach: &mut [f64],
        mut add: impl FnMut(usize, f64),
    ) {
        for v in (2..self.len()).rev() {
            let r = reach[v];
            if r == 0.0 {
                continue;
            }
            let l = self.level[v] as usize;
            let (lo, hi) = (self.lo[v] as usize, self.hi[v] as usize);
            reach[hi] += r * a[l];
            reach[lo] += r * q[l];
            add(l, r * (pass.down[lo] - pass.down[hi]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_of_three_closed_form() {
        let mut m = Manager::new(1 << 20);
        let vs: Vec<u32> = (0..3).map(|l| m.var(l)).collect();
        let f = m.at_least(2, &vs);
        let d = m.compact(f);
        let a = [0.99; 3];
        let q = [0.01; 3];
        let pass = d.forward(&a, &q);
        let (up, down) = d.root_probabilities(&pass);
        assert!((up - 0.999702).abs() < 1e-12);
        assert!((down - (1.0 - 0.999702)).abs() < 1e-12);
        let mut b = vec![0.0; 3];
        d.birnbaum(&a, &q, &pass, &mut b);
        // I_B = P(exactly one of the other two up) = 2 * 0.99 * 0.01
        for x in b {
            assert!((x - 2.0 * 0.99 * 0.01).abs() < 1e-14);
        }
    }

    #[test]
    fn canonical_and_reduced() {
        let mut m = Manager::new(1 << 20);
        let x = m.var(0);
        let y = m.var(1);
        let a = m.and(x, y);
        let b = m.and(y, x);
        assert_eq!(a, b);
        let or = m.at_least(1, &[x, y]);
        let or2 = m.ite(y, TRUE, x);
        assert_eq!(or, or2);
        assert_eq!(m.compact(a).len(), 4);
    }

    #[test]
    fn limit_is_reported() {
        let mut m = Manager::new(5);
        let vs: Vec<u32> = (0..10).map(|l| m.var(l)).collect();
        let _ = m.at_least(5, &vs);
        assert!(m.overflowed());
    }

    #[test]
    fn threshold_builds_only_its_band() {
        // 9,990 of 10,000: 11 live counts a level, nothing else built.
        let (n, k) = (10_000u32, 9_990usize);
        let mut m = Manager::new(1 << 22);
        let vs: Vec<u32> = (0..n).map(|l| m.var(l)).collect();
        let before = m.built();
        let f = m.at_least(k, &vs);
        let built = m.built() - before;
        let reduced = m.compact(f).len() - 2;
        assert!(built <= n as usize * (n as usize - k + 1), "{built}");
        // Every node built is in the result (which also holds the bottom
        // variable's own node, built before).
        assert_eq!(built + 1, reduced);
        assert_eq!(m.cache_stores, 0, "plain variables need no cache");
        // k = 1 and k = n: one node a level.
        for k in [1, n as usize] {
            let g = m.at_least(k, &vs);
            assert_eq!(m.compact(g).len(), n as usize + 2);
        }
    }

    #[test]
    fn threshold_ignores_input_order_and_folds_constants() {
        let mut m = Manager::new(1 << 20);
        let vs: Vec<u32> = (0..12).map(|l| m.var(l)).collect();
        // Disjoint pairs, listed bottom first.
        let pairs: Vec<u32> = (0..6).map(|i| m.and(vs[2 * i], vs[2 * i + 1])).collect();
        for k in 0..=7 {
            let f = m.at_least(k, &pairs);
            let rev: Vec<u32> = pairs.iter().rev().copied().collect();
            assert_eq!(m.at_least(k, &rev), f, "k = {k}");
            let mut with_consts = vec![TRUE, FALSE];
            with_consts.extend(&rev);
            assert_eq!(m.at_least(k + 1, &with_consts), f, "k = {k}");
        }
        assert_eq!(m.at_least(0, &[FALSE]), TRUE);
        assert_eq!(m.at_least(1, &[FALSE, FALSE]), FALSE);
        assert_eq!(m.at_least(2, &[TRUE, TRUE]), TRUE);
    }

    #[test]
    fn band_gain_is_the_recomputed_gain() {
        // A structure with sharing: 3 of 5 pairs, pairs over shared levels.
        let mut m = Manager::new(1 << 20);
        let vs: Vec<u32> = (0..9).map(|l| m.var(l)).collect();
        let pairs: Vec<u32> = (0..5)
            .map(|i| {
                let or = m.at_least(1, &[vs[i], vs[i + 4]]);
                m.and(or, vs[(2 * i + 1) % 9])
            })
            .collect();
        let f = m.at_least(3, &pairs);
        let d = m.compact(f);
        let a: Vec<f64> = (0..9).map(|i| 0.6 + 0.04 * i as f64).collect();
        let q: Vec<f64> = a.iter().map(|x| 1.0 - x).collect();
        let pass = d.forward(&a, &q);
        let idx = d.index(9, &a, &q);
        let (_, down) = d.root_probabilities(&pass);
        for set in [
            vec![0],
            vec![3, 4],
            vec![1, 7],
            vec![0, 8],
            vec![2, 5, 6],
            (0..9).collect(),
        ] {
            let (mut a2, mut q2) = (a.clone(), q.clone());
            for &l in &set {
                a2[l] = 1.0;
                q2[l] = 0.0;
            }
            let (_, down2) = d.root_probabilities(&d.forward(&a2, &q2));
            let gain = d.gain_without(&idx, &set, &a, &q, &pass);
            assert!(
                (gain - (down - down2)).abs() < 1e-14,
                "{set:?}: {gain} vs {}",
                down - down2
            );
        }
    }

    #[test]
    fn threshold_against_counting() {
        // Every k of 7 variables, on every assignment.
        let mut m = Manager::new(1 << 20);
        let vs: Vec<u32> = (0..7).map(|l| m.var(l)).collect();
        for k in 0..=8 {
            let f = m.at_least(k, &vs);
            let d = m.compact(f);
            for x in 0u32..1 << 7 {
                let a: Vec<f64> = (0..7).map(|i| f64::from(x >> i & 1)).collect();
                let q: Vec<f64> = a.iter().map(|v| 1.0 - v).collect();
                let (up, _) = d.root_probabilities(&d.forward(&a, &q));
                assert_eq!(
                    up == 1.0,
                    x.count_ones() as usize >= k,
                    "k = {k}, x = {x:b}"
                );
            }
        }
    }

    #[test]
    fn resumed_build_is_the_unlimited_one() {
        // Stopped at ever larger limits and resumed, a threshold over pairs
        // ends as the diagram built in one go.
        let build = |m: &mut Manager| {
            let vs: Vec<u32> = (0..16).map(|l| m.var(l)).collect();
            let pairs: Vec<u32> = (0..8)
                .map(|i| m.at_least(1, &[vs[i], vs[15 - i]]))
                .collect();
            m.at_least(4, &pairs)
        };
        let mut whole = Manager::new(1 << 20);
        let f = build(&mut whole);
        let want = whole.compact(f);
        let mut m = Manager::new(20);
        let mut limit = 20;
        let g = loop {
            let g = build(&mut m);
            if !m.overflowed() {
                break g;
            }
            limit += 7;
            m.resume(limit);
        };
        let got = m.compact(g);
        assert_eq!(got.len(), want.len());
        let a: Vec<f64> = (0..16).map(|i| 0.5 + 0.03 * i as f64).collect();
        let q: Vec<f64> = a.iter().map(|x| 1.0 - x).collect();
        let (up, _) = got.root_probabilities(&got.forward(&a, &q));
        let (up_want, _) = want.root_probabilities(&want.forward(&a, &q));
        assert!((up - up_want).abs() < 1e-15, "{up} vs {up_want}");
    }

    #[test]
    fn room_ahead_builds_the_same_nodes() {
        // Two thresholds and a choice between them, built in a manager
        // that grows and in ones sized ahead (below, at and past what it
        // needs, and past the cap): the same nodes, made in the same
        // order, whatever the tables' sizes.
        let build = |m: &mut Manager| {
            let vs: Vec<u32> = (0..24).map(|l| m.var(l)).collect();
            let pairs: Vec<u32> = (0..12)
                .map(|i| m.at_least(1, &[vs[i], vs[23 - i]]))
                .collect();
            let a = m.at_least(5, &pairs);
            let b = m.at_least(9, &vs);
            m.ite(a, b, vs[3])
        };
        let mut grown = Manager::new(1 << 20);
        let f = build(&mut grown);
        assert!(
            grown.unique.len() > MIN_CACHE,
            "the test must grow the table"
        );
        let nodes = |m: &Manager| -> Vec<(u32, u32, u32)> {
            (0..m.built() as u32).map(|i| m.node(i)).collect()
        };
        for room in [100, grown.built(), 4 * grown.built(), 10 * MAX_ROOM] {
            let mut m = Manager::with_room(1 << 20, room);
            assert_eq!(build(&mut m), f, "room {room}");
            assert_eq!(nodes(&m), nodes(&grown), "room {room}");
            assert!(m.unique.len() <= (4 * MAX_ROOM / 3 + 1).next_power_of_two());
        }
    }
}
