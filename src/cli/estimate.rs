//! `fivenines estimate`: the exact analytic steady state of a model.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use fivenines::{Availability, Report, analytic, report};

use super::{CatalogProfile, Failure, Format, load, parse_availability, print_warnings};

const EXAMPLES: &str = "\
Examples:
  fivenines estimate models/multi-az-three-tier.toml
  fivenines estimate models/multi-az-three-tier.toml --target 99.99%
  fivenines estimate models/dx-vpn-backup.toml --target \"4 nines\" --format json
  fivenines estimate models/s3-endpoint-chain.toml --target 99.5% && echo meets
  fivenines estimate models/multi-az-three-tier.toml --down az-a
  fivenines estimate models/multi-az-three-tier.toml --up db-primary,db-standby
  fivenines estimate models/multi-az-three-tier.toml --target 99.99% --chart contributors.svg

The table gives availability, nines, expected downtime a year and a month,
outage frequency and mean duration, and the components that cost the most.
Exit status: 0 target met (or none), 1 target missed, 2 bad model or usage.";

/// Exact availability, downtime a year and outage frequency of a model.
#[derive(clap::Args, Debug)]
#[command(after_help = EXAMPLES)]
pub(crate) struct Args {
    /// The model file (TOML); - reads it from standard input.
    file: PathBuf,
    /// Availability to meet: 99.99%, 0.9999 or "4 nines". Exit status 1 when missed.
    #[arg(long, value_parser = parse_availability, allow_hyphen_values = true)]
    target: Option<Availability>,
    /// Components or domains held down for good (what-if), comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "NAME[,NAME...]")]
    down: Vec<String>,
    /// Components or domains that never fail (what-if), comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "NAME[,NAME...]")]
    up: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// Catalog figures `like` takes: sla (published floors) or typical (our estimates); overrides the model's `catalog` key.
    #[arg(long, value_enum)]
    catalog: Option<CatalogProfile>,
    /// Also draw the contributors (downtime a year by part, target budget marked) to FILE.svg or FILE.png.
    #[cfg(feature = "charts")]
    #[arg(long, value_name = "FILE")]
    chart: Option<PathBuf>,
}

impl Args {
    /// Whether the output is JSON (errors are then JSON on stdout too).
    pub(crate) fn json(&self) -> bool {
        self.format == Format::Json
    }
}

pub(crate) fn run(args: Args) -> Result<ExitCode, Failure> {
    #[cfg(feature = "charts")]
    if let Some(p) = &args.chart {
        super::diagram::image_format(p)?;
    }
    let sys = load(&args.file, args.catalog)?;
    print_warnings(&args.file, sys.warnings());
    let (sys, what_if) = super::what_if(sys, &args.down, &args.up)?;
    let a = analytic::evaluate(&sys)?;
    let mut r = Report::analytic(&sys, &a, args.target);
    r.findings.notes.extend(what_if);
    let mut out = super::stdout();
    match args.format {
        Format::Table => report::render_table(&r, &mut out)?,
        Format::Json => r.write_json(&mut out)?,
    }
    out.flush()?;
    #[cfg(feature = "charts")]
    if let Some(p) = &args.chart {
        super::diagram::write_chart(p, |f| {
            fivenines::chart::contributors(&r, f, fivenines::chart::Size::DEFAULT)
        })?;
    }
    Ok(if r.target_met() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
