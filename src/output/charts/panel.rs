//! Drawing one [`Panel`]: heading, legend, axes with formatted ticks, then the layers.

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

use super::format::{TickFormat, nice_ceil};
use super::legend;
use super::palette::{AXIS, GRID, INK, MARKER, MUTED, PAPER};
use super::spec::{Axis, Dash, HPos, Panel, VPos, pos};
use super::text::{self, size};

/// Height of one marker-label row in pixels.
const MARKER_ROW: i32 = 27;
/// Space under the plot for the tick labels.
const X_TICKS: i32 = 34;
/// Extra space under the tick labels for the x-axis description.
const X_DESC: i32 = 30;
/// Space kept right of the plot so the last tick label is not cut.
const RIGHT: i32 = 28;

type DResult<T, DB> = Result<T, DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// Smallest and largest x and y over the panel's layers.
fn extent(panel: &Panel) -> Option<((f64, f64), (f64, f64))> {
    let pts = panel
        .areas
        .iter()
        .flat_map(|a| a.polygon.iter())
        .chain(panel.lines.iter().flat_map(|l| l.points.iter()))
        .chain(panel.points.iter().flat_map(|p| p.points.iter()))
        .chain(panel.notes.iter().map(|n| &n.at))
        .chain(panel.notes.iter().filter_map(|n| n.point.as_ref()))
        .filter(|(x, y)| x.is_finite() && y.is_finite());
    pts.fold(None, |acc, &(x, y)| match acc {
        None => Some(((x, x), (y, y))),
        Some(((x0, x1), (y0, y1))) => Some(((x0.min(x), x1.max(x)), (y0.min(y), y1.max(y)))),
    })
}

/// The labelled markers inside the x range: these get one label row each.
fn labelled_markers(panel: &Panel, (x0, x1): (f64, f64)) -> usize {
    panel.markers.iter().filter(|m| !m.label.is_empty() && m.x >= x0 && m.x <= x1).count()
}

/// The axis ranges: fixed ones as given; fitted ones span the data, the y axis from 0
/// (for non-negative data) to a top that leaves 5% headroom plus room for the marker
/// labels over a plot `plot_h` pixels high.
fn ranges(panel: &Panel, plot_h: i32) -> ((f64, f64), (f64, f64)) {
    let ((dx0, dx1), (dy0, dy1)) = extent(panel).unwrap_or(((0.0, 1.0), (0.0, 1.0)));
    // A fitted x range is padded by 1% each side so points at the ends clear the axes.
    // A single x value gets the axis' smallest readable span around it (a frontier of one
    // requirement level of 1 troop was ticked 0.00 thousand five times), from 0 when
    // the data are not negative.
    let x = panel.x.range.unwrap_or(if dx1 > dx0 {
        let pad = (dx1 - dx0) * 0.01;
        (dx0 - pad, dx1 + pad)
    } else {
        let half = panel.x.format.min_span().max(1.0) / 2.0;
        if dx0 >= 0.0 && dx0 - half < 0.0 { (0.0, 2.0 * half.max(dx0)) } else { (dx0 - half, dx0 + half) }
    });
    let y = panel.y.range.unwrap_or_else(|| {
        let lo = dy0.min(0.0);
        // At least a tenth of a unit of the axis as written (100 troops on an axis in
        // thousands, 0.1 trillion on one in trillions): all-zero or near-zero data would
        // otherwise get a range of 1 and tick labels that all read `0`.
        let min = panel.y.format.min_span();
        let hi = if dy1 > lo && dy1 - lo >= min { dy1 } else { lo + nice_ceil(dy1.abs().max(min).max(1.0)) };
        let reserve = match labelled_markers(panel, x) {
            0 => 0.0,
            n => f64::from(n as i32 * MARKER_ROW + 14) / f64::from(plot_h.max(100)),
        };
        (lo, lo + (hi - lo) * 1.05 / (1.0 - reserve.min(0.5)))
    });
    (x, y)
}

/// The largest magnitude an axis end may have: above every bound of the output guard
/// ([`crate::output::guard::MAX_MONEY`]) with room for the headroom added to a range.
const AXIS_LIMIT: f64 = 1.0e20;

/// Whether an axis range can be drawn: finite ends within [`AXIS_LIMIT`], the top above
/// the bottom by more than the rounding of the ends.
fn drawable((lo, hi): (f64, f64)) -> bool {
    let ends_ok = lo.is_finite() && hi.is_finite() && lo.abs() <= AXIS_LIMIT && hi.abs() <= AXIS_LIMIT;
    ends_ok && hi - lo > 1e-9 * lo.abs().max(hi.abs())
}

