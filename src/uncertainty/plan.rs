//! Everything a trajectory needs that does not depend on its draws, computed once: the
//! deterministic rates of every interval, the age patterns of fertility, the target,
//! fielding-capacity and unit-cost paths, the fitted and calibrated stochastic components, and the
//! deterministic run's summary rows (the centre the samples are stored around).

use serde::Serialize;

use super::lee_carter::LeeCarter;
use super::migration::MigrationModel;
use super::step::fertile_range;
use super::survival::{Ages32, to_f32};
use super::tfr::TfrModel;
use crate::AgeVec;
use crate::demography::Population;
use crate::demography::graduation::asfr_pattern;
use crate::demography::rates::{self, resolve_path};
use crate::error::{Diagnostic, Diagnostics, Error, Result};
use crate::output::tables::{row_values, summary_rows};
use crate::run::{Inputs, Projection};
use crate::scenario::{AutomationSpec, ForceSpec, Scenario, UncertaintySpec};

/// Years whose WPP e0 80% intervals the mortality spread of each sex is calibrated to.
pub const MORTALITY_CALIBRATION_YEARS: [i32; 2] = [2050, 2075];

/// The factor f on b of sex `s` (0 male) that makes the geometric mean, over
/// [`MORTALITY_CALIBRATION_YEARS`], of (model e0 80% width ÷ WPP's) equal 1. The model's
/// width in year Y: e0 of WPP's medium mx × exp(f b k) at k = ∓1.2816 σ_k, with
/// σ_k² = n σ² + n² σ_drift², n = Y − jump-off (the random walk with its drift error).
/// `None` when WPP's intervals are missing. Bisection on f in [0.05, 50] (the width grows
/// with f).
fn sex_scale(
    lc: &LeeCarter,
    mortality: &rates::MortalitySurface,
    data: &crate::data::CountryData,
    s: usize,
    (sd, drift_sd, jump_off): (f64, f64, i32),
) -> Option<f64> {
    use crate::demography::{LifeTable, Sex};
    let sex = if s == 0 { Sex::Male } else { Sex::Female };
    let mut cases = Vec::new();
    for y in MORTALITY_CALIBRATION_YEARS {
        let pick = |name: &str| data.e0.get(name).and_then(|(m, f)| if s == 0 { m.get(y) } else { f.get(y) });
        let wpp = pick("pi80_upper")? - pick("pi80_lower")?;
        let n = f64::from(y - jump_off);
        let sk = (n * sd * sd + n * n * drift_sd * drift_sd).sqrt();
        if !(wpp > 0.0 && sk > 0.0) {
            return None;
        }
        cases.push((mortality.at(f64::from(y))[s], wpp, sk));
    }
    let z = 1.281_551_565_545;
    let log_ratio = |f: f64| -> f64 {
        let mut acc = 0.0;
        for (mx, wpp, sk) in &cases {
            let e0 = |k: f64| {
                let m = AgeVec::from_fn(|x, _| mx[x] * (f * lc.b[s][x] * k).exp());
                LifeTable::new(&m, sex).e0()
            };
            let width = (e0(-z * sk) - e0(z * sk)).abs();
            acc += (width / wpp).ln();
        }
        acc / cases.len() as f64
    };
    let (mut lo, mut hi) = (0.05, 50.0);
    if log_ratio(lo) > 0.0 || log_ratio(hi) < 0.0 {
        return None;
    }
    for _ in 0..60 {
        let mid = (lo * hi).sqrt();
        if log_ratio(mid) < 0.0 { lo = mid } else { hi = mid }
    }
    Some((lo * hi).sqrt())
}

/// Number of metrics per year (the `summary.csv` columns after `year`).
pub const NMETRICS: usize = 39;

