//! Force calibration (`forcecast backtest --force`): the force model run over the history
//! years on the model's own code path, compared with the sourced series of
//! `force_inputs.csv`, and its free parameters fitted to them.
//!
//! ## Population and path
//! The baseline scenario's base population (the resident registration of 30 June 2025)
//! carried back to the model's first year ([`force::history_populations`]); the force
//! model starts there ([`force::ForcePlan`], [`force::prepare`]) and steps the history
//! years and the base year ([`force::ForceState::step`]), exactly as `forcecast run`
//! does. The 2040 figures of the identification use the baseline's own projection.
//!
//! ## Anchors and measures
//! Every row of `officers`, `ncos`, `enlisted` and `total` (all services and by service),
//! the NCO shortfall against the requirement and the discharges with 10 or more years of
//! service. Strength measures are kept apart:
//! - *average operating* (MND's yearly mean of operating strength) is compared with the
//!   model's 1 July stock of the year;
//! - *mid-year* (a stock on 1 July) with the 1 July stock;
//! - *year-end* (31 December) with the model interpolated linearly at t + 0.5;
//! - *authorised* strengths are a ceiling, not a count: shown, never fitted.
//!
//! The NCO shortfall (2025) is compared with the model's NCO requirement less its NCOs at
//! 1 July; discharges of a calendar year Y with the mean of the model's separations over
//! 1 July Y−1 → Y and Y → Y+1. The model does not split the cadre by service, so the
//! officers and NCOs by service are not compared.
//!
//! ## Fit
//! Free parameters ([`Params`]): the conscripts' take-up, the officers' continuation at
//! the end of their obligated term (the NCOs' is sourced, ~30%), and careerists'
//! continuation of officers and of NCOs. Objective: the mean over the fitted series
//! ([`fitted_series`]) of each series' mean squared relative error, so that a series
//! weighs the same whatever its number of anchors. Search: a grid over the three cadre
//! parameters with the take-up on its own grid for each, then coordinate refinement.
//! Identification: every parameter set evaluated whose objective RMS is within
//! [`NEAR`] of the best; the range of each parameter and of the 2040 force available
//! over them.

use std::fmt::Write as _;
use std::path::Path;

use crate::data::force::{ForceData, ForceRow};
use crate::demography::Population;
use crate::error::{Error, Result};
use crate::force::{self, CadreDefaults, ForcePlan, ForceYear};
use crate::run::Inputs;
use crate::scenario::ForceSpec;

/// Series whose anchors the fit uses, for a structure: each corps' stock, the enlisted
/// stocks by branch (their total, `enlisted`, is left out: it is the sum of the branches,
/// which are fitted), the total strength, the last corps' shortfall against its
/// requirement (`nco_shortfall`) and the long-service discharges. A series the data give
/// no anchor for weighs nothing. Korea: officers, ncos, enlisted_army, enlisted_navy,
/// enlisted_air_force, enlisted_marines, total, nco_shortfall, long_service_separations.
pub fn fitted_series(st: &crate::force::ForceStructure) -> Vec<String> {
    let mut v: Vec<String> = st.corps_keys().into_iter().map(String::from).collect();
    v.extend(st.branch_keys().into_iter().map(|b| format!("enlisted_{b}")));
    v.extend(["total", "nco_shortfall", "long_service_separations"].map(String::from));
    if st.fit_intakes {
        v.push("enlistments".into());
    }
    v
}

/// Parameter sets within this much RMS of the best fit "fit about equally well".
pub const NEAR: f64 = 0.005;
/// Weight of the NCO shortfall in the objective (a series weighs 1): one reported
/// figure ("~21,000", medium confidence) against a requirement the model defines
/// (target × cadre share × the NCOs' 2019 share of the cadre), not the MND's own.
pub const SHORTFALL_WEIGHT: f64 = 0.5;
/// The year whose force available the identification reports.
pub const PROJECTION_YEAR: i32 = 2040;

/// The free parameters of the force model. With corps A the first declared and Z the
/// last (Korea: officers and NCOs; a country of one corps: A = Z, Taiwan's volunteers):
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// Share of the available active-duty pool who enlist (`take_up`).
    pub take_up: f64,
    /// A's continuation at the end of the obligated term (Z's, when Z is another corps,
    /// is the data's `long_service_share`).
    pub officer_decision: f64,
    /// Careerists' yearly continuation: A (unused when A = Z), Z.
    pub careerist: [f64; 2],
    /// Z's recruiting capacity in the first year as a multiple of the accessions that
    /// sustain the observed stock (A's, when A is another corps, is held at its default:
    /// Korea's officer stock was flat).
    pub nco_capacity: f64,
}

impl Params {
    /// The corps defaults these parameters set in a structure of `nc` corps, the other
    /// values from `base` (the country's defaults).
    pub fn cadre(&self, nc: usize, base: &CadreDefaults) -> CadreDefaults {
        let z = nc.max(1) - 1;
        let mut d = *base;
        d.decision[0] = self.officer_decision;
        if z > 0 {
            d.careerist[0] = self.careerist[0];
        }
        d.careerist[z] = self.careerist[1];
        d.capacity[z] = self.nco_capacity;
        d
    }
}

/// The names of the parameters for a structure, in the order of [`Params::values`]
/// (Korea: [`PARAM_NAMES`]); `None` for A's careerists when A = Z (the parameter is not
/// used and is not searched).
pub fn param_names(st: &crate::force::ForceStructure) -> [Option<String>; NPARAMS] {
    let (a, z) = (&st.corps[0].key, &st.corps[st.corps.len() - 1].key);
    [
        Some("take_up".into()),
        Some(format!("{a}.decision_continuation")),
        (st.corps.len() > 1).then(|| format!("{a}.careerist_continuation")),
        Some(format!("{z}.careerist_continuation")),
        Some(format!("{z}.capacity")),
    ]
}

