//! `columns.csv`: the data dictionary written beside every command's tables, one row per
//! column of every CSV in the folder (file, column, unit, meaning), generated from the
//! one table below ([`ENTRIES`]) and the header each CSV was actually written with, so
//! that the dictionary cannot list a column a file does not have.
//!
//! Units: persons are persons (not thousands); money is in the scenario's currency
//! (`automation.currency`, `KRW` = won in every shipped scenario); stocks at 1 July,
//! flows over 1 July `year` to 1 July `year + 1` (see README, Output reference).

use std::path::Path;

use crate::error::{Error, Result};

/// The file name of the dictionary.
pub const FILE: &str = "columns.csv";

/// A column whose name is a scenario's name (`comparison.csv`, `key_years.csv`): the
/// dictionary entry uses this placeholder.
pub const SCENARIO: &str = "<scenario>";

/// What a dictionary row says when the table has no entry for a column (a test asserts
/// that no written file ever needs it).
pub const UNDOCUMENTED: &str = "not documented in this version";

const P: &str = "persons";
const PY: &str = "persons per year";
const MONEY: &str = "currency per year (scenario's automation.currency; KRW = won)";
const MONEY_TOTAL: &str = "currency (scenario's automation.currency; KRW = won)";
const LABEL: &str = "text";
const YEAR: &str = "calendar year (1 July)";
const AS_METRIC: &str = "unit of the row's metric (see summary.csv)";

