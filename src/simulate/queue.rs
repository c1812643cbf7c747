//! The event queues of the simulator: next-event times of fixed slots
//! (one per item and per standby block), each giving the earliest slot,
//! ties to the lowest, so that every queue gives the same trajectory.
//! [`crate::simulate::trajectory`] chooses one by the number of slots.

/// Next-event times of fixed slots (one per item and per standby block):
/// `min` gives the earliest, ties going to the lowest slot, so that every
/// implementation gives the same trajectory.
pub(crate) trait EventQueue {
    /// A queue of `slots` slots, all at infinity.
    fn with_slots(slots: usize) -> Self;
    /// Sets a slot's time.
    fn set(&mut self, slot: usize, t: f64);
    /// The earliest slot and its time (ties: the lowest slot; `(0, inf)`
    /// when every slot is at infinity). Takes `&mut self`: a calendar
    /// queue moves its current day on.
    fn min(&mut self) -> (usize, f64);
    /// A slot likely to come `k` events after the earliest, if known (a
    /// hint: the simulator fetches its records into the cache ahead of
    /// time).
    #[inline]
    fn ahead(&self, _k: usize) -> Option<usize> {
        None
    }
}

/// Asks the processor to bring `r`'s cache line in (a hint; no effect on
/// results).
#[inline(always)]
pub(crate) fn prefetch<T>(r: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: `_mm_prefetch` needs SSE, which every x86_64 processor has;
    // a prefetch never faults, and `r` is a valid reference anyway.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
            (r as *const T).cast(),
        );
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = r;
}

/// Next-event times of fixed slots, in blocks of about sqrt(n) slots with
/// each block's minimum kept: an update rescans one block and a look-up
/// scans the block minima, short independent loops instead of a chain of
/// dependent loads. Faster than the heap on small models (a few short
/// scans beat the heap's unpredictable branches);
/// [`crate::simulate::trajectory::WINDOW_FROM_SLOTS`]
/// chooses.
pub(crate) struct BlockQueue {
    width: usize,
    time: Vec<f64>,
    block_min: Vec<f64>,
    block_arg: Vec<u32>,
}

impl EventQueue for BlockQueue {
    fn with_slots(slots: usize) -> Self {
        let width = ((slots as f64).sqrt().ceil() as usize).max(4);
        let blocks = slots.div_ceil(width).max(1);
        BlockQueue {
            width,
            time: vec![f64::INFINITY; blocks * width],
            block_min: vec![f64::INFINITY; blocks],
            block_arg: (0..blocks as u32).map(|b| b * width as u32).collect(),
        }
    }

    #[inline]
    fn set(&mut self, slot: usize, t: f64) {
        self.time[slot] = t;
        let b = slot / self.width;
        let start = b * self.width;
        let (mut best, mut arg) = (f64::INFINITY, start);
        for (k, &v) in self.time[start..start + self.width].iter().enumerate() {
            if v < best {
                best = v;
                arg = start + k;
            }
        }
        self.block_min[b] = best;
        self.block_arg[b] = arg as u32;
    }

    #[inline]
    fn min(&mut self) -> (usize, f64) {
        let (mut best, mut b) = (f64::INFINITY, 0);
        for (k, &v) in self.block_min.iter().enumerate() {
            if v < best {
                best = v;
                b = k;
            }
        }
        (self.block_arg[b] as usize, best)
    }
}

/// An indexed `D`-ary min-heap of the slots by (time, slot): an update
/// moves one entry up or down the heap, O(log n); the minimum is at the
/// root. Entries carry their times, so a comparison loads no other array.
/// `D = 2` is the binary heap; with `D = 4` the four children of an entry
/// are 64 bytes side by side (about one cache line) and the heap is half
/// as deep, so a sift down the whole heap touches half the lines. The
/// reference the other queues are tested against; measured, not used (the
/// [`WindowQueue`] is faster from 10^3 slots on, the [`BlockQueue`] below).
#[cfg(test)]
pub(crate) struct HeapQueue<const D: usize = 2> {
    /// (time, slot) in heap order.
    heap: Vec<(f64, u32)>,
    /// Position of each slot in `heap`.
    pos: Vec<u32>,
}

/// The 4-ary heap (measured, not used: no faster than the binary one).
#[cfg(test)]
pub(crate) type QuadHeapQueue = HeapQueue<4>;