/// Number of free parameters.
pub const NPARAMS: usize = 5;

/// Names of the parameters, in the order of [`Params::values`].
pub const PARAM_NAMES: [&str; NPARAMS] = [
    "take_up",
    "officers.decision_continuation",
    "officers.careerist_continuation",
    "ncos.careerist_continuation",
    "ncos.capacity",
];

/// Weak priors on the first corps' decision and careerists' continuation, used when the
/// country gives none (`[force.corps_defaults.<corps>] decision_prior`,
/// `careerist_prior`; Korea's officers: 0.5 ± 0.1 and 0.955 ± 0.02, see its country.toml):
/// `(value, width)`. A width of 0 means no prior. The fit minimises the RMS plus
/// [`PRIOR_WEIGHT`] × Σ ((value − prior) / width)², which only chooses among parameter
/// sets that fit the data about equally well; the RMS reported is the data's alone.
pub const OFFICER_PRIORS: [(f64, f64); 2] = [(0.5, 0.1), (0.955, 0.02)];

/// The priors of a structure: its first corps' own, else [`OFFICER_PRIORS`].
pub fn priors(st: &crate::force::ForceStructure) -> [(f64, f64); 2] {
    let d = st.corps_defaults.first().copied().unwrap_or_default();
    [d.decision_prior.unwrap_or(OFFICER_PRIORS[0]), d.careerist_prior.unwrap_or(OFFICER_PRIORS[1])]
}

/// Weight of [`OFFICER_PRIORS`]: 0.1 point of RMS per squared width.
pub const PRIOR_WEIGHT: f64 = 0.001;

fn prior_penalty(v: &[f64; NPARAMS], priors: &[(f64, f64); 2], nc: usize) -> f64 {
    let z = |x: f64, (m, w): (f64, f64)| if w > 0.0 { ((x - m) / w).powi(2) } else { 0.0 };
    // The careerists' prior is on A's parameter: Z's when A = Z.
    let careerist = if nc > 1 { v[2] } else { v[3] };
    PRIOR_WEIGHT * (z(v[1], priors[0]) + z(careerist, priors[1]))
}

/// The search range of each parameter, in the order of [`PARAM_NAMES`].
pub const RANGES: [(f64, f64); NPARAMS] = [(0.70, 1.0), (0.10, 0.95), (0.85, 0.995), (0.85, 0.995), (0.8, 2.0)];

impl Params {
    /// The values in the order of [`PARAM_NAMES`].
    pub fn values(&self) -> [f64; NPARAMS] {
        [self.take_up, self.officer_decision, self.careerist[0], self.careerist[1], self.nco_capacity]
    }

    /// From values in the order of [`PARAM_NAMES`].
    pub fn from_values(v: [f64; NPARAMS]) -> Params {
        Params { take_up: v[0], officer_decision: v[1], careerist: [v[2], v[3]], nco_capacity: v[4] }
    }

    /// The values the baseline scenario and the built-in defaults use.
    pub fn shipped(spec: &ForceSpec, data: &ForceData) -> Params {
        let d = CadreDefaults::of(data);
        let z = data.structure.as_ref().map_or(1, |s| s.corps.len().max(1) - 1);
        Params {
            take_up: spec.take_up,
            officer_decision: d.decision[0],
            careerist: [if z > 0 { d.careerist[0] } else { 0.0 }, d.careerist[z]],
            nco_capacity: d.capacity[z],
        }
    }
}

/// How an anchor's date is read against the model's 1 July stocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timing {
    /// A yearly mean or a 1 July figure: the model's stock of the year.
    MidYear,
    /// A 31 December figure: the model at t + 0.5.
    YearEnd,
    /// A flow over the calendar year: the mean of the model's flows t−1 → t and t → t+1.
    CalendarFlow,
}

/// An observed figure and what it is compared with.
#[derive(Debug, Clone, PartialEq)]
pub struct Anchor {
    /// Output series (`officers`, `enlisted_army`, `total`, …).
    pub series: String,
    /// Year of the figure.
    pub year: i32,
    /// Persons (a stock) or persons a year (a flow).
    pub observed: f64,
    /// The measure as written in the data.
    pub measure: String,
    /// How the date is read.
    pub timing: Timing,
    /// Whether the fit uses it.
    pub fitted: bool,
    /// Where it comes from.
    pub source: String,
}

impl Anchor {
    /// The model time the anchor is compared at (1 July of `year` = `year`).
    pub fn time(&self) -> f64 {
        match self.timing {
            Timing::YearEnd => f64::from(self.year) + 0.5,
            _ => f64::from(self.year),
        }
    }

    /// Why the anchor is not fitted, if it is not.
    pub fn not_fitted_because(&self) -> Option<&'static str> {
        if self.fitted {
            None
        } else if self.measure == "authorised" {
            Some("authorised strength, a ceiling")
        } else if self.series == "enlisted" {
            Some("sum of the four services, fitted")
        } else if self.series == "long_service_separations" {
            Some("checks the careerists' continuation")
        } else {
            Some("outside the model's years or the fit window")
        }
    }
}

