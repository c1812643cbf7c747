//! The Monte Carlo engine: what a year (or any mission) really looks like.
//!
//! Each run simulates the whole system over one mission, starting in steady
//! state, with failure, repair and failover times drawn from their
//! distributions, by either of two engines that give the same
//! trajectories ([`Engine`]). Runs go in chunks of [`CHUNK_RUNS`], each
//! seeded from the seed and its index. Worker threads take chunks from a
//! shared counter (no round barrier); each chunk's [`Stats`] are merged
//! exactly, so the numbers are the same whatever the number of threads, and
//! whatever the split into shards ([`simulate_shard`]) merged later.

mod queue;
mod sampler;
mod stats;
mod trajectory;

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::model::quantity::{Availability, YEAR_S};
use crate::model::system::System;
use crate::value::finding::{Code, Finding, Findings};
use crate::value::target::Target;
use queue::{BlockQueue, WindowQueue};
pub use stats::{BINS_PER_DECADE, ExactSum, FLOOR_S, Stats};
pub use trajectory::RunResult;
use trajectory::{Driver, HeapDirty, LevelDirty, Model, Runner, Sweep, Trajectory};

/// Runs in one chunk: one seed, one task for a thread.
pub const CHUNK_RUNS: u64 = 500;
/// Chunks in one round: `precision` is checked when the chunks of the first
/// round (at least `runs`) and of each further round are all done (chunks
/// are committed in order; no thread waits for a round to end).
pub const ROUND_CHUNKS: u64 = 32;
/// Seed used when none is given.
pub const DEFAULT_SEED: u64 = 20_261_125;
/// Version of the mapping from a seed to the random streams (reported as
/// `stream_version`): the same seed, model and version give the same
/// figures; a new version means seeds stop reproducing earlier releases'
/// figures.
pub const STREAM_VERSION: u32 = trajectory::STREAM_VERSION;
/// Fewer outages than this in the whole sample, and the 95% confidence
/// interval (Student's t over runs) is unreliable: the downtime of a run is
/// then mostly zero with a few large values, far from normal.
pub const MIN_OUTAGES_FOR_CI: u64 = 50;

/// How to simulate.
///
/// # Examples
///
/// ```
/// let cfg = fivenines::simulate::SimulationConfig { runs: 2_000, ..Default::default() };
/// assert_eq!(cfg.mission_s, fivenines::YEAR_S);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct SimulationConfig {
    /// Number of runs (missions); with `precision`, the runs of the first round are at least this many.
    pub runs: u64,
    /// Length of one run, seconds.
    pub mission_s: f64,
    /// Seed of every random stream.
    pub seed: u64,
    /// Worker threads; `None` for one per core.
    pub threads: Option<usize>,
    /// Target availability: enables `p_meets_target`.
    pub target: Option<Availability>,
    /// Keep going until the 95% CI half-width of the unavailability is below
    /// this fraction of the estimate.
    pub precision: Option<f64>,
    /// Most runs when `precision` is set.
    pub max_runs: u64,
    /// Which engine computes the trajectories (no figure depends on it).
    pub engine: Engine,
}

/// The engines that compute trajectories. Both draw the same numbers from
/// the same streams and give the same trajectories, bit for bit; they
/// differ in speed only.
///
/// # Examples
///
/// ```
/// use fivenines::{System, simulate::{self, Engine, SimulationConfig}};
/// let sys = System::from_path(concat!(env!("CARGO_MANIFEST_DIR"), "/models/multi-az-three-tier.toml"))?;
/// let cfg = SimulationConfig { runs: 500, ..Default::default() };
/// let sweep = simulate::simulate(&sys, &cfg, None)?;
/// let events = simulate::simulate(&sys, &SimulationConfig { engine: Engine::Events, ..cfg }, None)?;
/// assert_eq!(sweep.downtime_s.mean, events.downtime_s.mean);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Engine {
    /// Node by node: each item's mission drawn at once, each node's flips
    /// merged from its children's (the default: faster on every model
    /// measured, 3x on 10^5 components).
    #[default]
    Sweep,
    /// Event by event: a queue of next events and a propagation of each
    /// change up the graph (the reference the sweep is tested against).
    Events,
}

/// The old name of [`SimulationConfig`].
#[deprecated(
    since = "0.1.0",
    note = "renamed `SimulationConfig`: it configures a simulation"
)]
pub type Config = SimulationConfig;

