//! `forcecast plan`: the least-cost mix of policy levers that keeps troops + civilian
//! substitutes + automation at or above a requirement every year from a start year.
//!
//! None of the levers changes the population, so the population is projected once
//! ([`Context::new`]) and a candidate plan is evaluated by the force and automation models
//! only ([`Context::score`], [`Context::detail`]). Each lever is a path: one value per 5-year period from the
//! year after the base year, on a grid, with a largest change between periods; values are
//! interpolated linearly between the period starts, as every policy path of a scenario is.
//!
//! Automation is the slack: when its lever is on, systems are bought to cover what the
//! force and the civilians leave uncovered, up to the scenario's fielding capacity (the
//! existing automation model, [`crate::automation::simulate`]). The requirement is the
//! scenario's troop target, or the one given, which is then set as the target (the cadre
//! requirement follows it).
//!
//! Objective: the discounted extra cost over the scenario's own settings with no
//! civilians and no automation (the reference), every year from the base year to the
//! end year. Constraints: the requirement met every year from `from`, each lever's
//! change per period, the fielding capacity, and optionally the extra cost of each year.
//! Search: coordinate descent over the grid from several deterministic starts.

pub mod mc;
pub mod write;

use std::collections::HashMap;

use crate::automation::{self, AutomationResult};
use crate::demography::Population;
use crate::error::{Error, Result};
use crate::force::{self, ForcePlan, ForceResult};
use crate::run::Inputs;
use crate::scenario::Scenario;
use crate::scenario::spec::PolicyPath;

/// Years between the anchors of a lever's path.
pub const PERIOD: i32 = 5;
/// Persons a year by which a requirement may be missed and still count as met (rounding).
pub const SHORTFALL_TOLERANCE: f64 = 0.5;
/// Largest share of each female cohort volunteering that the women lever may reach.
/// ASSUMPTION: 10%, twice the what-if of the `female-volunteers` scenario.
pub const MAX_WOMEN_SHARE: f64 = 0.10;
/// Longest conscript service the service lever may set (months); the shortest is each
/// branch's own term. ASSUMPTION: 24 months, the Army's term before 2004.
pub const MAX_SERVICE_MONTHS: f64 = 24.0;
/// Largest rise in NCO careerists' yearly continuation (percentage points). ASSUMPTION:
/// 4 points, about twice the fall of 2020-2024 (see scenarios/cadre-retention-plus.toml).
pub const MAX_RETENTION_POINTS: f64 = 4.0;
/// Highest careerists' continuation the retention lever may reach: the top of the force
/// calibration's search range ([`crate::validation::calibration::RANGES`]), so that the
/// lever never sets a continuation no fit was allowed to take (1.0 would mean no careerist
/// ever leaves before the maximum service).
pub const MAX_CAREERIST_CONTINUATION: f64 = crate::validation::calibration::RANGES[2].1;

/// A policy lever.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lever {
    /// Conscript service: the shortest term of every branch (months).
    Service,
    /// The active-duty rate of examined men: a floor (share).
    Active,
    /// NCO careerists' yearly continuation: points above the scenario's.
    Cadre,
    /// Women volunteers: share of each female cohort volunteering.
    Women,
    /// Civilians and contractors in non-combat posts (persons).
    Civilians,
    /// Automation: on (1) or off (0), fielding up to the scenario's capacity.
    Automation,
}

impl Lever {
    /// Every lever, in the order of the outputs.
    pub const ALL: [Lever; 6] =
        [Lever::Service, Lever::Active, Lever::Cadre, Lever::Women, Lever::Civilians, Lever::Automation];

    /// The name on the command line and in the outputs.
    pub fn name(self) -> &'static str {
        match self {
            Lever::Service => "service",
            Lever::Active => "active",
            Lever::Cadre => "cadre",
            Lever::Women => "women",
            Lever::Civilians => "civilians",
            Lever::Automation => "automation",
        }
    }

    /// The lever of a name.
    pub fn parse(name: &str) -> Option<Lever> {
        Lever::ALL.into_iter().find(|l| l.name() == name)
    }

    /// The unit of its values.
    pub fn unit(self) -> &'static str {
        match self {
            Lever::Service => "months",
            Lever::Active => "share of examined men",
            Lever::Cadre => "points of continuation",
            Lever::Women => "share of each female cohort",
            Lever::Civilians => "persons",
            Lever::Automation => "on (1) / off (0)",
        }
    }

    fn in_force_model(self) -> bool {
        matches!(self, Lever::Service | Lever::Active | Lever::Cadre | Lever::Women)
    }
}

