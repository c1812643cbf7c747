//! The charts over the result types: contributors, options, cost against
//! nines, sweeps (a line or a heat map) and a year's downtime.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{
    ChartError, Drawn, FAMILY, Figure, ImageFormat, Size, de, draw_nines, duration_unit, money,
    nines_percent, nines_tick, render, short,
};
use crate::analytic::ContributorKind;
use crate::report::Report;
use crate::study::paired::{Paired, PairedOption};
use crate::study::{Setting, Sweep};
use crate::value::quantity::human_duration;

const BLUE: RGBColor = RGBColor(52, 101, 164);
const ORANGE: RGBColor = RGBColor(230, 135, 30);
const PURPLE: RGBColor = RGBColor(128, 74, 160);
const RED: RGBColor = RGBColor(200, 40, 40);
const GREEN: RGBColor = RGBColor(40, 140, 70);
const GREY: RGBColor = RGBColor(110, 110, 110);

/// Most bars a bar chart shows (the largest ones).
const MAX_BARS: usize = 15;

/// A text style in the embedded font.
fn font(size: u32) -> TextStyle<'static> {
    TextStyle::from((FAMILY, size).into_font())
}

/// A text style with an anchor.
fn anchored(size: u32, color: RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    TextStyle {
        font: (FAMILY, size).into_font(),
        color: color.to_backend_color(),
        pos: Pos::new(h, v),
    }
}

/// Colour squares with their names, in the bottom left corner (left of
/// the x axis's description).
fn legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    items: &[(String, RGBColor)],
    whiskers: bool,
) -> Drawn {
    let (_, h) = root.dim_in_pixel();
    let y = h as i32 - 12;
    let mut x = 14;
    for (name, color) in items {
        root.draw(&Rectangle::new(
            [(x, y - 6), (x + 12, y + 6)],
            color.filled(),
        ))
        .map_err(de)?;
        root.draw(&Text::new(
            name.clone(),
            (x + 16, y),
            anchored(12, BLACK, HPos::Left, VPos::Center),
        ))
        .map_err(de)?;
        x += 16 + (name.chars().count() as i32) * 7 + 18;
    }
    if whiskers {
        let style = WHISKER.stroke_width(2);
        for path in [
            vec![(x, y), (x + 22, y)],
            vec![(x, y - 6), (x, y + 6)],
            vec![(x + 22, y - 6), (x + 22, y + 6)],
        ] {
            root.draw(&PathElement::new(path, style)).map_err(de)?;
        }
        root.draw(&Text::new(
            "simulated p99 to p90",
            (x + 28, y),
            anchored(12, BLACK, HPos::Left, VPos::Center),
        ))
        .map_err(de)?;
    }
    Ok(())
}

/// The light grid lines' style: faint.
fn faint() -> ShapeStyle {
    RGBColor(235, 235, 235).stroke_width(1)
}

/// A vertical marker in a horizontal bar chart.
struct Mark {
    at: f64,
    label: String,
    color: RGBColor,
}

/// A horizontal bar chart: names top to bottom, values along x.
struct Bars {
    title: String,
    x_desc: String,
    names: Vec<String>,
    values: Vec<f64>,
    colors: Vec<RGBColor>,
    labels: Vec<String>,
    x_range: (f64, f64),
    x_tick: fn(f64) -> String,
    marks: Vec<Mark>,
    legend: Vec<(String, RGBColor)>,
    /// A second, smaller line under each bar's label (empty: none).
    sublabels: Vec<String>,
    /// A whisker across each bar (none where `None`).
    whiskers: Vec<Option<Whisker>>,
    /// A line under the title saying what the whiskers are.
    note: Option<String>,
}

/// A whisker across a bar, in the bar's axis units: from `lo` to `hi`
/// with a cap at each end, `lo_tag` and `hi_tag` written over the caps
/// (`hi: None`: it runs off the axis's top end, drawn as an arrow).
#[derive(Clone, Debug, PartialEq)]
struct Whisker {
    lo: f64,
    hi: Option<f64>,
    lo_tag: &'static str,
    hi_tag: &'static str,
}

/// The whiskers' colour: near black, and in no other element, so that
/// they can be found in an SVG.
const WHISKER: RGBColor = RGBColor(20, 20, 20);