/// Width of the y-axis label area: the widest tick label, the tick marks and the
/// rotated axis description.
fn y_area_width<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panel: &Panel,
    (y0, y1): (f64, f64),
) -> DResult<i32, DB> {
    let style = text::regular(size::TICK, INK);
    let samples: Vec<String> = match &panel.y.format {
        TickFormat::Categories(names) => names.clone(),
        f => {
            let step = nice_ceil((y1 - y0) / panel.y.max_ticks.max(1) as f64);
            let top = (y1 / step).floor() * step;
            let bottom = (y0 / step).ceil() * step;
            vec![f.tick(top), f.tick(bottom), f.tick(top - step / 2.0)]
        }
    };
    let mut w = 0;
    for s in &samples {
        w = w.max(area.estimate_text_size(s, &style)?.0 as i32);
    }
    let desc = if panel.y.label.is_empty() { 0 } else { (size::AXIS * 1.3) as i32 };
    Ok(w + 16 + desc + 8)
}

/// Where a panel's parts go inside its area, worked out before drawing so that the
/// panels of one chart can share the width of the y-axis labels (their plots then
/// line up).
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    /// Pixels above the plot taken by the heading and the legend.
    top: i32,
    /// Height of the x-axis label area.
    x_area: i32,
    /// Width of the y-axis label area.
    pub y_area: i32,
    /// x range.
    x: (f64, f64),
    /// y range.
    y: (f64, f64),
}

/// Heading height in pixels.
fn heading_height(panel: &Panel) -> i32 {
    if panel.heading.is_some() { (size::HEADING * 1.35) as i32 } else { 0 }
}

/// The layout of `panel` in `area`.
pub fn layout<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, panel: &Panel) -> DResult<Layout, DB> {
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let lh = legend::height(area, panel, w)?;
    let top = heading_height(panel) + if lh > 0 { lh + 6 } else { 0 };
    let x_area = X_TICKS + if panel.x.label.is_empty() { 0 } else { X_DESC };
    let (x, y) = ranges(panel, h - top - x_area);
    if !drawable(x) || !drawable(y) {
        // plotters' tick search never ends on a range that overflows or is narrower
        // than the precision of its ends; the output guard keeps such data out, and
        // this keeps a chart from hanging whatever its data.
        return Err(DrawingAreaErrorKind::LayoutError);
    }
    let y_area = y_area_width(area, panel, y)?;
    Ok(Layout { top, x_area, y_area, x, y })
}

/// How many x labels to ask for: on a years axis no more than the whole years in its
/// range (a two-year back-test asked for 12 and got ticks every quarter year).
fn x_labels(axis: &Axis, (x0, x1): (f64, f64)) -> usize {
    match axis.format {
        TickFormat::Year => {
            let years = (x1.floor() - x0.ceil() + 1.0).max(1.0);
            axis.max_ticks.min(years as usize).max(1)
        }
        _ => axis.max_ticks,
    }
}