/// A lever's grid: `values[0]` is the reference (the scenario's own setting).
#[derive(Debug, Clone)]
pub struct Space {
    /// The lever.
    pub lever: Lever,
    /// Grid values; index 0 leaves the scenario's setting.
    pub values: Vec<f64>,
    /// Largest change between consecutive periods, in grid steps.
    pub max_step: usize,
    /// Periods (1 for automation, which is on or off for the whole horizon).
    pub periods: usize,
}

/// A candidate plan: a grid index per lever and period.
pub type Choice = Vec<Vec<usize>>;

/// What the plan must achieve.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// The troop target set on the force model (`None`: the scenario's).
    pub target: Option<PolicyPath>,
    /// First year the requirement must be met.
    pub from: i32,
    /// The levers the plan may use.
    pub levers: Vec<Lever>,
    /// Most extra cost a year.
    pub budget_per_year: Option<f64>,
}

/// A plan's scores.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    /// Σ over years from `from` of the requirement not met (person-years).
    pub shortfall: f64,
    /// Σ over years of the extra cost above the yearly budget.
    pub over_budget: f64,
    /// Discounted extra cost over the horizon.
    pub cost: f64,
}

impl Score {
    /// Whether every constraint holds.
    pub fn feasible(&self) -> bool {
        self.shortfall <= 0.0 && self.over_budget <= 0.0
    }

    /// Whether `self` is better than `other`: feasible before infeasible, then the lower
    /// violation, then the lower cost.
    pub fn better(&self, other: &Score) -> bool {
        match (self.feasible(), other.feasible()) {
            (true, false) => true,
            (false, true) => false,
            (true, true) => self.cost < other.cost,
            (false, false) => {
                let (a, b) = (self.violation(), other.violation());
                a < b || (a == b && self.cost < other.cost)
            }
        }
    }

    fn violation(&self) -> f64 {
        // Money over budget counted in conscript-years, to add it to person-years.
        self.shortfall + self.over_budget / crate::scenario::plan::CONSCRIPT_PAY
    }
}

/// A plan's results year by year (from the base year).
#[derive(Debug, Clone)]
pub struct Detail {
    /// Years.
    pub years: Vec<i32>,
    /// The requirement (the troop target of the plan).
    pub requirement: Vec<f64>,
    /// Force available.
    pub available: Vec<f64>,
    /// Troop-equivalents of the civilians.
    pub civilian_equivalents: Vec<f64>,
    /// Civilians (persons).
    pub civilians: Vec<f64>,
    /// Automation results (on the gap left by the force and the civilians).
    pub automation: AutomationResult,
    /// Extra cost by lever and year ([`Lever::ALL`] order; the force levers' pay and
    /// upkeep are under `personnel`).
    pub lever_cost: [Vec<f64>; 6],
    /// Extra pay and upkeep of conscripts and cadre over the reference.
    pub personnel: Vec<f64>,
    /// Extra cost of the year (all of the above).
    pub extra: Vec<f64>,
    /// Each lever's value by year ([`Lever::ALL`] order; NaN where not used).
    pub values: [Vec<f64>; 6],
    /// The score.
    pub score: Score,
    /// The scenario's force settings with the plan applied.
    pub force: crate::scenario::ForceSpec,
}

/// The population projected once, and everything a candidate's evaluation reads.
pub struct Context<'a> {
    /// The scenario planned for.
    pub scenario: &'a Scenario,
    inputs: &'a Inputs,
    pops: Vec<Population>,
    history: Vec<Population>,
    /// Years from the base year to the end year.
    pub years: Vec<i32>,
    /// The years the lever paths' anchors sit at.
    pub periods: Vec<i32>,
    discount: Vec<f64>,
    reference: Vec<f64>,
    /// Candidate plans evaluated so far.
    pub evaluations: std::cell::Cell<u64>,
    cache: std::cell::RefCell<HashMap<Vec<usize>, std::rc::Rc<ForceResult>>>,
    plans: std::cell::RefCell<HashMap<Vec<usize>, ForcePlan>>,
    cadre_defaults: force::CadreDefaults,
    /// Troop-equivalents a year the plan must cover beyond the requirement (empty: none):
    /// the probabilistic search's safety margin ([`mc`]).
    margin: Vec<f64>,
}

fn usage(msg: String) -> Error {
    Error::Usage(msg)
}

