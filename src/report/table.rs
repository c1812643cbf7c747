//! Plain-text tables for people.

use std::io::{self, Write};

use crate::analytic::ContributorKind;
use crate::model::quantity::{
    Availability, DAY_S, YEAR_S, format_nines, format_percent, format_percent_ci, format_sci,
    format_sci_ci, format_share, format_share_coarse, human_duration, sig3, sig3_short,
};
use crate::report::{Report, Target, Verdict};
use crate::simulate::Simulation;
use crate::text::{escape, pad, width};
use crate::value::finding::Finding;

/// How many contributors the table lists.
const TOP: usize = 10;

/// Writes the report as a table: every figure with its unit, the top
/// contributors, and every approximation named.
///
/// # Errors
///
/// Errors of the writer.
pub fn render_table(r: &Report, out: &mut impl Write) -> io::Result<()> {
    writeln!(out, "{}", escape(&r.name))?;
    let method = if r.findings.approximations.is_empty() {
        r.engine.describe().to_string()
    } else {
        format!(
            "analytic steady state with approximations ({} of the downtime rests on them)",
            format_share_coarse(r.approximate_share)
        )
    };
    writeln!(out, "system `{}`, {method}\n", escape(&r.system))?;
    let row = |out: &mut dyn Write, k: &str, v: String, note: String| -> io::Result<()> {
        if note.is_empty() {
            writeln!(out, "  {k:<22} {v}")
        } else {
            writeln!(out, "  {k:<22} {v:<18} {note}")
        }
    };
    let nines = if r.nines.is_finite() {
        format!("{} nines", format_nines(r.nines))
    } else {
        "never fails".to_string()
    };
    row(
        out,
        "availability",
        format_percent(r.availability, r.unavailability),
        format!("({nines})"),
    )?;
    row(
        out,
        "unavailability",
        format_sci(r.unavailability),
        String::new(),
    )?;
    row(
        out,
        "downtime a year",
        human_duration(r.downtime_per_year_s),
        format!("({} s in a 365-day year)", sig3(r.downtime_per_year_s)),
    )?;
    row(
        out,
        "downtime a month",
        human_duration(r.downtime_per_year_s / 12.0),
        "(1/12 year)".to_string(),
    )?;
    match (r.outages_per_year, r.mean_outage_s) {
        (Some(f), Some(d)) => {
            row(
                out,
                "outages a year",
                sig3(f),
                format!("(one every {} on average)", human_duration(YEAR_S / f)),
            )?;
            row(out, "mean outage", human_duration(d), String::new())?;
        }
        (Some(_), None) => row(
            out,
            "outages a year",
            "0".to_string(),
            if r.availability <= 0.0 {
                "(down all the time: never comes back)".to_string()
            } else {
                "(never fails)".to_string()
            },
        )?,
        _ => {
            row(out, "outages a year", "unknown".to_string(), String::new())?;
            row(out, "mean outage", "unknown".to_string(), String::new())?;
            let verb = if r.untimed.len() == 1 {
                "gives"
            } else {
                "give"
            };
            writeln!(
                out,
                "  (frequency and duration need a time scale: {} {verb} availability alone; add `mttr`)",
                list(&r.untimed, 6)
            )?;
        }
    }
    if let Some(cost) = r.cost_per_month {
        row(
            out,
            "cost a month",
            format!("{cost:.2} {}", r.currency),
            String::new(),
        )?;
    }
    if let Some(t) = &r.target {
        let ta = t.label();
        let verdict = if t.met {
            format!(
                "MET, {} a year to spare",
                human_duration(t.margin_per_year_s)
            )
        } else {
            format!("MISSED by {} a year", human_duration(-t.margin_per_year_s))
        };
        row(
            out,
            "target",
            ta,
            format!(
                "{verdict} (budget {} a year)",
                human_duration(t.budget_per_year_s)
            ),
        )?;
    }

    let shown: Vec<_> = r
        .contributors
        .iter()
        .filter(|c| c.downtime_per_year_s > 0.0)
        .take(TOP)
        .collect();
    if !shown.is_empty() {
        writeln!(
            out,
            "\nTop contributors: downtime a year that would disappear if it never failed"
        )?;
        writeln!(
            out,
            "  {:<28} {:<10} {:>14} {:>7} {:>12} {:>10}",
            "name", "kind", "downtime/year", "share", "criticality", "birnbaum"
        )?;
        for c in shown {
            let kind = match c.kind {
                ContributorKind::Component => "component",
                ContributorKind::Domain => "domain",
                ContributorKind::Failover => "failover",
            };
            let share = if r.downtime_per_year_s > 0.0 {
                100.0 * c.downtime_per_year_s / r.downtime_per_year_s
            } else {
                0.0
            };
            writeln!(
                out,
                "  {} {:<10} {:>14} {:>6.1}% {:>12.4} {:>10}",
                pad(&c.name, 28),
                kind,
                human_duration(c.downtime_per_year_s),
                share,
                c.criticality,
                small(c.birnbaum)
            )?;
        }
        writeln!(
            out,
            "  (share: of the expected downtime; shares can add up to more than 100% where failures overlap)"
        )?;
    }
    if !r.findings.approximations.is_empty() {
        bullets(out, "Approximations", &r.findings.approximations)?;
        writeln!(
            out,
            "  ({} of the downtime rests on these; structure exact: unavailability {}; standby dynamics add {}, {} a year)",
            format_share_coarse(r.approximate_share),
            format_sci(r.structural_unavailability),
            format_sci(r.failover_unavailability),
            human_duration(r.failover_unavailability * YEAR_S)
        )?;
    } else {
        let how = match r.markov_states {
            Some(n) => format!(
                " Standby blocks solved as a Markov chain of {n} states; their dynamics add {} a year.",
                human_duration(r.failover_unavailability * YEAR_S)
            ),
            None => String::new(),
        };
        writeln!(out, "\nAll figures exact (no approximation).{how}")?;
    }
    bullets(out, "Notes", &r.findings.notes)
}

