//! The outputs of `forcecast plan`, written into an atomic output folder
//! ([`crate::output::AtomicDir`]): `plan.toml` (a runnable scenario), `plan.csv`,
//! `frontier.csv` with its chart, `alternatives.csv`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::{FrontierPoint, Lever, Problem, Solution};
use crate::error::{Error, Result};
use crate::output::charts::{Axis, Chart, Line, Panel, Points, TickFormat, palette};
use crate::scenario::Scenario;

/// Everything `forcecast plan` writes.
pub struct PlanOutputs<'a> {
    /// The scenario planned for.
    pub scenario: &'a Scenario,
    /// The problem.
    pub problem: &'a Problem,
    /// The least-cost plan.
    pub solution: &'a Solution,
    /// The frontier.
    pub frontier: &'a [FrontierPoint],
    /// The best plan of each lever alone.
    pub alternatives: &'a [(Lever, Solution)],
    /// `extends` of plan.toml, and files to copy beside it (the input's chain when it is
    /// not found by name).
    pub extends: String,
    /// Files copied beside plan.toml.
    pub copies: Vec<PathBuf>,
    /// Skip the chart.
    pub no_charts: bool,
    /// The probabilistic goal's results (`None`: the deterministic goal).
    pub probabilistic: Option<Probabilistic<'a>>,
}

/// The results of a plan for the probabilistic goal.
pub struct Probabilistic<'a> {
    /// Its results on the trajectories.
    pub score: &'a super::mc::McScore,
    /// Trajectories.
    pub trajectories: usize,
    /// Their seed.
    pub seed: u64,
    /// The goal: least share meeting the requirement each year.
    pub probability: f64,
}

fn num(x: f64) -> String {
    let r = (x * 1e6).round() / 1e6;
    if r == r.trunc() && r.abs() < 1e15 { format!("{}", r as i64) } else { format!("{r}") }
}

fn path_toml(p: &[(i32, f64)]) -> String {
    let items: Vec<String> = p.iter().map(|(y, v)| format!("[{y}, {}]", num(*v))).collect();
    format!("[{}]", items.join(", "))
}

/// The text of plan.toml: a scenario extending the input that sets the chosen paths.
pub fn plan_toml(o: &PlanOutputs<'_>) -> String {
    let s = o.scenario;
    let d = &o.solution.detail;
    let f = &d.force;
    let mut t = String::new();
    let _ = writeln!(t, "# Written by `forcecast plan {}`: the least-cost mix of levers found, as a scenario.", s.name);
    match &o.probabilistic {
        None => {
            let _ = writeln!(
                t,
                "# Discounted extra cost {} {} over the scenario's own settings; requirement met every year from {}.",
                whole(d.score.cost),
                s.automation.currency,
                o.problem.from
            );
        }
        Some(p) => {
            let _ = writeln!(
                t,
                "# Requirement met every year from {} in at least {:.1}% of {} trajectories (goal {}%): check with\n\
                 #   forcecast run plan.toml --trajectories {} --seed {}\n\
                 # Mean discounted extra cost {} {} over the scenario's own settings ({} on the central path).",
                o.problem.from,
                100.0 * p.score.min_share,
                p.trajectories,
                num(100.0 * p.probability),
                p.trajectories,
                p.seed,
                whole(p.score.score.cost),
                s.automation.currency,
                whole(d.score.cost)
            );
        }
    }
    let levers: Vec<&str> = o.problem.levers.iter().map(|l| l.name()).collect();
    let _ = writeln!(
        t,
        "description = \"Least-cost plan for {} (levers: {}), requirement from {}\"",
        s.name,
        levers.join(", "),
        o.problem.from
    );
    let _ = writeln!(t, "extends = \"{}\"", o.extends);
    let mut force = String::new();
    if let Some(p) = &o.problem.target {
        let _ = writeln!(force, "target_anchors = {}", path_toml(p));
    }
    if f.active_duty_rate != s.force.active_duty_rate {
        if let Some(p) = &f.active_duty_rate {
            let _ = writeln!(force, "active_duty_rate = {}", path_toml(p));
        }
    }
    if f.female_volunteer_scale != s.force.female_volunteer_scale {
        if let Some(p) = &f.female_volunteer_scale {
            let _ = writeln!(force, "female_volunteer_scale = {}", path_toml(p));
        }
    }
    if !force.is_empty() {
        let _ = write!(t, "\n[force]\n{force}");
    }
    for (i, b) in f.branches.iter().enumerate() {
        if b.service_months != s.force.branches[i].service_months {
            if let Some(p) = &b.service_months {
                let _ = write!(t, "\n[force.{}]\nservice_months = {}\n", b.key, path_toml(p));
            }
        }
    }
    for (c, d) in f.cadre.corps.iter().zip(&s.force.cadre.corps) {
        if c.careerist_continuation != d.careerist_continuation {
            if let Some(p) = &c.careerist_continuation {
                let _ = write!(t, "\n[force.{}]\ncareerist_continuation = {}\n", c.key, path_toml(p));
            }
        }
    }
    let automation_on =
        o.solution.spaces.iter().zip(&o.solution.choice).any(|(sp, c)| sp.lever == Lever::Automation && c[0] > 0);
    if !automation_on {
        let _ = write!(t, "\n[automation]\n# the plan fields no automated systems\nfielding_capacity_anchors = 0\n");
    }
    let _ = write!(t, "\n[plan]\nfrom = {}\n", o.problem.from);
    if o.problem.levers.contains(&Lever::Civilians) {
        let civ = civilian_path(o);
        if civ.iter().any(|p| p.1 > 0.0) {
            let _ = writeln!(t, "civilians = {}", path_toml(&civ));
        }
    }
    if let Some(b) = o.problem.budget_per_year {
        let _ = writeln!(t, "budget_per_year = {}", num(b));
    }
    if let Some(p) = &o.probabilistic {
        let _ = writeln!(t, "probability = {}\ntrajectories = {}", num(p.probability), p.trajectories);
    }
    t
}

