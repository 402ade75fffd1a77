//! `manifest.json`: what produced an output folder.

use std::path::Path;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::run::{Inputs, Projection};
use crate::scenario::Scenario;

/// The manifest written beside every output.
#[derive(Debug, Serialize)]
pub struct Manifest<'a> {
    /// Tool name.
    pub tool: &'static str,
    /// Tool version.
    pub version: &'static str,
    /// The fully resolved scenario.
    pub scenario: &'a Scenario,
    /// Country data folder and its display name.
    pub country: String,
    /// What the base population counts.
    pub base_population: String,
    /// SHA-256 of every input table read.
    pub input_checksums: &'a std::collections::BTreeMap<String, String>,
    /// Random seed (none for a deterministic run).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Monte Carlo trajectories (none for a deterministic run).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trajectories: Option<usize>,
    /// Intrinsic growth rate (per year) of the base interval's female rates.
    pub intrinsic_growth_rate_base: f64,
    /// The files in the folder.
    pub files: Vec<String>,
}

/// Writes `manifest.json`.
pub fn write(p: &Projection, inputs: &Inputs, seed: Option<u64>, files: Vec<String>, path: &Path) -> Result<()> {
    write_run(p, inputs, seed.map(|s| (s, 0)), files, path)
}

/// Writes `manifest.json` for a run with `(seed, trajectories)` when it is a Monte Carlo run.
pub fn write_run(
    p: &Projection,
    inputs: &Inputs,
    run: Option<(u64, usize)>,
    files: Vec<String>,
    path: &Path,
) -> Result<()> {
    let (seed, trajectories) = (run.map(|r| r.0), run.map(|r| r.1).filter(|n| *n > 0));
    let m = Manifest {
        tool: "forcecast",
        version: crate::VERSION,
        scenario: &p.scenario,
        country: inputs.data.name.clone(),
        base_population: match p.scenario.base_population {
            crate::scenario::BasePopulationSource::Registration => {
                format!("{} ({})", inputs.data.base.note, inputs.data.base.date)
            }
            crate::scenario::BasePopulationSource::WppEstimates => format!(
                "WPP 2024 estimates by 5-year age group and sex, 1 July {}, all residents, graduated to single ages",
                p.scenario.base_year
            ),
        },
        input_checksums: &inputs.data.checksums,
        seed,
        trajectories,
        intrinsic_growth_rate_base: p.stable_base.r,
        files,
    };
    let text = serde_json::to_string_pretty(&m).map_err(|e| Error::io(path, std::io::Error::other(e)))?;
    std::fs::write(path, text + "\n").map_err(|e| Error::io(path, e))
}
