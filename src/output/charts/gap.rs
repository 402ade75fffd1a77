//! Chart 5, `gap_automation`: the force gap split into the part fielded automation
//! covers and the part left uncovered (top panel), and the unmanned systems needed
//! and fielded (bottom panel).

use super::format::{TickFormat, grouped};
use super::palette::{GREEN, NAVY, ORANGE, VERMILLION};
use super::spec::{Area, Axis, Chart, Dash, Line, Panel};
use crate::output::tables::SummaryRow;
use crate::run::Projection;

/// The gap and automation chart (two panels).
pub fn chart(p: &Projection, rows: &[SummaryRow], source: String) -> Chart {
    let years: Vec<f64> = rows.iter().map(|r| f64::from(r.year)).collect();
    let zero = vec![0.0; rows.len()];
    let gap: Vec<f64> = rows.iter().map(|r| r.force_gap).collect();
    let covered: Vec<f64> = rows.iter().map(|r| (r.force_gap - r.uncovered_gap).max(0.0)).collect();
    let needed: Vec<f64> = rows.iter().map(|r| r.automation_systems_needed).collect();
    let fielded: Vec<f64> = rows.iter().map(|r| r.automation_systems_fielded).collect();

    // The panels share the x axis, described once under the bottom panel.
    let mut top = Panel::new(Axis::years(""), Axis::values("troops (thousands)", TickFormat::thousands()));
    top.heading = Some("Force gap (target − available), in troops".into());
    top.areas.push(Area::between("Covered by fielded automation", GREEN, &years, &zero, &covered).opacity(0.7));
    top.areas.push(Area::between("Uncovered gap (readiness risk)", VERMILLION, &years, &covered, &gap).opacity(0.7));
    top.lines.push(Line::xy("Force gap", NAVY, &years, &gap).width(2));
    top.weight = 1.25;

    let mut bottom =
        Panel::new(Axis::years("year (1 July)"), Axis::values("systems (thousands)", TickFormat::thousands()).ticks(6));
    bottom.heading = Some("Unmanned systems".into());
    bottom.lines.push(Line::xy("Systems needed to cover the gap", ORANGE, &years, &needed).dash(Dash::Dashed));
    bottom.lines.push(Line::xy("Systems fielded", GREEN, &years, &fielded));

    let a = &p.scenario.automation;
    Chart {
        title: "Force gap and automation substitution".into(),
        subtitle: Some(format!(
            "One system replaces {} soldiers; fielding from {}; scenario {}",
            grouped(a.soldiers_replaced_per_system, 1).trim_end_matches(".0"),
            a.start_year,
            p.scenario.name
        )),
        source,
        size: (1200, 960),
        panels: vec![top, bottom],
    }
}
