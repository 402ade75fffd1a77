//! `forcecast compare` and `forcecast sensitivity` through the real binary: the files
//! are written, the compared numbers are exactly each scenario's own `summary.csv`, and
//! bad requests fail with a clear message and exit code 2.

mod common;

use std::collections::HashMap;
use std::path::Path;

use predicates::prelude::*;

const OVERLAYS: [&str; 5] = ["population_total", "men_age_20", "force_vs_target", "force_gap", "automation"];

fn run_summary(name: &str, dir: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let out = dir.join(format!("run-{}", name.replace(['/', '.'], "_")));
    common::forcecast()
        .args(["run", name, "--out", out.to_str().unwrap(), "--no-charts", "--quiet"])
        .assert()
        .success();
    common::read_csv(&out.join("summary.csv"))
}

/// `(year, metric) -> value as written` of a summary.csv.
fn summary_cells(header: &[String], rows: &[Vec<String>]) -> HashMap<(String, String), String> {
    let mut m = HashMap::new();
    for r in rows {
        for (i, h) in header.iter().enumerate().skip(1) {
            m.insert((r[0].clone(), h.clone()), r[i].clone());
        }
    }
    m
}

fn assert_chart(dir: &Path, stem: &str) {
    let png = std::fs::read(dir.join(format!("{stem}.png"))).unwrap();
    assert!(png.len() > 10_000 && png.starts_with(b"\x89PNG"), "{stem}.png");
    let svg = std::fs::read_to_string(dir.join(format!("{stem}.svg"))).unwrap();
    assert!(svg.contains("<svg") && svg.contains("Source: forcecast"), "{stem}.svg has no source line");
}

#[test]
fn compare_writes_its_files_and_every_number_equals_each_scenarios_summary() {
    let tmp = tempfile::tempdir().unwrap();
    let names = ["baseline", "fertility-low", "service-21-months"];
    let out = tmp.path().join("cmp");
    let stdout = common::forcecast()
        .args(["compare", names[0], names[1], names[2], "--out", out.to_str().unwrap()])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let stdout = String::from_utf8(stdout).unwrap();
    for f in ["comparison.csv", "key_years.csv", "key_years.md", "manifest.json"] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    for stem in OVERLAYS {
        assert_chart(&out.join("charts"), stem);
    }

    let (h, rows) = common::read_csv(&out.join("comparison.csv"));
    assert_eq!(h, ["year", "metric", names[0], names[1], names[2]]);
    let (sh, _) = run_summary("baseline", tmp.path());
    // One row per year and metric: 76 years × 27 metrics.
    assert_eq!(rows.len(), 76 * (sh.len() - 1));
    for (k, name) in names.iter().enumerate() {
        let (sh, srows) = run_summary(name, tmp.path());
        let cells = summary_cells(&sh, &srows);
        for r in &rows {
            let own = &cells[&(r[0].clone(), r[1].clone())];
            assert_eq!(&r[2 + k], own, "{name} {} {}: comparison.csv differs from summary.csv", r[0], r[1]);
        }
    }

    // Key years: 8 headline metrics × 2030, 2040, 2050, 2070, values as in summary.csv.
    let (kh, krows) = common::read_csv(&out.join("key_years.csv"));
    assert_eq!(kh, ["metric", "unit", "year", names[0], names[1], names[2]]);
    assert_eq!(krows.len(), 11 * 4);
    let cmp: HashMap<(String, String), Vec<String>> =
        rows.iter().map(|r| ((r[0].clone(), r[1].clone()), r[2..].to_vec())).collect();
    for r in &krows {
        assert!(["2030", "2040", "2050", "2070"].contains(&r[2].as_str()));
        assert_eq!(r[3..].to_vec(), cmp[&(r[2].clone(), r[0].clone())], "key year {} {}", r[2], r[0]);
    }
    for metric in ["men_age_20", "force_available", "force_gap", "automation_systems_needed", "automation_cost"] {
        assert!(krows.iter().any(|r| r[0] == metric), "{metric} missing from key_years.csv");
    }

    // The Markdown table: a header with the scenario names and numbers with separators.
    let md = std::fs::read_to_string(out.join("key_years.md")).unwrap();
    assert!(md.contains("| Metric | Year | baseline | fertility-low | service-21-months |"), "{md}");
    let gap_2040: f64 = cmp[&("2040".to_string(), "force_gap".to_string())][0].parse().unwrap();
    let with_commas = common::commas(gap_2040);
    assert!(md.contains(&format!("| {with_commas} |")), "the 2040 gap {with_commas} is not in key_years.md");
    assert_eq!(stdout, md, "compare prints the key-years table");

    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["command"], "compare");
    assert_eq!(manifest["scenarios"].as_array().unwrap().len(), 3);
    assert_eq!(manifest["scenarios"][1]["scenario"]["name"], "fertility-low");
}

