//! `fivenines report`: the design-review page of a model, one
//! self-contained HTML file.

use std::path::PathBuf;
use std::process::ExitCode;

use fivenines::study::{Study, blast};
use fivenines::{Availability, Report, analytic, chart};

use super::{CatalogProfile, Failure, load, parse_availability, print_warnings};

const EXAMPLES: &str = "\
Examples:
  fivenines report models/multi-az-three-tier.toml --target 99.99% -o review.html
  fivenines report models/dx-two-locations-vpn.toml -o dx-review.html
  fivenines report models/multi-az-three-tier.toml --target 99.99% --simulate -o review.html

One HTML file with everything inline (SVG and CSS; no script, nothing
fetched; prints well): the diagram, the estimate and the target's verdict,
what the downtime comes from, single points of failure and cut sets, the
catalog figures used with their kind and source, approximations and notes.
Exit status: 0 target met (or none), 1 target missed, 2 bad model or usage.";

/// A design-review page (HTML) of a model: diagram, estimate, contributors, single points of failure.
#[derive(clap::Args, Debug)]
#[command(after_help = EXAMPLES)]
pub(crate) struct Args {
    /// The model file (TOML); - reads it from standard input.
    file: PathBuf,
    /// Availability to meet: 99.99%, 0.9999 or "4 nines". Exit status 1 when missed.
    #[arg(long, value_parser = parse_availability, allow_hyphen_values = true)]
    target: Option<Availability>,
    /// The HTML file to write.
    #[arg(short, long, value_name = "FILE.html")]
    output: PathBuf,
    /// Catalog figures `like` takes: sla (published floors) or typical (our estimates); overrides the model's `catalog` key.
    #[arg(long, value_enum)]
    catalog: Option<CatalogProfile>,
    /// Also simulate (one-year missions) and add the year's-downtime chart and its percentiles.
    #[arg(long)]
    simulate: bool,
    /// Runs with --simulate.
    #[arg(long, default_value_t = 10_000, requires = "simulate")]
    runs: u64,
    /// Seed with --simulate.
    #[arg(long, default_value_t = 1, requires = "simulate")]
    seed: u64,
}

pub(crate) fn run(args: Args) -> Result<ExitCode, Failure> {
    let sys = load(&args.file, args.catalog)?;
    print_warnings(&args.file, sys.warnings());
    let a = analytic::evaluate(&sys)?;
    let r = Report::analytic(&sys, &a, args.target);
    let study = Study::new(sys.clone());
    // A model too large for the blast study still gets its page.
    let b = blast(&study).ok();
    let sim = if args.simulate {
        let cfg = fivenines::simulate::SimulationConfig {
            runs: args.runs.max(1),
            seed: args.seed,
            target: args.target,
            ..Default::default()
        };
        let mut sim = fivenines::simulate::simulate(&sys, &cfg, None)?;
        fivenines::study::cross_check(&sys, &mut sim);
        Some(sim)
    } else {
        None
    };
    let file = args.file.display().to_string();
    let html = chart::review_page(&chart::Review {
        file: &file,
        system: &sys,
        report: &r,
        blast: b.as_ref(),
        simulation: sim.as_ref(),
    });
    super::diagram::write_file(&args.output, html.as_bytes())?;
    Ok(if r.target_met() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