impl Figure for Bars {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn {
        let n = self.names.len();
        let longest = self
            .names
            .iter()
            .map(|s| s.chars().count())
            .max()
            .unwrap_or(4);
        let label_w = (longest as u32 * 7 + 16).clamp(60, 300);
        let (x0, mut x1) = self.x_range;
        // Room right of every bar for its label: the axis grows until the
        // longest label fits inside the plot.
        let (w, _) = root.dim_in_pixel();
        let plot_w = w as f64 - label_w as f64 - 64.0;
        for (i, v) in self.values.iter().enumerate() {
            let text_w = [
                &self.labels[i],
                &self.sublabels.get(i).cloned().unwrap_or_default(),
            ]
            .iter()
            .map(|t| {
                root.estimate_text_size(t, &font(12))
                    .map_or(t.chars().count() as f64 * 7.0, |(tw, _)| tw as f64)
            })
            .fold(0.0, f64::max);
            let room = plot_w - 12.0 - text_w;
            if room > plot_w * 0.2 && v.is_finite() && *v > x0 {
                x1 = x1.max(x0 + (v - x0) * plot_w / room);
            }
        }
        // Room above the bars for the markers' labels.
        let top_y = n as f64 - 0.4 + 0.55 * self.marks.len() as f64;
        let mut builder = ChartBuilder::on(root);
        builder.margin(14).margin_right(50);
        match &self.note {
            // The title and the note under it, drawn here: a caption has
            // one line.
            Some(note) => {
                builder.margin_top(56);
                root.draw(&Text::new(
                    self.title.clone(),
                    (w as i32 / 2, 12),
                    anchored(18, BLACK, HPos::Center, VPos::Top),
                ))
                .map_err(de)?;
                root.draw(&Text::new(
                    note.clone(),
                    (w as i32 / 2, 38),
                    anchored(12, GREY, HPos::Center, VPos::Top),
                ))
                .map_err(de)?;
            }
            None => {
                builder.caption(&self.title, font(18)).margin_top(10);
            }
        }
        let mut chart = builder
            .x_label_area_size(46)
            .y_label_area_size(label_w)
            .build_cartesian_2d(x0..x1, -0.6f64..top_y)
            .map_err(de)?;
        let tick = self.x_tick;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(faint())
            .y_labels(0)
            .y_label_formatter(&|_| String::new())
            .x_labels(8)
            .x_label_formatter(&|v| tick(*v))
            .x_desc(self.x_desc.as_str())
            .label_style(font(12))
            .axis_desc_style(font(13))
            .draw()
            .map_err(de)?;
        // Bars, their whiskers and names; then the markers' lines over
        // them; then the labels on white backings, over the lines.
        let end_of = |v: f64| v.clamp(x0, x1);
        for (i, (v, c)) in self.values.iter().zip(&self.colors).enumerate() {
            let y = (n - 1 - i) as f64;
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(x0, y - 0.36), (end_of(*v), y + 0.36)],
                    c.filled(),
                )))
                .map_err(de)?;
            let (px, py) = chart.backend_coord(&(x0, y));
            root.draw(&Text::new(
                self.names[i].clone(),
                (px - 8, py),
                anchored(13, BLACK, HPos::Right, VPos::Center),
            ))
            .map_err(de)?;
        }
        let shown: Vec<(usize, &Mark)> = self
            .marks
            .iter()
            .enumerate()
            .filter(|(_, m)| m.at >= x0 && m.at <= x1)
            .collect();
        let mark_top = |k: usize| n as f64 - 0.4 + 0.55 * (k as f64 + 0.7);
        for &(k, m) in &shown {
            chart
                .draw_series(LineSeries::new(
                    vec![(m.at, -0.6), (m.at, mark_top(k))],
                    m.color.stroke_width(2),
                ))
                .map_err(de)?;
        }
        for (i, v) in self.values.iter().enumerate() {
            let y = (n - 1 - i) as f64;
            if let Some(Some(wh)) = self.whiskers.get(i) {
                whisker(root, &chart, wh, y, x1)?;
            }
            let sub = self.sublabels.get(i).filter(|t| !t.is_empty());
            let (ex, ey) = chart.backend_coord(&(end_of(*v), y));
            let lines: Vec<(&String, i32)> = match sub {
                Some(t) => vec![(&self.labels[i], ey - 8), (t, ey + 8)],
                None => vec![(&self.labels[i], ey)],
            };
            for (text, ty) in lines {
                if let Ok((tw, th)) = root.estimate_text_size(text, &font(12)) {
                    let (tw, th) = (tw as i32, th as i32);
                    root.draw(&Rectangle::new(
                        [(ex + 3, ty - th / 2 - 1), (ex + 7 + tw, ty + th / 2 + 1)],
                        WHITE.filled(),
                    ))
                    .map_err(de)?;
                }
                root.draw(&Text::new(
                    text.clone(),
                    (ex + 5, ty),
                    anchored(12, BLACK, HPos::Left, VPos::Center),
                ))
                .map_err(de)?;
            }
        }
        for &(k, m) in &shown {
            let (px, py) = chart.backend_coord(&(m.at, mark_top(k)));
            let right_half = m.at > (x0 + x1) / 2.0;
            root.draw(&Text::new(
                m.label.clone(),
                (if right_half { px - 4 } else { px + 4 }, py + 2),
                anchored(
                    12,
                    m.color,
                    if right_half { HPos::Right } else { HPos::Left },
                    VPos::Center,
                ),
            ))
            .map_err(de)?;
        }
        legend(
            root,
            &self.legend,
            self.whiskers.iter().any(Option::is_some),
        )
    }
}

/// Draws a whisker across the bar at `y`: a line from `lo` to `hi` (or to
/// the axis's end `x1`, with an arrow head), a cap at each end and the
/// caps' tags above them where there is room.
fn whisker<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &ChartContext<
        '_,
        DB,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
    wh: &Whisker,
    y: f64,
    x1: f64,
) -> Drawn {
    let style = WHISKER.stroke_width(2);
    let (lx, ly) = chart.backend_coord(&(wh.lo, y));
    let (hx, _) = chart.backend_coord(&(wh.hi.unwrap_or(x1).min(x1), y));
    root.draw(&PathElement::new(vec![(lx, ly), (hx, ly)], style))
        .map_err(de)?;
    root.draw(&PathElement::new(vec![(lx, ly - 10), (lx, ly + 10)], style))
        .map_err(de)?;
    if wh.hi.is_some_and(|h| h <= x1) {
        root.draw(&PathElement::new(vec![(hx, ly - 10), (hx, ly + 10)], style))
            .map_err(de)?;
    } else {
        root.draw(&PathElement::new(
            vec![(hx - 8, ly - 5), (hx, ly), (hx - 8, ly + 5)],
            style,
        ))
        .map_err(de)?;
    }
    if hx - lx >= 34 {
        for (x, tag) in [(lx, wh.lo_tag), (hx, wh.hi_tag)] {
            root.draw(&Text::new(
                tag.to_string(),
                (x, ly - 12),
                anchored(11, WHISKER, HPos::Center, VPos::Bottom),
            ))
            .map_err(de)?;
        }
    }
    Ok(())
}

/// `12.5` in the chart's duration unit, for ticks.
fn unit_tick(v: f64) -> String {
    short(v)
}