/// probability.csv (probabilistic goal only): per year from the base year, the
/// requirement on the central path and the share of trajectories meeting it.
pub fn probability_csv(o: &PlanOutputs<'_>, p: &Probabilistic<'_>) -> String {
    let d = &o.solution.detail;
    let mut t = String::from("year,requirement,share_meeting,goal\n");
    for (i, &y) in d.years.iter().enumerate() {
        let goal = if y >= o.problem.from { num(p.probability) } else { String::new() };
        let _ = writeln!(t, "{y},{},{},{goal}", whole(d.requirement[i]), num(p.score.share[i]));
    }
    t
}

fn civilian_path(o: &PlanOutputs<'_>) -> Vec<(i32, f64)> {
    let sol = o.solution;
    let Some(i) = sol.spaces.iter().position(|s| s.lever == Lever::Civilians) else {
        return Vec::new();
    };
    let periods = &sol.detail.years;
    let base = o.scenario.base_year;
    let starts: Vec<i32> =
        (0..sol.choice[i].len()).map(|k| base + 1 + super::PERIOD * k as i32).filter(|y| periods.contains(y)).collect();
    starts.iter().zip(&sol.choice[i]).map(|(y, &c)| (*y, sol.spaces[i].values[c])).collect()
}

/// plan.csv: `lever, year, value, cost` for the levers of the plan (from the first period
/// start), plus `personnel` (value: troops available; cost: the extra pay and upkeep of
/// conscripts and cadre over the reference) and `total` (value: requirement covered; cost: the year's extra cost).
pub fn plan_csv(o: &PlanOutputs<'_>) -> String {
    let d = &o.solution.detail;
    let mut t = String::from("lever,year,value,cost\n");
    let first = o.scenario.base_year + 1;
    for l in Lever::ALL {
        if !o.problem.levers.contains(&l) {
            continue;
        }
        for (i, &y) in d.years.iter().enumerate() {
            if y < first {
                continue;
            }
            let v = d.values[l as usize][i];
            let _ = writeln!(t, "{},{y},{},{}", l.name(), num(v), whole(d.lever_cost[l as usize][i]));
        }
    }
    for (i, &y) in d.years.iter().enumerate() {
        if y < first {
            continue;
        }
        let _ = writeln!(t, "personnel,{y},{},{}", whole(d.available[i]), whole(d.personnel[i]));
    }
    for (i, &y) in d.years.iter().enumerate() {
        if y < first {
            continue;
        }
        let k = o.scenario.automation.soldiers_replaced_per_system;
        let covered = d.available[i] + d.civilian_equivalents[i] + k * d.automation.systems_fielded[i];
        let _ = writeln!(t, "total,{y},{},{}", whole(covered), whole(d.extra[i]));
    }
    t
}

/// frontier.csv: the least discounted extra cost per requirement level, and the cost of
/// each 10,000 troops more than the level before.
pub fn frontier_csv(points: &[FrontierPoint]) -> String {
    let mut t = String::from("requirement,feasible,discounted_cost,cost_per_10000_more\n");
    let mut prev: Option<(f64, f64)> = None;
    for p in points {
        match p.cost {
            Some(c) => {
                // Undefined (left empty) unless the requirement rose: levels that round to
                // the same number of troops (a requirement of 1) gave 0 / 0 = NaN.
                let marginal = match prev {
                    Some((r0, c0)) if p.requirement > r0 => whole((c - c0) / ((p.requirement - r0) / 10_000.0)),
                    _ => String::new(),
                };
                let _ = writeln!(t, "{},true,{},{marginal}", whole(p.requirement), whole(c));
                prev = Some((p.requirement, c));
            }
            None => {
                let _ = writeln!(t, "{},false,infeasible,", whole(p.requirement));
                prev = None;
            }
        }
    }
    t
}

