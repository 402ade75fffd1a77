//! Overlay charts: one line per scenario for total population, men aged 20, force
//! available against the target, the gap, and automation (systems and cost). Each
//! scenario keeps one colour in every chart ([`scenario_colours`]).

use plotters::style::RGBColor;

use super::format::TickFormat;
use super::palette::{self, GREY, SCENARIOS};
use super::spec::{Axis, Chart, Dash, Line, Panel};
use crate::output::numbers::currency_word;
use crate::output::tables::SummaryRow;

/// One scenario's rows and its colour.
#[derive(Debug, Clone, Copy)]
pub struct Overlay<'a> {
    /// Scenario name (the legend text).
    pub name: &'a str,
    /// Line colour.
    pub colour: RGBColor,
    /// Summary rows.
    pub rows: &'a [SummaryRow],
}

/// Colours for a set of scenarios: the shipped scenarios keep their fixed colours
/// ([`palette::scenario`]); the others take, in order, the categorical colours no other
/// scenario of the set uses, so two scenarios of one set never share a colour (until
/// there are more scenarios than colours).
pub fn scenario_colours(names: &[&str]) -> Vec<RGBColor> {
    let fixed: Vec<Option<RGBColor>> = names
        .iter()
        .map(|n| {
            // A fixed colour does not depend on the position.
            let c = palette::scenario(n, 0);
            (c == palette::scenario(n, 1)).then_some(c)
        })
        .collect();
    let mut used: Vec<RGBColor> = fixed.iter().flatten().copied().collect();
    let mut next = 0;
    fixed
        .iter()
        .map(|f| {
            if let Some(c) = f {
                return *c;
            }
            let free = SCENARIOS.iter().copied().find(|c| !used.contains(c));
            let c = free.unwrap_or_else(|| {
                next += 1;
                palette::categorical(next - 1)
            });
            used.push(c);
            c
        })
        .collect()
}

fn years(rows: &[SummaryRow]) -> Vec<f64> {
    rows.iter().map(|r| f64::from(r.year)).collect()
}

/// Line width of the i-th of n scenarios: the first is widest and each later one is
/// drawn narrower on top, so where scenarios coincide (fertility variants before 2045)
/// every colour still shows, as nested stripes.
/// Up to four scenarios the widths step by 3 or 4 px; with more, the steps shrink so
/// that the first is 12 px and the last 3 px,
/// and every nested stripe stays visible (8 scenarios: 12, 10, 9, 8, 6, 5, 4, 3).
fn width(i: usize, n: usize) -> u32 {
    if n > 4 {
        return 3 + (9 * n.saturating_sub(1 + i) / (n - 1)) as u32;
    }
    let step = if n == 2 { 4 } else { 3 };
    (3 + step * n.saturating_sub(1 + i) as u32).min(12)
}

fn lines(series: &[Overlay<'_>], value: fn(&SummaryRow) -> f64) -> Vec<Line> {
    series
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let ys: Vec<f64> = s.rows.iter().map(value).collect();
            Line::xy(s.name, s.colour, &years(s.rows), &ys).width(width(i, series.len()))
        })
        .collect()
}

