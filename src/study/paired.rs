//! Paired comparison of options by simulation: every option runs the same
//! missions (the same seed; streams keyed by each part's name, so a part
//! the options share fails at the same moments in both), and each option's
//! difference to the first is estimated run by run. Its confidence
//! interval is reported beside the one independent runs would give.

use serde::Serialize;

use crate::error::Error;
use crate::model::system::System;
use crate::simulate::{SimulationConfig, run_downtimes};
use crate::value::quantity::Availability;

/// One option's simulated year and its difference to the first option.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PairedOption {
    /// Mean downtime per mission, seconds.
    pub mean_downtime_s: f64,
    /// Its 95% confidence interval (normal, over runs).
    pub ci95: [f64; 2],
    /// 90th and 99th percentile of the downtime per mission, seconds
    /// (exact, from the runs themselves).
    pub p90_s: f64,
    /// 99th percentile, seconds.
    pub p99_s: f64,
    /// Share of missions whose downtime stays within the target's budget.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p_meets_target: Option<f64>,
    /// This option's downtime less the first option's, per mission: mean
    /// and 95% CI from the paired runs (absent for the first option).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub difference_s: Option<Difference>,
}

/// A difference of mean downtime per mission, seconds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Difference {
    /// Mean of the paired differences.
    pub mean: f64,
    /// Its 95% confidence interval from the paired runs.
    pub ci95: [f64; 2],
    /// The 95% confidence interval the same number of independent runs
    /// would give (the two options' variances added).
    pub independent_ci95: [f64; 2],
    /// How many times narrower the paired interval is.
    pub narrower: f64,
}

/// The options' paired simulation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Paired {
    /// Runs per option.
    pub runs: u64,
    /// The seed all options share.
    pub seed: u64,
    /// Mission, seconds.
    pub mission_s: f64,
    /// One entry per option, in the order given.
    pub options: Vec<PairedOption>,
}

fn mean_var(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    let v = if x.len() > 1 {
        x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (n - 1.0)
    } else {
        0.0
    };
    (m, v)
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
    let i = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

/// Simulates every option on the same missions and compares each to the
/// first, run by run.
///
/// ```
/// use fivenines::System;
/// use fivenines::simulate::SimulationConfig;
/// use fivenines::study::paired::paired;
/// let one = System::from_str("a.toml", "system = \"s\"\n[component.lb]\nmtbf = \"2000h\"\nmttr = \"2h\"\n[component.db]\nmtbf = \"500h\"\nmttr = \"4h\"\n[block.s]\nseries = [\"lb\", \"db\"]\n")?;
/// let two = System::from_str("b.toml", "system = \"s\"\n[component.lb]\nmtbf = \"2000h\"\nmttr = \"2h\"\n[component.db]\nmtbf = \"500h\"\nmttr = \"4h\"\ncount = 2\n[block.s]\nseries = [\"lb\", \"db\"]\n")?;
/// let cfg = SimulationConfig { runs: 4_000, ..Default::default() };
/// let p = paired(&[&one, &two], &cfg, None)?;
/// let d = p.options[1].difference_s.as_ref().unwrap();
/// assert!(d.ci95[1] < 0.0, "a second database replica helps, surely");
/// assert!(d.narrower > 1.0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// As [`crate::simulate::simulate`]; [`Error::BadSetting`] without an
/// option.
pub fn paired(
    options: &[&System],
    cfg: &SimulationConfig,
    target: Option<Availability>,
) -> Result<Paired, Error> {
    if options.is_empty() {
        return Err(Error::BadSetting {
            setting: "compare",
            message: "no option to simulate".to_string(),
        });
    }
    let cfg = SimulationConfig {
        precision: None,
        ..cfg.clone()
    };
    let runs: Vec<Vec<f64>> = options
        .iter()
        .map(|s| run_downtimes(s, &cfg))
        .collect::<Result<_, _>>()?;
    let n = cfg.runs as f64;
    let z = 1.959_963_984_540_054;
    let budget = target.map(|t| t.unavailability() * cfg.mission_s);
    let (m0, v0) = mean_var(&runs[0]);
    let mut out = Vec::with_capacity(options.len());
    for (k, d) in runs.iter().enumerate() {
        let (m, v) = mean_var(d);
        let h = z * (v / n).sqrt();
        let mut sorted = d.clone();
        sorted.sort_by(f64::total_cmp);
        let difference_s = (k > 0).then(|| {
            let diff: Vec<f64> = d.iter().zip(&runs[0]).map(|(a, b)| a - b).collect();
            let (dm, dv) = mean_var(&diff);
            let hp = z * (dv / n).sqrt();
            let hi = z * ((v + v0) / n).sqrt();
            Difference {
                mean: dm,
                ci95: [dm - hp, dm + hp],
                independent_ci95: [m - m0 - hi, m - m0 + hi],
                narrower: if hp > 0.0 { hi / hp } else { f64::INFINITY },
            }
        });
        out.push(PairedOption {
            mean_downtime_s: m,
            ci95: [(m - h).max(0.0), m + h],
            p90_s: percentile(&sorted, 0.9),
            p99_s: percentile(&sorted, 0.99),
            p_meets_target: budget.map(|b| d.iter().filter(|&&x| x <= b).count() as f64 / n),
            difference_s,
        });
    }
    Ok(Paired {
        runs: cfg.runs,
        seed: cfg.seed,
        mission_s: cfg.mission_s,
        options: out,
    })
}
