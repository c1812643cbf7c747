//! The design-review page: one self-contained HTML file (inline SVG and
//! CSS, no script, nothing fetched) with the diagram, the estimate and its
//! verdict, the contributors, single points of failure and cut sets, the
//! catalog figures used and the approximations and notes.

use std::fmt::Write as _;

use super::scene::xml;
use super::{ImageFormat, OptionPoint, Size};
use crate::report::Report;
use crate::study::Blast;
use crate::value::quantity::{
    format_nines, format_percent, format_share, human_duration, trim_percent,
};

/// What the review page shows; the caller computes it (the page reads
/// results only).
#[derive(Clone, Copy, Debug)]
pub struct Review<'a> {
    /// The model file as given, shown in the heading.
    pub file: &'a str,
    /// The checked model (for its diagram).
    pub system: &'a crate::System,
    /// Its exact report (with the target, if any).
    pub report: &'a Report,
    /// Its blast radius (single points of failure, cut sets); the page
    /// says when it was not computed.
    pub blast: Option<&'a Blast>,
    /// A simulation of it (one-year missions), for the year's-downtime
    /// chart and its percentiles; `None` leaves the section out.
    pub simulation: Option<&'a crate::Simulation>,
}

/// The SVG of a chart for inline use: a `viewBox` so that it scales with
/// the page.
fn inline_svg(svg: &str) -> String {
    // Inline SVG in HTML needs no namespace: leave out the one address.
    let svg = svg
        .trim()
        .replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1);
    if svg.contains("viewBox") {
        return svg;
    }
    // plotters writes `<svg width="W" height="H" viewBox=...>` only in
    // later versions: add one.
    let (w, h) = (attr(&svg, "width"), attr(&svg, "height"));
    match (w, h) {
        (Some(w), Some(h)) => svg.replacen("<svg ", &format!("<svg viewBox=\"0 0 {w} {h}\" "), 1),
        _ => svg,
    }
}

/// The value of the first `name="..."` attribute.
fn attr(s: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let i = s.find(&key)? + key.len();
    let j = s[i..].find('"')?;
    Some(s[i..i + j].to_string())
}

/// Most parts a page draws in a diagram (beyond, the page says how to draw it).
const MAX_PAGE_PARTS: usize = 400;

