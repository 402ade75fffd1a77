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
    // The compared years only (`--to`), as in backtest.csv; the model runs on to the
    // horizon for the peaks, which the summary reports.
    let last = bt.to.min(bt.horizon);
    let x = (f64::from(bt.from) - 0.5, f64::from(last) + 0.5);
    let within = |p: &(f64, f64)| p.0 <= f64::from(last);

    // Total population at 1 July; WPP's estimates every 5 years (the base year included).
    let model: Vec<(f64, f64)> = (bt.from..=last).zip(&bt.population).map(|(y, p)| (f64::from(y), p.total())).collect();
    let mut observed: Vec<(f64, f64)> =
        bt.metric("population_total").map(|c| (f64::from(c.year), c.observed)).filter(within).collect();
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
    let model: Vec<(f64, f64)> = bt.births.iter().map(|&(y, b)| (f64::from(y), b)).filter(within).collect();
    let observed: Vec<(f64, f64)> = bt.births_observed.iter().map(|&(y, b)| (f64::from(y), b)).filter(within).collect();
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
        "{}: projected from WPP's {} estimates to {last} with WPP's observed fertility, mortality and migration totals; \
         {migration}",
        bt.country, bt.from
    ));
    c.panels.push(births);
    c
}

/// Writes `<stem>.png` and `<stem>.svg` into `dir`; returns the file names.
pub fn write(bt: &Backtest, dir: &Path, stem: &str) -> Result<Vec<String>> {
    render(&chart(bt), dir, stem)
}

/// Title of the force calibration chart.
pub const FORCE_TITLE: &str = "Force calibration: the force model against sourced strengths";