/// Draws `panel` into `area` as laid out by [`layout`].
pub fn draw<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, panel: &Panel, lay: &Layout) -> DResult<(), DB> {
    let w = area.dim_in_pixel().0 as i32;
    if let Some(heading) = &panel.heading {
        area.draw(&Text::new(heading.clone(), (0, 0), text::bold(size::HEADING, INK)))?;
    }
    legend::draw(area, panel, (0, heading_height(panel)), w)?;
    let plot_area = area.margin(lay.top, 0, 0, 0);
    let ((x0, x1), (y0, y1)) = (lay.x, lay.y);
    let (x_area, y_area) = (lay.x_area, lay.y_area);
    let mut chart = ChartBuilder::on(&plot_area)
        .margin_top(6)
        .margin_right(RIGHT)
        .x_label_area_size(x_area)
        .y_label_area_size(y_area)
        .build_cartesian_2d(x0..x1, y0..y1)?;

    let xf = |v: &f64| panel.x.format.tick(*v);
    let yf = |v: &f64| panel.y.format.tick(*v);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .bold_line_style(GRID.stroke_width(1))
        .light_line_style(TRANSPARENT)
        .max_light_lines(0)
        .axis_style(AXIS.stroke_width(1))
        .x_labels(x_labels(&panel.x, (x0, x1)))
        .y_labels(panel.y.max_ticks)
        .x_label_formatter(&xf)
        .y_label_formatter(&yf)
        .label_style(text::regular(size::TICK, INK))
        .axis_desc_style(text::regular(size::AXIS, MUTED))
        .x_desc(panel.x.label.as_str())
        .y_desc(panel.y.label.as_str())
        .draw()?;

    for a in &panel.areas {
        chart.draw_series(std::iter::once(Polygon::new(a.polygon.clone(), a.colour.mix(a.opacity).filled())))?;
        if a.outline > 0 {
            let mut ring = a.polygon.clone();
            ring.extend(a.polygon.first().copied());
            chart.draw_series(std::iter::once(PathElement::new(ring, a.colour.stroke_width(a.outline))))?;
        }
    }

    let label_style = text::regular(size::NOTE, MUTED);
    let mut row = 0;
    for m in panel.markers.iter().filter(|m| m.x >= x0 && m.x <= x1) {
        let line = DashedPathElement::new(vec![(m.x, y0), (m.x, y1)], 6, 5, MARKER.stroke_width(2));
        chart.draw_series(std::iter::once(line))?;
        if m.label.is_empty() {
            continue;
        }
        // A label on the left of the line ends at the line, so its text anchor is its right end.
        let (dx, anchor) = if m.side == HPos::Left { (-8, HPos::Right) } else { (8, HPos::Left) };
        let style = label_style.clone().pos(pos(anchor, VPos::Top));
        chart.draw_series(std::iter::once(
            EmptyElement::at((m.x, y1)) + Text::new(m.label.clone(), (dx, 8 + row * MARKER_ROW), style),
        ))?;
        row += 1;
    }

    for l in &panel.lines {
        let st = l.colour.stroke_width(l.width);
        let pts = drop_collinear(&l.points);
        if let [one] = pts.as_slice() {
            // A line of one point has no length: drawn as a dot of its width, so that a
            // one-year series still shows.
            let r = (l.width as i32 + 3).max(4);
            chart.draw_series(std::iter::once(Circle::new(*one, r, l.colour.filled())))?;
            continue;
        }
        match l.dash {
            Dash::Solid => chart.draw_series(std::iter::once(PathElement::new(pts, st)))?,
            Dash::Dashed => chart.draw_series(std::iter::once(DashedPathElement::new(pts, 14, 8, st)))?,
            Dash::Dotted => chart.draw_series(std::iter::once(DashedPathElement::new(pts, 4, 6, st)))?,
        };
    }

    for p in &panel.points {
        let r = p.radius as i32;
        chart.draw_series(p.points.iter().map(|&c| Circle::new(c, r + 2, PAPER.filled())))?;
        chart.draw_series(p.points.iter().map(|&c| Circle::new(c, r, p.colour.filled())))?;
    }

    // The notes' texts are moved sideways, by as little as it takes, to stay inside the
    // plot area and clear of each other: the axis ranges hold the notes' anchor points
    // but not the size of their text (labels placed for a long projection ran off the
    // chart of a short one, or into each other).
    let (plot_x, _) = chart.plotting_area().get_pixel_range();
    let styles: Vec<_> = panel
        .notes
        .iter()
        .map(|n| if n.bold { text::bold(n.size, n.colour) } else { text::regular(n.size, n.colour) })
        .collect();
    let mut boxes = Vec::with_capacity(panel.notes.len());
    for (n, base) in panel.notes.iter().zip(&styles) {
        let (w, h) = chart.plotting_area().estimate_text_size(&n.text, base)?;
        let (x, y) = chart.backend_coord(&n.at);
        boxes.push(TextBox::new((x + n.offset.0, y + n.offset.1), (w as i32, h as i32), n.anchor));
    }
    let shifts = place(&boxes, plot_x);
    for ((n, shift), base) in panel.notes.iter().zip(shifts).zip(styles) {
        if let Some(point) = n.point {
            let end = leader_end(&chart, point, n.at);
            let end = (end.0 + shift, end.1);
            let leader = EmptyElement::at(point) + PathElement::new(vec![(0, 0), end], n.colour.stroke_width(1));
            chart.draw_series(std::iter::once(leader))?;
        }
        if let Some(c) = n.dot {
            let p = n.point.unwrap_or(n.at);
            chart.draw_series(std::iter::once(Circle::new(p, 7, PAPER.filled())))?;
            chart.draw_series(std::iter::once(Circle::new(p, 5, c.filled())))?;
        }
        let style = base.pos(pos(n.anchor.0, n.anchor.1));
        let offset = (n.offset.0 + shift, n.offset.1);
        chart.draw_series(std::iter::once(EmptyElement::at(n.at) + Text::new(n.text.clone(), offset, style)))?;
    }
    Ok(())
}

/// A note's text box in pixels: left, right, top, bottom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct TextBox {
    left: i32,
    right: i32,
    top: i32,
    bottom: i32,
}