/// The anchors of the data, fitted or not.
pub fn anchors(data: &ForceData, first: i32, base_year: i32) -> Vec<Anchor> {
    let mut out = Vec::new();
    let push = |out: &mut Vec<Anchor>, series: String, r: &ForceRow, timing: Timing, fitted: bool| {
        out.push(Anchor {
            series,
            year: r.year,
            observed: r.value,
            measure: r.measure.clone(),
            timing,
            fitted,
            source: r.source.clone(),
        });
    };
    let in_model = |t: f64| t >= f64::from(first) && t <= f64::from(base_year);
    let st = data.structure();
    let fitted_names = fitted_series(st);
    let keys: Vec<&str> = st.corps_keys().into_iter().chain(["enlisted"]).collect();
    for key in keys {
        let branches: Vec<&str> =
            if key == "enlisted" { std::iter::once("all").chain(st.branch_keys()).collect() } else { vec!["all"] };
        for b in branches {
            let series = if b == "all" { key.to_string() } else { format!("{key}_{b}") };
            for r in data.rows.iter().filter(|r| r.key == key && r.branch == b) {
                let timing = if r.measure == "year-end" { Timing::YearEnd } else { Timing::MidYear };
                let t = if timing == Timing::YearEnd { f64::from(r.year) + 0.5 } else { f64::from(r.year) };
                let fitted = fitted_names.contains(&series) && r.measure != "authorised" && in_model(t);
                push(&mut out, series.clone(), r, timing, fitted);
            }
        }
    }
    for r in data.rows.iter().filter(|r| r.key == "total" && r.branch == "all") {
        let timing = if r.measure == "year-end" { Timing::YearEnd } else { Timing::MidYear };
        let t = if timing == Timing::YearEnd { f64::from(r.year) + 0.5 } else { f64::from(r.year) };
        let fitted = r.measure != "authorised" && r.measure != "approximate" && in_model(t);
        push(&mut out, "total".into(), r, timing, fitted);
    }
    if st.fit_intakes {
        // A year's intake (enlistments over the calendar year) is the model's row of the
        // year: its intake is enlisted uniformly over the year.
        for r in data.rows.iter().filter(|r| r.key == "enlistments" && r.branch == "all") {
            push(&mut out, "enlistments".into(), r, Timing::MidYear, in_model(f64::from(r.year)));
        }
    }
    for r in data.rows.iter().filter(|r| r.key == "nco_shortfall" && r.branch == "all") {
        push(&mut out, "nco_shortfall".into(), r, Timing::MidYear, in_model(f64::from(r.year)));
    }
    for r in data.rows.iter().filter(|r| r.key == "long_service_discharges" && r.branch == "all") {
        let fitted = in_model(f64::from(r.year) - 1.0) && in_model(f64::from(r.year));
        push(&mut out, "long_service_separations".into(), r, Timing::CalendarFlow, fitted);
    }
    out
}

/// The model's yearly path from its first year.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelPath {
    /// The country's corps keys, by slot (the stock series' names).
    pub corps: Vec<String>,
    /// The country's branch keys, by slot (`enlisted_<key>`).
    pub branches: Vec<String>,
    /// First year.
    pub first: i32,
    /// One row per year from `first`.
    pub rows: Vec<ForceYear>,
}

impl ModelPath {
    /// The years of the path.
    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        (0..self.rows.len()).map(|i| self.first + i as i32)
    }

    /// A stock at model time `t`, linear between 1 July values; `None` outside the path.
    pub fn at(&self, f: impl Fn(&ForceYear) -> f64, t: f64) -> Option<f64> {
        let last = self.first + self.rows.len() as i32 - 1;
        if self.rows.is_empty() || t < f64::from(self.first) || t > f64::from(last) {
            return None;
        }
        // `interpolate` over the yearly points, without collecting them (same arithmetic).
        let t0 = f64::from(self.first);
        if t <= t0 {
            return Some(f(&self.rows[0]));
        }
        let i = ((t - t0).ceil() as usize).clamp(1, self.rows.len() - 1);
        let (y0, v0, v1) = (t0 + (i - 1) as f64, f(&self.rows[i - 1]), f(&self.rows[i]));
        Some(v0 + (v1 - v0) * (t - y0) / (y0 + 1.0 - y0))
    }

    /// A flow over calendar year `year`: the mean of the rows `year − 1` and `year` (each
    /// a flow from 1 July to 1 July).
    pub fn calendar_flow(&self, f: impl Fn(&ForceYear) -> f64, year: i32) -> Option<f64> {
        let i = usize::try_from(year - 1 - self.first).ok()?;
        let (a, b) = (self.rows.get(i)?, self.rows.get(i + 1)?);
        Some(0.5 * (f(a) + f(b)))
    }

    /// The model's value for an anchor's series at its time.
    pub fn value(&self, a: &Anchor) -> Option<f64> {
        self.value_of(self.pick(&a.series)?, a)
    }

    /// Which number of a year a series is; `None` for a series the model has not.
    fn pick(&self, series: &str) -> Option<Pick> {
        Pick::of(series, &self.corps, &self.branches)
    }

    /// The model's value of `pick` at the anchor's time ([`ModelPath::value`] with the
    /// series already resolved).
    pub fn value_of(&self, pick: Pick, a: &Anchor) -> Option<f64> {
        let f = |y: &ForceYear| pick.get(y);
        match a.timing {
            Timing::CalendarFlow => self.calendar_flow(f, a.year),
            _ => self.at(f, a.time()),
        }
    }
}

/// The number of a model year an anchor's series compares with, resolved once from the
/// series' name (the calibration evaluates thousands of paths against the same anchors).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    /// `enlisted`: conscripts serving.
    Conscripts,
    /// `enlistments`: the year's intake.
    Intake,
    /// `total`: the force available.
    Available,
    /// `nco_shortfall`: the last corps' shortfall (Korea's NCOs).
    Shortfall(usize),
    /// `long_service_separations`.
    LongSeparations,
    /// A corps' stock, by slot.
    Corps(usize),
    /// `enlisted_<branch>`: a branch's conscripts, by slot.
    Branch(usize),
}

impl Pick {
    /// The pick of a series name given the country's corps and branch keys.
    pub fn of(series: &str, corps: &[String], branches: &[String]) -> Option<Pick> {
        Some(match series {
            "enlisted" => Pick::Conscripts,
            "enlistments" => Pick::Intake,
            "total" => Pick::Available,
            "nco_shortfall" => Pick::Shortfall(corps.len().saturating_sub(1)),
            "long_service_separations" => Pick::LongSeparations,
            s => match corps.iter().position(|c| c == s) {
                Some(c) => Pick::Corps(c),
                None => {
                    let k = s.strip_prefix("enlisted_")?;
                    Pick::Branch(branches.iter().position(|b| b == k)?)
                }
            },
        })
    }

