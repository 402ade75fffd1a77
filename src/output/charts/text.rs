//! Fonts and text sizes. Text is drawn with the bundled DejaVu Sans (free licence,
//! `assets/fonts/`) through plotters' `ab_glyph` backend, so no system font library
//! is needed; the fonts are registered once per process.

use std::sync::OnceLock;

use plotters::style::{FontFamily, FontStyle, IntoFont, RGBColor, TextStyle, register_font};

use crate::error::{Error, Result};

/// The font family every chart uses. The name doubles as the SVG `font-family`
/// attribute, so SVG viewers use DejaVu Sans where installed and fall back to their
/// own sans-serif face otherwise.
pub const FAMILY: &str = "DejaVu Sans, sans-serif";

/// Text sizes in pixels (plotters' font size; the em box is about size / 1.2, so the
/// smallest text, 20, is drawn about 17 px high at 1200 × 750).
pub mod size {
    /// Chart title.
    pub const TITLE: f64 = 34.0;
    /// Subtitle under the title.
    pub const SUBTITLE: f64 = 23.0;
    /// Panel heading in multi-panel charts.
    pub const HEADING: f64 = 24.0;
    /// Axis descriptions ("persons (thousands)").
    pub const AXIS: f64 = 22.0;
    /// Tick labels.
    pub const TICK: f64 = 20.0;
    /// Legend entries.
    pub const LEGEND: f64 = 21.0;
    /// Marker labels and notes in the plot.
    pub const NOTE: f64 = 20.0;
    /// The source line.
    pub const SOURCE: f64 = 20.0;
}

pub(super) static REGULAR: &[u8] = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/fonts/DejaVuSans.ttf"));
pub(super) static BOLD: &[u8] =
    include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/fonts/DejaVuSans-Bold.ttf"));

/// Registers the bundled fonts with plotters (once; later calls return the first result).
pub fn ensure_fonts() -> Result<()> {
    static DONE: OnceLock<Result<(), String>> = OnceLock::new();
    let r = DONE.get_or_init(|| {
        register_font(FAMILY, FontStyle::Normal, REGULAR)
            .map_err(|_| "assets/fonts/DejaVuSans.ttf is not a usable font".to_string())?;
        register_font(FAMILY, FontStyle::Bold, BOLD)
            .map_err(|_| "assets/fonts/DejaVuSans-Bold.ttf is not a usable font".to_string())
    });
    r.clone().map_err(Error::Consistency)
}

/// A regular text style of `size` in `colour`.
pub fn regular(size: f64, colour: RGBColor) -> TextStyle<'static> {
    (FontFamily::Name(FAMILY), size).into_font().color(&colour)
}

/// A bold text style of `size` in `colour`.
pub fn bold(size: f64, colour: RGBColor) -> TextStyle<'static> {
    (FontFamily::Name(FAMILY), size, FontStyle::Bold).into_font().color(&colour)
}