/// A titled list, when it has items.
fn bullets(out: &mut impl Write, title: &str, items: &[Finding]) -> io::Result<()> {
    if !items.is_empty() {
        writeln!(out, "\n{title}")?;
        for item in items {
            writeln!(out, "  - {}", escape(&item.to_string()))?;
        }
    }
    Ok(())
}

/// Four decimals, or three significant digits in exponent form when small.
fn small(x: f64) -> String {
    if x == 0.0 || x >= 1e-3 {
        format!("{x:.4}")
    } else {
        format!("{x:.3e}")
    }
}

fn list(names: &[String], max: usize) -> String {
    let mut s: Vec<String> = names
        .iter()
        .take(max)
        .map(|n| format!("`{}`", escape(n)))
        .collect();
    if names.len() > max {
        s.push(format!("and {} more", names.len() - max));
    }
    s.join(", ")
}

/// Writes the table of nines against downtime per year, month (1/12 of a
/// year), week and day, for a 365-day year; with `one`, that availability only.
///
/// # Errors
///
/// Errors of the writer.
pub fn render_nines_table(one: Option<Availability>, out: &mut impl Write) -> io::Result<()> {
    let rows: Vec<Availability> = match one {
        Some(a) => vec![a],
        None => [
            "90%", "99%", "99.5%", "99.9%", "99.95%", "99.99%", "99.995%", "99.999%", "99.9999%",
        ]
        .iter()
        .map(|s| Availability::parse(s).expect("fixed table"))
        .collect(),
    };
    let first = rows
        .iter()
        .map(|a| a.to_string().len())
        .max()
        .unwrap_or(0)
        .max(14);
    writeln!(
        out,
        "{:<first$} {:>7} {:>12} {:>12} {:>12} {:>12}",
        "availability", "nines", "per year", "per month", "per week", "per day"
    )?;
    for a in rows {
        let q = a.unavailability();
        let nines = format_nines(a.nines());
        writeln!(
            out,
            "{:<first$} {:>7} {:>12} {:>12} {:>12} {:>12}",
            a.to_string(),
            nines,
            human_duration(q * YEAR_S),
            human_duration(q * YEAR_S / 12.0),
            human_duration(q * 7.0 * DAY_S),
            human_duration(q * DAY_S)
        )?;
    }
    writeln!(
        out,
        "\n(downtime allowed: year = 365 days, month = 1/12 year = 30.4 days)"
    )?;
    Ok(())
}

