//! The back-test, the WPP reproduction scenario and the force calibration, checked
//! through the binary (assert_cmd) and the library.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use forcecast::demography::Sex;
use forcecast::validation::backtest::{self, MigrationPattern};
use forcecast::validation::{calibration, residual};
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

/// The 5-year groups by sex below the open group in `year`: (metric, error_pct).
fn groups(rows: &BTreeMap<(i32, String), (f64, f64, f64)>, year: i32) -> Vec<(String, f64)> {
    rows.iter()
        .filter(|((y, m), _)| {
            *y == year
                && (m.starts_with("population_male_") || m.starts_with("population_female_"))
                && !m.ends_with("_plus")
        })
        .map(|((_, m), (_, _, e))| (m.clone(), *e))
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
    // The default is the residual pattern; the proportional one is printed beside it, with
    // the circularity caveat and the independent checks.
    assert!(stdout.contains("net migrants by age and sex: residual pattern"), "{stdout}");
    assert!(stdout.contains("residual pattern: 40 of 40 within 5%"), "{stdout}");
    assert!(stdout.contains("population pattern: 38 of 40 within 5%"), "{stdout}");
    assert!(stdout.contains("partly by construction"), "{stdout}");
    assert!(stdout.contains("independent checks:"), "{stdout}");
    for f in ["backtest.csv", "backtest.png", "backtest.svg"] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    // The chart is drawn with the shared chart module: title, panels, source line.
    let svg = std::fs::read_to_string(out.join("backtest.svg")).expect("svg");
    for text in [
        forcecast::validation::chart::TITLE,
        "Total population (1 July)",
        "Births (calendar year)",
        "Source: forcecast",
    ] {
        assert!(svg.contains(text), "backtest.svg lacks `{text}`");
    }
    let rows = read_backtest(&out.join("backtest.csv"));

    // Total population 2020 within 1% of WPP.
    let (_, _, e) = rows[&(2020, "population_total".to_string())];
    assert!(e.abs() < 1.0, "total 2020: {e}%");
    assert!(e.abs() < 0.1, "total 2020 drifted from the measured -0.03%: {e}%");

    // Births 2001-2020 within 5% every year (largest measured: +2.43% in 2002).
    for y in 2001..=2020 {
        let (_, _, e) = rows[&(y, "births".to_string())];
        assert!(e.abs() < 5.0, "births {y}: {e}%");
    }

    // Every 5-year group by sex in 2020 within 5%. Largest measured: women 95-99 +3.52%
    // (+2.22% before WPP's mortality periods were centred at their mid_year, issue 12);
    // the residual pattern is fitted to WPP's estimates, so this bound checks the
    // machinery more than the model (README).
    let g = groups(&rows, 2020);
    assert_eq!(g.len(), 40);
    for (m, e) in &g {
        assert!(e.abs() < 5.0, "{m} 2020: {e}%");
        assert!(e.abs() < 4.0, "{m} 2020 drifted from the measured largest error 3.52%: {e}%");
    }
    // The open group 100+ holds a few hundred men and a few thousand women.
    for m in ["population_male_100_plus", "population_female_100_plus"] {
        let (_, _, e) = rows[&(2020, m.to_string())];
        assert!(e.abs() < 15.0, "{m}: {e}%");
    }
}

#[test]
fn proportional_pattern_is_selectable_and_keeps_its_documented_misses() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("bt");
    let assert = bin()
        .args(["backtest", "--migration-pattern", "proportional", "--no-charts", "--out"])
        .arg(&out)
        .assert()
        .success();
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).expect("utf8");
    assert!(stdout.contains("net migrants by age and sex: population pattern"), "{stdout}");
    let rows = read_backtest(&out.join("backtest.csv"));
    let (_, _, e) = rows[&(2020, "population_total".to_string())];
    assert!(e.abs() < 0.1, "total 2020: {e}%");
    // This pattern takes no age information from WPP's later estimates, so its groups are
    // an independent test, and it misses the cohort moves in those estimates: 38 of 40
    // within 5%, men 40-44 +8.6% and women 75-79 -6.6% (wider bound for those two only).
    let exceptions = ["population_male_40_44", "population_female_75_79"];
    let g = groups(&rows, 2020);
    assert_eq!(g.len(), 40);
    for (m, e) in &g {
        let bound = if exceptions.contains(&m.as_str()) { 10.0 } else { 5.0 };
        assert!(e.abs() < bound, "{m} 2020: {e}%");
    }
    // The groups born during the back-test (0-19 in 2020) are within 2.5%.
    for (m, e) in g.iter().filter(|(m, _)| ["_0_4", "_5_9", "_10_14", "_15_19"].iter().any(|s| m.ends_with(s))) {
        assert!(e.abs() < 2.5, "{m} 2020: {e}%");
    }
}