/// The earliest, the sum and the number of the finite times: what a
/// calendar's width is read from.
fn pending(times: &[f64]) -> (f64, f64, usize) {
    let (mut lo, mut sum, mut n) = (f64::INFINITY, 0.0, 0usize);
    for &t in times {
        if t < f64::INFINITY {
            lo = lo.min(t);
            sum += t;
            n += 1;
        }
    }
    (lo, sum, n)
}

#[inline]
fn before(a: (f64, u32), b: (f64, u32)) -> bool {
    a.0 < b.0 || (a.0 == b.0 && a.1 < b.1)
}

#[cfg(test)]
impl<const D: usize> HeapQueue<D> {
    #[inline]
    fn sift_up(&mut self, mut i: usize, e: (f64, u32)) {
        while i > 0 {
            let parent = (i - 1) / D;
            let p = self.heap[parent];
            if !before(e, p) {
                break;
            }
            self.heap[i] = p;
            self.pos[p.1 as usize] = i as u32;
            i = parent;
        }
        self.heap[i] = e;
        self.pos[e.1 as usize] = i as u32;
    }

    #[inline]
    fn sift_down(&mut self, mut i: usize, e: (f64, u32)) {
        let n = self.heap.len();
        loop {
            let first = D * i + 1;
            if first >= n {
                break;
            }
            let mut c = first;
            let mut child = self.heap[first];
            for k in first + 1..(first + D).min(n) {
                let h = self.heap[k];
                if before(h, child) {
                    c = k;
                    child = h;
                }
            }
            if !before(child, e) {
                break;
            }
            self.heap[i] = child;
            self.pos[child.1 as usize] = i as u32;
            i = c;
        }
        self.heap[i] = e;
        self.pos[e.1 as usize] = i as u32;
    }
}

#[cfg(test)]
impl<const D: usize> EventQueue for HeapQueue<D> {
    fn with_slots(slots: usize) -> Self {
        let slots = slots.max(1);
        HeapQueue {
            heap: (0..slots as u32).map(|s| (f64::INFINITY, s)).collect(),
            pos: (0..slots as u32).collect(),
        }
    }

    #[inline]
    fn set(&mut self, slot: usize, t: f64) {
        let i = self.pos[slot] as usize;
        let old = self.heap[i].0;
        let e = (t, slot as u32);
        if t < old {
            self.sift_up(i, e);
        } else if t > old {
            self.sift_down(i, e);
        }
    }

    #[inline]
    fn min(&mut self) -> (usize, f64) {
        let (t, s) = self.heap[0];
        (s as usize, t)
    }

    /// The root's children (`k` = 1, 2): the next earliest is one of
    /// them (or the root, set later).
    #[inline]
    fn ahead(&self, k: usize) -> Option<usize> {
        (matches!(k, 1 | 2) && k < self.heap.len()).then(|| self.heap[k].1 as usize)
    }
}

/// A tournament (winner) tree over the slots: leaves at fixed places,
/// each inner entry the earliest (time, slot) of the two below it. An
/// update walks from its leaf to the root, stopping where the winner no
/// longer changes; no slot ever moves, so there is no position table to
/// write on each step (the heap writes one a level). Measured, not used:
/// no faster than the binary heap (0.95x to 1.04x).
#[cfg(test)]
pub(crate) struct TreeQueue {
    /// `tree[1]` is the root; the children of `k` are `2k` and `2k + 1`;
    /// slot `s` is the leaf `leaves + s`.
    tree: Vec<(f64, u32)>,
    leaves: usize,
}

#[cfg(test)]
impl EventQueue for TreeQueue {
    fn with_slots(slots: usize) -> Self {
        let leaves = slots.max(2).next_power_of_two();
        let mut tree = vec![(f64::INFINITY, 0u32); 2 * leaves];
        for s in 0..leaves {
            tree[leaves + s] = (f64::INFINITY, s as u32);
        }
        for k in (1..leaves).rev() {
            tree[k] = tree[2 * k];
        }
        TreeQueue { tree, leaves }
    }

    #[inline]
    fn set(&mut self, slot: usize, t: f64) {
        let mut k = self.leaves + slot;
        self.tree[k] = (t, slot as u32);
        while k > 1 {
            let sibling = self.tree[k ^ 1];
            let mine = self.tree[k];
            let win = if before(sibling, mine) { sibling } else { mine };
            k /= 2;
            let old = self.tree[k];
            if old.0 == win.0 && old.1 == win.1 {
                break;
            }
            self.tree[k] = win;
        }
    }

