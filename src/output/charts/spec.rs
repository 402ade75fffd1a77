//! What a chart shows, as plain data: a [`Chart`] (title, subtitle, source line, size)
//! holds one or more [`Panel`]s (axes and layers). [`super::render`] draws it to PNG
//! and SVG. Building a new chart means filling these structs; nothing here draws.
//!
//! Layers of a panel, drawn in this order: [`Area`]s (shaded bands, stacked areas,
//! polygons and bars), [`Marker`]s (vertical event lines), [`Line`]s, [`Points`] and
//! [`Note`]s. Every layer with a label gets a legend entry, in the same order; layers
//! with `label: None` (e.g. the second half of a pyramid) do not.

use plotters::style::RGBColor;
use plotters::style::text_anchor::Pos;

use super::format::TickFormat;

/// Horizontal alignment of text at its anchor point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HPos {
    /// The text starts at the point.
    Left,
    /// The text is centred on the point.
    Center,
    /// The text ends at the point.
    Right,
}

/// Vertical alignment of text at its anchor point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VPos {
    /// The text hangs below the point.
    Top,
    /// The text is centred on the point.
    Center,
    /// The text sits above the point.
    Bottom,
}

/// The plotters text anchor of an alignment.
pub(super) fn pos(h: HPos, v: VPos) -> Pos {
    use plotters::style::text_anchor as ta;
    let h = match h {
        HPos::Left => ta::HPos::Left,
        HPos::Center => ta::HPos::Center,
        HPos::Right => ta::HPos::Right,
    };
    let v = match v {
        VPos::Top => ta::VPos::Top,
        VPos::Center => ta::VPos::Center,
        VPos::Bottom => ta::VPos::Bottom,
    };
    Pos::new(h, v)
}

/// Default image size in pixels (PNG; the SVG has the same user units).
pub const DEFAULT_SIZE: (u32, u32) = (1200, 750);

/// A figure: title, optional subtitle, panels stacked vertically, source line.
#[derive(Debug, Clone)]
pub struct Chart {
    /// Title, drawn bold at the top left.
    pub title: String,
    /// One line under the title: what is counted, whose scenario.
    pub subtitle: Option<String>,
    /// Source line at the bottom ("Source: …"); wrapped if it is wider than the chart.
    pub source: String,
    /// Width and height in pixels.
    pub size: (u32, u32),
    /// Panels from top to bottom.
    pub panels: Vec<Panel>,
}

impl Chart {
    /// A chart of the default size with one panel.
    pub fn new(title: impl Into<String>, source: impl Into<String>, panel: Panel) -> Self {
        Chart { title: title.into(), subtitle: None, source: source.into(), size: DEFAULT_SIZE, panels: vec![panel] }
    }

    /// Sets the subtitle.
    pub fn subtitle(mut self, s: impl Into<String>) -> Self {
        self.subtitle = Some(s.into());
        self
    }
}

/// One plot: two axes, its layers and its legend (drawn above the plot).
#[derive(Debug, Clone)]
pub struct Panel {
    /// Bold heading above the panel (multi-panel charts).
    pub heading: Option<String>,
    /// Horizontal axis.
    pub x: Axis,
    /// Vertical axis.
    pub y: Axis,
    /// Shaded areas, drawn first.
    pub areas: Vec<Area>,
    /// Lines.
    pub lines: Vec<Line>,
    /// Scatter points, drawn over lines.
    pub points: Vec<Points>,
    /// Vertical markers with labels at the top of the plot.
    pub markers: Vec<Marker>,
    /// Text annotations in data coordinates.
    pub notes: Vec<Note>,
    /// Relative height among the chart's panels (1.0 each by default).
    pub weight: f64,
}

impl Panel {
    /// An empty panel with the two axes.
    pub fn new(x: Axis, y: Axis) -> Self {
        Panel {
            heading: None,
            x,
            y,
            areas: Vec::new(),
            lines: Vec::new(),
            points: Vec::new(),
            markers: Vec::new(),
            notes: Vec::new(),
            weight: 1.0,
        }
    }
}

/// An axis: its description (with the unit), range and tick format.
#[derive(Debug, Clone)]
pub struct Axis {
    /// Description with the unit, e.g. "persons (thousands)".
    pub label: String,
    /// Fixed range; `None` fits the data (the y axis then starts at 0 for
    /// non-negative data and leaves headroom above the highest value).
    pub range: Option<(f64, f64)>,
    /// Tick label format.
    pub format: TickFormat,
    /// Most tick labels to draw (plotters picks round values up to this count).
    pub max_ticks: usize,
}

