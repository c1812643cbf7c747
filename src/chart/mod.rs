//! Charts, the model's reliability block diagram and the design-review
//! page (feature `charts`, on by default).
//!
//! Every function here reads results only ([`Report`](crate::Report),
//! [`Sweep`](crate::study::Sweep), [`Blast`](crate::study::Blast), the
//! options' [`Paired`](crate::study::paired::Paired) simulation, a
//! checked [`System`](crate::System) for its structure, or the small
//! [`YearDowntime`] input) and never runs an engine. A picture is SVG or
//! PNG ([`ImageFormat`], by the output file's extension), the same drawing
//! in both. Text is set in DejaVu Sans, embedded in the crate
//! (`assets/fonts/`, Bitstream Vera licence), so a PNG is byte for byte the
//! same on a machine without any system font; an SVG names the family
//! `sans-serif` and leaves the text to the viewer.
//!
//! Axes name their units: downtime in the unit a person reads best (s,
//! min, h, d), availability in nines with the percentage beside each tick
//! (`4 (99.99%)`).
//!
//! # Example
//!
//! ```
//! use fivenines::{Availability, Report, System, analytic, chart};
//! let sys = System::from_str("m.toml", r#"
//!     system = "app"
//!     [component.web]
//!     availability = "99.9%"
//!     mttr = "1h"
//!     [component.db]
//!     availability = "99.95%"
//!     mttr = "2h"
//!     [block.app]
//!     series = ["web", "db"]
//! "#)?;
//! let r = Report::analytic(&sys, &analytic::evaluate(&sys)?, Some(Availability::parse("99.9%")?));
//! let svg = chart::contributors(&r, chart::ImageFormat::Svg, chart::Size::DEFAULT)?;
//! assert!(String::from_utf8(svg)?.contains("web"));
//! let png = chart::contributors(&r, chart::ImageFormat::Png, chart::Size { width: 320, height: 200 })?;
//! assert_eq!(&png[1..4], b"PNG");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod diagram;
mod glyph;
mod page;
mod plots;
mod scene;

use std::path::Path;
use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;

pub use diagram::{diagram, diagram_dot, diagram_svg};
pub use page::{Review, options_page, review_page};
pub use plots::{OptionPoint, YearDowntime, contributors, cost, downtime, options, sweep};

/// The embedded font (DejaVu Sans 2.37; licence in
/// `assets/fonts/DejaVu-LICENSE.txt`).
static FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// The family every chart asks for; the embedded font is registered under it.
const FAMILY: &str = "sans-serif";

/// Registers the embedded font with plotters once.
fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The bytes are a valid TrueType font, checked by the tests; if
        // registration ever failed, text would be missing from PNGs and the
        // tests that compare PNGs would say so.
        let _ = plotters::style::register_font(FAMILY, FontStyle::Normal, FONT);
    });
}

/// The picture format, from an output file's extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageFormat {
    /// Scalable vector graphics (text as text).
    Svg,
    /// A bitmap, text drawn with the embedded font.
    Png,
}

impl ImageFormat {
    /// `.svg` or `.png` (any case); `None` for anything else.
    ///
    /// # Examples
    ///
    /// ```
    /// use fivenines::chart::ImageFormat;
    /// assert_eq!(ImageFormat::from_path("a/b.PNG"), Some(ImageFormat::Png));
    /// assert_eq!(ImageFormat::from_path("b.jpg"), None);
    /// ```
    pub fn from_path(path: impl AsRef<Path>) -> Option<ImageFormat> {
        let ext = path.as_ref().extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "svg" => Some(ImageFormat::Svg),
            "png" => Some(ImageFormat::Png),
            _ => None,
        }
    }
}

/// A picture's size in pixels (SVG user units).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Size {
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
}

impl Size {
    /// 960 × 540, the size of every chart the commands write.
    pub const DEFAULT: Size = Size {
        width: 960,
        height: 540,
    };
}

