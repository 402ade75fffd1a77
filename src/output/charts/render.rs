//! Rendering a [`Chart`] to SVG and PNG: the figure's frame (title, subtitle, source
//! line) around its panels, drawn as SVG; the PNG is that SVG rasterised (`raster`).

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::palette::{INK, MUTED, PAPER};
use super::panel;
use super::spec::Chart;
use super::text::{self, size};
use crate::error::{Error, Result};

/// Outer margin in pixels.
const PAD: i32 = 28;
/// Space between the header and the first panel, and between panels.
const SPACE: i32 = 14;

/// Renders `charts` into `dir` in parallel (on the current rayon pool); returns their
/// file names in the order of `charts`, or the first failure in that order.
pub fn render_all(charts: &[(&str, Chart)], dir: &Path) -> Result<Vec<String>> {
    use rayon::prelude::*;
    let written: Vec<Result<Vec<String>>> = charts.par_iter().map(|(stem, chart)| render(chart, dir, stem)).collect();
    let mut files = Vec::with_capacity(2 * charts.len());
    for w in written {
        files.extend(w?);
    }
    Ok(files)
}

/// Writes `chart` as `<stem>.png` and `<stem>.svg` into `dir`; returns the two file
/// names. The SVG holds no timestamp, so identical charts give identical files.
pub fn render(chart: &Chart, dir: &Path, stem: &str) -> Result<Vec<String>> {
    text::ensure_fonts()?;
    let svg_name = format!("{stem}.svg");
    let svg_path = dir.join(&svg_name);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, chart.size).into_drawing_area();
        draw(chart, &root).map_err(|e| drawing_error(&svg_path, e))?;
        root.present().map_err(|e| drawing_error(&svg_path, e))?;
    }
    let svg = super::raster::fill_opacity(&svg);
    // The PNG is the SVG rasterised, so the two show the same text (`raster`).
    let png_name = format!("{stem}.png");
    super::raster::write_png(&svg, &dir.join(&png_name))?;
    std::fs::write(&svg_path, svg).map_err(|e| Error::io(&svg_path, e))?;
    Ok(vec![png_name, svg_name])
}

fn drawing_error(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::io(path, std::io::Error::other(format!("cannot draw chart: {e}")))
}

/// Splits `text` into lines no wider than `width` pixels in `style`.
fn wrap<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle,
    width: i32,
) -> Result<Vec<String>, DrawingAreaErrorKind<DB::ErrorType>> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let candidate = if current.is_empty() { word.to_string() } else { format!("{current} {word}") };
        if !current.is_empty() && area.estimate_text_size(&candidate, style)?.0 as i32 > width {
            lines.push(std::mem::replace(&mut current, word.to_string()));
        } else {
            current = candidate;
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    Ok(lines)
}

/// Draws the whole figure on `root`.
fn draw<DB: DrawingBackend>(
    chart: &Chart,
    root: &DrawingArea<DB, Shift>,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&PAPER)?;
    let (w, h) = root.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let inner = w - 2 * PAD;

    let mut y = 20;
    let title = text::bold(size::TITLE, INK);
    for line in wrap(root, &chart.title, &title, inner)? {
        root.draw(&Text::new(line, (PAD, y), title.clone()))?;
        y += (size::TITLE * 1.2) as i32;
    }
    if let Some(sub) = &chart.subtitle {
        let style = text::regular(size::SUBTITLE, MUTED);
        y += 2;
        for line in wrap(root, sub, &style, inner)? {
            root.draw(&Text::new(line, (PAD, y), style.clone()))?;
            y += (size::SUBTITLE * 1.3) as i32;
        }
    }
    y += SPACE;

    let source = text::regular(size::SOURCE, MUTED);
    let source_lines = wrap(root, &chart.source, &source, inner)?;
    let line_h = (size::SOURCE * 1.3) as i32;
    let footer = source_lines.len() as i32 * line_h + 18;
    for (i, line) in source_lines.into_iter().enumerate() {
        let top = h - footer + 10 + i as i32 * line_h;
        root.draw(&Text::new(line, (PAD, top), source.clone()))?;
    }

    let body_h = h - y - footer - 6;
    let total: f64 = chart.panels.iter().map(|p| p.weight.max(0.0)).sum::<f64>().max(f64::MIN_POSITIVE);
    let mut top = y;
    let mut areas = Vec::with_capacity(chart.panels.len());
    for (i, p) in chart.panels.iter().enumerate() {
        let gap = if i > 0 { SPACE } else { 0 };
        let ph = ((f64::from(body_h) * p.weight.max(0.0) / total) as i32 - gap).max(0);
        let area = root.margin(top + gap, (h - top - gap - ph).max(0), PAD, PAD);
        let lay = panel::layout(&area, p)?;
        areas.push((area, lay));
        top += gap + ph;
    }
    // One y-label width for all panels, so their plots line up.
    let y_area = areas.iter().map(|(_, l)| l.y_area).max().unwrap_or(0);
    for ((area, mut lay), p) in areas.into_iter().zip(&chart.panels) {
        lay.y_area = y_area;
        panel::draw(&area, p, &lay)?;
    }
    Ok(())
}
