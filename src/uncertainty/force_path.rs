//! The force and automation models run year by year inside a trajectory, so that no
//! trajectory keeps its populations.
//!
//! The arithmetic mirrors [`crate::force::simulate`] and [`crate::automation::simulate`]
//! operation for operation (same expressions, same order), so that with every draw
//! fixed a trajectory reproduces the deterministic run; `tests/uncertainty.rs` checks
//! every metric of every year against it. Intake uses the force module's own functions.

use crate::demography::Population;
use crate::force::conscripts;
use crate::scenario::{AutomationSpec, ForceSpec};

/// Per-year force and automation results of one trajectory.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ForceYear {
    /// Men liable.
    pub eligible_men: f64,
    /// Conscript intake.
    pub intake: f64,
    /// Women volunteers.
    pub female_volunteers: f64,
    /// Serving conscripts.
    pub conscripts: f64,
    /// Cadre stock.
    pub cadre: f64,
    /// Cadre recruits.
    pub cadre_recruits: f64,
    /// Cadre shortfall.
    pub cadre_shortfall: f64,
    /// Conscripts + cadre.
    pub available: f64,
    /// Target.
    pub target: f64,
    /// Gap.
    pub gap: f64,
    /// Systems needed.
    pub systems_needed: f64,
    /// Systems fielded.
    pub systems_fielded: f64,
    /// Systems bought.
    pub systems_bought: f64,
    /// Cost.
    pub cost: f64,
    /// Density per 10,000 troops.
    pub density_per_10k: f64,
    /// Gap not covered by automation.
    pub uncovered_gap: f64,
}

/// Reusable buffers and state of the streaming force model (one per worker).
#[derive(Debug, Clone, Default)]
pub struct ForceState {
    intakes: Vec<f64>,
    prior: Vec<f64>,
    bought: Vec<f64>,
    span: usize,
    sy: f64,
    cadre: f64,
    systems: f64,
}

impl ForceState {
    /// Starts a trajectory from its base population with its (drawn) specs.
    pub fn start(&mut self, base: &Population, spec: &ForceSpec) {
        self.span = (spec.service_months / 12.0).ceil() as usize + 1;
        self.sy = spec.service_months / 12.0;
        self.intakes.clear();
        self.prior.clear();
        self.prior.extend((1..=self.span).map(|k| conscripts::intake_shifted(base, spec, k).total()));
        self.bought.clear();
        self.cadre = spec.cadre.initial;
        self.systems = 0.0;
    }

    /// Advances one year `t` (index from the base year) with the population at 1 July of
    /// that year. `target` is the whole target path; `capacity` the year's fielding
    /// capacity before flooring (`interpolate(..).max(0)`), times the drawn multiplier.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    pub fn year(
        &mut self,
        t: usize,
        year: i32,
        pop: &Population,
        spec: &ForceSpec,
        auto: &AutomationSpec,
        target: &[f64],
        capacity: f64,
    ) -> ForceYear {
        let i = conscripts::intake(pop, spec);
        self.intakes.push(i.total());
        // conscripts::stock
        let conscripts = (0..self.span)
            .map(|k| {
                let v = if k <= t { self.intakes[t - k] } else { self.prior.get(k - t - 1).copied().unwrap_or(0.0) };
                v * conscripts::overlap(self.sy, k, spec.annual_attrition)
            })
            .sum::<f64>();
        // cadre::simulate
        let c = self.cadre;
        let next_target = target.get(t + 1).copied().unwrap_or(target[t]);
        let need = (spec.cadre.target_share * next_target - spec.cadre.retention * c).max(0.0);
        let cap = spec.cadre.propensity_male * (20..=29).map(|a| pop.male[a]).sum::<f64>()
            + spec.cadre.propensity_female * (20..=29).map(|a| pop.female[a]).sum::<f64>();
        let rec = need.min(cap);
        self.cadre = spec.cadre.retention * c + rec;
        // force::model
        let available = conscripts + c;
        let gap = (target[t] - available).max(0.0);
        // automation::simulate
        let life = auto.service_life_years.round().max(1.0) as usize;
        let k = auto.soldiers_replaced_per_system;
        let needed = (gap / k - 1e-9).ceil().max(0.0);
        if t >= life {
            self.systems -= self.bought[t - life];
        }
        let buy = if year >= auto.start_year { (needed - self.systems).max(0.0).min(capacity.floor()) } else { 0.0 };
        self.systems += buy;
        self.bought.push(buy);
        let stock = self.systems;
        ForceYear {
            eligible_men: i.eligible_men,
            intake: i.total(),
            female_volunteers: i.women,
            conscripts,
            cadre: c,
            cadre_recruits: rec,
            cadre_shortfall: need - rec,
            available,
            target: target[t],
            gap,
            systems_needed: needed,
            systems_fielded: stock,
            systems_bought: buy,
            cost: buy * auto.unit_cost + stock * auto.unit_cost * auto.annual_cost_share,
            density_per_10k: if available > 0.0 { stock / available * 1.0e4 } else { 0.0 },
            uncovered_gap: (gap - k * stock).max(0.0),
        }
    }
}
