//! Statistics over trajectories as values: a [`Stats`] accumulates runs,
//! merges with another exactly, and serialises (JSON), so that chunks done
//! by different threads, rounds or machines (shards) add up to the very
//! same figures. Memory does not grow with the number of runs.
//!
//! Exactness comes from the representation, not from an order: counts are
//! integers, extremes are maxima and minima, and every sum of real numbers
//! is an [`ExactSum`], a fixed-point integer wide enough for any `f64`.
//! Adding and merging are therefore associative and commutative: any split
//! of the runs, folded in any order, gives byte-identical statistics.

use serde::{Deserialize, Serialize};

use crate::simulate::trajectory::RunResult;

/// Histogram bins per factor of ten: bin edges grow by 10^(1/1000), about
/// 0.23%, so a percentile read off a bin (its geometric middle) is within
/// 0.12% of the exact one.
pub const BINS_PER_DECADE: f64 = 1000.0;
/// Smallest positive downtime resolved by the histogram, seconds: smaller
/// positive values share its first bin.
pub const FLOOR_S: f64 = 1e-6;

/// 32-bit digits of an [`ExactSum`]: enough for 2^-1074 (the smallest
/// subnormal) to 2^1024 (past the largest double), plus carries.
const LIMBS: usize = 68;
/// Adds between carry propagations: each limb takes at most 2^32 per add
/// and holds 2^63.
const CARRY_EVERY: u32 = 1 << 30;

/// The exact sum of any number of finite `f64` values: a two's complement
/// fixed-point integer in units of 2^-1074, in 32-bit digits with room for
/// deferred carries. Its value does not depend on the order of the additions.
///
/// # Examples
///
/// ```
/// use fivenines::simulate::ExactSum;
/// let (mut a, mut b) = (ExactSum::default(), ExactSum::default());
/// for x in [1e16, 1.0, -1e16] {
///     a.add(x);
/// }
/// for x in [-1e16, 1e16, 1.0] {
///     b.add(x);
/// }
/// assert_eq!(a.value(), 1.0); // (1e16 + 1.0) - 1e16 is 0.0 in doubles
/// assert_eq!(a, b);
/// ```
#[derive(Clone, Debug)]
pub struct ExactSum {
    limbs: [i64; LIMBS],
    /// Adds since the last carry propagation.
    pending: u32,
}

impl Default for ExactSum {
    fn default() -> Self {
        ExactSum {
            limbs: [0; LIMBS],
            pending: 0,
        }
    }
}

impl ExactSum {
    /// Adds `x` exactly. Non-finite values are ignored (they cannot occur in
    /// the statistics: durations are finite).
    #[inline]
    pub fn add(&mut self, x: f64) {
        if x == 0.0 || !x.is_finite() {
            return;
        }
        let bits = x.to_bits();
        let exp = ((bits >> 52) & 0x7ff) as usize;
        let frac = bits & ((1u64 << 52) - 1);
        // x = mant * 2^(pos - 1074)
        let (mant, pos) = if exp == 0 {
            (frac, 0)
        } else {
            (frac | (1u64 << 52), exp - 1)
        };
        let (limb, off) = (pos / 32, pos % 32);
        let v = u128::from(mant) << off;
        let digits = [
            (v & 0xffff_ffff) as i64,
            ((v >> 32) & 0xffff_ffff) as i64,
            (v >> 64) as i64,
        ];
        if x < 0.0 {
            for (k, d) in digits.into_iter().enumerate() {
                self.limbs[limb + k] -= d;
            }
        } else {
            for (k, d) in digits.into_iter().enumerate() {
                self.limbs[limb + k] += d;
            }
        }
        self.pending += 1;
        if self.pending >= CARRY_EVERY {
            self.normalize();
        }
    }

    /// Adds another sum exactly.
    pub fn merge(&mut self, other: &ExactSum) {
        let mut o = other.clone();
        o.normalize();
        self.normalize();
        for (a, b) in self.limbs.iter_mut().zip(o.limbs) {
            *a += b;
        }
        self.pending = 1;
    }

