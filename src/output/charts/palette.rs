//! The chart palette: one set of colours for every chart, so that a quantity has the
//! same colour wherever it appears. Hues follow Okabe & Ito's colour-blind-safe set
//! ("Color Universal Design", 2008), darkened where a line must read on white.

use plotters::style::RGBColor;

/// Body text, titles and tick labels.
pub const INK: RGBColor = RGBColor(26, 26, 26);
/// Subtitles, axis descriptions and the source line.
pub const MUTED: RGBColor = RGBColor(90, 90, 90);
/// Axis lines and tick marks.
pub const AXIS: RGBColor = RGBColor(120, 120, 120);
/// Horizontal grid lines.
pub const GRID: RGBColor = RGBColor(225, 225, 225);
/// Vertical event markers.
pub const MARKER: RGBColor = RGBColor(140, 140, 140);
/// Background.
pub const PAPER: RGBColor = RGBColor(255, 255, 255);

/// Dark navy: the headline projection line of a chart (total population, men aged 20,
/// force available, the gap).
pub const NAVY: RGBColor = RGBColor(23, 55, 94);
/// Blue (Okabe-Ito): conscripts.
pub const BLUE: RGBColor = RGBColor(0, 114, 178);
/// Sky blue (Okabe-Ito): career cadre.
pub const SKY: RGBColor = RGBColor(86, 180, 233);
/// Bluish green (Okabe-Ito, darkened): working-age population, automation cover.
pub const GREEN: RGBColor = RGBColor(0, 140, 100);
/// Orange (Okabe-Ito): a second projection line (eligible men, systems needed).
pub const ORANGE: RGBColor = RGBColor(230, 159, 0);
/// Vermillion (Okabe-Ito): targets and shortfalls (what is not met).
pub const VERMILLION: RGBColor = RGBColor(213, 94, 0);
/// Reddish purple (Okabe-Ito).
pub const PURPLE: RGBColor = RGBColor(204, 121, 167);
/// Neutral grey: reference data and the base year.
pub const GREY: RGBColor = RGBColor(128, 128, 128);
/// Near-black: observed values drawn as points.
pub const OBSERVED: RGBColor = RGBColor(20, 20, 20);

/// Categorical colours for series without a fixed meaning, in order of use.
pub const CATEGORICAL: [RGBColor; 8] = [NAVY, VERMILLION, GREEN, ORANGE, BLUE, PURPLE, SKY, GREY];

/// Dark yellow (Okabe-Ito's yellow, darkened to read as a line on white).
pub const OLIVE: RGBColor = RGBColor(160, 140, 0);

/// Scenario colours of overlay charts, in order of use: Okabe and Ito's eight with navy
/// for black and dark yellow for yellow. Grey is left out: it draws the troop target.
pub const SCENARIOS: [RGBColor; 8] = [NAVY, VERMILLION, GREEN, ORANGE, BLUE, PURPLE, SKY, OLIVE];

/// The i-th categorical colour (cycling).
pub fn categorical(i: usize) -> RGBColor {
    CATEGORICAL[i % CATEGORICAL.len()]
}

/// The colour of a scenario in overlay charts. The shipped scenarios have fixed colours
/// so that `fertility-low` looks the same in every chart and report; other scenarios
/// take the categorical colour of their position `index` among the overlaid scenarios.
pub fn scenario(name: &str, index: usize) -> RGBColor {
    match name {
        "baseline" => NAVY,
        "fertility-low" => VERMILLION,
        "fertility-high" => GREEN,
        "service-21-months" => BLUE,
        "female-volunteers" => PURPLE,
        "target-450k" => ORANGE,
        "automation-fast" => SKY,
        _ => categorical(index),
    }
}