/// Writes a simulation as a table: every figure with its unit, the
/// confidence interval, and every approximation named. `elapsed_s` is the
/// wall time, shown as runs per second.
///
/// # Errors
///
/// Errors of the writer.
pub fn render_simulation(s: &Simulation, elapsed_s: f64, out: &mut impl Write) -> io::Result<()> {
    writeln!(out, "{}", escape(&s.name))?;
    writeln!(
        out,
        "system `{}`, Monte Carlo: {} of {} each, seed {}, {}, {} in {}\n",
        escape(&s.system),
        count(s.runs, "run", "runs"),
        human_duration(s.mission_s),
        s.seed,
        count(s.threads as u64, "thread", "threads"),
        runs_per_second(s.runs, elapsed_s),
        human_duration(elapsed_s)
    )?;
    let a = &s.availability;
    let u = &s.unavailability;
    let [mean, lo, hi] = format_percent_ci(
        (a.mean, u.mean),
        (a.ci95[0], u.ci95[1]),
        (a.ci95[1], u.ci95[0]),
    );
    writeln!(
        out,
        "  {:<24} {mean}  (95% CI {lo} to {hi})",
        "mean availability"
    )?;
    let [mean, lo, hi] = format_sci_ci(u.mean, u.ci95[0], u.ci95[1]);
    writeln!(
        out,
        "  {:<24} {mean}  (95% CI {lo} to {hi})",
        "mean unavailability"
    )?;
    if !s.ci_reliable {
        writeln!(
            out,
            "  {:<24} only {} outage(s) seen in all runs (fewer than {}): the CI is unreliable; simulate more runs (--runs, or --precision)",
            "CI UNRELIABLE",
            s.outages_seen,
            crate::simulate::MIN_OUTAGES_FOR_CI
        )?;
    }
    if let Some(c) = &s.analytic {
        let verdict = match (c.inside_ci95, c.approximate) {
            (_, _) if !s.ci_reliable => "the CI above is unreliable: compare after more runs",
            (true, _) => "inside the CI",
            (false, true) => "outside the CI: too few runs, or its named approximations",
            (false, false) => {
                "outside the CI: expected 1 time in 20, more often with few runs; try more"
            }
        };
        writeln!(
            out,
            "  {:<24} {}  ({verdict})",
            "exact analytic",
            format_percent(c.availability, c.unavailability)
        )?;
    }
    let d = &s.downtime_s;
    let per = human_duration(s.mission_s);
    writeln!(out, "\nDowntime per mission ({per})")?;
    writeln!(out, "  {:<24} {}", "mean", human_duration(d.mean))?;
    writeln!(out, "  {:<24} {}", "median", human_duration(d.p50))?;
    writeln!(out, "  {:<24} {}", "90th percentile", human_duration(d.p90))?;
    writeln!(out, "  {:<24} {}", "99th percentile", human_duration(d.p99))?;
    writeln!(out, "  {:<24} {}", "worst run", human_duration(d.max))?;
    writeln!(
        out,
        "  {:<24} {:.2}%",
        "no downtime at all",
        100.0 * d.p_zero
    )?;
    writeln!(out, "\nOutages")?;
    writeln!(
        out,
        "  {:<24} {}",
        "per mission (mean)",
        sig3(s.outages.mean)
    )?;
    match s.mean_outage_s {
        Some(m) => writeln!(out, "  {:<24} {}", "mean duration", human_duration(m))?,
        None => writeln!(out, "  {:<24} none seen", "mean duration")?,
    }
    writeln!(
        out,
        "  {:<24} {} (mean), {} (worst)",
        "longest in a mission",
        human_duration(s.longest_outage_s.mean),
        human_duration(s.longest_outage_s.max)
    )?;
    if let Some(t) = &s.target {
        let ta = t.label();
        match t.verdict {
            Verdict::Met => writeln!(
                out,
                "\nTarget {ta}: MET (the whole 95% CI of the availability is at or above it)"
            )?,
            Verdict::Missed => writeln!(
                out,
                "\nTarget {ta}: MISSED (the whole 95% CI of the availability is below it)"
            )?,
            Verdict::Inconclusive => {
                let [_, lo, hi] = format_percent_ci(
                    (a.mean, u.mean),
                    (a.ci95[0], u.ci95[1]),
                    (a.ci95[1], u.ci95[0]),
                );
                writeln!(
                    out,
                    "\nTarget {ta}: INCONCLUSIVE (the 95% CI of the availability, {lo} to {hi}, straddles it; exit status 3)"
                )?;
                writeln!(out, "  {}", inconclusive_hint(s, t))?;
            }
        }
        if let Some(p) = s.p_meets_target {
            writeln!(
                out,
                "  {:<24} {:.2}%  (downtime within {} per {per})",
                "missions that meet it",
                100.0 * p,
                human_duration(t.budget_per_year_s * s.mission_s / YEAR_S)
            )?;
        }
    }
    if let Some(p) = &s.precision {
        let state = if p.reached {
            "reached"
        } else {
            "NOT reached: hit --max-runs"
        };
        writeln!(
            out,
            "\nPrecision: CI half-width {} of the unavailability (asked {}): {state}",
            format_share(p.achieved),
            format_share(p.requested)
        )?;
    }
    bullets(out, "Approximations", &s.findings.approximations)?;
    bullets(out, "Notes", &s.findings.notes)
}