impl<'a> Context<'a> {
    /// Projects the scenario's population once.
    pub fn new(scenario: &'a Scenario, inputs: &'a Inputs) -> Result<Context<'a>> {
        scenario
            .plan
            .check_currency(&scenario.automation.currency)
            .map_err(|e| Error::Usage(format!("scenario {}: {e}", scenario.name)))?;
        let p = crate::run::project(scenario, inputs)?;
        let base_year = scenario.base_year;
        let plan = ForcePlan::new(&scenario.force, &inputs.data.force, base_year, scenario.end_year)?;
        let history = force::history_populations(&p.population[0], base_year, plan.first, &inputs.mortality);
        let years = p.years.clone();
        let periods: Vec<i32> =
            (0..).map(|k| base_year + 1 + PERIOD * k).take_while(|y| *y <= scenario.end_year).collect();
        let r = scenario.automation.discount_rate;
        let discount = years.iter().map(|&y| (1.0 + r).powi(-(y - base_year))).collect();
        let mut ctx = Context {
            scenario,
            inputs,
            pops: p.population,
            history,
            years,
            periods,
            discount,
            reference: Vec::new(),
            evaluations: std::cell::Cell::new(0),
            cache: Default::default(),
            plans: Default::default(),
            cadre_defaults: force::CadreDefaults::of(&inputs.data.force),
            margin: Vec::new(),
        };
        // The reference cost: the scenario's own force, no civilians, no automation.
        ctx.reference = vec![0.0; ctx.years.len()];
        Ok(ctx)
    }

    /// The grid of each lever of `problem`.
    pub fn spaces(&self, problem: &Problem) -> Result<Vec<Space>> {
        let n = self.periods.len();
        let s = self.scenario;
        let data = &self.inputs.data.force;
        let mut out = Vec::new();
        for &lever in &problem.levers {
            let space = match lever {
                Lever::Service => {
                    // Each branch keeps at least its own term; the lever sets the shortest.
                    let shortest = data
                        .structure()
                        .branch_slots()
                        .map(|b| self.periods.iter().map(|&y| self.term(b, y)).fold(f64::INFINITY, f64::min))
                        .fold(f64::INFINITY, f64::min);
                    let mut values = vec![0.0];
                    let mut m = shortest.floor() + 1.0;
                    while m <= MAX_SERVICE_MONTHS {
                        values.push(m);
                        m += 1.0;
                    }
                    Space { lever, values, max_step: 3, periods: n }
                }
                Lever::Active => {
                    // Bounded by the examination outcomes in the data: at most the highest
                    // active-duty rate observed.
                    let observed = data.series("active_duty_rate", "all");
                    let top = observed.iter().map(|p| p.1).fold(0.0, f64::max);
                    let now = self.periods.iter().map(|&y| self.active_rate(y)).fold(0.0, f64::max);
                    let mut values = vec![0.0];
                    let mut v = (now * 100.0).floor() / 100.0 + 0.01;
                    while v < top - 1e-9 {
                        values.push(v);
                        v = ((v + 0.01) * 100.0).round() / 100.0;
                    }
                    if top > now {
                        values.push(top);
                    }
                    Space { lever, values, max_step: 3, periods: n }
                }
                Lever::Cadre => {
                    // Whole points up to the largest room below the ceiling in any period
                    // (a corps already at it, as Taiwan's volunteers are, gets none).
                    let room = self
                        .periods
                        .iter()
                        .map(|&y| (MAX_CAREERIST_CONTINUATION - self.careerist(y)) * 100.0)
                        .fold(0.0_f64, f64::max);
                    let values = (0..=MAX_RETENTION_POINTS as usize)
                        .map(|p| p as f64)
                        .filter(|&p| p == 0.0 || p - 1.0 < room - 1e-9)
                        .collect();
                    Space { lever, values, max_step: 2, periods: n }
                }
                Lever::Women => {
                    let total: f64 = s.force.female_volunteer_age_shares.iter().map(|a| a.1).sum();
                    if total <= 0.0 {
                        return Err(usage(format!(
                            "the women lever scales the scenario's female_volunteer_age_shares, and {} sets none \
                             (a share would also act on the history years, which the force model rebuilds with \
                             them); set [force] female_volunteer_age_shares (e.g. extends = \"female-volunteers\") \
                             or leave `women` out of --levers",
                            s.name
                        )));
                    }
                    let mut values = vec![0.0];
                    let mut v = 0.01;
                    while v <= MAX_WOMEN_SHARE + 1e-9 {
                        if v > total * self.female_scale(self.periods[0]) + 1e-9 {
                            values.push(v);
                        }
                        v = ((v + 0.01) * 100.0).round() / 100.0;
                    }
                    Space { lever, values, max_step: 2, periods: n }
                }
                Lever::Civilians => Space { lever, values: s.plan.civilian_levels(), max_step: 5, periods: n },
                Lever::Automation => Space { lever, values: vec![0.0, 1.0], max_step: 1, periods: 1 },
            };
            out.push(space);
        }
        Ok(out)
    }

    /// The corps the retention bonus acts on: the country's last-declared one (Korea's
    /// NCOs, Taiwan's volunteers).
    pub fn bonus_corps(&self) -> usize {
        self.inputs.data.force.structure().corps.len() - 1
    }

    fn term(&self, b: force::Branch, year: i32) -> f64 {
        let sched = self.inputs.data.force.schedule(b);
        let base_cal = f64::from(self.scenario.base_year) + 0.5;
        force::policy::at(self.scenario.force.branches[b.0].service_months.as_ref(), base_cal, f64::from(year), |c| {
            sched.months_at(c)
        })
    }

    fn active_rate(&self, year: i32) -> f64 {
        let data = &self.inputs.data.force;
        force::policy::at(
            self.scenario.force.active_duty_rate.as_ref(),
            f64::from(self.scenario.base_year),
            f64::from(year),
            |t| force::model::active_rate_default(data, t),
        )
    }

    fn careerist(&self, year: i32) -> f64 {
        let k = self.bonus_corps();
        let d = force::CadreDefaults::of(&self.inputs.data.force).careerist[k];
        force::policy::at(
            self.scenario.force.cadre.corps[k].careerist_continuation.as_ref(),
            f64::from(self.scenario.base_year),
            f64::from(year),
            |_| d,
        )
    }

    /// The careerists' continuation in `year` with the retention lever at `points`: the
    /// scenario's raised by the points up to [`MAX_CAREERIST_CONTINUATION`], never below
    /// the scenario's own.
    fn careerist_with(&self, year: i32, points: f64) -> f64 {
        let c = self.careerist(year);
        (c + points / 100.0).min(MAX_CAREERIST_CONTINUATION).max(c)
    }

    /// Points of continuation the retention lever at `points` really adds in `year` (less
    /// than `points` near the ceiling; 0 for a corps already at it): what the bonus buys.
    fn retention_points_applied(&self, year: i32, points: f64) -> f64 {
        let c = self.careerist(year);
        if c + points / 100.0 <= MAX_CAREERIST_CONTINUATION {
            points
        } else {
            ((MAX_CAREERIST_CONTINUATION - c) * 100.0).max(0.0)
        }
    }

    /// The value lever `lever` takes in period start `year` at grid value `v` (`own`: the
    /// grid's index 0, the scenario's own setting), as [`Self::force_spec`] applies it
    /// and in the lever's unit: the shortest conscript term, the active-duty rate, the
    /// points of continuation really added, the women's share; civilians and automation
    /// as they are.
    fn applied(&self, lever: Lever, year: i32, v: f64, own: bool) -> f64 {
        match lever {
            Lever::Service => self
                .inputs
                .data
                .force
                .structure()
                .branch_slots()
                .map(|b| self.term(b, year).max(v))
                .fold(f64::INFINITY, f64::min),
            Lever::Active => self.active_rate(year).max(v),
            Lever::Cadre => self.retention_points_applied(year, v),
            Lever::Women if own => {
                let total: f64 = self.scenario.force.female_volunteer_age_shares.iter().map(|a| a.1).sum();
                total * self.female_scale(year)
            }
            Lever::Women | Lever::Civilians | Lever::Automation => v,
        }
    }

    fn female_scale(&self, year: i32) -> f64 {
        force::policy::at(
            self.scenario.force.female_volunteer_scale.as_ref(),
            f64::from(self.scenario.base_year),
            f64::from(year),
            |_| 1.0,
        )
    }

    /// The yearly value of a lever's path from its period values (NaN before the first
    /// period start, where the scenario's setting acts).
    fn yearly(&self, values: &[f64]) -> Vec<f64> {
        if values.len() == 1 {
            return vec![values[0]; self.years.len()];
        }
        let anchors: Vec<(i32, f64)> = self.periods.iter().copied().zip(values.iter().copied()).collect();
        self.years
            .iter()
            .map(|&y| if y < self.periods[0] { f64::NAN } else { crate::data::interpolate(&anchors, f64::from(y)) })
            .collect()
    }

    /// The scenario's force settings with the force levers of `choice` applied.
    pub fn force_spec(&self, problem: &Problem, spaces: &[Space], choice: &Choice) -> crate::scenario::ForceSpec {
        let mut spec = self.scenario.force.clone();
        if let Some(t) = &problem.target {
            spec.target = Some(t.clone());
        }
        for (space, idx) in spaces.iter().zip(choice) {
            if idx.iter().all(|&i| i == 0) {
                continue;
            }
            let v = |k: usize| space.values[idx[k]];
            let path = |f: &dyn Fn(usize, i32) -> f64| -> PolicyPath {
                self.periods.iter().enumerate().map(|(k, &y)| (y, round6(f(k, y)))).collect()
            };
            match space.lever {
                Lever::Service => {
                    for b in self.inputs.data.force.structure().branch_slots() {
                        // Only the branches whose term the lever lengthens get a path.
                        let p = path(&|k, y| self.term(b, y).max(v(k)));
                        if p.iter().zip(&self.periods).any(|((_, m), &y)| *m > self.term(b, y)) {
                            spec.branches[b.0].service_months = Some(p);
                        }
                    }
                }
                Lever::Active => {
                    spec.active_duty_rate = Some(path(&|k, y| self.active_rate(y).max(v(k))));
                }
                Lever::Cadre => {
                    spec.cadre.corps[self.bonus_corps()].careerist_continuation =
                        Some(path(&|k, y| self.careerist_with(y, v(k))));
                }
                Lever::Women => {
                    let total: f64 = spec.female_volunteer_age_shares.iter().map(|a| a.1).sum();
                    spec.female_volunteer_scale =
                        Some(path(&|k, y| if idx[k] == 0 { self.female_scale(y) } else { v(k) / total }));
                }
                Lever::Civilians | Lever::Automation => {}
            }
        }
        spec
    }

    fn force_result(&self, problem: &Problem, spaces: &[Space], choice: &Choice) -> Result<std::rc::Rc<ForceResult>> {
        let key: Vec<usize> = spaces
            .iter()
            .zip(choice)
            .filter(|(s, _)| s.lever.in_force_model())
            .flat_map(|(_, c)| c.iter().copied())
            .collect();
        if let Some(r) = self.cache.borrow().get(&key) {
            return Ok(r.clone());
        }
        let spec = self.force_spec(problem, spaces, choice);
        let s = self.scenario;
        let data = &self.inputs.data.force;
        // The conscripts' serving weights (the costly part of a plan) depend on the
        // service lever only: one plan per service path, its other policies re-resolved.
        let service: Vec<usize> = spaces
            .iter()
            .zip(choice)
            .filter(|(s, _)| s.lever == Lever::Service)
            .flat_map(|(_, c)| c.iter().copied())
            .collect();
        let mut plans = self.plans.borrow_mut();
        if !plans.contains_key(&service) {
            if plans.len() > 5_000 {
                plans.clear();
            }
            plans.insert(service.clone(), ForcePlan::new(&spec, data, s.base_year, s.end_year)?);
        }
        let plan = plans.get_mut(&service).expect("inserted");
        plan.set_yearly_policies(&spec, data, &self.cadre_defaults);
        let r = std::rc::Rc::new(force::simulate_with(plan, &self.history, &self.pops));
        let mut cache = self.cache.borrow_mut();
        if cache.len() > 200_000 {
            cache.clear();
        }
        cache.insert(key, r.clone());
        Ok(r)
    }

    /// Evaluates a candidate fully.
    pub fn detail(&self, problem: &Problem, spaces: &[Space], choice: &Choice) -> Result<Detail> {
        self.evaluations.set(self.evaluations.get() + 1);
        let f = self.force_result(problem, spaces, choice)?;
        let s = self.scenario;
        let ps = &s.plan;
        let n = self.years.len();
        let nan = || vec![f64::NAN; n];
        let mut values: [Vec<f64>; 6] = std::array::from_fn(|_| nan());
        for (space, idx) in spaces.iter().zip(choice) {
            // The values the plan applies, not the grid's: index 0 stands for the
            // scenario's own setting, which is a value of its own in every period.
            let v: Vec<f64> = if space.periods == 1 {
                idx.iter().map(|&i| space.values[i]).collect()
            } else {
                idx.iter()
                    .zip(&self.periods)
                    .map(|(&i, &y)| self.applied(space.lever, y, space.values[i], i == 0))
                    .collect()
            };
            values[space.lever as usize] = self.yearly(&v);
        }
        let has = |l: Lever| spaces.iter().any(|s| s.lever == l);
        let civilians: Vec<f64> = if has(Lever::Civilians) {
            values[Lever::Civilians as usize].iter().map(|v| if v.is_nan() { 0.0 } else { *v }).collect()
        } else {
            vec![0.0; n]
        };
        let civ_eq: Vec<f64> = civilians.iter().map(|c| c * ps.substitution_ratio).collect();
        let mut raw = f.gap();
        for (t, m) in self.margin.iter().enumerate().filter(|(_, m)| **m > 0.0) {
            let y = &f.years[t];
            raw[t] = (y.target + m - y.available).max(0.0);
        }
        let gap = crate::run::automation_gap(&raw, &civ_eq);
        let on = spaces.iter().zip(choice).any(|(sp, c)| sp.lever == Lever::Automation && sp.values[c[0]] > 0.0);
        let auto_spec = if on {
            s.automation.clone()
        } else {
            crate::scenario::AutomationSpec {
                fielding_capacity: Some(vec![(s.base_year, 0.0)]),
                ..s.automation.clone()
            }
        };
        let automation = automation::simulate(&gap, &f.available(), s.base_year, &auto_spec);
        let mut lever_cost: [Vec<f64>; 6] = std::array::from_fn(|_| vec![0.0; n]);
        let mut personnel = vec![0.0; n];
        let mut extra = vec![0.0; n];
        let mut score = Score { shortfall: 0.0, over_budget: 0.0, cost: 0.0 };
        for t in 0..n {
            let y = &f.years[t];
            let pay = y.conscripts * (ps.conscript_pay + ps.conscript_upkeep) + y.cadre * ps.cadre_cost;
            personnel[t] = pay - self.reference.get(t).copied().unwrap_or(0.0);
            let points = values[Lever::Cadre as usize][t];
            if points > 0.0 {
                lever_cost[Lever::Cadre as usize][t] = ps.retention_bonus * points * y.corps[self.bonus_corps()];
            }
            if has(Lever::Women) {
                lever_cost[Lever::Women as usize][t] = ps.volunteer_cost * y.female_volunteers;
            }
            lever_cost[Lever::Civilians as usize][t] = civilians[t] * ps.civilian_cost;
            lever_cost[Lever::Automation as usize][t] = automation.cost[t];
            extra[t] = personnel[t] + lever_cost.iter().map(|c| c[t]).sum::<f64>();
            score.cost += extra[t] * self.discount[t];
            if self.years[t] >= problem.from && automation.uncovered_gap[t] > SHORTFALL_TOLERANCE {
                score.shortfall += automation.uncovered_gap[t];
            }
            if let Some(b) = problem.budget_per_year {
                score.over_budget += (extra[t] - b).max(0.0);
            }
        }
        Ok(Detail {
            years: self.years.clone(),
            requirement: f.series(|y| y.target),
            available: f.available(),
            civilian_equivalents: civ_eq,
            civilians,
            automation,
            lever_cost,
            personnel,
            extra,
            values,
            score,
            force: self.force_spec(problem, spaces, choice),
        })
    }

    /// The score of a candidate.
    pub fn score(&self, problem: &Problem, spaces: &[Space], choice: &Choice) -> Result<Score> {
        Ok(self.detail(problem, spaces, choice)?.score)
    }

    /// Sets the troop-equivalents a year a plan must cover beyond the requirement (one
    /// value per year from the base year; empty: none).
    pub fn set_margin(&mut self, margin: Vec<f64>) {
        self.margin = margin;
    }

    /// Sets the reference cost (the scenario's own force, no civilians, no automation)
    /// for `problem`'s target. Called by [`solve`] before any evaluation.
    fn set_reference(&mut self, problem: &Problem) -> Result<()> {
        let spaces: Vec<Space> = Vec::new();
        self.reference = vec![0.0; self.years.len()];
        // The caches hold results for one target.
        self.cache.borrow_mut().clear();
        self.plans.borrow_mut().clear();
        let f = self.force_result(problem, &spaces, &Vec::new())?;
        let ps = &self.scenario.plan;
        let vol = if problem.levers.contains(&Lever::Women) { ps.volunteer_cost } else { 0.0 };
        self.reference = f
            .years
            .iter()
            .map(|y| {
                y.conscripts * (ps.conscript_pay + ps.conscript_upkeep)
                    + y.cadre * ps.cadre_cost
                    + vol * y.female_volunteers
            })
            .collect();
        Ok(())
    }
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// Whether a lever's period indices respect its change limit (from the reference, index
/// 0, before the first period).
pub fn within_steps(space: &Space, idx: &[usize]) -> bool {
    let mut prev = 0usize;
    for &i in idx {
        if i.abs_diff(prev) > space.max_step {
            return false;
        }
        prev = i;
    }
    true
}