/// The fitted and calibrated stochastic components (written to `uncertainty.json`).
#[derive(Debug, Clone, Serialize)]
pub struct Components {
    /// TFR AR(1).
    pub tfr: TfrModel,
    /// Lee-Carter fit.
    pub lee_carter: LeeCarter,
    /// Random-walk innovation s.d. of k actually used (after overrides and `sd_scale`).
    pub mortality_sd: f64,
    /// S.d. of a trajectory's drift error (the fit's drift standard error, scaled alike).
    pub mortality_drift_sd: f64,
    /// Last year with observed mortality (k deviations are zero up to it).
    pub mortality_jump_off: i32,
    /// Factor on Lee-Carter's age pattern b of each sex (male, female), calibrated so that
    /// the e0 80% interval's width matches WPP's in [`MORTALITY_CALIBRATION_YEARS`]
    /// (geometric mean of the two width ratios = 1); 1 when WPP's intervals are missing or
    /// the innovation s.d. is set by hand. `sd_scale` then multiplies the calibrated spread.
    pub mortality_sex_scale: [f64; 2],
    /// Net migration deviations.
    pub migration: MigrationModel,
    /// The scenario's `[uncertainty]` settings.
    pub spec: UncertaintySpec,
    /// The force parameters' calibrated set, summarised (issue 12, item 3; set by
    /// [`Plan::new`], the driver correlations after the run).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub force_calibration: Option<super::force_set::Summary>,
}

impl Components {
    /// Fits and calibrates every component for a scenario. A fit the scenario's settings
    /// make impossible is reported against the scenario file and key.
    pub fn build(scenario: &Scenario, inputs: &Inputs) -> Result<Components> {
        let u = &scenario.uncertainty;
        let data = &inputs.data;
        let tfr = TfrModel::build(&u.fertility, data)?;
        let lee_carter =
            LeeCarter::fit(&inputs.mortality, u.mortality.fit_from, u.mortality.fit_to).map_err(|e| match e {
                Error::Usage(message) => {
                    let key = "uncertainty.mortality.fit_from";
                    let (file, line) = crate::scenario::node::key_site(&scenario.files, key);
                    Error::Scenario(Diagnostics(vec![Diagnostic { file, line, key: key.into(), message }]))
                }
                other => other,
            })?;
        let mortality_sd = u.mortality.innovation_sd.unwrap_or(lee_carter.sigma) * u.mortality.sd_scale;
        let span =
            lee_carter.centres.last().copied().unwrap_or(0.0) - lee_carter.centres.first().copied().unwrap_or(0.0);
        let mortality_drift_sd = if span > 0.0 { mortality_sd / span.sqrt() } else { 0.0 };
        let mortality_jump_off = data.e0.get("estimate").map(|(m, _)| m.last()).ok_or_else(|| {
            Error::data(
                data.dir.join(crate::data::country::files::E0),
                None,
                "series",
                "no `estimate` series: the Monte Carlo run needs the last year of observed mortality",
            )
        })?;
        // A citizen base: the nationals' series (issue 12); else WPP's intervals. A citizen
        // base without the nationals' series (Taiwan): WPP's intervals in persons, turned
        // into the citizen spread's rates on the base population (Σ g R persons per unit
        // rate), since a citizen base's deviations are rates of each trajectory's cohorts.
        let migration = if rates::uses_citizen_profile(scenario) {
            let profile = crate::demography::citizen_migration::CitizenProfile::derive(data, &inputs.mortality)?;
            let base = crate::run::base_population(scenario, inputs)?;
            if data.nationals.is_some() {
                MigrationModel::citizens(&u.migration, &profile, &base)?
            } else {
                let mut m = MigrationModel::build(&u.migration, data)?;
                let weight = profile.weight(&base);
                if !(weight.is_finite() && weight > 0.0) {
                    return Err(Error::Consistency(
                        "the citizen migration intensity is zero on the base population".into(),
                    ));
                }
                m.scale.iter_mut().for_each(|s| *s /= weight);
                m
            }
        } else {
            MigrationModel::build(&u.migration, data)?
        };
        let mortality_sex_scale = if u.mortality.innovation_sd.is_some() {
            [1.0, 1.0]
        } else {
            let base_sd = mortality_sd / u.mortality.sd_scale.max(f64::MIN_POSITIVE);
            let base_drift = mortality_drift_sd / u.mortality.sd_scale.max(f64::MIN_POSITIVE);
            let walk = (base_sd, base_drift, mortality_jump_off);
            [0, 1].map(|s| sex_scale(&lee_carter, &inputs.mortality, data, s, walk).unwrap_or(1.0))
        };
        Ok(Components {
            mortality_sex_scale,
            tfr,
            lee_carter,
            mortality_sd,
            mortality_drift_sd,
            mortality_jump_off,
            migration,
            spec: u.clone(),
            force_calibration: None,
        })
    }
}

