//! The back-test, the WPP reproduction scenario and the force calibration, checked
//! through the binary (assert_cmd) and the library.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use forcecast::demography::Sex;
use forcecast::validation::backtest::{self, MigrationPattern};
use forcecast::validation::calibration;
use predicates::prelude::*;

fn scenarios() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

fn bin() -> Command {
    let mut c = Command::cargo_bin("forcecast").expect("binary builds");
    c.arg("--scenarios").arg(scenarios());
    c
}

/// `backtest.csv` as (year, metric) -> (model, observed, error_pct).
fn read_backtest(path: &Path) -> BTreeMap<(i32, String), (f64, f64, f64)> {
    let mut r = csv::Reader::from_path(path).expect("backtest.csv");
    let h = r.headers().expect("header").clone();
    assert_eq!(h.iter().collect::<Vec<_>>(), ["year", "metric", "model", "observed", "error_pct"]);
    r.records()
        .map(|rec| {
            let rec = rec.expect("row");
            let n = |i: usize| rec[i].parse::<f64>().expect("number");
            ((rec[0].parse().expect("year"), rec[1].to_string()), (n(2), n(3), n(4)))
        })
        .collect()
}

#[test]
fn default_backtest_meets_the_acceptance_bounds() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("bt");
    let assert = bin().args(["backtest", "--out"]).arg(&out).assert().success();
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).expect("utf8");
    // The turning points the project is built on.
    assert!(stdout.contains("peak of the 15-64 population: 2017"), "{stdout}");
    assert!(stdout.contains("peak of the total population: 2020"), "{stdout}");
    for f in ["backtest.csv", "backtest.png", "backtest.svg"] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let rows = read_backtest(&out.join("backtest.csv"));

    // Total population 2020 within 1% of WPP.
    let (_, _, e) = rows[&(2020, "population_total".to_string())];
    assert!(e.abs() < 1.0, "total 2020: {e}%");
    assert!(e.abs() < 0.1, "total 2020 drifted from the measured -0.01%: {e}%");

    // Births 2001-2020 within 5% every year.
    for y in 2001..=2020 {
        let (_, _, e) = rows[&(y, "births".to_string())];
        assert!(e.abs() < 5.0, "births {y}: {e}%");
    }

    // Every 5-year group by sex in 2020 within 5%, except the two cohorts whose WPP
    // estimates are internally inconsistent (README): men 40-44, women 75-79.
    let exceptions = ["population_male_40_44", "population_female_75_79"];
    let mut groups = 0;
    for ((y, m), (_, _, e)) in &rows {
        let is_group = m.starts_with("population_male_") || m.starts_with("population_female_");
        if *y != 2020 || !is_group || m.ends_with("_plus") {
            continue;
        }
        groups += 1;
        let bound = if exceptions.contains(&m.as_str()) { 10.0 } else { 5.0 };
        assert!(e.abs() < bound, "{m} 2020: {e}%");
    }
    assert_eq!(groups, 40);
    // The open group 100+ holds a few hundred men and a few thousand women.
    for m in ["population_male_100_plus", "population_female_100_plus"] {
        let (_, _, e) = rows[&(2020, m.to_string())];
        assert!(e.abs() < 15.0, "{m}: {e}%");
    }
}

