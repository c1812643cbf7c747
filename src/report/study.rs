//! Tables and CSV for the study layer: blast radius and sweeps.

use std::io::{self, Write};

use crate::model::quantity::{YEAR_S, format_percent, human_duration, sig3};
use crate::study::{Blast, Field, Sweep};
use crate::text::{escape, pad, width};

/// Writes a blast radius as a table: single points of failure, every part
/// with the availability while it is down, and the order-2 cut sets.
///
/// # Errors
///
/// Errors of the writer.
pub fn render_blast(b: &Blast, out: &mut impl Write) -> io::Result<()> {
    writeln!(out, "{}", escape(&b.name))?;
    writeln!(
        out,
        "system `{}`: blast radius of each component, replica and domain (availability {} as `estimate` gives it)\n",
        escape(&b.system),
        format_percent(b.availability, 1.0 - b.availability)
    )?;
    if b.single_points_of_failure.is_empty() {
        writeln!(out, "Single points of failure: none")?;
    } else {
        let names: Vec<String> = b
            .single_points_of_failure
            .iter()
            .map(|n| format!("`{}`", escape(n)))
            .collect();
        writeln!(
            out,
            "Single points of failure ({}): {}",
            names.len(),
            names.join(", ")
        )?;
    }
    let w = b
        .items
        .iter()
        .map(|i| width(&escape(&i.name)))
        .max()
        .unwrap_or(4)
        .max(4);
    writeln!(
        out,
        "\n  {}  {:<9}  {:>20}  {:>6}  {:>16}",
        pad("name", w),
        "kind",
        "availability if down",
        "SPOF",
        "its downtime/year"
    )?;
    for i in &b.items {
        writeln!(
            out,
            "  {}  {:<9}  {:>20}  {:>6}  {:>16}",
            pad(&escape(&i.name), w),
            i.kind,
            format_percent(i.availability_when_down, 1.0 - i.availability_when_down),
            if i.single_point_of_failure {
                "yes"
            } else {
                "no"
            },
            if i.single_point_of_failure {
                human_duration(i.downtime_per_year_s)
            } else {
                "-".to_string()
            }
        )?;
    }
    writeln!(
        out,
        "  (availability if down: the system's exact availability with that part down for good; its downtime/year: its own unavailability x a year, for a single point of failure)"
    )?;
    if !b.pairs_enumerated {
        writeln!(
            out,
            "\nPairs of failures: not enumerated (model too large: parts squared x structure nodes over 4e8)"
        )?;
    } else if b.cut_sets.is_empty() {
        writeln!(out, "\nPairs of failures that take the system down: none")?;
    } else {
        writeln!(
            out,
            "\nPairs of failures that take the system down (minimal cut sets of order 2), most joint downtime first"
        )?;
        for c in b.cut_sets.iter().take(20) {
            let names: Vec<String> = c.names.iter().map(|n| format!("`{}`", escape(n))).collect();
            writeln!(
                out,
                "  {:<50} both down {:>12} a year (probability {:.3e})",
                names.join(" + "),
                human_duration(c.downtime_per_year_s),
                c.probability
            )?;
        }
        if b.cut_sets.len() > 20 {
            writeln!(
                out,
                "  ... and {} more (--format json lists them all)",
                b.cut_sets.len() - 20
            )?;
        }
        writeln!(
            out,
            "  (both down: the product of the two parts' own steady-state unavailabilities, which are independent, as time a year)"
        )?;
    }
    Ok(())
}

/// A swept value with its unit.
fn value(field: Field, v: f64) -> String {
    match field {
        f if f.is_duration() => human_duration(v),
        Field::Availability => format_percent(v, 1.0 - v),
        Field::Count => format!("{v}"),
        _ => format!("{v:.6}"),
    }
}

