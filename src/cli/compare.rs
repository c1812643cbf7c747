//! `fivenines compare`: several models side by side (redundancy options).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use fivenines::{Availability, Report, analytic, report};

use super::{CatalogProfile, Failure, load, parse_availability, print_warnings};

const EXAMPLES: &str = "\
Examples:
  fivenines compare models/dx-*.toml
  fivenines compare models/multi-az-three-tier.toml models/route53-multi-region.toml --target 99.99%
  fivenines compare models/*.toml --format markdown > table.md
  (cd models && fivenines compare *.toml --format markdown) > models/table.md

Each model is evaluated exactly (as `estimate`). Exit status: 0 when every
model meets the target (or none is given), 1 when one misses it, 2 for a
bad model or usage.";

/// Output format of a comparison.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CompareFormat {
    /// A table for people.
    Table,
    /// JSON for programs: a list of `estimate` reports, each with its `file`.
    Json,
    /// A Markdown table; links are the paths as given (relative to where the command runs).
    Markdown,
}

/// Several models side by side: availability, nines, downtime, outages.
#[derive(clap::Args, Debug)]
#[command(after_help = EXAMPLES)]
pub(crate) struct Args {
    /// The model files (TOML); - reads one from standard input.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Availability to meet: 99.99%, 0.9999 or "4 nines".
    #[arg(long, value_parser = parse_availability, allow_hyphen_values = true)]
    target: Option<Availability>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: CompareFormat,
    /// Catalog figures `like` takes: sla (published floors) or typical (our estimates); overrides the model's `catalog` key.
    #[arg(long, value_enum)]
    catalog: Option<CatalogProfile>,
}

#[derive(serde::Serialize)]
struct Entry<'a> {
    file: String,
    /// With a target: whether this is the cheapest option that meets it.
    #[serde(skip_serializing_if = "Option::is_none")]
    cheapest_meeting_target: Option<bool>,
    #[serde(flatten)]
    report: &'a Report,
}

impl Args {
    /// Whether the output is JSON (errors are then JSON on stdout too).
    pub(crate) fn json(&self) -> bool {
        self.format == CompareFormat::Json
    }
}

pub(crate) fn run(args: Args) -> Result<ExitCode, Failure> {
    let mut reports = Vec::with_capacity(args.files.len());
    for file in &args.files {
        let sys = load(file, args.catalog)?;
        print_warnings(file, sys.warnings());
        let a = analytic::evaluate(&sys)?;
        reports.push((
            file.display().to_string(),
            Report::analytic(&sys, &a, args.target),
        ));
    }
    let rows: Vec<report::Row<'_>> = reports
        .iter()
        .map(|(f, r)| report::Row { file: f, report: r })
        .collect();
    let mut out = super::stdout();
    match args.format {
        CompareFormat::Table => report::render_comparison(&rows, &mut out)?,
        CompareFormat::Markdown => report::render_comparison_markdown(&rows, &mut out)?,
        CompareFormat::Json => {
            let cheapest = reports
                .iter()
                .enumerate()
                .filter(|(_, (_, r))| r.target.as_ref().is_some_and(|t| t.met))
                .filter_map(|(i, (_, r))| r.cost_per_month.map(|c| (i, c)))
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .map(|(i, _)| i);
            let list: Vec<Entry<'_>> = reports
                .iter()
                .enumerate()
                .map(|(i, (f, r))| Entry {
                    file: f.clone(),
                    cheapest_meeting_target: r.target.as_ref().map(|_| cheapest == Some(i)),
                    report: r,
                })
                .collect();
            serde_json::to_writer_pretty(&mut out, &list).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(if reports.iter().all(|(_, r)| r.target_met()) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