/// A solved plan.
#[derive(Debug, Clone)]
pub struct Solution {
    /// The grids.
    pub spaces: Vec<Space>,
    /// The chosen indices.
    pub choice: Choice,
    /// Its results.
    pub detail: Detail,
}

/// How hard to search.
#[derive(Debug, Clone, Copy)]
pub struct Effort {
    /// Extra deterministic random starts besides the reference and the all-out plan.
    pub random_starts: usize,
    /// Most passes of coordinate descent per start.
    pub passes: usize,
}

/// The default effort.
pub const EFFORT: Effort = Effort { random_starts: 2, passes: 12 };

/// splitmix64: deterministic pseudo-random starts.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The most a lever's path can be: up as fast as the change limit allows.
fn ramp(space: &Space, top: usize) -> Vec<usize> {
    let mut v = Vec::with_capacity(space.periods);
    let mut cur = 0usize;
    for _ in 0..space.periods {
        cur = (cur + space.max_step).min(top);
        v.push(cur);
    }
    v
}

/// Coordinate descent from `start`: each lever and period in turn takes the best grid
/// value (alone, or held from that period on) that keeps the change limits.
pub fn descend(
    ctx: &Context<'_>,
    problem: &Problem,
    spaces: &[Space],
    start: Choice,
    passes: usize,
    tick: &dyn Fn(u64),
) -> Result<(Choice, Score)> {
    let mut cur = start;
    let mut best = ctx.score(problem, spaces, &cur)?;
    for _ in 0..passes {
        let mut improved = false;
        for l in 0..spaces.len() {
            for k in 0..spaces[l].periods {
                let before = ctx.evaluations.get();
                for v in 0..spaces[l].values.len() {
                    for tail in [false, true] {
                        if v == cur[l][k] && !tail {
                            continue;
                        }
                        let mut cand = cur.clone();
                        let end = if tail { spaces[l].periods } else { k + 1 };
                        for j in k..end {
                            cand[l][j] = v;
                        }
                        if cand == cur || !within_steps(&spaces[l], &cand[l]) {
                            continue;
                        }
                        let sc = ctx.score(problem, spaces, &cand)?;
                        if sc.better(&best) {
                            best = sc;
                            cur = cand;
                            improved = true;
                        }
                    }
                }
                tick(ctx.evaluations.get() - before);
            }
        }
        if !improved {
            break;
        }
    }
    Ok((cur, best))
}