/// Writes a sweep as a table, one line per point, then the crossings.
///
/// # Errors
///
/// Errors of the writer.
pub fn render_sweep(s: &Sweep, fields: &[Field], out: &mut impl Write) -> io::Result<()> {
    writeln!(out, "{}", escape(&s.name))?;
    writeln!(
        out,
        "system `{}`: sweep of {} ({} exact evaluations{})\n",
        escape(&s.system),
        s.keys
            .iter()
            .map(|k| escape(k).into_owned())
            .collect::<Vec<_>>()
            .join(" and "),
        s.evaluations,
        if s.reused_diagram {
            ", one diagram re-used"
        } else {
            ""
        }
    )?;
    let k1 = escape(&s.keys[0]).into_owned();
    let k2 = s.keys.get(1).map(|k| escape(k).into_owned());
    let w1 = width(&k1).max(12);
    let w2 = k2.as_ref().map_or(0, |k| width(k).max(12));
    let mut head = format!("  {}", pad(&k1, w1));
    if let Some(k) = &k2 {
        head.push_str(&format!("  {}", pad(k, w2)));
    }
    let costs = s.points.iter().any(|p| p.cost_per_month.is_some());
    head.push_str(&format!(
        "  {:>16}  {:>14}  {:>13}",
        "availability", "downtime/year", "outages/year"
    ));
    if costs {
        head.push_str(&format!("  {:>12}", "cost/month"));
    }
    if s.target.is_some() {
        head.push_str("  target");
    }
    writeln!(out, "{head}")?;
    let mut approximate = false;
    for p in &s.points {
        approximate |= p.approximate;
        let mut line = format!("  {}", pad(&value(fields[0], p.value), w1));
        if let (Some(v2), Some(f2)) = (p.value2, fields.get(1)) {
            line.push_str(&format!("  {}", pad(&value(*f2, v2), w2)));
        }
        line.push_str(&format!(
            "  {:>16}  {:>14}  {:>13}",
            format!(
                "{}{}",
                format_percent(p.availability, p.unavailability),
                if p.approximate { "*" } else { "" }
            ),
            human_duration(p.downtime_per_year_s),
            p.outages_per_year.map_or("unknown".to_string(), sig3),
        ));
        if costs {
            line.push_str(&format!(
                "  {:>12}",
                p.cost_per_month
                    .map_or("-".to_string(), |c| format!("{c:.2}"))
            ));
        }
        if let Some(m) = p.meets_target {
            line.push_str(if m { "  met" } else { "  missed" });
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    if approximate {
        writeln!(
            out,
            "  * rests on approximations (first-order failover or Erlang fits of delays); `estimate` on that variant names them"
        )?;
    }
    if let Some(t) = s.target {
        writeln!(out)?;
        if s.crossing.is_empty() {
            let all = s.points.iter().all(|p| p.meets_target == Some(true));
            writeln!(
                out,
                "Target {}: {} over the whole range",
                format_percent(t, 1.0 - t),
                if all { "met" } else { "missed" }
            )?;
        }
        for c in &s.crossing {
            let at = c
                .value2
                .zip(fields.get(1))
                .map(|(v, f)| format!(" (at {} = {})", escape(&s.keys[1]), value(*f, v)))
                .unwrap_or_default();
            writeln!(
                out,
                "Target {} crossed at {} = {}{at}: met {} it (bisection between {} and {})",
                format_percent(t, 1.0 - t),
                k1,
                value(fields[0], c.value),
                if c.meets_above { "above" } else { "below" },
                value(fields[0], c.between[0]),
                value(fields[0], c.between[1]),
            )?;
        }
    }
    writeln!(
        out,
        "  (downtime/year: in a 365-day year, {} s{})",
        YEAR_S,
        if costs {
            "; cost/month in the model's currency"
        } else {
            ""
        }
    )?;
    Ok(())
}

/// Writes a sweep as CSV: `value[,value2],availability,unavailability,
/// downtime_per_year_s,outages_per_year,cost_per_month[,meets_target]`
/// (durations in seconds; empty cells for unknown figures).
///
/// # Errors
///
/// Errors of the writer.
pub fn render_sweep_csv(s: &Sweep, out: &mut impl Write) -> io::Result<()> {
    let two = s.keys.len() > 1;
    let mut head = String::from("value");
    if two {
        head.push_str(",value2");
    }
    head.push_str(
        ",availability,unavailability,downtime_per_year_s,outages_per_year,cost_per_month",
    );
    if s.target.is_some() {
        head.push_str(",meets_target");
    }
    writeln!(out, "{head}")?;
    for p in &s.points {
        let mut line = format!("{}", p.value);
        if two {
            line.push_str(&format!(",{}", p.value2.unwrap_or(f64::NAN)));
        }
        line.push_str(&format!(
            ",{},{},{},{},{}",
            p.availability,
            p.unavailability,
            p.downtime_per_year_s,
            p.outages_per_year.map_or(String::new(), |v| v.to_string()),
            p.cost_per_month.map_or(String::new(), |v| v.to_string()),
        ));
        if let Some(m) = p.meets_target {
            line.push_str(&format!(",{m}"));
        }
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// Writes a paired simulation of options under their comparison table:
/// each option's simulated downtime a year, its p90 and p99, and its
/// difference to the first option with the paired and the independent
/// 95% confidence intervals.
///
/// # Errors
///
/// Errors of the writer.
pub fn render_paired(
    rows: &[crate::report::Row<'_>],
    p: &crate::study::paired::Paired,
    out: &mut impl Write,
) -> io::Result<()> {
    let w = rows
        .iter()
        .map(|r| width(&escape(r.file)))
        .max()
        .unwrap_or(4)
        .max(4);
    writeln!(
        out,
        "\nPaired simulation: {} runs of {} per option, seed {}, the same missions for every option (parts with the same name fail at the same moments)",
        p.runs,
        human_duration(p.mission_s),
        p.seed
    )?;
    let meets = p.options.iter().any(|o| o.p_meets_target.is_some());
    writeln!(
        out,
        "{}  {:>26} {:>10} {:>10}{}  difference to the first (95% CI, paired; independent runs would give)",
        pad("file", w),
        "downtime/mission (95% CI)",
        "p90",
        "p99",
        if meets {
            format!(" {:>8}", "P(meet)")
        } else {
            String::new()
        },
    )?;
    for (row, o) in rows.iter().zip(&p.options) {
        let ci = format!(
            "{} ({}..{})",
            human_duration(o.mean_downtime_s),
            human_duration(o.ci95[0]),
            human_duration(o.ci95[1])
        );
        let diff = match &o.difference_s {
            None => "-".to_string(),
            Some(d) => {
                let sd = |x: f64| {
                    if x < 0.0 {
                        format!("-{}", human_duration(-x))
                    } else {
                        format!("+{}", human_duration(x))
                    }
                };
                format!(
                    "{} ({} to {}; ±{} independent, {:.1}x narrower)",
                    sd(d.mean),
                    sd(d.ci95[0]),
                    sd(d.ci95[1]),
                    human_duration((d.independent_ci95[1] - d.independent_ci95[0]) / 2.0),
                    d.narrower
                )
            }
        };
        writeln!(
            out,
            "{}  {:>26} {:>10} {:>10}{}  {}",
            pad(row.file, w),
            ci,
            human_duration(o.p90_s),
            human_duration(o.p99_s),
            o.p_meets_target
                .map_or(String::new(), |m| format!(" {:>7.1}%", m * 100.0)),
            diff
        )?;
    }
    writeln!(
        out,
        "(simulated: downtime per mission; percentiles exact over the runs; P(meet): missions within the target's budget)"
    )?;
    Ok(())
}