    /// Propagates carries: every digit but the top one in [0, 2^32); the
    /// representation of a value is then unique.
    fn normalize(&mut self) {
        for i in 0..LIMBS - 1 {
            let carry = self.limbs[i] >> 32;
            self.limbs[i] -= carry << 32;
            self.limbs[i + 1] += carry;
        }
        self.pending = 0;
    }

    /// The sum, rounded to a double (digits added from the most significant
    /// down: a function of the exact value alone).
    pub fn value(&self) -> f64 {
        let mut n = self.clone();
        n.normalize();
        let mut acc = 0.0;
        for i in (0..LIMBS).rev() {
            if n.limbs[i] != 0 {
                acc += n.limbs[i] as f64 * pow2(32 * i as i32 - 1074);
            }
        }
        acc
    }

    /// The non-zero digits `(index, digit)` of the normalized form.
    fn digits(&self) -> Vec<(u8, i64)> {
        let mut n = self.clone();
        n.normalize();
        n.limbs
            .iter()
            .enumerate()
            .filter(|(_, d)| **d != 0)
            .map(|(i, &d)| (i as u8, d))
            .collect()
    }

    fn from_digits(digits: &[(u8, i64)]) -> Result<Self, String> {
        let mut s = ExactSum::default();
        for &(i, d) in digits {
            let i = usize::from(i);
            if i >= LIMBS {
                return Err(format!("digit index {i} is out of range (0..{LIMBS})"));
            }
            if i + 1 < LIMBS && !(0..1i64 << 32).contains(&d) {
                return Err(format!("digit {d} at {i} is not normalized"));
            }
            if i + 1 == LIMBS && d.unsigned_abs() > 1 << 32 {
                return Err(format!("top digit {d} is out of range"));
            }
            s.limbs[i] = d;
        }
        Ok(s)
    }
}

/// 2^e for e in [-1074, 1023], exactly.
fn pow2(e: i32) -> f64 {
    if e >= -1022 {
        f64::from_bits(((e + 1023) as u64) << 52)
    } else {
        f64::from_bits(1u64 << (e + 1074))
    }
}

impl PartialEq for ExactSum {
    fn eq(&self, other: &Self) -> bool {
        self.digits() == other.digits()
    }
}

impl Serialize for ExactSum {
    /// The normalized non-zero digits as `[[index, digit], ...]`: the value
    /// is the sum of `digit * 2^(32 * index - 1074)`.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.digits().serialize(s)
    }
}

impl<'de> Deserialize<'de> for ExactSum {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let digits = Vec::<(u8, i64)>::deserialize(d)?;
        ExactSum::from_digits(&digits).map_err(serde::de::Error::custom)
    }
}

/// Log-spaced histogram of the downtime per run: [`BINS_PER_DECADE`] bins
/// per factor of ten from [`FLOOR_S`] up to the mission, plus an exact
/// count of zeros. Unweighted counts always; weights per bin once a run
/// with a weight other than 1 is added.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Histogram {
    zeros: u64,
    bins: Vec<u64>,
    /// With weights: the weight of the zeros and of each bin.
    weights: Option<(ExactSum, std::collections::BTreeMap<u32, ExactSum>)>,
}

/// The serialised form: sparse.
#[derive(Serialize, Deserialize)]
struct HistogramData {
    bins_per_decade: f64,
    floor_s: f64,
    len: usize,
    zeros: u64,
    /// `[bin, count]` for every non-empty bin.
    counts: Vec<(u32, u64)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    weights: Option<WeightsData>,
}

#[derive(Serialize, Deserialize)]
struct WeightsData {
    zeros: ExactSum,
    bins: Vec<(u32, ExactSum)>,
}

