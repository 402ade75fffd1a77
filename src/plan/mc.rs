//! The probabilistic goal of `forcecast plan`: a plan is feasible when, in every year from
//! `from`, at least a share `probability` of the Monte Carlo trajectories has force +
//! civilian substitutes + automation at or above the requirement.
//!
//! The levers do not change the population, so each trajectory's population is projected
//! once ([`Trajectories::new`], the same trajectories as `forcecast run --trajectories N
//! --seed S` of the plan, projected eight at a time by the kernel the run takes:
//! [`crate::uncertainty::engine::populations_of`]) together with its
//! force parameter draws. A candidate plan is then evaluated on every stored trajectory by
//! the force and automation models only, with the same populations and draws for every
//! candidate (common random numbers: two plans' difference is not noise).
//!
//! Search ([`solve`]): the deterministic search first; then, while the plan misses the
//! probability, the deterministic search again with a margin over the requirement in each
//! year that misses it (the troop-equivalents that would make enough trajectories meet
//! it); if that does not reach the probability, single steps up of the lever path that
//! helps most; last, coordinate descent downwards (each lever and period one grid step
//! lower, alone or held to the end) that keeps the probabilistic check and lowers the
//! expected cost.

use rayon::prelude::*;

use super::{Choice, Context, Detail, Lever, Problem, SHORTFALL_TOLERANCE, Score, Solution, Space, within_steps};
use crate::demography::Population;
use crate::error::{Error, Result};
use crate::force::{Adjust, ForcePlan};
use crate::scenario::{AutomationSpec, Scenario};
use crate::simd::L;
use crate::uncertainty::engine;
use crate::uncertainty::force_path::{AutomationYear, ForceState};
use crate::uncertainty::params::apply_mult;
use crate::uncertainty::plan::Plan as McPlan;

/// Trajectories of the probabilistic goal when neither `--trajectories` nor `[plan]
/// trajectories` says (the benchmark size).
pub const TRAJECTORIES: u64 = 1000;
/// Rounds of the deterministic search with a margin before single steps up take over.
pub const MARGIN_ROUNDS: usize = 10;
/// Most single steps up of a lever path.
pub const MAX_RAISES: usize = 30;
/// Most passes of the downward coordinate descent.
pub const TRIM_PASSES: usize = 3;

/// One trajectory's draws that the force and automation models read.
struct Draw {
    /// The calibrated force parameter vector it takes.
    k: usize,
    /// Its deviations of the force model.
    adjust: Adjust,
    /// The automation parameters with its draws.
    automation: AutomationSpec,
    /// Its multiplier on the fielding capacity.
    capacity_mult: f64,
}

/// The stored trajectories.
pub struct Trajectories {
    /// Number of trajectories.
    pub n: usize,
    /// Seed of the Monte Carlo run they reproduce.
    pub seed: u64,
    /// Least share of trajectories meeting the requirement in each year.
    pub probability: f64,
    mc: McPlan,
    pops: Vec<Vec<Population>>,
    draws: Vec<Draw>,
    pool: rayon::ThreadPool,
    /// Each trajectory's discounted personnel cost of the scenario's own force (the
    /// reference its extra cost is counted from).
    reference: Vec<f64>,
    /// Candidate plans evaluated on the trajectories.
    pub evaluations: std::cell::Cell<u64>,
}

/// A candidate's results on the trajectories.
#[derive(Debug, Clone)]
pub struct McScore {
    /// Share of trajectories meeting the requirement, per year from the base year (the
    /// goal applies from `from`).
    pub share: Vec<f64>,
    /// Per year: the troop-equivalents more that every trajectory would need for enough of
    /// them to meet the requirement (0 where enough do).
    pub deficit: Vec<f64>,
    /// Per year: how much fewer troops are available than on the central path in the
    /// trajectory at the goal's rank (the `need`-th largest shortfall of troops below the
    /// central path); the margin the probabilistic search starts from.
    pub spread: Vec<f64>,
    /// The score: `shortfall` in trajectory-years short of the probability, `cost` the
    /// mean over trajectories of the discounted extra cost, `over_budget` on the central
    /// (deterministic) path.
    pub score: Score,
    /// Lowest share over the years from `from`.
    pub min_share: f64,
}

