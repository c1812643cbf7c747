//! `fivenines blast`: what each component and domain takes down with it.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use fivenines::report;
use fivenines::study::{Study, blast};

use super::{CatalogProfile, Failure, Format, load, print_warnings};

const EXAMPLES: &str = "\
Examples:
  fivenines blast models/multi-az-three-tier.toml
  fivenines blast models/dx-two-locations-vpn.toml --format json

For every component and domain: the system's availability while it is down
for good (exact), whether its loss alone takes the system down (single
points of failure first), and the pairs of failures that do (minimal cut
sets of order 2), most joint downtime first.
Exit status: 0, or 2 for a bad model or usage.";

/// Single points of failure, availability with each part down, and the
/// pairs of failures that take the system down.
#[derive(clap::Args, Debug)]
#[command(after_help = EXAMPLES)]
pub(crate) struct Args {
    /// The model file (TOML); - reads it from standard input.
    file: PathBuf,
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

pub(crate) fn run(args: Args) -> Result<ExitCode, Failure> {
    let sys = load(&args.file, args.catalog)?;
    print_warnings(&args.file, sys.warnings());
    let b = blast(&Study::new(sys))?;
    let mut out = super::stdout();
    match args.format {
        Format::Table => report::render_blast(&b, &mut out)?,
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &b).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
