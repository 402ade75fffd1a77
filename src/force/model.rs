//! The force model: conscripts by branch with terms fixed at enlistment, officers and
//! NCOs by completed years of service, the troop target and the gap.
//!
//! ## Conscripts
//! Men examined and liable in year t: E(t) = Σ_a e_a M_a(t) (the enlistment-age shares
//! e_a of each male cohort). The active-duty pool is E(t) × r(t), with r the
//! active-duty rate of the examination. From it go the alternative-service allocations
//! A(t) (research, industrial-technical, shipboard, objectors) and the men entering the
//! cadre; a share u (take-up) of the rest enlist:
//! I_m(t) = u × max(0, E r − A − cadre men), plus women volunteers I_f(t) = s(t) Σ_a v_a F_a(t).
//! Supplementary service (grade 4) takes E × min(g(t), 1 − r), g the sourced grade-4
//! share: the examined men's shares never sum above E, a higher active-duty rate drawing
//! from the supplementary share first. Alternative-service intake = A + E min(g, 1 − r).
//! The intake splits over the branches by their intake shares, derived year by year from
//! the enlisted stocks by service (the intake that, held constant, serves each stock).
//!
//! Intake of year t enlists uniformly over calendar year t, so its centre is 1 July t,
//! the date of the stocks. An enlistee of date τ serves L(τ) months, the term in force
//! at τ: the sourced schedule for dates before 1 July of the base year, the scenario's
//! path after. The stock of branch b at 1 July t is
//! Σ_k I_b(t − k) × w_b(t − k, k) × (1 − attrition)^k, with w the share of the intake's
//! enlistment dates still serving (integrated over 52 weekly slices, exact for a
//! constant term): for 18 months, ½ I(t) + I(t − 1).
//!
//! ## Cadre
//! Each corps is a stock by completed years of service y (the inventory, or Markov
//! manpower, model). Continuation from y to y + 1: `early` during the obligated term
//! T, `decision` at its end, `careerist` after it, 0 at the last year; profiles belong
//! to the year of accession. Accessions fill the requirement (target × cadre share ×
//! the corps' share) up to a recruiting capacity:
//! cap(t) = c Q* × f(t)/f(t₀) × M₂₀₋₂₉(t)/M₂₀₋₂₉(t₀) × (1 − w(t₀))/(1 − w(t)),
//! with Q* the accessions that sustain the observed stock of the first year t₀ under its
//! profile, c the capacity then as a multiple of Q* (calibrated: the NCO corps was still
//! growing in 2019-2022, so recruiting did more than sustain it), f the fill rate, M the
//! men aged 20-29 and w women's share of accessions. The first year's stock by years of service
//! is the profile's steady state scaled to the observed stock.
//!
//! The step reads the careerists' continuations from a table by accession year, shifted by
//! the state's deviations once (rebuilt when the plan or the shifts change), and the
//! conscripts' serving weights from one flat slice per year and branch: the same values
//! and operations as computing them per year of service, in fewer instructions (issue 16;
//! the unit test holds the step to the one before, bit for bit).
//!
//! The model starts in the first year of the observed officer and NCO stocks (2019 for
//! Korea) when that is before the base year, on populations carried back from the base
//! ([`history_populations`]), so that the base year's force is rebuilt from history with
//! the terms then in force and never depends on a scenario's policy.

use super::policy::{self, from_points};
use super::{Branch, Corps, MAX_BRANCHES, MAX_CORPS, defaults};
use crate::data::force::ForceData;
use crate::data::interpolate;
use crate::demography::Population;
use crate::error::{Error, Result};
use crate::scenario::ForceSpec;

mod lanes;
pub use lanes::{Each, LanePop, LaneState, LaneYear};

/// Weekly slices of a year's enlistment dates.
const SLICES: usize = 52;

/// One year of the force model.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ForceYear {
    /// Men liable: Σ_a e_a M_a.
    pub eligible_men: f64,
    /// Men of the birth cohort t − 20 at 1 July: ½ (M₁₉ + M₂₀).
    pub men_turning_20: f64,
    /// Men judged fit for active duty: eligible × active-duty rate.
    pub active_pool: f64,
    /// Conscript intake (men and women volunteers).
    pub intake: f64,
    /// Women volunteers in the intake.
    pub female_volunteers: f64,
    /// Serving conscripts by branch at 1 July, by slot of the country's structure.
    pub conscripts_by_branch: [f64; MAX_BRANCHES],
    /// Serving conscripts.
    pub conscripts: f64,
    /// Men entering alternative and supplementary service (reported, not in the force).
    pub alternative_service_intake: f64,
    /// Men entering the cadre drawn from the year's active pool: the liable share of the
    /// men accessions over the year before (the first year's own in the first year).
    /// With the men inducted and `alternative_service_intake`, never above
    /// `eligible_men` while the pool holds the allocations and these.
    pub cadre_men: f64,
    /// Each corps' stock at 1 July, by slot of the country's structure.
    pub corps: [f64; MAX_CORPS],
    /// The corps together.
    pub cadre: f64,
    /// Cadre requirement at 1 July (target × cadre share).
    pub cadre_requirement: f64,
    /// Each corps' requirement less its stock at 1 July (0 when above).
    pub corps_shortfall: [f64; MAX_CORPS],
    /// Cadre accessions over t → t+1.
    pub cadre_accessions: f64,
    /// Cadre separations over t → t+1.
    pub cadre_separations: f64,
    /// Separations with 10 or more completed years of service over t → t+1.
    pub long_service_separations: f64,
    /// Accessions needed but not recruited over t → t+1.
    pub cadre_shortfall: f64,
    /// Conscripts + the corps.
    pub available: f64,
    /// Troop target.
    pub target: f64,
    /// max(0, target − available).
    pub gap: f64,
}

/// Force results per projection year.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ForceResult {
    /// One row per year from the base year.
    pub years: Vec<ForceYear>,
}

impl ForceResult {
    /// One field over the years.
    pub fn series(&self, f: impl Fn(&ForceYear) -> f64) -> Vec<f64> {
        self.years.iter().map(f).collect()
    }
    /// The gap per year.
    pub fn gap(&self) -> Vec<f64> {
        self.series(|y| y.gap)
    }
    /// The available force per year.
    pub fn available(&self) -> Vec<f64> {
        self.series(|y| y.available)
    }
}

/// Everything of the force model that does not depend on the population: the policies
/// resolved year by year and the conscripts' serving weights.
#[derive(Debug, Clone)]
pub struct ForcePlan {
    /// Identity of the plan's contents (fresh at every construction and every
    /// [`ForcePlan::set_yearly_policies`]; a clone keeps it, having the same contents):
    /// the key of the tables a [`ForceState`] derives from the plan.
    id: u64,
    /// First simulated year (the cadre's observed start, or the base year if later).
    pub first: i32,
    /// Base year of the scenario.
    pub base_year: i32,
    /// Last simulated year.
    pub last: i32,
    /// Years of intake before `first` still serving in it.
    pub lookback: usize,
    /// Branches and corps the country declares (the first slots are used).
    nb: usize,
    nc: usize,
    /// Men born before this year are not liable ([`crate::force::ForceStructure`]).
    first_liable: Option<i32>,
    /// No one is liable before this year.
    first_liable_year: Option<i32>,
    enlist_ages: Vec<(usize, f64)>,
    vol_ages: Vec<(usize, f64)>,
    take_up: f64,
    // (1 − attrition)^k for k = 0..=lookback, as `powi` gives it (once, not every step).
    attrition_pow: Vec<f64>,
    // By year from first − lookback to last.
    active_rate: Vec<f64>,
    allocations: Vec<f64>,
    supplementary: Vec<f64>,
    female_scale: Vec<f64>,
    target: Vec<f64>,
    cadre_share: Vec<f64>,
    // The sourced paths of the two, which the history years plan for (the scenario's
    // policies act from the base year only).
    history_target: Vec<f64>,
    history_cadre_share: Vec<f64>,
    women_share: Vec<f64>,
    intake_share: [Vec<f64>; MAX_BRANCHES],
    weights: [Vec<Vec<f64>>; MAX_BRANCHES],
    // The weights a year's stocks read, flat: for year y of first − lookback..=last,
    // branch b and k = 0..=lookback, `weights[b][idx(y − k)][k]` at
    // ((y − p0) × nb + b) × (lookback + 1) + k, p0 = first − lookback (one slice per
    // year and branch instead of an index clamped and two lists followed per k).
    serving: Vec<f64>,
    fill: [Vec<f64>; MAX_CORPS],
    decision: [Vec<f64>; MAX_CORPS],
    careerist: [Vec<f64>; MAX_CORPS],
    obligated: [usize; MAX_CORPS],
    early: [f64; MAX_CORPS],
    max_years: [usize; MAX_CORPS],
    corps_share: [f64; MAX_CORPS],
    initial_stock: [f64; MAX_CORPS],
    capacity0: [f64; MAX_CORPS],
    // The base year's intake straddles the base date (1 July): the half enlisted before it
    // is history. The sourced defaults of the intake policies in the base year, and each
    // branch's serving weights of that intake split into the halves before and after.
    base_defaults: IntakePolicies,
    base_weights: [[Vec<f64>; 2]; MAX_BRANCHES],
}