/// Why a chart could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// The results hold nothing this chart can show.
    #[error("nothing to chart: {0}")]
    Empty(String),
    /// The inputs of one chart do not belong together (a simulation of
    /// other options than the chart's).
    #[error("inconsistent chart input: {0}")]
    Mismatch(String),
    /// The drawing library or the PNG encoder failed.
    #[error("cannot draw the chart: {0}")]
    Draw(String),
}

/// The result of a drawing step inside a chart.
type Drawn = Result<(), String>;

/// Maps any displayable error to the drawing error text.
fn de<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// Something that draws itself on any plotters backend.
trait Figure {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn;
}

/// Renders a figure as SVG text or PNG bytes.
fn render(fig: &impl Figure, format: ImageFormat, size: Size) -> Result<Vec<u8>, ChartError> {
    register_font();
    let (w, h) = (size.width.max(16), size.height.max(16));
    match format {
        ImageFormat::Svg => {
            let mut s = String::new();
            {
                let root = SVGBackend::with_string(&mut s, (w, h)).into_drawing_area();
                root.fill(&WHITE).map_err(|e| ChartError::Draw(de(e)))?;
                fig.draw(&root).map_err(ChartError::Draw)?;
                root.present().map_err(|e| ChartError::Draw(de(e)))?;
            }
            Ok(s.into_bytes())
        }
        ImageFormat::Png => {
            let mut buf = vec![255u8; (w as usize) * (h as usize) * 3];
            {
                let backend = glyph::Glyphs {
                    inner: BitMapBackend::with_buffer(&mut buf, (w, h)),
                    font: ab_glyph::FontRef::try_from_slice(FONT)
                        .map_err(|e| ChartError::Draw(de(e)))?,
                };
                let root = backend.into_drawing_area();
                root.fill(&WHITE).map_err(|e| ChartError::Draw(de(e)))?;
                fig.draw(&root).map_err(ChartError::Draw)?;
                root.present().map_err(|e| ChartError::Draw(de(e)))?;
            }
            encode_png(&buf, w, h)
        }
    }
}

/// RGB bytes as a PNG file (no time stamp or other varying chunk, so the
/// same picture gives the same bytes).
fn encode_png(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>, ChartError> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header().map_err(|e| ChartError::Draw(de(e)))?;
        writer
            .write_image_data(rgb)
            .map_err(|e| ChartError::Draw(de(e)))?;
    }
    Ok(out)
}

/// The unit to show downtimes up to `max_s` seconds in: divisor and name.
fn duration_unit(max_s: f64) -> (f64, &'static str) {
    let m = max_s.abs();
    if m < 120.0 {
        (1.0, "s")
    } else if m < 120.0 * 60.0 {
        (60.0, "min")
    } else if m < 72.0 * 3600.0 {
        (3600.0, "h")
    } else {
        (86_400.0, "d")
    }
}

/// An availability with `n` nines as a percentage: `99.99%`.
fn nines_percent(n: f64) -> String {
    if !n.is_finite() {
        return "100%".into();
    }
    let q = 10f64.powf(-n);
    crate::value::quantity::trim_percent(&crate::value::quantity::format_percent(1.0 - q, q))
}

/// The label of a nines tick: `4 (99.99%)`.
fn nines_tick(n: f64) -> String {
    let v = if (n - n.round()).abs() < 1e-9 {
        format!("{}", n.round())
    } else {
        format!("{n:.2}")
    };
    format!("{v} ({})", nines_percent(n))
}

/// Nines of an unavailability, capped for drawing (a system that never
/// fails is drawn at 12 nines).
fn draw_nines(q: f64) -> f64 {
    if q <= 0.0 {
        12.0
    } else {
        (-q.log10()).min(12.0)
    }
}

/// A number with three significant digits and no trailing zeros.
fn short(v: f64) -> String {
    let s = crate::value::quantity::sig3(v);
    if s.contains('.') && !s.contains('e') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// A money amount with thousands separators: `1,234 USD`.
fn money(v: f64, currency: &str) -> String {
    let whole = v.round() as i64;
    let out = plots::group_thousands(whole.unsigned_abs());
    let sign = if whole < 0 { "-" } else { "" };
    format!("{sign}{out} {currency}")
}
