//! `fivenines simulate`: parallel Monte Carlo over missions.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use fivenines::report::Verdict;
use fivenines::simulate;

use super::{CatalogProfile, Failure, Format, load, parse_availability, print_warnings};

const EXAMPLES: &str = "\
Examples:
  fivenines simulate models/multi-az-three-tier.toml --runs 100000 --target 99.99%
  fivenines simulate models/dx-vpn-backup.toml --seed 7 --format json
  fivenines simulate models/dx-vpn-backup.toml --precision 2% --max-runs 5000000
  fivenines simulate models/s3-endpoint-chain.toml --mission 30d --threads 1
  fivenines simulate models/dx-vpn-backup.toml --runs 1000000 --shard 0/4 --out part-0.json

Each run simulates one mission (default one year) of the whole system from
steady state: failures, repairs and failovers drawn from their
distributions. The same seed gives the same numbers whatever --threads.

With --target, the verdict comes from the 95% confidence interval of the
availability: met when the whole interval is at or above the target, missed
when it is all below, inconclusive when it straddles the target (then run
more, e.g. with --precision, as the report suggests).
Exit status: 0 target met (or none given), 1 target missed, 2 bad model or
usage, 3 inconclusive (a pipeline must not pass on it).

Across machines: `--shard I/N --out part-I.json` runs share I (from 0) of
the runs; `fivenines merge part-*.json` prints the report of the whole run,
figure for figure as one `simulate` with the same seed.";

/// Runs without --runs.
const DEFAULT_RUNS: u64 = 10_000;
/// Most runs under --precision without --max-runs.
const DEFAULT_MAX_RUNS: u64 = 10_000_000;

/// Exit status when the confidence interval straddles the target.
const INCONCLUSIVE: u8 = 3;

/// Distribution of downtime over missions, by parallel Monte Carlo.
/// The `--engine` choices.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum EngineArg {
    Sweep,
    Events,
}

#[derive(clap::Args, Debug)]
#[command(after_help = EXAMPLES)]
pub(crate) struct Args {
    /// The model file (TOML); - reads it from standard input.
    file: PathBuf,
    /// Number of runs (missions) [default: 10000; with --precision, the first round, at most --max-runs].
    #[arg(long, value_parser = parse_count, allow_hyphen_values = true)]
    runs: Option<u64>,
    /// Length of one run: "1y", "30d", "1h 30m", "12 hours". Units: ms, s, m (min, minute), h (hr, hour), d (day), w (week), y (year); plurals and any case, except M.
    #[arg(long, default_value = "1y", value_parser = parse_mission, allow_hyphen_values = true)]
    mission: f64,
    /// Seed of every random stream (the default is fixed, so runs repeat).
    #[arg(long, default_value_t = simulate::DEFAULT_SEED, value_parser = parse_seed, allow_hyphen_values = true)]
    seed: u64,
    /// Worker threads (default: one per core; more than the cores is capped, with a note). Does not change any figure.
    #[arg(long, value_parser = parse_count, allow_hyphen_values = true)]
    threads: Option<u64>,
    /// Engine: the sweep (node by node) or the event engine (event by event, the reference). Both give the same figures, bit for bit; the sweep is faster.
    #[arg(long, value_enum, default_value = "sweep")]
    engine: EngineArg,
    /// Availability to meet: 99.99%, 0.9999 or "4 nines". Exit status 1 when the 95% CI is below it, 3 when the CI straddles it.
    #[arg(long, value_parser = check_availability, allow_hyphen_values = true)]
    target: Option<String>,
    /// Run until the 95% CI half-width of the unavailability is below this share of it: 5% or 0.05.
    #[arg(long, value_parser = parse_precision, allow_hyphen_values = true)]
    precision: Option<f64>,
    /// With --precision: stop after this many runs [default: 10000000]; at least --runs.
    #[arg(long, value_parser = parse_count, allow_hyphen_values = true, requires = "precision")]
    max_runs: Option<u64>,
    /// Components or domains held down for good (what-if), comma-separated. Not with --shard.
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "NAME[,NAME...]",
        conflicts_with = "shard"
    )]
    down: Vec<String>,
    /// Components or domains that never fail (what-if), comma-separated. Not with --shard.
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "NAME[,NAME...]",
        conflicts_with = "shard"
    )]
    up: Vec<String>,
    /// Run only share I of N of the runs (I from 0, as Slurm's SLURM_ARRAY_TASK_ID and Kubernetes' JOB_COMPLETION_INDEX give it) and write its statistics to --out, for `fivenines merge`. Not with --precision.
    #[arg(long, value_parser = parse_shard, requires = "out", conflicts_with = "precision")]
    shard: Option<simulate::Shard>,
    /// With --shard: the part file to write (JSON; written whole or not at all).
    #[arg(long, requires = "shard")]
    out: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
    /// Also draw the distribution of a year's downtime (p50/p90/p99 and the target's budget marked) to FILE.svg or FILE.png; needs a one-year mission.
    #[cfg(feature = "charts")]
    #[arg(long, value_name = "FILE")]
    chart: Option<PathBuf>,
    /// Catalog figures `like` takes: sla (published floors) or typical (our estimates); overrides the model's `catalog` key.
    #[arg(long, value_enum)]
    catalog: Option<CatalogProfile>,
}