/// A new [`ForcePlan::id`].
fn fresh_plan_id() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// The policies that set a year's conscript intake.
#[derive(Debug, Clone, Copy, Default)]
struct IntakePolicies {
    active_rate: f64,
    allocations: f64,
    female_scale: f64,
    shares: [f64; MAX_BRANCHES],
}

/// Share of intake year `y`'s enlistments (uniform over calendar year y, weekly slices
/// `slices` of [`SLICES`]) still serving at 1 July of y + k, each slice serving the term
/// (months) `term` gives at its middle: enlisted in [a, z), serving if τ ≤ t < τ + L.
fn serving(term: &dyn Fn(f64) -> f64, y: i32, k: usize, slices: std::ops::Range<usize>) -> f64 {
    let at = f64::from(y) + k as f64 + 0.5; // 1 July of y + k, calendar
    let width = 1.0 / SLICES as f64;
    slices
        .map(|j| {
            let a = f64::from(y) + j as f64 * width;
            let z = a + width;
            let l = term(0.5 * (a + z)) / 12.0;
            (z.min(at) - a.max(at - l)).max(0.0) / width
        })
        .sum::<f64>()
        / SLICES as f64
}

/// The data's first year of observed officer and NCO stocks.
pub fn observed_start(data: &ForceData) -> Option<i32> {
    let st = data.structure.as_ref()?;
    st.corps.iter().map(|c| data.series(&c.key, "all").first().map(|p| p.0)).try_fold(i32::MIN, |y, f| Some(y.max(f?)))
}

/// Branch intake shares derived from the latest year with enlisted stocks of every
/// branch: stock ÷ term after the cut, normalised.
pub fn derived_intake_shares(data: &ForceData) -> [f64; MAX_BRANCHES] {
    let st = data.structure();
    let series: Vec<Vec<(i32, f64)>> = st.branches.iter().map(|b| data.series("enlisted", &b.key)).collect();
    let last = series.iter().filter_map(|s| s.last().map(|p| p.0)).min().unwrap_or(0);
    let mut flow = [0.0; MAX_BRANCHES];
    for b in st.branch_slots() {
        let stock = series[b.0].iter().rfind(|p| p.0 <= last).map(|p| p.1).unwrap_or(0.0);
        flow[b.0] = stock / (data.schedule(b).after / 12.0);
    }
    let total: f64 = flow.iter().sum();
    if total > 0.0 {
        flow.map(|f| f / total)
    } else {
        // No enlisted stocks (a single branch needs none): equal shares of the branches.
        std::array::from_fn(|i| if i < st.branches.len() { 1.0 / st.branches.len() as f64 } else { 0.0 })
    }
}

/// The active-duty rate default: the data's series, then the mean of its last three years.
fn active_rate_points(data: &ForceData) -> Vec<(i32, f64)> {
    let mut p = data.series("active_duty_rate", "all");
    if let Some(&(y, _)) = p.last() {
        let tail: Vec<f64> = p.iter().rev().take(3).map(|q| q.1).collect();
        p.push((y + 1, tail.iter().sum::<f64>() / tail.len() as f64));
    }
    p
}

/// Survivorship l_y (share of an accession still serving at y completed years).
fn survivorship(p: &[f64]) -> Vec<f64> {
    let mut l = Vec::with_capacity(p.len());
    let mut x = 1.0;
    for &c in p {
        l.push(x);
        x *= c;
    }
    l
}

/// The active-duty rate's default at time `t`.
pub fn active_rate_default(data: &ForceData, t: f64) -> f64 {
    from_points(&active_rate_points(data), 0.85)(t)
}

/// The cadre's continuation defaults, which act before the base year (a scenario's
/// path acts only from it): the decision at the end of the obligated term (the data's
/// `long_service_share`, else the country's `[force.corps_defaults]`, else
/// [`defaults::DECISION_CONTINUATION`]), careerists' yearly continuation and the
/// recruiting capacity (the country's, else [`defaults`]). The calibration
/// (`backtest --force`) replaces them while it fits them. Slots past the country's
/// corps hold the generic defaults and are never stepped.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CadreDefaults {
    /// Continuation at the end of the obligated term, per corps.
    pub decision: [f64; MAX_CORPS],
    /// Careerists' yearly continuation, per corps.
    pub careerist: [f64; MAX_CORPS],
    /// Recruiting capacity in the first year as a multiple of the accessions that
    /// sustain the observed stock under its profile ([`defaults::CAPACITY`]).
    pub capacity: [f64; MAX_CORPS],
}

impl CadreDefaults {
    /// The defaults for `data`.
    pub fn of(data: &ForceData) -> CadreDefaults {
        let st = data.structure.as_ref();
        let given = |i: usize| st.and_then(|s| s.corps_defaults.get(i)).copied().unwrap_or_default();
        CadreDefaults {
            decision: std::array::from_fn(|i| {
                st.and_then(|s| s.corps.get(i))
                    .and_then(|c| data.value("long_service_share", &c.key))
                    .or(given(i).decision_continuation)
                    .unwrap_or(defaults::DECISION_CONTINUATION)
            }),
            careerist: std::array::from_fn(|i| {
                given(i).careerist_continuation.unwrap_or(defaults::CAREERIST_CONTINUATION)
            }),
            capacity: std::array::from_fn(|i| given(i).capacity.unwrap_or(defaults::CAPACITY)),
        }
    }
}

impl ForcePlan {
    /// Resolves the scenario's force policies over `first..=last` against the data.
    pub fn new(spec: &ForceSpec, data: &ForceData, base_year: i32, last: i32) -> Result<ForcePlan> {
        ForcePlan::with_defaults(spec, data, base_year, last, &CadreDefaults::of(data))
    }

