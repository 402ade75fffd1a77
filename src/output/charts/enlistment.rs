//! Chart 3, `enlistment_age_men`: men aged 20 and the men liable for induction in each
//! year (enlistment-age shares applied to men by age), with the base-year values labelled.

use super::basis::Basis;
use super::format::{TickFormat, grouped};
use super::palette::{NAVY, ORANGE};
use super::pyramid::capitalised;
use super::spec::{Axis, Chart, Dash, HPos, Line, Note, Panel, VPos};
use crate::output::tables::SummaryRow;
use crate::run::Projection;

/// The enlistment-age chart.
pub fn chart(p: &Projection, rows: &[SummaryRow], basis: &Basis, source: String) -> Chart {
    let years: Vec<f64> = rows.iter().map(|r| f64::from(r.year)).collect();
    let men20: Vec<f64> = rows.iter().map(|r| r.men_age_20).collect();
    let eligible: Vec<f64> = rows.iter().map(|r| r.eligible_men).collect();
    let ages = &p.scenario.force.enlistment_age_shares;
    let span = match (ages.iter().map(|a| a.0).min(), ages.iter().map(|a| a.0).max()) {
        (Some(lo), Some(hi)) if lo < hi => format!("ages {lo}-{hi}"),
        (Some(lo), _) => format!("age {lo}"),
        _ => "no ages".to_string(),
    };

    let mut panel = Panel::new(Axis::years("year (1 July)"), Axis::values("men (thousands)", TickFormat::thousands()));
    panel.lines.push(Line::xy("Men aged 20", NAVY, &years, &men20));
    panel.lines.push(
        Line::xy(format!("Eligible men: enlistment-age shares × men at {span}"), ORANGE, &years, &eligible)
            .dash(Dash::Dashed),
    );
    // The base-year values are labelled above the lines (which are crowded near the
    // base year), each joined to its point by a leader line.
    if let Some(r) = rows.first() {
        let x0 = f64::from(r.year);
        let top = men20.iter().chain(&eligible).fold(0.0, |m: f64, &v| m.max(v));
        let labels =
            [(r.eligible_men, "eligible men", ORANGE, top * 1.17), (r.men_age_20, "men aged 20", NAVY, top * 1.09)];
        for (v, name, c, y) in labels {
            let span = (years.last().copied().unwrap_or(x0) - x0).max(1.0);
            panel.notes.push(
                Note::new((x0 + span * 0.04, y), format!("{}: {} {name}", r.year, grouped(v, 0)), c)
                    .pointing_to((x0, v))
                    .dot(c)
                    .bold()
                    .offset(6, 0)
                    .anchor(HPos::Left, VPos::Center),
            );
        }
    }
    Chart::new("Men at enlistment age", source, panel).subtitle(format!(
        "{} at 1 July; scenario {}",
        capitalised(basis.counted),
        p.scenario.name
    ))
}