    /// The number in year `y`.
    #[inline]
    pub fn get(self, y: &ForceYear) -> f64 {
        match self {
            Pick::Conscripts => y.conscripts,
            Pick::Intake => y.intake,
            Pick::Available => y.available,
            Pick::Shortfall(c) => y.corps_shortfall[c],
            Pick::LongSeparations => y.long_service_separations,
            Pick::Corps(c) => y.corps[c],
            Pick::Branch(i) => y.conscripts_by_branch[i],
        }
    }
}

/// What the fit runs on: the baseline's force parameters, the data and the populations.
#[derive(Debug, Clone)]
pub struct Setup<'a> {
    spec: ForceSpec,
    data: &'a ForceData,
    base_year: i32,
    first: i32,
    base: Population,
    history: Vec<Population>,
    defaults: CadreDefaults,
    nc: usize,
    priors: [(f64, f64); 2],
    anchors: Vec<Anchor>,
    // The fitted series ([`fitted_series`]); per series its fitted anchors' indices and weight.
    series_names: Vec<String>,
    fitted: Vec<Vec<usize>>,
    /// Each anchor's series resolved ([`Pick`]), `None` for one the model has not.
    picks: Vec<Option<Pick>>,
    weights: Vec<f64>,
}

impl<'a> Setup<'a> {
    fn model_path(&self, rows: Vec<ForceYear>) -> ModelPath {
        let st = self.data.structure();
        ModelPath {
            corps: st.corps_keys().into_iter().map(String::from).collect(),
            branches: st.branch_keys().into_iter().map(String::from).collect(),
            first: self.first,
            rows,
        }
    }

    /// A path of `rows` for [`Setup::rms`] alone, without the series names (which the RMS
    /// does not read; thousands of design points are evaluated, each would allocate them).
    fn rows_path(&self, rows: Vec<ForceYear>) -> ModelPath {
        ModelPath { corps: Vec::new(), branches: Vec::new(), first: self.first, rows }
    }

    /// The populations and anchors for the baseline's force parameters `spec`.
    pub fn new(inputs: &'a Inputs, spec: &ForceSpec, base: Population, base_year: i32) -> Result<Setup<'a>> {
        let data = &inputs.data.force;
        let plan = ForcePlan::new(spec, data, base_year, base_year)?;
        let history = force::history_populations(&base, base_year, plan.first, &inputs.mortality);
        let anchors = anchors(data, plan.first, base_year);
        if !anchors.iter().any(|a| a.fitted) {
            return Err(Error::data(
                Path::new(crate::data::force::files::INPUTS),
                None,
                "key",
                format!("no observed strengths between {} and {base_year} to calibrate against", plan.first),
            ));
        }
        let series_names = fitted_series(data.structure());
        let fitted = series_names
            .iter()
            .map(|s| (0..anchors.len()).filter(|&i| anchors[i].fitted && anchors[i].series == *s).collect())
            .collect();
        let mut setup = Setup {
            spec: spec.clone(),
            data,
            base_year,
            first: plan.first,
            base,
            history,
            defaults: CadreDefaults::of(data),
            nc: data.structure().corps.len(),
            priors: priors(data.structure()),
            picks: {
                let st = data.structure();
                let keys = |v: Vec<&str>| v.into_iter().map(String::from).collect::<Vec<_>>();
                let (corps, branches) = (keys(st.corps_keys()), keys(st.branch_keys()));
                anchors.iter().map(|a| Pick::of(&a.series, &corps, &branches)).collect()
            },
            anchors,
            series_names,
            fitted,
            weights: Vec::new(),
        };
        setup.weights = setup.series_names.iter().map(|s| setup.weight(s)).collect();
        Ok(setup)
    }

    /// The plan with parameters `p` up to `last`.
    fn plan(&self, p: &Params, last: i32) -> Result<ForcePlan> {
        let mut spec = self.spec.clone();
        spec.take_up = p.take_up;
        let cadre = p.cadre(self.nc, &self.defaults);
        ForcePlan::with_defaults(&spec, self.data, self.base_year, last, &cadre)
    }

    /// The model's path from its first year to the base year with parameters `p`.
    pub fn path(&self, p: &Params) -> Result<ModelPath> {
        let plan = self.plan(p, self.base_year)?;
        let (mut state, mut rows) = force::prepare(&plan, &self.history, &self.base);
        rows.push(state.step(&plan, self.base_year, &self.base));
        Ok(self.model_path(rows))
    }

    /// The shipped parameters (the scenario's take-up and the built-in defaults).
    pub fn shipped(&self) -> Params {
        Params::shipped(&self.spec, self.data)
    }

    /// The model's first year.
    pub fn first(&self) -> i32 {
        self.first
    }

    /// The objective RMS of the path over the history years and the base year that `plan`
    /// (which must cover them; built on the same data and base population) takes with the
    /// deviations `adjust` acting from the first year, and the force state ready to step
    /// the base year. This is the Monte Carlo's path: with the deviations that turn the
    /// plan's parameters into a [`Params`], the RMS equals [`Setup::path`]'s with them.
    pub fn evaluate(&self, plan: &ForcePlan, adjust: force::Adjust) -> (f64, force::ForceState) {
        let (state, mut rows) = force::prepare_with(plan, &self.history, &self.base, adjust);
        let mut next = state.clone();
        rows.push(next.step(plan, self.base_year, &self.base));
        (self.rms(&self.rows_path(rows)), state)
    }

    /// [`Setup::evaluate`] of eight deviations at once, their force models stepped
    /// together in the force lanes ([`force::LaneState`], which `lanes` holds between
    /// calls): the same RMS and states bit for bit. None where the CPU lacks AVX2 and FMA
    /// (x86-64) or the lanes cannot hold the states; evaluate one at a time then.
    pub fn evaluate_lanes(
        &self,
        plan: &ForcePlan,
        adjusts: &[force::Adjust; crate::simd::L],
        lanes: &mut force::LaneState,
    ) -> Option<Vec<(f64, force::ForceState)>> {
        #[cfg(target_arch = "x86_64")]
        {
            if !crate::simd::avx2_fma() {
                return None;
            }
            // SAFETY: the CPU supports AVX2 and FMA (checked just above).
            unsafe { self.evaluate_lanes_avx2(plan, adjusts, lanes) }
        }
        #[cfg(not(target_arch = "x86_64"))]
        self.evaluate_lanes_in(plan, adjusts, lanes)
    }

    /// [`Setup::evaluate_lanes`] compiled for AVX2 and FMA.
    ///
    /// # Safety
    /// The CPU must support AVX2 and FMA.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn evaluate_lanes_avx2(
        &self,
        plan: &ForcePlan,
        adjusts: &[force::Adjust; crate::simd::L],
        lanes: &mut force::LaneState,
    ) -> Option<Vec<(f64, force::ForceState)>> {
        self.evaluate_lanes_in(plan, adjusts, lanes)
    }