#[test]
fn backtest_library_matches_measured_figures() {
    let inputs = backtest::load("korea", &scenarios()).expect("data");
    let bt = backtest::run(&inputs, 2000, 2020, MigrationPattern::Population).expect("back-test");
    assert_eq!((bt.peak_15_64.year, bt.peak_total.year), (2017, 2020));
    assert!(bt.peak_15_64.reached && bt.peak_total.reached);
    let worst_births = bt.worst(|c| c.metric == "births").expect("births");
    assert!(worst_births.error_pct().abs() < 3.0, "{worst_births:?}");
    let worst_group = bt
        .worst(|c| {
            c.year == 2020
                && (c.metric.starts_with("population_male") || c.metric.starts_with("population_female"))
                && !c.metric.ends_with("_plus")
        })
        .expect("groups");
    assert_eq!(worst_group.metric, "population_male_40_44");
    // The base is WPP's 2000 estimate: graduation keeps every group and the total.
    let p5 = forcecast::demography::base::pop5_of(&inputs.data, 2000).expect("2000");
    let total: f64 = p5.male.iter().chain(&p5.female).sum();
    assert!((bt.population[0].total() - total).abs() < 1e-6 * total);
    // Deaths follow WPP's annual e0, so they track WPP's deaths closely.
    let worst_deaths = bt.worst(|c| c.metric == "deaths").expect("deaths");
    assert!(worst_deaths.error_pct().abs() < 2.0, "{worst_deaths:?}");
}

#[test]
fn wpp2023_migration_pattern_is_the_documented_worse_alternative() {
    let inputs = backtest::load("korea", &scenarios()).expect("data");
    let bt = backtest::run(&inputs, 2000, 2020, MigrationPattern::Wpp2023).expect("back-test");
    let c = bt.metric("population_male_25_29").find(|c| c.year == 2020).expect("row");
    assert!(c.error_pct() > 15.0, "{c:?}");
}

#[test]
fn backtest_rejects_years_without_estimates() {
    bin()
        .args(["backtest", "--from", "2003", "--no-charts", "--out", "/nonexistent/x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--from 2003"));
    bin()
        .args(["backtest", "--to", "2030", "--no-charts"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--to 2030"));
}

#[test]
fn force_calibration_prints_every_anchor() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("bt");
    let assert = bin().args(["backtest", "--force", "--no-charts", "--out"]).arg(&out).assert().success();
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).expect("utf8");
    for anchor in ["2017 ", "2018 Jan", "2018 end", "2019 ", "2020 ", "2022 end", "2024 end", "2025 Jul"] {
        assert!(stdout.lines().any(|l| l.starts_with(anchor)), "anchor {anchor} missing:\n{stdout}");
    }
    let mut r = csv::Reader::from_path(out.join("force_calibration.csv")).expect("csv");
    let mut baseline = 0;
    for rec in r.records() {
        let rec = rec.expect("row");
        if rec[3].starts_with("baseline parameters with") {
            baseline += 1;
            let e: f64 = rec[7].parse().expect("error_pct");
            assert!(e.abs() < 5.0, "{:?}", rec);
        }
    }
    assert_eq!(baseline, 8);
    assert!(out.join("force_calibration_years.csv").is_file());
}

#[test]
fn calibration_library_values() {
    let inputs = backtest::load("korea", &scenarios()).expect("data");
    let anchors = calibration::anchors(&inputs.data);
    let find = |label: &str| anchors.iter().find(|a| a.label() == label).map(|a| (a.time, a.observed));
    assert_eq!(find("2018 end"), Some((2018.5, 599_000.0)));
    assert_eq!(find("2018 Jan"), Some((2017.5, 620_000.0)));
    assert_eq!(find("2025 Jul"), Some((2025.0, 450_000.0)));
    assert_eq!(calibration::service_months(&inputs.data).expect("months"), (21.0, 18.0));
    assert_eq!(calibration::months_at(2016.0, (21.0, 18.0)), 21.0);
    assert!((calibration::months_at(2018.25, (21.0, 18.0)) - 19.5).abs() < 1e-12);
    assert_eq!(calibration::months_at(2021.0, (21.0, 18.0)), 18.0);
    // Carrying the registered base back and forth: the men aged 30 in 2025 were about as
    // many aged 20 in 2015, a little more for the deaths in between.
    let pops = calibration::registration_backcast(&inputs, 2015);
    assert_eq!(pops.len(), 11);
    let (m20, m30) = (pops[0].male[20], inputs.data.base.male[30]);
    assert!(m20 > m30 && m20 < m30 * 1.01, "{m20} vs {m30}");
}

