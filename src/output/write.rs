//! Writing one projection's output folder.

use std::path::{Path, PathBuf};

use super::{AtomicDir, charts, fan_charts, manifest, monte_carlo, tables};
use crate::error::{Error, Result};
use crate::run::{Inputs, Projection};
use crate::uncertainty::Outcome;

/// Options for writing a run.
#[derive(Debug, Clone, Default)]
pub struct WriteOptions {
    /// Skip the charts (faster; tables and manifest only).
    pub no_charts: bool,
    /// Test hook: fail after the tables are written, before the commit, to prove that
    /// a failed run leaves no partial folder and keeps the previous output.
    pub fail_midway: bool,
    /// Also write the tables as `tables.xlsx` (`--format xlsx`).
    pub xlsx: bool,
    /// The key and pyramid years asked for (`--years`, `--pyramid-years`), checked.
    pub years: super::years::ChartYears,
}

/// The origin recorded in a run's output folder: `run` and the scenario name.
pub fn origin(p: &Projection) -> super::Origin {
    super::Origin::new("run", &p.scenario.name)
}

/// Writes `summary.csv`, `summary.json`, `population.csv`, `manifest.json` and the
/// charts into `dest`, atomically.
pub fn write_projection(p: &Projection, inputs: &Inputs, dest: &Path, opts: WriteOptions) -> Result<PathBuf> {
    write_projection_with(p, inputs, dest, opts, None)
}

/// [`write_projection`] plus, for a Monte Carlo run, its tables (`quantiles.csv`,
/// `probabilities.csv`, `calibration.csv`, `uncertainty.json`) and fan charts in the
/// same atomic folder; the manifest then records the seed and the number of trajectories.
pub fn write_projection_with(
    p: &Projection,
    inputs: &Inputs,
    dest: &Path,
    opts: WriteOptions,
    mc: Option<&Outcome>,
) -> Result<PathBuf> {
    let mut laps = crate::timing::Laps::new();
    let dir = AtomicDir::new(dest, origin(p))?;
    let root = dir.path().to_path_buf();
    let structure = inputs.data.force.structure.as_ref();
    let write_tables = || -> Result<Vec<String>> {
        let rows = tables::summary_rows(p);
        let columns = tables::summary_columns(structure);
        tables::write_summary(&rows, &columns, &root.join("summary.csv"))?;
        let json = serde_json::to_string_pretty(&tables::summary_json(&rows, &columns))
            .map_err(|e| Error::io(root.join("summary.json"), std::io::Error::other(e)))?;
        std::fs::write(root.join("summary.json"), json + "\n").map_err(|e| Error::io(root.join("summary.json"), e))?;
        tables::write_population(p, &root.join("population.csv"))?;
        let mut files = vec!["summary.csv".to_string(), "summary.json".to_string(), "population.csv".to_string()];
        if let Some(o) = mc {
            files.extend(monte_carlo::write_tables(o, &root, structure)?);
        }
        Ok(files)
    };
    let draw_charts = || -> Result<Vec<String>> {
        if opts.no_charts {
            return Ok(Vec::new());
        }
        let chart_dir = root.join("charts");
        std::fs::create_dir(&chart_dir).map_err(|e| Error::io(&chart_dir, e))?;
        // Deterministic and fan charts drawn together, so that all of them share the cores.
        let mut specs = charts::specs_with(p, &inputs.data, &opts.years);
        if let Some(o) = mc {
            specs.extend(fan_charts::specs_with(p, &inputs.data, o, &opts.years));
        }
        Ok(charts::render_all(&specs, &chart_dir)?.into_iter().map(|f| format!("charts/{f}")).collect())
    };
    // The tables are written while the charts are drawn (separate files; the charts
    // spread over the cores): the tables' error, if any, is the one reported, then the
    // charts'. The folder is committed only once both are done.
    let (written, drawn) = rayon::join(write_tables, draw_charts);
    let mut files = written?;
    if opts.fail_midway {
        // Stands for a write that fails (a full disk, a lost mount): a failed run, exit 1.
        let injected = std::io::Error::other("injected write failure midway (FORCECAST_FAIL_MIDWAY)");
        return Err(Error::io(&root, injected));
    }
    files.extend(drawn?);
    laps.lap("tables and charts");
    files.push(super::columns::write(&root, &files, &[])?);
    if opts.xlsx {
        files.push(super::xlsx::write(&root, &files, &[])?);
    }
    files.push("manifest.json".into());
    let run = mc.map(|o| (o.options.seed, o.options.trajectories));
    manifest::write_run(p, inputs, run, files, &root.join("manifest.json"))?;
    let committed = dir.commit();
    laps.lap("manifest and commit");
    committed
}
