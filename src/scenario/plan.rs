//! The `[plan]` section: civilians in non-combat posts (which `run` counts as
//! troop-equivalents before automation) and the settings and unit costs of
//! `forcecast plan` ([`crate::plan`]). Every default has its source or is marked as an
//! assumption; the README's "forcecast plan" section lists them.

use serde::Serialize;

use super::reader::{Range, Reader, Sink};
use super::spec::{DATA_YEARS, PolicyPath};

/// Pay and allowances of a conscript-year, KRW: a sergeant's 2025 pay of 1.5 million won a
/// month plus the government's matching contribution of 550,000 won a month to the
/// soldier's "tomorrow preparation" savings (Ministry of National Defense plan, Korea News
/// Gazette / Yonhap 2023: "by 2025 a sergeant's monthly salary will reach 1.5 million won
/// ... saves 550,000 won per month ... 100 percent government match"): 2.05 million won a
/// month, 24.6 million a year. The sergeant's rate is the highest of the four conscript
/// ranks, so this is an upper bound of the average conscript's pay.
pub const CONSCRIPT_PAY: f64 = 2.05e6 * 12.0;
/// Upkeep of a conscript-year (meals, clothing, housing, insurance), KRW. ASSUMPTION: 6
/// million won; meals alone were 8,790 won a day in 2021 (3.2 million a year; Asia Economy,
/// 2021 defense budget).
pub const CONSCRIPT_UPKEEP: f64 = 6.0e6;
/// Cost of a cadre member-year (officers and NCOs), KRW: a staff sergeant's annual pay in
/// a standard unit, 37.6 million won by 2027 (Ministry of National Defense via Yonhap,
/// Korea News Gazette 2023), plus the conscripts' upkeep ASSUMPTION (6 million won).
pub const CADRE_YEAR: f64 = 37.6e6 + CONSCRIPT_UPKEEP;
/// Retention bonus per NCO-year per percentage point of careerists' yearly continuation,
/// KRW. ASSUMPTION: 1 million won (a 4-point rise costs 4 million won a year per NCO, about
/// a tenth of the pay above).
pub const RETENTION_BONUS: f64 = 1.0e6;
/// Recruiting and incentive cost per woman volunteer enlisted, KRW. ASSUMPTION: 5 million won.
pub const VOLUNTEER_COST: f64 = 5.0e6;
/// Cost of a civilian or contractor-year in a non-combat post, KRW. ASSUMPTION: 45 million
/// won (pay and overhead of a junior civil servant or contract employee).
pub const CIVILIAN_YEAR: f64 = 45.0e6;
/// Troop-equivalents per civilian. ASSUMPTION: 1, as the Minister of National Defense's
/// concept of September 2025 counts them: "350,000 active-duty troops and 150,000
/// outsourced personnel" to keep a force of 500,000 (Chosun Biz and AJP, 1 October 2025).
pub const SUBSTITUTION_RATIO: f64 = 1.0;
/// Most civilians in non-combat posts the planner may use: the 150,000 outsourced posts of
/// the same concept (Korea's; another country sets its own, `[plan] max_civilians`).
pub const MAX_CIVILIANS: f64 = 150_000.0;
/// Step of the planner's civilians lever.
pub const CIVILIANS_STEP: f64 = 10_000.0;
/// First year the requirement must be met, by default.
pub const FROM: i32 = 2030;

/// `[plan]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanSpec {
    /// Civilians and contractors in non-combat posts (persons); `None`: none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub civilians: Option<PolicyPath>,
    /// Troop-equivalents per civilian.
    pub substitution_ratio: f64,
    /// First year the planner's requirement must be met.
    pub from: i32,
    /// Most extra cost a year of a plan (KRW); `None`: no ceiling.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget_per_year: Option<f64>,
    /// Least share of Monte Carlo trajectories meeting the requirement (`None`: the
    /// deterministic goal).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probability: Option<f64>,
    /// Trajectories of the probabilistic goal (`None`: 1000).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trajectories: Option<u64>,
    /// Pay and allowances of a conscript-year.
    pub conscript_pay: f64,
    /// Upkeep of a conscript-year.
    pub conscript_upkeep: f64,
    /// Cost of a cadre member-year.
    pub cadre_cost: f64,
    /// Bonus per NCO-year per point of careerists' continuation.
    pub retention_bonus: f64,
    /// Cost per woman volunteer enlisted.
    pub volunteer_cost: f64,
    /// Cost of a civilian-year.
    pub civilian_cost: f64,
    /// Most civilians in non-combat posts `forcecast plan` may use.
    pub max_civilians: f64,
}

impl Default for PlanSpec {
    fn default() -> Self {
        PlanSpec {
            civilians: None,
            substitution_ratio: SUBSTITUTION_RATIO,
            from: FROM,
            budget_per_year: None,
            probability: None,
            trajectories: None,
            conscript_pay: CONSCRIPT_PAY,
            conscript_upkeep: CONSCRIPT_UPKEEP,
            cadre_cost: CADRE_YEAR,
            retention_bonus: RETENTION_BONUS,
            volunteer_cost: VOLUNTEER_COST,
            civilian_cost: CIVILIAN_YEAR,
            max_civilians: MAX_CIVILIANS,
        }
    }
}