impl Axis {
    /// A time axis in calendar years.
    pub fn years(label: impl Into<String>) -> Self {
        Axis { label: label.into(), range: None, format: TickFormat::Year, max_ticks: 12 }
    }

    /// A value axis with the given format.
    pub fn values(label: impl Into<String>, format: TickFormat) -> Self {
        Axis { label: label.into(), range: None, format, max_ticks: 8 }
    }

    /// Fixes the range.
    pub fn range(mut self, lo: f64, hi: f64) -> Self {
        self.range = Some((lo, hi));
        self
    }

    /// Sets the most tick labels.
    pub fn ticks(mut self, n: usize) -> Self {
        self.max_ticks = n;
        self
    }
}

/// Line pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dash {
    /// Continuous.
    Solid,
    /// Long dashes (targets, plans).
    Dashed,
    /// Short dashes (history, reference data).
    Dotted,
}

/// A polyline through `(x, y)` points in data coordinates.
#[derive(Debug, Clone)]
pub struct Line {
    /// Legend text; `None` leaves it out of the legend.
    pub label: Option<String>,
    /// Colour.
    pub colour: RGBColor,
    /// Stroke width in pixels.
    pub width: u32,
    /// Pattern.
    pub dash: Dash,
    /// Points, drawn in order (need not be sorted by x: pyramids run along y).
    pub points: Vec<(f64, f64)>,
}

impl Line {
    /// A solid line 3 px wide.
    pub fn new(label: impl Into<String>, colour: RGBColor, points: Vec<(f64, f64)>) -> Self {
        Line { label: Some(label.into()), colour, width: 3, dash: Dash::Solid, points }
    }

    /// The line over `xs` and `ys` zipped.
    pub fn xy(label: impl Into<String>, colour: RGBColor, xs: &[f64], ys: &[f64]) -> Self {
        Line::new(label, colour, xs.iter().copied().zip(ys.iter().copied()).collect())
    }

    /// Sets the pattern.
    pub fn dash(mut self, d: Dash) -> Self {
        self.dash = d;
        self
    }

    /// Sets the width in pixels.
    pub fn width(mut self, w: u32) -> Self {
        self.width = w;
        self
    }

    /// Leaves the line out of the legend.
    pub fn unlabelled(mut self) -> Self {
        self.label = None;
        self
    }
}

/// A filled polygon: a band between two curves, a stacked area, a bar.
#[derive(Debug, Clone)]
pub struct Area {
    /// Legend text; `None` leaves it out of the legend.
    pub label: Option<String>,
    /// Fill colour.
    pub colour: RGBColor,
    /// Fill opacity, 0..=1.
    pub opacity: f64,
    /// Outline width in pixels (0 = none), in the fill colour.
    pub outline: u32,
    /// The polygon's vertices in data coordinates.
    pub polygon: Vec<(f64, f64)>,
    /// Opacity of the legend swatch when it differs from `opacity`: a band drawn over
    /// wider bands of the same colour (nested quantile bands) shows their opacities
    /// composited, and its swatch must show the same; `None` = `opacity`.
    pub key_opacity: Option<f64>,
}

impl Area {
    /// The band between `lower` and `upper` over `xs` (quantile bands, stacked areas).
    pub fn between(label: impl Into<String>, colour: RGBColor, xs: &[f64], lower: &[f64], upper: &[f64]) -> Self {
        let mut polygon: Vec<(f64, f64)> = xs.iter().copied().zip(upper.iter().copied()).collect();
        polygon.extend(xs.iter().copied().zip(lower.iter().copied()).rev());
        Area { label: Some(label.into()), colour, opacity: 0.75, outline: 0, polygon, key_opacity: None }
    }

    /// An arbitrary polygon.
    pub fn polygon(label: impl Into<String>, colour: RGBColor, polygon: Vec<(f64, f64)>) -> Self {
        Area { label: Some(label.into()), colour, opacity: 0.75, outline: 0, polygon, key_opacity: None }
    }

    /// The rectangle spanning `x0..x1` × `y0..y1` (bars of a tornado chart).
    pub fn rect(label: Option<String>, colour: RGBColor, (x0, x1): (f64, f64), (y0, y1): (f64, f64)) -> Self {
        Area {
            label,
            colour,
            opacity: 1.0,
            outline: 0,
            polygon: vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1)],
            key_opacity: None,
        }
    }

    /// Sets the fill opacity.
    pub fn opacity(mut self, o: f64) -> Self {
        self.opacity = o;
        self
    }

    /// Sets the legend swatch's opacity (see [`Area::key_opacity`]).
    pub fn key_opacity(mut self, o: f64) -> Self {
        self.key_opacity = Some(o);
        self
    }

    /// Draws an outline of `w` pixels.
    pub fn outline(mut self, w: u32) -> Self {
        self.outline = w;
        self
    }

    /// Leaves the area out of the legend.
    pub fn unlabelled(mut self) -> Self {
        self.label = None;
        self
    }
}