/// The dictionary: `(file, column, unit, meaning)`. A file's columns are looked up by
/// the file's name (not its folder), so `monte_carlo/quantiles.csv` of a report uses the
/// `quantiles.csv` rows.
#[rustfmt::skip]
pub const ENTRIES: &[(&str, &str, &str, &str)] = &[
    // summary.csv (run): one row per year.
    ("summary.csv", "year", YEAR, "year of the stocks (1 July) and start of the flows' year"),
    ("summary.csv", "population_total", P, "total population at 1 July"),
    ("summary.csv", "population_15_64", P, "population aged 15-64 at 1 July"),
    ("summary.csv", "population_65_plus", P, "population aged 65 and over at 1 July"),
    ("summary.csv", "births", PY, "births over 1 July year to 1 July year+1"),
    ("summary.csv", "deaths", PY, "deaths over 1 July year to 1 July year+1"),
    ("summary.csv", "net_migration", PY, "net migrants (arrivals - departures) over the year to next 1 July"),
    ("summary.csv", "tfr", "children per woman", "total fertility rate applied over the year"),
    ("summary.csv", "e0_male", "years", "male life expectancy at birth of the year's life table"),
    ("summary.csv", "e0_female", "years", "female life expectancy at birth of the year's life table"),
    ("summary.csv", "men_age_20", P, "men aged 20 (completed years) at 1 July"),
    ("summary.csv", "eligible_men", P, "men liable in the year: sum over ages of enlistment share x men of that age"),
    ("summary.csv", "conscript_intake", PY, "conscripts inducted in the year, women volunteers included"),
    ("summary.csv", "female_volunteers", PY, "women volunteers in the intake"),
    ("summary.csv", "conscripts", P, "serving conscripts at 1 July"),
    ("summary.csv", "cadre", P, "career cadre (officers + NCOs) at 1 July"),
    ("summary.csv", "cadre_recruits", PY, "officers and NCOs recruited over the year (= cadre_accessions)"),
    ("summary.csv", "cadre_shortfall", PY, "cadre places planned but not filled over the year"),
    ("summary.csv", "force_available", P, "conscripts + officers + NCOs at 1 July"),
    ("summary.csv", "force_target", P, "troop target"),
    ("summary.csv", "force_gap", P, "max(0, force_target - force_available)"),
    ("summary.csv", "automation_manpower_equivalent", P, "soldiers automation must replace (= force_gap)"),
    ("summary.csv", "automation_systems_needed", "systems", "systems needed to cover the gap: ceil(gap / soldiers replaced per system)"),
    ("summary.csv", "automation_systems_fielded", "systems", "unmanned systems in service"),
    ("summary.csv", "automation_systems_bought", "systems per year", "systems bought in the year"),
    ("summary.csv", "automation_cost", MONEY, "purchases + operating cost of automation in the year"),
    ("summary.csv", "automation_cost_cumulative", MONEY_TOTAL, "running sum of the yearly automation_cost from the first projection year"),
    ("summary.csv", "automation_cost_npv", MONEY_TOTAL, "running sum of the yearly automation_cost discounted at the scenario's discount_rate to the first projection year"),
    ("summary.csv", "automation_density_per_10k", "systems per 10,000 troops", "fielded systems per 10,000 troops available"),
    ("summary.csv", "uncovered_gap", P, "gap left after fielded automation: the readiness risk"),
    ("summary.csv", "men_turning_20", P, "men of the birth cohort year-20 at 1 July: (men aged 19 + men aged 20) / 2"),
    ("summary.csv", "officers", P, "officers at 1 July"),
    ("summary.csv", "ncos", P, "NCOs at 1 July"),
    ("summary.csv", "conscripts_army", P, "serving Army conscripts (women volunteers included)"),
    ("summary.csv", "conscripts_navy", P, "serving Navy conscripts"),
    ("summary.csv", "conscripts_air_force", P, "serving Air Force conscripts"),
    ("summary.csv", "conscripts_marines", P, "serving Marine conscripts"),
    ("summary.csv", "alternative_service_intake", PY, "men entering alternative and supplementary service over the year (not in the force)"),
    ("summary.csv", "cadre_accessions", PY, "officers and NCOs recruited over the year"),
    ("summary.csv", "cadre_separations", PY, "officers and NCOs leaving over the year"),
    // population.csv (run)
    ("population.csv", "year", YEAR, "year of the count (1 July)"),
    ("population.csv", "sex", LABEL, "male or female"),
    ("population.csv", "age", "years", "completed age; 100 = the open group 100 and over"),
    ("population.csv", "population", P, "persons of that sex and age at 1 July"),
    // comparison.csv and key_years.csv (compare, report)
    ("comparison.csv", "year", YEAR, "year of the value"),
    ("comparison.csv", "metric", LABEL, "summary.csv column the row holds"),
    ("comparison.csv", SCENARIO, AS_METRIC, "the metric in that year in the scenario of this column (empty: year not projected)"),
    ("key_years.csv", "metric", LABEL, "summary.csv column the row holds (headline metrics)"),
    ("key_years.csv", "unit", LABEL, "unit of the row's values (persons, systems, <currency> per year)"),
    ("key_years.csv", "year", YEAR, "key year (--years)"),
    ("key_years.csv", SCENARIO, AS_METRIC, "the metric in that year in the scenario of this column (empty: year not projected)"),
    // Monte Carlo (run --trajectories, report --trajectories)
    ("quantiles.csv", "year", YEAR, "year of the value"),
    ("quantiles.csv", "metric", LABEL, "summary.csv column the row summarises"),
    ("quantiles.csv", "mean", AS_METRIC, "mean over the trajectories"),
    ("quantiles.csv", "p05", AS_METRIC, "5th percentile over the trajectories"),
    ("quantiles.csv", "p10", AS_METRIC, "10th percentile"),
    ("quantiles.csv", "p25", AS_METRIC, "25th percentile"),
    ("quantiles.csv", "p50", AS_METRIC, "median"),
    ("quantiles.csv", "p75", AS_METRIC, "75th percentile"),
    ("quantiles.csv", "p90", AS_METRIC, "90th percentile"),
    ("quantiles.csv", "p95", AS_METRIC, "95th percentile"),
    ("quantiles.csv", "p025", AS_METRIC, "2.5th percentile (lower end of the 95% interval)"),
    ("quantiles.csv", "p975", AS_METRIC, "97.5th percentile (upper end of the 95% interval)"),
    ("probabilities.csv", "year", YEAR, "year of the probability"),
    ("probabilities.csv", "metric", LABEL, "summary.csv column the condition is on"),
    ("probabilities.csv", "condition", LABEL, "above or below the threshold"),
    ("probabilities.csv", "threshold", AS_METRIC, "threshold the metric is compared with"),
    ("probabilities.csv", "probability", "share (0-1)", "share of trajectories meeting the condition in that year"),
    ("probabilities.csv", "probability_by_year", "share (0-1)", "share of trajectories meeting the condition in that year or any earlier year"),
    ("calibration.csv", "variable", LABEL, "variable whose interval is compared (tfr, net_migration, e0_male, e0_female)"),
    ("calibration.csv", "year", YEAR, "year of the interval"),
    ("calibration.csv", "level", "percent", "coverage of the interval (80 or 95)"),
    ("calibration.csv", "wpp_lower", "unit of the variable", "lower end of WPP 2024's probabilistic interval"),
    ("calibration.csv", "wpp_upper", "unit of the variable", "upper end of WPP 2024's probabilistic interval"),
    ("calibration.csv", "model_lower", "unit of the variable", "lower end of the model's analytic interval (empty: none)"),
    ("calibration.csv", "model_upper", "unit of the variable", "upper end of the model's analytic interval (empty: none)"),
    ("calibration.csv", "simulated_lower", "unit of the variable", "lower end of the simulated trajectories' interval"),
    ("calibration.csv", "simulated_upper", "unit of the variable", "upper end of the simulated trajectories' interval"),
    ("calibration.csv", "width_ratio", "ratio", "simulated interval width / WPP interval width"),
    ("calibration.csv", "reference", LABEL, "the reference the interval is compared with"),
    ("trajectories.csv", "trajectory", "index", "trajectory number (0-based, same seed = same trajectory)"),
    ("trajectories.csv", "year", YEAR, "year of the value"),
    ("trajectories.csv", "metric", LABEL, "summary.csv column"),
    ("trajectories.csv", "value", AS_METRIC, "the metric in that trajectory and year"),
    ("force_parameters.csv", "parameter", LABEL, "force parameter drawn per trajectory"),
    ("force_parameters.csv", "key", LABEL, "its scenario key"),
    ("force_parameters.csv", "source", LABEL, "where its range comes from (calibrated: the calibration's set of equally good fits)"),
    ("force_parameters.csv", "prior_low", "unit of the parameter", "low end of the prior range"),
    ("force_parameters.csv", "prior_high", "unit of the parameter", "high end of the prior range"),
    ("force_parameters.csv", "scenario", "unit of the parameter", "value in the scenario"),
    ("force_parameters.csv", "accepted_min", "unit of the parameter", "smallest value in the accepted set of fits"),
    ("force_parameters.csv", "accepted_max", "unit of the parameter", "largest value in the accepted set of fits"),
    ("force_parameters.csv", "accepted_mean", "unit of the parameter", "mean over the accepted set of fits"),
    ("force_parameters.csv", "accepted", "count", "design points accepted"),
    ("force_parameters.csv", "design_points", "count", "design points tried"),
    ("force_parameters.csv", "tolerance_rms", "relative error", "acceptance tolerance on the calibration objective's RMS (absolute, a share)"),
    ("force_parameters.csv", "reference_rms", "relative error", "RMS error of the best fit against observed troop numbers"),
    ("force_parameters.csv", "max_accepted_rms", "relative error", "largest RMS error in the accepted set"),
    ("force_parameters.csv", "driver_year", YEAR, "year whose force available the driver statistics use"),
    ("force_parameters.csv", "spearman_force_available", "correlation (-1 to 1)", "rank correlation of the parameter with force available in driver_year"),
    ("force_parameters.csv", "slope_force_available", "persons per unit of the parameter", "regression slope of force available on the parameter"),
    ("force_parameters.csv", "swing_force_available", P, "slope x accepted range: force available's swing over the range"),
    // sensitivity.csv (sensitivity, report)
    ("sensitivity.csv", "rank", "rank", "rank by effect on the force gap, then cost, then uncovered gap (1 = largest)"),
    ("sensitivity.csv", "parameter", LABEL, "parameter varied"),
    ("sensitivity.csv", "key", LABEL, "its scenario key"),
    ("sensitivity.csv", "year", YEAR, "year whose outputs are compared (--year)"),
    ("sensitivity.csv", "unit", LABEL, "unit of base_value, low_value and high_value"),
    ("sensitivity.csv", "base_value", "see unit column", "the parameter's value in the scenario"),
    ("sensitivity.csv", "low_value", "see unit column", "low end of its range"),
    ("sensitivity.csv", "high_value", "see unit column", "high end of its range"),
    ("sensitivity.csv", "force_gap_at_low", P, "force gap in the year with the parameter at its low end"),
    ("sensitivity.csv", "force_gap_base", P, "force gap in the year in the scenario"),
    ("sensitivity.csv", "force_gap_at_high", P, "force gap in the year with the parameter at its high end"),
    ("sensitivity.csv", "force_gap_swing", P, "largest distance of the low and high results from the scenario's"),
    ("sensitivity.csv", "automation_cost_at_low", MONEY, "automation cost in the year with the parameter at its low end"),
    ("sensitivity.csv", "automation_cost_base", MONEY, "automation cost in the year in the scenario"),
    ("sensitivity.csv", "automation_cost_at_high", MONEY, "automation cost in the year with the parameter at its high end"),
    ("sensitivity.csv", "automation_cost_swing", MONEY, "largest distance of the low and high results from the scenario's"),
    ("sensitivity.csv", "uncovered_gap_at_low", P, "uncovered gap in the year with the parameter at its low end"),
    ("sensitivity.csv", "uncovered_gap_base", P, "uncovered gap in the year in the scenario"),
    ("sensitivity.csv", "uncovered_gap_at_high", P, "uncovered gap in the year with the parameter at its high end"),
    ("sensitivity.csv", "uncovered_gap_swing", P, "largest distance of the low and high results from the scenario's"),
    ("sensitivity.csv", "base_label", LABEL, "base_value as words"),
    ("sensitivity.csv", "low_label", LABEL, "low_value as words"),
    ("sensitivity.csv", "high_label", LABEL, "high_value as words"),
    ("sensitivity.csv", "range_source", LABEL, "source or rationale of the range"),
    // backtest (backtest, backtest --force)
    ("backtest.csv", "year", YEAR, "year compared"),
    ("backtest.csv", "metric", LABEL, "what is compared (population_total, population_<sex>_<age group>, births, deaths)"),
    ("backtest.csv", "model", "unit of the metric (persons, persons per year)", "the back-test projection"),
    ("backtest.csv", "observed", "unit of the metric (persons, persons per year)", "WPP 2024 estimate or registered count"),
    ("backtest.csv", "error_pct", "percent", "100 x (model - observed) / observed"),
    ("force_calibration.csv", "series", LABEL, "observed series (officers, ncos, enlisted, enlisted_<branch>, total, ...)"),
    ("force_calibration.csv", "year", YEAR, "year of the observation"),
    ("force_calibration.csv", "observed", P, "observed troop number"),
    ("force_calibration.csv", "model", P, "the force model's number measured as the observation is"),
    ("force_calibration.csv", "error_pct", "percent", "100 x (model - observed) / observed"),
    ("force_calibration.csv", "measure", LABEL, "how the observation counts (average operating, year-end, mid-year vs requirement, authorised, ...)"),
    ("force_calibration.csv", "model_time", "year (decimal)", "time the model value is taken at"),
    ("force_calibration.csv", "fitted", LABEL, "yes when the observation is one the calibration fits"),
    ("force_calibration.csv", "source", LABEL, "source of the observation"),
    ("force_calibration_years.csv", "year", YEAR, "year (1 July)"),
    ("force_calibration_years.csv", "officers", P, "officers at 1 July in the calibrated run"),
    ("force_calibration_years.csv", "ncos", P, "NCOs at 1 July"),
    ("force_calibration_years.csv", "cadre", P, "officers + NCOs"),
    ("force_calibration_years.csv", "conscripts", P, "serving conscripts"),
    ("force_calibration_years.csv", "conscripts_army", P, "serving Army conscripts"),
    ("force_calibration_years.csv", "conscripts_navy", P, "serving Navy conscripts"),
    ("force_calibration_years.csv", "conscripts_air_force", P, "serving Air Force conscripts"),
    ("force_calibration_years.csv", "conscripts_marines", P, "serving Marine conscripts"),
    ("force_calibration_years.csv", "force_available", P, "conscripts + cadre"),
    ("force_calibration_years.csv", "cadre_requirement", P, "cadre places planned"),
    ("force_calibration_years.csv", "nco_shortfall", P, "NCO places not filled"),
    ("force_calibration_years.csv", "cadre_accessions", PY, "officers and NCOs recruited over the year"),
    ("force_calibration_years.csv", "cadre_separations", PY, "officers and NCOs leaving over the year"),
    ("force_calibration_years.csv", "long_service_separations", PY, "cadre leaving at the end of long service"),
    ("force_calibration_years.csv", "conscript_intake", PY, "conscripts inducted over the year"),
    // the dictionary itself
    ("columns.csv", "file", LABEL, "CSV file (path inside this folder)"),
    ("columns.csv", "column", LABEL, "column name as in the file's header"),
    ("columns.csv", "unit", LABEL, "unit of the column's values"),
    ("columns.csv", "meaning", LABEL, "what the column holds"),
];