impl Serialize for Histogram {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        HistogramData {
            bins_per_decade: BINS_PER_DECADE,
            floor_s: FLOOR_S,
            len: self.bins.len(),
            zeros: self.zeros,
            counts: self
                .bins
                .iter()
                .enumerate()
                .filter(|(_, c)| **c > 0)
                .map(|(i, &c)| (i as u32, c))
                .collect(),
            weights: self.weights.as_ref().map(|(z, b)| WeightsData {
                zeros: z.clone(),
                bins: b.iter().map(|(i, w)| (*i, w.clone())).collect(),
            }),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Histogram {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        let h = HistogramData::deserialize(d)?;
        if h.bins_per_decade != BINS_PER_DECADE || h.floor_s != FLOOR_S {
            return Err(D::Error::custom(format!(
                "a histogram of {} bins per decade from {} s: this version reads {BINS_PER_DECADE} from {FLOOR_S} s",
                h.bins_per_decade, h.floor_s
            )));
        }
        if h.len > 1 << 20 {
            return Err(D::Error::custom("a histogram of more than 2^20 bins"));
        }
        let mut bins = vec![0; h.len];
        for (i, c) in h.counts {
            *bins
                .get_mut(i as usize)
                .ok_or_else(|| D::Error::custom(format!("bin {i} past the histogram's end")))? = c;
        }
        let weights = match h.weights {
            None => None,
            Some(w) => {
                if let Some((i, _)) = w.bins.iter().find(|(i, _)| *i as usize >= h.len) {
                    return Err(D::Error::custom(format!(
                        "weighted bin {i} past the histogram's end"
                    )));
                }
                Some((w.zeros, w.bins.into_iter().collect()))
            }
        };
        Ok(Histogram {
            zeros: h.zeros,
            bins,
            weights,
        })
    }
}

impl Histogram {
    pub fn new(max: f64) -> Self {
        let n = ((max.max(FLOOR_S * 10.0) / FLOOR_S).log10() * BINS_PER_DECADE).ceil() as usize + 2;
        Histogram {
            zeros: 0,
            bins: vec![0; n],
            weights: None,
        }
    }

    fn bin(&self, x: f64) -> usize {
        let i = ((x.max(FLOOR_S) / FLOOR_S).log10() * BINS_PER_DECADE) as usize;
        i.min(self.bins.len() - 1)
    }

    /// Switches to weights: every run so far weighs 1.
    fn weigh(&mut self) {
        if self.weights.is_none() {
            let mut zeros = ExactSum::default();
            zeros.add(self.zeros as f64);
            let bins = self
                .bins
                .iter()
                .enumerate()
                .filter(|(_, c)| **c > 0)
                .map(|(i, &c)| {
                    let mut w = ExactSum::default();
                    w.add(c as f64);
                    (i as u32, w)
                })
                .collect();
            self.weights = Some((zeros, bins));
        }
    }

    fn add(&mut self, x: f64, w: f64) {
        if w != 1.0 {
            self.weigh();
        }
        let bin = (x > 0.0).then(|| self.bin(x));
        match bin {
            None => self.zeros += 1,
            Some(i) => self.bins[i] += 1,
        }
        if let Some((zeros, bins)) = &mut self.weights {
            match bin {
                None => zeros.add(w),
                Some(_) if w == 0.0 => {}
                Some(i) => bins.entry(i as u32).or_default().add(w),
            }
        }
    }

    fn merge(&mut self, o: &Histogram) {
        self.zeros += o.zeros;
        for (a, b) in self.bins.iter_mut().zip(&o.bins) {
            *a += b;
        }
        if o.weights.is_some() {
            self.weigh();
        }
        if let Some((zeros, bins)) = &mut self.weights {
            let mut other = o.clone();
            other.weigh();
            let (oz, ob) = other.weights.expect("weighed");
            zeros.merge(&oz);
            for (i, w) in ob {
                bins.entry(i).or_default().merge(&w);
            }
        }
    }

    /// The weight of the zeros, and of each non-empty bin.
    fn masses(&self) -> (f64, Vec<(usize, f64)>) {
        match &self.weights {
            None => (
                self.zeros as f64,
                self.bins
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| **c > 0)
                    .map(|(i, &c)| (i, c as f64))
                    .collect(),
            ),
            Some((z, b)) => (
                z.value(),
                b.iter().map(|(i, w)| (*i as usize, w.value())).collect(),
            ),
        }
    }

