//! `fivenines catalog`: the built-in AWS component catalog.

use std::io::Write;
use std::process::ExitCode;

use fivenines::catalog::{self, Entry};
use fivenines::model::quantity::human_duration;

use super::{CatalogProfile, Failure, Format};

const EXAMPLES: &str = "\
Examples:
  fivenines catalog                 every entry
  fivenines catalog elb             entries whose id or description contains \"elb\"
  fivenines catalog 'aws.dx.*'      a pattern with *
  fivenines catalog --format json
  fivenines catalog dx --catalog typical   our estimates, with their reasoning

Use an entry in a model with like = \"ID\"; keys written beside it override
the entry's figures:
  [component.alb]
  like = \"aws.elb.alb\"
  mttr = \"10m\"                       # our own repair time instead of the entry's

kind: sla = a published SLA (a contractual floor, not a measured
availability); documented = a figure from AWS documentation; assumption =
no published figure, ours; estimate = our estimate of real behaviour (the
typical profile, with its reasoning). --catalog typical shows each entry's
typical figures (default: sla). Exit status 1 when nothing matches.";

/// The built-in catalog of AWS components, with figures, kinds and sources.
#[derive(clap::Args, Debug)]
#[command(after_help = EXAMPLES)]
pub(crate) struct Args {
    /// Show entries whose id or description contains this (case-insensitive; * matches anything).
    pattern: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// Catalog figures `like` takes: sla (published floors) or typical (our estimates); overrides the model's `catalog` key.
    #[arg(long, value_enum)]
    catalog: Option<CatalogProfile>,
}

fn figures(e: &Entry) -> String {
    let mut parts = Vec::new();
    if let Some(a) = e.availability {
        parts.push(format!("availability {a}"));
    }
    if let Some(m) = e.mtbf_s {
        parts.push(format!("mtbf {}", human_duration(m)));
    }
    if let Some(r) = e.mttr_s {
        parts.push(format!("mttr {}", human_duration(r)));
    }
    if let Some(d) = e.detect_s {
        parts.push(format!("detect {}", human_duration(d)));
    }
    if let Some(f) = e.failover_s {
        parts.push(format!("failover {}", human_duration(f)));
    }
    if let Some(c) = e.switch_success {
        parts.push(format!("switch success {:.0}%", c * 100.0));
    }
    match e.revert {
        Some(true) => parts.push("revertive".to_string()),
        Some(false) => parts.push("non-revertive".to_string()),
        None => {}
    }
    if let Some(b) = e.failback_s {
        parts.push(format!("failback {}", human_duration(b)));
    }
    parts.join(", ")
}

impl Args {
    /// Whether the output is JSON (errors are then JSON on stdout too).
    pub(crate) fn json(&self) -> bool {
        self.format == Format::Json
    }
}

pub(crate) fn run(args: Args) -> Result<ExitCode, Failure> {
    let profile: catalog::Profile = args.catalog.map_or_else(Default::default, Into::into);
    let entries = match &args.pattern {
        Some(p) => catalog::search_in(p, profile),
        None => catalog::entries_in(profile).iter().collect(),
    };
    let mut out = super::stdout();
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &entries).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        Format::Table => {
            for e in &entries {
                let unconfirmed = if e.confirmed { "" } else { ", unconfirmed" };
                writeln!(
                    out,
                    "{:<38} {:<9} {}",
                    e.id,
                    e.role.table().trim_end_matches(" block"),
                    figures(e)
                )?;
                writeln!(
                    out,
                    "    {} [{}{unconfirmed}]",
                    e.description,
                    e.kind.as_str()
                )?;
                if let Some(a) = e.derived_availability {
                    writeln!(out, "    availability {a} (derived: mtbf / (mtbf + mttr))")?;
                }
                if profile == catalog::Profile::Typical
                    && let Some(floor) = e.sla_floor
                {
                    writeln!(out, "    SLA floor: {floor}")?;
                }
                writeln!(out, "    source: {}", e.source)?;
                if let Some(r) = &e.reasoning {
                    writeln!(out, "    reasoning: {r}")?;
                }
                if let Some(n) = &e.note {
                    writeln!(out, "    note: {n}")?;
                }
                if !e.see_also.is_empty() {
                    writeln!(out, "    see also: {}", e.see_also.join(", "))?;
                }
            }
            if !entries.is_empty() {
                writeln!(out, "profile: {}", catalog::profile_note(profile))?;
            }
            if entries.is_empty() {
                eprintln!("no catalog entry matches; `fivenines catalog` lists them all");
            }
        }
    }
    out.flush()?;
    Ok(if entries.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