/// Scatter points (observations), drawn as filled circles with a white rim.
#[derive(Debug, Clone)]
pub struct Points {
    /// Legend text.
    pub label: Option<String>,
    /// Colour.
    pub colour: RGBColor,
    /// Radius in pixels.
    pub radius: u32,
    /// Points in data coordinates.
    pub points: Vec<(f64, f64)>,
}

impl Points {
    /// Points of radius 6.
    pub fn new(label: impl Into<String>, colour: RGBColor, points: Vec<(f64, f64)>) -> Self {
        Points { label: Some(label.into()), colour, radius: 6, points }
    }

    /// Sets the radius.
    pub fn radius(mut self, r: u32) -> Self {
        self.radius = r;
        self
    }

    /// Leaves the points out of the legend.
    pub fn unlabelled(mut self) -> Self {
        self.label = None;
        self
    }
}

/// A vertical line at `x` (an event such as a turning point) with a label in the
/// headroom at the top of the plot. Labelled markers get one text row each (in order),
/// so labels of nearby events never overlap; the y range leaves room for the rows.
#[derive(Debug, Clone)]
pub struct Marker {
    /// Position on the x axis.
    pub x: f64,
    /// Label; empty for a bare line (e.g. the centre line of a pyramid).
    pub label: String,
    /// Which side of the line the label extends to: `HPos::Right` starts at the line
    /// and runs right, `HPos::Left` ends at the line.
    pub side: HPos,
}

impl Marker {
    /// A marker whose label runs to the right of the line.
    pub fn new(x: f64, label: impl Into<String>) -> Self {
        Marker { x, label: label.into(), side: HPos::Right }
    }

    /// Puts the label on the left of the line.
    pub fn left(mut self) -> Self {
        self.side = HPos::Left;
        self
    }
}

/// Text at a point in data coordinates, shifted by a pixel offset, optionally with a
/// dot at the point itself, or at a separate data point joined to the text by a leader
/// line (to label a value where the text would cross other data).
#[derive(Debug, Clone)]
pub struct Note {
    /// Data coordinates of the anchor point.
    pub at: (f64, f64),
    /// Text.
    pub text: String,
    /// Text colour.
    pub colour: RGBColor,
    /// Bold text.
    pub bold: bool,
    /// Pixel offset of the text from the anchor point (x right, y down).
    pub offset: (i32, i32),
    /// Which point of the text box sits at anchor + offset.
    pub anchor: (HPos, VPos),
    /// Draw a dot of this colour at the anchor point, or at `point` when set.
    pub dot: Option<RGBColor>,
    /// The data point the note labels, when the text stands apart from it: a thin
    /// leader line joins it to the text, and the dot (if any) is drawn there.
    pub point: Option<(f64, f64)>,
    /// Text size in pixels.
    pub size: f64,
}

impl Note {
    /// Text whose left-centre sits at `at`.
    pub fn new(at: (f64, f64), text: impl Into<String>, colour: RGBColor) -> Self {
        Note {
            at,
            text: text.into(),
            colour,
            bold: false,
            offset: (0, 0),
            anchor: (HPos::Left, VPos::Center),
            dot: None,
            point: None,
            size: super::text::size::NOTE,
        }
    }

    /// Shifts the text by pixels.
    pub fn offset(mut self, dx: i32, dy: i32) -> Self {
        self.offset = (dx, dy);
        self
    }

    /// Sets which point of the text box is placed.
    pub fn anchor(mut self, h: HPos, v: VPos) -> Self {
        self.anchor = (h, v);
        self
    }

    /// Draws a dot at the anchor point.
    pub fn dot(mut self, colour: RGBColor) -> Self {
        self.dot = Some(colour);
        self
    }

    /// Labels the data point `point` from afar: a thin leader line in the note's colour
    /// joins the point to the text at `at` (add [`Note::dot`] to mark the point too).
    pub fn pointing_to(mut self, point: (f64, f64)) -> Self {
        self.point = Some(point);
        self
    }

    /// Bold text.
    pub fn bold(mut self) -> Self {
        self.bold = true;
        self
    }

    /// Sets the text size.
    pub fn size(mut self, s: f64) -> Self {
        self.size = s;
        self
    }
}