    /// The `q` quantile (nearest rank by weight), the geometric middle of
    /// its bin clamped to the observed range.
    fn quantile(&self, q: f64, min: f64, max: f64) -> f64 {
        let (zeros, bins) = self.masses();
        let total = zeros + bins.iter().map(|(_, w)| w).sum::<f64>();
        if total <= 0.0 {
            return 0.0;
        }
        let rank = q * total;
        if rank <= zeros {
            return 0.0;
        }
        let mut seen = zeros;
        for (i, w) in bins {
            seen += w;
            if seen >= rank * (1.0 - 1e-12) {
                let mid = FLOOR_S * 10f64.powf((i as f64 + 0.5) / BINS_PER_DECADE);
                return mid.clamp(min, max);
            }
        }
        max
    }
}

/// Mergeable statistics of simulated missions.
///
/// Each run comes with a weight (1 for plain Monte Carlo; a likelihood
/// ratio for importance sampling): means are `sum(w x) / runs`, the
/// variance of the mean unavailability is that of `w u` over runs, and the
/// histogram's percentiles are by weight. Counts (runs, outages seen) are
/// unweighted.
///
/// # Examples
///
/// ```
/// use fivenines::simulate::{RunResult, Stats};
/// let run = |d: f64| RunResult { downtime: d, outages: u32::from(d > 0.0), starts_down: false, longest: d };
/// let (mut all, mut a, mut b) = (Stats::new(100.0, None), Stats::new(100.0, None), Stats::new(100.0, None));
/// for i in 0..10 {
///     all.add(&run(i as f64), 1.0);
///     if i % 3 == 0 { a.add(&run(i as f64), 1.0) } else { b.add(&run(i as f64), 1.0) }
/// }
/// b.merge(&a)?;
/// assert_eq!(b, all);
/// assert_eq!(all.mean_downtime(), 4.5);
/// # Ok::<(), String>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    /// Length of one run, seconds.
    mission_s: f64,
    /// Downtime budget of one run (from the target), seconds.
    budget_s: Option<f64>,
    /// Runs added.
    runs: u64,
    /// Sum of the weights.
    w: ExactSum,
    /// Sum of the squared weights.
    w2: ExactSum,
    /// Sum of `w u` (unavailability of a run) and of `(w u)^2`.
    wu: ExactSum,
    wu2: ExactSum,
    /// Sum of `w` times the downtime, seconds.
    w_downtime: ExactSum,
    /// Sum of `w` times the outages started in a run.
    w_outages: ExactSum,
    /// Outages started in runs (a count).
    outages: u64,
    /// Runs that started down (an outage in progress at the start).
    starts_down: u64,
    /// Sum of `w` times the longest outage of a run, seconds.
    w_longest: ExactSum,
    max_downtime: f64,
    /// Smallest positive downtime, seconds (infinite when none).
    #[serde(with = "infinite_as_null")]
    min_positive: f64,
    max_longest: f64,
    /// Sum of the weights of the runs within the budget.
    w_meets: ExactSum,
    hist: Histogram,
}

/// JSON has no infinity: `null` stands for it.
mod infinite_as_null {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
        if x.is_finite() {
            s.serialize_f64(*x)
        } else {
            s.serialize_none()
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::INFINITY))
    }
}

impl Stats {
    /// Empty statistics for runs of `mission_s` seconds, with the downtime
    /// budget of a target (for the probability of meeting it).
    pub fn new(mission_s: f64, budget_s: Option<f64>) -> Self {
        Stats {
            mission_s,
            budget_s,
            runs: 0,
            w: ExactSum::default(),
            w2: ExactSum::default(),
            wu: ExactSum::default(),
            wu2: ExactSum::default(),
            w_downtime: ExactSum::default(),
            w_outages: ExactSum::default(),
            outages: 0,
            starts_down: 0,
            w_longest: ExactSum::default(),
            max_downtime: 0.0,
            min_positive: f64::INFINITY,
            max_longest: 0.0,
            w_meets: ExactSum::default(),
            hist: Histogram::new(mission_s),
        }
    }

