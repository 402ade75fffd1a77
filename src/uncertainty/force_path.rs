//! The force and automation models run year by year inside a trajectory, so that no
//! trajectory keeps its populations.
//!
//! The force model is the deterministic one ([`crate::force::ForceState`], stepped year
//! by year); the automation arithmetic mirrors [`crate::automation::simulate`] operation
//! for operation (same expressions, same order), so that with every draw fixed a
//! trajectory reproduces the deterministic run; `tests/uncertainty.rs` checks every
//! metric of every year against it.

use crate::demography::Population;
use crate::force::{self, ForcePlan};
use crate::scenario::AutomationSpec;

/// Per-year force and automation results of one trajectory.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ForceYear {
    /// The force model's year.
    pub force: force::ForceYear,
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
    /// Cost summed from the base year.
    pub cost_cumulative: f64,
    /// Cost discounted to the base year and summed ([`crate::automation::running_costs`]).
    pub cost_npv: f64,
}

/// A year's automation policies as a trajectory sees them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AutomationYear {
    /// Fielding capacity before flooring ([`AutomationSpec::capacity_at`]), times the
    /// drawn multiplier.
    pub capacity: f64,
    /// Unit cost of the systems bought ([`AutomationSpec::unit_cost_at`]).
    pub unit_cost: f64,
    /// Troop-equivalents of the civilians in non-combat posts ([`crate::run::automation_gap`]).
    pub civilians: f64,
}

/// Reusable buffers and state of the streaming force model (one per worker).
#[derive(Debug, Clone, Default)]
pub struct ForceState {
    force: force::ForceState,
    // Each year's systems bought and their purchase value (× their unit cost), cleared,
    // not freed, per trajectory; the fleet's systems and purchase value
    // (`crate::automation::simulate`'s `bought_hist`, `value_hist`, `stock` and `value`).
    bought: Vec<(f64, f64)>,
    systems: f64,
    value: f64,
    cost_cumulative: f64,
    cost_npv: f64,
    // `discount_factor(rate, t)` by t, for the rate of these bits: computed once per
    // worker rather than once per trajectory-year (a `powi`), the same bits.
    discount: Vec<f64>,
    discount_rate: Option<u64>,
}

impl ForceState {
    /// Starts a trajectory from the force state of the base year (the history stepped
    /// once, deterministically) with the trajectory's drawn deviations.
    pub fn start(&mut self, base: &force::ForceState, adjust: force::Adjust) {
        self.force.clone_from(base);
        self.force.adjust = adjust;
        self.start_automation();
    }

    /// [`crate::automation::discount_factor`]`(rate, t)`, kept.
    #[inline(always)]
    fn discount_factor(&mut self, rate: f64, t: usize) -> f64 {
        if self.discount_rate != Some(rate.to_bits()) {
            self.discount.clear();
            self.discount_rate = Some(rate.to_bits());
        }
        if t >= self.discount.len() {
            self.extend_discount(rate, t);
        }
        self.discount[t]
    }

    #[cold]
    fn extend_discount(&mut self, rate: f64, t: usize) {
        while self.discount.len() <= t {
            self.discount.push(crate::automation::discount_factor(rate, self.discount.len()));
        }
    }

    /// Advances one year `t` (index from the base year) with the population at 1 July of
    /// that year and the year's automation policies `policy`.
    #[inline(always)]
    pub fn year(
        &mut self,
        t: usize,
        year: i32,
        pop: &Population,
        plan: &ForcePlan,
        auto: &AutomationSpec,
        policy: AutomationYear,
    ) -> ForceYear {
        let f = self.force.step(plan, year, pop);
        self.automate(t, year, f, auto, policy)
    }

    /// Starts a trajectory's automation (its force model stepped elsewhere, with the
    /// force lanes of [`crate::force::LaneState`]).
    pub fn start_automation(&mut self) {
        self.bought.clear();
        self.systems = 0.0;
        self.value = 0.0;
        self.cost_cumulative = 0.0;
        self.cost_npv = 0.0;
    }

    /// The automation of year `t` (index from the base year) on the force model's year
    /// `f` and the year's automation policies `policy`.
    #[inline(always)]
    pub fn automate(
        &mut self,
        t: usize,
        year: i32,
        f: force::ForceYear,
        auto: &AutomationSpec,
        policy: AutomationYear,
    ) -> ForceYear {
        let AutomationYear { capacity, unit_cost, civilians } = policy;
        // automation::simulate
        let gap = crate::run::automation_gap_in_year(f.gap, civilians);
        let available = f.available;
        let life = auto.service_life_years.max(1);
        let k = auto.soldiers_replaced_per_system;
        let needed = (gap / k - 1e-9).ceil().max(0.0);
        if t >= life {
            let (systems, value) = self.bought[t - life];
            self.systems -= systems;
            self.value = crate::automation::retire_value(self.value, value, self.systems);
        }
        let buy = if year >= auto.start_year { (needed - self.systems).max(0.0).min(capacity.floor()) } else { 0.0 };
        self.systems += buy;
        let purchase = buy * unit_cost;
        self.value += purchase;
        self.bought.push((buy, purchase));
        let stock = self.systems;
        // Operation and support: a share of each system's own purchase price.
        let cost = purchase + self.value * auto.annual_cost_share;
        // automation::running_costs, in the same order.
        self.cost_cumulative += cost;
        self.cost_npv += cost * self.discount_factor(auto.discount_rate, t);
        ForceYear {
            force: f,
            systems_needed: needed,
            systems_fielded: stock,
            systems_bought: buy,
            cost,
            density_per_10k: if available > 0.0 { stock / available * 1.0e4 } else { 0.0 },
            uncovered_gap: (gap - k * stock).max(0.0),
            cost_cumulative: self.cost_cumulative,
            cost_npv: self.cost_npv,
        }
    }
}