/// Contributors of a report: downtime a year that would go if each
/// component, domain or standby block's takeovers never failed, largest
/// first (at most 15), with the system's expected downtime and the
/// target's budget marked.
///
/// # Errors
///
/// [`ChartError::Empty`] when no part contributes downtime;
/// [`ChartError::Draw`] when drawing fails.
pub fn contributors(r: &Report, format: ImageFormat, size: Size) -> Result<Vec<u8>, ChartError> {
    let mut cs: Vec<_> = r
        .contributors
        .iter()
        .filter(|c| c.downtime_per_year_s.is_finite() && c.downtime_per_year_s > 0.0)
        .collect();
    if cs.is_empty() {
        return Err(ChartError::Empty(format!(
            "no part of `{}` contributes downtime",
            r.name
        )));
    }
    cs.sort_by(|a, b| b.downtime_per_year_s.total_cmp(&a.downtime_per_year_s));
    let all = cs.len();
    cs.truncate(MAX_BARS);
    let budget = r.target.as_ref().map(|t| t.budget_per_year_s);
    let max = cs[0]
        .downtime_per_year_s
        .max(r.downtime_per_year_s)
        .max(budget.unwrap_or(0.0));
    let (div, unit) = duration_unit(max);
    let kind_color = |k: ContributorKind| match k {
        ContributorKind::Component => BLUE,
        ContributorKind::Domain => ORANGE,
        ContributorKind::Failover => PURPLE,
    };
    let mut legend = Vec::new();
    for (k, name) in [
        (ContributorKind::Component, "component"),
        (ContributorKind::Domain, "domain"),
        (ContributorKind::Failover, "failover"),
    ] {
        if cs.iter().any(|c| c.kind == k) {
            legend.push((name.to_string(), kind_color(k)));
        }
    }
    let mut marks = vec![Mark {
        at: r.downtime_per_year_s / div,
        label: format!("system: {} a year", human_duration(r.downtime_per_year_s)),
        color: GREY,
    }];
    if let (Some(b), Some(t)) = (budget, &r.target) {
        marks.push(Mark {
            at: b / div,
            label: format!("budget of {}: {} a year", t.label(), human_duration(b)),
            color: if t.met { GREEN } else { RED },
        });
    }
    let shown = if all > cs.len() {
        format!(" (largest {} of {all})", cs.len())
    } else {
        String::new()
    };
    let bars = Bars {
        title: format!("{}: downtime a year by part{shown}", r.name),
        x_desc: format!("downtime a year that goes if the part never fails ({unit})"),
        names: cs.iter().map(|c| c.name.clone()).collect(),
        values: cs.iter().map(|c| c.downtime_per_year_s / div).collect(),
        colors: cs.iter().map(|c| kind_color(c.kind)).collect(),
        labels: cs
            .iter()
            .map(|c| human_duration(c.downtime_per_year_s))
            .collect(),
        x_range: (0.0, max / div * 1.18),
        x_tick: unit_tick,
        marks,
        legend,
        sublabels: Vec::new(),
        whiskers: Vec::new(),
        note: None,
    };
    render(&bars, format, size)
}

/// One option of a comparison: its label (the file, or the model's name)
/// and its report.
#[derive(Clone, Copy, Debug)]
pub struct OptionPoint<'a> {
    /// The option's name on the chart.
    pub label: &'a str,
    /// Its exact report.
    pub report: &'a Report,
}