    /// Adds one run with weight `w` (1 for plain Monte Carlo).
    pub fn add(&mut self, r: &RunResult, w: f64) {
        self.runs += 1;
        let u = r.downtime / self.mission_s;
        let wu = w * u;
        self.w.add(w);
        self.w2.add(w * w);
        self.wu.add(wu);
        self.wu2.add(wu * wu);
        self.w_downtime.add(w * r.downtime);
        self.w_outages.add(w * f64::from(r.outages));
        self.outages += u64::from(r.outages);
        self.starts_down += u64::from(r.starts_down);
        self.w_longest.add(w * r.longest);
        self.max_downtime = self.max_downtime.max(r.downtime);
        if r.downtime > 0.0 {
            self.min_positive = self.min_positive.min(r.downtime);
        }
        self.max_longest = self.max_longest.max(r.longest);
        if self.budget_s.is_some_and(|b| r.downtime <= b) {
            self.w_meets.add(w);
        }
        self.hist.add(r.downtime, w);
    }

    /// Adds statistics of other runs of the same mission and budget: the
    /// result does not depend on the order of merges.
    ///
    /// # Errors
    ///
    /// When the missions, budgets or histograms differ.
    pub fn merge(&mut self, o: &Stats) -> Result<(), String> {
        if self.mission_s != o.mission_s
            || self.budget_s != o.budget_s
            || self.hist.bins.len() != o.hist.bins.len()
        {
            return Err(format!(
                "statistics of missions of {} s (budget {:?}) and {} s (budget {:?}) cannot be merged",
                self.mission_s, self.budget_s, o.mission_s, o.budget_s
            ));
        }
        self.runs += o.runs;
        self.w.merge(&o.w);
        self.w2.merge(&o.w2);
        self.wu.merge(&o.wu);
        self.wu2.merge(&o.wu2);
        self.w_downtime.merge(&o.w_downtime);
        self.w_outages.merge(&o.w_outages);
        self.outages += o.outages;
        self.starts_down += o.starts_down;
        self.w_longest.merge(&o.w_longest);
        self.max_downtime = self.max_downtime.max(o.max_downtime);
        self.min_positive = self.min_positive.min(o.min_positive);
        self.max_longest = self.max_longest.max(o.max_longest);
        self.w_meets.merge(&o.w_meets);
        self.hist.merge(&o.hist);
        Ok(())
    }

    /// Runs added.
    pub fn runs(&self) -> u64 {
        self.runs
    }

    /// Length of one run, seconds.
    pub fn mission_s(&self) -> f64 {
        self.mission_s
    }

    /// Sum of the weights (the runs, unweighted).
    pub fn total_weight(&self) -> f64 {
        self.w.value()
    }

    /// Mean unavailability and the half-width of its 95% confidence interval
    /// (Student's t over runs; infinite under two runs).
    pub fn unavailability(&self) -> (f64, f64) {
        let n = self.runs as f64;
        let mean = if self.runs == 0 {
            0.0
        } else {
            self.wu.value() / n
        };
        if self.runs < 2 {
            return (mean, f64::INFINITY);
        }
        let s = self.wu.value();
        let var = ((self.wu2.value() - s * s / n) / (n - 1.0)).max(0.0);
        let t = student_t_975(self.runs - 1);
        (mean, t * (var / n).sqrt())
    }

    fn mean_of(&self, s: &ExactSum) -> f64 {
        s.value() / self.runs as f64
    }

    /// Mean downtime of a run, seconds.
    pub fn mean_downtime(&self) -> f64 {
        self.mean_of(&self.w_downtime)
    }

    /// The `q` quantile of the downtime of a run, seconds, read off the
    /// log histogram (within 0.12% where a bin holds it).
    pub fn quantile(&self, q: f64) -> f64 {
        let min = if self.min_positive.is_finite() {
            self.min_positive
        } else {
            0.0
        };
        self.hist.quantile(q, min, self.max_downtime)
    }

