//! `fivenines nines`: availability against allowed downtime.

use std::io::Write;
use std::process::ExitCode;

use fivenines::{Availability, report};

use super::{Failure, parse_availability};

const EXAMPLES: &str = "\
Examples:
  fivenines nines            the table from 90% to 99.9999%
  fivenines nines 99.95%     one availability
  fivenines nines \"4.5 nines\"
  fivenines nines 0.99999";

/// Downtime a year, month, week and day allowed by an availability.
#[derive(clap::Args, Debug)]
#[command(after_help = EXAMPLES)]
pub(crate) struct Args {
    /// An availability: 99.95%, 0.9995 or "3.3 nines". Without it, the whole table.
    #[arg(value_parser = parse_availability, allow_hyphen_values = true)]
    availability: Option<Availability>,
}

pub(crate) fn run(args: Args) -> Result<ExitCode, Failure> {
    let mut out = super::stdout();
    report::render_nines_table(args.availability, &mut out)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