    /// [`ForcePlan::new`] with the cadre's continuation defaults given.
    pub fn with_defaults(
        spec: &ForceSpec,
        data: &ForceData,
        base_year: i32,
        last: i32,
        cadre: &CadreDefaults,
    ) -> Result<ForcePlan> {
        data.require()?;
        let st = data.structure();
        let (nb, nc) = (st.branches.len(), st.corps.len());
        let start = observed_start(data).ok_or_else(|| {
            Error::data(
                std::path::Path::new(crate::data::force::files::INPUTS),
                None,
                &st.corps[0].key,
                "no observed stock",
            )
        })?;
        if spec.branches.len() != nb || spec.cadre.corps.len() != nc {
            return Err(Error::Usage(format!(
                "the scenario's force tables were read for another structure ({} branches and {} corps; the country declares {nb} and {nc})",
                spec.branches.len(),
                spec.cadre.corps.len()
            )));
        }
        let first = start.min(base_year);
        let base_cal = f64::from(base_year) + 0.5;
        // Every enlistment date's term, to size the lookback.
        let months_at = |b: Branch, cal: f64| -> f64 {
            let sched = data.schedule(b);
            policy::at(spec.branches[b.0].service_months.as_ref(), base_cal, cal, |c| sched.months_at(c))
        };
        let scan_from = first - 6;
        let mut longest: f64 = 1.0;
        for b in st.branch_slots() {
            for y in scan_from..=last {
                for j in 0..SLICES {
                    longest = longest.max(months_at(b, f64::from(y) + (j as f64 + 0.5) / SLICES as f64));
                }
            }
        }
        let lookback = (longest / 12.0).ceil() as usize + 1;
        let p0 = first - lookback as i32;
        let yearly = |change, default: &dyn Fn(f64) -> f64| {
            policy::yearly(change, base_year, p0, last, |y| default(f64::from(y)))
        };

        let alloc = data.series("alternative_allocation", "all");
        let objectors = data.series("objector_service", "all");
        let alloc_default = |t: f64| from_points(&alloc, 0.0)(t) + from_points(&objectors, 0.0)(t);
        let supplementary = data.series("supplementary_rate", "all");
        let target_default = |t: f64| interpolate(&st.target, t);
        let shares = derived_intake_shares(data);
        let mut plan = ForcePlan {
            id: fresh_plan_id(),
            first,
            base_year,
            last,
            lookback,
            nb,
            nc,
            first_liable: st.first_liable_cohort,
            first_liable_year: st.first_liable_year,
            enlist_ages: spec.enlistment_age_shares.clone(),
            vol_ages: spec.female_volunteer_age_shares.clone(),
            take_up: spec.take_up,
            attrition_pow: (0..=lookback).map(|k| (1.0 - spec.annual_attrition).powi(k as i32)).collect(),
            active_rate: yearly(spec.active_duty_rate.as_ref(), &from_points(&active_rate_points(data), 0.85)),
            allocations: yearly(spec.alternative_allocations.as_ref(), &alloc_default),
            supplementary: policy::yearly(None, base_year, p0, last, |y| {
                from_points(&supplementary, 0.0)(f64::from(y))
            }),
            female_scale: yearly(spec.female_volunteer_scale.as_ref(), &|_| 1.0),
            target: yearly(spec.target.as_ref(), &target_default),
            cadre_share: yearly(
                spec.cadre.target_share.as_ref(),
                &from_points(&data.series("cadre_share", "all"), 0.405),
            ),
            history_target: yearly(None, &target_default),
            history_cadre_share: yearly(None, &from_points(&data.series("cadre_share", "all"), 0.405)),
            women_share: yearly(
                spec.cadre.women_share.as_ref(),
                &from_points(&data.series("women_cadre_share", "all"), 0.0),
            ),
            intake_share: std::array::from_fn(|_| Vec::new()),
            weights: std::array::from_fn(|_| Vec::new()),
            serving: Vec::new(),
            fill: std::array::from_fn(|_| Vec::new()),
            decision: std::array::from_fn(|_| Vec::new()),
            careerist: std::array::from_fn(|_| Vec::new()),
            obligated: std::array::from_fn(|i| spec.cadre.corps.get(i).map_or(1, |c| c.obligated_years)),
            early: std::array::from_fn(|i| spec.cadre.corps.get(i).map_or(0.0, |c| c.early_continuation)),
            max_years: std::array::from_fn(|i| spec.cadre.corps.get(i).map_or(2, |c| c.max_years)),
            corps_share: [0.0; MAX_CORPS],
            initial_stock: [0.0; MAX_CORPS],
            capacity0: cadre.capacity,
            base_defaults: IntakePolicies::default(),
            base_weights: std::array::from_fn(|_| [Vec::new(), Vec::new()]),
        };
        for c in st.corps_slots() {
            let i = c.0;
            let cs = &spec.cadre.corps[i];
            let fill = data.series("fill_rate", st.corps_key(c));
            plan.fill[i] = yearly(cs.fill_rate.as_ref(), &from_points(&fill, 1.0));
            plan.decision[i] = yearly(cs.decision_continuation.as_ref(), &|_| cadre.decision[i]);
            plan.careerist[i] = yearly(cs.careerist_continuation.as_ref(), &|_| cadre.careerist[i]);
            let stock = data.series(st.corps_key(c), "all");
            plan.initial_stock[i] = stock.first().map(|p| p.1).unwrap_or(0.0);
        }
        // Each corps' share of the cadre requirement: its share of the first observed stocks.
        let total0: f64 = plan.initial_stock[..nc].iter().sum();
        for i in 0..nc {
            plan.corps_share[i] = if total0 > 0.0 { plan.initial_stock[i] / total0 } else { 1.0 / nc as f64 };
        }
        for b in st.branch_slots() {
            let term = |cal: f64| months_at(b, cal);
            plan.weights[b.0] =
                (p0..=last).map(|y| (0..=lookback).map(|k| serving(&term, y, k, 0..SLICES)).collect()).collect();
            // The base year's intake, split at 1 July into the enlistments before and after.
            plan.base_weights[b.0] = [0..SLICES / 2, SLICES / 2..SLICES]
                .map(|half| (0..=lookback).map(|k| serving(&term, base_year, k, half.clone())).collect());
        }
        let serving = (p0..=last)
            .flat_map(|y| (0..nb).flat_map(move |b| (0..=lookback).map(move |k| (y, b, k))))
            .map(|(y, b, k)| plan.weights[b][plan.idx(y - k as i32)][k])
            .collect();
        plan.serving = serving;
        // Intake shares by year from the enlisted stocks by service: a stock S_b(y) served
        // by a constant intake I_b holds I_b Σ_k w_b(y − k, k), so I_b = S_b(y) / Σ_k w_b(y − k, k);
        // the shares are the I_b normalised, held flat outside the data's years.
        let points = plan.stock_intake_shares(data);
        for (i, pts) in points.iter().enumerate().take(nb) {
            plan.intake_share[i] = yearly(spec.branches[i].intake_share.as_ref(), &from_points(pts, shares[i]));
        }
        let y = f64::from(base_year);
        plan.base_defaults = IntakePolicies {
            active_rate: from_points(&active_rate_points(data), 0.85)(y),
            allocations: alloc_default(y),
            female_scale: 1.0,
            shares: std::array::from_fn(|i| if i < nb { from_points(&points[i], shares[i])(y) } else { 0.0 }),
        };
        Ok(plan)
    }

    /// Re-resolves, in place, the yearly policies that leave the conscripts' terms and
    /// intake shares alone: the active-duty rate, women volunteers' scale and each corps'
    /// decision and careerists' continuation and fill rate, from `spec` (as
    /// [`ForcePlan::new`] resolves them). For searches that vary only these
    /// (`forcecast plan`): `spec` must otherwise equal the spec the plan was built from.
    pub fn set_yearly_policies(&mut self, spec: &ForceSpec, data: &ForceData, cadre: &CadreDefaults) {
        self.id = fresh_plan_id();
        let p0 = self.first - self.lookback as i32;
        let (base_year, last) = (self.base_year, self.last);
        let yearly = |change, default: &dyn Fn(f64) -> f64| {
            policy::yearly(change, base_year, p0, last, |y| default(f64::from(y)))
        };
        self.active_rate = yearly(spec.active_duty_rate.as_ref(), &from_points(&active_rate_points(data), 0.85));
        self.female_scale = yearly(spec.female_volunteer_scale.as_ref(), &|_| 1.0);
        let st = data.structure();
        for c in st.corps_slots() {
            let i = c.0;
            let cs = &spec.cadre.corps[i];
            let fill = data.series("fill_rate", st.corps_key(c));
            self.fill[i] = yearly(cs.fill_rate.as_ref(), &from_points(&fill, 1.0));
            self.decision[i] = yearly(cs.decision_continuation.as_ref(), &|_| cadre.decision[i]);
            self.careerist[i] = yearly(cs.careerist_continuation.as_ref(), &|_| cadre.careerist[i]);
        }
    }