/// The precomputed, read-only inputs of every trajectory.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Years base..=end (one summary row each).
    pub years: Vec<i32>,
    /// The deterministic run's metrics per year ([`crate::output::tables::SUMMARY_COLUMNS`]
    /// without `year`).
    pub det: Vec<[f64; NMETRICS]>,
    /// Base population (the deterministic run's: the registration or WPP's graduated
    /// estimates, as the scenario says).
    pub base: Population,
    /// Scenario TFR for years base..=end+1.
    pub tfr_path: Vec<f64>,
    /// Age pattern of fertility per unit TFR for years base..=end+1.
    pub pattern: Vec<AgeVec>,
    /// Deterministic single-age fertility per interval (pattern-weighted TFR of t, t+1).
    pub asfr: Vec<AgeVec>,
    /// Ages where any year's fertility pattern or deterministic ASFR is not zero.
    pub fertile: std::ops::Range<usize>,
    /// Sex ratio at birth per interval.
    pub srb: Vec<f64>,
    /// Deterministic mx per interval.
    pub mx: Vec<[AgeVec; 2]>,
    /// Single-precision copies of `mx` (for trajectories with a mortality deviation).
    pub mx32: Vec<[Ages32; 2]>,
    /// Single-precision copy of the Lee-Carter b_x by sex.
    pub b32: [Ages32; 2],
    /// Deterministic net migrants per interval that do not depend on the population:
    /// WPP's age-sex figures and net arrivals spread by the arrival shares.
    pub migration: Vec<[AgeVec; 2]>,
    /// Deterministic net migrants per interval by their age at its end, added there
    /// (WPP's single-age table, [`crate::demography::rates::IntervalMigration::end`]).
    pub migration_end: Vec<[AgeVec; 2]>,
    /// Net departures per interval (persons, ≥ 0), spread on each trajectory's own
    /// population at the start of the interval by `departure_intensity`, as the
    /// deterministic run spreads them on its own.
    pub departures: Vec<f64>,
    /// Departure intensity by sex and age ([`crate::demography::migration`]).
    pub departure_intensity: [AgeVec; 2],
    /// Citizen migration (a citizen base, [`rates::uses_citizen_profile`]): every
    /// interval's net total is spread on each trajectory's own population by the citizen
    /// profile, as the deterministic run spreads it on its own; `migration` and
    /// `departures` are then zero.
    pub citizens: Option<CitizenPlan>,
    /// Troop target per year.
    pub target: Vec<f64>,
    /// Fielding capacity per year, [`AutomationSpec::capacity_at`] (floored in the model).
    pub capacity: Vec<f64>,
    /// Unit cost of the systems bought per year, [`AutomationSpec::unit_cost_at`].
    pub unit_cost: Vec<f64>,
    /// Troop-equivalents of the civilians in non-combat posts per year (`[plan] civilians`).
    pub civilians: Vec<f64>,
    /// The scenario's force parameters.
    pub force: ForceSpec,
    /// The force model's resolved policies.
    pub force_plan: crate::force::ForcePlan,
    /// The force model's state at the base year (history stepped once, deterministically).
    pub force_start: crate::force::ForceState,
    /// The force parameter vectors that fit the history about equally well, each with its
    /// own base-year state (issue 12, item 3).
    pub force_set: super::force_set::ForceSet,
    /// The scenario's automation parameters.
    pub automation: AutomationSpec,
    /// Stochastic components.
    pub components: Components,
    /// First year whose TFR deviation is random (years before keep the path).
    pub tfr_start: i32,
    /// First year whose migration deviation is random.
    pub mig_start: i32,
    /// First year whose mortality deviation is random.
    pub mort_start: i32,
}

/// The citizen migration of a plan.
#[derive(Debug, Clone)]
pub struct CitizenPlan {
    /// The profile.
    pub profile: std::sync::Arc<crate::demography::citizen_migration::CitizenProfile>,
    /// Net total per interval (persons).
    pub net: Vec<f64>,
    /// Σ g R on the deterministic population at the start of each interval: persons a
    /// unit deviation rate moves (for the closed-form intervals of `calibration.csv`).
    pub weight: Vec<f64>,
}

