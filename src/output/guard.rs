//! The numeric guard on what forcecast writes: every number that reaches an output
//! file (tables, JSON, Markdown, HTML, the data of the charts) is finite and within a
//! plausible magnitude, and every count is non-negative. The checks run on the model's
//! results before an output folder is opened, so a violation leaves no output.
//!
//! The bounds are generous on purpose: they do not judge a scenario, they catch numbers
//! no scenario can mean (an overflow, a division by almost zero, a corrupt input):
//!
//! | quantity | bound | why |
//! |---|---|---|
//! | persons (population, births, deaths, men aged 20, conscripts, cadre, force, gap, thresholds) | 0 ≤ x ≤ 1e10 | more than the world's population (8.2 billion in 2024) |
//! | net migration (persons, signed) | \|x\| ≤ 1e10 | the same bound, either sign |
//! | automation systems (needed, fielded, bought) | 0 ≤ x ≤ 1e10 | one system per person on Earth and more |
//! | money (automation cost) | 0 ≤ x ≤ 1e18 in the scenario's currency | a quintillion won is about 400 years of the world's military spending |
//! | money summed over years (cumulative and discounted automation cost) | 0 ≤ x ≤ 1e21 | the yearly bound over a thousand years, longer than any projection, so only a yearly cost beyond its own bound can reach it |
//! | systems per 10,000 troops | 0 ≤ x ≤ 1e14 | 1e10 systems for a single soldier |
//! | TFR | 0 ≤ x ≤ 20 children per woman | above the biological maximum (about 15) |
//! | life expectancy at birth | 0 ≤ x ≤ 200 years | above the longest recorded life (122 years) and what the allowed extremes reach (~150) |
//! | probabilities | 0 ≤ x ≤ 1 | by definition |
//! | growth rates, fitted coefficients, ratios | finite, \|x\| ≤ 1e10 | no meaning beyond it |
//!
//! A Monte Carlo quantile or mean of a non-negative quantity is computed as the
//! deterministic value plus an f32 offset, and so can come out a hair below zero; such
//! rounding (at most [`rounding_tolerance`]) is set to zero at the source
//! ([`clamp_rounding`]); anything more negative is an error here.

use crate::error::{Error, Result};
use crate::run::Projection;
use crate::uncertainty::Outcome;

/// The largest plausible count of persons (or of systems): more than the world's
/// population.
pub const MAX_PERSONS: f64 = 1.0e10;
/// The largest plausible amount of money, in the scenario's currency.
pub const MAX_MONEY: f64 = 1.0e18;
/// The largest plausible amount of money summed over the years of a projection:
/// [`MAX_MONEY`] a year for a thousand years.
pub const MAX_MONEY_TOTAL: f64 = 1.0e21;
/// The largest plausible TFR (children per woman).
pub const MAX_TFR: f64 = 20.0;
/// The largest plausible life expectancy at birth (years): no life table of people
/// reaches it, but the allowed extremes do come near 150 (a tenth of WPP's death rates,
/// `mortality.mx_scale = 0.1`, with the Monte Carlo's widest mortality spread), and a
/// valid scenario must not fail the guard.
pub const MAX_E0: f64 = 200.0;
/// The largest plausible density of systems per 10,000 troops.
pub const MAX_DENSITY: f64 = 1.0e14;
/// The largest plausible magnitude of any other written number (rates, coefficients).
pub const MAX_OTHER: f64 = 1.0e10;

/// What a written number measures, and so the range it must lie in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Persons: `[0, MAX_PERSONS]`.
    Persons,
    /// Persons with a sign (net migration): `[-MAX_PERSONS, MAX_PERSONS]`.
    SignedPersons,
    /// Automation systems: `[0, MAX_PERSONS]`.
    Systems,
    /// Money in the scenario's currency: `[0, MAX_MONEY]`.
    Money,
    /// Money summed over years (cumulative or present value): `[0, MAX_MONEY_TOTAL]`.
    MoneyTotal,
    /// Systems per 10,000 troops: `[0, MAX_DENSITY]`.
    Density,
    /// Children per woman: `[0, MAX_TFR]`.
    Tfr,
    /// Years of life: `[0, MAX_E0]`.
    LifeExpectancy,
    /// A probability: `[0, 1]`.
    Probability,
    /// Anything else (rates, fitted coefficients): `[-MAX_OTHER, MAX_OTHER]`.
    Other,
    /// A ratio of two written numbers (median distance relative to the deterministic
    /// value): finite; its size follows from its parts, which are bounded themselves.
    Ratio,
}

