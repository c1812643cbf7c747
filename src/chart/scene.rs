//! A few drawing primitives with two renderers: hand-written SVG (with
//! classes, so tests and style sheets can find edges and boxes) and any
//! plotters backend (for PNG).

use std::fmt::Write as _;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{Drawn, FAMILY, Figure, de};

/// An RGB colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
    fn plot(self) -> RGBColor {
        RGBColor(self.0, self.1, self.2)
    }
}

/// Horizontal anchor of a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Anchor {
    Start,
    Middle,
    End,
}

/// One thing drawn.
#[derive(Clone, Debug)]
pub(crate) enum Prim {
    Rect {
        x: f64,
        y: f64,
        w: f64,
        h: f64,
        fill: Option<Rgb>,
        stroke: Rgb,
        width: f64,
        dash: bool,
        class: &'static str,
        title: Option<String>,
    },
    Line {
        pts: Vec<(f64, f64)>,
        stroke: Rgb,
        width: f64,
        class: &'static str,
    },
    Text {
        x: f64,
        y: f64,
        text: String,
        size: f64,
        color: Rgb,
        anchor: Anchor,
    },
    Circle {
        x: f64,
        y: f64,
        r: f64,
        fill: Rgb,
    },
}

/// A picture made of primitives.
#[derive(Clone, Debug, Default)]
pub(crate) struct Scene {
    pub w: f64,
    pub h: f64,
    pub prims: Vec<Prim>,
}

/// Escapes text for XML (SVG, HTML).
pub(crate) fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A coordinate with at most one decimal.
fn n(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r == r.trunc() {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

impl Scene {
    /// The scene as a standalone SVG document.
    pub fn svg(&self, title: &str) -> String {
        let (w, h) = (self.w.ceil(), self.h.ceil());
        let mut s = String::new();
        let _ = write!(
            s,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"{FAMILY}\">\n<title>{}</title>\n<rect width=\"{w}\" height=\"{h}\" fill=\"#ffffff\"/>\n",
            xml(title)
        );
        for p in &self.prims {
            match p {
                Prim::Rect {
                    x,
                    y,
                    w,
                    h,
                    fill,
                    stroke,
                    width,
                    dash,
                    class,
                    title,
                } => {
                    let _ = write!(
                        s,
                        "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"4\" fill=\"{}\" stroke=\"{}\" stroke-width=\"{}\"{}",
                        n(*x),
                        n(*y),
                        n(*w),
                        n(*h),
                        fill.map_or("none".to_string(), Rgb::hex),
                        stroke.hex(),
                        n(*width),
                        if *dash {
                            " stroke-dasharray=\"5 3\""
                        } else {
                            ""
                        }
                    );
                    match title {
                        Some(t) => {
                            let _ = writeln!(s, "><title>{}</title></rect>", xml(t));
                        }
                        None => s.push_str("/>\n"),
                    }
                }
                Prim::Line {
                    pts,
                    stroke,
                    width,
                    class,
                } => {
                    let points: Vec<String> = pts
                        .iter()
                        .map(|(x, y)| format!("{},{}", n(*x), n(*y)))
                        .collect();
                    let _ = writeln!(
                        s,
                        "<polyline class=\"{class}\" points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{}\"/>",
                        points.join(" "),
                        stroke.hex(),
                        n(*width)
                    );
                }
                Prim::Text {
                    x,
                    y,
                    text,
                    size,
                    color,
                    anchor,
                } => {
                    let a = match anchor {
                        Anchor::Start => "start",
                        Anchor::Middle => "middle",
                        Anchor::End => "end",
                    };
                    let _ = writeln!(
                        s,
                        "<text x=\"{}\" y=\"{}\" font-size=\"{}\" fill=\"{}\" text-anchor=\"{a}\" dominant-baseline=\"central\">{}</text>",
                        n(*x),
                        n(*y),
                        n(*size),
                        color.hex(),
                        xml(text)
                    );
                }
                Prim::Circle { x, y, r, fill } => {
                    let _ = writeln!(
                        s,
                        "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{}\"/>",
                        n(*x),
                        n(*y),
                        n(*r),
                        fill.hex()
                    );
                }
            }
        }
        s.push_str("</svg>\n");
        s
    }
}

impl Figure for Scene {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn {
        let p = |x: f64, y: f64| (x.round() as i32, y.round() as i32);
        for prim in &self.prims {
            match prim {
                Prim::Rect {
                    x,
                    y,
                    w,
                    h,
                    fill,
                    stroke,
                    width,
                    ..
                } => {
                    if let Some(f) = fill {
                        root.draw(&Rectangle::new(
                            [p(*x, *y), p(x + w, y + h)],
                            f.plot().filled(),
                        ))
                        .map_err(de)?;
                    }
                    root.draw(&Rectangle::new(
                        [p(*x, *y), p(x + w, y + h)],
                        stroke.plot().stroke_width(width.round().max(1.0) as u32),
                    ))
                    .map_err(de)?;
                }
                Prim::Line {
                    pts, stroke, width, ..
                } => {
                    root.draw(&PathElement::new(
                        pts.iter().map(|(x, y)| p(*x, *y)).collect::<Vec<_>>(),
                        stroke.plot().stroke_width(width.round().max(1.0) as u32),
                    ))
                    .map_err(de)?;
                }
                Prim::Text {
                    x,
                    y,
                    text,
                    size,
                    color,
                    anchor,
                } => {
                    let h = match anchor {
                        Anchor::Start => HPos::Left,
                        Anchor::Middle => HPos::Center,
                        Anchor::End => HPos::Right,
                    };
                    let style = TextStyle {
                        font: (FAMILY, *size).into_font(),
                        color: color.plot().to_backend_color(),
                        pos: Pos::new(h, VPos::Center),
                    };
                    root.draw(&Text::new(text.clone(), p(*x, *y), style))
                        .map_err(de)?;
                }
                Prim::Circle { x, y, r, fill } => {
                    root.draw(&Circle::new(
                        p(*x, *y),
                        r.round() as i32,
                        fill.plot().filled(),
                    ))
                    .map_err(de)?;
                }
            }
        }
        Ok(())
    }
}
