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
  fivenines compare models/dx-*.toml --target 99.99% --chart options.svg
  fivenines compare models/dx-*.toml --target 99.99% --chart cost.png --cost
  fivenines compare models/dx-*.toml --target 99.99% --simulate --chart options.svg
  fivenines compare models/dx-*.toml --target 99.99% -o options.html
  (cd models && fivenines compare *.toml --format markdown) > models/table.md
  fivenines compare models/dx-vpn-backup.toml models/dx-two-locations-vpn.toml --simulate --runs 20000

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
    /// Also simulate every option on the same missions (common random numbers: parts with the same name fail alike) and give each option's difference to the first with its 95% CI.
    #[arg(long)]
    simulate: bool,
    /// Runs per option with --simulate.
    #[arg(long, default_value_t = 10_000, requires = "simulate")]
    runs: u64,
    /// Seed with --simulate (every option uses it).
    #[arg(long, default_value_t = 1, requires = "simulate")]
    seed: u64,
    /// Catalog figures `like` takes: sla (published floors) or typical (our estimates); overrides the model's `catalog` key.
    #[arg(long, value_enum)]
    catalog: Option<CatalogProfile>,
    /// Also draw the options (nines as bars, target line, cost labels; with --simulate, p90/p99 whiskers) to FILE.svg or FILE.png.
    #[cfg(feature = "charts")]
    #[arg(long, value_name = "FILE")]
    chart: Option<PathBuf>,
    /// With --chart: draw cost against nines instead (Pareto front, cheapest option meeting the target).
    #[cfg(feature = "charts")]
    #[arg(long, requires = "chart")]
    cost: bool,
    /// Also write an options page: one self-contained HTML file (table, charts, each option's diagram).
    #[cfg(feature = "charts")]
    #[arg(short, long, value_name = "FILE.html")]
    output: Option<PathBuf>,
}

#[derive(serde::Serialize)]
struct Entry<'a> {
    file: String,
    /// With a target: whether this is the cheapest option that meets it.
    #[serde(skip_serializing_if = "Option::is_none")]
    cheapest_meeting_target: Option<bool>,
    #[serde(flatten)]
    report: &'a Report,
    /// With --simulate: the paired simulation of this option.
    #[serde(skip_serializing_if = "Option::is_none")]
    simulation: Option<&'a fivenines::study::paired::PairedOption>,
}

impl Args {
    /// Whether the output is JSON (errors are then JSON on stdout too).
    pub(crate) fn json(&self) -> bool {
        self.format == CompareFormat::Json
    }
}

pub(crate) fn run(args: Args) -> Result<ExitCode, Failure> {
    #[cfg(feature = "charts")]
    if let Some(p) = &args.chart {
        super::diagram::image_format(p)?;
    }
    let mut reports = Vec::with_capacity(args.files.len());
    let mut systems = Vec::with_capacity(args.files.len());
    for file in &args.files {
        let sys = load(file, args.catalog)?;
        print_warnings(file, sys.warnings());
        let a = analytic::evaluate(&sys)?;
        reports.push((
            file.display().to_string(),
            Report::analytic(&sys, &a, args.target),
        ));
        systems.push(sys);
    }
    let paired = if args.simulate {
        if args.runs < 2 {
            return Err(Failure::Usage(
                "--runs: at least 2 runs to compare".to_string(),
            ));
        }
        let cfg = fivenines::simulate::SimulationConfig {
            runs: args.runs,
            seed: args.seed,
            target: args.target,
            ..Default::default()
        };
        let refs: Vec<&fivenines::System> = systems.iter().collect();
        Some(fivenines::study::paired::paired(&refs, &cfg, args.target)?)
    } else {
        None
    };
    let rows: Vec<report::Row<'_>> = reports
        .iter()
        .map(|(f, r)| report::Row { file: f, report: r })
        .collect();
    let mut out = super::stdout();
    match args.format {
        CompareFormat::Table => {
            report::render_comparison(&rows, &mut out)?;
            if let Some(p) = &paired {
                report::render_paired(&rows, p, &mut out)?;
            }
        }
        CompareFormat::Markdown => report::render_comparison_markdown(&rows, &mut out)?,
        CompareFormat::Json => {
            let cheapest = report::cheapest_meeting_target(reports.iter().map(|(_, r)| r));
            let list: Vec<Entry<'_>> = reports
                .iter()
                .enumerate()
                .map(|(i, (f, r))| Entry {
                    file: f.clone(),
                    cheapest_meeting_target: r.target.as_ref().map(|_| cheapest == Some(i)),
                    report: r,
                    simulation: paired.as_ref().map(|p| &p.options[i]),
                })
                .collect();
            serde_json::to_writer_pretty(&mut out, &list).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    #[cfg(feature = "charts")]
    let opts: Vec<fivenines::chart::OptionPoint<'_>> = reports
        .iter()
        .map(|(f, r)| fivenines::chart::OptionPoint {
            label: option_label(f),
            report: r,
        })
        .collect();
    #[cfg(feature = "charts")]
    if let Some(p) = &args.output {
        let refs: Vec<&fivenines::System> = systems.iter().collect();
        let html = fivenines::chart::options_page(&opts, paired.as_ref(), &refs);
        super::diagram::write_file(p, html.as_bytes())?;
    }
    #[cfg(feature = "charts")]
    if let Some(p) = &args.chart {
        let size = fivenines::chart::Size::DEFAULT;
        super::diagram::write_chart(p, |f| {
            if args.cost {
                fivenines::chart::cost(&opts, f, size)
            } else {
                fivenines::chart::options(&opts, paired.as_ref(), f, size)
            }
        })?;
    }
    Ok(if reports.iter().all(|(_, r)| r.target_met()) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// An option's name on a chart: the file name without directory and `.toml`.
#[cfg(feature = "charts")]
fn option_label(file: &str) -> &str {
    let base = file.rsplit(['/', '\\']).next().unwrap_or(file);
    base.strip_suffix(".toml").unwrap_or(base)
}
