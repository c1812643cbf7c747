//! A target availability and the verdict on it: values that the engines
//! produce (a simulation's verdict) and the report prints.

use serde::Serialize;

use crate::value::quantity::{Availability, YEAR_S, format_percent, trim_percent};

/// What a run says about a target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Met: the exact availability, or the whole 95% confidence interval of
    /// a simulation, is at or above the target.
    Met,
    /// Missed: the exact availability, or the whole interval, is below it.
    Missed,
    /// Simulation only: the 95% confidence interval straddles the target;
    /// more runs (`--precision`) can decide.
    Inconclusive,
}

/// A target availability and whether it is met.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Target {
    /// The target availability.
    pub availability: f64,
    /// Whether the target is met: the exact availability is at least the
    /// target, or (simulation) the whole 95% confidence interval is.
    pub met: bool,
    /// `met`, `missed`, or (simulation) `inconclusive` when the 95%
    /// confidence interval straddles the target.
    pub verdict: Verdict,
    /// Downtime a year the target allows, seconds.
    pub budget_per_year_s: f64,
    /// Budget minus expected downtime, seconds a year (negative when missed).
    pub margin_per_year_s: f64,
}

impl Target {
    /// The target as a percentage, as a user writes it: `99.99%`.
    pub fn label(&self) -> String {
        let q = self.budget_per_year_s / YEAR_S;
        trim_percent(&format_percent(self.availability, q))
    }

    /// Compares an unavailability with a target.
    ///
    /// # Examples
    ///
    /// ```
    /// use fivenines::{Availability, report::Target};
    /// let t = Target::new(Availability::parse("99.99%")?, 5e-5);
    /// assert!(t.met);
    /// assert!((t.margin_per_year_s - 0.5e-4 * fivenines::YEAR_S).abs() < 1e-6);
    /// # Ok::<(), fivenines::QuantityError>(())
    /// ```
    pub fn new(target: Availability, unavailability: f64) -> Self {
        let budget = target.unavailability() * YEAR_S;
        let met = unavailability <= target.unavailability();
        Target {
            availability: target.value(),
            met,
            verdict: if met { Verdict::Met } else { Verdict::Missed },
            budget_per_year_s: budget,
            margin_per_year_s: budget - unavailability * YEAR_S,
        }
    }

    /// Compares an estimated unavailability and its 95% confidence interval
    /// `[lo, hi]` with a target: met when the whole interval is within the
    /// target, missed when the whole interval is beyond it, inconclusive
    /// otherwise. The margin is that of the estimate.
    ///
    /// # Examples
    ///
    /// ```
    /// use fivenines::{Availability, report::{Target, Verdict}};
    /// let t = Availability::parse("99.99%")?;
    /// assert_eq!(Target::with_ci(t, 0.9e-4, [0.8e-4, 0.95e-4]).verdict, Verdict::Met);
    /// assert_eq!(Target::with_ci(t, 0.99e-4, [0.9865e-4, 1.013e-4]).verdict, Verdict::Inconclusive);
    /// assert!(!Target::with_ci(t, 0.99e-4, [0.9865e-4, 1.013e-4]).met);
    /// assert_eq!(Target::with_ci(t, 1.2e-4, [1.1e-4, 1.3e-4]).verdict, Verdict::Missed);
    /// # Ok::<(), fivenines::QuantityError>(())
    /// ```
    pub fn with_ci(target: Availability, unavailability: f64, ci95: [f64; 2]) -> Self {
        let q = target.unavailability();
        let verdict = if ci95[1] <= q {
            Verdict::Met
        } else if ci95[0] > q {
            Verdict::Missed
        } else {
            Verdict::Inconclusive
        };
        Target {
            met: verdict == Verdict::Met,
            verdict,
            ..Target::new(target, unavailability)
        }
    }
}