    /// The log histogram of the downtime per run: the mass (runs, or
    /// their weights) with no downtime, and each non-empty bin's index and
    /// mass; bin `i` holds downtimes from `FLOOR_S·10^(i/B)` to
    /// `FLOOR_S·10^((i+1)/B)` seconds (`B` = [`BINS_PER_DECADE`]; the
    /// first bin also holds anything below [`FLOOR_S`], the last anything
    /// above its range).
    pub fn downtime_bins(&self) -> (f64, Vec<(usize, f64)>) {
        self.hist.masses()
    }

    /// Largest downtime of a run, seconds.
    pub fn max_downtime(&self) -> f64 {
        self.max_downtime
    }

    /// Probability of no downtime in a run (by weight).
    pub fn p_zero(&self) -> f64 {
        let (zeros, _) = self.hist.masses();
        zeros / self.runs as f64
    }

    /// Mean number of outages that start in a run.
    pub fn mean_outages(&self) -> f64 {
        self.mean_of(&self.w_outages)
    }

    /// Outages seen in all runs: those that started in a mission, and
    /// those in progress when a mission started.
    pub fn outages_seen(&self) -> u64 {
        self.outages + self.starts_down
    }

    /// Mean outage duration: total downtime over total outages, seconds.
    pub fn mean_outage_duration(&self) -> Option<f64> {
        (self.outages > 0).then(|| self.w_downtime.value() / self.w_outages.value())
    }

    /// Mean longest outage of a run, seconds.
    pub fn mean_longest(&self) -> f64 {
        self.mean_of(&self.w_longest)
    }

    /// Longest outage seen, seconds.
    pub fn max_longest(&self) -> f64 {
        self.max_longest
    }

    /// Probability that a run's downtime is within the budget.
    pub fn p_meets(&self) -> Option<f64> {
        self.budget_s.map(|_| self.mean_of(&self.w_meets))
    }
}

