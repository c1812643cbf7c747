//! `fivenines merge`: the report of a simulation run in shards
//! (`simulate --shard I/N --out part.json`), and the part file format.
//!
//! A part file is one JSON object (format `fivenines-simulation-part`,
//! version [`PART_FORMAT_VERSION`]; README.md, "Running shards", lists its
//! keys): what identifies the run (the model's text and digest, seed, runs,
//! mission, target, versions, the shard plan) and the shard's mergeable
//! statistics. Merging checks that every part belongs to the same run and
//! that each shard of the plan is there exactly once, then prints what
//! `simulate` with the same seed prints.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use fivenines::report::Verdict;
use fivenines::simulate::{self, Shard, Stats};
use fivenines::{Availability, Error, System, text};
use serde::{Deserialize, Serialize};

use super::{Failure, Format};

/// Version of the part file format: a reader refuses other versions.
pub(crate) const PART_FORMAT_VERSION: u32 = 1;
/// The `format` key of a part file.
const PART_FORMAT: &str = "fivenines-simulation-part";

const EXAMPLES: &str = "\
Examples:
  fivenines simulate model.toml --runs 10000000 --shard 0/4 --out parts/part-0.json
  ... (shards 1/4, 2/4, 3/4, anywhere)
  fivenines merge parts/part-*.json
  fivenines merge parts/part-*.json --format json

Prints the report of the whole run: the same figures as one `simulate` of
the model with the same seed, runs, mission and target (the time is the
parts' compute time added up). Refuses, with exit status 2, parts of
different models, seeds, runs, missions, targets, versions or shard plans,
a missing shard, and two different parts for one shard (the same part twice
is taken once: rerunning a shard gives the same file, apart from its time).
Exit status otherwise as `simulate`: 0 target met (or none given), 1
missed, 3 inconclusive.";

/// Merges the parts of a simulation run in shards into its report.
#[derive(clap::Args, Debug)]
#[command(after_help = EXAMPLES)]
pub(crate) struct Args {
    /// The part files (JSON) written by `simulate --shard I/N --out FILE`.
    #[arg(required = true)]
    parts: Vec<PathBuf>,
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

/// The model a part was run on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct PartModel {
    /// The file name given to `simulate` (names the model in the report).
    pub file: String,
    /// `fnv1a64:` and 16 hex digits: FNV-1a (64 bits) of the model's text.
    pub digest: String,
    /// The model's text, so that `merge` needs no other file.
    pub text: String,
    /// The catalog profile `like` took its figures from (`sla`,
    /// `typical`): `--catalog`, else the model's `catalog` key.
    #[serde(default)]
    pub catalog: fivenines::catalog::Profile,
}

/// Which share of the runs a part holds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct PartShard {
    /// Share, from 0.
    pub index: u64,
    /// Shares in the plan.
    pub count: u64,
    /// Runs in one chunk (each chunk seeded from the seed and its index).
    pub chunk_runs: u64,
    /// Chunks of this share: `[first, end)`.
    pub chunks: [u64; 2],
}

/// A part file.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Part {
    pub format: String,
    pub format_version: u32,
    /// Version of fivenines that wrote it.
    pub fivenines_version: String,
    /// [`simulate::STREAM_VERSION`].
    pub stream_version: u32,
    pub model: PartModel,
    pub seed: u64,
    /// Runs of the whole plan (all shards).
    pub runs: u64,
    pub mission_s: f64,
    /// The `--target` as given (null without one).
    pub target: Option<String>,
    pub shard: PartShard,
    /// Worker threads of this shard (no figure depends on them).
    pub threads: usize,
    /// Seconds this shard took (a timing field: it varies between reruns).
    pub elapsed_s: f64,
    /// The shard's mergeable statistics.
    pub stats: Stats,
}

/// FNV-1a, 64 bits, of a model's text, as `fnv1a64:` and 16 hex digits: it
/// tells models apart, it is not a cryptographic digest.
pub(crate) fn digest(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("fnv1a64:{h:016x}")
}