impl Default for SimulationConfig {
    fn default() -> Self {
        SimulationConfig {
            runs: 10_000,
            mission_s: YEAR_S,
            seed: DEFAULT_SEED,
            threads: None,
            target: None,
            precision: None,
            max_runs: 10_000_000,
            engine: Engine::Sweep,
        }
    }
}

/// The log histogram of the downtime per mission: bin `i` holds downtimes
/// from `floor_s·10^(i/bins_per_decade)` to
/// `floor_s·10^((i+1)/bins_per_decade)` seconds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DowntimeHistogram {
    /// Bins per factor of ten.
    pub bins_per_decade: f64,
    /// Lower edge of bin 0, seconds (bin 0 also holds smaller downtimes).
    pub floor_s: f64,
    /// Runs (their weights, when weighted) with no downtime.
    pub zero: f64,
    /// `[index, runs]` of every non-empty bin, in order.
    pub bins: Vec<(usize, f64)>,
}

impl DowntimeHistogram {
    /// Lower edge of bin `i`, seconds.
    pub fn edge(&self, i: usize) -> f64 {
        self.floor_s * 10f64.powf(i as f64 / self.bins_per_decade)
    }
}

/// Mean availability with its 95% confidence interval.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Estimate {
    /// Mean over runs.
    pub mean: f64,
    /// 95% confidence interval (Student's t).
    pub ci95: [f64; 2],
}

/// Distribution of the downtime in one mission, seconds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Downtime {
    /// Mean.
    pub mean: f64,
    /// Median (from a log histogram, within 0.12%).
    pub p50: f64,
    /// 90th percentile (likewise).
    pub p90: f64,
    /// 99th percentile (likewise).
    pub p99: f64,
    /// Largest seen (exact).
    pub max: f64,
    /// Probability of no downtime at all (exact count).
    pub p_zero: f64,
}

/// Outages per mission.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Outages {
    /// Mean number of outages that start in a mission.
    pub mean: f64,
}

/// Longest outage of a mission, seconds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Longest {
    /// Mean over runs.
    pub mean: f64,
    /// Largest seen.
    pub max: f64,
}

/// What `--precision` asked and got.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Precision {
    /// Requested relative half-width of the 95% CI of the unavailability.
    pub requested: f64,
    /// Achieved relative half-width.
    pub achieved: f64,
    /// Whether the request was met before `max_runs` (with at least
    /// [`MIN_OUTAGES_FOR_CI`] outages seen, so that the interval is reliable).
    pub reached: bool,
}

/// The result of a simulation. Its JSON form is the contract of
/// `fivenines simulate --format json`: keys are added, never renamed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Simulation {
    /// The model's name.
    pub name: String,
    /// The block or component simulated.
    pub system: String,
    /// Which engine produced the figures (`"monte_carlo"`).
    pub engine: &'static str,
    /// Seed of every random stream.
    pub seed: u64,
    /// Version of the mapping from the seed to random streams
    /// ([`STREAM_VERSION`]): a seed reproduces figures only under the same
    /// version.
    pub stream_version: u32,
    /// Runs done.
    pub runs: u64,
    /// Worker threads used (does not change any figure).
    pub threads: usize,
    /// Length of one run, seconds.
    pub mission_s: f64,
    /// Mean availability over runs, with its 95% CI.
    pub availability: Estimate,
    /// Mean unavailability, with its 95% CI.
    pub unavailability: Estimate,
    /// Outages seen in all runs together (those that started in a mission,
    /// and those in progress when one started).
    pub outages_seen: u64,
    /// Whether the confidence intervals can be trusted: `false` when fewer
    /// than [`MIN_OUTAGES_FOR_CI`] outages were seen in the whole sample
    /// (with none, the interval is [0, 0] and says nothing).
    pub ci_reliable: bool,
    /// Downtime per mission.
    pub downtime_s: Downtime,
    /// Outages per mission.
    pub outages: Outages,
    /// Mean outage duration: total downtime over total outages, seconds
    /// (null when no outage was seen).
    pub mean_outage_s: Option<f64>,
    /// Longest outage per mission.
    pub longest_outage_s: Longest,
    /// Probability that one mission's downtime is within the target's budget.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p_meets_target: Option<f64>,
    /// Target, and its verdict: met or missed by the whole 95% confidence
    /// interval, or inconclusive.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<Target>,
    /// With `precision`: what was asked and reached.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub precision: Option<Precision>,
    /// The exact engine's figure beside the simulated one (absent when the
    /// model is too large for the exact engine). [`simulate`] leaves it
    /// empty, as the engines do not call each other:
    /// `study::cross_check` fills it, as
    /// `fivenines simulate` does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub analytic: Option<CrossCheck>,
    /// The log histogram of the downtime per mission the percentiles are
    /// read from (for charts and for a reader's own percentiles).
    pub downtime_histogram: DowntimeHistogram,
    /// Every approximation, the notes on how the model was read and the
    /// warnings about parts it does not use; in JSON the keys
    /// `approximations`, `notes`, `warnings` (texts) and `findings`
    /// (objects with a stable `code`), as in `estimate`.
    #[serde(flatten)]
    pub findings: Findings,
    /// Parts whose figures come from the catalog, with the kind of figure
    /// (as in `estimate`).
    pub catalog: Vec<crate::model::system::CatalogUse>,
}