    #[inline]
    fn min(&mut self) -> (usize, f64) {
        let (t, s) = self.tree[1];
        (s as usize, t)
    }
}

/// A calendar queue (R. Brown, "Calendar queues", CACM 31(10), 1988): the
/// time axis in days of `width` seconds, day `d` kept in bucket
/// `d mod buckets`. A bucket is one cache line of up to [`LINE`] (time,
/// slot) pairs, unsorted; a slot that finds its bucket full goes to an
/// overflow heap (many takeovers timed at one instant, after a zone
/// fails, share a day whatever the width). The earliest slot is
/// in the first day from the current one whose bucket (or the overflow's
/// earliest) holds a slot of that very day; a whole year (every bucket)
/// without one falls back to a direct search. Slots at infinity are in no
/// bucket. An event reads the current day's line (hot: every look-up
/// reads it) and writes one line where its next time falls; the binary
/// heap walks down about log2(n) entries.
///
/// The width follows the events: set from the spread of the times at the
/// first look-up, then every `slots` look-ups to about the mean gap
/// between successive events (about one event a day: a line rarely
/// fills), the buckets rebuilt when it is off by more than a factor of
/// two. Buckets: the slots rounded up to a power of two. Measured, not
/// used: the [`WindowQueue`] took its place (faster from 10^3 slots on,
/// `queue_tests::queue_speed_on_sys100k`).
#[cfg(test)]
pub(crate) struct CalendarQueue {
    /// Each slot's time.
    time: Vec<f64>,
    lines: Vec<Line>,
    mask: u64,
    width: f64,
    inv_width: f64,
    /// The current day: no finite slot is earlier.
    day: u64,
    /// Slots at a finite time.
    finite: usize,
    /// Slots whose bucket was full (the others at infinity there).
    overflow: HeapQueue,
    /// How many.
    pub(super) overflowed: usize,
    /// Overflow after the last rebuild for crowding: another waits until
    /// it doubles (ties do not spread out).
    overflow_floor: usize,
    /// The width is set afresh from the pending times at the next look-up:
    /// at the start, after a slot was set before the current day (a new
    /// run), or when the overflow grows (the events came closer: a warm-up
    /// of part of the items ended).
    stale: bool,
    /// Look-ups since the width was set from the pending times.
    since_calibration: usize,
    /// Look-ups since the width was checked, and the time then.
    looks: usize,
    since_t: f64,
}

/// Pairs in a calendar bucket: five times and five slots fill a 64-byte
/// line with the count.
#[cfg(test)]
const LINE: usize = 5;

#[cfg(test)]
#[derive(Clone, Copy)]
#[repr(C, align(64))]
struct Line {
    time: [f64; LINE],
    slot: [u32; LINE],
    len: u32,
}

#[cfg(test)]
const NIL: u32 = u32::MAX;

#[cfg(test)]
impl CalendarQueue {
    #[inline]
    fn day_of(&self, t: f64) -> u64 {
        // Saturates (a huge time is in the last day); monotone in `t`.
        (t * self.inv_width) as u64
    }

    #[inline]
    fn insert(&mut self, slot: usize, t: f64) {
        let b = (self.day_of(t) & self.mask) as usize;
        let line = &mut self.lines[b];
        let n = line.len as usize;
        if n < LINE {
            line.time[n] = t;
            line.slot[n] = slot as u32;
            line.len += 1;
        } else {
            self.overflow.set(slot, t);
            self.overflowed += 1;
        }
    }

    #[inline]
    fn remove(&mut self, slot: usize, t: f64) {
        let b = (self.day_of(t) & self.mask) as usize;
        let line = &mut self.lines[b];
        let n = line.len as usize;
        if let Some(k) = line.slot[..n].iter().position(|&s| s == slot as u32) {
            line.time[k] = line.time[n - 1];
            line.slot[k] = line.slot[n - 1];
            line.len -= 1;
            return;
        }
        // Not in its bucket: in the overflow.
        self.overflow.set(slot, f64::INFINITY);
        self.overflowed -= 1;
    }

