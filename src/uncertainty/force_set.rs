//! The force's parameter uncertainty from its calibration: the set of parameter vectors
//! that fit the sourced 2017-2025 history about equally well, from which each Monte Carlo
//! trajectory takes one (issue 12, item 3).
//!
//! ## Method
//! Approximate Bayesian computation by rejection, with prior weights:
//! - **Prior.** Uniform over the calibration's search ranges
//!   ([`calibration::RANGES`]) for the take-up, the officers' continuation at the end of
//!   their obligated term, careerists' continuation of officers and of NCOs and the NCOs'
//!   recruiting capacity; times the calibration's weak Gaussian priors on the first
//!   corps' two parameters, the country's own ([`calibration::priors`]: `decision_prior`
//!   and `careerist_prior` of its `country.toml`; Korea's officers 0.5 ± 0.1 and
//!   0.955 ± 0.02, an ASSUMPTION: the flat officer stock does not identify them; Taiwan's
//!   volunteers 0.78 ± 0.05, MND's retention rate of 2023, and no careerist prior),
//!   applied as weights. The active-duty rate's future level is
//!   uniform over the range of the sourced examination outcomes (`active_duty_rate` of
//!   `force_inputs.csv`, 80.4-91.5% over 1999-2025); the history does not inform it (its
//!   rates before the base date are observed), so every design point passes on it.
//! - **Design.** [`DESIGN_POINTS`] points of the Halton sequence (bases 2, 3, 5, 7, 11, 13
//!   over the drawn parameters, in order), deterministic: the set is a function of the
//!   data and the scenario, never of the seed, and nothing is cached on disk.
//! - **Acceptance.** A point is accepted when its objective RMS (the calibration's,
//!   [`calibration::Setup::rms`], on the Monte Carlo's own force plan and path) is within
//!   [`TOLERANCE`] (the calibration's `NEAR`, 0.5 point) of the reference: the lower of
//!   the scenario's own parameters' RMS and the best design point's.
//! - **Draw.** Trajectory i picks accepted vector k with probability ∝ its weight, with a
//!   uniform from its own force stream (seed, i): byte-identical across thread counts.
//!
//! ## How a vector reaches the model
//! As [`Adjust`] deviations from the scenario's values (take-up replaced, continuations
//! shifted, NCO capacity multiplied, active-duty rate shifted) acting from the model's
//! first year (2019), so the history years and the base year's force are rebuilt with
//! the vector's own values: the base-year stocks differ a little between vectors, each
//! reproducing the sourced history about as well (by construction). The active-duty shift
//! acts from the base date only. A scenario that sets a continuation path from the base
//! year gets its path shifted by the vector's deviation.
//!
//! Branch intake shares are not drawn: they are derived year by year from the sourced
//! enlisted stocks by service (data, not fitted), and moving intake between branches
//! changes the force only through the branches' term differences (18-21 months).

use rand::{Rng, RngExt};
use rayon::prelude::*;
use serde::Serialize;

use super::params::ForceDraw;
use crate::demography::Population;
use crate::force::{Adjust, ForcePlan, ForceState, LaneState};
use crate::run::Inputs;
use crate::scenario::Scenario;
use crate::scenario::uncertainty::ForceNoise;
use crate::simd::L;
use crate::validation::calibration::{self, NEAR, RANGES, Setup};