#[test]
fn backtest_library_matches_measured_figures() {
    let inputs = backtest::load("korea", &scenarios()).expect("data");
    let bt = backtest::run(&inputs, 2000, 2020, MigrationPattern::Residual).expect("back-test");
    assert_eq!((bt.peak_15_64.year, bt.peak_total.year), (2017, 2020));
    assert!(bt.peak_15_64.reached && bt.peak_total.reached);
    let worst_births = bt.worst(|c| c.metric == "births").expect("births");
    assert!(worst_births.error_pct().abs() < 3.0, "{worst_births:?}");
    let is_group = |c: &backtest::Comparison| {
        c.year == 2020
            && (c.metric.starts_with("population_male") || c.metric.starts_with("population_female"))
            && !c.metric.ends_with("_plus")
    };
    let worst_group = bt.worst(is_group).expect("groups");
    assert_eq!(worst_group.metric, "population_female_95_99");
    // With the population-proportional pattern the men born 1976-80 are the worst group.
    let prop = backtest::run(&inputs, 2000, 2020, MigrationPattern::Population).expect("back-test");
    let worst_group = prop.worst(is_group).expect("groups");
    assert_eq!(worst_group.metric, "population_male_40_44");
    assert!(worst_group.error_pct() > 8.0 && worst_group.error_pct() < 9.0, "{worst_group:?}");
    // The report shows both.
    let refs = backtest::references(&inputs, &bt).expect("references");
    assert_eq!(refs.len(), 1);
    assert_eq!(refs[0].pattern, MigrationPattern::Population);
    let report = backtest::report(&bt, &refs);
    assert!(report.contains("(residual, population)"), "{report}");
    // The base is WPP's 2000 estimate: graduation keeps every group and the total.
    let p5 = forcecast::demography::base::pop5_of(&inputs.data, 2000).expect("2000");
    let total: f64 = p5.male.iter().chain(&p5.female).sum();
    assert!((bt.population[0].total() - total).abs() < 1e-6 * total);
    // Deaths follow WPP's annual e0, so they track WPP's deaths closely (largest measured
    // +2.03%, 2020; below 2% before the mid_year centring of WPP's mortality periods).
    let worst_deaths = bt.worst(|c| c.metric == "deaths").expect("deaths");
    assert!(worst_deaths.error_pct().abs() < 2.5, "{worst_deaths:?}");
    // Each year's net migration is WPP's total, whatever the pattern.
    for (b, f) in [(&bt, &bt.flows), (&prop, &prop.flows)] {
        for (i, fl) in f.iter().enumerate().take(20) {
            let y = b.from + i as i32;
            let e = inputs.data.mig_total.get("estimate").expect("estimate");
            let want = 0.5 * (e.get(y).expect("y") + e.get(y + 1).expect("y+1"));
            assert!((fl.net_migration() - want).abs() < 1.0, "{y}: {} vs {want}", fl.net_migration());
        }
    }
}

/// The chart shows the compared years (`--to`), as backtest.csv does, though the model
/// runs on to the last year of observed births for the peaks.
#[test]
fn backtest_chart_ends_at_the_last_compared_year() {
    let inputs = backtest::load("korea", &scenarios()).expect("data");
    let bt = backtest::run(&inputs, 2000, 2010, MigrationPattern::Residual).expect("back-test");
    assert!(bt.horizon > 2010, "the model runs on to {}", bt.horizon);
    let chart = forcecast::validation::chart::chart(&bt);
    assert_eq!(chart.panels.len(), 2);
    for p in &chart.panels {
        assert_eq!(p.x.range, Some((1999.5, 2010.5)));
        let xs = p.lines.iter().flat_map(|l| l.points.iter()).chain(p.points.iter().flat_map(|s| s.points.iter()));
        let last = xs.map(|q| q.0).fold(f64::MIN, f64::max);
        assert_eq!(last, 2010.0, "{:?}", p.heading);
    }
    assert!(chart.subtitle.as_deref().unwrap_or("").contains("estimates to 2010"), "{:?}", chart.subtitle);
}

