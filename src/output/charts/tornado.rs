//! Tornado chart: one horizontal bar per parameter, from the output at the scenario's
//! value (a vertical line) to the output with the parameter at its low setting (one
//! colour) and at its high setting (another), largest effect at the top. The setting is
//! written at the end of each bar, so the reader sees which value gives which result.

use super::format::TickFormat;
use super::palette::{BLUE, INK, MUTED, ORANGE};
use super::spec::{Area, Axis, Chart, HPos, Marker, Note, Panel, VPos};
use super::text;

/// One bar: the output with the parameter at its low and at its high setting.
#[derive(Debug, Clone)]
pub struct Bar {
    /// Parameter label (the category on the vertical axis).
    pub label: String,
    /// Output with the parameter at its low setting.
    pub low: f64,
    /// Output with the parameter at its high setting.
    pub high: f64,
    /// The low setting, written at the end of its bar.
    pub low_text: String,
    /// The high setting.
    pub high_text: String,
}

/// What a tornado chart shows.
#[derive(Debug, Clone)]
pub struct Tornado {
    /// Title.
    pub title: String,
    /// Subtitle.
    pub subtitle: String,
    /// Source line.
    pub source: String,
    /// The output of the scenario itself.
    pub base: f64,
    /// Label of the base line, e.g. "baseline 2040: 168,607".
    pub base_label: String,
    /// Bars, largest effect first (drawn at the top).
    pub bars: Vec<Bar>,
    /// Description of the horizontal axis with its unit.
    pub axis: String,
    /// Tick format of the horizontal axis.
    pub format: TickFormat,
    /// Text for bars whose parameter has no effect, e.g. "no effect in 2040".
    pub no_effect: String,
}

/// Height of one bar row in pixels.
const ROW: u32 = 50;
/// Half the bar thickness, in category units.
const HALF: f64 = 0.34;

/// The chart of a tornado.
pub fn chart(t: &Tornado) -> Chart {
    let n = t.bars.len();
    // Category i (largest effect) sits at the top: position n - 1 - i.
    let pos = |i: usize| (n - 1 - i) as f64;
    let names: Vec<String> = (0..n).map(|p| t.bars[n - 1 - p].label.clone()).collect();

    let lo = t.bars.iter().flat_map(|b| [b.low, b.high]).fold(t.base, f64::min);
    let hi = t.bars.iter().flat_map(|b| [b.low, b.high]).fold(t.base, f64::max);
    // At least one unit of the axis as written (ten times its least span: the drawn
    // range is 1.2 spans), so that an output no setting moves (a cost of 0 in every
    // variant) still gets distinct tick labels.
    let span = (hi - lo).max(t.base.abs() * 0.02).max(t.format.min_span() * 10.0).max(1.0);
    // Room either side for the setting labels at the bar ends: each label's width as a
    // share f of the plot's width (estimated from its length) must fit between its bar's
    // end v and the edge, v − x₀ ≥ f (x₁ − x₀) on the left; a few fixed-point steps find
    // the edges (they converge while the widest labels of both sides fit in the plot).
    let width = |s: &str| s.chars().count() as f64 * text::size::NOTE * 0.6 + 16.0;
    let names_px = t.bars.iter().map(|b| width(&b.label)).fold(0.0, f64::max);
    let plot_px = (1100.0 - 60.0 - names_px).max(300.0);
    let labels: Vec<(f64, f64)> = t
        .bars
        .iter()
        .flat_map(|b| [(b.low, &b.low_text), (b.high, &b.high_text)])
        .map(|(v, s)| (v, (width(s) / plot_px).min(0.35)))
        .collect();
    let mut x = (lo - span * 0.1, hi + span * 0.1);
    for _ in 0..8 {
        let range = x.1 - x.0;
        let left = labels.iter().filter(|l| l.0 < t.base).map(|&(v, f)| v - f * range).fold(lo - span * 0.1, f64::min);
        let right = labels.iter().filter(|l| l.0 > t.base).map(|&(v, f)| v + f * range).fold(hi + span * 0.1, f64::max);
        x = (left, right);
    }
    let mut panel = Panel::new(
        Axis::values(t.axis.clone(), t.format.clone()).range(x.0, x.1),
        // The top stops short of the next whole number (no empty tick) and leaves room
        // for the base line's label above the first bar.
        Axis::values("", TickFormat::Categories(names)).range(-0.6, n as f64 - 0.02).ticks(n + 2),
    );
    panel.markers.push(Marker::new(t.base, t.base_label.clone()));

    // The legend: low first, then high (zero-size placeholders, so the order does not
    // depend on which bar happens to be drawn first).
    for (colour, legend) in [(BLUE, "Parameter at its low value"), (ORANGE, "Parameter at its high value")] {
        panel.areas.push(Area::rect(Some(legend.into()), colour, (t.base, t.base), (0.0, 0.0)));
    }
    let tiny = span * 1e-6;
    for (i, b) in t.bars.iter().enumerate() {
        let y = pos(i);
        let moved = |v: f64| (v - t.base).abs() > tiny;
        // Both settings moving the output the same way: the bar is split, low on the
        // upper half and high on the lower, each labelled at its own end.
        let split = moved(b.low) && moved(b.high) && (b.low > t.base) == (b.high > t.base);
        let ends = [(b.low, &b.low_text, BLUE, (y, y + HALF)), (b.high, &b.high_text, ORANGE, (y - HALF, y))];
        for (v, text, colour, half) in ends {
            if !moved(v) {
                continue;
            }
            let (y0, y1) = if split { half } else { (y - HALF, y + HALF) };
            panel.areas.push(Area::rect(None, colour, (t.base.min(v), t.base.max(v)), (y0, y1)));
            let (dx, h) = if v >= t.base { (8, HPos::Left) } else { (-8, HPos::Right) };
            let mut note = Note::new((v, 0.5 * (y0 + y1)), text.clone(), INK).offset(dx, 0).anchor(h, VPos::Center);
            if split {
                note = note.size(text::size::NOTE * 0.8);
            }
            panel.notes.push(note);
        }
        if (b.low - t.base).abs() <= tiny && (b.high - t.base).abs() <= tiny {
            panel.notes.push(
                Note::new((t.base, y), t.no_effect.clone(), MUTED).offset(10, 0).anchor(HPos::Left, VPos::Center),
            );
        }
    }
    Chart {
        title: t.title.clone(),
        subtitle: Some(t.subtitle.clone()),
        source: t.source.clone(),
        size: (1100, 330 + ROW * n as u32),
        panels: vec![panel],
    }
}
