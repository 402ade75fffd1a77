//! Running several scenarios in-process: locate, load, project and tabulate each, and
//! refuse a set whose names collide (their columns and colours would be ambiguous).

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::output::tables::{SUMMARY_COLUMNS, SummaryRow, row_values, summary_rows};
use crate::run::{self, Inputs, Projection};
use crate::scenario::{self, Scenario};

/// One scenario, projected.
#[derive(Debug, Clone)]
pub struct ScenarioRun {
    /// The scenario file as given (resolved path).
    pub path: PathBuf,
    /// The projection (holds the resolved scenario).
    pub projection: Projection,
    /// Its `summary.csv` rows.
    pub rows: Vec<SummaryRow>,
    /// The inputs it was projected from (data tables, mortality surface).
    pub inputs: Inputs,
}

impl ScenarioRun {
    /// The scenario's name (its file stem).
    pub fn name(&self) -> &str {
        &self.projection.scenario.name
    }

    /// The resolved scenario.
    pub fn scenario(&self) -> &Scenario {
        &self.projection.scenario
    }

    /// The value of a `summary.csv` column in `year`, if the projection covers the year
    /// and the column exists.
    pub fn value(&self, year: i32, column: &str) -> Option<f64> {
        let st = self.inputs.data.force.structure.as_ref();
        let col = (0..SUMMARY_COLUMNS.len())
            .find(|&i| crate::output::tables::column_name(i, st).as_deref() == Some(column))?;
        Some(row_values(self.row(year)?)[col])
    }

    /// The summary row of `year`, if the projection covers it.
    pub fn row(&self, year: i32) -> Option<&SummaryRow> {
        let first = self.rows.first()?.year;
        self.rows.get(usize::try_from(year - first).ok()?)
    }
}

/// Locates, loads and projects one scenario argument (a name or a `.toml` path).
pub fn run_one(arg: &str, scenarios_dir: &Path) -> Result<ScenarioRun> {
    let path = scenario::locate(arg, scenarios_dir)?;
    let s = scenario::load(&path, scenarios_dir)?;
    let inputs = run::load_inputs(&s, scenarios_dir)?;
    let projection = run::project(&s, &inputs)?;
    let rows = summary_rows(&projection);
    Ok(ScenarioRun { path, projection, rows, inputs })
}

/// Runs every argument (in parallel), in the order given. Two scenarios with the same
/// name are refused, naming both arguments.
pub fn run_all(args: &[String], scenarios_dir: &Path) -> Result<Vec<ScenarioRun>> {
    if args.is_empty() {
        return Err(Error::Usage("no scenario given".into()));
    }
    // Names are checked before anything runs, so a clash is reported at once.
    let mut seen: Vec<(String, &str)> = Vec::with_capacity(args.len());
    for arg in args {
        let name = if arg.ends_with(".toml") { scenario::name_of(Path::new(arg)) } else { arg.clone() };
        if let Some((_, first)) = seen.iter().find(|(n, _)| *n == name) {
            return Err(Error::Usage(format!(
                "scenario name `{name}` is given twice (`{first}` and `{arg}`); compared scenarios need distinct names \
                 (copy one to a file with another name)"
            )));
        }
        seen.push((name, arg));
    }
    // Collected in order, so the error reported is that of the first failing argument.
    let runs: Vec<Result<ScenarioRun>> = args.par_iter().map(|a| run_one(a, scenarios_dir)).collect();
    runs.into_iter().collect()
}

/// The folder name part for a set of scenarios: their names joined by `_`; a long list
/// keeps the names that fit in about 100 characters and counts the rest
/// (`a_b_and-5-more`), so the folder name stays well inside file-system limits.
pub fn joined_names(names: &[&str]) -> String {
    let all = names.join("_");
    if all.len() <= 100 {
        return all;
    }
    let mut kept: Vec<&str> = Vec::new();
    let mut len = 0;
    for n in names {
        if len + n.len() + 1 > 80 {
            break;
        }
        len += n.len() + 1;
        kept.push(n);
    }
    if kept.is_empty() {
        // One very long name: keep its first 80 characters (names are ASCII).
        kept.push(&names[0][..80.min(names[0].len())]);
    }
    format!("{}_and-{}-more", kept.join("_"), names.len() - kept.len())
}

#[cfg(test)]
mod tests {
    use super::joined_names;

    #[test]
    fn folder_names_stay_short() {
        assert_eq!(joined_names(&["baseline", "fertility-low"]), "baseline_fertility-low");
        let long: Vec<String> = (0..20).map(|i| format!("scenario-number-{i}")).collect();
        let refs: Vec<&str> = long.iter().map(String::as_str).collect();
        let j = joined_names(&refs);
        assert!(j.len() <= 100 && j.ends_with("-more"), "{j}");
        let huge = "x".repeat(100);
        assert!(joined_names(&[&huge, "b"]).len() <= 100);
    }
}