#[test]
fn residual_migration_reproduces_wpp_totals_and_the_1976_80_cohort() {
    let inputs = backtest::load("korea", &scenarios()).expect("data");
    let periods = residual::estimate(&inputs.data).expect("residual");
    assert_eq!(periods.len(), 14);
    assert_eq!((periods[0].start, periods[13].start), (1950, 2015));
    let e = inputs.data.mig_total.get("estimate").expect("estimate");
    for p in &periods {
        // WPP's totals over the period (1 July to 1 July). The residual differs by the
        // model's graduated life tables and the births-to-0-4 step: by at most 26,000
        // after 1955, by 95,000 over the Korean War (1950-1955, 5-year mortality of a war).
        let wpp: f64 = (0..5).map(|k| 0.5 * (e.get(p.start + k).unwrap() + e.get(p.start + k + 1).unwrap())).sum();
        let bound = if p.start == 1950 { 100_000.0 } else { 30_000.0 };
        assert!((p.total() - wpp).abs() < bound, "{}: {} vs {wpp}", p.start, p.total());
        // The single ages keep the cohort figures' total.
        let single = 5.0 * (p.yearly[0].sum() + p.yearly[1].sum());
        assert!((single - p.total()).abs() < 1e-6 * p.total().abs().max(1.0));
        assert!(p.survival.iter().flatten().all(|s| *s > 0.0 && *s <= 1.0));
    }
    // The men born 1976-80 rise in WPP's estimates between 1995 and 2000 (15-19 -> 20-24)
    // and fall by 2005 (-> 25-29).
    let at = |start: i32| periods.iter().find(|p| p.start == start).expect("period");
    assert!(at(1995).cohort[0][4] > 50_000.0, "{}", at(1995).cohort[0][4]);
    assert!(at(2000).cohort[0][5] < -100_000.0, "{}", at(2000).cohort[0][5]);
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
    // An unknown country is reported before the output folder is looked at.
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("a-file");
    std::fs::write(&file, "keep").unwrap();
    bin()
        .args(["backtest", "--country", "nosuch", "--no-charts", "--out", file.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nosuch: country data folder not found"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep");
}

/// The baseline's calibration through the library (about a second in the test profile).
fn baseline_calibration() -> calibration::Calibration {
    let path = forcecast::scenario::locate("baseline", &scenarios()).expect("baseline");
    let baseline = forcecast::scenario::load(&path, &scenarios()).expect("baseline");
    let inputs = forcecast::run::load_inputs(&baseline, &scenarios()).expect("inputs");
    let p = forcecast::run::project(&baseline, &inputs).expect("projection");
    calibration::run(&inputs, &baseline.force, &p.population[0], baseline.base_year, &p.population)
        .expect("calibration")
}

#[test]
fn force_calibration_writes_its_series_chart_and_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("bt");
    let assert = bin().args(["backtest", "--force", "--out"]).arg(&out).assert().success();
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).expect("utf8");
    for text in [
        "'year-end' vs the model at t+0.5",
        "'authorised' shown, never fitted",
        "not compared: officers and NCOs by service",
        "are the model's starting stocks, matched by construction",
        "identification:",
        "force available in 2040 (baseline projection)",
    ] {
        assert!(stdout.contains(text), "report lacks `{text}`:\n{stdout}");
    }
    let text = std::fs::read_to_string(out.join("force_calibration.csv")).expect("csv");
    assert!(text.starts_with("series,year,observed,model,error_pct,"), "{}", text.lines().next().unwrap_or(""));
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let mut series = std::collections::BTreeSet::new();
    for rec in r.records() {
        let rec = rec.expect("row");
        let (obs, model, err): (f64, f64, f64) =
            (rec[2].parse().expect("observed"), rec[3].parse().expect("model"), rec[4].parse().expect("error_pct"));
        assert!(obs > 0.0 && model >= 0.0 && err.is_finite(), "{rec:?}");
        // error_pct is the model against the observed figure (both rounded to persons).
        assert!((err - 100.0 * (model / obs - 1.0)).abs() < 0.02, "{rec:?}");
        // The measure sets the time: a year-end figure at t+0.5, the others at t.
        let shift = if &rec[5] == "year-end" { 0.5 } else { 0.0 };
        if !rec[6].contains("calendar") {
            let y: f64 = rec[1].parse().expect("year");
            assert_eq!(rec[6].parse::<f64>().expect("model_time"), y + shift, "{rec:?}");
        }
        // Authorised strengths are never fitted.
        if &rec[5] == "authorised" {
            assert_eq!(&rec[7], "no", "{rec:?}");
        }
        series.insert(rec[0].to_string());
    }
    for s in [
        "officers",
        "ncos",
        "enlisted",
        "total",
        "enlisted_army",
        "enlisted_navy",
        "enlisted_air_force",
        "enlisted_marines",
        "nco_shortfall",
        "long_service_separations",
    ] {
        assert!(series.contains(s), "series {s} missing: {series:?}");
    }
    // The model does not split the cadre by service.
    assert!(!series.iter().any(|s| s.starts_with("officers_") || s.starts_with("ncos_")), "{series:?}");
    let years = std::fs::read_to_string(out.join("force_calibration_years.csv")).expect("years");
    assert!(years.starts_with(calibration::YEARS_HEADER), "{years}");
    assert_eq!(years.lines().count(), 1 + 7, "2019-2025:\n{years}");
    for f in ["force_calibration.png", "force_calibration.svg"] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let svg = std::fs::read_to_string(out.join("force_calibration.svg")).expect("svg");
    for text in
        [forcecast::validation::chart::FORCE_TITLE, "Officers and NCOs", "persons (thousands)", "Source: forcecast"]
    {
        assert!(svg.contains(text), "force_calibration.svg lacks `{text}`");
    }
}