#[test]
fn compare_takes_scenario_files_with_other_spans_and_leaves_missing_years_empty() {
    let tmp = tempfile::tempdir().unwrap();
    let short = tmp.path().join("short.toml");
    std::fs::write(&short, "description = \"ends in 2060\"\nextends = \"baseline\"\nend_year = 2060\n").unwrap();
    let out = tmp.path().join("cmp");
    common::forcecast()
        .args(["compare", "baseline", short.to_str().unwrap(), "--out", out.to_str().unwrap(), "--no-charts", "-q"])
        .assert()
        .success();
    assert!(!out.join("charts").exists(), "--no-charts writes no charts");
    let (h, rows) = common::read_csv(&out.join("comparison.csv"));
    assert_eq!(h, ["year", "metric", "baseline", "short"]);
    let at = |year: &str| rows.iter().find(|r| r[0] == year && r[1] == "force_gap").unwrap().clone();
    assert_eq!(at("2060")[2], at("2060")[3], "same assumptions, same gap");
    assert_eq!(at("2061")[3], "", "no value after the scenario's end year");
    let md = std::fs::read_to_string(out.join("key_years.md")).unwrap();
    assert!(md.contains("| 2070 |") && md.contains("–"), "the missing 2070 is shown as a dash:\n{md}");
}

#[test]
fn compare_writes_the_default_folder() {
    let tmp = tempfile::tempdir().unwrap();
    common::forcecast()
        .current_dir(tmp.path())
        .args(["--scenarios", common::scenarios().to_str().unwrap(), "compare", "baseline", "target-450k", "-q"])
        .arg("--no-charts")
        .assert()
        .success();
    assert!(tmp.path().join("output/compare-baseline_target-450k/comparison.csv").is_file());
}