impl Kind {
    /// The `summary.csv` column (or Monte Carlo metric) of this name; `None` for `year`
    /// and names that are not columns.
    pub fn of_column(column: &str) -> Option<Kind> {
        Some(match column {
            "year" => return None,
            "net_migration" => Kind::SignedPersons,
            "tfr" => Kind::Tfr,
            "e0_male" | "e0_female" => Kind::LifeExpectancy,
            "automation_systems_needed" | "automation_systems_fielded" | "automation_systems_bought" => Kind::Systems,
            "automation_cost" => Kind::Money,
            "automation_cost_cumulative" | "automation_cost_npv" => Kind::MoneyTotal,
            "automation_density_per_10k" => Kind::Density,
            c if crate::output::tables::SUMMARY_COLUMNS.contains(&c) => Kind::Persons,
            _ => return None,
        })
    }

    /// The inclusive range.
    pub fn range(self) -> (f64, f64) {
        match self {
            Kind::Persons | Kind::Systems => (0.0, MAX_PERSONS),
            Kind::SignedPersons => (-MAX_PERSONS, MAX_PERSONS),
            Kind::Money => (0.0, MAX_MONEY),
            Kind::MoneyTotal => (0.0, MAX_MONEY_TOTAL),
            Kind::Density => (0.0, MAX_DENSITY),
            Kind::Tfr => (0.0, MAX_TFR),
            Kind::LifeExpectancy => (0.0, MAX_E0),
            Kind::Probability => (0.0, 1.0),
            Kind::Other => (-MAX_OTHER, MAX_OTHER),
            Kind::Ratio => (f64::MIN, f64::MAX),
        }
    }

    /// Whether the quantity is never negative (counts, money, rates).
    pub fn non_negative(self) -> bool {
        self.range().0 >= 0.0
    }

    /// The rule in words, for the error message.
    fn rule(self, currency: &str) -> String {
        let (lo, hi) = self.range();
        let unit = match self {
            Kind::Persons | Kind::SignedPersons => " persons".to_string(),
            Kind::Systems => " systems".to_string(),
            Kind::Money | Kind::MoneyTotal => format!(" {currency}"),
            Kind::Density => " systems per 10,000 troops".to_string(),
            Kind::Tfr => " children per woman".to_string(),
            Kind::LifeExpectancy => " years".to_string(),
            Kind::Probability | Kind::Other | Kind::Ratio => String::new(),
        };
        if self == Kind::Ratio {
            "must be finite".to_string()
        } else if lo == 0.0 {
            format!("must be finite, non-negative and at most {}{unit}", show(hi))
        } else {
            format!("must be finite and between {} and {}{unit}", show(lo), show(hi))
        }
    }
}

/// A number as the messages write it: exponent form when large (`1e18`, `inf`, `NaN`).
fn show(x: f64) -> String {
    if x.is_finite() && x.abs() >= 1e9 { format!("{x:e}") } else { format!("{x}") }
}

/// Checks one value; `what` names it (file or table, column, year) for the message.
pub fn check(what: impl FnOnce() -> String, x: f64, kind: Kind, currency: &str) -> Result<()> {
    let (lo, hi) = kind.range();
    if x.is_finite() && x >= lo && x <= hi {
        return Ok(());
    }
    Err(Error::Guard { what: what(), value: show(x), rule: kind.rule(currency) })
}

/// How far below zero the Monte Carlo rounding of a non-negative quantity can go: half
/// a person, or f32's relative precision (2⁻²³) of the deterministic value `det` when
/// that is larger (the offsets from `det` are stored in f32).
pub fn rounding_tolerance(det: f64) -> f64 {
    0.5_f64.max(det.abs() * f64::from(f32::EPSILON))
}