#[test]
fn force_calibration_meets_its_bounds_and_the_shipped_defaults_are_the_fit() {
    let c = baseline_calibration();
    let rms = |s: &str| c.series_rms(s).unwrap_or_else(|| panic!("no RMS for {s}"));
    // Measured: officers 0.48%, NCOs 2.50%, total 2.77% (2019-2025), enlisted 2.25%.
    // Acceptance (issue 11): officers, NCOs and total each at most 3%.
    assert!(rms("officers") <= 0.03, "{}", rms("officers"));
    assert!(rms("ncos") <= 0.03, "{}", rms("ncos"));
    assert!(rms("total") <= 0.03, "{}", rms("total"));
    assert!(rms("enlisted") <= 0.03, "{}", rms("enlisted"));
    assert!((c.best.rms - 0.0205).abs() < 0.001, "{}", c.best.rms);
    // The shipped defaults (force/defaults.rs, baseline.toml) are the fit, rounded.
    assert!(c.shipped.rms - c.best.rms < 0.0005, "shipped {} vs best {}", c.shipped.rms, c.best.rms);
    for (k, (s, b)) in c.shipped.params.values().into_iter().zip(c.best.params.values()).enumerate() {
        assert!((s - b).abs() < 0.01, "{}: shipped {s} vs fitted {b}", calibration::PARAM_NAMES[k]);
    }
    // The model's first year is the first year of observed officer and NCO stocks, so the
    // 2018 year-end and 2017 authorised figures are not fitted.
    assert_eq!(c.first, 2019);
    assert!(c.anchors.iter().filter(|a| a.year < 2019 && a.series == "total").all(|a| !a.fitted));
    // Identification: the 2040 force across the near-equal fits (measured 277,489-309,329
    // around 291,361).
    let (a, lo, hi) = c.available_2040;
    assert!(lo <= a && a <= hi, "{a} {lo} {hi}");
    assert!((a / 291_361.0 - 1.0).abs() < 0.01, "{a}");
    assert!(hi / lo > 1.05, "the near-equal fits should disagree about 2040: {lo}-{hi}");
    // The NCOs' capacity is identified within the search range; officers' decision is not.
    let width =
        |k: usize| (c.near_ranges[k].1 - c.near_ranges[k].0) / (calibration::RANGES[k].1 - calibration::RANGES[k].0);
    assert!(width(1) > 0.5, "{:?}", c.near_ranges[1]);
    assert!(width(4) < 0.5, "{:?}", c.near_ranges[4]);
}