#[test]
fn compare_refuses_bad_requests_with_exit_code_2() {
    let tmp = tempfile::tempdir().unwrap();
    // One scenario is not a comparison (clap's usage error).
    common::forcecast().args(["compare", "baseline"]).assert().code(2);
    // The same name twice would give two columns called the same.
    std::fs::create_dir(tmp.path().join("copy")).unwrap();
    let copy = tmp.path().join("copy/baseline.toml");
    std::fs::write(&copy, "description = \"copy\"\nextends = \"baseline\"\n").unwrap();
    common::forcecast()
        .args(["compare", "baseline", copy.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("scenario name `baseline` is given twice"));
    // An unknown name suggests the nearest.
    common::forcecast()
        .args(["compare", "baseline", "fertility-lo"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `fertility-low`"));
    // A bad scenario file names file, line and key.
    let bad = tmp.path().join("bad.toml");
    std::fs::write(&bad, "description = \"bad\"\nextends = \"baseline\"\n[force]\ntake_up = 1.5\n").unwrap();
    common::forcecast()
        .args(["compare", "baseline", bad.to_str().unwrap(), "--out", tmp.path().join("x").to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.toml:4: force.take_up: must be between 0 and 1, got 1.5"));
    assert!(!tmp.path().join("x").exists(), "nothing written after a failed run");
    // An output path that is a file.
    let file = tmp.path().join("file");
    std::fs::write(&file, "x").unwrap();
    common::forcecast()
        .args(["compare", "baseline", "target-450k", "--out", file.join("cmp").to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is a file, not a folder"));
}

#[test]
fn sensitivity_ranks_at_least_eight_parameters_by_effect_with_sources() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("sens");
    common::forcecast().args(["sensitivity", "baseline", "--out", out.to_str().unwrap(), "-q"]).assert().success();
    for f in ["sensitivity.csv", "sensitivity.md", "manifest.json"] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    for stem in ["tornado_force_gap", "tornado_automation_cost", "tornado_uncovered_gap"] {
        assert_chart(&out.join("charts"), stem);
    }
    let (h, rows) = common::read_csv(&out.join("sensitivity.csv"));
    for col in [
        "parameter",
        "low_value",
        "high_value",
        "force_gap_at_low",
        "force_gap_base",
        "force_gap_at_high",
        "automation_cost_at_low",
        "automation_cost_at_high",
        "range_source",
    ] {
        assert!(h.iter().any(|c| c == col), "no column {col}");
    }
    assert!(rows.len() >= 8, "{} parameters", rows.len());
    // A program reads it: every value column is a number (labels have their own
    // columns), and the text is ASCII so spreadsheets without a BOM read it right.
    let text_cols = ["parameter", "key", "unit", "base_label", "low_label", "high_label", "range_source"];
    for (k, col) in h.iter().enumerate().filter(|(_, c)| !text_cols.contains(&c.as_str())) {
        for r in &rows {
            let v: f64 = r[k].parse().unwrap_or_else(|_| panic!("{col} = {:?} is not a number", r[k]));
            assert!(v.is_finite(), "{col} = {v}");
        }
    }
    let raw = std::fs::read_to_string(out.join("sensitivity.csv")).unwrap();
    assert!(raw.is_ascii(), "non-ASCII text in sensitivity.csv");
    let service = rows.iter().find(|r| r[1] == "Service length").expect("service length row");
    let num = |c: &str| service[h.iter().position(|x| x == c).unwrap()].parse::<f64>().unwrap();
    assert_eq!((num("base_value"), num("low_value"), num("high_value")), (18.0, 15.0, 21.0));
    let swing = common::column(&h, &rows, "force_gap_swing");
    assert!(swing.windows(2).all(|w| w[0] >= w[1]), "rows sorted by effect on the gap: {swing:?}");
    let moving = swing.iter().filter(|s| **s > 1.0).count();
    assert!(moving >= 8, "at least 8 parameters move the 2040 gap, got {moving}");
    // The base column is the scenario's own 2040 gap.
    let (sh, srows) = run_summary("baseline", tmp.path());
    let gap = common::column(&sh, &srows, "force_gap");
    let base = common::column(&h, &rows, "force_gap_base");
    assert!((base[0] - gap[2040 - 2025]).abs() < 1e-3);
    // Every range has a one-line source or rationale.
    let src = h.iter().position(|c| c == "range_source").unwrap();
    assert!(rows.iter().all(|r| r[src].len() > 20 && !r[src].contains('\n')));
    // The tornado charts are tall enough for one bar per parameter.
    let svg = std::fs::read_to_string(out.join("charts/tornado_force_gap.svg")).unwrap();
    for r in &rows {
        // As SVG text: XML's five escapes (`Careerists' continuation` holds an apostrophe).
        let label = r[1]
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('\'', "&apos;")
            .replace('"', "&quot;");
        assert!(svg.contains(&format!(">\n{label}\n<")), "tornado lacks the bar label {}", r[1]);
    }
}

/// The careerists' ±2 points never reach continuation 1 (no careerist would ever leave):
/// a scenario at 0.99 gets 0.97 and 0.995, the top of the force calibration's range, as
/// the plan's retention lever (was 1.0).
#[test]
fn sensitivity_caps_careerist_continuation_below_one() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("hi.toml");
    std::fs::write(
        &file,
        "description = \"high\"\nextends = \"baseline\"\n[force.ncos]\ncareerist_continuation = [[2025, 0.99]]\n\
         [force.officers]\ncareerist_continuation = [[2025, 0.99]]\n",
    )
    .unwrap();
    let out = tmp.path().join("sens");
    common::forcecast()
        .args(["sensitivity", file.to_str().unwrap(), "--no-charts", "-q", "--out", out.to_str().unwrap()])
        .assert()
        .success();
    let (h, rows) = common::read_csv(&out.join("sensitivity.csv"));
    let row = rows.iter().find(|r| r[1] == "Careerists' continuation").expect("careerist row");
    let num = |c: &str| row[h.iter().position(|x| x == c).unwrap()].parse::<f64>().unwrap();
    assert_eq!(num("base_value"), 0.99);
    assert!((num("low_value") - 0.97).abs() < 1e-12, "{}", num("low_value"));
    assert_eq!(num("high_value"), 0.995);
}

#[test]
fn sensitivity_rejects_a_year_outside_the_projection() {
    common::forcecast()
        .args(["sensitivity", "baseline", "--year", "2101", "--out", "/nonexistent/x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--year 2101 is outside the projection of baseline (2025-2100)"));
}

/// `forcecast compare baseline taiwan-baseline` across countries (issue 15, item 4):
/// every compared number is still each scenario's own summary.csv (Taiwan's
/// `volunteers` and `conscripts_one_year` beside Korea's officers and NCOs); the key
/// years have no difference column and say the countries differ; the charts compare
/// indexes (men aged 20 at 100 in the base year) and shares of each scenario's own
/// target, and leave out the automation chart (two currencies).
#[test]
fn compare_across_countries_indexes_the_levels_and_subtracts_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("cmp");
    common::forcecast().args(["compare", "baseline", "taiwan-baseline", "-q", "--out"]).arg(&out).assert().success();
    let (h, rows) = common::read_csv(&out.join("comparison.csv"));
    assert_eq!(h, ["year", "metric", "baseline", "taiwan-baseline"]);
    let cell = |year: &str, metric: &str, col: usize| {
        rows.iter().find(|r| r[0] == year && r[1] == metric).map(|r| r[col].clone()).unwrap_or_default()
    };
    for (name, col) in [("baseline", 2), ("taiwan-baseline", 3)] {
        let (sh, srows) = run_summary(name, tmp.path());
        let own = summary_cells(&sh, &srows);
        for metric in sh.iter().skip(1) {
            assert_eq!(cell("2040", metric, col), own[&("2040".to_string(), metric.clone())], "{name} {metric}");
        }
    }
    assert!(!cell("2040", "volunteers", 3).is_empty() && cell("2040", "volunteers", 2).is_empty());
    assert!(!cell("2040", "officers", 2).is_empty() && cell("2040", "officers", 3).is_empty());
    let md = std::fs::read_to_string(out.join("key_years.md")).unwrap();
    assert!(!md.contains('Δ'), "{md}");
    assert!(md.contains("different countries (Republic of Korea, Taiwan)"), "{md}");
    assert!(md.contains("| Volunteers (officers, NCOs, privates) | 2030 | – |"), "{md}");
    let charts = out.join("charts");
    for stem in ["population_total", "men_age_20", "force_vs_target", "force_gap"] {
        assert_chart(&charts, stem);
    }
    assert!(!charts.join("automation.png").exists());
    let svg = std::fs::read_to_string(charts.join("men_age_20.svg")).unwrap();
    assert!(svg.contains("index, base year = 100") && svg.contains("countries differ"), "men_age_20.svg");
}

/// The sensitivity's mortality range is WPP's 80% e0 interval in the analysis year,
/// published from 2024: a year of an all-resident scenario before it (wpp2024-medium
/// starts in 2020) is a usage error naming --year and the years to give, for
/// `sensitivity` and `report` alike, with nothing written (before: exit 2 blaming the
/// data table, `…e0_1950_2100.csv: year: no `pi80_upper` life expectancy for 2020`).
#[test]
fn a_sensitivity_year_before_the_e0_interval_names_the_flag() {
    let tmp = tempfile::tempdir().unwrap();
    for cmd in ["sensitivity", "report"] {
        let out = tmp.path().join(cmd);
        common::forcecast()
            .args([cmd, "wpp2024-medium", "--year", "2021", "-q", "--out", out.to_str().unwrap()])
            .assert()
            .code(2)
            .stderr(
                predicate::str::contains("--year 2021")
                    .and(predicate::str::contains("give --year from 2024 to 2100"))
                    .and(predicate::str::contains(".csv").not()),
            );
        assert!(!out.exists(), "{cmd}");
    }
    let out = tmp.path().join("ok");
    common::forcecast()
        .args(["sensitivity", "wpp2024-medium", "--year", "2024", "-q", "--no-charts", "--out", out.to_str().unwrap()])
        .assert()
        .success();
}