/// The target of a comparison: the first option's target.
fn options_target(opts: &[OptionPoint<'_>]) -> Option<(f64, String)> {
    opts.iter().find_map(|o| {
        o.report
            .target
            .as_ref()
            .map(|t| (draw_nines(1.0 - t.availability), t.label()))
    })
}

/// Options side by side: the nines of each as a bar, with its downtime a
/// year and cost as the bar's label, the target as a line (bars green
/// where met, red where missed).
///
/// With `simulated`, the options' paired simulation (one entry per option,
/// in the same order), each bar gets a whisker from the nines of its
/// simulated year's 99th percentile of downtime to those of its 90th (one
/// year in ten has more downtime than the p90 cap, one in a hundred more
/// than the p99 cap), both figures written under the bar's label, and a
/// note under the title names the number of simulated years and the seed.
/// A percentile of no downtime at all lies beyond any nines: its whisker
/// runs off the axis as an arrow.
///
/// # Errors
///
/// [`ChartError::Empty`] without options; [`ChartError::Mismatch`] when
/// the simulation has a different number of options; [`ChartError::Draw`]
/// when drawing fails.
pub fn options(
    opts: &[OptionPoint<'_>],
    simulated: Option<&Paired>,
    format: ImageFormat,
    size: Size,
) -> Result<Vec<u8>, ChartError> {
    if opts.is_empty() {
        return Err(ChartError::Empty("no options".into()));
    }
    if let Some(p) = simulated
        && p.options.len() != opts.len()
    {
        return Err(ChartError::Mismatch(format!(
            "{} options but a simulation of {}",
            opts.len(),
            p.options.len()
        )));
    }
    let nines: Vec<f64> = opts
        .iter()
        .map(|o| draw_nines(o.report.unavailability))
        .collect();
    let whiskers: Vec<Option<Whisker>> = match simulated {
        Some(p) => p
            .options
            .iter()
            .map(|o| simulated_whisker(o, p.mission_s))
            .collect(),
        None => Vec::new(),
    };
    let target = options_target(opts);
    let finite_whisker_ends = whiskers
        .iter()
        .flatten()
        .flat_map(|w| std::iter::once(w.lo).chain(w.hi));
    let lo_data = nines
        .iter()
        .copied()
        .chain(target.as_ref().map(|t| t.0))
        .chain(finite_whisker_ends.clone())
        .fold(f64::INFINITY, f64::min);
    let hi_data = nines
        .iter()
        .copied()
        .chain(target.as_ref().map(|t| t.0))
        .chain(finite_whisker_ends)
        .fold(f64::NEG_INFINITY, f64::max);
    let lo = (lo_data - 0.5).floor().max(0.0);
    let hi = hi_data + (hi_data - lo).max(0.5) * 0.15;
    let labels = opts
        .iter()
        .zip(&nines)
        .map(|(o, n)| {
            let r = o.report;
            let mut s = format!(
                "{} nines, {} a year",
                crate::value::quantity::format_nines(*n),
                human_duration(r.downtime_per_year_s)
            );
            if let Some(c) = r.cost_per_month {
                s.push_str(&format!(", {}/month", money(c, &r.currency)));
            }
            s
        })
        .collect();
    let (sublabels, note) = match simulated {
        Some(p) => {
            let per = mission_words(p.mission_s);
            (
                p.options
                    .iter()
                    .map(|o| {
                        format!(
                            "simulated: p90 {}, p99 {} {}",
                            human_duration(o.p90_s),
                            human_duration(o.p99_s),
                            per.1
                        )
                    })
                    .collect(),
                Some(format!(
                    "bars: exact mean; whiskers: p99 to p90 of the downtime in {} simulated {} (seed {}), in nines",
                    group_thousands(p.runs),
                    per.0,
                    p.seed
                )),
            )
        }
        None => (Vec::new(), None),
    };
    let colors = opts
        .iter()
        .map(|o| match &o.report.target {
            Some(t) if t.met => GREEN,
            Some(_) => RED,
            None => BLUE,
        })
        .collect();
    let mut legend = Vec::new();
    let mut marks = Vec::new();
    if let Some((at, label)) = &target {
        legend.push(("meets the target".to_string(), GREEN));
        legend.push(("misses it".to_string(), RED));
        marks.push(Mark {
            at: *at,
            label: format!("target {label}"),
            color: BLACK,
        });
    }
    let bars = Bars {
        title: "Options: availability".to_string(),
        x_desc: "availability (nines; 4 nines = 99.99%)".to_string(),
        names: opts.iter().map(|o| o.label.to_string()).collect(),
        values: nines,
        colors,
        labels,
        x_range: (lo, hi),
        x_tick: nines_tick,
        marks,
        legend,
        sublabels,
        whiskers,
        note,
    };
    render(&bars, format, size)
}

/// The whisker of one option's simulated missions, in nines: from its p99
/// downtime (fewer nines) to its p90; none when even the p99 mission had
/// no downtime.
fn simulated_whisker(o: &PairedOption, mission_s: f64) -> Option<Whisker> {
    let nines = |d: f64| (d > 0.0).then(|| draw_nines(d / mission_s));
    Some(Whisker {
        lo: nines(o.p99_s)?,
        hi: nines(o.p90_s),
        lo_tag: "p99",
        hi_tag: "p90",
    })
}

/// What the simulated missions are called: `("years", "a year")`, or
/// `("missions of 30 d", "a mission")`.
pub(super) fn mission_words(mission_s: f64) -> (String, &'static str) {
    if (mission_s - crate::YEAR_S).abs() < 1.0 {
        ("years".into(), "a year")
    } else {
        (
            format!("missions of {}", human_duration(mission_s)),
            "a mission",
        )
    }
}

/// `10000` as `10,000`.
pub(super) fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The cost-against-nines chart of options.
struct CostFigure {
    points: Vec<(String, f64, f64, bool)>,
    currency: String,
    target: Option<(f64, String)>,
    without_cost: Vec<String>,
}

impl Figure for CostFigure {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn {
        let cmax = self.points.iter().map(|p| p.1).fold(0.0, f64::max);
        let nmin = self
            .points
            .iter()
            .map(|p| p.2)
            .chain(self.target.as_ref().map(|t| t.0))
            .fold(f64::INFINITY, f64::min);
        let nmax = self
            .points
            .iter()
            .map(|p| p.2)
            .chain(self.target.as_ref().map(|t| t.0))
            .fold(f64::NEG_INFINITY, f64::max);
        let span = (nmax - nmin).max(0.5);
        let (y0, y1) = ((nmin - span * 0.15).max(0.0), nmax + span * 0.2);
        let x1 = if cmax > 0.0 { cmax * 1.3 } else { 1.0 };
        let mut title = "Options: cost against availability".to_string();
        if !self.without_cost.is_empty() {
            title.push_str(&format!(
                " ({} without a cost left out)",
                self.without_cost.len()
            ));
        }
        let mut chart = ChartBuilder::on(root)
            .caption(title, font(18))
            .margin(14)
            .margin_right(30)
            .x_label_area_size(46)
            .y_label_area_size(110)
            .build_cartesian_2d(0.0..x1, y0..y1)
            .map_err(de)?;
        let currency = self.currency.clone();
        chart
            .configure_mesh()
            .light_line_style(faint())
            .x_labels(8)
            .y_labels(8)
            .x_label_formatter(&|v| short(*v))
            .y_label_formatter(&|v| nines_tick(*v))
            .x_desc(format!("cost ({currency} a month)"))
            .y_desc("availability (nines)")
            .label_style(font(12))
            .axis_desc_style(font(13))
            .draw()
            .map_err(de)?;
        if let Some((t, label)) = &self.target {
            chart
                .draw_series(LineSeries::new(
                    vec![(0.0, *t), (x1, *t)],
                    BLACK.stroke_width(1),
                ))
                .map_err(de)?;
            chart
                .draw_series(std::iter::once(Text::new(
                    format!("target {label}"),
                    (x1, *t),
                    anchored(12, BLACK, HPos::Right, VPos::Bottom),
                )))
                .map_err(de)?;
        }
        // The Pareto front: no other option is cheaper and at least as
        // available.
        let mut sorted: Vec<&(String, f64, f64, bool)> = self.points.iter().collect();
        sorted.sort_by(|a, b| a.1.total_cmp(&b.1).then(b.2.total_cmp(&a.2)));
        let mut front: Vec<(f64, f64)> = Vec::new();
        let mut best = f64::NEG_INFINITY;
        for p in &sorted {
            if p.2 > best {
                if let Some(&(_, last)) = front.last() {
                    front.push((p.1, last));
                }
                front.push((p.1, p.2));
                best = p.2;
            }
        }
        chart
            .draw_series(LineSeries::new(front, BLUE.stroke_width(2)))
            .map_err(de)?
            .label("Pareto front")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], BLUE.stroke_width(2)));
        for (name, c, n, _) in &self.points {
            chart
                .draw_series(std::iter::once(Circle::new((*c, *n), 5, BLUE.filled())))
                .map_err(de)?;
            chart
                .draw_series(std::iter::once(
                    EmptyElement::at((*c, *n))
                        + Text::new(
                            name.clone(),
                            (13, 0),
                            anchored(12, BLACK, HPos::Left, VPos::Center),
                        ),
                ))
                .map_err(de)?;
        }
        let cheapest = self
            .points
            .iter()
            .filter(|p| p.3)
            .min_by(|a, b| a.1.total_cmp(&b.1));
        if let (Some((name, c, n, _)), Some((_, label))) = (cheapest, &self.target) {
            chart
                .draw_series(std::iter::once(Circle::new(
                    (*c, *n),
                    10,
                    GREEN.stroke_width(3),
                )))
                .map_err(de)?
                .label(format!("cheapest meeting {label}: {name}"))
                .legend(|(x, y)| Circle::new((x + 9, y), 6, GREEN.stroke_width(3)));
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .background_style(WHITE.mix(0.9))
            .border_style(GREY)
            .label_font(font(12))
            .draw()
            .map_err(de)?;
        Ok(())
    }
}