#[test]
fn a_year_end_anchor_is_compared_half_a_year_after_the_stock() {
    use calibration::{Anchor, ModelPath, Timing};
    let row = |total: f64| forcecast::force::ForceYear {
        available: total,
        long_service_separations: total / 100.0,
        ..Default::default()
    };
    let path = ModelPath {
        corps: vec!["officers".into(), "ncos".into()],
        branches: ["army", "navy", "air_force", "marines"].map(String::from).to_vec(),
        first: 2021,
        rows: vec![row(500_000.0), row(480_000.0), row(470_000.0)],
    };
    let anchor = |year: i32, measure: &str, timing: Timing, series: &str| Anchor {
        series: series.into(),
        year,
        observed: 1.0,
        measure: measure.into(),
        timing,
        fitted: true,
        source: String::new(),
    };
    // 31 December 2021 lies halfway between the 1 July stocks of 2021 and 2022.
    let ye = anchor(2021, "year-end", Timing::YearEnd, "total");
    assert_eq!(ye.time(), 2021.5);
    assert!((path.value(&ye).expect("inside") - 490_000.0).abs() < 1e-9);
    // An average operating figure is the 1 July stock.
    let avg = anchor(2022, "average operating", Timing::MidYear, "total");
    assert_eq!(path.value(&avg), Some(480_000.0));
    // Outside the model's years: no value, so never compared.
    assert_eq!(path.value(&anchor(2023, "year-end", Timing::YearEnd, "total")), None);
    // A calendar-year flow is the mean of the two model years it straddles.
    let flow = anchor(2022, "10+ years of service", Timing::CalendarFlow, "long_service_separations");
    assert!((path.value(&flow).expect("inside") - 4_900.0).abs() < 1e-9);
}

#[test]
fn force_calibration_guard_refuses_a_number_that_cannot_be_written() {
    let c = baseline_calibration();
    assert!(forcecast::output::guard::force_calibration(&c).is_ok());
    let mut bad = c.clone();
    bad.path.rows[2].corps[1] = f64::NAN;
    let e = forcecast::output::guard::force_calibration(&bad).expect_err("NaN");
    assert!(e.to_string().contains("ncos") && e.to_string().contains("2021"), "{e}");
    let mut bad = c.clone();
    bad.path.rows[0].conscripts_by_branch[1] = -5.0;
    let e = forcecast::output::guard::force_calibration(&bad).expect_err("negative");
    assert!(e.to_string().contains("navy") && e.to_string().contains("2019"), "{e}");
    let mut bad = c;
    bad.available_2040.2 = f64::INFINITY;
    assert!(forcecast::output::guard::force_calibration(&bad).is_err());
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

/// Taiwan's back-test from WPP's 1950 and 1955 estimates runs (it failed: the residual
/// pattern sent 0.026 persons out of an empty open age group, over the 0.01-person
/// tolerance of the net migration check, and blamed the input) and follows WPP's
/// estimates of the total within 0.6% to 2020 (measured: at most 0.58% from 1950).
#[test]
fn taiwan_backtest_runs_from_the_earliest_estimates() {
    let tmp = tempfile::tempdir().unwrap();
    for from in ["1950", "1955"] {
        let out = tmp.path().join(from);
        bin()
            .args(["backtest", "--country", "taiwan", "--from", from, "--no-charts", "--out"])
            .arg(&out)
            .assert()
            .success();
        let rows = read_backtest(&out.join("backtest.csv"));
        let totals: Vec<f64> =
            rows.iter().filter(|((_, m), _)| m == "population_total").map(|(_, (_, _, e))| *e).collect();
        assert!(totals.len() >= 13, "{from}: {} years", totals.len());
        for e in totals {
            assert!(e.abs() < 0.6, "{from}: total off by {e}%");
        }
    }
}
