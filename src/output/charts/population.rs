//! Chart 2, `population`: total and working-age (15-64) population, the projection
//! (citizens or all residents, as the base population counts) after history from UN WPP 2024 estimates (all residents, 1950-2020),
//! with the turning points a published source names marked (the country's
//! `country.toml`: `turning_points`, `turning_points_source`).

use super::basis::Basis;
use super::format::TickFormat;
use super::palette::{GREEN, NAVY};
use super::spec::{Axis, Chart, Dash, Line, Marker, Panel, Points};
use crate::data::CountryData;
use crate::output::tables::SummaryRow;
use crate::run::Projection;

/// WPP 5-year groups 15-19 … 60-64 (indices into `Pop5`).
const WORKING_AGE_GROUPS: std::ops::RangeInclusive<usize> = 3..=12;

/// The population chart.
pub fn chart(p: &Projection, rows: &[SummaryRow], data: &CountryData, basis: &Basis, source: String) -> Chart {
    let years: Vec<f64> = rows.iter().map(|r| f64::from(r.year)).collect();
    let total: Vec<f64> = rows.iter().map(|r| r.population_total).collect();
    let working: Vec<f64> = rows.iter().map(|r| r.population_15_64).collect();
    let hist: Vec<(f64, f64, f64)> = data
        .pop5
        .iter()
        .filter(|h| h.year < p.years[0])
        .map(|h| {
            let t: f64 = h.male.iter().chain(h.female.iter()).sum();
            let w: f64 = WORKING_AGE_GROUPS.map(|g| h.male[g] + h.female[g]).sum();
            (f64::from(h.year), t, w)
        })
        .collect();

    let mut panel =
        Panel::new(Axis::years("year (1 July)"), Axis::values("persons (millions)", TickFormat::millions()));
    let who = basis.counted;
    panel.lines.push(Line::xy(format!("Total, projection ({who})"), NAVY, &years, &total));
    panel.lines.push(Line::xy(format!("Aged 15-64, projection ({who})"), GREEN, &years, &working));
    if !hist.is_empty() {
        let tot: Vec<(f64, f64)> = hist.iter().map(|h| (h.0, h.1)).collect();
        let wrk: Vec<(f64, f64)> = hist.iter().map(|h| (h.0, h.2)).collect();
        panel.lines.push(
            Line::new("Total, UN WPP 2024 estimates (all residents)", NAVY, tot.clone()).dash(Dash::Dotted).width(3),
        );
        panel.lines.push(
            Line::new("Aged 15-64, UN WPP 2024 estimates (all residents)", GREEN, wrk.clone())
                .dash(Dash::Dotted)
                .width(3),
        );
        panel.points.push(Points::new("", NAVY, tot).radius(4).unlabelled());
        panel.points.push(Points::new("", GREEN, wrk).radius(4).unlabelled());
    }
    // The first of two or more markers is labelled to its left, so the labels of
    // neighbouring years do not overlap.
    let n = data.turning_points.len();
    for (i, (year, label)) in data.turning_points.iter().enumerate() {
        let m = Marker::new(f64::from(*year), format!("{year}: {label}"));
        panel.markers.push(if i == 0 && n > 1 { m.left() } else { m });
    }

    let base = p.years[0];
    let subtitle = match (hist.first(), hist.last()) {
        (Some(a), Some(b)) if who == "all residents" => {
            format!("UN WPP estimates {:.0}-{:.0}, then the projection from {base}, count all residents", a.0, b.0)
        }
        (Some(a), Some(b)) => format!(
            "History {:.0}-{:.0} counts all residents (UN WPP); the projection from {base} counts {who}",
            a.0, b.0
        ),
        _ => format!("The projection from {base} counts {who}"),
    };
    Chart::new("Total and working-age population", source, panel)
        .subtitle(format!("{subtitle}; scenario {}", p.scenario.name))
}