impl Trajectories {
    /// Projects `n` trajectories of `scenario` (with the problem's requirement as its troop
    /// target, as plan.toml sets it) with `seed` on `threads` workers.
    pub fn new(
        ctx: &Context<'_>,
        problem: &Problem,
        probability: f64,
        n: usize,
        seed: u64,
        threads: usize,
    ) -> Result<Trajectories> {
        if !(probability > 0.0 && probability <= 1.0) {
            return Err(Error::Usage(format!("--probability: must be above 0 and at most 1, got {probability}")));
        }
        if n == 0 {
            return Err(Error::Usage("--trajectories must be at least 1".into()));
        }
        let mut sc: Scenario = ctx.scenario.clone();
        if let Some(t) = &problem.target {
            sc.force.target = Some(t.clone());
        }
        let det = crate::run::project(&sc, ctx.inputs)?;
        let mc = McPlan::new(&sc, ctx.inputs, &det)?;
        let pool = engine::pool(threads)?;
        let pops: Vec<Vec<Population>> = pool
            .install(|| {
                // Eight at a time, as the run projects them (`engine::populations_of`).
                let groups = (0..n.div_ceil(L))
                    .into_par_iter()
                    .map(|g| engine::populations_of(&mc, seed, g * L, (n - g * L).min(L)));
                groups.collect::<Result<Vec<_>>>()
            })?
            .into_iter()
            .flatten()
            .collect();
        let draws = (0..n)
            .map(|i| {
                let (k, draw) = engine::force_draw(&mc, seed, i as u64);
                let mut automation = mc.automation.clone();
                draw.apply(&mc.automation, &mut automation);
                Draw {
                    k,
                    adjust: draw.adjust(mc.force_set.adjust(k), &mc.components.spec.force),
                    automation,
                    capacity_mult: draw.fielding_capacity,
                }
            })
            .collect();
        let mut t = Trajectories {
            n,
            seed,
            probability,
            mc,
            pops,
            draws,
            pool,
            reference: vec![0.0; n],
            evaluations: std::cell::Cell::new(0),
        };
        // The reference: the scenario's own force (with the requirement as target), no
        // civilians, no automation.
        let plan = ForcePlan::new(&sc.force, &ctx.inputs.data.force, sc.base_year, sc.end_year)?;
        let zeros = vec![0.0; t.mc.len()];
        let runs = t.run(ctx, &plan, &zeros, &zeros, &zeros, false);
        t.reference = runs.into_iter().map(|r| r.1).collect();
        Ok(t)
    }

    /// Runs every trajectory with a force plan, civilians (persons and troop-equivalents),
    /// NCO retention points and automation on or off: per trajectory, the uncovered gap
    /// of each year and the discounted cost.
    fn run(
        &self,
        ctx: &Context<'_>,
        plan: &ForcePlan,
        civilians: &[f64],
        equivalents: &[f64],
        points: &[f64],
        automation: bool,
    ) -> Vec<(Vec<f32>, f64, Vec<f32>)> {
        let (mc, pops, draws) = (&self.mc, &self.pops, &self.draws);
        let ps = &ctx.scenario.plan;
        let discount = &ctx.discount;
        let n = self.n;
        let bonus = plan.corps() - 1;
        self.pool.install(|| {
            (0..n)
                .into_par_iter()
                .map_init(ForceState::default, |state, j| {
                    let d = &draws[j];
                    state.start(mc.force_set.start(d.k), d.adjust);
                    let mut uncovered = Vec::with_capacity(mc.len());
                    let mut available = Vec::with_capacity(mc.len());
                    let mut cost = 0.0;
                    for i in 0..mc.len() {
                        let capacity = if automation { apply_mult(mc.capacity[i], d.capacity_mult) } else { 0.0 };
                        let policy = AutomationYear { capacity, unit_cost: mc.unit_cost[i], civilians: equivalents[i] };
                        let fy = state.year(i, mc.years[i], &pops[j][i], plan, &d.automation, policy);
                        let f = &fy.force;
                        let year = f.conscripts * (ps.conscript_pay + ps.conscript_upkeep)
                            + f.cadre * ps.cadre_cost
                            + ps.volunteer_cost * f.female_volunteers
                            + ps.retention_bonus * points[i] * f.corps[bonus]
                            + civilians[i] * ps.civilian_cost
                            + fy.cost;
                        cost += year * discount[i];
                        uncovered.push(fy.uncovered_gap as f32);
                        available.push(f.available as f32);
                    }
                    (uncovered, cost, available)
                })
                .collect()
        })
    }