/// A Monte Carlo statistic of a non-negative quantity with its f32 rounding removed:
/// values in `[-rounding_tolerance(det), 0)` become 0; anything more negative is kept,
/// for the guard to report.
pub fn clamp_rounding(x: f64, det: f64) -> f64 {
    if x < 0.0 && x >= -rounding_tolerance(det) { 0.0 } else { x }
}

/// Checks every number a projection's outputs hold: each `summary.csv` column of each
/// year (the same numbers feed `summary.json`, the charts, comparisons, sensitivity
/// analyses and reports), every population cell, and the intrinsic growth rate of the
/// manifest.
pub fn projection(p: &Projection) -> Result<()> {
    let currency = p.scenario.automation.currency.as_str();
    let columns = &crate::output::tables::SUMMARY_COLUMNS;
    for row in crate::output::tables::summary_rows(p) {
        let values = crate::output::tables::row_values(&row);
        for (column, &x) in columns.iter().zip(values.iter()) {
            if let Some(kind) = Kind::of_column(column) {
                check(|| format!("{column} in {}", row.year), x, kind, currency)?;
            }
        }
    }
    for (pop, year) in p.population.iter().zip(&p.years) {
        for (sex, v) in [("male", &pop.male), ("female", &pop.female)] {
            for (age, &x) in v.iter().enumerate() {
                check(|| format!("population of {sex}s aged {age} in {year}"), x, Kind::Persons, currency)?;
            }
        }
    }
    check(|| "intrinsic_growth_rate_base".into(), p.stable_base.r, Kind::Other, currency)
}

/// Checks every number of a Monte Carlo outcome: `quantiles.csv` (each metric by its
/// kind), `probabilities.csv`, `calibration.csv` and `uncertainty.json`.
pub fn outcome(o: &Outcome, currency: &str) -> Result<()> {
    for r in &o.quantiles {
        let Some(kind) = Kind::of_column(r.metric) else { continue };
        let names = ["mean", "p05", "p10", "p25", "p50", "p75", "p90", "p95", "p025", "p975"];
        let values = std::iter::once(r.mean).chain(r.q).chain(r.q95);
        for (name, x) in names.iter().zip(values) {
            check(|| format!("quantiles.csv: {} {name} in {}", r.metric, r.year), x, kind, currency)?;
        }
    }
    for r in &o.probabilities {
        let what =
            |c: &str| format!("probabilities.csv: {c} of {} {} {} in {}", r.metric, r.condition, r.threshold, r.year);
        check(|| what("probability"), r.probability, Kind::Probability, currency)?;
        check(|| what("probability_by_year"), r.probability_by_year, Kind::Probability, currency)?;
        let kind = Kind::of_column(r.metric).unwrap_or(Kind::Other);
        check(|| what("threshold"), r.threshold, kind, currency)?;
    }
    for r in &o.calibration {
        let kind = Kind::of_column(r.variable).unwrap_or(Kind::Other);
        let opt = [r.model_lower, r.model_upper];
        let values = [("wpp_lower", Some(r.wpp_lower)), ("wpp_upper", Some(r.wpp_upper))]
            .into_iter()
            .chain([("model_lower", opt[0]), ("model_upper", opt[1])])
            .chain([("simulated_lower", Some(r.simulated_lower)), ("simulated_upper", Some(r.simulated_upper))]);
        for (name, x) in values {
            if let Some(x) = x {
                check(|| format!("calibration.csv: {} {name} in {}", r.variable, r.year), x, kind, currency)?;
            }
        }
        let what = || format!("calibration.csv: {} width_ratio in {}", r.variable, r.year);
        check(what, r.width_ratio, Kind::Other, currency)?;
    }
    for d in &o.median_distance {
        let what = |c: &str| format!("uncertainty.json: median_distance {} {c}", d.metric);
        // A distance between two values of the metric: within the metric's own bound.
        let kind = match Kind::of_column(d.metric) {
            Some(Kind::SignedPersons) => Kind::Persons,
            Some(k) => k,
            None => Kind::Other,
        };
        check(|| what("max_abs"), d.max_abs, kind, currency)?;
        for (c, x) in [("max_relative", d.max_relative), ("max_iqr_share", d.max_iqr_share)] {
            if let Some(x) = x {
                check(|| what(c), x, Kind::Ratio, currency)?;
            }
        }
    }
    let c = &o.components;
    let what = |c: &str| format!("uncertainty.json: components {c}");
    let lc = &c.lee_carter;
    let scalars = [
        ("tfr.ar1", c.tfr.ar1),
        ("tfr.innovation_sd", c.tfr.innovation_sd),
        ("tfr.floor", c.tfr.floor),
        ("lee_carter.drift", lc.drift),
        ("lee_carter.sigma", lc.sigma),
        ("lee_carter.drift_se", lc.drift_se),
        ("lee_carter.explained", lc.explained),
        ("mortality_sd", c.mortality_sd),
        ("mortality_drift_sd", c.mortality_drift_sd),
        ("migration.ar1", c.migration.ar1),
        ("migration.tail_df", c.migration.tail_df),
    ];
    for (name, x) in scalars {
        check(|| what(name), x, Kind::Other, currency)?;
    }
    let vectors =
        [("lee_carter.centres", &lc.centres), ("lee_carter.k", &lc.k), ("migration.scale", &c.migration.scale)];
    for (name, v) in vectors {
        for (i, &x) in v.iter().enumerate() {
            check(|| what(&format!("{name}[{i}]")), x, Kind::Other, currency)?;
        }
    }
    Ok(())
}

