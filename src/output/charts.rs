//! Charts: PNG and SVG figures for briefings, drawn with plotters and the bundled
//! DejaVu Sans font (no system font library needed).
//!
//! The public API is small and data-driven, so that new charts (fan charts, scenario
//! overlays, tornado charts) reuse the same look:
//! - [`Chart`] and [`Panel`] describe a figure: title, subtitle, source line, and per
//!   panel two [`Axis`]es (label with unit, range, [`TickFormat`]) and layers: shaded
//!   [`Area`]s (quantile bands, stacked areas, bars), [`Line`]s, [`Points`],
//!   vertical [`Marker`]s with labels, and [`Note`]s. Labelled layers form the legend,
//!   drawn above the plot so it never hides data.
//! - [`render`] writes a chart as `<stem>.png` and `<stem>.svg`.
//! - [`palette`] holds the colours; [`palette::scenario`] gives each scenario a fixed
//!   colour for overlays.
//!
//! ```no_run
//! use forcecast::output::charts::{Axis, Chart, Line, Panel, TickFormat, palette, render};
//! let mut panel = Panel::new(Axis::years("year"), Axis::values("persons (thousands)", TickFormat::thousands()));
//! panel.lines.push(Line::xy("baseline", palette::scenario("baseline", 0), &[2025.0, 2050.0], &[231_614.0, 128_118.0]));
//! let chart = Chart::new("Men aged 20", "Source: forcecast", panel);
//! render(&chart, std::path::Path::new("/tmp"), "men20")?;
//! # Ok::<(), forcecast::Error>(())
//! ```
//!
//! [`write_all`] draws the five charts of one projection.

pub mod basis;
mod enlistment;
mod force;
pub mod format;
mod gap;
mod legend;
pub mod overlay;
pub mod palette;
mod panel;
mod population;
mod pyramid;
mod raster;
mod render;
pub mod spec;
pub mod text;
pub mod tornado;

use std::path::Path;

pub use format::TickFormat;
pub use render::{render, render_all};
pub use spec::{Area, Axis, Chart, DEFAULT_SIZE, Dash, HPos, Line, Marker, Note, Panel, Points, VPos};

use super::tables::summary_rows;
use crate::data::CountryData;
use crate::error::Result;
use crate::run::Projection;
use basis::Basis;

/// The source line of a projection's charts: tool version, scenario, the WPP rates and
/// the base population, then chart-specific sources in `extra`.
pub fn source_line(p: &Projection, basis: &Basis, extra: &[&str]) -> String {
    let mut s =
        format!("Source: forcecast {}, scenario {}; UN WPP 2024; {}", crate::VERSION, p.scenario.name, basis.source);
    for e in extra {
        s.push_str("; ");
        s.push_str(e);
    }
    s
}

/// The five charts of a projection with their file stems.
pub fn specs(p: &Projection, data: &CountryData) -> Vec<(&'static str, Chart)> {
    specs_with(p, data, &crate::output::years::ChartYears::default())
}

/// [`specs`] with the pyramid years asked for (`--pyramid-years`).
pub fn specs_with(
    p: &Projection,
    data: &CountryData,
    years: &crate::output::years::ChartYears,
) -> Vec<(&'static str, Chart)> {
    let rows = summary_rows(p);
    let basis = basis::of(p, data);
    let src = |extra: &[&str]| source_line(p, &basis, extra);
    vec![
        ("pyramid", pyramid::chart(p, &basis, src(&[]), years.pyramid.as_deref())),
        (
            "population",
            population::chart(
                p,
                &rows,
                data,
                &basis,
                src(&turning_note(data).iter().map(String::as_str).collect::<Vec<_>>()),
            ),
        ),
        ("enlistment_age_men", enlistment::chart(p, &rows, &basis, src(&[]))),
        (
            "force",
            force::chart(
                p,
                &rows,
                data,
                src(&[&format!("observed strength: {} (force_inputs.csv)", data.force.structure().strength_source)]),
            ),
        ),
        ("gap_automation", gap::chart(p, &rows, src(&[]))),
    ]
}

/// The population chart's note on its turning points: their source, when the country
/// names any.
fn turning_note(data: &CountryData) -> Vec<String> {
    match (&data.turning_points_source, data.turning_points.is_empty()) {
        (Some(s), false) => vec![format!("turning points: {s}")],
        _ => Vec::new(),
    }
}

/// Writes every chart of a projection into `dir` as PNG and SVG (in parallel); returns
/// the file names.
pub fn write_all(p: &Projection, data: &CountryData, dir: &Path) -> Result<Vec<String>> {
    render_all(&specs(p, data), dir)
}