    /// Rebuilds the buckets for days of `width` seconds.
    fn rebuild(&mut self, width: f64) {
        let width = if width.is_finite() && width > 0.0 {
            width
        } else {
            1.0
        };
        self.width = width;
        self.inv_width = 1.0 / width;
        self.lines.iter_mut().for_each(|l| l.len = 0);
        if self.overflowed > 0 {
            for slot in 0..self.time.len() {
                if self.overflow.heap[self.overflow.pos[slot] as usize].0 < f64::INFINITY {
                    self.overflow.set(slot, f64::INFINITY);
                }
            }
            self.overflowed = 0;
        }
        let mut earliest = f64::INFINITY;
        for slot in 0..self.time.len() {
            let t = self.time[slot];
            if t < f64::INFINITY {
                earliest = earliest.min(t);
                self.insert(slot, t);
            }
        }
        self.day = if earliest < f64::INFINITY {
            self.day_of(earliest)
        } else {
            0
        };
    }

    /// The width from the pending times: about the mean gap between
    /// events, read off their spread (for exponential times of mean `mu`
    /// over `n` slots, `mu` above the earliest on average: a gap of
    /// `mu / n` at the front between failures, half that with the
    /// repairs).
    fn calibrate(&mut self) {
        let (lo, sum, n) = pending(&self.time);
        self.stale = false;
        self.since_calibration = 0;
        self.looks = 0;
        self.since_t = lo;
        if n > 0 {
            // Half the gap: an alternating item's failure brings its repair.
            let spread = sum / n as f64 - lo;
            self.rebuild(0.5 * spread / n as f64);
        }
    }

    /// The earliest finite slot by a direct search (ties: the lowest).
    fn search(&self) -> (usize, f64) {
        let mut best = (f64::INFINITY, 0usize);
        for (slot, &t) in self.time.iter().enumerate() {
            if t < best.0 {
                best = (t, slot);
            }
        }
        (best.1, best.0)
    }
}

#[cfg(test)]
impl EventQueue for CalendarQueue {
    fn with_slots(slots: usize) -> Self {
        let buckets = slots.max(2).next_power_of_two();
        CalendarQueue {
            time: vec![f64::INFINITY; slots.max(1)],
            lines: vec![
                Line {
                    time: [0.0; LINE],
                    slot: [0; LINE],
                    len: 0,
                };
                buckets
            ],
            mask: buckets as u64 - 1,
            width: 1.0,
            inv_width: 1.0,
            day: 0,
            finite: 0,
            overflow: HeapQueue::with_slots(slots),
            overflowed: 0,
            overflow_floor: 0,
            stale: true,
            since_calibration: 0,
            looks: 0,
            since_t: 0.0,
        }
    }

    #[inline]
    fn set(&mut self, slot: usize, t: f64) {
        let old = self.time[slot];
        if old < f64::INFINITY {
            self.remove(slot, old);
            self.finite -= 1;
        }
        self.time[slot] = t;
        if t < f64::INFINITY {
            self.insert(slot, t);
            self.finite += 1;
            let d = self.day_of(t);
            if d < self.day {
                self.day = d;
                self.stale = true;
            }
        }
    }

    fn min(&mut self) -> (usize, f64) {
        if self.finite == 0 {
            return (0, f64::INFINITY);
        }
        // Crowded: many slots in full buckets (not again until the
        // overflow doubles: ties share a day whatever the width).
        if self.stale
            || (self.overflowed > 8 + self.finite / 64 + 2 * self.overflow_floor
                && self.since_calibration >= 64)
        {
            self.calibrate();
            self.overflow_floor = self.overflowed;
        }
        self.since_calibration += 1;
        self.looks += 1;
        if self.looks >= self.time.len().max(64) {
            // The mean gap between the events of the last look-ups.
            let now = self.day as f64 * self.width;
            let gap = (now - self.since_t) / self.looks as f64;
            self.looks = 0;
            self.since_t = now;
            if gap > 0.0 && !(0.5 * self.width..=2.0 * self.width).contains(&gap) {
                self.rebuild(gap);
            }
        }
        for _ in 0..=self.mask {
            let line = &self.lines[(self.day & self.mask) as usize];
            let mut best = (f64::INFINITY, NIL);
            for k in 0..line.len as usize {
                let e = (line.time[k], line.slot[k]);
                if self.day_of(e.0) == self.day && before(e, best) {
                    best = e;
                }
            }
            if self.overflowed > 0 {
                let (s, t) = self.overflow.min();
                let e = (t, s as u32);
                if self.day_of(t) == self.day && before(e, best) {
                    best = e;
                }
            }
            if best.1 != NIL {
                return (best.1 as usize, best.0);
            }
            self.day += 1;
        }
        // A year without an event: jump to the earliest.
        let (slot, t) = self.search();
        self.day = self.day_of(t);
        (slot, t)
    }
}

