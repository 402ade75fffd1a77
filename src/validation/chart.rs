//! The back-test chart: model against WPP for total population (5-yearly estimates) and
//! births (annual), as PNG and SVG. Self-contained until the shared chart module lands;
//! text uses the bundled DejaVu Sans, so no system font library is needed.

use std::path::Path;
use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;

use super::backtest::Backtest;
use crate::error::{Error, Result};

/// Family name the bundled font is registered under.
const FONT: &str = "forcecast-backtest-sans";
static FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static REGISTER: Once = Once::new();

fn register_font() {
    REGISTER.call_once(|| {
        // The bytes are a valid TrueType font shipped with the crate; a failure would show
        // up as missing text, not as a crash.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, FONT_BYTES);
    });
}

const MODEL: RGBColor = RGBColor(31, 119, 180);
const OBSERVED: RGBColor = RGBColor(214, 39, 40);

/// Writes `<stem>.png` and `<stem>.svg` into `dir`; returns the file names.
pub fn write(bt: &Backtest, dir: &Path, stem: &str) -> Result<Vec<String>> {
    register_font();
    let png = format!("{stem}.png");
    let svg = format!("{stem}.svg");
    let size = (1200, 500);
    let png_path = dir.join(&png);
    {
        let root = BitMapBackend::new(&png_path, size).into_drawing_area();
        draw(bt, &root).map_err(|e| chart_err(&png_path, e))?;
        root.present().map_err(|e| chart_err(&png_path, e))?;
    }
    let svg_path = dir.join(&svg);
    {
        let root = SVGBackend::new(&svg_path, size).into_drawing_area();
        draw(bt, &root).map_err(|e| chart_err(&svg_path, e))?;
        root.present().map_err(|e| chart_err(&svg_path, e))?;
    }
    Ok(vec![png, svg])
}

fn chart_err(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::io(path, std::io::Error::other(format!("chart: {e}")))
}

type DrawResult<DB> = std::result::Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

fn draw<DB: DrawingBackend>(bt: &Backtest, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let (left, right) = root.split_horizontally(600);
    let years: Vec<i32> = (bt.from..=bt.horizon).collect();
    let x_range = bt.from as f64..bt.horizon as f64 + 0.5;

    // Total population, millions.
    let model: Vec<(f64, f64)> = years.iter().zip(&bt.population).map(|(y, p)| (*y as f64, p.total() / 1e6)).collect();
    let mut observed: Vec<(f64, f64)> =
        bt.metric("population_total").map(|c| (c.year as f64, c.observed / 1e6)).collect();
    if let Some(p0) = bt.population.first() {
        observed.insert(0, (bt.from as f64, p0.total() / 1e6));
    }
    panel(
        &left,
        "Total population, millions (1 July)",
        x_range.clone(),
        &model,
        &observed,
        "WPP 2024 estimate (5-yearly)",
        SeriesLabelPosition::LowerRight,
    )?;

    // Births, thousands.
    let model: Vec<(f64, f64)> = bt.births.iter().map(|(y, b)| (*y as f64, b / 1e3)).collect();
    let observed: Vec<(f64, f64)> = bt.births_observed.iter().map(|(y, b)| (*y as f64, b / 1e3)).collect();
    panel(
        &right,
        "Births, thousands (calendar year)",
        x_range,
        &model,
        &observed,
        "WPP 2024 estimate",
        SeriesLabelPosition::UpperRight,
    )?;
    Ok(())
}

fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    x: std::ops::Range<f64>,
    model: &[(f64, f64)],
    observed: &[(f64, f64)],
    observed_label: &str,
    legend: SeriesLabelPosition,
) -> DrawResult<DB> {
    let all = model.iter().chain(observed).map(|p| p.1);
    let (lo, hi) = all.fold((f64::MAX, f64::MIN), |(l, h), v| (l.min(v), h.max(v)));
    let pad = ((hi - lo) * 0.08).max(1e-6);
    let mut chart = ChartBuilder::on(area)
        .caption(title, (FONT, 20))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(56)
        .build_cartesian_2d(x, (lo - pad)..(hi + pad))?;
    chart
        .configure_mesh()
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| format!("{v:.1}"))
        .label_style((FONT, 13))
        .light_line_style(RGBColor(235, 235, 235))
        .draw()?;
    chart
        .draw_series(LineSeries::new(model.iter().copied(), MODEL.stroke_width(2)))?
        .label("forcecast (model)")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], MODEL.stroke_width(2)));
    chart
        .draw_series(observed.iter().map(|&(x, y)| Circle::new((x, y), 4, OBSERVED.filled())))?
        .label(observed_label)
        .legend(|(x, y)| Circle::new((x + 9, y), 4, OBSERVED.filled()));
    chart
        .configure_series_labels()
        .label_font((FONT, 13))
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(200, 200, 200))
        .position(legend)
        .draw()?;
    Ok(())
}
