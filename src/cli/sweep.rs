//! `fivenines sweep`: one or two figures over a range.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use fivenines::study::{Study, Vary, sweep};
use fivenines::{Availability, report};

use super::{CatalogProfile, Failure, load, parse_availability, print_warnings};

const EXAMPLES: &str = "\
Examples:
  fivenines sweep models/multi-az-three-tier.toml --vary block.db.failover=0s..5m
  fivenines sweep models/multi-az-three-tier.toml --vary component.db-primary.mttr=15m..8h:20 --target 99.99%
  fivenines sweep models/multi-az-three-tier.toml --vary component.web.count=2..8 --format csv
  fivenines sweep models/multi-az-three-tier.toml --vary block.db.failover=0s..5m --target 99.99% --chart failover.svg
  fivenines sweep models/multi-az-three-tier.toml --vary domain.az-a.mtbf=180d..5y:log --vary block.db.failover=30s..5m:4

KEY is component.NAME.mtbf|mttr|availability|count, domain.NAME.mtbf|mttr|availability
or block.NAME.failover|detect|failback|switch_success (standby blocks).
RANGE is LOW..HIGH, then :POINTS (default 10; every count) and :log or :lin
(default log for durations spanning 10x or more, else linear).
Exit status: 0 ran fine (with --target: met at some point), 1 target missed
everywhere, 2 bad input or usage.";

/// Availability, downtime, outages and cost over one or two figures' ranges.
#[derive(clap::Args, Debug)]
#[command(after_help = EXAMPLES)]
pub(crate) struct Args {
    /// The model file (TOML); - reads it from standard input.
    file: PathBuf,
    /// KEY=RANGE: the figure and its range (once or twice).
    #[arg(long, required = true, value_name = "KEY=RANGE")]
    vary: Vec<String>,
    /// Availability to meet: the sweep says where it is crossed.
    #[arg(long, value_parser = parse_availability, allow_hyphen_values = true)]
    target: Option<Availability>,
    /// Catalog figures `like` takes: sla (published floors) or typical (our estimates); overrides the model's `catalog` key.
    #[arg(long, value_enum)]
    catalog: Option<CatalogProfile>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: SweepFormat,
    /// Also draw the sweep (nines against the value, target crossing marked; two values: a heat map) to FILE.svg or FILE.png.
    #[cfg(feature = "charts")]
    #[arg(long, value_name = "FILE")]
    chart: Option<PathBuf>,
}

/// Output format of a sweep.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SweepFormat {
    /// A table for people.
    Table,
    /// JSON for programs.
    Json,
    /// CSV, one line per point (durations in seconds).
    Csv,
}

impl Args {
    /// Whether the output is JSON (errors are then JSON on stdout too).
    pub(crate) fn json(&self) -> bool {
        self.format == SweepFormat::Json
    }
}

pub(crate) fn run(args: Args) -> Result<ExitCode, Failure> {
    #[cfg(feature = "charts")]
    if let Some(p) = &args.chart {
        super::diagram::image_format(p)?;
    }
    let sys = load(&args.file, args.catalog)?;
    print_warnings(&args.file, sys.warnings());
    let vary = args
        .vary
        .iter()
        .map(|v| Vary::parse(v))
        .collect::<Result<Vec<_>, _>>()?;
    let study = Study::new(sys);
    let s = sweep(&study, &vary, args.target)?;
    let mut out = super::stdout();
    match args.format {
        SweepFormat::Table => {
            let fields: Vec<_> = vary.iter().map(|v| v.setting.field).collect();
            report::render_sweep(&s, &fields, &mut out)?
        }
        SweepFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &s).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        SweepFormat::Csv => report::render_sweep_csv(&s, &mut out)?,
    }
    out.flush()?;
    #[cfg(feature = "charts")]
    if let Some(p) = &args.chart {
        super::diagram::write_chart(p, |f| {
            fivenines::chart::sweep(&s, f, fivenines::chart::Size::DEFAULT)
        })?;
    }
    let met_somewhere = s.points.iter().any(|p| p.meets_target != Some(false));
    Ok(if met_somewhere {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
