//! Command-line interface: clap definitions, dispatch, and error display.
//! Exit status: 0 ran fine (target met or none), 1 ran fine but the target
//! was missed, 2 bad input or usage, 3 a simulation whose 95% confidence
//! interval straddles the target (inconclusive).

mod blast;
mod catalog;
mod compare;
#[cfg(feature = "charts")]
mod diagram;
mod estimate;
mod merge;
mod nines;
mod optimize;
#[cfg(feature = "charts")]
mod review;
mod simulate;
mod sweep;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use fivenines::{Availability, Error, ModelErrors, text};

const ABOUT: &str =
    "Availability and downtime of a system from its parts: exact, and by Monte Carlo";

const EXAMPLES: &str = "\
Examples:
  fivenines estimate models/multi-az-three-tier.toml --target 99.99%
  fivenines estimate models/dx-vpn-backup.toml --format json
  fivenines simulate models/multi-az-three-tier.toml --runs 100000 --target 99.99%
  fivenines compare models/dx-*.toml --target 99.99%
  fivenines estimate models/multi-az-three-tier.toml --down az-a
  fivenines blast models/multi-az-three-tier.toml
  fivenines sweep models/multi-az-three-tier.toml --vary block.db.failover=0s..5m --target 99.99%
  fivenines simulate model.toml --runs 1000000 --shard 0/4 --out part-0.json
  fivenines merge part-*.json
  fivenines diagram models/multi-az-three-tier.toml -o multi-az.svg
  fivenines report models/multi-az-three-tier.toml --target 99.99% -o review.html
  fivenines nines
  fivenines nines 99.95%
  fivenines catalog elb

Exit status: 0 when the target is met (or none is given), 1 when it is
missed, 2 for bad input or usage, 3 when a simulation is inconclusive (its
95% confidence interval straddles the target).";

#[derive(Parser, Debug)]
#[command(name = "fivenines", version, about = ABOUT, after_help = EXAMPLES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    Estimate(estimate::Args),
    Simulate(simulate::Args),
    Merge(merge::Args),
    Compare(compare::Args),
    Nines(nines::Args),
    Catalog(catalog::Args),
    Blast(blast::Args),
    Sweep(sweep::Args),
    Optimize(optimize::Args),
    #[cfg(feature = "charts")]
    Diagram(diagram::Args),
    #[cfg(feature = "charts")]
    Report(review::Args),
}

/// Output format of a report.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    /// A table for people.
    Table,
    /// JSON for programs.
    Json,
}

/// The catalog profile, for `--catalog`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CatalogProfile {
    /// Published figures: SLA floors, documented timings, our assumptions.
    Sla,
    /// Our estimates of real behaviour, with their reasoning.
    Typical,
}

impl From<CatalogProfile> for fivenines::catalog::Profile {
    fn from(p: CatalogProfile) -> Self {
        match p {
            CatalogProfile::Sla => fivenines::catalog::Profile::Sla,
            CatalogProfile::Typical => fivenines::catalog::Profile::Typical,
        }
    }
}

/// Parses `99.99%`, `0.9999` or `4 nines` for clap.
pub(crate) fn parse_availability(s: &str) -> Result<Availability, String> {
    Availability::parse(s).map_err(|e| match e.help {
        Some(h) => format!("{} ({h})", e.message),
        None => e.message,
    })
}

/// Standard output, buffered: a report is a few large writes, not one
/// `write` call per JSON token (the d2 bench model's 209 kB report took
/// 8,048). Callers flush at the end, so that a write error (other than a
/// closed pipe, which exits 0 quietly) is reported.
pub(crate) fn stdout() -> std::io::BufWriter<std::io::StdoutLock<'static>> {
    std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock())
}

/// Reads a model: a file, or standard input for `-` (named `<stdin>`);
/// `catalog` (from `--catalog`) replaces the model's `catalog` key.
pub(crate) fn load(
    path: &std::path::Path,
    catalog: Option<CatalogProfile>,
) -> Result<fivenines::System, Error> {
    let profile = catalog.map(Into::into);
    if path.as_os_str() == "-" {
        fivenines::System::from_reader_in("<stdin>", std::io::stdin().lock(), profile)
    } else {
        fivenines::System::from_path_in(path, profile)
    }
}

/// What went wrong in a command.
pub(crate) enum Failure {
    Lib(Error),
    Io(std::io::Error),
    /// Arguments that clap accepts one by one but not together.
    Usage(String),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Lib(e)
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::Io(e)
    }
}

