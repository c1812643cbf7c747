//! The report of an evaluation: one plain, serialisable type that the table
//! and JSON writers (and later charts and comparisons) all read.

mod table;

use std::io::{self, Write};

use serde::Serialize;

use crate::analytic::{Analytic, Contributor};
use crate::model::quantity::{Availability, YEAR_S};
use crate::model::system::{CatalogUse, System};

pub use table::{
    Row, render_comparison, render_comparison_markdown, render_nines_table, render_simulation,
    render_table,
};

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
        crate::model::quantity::trim_percent(&crate::model::quantity::format_percent(
            self.availability,
            q,
        ))
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

/// The result of `estimate`: the exact steady state of one system.
///
/// Its JSON form is the contract of `fivenines estimate --format json`:
/// keys are added, never renamed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// The model's name.
    pub name: String,
    /// The block or component evaluated.
    pub system: String,
    /// Which method produced the figures: `decision_diagram` (static
    /// structure, exact), `markov_chain` (standby blocks solved exactly as
    /// a Markov chain under the diagram) or `first_order` (standby blocks
    /// by the first-order penalty).
    pub engine: crate::analytic::Engine,
    /// States of the standby blocks' Markov chain (`markov_chain` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub markov_states: Option<usize>,
    /// Share of the unavailability that rests on the named approximations
    /// (0 when every figure is exact).
    pub approximate_share: f64,
    /// Steady-state availability.
    pub availability: f64,
    /// `1 - availability`, computed directly.
    pub unavailability: f64,
    /// `-log10(unavailability)` (null in JSON when the system never fails).
    pub nines: f64,
    /// Expected downtime in a 365-day year, seconds.
    pub downtime_per_year_s: f64,
    /// System outages a year (null without a time scale).
    pub outages_per_year: Option<f64>,
    /// Mean outage duration, seconds (null without a time scale).
    pub mean_outage_s: Option<f64>,
    /// Every approximation made; empty when the figures are exact.
    pub approximations: Vec<String>,
    /// The target, when one was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<Target>,
    /// Components, domains and failovers, largest downtime first.
    pub contributors: Vec<Contributor>,
    /// Unavailability from the structure alone, standby blocks as
    /// parallel (exact).
    pub structural_unavailability: f64,
    /// Unavailability added by standby dynamics (exact with
    /// `markov_chain`, first order with `first_order`).
    pub failover_unavailability: f64,
    /// Items that matter but give availability alone.
    pub untimed: Vec<String>,
    /// How the model was read where it could be read several ways.
    pub notes: Vec<String>,
    /// Parts of the model the system does not use.
    pub warnings: Vec<String>,
    /// Monthly cost of the parts the system uses, if any part has a cost.
    pub cost_per_month: Option<f64>,
    /// Currency of `cost_per_month`.
    pub currency: String,
    /// Decision diagram size, nodes.
    pub bdd_nodes: usize,
    /// Parts whose figures come from the catalog, with the kind of figure.
    pub catalog: Vec<CatalogUse>,
}

impl Report {
    /// Builds the report of an analytic evaluation.
    ///
    /// # Examples
    ///
    /// ```
    /// use fivenines::{Availability, Report, System, analytic};
    /// let sys = System::from_str("m.toml", "system = \"x\"\n[component.x]\navailability = \"99.9%\"\n")?;
    /// let a = analytic::evaluate(&sys)?;
    /// let r = Report::analytic(&sys, &a, Some(Availability::parse("99.99%")?));
    /// assert_eq!(r.target.map(|t| t.met), Some(false));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn analytic(sys: &System, a: &Analytic, target: Option<Availability>) -> Self {
        Report {
            name: sys.name().to_string(),
            system: sys.system().to_string(),
            engine: a.engine,
            markov_states: a.markov_states,
            approximate_share: a.approximate_share,
            availability: a.availability,
            unavailability: a.unavailability,
            nines: a.nines,
            downtime_per_year_s: a.downtime_per_year_s,
            outages_per_year: a.outages_per_year,
            mean_outage_s: a.mean_outage_s,
            approximations: a.approximations.clone(),
            target: target.map(|t| Target::new(t, a.unavailability)),
            contributors: a.contributors.clone(),
            structural_unavailability: a.structural_unavailability,
            failover_unavailability: a.failover_unavailability,
            untimed: a.untimed.clone(),
            notes: sys.notes().to_vec(),
            warnings: sys.warnings().to_vec(),
            cost_per_month: sys.cost_per_month(),
            currency: sys.currency().to_string(),
            bdd_nodes: a.bdd_nodes,
            catalog: sys.catalog_uses().to_vec(),
        }
    }

    /// Whether the target (if any) is met; `true` without a target.
    pub fn target_met(&self) -> bool {
        self.target.as_ref().is_none_or(|t| t.met)
    }

    /// Writes the report as pretty JSON, with a final newline.
    ///
    /// # Errors
    ///
    /// Errors of the writer.
    pub fn write_json(&self, out: &mut impl Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, self)?;
        writeln!(out)
    }
}