/// `1 run`, `2 runs`.
fn count(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{} {many}", crate::text::thousands(n as usize))
    }
}

/// The rate of a run, with its unit: `169,000 runs/s`, `0.52 runs/s`.
fn runs_per_second(runs: u64, elapsed_s: f64) -> String {
    let rate = runs as f64 / elapsed_s.max(1e-9);
    if rate >= 1000.0 {
        format!("{} runs/s", crate::text::thousands(rate.round() as usize))
    } else {
        format!("{} runs/s", sig3(rate))
    }
}

/// What to do about an inconclusive verdict: the `--precision` that would
/// separate the estimate from the target, and about how many runs it takes.
fn inconclusive_hint(s: &Simulation, t: &Target) -> String {
    let u = s.unavailability.mean;
    let target_q = t.budget_per_year_s / YEAR_S;
    let half_width = (s.unavailability.ci95[1] - s.unavailability.ci95[0]) / 2.0;
    let gap = if u > 0.0 {
        (u - target_q).abs() / u
    } else {
        0.0
    };
    if gap < 1e-3 {
        return format!(
            "the estimate is within 0.1% of the target: the system sits at the target, and more runs are unlikely to decide ({} runs so far)",
            crate::text::thousands(s.runs as usize)
        );
    }
    // Half the gap, rounded down to one significant digit: the CI then
    // clears the target even if the estimate moves a little.
    let p = {
        let x = gap / 2.0;
        let unit = 10f64.powf(x.log10().floor());
        ((x / unit).floor() * unit).min(0.5)
    };
    let runs = s.runs as f64 * (half_width / u / p).powi(2);
    let runs = {
        let unit = 10f64.powf(runs.log10().floor() - 1.0).max(1.0);
        ((runs / unit).ceil() * unit) as usize
    };
    let more = if runs as u64 > 10_000_000 {
        format!(" and --max-runs {}", runs)
    } else {
        String::new()
    };
    format!(
        "to decide, run more: e.g. --precision {}%{more} (about {} runs; {} so far)",
        sig3_short(100.0 * p),
        crate::text::thousands(runs),
        crate::text::thousands(s.runs as usize)
    )
}

/// One row of a comparison: a report and the file it came from.
#[derive(Clone, Copy, Debug)]
pub struct Row<'a> {
    /// The model file as given.
    pub file: &'a str,
    /// Its report.
    pub report: &'a Report,
}

fn compare_cells(r: &Report) -> [String; 5] {
    let nines = format_nines(r.nines);
    let (outages, mean) = match (r.outages_per_year, r.mean_outage_s) {
        (Some(f), Some(d)) => (sig3(f), human_duration(d)),
        (Some(_), None) => ("0".to_string(), "-".to_string()),
        _ => ("unknown".to_string(), "unknown".to_string()),
    };
    let approx = if r.findings.approximations.is_empty() {
        ""
    } else {
        " *"
    };
    [
        format!(
            "{}{approx}",
            format_percent(r.availability, r.unavailability)
        ),
        nines,
        human_duration(r.downtime_per_year_s),
        outages,
        mean,
    ]
}