    /// Each branch's intake share in each year with enlisted stocks of every branch.
    fn stock_intake_shares(&self, data: &ForceData) -> [Vec<(i32, f64)>; MAX_BRANCHES] {
        let series: Vec<Vec<(i32, f64)>> =
            data.structure().branches.iter().map(|b| data.series("enlisted", &b.key)).collect();
        let mut out: [Vec<(i32, f64)>; MAX_BRANCHES] = std::array::from_fn(|_| Vec::new());
        if self.nb < 2 {
            return out; // one branch takes the whole intake
        }
        for &(y, _) in &series[0] {
            let mut flow = [0.0; MAX_BRANCHES];
            for b in 0..self.nb {
                let Some(&(_, stock)) = series[b].iter().find(|p| p.0 == y) else { return out.map(|_| Vec::new()) };
                let held: f64 = (0..=self.lookback).map(|k| self.weights[b][self.idx(y - k as i32)][k]).sum();
                flow[b] = if held > 0.0 { stock / held } else { 0.0 };
            }
            let total: f64 = flow.iter().sum();
            if total > 0.0 {
                for b in 0..self.nb {
                    out[b].push((y, flow[b] / total));
                }
            }
        }
        out
    }

    /// One more than the oldest age [`ForceState::step`] reads of its population (the
    /// men of 19-29, the enlistment ages, the women volunteers' ages): the Monte Carlo's
    /// group kernel hands it only these ages of each trajectory.
    pub fn ages_read(&self) -> usize {
        let oldest = self.enlist_ages.iter().chain(&self.vol_ages).map(|&(a, _)| a).max().unwrap_or(0);
        oldest.clamp(29, crate::NAGES - 1) + 1
    }

    /// Whether the conscript stocks of `year` read [`ForcePlan::serving_row`]: a year of
    /// the plan's table, unless the base year's intake is split at 1 July (`base_split`)
    /// and still serving.
    fn tabled(&self, year: i32, base_split: bool) -> bool {
        let p0 = self.first - self.lookback as i32;
        (p0..=self.last).contains(&year)
            && (!base_split || year < self.base_year || year - self.base_year > self.lookback as i32)
    }

    /// Branch `b`'s serving weights of the intakes of `year − k` at 1 July of `year` and
    /// the attrition over k years, k = 0..=lookback (a year of the table).
    fn serving_row(&self, year: i32, b: usize) -> (&[f64], &[f64]) {
        let n = self.lookback + 1;
        let at = ((year - (self.first - self.lookback as i32)) as usize * self.nb + b) * n;
        (&self.serving[at..at + n], &self.attrition_pow[..n])
    }

    fn idx(&self, year: i32) -> usize {
        (year - (self.first - self.lookback as i32)).clamp(0, self.active_rate.len() as i32 - 1) as usize
    }

    /// Continuation profile of a corps for the accession year `year`.
    fn profile(&self, c: usize, year: i32) -> impl Fn(usize) -> f64 + '_ {
        let i = self.idx(year);
        let (t, e, d, k, m) =
            (self.obligated[c], self.early[c], self.decision[c][i], self.careerist[c][i], self.max_years[c]);
        move |y: usize| {
            if y >= m {
                0.0
            } else if y + 1 < t {
                e
            } else if y + 1 == t {
                d
            } else {
                k
            }
        }
    }

    /// Troop target of a year.
    pub fn target(&self, year: i32) -> f64 {
        self.target[self.idx(year)]
    }

    /// Branch `b`'s serving weights of intake year `year`: the share of it still serving at
    /// 1 July of `year` + k, k = 0..=lookback.
    pub fn weights(&self, b: Branch, year: i32) -> &[f64] {
        &self.weights[b.0][self.idx(year)]
    }

    /// Number of branches the country declares.
    pub fn branches(&self) -> usize {
        self.nb
    }

    /// Number of corps the country declares.
    pub fn corps(&self) -> usize {
        self.nc
    }
}

/// Per-trajectory deviations of the Monte Carlo from the plan's parameters (all neutral
/// by default). They act on every year stepped after they are set: the calibrated draws
/// of the Monte Carlo set them before the history years (so a drawn parameter vector
/// rebuilds the base year's force with its own values), explicit `[uncertainty.force]`
/// distributions from the base year.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Adjust {
    /// Added to the active-duty rate (the result clamped to [0, 1]). Never applied to the
    /// history (the rates before the base date are observed): not in the history years,
    /// not in the base year's intake enlisted before 1 July.
    pub active_shift: f64,
    /// Replaces the take-up, when set.
    pub take_up: Option<f64>,
    /// Added to each corps' careerist continuation (clamped to [0, 1]).
    pub careerist_shift: [f64; MAX_CORPS],
    /// Added to each corps' continuation at the end of the obligated term (clamped to [0, 1]).
    pub decision_shift: [f64; MAX_CORPS],
    /// Factor on each corps' recruiting capacity.
    pub capacity_mult: [f64; MAX_CORPS],
}

impl Default for Adjust {
    fn default() -> Self {
        Adjust {
            active_shift: 0.0,
            take_up: None,
            careerist_shift: [0.0; MAX_CORPS],
            decision_shift: [0.0; MAX_CORPS],
            capacity_mult: [1.0; MAX_CORPS],
        }
    }
}

impl Adjust {
    /// The deviations that act on the history: all but the active-duty shift.
    pub fn historical(&self) -> Adjust {
        Adjust { active_shift: 0.0, ..*self }
    }

    /// Continuation `p` of corps `c` from `y` completed years of service, shifted.
    fn continuation(&self, plan: &ForcePlan, c: usize, y: usize, p: f64) -> f64 {
        if y >= plan.max_years[c] {
            return p;
        }
        let shift = if y + 1 == plan.obligated[c] {
            self.decision_shift[c]
        } else if y + 1 > plan.obligated[c] {
            self.careerist_shift[c]
        } else {
            0.0
        };
        if shift == 0.0 { p } else { (p + shift).clamp(0.0, 1.0) }
    }
}

/// The running state of the force model: past intakes and the cadre inventories.
#[derive(Debug, Default)]
pub struct ForceState {
    /// Deviations applied from now on (Monte Carlo).
    pub adjust: Adjust,
    intakes: [Vec<f64>; MAX_BRANCHES],
    stock: [Vec<f64>; 2],
    next_year: i32,
    quota_star: [f64; 2],
    young_men0: f64,
    fill0: [f64; 2],
    women0: f64,
    // Men who entered the cadre over the previous year (t − 1 → t); they leave the pool of
    // year t's conscript intake, which is then fixed before year t's own accessions. In
    // the first year, that year's own.
    cadre_men: Option<f64>,
    // The base year's intake by branch: (enlisted before 1 July at the sourced policies,
    // after it at the scenario's), as yearly rates.
    base_split: Option<[(f64, f64); MAX_BRANCHES]>,
    // Derived from the plan and `adjust` (rebuilt when either changes), never cloned.
    careerists: Careerists,
}

/// Each corps' careerist continuation by accession year, shifted by the deviations, as
/// [`ForceState::step`] reads it, latest accession year first: `table[c][k]` is the
/// plan's continuation for the accession year `last − k` (clamped to the plan's years as
/// `ForcePlan::idx` clamps them), k = 0 to last − p0 + pad (p0 the plan's first year of
/// intake, pad = the corps' max years + 1), shifted with the very expression of
/// [`Adjust::continuation`]. A year's row by years of service y (accession year
/// year − y − 1) is then one contiguous slice: no index clamped and no shift computed per
/// year of service; each value is computed once per trajectory, bit for bit the value
/// the step computed before (issue 16).
#[derive(Debug, Default)]
struct Careerists {
    // Plan id and the shifts' bits the tables were built for.
    key: Option<(u64, [u64; MAX_CORPS])>,
    table: [Vec<f64>; MAX_CORPS],
    // A year's row when the table does not cover it (a year after the plan's last + 1, or
    // a stock longer than the plan's max years + 1), built with the same expressions.
    row: Vec<f64>,
}

impl Careerists {
    /// The tables for `plan` and `adjust`, rebuilt if they were built for others.
    fn refresh(&mut self, plan: &ForcePlan, adjust: &Adjust) {
        let key = (plan.id, adjust.careerist_shift.map(f64::to_bits));
        if self.key == Some(key) {
            return;
        }
        let p0 = plan.first - plan.lookback as i32;
        for c in 0..plan.nc {
            let low = p0 - (plan.max_years[c] + 1) as i32;
            let (src, shift) = (&plan.careerist[c], adjust.careerist_shift[c]);
            self.table[c].clear();
            // (p0 + src.len() − 1 is the plan's last year; earlier years clamp to p0's.)
            debug_assert_eq!(plan.idx(plan.last), src.len() - 1);
            let before = shifted(src[plan.idx(low)], shift);
            self.table[c].extend(src.iter().rev().map(|&p| shifted(p, shift)));
            self.table[c].extend(std::iter::repeat_n(before, (p0 - low) as usize));
        }
        self.key = Some(key);
    }