/// Events per epoch the [`WindowQueue`] aims at: an epoch's entries are
/// sorted when it begins (a few kB, in L1 and L2).
const EPOCH_EVENTS: f64 = 256.0;

/// A two-level queue for many slots (a simplified ladder queue: Tang,
/// Goh & Thng, "Ladder queue", ACM TOMACS 15(3), 2005). Time is cut into
/// epochs of about [`EPOCH_EVENTS`] events; only the current epoch's
/// entries are ordered: sorted when the epoch begins, with a small binary
/// heap beside them for entries set into the current epoch later. The
/// next `B` epochs are a ring of unsorted buckets, appended to; later
/// times go to one unsorted far list, swept into the ring every `B / 2`
/// epochs. An event takes the end of a sorted run and appends its next
/// time to a bucket: no walk down a heap of 10^5 entries, whose lower
/// levels miss the cache on every event; and the next events are known
/// in advance ([`EventQueue::ahead`]), so the simulator fetches their
/// records while it handles the current one. Nothing is removed: a
/// slot's entry is live while its time is the slot's current time, and
/// stale entries are dropped where they are met. Entries past the mission
/// (most of the next failures) are appended once and never sorted.
///
/// The epoch of a time is `floor(t / width)`, monotone in `t`, so every
/// entry of the current epoch is earlier than every entry in the ring or
/// far list, and ties share an epoch: the pops are those of [`HeapQueue`]
/// (`queue_tests`, `tests`). The width is set from the pending times when
/// the queue is first read, after a slot is set earlier than the last
/// look-up (a new run), and when the current epoch holds far more
/// entries than aimed at (the events came closer: a warm-up of part of
/// the items ended), unless it held about as many right after the last
/// rebuild (ties, which no width splits).
pub(crate) struct WindowQueue {
    /// Each slot's time (infinity: no event); an entry is live while its
    /// time is its slot's.
    time: Vec<f64>,
    /// The current epoch's entries as it began, latest first (the
    /// earliest is last).
    sorted: Vec<(f64, u32)>,
    /// Entries set into the current epoch (or earlier) since it began: a
    /// binary min-heap by (time, slot).
    late: Vec<(f64, u32)>,
    /// The epochs after the current one, before `far_from`: the bucket of
    /// epoch `e` is `ring[e & mask]`.
    ring: Vec<Vec<(f64, u32)>>,
    mask: u64,
    /// Entries in the ring (live or stale).
    in_ring: usize,
    /// Entries of epochs from `far_from` on, unsorted.
    far: Vec<(f64, u32)>,
    far_from: u64,
    epoch: u64,
    inv_width: f64,
    /// Rebuild from `time` at the next look-up.
    stale: bool,
    /// The time of the last look-up.
    last: f64,
    /// The current epoch's size after the last rebuild: it is rebuilt for
    /// crowding only past `16 * EPOCH_EVENTS` more than twice that.
    crowd_floor: usize,
}

impl WindowQueue {
    #[inline]
    fn epoch_of(&self, t: f64) -> u64 {
        // Saturates well below `u64::MAX` (a huge time is in the last
        // epoch, and the ring's end after it does not overflow); monotone
        // in `t`.
        ((t * self.inv_width) as u64).min(u64::MAX / 4)
    }

    #[inline]
    fn late_push(&mut self, e: (f64, u32)) {
        let mut i = self.late.len();
        self.late.push(e);
        while i > 0 {
            let parent = (i - 1) / 2;
            let p = self.late[parent];
            if !before(e, p) {
                break;
            }
            self.late[i] = p;
            i = parent;
        }
        self.late[i] = e;
    }

    #[inline]
    fn late_pop(&mut self) {
        let last = self.late.pop().expect("a non-empty heap");
        let n = self.late.len();
        if n == 0 {
            return;
        }
        let mut i = 0;
        loop {
            let first = 2 * i + 1;
            if first >= n {
                break;
            }
            let mut c = first;
            if first + 1 < n && before(self.late[first + 1], self.late[first]) {
                c = first + 1;
            }
            if !before(self.late[c], last) {
                break;
            }
            self.late[i] = self.late[c];
            i = c;
        }
        self.late[i] = last;
    }