    /// [`force::prepare_with`] and the base year's step of [`Setup::evaluate`] in the
    /// lanes: the history under each lane's historical deviations, then the full ones.
    #[inline(always)]
    fn evaluate_lanes_in(
        &self,
        plan: &ForcePlan,
        adjusts: &[force::Adjust; crate::simd::L],
        lanes: &mut force::LaneState,
    ) -> Option<Vec<(f64, force::ForceState)>> {
        let first = self.history.first().unwrap_or(&self.base);
        let historical = adjusts.map(|a| a.historical());
        let mut states: Vec<force::ForceState> =
            historical.iter().map(|a| force::ForceState::start_with(plan, first, *a)).collect();
        if !lanes.load(plan, std::array::from_fn(|l| &states[l]), &historical) {
            return None;
        }
        let mut rows: Vec<Vec<ForceYear>> =
            (0..crate::simd::L).map(|_| Vec::with_capacity(self.history.len() + 1)).collect();
        // Plain loops: a closure would be compiled without the caller's AVX2.
        for (t, p) in self.history.iter().enumerate() {
            let years = lanes.step(plan, plan.first + t as i32, p).lanes();
            for (r, y) in rows.iter_mut().zip(years) {
                r.push(y);
            }
        }
        for (l, state) in states.iter_mut().enumerate() {
            lanes.store_lane(l, state);
            state.adjust = adjusts[l];
        }
        lanes.set_active_shift(adjusts);
        let years = lanes.step(plan, self.base_year, &self.base).lanes();
        let mut out = Vec::with_capacity(crate::simd::L);
        for ((mut r, y), state) in rows.into_iter().zip(years).zip(states) {
            r.push(y);
            out.push((self.rms(&self.rows_path(r)), state));
        }
        Some(out)
    }

    /// The force available in `year` of the projection `pops` (one per year from the base
    /// year) with parameters `p`.
    pub fn projected(&self, p: &Params, pops: &[Population], year: i32) -> Result<f64> {
        let plan = self.plan(p, year)?;
        let n = usize::try_from(year - self.base_year + 1).unwrap_or(0).min(pops.len());
        let r = force::simulate_with(&plan, &self.history, &pops[..n]);
        Ok(r.years.last().map(|y| y.available).unwrap_or(0.0))
    }

    /// The relative errors of series `k`'s fitted anchors into `out` (cleared first), in
    /// anchor order.
    fn series_errors(&self, path: &ModelPath, k: usize, out: &mut Vec<f64>) {
        out.clear();
        let idx = &self.fitted[k];
        let value = |i: usize| self.picks[i].and_then(|p| path.value_of(p, &self.anchors[i]));
        if self.series_names[k] == "long_service_separations" {
            // Their level, not their trend: the discharges rose 42% from 2020 to 2024 with
            // voluntary discharges, which a continuation constant in time cannot follow;
            // their mean checks careerists' continuation.
            let (m, o, n) = idx
                .iter()
                .filter_map(|&i| value(i).map(|m| (m, self.anchors[i].observed)))
                .fold((0.0, 0.0, 0), |(x, y, n), (m, o)| (x + m, y + o, n + 1));
            if n > 0 {
                out.push(m / o - 1.0);
            }
            return;
        }
        for &i in idx {
            let a = &self.anchors[i];
            let Some(m) = value(i) else { continue };
            if a.series == "nco_shortfall" {
                // A difference of two stocks: its miss is measured against the NCO
                // requirement, so 1,000 too few weighs as 1,000 NCOs.
                let last = self.nc.saturating_sub(1);
                let Some(ncos) = path.at(|y| y.corps[last], a.time()) else { continue };
                out.push((m - a.observed) / (m + ncos).max(1.0));
            } else {
                out.push(m / a.observed - 1.0);
            }
        }
    }

    /// The weight of a fitted series in the objective: 1, except the enlisted by service,
    /// which together weigh 1, each by its share of the enlisted strength (so the small
    /// services do not steer the take-up of the Army's conscripts).
    pub fn weight(&self, series: &str) -> f64 {
        if series == "nco_shortfall" {
            return SHORTFALL_WEIGHT;
        }
        if !series.starts_with("enlisted_") {
            return 1.0;
        }
        let mean = |s: &str| {
            let v: Vec<f64> = self.anchors.iter().filter(|a| a.fitted && a.series == s).map(|a| a.observed).collect();
            if v.is_empty() { 0.0 } else { v.iter().sum::<f64>() / v.len() as f64 }
        };
        let all: f64 = self.data.structure().branch_keys().iter().map(|b| mean(&format!("enlisted_{b}"))).sum();
        if all > 0.0 { mean(series) / all } else { 0.0 }
    }