    /// Corps `c`'s shifted careerist continuation by years of service y = 0..=top in
    /// `year` (accession year year − y − 1).
    fn row(&mut self, plan: &ForcePlan, adjust: &Adjust, c: usize, year: i32, top: usize) -> &[f64] {
        let from = i64::from(plan.last) - i64::from(year) + 1;
        if from >= 0 && (from as usize) + top < self.table[c].len() {
            let from = from as usize;
            return &self.table[c][from..=from + top];
        }
        let shift = adjust.careerist_shift[c];
        self.row.clear();
        self.row.extend((0..=top).map(|y| shifted(plan.careerist[c][plan.idx(year - y as i32 - 1)], shift)));
        &self.row
    }
}

/// A continuation `p` shifted by `shift` (clamped to [0, 1]), `p` itself for no shift.
#[inline(always)]
fn shifted(p: f64, shift: f64) -> f64 {
    if shift == 0.0 { p } else { (p + shift).clamp(0.0, 1.0) }
}

/// The year's flows out of a corps' stock by years of service.
#[derive(Debug, Default)]
struct Flows {
    continuing: f64,
    separations: f64,
    long: f64,
}

/// Continuations by years of service y: one for all, or a row indexed by y.
trait Continuations: Copy {
    /// Those of y = lo..lo + k, indexed from 0 (a slice exactly k long: no bounds checked
    /// in the loop).
    fn part(self, lo: usize, k: usize) -> Self;
    /// The continuation at index j.
    fn at(self, j: usize) -> f64;
}

impl Continuations for f64 {
    #[inline(always)]
    fn part(self, _: usize, _: usize) -> f64 {
        self
    }
    #[inline(always)]
    fn at(self, _: usize) -> f64 {
        self
    }
}

impl Continuations for &[f64] {
    #[inline(always)]
    fn part(self, lo: usize, k: usize) -> Self {
        &self[lo..lo + k]
    }
    #[inline(always)]
    fn at(self, j: usize) -> f64 {
        self[j]
    }
}

/// Moves the survivors of `n[lo..hi]` up one year of service (from `hi − 1` down to
/// `lo`, each stock read before the one below overwrites it) with the continuations `p`
/// (indexed by years of service), adding to the flows; separations with 10 or more years
/// of service count as long. `n[hi]` must exist (it receives the survivors of `hi − 1`).
#[inline(always)]
fn advance(n: &mut [f64], lo: usize, hi: usize, p: impl Continuations, flows: &mut Flows) {
    if lo >= hi {
        return;
    }
    let mid = hi.min(10).max(lo);
    advance_part::<true>(&mut n[mid..=hi], p.part(mid, hi - mid), flows);
    advance_part::<false>(&mut n[lo..=mid], p.part(lo, mid - lo), flows);
}

/// [`advance`] over all of `w` but its top cell (`p.at(j)` the continuation of `w[j]`),
/// every separation long or none.
#[inline(always)]
fn advance_part<const LONG: bool>(w: &mut [f64], p: impl Continuations, flows: &mut Flows) {
    let Some(k) = w.len().checked_sub(1) else { return };
    let p = p.part(0, k);
    let mut j = k;
    while j > 0 {
        j -= 1;
        let v = w[j];
        let stay = v * p.at(j);
        let left = v - stay;
        w[j + 1] = stay;
        flows.continuing += stay;
        flows.separations += left;
        if LONG {
            flows.long += left;
        }
    }
}

impl Clone for ForceState {
    fn clone(&self) -> Self {
        let mut s = ForceState::default();
        s.clone_from(self);
        s
    }

    /// Field by field, reusing the buffers of `self` (the Monte Carlo restarts every
    /// trajectory from the base year's state: no allocation per trajectory).
    fn clone_from(&mut self, source: &Self) {
        let ForceState {
            adjust,
            intakes,
            stock,
            next_year,
            quota_star,
            young_men0,
            fill0,
            women0,
            cadre_men,
            base_split,
            careerists: _,
        } = source;
        for (d, s) in self.intakes.iter_mut().zip(intakes) {
            d.clone_from(s);
        }
        for (d, s) in self.stock.iter_mut().zip(stock) {
            d.clone_from(s);
        }
        self.adjust = *adjust;
        self.next_year = *next_year;
        self.quota_star = *quota_star;
        self.young_men0 = *young_men0;
        self.fill0 = *fill0;
        self.women0 = *women0;
        self.cadre_men = *cadre_men;
        self.base_split = *base_split;
    }
}

/// Men of 20-29 (within [`ForcePlan::ages_read`]).
fn young_men(p: &Population) -> f64 {
    (20..=29).map(|a| p.male[a]).sum()
}

impl ForceState {
    /// Starts at the plan's first year with its population: intakes of the years before
    /// from the cohorts of that population (men aged a + k then were aged a k years
    /// earlier), the cadre at its steady state scaled to the observed stocks.
    pub fn start(plan: &ForcePlan, pop: &Population) -> ForceState {
        ForceState::start_with(plan, pop, Adjust::default())
    }

    /// [`ForceState::start`] with deviations `adjust` (which act on the starting steady
    /// state and the intakes of the years before too, except the active-duty shift).
    pub fn start_with(plan: &ForcePlan, pop: &Population, adjust: Adjust) -> ForceState {
        let mut s = ForceState { next_year: plan.first, adjust, ..ForceState::default() };
        s.young_men0 = young_men(pop);
        let i0 = plan.idx(plan.first);
        s.women0 = plan.women_share[i0];
        for c in 0..plan.nc {
            let prof = plan.profile(c, plan.first - 1);
            let p: Vec<f64> = (0..=plan.max_years[c]).map(|y| adjust.continuation(plan, c, y, prof(y))).collect();
            let l = survivorship(&p);
            let total: f64 = l.iter().sum();
            let scale = if total > 0.0 { plan.initial_stock[c] / total } else { 0.0 };
            s.stock[c] = l.iter().map(|x| x * scale).collect();
            s.quota_star[c] = scale;
            s.fill0[c] = plan.fill[c][i0];
        }
        // Men entering the cadre in the years before: its recruiting capacity at the start.
        let cadre_men =
            (0..plan.nc).map(|c| adjust.capacity_mult[c] * plan.capacity0[c] * s.quota_star[c]).sum::<f64>()
                * (1.0 - s.women0);
        for k in (1..=plan.lookback).rev() {
            let year = plan.first - k as i32;
            let Intake { men, women, .. } = conscript_flows(plan, pop, k, year, cadre_men, &adjust.historical());
            let i = plan.idx(year);
            for b in 0..plan.nb {
                s.intakes[b].push((men + women) * plan.intake_share[b][i]);
            }
        }
        s
    }

    /// Frees the step's table of careerist continuations (a cache: the next step
    /// rebuilds it), for states kept by the thousand (the Monte Carlo's calibrated set).
    pub fn release_cache(&mut self) {
        self.careerists = Careerists::default();
    }

    /// A corps' stock by completed years of service (index y = 0..=max years) at 1 July
    /// of the next year to step: the start's steady state before the first step, then
    /// the survivors and accessions of the last step.
    pub fn cadre_by_years(&self, c: Corps) -> &[f64] {
        &self.stock[c.0]
    }