    /// Files an entry where its epoch says.
    #[inline]
    fn place(&mut self, e: (f64, u32)) {
        let ep = self.epoch_of(e.0);
        if ep <= self.epoch {
            self.late_push(e);
        } else if ep < self.far_from {
            self.ring[(ep & self.mask) as usize].push(e);
            self.in_ring += 1;
        } else {
            self.far.push(e);
        }
    }

    /// Moves the far list's live entries before the ring's new end (`B`
    /// epochs after the current one) into the ring (or the current epoch).
    fn sweep_far(&mut self) {
        self.far_from = self.epoch.saturating_add(self.mask + 1);
        let mut far = std::mem::take(&mut self.far);
        far.retain(|&(t, s)| {
            if self.time[s as usize] != t {
                return false;
            }
            if self.epoch_of(t) < self.far_from {
                self.place((t, s));
                false
            } else {
                true
            }
        });
        self.far = far;
    }

    /// Sorts `entries` (the live ones) into the current epoch's run.
    fn begin_epoch(&mut self, entries: &[(f64, u32)]) {
        self.sorted.clear();
        self.sorted
            .extend(entries.iter().filter(|&&(t, s)| self.time[s as usize] == t));
        // Latest first; (time, slot) pairs are distinct among live entries
        // but for duplicates of one, which are equal.
        self.sorted
            .sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)));
    }

    /// Files every pending slot afresh, with the epoch width from the
    /// pending times: [`EPOCH_EVENTS`] times the mean gap between events,
    /// read off their spread as for the [`CalendarQueue`].
    fn rebuild(&mut self) {
        let (lo, sum, n) = pending(&self.time);
        self.stale = false;
        self.sorted.clear();
        self.late.clear();
        self.ring.iter_mut().for_each(Vec::clear);
        self.in_ring = 0;
        self.far.clear();
        if n == 0 {
            return;
        }
        let gap = 0.5 * (sum / n as f64 - lo) / n as f64;
        let width = EPOCH_EVENTS * gap;
        self.inv_width = if width.is_finite() && width > 0.0 {
            1.0 / width
        } else {
            1.0
        };
        self.last = lo;
        self.epoch = self.epoch_of(lo);
        self.far_from = self.epoch.saturating_add(self.mask + 1);
        let mut current = std::mem::take(&mut self.late);
        for s in 0..self.time.len() {
            let t = self.time[s];
            if t < f64::INFINITY {
                let e = (t, s as u32);
                if self.epoch_of(t) <= self.epoch {
                    current.push(e);
                } else {
                    self.place(e);
                }
            }
        }
        self.begin_epoch(&current);
        current.clear();
        self.late = current;
        self.crowd_floor = self.sorted.len();
    }

    /// Whether the current epoch holds far more than aimed at: the events
    /// came closer than the width was set for.
    #[inline]
    fn crowded(&self) -> bool {
        self.sorted.len() + self.late.len() > 16 * EPOCH_EVENTS as usize + 2 * self.crowd_floor
    }
}

impl EventQueue for WindowQueue {
    fn with_slots(slots: usize) -> Self {
        let slots = slots.max(1);
        let buckets = ((4.0 * slots as f64 / EPOCH_EVENTS) as usize)
            .clamp(64, 1 << 16)
            .next_power_of_two();
        WindowQueue {
            time: vec![f64::INFINITY; slots],
            sorted: Vec::new(),
            late: Vec::new(),
            ring: vec![Vec::new(); buckets],
            mask: buckets as u64 - 1,
            in_ring: 0,
            far: Vec::new(),
            far_from: 0,
            epoch: 0,
            inv_width: 1.0,
            stale: true,
            last: 0.0,
            crowd_floor: 0,
        }
    }

    #[inline]
    fn set(&mut self, slot: usize, t: f64) {
        if self.time[slot] == t {
            return;
        }
        self.time[slot] = t;
        if t == f64::INFINITY || self.stale {
            return;
        }
        if t < self.last {
            self.stale = true;
            return;
        }
        self.place((t, slot as u32));
    }