const STYLE: &str = "
body { font-family: 'DejaVu Sans', Verdana, sans-serif; color: #222; max-width: 1100px; margin: 2em auto; padding: 0 1em; line-height: 1.4; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.2em; border-bottom: 1px solid #ccc; padding-bottom: 0.2em; margin-top: 1.6em; }
.sub { color: #666; margin-top: 0; }
figure { margin: 0.5em 0; }
figure svg { max-width: 100%; height: auto; border: 1px solid #eee; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.met { color: #186a32; font-weight: bold; }
.missed { color: #b01e1e; font-weight: bold; }
.kind-sla { color: #8a4b00; }
.kind-assumption { color: #b01e1e; }
ul.findings li { margin-bottom: 0.3em; }
@media print { body { max-width: none; margin: 0; } h2 { break-after: avoid; } figure, table { break-inside: avoid; } }
";

/// The design-review page of a model as one HTML document.
///
/// # Examples
///
/// ```
/// use fivenines::{Report, System, analytic, chart};
/// let sys = System::from_str("m.toml", "system = \"x\"\n[component.x]\navailability = \"99.9%\"\nmttr = \"1h\"\n")?;
/// let r = Report::analytic(&sys, &analytic::evaluate(&sys)?, None);
/// let html = chart::review_page(&chart::Review { file: "m.toml", system: &sys, report: &r, blast: None, simulation: None });
/// assert!(html.starts_with("<!DOCTYPE html>"));
/// assert!(!html.contains("<script"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn review_page(v: &Review<'_>) -> String {
    let r = v.report;
    let mut h = head(&format!("Design review: {}", r.name));
    let _ = writeln!(h, "<h1>Design review: {}</h1>", xml(&r.name));
    let _ = writeln!(
        h,
        "<p class=\"sub\">Model <code>{}</code>, system <code>{}</code>; figures by fivenines {} ({}).</p>",
        xml(v.file),
        xml(&r.system),
        env!("CARGO_PKG_VERSION"),
        xml(engine_text(r))
    );

    // The estimate and the verdict.
    h.push_str("<h2>Estimate</h2>\n<table>\n");
    let row = |h: &mut String, k: &str, val: String| {
        let _ = writeln!(
            h,
            "<tr><th>{}</th><td class=\"num\">{}</td></tr>",
            xml(k),
            xml(&val)
        );
    };
    row(
        &mut h,
        "availability",
        trim_percent(&format_percent(r.availability, r.unavailability)),
    );
    row(&mut h, "nines", format_nines(r.nines));
    row(
        &mut h,
        "downtime a year",
        human_duration(r.downtime_per_year_s),
    );
    row(
        &mut h,
        "downtime a month",
        human_duration(r.downtime_per_year_s / 12.0),
    );
    if let Some(f) = r.outages_per_year {
        row(&mut h, "outages a year", crate::value::quantity::sig3(f));
    }
    if let Some(m) = r.mean_outage_s {
        row(&mut h, "mean outage", human_duration(m));
    }
    if let Some(c) = r.cost_per_month {
        row(&mut h, "cost a month", super::money(c, &r.currency));
    }
    h.push_str("</table>\n");
    if let Some(t) = &r.target {
        let (class, word) = if t.met {
            ("met", "met")
        } else {
            ("missed", "missed")
        };
        let _ = writeln!(
            h,
            "<p>Target <strong>{}</strong>: <span class=\"{class}\">{word}</span>. Budget {} a year; margin {} a year{}.</p>",
            xml(&t.label()),
            xml(&human_duration(t.budget_per_year_s)),
            xml(&human_duration(t.margin_per_year_s.abs())),
            if t.margin_per_year_s < 0.0 {
                " over"
            } else {
                " to spare"
            }
        );
    } else {
        h.push_str("<p>No target given (<code>--target</code>).</p>\n");
    }

    // The diagram.
    h.push_str("<h2>Reliability block diagram</h2>\n");
    let parts = super::diagram::drawn_parts(v.system);
    if parts > MAX_PAGE_PARTS {
        let _ = writeln!(
            h,
            "<p>Not drawn here: {} parts (more than {MAX_PAGE_PARTS}); <code>fivenines diagram FILE -o F.svg</code> or <code>--format dot</code> draws it.</p>",
            if parts > 10_000 {
                "more than 10,000".to_string()
            } else {
                parts.to_string()
            }
        );
    } else {
        h.push_str("<figure>\n");
        h.push_str(&inline_svg(&super::diagram_svg(v.system)));
        h.push_str("\n<figcaption>Series left to right; stacked members are redundant (\"2 of 3\": at least two up); coloured badges are shared failure domains.</figcaption>\n</figure>\n");
    }

    // Contributors.
    h.push_str("<h2>What the downtime comes from</h2>\n");
    match super::contributors(r, ImageFormat::Svg, Size::DEFAULT) {
        Ok(svg) => {
            h.push_str("<figure>\n");
            h.push_str(&inline_svg(&String::from_utf8_lossy(&svg)));
            h.push_str("\n<figcaption>Downtime a year that would go if each part never failed (improvement potential; the bars do not add up to the total when parts are redundant).</figcaption>\n</figure>\n");
        }
        Err(e) => {
            let _ = writeln!(h, "<p>{}</p>", xml(&e.to_string()));
        }
    }
    if !r.contributors.is_empty() {
        h.push_str("<table>\n<tr><th>part</th><th>kind</th><th>downtime a year</th><th>share of unavailability</th></tr>\n");
        for c in r.contributors.iter().take(20) {
            let kind = match c.kind {
                crate::analytic::ContributorKind::Component => "component",
                crate::analytic::ContributorKind::Domain => "domain",
                crate::analytic::ContributorKind::Failover => "failover",
            };
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{kind}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                xml(&c.name),
                xml(&human_duration(c.downtime_per_year_s)),
                xml(&format_share(c.criticality))
            );
        }
        h.push_str("</table>\n");
    }

    // A year's downtime, simulated.
    if let Some(sim) = v.simulation {
        h.push_str("<h2>A year's downtime (simulated)</h2>\n");
        let _ = writeln!(
            h,
            "<p>{} simulated years (seed {}): mean availability {} (95% CI {} to {}); downtime a year p50 {}, p90 {}, p99 {}{}. The exact engine gives {}.</p>",
            sim.runs,
            sim.seed,
            xml(&format!("{:.5}%", sim.availability.mean * 100.0)),
            xml(&format!("{:.5}%", sim.availability.ci95[0] * 100.0)),
            xml(&format!("{:.5}%", sim.availability.ci95[1] * 100.0)),
            xml(&human_duration(sim.downtime_s.p50)),
            xml(&human_duration(sim.downtime_s.p90)),
            xml(&human_duration(sim.downtime_s.p99)),
            sim.p_meets_target
                .map(|p| format!("; the target met in {:.1}% of years", p * 100.0))
                .unwrap_or_default(),
            xml(&format!("{:.5}%", r.availability * 100.0)),
        );
        let d = super::YearDowntime::from_simulation(sim);
        match super::downtime(&d, ImageFormat::Svg, Size::DEFAULT) {
            Ok(svg) => {
                h.push_str("<figure>\n");
                h.push_str(&inline_svg(&String::from_utf8_lossy(&svg)));
                h.push_str("\n<figcaption>Share of simulated years by downtime (log scale), with the cumulative share, the percentiles and the target's budget.</figcaption>\n</figure>\n");
            }
            Err(e) => {
                let _ = writeln!(h, "<p>{}</p>", xml(&e.to_string()));
            }
        }
    }

    // Single points of failure and cut sets.
    if let Some(b) = v.blast {
        h.push_str("<h2>Single points of failure</h2>\n");
        if b.single_points_of_failure.is_empty() {
            h.push_str("<p>None: no single component or domain takes the system down alone.</p>\n");
        } else {
            h.push_str("<table>\n<tr><th>part</th><th>kind</th><th>own unavailability</th><th>downtime a year it causes</th></tr>\n");
            for it in b.items.iter().filter(|i| i.single_point_of_failure) {
                let _ = writeln!(
                    h,
                    "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                    xml(&it.name),
                    xml(it.kind),
                    xml(&crate::value::quantity::format_sci(it.unavailability)),
                    xml(&human_duration(it.downtime_per_year_s))
                );
            }
            h.push_str("</table>\n");
        }
        h.push_str("<h3>Pairs that take the system down together (order-2 cut sets)</h3>\n");
        if !b.pairs_enumerated {
            h.push_str("<p>Not enumerated: the model is too large.</p>\n");
        } else if b.cut_sets.is_empty() {
            h.push_str("<p>None.</p>\n");
        } else {
            h.push_str("<table>\n<tr><th>parts</th><th>both down, time a year</th></tr>\n");
            for c in b.cut_sets.iter().take(15) {
                let _ = writeln!(
                    h,
                    "<tr><td>{}</td><td class=\"num\">{}</td></tr>",
                    xml(&c.names.join(" + ")),
                    xml(&human_duration(c.downtime_per_year_s))
                );
            }
            if b.cut_sets.len() > 15 {
                let _ = writeln!(
                    h,
                    "<tr><td colspan=\"2\">... and {} more</td></tr>",
                    b.cut_sets.len() - 15
                );
            }
            h.push_str("</table>\n");
        }
    }

    if v.blast.is_none() {
        h.push_str("<h2>Single points of failure</h2>\n<p>Not computed for this page.</p>\n");
    }

    // Catalog figures.
    h.push_str("<h2>Figures from the catalog</h2>\n");
    if r.catalog.is_empty() {
        h.push_str("<p>None: every figure is the model's own.</p>\n");
    } else {
        h.push_str("<table>\n<tr><th>part</th><th>entry</th><th>kind</th><th>source</th></tr>\n");
        for c in &r.catalog {
            let kind = c.kind.as_str();
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td><code>{}</code></td><td class=\"kind-{kind}\">{}</td><td>{}</td></tr>",
                xml(&c.name),
                xml(&c.entry),
                xml(&kind_text(kind, c.sla_floor)),
                xml(&c.source)
            );
        }
        h.push_str("</table>\n");
    }

    // Approximations, notes, warnings.
    h.push_str("<h2>Approximations and notes</h2>\n");
    let all: Vec<_> = r.findings.iter().collect();
    if all.is_empty() {
        h.push_str("<p>Every figure is exact; nothing to note.</p>\n");
    } else {
        h.push_str("<ul class=\"findings\">\n");
        for f in all {
            let _ = writeln!(
                h,
                "<li><strong>{}</strong> ({}): {}</li>",
                match f.severity {
                    crate::value::finding::Severity::Approximation => "approximation",
                    crate::value::finding::Severity::Note => "note",
                    crate::value::finding::Severity::Warning => "warning",
                },
                xml(f.code.as_str()),
                xml(&f.text())
            );
        }
        h.push_str("</ul>\n");
    }
    if r.approximate_share > 0.0 {
        let _ = writeln!(
            h,
            "<p>{} of the unavailability rests on the approximations above.</p>",
            xml(&format_share(r.approximate_share))
        );
    }
    h.push_str("</body>\n</html>\n");
    h
}

fn kind_text(kind: &str, sla_floor: bool) -> String {
    match kind {
        "sla" if sla_floor => "SLA (a contractual floor)".into(),
        "sla" => "SLA".into(),
        "documented" => "documented".into(),
        "assumption" => "assumption (ours: replace with your own)".into(),
        k => k.into(),
    }
}

fn engine_text(r: &Report) -> &'static str {
    match serde_json::to_value(r.engine)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .as_deref()
    {
        Some("decision_diagram") => "exact: decision diagram",
        Some("markov_chain") => "exact: decision diagram and Markov chain for standby blocks",
        Some("first_order") => "standby blocks by a first-order approximation",
        _ => "exact",
    }
}

/// The start of a page: doctype, title, style, `<body>`.
fn head(title: &str) -> String {
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n");
    let _ = writeln!(h, "<title>{}</title>", xml(title));
    let _ = writeln!(h, "<style>{STYLE}</style>\n</head>\n<body>");
    h
}

/// A page comparing options (`fivenines compare ... -o options.html`): a
/// table of every option, the options chart, cost against availability
/// when options have costs, each option's diagram (`systems`, in the same
/// order, may be empty) and each option's approximations and notes. One
/// self-contained HTML file like [`review_page`]. With `simulated` (the
/// options' paired simulation, as `compare --simulate` runs it), a table of
/// each option's simulated downtime (mean, p90, p99, share of missions
/// within the target's budget) and the options chart's p90/p99 whiskers.
///
/// # Examples
///
/// ```
/// use fivenines::{Report, System, analytic, chart};
/// let sys = System::from_str("a.toml", "system = \"x\"\n[component.x]\navailability = \"99.9%\"\n")?;
/// let r = Report::analytic(&sys, &analytic::evaluate(&sys)?, None);
/// let opts = [chart::OptionPoint { label: "a", report: &r }];
/// let html = chart::options_page(&opts, None, &[&sys]);
/// assert!(html.contains("<svg") && !html.contains("<script"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn options_page(
    opts: &[OptionPoint<'_>],
    simulated: Option<&crate::study::paired::Paired>,
    systems: &[&crate::System],
) -> String {
    let mut h = head("Options");
    h.push_str("<h1>Options</h1>\n");
    let _ = writeln!(
        h,
        "<p class=\"sub\">{} options; figures by fivenines {} (exact steady state).</p>",
        opts.len(),
        env!("CARGO_PKG_VERSION")
    );
    h.push_str("<table>\n<tr><th>option</th><th>model</th><th>availability</th><th>nines</th><th>downtime a year</th><th>outages a year</th><th>cost a month</th><th>target</th></tr>\n");
    for o in opts {
        let r = o.report;
        let verdict = match &r.target {
            Some(t) if t.met => format!("<span class=\"met\">{} met</span>", xml(&t.label())),
            Some(t) => format!("<span class=\"missed\">{} missed</span>", xml(&t.label())),
            None => "-".into(),
        };
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{verdict}</td></tr>",
            xml(o.label),
            xml(&r.name),
            xml(&trim_percent(&format_percent(
                r.availability,
                r.unavailability
            ))),
            xml(&format_nines(r.nines)),
            xml(&human_duration(r.downtime_per_year_s)),
            xml(&r
                .outages_per_year
                .map_or("-".into(), crate::value::quantity::sig3)),
            xml(&r
                .cost_per_month
                .map_or("-".into(), |c| super::money(c, &r.currency))),
        );
    }
    h.push_str("</table>\n");
    if let Some(p) = simulated.filter(|p| p.options.len() == opts.len()) {
        let _ = writeln!(
            h,
            "<h2>Simulated</h2>\n<p class=\"sub\">{} simulated {} per option, seed {}, every option on the same ones (Monte Carlo; the p90 and p99 are the runs' own percentiles).</p>",
            p.runs,
            xml(&super::plots::mission_words(p.mission_s).0),
            p.seed
        );
        h.push_str("<table>\n<tr><th>option</th><th>mean downtime</th><th>95% CI</th><th>p90</th><th>p99</th><th>within the target's budget</th></tr>\n");
        for (o, s) in opts.iter().zip(&p.options) {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{} to {}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                xml(o.label),
                xml(&human_duration(s.mean_downtime_s)),
                xml(&human_duration(s.ci95[0])),
                xml(&human_duration(s.ci95[1])),
                xml(&human_duration(s.p90_s)),
                xml(&human_duration(s.p99_s)),
                s.p_meets_target
                    .map_or("-".into(), |q| format!("{:.1}% of missions", q * 100.0)),
            );
        }
        h.push_str("</table>\n");
    }
    h.push_str("<h2>Availability</h2>\n");
    match super::options(opts, simulated, ImageFormat::Svg, Size::DEFAULT) {
        Ok(svg) => {
            h.push_str("<figure>\n");
            h.push_str(&inline_svg(&String::from_utf8_lossy(&svg)));
            if let Some(p) = simulated {
                let _ = write!(
                    h,
                    "\n<figcaption>Bars: the exact mean. Whiskers: from the 99th to the 90th percentile of the downtime in {} simulated {} (seed {}), as nines: one in ten has more downtime than the p90 end, one in a hundred more than the p99 end.</figcaption>",
                    p.runs,
                    xml(&super::plots::mission_words(p.mission_s).0),
                    p.seed
                );
            }
            h.push_str("\n</figure>\n");
        }
        Err(e) => {
            let _ = writeln!(h, "<p>{}</p>", xml(&e.to_string()));
        }
    }
    if opts.iter().any(|o| o.report.cost_per_month.is_some()) {
        h.push_str("<h2>Cost against availability</h2>\n");
        if let Ok(svg) = super::cost(opts, ImageFormat::Svg, Size::DEFAULT) {
            h.push_str("<figure>\n");
            h.push_str(&inline_svg(&String::from_utf8_lossy(&svg)));
            h.push_str("\n<figcaption>The Pareto front joins the options that no other option beats on both cost and availability.</figcaption>\n</figure>\n");
        }
    }
    for (i, o) in opts.iter().enumerate() {
        let _ = writeln!(h, "<h2>{}: {}</h2>", xml(o.label), xml(&o.report.name));
        if let Some(sys) = systems
            .get(i)
            .filter(|s| super::diagram::drawn_parts(s) <= MAX_PAGE_PARTS)
        {
            h.push_str("<figure>\n");
            h.push_str(&inline_svg(&super::diagram_svg(sys)));
            h.push_str("\n</figure>\n");
        }
        let found: Vec<_> = o.report.findings.iter().collect();
        if !found.is_empty() {
            h.push_str("<ul class=\"findings\">\n");
            for f in found {
                let _ = writeln!(h, "<li>({}) {}</li>", xml(f.code.as_str()), xml(&f.text()));
            }
            h.push_str("</ul>\n");
        }
    }
    h.push_str("</body>\n</html>\n");
    h
}