/// The chart of the force calibration: the model's path with the fitted parameters as
/// lines, the sourced figures as points, one panel per group of series.
pub fn force_chart(c: &crate::validation::calibration::Calibration) -> Chart {
    use crate::force::ForceYear;
    use crate::output::charts::palette::{BLUE, GREEN, GREY, ORANGE, VERMILLION};
    let x = (f64::from(c.first) - 0.5, f64::from(c.base_year) + 0.5);
    let path = &c.path;
    let line = |f: &dyn Fn(&ForceYear) -> f64| -> Vec<(f64, f64)> {
        path.years().zip(&path.rows).map(|(y, r)| (f64::from(y), f(r))).collect()
    };
    let observed = |series: &str, measure: Option<&str>| -> Vec<(f64, f64)> {
        c.anchors
            .iter()
            .filter(|a| a.series == series && measure.is_none_or(|m| a.measure == m))
            .map(|a| (a.time(), a.observed))
            .filter(|p| p.0 >= x.0 && p.0 <= x.1)
            .collect()
    };
    type Get = Box<dyn Fn(&ForceYear) -> f64>;
    let make = |heading: &str, series: Vec<(String, String, Get, plotters::style::RGBColor)>| -> Panel {
        let mut lines = Vec::new();
        let mut points = Vec::new();
        for (name, label, f, colour) in &series {
            lines.push(Line::new(format!("{label}, model"), *colour, line(f.as_ref())));
            let pts = observed(name, None);
            if !pts.is_empty() {
                points.push(Points::new(format!("{label}, observed"), *colour, pts).radius(5));
            }
        }
        let (lo, hi) = tight(
            lines
                .iter()
                .flat_map(|l: &Line| l.points.iter().map(|p| p.1))
                .chain(points.iter().flat_map(|p: &Points| p.points.iter().map(|q| q.1))),
        );
        let mut p = Panel::new(
            Axis::years("year (1 July)").range(x.0, x.1),
            Axis::values("persons (thousands)", TickFormat::thousands()).range(lo.max(0.0), hi).ticks(6),
        );
        p.heading = Some(heading.to_string());
        p.lines = lines;
        p.points = points;
        p
    };
    let colours = [NAVY, VERMILLION, GREEN, BLUE, ORANGE];
    let corps_names: Vec<&str> = c.corps.iter().map(|(_, l)| l.as_str()).collect();
    let cadre = make(
        &crate::force::branch::prose_list(corps_names.iter().copied()),
        c.corps
            .iter()
            .enumerate()
            .map(|(i, (k, l))| (k.clone(), l.clone(), Box::new(move |y: &ForceYear| y.corps[i]) as Get, colours[i]))
            .collect(),
    );
    let mut conscripts: Vec<Panel> = Vec::new();
    let first = c.branches.first().map(|b| b.1.clone()).unwrap_or_default();
    let mut head =
        vec![("enlisted".to_string(), "all services".to_string(), Box::new(|y: &ForceYear| y.conscripts) as Get, NAVY)];
    if c.branches.len() > 1 {
        head.push((
            "enlisted_".to_string() + &c.branches[0].0,
            first.clone(),
            Box::new(|y: &ForceYear| y.conscripts_by_branch[0]),
            GREEN,
        ));
        conscripts.push(make(&format!("Enlisted (conscripts): all services and {first}"), head));
        let rest: Vec<(String, String, Get, plotters::style::RGBColor)> = c
            .branches
            .iter()
            .enumerate()
            .skip(1)
            .map(|(i, (k, l))| {
                (
                    format!("enlisted_{k}"),
                    l.clone(),
                    Box::new(move |y: &ForceYear| y.conscripts_by_branch[i]) as Get,
                    [BLUE, ORANGE, VERMILLION][(i - 1) % 3],
                )
            })
            .collect();
        let labels: Vec<&str> = c.branches.iter().skip(1).map(|b| b.1.as_str()).collect();
        conscripts.push(make(
            &format!("Enlisted (conscripts): {}", crate::force::branch::prose_list(labels.iter().copied())),
            rest,
        ));
    } else {
        head[0].1 = first.clone();
        conscripts.push(make(&format!("Conscripts serving: {first}"), head));
    }
    let model = line(&|y: &ForceYear| y.available);
    let operating = format!("{} average operating (yearly mean)", c.authority);
    let measures = [
        ("average operating", operating.as_str(), OBSERVED),
        ("year-end", "year-end (31 Dec, drawn at t+0.5)", ORANGE),
        ("mid-year", "mid-year (1 July)", GREEN),
        ("authorised", "authorised (a ceiling, not fitted)", GREY),
    ];
    let pts: Vec<Points> = measures
        .iter()
        .map(|(m, label, colour)| Points::new(*label, *colour, observed("total", Some(m))).radius(5))
        .filter(|p| !p.points.is_empty())
        .collect();
    let (lo, hi) = tight(model.iter().map(|p| p.1).chain(pts.iter().flat_map(|p| p.points.iter().map(|q| q.1))));
    let mut total = Panel::new(
        Axis::years("year (1 July)").range(x.0, x.1),
        Axis::values("persons (thousands)", TickFormat::thousands()).range(lo.max(0.0), hi).ticks(6),
    );
    let lowered: Vec<String> = corps_names.iter().map(|l| l.to_string()).collect();
    total.heading = Some(format!("Total strength ({} + conscripts)", lowered.join(" + ")));
    total.lines.push(Line::new("force available, model", NAVY, model));
    total.points = pts;
    let p = c.best.params;
    let mut chart = Chart::new(
        FORCE_TITLE,
        format!(
            "Source: forcecast {}, backtest --force; observed strength: {} (force_inputs.csv)",
            crate::VERSION,
            c.strength_source
        ),
        total,
    )
    .subtitle(format!(
        "Fitted: {}; RMS {:.1}%",
        crate::validation::calibration::params_text(c, &p),
        100.0 * c.best.rms
    ));
    chart.panels.push(cadre);
    chart.panels.extend(conscripts);

    chart.size = (1200, 1500);
    chart
}

/// Writes the force calibration chart as `<stem>.png` and `<stem>.svg` into `dir`.
pub fn write_force(c: &crate::validation::calibration::Calibration, dir: &Path, stem: &str) -> Result<Vec<String>> {
    render(&force_chart(c), dir, stem)
}