/// Points of the deterministic design.
pub const DESIGN_POINTS: usize = 4096;
/// Points of the pilot design that locates the accepted region.
pub const PILOT_POINTS: usize = 2048;
/// The parameters drawn uniformly over a box found by the pilot: take-up, NCOs'
/// careerist continuation and capacity.
const BOXED: [usize; 3] = [0, 3, 4];
/// Acceptance tolerance on the objective RMS (absolute, a share): the calibration's `NEAR`.
pub const TOLERANCE: f64 = NEAR;
/// Number of drawn force parameters.
pub const NDRAWN: usize = 6;
/// The drawn parameters for Korea's structure (officers first, NCOs last): the
/// calibration's five, then the active-duty rate's future level; [`names`] gives any
/// country's.
pub const NAMES: [&str; NDRAWN] = [
    "take_up",
    "officers.decision_continuation",
    "officers.careerist_continuation",
    "ncos.careerist_continuation",
    "ncos.capacity",
    "active_duty_rate",
];
/// The drawn parameters' names for a force structure (its first and last corps' keys,
/// [`calibration::param_names`]), and whether each acts: with one corps the first corps'
/// careerists' parameter is the last's, and the design's own draw of it is unused.
pub fn names(st: &crate::force::ForceStructure) -> [(String, bool); NDRAWN] {
    let p = calibration::param_names(st);
    let a = st.corps.first().map_or("officers", |c| c.key.as_str());
    std::array::from_fn(|k| match p.get(k) {
        Some(Some(n)) => (n.clone(), true),
        Some(None) => (format!("{a}.careerist_continuation"), false),
        None => (NAMES[k].to_string(), true),
    })
}

/// The `[uncertainty.force]` key that governs each parameter.
pub const KEYS: [&str; NDRAWN] =
    ["take_up", "cadre_retention", "cadre_retention", "cadre_retention", "cadre_propensity", "active_duty_rate"];

const PRIMES: [u64; NDRAWN] = [2, 3, 5, 7, 11, 13];

/// The radical inverse of `i` in base `b` (the Halton sequence's coordinate).
pub fn radical_inverse(mut i: u64, b: u64) -> f64 {
    let (mut f, mut r) = (1.0, 0.0);
    let inv = 1.0 / b as f64;
    while i > 0 {
        f *= inv;
        r += f * (i % b) as f64;
        i /= b;
    }
    r
}

/// Standard normal CDF (erfc by Numerical Recipes' Chebyshev fit, relative error below
/// 1.2e-7).
pub fn normal_cdf(x: f64) -> f64 {
    let z = x.abs() / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98 + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let erfc = t * poly.exp();
    if x >= 0.0 { 1.0 - 0.5 * erfc } else { 0.5 * erfc }
}

