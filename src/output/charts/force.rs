//! Chart 4, `force`: the force available, stacked by branch (conscripts of the Army,
//! Navy, Air Force and Marines) and corps (NCOs, officers), against the troop target,
//! with observed troop strength as points.

use super::format::{TickFormat, grouped};
use super::palette::{BLUE, GREEN, GREY, NAVY, OBSERVED, ORANGE, PURPLE, SKY, VERMILLION};
use super::spec::{Area, Axis, Chart, Dash, HPos, Line, Note, Panel, Points, VPos};
use crate::data::{CountryData, interpolate};
use crate::output::tables::SummaryRow;
use crate::run::Projection;

/// `summary.csv` index of the first corps slot ([`crate::output::tables::SUMMARY_COLUMNS`]).
const CORPS_COLUMN: usize = 29;
/// `summary.csv` index of the first branch slot.
const BRANCH_COLUMN: usize = 31;

/// The force chart.
pub fn chart(p: &Projection, rows: &[SummaryRow], data: &CountryData, source: String) -> Chart {
    let base = p.years[0];
    let years: Vec<f64> = rows.iter().map(|r| f64::from(r.year)).collect();
    let zero = vec![0.0; rows.len()];
    let available: Vec<f64> = rows.iter().map(|r| r.force_available).collect();
    // Observed strength as measured (force_inputs.csv): MND's average operating strength
    // and mid-year figures at 1 July, year-end figures half a year later; authorised
    // strengths are ceilings, not counts, and are left out.
    let mut observed: Vec<(f64, f64)> = data
        .force
        .rows
        .iter()
        .filter(|r| r.key == "total" && r.branch == "all" && r.measure != "authorised")
        .map(|r| (f64::from(r.year) + if r.measure == "year-end" { 0.5 } else { 0.0 }, r.value))
        .collect();
    observed.sort_by(|a, b| a.0.total_cmp(&b.0));
    let measures = [("average operating", "yearly average"), ("mid-year", "mid-year"), ("year-end", "year-end")]
        .iter()
        .filter(|(m, _)| data.force.rows.iter().any(|r| r.key == "total" && r.branch == "all" && r.measure == *m))
        .map(|(_, text)| *text)
        .collect::<Vec<_>>()
        .join(", ");

    // The target path from its first anchor (the plan began before the base year),
    // then the projection's target for each year.
    let anchors = &data.force.structure().target;
    let first = anchors.first().map_or(base, |a| a.0).min(base);
    let mut target: Vec<(f64, f64)> =
        (first..base).map(|y| (f64::from(y), interpolate(anchors, f64::from(y)))).collect();
    target.extend(rows.iter().map(|r| (f64::from(r.year), r.force_target)));

    let x0 = observed.iter().map(|o| o.0).chain(target.first().map(|t| t.0)).fold(f64::from(base), f64::min);
    let x1 = f64::from(*p.years.last().unwrap_or(&base));
    let mut panel = Panel::new(
        Axis::years("year (1 July)").range(x0 - 1.0, x1),
        Axis::values("troops (thousands)", TickFormat::thousands()),
    );
    // Stacked layers, bottom to top: the branches' conscripts in the structure's order,
    // then the corps from the last declared to the first (Korea: NCOs, officers).
    let st = data.force.structure();
    let values: Vec<[f64; 40]> = rows.iter().map(crate::output::tables::row_values).collect();
    let mut layers: Vec<(String, plotters::style::RGBColor, usize)> = Vec::new();
    for (i, b) in st.branches.iter().enumerate() {
        layers.push((conscripts_of(&b.label), [BLUE, GREY, SKY, GREEN][i], BRANCH_COLUMN + i));
    }
    for (i, c) in st.corps.iter().enumerate().rev() {
        layers.push((c.label.clone(), [PURPLE, ORANGE][i], CORPS_COLUMN + i));
    }
    let mut lower = zero.clone();
    for (label, colour, column) in layers {
        let upper: Vec<f64> = lower.iter().zip(&values).map(|(l, v)| l + v[column]).collect();
        panel.areas.push(Area::between(&label, colour, &years, &lower, &upper).opacity(0.8));
        lower = upper;
    }
    panel.lines.push(Line::xy("Force available", NAVY, &years, &available));
    panel.lines.push(Line::new("Troop target", VERMILLION, target).dash(Dash::Dashed));
    if let (Some(a), Some(b)) = (observed.first(), observed.last()) {
        let label = format!("Observed strength {:.0}-{:.0} ({}: {})", a.0.floor(), b.0.floor(), st.authority, measures);
        panel.points.push(Points::new(label, OBSERVED, observed.clone()));
    }
    // The base-year value is labelled in the headroom above the target line, joined
    // to its point by a leader line, so the text never crosses the data.
    let top = rows.iter().map(|r| r.force_target.max(r.force_available)).fold(0.0, f64::max);
    let span = (x1 - f64::from(base)).max(1.0);
    let axis = x1 - (x0 - 1.0);
    if let Some(r) = rows.first() {
        let x = f64::from(r.year);
        // To the right of its point, unless the point is in the right half of the axis
        // (a projection of a few years after a longer history): then to its left, so
        // that the text stays inside the chart.
        let (dx, h, offset) =
            if x - (x0 - 1.0) > 0.5 * axis { (-axis * 0.04, HPos::Right, -6) } else { (span * 0.04, HPos::Left, 6) };
        panel.notes.push(
            Note::new((x + dx, top * 1.08), format!("{}: {} available", r.year, grouped(r.force_available, 0)), NAVY)
                .pointing_to((x, r.force_available))
                .bold()
                .offset(offset, 0)
                .anchor(h, VPos::Center),
        );
    }
    // The end value sits above the last fifth of the line (the width of the label),
    // clear of the line where it falls steeply, and below the target. A projection
    // narrower than the label (a few years after the 2017-2024 history: the label is
    // about an eighth of the axis) has no such room: the label would cover the base
    // year's point and its leader, so it goes in the headroom, right of the base label.
    if let (Some(r), true) = (rows.last(), rows.len() > 1) {
        let (y, v) = if span < 0.15 * axis {
            (top * 1.08, VPos::Center)
        } else {
            let tail = rows.iter().filter(|q| f64::from(q.year) >= x1 - span * 0.2);
            (tail.map(|q| q.force_available).fold(0.0, f64::max) + top * 0.05, VPos::Bottom)
        };
        panel.notes.push(
            Note::new((x1, y), format!("{}: {}", r.year, grouped(r.force_available, 0)), NAVY)
                .bold()
                .offset(-4, 0)
                .anchor(HPos::Right, v),
        );
    }
    Chart::new("Force available against the troop target", source, panel).subtitle(format!(
        "Active-duty troops at 1 July: conscripts{}, then {}; {}; scenario {}",
        if st.branches.len() > 1 { " by branch" } else { "" },
        crate::force::branch::prose_list(st.corps.iter().rev().map(|c| c.label.as_str())),
        army_term(p, data),
        p.scenario.name
    ))
}