impl Simulation {
    /// Writes the simulation as pretty JSON, with a final newline (the
    /// contract of `fivenines simulate --format json`), as
    /// `Report::write_json` does for an estimate.
    ///
    /// # Errors
    ///
    /// Errors of the writer.
    pub fn write_json(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, self)?;
        writeln!(out)
    }
}

/// The analytic availability next to the simulated one.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CrossCheck {
    /// Steady-state availability from the exact engine.
    pub availability: f64,
    /// Its unavailability, computed directly.
    pub unavailability: f64,
    /// Whether its unavailability lies inside the simulation's 95%
    /// confidence interval of the unavailability (compared as
    /// unavailabilities: a [0, 0] interval does not contain 1e-18).
    pub inside_ci95: bool,
    /// Whether the analytic figure carries a named approximation (first-order
    /// standby failover), so that a small gap is expected.
    pub approximate: bool,
}

/// Simulates a system. `progress` is called with the number of runs done
/// after each chunk (from worker threads).
///
/// Without `cfg.threads` the work goes to rayon's global pool (no pool is
/// built per call); with it, to a pool of that many threads built for the
/// call. [`simulate_in`] takes a pool the caller keeps.
///
/// The result's `analytic` cross-check is left empty: the Monte Carlo engine
/// does not call the exact one. `study::cross_check`
/// adds it.
///
/// # Examples
///
/// ```
/// use fivenines::{System, simulate};
/// let sys = System::from_str("m.toml", r#"
///     system = "x"
///     [component.x]
///     mtbf = "1000h"
///     mttr = "4h"
/// "#)?;
/// let cfg = simulate::SimulationConfig { runs: 2_000, ..Default::default() };
/// let sim = simulate::simulate(&sys, &cfg, None)?;
/// let exact = 1000.0 / 1004.0;
/// assert!(sim.availability.ci95[0] - 1e-4 < exact && exact < sim.availability.ci95[1] + 1e-4);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`Error::Model`] (for a model read from a file) or
/// [`Error::NoTimeScale`] when an item the system uses has no time scale
/// (availability alone); [`Error::BadSetting`] when the configuration is
/// out of range.
pub fn simulate(
    sys: &System,
    cfg: &SimulationConfig,
    progress: Option<&(dyn Fn(u64) + Sync)>,
) -> Result<Simulation, Error> {
    match cfg.threads {
        None => run_all(None, sys, cfg, progress),
        Some(t) => {
            let pool = build_pool(t)?;
            run_all(Some(&pool), sys, cfg, progress)
        }
    }
}

/// [`simulate`] on the caller's thread pool (`cfg.threads` is ignored):
/// for sweeps that simulate many models, one pool for all.
///
/// # Examples
///
/// ```
/// use fivenines::{System, simulate};
/// let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build()?;
/// let sys = System::from_str("m.toml", "system = \"x\"\n[component.x]\nmtbf = \"1000h\"\nmttr = \"4h\"\n")?;
/// let cfg = simulate::SimulationConfig { runs: 1_000, ..Default::default() };
/// let a = simulate::simulate_in(&pool, &sys, &cfg, None)?;
/// let b = simulate::simulate(&sys, &simulate::SimulationConfig { threads: Some(1), ..cfg }, None)?;
/// assert_eq!(a.unavailability, b.unavailability);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// As [`simulate`].
pub fn simulate_in(
    pool: &rayon::ThreadPool,
    sys: &System,
    cfg: &SimulationConfig,
    progress: Option<&(dyn Fn(u64) + Sync)>,
) -> Result<Simulation, Error> {
    run_all(Some(pool), sys, cfg, progress)
}

