//! The Monte Carlo tables: `quantiles.csv`, `probabilities.csv`, `calibration.csv` and
//! `uncertainty.json`, written with fixed decimals so that the same seed gives the same
//! bytes.

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};
use crate::uncertainty::Outcome;

pub use super::tables::fmt_num;

fn opt(x: Option<f64>) -> String {
    x.map(fmt_num).unwrap_or_default()
}

fn write_lines(path: &Path, header: &str, lines: impl Iterator<Item = String>) -> Result<()> {
    let f = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
    let mut w = std::io::BufWriter::new(f);
    let io = |e| Error::io(path, e);
    writeln!(w, "{header}").map_err(io)?;
    for line in lines {
        writeln!(w, "{line}").map_err(io)?;
    }
    w.flush().map_err(io)
}

/// Writes the Monte Carlo tables into `dir`; returns the file names.
/// Whether a [`crate::output::tables::SUMMARY_COLUMNS`] name is a component slot
/// (named by the country's structure).
fn is_slot(m: &str) -> bool {
    crate::output::tables::renamed(m, None).is_some() && crate::output::tables::slot(m)
}

/// Metrics are named as the country's `summary.csv` names its columns (`st`: its force
/// structure), and a slot the country does not declare is left out.
pub fn write_tables(o: &Outcome, dir: &Path, st: Option<&crate::force::ForceStructure>) -> Result<Vec<String>> {
    let name = |m: &str| crate::output::tables::renamed(m, st).unwrap_or_else(|| m.to_string());
    let declared = |m: &str| crate::output::tables::renamed(m, st).is_some() || !is_slot(m);
    write_lines(
        &dir.join("quantiles.csv"),
        "year,metric,mean,p05,p10,p25,p50,p75,p90,p95,p025,p975",
        o.quantiles.iter().filter(|r| declared(r.metric)).map(|r| {
            // p025 and p975 (the 95% interval WPP and bayesPop publish) come last, so the
            // columns of earlier versions keep their places.
            let q: Vec<String> = r.q.iter().chain(&r.q95).map(|v| fmt_num(*v)).collect();
            format!("{},{},{},{}", r.year, name(r.metric), fmt_num(r.mean), q.join(","))
        }),
    )?;
    let mut extra = Vec::new();
    if !o.saved.is_empty() {
        let columns: Vec<(usize, String)> = crate::output::tables::summary_columns(st)
            .into_iter()
            .filter(|(i, _)| *i > 0)
            .map(|(i, c)| (i - 1, c))
            .collect();
        write_lines(
            &dir.join("trajectories.csv"),
            "trajectory,year,metric,value",
            o.saved.iter().flat_map(|r| {
                columns.iter().map(move |(i, m)| format!("{},{},{m},{}", r.trajectory, r.year, fmt_num(r.values[*i])))
            }),
        )?;
        extra.push("trajectories.csv".to_string());
    }
    write_lines(
        &dir.join("probabilities.csv"),
        "year,metric,condition,threshold,probability,probability_by_year",
        o.probabilities.iter().filter(|r| declared(r.metric)).map(|r| {
            format!(
                "{},{},{},{},{:.6},{:.6}",
                r.year,
                name(r.metric),
                r.condition,
                fmt_num(r.threshold),
                r.probability,
                r.probability_by_year
            )
        }),
    )?;
    write_lines(
        &dir.join("calibration.csv"),
        "variable,year,level,wpp_lower,wpp_upper,model_lower,model_upper,simulated_lower,simulated_upper,width_ratio,\
         reference",
        o.calibration.iter().map(|r| {
            format!(
                "{},{},{},{},{},{},{},{},{},{:.4},{}",
                r.variable,
                r.year,
                r.level,
                fmt_num(r.wpp_lower),
                fmt_num(r.wpp_upper),
                opt(r.model_lower),
                opt(r.model_upper),
                fmt_num(r.simulated_lower),
                fmt_num(r.simulated_upper),
                r.width_ratio,
                r.reference
            )
        }),
    )?;
    if let Some(f) = &o.components.force_calibration {
        // The force parameters' calibrated set (issue 12, item 3): one row per parameter.
        let fin = |v: f64| if v.is_finite() { format!("{v:.6}") } else { String::new() };
        write_lines(
            &dir.join("force_parameters.csv"),
            "parameter,key,source,prior_low,prior_high,scenario,accepted_min,accepted_max,accepted_mean,accepted,\
             design_points,tolerance_rms,reference_rms,max_accepted_rms,driver_year,spearman_force_available,\
             slope_force_available,swing_force_available",
            f.parameters.iter().zip(crate::uncertainty::force_set::KEYS).map(|(p, key)| {
                format!(
                    "{},{key},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
                    p.name,
                    p.source,
                    fin(p.prior.0),
                    fin(p.prior.1),
                    fin(p.scenario),
                    fin(p.accepted_range.0),
                    fin(p.accepted_range.1),
                    fin(p.accepted_mean),
                    f.accepted,
                    f.design_points,
                    fin(f.tolerance),
                    fin(f.reference_rms),
                    fin(f.max_accepted_rms),
                    f.driver_year,
                    p.spearman_force_available.map(|r| format!("{r:.4}")).unwrap_or_default(),
                    p.slope_force_available.map(|b| format!("{b:.1}")).unwrap_or_default(),
                    p.swing_force_available.map(|b| format!("{b:.1}")).unwrap_or_default()
                )
            }),
        )?;
        extra.push("force_parameters.csv".to_string());
    }
    let json_path = dir.join("uncertainty.json");
    let json =
        serde_json::to_string_pretty(&o.record()).map_err(|e| Error::io(&json_path, std::io::Error::other(e)))?;
    std::fs::write(&json_path, json + "\n").map_err(|e| Error::io(&json_path, e))?;
    let mut files: Vec<String> =
        ["quantiles.csv", "probabilities.csv", "calibration.csv", "uncertainty.json"].map(String::from).to_vec();
    files.extend(extra);
    Ok(files)
}
