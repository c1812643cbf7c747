//! `fivenines diagram`: the model as a reliability block diagram (SVG, PNG
//! or Graphviz DOT); also the helpers that write the other commands'
//! `--chart` files.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use fivenines::chart::{self, ChartError, ImageFormat};

use super::{CatalogProfile, Failure, load, print_warnings};

const EXAMPLES: &str = "\
Examples:
  fivenines diagram models/multi-az-three-tier.toml -o multi-az.svg
  fivenines diagram models/dx-two-locations-vpn.toml -o dx.png
  fivenines diagram models/multi-az-three-tier.toml --format dot | dot -Tsvg > multi-az-dot.svg

Series run left to right; parallel, k-of-n and standby blocks are stacked
between a split and a join (\"2 of 3\"), with the failover delay on a
standby's edges; replica groups are stacked boxes; failure domains are
coloured badges with a legend; a part used in several places is outlined
in purple (it is one thing). Exit status: 0, or 2 for a bad model or usage.";

/// Output format of a diagram.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DiagramFormat {
    /// A picture: SVG or PNG by the output file's extension.
    Image,
    /// Graphviz DOT text (to the output file, or standard output).
    Dot,
}

/// The model drawn as a reliability block diagram.
#[derive(clap::Args, Debug)]
#[command(after_help = EXAMPLES)]
pub(crate) struct Args {
    /// The model file (TOML); - reads it from standard input.
    file: PathBuf,
    /// Output file: .svg or .png (with --format dot: any name; standard output without it).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "image")]
    format: DiagramFormat,
    /// Catalog figures `like` takes: sla (published floors) or typical (our estimates); overrides the model's `catalog` key.
    #[arg(long, value_enum)]
    catalog: Option<CatalogProfile>,
}

/// The picture format of a chart file, from its extension.
pub(crate) fn image_format(path: &Path) -> Result<ImageFormat, Failure> {
    ImageFormat::from_path(path).ok_or_else(|| {
        Failure::Usage(format!(
            "{}: a chart is written as .svg or .png (by the file's extension)",
            path.display()
        ))
    })
}

/// A chart error as a command failure.
pub(crate) fn chart_failure(e: ChartError) -> Failure {
    match e {
        ChartError::Empty(m) => Failure::Usage(format!("nothing to chart: {m}")),
        ChartError::Mismatch(m) | ChartError::Draw(m) => Failure::Io(std::io::Error::other(m)),
    }
}

/// Writes a chart file.
pub(crate) fn write_file(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    std::fs::write(path, bytes).map_err(|e| {
        Failure::Io(std::io::Error::new(
            e.kind(),
            format!("{}: {e}", path.display()),
        ))
    })
}

/// Draws a chart to `path` (its format by the extension).
pub(crate) fn write_chart(
    path: &Path,
    draw: impl FnOnce(ImageFormat) -> Result<Vec<u8>, ChartError>,
) -> Result<(), Failure> {
    let format = image_format(path)?;
    let bytes = draw(format).map_err(chart_failure)?;
    write_file(path, &bytes)
}

pub(crate) fn run(args: Args) -> Result<ExitCode, Failure> {
    // Check the output's extension before reading the model.
    if args.format == DiagramFormat::Image {
        match &args.output {
            Some(p) => {
                image_format(p)?;
            }
            None => {
                return Err(Failure::Usage(
                    "a diagram picture needs -o FILE.svg or -o FILE.png (or --format dot)".into(),
                ));
            }
        }
    }
    let sys = load(&args.file, args.catalog)?;
    print_warnings(&args.file, sys.warnings());
    match (args.format, &args.output) {
        (DiagramFormat::Dot, None) => {
            let mut out = super::stdout();
            out.write_all(chart::diagram_dot(&sys).as_bytes())?;
            out.flush()?;
        }
        (DiagramFormat::Dot, Some(p)) => write_file(p, chart::diagram_dot(&sys).as_bytes())?,
        (DiagramFormat::Image, Some(p)) => write_chart(p, |f| chart::diagram(&sys, f))?,
        (DiagramFormat::Image, None) => unreachable!("checked above"),
    }
    Ok(ExitCode::SUCCESS)
}
