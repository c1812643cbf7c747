//! `fivenines optimize`: the cheapest design that meets a target.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use fivenines::model::quantity::{format_percent, human_duration};
use fivenines::study::Study;
use fivenines::study::optimize::{Choice, Design, Goal, optimize};
use fivenines::{Availability, YEAR_S, text::escape};

use super::{CatalogProfile, Failure, Format, load, parse_availability, print_warnings};

const EXAMPLES: &str = "\
Examples:
  fivenines optimize models/load-balancing.toml --target 99.99%
  fivenines optimize models/load-balancing.toml --target 99.99% --budget 500
  fivenines optimize models/load-balancing.toml --budget 300 --format json

Searches the model's `count` ranges (count = \"1..4\") and `choose` blocks:
with --target, the cheapest design that meets it (within --budget if
given); with --budget alone, the most available design within it.
Exit status: 0 a design meets the goal, 1 none does, 2 bad input or usage.";

/// The cheapest design that meets a target, or the most available within a budget.
#[derive(clap::Args, Debug)]
#[command(after_help = EXAMPLES)]
pub(crate) struct Args {
    /// The model file (TOML); - reads it from standard input.
    file: PathBuf,
    /// Availability to meet: 99.99%, 0.9999 or "4 nines".
    #[arg(long, value_parser = parse_availability, allow_hyphen_values = true)]
    target: Option<Availability>,
    /// Most a design may cost a month, in the model's currency.
    #[arg(long)]
    budget: Option<f64>,
    /// Catalog figures `like` takes: sla (published floors) or typical (our estimates); overrides the model's `catalog` key.
    #[arg(long, value_enum)]
    catalog: Option<CatalogProfile>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

impl Args {
    /// Whether the output is JSON (errors are then JSON on stdout too).
    pub(crate) fn json(&self) -> bool {
        self.format == Format::Json
    }
}

fn describe(d: &Design) -> String {
    d.choices
        .iter()
        .map(|(k, v)| match v {
            Choice::Count(n) => format!("{}={n}", escape(k)),
            Choice::Member(m) => format!("{}={}", escape(k), escape(m)),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn line(d: &Design, currency: &str) -> String {
    format!(
        "{:<14} {:>12} a year  {:>10.2} {currency}/month  {}{}",
        format_percent(d.availability, 1.0 - d.availability),
        human_duration((1.0 - d.availability) * YEAR_S),
        d.cost_per_month,
        describe(d),
        if d.approximate { "  (approximate)" } else { "" }
    )
}

pub(crate) fn run(args: Args) -> Result<ExitCode, Failure> {
    let sys = load(&args.file, args.catalog)?;
    print_warnings(&args.file, sys.warnings());
    if let Some(b) = args.budget
        && !(b.is_finite() && b >= 0.0)
    {
        return Err(Failure::Usage(format!(
            "--budget {b}: expected a cost of 0 or more"
        )));
    }
    let currency = sys.currency().to_string();
    let goal = Goal {
        target: args.target,
        budget: args.budget,
    };
    let o = optimize(&Study::new(sys), goal)?;
    let mut out = super::stdout();
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &o).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        Format::Table => {
            writeln!(out, "{}", escape(&o.name))?;
            writeln!(
                out,
                "{} of {} designs evaluated ({})\n",
                o.evaluated,
                o.space,
                if o.exhaustive {
                    "every design"
                } else {
                    "branch and bound: availability and cost grow with each count"
                }
            )?;
            match &o.best {
                Some(b) => writeln!(out, "Best:        {}", line(b, &currency))?,
                None => writeln!(out, "Best:        no design meets the goal")?,
            }
            for r in &o.runners_up {
                writeln!(out, "Runner-up:   {}", line(r, &currency))?;
            }
            writeln!(
                out,
                "\nCost against availability (Pareto front of the designs evaluated, cheapest first)"
            )?;
            for p in &o.pareto {
                writeln!(out, "  {}", line(p, &currency))?;
            }
            writeln!(
                out,
                "  (downtime in a 365-day year; availability exact unless marked approximate)"
            )?;
        }
    }
    out.flush()?;
    Ok(if o.best.is_some() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
