//! The back-test chart: model against WPP for total population (5-yearly estimates) and
//! births (annual), as PNG and SVG, built on the shared chart spec
//! ([`crate::output::charts`]): two panels, the model as a line and WPP's estimates as
//! points.

use std::path::Path;

use super::backtest::{Backtest, MigrationPattern};
use crate::error::Result;
use crate::output::charts::palette::{NAVY, OBSERVED};
use crate::output::charts::{Axis, Chart, Line, Panel, Points, TickFormat, render};

/// Title of the back-test chart.
pub const TITLE: &str = "Back-test: forcecast against UN WPP 2024 estimates";

/// A y range around `values` with 8% padding each side (the comparison is about the
/// distance between the two series, not their distance from zero).
fn tight(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values.filter(|v| v.is_finite()).fold((f64::MAX, f64::MIN), |(l, h), v| (l.min(v), h.max(v)));
    if lo > hi {
        return (0.0, 1.0);
    }
    let pad = ((hi - lo) * 0.08).max(1e-6 * hi.abs()).max(1.0);
    (lo - pad, hi + pad)
}

/// One panel: the model's line and WPP's points.
fn panel(
    heading: &str,
    axis: Axis,
    x: (f64, f64),
    model: Vec<(f64, f64)>,
    observed: Vec<(f64, f64)>,
    observed_label: &str,
) -> Panel {
    let (lo, hi) = tight(model.iter().chain(&observed).map(|p| p.1));
    let mut p = Panel::new(Axis::years("year").range(x.0, x.1), axis.range(lo, hi).ticks(6));
    p.heading = Some(heading.to_string());
    p.lines.push(Line::new("forcecast (model)", NAVY, model));
    p.points.push(Points::new(observed_label, OBSERVED, observed).radius(5));
    p
}

/// The chart of a back-test.
pub fn chart(bt: &Backtest) -> Chart {
    let x = (f64::from(bt.from) - 0.5, f64::from(bt.horizon) + 0.5);

    // Total population at 1 July; WPP's estimates every 5 years (the base year included).
    let model: Vec<(f64, f64)> =
        (bt.from..=bt.horizon).zip(&bt.population).map(|(y, p)| (f64::from(y), p.total())).collect();
    let mut observed: Vec<(f64, f64)> =
        bt.metric("population_total").map(|c| (f64::from(c.year), c.observed)).collect();
    if let Some(p0) = bt.population.first() {
        observed.insert(0, (f64::from(bt.from), p0.total()));
    }
    let total = panel(
        "Total population (1 July)",
        Axis::values("persons (millions)", TickFormat::millions()),
        x,
        model,
        observed,
        "UN WPP 2024 estimate (5-yearly)",
    );

    // Births by calendar year.
    let model: Vec<(f64, f64)> = bt.births.iter().map(|&(y, b)| (f64::from(y), b)).collect();
    let observed: Vec<(f64, f64)> = bt.births_observed.iter().map(|&(y, b)| (f64::from(y), b)).collect();
    let births = panel(
        "Births (calendar year)",
        Axis::values("births (thousands)", TickFormat::thousands()),
        x,
        model,
        observed,
        "UN WPP 2024 estimate",
    );

    let migration = match bt.pattern {
        MigrationPattern::Residual => {
            "net migration by age from WPP's own estimates (residual method; partly fitted to them)"
        }
        MigrationPattern::Population => "net migration spread in proportion to the population",
        MigrationPattern::Wpp2023 => "net migration spread by WPP's 2023-2032 arrival shares",
    };
    let mut c = Chart::new(
        TITLE,
        format!(
            "Source: forcecast {}, back-test; UN WPP 2024 estimates and observed rates (all residents)",
            crate::VERSION
        ),
        total,
    )
    .subtitle(format!(
        "Projected from WPP's {} estimates with WPP's observed fertility, mortality and migration totals; {migration}",
        bt.from
    ));
    c.panels.push(births);
    c
}

/// Writes `<stem>.png` and `<stem>.svg` into `dir`; returns the file names.
pub fn write(bt: &Backtest, dir: &Path, stem: &str) -> Result<Vec<String>> {
    render(&chart(bt), dir, stem)
}