fn build_pool(threads: usize) -> Result<rayon::ThreadPool, Error> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::Resource {
            what: "cannot start worker threads",
            message: e.to_string(),
        })
}

fn run_all(
    pool: Option<&rayon::ThreadPool>,
    sys: &System,
    cfg: &SimulationConfig,
    progress: Option<&(dyn Fn(u64) + Sync)>,
) -> Result<Simulation, Error> {
    let prepared = Prepared::new(sys, cfg)?;
    let limit = if cfg.precision.is_some() {
        cfg.max_runs.max(cfg.runs)
    } else {
        cfg.runs
    };
    let done = prepared.run_chunks(pool, 0..limit.div_ceil(CHUNK_RUNS), limit, progress);
    Ok(summarise_with(
        sys,
        cfg,
        &done.stats,
        done.threads,
        done.reached,
        prepared.start_note,
    ))
}

/// One share of a run split across machines: shard `index` of `count`
/// (from 0) takes chunks `chunks(runs)` of the `runs.div_ceil(CHUNK_RUNS)`.
///
/// # Examples
///
/// ```
/// let s = fivenines::simulate::Shard { index: 1, count: 3 };
/// assert_eq!(s.chunks(10_000), 6..13); // 20 chunks of 500 runs
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// Which share, from 0.
    pub index: u64,
    /// How many shares.
    pub count: u64,
}

impl Shard {
    /// The chunks of this share: chunk `c` holds runs
    /// `c * CHUNK_RUNS .. (c + 1) * CHUNK_RUNS` (the last one fewer); shares
    /// differ by at most one chunk.
    pub fn chunks(&self, runs: u64) -> std::ops::Range<u64> {
        let total = u128::from(runs.div_ceil(CHUNK_RUNS));
        let at = |i: u64| (total * u128::from(i) / u128::from(self.count.max(1))) as u64;
        at(self.index)..at(self.index + 1)
    }
}

/// The statistics of one shard, and what they need to become a report.
#[derive(Clone, Debug)]
pub struct ShardRun {
    /// The merged statistics of the shard's chunks.
    pub stats: Stats,
    /// Worker threads used.
    pub threads: usize,
}

/// Runs shard `shard` of the `cfg.runs` runs (no `precision`: when to stop
/// is a decision over all runs). Merging the statistics of every shard
/// ([`Stats::merge`], in any order) and [`summarise`] give the report of
/// one run of `cfg.runs` with the same seed, figure for figure.
///
/// # Examples
///
/// ```
/// use fivenines::{System, simulate::{self, Shard}};
/// let sys = System::from_str("m.toml", "system = \"x\"\n[component.x]\nmtbf = \"100h\"\nmttr = \"4h\"\n")?;
/// let cfg = simulate::SimulationConfig { runs: 2_000, ..Default::default() };
/// let mut total = simulate::Stats::new(cfg.mission_s, None);
/// for index in 0..3 {
///     let part = simulate::simulate_shard(None, &sys, &cfg, Shard { index, count: 3 }, None)?;
///     total.merge(&part.stats)?;
/// }
/// let merged = simulate::summarise(&sys, &cfg, &total, 1, false);
/// let whole = simulate::simulate(&sys, &cfg, None)?;
/// assert_eq!(merged.unavailability, whole.unavailability);
/// assert_eq!(merged.downtime_s, whole.downtime_s);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// As [`simulate`], and [`Error::BadSetting`] for `precision`, or a shard
/// index not below the count.
pub fn simulate_shard(
    pool: Option<&rayon::ThreadPool>,
    sys: &System,
    cfg: &SimulationConfig,
    shard: Shard,
    progress: Option<&(dyn Fn(u64) + Sync)>,
) -> Result<ShardRun, Error> {
    if cfg.precision.is_some() {
        return Err(Error::BadSetting {
            setting: "shard",
            message: "a shard cannot stop at a precision: when to stop is decided over all runs; give --runs".to_string(),
        });
    }
    if shard.count == 0 || shard.index >= shard.count {
        return Err(Error::BadSetting {
            setting: "shard",
            message: format!(
                "shard {}/{}: the index goes from 0 to the count less 1",
                shard.index, shard.count
            ),
        });
    }
    let prepared = Prepared::new(sys, cfg)?;
    let owned;
    let pool = match (pool, cfg.threads) {
        (Some(p), _) => Some(p),
        (None, Some(t)) => {
            owned = build_pool(t)?;
            Some(&owned)
        }
        (None, None) => None,
    };
    let done = prepared.run_chunks(pool, shard.chunks(cfg.runs), cfg.runs, progress);
    Ok(ShardRun {
        stats: done.stats,
        threads: done.threads,
    })
}

