//! Streaming statistics over trajectories: memory does not grow with the
//! number of runs. Runs are added in run order, so the figures do not depend
//! on how many threads produced them.

use crate::simulate::trajectory::RunResult;

/// Histogram bins per factor of ten: bin edges grow by 10^(1/1000), about
/// 0.23%, so a percentile read off a bin is within 0.12% of the exact one.
const BINS_PER_DECADE: f64 = 1000.0;
/// Smallest positive downtime resolved, seconds.
const FLOOR_S: f64 = 1e-6;

/// Log-spaced histogram of positive values, plus an exact count of zeros.
#[derive(Clone, Debug)]
pub(crate) struct Histogram {
    zeros: u64,
    bins: Vec<u64>,
}

impl Histogram {
    pub fn new(max: f64) -> Self {
        let n = ((max.max(FLOOR_S * 10.0) / FLOOR_S).log10() * BINS_PER_DECADE).ceil() as usize + 2;
        Histogram {
            zeros: 0,
            bins: vec![0; n],
        }
    }

    fn add(&mut self, x: f64) {
        if x <= 0.0 {
            self.zeros += 1;
            return;
        }
        let i = ((x.max(FLOOR_S) / FLOOR_S).log10() * BINS_PER_DECADE) as usize;
        let last = self.bins.len() - 1;
        self.bins[i.min(last)] += 1;
    }

    /// The `q` quantile (nearest rank), clamped to the observed range.
    fn quantile(&self, q: f64, n: u64, min: f64, max: f64) -> f64 {
        let rank = ((q * n as f64).ceil() as u64).clamp(1, n);
        if rank <= self.zeros {
            return 0.0;
        }
        let mut seen = self.zeros;
        for (i, &c) in self.bins.iter().enumerate() {
            seen += c;
            if seen >= rank {
                let mid = FLOOR_S * 10f64.powf((i as f64 + 0.5) / BINS_PER_DECADE);
                return mid.clamp(min, max);
            }
        }
        max
    }
}

/// Everything accumulated over runs.
#[derive(Clone, Debug)]
pub(crate) struct Stats {
    mission: f64,
    budget: Option<f64>,
    pub n: u64,
    /// Welford mean and sum of squared deviations of the unavailability.
    mean_u: f64,
    m2_u: f64,
    sum_downtime: f64,
    sum_outages: u64,
    /// Runs that started down (an outage in progress at the start).
    starts_down: u64,
    sum_longest: f64,
    max_downtime: f64,
    min_positive: f64,
    max_longest: f64,
    meets: u64,
    hist: Histogram,
}

impl Stats {
    pub fn new(mission: f64, budget: Option<f64>) -> Self {
        Stats {
            mission,
            budget,
            n: 0,
            mean_u: 0.0,
            m2_u: 0.0,
            sum_downtime: 0.0,
            sum_outages: 0,
            starts_down: 0,
            sum_longest: 0.0,
            max_downtime: 0.0,
            min_positive: f64::INFINITY,
            max_longest: 0.0,
            meets: 0,
            hist: Histogram::new(mission),
        }
    }

    pub fn add(&mut self, r: &RunResult) {
        self.n += 1;
        let u = r.downtime / self.mission;
        let d = u - self.mean_u;
        self.mean_u += d / self.n as f64;
        self.m2_u += d * (u - self.mean_u);
        self.sum_downtime += r.downtime;
        self.sum_outages += u64::from(r.outages);
        self.starts_down += u64::from(r.starts_down);
        self.sum_longest += r.longest;
        self.max_downtime = self.max_downtime.max(r.downtime);
        if r.downtime > 0.0 {
            self.min_positive = self.min_positive.min(r.downtime);
        }
        self.max_longest = self.max_longest.max(r.longest);
        if self.budget.is_some_and(|b| r.downtime <= b) {
            self.meets += 1;
        }
        self.hist.add(r.downtime);
    }

    /// Mean unavailability and the half-width of its 95% confidence interval
    /// (Student's t).
    pub fn unavailability(&self) -> (f64, f64) {
        if self.n < 2 {
            return (self.mean_u, f64::INFINITY);
        }
        let var = self.m2_u / (self.n - 1) as f64;
        let t = student_t_975(self.n - 1);
        (self.mean_u, t * (var / self.n as f64).sqrt())
    }

    pub fn mean_downtime(&self) -> f64 {
        self.sum_downtime / self.n as f64
    }

    pub fn quantile(&self, q: f64) -> f64 {
        let min = if self.min_positive.is_finite() {
            self.min_positive
        } else {
            0.0
        };
        self.hist.quantile(q, self.n, min, self.max_downtime)
    }

    pub fn max_downtime(&self) -> f64 {
        self.max_downtime
    }

    pub fn p_zero(&self) -> f64 {
        self.hist.zeros as f64 / self.n as f64
    }

    pub fn mean_outages(&self) -> f64 {
        self.sum_outages as f64 / self.n as f64
    }

    /// Outages seen in all runs: those that started in a mission, and
    /// those in progress when a mission started.
    pub fn outages_seen(&self) -> u64 {
        self.sum_outages + self.starts_down
    }

    pub fn mean_outage_duration(&self) -> Option<f64> {
        (self.sum_outages > 0).then(|| self.sum_downtime / self.sum_outages as f64)
    }

    pub fn mean_longest(&self) -> f64 {
        self.sum_longest / self.n as f64
    }

    pub fn max_longest(&self) -> f64 {
        self.max_longest
    }

    pub fn p_meets(&self) -> Option<f64> {
        self.budget.map(|_| self.meets as f64 / self.n as f64)
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
            s.add(&run(i as f64 / 10.0)); // 0.0, 0.1, ..., 99.9
        }
        assert_eq!(s.n, 1000);
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
}