/// Reads a model and keeps its text (a part embeds it): a file, or standard
/// input for `-`. A file that is not UTF-8 text gets the loader's own error.
pub(crate) fn load_with_text(
    path: &Path,
    catalog: Option<super::CatalogProfile>,
) -> Result<(System, String), Failure> {
    let (shown, mut reader): (String, Box<dyn Read>) = if path.as_os_str() == "-" {
        ("<stdin>".to_string(), Box::new(std::io::stdin().lock()))
    } else {
        let shown = path.display().to_string();
        let file = std::fs::File::open(path).map_err(|source| Error::Io {
            path: shown.clone(),
            source,
        })?;
        (shown, Box::new(file))
    };
    let mut bytes = Vec::new();
    (&mut reader)
        .take(fivenines::model::MAX_MODEL_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| Error::Io {
            path: shown.clone(),
            source,
        })?;
    match String::from_utf8(bytes) {
        Ok(text) if text.len() as u64 <= fivenines::model::MAX_MODEL_BYTES => {
            let sys = System::from_str_in(&shown, &text, catalog.map(Into::into))
                .map_err(Error::Model)?;
            Ok((sys, text))
        }
        // Too large, or not UTF-8: the loader says which, and where.
        _ if path.as_os_str() != "-" => match System::from_path(path) {
            Err(e) => Err(Failure::Lib(e)),
            Ok(_) => Err(Failure::Usage(format!("{shown}: cannot read the model"))),
        },
        _ => Err(Failure::Usage(format!(
            "{shown}: not a model of at most {} MiB of UTF-8 text",
            fivenines::model::MAX_MODEL_BYTES >> 20
        ))),
    }
}

impl Part {
    /// The part of shard `shard` of the run `cfg` of the model in `file`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        file: &Path,
        text: String,
        catalog: fivenines::catalog::Profile,
        cfg: &simulate::SimulationConfig,
        target: Option<String>,
        shard: Shard,
        run: simulate::ShardRun,
        elapsed_s: f64,
    ) -> Self {
        let chunks = shard.chunks(cfg.runs);
        let file = if file.as_os_str() == "-" {
            "<stdin>".to_string()
        } else {
            file.display().to_string()
        };
        Part {
            format: PART_FORMAT.to_string(),
            format_version: PART_FORMAT_VERSION,
            fivenines_version: env!("CARGO_PKG_VERSION").to_string(),
            stream_version: simulate::STREAM_VERSION,
            model: PartModel {
                file,
                digest: digest(&text),
                text,
                catalog,
            },
            seed: cfg.seed,
            runs: cfg.runs,
            mission_s: cfg.mission_s,
            target,
            shard: PartShard {
                index: shard.index,
                count: shard.count,
                chunk_runs: simulate::CHUNK_RUNS,
                chunks: [chunks.start, chunks.end],
            },
            threads: run.threads,
            elapsed_s,
            stats: run.stats,
        }
    }

    /// Writes the part to `path`, whole or not at all (a temporary file
    /// beside it, renamed).
    pub(crate) fn write(&self, path: &Path) -> Result<(), Failure> {
        let tmp = path.with_extension(format!("tmp.{}", std::process::id()));
        let io = |source| Error::Io {
            path: path.display().to_string(),
            source,
        };
        let result = (|| {
            let mut f = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
            serde_json::to_writer(&mut f, self).map_err(std::io::Error::from)?;
            writeln!(f)?;
            f.into_inner().map_err(|e| e.into_error())?.sync_all()?;
            std::fs::rename(&tmp, path)
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result.map_err(|e| Failure::Lib(io(e)))
    }

    /// What must be equal in every part of one run, in words, and the
    /// values.
    fn identity(&self) -> Vec<(&'static str, String)> {
        vec![
            (
                "format version",
                format!("{} {}", self.format, self.format_version),
            ),
            ("fivenines version", self.fivenines_version.clone()),
            ("stream version", self.stream_version.to_string()),
            (
                "model",
                format!("{} ({})", self.model.file, self.model.digest),
            ),
            ("catalog profile", self.model.catalog.as_str().to_string()),
            ("seed", self.seed.to_string()),
            ("runs", self.runs.to_string()),
            ("mission", format!("{} s", self.mission_s)),
            (
                "target",
                self.target.clone().unwrap_or_else(|| "none".to_string()),
            ),
            (
                "shard plan",
                format!(
                    "{} shards of chunks of {} runs",
                    self.shard.count, self.shard.chunk_runs
                ),
            ),
        ]
    }
}

/// Reads and checks one part file.
fn read_part(path: &Path) -> Result<Part, Failure> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: shown.clone(),
        source,
    })?;
    let not_part = |why: String| {
        Failure::Usage(format!(
            "{}: not a fivenines part file ({why}); parts are written by `fivenines simulate --shard I/N --out FILE`",
            text::escape(&shown)
        ))
    };
    let value: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|e| not_part(format!("not JSON: {e}")))?;
    if value.get("format").and_then(|f| f.as_str()) != Some(PART_FORMAT) {
        return Err(not_part(format!("no `\"format\": \"{PART_FORMAT}\"`")));
    }
    let version = value.get("format_version").and_then(|v| v.as_u64());
    if version != Some(u64::from(PART_FORMAT_VERSION)) {
        return Err(Failure::Usage(format!(
            "{}: part file format version {}, this fivenines reads version {PART_FORMAT_VERSION}: merge with the fivenines that wrote the parts",
            text::escape(&shown),
            version.map_or("missing".to_string(), |v| v.to_string())
        )));
    }
    let part: Part = serde_json::from_value(value).map_err(|e| not_part(e.to_string()))?;
    let s = &part.shard;
    let plan = Shard {
        index: s.index,
        count: s.count,
    };
    let chunks = plan.chunks(part.runs);
    let runs_in = (chunks.end * s.chunk_runs).min(part.runs) - chunks.start * s.chunk_runs;
    if s.count == 0
        || s.index >= s.count
        || s.chunk_runs != simulate::CHUNK_RUNS
        || s.chunks != [chunks.start, chunks.end]
        || part.stats.runs() != runs_in
        || part.stats.mission_s() != part.mission_s
        || digest(&part.model.text) != part.model.digest
    {
        return Err(not_part(format!(
            "its shard {}/{}, chunks {:?}, {} runs, mission or model digest do not agree with each other",
            s.index,
            s.count,
            s.chunks,
            part.stats.runs()
        )));
    }
    Ok(part)
}

