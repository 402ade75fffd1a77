//! Fan charts of a Monte Carlo run, drawn with the chart module's public API: nested
//! 90%, 80% and 50% bands of the trajectories, their median, and the deterministic
//! projection, for total population, men aged 20, force available against the target
//! (with the probability of falling below each threshold) and the automation needed.

use std::path::Path;

use plotters::style::RGBColor;

use super::charts::format::grouped;
use super::charts::palette::{GREEN, INK, NAVY, ORANGE, VERMILLION};
use super::charts::{
    Area, Axis, Chart, Dash, HPos, Line, Note, Panel, TickFormat, VPos, basis, render_all, source_line,
};
use crate::data::CountryData;
use crate::error::Result;
use crate::run::Projection;
use crate::uncertainty::Outcome;
use crate::uncertainty::summary::QuantileRow;

/// The quantile rows of one metric, in year order.
fn rows<'a>(o: &'a Outcome, metric: &str) -> Vec<&'a QuantileRow> {
    o.quantiles.iter().filter(|r| r.metric == metric).collect()
}

/// The nested bands, widest first: (lower and upper quantile index, fill opacity, label).
const BANDS: [(usize, usize, f64, &str); 3] =
    [(0, 6, 0.16, "90% of trajectories (p5-p95)"), (1, 5, 0.22, "80% (p10-p90)"), (2, 4, 0.30, "50% (p25-p75)")];

/// The bands over `years` from the quantile columns `col(k)`. Each band is drawn over
/// the wider ones, so where it shows its colour is theirs composited with its own
/// (opacity 1 − Π(1 − oᵢ)): its legend swatch has that opacity, the same colour as the
/// band on the chart.
fn bands(colour: RGBColor, years: &[f64], col: impl Fn(usize) -> Vec<f64>) -> Vec<Area> {
    let mut clear = 1.0;
    BANDS
        .iter()
        .map(|&(lo, hi, opacity, label)| {
            clear *= 1.0 - opacity;
            Area::between(label, colour, years, &col(lo), &col(hi)).opacity(opacity).key_opacity(1.0 - clear)
        })
        .collect()
}

/// Adds the bands, the median and the deterministic line of `metric` to `panel`.
fn fan(panel: &mut Panel, o: &Outcome, metric: &str, det: &[f64], colour: RGBColor, what: &str) {
    let r = rows(o, metric);
    let years: Vec<f64> = r.iter().map(|q| f64::from(q.year)).collect();
    let col = |k: usize| -> Vec<f64> { r.iter().map(|q| q.q[k]).collect() };
    // q = [p05, p10, p25, p50, p75, p90, p95]
    panel.areas.extend(bands(colour, &years, col));
    panel.lines.push(Line::xy(format!("Median {what}"), colour, &years, &col(3)));
    panel.lines.push(
        Line::xy(format!("Deterministic {what}"), INK, &years, &det[..years.len().min(det.len())])
            .dash(Dash::Dashed)
            .width(2),
    );
}

/// `s` with its first letter in upper case.
fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

fn subtitle(p: &Projection, o: &Outcome, what: &str) -> String {
    format!(
        "{what}; {}, seed {}; scenario {}",
        crate::output::numbers::trajectories(o.options.trajectories),
        o.options.seed,
        p.scenario.name
    )
}

/// Writes the four fan charts into `dir` as PNG and SVG (in parallel); returns the file
/// names.
pub fn write_all(p: &Projection, data: &CountryData, o: &Outcome, dir: &Path) -> Result<Vec<String>> {
    render_all(&specs(p, data, o), dir)
}

/// The four fan charts of a Monte Carlo run with their file stems.
pub fn specs(p: &Projection, data: &CountryData, o: &Outcome) -> Vec<(&'static str, Chart)> {
    specs_with(p, data, o, &crate::output::years::ChartYears::default())
}

/// The years whose probabilities the force fan chart quotes when `--years` is not given.
pub const PROBABILITY_YEARS: [i32; 4] = [2030, 2035, 2040, 2050];