pub(crate) fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = match &cli.command {
        Command::Estimate(args) => args.json(),
        Command::Simulate(args) => args.json(),
        Command::Merge(args) => args.json(),
        Command::Compare(args) => args.json(),
        Command::Catalog(args) => args.json(),
        Command::Nines(_) => false,
        Command::Blast(args) => args.json(),
        Command::Sweep(args) => args.json(),
        Command::Optimize(args) => args.json(),
        #[cfg(feature = "charts")]
        Command::Diagram(_) | Command::Report(_) => false,
    };
    let result = match cli.command {
        Command::Estimate(args) => estimate::run(args),
        Command::Nines(args) => nines::run(args),
        Command::Catalog(args) => catalog::run(args),
        Command::Simulate(args) => simulate::run(args),
        Command::Merge(args) => merge::run(args),
        Command::Compare(args) => compare::run(args),
        Command::Blast(args) => blast::run(args),
        Command::Sweep(args) => sweep::run(args),
        Command::Optimize(args) => optimize::run(args),
        #[cfg(feature = "charts")]
        Command::Diagram(args) => diagram::run(args),
        #[cfg(feature = "charts")]
        Command::Report(args) => review::run(args),
    };
    let failure = match result {
        Ok(code) => return code,
        Err(Failure::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            return ExitCode::SUCCESS;
        }
        Err(f) => f,
    };
    if json {
        print_error_json(&failure);
    }
    match failure {
        Failure::Io(e) => eprintln!("error: {e}"),
        Failure::Lib(Error::Model(errors)) => print_model_errors(&errors),
        Failure::Lib(e) => eprintln!("error: {}", text::escape(&e.to_string())),
        Failure::Usage(message) => {
            eprintln!("error: {message}\n\nFor more information, try '--help'.");
        }
    }
    ExitCode::from(2)
}

/// Under `--format json`, an error is also one JSON object on stdout, so
/// that a program reading stdout gets JSON either way:
/// `{"error": {"kind", "code", "message", "problems": [...]}}`. Not for a
/// failure to write stdout itself.
fn print_error_json(failure: &Failure) {
    let code = match failure {
        Failure::Lib(e) => e.code(),
        Failure::Usage(_) => "usage",
        Failure::Io(_) => "io",
    };
    let (kind, message, problems) = match failure {
        Failure::Io(_) => return,
        Failure::Usage(m) => ("usage", m.clone(), Vec::new()),
        Failure::Lib(Error::Model(errors)) => (
            "model",
            errors.to_string(),
            errors
                .errors
                .iter()
                .map(|e| {
                    serde_json::json!({
                        "file": e.file,
                        "line": e.line,
                        "column": e.column,
                        "message": e.message,
                        "help": e.help,
                    })
                })
                .collect(),
        ),
        Failure::Lib(e @ Error::Io { .. }) => ("io", e.to_string(), Vec::new()),
        Failure::Lib(e) => ("evaluation", e.to_string(), Vec::new()),
    };
    let value = serde_json::json!({
        "error": { "kind": kind, "code": code, "message": message, "problems": problems }
    });
    let mut out = stdout();
    let _ = serde_json::to_writer_pretty(&mut out, &value);
    let _ = writeln!(out);
    let _ = out.flush();
}

/// Whether stderr gets colour: a terminal, and no `NO_COLOR`.
fn color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// How many model errors are printed in full; the rest are counted.
const SHOWN_ERRORS: usize = 50;

/// Prints the model errors with their snippets (the first
/// [`SHOWN_ERRORS`]), then a summary line.
fn print_model_errors(errors: &ModelErrors) {
    let theme = if color() {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let handler = miette::GraphicalReportHandler::new_themed(theme).with_width(100);
    let mut out = String::new();
    for e in errors.errors.iter().take(SHOWN_ERRORS) {
        out.push_str(&format!("error: {}\n", e.short()));
        if handler.render_report(&mut out, e).is_err() {
            out.push_str(&format!("  {}\n", e.message));
        }
        out.push('\n');
    }
    let hidden = errors.errors.len().saturating_sub(SHOWN_ERRORS);
    if hidden > 0 {
        out.push_str(&format!(
            "error: ... and {} more (the first {SHOWN_ERRORS} are shown; `--format json` lists them all)\n",
            text::thousands(hidden)
        ));
    }
    out.push_str(&format!("error: {errors}\n"));
    let _ = std::io::stderr().write_all(out.as_bytes());
}

/// The model with `down` held down and `up` perfect (what-if), and the
/// note that says so (none without either).
pub(crate) fn what_if(
    sys: fivenines::System,
    down: &[String],
    up: &[String],
) -> Result<(fivenines::System, Option<fivenines::Finding>), Error> {
    use fivenines::study::{Change, Study};
    if down.is_empty() && up.is_empty() {
        return Ok((sys, None));
    }
    let changes: Vec<Change> = down
        .iter()
        .map(|n| Change::Down(n.trim().to_string()))
        .chain(up.iter().map(|n| Change::Up(n.trim().to_string())))
        .collect();
    let changed = Study::new(sys).system(&changes)?;
    let list = |names: &[String]| {
        names
            .iter()
            .map(|n| format!("`{}`", n.trim()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut parts = Vec::new();
    if !down.is_empty() {
        parts.push(format!("held down for good: {}", list(down)));
    }
    if !up.is_empty() {
        parts.push(format!("never failing: {}", list(up)));
    }
    let note = fivenines::Finding::note(
        fivenines::Code::WhatIf,
        None,
        format!("what-if: {}", parts.join("; ")),
    );
    Ok((changed, Some(note)))
}

/// Prints the model's warnings on stderr, each with its file.
pub(crate) fn print_warnings(
    file: &std::path::Path,
    warnings: &[fivenines::value::finding::Finding],
) {
    let file = file.display().to_string();
    for w in warnings {
        eprintln!(
            "warning: {}: {}",
            text::escape(&file),
            text::escape(&w.to_string())
        );
    }
}