    /// Advances one year with the population at 1 July of `year` (which must follow the
    /// previous step's year).
    pub fn step(&mut self, plan: &ForcePlan, year: i32, pop: &Population) -> ForceYear {
        debug_assert_eq!(year, self.next_year);
        self.next_year = year + 1;
        let i = plan.idx(year);
        let next = plan.idx(year + 1);
        // Cadre: stock at 1 July, flows over the year.
        let mut out = ForceYear { target: plan.target[i], ..ForceYear::default() };
        let mut accessions_men = 0.0;
        let ym = young_men(pop);
        let women = plan.women_share[i];
        let requirement = |idx: usize, c: usize| plan.target[idx] * plan.cadre_share[idx] * plan.corps_share[c];
        self.careerists.refresh(plan, &self.adjust);
        for c in 0..plan.nc {
            let n = &mut self.stock[c];
            let total: f64 = n.iter().sum();
            out.corps[c] = total;
            out.corps_shortfall[c] = (requirement(i, c) - total).max(0.0);
            // Survivors move up one year of service, in place from the top (each stock is
            // read before the one below overwrites it). The continuation from y is
            // `plan.profile(c, year − y − 1)(y)` shifted by `self.adjust.continuation`: 0
            // at the top and from the max years m, careerists' from the obligated term T
            // on, the decision at T − 1, `early` below; taken here segment by segment.
            let (t, m, early) = (plan.obligated[c], plan.max_years[c], plan.early[c]);
            let top = n.len() - 1;
            let m = m.min(top);
            let mut flows = Flows::default();
            // y = top: nothing above it to move into.
            let stay = n[top] * 0.0;
            let left = n[top] - stay;
            flows.continuing += stay;
            flows.separations += left;
            if top >= 10 {
                flows.long += left;
            }
            advance(n, m, top, 0.0, &mut flows);
            if t < m {
                advance(n, t, m, self.careerists.row(plan, &self.adjust, c, year, top), &mut flows);
            }
            if t >= 1 && t - 1 < m {
                let d = shifted(plan.decision[c][plan.idx(year - t as i32)], self.adjust.decision_shift[c]);
                advance(n, t - 1, t, d, &mut flows);
            }
            advance(n, 0, t.saturating_sub(1).min(m), early, &mut flows);
            let Flows { continuing, separations, long } = flows;
            // Accessions over t → t+1 fill the requirement of t + 1 as planned at t: in a
            // history year the sourced plan, so that the base year's cadre never depends
            // on the scenario's policies.
            let planned = if year < plan.base_year {
                plan.history_target[next] * plan.history_cadre_share[next] * plan.corps_share[c]
            } else {
                requirement(next, c)
            };
            let quota = (planned - continuing).max(0.0);
            let capacity = self.adjust.capacity_mult[c]
                * plan.capacity0[c]
                * self.quota_star[c]
                * ratio(plan.fill[c][i], self.fill0[c])
                * ratio(ym, self.young_men0)
                * (1.0 - self.women0)
                / (1.0 - women);
            let acc = quota.min(capacity);
            self.stock[c][0] = acc;
            out.cadre_accessions += acc;
            out.cadre_separations += separations;
            out.long_service_separations += long;
            out.cadre_shortfall += quota - acc;
            accessions_men += acc * (1.0 - women);
        }
        let cadre_men = self.cadre_men.replace(accessions_men).unwrap_or(accessions_men);
        out.cadre = out.corps[..plan.nc].iter().sum();
        out.cadre_requirement = (0..plan.nc).map(|c| requirement(i, c)).sum();
        // Conscripts.
        let Intake { eligible, pool, men, women: vols, alt, cadre_men: cadre_liable } =
            conscript_flows(plan, pop, 0, year, cadre_men, &self.adjust);
        let shares: [f64; MAX_BRANCHES] =
            std::array::from_fn(|b| if b < plan.nb { plan.intake_share[b][i] } else { 0.0 });
        out.eligible_men = eligible;
        out.men_turning_20 = 0.5 * (pop.male[19] + pop.male[20]);
        out.active_pool = pool;
        out.female_volunteers = vols;
        out.intake = men + vols;
        out.alternative_service_intake = alt;
        out.cadre_men = cadre_liable;
        let mut by_branch: [f64; MAX_BRANCHES] = std::array::from_fn(|b| out.intake * shares[b]);
        if year == plan.base_year && plan.first < plan.base_year {
            // The half of the base year's intake enlisted before 1 July is history: it
            // follows the sourced policies, whatever the scenario sets from the base year.
            let d = plan.base_defaults;
            let Intake { pool: pool_h, men: men_h, women: vols_h, alt: alt_h, .. } =
                intake_with(plan, pop, 0, year, cadre_men, d, &self.adjust.historical());
            let hist: [f64; MAX_BRANCHES] = std::array::from_fn(|b| (men_h + vols_h) * d.shares[b]);
            self.base_split = Some(std::array::from_fn(|b| (hist[b], by_branch[b])));
            by_branch = std::array::from_fn(|b| 0.5 * (hist[b] + by_branch[b]));
            out.active_pool = 0.5 * (pool_h + pool);
            out.female_volunteers = 0.5 * (vols_h + vols);
            out.intake = 0.5 * (men_h + vols_h + men + vols);
            out.alternative_service_intake = 0.5 * (alt_h + alt);
        }
        // Each branch's stock: Σ_k intake(year − k) × its weight k × (1 − attrition)^k, the
        // intakes of the base year split at its 1 July (the general loop) while they serve.
        let tabled = plan.tabled(year, self.base_split.is_some());
        for b in 0..plan.nb {
            self.intakes[b].push(by_branch[b]);
            let hist = &self.intakes[b];
            let t = hist.len() - 1;
            if tabled && t >= plan.lookback {
                let (weights, attrition) = plan.serving_row(year, b);
                let n = weights.len();
                let intakes = &hist[t + 1 - n..t + 1];
                let mut stock = 0.0;
                for k in 0..n {
                    stock += intakes[n - 1 - k] * weights[k] * attrition[k];
                }
                out.conscripts_by_branch[b] = stock;
                continue;
            }
            let mut stock = 0.0;
            for k in 0..=plan.lookback.min(t) {
                let y = year - k as i32;
                let served = match self.base_split {
                    Some(split) if y == plan.base_year => {
                        let [before, after] = &plan.base_weights[b];
                        split[b].0 * before[k] + split[b].1 * after[k]
                    }
                    _ => hist[t - k] * plan.weights[b][plan.idx(y)][k],
                };
                stock += served * plan.attrition_pow[k];
            }
            out.conscripts_by_branch[b] = stock;
        }
        out.conscripts = out.conscripts_by_branch.iter().sum();
        out.available = out.conscripts + out.cadre;
        out.gap = (out.target - out.available).max(0.0);
        out
    }
}

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { 1.0 }
}

/// A year's conscript flows ([`conscript_flows`]).
#[derive(Debug, Clone, Copy)]
struct Intake {
    /// Men liable and examined: E.
    eligible: f64,
    /// Men fit for active duty: E × r.
    pool: f64,
    /// Men inducted.
    men: f64,
    /// Women volunteers.
    women: f64,
    /// Men entering alternative and supplementary service.
    alt: f64,
    /// Men entering the cadre, drawn from the pool (the liable share of them).
    cadre_men: f64,
}

/// Eligible men, active pool, men inducted, women volunteers, alternative-service
/// entrants and men entering the cadre of `year`, read from `pop` shifted `k` years (the
/// cohorts k years older).
fn conscript_flows(plan: &ForcePlan, pop: &Population, k: usize, year: i32, cadre_men: f64, adj: &Adjust) -> Intake {
    let i = plan.idx(year);
    let d = IntakePolicies {
        active_rate: plan.active_rate[i],
        allocations: plan.allocations[i],
        female_scale: plan.female_scale[i],
        shares: std::array::from_fn(|b| if b < plan.nb { plan.intake_share[b][i] } else { 0.0 }),
    };
    intake_with(plan, pop, k, year, cadre_men, d, adj)
}