/// Cost against nines for options with a cost: the Pareto front (no other
/// option cheaper and at least as available) drawn, the target as a line
/// and the cheapest option meeting it ringed.
///
/// # Errors
///
/// [`ChartError::Empty`] when no option has a cost; [`ChartError::Draw`]
/// when drawing fails.
pub fn cost(
    opts: &[OptionPoint<'_>],
    format: ImageFormat,
    size: Size,
) -> Result<Vec<u8>, ChartError> {
    let points: Vec<(String, f64, f64, bool)> = opts
        .iter()
        .filter_map(|o| {
            o.report.cost_per_month.map(|c| {
                (
                    o.label.to_string(),
                    c,
                    draw_nines(o.report.unavailability),
                    o.report.target.as_ref().is_some_and(|t| t.met),
                )
            })
        })
        .collect();
    if points.is_empty() {
        return Err(ChartError::Empty(
            "no option has a cost (`cost_per_month`)".into(),
        ));
    }
    let fig = CostFigure {
        points,
        currency: opts
            .iter()
            .find(|o| o.report.cost_per_month.is_some())
            .map_or("USD".into(), |o| o.report.currency.clone()),
        target: options_target(opts),
        without_cost: opts
            .iter()
            .filter(|o| o.report.cost_per_month.is_none())
            .map(|o| o.label.to_string())
            .collect(),
    };
    render(&fig, format, size)
}

/// How a swept value is shown: its unit's divisor and a name for the axis.
fn value_axis(key: &str, values: &[f64]) -> (f64, String) {
    let max = values.iter().copied().fold(0.0, f64::max);
    match Setting::parse(key) {
        Ok(s) if s.field.is_duration() => {
            let (div, unit) = duration_unit(max);
            (div, format!("{key} ({unit})"))
        }
        Ok(s) if s.field.as_str() == "count" => (1.0, format!("{key} (replicas)")),
        _ => (1.0, key.to_string()),
    }
}

/// Whether values are best drawn on a log axis (positive, spanning 20x).
fn log_axis(values: &[f64]) -> bool {
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(0.0, f64::max);
    lo > 0.0 && hi / lo >= 20.0
}

/// The line chart of a one-figure sweep.
struct SweepLine<'a> {
    s: &'a Sweep,
}