    /// Evaluates a candidate (its deterministic detail `d`) on every trajectory.
    pub fn evaluate(&self, ctx: &Context<'_>, problem: &Problem, spaces: &[Space], d: &Detail) -> Result<McScore> {
        self.evaluations.set(self.evaluations.get() + 1);
        let s = ctx.scenario;
        let plan = ForcePlan::new(&d.force, &ctx.inputs.data.force, s.base_year, s.end_year)?;
        let on = spaces.iter().any(|sp| sp.lever == Lever::Automation)
            && d.values[Lever::Automation as usize].first().is_some_and(|v| *v > 0.0);
        let points: Vec<f64> =
            d.values[Lever::Cadre as usize].iter().map(|v| if v.is_nan() { 0.0 } else { *v }).collect();
        let runs = self.run(ctx, &plan, &d.civilians, &d.civilian_equivalents, &points, on);
        let n = self.n;
        let need = ((self.probability * n as f64) - 1e-9).ceil().max(1.0) as usize;
        let years = self.mc.len();
        let mut share = vec![1.0; years];
        let mut deficit = vec![0.0; years];
        let mut spread = vec![0.0; years];
        let mut shortfall = 0.0;
        let mut min_share = 1.0_f64;
        let mut col: Vec<f32> = Vec::with_capacity(n);
        for i in 0..years {
            col.clear();
            col.extend(runs.iter().map(|r| (d.available[i] - f64::from(r.2[i])) as f32));
            col.sort_by(f32::total_cmp);
            spread[i] = f64::from(col[need - 1]).max(0.0);
            col.clear();
            col.extend(runs.iter().map(|r| r.0[i]));
            let met = col.iter().filter(|u| f64::from(**u) <= SHORTFALL_TOLERANCE).count();
            share[i] = met as f64 / n as f64;
            if self.mc.years[i] < problem.from {
                continue;
            }
            min_share = min_share.min(share[i]);
            if met < need {
                shortfall += (need - met) as f64;
                col.sort_by(f32::total_cmp);
                deficit[i] = f64::from(col[need - 1]);
            }
        }
        // In trajectory order, so the mean does not depend on the threads.
        let mut total = 0.0;
        for (r, reference) in runs.iter().zip(&self.reference) {
            total += r.1 - reference;
        }
        let score = Score { shortfall, over_budget: d.score.over_budget, cost: total / n as f64 };
        Ok(McScore { share, deficit, spread, score, min_share })
    }
}

/// A plan solved for the probabilistic goal.
pub struct McSolution {
    /// The plan (its detail is the central, deterministic path).
    pub solution: Solution,
    /// Its results on the trajectories.
    pub mc: McScore,
}

/// `idx` one grid step higher from period `k` (to the end when `tail`, else that period
/// alone), if that moves anything and keeps the change limit.
fn raise(space: &Space, idx: &[usize], k: usize, tail: bool) -> Option<Vec<usize>> {
    let top = space.values.len() - 1;
    let mut c = idx.to_vec();
    let mut moved = false;
    let end = if tail { c.len() } else { k + 1 };
    for v in c[..end].iter_mut().skip(k) {
        if *v < top {
            *v += 1;
            moved = true;
        }
    }
    (moved && within_steps(space, &c)).then_some(c)
}

