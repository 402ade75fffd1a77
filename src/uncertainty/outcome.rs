//! One Monte Carlo run of a scenario from start to summaries: plan, trajectories,
//! quantiles, probabilities, calibration report and median-vs-deterministic distances.

use serde::Serialize;

use super::calibration::{self, CalibrationRow};
use super::engine::{self, MonteCarlo, Options};
use super::plan::{Components, Plan};
use super::summary::{self, MedianDistance, ProbabilityRow, QuantileRow};
use crate::error::{Error, Result};
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
}

impl Outcome {
    /// The `uncertainty.json` record.
    pub fn record(&self) -> Record<'_> {
        Record {
            seed: self.options.seed,
            trajectories: self.options.trajectories,
            components: &self.components,
            median_distance: &self.median_distance,
        }
    }
}

/// Runs `options.trajectories` trajectories of `scenario` around its deterministic
/// projection `det` and summarises them. `progress` receives finished trajectory counts.
pub fn run(
    scenario: &Scenario,
    inputs: &Inputs,
    det: &Projection,
    options: Options,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Outcome> {
    let mut laps = crate::timing::Laps::new();
    let plan = Plan::new(scenario, inputs, det)?;
    laps.lap("monte carlo plan (fits, calibration)");
    let mc: MonteCarlo = engine::run(&plan, options, progress)?;
    laps.lap("monte carlo engine");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads.max(1))
        .build()
        .map_err(|e| Error::Usage(format!("cannot start {} worker threads: {e}", options.threads)))?;
    let quantiles = pool.install(|| summary::quantiles(&plan, &mc));
    let calibration = calibration::report(&plan, &quantiles, &inputs.data);
    let probabilities = summary::probabilities(&plan, &mc);
    let median_distance = summary::median_distance(&plan, &quantiles);
    laps.lap("monte carlo summaries");
    Ok(Outcome {
        options,
        years: plan.years.clone(),
        quantiles,
        probabilities,
        calibration,
        median_distance,
        sample_bytes: mc.samples.bytes(),
        components: plan.components,
    })
}