fn parse_mission(s: &str) -> Result<f64, String> {
    match fivenines::parse_duration(s) {
        Ok(d) if d > 0.0 => Ok(d),
        Ok(_) => Err("the mission must be longer than 0".to_string()),
        Err(e) => Err(e.message),
    }
}

/// A seed: any whole number from 0 to 2^64 - 1.
fn parse_seed(s: &str) -> Result<u64, String> {
    s.trim()
        .replace('_', "")
        .parse::<u64>()
        .map_err(|_| format!("`{s}` is not a seed: a whole number from 0 to {}", u64::MAX))
}

/// A count of at least 1 (runs, threads).
fn parse_count(s: &str) -> Result<u64, String> {
    match s.trim().replace('_', "").parse::<u64>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!("`{s}` is not a whole number of at least 1")),
    }
}

/// Checks an availability and keeps its text (a shard's part records it).
fn check_availability(s: &str) -> Result<String, String> {
    parse_availability(s).map(|_| s.to_string())
}

/// `I/N`: share I (from 0) of N.
fn parse_shard(s: &str) -> Result<simulate::Shard, String> {
    let bad = || {
        format!(
            "`{s}` is not a shard: write I/N, I from 0 to N - 1, e.g. 0/4 (N at most {MAX_SHARDS})"
        )
    };
    let (i, n) = s.trim().split_once('/').ok_or_else(bad)?;
    let index: u64 = i.trim().parse().map_err(|_| bad())?;
    let count: u64 = n.trim().parse().map_err(|_| bad())?;
    if count == 0 || index >= count || count > MAX_SHARDS {
        return Err(bad());
    }
    Ok(simulate::Shard { index, count })
}

/// Most shards in a plan.
pub(crate) const MAX_SHARDS: u64 = 1_000_000;

fn parse_precision(s: &str) -> Result<f64, String> {
    match fivenines::parse_probability(s) {
        Ok(p) if p > 0.0 && p < 1.0 => Ok(p),
        Ok(_) => Err(format!(
            "`{s}`: the precision must be above 0% and below 100%, e.g. 5% or 0.05"
        )),
        Err(e) => Err(e.message),
    }
}

impl Args {
    /// Whether the output is JSON (errors are then JSON on stdout too).
    pub(crate) fn json(&self) -> bool {
        self.format == Format::Json
    }
}