/// [`conscript_flows`] with the intake policies given (the base year's sourced defaults
/// for the half of its intake enlisted before 1 July).
///
/// The examined men E split into disjoint shares: the active-duty pool E r (grades 1-3),
/// the supplementary service E s (grade 4) and the rest (exempt, re-examined). The
/// supplementary share is capped at 1 − r: a higher active-duty rate (a scenario's, or a
/// drawn shift) draws from the supplementary share first, so the two never sum above E.
/// The allocations A (at most the pool), the men entering the cadre C and the men
/// inducted, u × max(0, E r − A − C), all come from the pool; so the men inducted,
/// A, E s and C together never exceed E while the pool holds A + C (else no man is
/// inducted, and only a cadre recruiting more liable men than the pool and the rest of
/// E hold could exceed it).
fn intake_with(
    plan: &ForcePlan,
    pop: &Population,
    k: usize,
    year: i32,
    cadre_men: f64,
    d: IntakePolicies,
    adj: &Adjust,
) -> Intake {
    let at = |v: &crate::AgeVec, a: usize| if a + k < crate::NAGES { v[a + k] } else { 0.0 };
    let eligible: f64 = plan.enlist_ages.iter().map(|&(a, s)| s * liable(plan, year, a) * at(&pop.male, a)).sum();
    // The men entering the corps come from the enlistment ages' cohorts alike; only the
    // liable share of them would otherwise have been conscripted (all of them where every
    // cohort is liable: the product is then exactly `cadre_men`).
    let cadre_men = match plan.first_liable.or(plan.first_liable_year) {
        None => cadre_men,
        Some(_) => {
            let all: f64 = plan.enlist_ages.iter().map(|&(a, s)| s * at(&pop.male, a)).sum();
            if all > 0.0 { cadre_men * eligible / all } else { 0.0 }
        }
    };
    let rate = if adj.active_shift == 0.0 { d.active_rate } else { (d.active_rate + adj.active_shift).clamp(0.0, 1.0) };
    let pool = eligible * rate;
    let allocated = d.allocations.min(pool);
    let men = adj.take_up.unwrap_or(plan.take_up) * (pool - allocated - cadre_men).max(0.0);
    let women = d.female_scale * plan.vol_ages.iter().map(|&(a, s)| s * at(&pop.female, a)).sum::<f64>();
    // The supplementary share of the examined men left by the active-duty pool (the
    // sourced share itself, bit for bit, whenever r + s ≤ 1).
    let supplementary = plan.supplementary[plan.idx(year)].min((1.0 - rate).max(0.0));
    let alt = allocated + eligible * supplementary;
    Intake { eligible, pool, men, women, alt, cadre_men }
}

/// Share of the men aged `a` (completed years) at 1 July of `year` liable to the
/// conscript term: all when the country sets no first liable cohort; else those born in
/// or after it. Men aged a at 1 July of year were born over 2 July of year − a − 1 to
/// 1 July of year − a, about half in each calendar year: the cohort year − a is half
/// liable when it is the first liable one.
fn liable(plan: &ForcePlan, year: i32, a: usize) -> f64 {
    if plan.first_liable_year.is_some_and(|y| year < y) {
        return 0.0;
    }
    let Some(first) = plan.first_liable else { return 1.0 };
    let born = year - a as i32; // the later of the two birth years
    if born > first {
        1.0
    } else if born == first {
        0.5
    } else {
        0.0
    }
}

/// Runs the force model over `history` (populations of `plan.first..base_year`, empty
/// when the plan starts at the base year) and `pops` (one per year from the base year),
/// returning the years from the base year.
pub fn simulate_with(plan: &ForcePlan, history: &[Population], pops: &[Population]) -> ForceResult {
    let Some(base) = pops.first() else {
        return ForceResult::default();
    };
    let (mut state, _) = prepare(plan, history, base);
    let years = pops.iter().enumerate().map(|(t, p)| state.step(plan, plan.base_year + t as i32, p)).collect();
    ForceResult { years }
}

/// The state ready to step the base year, after the history years (whose rows are
/// returned too, for the calibration).
pub fn prepare(plan: &ForcePlan, history: &[Population], base: &Population) -> (ForceState, Vec<ForceYear>) {
    prepare_with(plan, history, base, Adjust::default())
}

/// [`prepare`] with the deviations `adjust` acting from the first history year (the
/// active-duty shift is not applied to the history: see [`Adjust`]; the returned state
/// carries `adjust` whole).
pub fn prepare_with(
    plan: &ForcePlan,
    history: &[Population],
    base: &Population,
    adjust: Adjust,
) -> (ForceState, Vec<ForceYear>) {
    let mut state = ForceState::start_with(plan, history.first().unwrap_or(base), adjust.historical());
    let rows = history.iter().enumerate().map(|(t, p)| state.step(plan, plan.first + t as i32, p)).collect();
    state.adjust = adjust;
    (state, rows)
}