    /// The objective: the root of the weighted mean over the fitted series of each
    /// series' mean squared relative error ([`Setup::weight`]).
    pub fn rms(&self, path: &ModelPath) -> f64 {
        let (mut sum, mut wsum) = (0.0, 0.0);
        let mut e = Vec::with_capacity(self.anchors.len());
        for k in 0..self.fitted.len() {
            self.series_errors(path, k, &mut e);
            if e.is_empty() {
                continue;
            }
            let w = self.weights[k];
            sum += w * e.iter().map(|x| x * x).sum::<f64>() / e.len() as f64;
            wsum += w;
        }
        if wsum > 0.0 { (sum / wsum).sqrt() } else { f64::INFINITY }
    }

    fn objective(&self, p: &Params) -> f64 {
        match self.path(p) {
            Ok(path) => self.rms(&path),
            Err(_) => f64::INFINITY,
        }
    }
}

/// One evaluated parameter set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Trial {
    /// The parameters.
    pub params: Params,
    /// Objective RMS.
    pub rms: f64,
}

/// A series' fit.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesFit {
    /// Series name.
    pub series: String,
    /// Fitted anchors.
    pub n: usize,
    /// RMS relative error over them.
    pub rms: f64,
}

/// Everything the calibration found.
#[derive(Debug, Clone)]
pub struct Calibration {
    /// Every anchor.
    pub anchors: Vec<Anchor>,
    /// The model's first year.
    pub first: i32,
    /// The base year.
    pub base_year: i32,
    /// The best parameters.
    pub best: Trial,
    /// The model path with them.
    pub path: ModelPath,
    /// RMS per series with them (every series with an anchor in the model's years).
    pub series: Vec<SeriesFit>,
    /// The shipped parameters (baseline scenario and defaults) and their RMS.
    pub shipped: Trial,
    /// Every parameter set within [`NEAR`] of the best.
    pub near: Vec<Trial>,
    /// The range of each parameter over `near` ([`PARAM_NAMES`] order).
    pub near_ranges: [(f64, f64); NPARAMS],
    /// Force available in [`PROJECTION_YEAR`] with the best parameters and its range over `near`.
    pub available_2040: (f64, f64, f64),
    /// Evaluations made.
    pub evaluations: usize,
    /// The parameters' names in the country's structure ([`param_names`]).
    pub names: [Option<String>; NPARAMS],
    /// The country's corps: key and label.
    pub corps: Vec<(String, String)>,
    /// The defence authority whose figures the anchors are.
    pub authority: String,
    /// The country's conscript branches: key and label.
    pub branches: Vec<(String, String)>,
    /// The strength series' source, as charts cite it.
    pub strength_source: String,
}

fn grid(lo: f64, hi: f64, n: usize) -> impl Iterator<Item = f64> {
    (0..n).map(move |i| lo + (hi - lo) * i as f64 / (n - 1) as f64)
}

/// Runs the calibration with the baseline's force parameters `spec`, base population
/// `base` of `base_year`, and its projection `pops` (one population per year from the
/// base year, at least to [`PROJECTION_YEAR`]).
pub fn run(
    inputs: &Inputs,
    spec: &ForceSpec,
    base: &Population,
    base_year: i32,
    pops: &[Population],
) -> Result<Calibration> {
    let setup = Setup::new(inputs, spec, base.clone(), base_year)?;
    let mut trials: Vec<Trial> = Vec::new();
    let eval = |v: [f64; NPARAMS], trials: &mut Vec<Trial>| {
        let p = Params::from_values(v);
        let rms = setup.objective(&p);
        trials.push(Trial { params: p, rms });
        rms + prior_penalty(&v, &setup.priors, setup.nc)
    };
    // A's careerists are searched only when A is not Z (else the parameter is unused).
    let used = |k: usize| k != 2 || setup.nc > 1;
    // Grid: 5 × 5 × 7 × 7 cadre sets, each with 7 take-ups.
    for d in grid(RANGES[1].0, RANGES[1].1, 5) {
        let kos: Vec<f64> = if used(2) { grid(RANGES[2].0, RANGES[2].1, 5).collect() } else { vec![0.0] };
        for ko in kos {
            for kn in grid(RANGES[3].0, RANGES[3].1, 7) {
                for cap in grid(RANGES[4].0, RANGES[4].1, 7) {
                    for u in grid(RANGES[0].0, RANGES[0].1, 7) {
                        eval([u, d, ko, kn, cap], &mut trials);
                    }
                }
            }
        }
    }
    let score = |t: &Trial| t.rms + prior_penalty(&t.params.values(), &setup.priors, setup.nc);
    let best_of = |t: &[Trial]| *t.iter().min_by(|a, b| score(a).total_cmp(&score(b))).expect("the grid is not empty");
    // Refinement: golden-section search along each parameter in turn, within its range.
    let mut x = best_of(&trials).params.values();
    let g = 0.5 * (5f64.sqrt() - 1.0);
    for _round in 0..4 {
        for k in (0..NPARAMS).filter(|&k| used(k)) {
            let (mut lo, mut hi) = RANGES[k];
            for _ in 0..24 {
                let (a, b) = (hi - g * (hi - lo), lo + g * (hi - lo));
                let mut va = x;
                va[k] = a;
                let mut vb = x;
                vb[k] = b;
                if eval(va, &mut trials) < eval(vb, &mut trials) {
                    hi = b;
                } else {
                    lo = a;
                }
            }
            let mut v = x;
            v[k] = 0.5 * (lo + hi);
            if eval(v, &mut trials) <= eval(x, &mut trials) {
                x = v;
            }
        }
    }
    let best = Trial { params: Params::from_values(x), rms: setup.objective(&Params::from_values(x)) };
    let path = setup.path(&best.params)?;
    let shipped_p = Params::shipped(spec, setup.data);
    let shipped = Trial { params: shipped_p, rms: setup.objective(&shipped_p) };
    let evaluations = trials.len();
    let near: Vec<Trial> = trials.into_iter().filter(|t| t.rms <= best.rms + NEAR).collect();
    let mut near_ranges = [(f64::MAX, f64::MIN); NPARAMS];
    for t in &near {
        for (k, v) in t.params.values().into_iter().enumerate() {
            near_ranges[k] = (near_ranges[k].0.min(v), near_ranges[k].1.max(v));
        }
    }
    let a_best = setup.projected(&best.params, pops, PROJECTION_YEAR)?;
    let (mut lo, mut hi) = (a_best, a_best);
    for t in &near {
        let a = setup.projected(&t.params, pops, PROJECTION_YEAR)?;
        lo = lo.min(a);
        hi = hi.max(a);
    }
    let mut series: Vec<SeriesFit> = Vec::new();
    for a in &setup.anchors {
        if !series.iter().any(|s| s.series == a.series) {
            let e: Vec<f64> = setup
                .anchors
                .iter()
                .filter(|b| b.series == a.series && (b.fitted || !setup.series_names.contains(&b.series)))
                .filter(|b| b.measure != "authorised")
                .filter_map(|b| path.value(b).map(|m| m / b.observed - 1.0))
                .collect();
            if !e.is_empty() {
                let rms = (e.iter().map(|x| x * x).sum::<f64>() / e.len() as f64).sqrt();
                series.push(SeriesFit { series: a.series.clone(), n: e.len(), rms });
            }
        }
    }
    let c = Calibration {
        anchors: setup.anchors.clone(),
        first: setup.first,
        base_year,
        best,
        path,
        series,
        shipped,
        near,
        near_ranges,
        available_2040: (a_best, lo, hi),
        evaluations,
        names: param_names(setup.data.structure()),
        authority: setup.data.structure().authority.clone(),
        branches: setup.data.structure().branches.iter().map(|b| (b.key.clone(), b.label.clone())).collect(),
        strength_source: setup.data.structure().strength_source.clone(),
        corps: setup.data.structure().corps.iter().map(|c| (c.key.clone(), c.label.clone())).collect(),
    };
    crate::output::guard::force_calibration(&c)?;
    Ok(c)
}