    fn min(&mut self) -> (usize, f64) {
        if self.stale || self.crowded() {
            self.rebuild();
        }
        loop {
            while let Some(&(t, s)) = self.sorted.last() {
                if self.time[s as usize] == t {
                    break;
                }
                self.sorted.pop();
            }
            while let Some(&(t, s)) = self.late.first() {
                if self.time[s as usize] == t {
                    break;
                }
                self.late_pop();
            }
            let e = match (self.sorted.last(), self.late.first()) {
                (Some(&a), Some(&b)) => Some(if before(b, a) { b } else { a }),
                (Some(&a), None) | (None, Some(&a)) => Some(a),
                (None, None) => None,
            };
            if let Some((t, s)) = e {
                self.last = t;
                return (s as usize, t);
            }
            if self.in_ring == 0 {
                // Jump to the far list's earliest live epoch.
                let mut first = u64::MAX;
                for &(t, s) in &self.far {
                    if self.time[s as usize] == t {
                        first = first.min(self.epoch_of(t));
                    }
                }
                if first == u64::MAX {
                    // Only stale entries: every slot at infinity.
                    self.far.clear();
                    return (0, f64::INFINITY);
                }
                self.epoch = first - 1;
                self.far_from = first;
            }
            self.epoch += 1;
            if self.far_from - self.epoch < self.mask.div_ceil(2) {
                self.sweep_far();
            }
            let b = (self.epoch & self.mask) as usize;
            let mut bucket = std::mem::take(&mut self.ring[b]);
            self.in_ring -= bucket.len();
            // Entries the sweep filed into this epoch are in `late`.
            self.begin_epoch(&bucket);
            bucket.clear();
            self.ring[b] = bucket;
            if self.crowded() {
                self.rebuild();
            }
        }
    }

    /// The `k`-th entry after the earliest in the current epoch's sorted
    /// run (maybe stale, or passed by a late entry: a hint).
    #[inline]
    fn ahead(&self, k: usize) -> Option<usize> {
        let n = self.sorted.len();
        (k < n).then(|| self.sorted[n - 1 - k].1 as usize)
    }
}

#[cfg(test)]
mod tests {
    use rand::rngs::Xoshiro256PlusPlus;
    use rand::{RngExt, SeedableRng};

    use super::*;

    /// The window queue against the binary heap where its bookkeeping is
    /// tested hardest: a few slots running while the rest wait at infinity,
    /// then all of them starting at once close ahead (the end of a warm-up:
    /// a crowded near heap), bursts of ties (takeovers timed at one
    /// instant), huge finite times (the saturated last epoch), long gaps
    /// (a jump to the far list) and restarts at time 0.
    #[test]
    fn window_queue_pops_as_the_heap_does() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(5);
        for slots in [1usize, 5, 64, 700, 20_000] {
            let mut w = WindowQueue::with_slots(slots);
            let mut h: HeapQueue = HeapQueue::with_slots(slots);
            let set = |w: &mut WindowQueue, h: &mut HeapQueue, s: usize, t: f64| {
                w.set(s, t);
                h.set(s, t);
            };
            for round in 0..3 {
                // A warm-up: a tenth of the slots move.
                for s in (0..slots).step_by(10) {
                    set(&mut w, &mut h, s, 1e4 * rng.random::<f64>());
                }
                let mut now = 0.0;
                for step in 0..10 * slots + 100 {
                    let (s, t) = h.min();
                    assert_eq!(w.min(), (s, t), "{slots} slots, round {round}, step {step}");
                    if !t.is_finite() {
                        break;
                    }
                    now = t;
                    let u = rng.random::<f64>();
                    let next = if u < 0.02 {
                        f64::INFINITY
                    } else if u < 0.03 {
                        1e300 * rng.random::<f64>()
                    } else if u < 0.05 {
                        t + 1e9 * rng.random::<f64>()
                    } else {
                        t + 1e4 * rng.random::<f64>()
                    };
                    set(&mut w, &mut h, s, next);
                    if step == slots {
                        // The warm-up ends: every waiting slot starts close.
                        for o in 0..slots {
                            if o % 10 != 0 {
                                set(&mut w, &mut h, o, now + 10.0 * rng.random::<f64>());
                            }
                        }
                    }
                    if step % 97 == 0 {
                        // A burst of ties.
                        let at = now + 60.0;
                        for _ in 0..(slots / 4).max(1) {
                            let o = (rng.random::<f64>() * slots as f64) as usize % slots;
                            set(&mut w, &mut h, o, at);
                        }
                    }
                }
                // A new run: everything back near 0 (some slots unchanged).
                for s in 0..slots {
                    let t = if s % 3 == 0 {
                        f64::INFINITY
                    } else {
                        (now * rng.random::<f64>()).floor()
                    };
                    set(&mut w, &mut h, s, t);
                }
            }
        }
    }
}
