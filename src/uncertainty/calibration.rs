//! The calibration report: WPP's published 80% and 95% intervals for TFR, net
//! migration and life expectancy beside the model's, year by year (`calibration.csv`).
//!
//! - `model_*`: the component's own interval around WPP's medium, in closed form
//!   (TFR: normal AR(1); migration: Student-t AR(1)); the floor on TFR is ignored there.
//! - `simulated_*`: the trajectories' quantiles of the `summary.csv` metric (p10-p90 and
//!   p2.5-p97.5, around the
//!   scenario's own path, which for TFR and net migration is averaged over years t and
//!   t+1 like the metric). Life expectancy has no closed form; its row compares the
//!   Lee-Carter spread, which is not calibrated to WPP, with WPP's.
//! - A citizen base (the nationals' series, [`super::migration::MigrationModel::citizens`]):
//!   WPP's all-resident migration intervals do not apply, and the `net_migration` rows
//!   compare with the nationals' series instead (`reference` = `kostat-nationals`): the
//!   `wpp_*` columns then hold the series' observed range (quantiles 10-90 and 2.5-97.5 of
//!   its 2011-2024 values without 2020), and the model interval is the closed form around
//!   the scenario's net total (its spread in persons on the deterministic population).

use serde::Serialize;

use super::plan::{NMETRICS, Plan};
use super::special::{Z80, Z95};
use super::summary::{QuantileRow, metric_index};
use crate::data::{CountryData, YearSeries};

/// One row of `calibration.csv`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CalibrationRow {
    /// `tfr`, `net_migration`, `e0_male` or `e0_female`.
    pub variable: &'static str,
    /// Year.
    pub year: i32,
    /// Interval level in percent (80 or 95).
    pub level: u8,
    /// WPP lower bound.
    pub wpp_lower: f64,
    /// WPP upper bound.
    pub wpp_upper: f64,
    /// Model lower bound (closed form around WPP's medium), when there is one.
    pub model_lower: Option<f64>,
    /// Model upper bound.
    pub model_upper: Option<f64>,
    /// Trajectories' lower quantile.
    pub simulated_lower: f64,
    /// Trajectories' upper quantile.
    pub simulated_upper: f64,
    /// Simulated width / WPP width.
    pub width_ratio: f64,
    /// What the `wpp_*` bounds are: `wpp2024` (WPP 2024's published interval) or
    /// `kostat-nationals` (the nationals' series' observed range, a citizen base).
    pub reference: &'static str,
}

/// The variables compared, with the `summary.csv` metric of each.
const VARIABLES: [&str; 4] = ["tfr", "net_migration", "e0_male", "e0_female"];

/// WPP's value of series `name` (`medium`, `pi80_lower`, …) of a variable in a year.
fn wpp(data: &CountryData, var: &str, name: &str, year: i32) -> Option<f64> {
    let pick = |m: &std::collections::BTreeMap<String, YearSeries>| m.get(name).and_then(|s| s.get(year));
    match var {
        "tfr" => pick(&data.tfr),
        "net_migration" => pick(&data.mig_total),
        "e0_male" => data.e0.get(name).and_then(|(m, _)| m.get(year)),
        "e0_female" => data.e0.get(name).and_then(|(_, f)| f.get(year)),
        _ => None,
    }
}

fn bounds(data: &CountryData, var: &str, year: i32, level: u8) -> Option<(f64, f64)> {
    let (lo, hi) = if level == 80 { ("pi80_lower", "pi80_upper") } else { ("pi95_lower", "pi95_upper") };
    let (a, b) = (wpp(data, var, lo, year)?, wpp(data, var, hi, year)?);
    (b > a).then_some((a, b))
}

/// Builds the report for the years of the run that have WPP intervals, from the
/// trajectories' quantiles (`rows`, as [`super::summary::quantiles`] returns them).
pub fn report(plan: &Plan, rows: &[QuantileRow], data: &CountryData) -> Vec<CalibrationRow> {
    let c = &plan.components;
    let mut out = Vec::new();
    for (t, &year) in plan.years.iter().enumerate() {
        for var in VARIABLES {
            let Some(metric) = metric_index(var) else { continue };
            let r = &rows[t * NMETRICS + metric];
            // One row: the reference bounds against the model's analytic band and the
            // simulation's (p10/p90, or p2.5/p97.5).
            let mut push = |level: u8, (lo, hi): (f64, f64), model: Option<(f64, f64)>, reference| {
                let (sl, su) = if level == 80 { (r.q[1], r.q[5]) } else { (r.q95[0], r.q95[1]) };
                out.push(CalibrationRow {
                    variable: var,
                    year,
                    level,
                    wpp_lower: lo,
                    wpp_upper: hi,
                    model_lower: model.map(|m| m.0),
                    model_upper: model.map(|m| m.1),
                    simulated_lower: sl,
                    simulated_upper: su,
                    width_ratio: (su - sl) / (hi - lo),
                    reference,
                });
            };
            if var == "net_migration"
                && let (Some(cit), Some(cp)) = (&c.migration.citizens, &plan.citizens)
            {
                for (k, level) in [80u8, 95].into_iter().enumerate() {
                    let mm = &c.migration;
                    let tq = if level == 80 { mm.t90 } else { mm.t975 };
                    let hw = mm.interval_half_width(year, tq) * cp.weight[t];
                    push(level, cit.observed_range[k], Some((cp.net[t] - hw, cp.net[t] + hw)), "kostat-nationals");
                }
                continue;
            }
            for level in [80u8, 95] {
                let Some(bounds) = bounds(data, var, year, level) else { continue };
                let medium = wpp(data, var, "medium", year);
                let model = match (var, medium) {
                    ("tfr", Some(m)) => {
                        let hw = c.tfr.half_width(year, if level == 80 { Z80 } else { Z95 });
                        // A TFR is never negative (the simulated one is floored): a wide
                        // spread's normal band is cut at 0 rather than written below it.
                        Some(((m - hw).max(0.0), m + hw))
                    }
                    ("net_migration", Some(m)) => {
                        let mm = &c.migration;
                        let hw = mm.half_width(year, if level == 80 { mm.t90 } else { mm.t975 });
                        Some((m - hw, m + hw))
                    }
                    _ => None,
                };
                push(level, bounds, model, "wpp2024");
            }
        }
    }
    out
}
