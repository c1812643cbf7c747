//! The report of an evaluation: one plain, serialisable type that the table
//! and JSON writers (and later charts and comparisons) all read.

mod study;
mod table;

use std::io::{self, Write};

use serde::Serialize;

use crate::analytic::{Analytic, Contributor};
use crate::model::quantity::Availability;
use crate::model::system::{CatalogUse, System};
use crate::value::finding::Findings;

pub use crate::value::target::{Target, Verdict};
pub use study::{render_blast, render_paired, render_sweep, render_sweep_csv};
pub use table::{
    Row, render_comparison, render_comparison_markdown, render_nines_table, render_simulation,
    render_table,
};

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
    /// Every approximation made (empty when the figures are exact), the
    /// notes on how the model was read and the warnings about parts it
    /// does not use; in JSON the keys `approximations`, `notes`,
    /// `warnings` (texts) and `findings` (objects with a stable `code`).
    #[serde(flatten)]
    pub findings: Findings,
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
    /// Monthly cost of the parts the system uses, if any part has a cost.
    pub cost_per_month: Option<f64>,
    /// Currency of `cost_per_month`.
    pub currency: String,
    /// Decision diagram size, nodes.
    pub bdd_nodes: usize,
    /// Parts whose figures come from the catalog, with the kind of figure.
    pub catalog: Vec<CatalogUse>,
    /// The catalog profile those figures are from: `sla` (published
    /// floors) or `typical` (our estimates).
    pub catalog_profile: crate::catalog::Profile,
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
            findings: Findings {
                approximations: a.approximations.clone(),
                notes: sys.notes().to_vec(),
                warnings: sys.warnings().to_vec(),
            },
            target: target.map(|t| Target::new(t, a.unavailability)),
            contributors: a.contributors.clone(),
            structural_unavailability: a.structural_unavailability,
            failover_unavailability: a.failover_unavailability,
            untimed: a.untimed.clone(),
            cost_per_month: sys.cost_per_month(),
            currency: sys.currency().to_string(),
            bdd_nodes: a.bdd_nodes,
            catalog: sys.catalog_uses().to_vec(),
            catalog_profile: sys.catalog_profile(),
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

/// The position of the cheapest report that meets its target (among those
/// with a cost), as `compare` marks it.
///
/// ```
/// use fivenines::{Availability, Report, System, analytic, report};
/// let r = |n: u32| {
///     let text = format!("system = \"w\"\n[component.w]\navailability = \"99%\"\ncount = {n}\ncost_per_month = 70\n");
///     let sys = System::from_str("m.toml", &text).unwrap();
///     Report::analytic(&sys, &analytic::evaluate(&sys).unwrap(), Some(Availability::parse("99.9%").unwrap()))
/// };
/// let options = [r(1), r(2), r(3)];
/// assert_eq!(report::cheapest_meeting_target(options.iter()), Some(1));
/// ```
pub fn cheapest_meeting_target<'a>(reports: impl Iterator<Item = &'a Report>) -> Option<usize> {
    reports
        .enumerate()
        .filter(|(_, r)| r.target.as_ref().is_some_and(|t| t.met))
        .filter_map(|(i, r)| r.cost_per_month.map(|c| (i, c)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| i)
}

/// The exact figure beside a simulation's; it lives in the study layer
/// (above both engines): see [`crate::study::cross_check`].
pub use crate::study::cross_check;