/// The entry of `column` of `file` (a path inside the folder; looked up by its name):
/// `(unit, meaning)`. A column named as one of `scenarios` uses the [`SCENARIO`] entry.
pub fn lookup(file: &str, column: &str, scenarios: &[&str]) -> Option<(&'static str, &'static str)> {
    let name = file.rsplit('/').next().unwrap_or(file);
    let find = |c: &str| ENTRIES.iter().find(|(f, col, _, _)| *f == name && *col == c).map(|e| (e.2, e.3));
    find(column).or_else(|| if scenarios.contains(&column) { find(SCENARIO) } else { None }).or_else(|| {
        // The country's own components (country.toml [force]): its branches' conscripts and
        // its corps, in the summary and the calibration's years.
        let per_year = matches!(name, "summary.csv" | "force_calibration_years.csv");
        if !per_year {
            return None;
        }
        if column.starts_with("conscripts_") {
            return Some((P, "serving conscripts of this branch of the country's structure (country.toml [force])"));
        }
        crate::force::branch::is_declared_corps(column)
            .then_some((P, "this corps of the country's structure at 1 July (country.toml [force] corps)"))
    })
}

/// Writes `columns.csv` into `dir`: one row per column of every `.csv` among `files`
/// (paths inside `dir`, as written), in file order, then the dictionary's own columns;
/// returns its file name. `scenarios` names the columns that are scenarios.
pub fn write(dir: &Path, files: &[String], scenarios: &[&str]) -> Result<String> {
    let path = dir.join(FILE);
    let err = |e: csv::Error| Error::io(&path, std::io::Error::other(e.to_string()));
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["file", "column", "unit", "meaning"]).map_err(err)?;
    let csvs = files.iter().map(String::as_str).filter(|f| f.ends_with(".csv") && *f != FILE).chain([FILE]);
    for file in csvs {
        let header: Vec<String> = if file == FILE {
            ["file", "column", "unit", "meaning"].map(String::from).to_vec()
        } else {
            let src = dir.join(file);
            let mut r = csv::ReaderBuilder::new()
                .has_headers(true)
                .from_path(&src)
                .map_err(|e| Error::io(&src, std::io::Error::other(e.to_string())))?;
            let h = r.headers().map_err(|e| Error::io(&src, std::io::Error::other(e.to_string())))?;
            h.iter().map(String::from).collect()
        };
        for column in &header {
            let (unit, meaning) = lookup(file, column, scenarios).unwrap_or(("", UNDOCUMENTED));
            w.write_record([file, column.as_str(), unit, meaning]).map_err(err)?;
        }
    }
    let bytes = w.into_inner().map_err(|e| Error::io(&path, std::io::Error::other(e.to_string())))?;
    std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))?;
    Ok(FILE.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_entry_per_file_and_column() {
        let mut seen = std::collections::BTreeSet::new();
        for (f, c, unit, meaning) in ENTRIES {
            assert!(seen.insert((*f, *c)), "{f}:{c} listed twice");
            assert!(!unit.is_empty() && !meaning.is_empty(), "{f}:{c} lacks a unit or meaning");
        }
    }

    #[test]
    fn every_summary_column_is_documented() {
        for c in crate::output::tables::SUMMARY_COLUMNS {
            assert!(lookup("summary.csv", c, &[]).is_some(), "summary.csv:{c}");
        }
        assert_eq!(lookup("x/comparison.csv", "baseline", &["baseline"]).map(|e| e.0), Some(AS_METRIC));
        assert_eq!(lookup("comparison.csv", "baseline", &[]), None);
    }
}