pub(crate) fn run(args: Args) -> Result<ExitCode, Failure> {
    let max_runs = args.max_runs.unwrap_or(DEFAULT_MAX_RUNS);
    let runs = match (args.runs, args.precision) {
        (Some(runs), Some(_)) if runs > max_runs => {
            return Err(Failure::Usage(format!(
                "--max-runs {max_runs} is below --runs {runs}: with --precision, --runs is the first round and --max-runs the most runs; raise --max-runs or lower --runs"
            )));
        }
        (Some(runs), _) => runs,
        (None, Some(_)) => DEFAULT_RUNS.min(max_runs),
        (None, None) => DEFAULT_RUNS,
    };
    let threads = args.threads.map(|t| {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let t = usize::try_from(t).unwrap_or(usize::MAX);
        if t > cores {
            eprintln!(
                "note: --threads {t} is more than the {cores} cores of this machine: using {cores} (more threads only add overhead; no figure depends on them)"
            );
            cores
        } else {
            t
        }
    });
    let target = args
        .target
        .as_deref()
        .map(parse_availability)
        .transpose()
        .map_err(Failure::Usage)?;
    let (sys, text) = if args.shard.is_some() {
        let (sys, text) = super::merge::load_with_text(&args.file, args.catalog)?;
        (sys, Some(text))
    } else {
        (load(&args.file, args.catalog)?, None)
    };
    print_warnings(&args.file, sys.warnings());
    let (sys, what_if) = super::what_if(sys, &args.down, &args.up)?;
    let cfg = simulate::SimulationConfig {
        runs,
        mission_s: args.mission,
        seed: args.seed,
        threads,
        target,
        precision: args.precision,
        max_runs,
        engine: match args.engine {
            EngineArg::Sweep => simulate::Engine::Sweep,
            EngineArg::Events => simulate::Engine::Events,
        },
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
    #[cfg(feature = "charts")]
    if let Some(p) = &args.chart {
        super::diagram::image_format(p)?;
        if (args.mission - fivenines::YEAR_S).abs() > 1e-6 * fivenines::YEAR_S {
            return Err(Failure::Usage(
                "--chart draws a year's downtime: it needs --mission 1y".to_string(),
            ));
        }
    }
    let started = Instant::now();
    if let (Some(shard), Some(out), Some(text)) = (args.shard, &args.out, text) {
        let total = shard.chunks(cfg.runs);
        if let Some(b) = &bar {
            b.set_length(
                (total.end * simulate::CHUNK_RUNS).min(cfg.runs)
                    - total.start * simulate::CHUNK_RUNS,
            );
        }
        let part = simulate::simulate_shard(None, &sys, &cfg, shard, Some(&progress))?;
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        let file = super::merge::Part::new(
            &args.file,
            text,
            sys.catalog_profile(),
            &cfg,
            args.target,
            shard,
            part,
            started.elapsed().as_secs_f64(),
        );
        file.write(out)?;
        eprintln!(
            "wrote {} (shard {}/{}: {} runs); merge all the parts with `fivenines merge`",
            fivenines::text::escape(&out.display().to_string()),
            shard.index,
            shard.count,
            file.stats.runs()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let mut sim = simulate::simulate(&sys, &cfg, Some(&progress))?;
    fivenines::study::cross_check(&sys, &mut sim);
    sim.findings.notes.extend(what_if);
    let elapsed = started.elapsed().as_secs_f64();
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    #[cfg(feature = "charts")]
    if let Some(path) = &args.chart {
        draw_downtime(path, &sim)?;
    }
    let mut out = super::stdout();
    match args.format {
        Format::Table => fivenines::report::render_simulation(&sim, elapsed, &mut out)?,
        Format::Json => sim.write_json(&mut out)?,
    }
    out.flush()?;
    Ok(match sim.target.as_ref().map(|t| t.verdict) {
        None | Some(Verdict::Met) => ExitCode::SUCCESS,
        Some(Verdict::Missed) => ExitCode::from(1),
        Some(Verdict::Inconclusive) => ExitCode::from(INCONCLUSIVE),
    })
}

/// Draws the simulated distribution of a year's downtime from the
/// simulation's own log histogram (rebinned to at most 40 bars).
#[cfg(feature = "charts")]
fn draw_downtime(path: &std::path::Path, sim: &simulate::Simulation) -> Result<(), Failure> {
    use fivenines::chart;
    let d = chart::YearDowntime::from_simulation(sim);
    super::diagram::write_chart(path, |f| chart::downtime(&d, f, chart::Size::DEFAULT))
}