/// The Army conscripts' term in words: the sourced term, and the scenario's change from
/// the year it acts (terms are fixed at enlistment).
fn army_term(p: &Projection, data: &CountryData) -> String {
    let army = crate::force::Branch(0);
    let label = data.force.structure().branch_label(army).to_string();
    let months = |m: f64| if m.fract() == 0.0 { grouped(m, 0) } else { format!("{m:.1}") };
    let now = format!("{} serve {} months", conscripts_of(&label), months(data.force.schedule(army).after));
    match p.scenario.force.branches.get(army.0).and_then(|b| b.service_months.as_deref()) {
        Some([(y, m)]) => format!("{now}, {} for enlistees from {}", months(*m), (*y).max(p.scenario.base_year)),
        Some([(y, m), .., (_, last)]) => format!(
            "{now}, {} to {} months for enlistees from {}",
            months(*m),
            months(*last),
            (*y).max(p.scenario.base_year)
        ),
        _ => now,
    }
}

/// A branch's conscripts: "Army conscripts", "Marine conscripts" (a plural label made
/// singular), and a label that already says so as it is ("One-year conscripts", not
/// "One-year conscripts conscripts").
fn conscripts_of(label: &str) -> String {
    if label.to_lowercase().contains("conscript") {
        return label.to_string();
    }
    let name = label.strip_suffix('s').filter(|_| !label.ends_with("ss")).unwrap_or(label);
    format!("{name} conscripts")
}

#[cfg(test)]
mod tests {
    use crate::output::charts::{Chart, Note, specs};
    use crate::{run, scenario};

    /// The force chart of shipped scenario `name`, projected to `end` if given.
    fn force_chart(name: &str, end: Option<i32>) -> Chart {
        let dir = std::path::Path::new("scenarios");
        let mut s = scenario::load(&dir.join(format!("{name}.toml")), dir).unwrap();
        s.end_year = end.unwrap_or(s.end_year);
        let inputs = run::load_inputs(&s, dir).unwrap();
        let p = run::project(&s, &inputs).unwrap();
        specs(&p, &inputs.data).into_iter().find(|(n, _)| *n == "force").unwrap().1
    }

    /// The force chart's two value labels of a projection ending in `end`.
    fn labels(end: i32) -> (Note, Note) {
        let chart = force_chart("baseline", Some(end));
        let notes = &chart.panels[0].notes;
        assert_eq!(notes.len(), 2, "{notes:?}");
        (notes[0].clone(), notes[1].clone())
    }

    /// The subtitle names the first branch's conscripts once: "Army conscripts" for
    /// Korea, Taiwan's "One-year conscripts" as they are (they read "One-year conscripts
    /// conscripts").
    #[test]
    fn the_subtitle_names_the_conscripts_once() {
        for (name, want) in [
            ("baseline", "Army conscripts serve 18 months"),
            ("taiwan-baseline", "; One-year conscripts serve 12 months;"),
        ] {
            let sub = force_chart(name, None).subtitle.unwrap();
            assert!(sub.contains(want) && !sub.contains("conscripts conscripts"), "{sub}");
        }
    }

    /// A projection of one year after the 2017-2024 history puts the end label in the
    /// headroom beside the base label (on the line it covered the base year's point and
    /// its leader; looked at); from two years on it has room on the line, below the base
    /// label.
    #[test]
    fn the_end_label_of_a_short_projection_goes_beside_the_base_label() {
        let (base, last) = labels(2026);
        assert_eq!(last.at.1, base.at.1, "same height");
        assert!(last.text.starts_with("2026: "), "{}", last.text);
        for end in [2027, 2040, 2100] {
            let (base, last) = labels(end);
            assert!(last.at.1 < base.at.1, "{end}: on the line, below the base label");
        }
    }
}