pub(crate) fn run(args: Args) -> Result<ExitCode, Failure> {
    let mut parts: Vec<(PathBuf, Part)> = Vec::with_capacity(args.parts.len());
    for path in &args.parts {
        let part = read_part(path)?;
        parts.push((path.clone(), part));
    }
    let (first_path, first) = &parts[0];
    let want = first.identity();
    let show = |p: &Path| text::escape(&p.display().to_string()).into_owned();
    for (path, part) in &parts[1..] {
        for ((what, a), (_, b)) in want.iter().zip(part.identity()) {
            if *a != b {
                return Err(Failure::Usage(format!(
                    "{} and {} are parts of different runs: {what} {} vs {}; merge only the parts of one run",
                    show(first_path),
                    show(path),
                    text::escape(a),
                    text::escape(&b)
                )));
            }
        }
    }
    // Each shard once: an identical duplicate (the same file, or a rerun of
    // the shard) is taken once; a different one is refused.
    let count = first.shard.count;
    let mut by_index: Vec<Option<usize>> = vec![None; usize::try_from(count).unwrap_or(usize::MAX)];
    for (k, (path, part)) in parts.iter().enumerate() {
        let slot = &mut by_index[part.shard.index as usize];
        match *slot {
            None => *slot = Some(k),
            Some(j) if parts[j].1.stats == part.stats => {
                eprintln!(
                    "note: {} and {} are both shard {}/{count} with the same statistics: taken once",
                    show(&parts[j].0),
                    show(path),
                    part.shard.index
                );
            }
            Some(j) => {
                return Err(Failure::Usage(format!(
                    "{} and {} are both shard {}/{count} but their statistics differ (written by a different build, or edited): keep one",
                    show(&parts[j].0),
                    show(path),
                    part.shard.index
                )));
            }
        }
    }
    let missing: Vec<u64> = (0..count)
        .filter(|&i| by_index[i as usize].is_none())
        .collect();
    if !missing.is_empty() {
        let list: Vec<String> = missing.iter().take(20).map(|i| i.to_string()).collect();
        return Err(Failure::Usage(format!(
            "{} of the {count} shards missing: {}{}; rerun them (`simulate --shard I/{count}` with the same model, seed, runs, mission and target) and merge again",
            missing.len(),
            list.join(", "),
            if missing.len() > 20 { ", ..." } else { "" }
        )));
    }
    let target = first
        .target
        .as_deref()
        .map(super::parse_availability)
        .transpose()
        .map_err(Failure::Usage)?;
    let sys = System::from_str_in(
        &first.model.file,
        &first.model.text,
        Some(first.model.catalog),
    )
    .map_err(Error::Model)?;
    let cfg = simulate::SimulationConfig {
        runs: first.runs,
        mission_s: first.mission_s,
        seed: first.seed,
        threads: None,
        target,
        precision: None,
        max_runs: first.runs,
        engine: simulate::Engine::default(),
    };
    let mut stats = Stats::new(
        first.mission_s,
        target.map(|t: Availability| t.unavailability() * first.mission_s),
    );
    let mut threads = 0;
    let mut elapsed = 0.0;
    for &k in by_index.iter().flatten() {
        let part = &parts[k].1;
        stats.merge(&part.stats).map_err(|e| {
            Failure::Usage(format!(
                "{}: {e} (its target does not match its statistics)",
                show(&parts[k].0)
            ))
        })?;
        threads = threads.max(part.threads);
        elapsed += part.elapsed_s;
    }
    let mut sim = simulate::summarise(&sys, &cfg, &stats, threads, false);
    fivenines::report::cross_check(&sys, &mut sim);
    let mut out = super::stdout();
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
        Some(Verdict::Inconclusive) => ExitCode::from(3),
    })
}