impl TextBox {
    /// The box of a text `(w, h)` whose `anchor` point is at pixel `at`.
    fn new(at: (i32, i32), (w, h): (i32, i32), anchor: (HPos, VPos)) -> TextBox {
        let left = match anchor.0 {
            HPos::Left => at.0,
            HPos::Center => at.0 - w / 2,
            HPos::Right => at.0 - w,
        };
        let top = match anchor.1 {
            VPos::Top => at.1,
            VPos::Center => at.1 - h / 2,
            VPos::Bottom => at.1 - h,
        };
        TextBox { left, right: left + w, top, bottom: top + h }
    }
}

/// Space kept between two notes' texts side by side, in pixels.
const NOTE_GAP: i32 = 12;

/// The sideways shift of each text box that keeps it inside the pixels `range` (a text
/// wider than the range starts at its left edge) and, where it can, clear of the boxes
/// before it: of two boxes that overlap, the one to the left moves left by the overlap
/// (and [`NOTE_GAP`]) if it stays inside, else the one to the right moves right.
fn place(boxes: &[TextBox], range: std::ops::Range<i32>) -> Vec<i32> {
    let inside = |b: &TextBox| {
        if b.left < range.start || b.right - b.left > range.end - range.start {
            range.start - b.left
        } else if b.right > range.end {
            range.end - b.right
        } else {
            0
        }
    };
    let moved = |b: &TextBox, dx: i32| TextBox { left: b.left + dx, right: b.right + dx, ..*b };
    let mut shifts: Vec<i32> = boxes.iter().map(inside).collect();
    for k in 1..boxes.len() {
        for j in 0..k {
            let (a, b) = (moved(&boxes[j], shifts[j]), moved(&boxes[k], shifts[k]));
            if a.bottom <= b.top || b.bottom <= a.top || a.right + NOTE_GAP <= b.left || b.right + NOTE_GAP <= a.left {
                continue;
            }
            let (l, r) = if a.left <= b.left { (j, k) } else { (k, j) };
            let (lb, rb) = (moved(&boxes[l], shifts[l]), moved(&boxes[r], shifts[r]));
            let overlap = lb.right + NOTE_GAP - rb.left;
            if lb.left - overlap >= range.start {
                shifts[l] -= overlap;
            } else if rb.right + overlap <= range.end {
                shifts[r] += overlap;
            }
        }
    }
    shifts
}

/// Pixel offset from `point` to `at` (the leader line ends there; the note's pixel
/// offset then keeps the text clear of the line's end).
fn leader_end<DB: DrawingBackend>(
    chart: &ChartContext<
        '_,
        DB,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
    point: (f64, f64),
    at: (f64, f64),
) -> (i32, i32) {
    let (px, py) = chart.backend_coord(&point);
    let (ax, ay) = chart.backend_coord(&at);
    (ax - px, ay - py)
}