/// Solves `problem`: coordinate descent from the reference, from the all-out plan, from
/// `seeds` and from deterministic random starts; the best result.
pub fn solve(
    ctx: &mut Context<'_>,
    problem: &Problem,
    effort: Effort,
    seeds: &[Choice],
    tick: &dyn Fn(u64),
) -> Result<Solution> {
    ctx.set_reference(problem)?;
    let spaces = ctx.spaces(problem)?;
    let ctx = &*ctx;
    let zero: Choice = spaces.iter().map(|s| vec![0; s.periods]).collect();
    let all_out: Choice = spaces.iter().map(|s| ramp(s, s.values.len() - 1)).collect();
    let mut starts = vec![zero.clone(), all_out];
    starts.extend(seeds.iter().filter(|c| c.len() == spaces.len()).cloned());
    let mut state = 0x005E_ED0F_F0CE_u64;
    for _ in 0..effort.random_starts {
        let c: Choice = spaces
            .iter()
            .map(|s| {
                let top = (splitmix(&mut state) % s.values.len() as u64) as usize;
                ramp(s, top)
            })
            .collect();
        starts.push(c);
    }
    let mut best: Option<(Choice, Score)> = None;
    for start in starts {
        let (c, sc) = descend(ctx, problem, &spaces, start, effort.passes, tick)?;
        if best.as_ref().is_none_or(|(_, b)| sc.better(b)) {
            best = Some((c, sc));
        }
    }
    let (choice, _) = best.expect("at least one start");
    let detail = ctx.detail(problem, &spaces, &choice)?;
    Ok(Solution { spaces, choice, detail })
}

