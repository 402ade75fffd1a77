//! One Monte Carlo run of a scenario from start to summaries: plan, trajectories,
//! quantiles, probabilities, calibration report and median-vs-deterministic distances.

use serde::Serialize;

use super::calibration::{self, CalibrationRow};
use super::engine::{self, MonteCarlo, Options};
use super::plan::{Components, Plan};
use super::summary::{self, MedianDistance, ProbabilityRow, QuantileRow};
use super::{sketch, streaming};
use crate::error::Result;
use crate::run::{Inputs, Projection};
use crate::scenario::Scenario;

/// The summaries of a Monte Carlo run (the raw samples are dropped once summarised).
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Options the run used.
    pub options: Options,
    /// Years of the rows.
    pub years: Vec<i32>,
    /// `quantiles.csv` rows (year-major, metrics in `summary.csv` order).
    pub quantiles: Vec<QuantileRow>,
    /// `probabilities.csv` rows.
    pub probabilities: Vec<ProbabilityRow>,
    /// `calibration.csv` rows.
    pub calibration: Vec<CalibrationRow>,
    /// Median-vs-deterministic distance per metric.
    pub median_distance: Vec<MedianDistance>,
    /// The fitted and calibrated components.
    pub components: Components,
    /// Bytes the samples held at their peak.
    pub sample_bytes: usize,
    /// With quantile sketches (runs too large to keep every sample): the largest rank
    /// error any column's quantiles may have, as a share of the trajectories; `None`
    /// when the quantiles are exact.
    pub quantile_rank_error: Option<f64>,
    /// The first trajectories' values (`--save-trajectories K`; empty otherwise).
    pub saved: Vec<SavedYear>,
}

/// What `uncertainty.json` records.
#[derive(Debug, Serialize)]
pub struct Record<'a> {
    /// Random seed.
    pub seed: u64,
    /// Trajectories.
    pub trajectories: usize,
    /// Components and their parameters.
    pub components: &'a Components,
    /// Median-vs-deterministic distance per metric.
    pub median_distance: &'a [MedianDistance],
    /// The quantiles' largest possible rank error (share of the trajectories) when they
    /// come from sketches; absent when they are exact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quantile_rank_error: Option<f64>,
}

impl Outcome {
    /// The `uncertainty.json` record.
    pub fn record(&self) -> Record<'_> {
        Record {
            seed: self.options.seed,
            trajectories: self.options.trajectories,
            components: &self.components,
            median_distance: &self.median_distance,
            quantile_rank_error: self.quantile_rank_error,
        }
    }
}

/// Passes over the trajectories that [`run`] makes for `scenario` with `options`: always
/// 1 (in memory while every sample fits [`streaming::SAMPLE_BUDGET`], else with
/// [`sketch`]es). A progress display counts `trajectories × passes`.
pub fn passes(_scenario: &Scenario, _options: &Options) -> u64 {
    1
}

/// Whether [`run`] summarises `scenario`'s trajectories with quantile sketches (one pass,
/// constant memory, quantiles within the rank error of [`sketch::rank_error_bound`])
/// instead of keeping every sample (exact quantiles): when the samples would exceed
/// [`streaming::SAMPLE_BUDGET`].
pub fn sketched(scenario: &Scenario, options: &Options) -> bool {
    options.trajectories > exact_limit(scenario)
}

/// The most trajectories of `scenario` whose samples [`run`] keeps, with exact quantiles
/// (90,565 for 2025-2100); more are summarised with quantile sketches ([`sketched`]).
pub fn exact_limit(scenario: &Scenario) -> usize {
    let years = (scenario.end_year - scenario.base_year + 1).max(1) as usize;
    streaming::SAMPLE_BUDGET / engine::bytes_per_trajectory(years)
}