impl Calibration {
    /// The RMS relative error of a series (fitted anchors; every non-authorised anchor
    /// of a series the fit does not use).
    pub fn series_rms(&self, series: &str) -> Option<f64> {
        self.series.iter().find(|s| s.series == series).map(|s| s.rms)
    }

    /// The model's value for each anchor (`None` outside the model's years).
    pub fn compared(&self) -> impl Iterator<Item = (&Anchor, Option<f64>)> {
        self.anchors.iter().map(|a| (a, self.path.value(a)))
    }
}

/// The CSV header of `force_calibration.csv`.
pub const CSV_HEADER: &str = "series,year,observed,model,error_pct,measure,model_time,fitted,source";

/// Writes `force_calibration.csv`: one row per anchor the model covers.
pub fn write_csv(c: &Calibration, path: &Path) -> Result<()> {
    let mut s = format!("{CSV_HEADER}\n");
    for (a, m) in c.compared() {
        let Some(m) = m else { continue };
        let time = match a.timing {
            Timing::CalendarFlow => format!("{}-{} (calendar year)", a.year - 1, a.year),
            _ => format!("{:.1}", a.time()),
        };
        let _ = writeln!(
            s,
            "{},{},{:.0},{:.0},{:.2},{},{},{},\"{}\"",
            a.series,
            a.year,
            a.observed,
            m,
            pct(m, a.observed),
            a.measure,
            time,
            if a.fitted { "yes" } else { "no" },
            a.source.replace('"', "'")
        );
    }
    std::fs::write(path, s).map_err(|e| Error::io(path, e))
}

/// The CSV header of `force_calibration_years.csv`.
pub const YEARS_HEADER: &str = "year,officers,ncos,cadre,conscripts,conscripts_army,conscripts_navy,conscripts_air_force,conscripts_marines,force_available,cadre_requirement,nco_shortfall,cadre_accessions,cadre_separations,long_service_separations,conscript_intake";

/// The numbers of one row of `force_calibration_years.csv` (after the year).
pub fn year_values(y: &ForceYear) -> [f64; 15] {
    let b = y.conscripts_by_branch;
    [
        y.corps[0],
        y.corps[1],
        y.cadre,
        y.conscripts,
        b[0],
        b[1],
        b[2],
        b[3],
        y.available,
        y.cadre_requirement,
        y.corps_shortfall[1],
        y.cadre_accessions,
        y.cadre_separations,
        y.long_service_separations,
        y.intake,
    ]
}

/// Writes `force_calibration_years.csv`: the model's path with the fitted parameters.
pub fn write_years_csv(c: &Calibration, path: &Path) -> Result<()> {
    let mut s = format!("{YEARS_HEADER}\n");
    for (year, y) in c.path.years().zip(&c.path.rows) {
        let v: Vec<String> = year_values(y).iter().map(|x| format!("{x:.0}")).collect();
        let _ = writeln!(s, "{year},{}", v.join(","));
    }
    std::fs::write(path, s).map_err(|e| Error::io(path, e))
}

/// The error in percent, rounded to two decimals, with a rounded -0.00 written as 0.00.
fn pct(model: f64, observed: f64) -> f64 {
    (100.0 * (model / observed - 1.0) * 100.0).round() / 100.0 + 0.0
}

/// The fitted parameters in words, with the country's corps names (the chart's subtitle).
pub fn params_text(c: &Calibration, p: &Params) -> String {
    params_line(c, p)
}