/// One row of the frontier.
#[derive(Debug, Clone)]
pub struct FrontierPoint {
    /// The requirement (troops from `from`).
    pub requirement: f64,
    /// The least discounted extra cost found, or `None` when no plan meets it.
    pub cost: Option<f64>,
    /// The plan.
    pub solution: Solution,
}

/// The least cost of each requirement level (held from the base year): each level's
/// search also starts from its neighbours' plans, so the costs are monotone when the
/// neighbours' plans are feasible for it.
pub fn frontier(
    ctx: &mut Context<'_>,
    problem: &Problem,
    levels: &[f64],
    effort: Effort,
    start: Option<&Choice>,
    tick: &dyn Fn(u64),
) -> Result<Vec<FrontierPoint>> {
    let base_year = ctx.scenario.base_year;
    let at = |r: f64| Problem { target: Some(vec![(base_year, r)]), ..problem.clone() };
    let mut sols: Vec<Option<Solution>> = vec![None; levels.len()];
    // From the highest level down (a plan for more troops is a start for fewer; the
    // highest starts from `start`, the caller's plan, when given), then up.
    for i in (0..levels.len()).rev() {
        let seeds: Vec<Choice> = match sols.get(i + 1).and_then(|s| s.as_ref()) {
            Some(s) => vec![s.choice.clone()],
            None => start.into_iter().cloned().collect(),
        };
        sols[i] = Some(solve(ctx, &at(levels[i]), effort, &seeds, tick)?);
    }
    for i in 1..levels.len() {
        let lower = sols[i - 1].as_ref().expect("solved").choice.clone();
        let again = solve(ctx, &at(levels[i]), Effort { random_starts: 0, ..effort }, &[lower], tick)?;
        let cur = sols[i].as_ref().expect("solved");
        if again.detail.score.better(&cur.detail.score) {
            sols[i] = Some(again);
        }
    }
    Ok(levels
        .iter()
        .zip(sols)
        .map(|(&r, s)| {
            let s = s.expect("solved");
            FrontierPoint {
                requirement: r,
                cost: s.detail.score.feasible().then_some(s.detail.score.cost),
                solution: s,
            }
        })
        .collect())
}