fn one_panel(y: Axis, series: &[Overlay<'_>], value: fn(&SummaryRow) -> f64) -> Panel {
    let mut panel = Panel::new(Axis::years("year (1 July)"), y);
    panel.lines = lines(series, value);
    panel
}

fn names(series: &[Overlay<'_>]) -> String {
    series.iter().map(|s| s.name).collect::<Vec<_>>().join(", ")
}

/// Size of the single-panel overlays: narrower than the default 1200 px, so that the
/// text is larger relative to the chart when it is printed at a page's width (tick
/// labels about 8 pt on A4).
pub const SIZE: (u32, u32) = (1000, 640);

/// Lines of `value` per scenario as an index of its first year's value (= 100).
fn indexed_lines(series: &[Overlay<'_>], value: fn(&SummaryRow) -> f64) -> Vec<Line> {
    series
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let v0 = s.rows.first().map_or(f64::NAN, value);
            let ys: Vec<f64> = s.rows.iter().map(|r| if v0 > 0.0 { 100.0 * value(r) / v0 } else { f64::NAN }).collect();
            Line::xy(s.name, s.colour, &years(s.rows), &ys).width(width(i, series.len()))
        })
        .collect()
}

/// The overlay charts of scenarios of different countries, whose levels differ by
/// their populations and forces: the total population and men aged 20 as indexes of
/// each scenario's base year (= 100), the force available and the gap as shares of each
/// scenario's own troop target. `bases` names each country's base population, shown
/// under every title. No automation chart: the costs are in different currencies.
pub fn charts_across_countries(series: &[Overlay<'_>], bases: &str, source: &str) -> Vec<(&'static str, Chart)> {
    let sized = |mut c: Chart| {
        c.size = SIZE;
        c
    };
    let index_axis = || Axis::values("index, base year = 100", TickFormat::Count { divisor: 1.0, abs: false });
    let pct_axis = || Axis::values("% of own troop target", TickFormat::Count { divisor: 1.0, abs: false });
    let note =
        format!("The countries differ ({bases}): levels are compared as indexes; each base is in the source line.");
    let mut population = Panel::new(Axis::years("year (1 July)"), index_axis());
    population.lines = indexed_lines(series, |r| r.population_total);
    let mut men = Panel::new(Axis::years("year (1 July)"), index_axis());
    men.lines = indexed_lines(series, |r| r.men_age_20);
    let share = |v: fn(&SummaryRow) -> f64| {
        move |r: &SummaryRow| if r.force_target > 0.0 { 100.0 * v(r) / r.force_target } else { f64::NAN }
    };
    let mut force = Panel::new(Axis::years("year (1 July)"), pct_axis());
    let mut gap = Panel::new(Axis::years("year (1 July)"), pct_axis());
    for (i, s) in series.iter().enumerate() {
        let avail: Vec<f64> = s.rows.iter().map(share(|r| r.force_available)).collect();
        let g: Vec<f64> = s.rows.iter().map(share(|r| r.force_gap)).collect();
        force.lines.push(Line::xy(s.name, s.colour, &years(s.rows), &avail).width(width(i, series.len())));
        gap.lines.push(Line::xy(s.name, s.colour, &years(s.rows), &g).width(width(i, series.len())));
    }
    if let Some(s) = series.first() {
        let xs = years(s.rows);
        let full = vec![100.0; xs.len()];
        force.lines.push(Line::xy("Troop target (each scenario's own)", GREY, &xs, &full).dash(Dash::Dashed).width(2));
    }
    vec![
        (
            "population_total",
            sized(
                Chart::new("Total population, indexed", source, population)
                    .subtitle(format!("Persons at 1 July as an index of each scenario's base year (= 100). {note}")),
            ),
        ),
        (
            "men_age_20",
            sized(Chart::new("Men aged 20, indexed", source, men).subtitle(format!(
                "Men reaching the main enlistment age, index of each scenario's base year (= 100). {note}"
            ))),
        ),
        (
            "force_vs_target",
            sized(Chart::new("Force available as a share of the troop target", source, force).subtitle(format!(
                "Active-duty troops at 1 July, % of each scenario's own target (dashed: 100%). {note}"
            ))),
        ),
        (
            "force_gap",
            sized(
                Chart::new("Force gap as a share of the troop target", source, gap)
                    .subtitle(format!("Troop target minus force available, % of the target. {note}")),
            ),
        ),
    ]
}

/// The five overlay charts as `(file stem, chart)`.
pub fn charts(series: &[Overlay<'_>], currency: &str, source: &str) -> Vec<(&'static str, Chart)> {
    let sized = |mut c: Chart| {
        c.size = SIZE;
        c
    };
    let scen = names(series);
    let population = Chart::new(
        "Total population",
        source,
        one_panel(Axis::values("persons (millions)", TickFormat::millions()), series, |r| r.population_total),
    )
    .subtitle(format!("Persons at 1 July by scenario: {scen}"));
    let men = Chart::new(
        "Men aged 20",
        source,
        one_panel(Axis::values("men (thousands)", TickFormat::thousands()), series, |r| r.men_age_20),
    )
    .subtitle(format!("Men reaching the main enlistment age, at 1 July, by scenario: {scen}"));
    let gap = Chart::new(
        "Force gap",
        source,
        one_panel(Axis::values("troops (thousands)", TickFormat::thousands()), series, |r| r.force_gap),
    )
    .subtitle("Troop target minus force available (0 when the target is met), by scenario");

    vec![
        ("population_total", sized(population)),
        ("men_age_20", sized(men)),
        ("force_vs_target", sized(force_chart(series, source))),
        ("force_gap", sized(gap)),
        ("automation", automation_chart(series, currency, source)),
    ]
}

/// The scenarios grouped by identical troop-target series, in order of first appearance.
fn target_groups<'a, 'b>(series: &'b [Overlay<'a>]) -> Vec<Vec<&'b Overlay<'a>>> {
    let same = |a: &Overlay<'_>, b: &Overlay<'_>| {
        a.rows.len() == b.rows.len()
            && a.rows.iter().zip(b.rows).all(|(x, y)| x.year == y.year && x.force_target == y.force_target)
    };
    let mut groups: Vec<Vec<&Overlay<'_>>> = Vec::new();
    for s in series {
        match groups.iter_mut().find(|g| same(g[0], s)) {
            Some(g) => g.push(s),
            None => groups.push(vec![s]),
        }
    }
    groups
}

/// Force available (solid) per scenario against the target: one dashed line per
/// distinct target, so that eight scenarios on one target draw one line. The target all
/// or most scenarios share is grey; a target of one scenario alone is in its colour
/// ("target-450k: target"); another target shared by several takes its first
/// scenario's colour and names them.
fn force_chart(series: &[Overlay<'_>], source: &str) -> Chart {
    let mut panel =
        one_panel(Axis::values("troops (thousands)", TickFormat::thousands()), series, |r| r.force_available);
    let groups = target_groups(series);
    let n_groups = groups.len();
    // The grey line goes to the largest group shared by several scenarios (the first of equals).
    let grey = groups.iter().enumerate().filter(|(_, g)| g.len() > 1).max_by_key(|(i, g)| (g.len(), usize::MAX - i));
    let grey = grey.map(|(i, _)| i).or((n_groups == 1).then_some(0));
    for (k, g) in groups.iter().enumerate() {
        let s = g[0];
        let ys: Vec<f64> = s.rows.iter().map(|r| r.force_target).collect();
        let names: Vec<&str> = g.iter().map(|o| o.name).collect();
        let (label, colour, w) = if n_groups == 1 {
            let label =
                if series.len() > 1 { "Troop target (all scenarios)".to_string() } else { "Troop target".into() };
            (label, GREY, 3)
        } else if g.len() == 1 {
            (format!("{}: target", s.name), s.colour, 2)
        } else if names.len() > 3 {
            let c = if Some(k) == grey { GREY } else { s.colour };
            let others: Vec<&str> = series.iter().map(|o| o.name).filter(|n| !names.contains(n)).collect();
            let label = if others.len() <= 2 {
                format!("Troop target (all but {})", others.join(", "))
            } else {
                format!("Troop target ({} scenarios: {} …)", names.len(), names[..2].join(", "))
            };
            (label, c, 2)
        } else {
            let c = if Some(k) == grey { GREY } else { s.colour };
            (format!("Troop target: {}", names.join(", ")), c, 2)
        };
        panel.lines.push(Line::xy(label, colour, &years(s.rows), &ys).dash(Dash::Dashed).width(w));
    }
    Chart::new("Force available against the troop target", source, panel).subtitle(
        "Active-duty troops at 1 July (conscripts and career or volunteer corps), solid; troop target, dashed",
    )
}

/// Two panels: systems fielded (solid) and needed (dashed); yearly cost.
fn automation_chart(series: &[Overlay<'_>], currency: &str, source: &str) -> Chart {
    let mut top = Panel::new(Axis::years(""), Axis::values("systems (thousands)", TickFormat::thousands()));
    top.heading = Some("Unmanned systems fielded (solid) and needed to cover the gap (dashed)".into());
    for (i, s) in series.iter().enumerate() {
        let x = years(s.rows);
        let fielded: Vec<f64> = s.rows.iter().map(|r| r.automation_systems_fielded).collect();
        let needed: Vec<f64> = s.rows.iter().map(|r| r.automation_systems_needed).collect();
        top.lines.push(Line::xy(s.name, s.colour, &x, &fielded).width(width(i, series.len())));
        top.lines.push(Line::xy(s.name, s.colour, &x, &needed).dash(Dash::Dashed).width(2).unlabelled());
    }
    top.weight = 1.2;
    let word = currency_word(currency);
    let mut bottom = one_panel(
        Axis::values(format!("trillion {word} a year"), TickFormat::Count { divisor: 1e12, abs: false }),
        series,
        |r| r.automation_cost,
    );
    bottom.heading = Some("Yearly cost: purchases plus operating and support".into());
    for l in &mut bottom.lines {
        l.label = None;
    }
    Chart {
        title: "Automation substituting for the missing troops".into(),
        subtitle: Some("Systems and their cost by scenario".into()),
        source: source.to_string(),
        size: (SIZE.0, 920),
        panels: vec![top, bottom],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::charts::palette::{NAVY, VERMILLION};

    #[test]
    fn colours_are_fixed_for_shipped_scenarios_and_distinct_for_others() {
        let c = scenario_colours(&["baseline", "fertility-low"]);
        assert_eq!(c, vec![NAVY, VERMILLION]);
        // Custom scenarios skip colours taken by shipped ones in the same set.
        let c = scenario_colours(&["my-case", "baseline", "other", "fertility-low"]);
        assert_eq!(c[1], NAVY);
        assert_eq!(c[3], VERMILLION);
        assert!(c[0] != NAVY && c[0] != VERMILLION && c[2] != NAVY && c[2] != VERMILLION && c[0] != c[2]);
        // The same set gives the same colours (a scenario looks the same in every chart).
        assert_eq!(c, scenario_colours(&["my-case", "baseline", "other", "fertility-low"]));
    }
}