impl Figure for SweepLine<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn {
        let s = self.s;
        let values: Vec<f64> = s.points.iter().map(|p| p.value).collect();
        let (div, desc) = value_axis(&s.keys[0], &values);
        let log = log_axis(&values);
        let fx = move |v: f64| if log { (v / div).log10() } else { v / div };
        let pts: Vec<(f64, f64)> = s
            .points
            .iter()
            .map(|p| (fx(p.value), draw_nines(p.unavailability)))
            .collect();
        let target_n = s.target.map(|a| draw_nines(1.0 - a));
        let (mut x0, mut x1) = pts
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
                (a.min(p.0), b.max(p.0))
            });
        if x1 - x0 < 1e-12 {
            x0 -= 0.5;
            x1 += 0.5;
        }
        let (mut y0, mut y1) = pts
            .iter()
            .map(|p| p.1)
            .chain(target_n)
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), y| {
                (a.min(y), b.max(y))
            });
        let pad = ((y1 - y0) * 0.1).max(0.1);
        y0 = (y0 - pad).max(0.0);
        y1 += pad;
        let mut chart = ChartBuilder::on(root)
            .caption(
                format!("{}: availability against {}", s.name, s.keys[0]),
                font(18),
            )
            .margin(14)
            .margin_right(24)
            .x_label_area_size(46)
            .y_label_area_size(110)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(de)?;
        let desc = if log {
            format!("{desc}, log scale")
        } else {
            desc
        };
        chart
            .configure_mesh()
            .light_line_style(faint())
            .x_labels(8)
            .y_labels(8)
            .x_label_formatter(&|v| {
                if log {
                    short(10f64.powf(*v))
                } else {
                    short(*v)
                }
            })
            .y_label_formatter(&|v| nines_tick(*v))
            .x_desc(desc)
            .y_desc("availability (nines)")
            .label_style(font(12))
            .axis_desc_style(font(13))
            .draw()
            .map_err(de)?;
        chart
            .draw_series(LineSeries::new(pts.clone(), BLUE.stroke_width(2)))
            .map_err(de)?;
        chart
            .draw_series(pts.iter().map(|&p| Circle::new(p, 3, BLUE.filled())))
            .map_err(de)?;
        if let (Some(t), Some(a)) = (target_n, s.target) {
            chart
                .draw_series(LineSeries::new(
                    vec![(x0, t), (x1, t)],
                    BLACK.stroke_width(1),
                ))
                .map_err(de)?;
            chart
                .draw_series(std::iter::once(Text::new(
                    format!("target {}", nines_percent(-(1.0 - a).log10())),
                    (x1, t),
                    anchored(12, BLACK, HPos::Right, VPos::Bottom),
                )))
                .map_err(de)?;
            for c in &s.crossing {
                let x = fx(c.value);
                chart
                    .draw_series(LineSeries::new(vec![(x, y0), (x, y1)], RED.stroke_width(2)))
                    .map_err(de)?;
                chart
                    .draw_series(std::iter::once(Circle::new((x, t), 6, RED.stroke_width(2))))
                    .map_err(de)?;
                let shown = if div == 1.0 {
                    short(c.value)
                } else {
                    human_duration(c.value)
                };
                chart
                    .draw_series(std::iter::once({
                        let right = x > x0 + (x1 - x0) * 0.6;
                        let (dx, h) = if right {
                            (-5, HPos::Right)
                        } else {
                            (5, HPos::Left)
                        };
                        EmptyElement::at((x, y1))
                            + Text::new(
                                format!(
                                    "meets the target {} {shown}",
                                    if c.meets_above { "above" } else { "below" }
                                ),
                                (dx, 4),
                                anchored(12, RED, h, VPos::Top),
                            )
                    }))
                    .map_err(de)?;
            }
        }
        Ok(())
    }
}

/// Colour of a cell with `n` nines between `lo` and `hi`: red (few) to
/// green (many).
fn ramp(n: f64, lo: f64, hi: f64) -> RGBColor {
    let t = if hi > lo {
        ((n - lo) / (hi - lo)).clamp(0.0, 1.0)
    } else {
        0.5
    };
    let lerp = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * t).round() as u8;
    RGBColor(lerp(215, 60), lerp(70, 160), lerp(60, 90))
}

/// The heat map of a two-figure sweep.
struct SweepHeat<'a> {
    s: &'a Sweep,
}

/// Sorted distinct values.
fn distinct(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_by(f64::total_cmp);
    v.dedup();
    v
}

/// The fractional index of `x` among the sorted `values` (log
/// interpolation on a log axis).
fn frac_index(values: &[f64], x: f64, log: bool) -> f64 {
    let f = |v: f64| if log { v.ln() } else { v };
    for i in 1..values.len() {
        if x <= values[i] {
            let (a, b) = (f(values[i - 1]), f(values[i]));
            return (i - 1) as f64 + if b > a { (f(x) - a) / (b - a) } else { 0.0 };
        }
    }
    (values.len() - 1) as f64
}

impl Figure for SweepHeat<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn {
        let s = self.s;
        let xs = distinct(s.points.iter().map(|p| p.value).collect());
        let ys = distinct(s.points.iter().filter_map(|p| p.value2).collect());
        let (dx, descx) = value_axis(&s.keys[0], &xs);
        let (dy, descy) = value_axis(&s.keys[1], &ys);
        let (nx, ny) = (xs.len(), ys.len());
        let nines: Vec<f64> = s
            .points
            .iter()
            .map(|p| draw_nines(p.unavailability))
            .collect();
        let lo = nines.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = nines.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let mut chart = ChartBuilder::on(root)
            .caption(
                format!("{}: nines over {} and {}", s.name, s.keys[0], s.keys[1]),
                font(16),
            )
            .margin(14)
            .x_label_area_size(46)
            .y_label_area_size(80)
            .build_cartesian_2d(-0.5..(nx as f64 - 0.5), -0.5..(ny as f64 - 0.5))
            .map_err(de)?;
        let at = |vals: &[f64], v: f64, div: f64| {
            let i = v.round();
            if (v - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < vals.len() {
                short(vals[i as usize] / div)
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(nx.min(12) + 1)
            .y_labels(ny.min(12) + 1)
            .x_label_formatter(&|v| at(&xs, *v, dx))
            .y_label_formatter(&|v| at(&ys, *v, dy))
            .x_desc(descx)
            .y_desc(descy)
            .label_style(font(12))
            .axis_desc_style(font(13))
            .draw()
            .map_err(de)?;
        let index = |v: f64, vals: &[f64]| vals.iter().position(|x| *x == v).unwrap_or(0) as f64;
        let cell_text = nx <= 12 && ny <= 12;
        for (p, n) in s.points.iter().zip(&nines) {
            let (i, j) = (index(p.value, &xs), index(p.value2.unwrap_or(0.0), &ys));
            let color = ramp(*n, lo, hi);
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(i - 0.5, j - 0.5), (i + 0.5, j + 0.5)],
                    color.filled(),
                )))
                .map_err(de)?;
            if p.meets_target == Some(true) {
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(i - 0.47, j - 0.47), (i + 0.47, j + 0.47)],
                        BLACK.stroke_width(2),
                    )))
                    .map_err(de)?;
            }
            if cell_text {
                chart
                    .draw_series(std::iter::once(Text::new(
                        crate::value::quantity::format_nines(*n),
                        (i, j),
                        anchored(12, WHITE, HPos::Center, VPos::Center),
                    )))
                    .map_err(de)?;
            }
        }
        let logx = log_axis(&xs);
        let logy = log_axis(&ys);
        let mut cross: Vec<(f64, f64)> = s
            .crossing
            .iter()
            .filter_map(|c| {
                c.value2
                    .map(|v2| (frac_index(&xs, c.value, logx), frac_index(&ys, v2, logy)))
            })
            .collect();
        cross.sort_by(|a, b| a.1.total_cmp(&b.1));
        if !cross.is_empty() {
            chart
                .draw_series(LineSeries::new(cross.clone(), BLACK.stroke_width(2)))
                .map_err(de)?;
            chart
                .draw_series(cross.iter().map(|&p| Circle::new(p, 4, BLACK.filled())))
                .map_err(de)?;
        }
        let mut items = vec![
            (format!("{} nines", short(lo)), ramp(lo, lo, hi)),
            (format!("{} nines", short(hi)), ramp(hi, lo, hi)),
        ];
        if let Some(a) = s.target {
            items.push((
                format!(
                    "outlined: meets {}; line: target crossing",
                    nines_percent(-(1.0 - a).log10())
                ),
                BLACK,
            ));
        }
        legend(root, &items, false)
    }
}