/// The downtime of every run, seconds, in run order (`cfg.runs` runs; no
/// `precision`): the raw material of paired comparisons. Run `r` of a seed
/// draws every item's times from streams keyed by the item's kind, name
/// and replica, so two models that share a part's name see that part fail
/// and recover at the same moments in run `r` (common random numbers).
///
/// # Examples
///
/// ```
/// use fivenines::{System, simulate};
/// let sys = System::from_str("m.toml", "system = \"x\"\n[component.x]\nmtbf = \"100h\"\nmttr = \"4h\"\n")?;
/// let cfg = simulate::SimulationConfig { runs: 1_000, ..Default::default() };
/// let d = simulate::run_downtimes(&sys, &cfg)?;
/// assert_eq!(d.len(), 1_000);
/// let s = simulate::simulate(&sys, &cfg, None)?;
/// let mean = d.iter().sum::<f64>() / d.len() as f64;
/// assert!((mean - s.downtime_s.mean).abs() <= 1e-9 * mean);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// As [`simulate`].
pub fn run_downtimes(sys: &System, cfg: &SimulationConfig) -> Result<Vec<f64>, Error> {
    use rayon::prelude::*;
    let p = Prepared::new(sys, cfg)?;
    let chunks = cfg.runs.div_ceil(CHUNK_RUNS);
    let run = || -> Vec<Vec<f64>> {
        (0..chunks)
            .into_par_iter()
            .map(|c| {
                let n = ((c + 1) * CHUNK_RUNS).min(cfg.runs) - c * CHUNK_RUNS;
                p.chunk_downtimes(c, n)
            })
            .collect()
    };
    let per = match cfg.threads {
        Some(t) => build_pool(t)?.install(run),
        None => run(),
    };
    Ok(per.concat())
}

/// A model compiled for a configuration.
struct Prepared<'a> {
    model: Model,
    cfg: &'a SimulationConfig,
    budget: Option<f64>,
    start_note: Option<String>,
}

/// What a set of chunks gave.
struct Done {
    stats: Stats,
    threads: usize,
    reached: bool,
}

/// The fold of finished chunks: chunks finish in any order; they are
/// committed in chunk order, so that `precision` is checked on the same
/// runs whatever the threads.
struct Commit {
    /// The next chunk to commit.
    next: u64,
    /// Finished chunks waiting for an earlier one.
    pending: std::collections::BTreeMap<u64, Stats>,
    total: Stats,
    reached: bool,
    stopped: bool,
}

impl<'a> Prepared<'a> {
    fn new(sys: &System, cfg: &'a SimulationConfig) -> Result<Self, Error> {
        check_time_scales(sys)?;
        if !(cfg.mission_s > 0.0 && cfg.mission_s.is_finite()) {
            return Err(Error::BadSetting {
                setting: "mission",
                message: "the mission must be longer than 0".to_string(),
            });
        }
        if cfg.runs == 0 {
            return Err(Error::BadSetting {
                setting: "runs",
                message: "at least one run is needed".to_string(),
            });
        }
        if let Some(p) = cfg.precision
            && !(p > 0.0 && p < 1.0)
        {
            return Err(Error::BadSetting {
                setting: "precision",
                message: format!("{p} must be between 0 and 1 (e.g. 5%)"),
            });
        }
        let mut model = Model::new(sys);
        let start_note = model.set_start(sys, cfg.mission_s);
        Ok(Prepared {
            model,
            cfg,
            budget: cfg.target.map(|t| t.unavailability() * cfg.mission_s),
            start_note,
        })
    }