/// Standard normal quantile (Acklam's rational approximation, relative error below
/// 1.2e-9), for p in (0, 1).
pub fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] =
        [7.784_695_709_041_462e-3, 3.224_671_290_700_398e-1, 2.445_134_137_142_996, 3.754_408_661_907_416];
    let p = p.clamp(1e-300, 1.0 - 1e-16);
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if p < 0.02425 {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - 0.02425 {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

/// The point of quantile `u` of a normal `(mean, sd)` truncated to `range`.
pub fn truncated_normal(u: f64, (m, sd): (f64, f64), (lo, hi): (f64, f64)) -> f64 {
    let (a, b) = (normal_cdf((lo - m) / sd), normal_cdf((hi - m) / sd));
    (m + sd * normal_quantile(a + u * (b - a))).clamp(lo, hi)
}

/// Whether each parameter comes from the calibrated set (`true`) or its explicit
/// distribution.
pub fn calibrated(noise: &ForceNoise) -> [bool; NDRAWN] {
    let r = noise.cadre_retention.is_none();
    [noise.take_up.is_none(), r, r, r, noise.cadre_propensity.is_none(), noise.active_duty_rate.is_none()]
}

/// One parameter of the set, summarised (`uncertainty.json`, `force_parameters.csv`).
#[derive(Debug, Clone, Serialize)]
pub struct ParamSummary {
    /// Parameter name ([`NAMES`]).
    pub name: String,
    /// `calibrated` or `explicit` (the `[uncertainty.force]` key set a distribution).
    pub source: String,
    /// Prior range (uniform).
    pub prior: (f64, f64),
    /// The scenario's value.
    pub scenario: f64,
    /// Smallest and largest accepted value.
    pub accepted_range: (f64, f64),
    /// Weighted mean over the accepted set.
    pub accepted_mean: f64,
    /// Spearman rank correlation of the trajectories' value with force available in
    /// [`Summary::driver_year`] (filled after the run; `None` for a fixed parameter or a
    /// bounded-memory run).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spearman_force_available: Option<f64>,
    /// Slope of force available on the parameter (persons per unit), from the linear
    /// regression of force available on every drawn parameter over the trajectories (the
    /// partial effect, the others held: what a tornado bar measures).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slope_force_available: Option<f64>,
    /// |slope| × the parameter's 5-95% range over the trajectories: the swing of force
    /// available the parameter's own Monte Carlo spread makes (a tornado bar on the
    /// Monte Carlo's ranges).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub swing_force_available: Option<f64>,
}

fn not_finite(x: &f64) -> bool {
    !x.is_finite()
}

/// The calibrated set, summarised.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// What was done.
    pub method: String,
    /// Acceptance tolerance on the objective RMS.
    pub tolerance: f64,
    /// Reference RMS (best of the scenario's parameters and the design).
    #[serde(skip_serializing_if = "not_finite")]
    pub reference_rms: f64,
    /// The scenario's own parameters' RMS.
    #[serde(skip_serializing_if = "not_finite")]
    pub scenario_rms: f64,
    /// Design points evaluated (pilot and final design).
    pub design_points: usize,
    /// The final design's range of each parameter ([`NAMES`] order): the box of the
    /// uniform parameters, the prior range of the others.
    #[serde(rename = "design_box")]
    pub box_: Vec<(f64, f64)>,
    /// Vectors accepted.
    pub accepted: usize,
    /// Effective sample size of the weights, (Σw)² / Σw².
    pub effective_size: f64,
    /// Largest accepted RMS.
    #[serde(skip_serializing_if = "not_finite")]
    pub max_accepted_rms: f64,
    /// Year of the driver correlations.
    pub driver_year: i32,
    /// Per parameter.
    pub parameters: Vec<ParamSummary>,
}

/// The accepted vectors, ready for the trajectories.
#[derive(Debug, Clone)]
pub struct ForceSet {
    /// Summary.
    pub summary: Summary,
    /// The parameters of each accepted vector ([`NAMES`] order).
    pub values: Vec<[f64; NDRAWN]>,
    /// Each vector's objective RMS.
    pub rms: Vec<f64>,
    /// Each vector's weight (not normalised).
    pub weights: Vec<f64>,
    cumulative: Vec<f64>,
    adjusts: Vec<Adjust>,
    starts: Vec<ForceState>,
    scenario_values: [f64; NDRAWN],
}

/// The year whose force available the driver correlations use: 2040 (the sensitivity
/// analysis' default year) when the projection reaches it, else its last year.
pub fn driver_year(base_year: i32, end_year: i32) -> i32 {
    crate::analysis::sensitivity::DEFAULT_YEAR.clamp(base_year, end_year)
}

impl ForceSet {
    /// Builds the set for `scenario` on the Monte Carlo's force `plan`, whose deterministic
    /// state ready to step the base year is `det_start`.
    pub fn build(
        scenario: &Scenario,
        inputs: &Inputs,
        base: &Population,
        plan: &ForcePlan,
        det_start: &ForceState,
    ) -> ForceSet {
        let noise = &scenario.uncertainty.force;
        let drawn = calibrated(noise);
        let data = &inputs.data.force;
        let level = crate::force::model::active_rate_default(data, f64::from(scenario.base_year) + 1.0);
        let rates: Vec<f64> = data.series("active_duty_rate", "all").iter().map(|p| p.1).collect();
        let adr_range = if rates.is_empty() {
            (level, level)
        } else {
            (rates.iter().copied().fold(f64::MAX, f64::min), rates.iter().copied().fold(f64::MIN, f64::max))
        };
        let setup = Setup::new(inputs, &scenario.force, base.clone(), scenario.base_year).ok();
        let shipped = setup
            .as_ref()
            .map(|s| s.shipped().values())
            .unwrap_or_else(|| calibration::Params::shipped(&scenario.force, data).values());
        let mut scenario_values = [0.0; NDRAWN];
        scenario_values[..5].copy_from_slice(&shipped);
        scenario_values[5] = level;
        let mut priors = [(0.0, 0.0); NDRAWN];
        priors[..5].copy_from_slice(&RANGES);
        priors[5] = adr_range;
        // Parameters 2-4 act on the first corps (A) and the last (Z): see
        // [`calibration::Params`]; with one corps A = Z and parameter 2 is unused.
        let z = data.structure().corps.len().max(1) - 1;
        let adjust_of = |v: &[f64; NDRAWN]| {
            let mut a = Adjust {
                active_shift: v[5] - level,
                take_up: drawn[0].then_some(v[0]),
                decision_shift: [v[1] - shipped[1], 0.0],
                ..Adjust::default()
            };
            if z > 0 {
                a.careerist_shift[0] = v[2] - shipped[2];
            }
            a.careerist_shift[z] = v[3] - shipped[3];
            a.capacity_mult[z] = v[4] / shipped[4];
            a
        };
        // Every accepted vector weighs the same (the priors are in the design).
        let weight_of = |_: &[f64; NDRAWN]| 1.0;
        let year = driver_year(scenario.base_year, scenario.end_year);
        let single = |note: &str, rms: f64| {
            let mut s = ForceSet {
                summary: Summary {
                    method: note.to_string(),
                    tolerance: TOLERANCE,
                    reference_rms: rms,
                    scenario_rms: rms,
                    design_points: 0,
                    box_: priors.to_vec(),
                    accepted: 1,
                    effective_size: 1.0,
                    max_accepted_rms: rms,
                    driver_year: year,
                    parameters: Vec::new(),
                },
                values: vec![scenario_values],
                rms: vec![rms],
                weights: vec![1.0],
                cumulative: vec![1.0],
                adjusts: vec![Adjust::default()],
                starts: vec![det_start.clone()],
                scenario_values,
            };
            s.summary.parameters = s.summarise(&priors, &drawn, &names(data.structure()));
            s
        };
        let Some(setup) = setup else {
            return single("not calibrated: the data have no observed strengths in the model's years", f64::NAN);
        };
        let scenario_rms = setup.evaluate(plan, Adjust::default()).0;
        let ndims = drawn.iter().filter(|d| **d).count();
        if ndims == 0 {
            return single(
                "no force parameter calibrated: every [uncertainty.force] key sets an explicit distribution",
                scenario_rms,
            );
        }
        // The design: the officers' two parameters from their truncated Gaussian priors,
        // the active-duty level over its whole range, the take-up and the NCOs' two
        // parameters uniform over a box that holds every accepted point (found by a pilot
        // over the whole ranges, widened until no accepted point lies near a side that is
        // not the prior's own bound).
        let first_priors = calibration::priors(data.structure());
        let eval = |box_: &[(f64, f64); NDRAWN], n: usize| -> Vec<([f64; NDRAWN], f64, ForceState)> {
            let point = |i: u64| {
                let mut v = scenario_values;
                let mut dim = 0;
                for (k, d) in drawn.iter().enumerate() {
                    if *d {
                        let u = radical_inverse(i, PRIMES[dim]);
                        v[k] = match k {
                            // The first corps' priors, the country's own: a width of 0
                            // is no prior (uniform over the range).
                            1 | 2 if first_priors[k - 1].1 > 0.0 => truncated_normal(u, first_priors[k - 1], priors[k]),
                            _ => box_[k].0 + (box_[k].1 - box_[k].0) * u,
                        };
                        dim += 1;
                    }
                }
                v
            };
            // Each point is independent: evaluated in parallel, eight at a time in the
            // force lanes (the same results as one at a time, bit for bit), collected in
            // index order.
            let groups: Vec<Vec<_>> = (0..n.div_ceil(L))
                .into_par_iter()
                .map_init(LaneState::default, |lanes, g| {
                    let first = g * L + 1;
                    let count = L.min(n + 1 - first);
                    // Lanes beyond the last point repeat it (evaluated, not kept).
                    let vs: [[f64; NDRAWN]; L] = std::array::from_fn(|l| point((first + l.min(count - 1)) as u64));
                    let adjusts = vs.map(|v| adjust_of(&v));
                    let evaluated = setup
                        .evaluate_lanes(plan, &adjusts, lanes)
                        .unwrap_or_else(|| adjusts[..count].iter().map(|a| setup.evaluate(plan, *a)).collect());
                    vs.into_iter()
                        .zip(evaluated)
                        .take(count)
                        .map(|(v, (rms, mut state))| {
                            // Thousands of these are held at once: without the step's
                            // cache (rebuilt by the trajectory that starts from it).
                            state.release_cache();
                            (v, rms, state)
                        })
                        .collect()
                })
                .collect();
            groups.into_iter().flatten().collect()
        };
        let pilot = eval(&priors, PILOT_POINTS);
        let mut best = pilot.iter().map(|p| p.1).fold(scenario_rms, f64::min);
        let mut box_ = priors;
        let span = |pts: &[([f64; NDRAWN], f64, ForceState)], best: f64, k: usize| {
            pts.iter()
                .filter(|p| p.1 <= best + TOLERANCE)
                .map(|p| p.0[k])
                .fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)))
        };
        for k in BOXED {
            let (lo, hi) = span(&pilot, best, k);
            if drawn[k] && lo <= hi {
                let m = 0.5 * (hi - lo).max(0.02 * (priors[k].1 - priors[k].0));
                box_[k] = ((lo - m).max(priors[k].0), (hi + m).min(priors[k].1));
            }
        }
        let mut points = eval(&box_, DESIGN_POINTS);
        for _ in 0..4 {
            best = points.iter().map(|p| p.1).fold(best, f64::min);
            let mut widened = false;
            for k in BOXED {
                let (lo, hi) = span(&points, best, k);
                let (blo, bhi) = box_[k];
                let near = 0.05 * (bhi - blo);
                if drawn[k] && lo <= hi {
                    if lo < blo + near && blo > priors[k].0 {
                        box_[k].0 = (blo - (bhi - blo)).max(priors[k].0);
                        widened = true;
                    }
                    if hi > bhi - near && bhi < priors[k].1 {
                        box_[k].1 = (bhi + (bhi - blo)).min(priors[k].1);
                        widened = true;
                    }
                }
            }
            if !widened {
                break;
            }
            points = eval(&box_, DESIGN_POINTS);
        }
        let evaluated = PILOT_POINTS + DESIGN_POINTS;
        let mut set = ForceSet {
            summary: Summary {
                method: {
                    let st = data.structure();
                    let key = |c: Option<&crate::force::branch::Component>| c.map_or(String::new(), |c| c.key.clone());
                    let (a, z) = (key(st.corps.first()), key(st.corps.last()));
                    let first = if st.corps.len() > 1 {
                        format!("the {a}' decision and careerist continuation from their weak Gaussian priors")
                    } else {
                        format!("the {a}' decision continuation from its weak Gaussian prior")
                    };
                    format!(
                        "approximate Bayesian computation by rejection: {DESIGN_POINTS} Halton points (after a \
                         pilot of {PILOT_POINTS} over the whole prior ranges) over the box that holds the \
                         accepted take-up and {z}' careerist continuation and capacity, {first} (country.toml), \
                         accepted when the calibration's objective RMS is within {:.1} point of the best",
                        100.0 * TOLERANCE
                    )
                },
                tolerance: TOLERANCE,
                reference_rms: best,
                scenario_rms,
                design_points: evaluated,
                box_: box_.to_vec(),
                accepted: 0,
                effective_size: 0.0,
                max_accepted_rms: 0.0,
                driver_year: year,
                parameters: Vec::new(),
            },
            values: Vec::new(),
            rms: Vec::new(),
            weights: Vec::new(),
            cumulative: Vec::new(),
            adjusts: Vec::new(),
            starts: Vec::new(),
            scenario_values,
        };
        for (v, rms, state) in points {
            if rms.is_finite() && rms <= best + TOLERANCE {
                set.values.push(v);
                set.rms.push(rms);
                set.weights.push(weight_of(&v));
                set.adjusts.push(adjust_of(&v));
                set.starts.push(state);
            }
        }
        let total: f64 = set.weights.iter().sum();
        if set.values.is_empty() || total.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
            return single("not calibrated: no design point within the tolerance", scenario_rms);
        }
        let mut acc = 0.0;
        set.cumulative = set
            .weights
            .iter()
            .map(|w| {
                acc += w;
                acc
            })
            .collect();
        set.summary.accepted = set.values.len();
        set.summary.effective_size = total * total / set.weights.iter().map(|w| w * w).sum::<f64>();
        set.summary.max_accepted_rms = set.rms.iter().copied().fold(0.0, f64::max);
        set.summary.parameters = set.summarise(&priors, &drawn, &names(data.structure()));
        set
    }

    fn summarise(
        &self,
        priors: &[(f64, f64); NDRAWN],
        drawn: &[bool; NDRAWN],
        names: &[(String, bool); NDRAWN],
    ) -> Vec<ParamSummary> {
        let total: f64 = self.weights.iter().sum();
        (0..NDRAWN)
            .map(|k| {
                let vals = self.values.iter().map(|v| v[k]);
                let lo = vals.clone().fold(f64::MAX, f64::min);
                let hi = vals.fold(f64::MIN, f64::max);
                let mean = self.values.iter().zip(&self.weights).map(|(v, w)| v[k] * w).sum::<f64>() / total;
                ParamSummary {
                    name: names[k].0.clone(),
                    source: match (names[k].1, drawn[k]) {
                        (false, _) => "unused (one corps)",
                        (true, true) => "calibrated",
                        (true, false) => "explicit",
                    }
                    .to_string(),
                    prior: if drawn[k] { priors[k] } else { (self.scenario_values[k], self.scenario_values[k]) },
                    scenario: self.scenario_values[k],
                    accepted_range: (lo, hi),
                    accepted_mean: mean,
                    spearman_force_available: None,
                    slope_force_available: None,
                    swing_force_available: None,
                }
            })
            .collect()
    }

    /// Number of accepted vectors.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether the set is empty (never: a set that accepts nothing falls back to the
    /// scenario's own vector).
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Picks a vector with probability ∝ its weight; draws nothing from `rng` when the set
    /// has one vector.
    pub fn pick<R: Rng + ?Sized>(&self, rng: &mut R) -> usize {
        if self.cumulative.len() <= 1 {
            return 0;
        }
        let u: f64 = rng.random::<f64>() * self.cumulative[self.cumulative.len() - 1];
        self.cumulative.partition_point(|c| *c <= u).min(self.cumulative.len() - 1)
    }

    /// The force model's deviations of vector `k`.
    pub fn adjust(&self, k: usize) -> &Adjust {
        &self.adjusts[k]
    }

    /// The force state of vector `k` ready to step the base year.
    pub fn start(&self, k: usize) -> &ForceState {
        &self.starts[k]
    }

    /// The parameter values a trajectory ran with: vector `k`'s for the calibrated
    /// parameters, the scenario's moved by the explicit draw `draw` for the others.
    pub fn trajectory_values(&self, k: usize, draw: &ForceDraw, noise: &ForceNoise) -> [f64; NDRAWN] {
        let mut v = self.values[k];
        let s = &self.scenario_values;
        if noise.take_up.is_some() {
            v[0] = draw.take_up;
        }
        if noise.cadre_retention.is_some() {
            v[2] = (s[2] + draw.cadre_retention).clamp(0.0, 1.0);
            v[3] = (s[3] + draw.cadre_retention).clamp(0.0, 1.0);
        }
        if noise.cadre_propensity.is_some() {
            v[4] = s[4] * draw.cadre_propensity;
        }
        if noise.active_duty_rate.is_some() {
            v[5] = (s[5] + draw.active_duty_rate).clamp(0.0, 1.0);
        }
        v
    }
}