/// A sweep: availability (nines) against the varied value with the target
/// line and its crossing marked; with two varied values, a heat map of the
/// nines with the cells meeting the target outlined and the crossing drawn
/// as a line.
///
/// # Errors
///
/// [`ChartError::Empty`] for a sweep without points; [`ChartError::Draw`]
/// when drawing fails.
pub fn sweep(s: &Sweep, format: ImageFormat, size: Size) -> Result<Vec<u8>, ChartError> {
    if s.points.is_empty() || s.keys.is_empty() {
        return Err(ChartError::Empty("a sweep without points".into()));
    }
    if s.keys.len() >= 2 {
        render(&SweepHeat { s }, format, size)
    } else {
        render(&SweepLine { s }, format, size)
    }
}

/// A year's simulated downtime, as a histogram: what the `simulate`
/// command hands to [`downtime`].
#[derive(Clone, Debug, PartialEq)]
pub struct YearDowntime {
    /// The model's name.
    pub name: String,
    /// Bin edges, seconds of downtime in a year, increasing and positive
    /// (`counts.len() + 1` of them).
    pub edges_s: Vec<f64>,
    /// Simulated years in each bin.
    pub counts: Vec<u64>,
    /// Simulated years without any downtime (not in the bins).
    pub zero_years: u64,
    /// Median downtime, seconds.
    pub p50_s: f64,
    /// 90th percentile, seconds.
    pub p90_s: f64,
    /// 99th percentile, seconds.
    pub p99_s: f64,
    /// The target's budget a year, seconds, and the target's label (`99.99%`).
    pub budget: Option<(f64, String)>,
    /// Probability of meeting the target in a year, when one is given.
    pub p_meet: Option<f64>,
}

impl YearDowntime {
    /// The year's downtime of a simulation (one-year missions), from its
    /// own log histogram, rebinned to at most 40 bars.
    pub fn from_simulation(sim: &crate::Simulation) -> YearDowntime {
        let h = &sim.downtime_histogram;
        let (first, last) = match (h.bins.first(), h.bins.last()) {
            (Some(f), Some(l)) => (f.0, l.0),
            _ => (0, 0),
        };
        let mut counts = vec![
            0u64;
            if h.bins.is_empty() {
                0
            } else {
                last - first + 1
            }
        ];
        for &(i, m) in &h.bins {
            counts[i - first] = m.round() as u64;
        }
        let edges_s: Vec<f64> = if h.bins.is_empty() {
            Vec::new()
        } else {
            (first..=last + 1).map(|i| h.edge(i)).collect()
        };
        let mut d = YearDowntime {
            name: sim.name.clone(),
            edges_s,
            counts,
            zero_years: h.zero.round() as u64,
            p50_s: sim.downtime_s.p50,
            p90_s: sim.downtime_s.p90,
            p99_s: sim.downtime_s.p99,
            budget: sim
                .target
                .as_ref()
                .map(|t| (t.budget_per_year_s, t.label())),
            p_meet: sim.p_meets_target,
        };
        d.rebin(40);
        d
    }

    /// Drops empty bins at both ends and merges neighbours so that at most
    /// `bins` remain (a simulation's fine log histogram, thousands of bins
    /// 0.12% wide, becomes a readable chart); the counts' sum is kept and
    /// the remaining edges are edges of the original bins.
    ///
    /// # Examples
    ///
    /// ```
    /// use fivenines::chart::YearDowntime;
    /// let mut d = YearDowntime {
    ///     name: "m".into(),
    ///     edges_s: vec![1.0, 2.0, 4.0, 8.0, 16.0, 32.0],
    ///     counts: vec![0, 3, 5, 2, 0],
    ///     zero_years: 0, p50_s: 4.0, p90_s: 8.0, p99_s: 15.0,
    ///     budget: None, p_meet: None,
    /// };
    /// d.rebin(2);
    /// assert_eq!(d.counts, [8, 2]);
    /// assert_eq!(d.edges_s, [2.0, 8.0, 16.0]);
    /// ```
    pub fn rebin(&mut self, bins: usize) {
        if self.counts.is_empty() || self.edges_s.len() != self.counts.len() + 1 {
            return;
        }
        let first = self.counts.iter().position(|&c| c > 0).unwrap_or(0);
        let last = self
            .counts
            .iter()
            .rposition(|&c| c > 0)
            .unwrap_or(self.counts.len() - 1);
        let counts = &self.counts[first..=last];
        let edges = &self.edges_s[first..=last + 1];
        let k = counts.len().div_ceil(bins.max(1));
        let mut new_counts = Vec::new();
        let mut new_edges = vec![edges[0]];
        for (i, chunk) in counts.chunks(k).enumerate() {
            new_counts.push(chunk.iter().sum());
            new_edges.push(edges[(i * k + chunk.len()).min(edges.len() - 1)]);
        }
        self.counts = new_counts;
        self.edges_s = new_edges;
    }
}

