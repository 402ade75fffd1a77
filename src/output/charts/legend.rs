//! The legend: one entry per labelled layer, laid out in rows above the plot (wrapping
//! at the panel's width), so that it never hides data.

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

use super::palette::PAPER;
use super::spec::{Dash, HPos, Panel, VPos, pos};
use super::text::{self, size};

/// Width of a legend swatch in pixels.
const SWATCH: i32 = 40;
/// Space between a swatch and its text.
const GAP: i32 = 10;
/// Space between entries.
const SPACING: i32 = 34;

/// How a legend entry's key is drawn.
#[derive(Debug, Clone, Copy)]
enum Key {
    Fill(RGBColor, f64),
    Line(RGBColor, u32, Dash),
    Dot(RGBColor, u32),
}

/// The legend entries of a panel: areas, lines, then points, in layer order.
fn entries(panel: &Panel) -> Vec<(Key, &str)> {
    let areas = panel
        .areas
        .iter()
        .filter_map(|a| Some((Key::Fill(a.colour, a.key_opacity.unwrap_or(a.opacity)), a.label.as_deref()?)));
    let lines = panel.lines.iter().filter_map(|l| Some((Key::Line(l.colour, l.width, l.dash), l.label.as_deref()?)));
    let points = panel.points.iter().filter_map(|p| Some((Key::Dot(p.colour, p.radius), p.label.as_deref()?)));
    areas.chain(lines).chain(points).collect()
}

/// Row height of the legend.
fn row_height() -> i32 {
    (size::LEGEND * 1.4).round() as i32
}

/// Places entries in rows no wider than `width`: (row, x) of each entry.
fn layout<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    items: &[(Key, &str)],
    width: i32,
) -> Result<Vec<(i32, i32)>, DrawingAreaErrorKind<DB::ErrorType>> {
    let style = text::regular(size::LEGEND, super::palette::INK);
    let mut out = Vec::with_capacity(items.len());
    let (mut row, mut x) = (0, 0);
    for (_, label) in items {
        let (tw, _) = area.estimate_text_size(label, &style)?;
        let w = SWATCH + GAP + tw as i32;
        if x > 0 && x + w > width {
            row += 1;
            x = 0;
        }
        out.push((row, x));
        x += w + SPACING;
    }
    Ok(out)
}

/// Height in pixels the panel's legend needs at `width` (0 without entries).
pub fn height<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panel: &Panel,
    width: i32,
) -> Result<i32, DrawingAreaErrorKind<DB::ErrorType>> {
    let items = entries(panel);
    if items.is_empty() {
        return Ok(0);
    }
    let rows = layout(area, &items, width)?.iter().map(|(r, _)| r + 1).max().unwrap_or(0);
    Ok(rows * row_height())
}

/// Draws the panel's legend with its top-left corner at `(x0, y0)` of `area`.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panel: &Panel,
    (x0, y0): (i32, i32),
    width: i32,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let items = entries(panel);
    let style = text::regular(size::LEGEND, super::palette::INK);
    let rh = row_height();
    for ((key, label), (row, x)) in items.iter().zip(layout(area, &items, width)?) {
        let (x, cy) = (x0 + x, y0 + row * rh + rh / 2);
        match *key {
            Key::Fill(c, o) => {
                area.draw(&Rectangle::new([(x, cy - 9), (x + SWATCH, cy + 9)], c.mix(o).filled()))?;
            }
            Key::Line(c, w, dash) => {
                let pts = vec![(x, cy), (x + SWATCH, cy)];
                let st = c.stroke_width(w);
                match dash {
                    Dash::Solid => area.draw(&PathElement::new(pts, st))?,
                    Dash::Dashed => area.draw(&DashedPathElement::new(pts, 12, 7, st))?,
                    Dash::Dotted => area.draw(&DashedPathElement::new(pts, 4, 5, st))?,
                }
            }
            Key::Dot(c, r) => {
                let centre = (x + SWATCH / 2, cy);
                area.draw(&Circle::new(centre, r as i32 + 2, PAPER.filled()))?;
                area.draw(&Circle::new(centre, r as i32, c.filled()))?;
            }
        }
        area.draw(&Text::new(label.to_string(), (x + SWATCH + GAP, cy), style.pos(pos(HPos::Left, VPos::Center))))?;
    }
    Ok(())
}