fn params_line(c: &Calibration, p: &Params) -> String {
    let (a, z) = (&c.corps[0].1, &c.corps[c.corps.len() - 1].1);
    let careerists = if c.corps.len() > 1 {
        format!("careerists' continuation {} {:.4} / {} {:.4}", lower(a), p.careerist[0], z, p.careerist[1])
    } else {
        format!("careerists' continuation {:.4}", p.careerist[1])
    };
    format!(
        "take_up {:.3}, {}' decision continuation {:.3}, {careerists}, {} capacity {:.3}",
        p.take_up,
        lower(a),
        p.officer_decision,
        singular(z),
        p.nco_capacity
    )
}

/// "Officers" → "officers"; an acronym ("NCOs") stays.
fn lower(label: &str) -> String {
    let mut c = label.chars();
    match (c.next(), c.next()) {
        (Some(f), Some(s)) if !s.is_uppercase() => f.to_lowercase().chain(label.chars().skip(1)).collect(),
        _ => label.to_string(),
    }
}

/// "NCOs" → "NCO"; a label of several words keeps its first word's singular
/// ("Volunteers (officers, …)" → "volunteer").
fn singular(label: &str) -> String {
    let first = label.split_whitespace().next().unwrap_or(label);
    let one = first.strip_suffix('s').unwrap_or(first);
    lower(one)
}

/// The table printed by `forcecast backtest --force`.
pub fn report(c: &Calibration) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Force calibration: the force model over {}-{} (registration base of {} carried back) against the sourced series of force_inputs.csv",
        c.first, c.base_year, c.base_year
    );
    let _ = writeln!(
        s,
        "measures: 'average operating' ({} yearly mean) and 'mid-year' vs the model's 1 July stock; 'year-end' vs the model at t+0.5; 'authorised' shown, never fitted",
        c.authority
    );
    let _ = writeln!(
        s,
        "{:<26} {:>5} {:>9} {:>9} {:>8}  {:<18} fitted",
        "series", "year", "observed", "model", "err %", "measure"
    );
    for (a, m) in c.compared() {
        let model = m.map(|m| format!("{m:>9.0}")).unwrap_or_else(|| format!("{:>9}", "-"));
        let err = m.map(|m| format!("{:>+8.2}", pct(m, a.observed))).unwrap_or_else(|| format!("{:>8}", "-"));
        let why = match (a.fitted, m) {
            (true, _) => "yes".to_string(),
            (false, None) => format!("no (before the model's first year, {})", c.first),
            (false, Some(_)) => format!("no ({})", a.not_fitted_because().unwrap_or("")),
        };
        let _ =
            writeln!(s, "{:<26} {:>5} {:>9.0} {model} {err}  {:<18} {why}", a.series, a.year, a.observed, a.measure);
    }
    if c.corps.len() > 1 {
        let names: Vec<String> = c.corps.iter().map(|(_, l)| lower(l)).collect();
        let _ = writeln!(
            s,
            "not compared: {} by service (the model does not split the cadre by service)",
            crate::force::branch::prose_list(names.iter().map(String::as_str))
        );
    }
    let _ = writeln!(s, "RMS relative error per series (fitted anchors):");
    let later = |series: &str| {
        let e: Vec<f64> = c
            .compared()
            .filter(|(a, _)| a.fitted && a.series == series && a.year > c.first)
            .filter_map(|(a, m)| m.map(|m| m / a.observed - 1.0))
            .collect();
        if e.is_empty() { 0.0 } else { (e.iter().map(|x| x * x).sum::<f64>() / e.len() as f64).sqrt() }
    };
    for f in &c.series {
        let _ = writeln!(s, "  {:<26} {:>6.2}% ({} anchors)", f.series, 100.0 * f.rms, f.n);
    }
    // The corps' first observed stocks start the model: their anchors of that year match
    // by construction; the later years alone.
    let corps_names: Vec<String> = c.corps.iter().map(|(_, l)| lower(l)).collect();
    let last_year =
        c.compared().filter(|(a, _)| a.fitted && c.corps.iter().any(|k| k.0 == a.series)).map(|(a, _)| a.year).max();
    let alone: Vec<String> = c.corps.iter().map(|(k, l)| format!("{} {:.2}%", lower(l), 100.0 * later(k))).collect();
    let _ = writeln!(
        s,
        "  ({} of {} are the model's starting stocks, matched by construction; over {}-{} alone: {})",
        crate::force::branch::prose_list(corps_names.iter().map(String::as_str)),
        c.first,
        c.first + 1,
        last_year.unwrap_or(c.first),
        alone.join(", ")
    );
    let _ = writeln!(
        s,
        "fitted: {}; objective RMS {:.2}% ({} evaluations)",
        params_line(c, &c.best.params),
        100.0 * c.best.rms,
        c.evaluations
    );
    let _ = writeln!(s, "shipped: {}; objective RMS {:.2}%", params_line(c, &c.shipped.params), 100.0 * c.shipped.rms);
    let _ = writeln!(
        s,
        "identification: {} parameter sets within {:.1} points of the best RMS; their ranges (search range):",
        c.near.len(),
        100.0 * NEAR
    );
    for (k, name) in c.names.iter().enumerate() {
        let Some(name) = name else { continue };
        let (lo, hi) = c.near_ranges[k];
        let (rlo, rhi) = RANGES[k];
        let share = (hi - lo) / (rhi - rlo);
        let verdict = if share < 0.15 {
            "identified"
        } else if share < 0.5 {
            "weakly identified"
        } else {
            "not identified"
        };
        let _ = writeln!(s, "  {name:<34} {lo:.3}-{hi:.3} ({rlo:.3}-{rhi:.3}): {verdict}");
    }
    let (a, lo, hi) = c.available_2040;
    let _ = writeln!(
        s,
        "force available in {PROJECTION_YEAR} (baseline projection): {a:.0} with the fitted parameters, {lo:.0}-{hi:.0} over the sets that fit about equally well ({:+.1}% to {:+.1}%)",
        100.0 * (lo / a - 1.0),
        100.0 * (hi / a - 1.0)
    );
    s
}