    /// Whether `precision` is checked after chunk `committed` (chunks
    /// `0..committed` done): after the first round (at least `runs`), then
    /// after every [`ROUND_CHUNKS`], and at the end.
    fn checkpoint(&self, committed: u64, end: u64) -> bool {
        let first = self.cfg.runs.div_ceil(ROUND_CHUNKS * CHUNK_RUNS) * ROUND_CHUNKS;
        committed == end || (committed >= first && (committed - first).is_multiple_of(ROUND_CHUNKS))
    }

    /// The statistics of the `n` runs of chunk `c`.
    /// The downtime of each run of chunk `c` (`n` runs), in order.
    fn chunk_downtimes(&self, c: u64, n: u64) -> Vec<f64> {
        let mut out = Vec::with_capacity(n as usize);
        self.each_run(c, n, |r| out.push(r.downtime));
        out
    }

    fn chunk(&self, c: u64, n: u64) -> Stats {
        let mut acc = Stats::new(self.cfg.mission_s, self.budget);
        self.each_run(c, n, |r| acc.add(&r, 1.0));
        acc
    }

    /// The `n` runs of chunk `c`, in order, on the model's engine.
    fn each_run(&self, c: u64, n: u64, f: impl FnMut(RunResult)) {
        let (m, seed) = (&self.model, self.cfg.seed);
        match trajectory::driver_for(m, self.cfg.engine) {
            Driver::Blocks => self.runs(Runner::<BlockQueue, HeapDirty>::new(m, seed, c), n, f),
            Driver::Window => self.runs(Runner::<WindowQueue, LevelDirty>::new(m, seed, c), n, f),
            Driver::Sweep => self.runs(Sweep::new(m, seed, c), n, f),
        }
    }

    fn runs(&self, mut t: impl Trajectory, n: u64, mut f: impl FnMut(RunResult)) {
        for _ in 0..n {
            f(t.run(self.cfg.mission_s));
        }
    }

    /// Runs `chunks` (of runs `0..limit`) on the pool (rayon's global pool
    /// without one): each worker takes the next chunk from a counter, so no
    /// thread waits for another, and finished chunks are folded in chunk
    /// order. Under `precision` the fold stops at the first checkpoint where
    /// it is reached, and later chunks are dropped.
    fn run_chunks(
        &self,
        pool: Option<&rayon::ThreadPool>,
        chunks: std::ops::Range<u64>,
        limit: u64,
        progress: Option<&(dyn Fn(u64) + Sync)>,
    ) -> Done {
        let cfg = self.cfg;
        let counter = AtomicU64::new(chunks.start);
        let done = AtomicU64::new(0);
        let stop = AtomicBool::new(false);
        let commit = Mutex::new(Commit {
            next: chunks.start,
            pending: std::collections::BTreeMap::new(),
            total: Stats::new(cfg.mission_s, self.budget),
            reached: false,
            stopped: false,
        });
        let worker = || {
            loop {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let c = counter.fetch_add(1, Ordering::Relaxed);
                if c >= chunks.end {
                    break;
                }
                let n = ((c + 1) * CHUNK_RUNS).min(limit) - c * CHUNK_RUNS;
                let acc = self.chunk(c, n);
                let total = done.fetch_add(n, Ordering::Relaxed) + n;
                if let Some(p) = progress {
                    p(total);
                }
                let mut st = commit.lock().unwrap_or_else(|e| e.into_inner());
                if st.stopped {
                    break;
                }
                st.pending.insert(c, acc);
                loop {
                    let next = st.next;
                    let Some(a) = st.pending.remove(&next) else {
                        break;
                    };
                    st.total
                        .merge(&a)
                        .expect("chunks of one simulation share a mission");
                    st.next += 1;
                    if let Some(p) = cfg.precision
                        && self.checkpoint(st.next, chunks.end)
                    {
                        let (u, hw) = st.total.unavailability();
                        if u > 0.0 && hw / u < p && st.total.outages_seen() >= MIN_OUTAGES_FOR_CI {
                            st.reached = true;
                            st.stopped = true;
                            st.pending.clear();
                            stop.store(true, Ordering::Relaxed);
                            break;
                        }
                    }
                }
            }
        };
        let threads = match pool {
            Some(p) => p.install(|| spawn_workers(&worker)),
            None => spawn_workers(&worker),
        };
        let st = commit.into_inner().unwrap_or_else(|e| e.into_inner());
        Done {
            stats: st.total,
            threads,
            reached: st.reached,
        }
    }
}