/// Ranks of `x` (1-based, ties at their mean rank).
pub fn ranks(x: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..x.len()).collect();
    idx.sort_by(|&a, &b| x[a].total_cmp(&x[b]).then(a.cmp(&b)));
    let mut r = vec![0.0; x.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && x[idx[j + 1]] == x[idx[i]] {
            j += 1;
        }
        let mean = 0.5 * (i + j) as f64 + 1.0;
        for &k in &idx[i..=j] {
            r[k] = mean;
        }
        i = j + 1;
    }
    r
}

/// Spearman's rank correlation of `x` and `y`; `None` when either is constant.
pub fn spearman(x: &[f64], y: &[f64]) -> Option<f64> {
    let (rx, ry) = (ranks(x), ranks(y));
    let n = rx.len() as f64;
    let (mx, my) = (rx.iter().sum::<f64>() / n, ry.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in rx.iter().zip(&ry) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
}

/// Least-squares slopes of `y` on the columns `x` (with an intercept); `None` for a
/// constant column or one that the others determine (pivot below 1e-10 of its variance).
pub fn regression(x: &[Vec<f64>], y: &[f64]) -> Vec<Option<f64>> {
    let n = y.len() as f64;
    let p = x.len();
    let mean = |v: &[f64]| v.iter().sum::<f64>() / n;
    let my = mean(y);
    let mx: Vec<f64> = x.iter().map(|c| mean(c)).collect();
    // Normal equations on centred columns: A β = b.
    let mut a = vec![vec![0.0; p]; p];
    let mut b = vec![0.0; p];
    for i in 0..p {
        for j in 0..=i {
            let v: f64 = x[i].iter().zip(&x[j]).map(|(u, w)| (u - mx[i]) * (w - mx[j])).sum();
            a[i][j] = v;
            a[j][i] = v;
        }
        b[i] = x[i].iter().zip(y).map(|(u, w)| (u - mx[i]) * (w - my)).sum();
    }
    let var: Vec<f64> = (0..p).map(|i| a[i][i]).collect();
    let mut keep: Vec<usize> = Vec::new();
    // Gram-Schmidt order: keep a column when what the kept ones leave of it is not tiny.
    for i in 0..p {
        if var[i].is_nan() || var[i] <= 0.0 {
            continue;
        }
        let mut trial = keep.clone();
        trial.push(i);
        if solve(&a, &b, &trial).is_some_and(|(_, pivots)| pivots.last().is_some_and(|pv| *pv > 1e-10 * var[i])) {
            keep = trial;
        }
    }
    let mut out = vec![None; p];
    if let Some((beta, _)) = solve(&a, &b, &keep) {
        for (k, i) in keep.iter().enumerate() {
            out[*i] = Some(beta[k]);
        }
    }
    out
}

/// Solves the sub-system of `a β = b` on the indices `idx` by Gaussian elimination in
/// order (the matrix is symmetric positive semi-definite), with the pivots met.
fn solve(a: &[Vec<f64>], b: &[f64], idx: &[usize]) -> Option<(Vec<f64>, Vec<f64>)> {
    let m = idx.len();
    let mut s: Vec<Vec<f64>> = idx.iter().map(|&i| idx.iter().map(|&j| a[i][j]).chain([b[i]]).collect()).collect();
    let mut pivots = Vec::with_capacity(m);
    for c in 0..m {
        let pv = s[c][c];
        if pv.is_nan() || pv <= 0.0 {
            return None;
        }
        pivots.push(pv);
        for r in c + 1..m {
            let f = s[r][c] / pv;
            for k in c..=m {
                s[r][k] -= f * s[c][k];
            }
        }
    }
    let mut beta = vec![0.0; m];
    for c in (0..m).rev() {
        let rest: f64 = (c + 1..m).map(|k| s[c][k] * beta[k]).sum();
        beta[c] = (s[c][m] - rest) / s[c][c];
    }
    Some((beta, pivots))
}

/// The `q` quantile of the sorted values `s` (linear between order statistics; several
/// quantiles from one sort).
pub fn quantile_of_sorted(s: &[f64], q: f64) -> f64 {
    let h = q * (s.len() - 1) as f64;
    let (i, f) = (h.floor() as usize, h - h.floor());
    if i + 1 < s.len() { s[i] + f * (s[i + 1] - s[i]) } else { s[i] }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regression_recovers_slopes_and_drops_dependent_columns() {
        // y = 3 x0 − 2 x1 + 5, with x2 = 2 x0 (dependent) and x3 constant.
        let x0: Vec<f64> = (0..50).map(|i| radical_inverse(i + 1, 2)).collect();
        let x1: Vec<f64> = (0..50).map(|i| radical_inverse(i + 1, 3)).collect();
        let x2: Vec<f64> = x0.iter().map(|v| 2.0 * v).collect();
        let y: Vec<f64> = x0.iter().zip(&x1).map(|(a, b)| 3.0 * a - 2.0 * b + 5.0).collect();
        let r = regression(&[x0, x1, x2, vec![1.0; 50]], &y);
        assert!((r[0].unwrap() - 3.0).abs() < 1e-9 && (r[1].unwrap() + 2.0).abs() < 1e-9, "{r:?}");
        assert_eq!((r[2], r[3]), (None, None));
    }

    #[test]
    fn halton_coordinates() {
        assert_eq!(radical_inverse(1, 2), 0.5);
        assert_eq!(radical_inverse(3, 2), 0.75);
        assert!((radical_inverse(5, 3) - (2.0 / 3.0 + 1.0 / 9.0)).abs() < 1e-15);
    }

    #[test]
    fn normal_functions_agree_with_reference_values() {
        // Φ(1.96) = 0.9750021, Φ(-1) = 0.1586553 (tables); the quantile inverts the CDF.
        assert!((normal_cdf(1.96) - 0.975_002_1).abs() < 2e-7);
        assert!((normal_cdf(-1.0) - 0.158_655_3).abs() < 2e-7);
        for p in [1e-6, 0.01, 0.3, 0.5, 0.9, 0.999] {
            assert!((normal_cdf(normal_quantile(p)) - p).abs() < 2e-7 * p.max(1e-3), "{p}");
        }
        // Truncated at +2 sd: the median lies below the mean.
        let x = truncated_normal(0.5, (0.955, 0.02), (0.85, 0.995));
        assert!(x < 0.955 && x > 0.95, "{x}");
    }

    #[test]
    fn spearman_of_monotone_and_reversed() {
        let x = [1.0, 2.0, 3.0, 4.0, 5.0];
        let y = [10.0, 20.0, 20.0, 40.0, 100.0];
        assert!((spearman(&x, &y).unwrap() - 0.9746794344808964).abs() < 1e-12);
        let rev: Vec<f64> = x.iter().map(|v| -v * v).collect();
        assert!((spearman(&x, &rev).unwrap() + 1.0).abs() < 1e-12);
        assert_eq!(spearman(&x, &[1.0; 5]), None);
    }
}