/// Checks the numbers of `forcecast backtest`: `backtest.csv` (model and observed
/// persons, error in percent), the population and births its chart draws, the peaks its
/// report prints.
pub fn backtest(bt: &crate::validation::backtest::Backtest) -> Result<()> {
    let c = "";
    for r in &bt.rows {
        let what = |col: &str| format!("backtest.csv: {} {col} in {}", r.metric, r.year);
        check(|| what("model"), r.model, Kind::Persons, c)?;
        check(|| what("observed"), r.observed, Kind::Persons, c)?;
        check(|| what("error_pct"), r.error_pct(), Kind::Ratio, c)?;
    }
    for (y, b) in bt.births.iter().chain(&bt.births_observed) {
        check(|| format!("back-test births in {y}"), *b, Kind::Persons, c)?;
    }
    for (i, pop) in bt.population.iter().enumerate() {
        check(|| format!("back-test population in {}", bt.from + i as i32), pop.total(), Kind::Persons, c)?;
    }
    for (name, p) in [("peak population", &bt.peak_total), ("peak population aged 15-64", &bt.peak_15_64)] {
        check(|| format!("back-test {name} ({})", p.year), p.value, Kind::Persons, c)?;
    }
    Ok(())
}

/// Checks the numbers of `forcecast backtest --force`: the yearly paths of every fit
/// (`force_calibration_years.csv`) and the observed strengths they are compared with
/// (`force_calibration.csv`).
pub fn force_calibration(cal: &crate::validation::calibration::Calibration) -> Result<()> {
    use crate::validation::calibration::{PARAM_NAMES, YEARS_HEADER, year_values};
    let c = "";
    // Continuations and the take-up are shares; the capacity a multiple.
    let kind = |name: &str| if name.ends_with("capacity") { Kind::Other } else { Kind::Probability };
    for (a, m) in cal.compared() {
        let what = |col: &str| format!("force_calibration.csv: {} {col} in {}", a.series, a.year);
        check(|| what("observed"), a.observed, Kind::Persons, c)?;
        if let Some(m) = m {
            check(|| what("model"), m, Kind::Persons, c)?;
            if a.observed > 0.0 {
                check(|| what("error_pct"), 100.0 * (m / a.observed - 1.0), Kind::Ratio, c)?;
            } else {
                return Err(Error::Guard {
                    what: what("error_pct"),
                    value: show(a.observed),
                    rule: "needs a positive observed figure".into(),
                });
            }
        }
    }
    let columns: Vec<&str> = YEARS_HEADER.split(',').skip(1).collect();
    for (year, y) in cal.path.years().zip(&cal.path.rows) {
        for (col, x) in columns.iter().zip(year_values(y)) {
            check(|| format!("force_calibration_years.csv: {col} in {year}"), x, Kind::Persons, c)?;
        }
    }
    for s in &cal.series {
        check(|| format!("force calibration RMS of {}", s.series), s.rms, Kind::Other, c)?;
    }
    for (label, t) in [("fitted", &cal.best), ("shipped", &cal.shipped)] {
        check(|| format!("force calibration {label} RMS"), t.rms, Kind::Other, c)?;
        for (name, v) in PARAM_NAMES.iter().zip(t.params.values()) {
            check(|| format!("force calibration {label} {name}"), v, kind(name), c)?;
        }
    }
    for (name, (lo, hi)) in PARAM_NAMES.iter().zip(cal.near_ranges) {
        check(|| format!("force calibration range of {name}"), lo, kind(name), c)?;
        check(|| format!("force calibration range of {name}"), hi, kind(name), c)?;
    }
    let (a, lo, hi) = cal.available_2040;
    for x in [a, lo, hi] {
        check(|| "force calibration force available in 2040".into(), x, Kind::Persons, c)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_below_zero_is_clamped_and_real_negatives_are_kept() {
        // The f32 offsets of issue 10: force_gap p05 = -0.0017, men_age_20 p05 = -0.0039.
        assert_eq!(clamp_rounding(-0.0017, 150_000.0), 0.0);
        assert_eq!(clamp_rounding(-0.0039, 120_000.0), 0.0);
        assert_eq!(clamp_rounding(-0.5, 0.0), 0.0);
        // Beyond rounding: kept, so the guard reports it.
        assert_eq!(clamp_rounding(-0.6, 1000.0), -0.6);
        assert_eq!(clamp_rounding(-3.0, 1.0e6), -3.0);
        // f32 precision of a 5e7 deterministic value is about 6 persons.
        assert_eq!(clamp_rounding(-5.0, 5.0e7), 0.0);
        assert_eq!(clamp_rounding(12.5, 10.0), 12.5);
        assert!(check(|| "x".into(), clamp_rounding(-0.6, 1000.0), Kind::Persons, "KRW").is_err());
    }

    #[test]
    fn messages_name_the_value_and_the_bound() {
        let e = check(|| "automation_cost in 2040".into(), f64::INFINITY, Kind::Money, "KRW").unwrap_err();
        assert_eq!(
            e.to_string(),
            "numeric guard: automation_cost in 2040 is inf (must be finite, non-negative and at most 1e18 KRW)"
        );
        let e = check(|| "net_migration in 2050".into(), -2.0e10, Kind::SignedPersons, "KRW").unwrap_err();
        assert_eq!(
            e.to_string(),
            "numeric guard: net_migration in 2050 is -2e10 (must be finite and between -1e10 and 1e10 persons)"
        );
        assert!(check(|| "p".into(), f64::NAN, Kind::Probability, "KRW").is_err());
        assert!(check(|| "p".into(), 1.0, Kind::Probability, "KRW").is_ok());
        assert!(check(|| "c".into(), -1.0, Kind::Persons, "KRW").is_err());
        assert!(check(|| "c".into(), 0.0, Kind::Persons, "KRW").is_ok());
    }

    #[test]
    fn every_summary_column_but_the_year_has_a_kind() {
        for c in crate::output::tables::SUMMARY_COLUMNS {
            assert_eq!(Kind::of_column(c).is_none(), c == "year", "{c}");
        }
        assert_eq!(Kind::of_column("automation_cost"), Some(Kind::Money));
        // Sums over years: a yearly cost within its bound never trips theirs.
        for c in ["automation_cost_cumulative", "automation_cost_npv"] {
            assert_eq!(Kind::of_column(c), Some(Kind::MoneyTotal));
        }
        assert!(Kind::MoneyTotal.range().1 >= MAX_MONEY * 1000.0);
        assert_eq!(Kind::of_column("men_age_20"), Some(Kind::Persons));
        assert_eq!(Kind::of_column("net_migration"), Some(Kind::SignedPersons));
    }
}