/// [`specs`] quoting the probabilities of the key years asked for (`--years`).
pub fn specs_with(
    p: &Projection,
    data: &CountryData,
    o: &Outcome,
    chart_years: &crate::output::years::ChartYears,
) -> Vec<(&'static str, Chart)> {
    let rows_det = super::tables::summary_rows(p);
    let det = |f: fn(&super::tables::SummaryRow) -> f64| -> Vec<f64> { rows_det.iter().map(f).collect() };
    let b = basis::of(p, data);
    let src = source_line(
        p,
        &b,
        &[&format!(
            "{} ({})",
            crate::uncertainty::caveats::of(&o.components).short,
            crate::output::numbers::trajectories(o.options.trajectories)
        )],
    );
    let years = Axis::years("year (1 July)");
    let mut charts = Vec::new();

    let mut panel = Panel::new(years.clone(), Axis::values("persons (millions)", TickFormat::millions()));
    fan(&mut panel, o, "population_total", &det(|r| r.population_total), NAVY, "population");
    charts.push((
        "fan_population",
        Chart::new("Total population: range of outcomes", src.clone(), panel).subtitle(subtitle(
            p,
            o,
            &format!("{} at 1 July", capitalised(b.counted)),
        )),
    ));

    let mut panel = Panel::new(years.clone(), Axis::values("men (thousands)", TickFormat::thousands()));
    fan(&mut panel, o, "men_age_20", &det(|r| r.men_age_20), NAVY, "men aged 20");
    charts.push((
        "fan_men_age_20",
        Chart::new("Men aged 20: range of outcomes", src.clone(), panel).subtitle(subtitle(
            p,
            o,
            &format!("{} at 1 July", capitalised(b.counted)),
        )),
    ));

    let mut panel = Panel::new(years.clone(), Axis::values("troops (thousands)", TickFormat::thousands()));
    fan(&mut panel, o, "force_available", &det(|r| r.force_available), NAVY, "force available");
    let target: Vec<(f64, f64)> = rows_det.iter().map(|r| (f64::from(r.year), r.force_target)).collect();
    panel.lines.push(Line::new("Troop target", VERMILLION, target).dash(Dash::Dashed));
    threshold_notes(&mut panel, p, o, chart_years.key.as_deref().unwrap_or(&PROBABILITY_YEARS));
    charts.push((
        "fan_force",
        Chart::new("Force available against the troop target: range of outcomes", src.clone(), panel)
            .subtitle(subtitle(p, o, "Conscripts plus career cadre at 1 July")),
    ));

    let mut top = Panel::new(years.clone(), Axis::values("troops (thousands)", TickFormat::thousands()));
    top.heading = Some("Manpower automation must supply (the gap)".into());
    fan(&mut top, o, "automation_manpower_equivalent", &det(|r| r.automation_manpower_equivalent), ORANGE, "gap");
    let mut bottom = Panel::new(years, Axis::values("systems (thousands)", TickFormat::thousands()));
    let k = p.scenario.automation.soldiers_replaced_per_system;
    bottom.heading = Some(format!(
        "Systems needed to cover it ({} soldiers replaced per system in the scenario, drawn per trajectory)",
        grouped(k, if k.fract() == 0.0 { 0 } else { 1 })
    ));
    fan(&mut bottom, o, "automation_systems_needed", &det(|r| r.automation_systems_needed), GREEN, "systems needed");
    let mut chart = Chart::new("Automation needed: range of outcomes", src, top).subtitle(subtitle(
        p,
        o,
        "Per year, manpower-equivalents and systems",
    ));
    chart.panels.push(bottom);
    chart.size = (1200, 1100);
    charts.push(("fan_automation", chart));
    charts
}

/// Notes with P(force available < threshold) in a few years, at the right of the plot.
fn threshold_notes(panel: &mut Panel, p: &Projection, o: &Outcome, years: &[i32]) {
    let Some(&threshold) = o.components.spec.available_thresholds.first() else { return };
    let last = *p.years.last().unwrap_or(&p.years[0]);
    let picks: Vec<i32> = years.iter().copied().filter(|y| *y > p.years[0] && *y <= last).collect();
    let parts: Vec<String> = picks
        .iter()
        .filter_map(|y| {
            o.probabilities
                .iter()
                .find(|r| r.year == *y && r.metric == "force_available" && r.threshold == threshold)
                .map(|r| format!("{y} {:.0}%", 100.0 * r.probability))
        })
        .collect();
    if parts.is_empty() {
        return;
    }
    let x = f64::from(last);
    let top = o
        .quantiles
        .iter()
        .filter(|r| r.metric == "force_available" || r.metric == "force_target")
        .map(|r| r.q[6])
        .fold(0.0, f64::max);
    panel.notes.push(
        Note::new((x, top * 1.04), format!("P(force below {}): {}", grouped(threshold, 0), parts.join(", ")), INK)
            .bold()
            .offset(-4, 0)
            .anchor(HPos::Right, VPos::Bottom),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn band_swatches_show_the_composited_bands() {
        let xs = [2025.0, 2026.0];
        let areas = bands(NAVY, &xs, |k| vec![k as f64; 2]);
        let keys: Vec<f64> = areas.iter().map(|a| a.key_opacity.unwrap()).collect();
        // 0.16; 1 - 0.84 x 0.78 = 0.3448; 1 - 0.84 x 0.78 x 0.70 = 0.54136.
        for (k, want) in keys.iter().zip([0.16, 0.3448, 0.54136]) {
            assert!((k - want).abs() < 1e-12, "{keys:?}");
        }
        // The colour of the innermost band as drawn (three fills over white) equals its
        // swatch (one fill at the composited opacity), channel by channel, within 1e-9.
        let over = |bg: f64, c: f64, o: f64| bg * (1.0 - o) + c * o;
        for c in [f64::from(NAVY.0), f64::from(NAVY.1), f64::from(NAVY.2)] {
            let drawn = BANDS.iter().fold(255.0, |bg, b| over(bg, c, b.2));
            assert!((drawn - over(255.0, c, keys[2])).abs() < 1e-9);
        }
    }
}
