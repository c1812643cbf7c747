//! `fivenines simulate`: parallel Monte Carlo over missions.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use fivenines::report::Verdict;
use fivenines::{Availability, simulate};

use super::{Failure, Format, load, parse_availability, print_warnings};

const EXAMPLES: &str = "\
Examples:
  fivenines simulate models/multi-az-three-tier.toml --runs 100000 --target 99.99%
  fivenines simulate models/dx-vpn-backup.toml --seed 7 --format json
  fivenines simulate models/dx-vpn-backup.toml --precision 2% --max-runs 5000000
  fivenines simulate models/s3-endpoint-chain.toml --mission 30d --threads 1

Each run simulates one mission (default one year) of the whole system from
steady state: failures, repairs and failovers drawn from their
distributions. The same seed gives the same numbers whatever --threads.

With --target, the verdict comes from the 95% confidence interval of the
availability: met when the whole interval is at or above the target, missed
when it is all below, inconclusive when it straddles the target (then run
more, e.g. with --precision, as the report suggests).
Exit status: 0 target met (or none given), 1 target missed, 2 bad model or
usage, 3 inconclusive (a pipeline must not pass on it).";

/// Exit status when the confidence interval straddles the target.
const INCONCLUSIVE: u8 = 3;

/// Distribution of downtime over missions, by parallel Monte Carlo.
#[derive(clap::Args, Debug)]
#[command(after_help = EXAMPLES)]
pub(crate) struct Args {
    /// The model file (TOML); - reads it from standard input.
    file: PathBuf,
    /// Number of runs (missions).
    #[arg(long, default_value_t = 10_000)]
    runs: u64,
    /// Length of one run: "1y", "30d", "1h 30m", "12 hours". Units: ms, s, m (min, minute), h (hr, hour), d (day), w (week), y (year); plurals and any case, except M.
    #[arg(long, default_value = "1y", value_parser = parse_mission)]
    mission: f64,
    /// Seed of every random stream (the default is fixed, so runs repeat).
    #[arg(long, default_value_t = simulate::DEFAULT_SEED)]
    seed: u64,
    /// Worker threads (default: one per core). Does not change any figure.
    #[arg(long)]
    threads: Option<usize>,
    /// Availability to meet: 99.99%, 0.9999 or "4 nines". Exit status 1 when the 95% CI is below it, 3 when the CI straddles it.
    #[arg(long, value_parser = parse_availability)]
    target: Option<Availability>,
    /// Run until the 95% CI half-width of the unavailability is below this share of it: 5% or 0.05.
    #[arg(long, value_parser = parse_precision)]
    precision: Option<f64>,
    /// With --precision: stop after this many runs.
    #[arg(long, default_value_t = 10_000_000)]
    max_runs: u64,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
}

fn parse_mission(s: &str) -> Result<f64, String> {
    match fivenines::parse_duration(s) {
        Ok(d) if d > 0.0 => Ok(d),
        Ok(_) => Err("the mission must be longer than 0".to_string()),
        Err(e) => Err(e.message),
    }
}

fn parse_precision(s: &str) -> Result<f64, String> {
    match fivenines::parse_probability(s) {
        Ok(p) if p > 0.0 && p < 1.0 => Ok(p),
        Ok(_) => Err("precision must be between 0 and 1, e.g. 5% or 0.05".to_string()),
        Err(e) => Err(e.message),
    }
}

pub(crate) fn run(args: Args) -> Result<ExitCode, Failure> {
    let sys = load(&args.file)?;
    print_warnings(sys.warnings());
    if args.threads == Some(0) {
        return Err(Failure::Lib(fivenines::Error::Evaluation(
            "--threads must be at least 1".to_string(),
        )));
    }
    let cfg = simulate::Config {
        runs: args.runs,
        mission_s: args.mission,
        seed: args.seed,
        threads: args.threads,
        target: args.target,
        precision: args.precision,
        max_runs: args.max_runs,
    };
    let total = if cfg.precision.is_some() {
        cfg.max_runs.max(cfg.runs)
    } else {
        cfg.runs
    };
    let bar = (!args.quiet && std::io::stderr().is_terminal()).then(|| {
        let b = indicatif::ProgressBar::new(total);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} {pos}/{len} runs {bar:40} {elapsed_precise} elapsed, about {eta} left",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    let progress = |n: u64| {
        if let Some(b) = &bar {
            b.set_position(n);
        }
    };
    let started = Instant::now();
    let sim = simulate::simulate(&sys, &cfg, Some(&progress))?;
    let elapsed = started.elapsed().as_secs_f64();
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Table => fivenines::report::render_simulation(&sim, elapsed, &mut out)?,
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &sim).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(match sim.target.as_ref().map(|t| t.verdict) {
        None | Some(Verdict::Met) => ExitCode::SUCCESS,
        Some(Verdict::Missed) => ExitCode::from(1),
        Some(Verdict::Inconclusive) => ExitCode::from(INCONCLUSIVE),
    })
}