#[test]
fn scale_to_e0_hits_the_target() {
    let mut m = forcecast::AgeVec::zeros();
    for x in 0..forcecast::NAGES {
        m[x] = 0.0003 * (0.095 * x as f64).exp();
    }
    for target in [70.0, 80.0, 88.0] {
        let s = backtest::scale_to_e0(&m, Sex::Female, target);
        let e0 = forcecast::demography::LifeTable::new(&s, Sex::Female).e0();
        assert!((e0 - target).abs() < 1e-6, "{e0} vs {target}");
    }
}

#[test]
fn wpp2024_medium_runs_to_2100_with_the_identity_every_year() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("wpp");
    bin().args(["run", "wpp2024-medium", "--no-charts", "--quiet", "--out"]).arg(&out).assert().success();
    let mut r = csv::Reader::from_path(out.join("summary.csv")).expect("summary");
    let h = r.headers().expect("h").clone();
    let col = |n: &str| h.iter().position(|c| c == n).expect("column");
    let (y, p, b, d, m) = (col("year"), col("population_total"), col("births"), col("deaths"), col("net_migration"));
    let rows: Vec<Vec<f64>> =
        r.records().map(|rec| rec.expect("row").iter().map(|v| v.parse().expect("num")).collect()).collect();
    assert_eq!(rows.first().map(|r| r[y]), Some(2020.0));
    assert_eq!(rows.last().map(|r| r[y]), Some(2100.0));
    // The base is WPP's 2020 estimate (51,858,481 persons, all residents).
    assert!((rows[0][p] - 51_858_481.0).abs() < 1.0, "{}", rows[0][p]);
    for w in rows.windows(2) {
        let rhs = w[0][p] + w[0][b] - w[0][d] + w[0][m];
        assert!((w[1][p] - rhs).abs() < 1e-6 * w[1][p] + 0.01, "identity broken in {}", w[1][y]);
    }
    // Calendar-year births 2021 and 2023 within 5% of WPP's estimates (259,300; 236,394).
    let cal = |i: usize| 0.5 * (rows[i - 1][b] + rows[i][b]);
    assert!((cal(1) / 259_300.0 - 1.0).abs() < 0.05, "{}", cal(1));
    assert!((cal(3) / 236_394.0 - 1.0).abs() < 0.05, "{}", cal(3));
    let manifest = std::fs::read_to_string(out.join("manifest.json")).expect("manifest");
    assert!(manifest.contains("\"base_population\": \"wpp-estimates\""), "{manifest}");
}

#[test]
fn base_population_key_is_validated_with_its_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "description = \"x\"\nbase_population = \"census\"\nbase_year = 2020\n").expect("write");
    bin()
        .args(["check"])
        .arg(&bad)
        .assert()
        .failure()
        .stderr(predicate::str::contains("bad.toml:2: base_population: unknown base population `census`"));
    std::fs::write(&bad, "description = \"x\"\nbase_population = \"wpp-estimates\"\nbase_year = 2003\n")
        .expect("write");
    bin()
        .args(["check"])
        .arg(&bad)
        .assert()
        .failure()
        .stderr(predicate::str::contains("bad.toml:3: base_year: with base_population = \"wpp-estimates\""));
    // A multiple of 5 outside WPP's estimates is caught against the data.
    std::fs::write(&bad, "description = \"x\"\nbase_population = \"wpp-estimates\"\nbase_year = 2025\n")
        .expect("write");
    bin().args(["check"]).arg(&bad).assert().failure().stderr(predicate::str::contains(
        "base_year: with base_population = \"wpp-estimates\" it must be a year of WPP's estimates",
    ));
    // Registration stays the default and keeps its year check.
    std::fs::write(&bad, "description = \"x\"\nbase_year = 2020\n").expect("write");
    bin().args(["check"]).arg(&bad).assert().failure().stderr(predicate::str::contains("base_year: must equal"));
}