/// Populations of `first..base_year` carried back from the base population `base` with the
/// mortality of each year (emigration and naturalisation ignored): P_x(y) = P_{x+1}(y+1) / s_x(y).
pub fn history_populations(
    base: &Population,
    base_year: i32,
    first: i32,
    mortality: &crate::demography::rates::MortalitySurface,
) -> Vec<Population> {
    use crate::demography::{Sex, Survival};
    let mut pops: Vec<Population> = Vec::new();
    let mut next = base.clone();
    for y in (first..base_year).rev() {
        let mx = mortality.at(f64::from(y) + 1.0);
        let mut p = next.clone();
        for (s, sex) in Sex::BOTH.into_iter().enumerate() {
            let surv = Survival::from_mx(&mx[s], sex);
            let (src, dst) = if s == 0 { (&next.male, &mut p.male) } else { (&next.female, &mut p.female) };
            for x in 0..crate::NAGES - 1 {
                dst[x] = if surv.s[x] > 0.0 { src[x + 1] / surv.s[x] } else { src[x + 1] };
            }
            dst[crate::NAGES - 1] = src[crate::NAGES - 1];
        }
        pops.push(p.clone());
        next = p;
    }
    pops.reverse();
    pops
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The step as it was before the tables of issue 16 (commit d748d13), verbatim but
    /// for `self`: the oracle the table-driven step must equal bit for bit.
    fn reference_step(s: &mut ForceState, plan: &ForcePlan, year: i32, pop: &Population) -> ForceYear {
        s.next_year = year + 1;
        let i = plan.idx(year);
        let next = plan.idx(year + 1);
        // Cadre: stock at 1 July, flows over the year.
        let mut out = ForceYear { target: plan.target[i], ..ForceYear::default() };
        let mut accessions_men = 0.0;
        let ym = young_men(pop);
        let women = plan.women_share[i];
        let requirement = |idx: usize, c: usize| plan.target[idx] * plan.cadre_share[idx] * plan.corps_share[c];
        for c in 0..plan.nc {
            let n = &mut s.stock[c];
            let total: f64 = n.iter().sum();
            out.corps[c] = total;
            out.corps_shortfall[c] = (requirement(i, c) - total).max(0.0);
            // Survivors move up one year of service, in place from the top (each stock is
            // read before the one below overwrites it).
            let mut separations = 0.0;
            let mut long = 0.0;
            let mut continuing = 0.0;
            let top = n.len() - 1;
            // `plan.profile(c, year − y − 1)(y)` shifted by `s.adjust.continuation`,
            // with the corps' constants read once.
            let (t, m, early) = (plan.obligated[c], plan.max_years[c], plan.early[c]);
            let (decision, careerist) = (&plan.decision[c], &plan.careerist[c]);
            let (decision_shift, careerist_shift) = (s.adjust.decision_shift[c], s.adjust.careerist_shift[c]);
            for y in (0..=top).rev() {
                let p = if y == top || y >= m {
                    0.0
                } else if y + 1 < t {
                    early
                } else {
                    let (p, shift) = if y + 1 == t {
                        (decision[plan.idx(year - y as i32 - 1)], decision_shift)
                    } else {
                        (careerist[plan.idx(year - y as i32 - 1)], careerist_shift)
                    };
                    if shift == 0.0 { p } else { (p + shift).clamp(0.0, 1.0) }
                };
                let stay = n[y] * p;
                let left = n[y] - stay;
                if y < top {
                    n[y + 1] = stay;
                }
                continuing += stay;
                separations += left;
                if y >= 10 {
                    long += left;
                }
            }
            // Accessions over t → t+1 fill the requirement of t + 1 as planned at t: in a
            // history year the sourced plan, so that the base year's cadre never depends
            // on the scenario's policies.
            let planned = if year < plan.base_year {
                plan.history_target[next] * plan.history_cadre_share[next] * plan.corps_share[c]
            } else {
                requirement(next, c)
            };
            let quota = (planned - continuing).max(0.0);
            let capacity = s.adjust.capacity_mult[c]
                * plan.capacity0[c]
                * s.quota_star[c]
                * ratio(plan.fill[c][i], s.fill0[c])
                * ratio(ym, s.young_men0)
                * (1.0 - s.women0)
                / (1.0 - women);
            let acc = quota.min(capacity);
            s.stock[c][0] = acc;
            out.cadre_accessions += acc;
            out.cadre_separations += separations;
            out.long_service_separations += long;
            out.cadre_shortfall += quota - acc;
            accessions_men += acc * (1.0 - women);
        }
        let cadre_men = s.cadre_men.replace(accessions_men).unwrap_or(accessions_men);
        out.cadre = out.corps[..plan.nc].iter().sum();
        out.cadre_requirement = (0..plan.nc).map(|c| requirement(i, c)).sum();
        // Conscripts.
        let Intake { eligible, pool, men, women: vols, alt, cadre_men: cadre_liable } =
            conscript_flows(plan, pop, 0, year, cadre_men, &s.adjust);
        let shares: [f64; MAX_BRANCHES] =
            std::array::from_fn(|b| if b < plan.nb { plan.intake_share[b][i] } else { 0.0 });
        out.eligible_men = eligible;
        out.men_turning_20 = 0.5 * (pop.male[19] + pop.male[20]);
        out.active_pool = pool;
        out.female_volunteers = vols;
        out.intake = men + vols;
        out.alternative_service_intake = alt;
        out.cadre_men = cadre_liable;
        let mut by_branch: [f64; MAX_BRANCHES] = std::array::from_fn(|b| out.intake * shares[b]);
        if year == plan.base_year && plan.first < plan.base_year {
            // The half of the base year's intake enlisted before 1 July is history: it
            // follows the sourced policies, whatever the scenario sets from the base year.
            let d = plan.base_defaults;
            let Intake { pool: pool_h, men: men_h, women: vols_h, alt: alt_h, .. } =
                intake_with(plan, pop, 0, year, cadre_men, d, &s.adjust.historical());
            let hist: [f64; MAX_BRANCHES] = std::array::from_fn(|b| (men_h + vols_h) * d.shares[b]);
            s.base_split = Some(std::array::from_fn(|b| (hist[b], by_branch[b])));
            by_branch = std::array::from_fn(|b| 0.5 * (hist[b] + by_branch[b]));
            out.active_pool = 0.5 * (pool_h + pool);
            out.female_volunteers = 0.5 * (vols_h + vols);
            out.intake = 0.5 * (men_h + vols_h + men + vols);
            out.alternative_service_intake = 0.5 * (alt_h + alt);
        }
        for b in 0..plan.nb {
            s.intakes[b].push(by_branch[b]);
            let hist = &s.intakes[b];
            let t = hist.len() - 1;
            let mut stock = 0.0;
            for k in 0..=plan.lookback.min(t) {
                let y = year - k as i32;
                let served = match s.base_split {
                    Some(split) if y == plan.base_year => {
                        let [before, after] = &plan.base_weights[b];
                        split[b].0 * before[k] + split[b].1 * after[k]
                    }
                    _ => hist[t - k] * plan.weights[b][plan.idx(y)][k],
                };
                stock += served * plan.attrition_pow[k];
            }
            out.conscripts_by_branch[b] = stock;
        }
        out.conscripts = out.conscripts_by_branch.iter().sum();
        out.available = out.conscripts + out.cadre;
        out.gap = (out.target - out.available).max(0.0);
        out
    }

    /// The force plan, history and projected populations of a shipped scenario.
    fn setup(name: &str) -> (crate::scenario::Scenario, ForcePlan, Vec<Population>, Vec<Population>) {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let path = crate::scenario::locate(name, &dir).expect("scenario exists");
        let s = crate::scenario::load(&path, &dir).expect("scenario valid");
        let inputs = crate::run::load_inputs(&s, &dir).expect("inputs load");
        let p = crate::run::project(&s, &inputs).expect("projection runs");
        let plan = ForcePlan::new(&s.force, &inputs.data.force, s.base_year, s.end_year).expect("plan");
        let history = history_populations(&p.population[0], s.base_year, plan.first, &inputs.mortality);
        (s, plan, history, p.population)
    }

    /// Deviations of every kind the Monte Carlo draws, some clamping at 0 or 1.
    fn adjusts() -> Vec<Adjust> {
        let d = Adjust::default();
        vec![
            d,
            Adjust { careerist_shift: [0.004, -0.011], decision_shift: [-0.05, 0.0], take_up: Some(0.93), ..d },
            Adjust { careerist_shift: [0.5, -2.0], decision_shift: [3.0, -0.3], capacity_mult: [0.7, 1.3], ..d },
            Adjust { careerist_shift: [-0.0, 1e-12], decision_shift: [0.0, 0.2], active_shift: -0.04, ..d },
        ]
    }

    /// Every field, `-0.0` apart from `0.0`, to the last bit.
    fn bits(y: &ForceYear) -> String {
        format!("{y:?}")
    }

    /// The table-driven step (careerist continuations shifted once per trajectory, the
    /// inventory advanced segment by segment) equals the old one bit for bit: Korea and
    /// Taiwan, every history and projection year and three past the plan's last (where
    /// the table gives way to the row built year by year), neutral and clamping
    /// deviations, deviations changed at the base year (as `prepare_with` does) and
    /// between trajectories (a state reused as the Monte Carlo reuses it), and the
    /// plan's policies re-resolved in place (`set_yearly_policies`, which must invalidate
    /// the tables).
    #[test]
    fn table_driven_step_equals_the_step_before_bit_for_bit() {
        for name in ["baseline", "taiwan-baseline"] {
            let (s, mut plan, history, pops) = setup(name);
            let base = &pops[0];
            let mut reused = ForceState::start(&plan, history.first().unwrap_or(base));
            for (a, adjust) in adjusts().into_iter().enumerate() {
                let start = ForceState::start_with(&plan, history.first().unwrap_or(base), adjust.historical());
                let mut old = start.clone();
                reused.clone_from(&start);
                let years = plan.first..=plan.last + 3;
                for (t, year) in years.enumerate() {
                    if year == plan.base_year {
                        old.adjust = adjust;
                        reused.adjust = adjust;
                    }
                    let pop = history.get(t).or_else(|| pops.get(t - history.len())).unwrap_or(&pops[pops.len() - 1]);
                    let (want, got) = (reference_step(&mut old, &plan, year, pop), reused.step(&plan, year, pop));
                    assert_eq!(bits(&got), bits(&want), "{name}, adjust {a}, {year}");
                    for c in 0..plan.nc {
                        assert_eq!(format!("{:?}", reused.stock[c]), format!("{:?}", old.stock[c]));
                    }
                }
            }
            // The plan's continuations re-resolved in place: a state stepped with the plan
            // before must not keep the tables of the old policies.
            let mut spec = s.force.clone();
            for (c, corps) in spec.cadre.corps.iter_mut().enumerate() {
                corps.careerist_continuation = Some(vec![(s.base_year + 5, 0.9 - 0.05 * c as f64)]);
            }
            let data = crate::run::load_inputs(&s, &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios"))
                .expect("inputs")
                .data
                .force;
            let adjust = adjusts()[1];
            let mut old = ForceState::start_with(&plan, history.first().unwrap_or(base), adjust);
            let mut new = old.clone();
            let years: Vec<i32> = (plan.first..=plan.last).collect();
            let pop = |t: usize| history.get(t).or_else(|| pops.get(t - history.len())).expect("population");
            for (t, &year) in years.iter().enumerate() {
                if year == s.base_year + 2 {
                    plan.set_yearly_policies(&spec, &data, &CadreDefaults::of(&data));
                }
                let (want, got) = (reference_step(&mut old, &plan, year, pop(t)), new.step(&plan, year, pop(t)));
                assert_eq!(bits(&got), bits(&want), "{name}, re-resolved plan, {year}");
            }
        }
    }
}