/// The currency of the built-in unit costs above (Korea's).
pub const BUILT_IN_CURRENCY: &str = "KRW";

impl PlanSpec {
    /// The unit costs (key, value) left at their built-in values, which are in
    /// [`BUILT_IN_CURRENCY`].
    pub fn built_in_costs(&self) -> Vec<&'static str> {
        let d = PlanSpec::default();
        [
            ("conscript_pay", self.conscript_pay, d.conscript_pay),
            ("conscript_upkeep", self.conscript_upkeep, d.conscript_upkeep),
            ("cadre_cost", self.cadre_cost, d.cadre_cost),
            ("retention_bonus", self.retention_bonus, d.retention_bonus),
            ("volunteer_cost", self.volunteer_cost, d.volunteer_cost),
            ("civilian_cost", self.civilian_cost, d.civilian_cost),
        ]
        .into_iter()
        .filter(|(_, v, d)| v.to_bits() == d.to_bits())
        .map(|(k, _, _)| k)
        .collect()
    }

    /// Refuses unit costs in won for a scenario that counts in another currency: the
    /// built-in costs are Korea's, so a country counting in its own currency must set
    /// them (in its `defaults.toml` or the scenario), else a plan's costs would mix units.
    pub fn check_currency(&self, currency: &str) -> Result<(), String> {
        let left = self.built_in_costs();
        if currency == BUILT_IN_CURRENCY || left.is_empty() {
            return Ok(());
        }
        Err(format!(
            "[plan] {}: the built-in unit costs are Korea's, in {BUILT_IN_CURRENCY}, but this scenario counts in {currency}; \
             set them in {currency} in the scenario's [plan] or the country's defaults.toml",
            left.join(", ")
        ))
    }

    /// The civilians lever's grid: 0 to `max_civilians` by [`CIVILIANS_STEP`], the maximum
    /// itself last when it is not a multiple of the step.
    pub fn civilian_levels(&self) -> Vec<f64> {
        let mut v: Vec<f64> =
            (0..).map(|k| f64::from(k) * CIVILIANS_STEP).take_while(|x| *x <= self.max_civilians + 1e-9).collect();
        if v.last().is_some_and(|x| *x < self.max_civilians - 1e-9) {
            v.push(self.max_civilians);
        }
        v
    }

    /// Whether nothing was set (the section is then left out of manifests).
    pub fn is_default(&self) -> bool {
        *self == PlanSpec::default()
    }

    /// Civilians in year `year` (persons): the path from its first anchor year and never
    /// before the base year, none before.
    pub fn civilians_at(&self, base_year: i32, year: i32) -> f64 {
        crate::force::policy::at(self.civilians.as_ref(), f64::from(base_year), f64::from(year), |_| 0.0).max(0.0)
    }

    /// Troop-equivalents of the civilians in each year from `base_year`, `n` years.
    pub fn equivalents(&self, base_year: i32, n: usize) -> Vec<f64> {
        (0..n).map(|t| self.civilians_at(base_year, base_year + t as i32) * self.substitution_ratio).collect()
    }
}

/// A cost in KRW: up to ten trillion won a year or per unit (a fifth of Korea's 2025 defense budget).
const COST: Range = Range::new(0.0, 1.0e13);

/// Reads `[plan]`. Returns `None` when problems were recorded.
pub fn read(root: &mut Reader<'_>, base_year: i32, proj_years: (i64, i64), sink: &mut Sink) -> Option<PlanSpec> {
    let d = PlanSpec::default();
    let Some(mut p) = root.section("plan", sink) else {
        return (!root.has("plan")).then_some(d);
    };
    let before = sink.diagnostics.len();
    let civilians =
        p.has("civilians").then(|| p.policy("civilians", base_year, proj_years, Range::new(0.0, 1.0e7), sink));
    let spec = PlanSpec {
        civilians: civilians.flatten(),
        substitution_ratio: p.number("substitution_ratio", Range::new(0.0, 10.0), sink).unwrap_or(d.substitution_ratio),
        from: p.integer("from", i64::from(base_year) + 1, DATA_YEARS.1, sink).map(|y| y as i32).unwrap_or(d.from),
        budget_per_year: p.number("budget_per_year", Range::new(0.0, 1.0e15), sink),
        probability: p.number("probability", Range::new(1e-6, 1.0), sink),
        trajectories: p.integer("trajectories", 1, 100_000, sink).map(|n| n as u64),
        conscript_pay: p.number("conscript_pay", COST, sink).unwrap_or(d.conscript_pay),
        conscript_upkeep: p.number("conscript_upkeep", COST, sink).unwrap_or(d.conscript_upkeep),
        cadre_cost: p.number("cadre_cost", COST, sink).unwrap_or(d.cadre_cost),
        retention_bonus: p.number("retention_bonus", COST, sink).unwrap_or(d.retention_bonus),
        volunteer_cost: p.number("volunteer_cost", COST, sink).unwrap_or(d.volunteer_cost),
        civilian_cost: p.number("civilian_cost", COST, sink).unwrap_or(d.civilian_cost),
        max_civilians: p.number("max_civilians", Range::new(0.0, 1.0e6), sink).unwrap_or(d.max_civilians),
    };
    p.finish(sink);
    (sink.diagnostics.len() == before).then_some(spec)
}