/// Removes points that lie on the straight segment between their neighbours. plotters
/// draws wide lines as polygons with a joint at every vertex, and joints on a straight
/// run (a flat target path) make the stroke wobble by a pixel.
fn drop_collinear(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(points.len());
    for (i, &p) in points.iter().enumerate() {
        if let (Some(&a), Some(&b)) = (out.last(), points.get(i + 1)) {
            // The tolerance is relative to the two products that form the cross product,
            // each one x and one y difference, so it holds whatever the units of the axes
            // (years against trillions of won); a tolerance in squared lengths mixed them
            // and flattened real bends of large-valued series.
            let (t1, t2) = ((p.0 - a.0) * (b.1 - a.1), (p.1 - a.1) * (b.0 - a.0));
            let cross = t1 - t2;
            let between = (p.0 - a.0) * (b.0 - p.0) >= 0.0 && (p.1 - a.1) * (b.1 - p.1) >= 0.0;
            if cross.abs() <= 1e-9 * (t1.abs() + t2.abs()) && between {
                continue;
            }
        }
        out.push(p);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{NOTE_GAP, TextBox, drawable, drop_collinear, place, x_labels};
    use crate::output::charts::{Axis, HPos, TickFormat, VPos};

    /// Boxes of texts 200 pixels wide, 20 high, anchored at their left-centre.
    fn at(x: i32, y: i32) -> TextBox {
        TextBox::new((x, y), (200, 20), (HPos::Left, VPos::Center))
    }

    #[test]
    fn a_note_is_moved_inside_the_plot_area_by_its_overflow() {
        let plot = 100..900;
        let one = |b: TextBox| place(&[b], plot.clone())[0];
        // Inside: no shift, whatever the anchor.
        assert_eq!(one(at(500, 50)), 0);
        assert_eq!(one(TextBox::new((500, 50), (200, 20), (HPos::Center, VPos::Top))), 0);
        assert_eq!(one(TextBox::new((500, 50), (200, 20), (HPos::Right, VPos::Bottom))), 0);
        // Running off the right edge: moved left by the overflow, to end at the edge.
        assert_eq!(one(at(800, 50)), -100);
        assert_eq!(one(TextBox::new((850, 50), (200, 20), (HPos::Center, VPos::Center))), -50);
        // Running off the left edge: moved right to start at it.
        assert_eq!(one(TextBox::new((150, 50), (200, 20), (HPos::Right, VPos::Center))), 150);
        // Wider than the plot: starts at its left edge.
        assert_eq!(one(TextBox::new((300, 50), (1000, 20), (HPos::Left, VPos::Center))), -200);
        // Touching an edge is inside.
        assert_eq!(one(at(700, 50)), 0);
    }

    #[test]
    fn notes_side_by_side_are_moved_apart() {
        let plot = 100..900;
        // Overlapping by 50 pixels: the left one moves left by the overlap and the gap.
        assert_eq!(place(&[at(400, 50), at(550, 50)], plot.clone()), vec![-(50 + NOTE_GAP), 0]);
        // Whichever comes first.
        assert_eq!(place(&[at(550, 50), at(400, 50)], plot.clone()), vec![0, -(50 + NOTE_GAP)]);
        // No room on the left: the right one moves right.
        assert_eq!(place(&[at(100, 50), at(250, 50)], plot.clone()), vec![0, 50 + NOTE_GAP]);
        // At different heights, or apart: unmoved.
        assert_eq!(place(&[at(400, 50), at(550, 80)], plot.clone()), vec![0, 0]);
        assert_eq!(place(&[at(400, 50), at(612, 50)], plot.clone()), vec![0, 0]);
        // Clamped first, then moved apart: the right one ends at the edge, the left one
        // clears it.
        assert_eq!(place(&[at(600, 50), at(750, 50)], plot), vec![-(50 + 50 + NOTE_GAP), -50]);
    }

    #[test]
    fn a_years_axis_asks_for_no_more_labels_than_whole_years() {
        let years = Axis::years("year");
        assert_eq!(x_labels(&years, (2014.5, 2016.5)), 2);
        assert_eq!(x_labels(&years, (2024.5, 2025.5)), 1);
        assert_eq!(x_labels(&years, (2024.5, 2100.5)), 12);
        let values = Axis::values("persons", TickFormat::Year);
        assert_eq!(x_labels(&values, (0.5, 1.5)), 1);
        let counts = Axis::values("persons", TickFormat::Count { divisor: 1.0, abs: false });
        assert_eq!(x_labels(&counts, (0.5, 1.5)), counts.max_ticks);
    }

    #[test]
    fn only_finite_bounded_ranges_are_drawn() {
        assert!(drawable((0.0, 1.0)));
        assert!(drawable((2024.0, 2101.0)));
        assert!(drawable((0.0, 1.05e18)));
        assert!(!drawable((0.0, f64::INFINITY)));
        assert!(!drawable((0.0, 1.7e308)));
        assert!(!drawable((f64::NAN, 1.0)));
        assert!(!drawable((1.0, 1.0)));
        assert!(!drawable((1.0e15, 1.0e15 + 0.125)));
    }

    #[test]
    fn drops_points_on_straight_runs_only() {
        let flat = [(2018.0, 620.0), (2020.0, 560.0), (2022.0, 500.0), (2023.0, 500.0), (2100.0, 500.0)];
        assert_eq!(drop_collinear(&flat), vec![(2018.0, 620.0), (2022.0, 500.0), (2100.0, 500.0)]);
        // A step outline turns back on itself and keeps every corner.
        let step = [(0.0, 0.0), (-5.0, 0.0), (-5.0, 1.0), (-4.0, 1.0), (-4.0, 2.0)];
        assert_eq!(drop_collinear(&step), step.to_vec());
        // A path that doubles back along the same line keeps its turning point.
        let back = [(0.0, 0.0), (2.0, 0.0), (1.0, 0.0)];
        assert_eq!(drop_collinear(&back), back.to_vec());
        // Large values against years: a real bend is kept, whatever the units.
        let money = [(2050.0, 9.08e12), (2051.0, 9.26e12), (2052.0, 11.16e12)];
        assert_eq!(drop_collinear(&money), money.to_vec());
        let straight = [(2050.0, 1e12), (2051.0, 2e12), (2052.0, 3e12)];
        assert_eq!(drop_collinear(&straight), vec![(2050.0, 1e12), (2052.0, 3e12)]);
    }
}