/// Solves `problem` for the probabilistic goal on the trajectories `traj` (see the module
/// documentation). `tick` is called with the number of plans evaluated.
pub fn solve(
    ctx: &mut Context<'_>,
    problem: &Problem,
    traj: &Trajectories,
    effort: super::Effort,
    tick: &dyn Fn(u64),
) -> Result<McSolution> {
    let years = ctx.years.len();
    let mut margin = vec![0.0; years];
    let mut seeds: Vec<Choice> = Vec::new();
    let mut best: Option<(Solution, McScore)> = None;
    // 1. The deterministic search, with a margin where the probability is missed.
    for _ in 0..=MARGIN_ROUNDS {
        ctx.set_margin(margin.clone());
        let sol = super::solve(ctx, problem, effort, &seeds, tick)?;
        ctx.set_margin(Vec::new());
        let detail = ctx.detail(problem, &sol.spaces, &sol.choice)?;
        let ms = traj.evaluate(ctx, problem, &sol.spaces, &detail)?;
        tick(1);
        let feasible = ms.score.feasible();
        let deficit = ms.deficit.clone();
        let spread = ms.spread.clone();
        seeds = vec![sol.choice.clone()];
        let sol = Solution { detail, ..sol };
        if best.as_ref().is_none_or(|(_, b)| ms.score.better(&b.score)) {
            best = Some((sol, ms));
        }
        if feasible {
            break;
        }
        for ((m, d), sp) in margin.iter_mut().zip(&deficit).zip(&spread) {
            // At least the spread of the force below the central path at the goal's rank
            // (in every year, so that another mix does not miss where this one met),
            // plus a little more than the deficit where the goal was missed.
            *m = m.max(*sp);
            if *d > SHORTFALL_TOLERANCE {
                *m += d * 2.0 + 1000.0;
            }
        }
    }
    let ctx = &*ctx;
    let (mut sol, mut ms) = best.expect("one round at least");
    let spaces = sol.spaces.clone();
    // 2. Single steps up (held to the end) while the probability is missed.
    let mut raises = 0;
    while !ms.score.feasible() && raises < MAX_RAISES {
        raises += 1;
        let mut step: Option<(Choice, Detail, McScore)> = None;
        for l in 0..spaces.len() {
            for k in 0..spaces[l].periods {
                for tail in [true, false] {
                    let Some(idx) = raise(&spaces[l], &sol.choice[l], k, tail) else { continue };
                    let mut cand = sol.choice.clone();
                    cand[l] = idx;
                    if tail && k + 1 == spaces[l].periods {
                        continue;
                    }
                    let d = ctx.detail(problem, &spaces, &cand)?;
                    let m = traj.evaluate(ctx, problem, &spaces, &d)?;
                    tick(1);
                    if step.as_ref().is_none_or(|(_, _, b)| m.score.better(&b.score)) {
                        step = Some((cand, d, m));
                    }
                }
            }
        }
        match step {
            Some((c, d, m)) if m.score.better(&ms.score) => {
                sol = Solution { spaces: spaces.clone(), choice: c, detail: d };
                ms = m;
            }
            _ => break,
        }
    }
    // 3. Coordinate descent downwards with the probabilistic check.
    if ms.score.feasible() {
        for _ in 0..TRIM_PASSES {
            let mut improved = false;
            for l in 0..spaces.len() {
                for k in 0..spaces[l].periods {
                    for tail in [false, true] {
                        let mut cand = sol.choice.clone();
                        let end = if tail { spaces[l].periods } else { k + 1 };
                        let mut moved = false;
                        for j in k..end {
                            if cand[l][j] > 0 {
                                cand[l][j] -= 1;
                                moved = true;
                            }
                        }
                        if !moved || cand == sol.choice || !within_steps(&spaces[l], &cand[l]) {
                            continue;
                        }
                        let d = ctx.detail(problem, &spaces, &cand)?;
                        let m = traj.evaluate(ctx, problem, &spaces, &d)?;
                        tick(1);
                        if m.score.better(&ms.score) {
                            sol = Solution { spaces: spaces.clone(), choice: cand, detail: d };
                            ms = m;
                            improved = true;
                        }
                    }
                }
            }
            if !improved {
                break;
            }
        }
    }
    Ok(McSolution { solution: sol, mc: ms })
}