/// One worker per thread of the current pool; returns their number.
fn spawn_workers(worker: &(dyn Fn() + Sync)) -> usize {
    let threads = rayon::current_num_threads();
    rayon::scope(|s| {
        for _ in 0..threads {
            s.spawn(|_| worker());
        }
    });
    threads
}

/// The report of a simulation from its statistics (merged from shards, or
/// from one call), with `threads` the worker threads used and `reached`
/// whether `cfg.precision` was reached.
pub fn summarise(
    sys: &System,
    cfg: &SimulationConfig,
    stats: &Stats,
    threads: usize,
    reached: bool,
) -> Simulation {
    let mut model = Model::new(sys);
    let start_note = model.set_start(sys, cfg.mission_s);
    summarise_with(sys, cfg, stats, threads, reached, start_note)
}

fn summarise_with(
    sys: &System,
    cfg: &SimulationConfig,
    stats: &Stats,
    threads: usize,
    reached: bool,
    start_note: Option<String>,
) -> Simulation {
    let (u, hw) = stats.unavailability();
    let lo_u = (u - hw).max(0.0);
    let hi_u = (u + hw).min(1.0);
    let mut approximations = vec![
        Finding::approximation(
            Code::SteadyStateStart,
            None,
            "runs start in steady state: each item up with its availability and the residual time of its phase",
        ),
        Finding::approximation(
            Code::HistogramPercentiles,
            None,
            "percentiles of downtime are read off a log histogram (1,000 bins per factor of ten from 1 µs: within 0.12%); mean, max and p_zero are exact",
        ),
    ];
    approximations.extend(start_note.map(|n| Finding::approximation(Code::StartState, None, n)));
    if sys.standbys().iter().any(|s| s.switch_success < 1.0) {
        approximations.push(Finding::approximation(
            Code::SwitchDecidedAtStart,
            None,
            "a failed switch is decided when the takeover starts: the block is then down until the member that failed is repaired, without the failover delay",
        ));
    }
    Simulation {
        name: sys.name().to_string(),
        system: sys.system().to_string(),
        engine: "monte_carlo",
        seed: cfg.seed,
        stream_version: STREAM_VERSION,
        runs: stats.runs(),
        threads,
        mission_s: cfg.mission_s,
        availability: Estimate {
            mean: 1.0 - u,
            ci95: [1.0 - hi_u, 1.0 - lo_u],
        },
        unavailability: Estimate {
            mean: u,
            ci95: [lo_u, hi_u],
        },
        outages_seen: stats.outages_seen(),
        ci_reliable: stats.outages_seen() >= MIN_OUTAGES_FOR_CI,
        downtime_s: Downtime {
            mean: stats.mean_downtime(),
            p50: stats.quantile(0.5),
            p90: stats.quantile(0.9),
            p99: stats.quantile(0.99),
            max: stats.max_downtime(),
            p_zero: stats.p_zero(),
        },
        outages: Outages {
            mean: stats.mean_outages(),
        },
        downtime_histogram: {
            let (zero, bins) = stats.downtime_bins();
            DowntimeHistogram {
                bins_per_decade: stats::BINS_PER_DECADE,
                floor_s: stats::FLOOR_S,
                zero,
                bins,
            }
        },
        mean_outage_s: stats.mean_outage_duration(),
        longest_outage_s: Longest {
            mean: stats.mean_longest(),
            max: stats.max_longest(),
        },
        p_meets_target: stats.p_meets(),
        target: cfg.target.map(|t| Target::with_ci(t, u, [lo_u, hi_u])),
        precision: cfg.precision.map(|p| Precision {
            requested: p,
            achieved: if u > 0.0 { hw / u } else { f64::INFINITY },
            reached,
        }),
        analytic: None,
        findings: Findings {
            approximations,
            notes: sys.notes().to_vec(),
            warnings: sys.warnings().to_vec(),
        },
        catalog: sys.catalog_uses().to_vec(),
    }
}

/// Refuses a model whose used items lack a time scale, naming the first.
fn check_time_scales(sys: &System) -> Result<(), Error> {
    let used = sys.used_items();
    for (i, item) in sys.items().iter().enumerate() {
        if used[i] && !item.rates.has_time_scale() {
            return Err(sys.no_time_scale(
                item.owner,
                "a simulation",
                "add `mttr` (or `mtbf`) to it, or use `estimate`",
            ));
        }
    }
    Ok(())
}