/// Writes reports side by side, one line each, best first as given.
/// A `*` marks figures that rest partly on a named approximation.
///
/// # Errors
///
/// Errors of the writer.
pub fn render_comparison(rows: &[Row<'_>], out: &mut impl Write) -> io::Result<()> {
    let width = rows
        .iter()
        .map(|r| width(&escape(r.file)))
        .max()
        .unwrap_or(4)
        .max(4);
    let costs = rows.iter().any(|r| r.report.cost_per_month.is_some());
    let cheapest = crate::report::cheapest_meeting_target(rows.iter().map(|r| r.report));
    let cost_head = if costs {
        format!(" {:>12} {:>12}", "cost/month", "cost/nine")
    } else {
        String::new()
    };
    writeln!(
        out,
        "{}  {:>14} {:>6} {:>14} {:>12} {:>12}{cost_head}  target",
        pad("file", width),
        "availability",
        "nines",
        "downtime/year",
        "outages/year",
        "mean outage"
    )?;
    for (i, row) in rows.iter().enumerate() {
        let c = compare_cells(row.report);
        let target = match &row.report.target {
            Some(t) if t.met && cheapest == Some(i) => "met, cheapest",
            Some(t) if t.met => "met",
            Some(_) => "MISSED",
            None => "-",
        };
        let cost = if costs {
            let r = row.report;
            let per_nine = match r.cost_per_month {
                Some(c) if r.nines.is_finite() && r.nines > 0.0 => format!("{:.2}", c / r.nines),
                _ => "-".to_string(),
            };
            format!(
                " {:>12} {:>12}",
                r.cost_per_month
                    .map_or("-".to_string(), |c| format!("{c:.2}")),
                per_nine
            )
        } else {
            String::new()
        };
        writeln!(
            out,
            "{}  {:>14} {:>6} {:>14} {:>12} {:>12}{cost}  {target}",
            pad(row.file, width),
            c[0],
            c[1],
            c[2],
            c[3],
            c[4]
        )?;
    }
    if rows
        .iter()
        .any(|r| !r.report.findings.approximations.is_empty())
    {
        writeln!(
            out,
            "\n* rests partly on a named approximation (see `estimate` for details)"
        )?;
    }
    if costs {
        let currency = rows
            .first()
            .map_or(String::new(), |r| escape(&r.report.currency).into_owned());
        writeln!(
            out,
            "(cost per month in {currency}, of the parts each model uses; cost/nine: cost per month divided by the nines)"
        )?;
    }
    writeln!(
        out,
        "(downtime in a 365-day year; analytic steady state, as `estimate`)"
    )?;
    writeln!(out, "{}", profile_line(rows))?;
    Ok(())
}

/// Which catalog profile the compared models took their `like` figures
/// from (one line).
fn profile_line(rows: &[Row<'_>]) -> String {
    use crate::catalog::Profile;
    let mut used: Vec<Profile> = rows.iter().map(|r| r.report.catalog_profile).collect();
    used.sort_by_key(|p| p.as_str());
    used.dedup();
    let what = |p: Profile| match p {
        Profile::Sla => "published floors: SLAs, documented timings, our assumptions",
        Profile::Typical => "our estimates of real behaviour",
    };
    match used.as_slice() {
        [one] => format!("Catalog profile: {one} ({}).", what(*one)),
        _ => {
            let each: Vec<String> = rows
                .iter()
                .map(|r| format!("{} {}", escape(r.file), r.report.catalog_profile))
                .collect();
            format!("Catalog profiles: {}.", each.join(", "))
        }
    }
}

/// Writes reports as a Markdown table (for documentation).
///
/// # Errors
///
/// Errors of the writer.
pub fn render_comparison_markdown(rows: &[Row<'_>], out: &mut impl Write) -> io::Result<()> {
    writeln!(
        out,
        "| model | file | availability | nines | downtime a year | outages a year | mean outage |"
    )?;
    writeln!(out, "|---|---|---:|---:|---:|---:|---:|")?;
    for row in rows {
        let c = compare_cells(row.report);
        // The path as given, so that the link works from where the
        // command ran (run it beside the Markdown file for bare names).
        let file = escape(row.file).replace('|', "\\|");
        let href = if file.contains([' ', '(', ')', '<', '>']) {
            format!("<{file}>")
        } else {
            file.clone()
        };
        writeln!(
            out,
            "| {} | [`{file}`]({href}) | {} | {} | {} | {} | {} |",
            escape(&row.report.name).replace('|', "\\|"),
            c[0],
            c[1],
            c[2],
            c[3],
            c[4]
        )?;
    }
    if rows
        .iter()
        .any(|r| !r.report.findings.approximations.is_empty())
    {
        writeln!(
            out,
            "\n\\* rests partly on a named approximation (see `estimate`)."
        )?;
    }
    writeln!(out, "\n{}", profile_line(rows))?;
    Ok(())
}