/// The 97.5% quantile of Student's t with `dof` degrees of freedom.
fn student_t_975(dof: u64) -> f64 {
    use statrs::distribution::{ContinuousCDF, StudentsT};
    StudentsT::new(0.0, 1.0, dof as f64)
        .map(|t| t.inverse_cdf(0.975))
        .unwrap_or(1.959_963_984_540_054)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(d: f64) -> RunResult {
        RunResult {
            downtime: d,
            outages: u32::from(d > 0.0),
            starts_down: false,
            longest: d,
        }
    }

    #[test]
    fn quantiles_within_histogram_resolution() {
        let mut s = Stats::new(1000.0, Some(50.0));
        for i in 0..1000 {
            s.add(&run(i as f64 / 10.0), 1.0); // 0.0, 0.1, ..., 99.9
        }
        assert_eq!(s.runs(), 1000);
        assert!((s.p_zero() - 0.001).abs() < 1e-12);
        for (q, exact) in [(0.5, 49.9), (0.9, 89.9), (0.99, 98.9)] {
            let got = s.quantile(q);
            assert!(
                (got - exact).abs() <= 0.0012 * exact,
                "q{q}: {got} vs {exact}"
            );
        }
        assert_eq!(s.max_downtime(), 99.9);
        assert!((s.p_meets().unwrap() - 0.501).abs() < 1e-12);
        let (u, hw) = s.unavailability();
        assert!((u - 0.04995).abs() < 1e-12);
        // sd of a uniform grid / sqrt(n) * t
        let sd = (0..1000)
            .map(|i| (i as f64 / 10000.0 - 0.04995).powi(2))
            .sum::<f64>()
            / 999.0;
        assert!((hw - 1.96234 * (sd / 1000.0).sqrt()).abs() < 1e-4 * hw);
    }

    #[test]
    fn exact_sums_do_not_depend_on_order() {
        let xs: Vec<f64> = (0..2000)
            .map(|i| {
                let x = f64::from(i).sin() * 10f64.powi(i % 40 - 20);
                if i % 7 == 0 { -x } else { x }
            })
            .collect();
        let mut fwd = ExactSum::default();
        xs.iter().for_each(|&x| fwd.add(x));
        let mut back = ExactSum::default();
        xs.iter().rev().for_each(|&x| back.add(x));
        let (mut a, mut b) = (ExactSum::default(), ExactSum::default());
        for (i, &x) in xs.iter().enumerate() {
            if i % 3 == 0 { a.add(x) } else { b.add(x) }
        }
        b.merge(&a);
        assert_eq!(fwd, back);
        assert_eq!(fwd, b);
        assert_eq!(fwd.value().to_bits(), b.value().to_bits());
        // Against a compensated (Neumaier) sum: agree to rounding.
        let (mut s, mut c) = (0.0f64, 0.0f64);
        for &x in &xs {
            let t = s + x;
            c += if s.abs() >= x.abs() {
                (s - t) + x
            } else {
                (x - t) + s
            };
            s = t;
        }
        assert!((fwd.value() - (s + c)).abs() <= 1e-15 * (s + c).abs());
        // Extremes: the smallest subnormal and the largest double.
        let mut e = ExactSum::default();
        e.add(f64::from_bits(1));
        e.add(f64::MAX);
        e.add(-f64::MAX);
        assert_eq!(e.value(), f64::from_bits(1));
        let json = serde_json::to_string(&fwd).unwrap();
        let back: ExactSum = serde_json::from_str(&json).unwrap();
        assert_eq!(back, fwd);
    }

    #[test]
    fn any_split_gives_the_same_statistics_and_json() {
        let runs: Vec<RunResult> = (0..3000)
            .map(|i| {
                let d = if i % 5 == 0 {
                    0.0
                } else {
                    (f64::from(i) * 0.37).sin().abs() * 50.0
                };
                RunResult {
                    downtime: d,
                    outages: (i % 4) as u32,
                    starts_down: i % 11 == 0,
                    longest: d / 2.0,
                }
            })
            .collect();
        let whole = |w: &dyn Fn(usize) -> f64| {
            let mut s = Stats::new(1000.0, Some(20.0));
            for (i, r) in runs.iter().enumerate() {
                s.add(r, w(i));
            }
            s
        };
        for weight in [&(|_| 1.0) as &dyn Fn(usize) -> f64, &|i| {
            0.5 + (i % 3) as f64
        }] {
            let all = whole(weight);
            for parts in [2usize, 3, 7] {
                let mut acc: Vec<Stats> =
                    (0..parts).map(|_| Stats::new(1000.0, Some(20.0))).collect();
                for (i, r) in runs.iter().enumerate() {
                    acc[i % parts].add(r, weight(i));
                }
                let mut merged = acc.pop().unwrap();
                for a in acc.iter().rev() {
                    let json = serde_json::to_string(a).unwrap();
                    let back: Stats = serde_json::from_str(&json).unwrap();
                    merged.merge(&back).unwrap();
                }
                assert!(merged == all, "{parts} parts");
                assert_eq!(
                    serde_json::to_string(&merged).unwrap(),
                    serde_json::to_string(&all).unwrap()
                );
                assert_eq!(
                    merged.unavailability().1.to_bits(),
                    all.unavailability().1.to_bits()
                );
            }
        }
        // Weighted means: sum(w x) / n, against a direct computation.
        let w = |i: usize| 0.5 + (i % 3) as f64;
        let s = whole(&w);
        let direct: f64 = runs
            .iter()
            .enumerate()
            .map(|(i, r)| w(i) * r.downtime)
            .sum::<f64>()
            / runs.len() as f64;
        assert!((s.mean_downtime() - direct).abs() < 1e-12 * direct);
        let p: f64 = runs
            .iter()
            .enumerate()
            .filter(|(_, r)| r.downtime <= 20.0)
            .map(|(i, _)| w(i))
            .sum::<f64>()
            / runs.len() as f64;
        assert!((s.p_meets().unwrap() - p).abs() < 1e-12);
    }
}