/// Makes the plan and the frontier agree: a frontier level whose requirement equals the
/// plan's in every year (the target acts before `from` too: the cadre recruits against
/// it) is the same problem, so both keep the cheaper (the better-scored) of their two
/// solutions.
pub fn reconcile(plan: &mut Solution, frontier: &mut [FrontierPoint]) {
    let same = |a: &Detail, b: &Detail| a.years == b.years && a.requirement == b.requirement;
    for p in frontier.iter_mut() {
        if !same(&p.solution.detail, &plan.detail) {
            continue;
        }
        if p.solution.detail.score.better(&plan.detail.score) {
            *plan = p.solution.clone();
        } else if plan.detail.score.better(&p.solution.detail.score) {
            p.solution = plan.clone();
            p.cost = plan.detail.score.feasible().then_some(plan.detail.score.cost);
        }
    }
}

/// Reads a requirement path: a CSV with the header `year,troops` and one row per
/// anchor year (years strictly increasing, troops 0 to 10 million), interpolated
/// linearly between anchors as every path of a scenario is.
pub fn read_requirement_path(path: &std::path::Path) -> Result<PolicyPath> {
    let text =
        std::fs::read_to_string(path).map_err(|e| Error::Usage(format!("{}: cannot read: {e}", path.display())))?;
    let bad = |line: usize, msg: String| Error::Usage(format!("{}:{line}: {msg}", path.display()));
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, h)) if h.trim().replace(' ', "") == "year,troops" => {}
        _ => return Err(bad(1, "expected the header `year,troops`".into())),
    }
    let mut out: PolicyPath = Vec::new();
    for (i, l) in lines {
        let n = i + 1;
        if l.trim().is_empty() {
            continue;
        }
        let cells: Vec<&str> = l.split(',').map(str::trim).collect();
        if cells.len() != 2 {
            return Err(bad(n, format!("expected two cells `year,troops`, got `{l}`")));
        }
        let year: i32 = cells[0].parse().map_err(|_| bad(n, format!("year: `{}` is not a whole number", cells[0])))?;
        if !(1950..=2100).contains(&year) {
            return Err(bad(n, format!("year: must be between 1950 and 2100, got {year}")));
        }
        let troops: f64 = cells[1].parse().map_err(|_| bad(n, format!("troops: `{}` is not a number", cells[1])))?;
        if !troops.is_finite() || !(0.0..=1.0e7).contains(&troops) {
            return Err(bad(n, format!("troops: must be between 0 and 1e7, got {}", cells[1])));
        }
        if let Some(&(prev, _)) = out.last() {
            if year <= prev {
                return Err(bad(n, format!("years must be strictly increasing, but {year} follows {prev}")));
            }
        }
        out.push((year, troops));
    }
    if out.is_empty() {
        return Err(bad(2, "no rows: give at least one `year,troops` row".into()));
    }
    Ok(out)
}