/// alternatives.csv: the best plan that uses one lever alone, against the mix.
pub fn alternatives_csv(o: &PlanOutputs<'_>) -> String {
    let mix = &o.solution.detail.score;
    let mut t = String::from("levers,feasible,discounted_cost,saving_of_mix\n");
    let show = |f: bool, c: f64| if f { whole(c) } else { "infeasible".to_string() };
    let _ = writeln!(t, "mix,{},{},0", mix.feasible(), show(mix.feasible(), mix.cost));
    for (l, s) in o.alternatives {
        let sc = &s.detail.score;
        let saving = if sc.feasible() && mix.feasible() { whole(sc.cost - mix.cost) } else { String::new() };
        let _ = writeln!(t, "{},{},{},{saving}", l.name(), sc.feasible(), show(sc.feasible(), sc.cost));
    }
    t
}

/// The frontier chart.
pub fn frontier_chart(o: &PlanOutputs<'_>) -> Chart {
    let pts: Vec<(f64, f64)> = o.frontier.iter().filter_map(|p| p.cost.map(|c| (p.requirement, c / 1e12))).collect();
    let mut panel = Panel::new(
        Axis::values("troop-equivalents required every year from the start year (thousands)", TickFormat::thousands()),
        Axis::values(
            format!("discounted extra cost (trillion {})", o.scenario.automation.currency),
            TickFormat::Count { divisor: 1.0, abs: false },
        ),
    );
    panel.lines.push(Line::new("Least cost found", palette::NAVY, pts.clone()));
    panel.points.push(Points::new("Requirement levels", palette::NAVY, pts));
    let levers: Vec<&str> = o.problem.levers.iter().map(|l| l.name()).collect();
    Chart::new(
        "Least cost of each requirement level",
        format!(
            "Source: forcecast plan (levers: {}); costs discounted at {}% a year to {}; see README \"forcecast plan\" for the unit costs and their sources.",
            levers.join(", "),
            num(o.scenario.automation.discount_rate * 100.0),
            o.scenario.base_year
        ),
        panel,
    )
    .subtitle(format!(
        "Scenario {}: troops + civilian substitutes + automation from {}; a manpower-equivalent is not a capability",
        o.scenario.name, o.problem.from
    ))
}

/// `x` rounded to a whole number, never "-0" (a saving or a cost that rounds to zero
/// from below is 0).
fn whole(x: f64) -> String {
    crate::output::numbers::trimmed(x, 0)
}

/// Refuses a CSV text holding a field that reads as a number but is not finite (NaN,
/// inf): such a value is never written.
fn check_finite(name: &str, text: &str) -> Result<()> {
    for (n, line) in text.lines().enumerate().skip(1) {
        for field in line.split(',') {
            if field.parse::<f64>().is_ok_and(|v| !v.is_finite()) {
                return Err(Error::Consistency(format!(
                    "{name} would hold `{field}` (not a finite number) in line {}: `{line}`; nothing was written",
                    n + 1
                )));
            }
        }
    }
    Ok(())
}

/// Writes the outputs into `dir` (the partial folder of an [`crate::output::AtomicDir`]).
pub fn write_all(o: &PlanOutputs<'_>, dir: &Path) -> Result<()> {
    let put = |name: &str, text: &str| {
        if name.ends_with(".csv") {
            check_finite(name, text)?;
        }
        let p = dir.join(name);
        std::fs::write(&p, text).map_err(|e| Error::io(&p, e))
    };
    for c in &o.copies {
        let name = c.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let p = dir.join(&name);
        std::fs::copy(c, &p).map_err(|e| Error::io(&p, e))?;
    }
    put("plan.toml", &plan_toml(o))?;
    put("plan.csv", &plan_csv(o))?;
    put("frontier.csv", &frontier_csv(o.frontier))?;
    put("alternatives.csv", &alternatives_csv(o))?;
    if let Some(p) = &o.probabilistic {
        put("probability.csv", &probability_csv(o, p))?;
    }
    if !o.no_charts && o.frontier.iter().any(|p| p.cost.is_some()) {
        crate::output::charts::render(&frontier_chart(o), dir, "frontier")?;
    }
    Ok(())
}