struct DowntimeFigure<'a> {
    d: &'a YearDowntime,
}

impl Figure for DowntimeFigure<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn {
        let d = self.d;
        let total: u64 = d.counts.iter().sum::<u64>() + d.zero_years;
        let total = total.max(1) as f64;
        let max_s = d
            .edges_s
            .last()
            .copied()
            .unwrap_or(1.0)
            .max(d.budget.as_ref().map_or(0.0, |b| b.0));
        let min_s = d.edges_s.first().copied().unwrap_or(1.0);
        let (div, unit) = duration_unit(d.p99_s.max(d.p50_s).max(max_s * 0.1));
        let log = min_s > 0.0 && max_s / min_s >= 20.0;
        let fx = move |v: f64| if log { (v / div).log10() } else { v / div };
        let (x0, x1) = (fx(min_s), fx(max_s));
        let x1 = if x1 > x0 { x1 } else { x0 + 1.0 };
        let mut title = format!("{}: downtime in a year", d.name);
        if let (Some(p), Some((_, label))) = (d.p_meet, &d.budget) {
            title.push_str(&format!(
                ", P(meeting {label}) = {}",
                crate::value::quantity::format_share(p)
            ));
        }
        let mut chart = ChartBuilder::on(root)
            .caption(title, font(18))
            .margin(14)
            .margin_right(24)
            .x_label_area_size(46)
            .y_label_area_size(70)
            .build_cartesian_2d(x0..x1, 0.0..100.0)
            .map_err(de)?;
        chart
            .configure_mesh()
            .light_line_style(faint())
            .x_labels(8)
            .y_labels(6)
            .x_label_formatter(&|v| {
                if log {
                    short(10f64.powf(*v))
                } else {
                    short(*v)
                }
            })
            .y_label_formatter(&|v| format!("{}%", short(*v)))
            .x_desc(format!(
                "downtime in a year ({unit}{})",
                if log { ", log scale" } else { "" }
            ))
            .y_desc("share of simulated years (%)")
            .label_style(font(12))
            .axis_desc_style(font(13))
            .draw()
            .map_err(de)?;
        let zero_share = 100.0 * d.zero_years as f64 / total;
        let mut cum = zero_share;
        let mut cdf = vec![(x0, cum)];
        for (i, c) in d.counts.iter().enumerate() {
            let (a, b) = (fx(d.edges_s[i]), fx(d.edges_s[i + 1]));
            let share = 100.0 * *c as f64 / total;
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(a, 0.0), (b, share)],
                    BLUE.mix(0.6).filled(),
                )))
                .map_err(de)?;
            cum += share;
            cdf.push((b, cum));
        }
        chart
            .draw_series(LineSeries::new(cdf, BLACK.stroke_width(2)))
            .map_err(de)?
            .label("cumulative: years with at most this downtime")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], BLACK.stroke_width(2)));
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(x0, 0.0), (x0, 0.0)],
                BLUE.mix(0.6).filled(),
            )))
            .map_err(de)?
            .label(format!(
                "years in each bin ({} with no downtime)",
                crate::value::quantity::format_share(zero_share / 100.0)
            ))
            .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 18, y + 5)], BLUE.mix(0.6).filled()));
        let mut marks = vec![
            (d.p50_s, format!("p50 {}", human_duration(d.p50_s)), GREY),
            (d.p90_s, format!("p90 {}", human_duration(d.p90_s)), PURPLE),
            (d.p99_s, format!("p99 {}", human_duration(d.p99_s)), ORANGE),
        ];
        if let Some((b, label)) = &d.budget {
            marks.push((
                *b,
                format!("budget of {label}: {}", human_duration(*b)),
                RED,
            ));
        }
        for (k, (v, label, color)) in marks.into_iter().enumerate() {
            if v.is_nan() || v <= 0.0 {
                continue;
            }
            let x = fx(v).clamp(x0, x1);
            chart
                .draw_series(LineSeries::new(
                    vec![(x, 0.0), (x, 100.0)],
                    color.stroke_width(2),
                ))
                .map_err(de)?;
            chart
                .draw_series(std::iter::once({
                    // Labels near the right edge go to the left of their line.
                    let right = x > x0 + (x1 - x0) * 0.75;
                    let (dx, h) = if right {
                        (-5, HPos::Right)
                    } else {
                        (5, HPos::Left)
                    };
                    EmptyElement::at((x, 97.0 - 5.0 * k as f64))
                        + Text::new(label, (dx, 0), anchored(12, color, h, VPos::Top))
                }))
                .map_err(de)?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::MiddleRight)
            .background_style(WHITE.mix(0.9))
            .border_style(GREY)
            .label_font(font(12))
            .draw()
            .map_err(de)?;
        Ok(())
    }
}

/// A year's simulated downtime: the share of years in each bin, the
/// cumulative share, p50/p90/p99 and the target's budget marked, and
/// P(meeting the target) in the title.
///
/// # Errors
///
/// [`ChartError::Empty`] when the bins are inconsistent (edges not one
/// more than the counts, not increasing, or not positive);
/// [`ChartError::Draw`] when drawing fails.
pub fn downtime(d: &YearDowntime, format: ImageFormat, size: Size) -> Result<Vec<u8>, ChartError> {
    if d.edges_s.len() != d.counts.len() + 1
        || d.edges_s.is_empty()
        || d.edges_s[0].is_nan()
        || d.edges_s[0] <= 0.0
        || d.edges_s.windows(2).any(|w| w[1].is_nan() || w[1] <= w[0])
    {
        return Err(ChartError::Empty(
            "histogram bins must be positive, increasing, one more edge than counts".into(),
        ));
    }
    render(&DowntimeFigure { d }, format, size)
}
