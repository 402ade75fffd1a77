//! `manifest.json` of a comparison, sensitivity or report folder: the tool and version,
//! the command and its settings, every scenario fully resolved with the checksums of
//! its inputs, and the files written.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use crate::analysis::ScenarioRun;
use crate::error::{Error, Result};
use crate::scenario::Scenario;

/// One scenario of the folder.
#[derive(Debug, Serialize)]
pub struct ScenarioEntry<'a> {
    /// The fully resolved scenario.
    pub scenario: &'a Scenario,
    /// Country data folder and its display name.
    pub country: &'a str,
    /// What the base population counts.
    pub base_population: String,
    /// SHA-256 of every input table read.
    pub input_checksums: &'a BTreeMap<String, String>,
}

/// The manifest.
#[derive(Debug, Serialize)]
pub struct AnalysisManifest<'a> {
    /// Tool name.
    pub tool: &'static str,
    /// Tool version.
    pub version: &'static str,
    /// The command that wrote the folder (`compare`, `sensitivity`, `report`).
    pub command: &'a str,
    /// Its settings (e.g. the analysis year).
    pub settings: serde_json::Value,
    /// The scenarios, in the order given.
    pub scenarios: Vec<ScenarioEntry<'a>>,
    /// The files in the folder.
    pub files: Vec<String>,
}

/// Writes `manifest.json` at `path`.
pub fn write(
    command: &str,
    settings: serde_json::Value,
    runs: &[&ScenarioRun],
    files: Vec<String>,
    path: &Path,
) -> Result<()> {
    let m = AnalysisManifest {
        tool: "forcecast",
        version: crate::VERSION,
        command,
        settings,
        scenarios: runs
            .iter()
            .map(|r| ScenarioEntry {
                scenario: r.scenario(),
                country: &r.inputs.data.name,
                base_population: format!("{} ({})", r.inputs.data.base.note, r.inputs.data.base.date),
                input_checksums: &r.inputs.data.checksums,
            })
            .collect(),
        files,
    };
    let text = serde_json::to_string_pretty(&m).map_err(|e| Error::io(path, std::io::Error::other(e)))?;
    std::fs::write(path, text + "\n").map_err(|e| Error::io(path, e))
}