/// Runs `options.trajectories` trajectories of `scenario` around its deterministic
/// projection `det` and summarises them. `progress` receives finished trajectory counts
/// (each trajectory once per pass, see [`passes`]).
pub fn run(
    scenario: &Scenario,
    inputs: &Inputs,
    det: &Projection,
    options: Options,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Outcome> {
    run_with_budget(scenario, inputs, det, options, streaming::SAMPLE_BUDGET, progress)
}

/// [`run`] keeping every sample only while they take at most `budget` bytes (exact
/// quantiles), and beyond in one pass with a quantile [`sketch`] per column (constant
/// memory; quantiles within the sketch's rank error, see [`sketch::rank_error_bound`]).
/// [`streaming::run`] gives exact quantiles in bounded memory at three times the compute.
pub fn run_with_budget(
    scenario: &Scenario,
    inputs: &Inputs,
    det: &Projection,
    options: Options,
    budget: usize,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Outcome> {
    let mut laps = crate::timing::Laps::new();
    // The plan's fits and calibration run on the run's threads.
    let pool = engine::pool(options.threads)?;
    let mut plan = pool.install(|| Plan::new(scenario, inputs, det))?;
    laps.lap("monte carlo plan (fits, calibration)");
    let per_trajectory = engine::bytes_per_trajectory(plan.len());
    let (quantiles, exceedance, sample_bytes, quantile_rank_error) =
        if streaming::passes(options.trajectories, per_trajectory, budget) == 1 {
            let mc: MonteCarlo = engine::run_on(&plan, options, &pool, progress)?;
            laps.lap("monte carlo engine");
            // The force parameters' correlations and the quantiles read the same samples
            // and share the pool's threads.
            let (drivers, quantiles) =
                pool.install(|| rayon::join(|| force_drivers(&plan, &mc), || summary::quantiles(&plan, &mc)));
            if let (Some(drivers), Some(s)) = (drivers, plan.components.force_calibration.as_mut()) {
                drivers.apply(s);
            }
            laps.lap("monte carlo quantiles and force drivers (rank correlations)");
            let bytes = mc.samples.bytes();
            let MonteCarlo { exceedance, samples, .. } = mc;
            // Returning 120 MB of samples to the system takes about 10 ms (page by page);
            // a thread of its own does it while the run writes its tables (or, if no
            // thread can be started, this one, now).
            let _ = std::thread::Builder::new().name("free-samples".into()).spawn(move || drop(samples));
            (quantiles, exceedance, bytes, None)
        } else {
            let s = sketch::run(&plan, options, sketch::CHUNK, progress)?;
            laps.lap("monte carlo engine and summaries (one pass, quantile sketches)");
            (s.quantiles, s.exceedance, s.peak_bytes, Some(s.rank_error))
        };
    let calibration = calibration::report(&plan, &quantiles, &inputs.data);
    let probabilities = summary::probabilities(&plan, &exceedance, options.trajectories);
    let median_distance = summary::median_distance(&plan, &quantiles);
    laps.lap("monte carlo summaries");
    let outcome = Outcome {
        options,
        years: plan.years.clone(),
        quantiles,
        probabilities,
        calibration,
        median_distance,
        sample_bytes,
        quantile_rank_error,
        saved: Vec::new(),
        components: plan.components,
    };
    // Every number of the Monte Carlo tables checked before anything is written.
    crate::output::guard::outcome(&outcome, &scenario.automation.currency)?;
    Ok(outcome)
}

/// How each drawn force parameter drives the force available in the force set's driver
/// year, over every trajectory (see [`force_drivers`]).
struct Drivers {
    /// Per parameter: the Spearman rank correlation, the least-squares slope, and the
    /// range between its 5th and 95th percentiles over the trajectories.
    rho: Vec<Option<f64>>,
    slopes: Vec<Option<f64>>,
    ranges: Vec<f64>,
}

impl Drivers {
    /// Writes the drivers into the force calibration's summary.
    fn apply(self, s: &mut super::force_set::Summary) {
        for (((p, r), b), range) in s.parameters.iter_mut().zip(self.rho).zip(self.slopes).zip(self.ranges) {
            p.spearman_force_available = r;
            p.slope_force_available = b;
            p.swing_force_available = b.map(|b| b.abs() * range);
        }
    }
}

/// The Spearman rank correlation of each drawn force parameter with the force available
/// in the force set's driver year, over every trajectory of `mc` (in index order, so the
/// result does not depend on the thread count); `None` without a force calibration.
///
/// The draws, the correlations and the regression are spread over the current rayon
/// pool; each is computed as it would be on one thread (the draws collected in index
/// order, each correlation and the regression whole), so the result does not depend
/// on the pool.
fn force_drivers(plan: &Plan, mc: &MonteCarlo) -> Option<Drivers> {
    use super::force_set::{NDRAWN, quantile_of_sorted, regression, spearman};
    use rayon::prelude::*;
    let summary = plan.components.force_calibration.as_ref()?;
    let t = plan.years.iter().position(|y| *y == summary.driver_year)?;
    let m = crate::output::tables::SUMMARY_COLUMNS.iter().position(|c| *c == "force_available")?;
    let mut col = Vec::new();
    mc.samples.column(t * super::plan::NMETRICS + m - 1, &mut col);
    let y: Vec<f64> = col.iter().map(|v| f64::from(*v)).collect();
    let noise = &plan.components.spec.force;
    let values: Vec<[f64; NDRAWN]> = (0..y.len())
        .into_par_iter()
        .map(|i| {
            let (k, draw) = engine::force_draw(plan, mc.options.seed, i as u64);
            plan.force_set.trajectory_values(k, &draw, noise)
        })
        .collect();
    let x: Vec<Vec<f64>> = (0..NDRAWN).map(|p| values.iter().map(|v| v[p]).collect()).collect();
    let ((rho, ranges), slopes) = rayon::join(
        || {
            x.par_iter()
                .map(|xs| {
                    let mut sorted = xs.clone();
                    sorted.sort_by(f64::total_cmp);
                    (spearman(xs, &y), quantile_of_sorted(&sorted, 0.95) - quantile_of_sorted(&sorted, 0.05))
                })
                .unzip()
        },
        || regression(&x, &y),
    );
    Some(Drivers { rho, slopes, ranges })
}

/// One trajectory's values of one year (`trajectories.csv`, written long).
#[derive(Debug, Clone, PartialEq)]
pub struct SavedYear {
    /// Trajectory index (0-based; its draws depend only on the seed and this index).
    pub trajectory: usize,
    /// Year.
    pub year: i32,
    /// Values of the `summary.csv` metrics after `year`, in their order.
    pub values: [f64; super::plan::NMETRICS],
}

/// The first `k` trajectories of the run `options` describes, as values: re-run alone,
/// which gives exactly the trajectories of the full run (each trajectory's draws depend on
/// the seed and its index only). Every value is checked like the summary's.
pub fn saved_trajectories(
    scenario: &Scenario,
    inputs: &Inputs,
    det: &Projection,
    options: Options,
    k: usize,
) -> Result<Vec<SavedYear>> {
    use super::plan::NMETRICS;
    use crate::output::guard::{Kind, check, clamp_rounding};
    let pool = engine::pool(options.threads)?;
    let plan = pool.install(|| Plan::new(scenario, inputs, det))?;
    let k = k.min(options.trajectories);
    let mut exceedance = engine::exceedance(&plan);
    let mut samples = engine::Samples::empty(plan.len());
    engine::run_range(&plan, options.seed, 0..k, &pool, &mut exceedance, &|_| {}, &mut samples, engine::Kernel::Auto)?;
    let columns = &crate::output::tables::SUMMARY_COLUMNS[1..];
    let currency = scenario.automation.currency.as_str();
    let mut out = Vec::with_capacity(k * plan.len());
    let mut offsets = Vec::new();
    for j in 0..k {
        samples.trajectory(j, &mut offsets);
        for (t, &year) in plan.years.iter().enumerate() {
            let mut values = [0.0; NMETRICS];
            for (m, v) in values.iter_mut().enumerate() {
                let d = plan.det[t][m];
                *v = clamp_rounding(d + f64::from(offsets[t * NMETRICS + m]), d);
                if let Some(kind) = Kind::of_column(columns[m]) {
                    check(
                        || format!("trajectories.csv: {} of trajectory {j} in {year}", columns[m]),
                        *v,
                        kind,
                        currency,
                    )?;
                }
            }
            out.push(SavedYear { trajectory: j, year, values });
        }
    }
    Ok(out)
}