impl Plan {
    /// Precomputes a scenario's plan from its deterministic projection.
    pub fn new(scenario: &Scenario, inputs: &Inputs, det: &Projection) -> Result<Plan> {
        let mut components = Components::build(scenario, inputs)?;
        let data = &inputs.data;
        let (base_year, end) = (scenario.base_year, scenario.end_year);
        let r = rates::build(scenario, data, &inputs.mortality, base_year, end)?;
        let tfr = resolve_path(&scenario.fertility.tfr, data, "tfr", base_year, end + 1)?;
        let years: Vec<i32> = (base_year..=end).collect();
        // resolve_path gives exactly the years base..=end+1 (or an error naming the gap).
        let tfr_path: Vec<f64> = tfr.values;
        let pattern: Vec<AgeVec> = (base_year..=end + 1).map(|y| asfr_pattern(data.pasfr_for(y))).collect();
        // Arrivals do not depend on the population, so the deterministic population
        // spreads them as any other would; departures are spread per trajectory.
        let mut migration = Vec::with_capacity(r.len());
        let mut departures = Vec::with_capacity(r.len());
        let migration_end = r.iter().map(|x| x.migration.end).collect();
        let citizens = r.first().and_then(|x| x.migration.spreading.citizens.clone()).map(|profile| CitizenPlan {
            net: r.iter().map(|x| x.migration.net).collect(),
            weight: det.population.iter().take(r.len()).map(|p| profile.weight(p)).collect(),
            profile,
        });
        // A total spread in proportion to the population (WPP's pre-2023 totals around
        // the residual pattern) is spread on the deterministic population of the year.
        for (x, pop) in r.iter().zip(&det.population) {
            let m = &x.migration;
            if citizens.is_some() {
                // The citizen total is spread per trajectory (CitizenPlan).
                migration.push(m.known(pop, x.year)?);
                departures.push(0.0);
            } else if m.net < 0.0 {
                migration.push(m.known(pop, x.year)?);
                departures.push(-m.net);
            } else {
                migration.push(m.realize(pop, x.year)?);
                departures.push(0.0);
            }
        }
        let departure_intensity = r.first().map_or([AgeVec::zeros(); 2], |x| x.migration.spreading.profile.departures);
        let base = det.population[0].clone();
        let det = summary_rows(det)
            .iter()
            .map(|row| {
                let v = row_values(row);
                let mut m = [0.0; NMETRICS];
                m.copy_from_slice(&v[1..]);
                m
            })
            .collect();
        let force_plan = crate::force::ForcePlan::new(&scenario.force, &data.force, base_year, end)?;
        let history = crate::force::history_populations(&base, base_year, force_plan.first, &inputs.mortality);
        let force_start = crate::force::prepare(&force_plan, &history, &base).0;
        // Issue 12, item 3: the calibrated force parameter set (one evaluation of the
        // history per design point, on this plan).
        let force_set = super::force_set::ForceSet::build(scenario, inputs, &base, &force_plan, &force_start);
        components.force_calibration = Some(force_set.summary.clone());
        let target = years.iter().map(|&y| force_plan.target(y)).collect();
        let capacity = years.iter().map(|&y| scenario.automation.capacity_at(base_year, y)).collect();
        let unit_cost = years.iter().map(|&y| scenario.automation.unit_cost_at(base_year, y)).collect();
        let civilians = scenario.plan.equivalents(base_year, years.len());
        // Deviations start after the last observed year, or from the base year when the
        // projection starts earlier (a back-test then sees its whole horizon as uncertain).
        let start = |jump_off: i32| jump_off.min(base_year - 1) + 1;
        Ok(Plan {
            tfr_start: start(components.tfr.jump_off),
            mig_start: start(components.migration.jump_off),
            mort_start: start(components.mortality_jump_off),
            years,
            det,
            base,
            tfr_path,
            fertile: fertile_range(pattern.iter().chain(r.iter().map(|x| &x.asfr))),
            pattern,
            asfr: r.iter().map(|x| x.asfr).collect(),
            srb: r.iter().map(|x| x.srb).collect(),
            mx: r.iter().map(|x| x.mx).collect(),
            mx32: r.iter().map(|x| [to_f32(&x.mx[0]), to_f32(&x.mx[1])]).collect(),
            b32: [0, 1].map(|s| to_f32(&(components.lee_carter.b[s] * components.mortality_sex_scale[s]))),
            migration,
            migration_end,
            departures,
            departure_intensity,
            citizens,
            target,
            capacity,
            unit_cost,
            civilians,
            force: scenario.force.clone(),
            force_plan,
            force_start,
            force_set,
            automation: scenario.automation.clone(),
            components,
        })
    }

    /// Number of summary rows (years).
    pub fn len(&self) -> usize {
        self.years.len()
    }

    /// Whether the plan has no years.
    pub fn is_empty(&self) -> bool {
        self.years.is_empty()
    }
}
