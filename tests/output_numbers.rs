//! No output file ever holds a non-finite number or a negative count (issue 10, items 3
//! and 8): every shipped scenario is run through the binary, with a Monte Carlo run of
//! the baseline, a comparison, a sensitivity analysis, a report and a back-test, and
//! every file they write is scanned.
//!
//! What the scan checks:
//! - CSV: no cell is `inf`, `NaN`, `null` or another non-finite spelling; no cell is
//!   empty except in the columns known to be optional; every cell that measures a count
//!   (by its column name, or by the `metric` of its row in the long tables) is >= 0;
//!   probabilities lie in [0, 1].
//! - JSON: `null` only for the keys that are optional by design; counts >= 0 by key.
//! - Markdown and SVG: no `inf`, `NaN` or `nan` word.
//! - The deterministic runs and the Monte Carlo median agree in sign and scale (a
//!   scan that accepted everything would not notice a file of zeros, so the scan also
//!   counts the numbers it checked).

mod common;

use std::path::{Path, PathBuf};

/// Whether a quantity (a `summary.csv` column, a metric, a column of the validation
/// tables) is a count of persons or systems, or a cost or rate that is never negative.
fn is_count(name: &str) -> bool {
    let name = name.strip_prefix("population_").map(|_| "population").unwrap_or(name);
    let name = ["_at_low", "_at_high", "_base"].iter().find_map(|s| name.strip_suffix(s)).unwrap_or(name);
    matches!(
        name,
        "population"
            | "births"
            | "deaths"
            | "men_age_20"
            | "eligible_men"
            | "conscript_intake"
            | "female_volunteers"
            | "conscripts"
            | "cadre"
            | "cadre_recruits"
            | "cadre_shortfall"
            | "men_turning_20"
            | "officers"
            | "ncos"
            | "alternative_service_intake"
            | "cadre_accessions"
            | "cadre_separations"
            | "uncovered_gap"
            | "tfr"
            | "e0_male"
            | "e0_female"
            | "model"
            | "observed"
    ) || name.starts_with("force_")
        || name.starts_with("conscripts_")
        || name.starts_with("automation_")
}

/// Columns of the long tables that describe the row rather than hold its metric's value.
const DESCRIPTIVE: &[&str] = &[
    "year",
    "metric",
    "variable",
    "unit",
    "level",
    "condition",
    "threshold",
    "probability",
    "probability_by_year",
    "error_pct",
    "width_ratio",
];

/// Columns that may be empty (a model interval that only some variables have).
const OPTIONAL_COLUMNS: &[&str] = &["model_lower", "model_upper"];

/// JSON keys whose value may be `null`: none — an optional setting or statistic that has
/// no value is left out, so a `null` anywhere is a number that could not be written.
const OPTIONAL_KEYS: &[&str] = &[];

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn non_finite_text(cell: &str) -> bool {
    let t = cell.trim().to_ascii_lowercase();
    t == "null" || t.parse::<f64>().is_ok_and(|x| !x.is_finite())
}

/// Scans one CSV; returns the number of numeric cells checked.
fn scan_csv(path: &Path, problems: &mut Vec<String>) -> usize {
    let (header, rows) = common::read_csv(path);
    let at = |name: &str| header.iter().position(|h| h == name);
    let metric_col = at("metric").or_else(|| at("variable"));
    let mut checked = 0;
    for (i, row) in rows.iter().enumerate() {
        for (col, cell) in header.iter().zip(row) {
            let place = || format!("{}:{}: {col} = `{cell}`", path.display(), i + 2);
            if non_finite_text(cell) {
                problems.push(format!("{}: not a finite number", place()));
                continue;
            }
            if cell.trim().is_empty() {
                if !OPTIONAL_COLUMNS.contains(&col.as_str()) {
                    problems.push(format!("{}: empty cell", place()));
                }
                continue;
            }
            let Ok(x) = cell.parse::<f64>() else { continue };
            checked += 1;
            if col.starts_with("probability") && !(0.0..=1.0).contains(&x) {
                problems.push(format!("{}: probability outside [0, 1]", place()));
            }
            let quantity = match metric_col {
                Some(m) if !DESCRIPTIVE.contains(&col.as_str()) => row[m].as_str(),
                Some(_) => continue,
                None => col.as_str(),
            };
            if is_count(quantity) && x < 0.0 {
                problems.push(format!("{}: negative {quantity}", place()));
            }
        }
    }
    checked
}

fn scan_json(path: &Path, problems: &mut Vec<String>) -> usize {
    fn walk(v: &serde_json::Value, at: &str, key: &str, problems: &mut Vec<String>, checked: &mut usize) {
        match v {
            serde_json::Value::Null if !OPTIONAL_KEYS.contains(&key) => {
                problems.push(format!("{at}: null where a number belongs"));
            }
            serde_json::Value::Number(n) => {
                *checked += 1;
                let x = n.as_f64().unwrap_or(f64::NAN);
                if !x.is_finite() || (is_count(key) && x < 0.0) {
                    problems.push(format!("{at}: {x}"));
                }
            }
            serde_json::Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    walk(x, &format!("{at}[{i}]"), key, problems, checked);
                }
            }
            serde_json::Value::Object(o) => {
                for (k, x) in o {
                    walk(x, &format!("{at}.{k}"), k, problems, checked);
                }
            }
            _ => {}
        }
    }
    let text = std::fs::read_to_string(path).unwrap();
    let v: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display()));
    let mut checked = 0;
    walk(&v, &path.display().to_string(), "", problems, &mut checked);
    checked
}

fn scan_text(path: &Path, problems: &mut Vec<String>) {
    let text = std::fs::read_to_string(path).unwrap();
    for word in text.split(|c: char| !c.is_ascii_alphanumeric()) {
        if matches!(word, "inf" | "NaN" | "nan" | "Infinity") {
            problems.push(format!("{}: the word `{word}`", path.display()));
            return;
        }
    }
}

fn forcecast(args: &[&str]) {
    common::forcecast().args(args).assert().success();
}

#[test]
fn no_output_file_holds_a_non_finite_number_or_a_negative_count() {
    let tmp = tempfile::tempdir().unwrap();
    let out = |name: &str| tmp.path().join(name).to_string_lossy().into_owned();
    let mut scenarios: Vec<String> = std::fs::read_dir(common::scenarios())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    scenarios.sort();
    assert!(scenarios.len() >= 8, "shipped scenarios: {scenarios:?}");
    let mut run = vec!["run", "--quiet", "--out"];
    let runs = out("runs");
    run.push(&runs);
    run.extend(scenarios.iter().map(String::as_str));
    forcecast(&run);
    forcecast(&["run", "baseline", "--quiet", "--trajectories", "200", "--out", &out("mc")]);
    forcecast(&["compare", "baseline", "fertility-low", "target-450k", "--quiet", "--out", &out("compare")]);
    forcecast(&["sensitivity", "baseline", "--quiet", "--no-charts", "--out", &out("sensitivity")]);
    let report = out("report");
    forcecast(&[
        "report",
        "baseline",
        "automation-fast",
        "--quiet",
        "--no-sensitivity",
        "--trajectories",
        "100",
        "--out",
        &report,
    ]);
    forcecast(&["backtest", "--force", "--out", &out("backtest")]);

    let mut all = Vec::new();
    files(tmp.path(), &mut all);
    all.sort();
    let mut problems = Vec::new();
    let (mut csv, mut json, mut numbers) = (0, 0, 0);
    for f in &all {
        match f.extension().and_then(|x| x.to_str()) {
            Some("csv") => {
                csv += 1;
                numbers += scan_csv(f, &mut problems);
            }
            Some("json") => {
                json += 1;
                numbers += scan_json(f, &mut problems);
            }
            Some("md" | "svg") => scan_text(f, &mut problems),
            _ => {}
        }
    }
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
    // Every shipped scenario's folder was scanned, and the Monte Carlo tables with them.
    for s in &scenarios {
        let name = Path::new(s).file_stem().unwrap().to_string_lossy().into_owned();
        assert!(all.iter().any(|f| f.ends_with(format!("runs/{name}/summary.csv"))), "{name}: no summary.csv");
    }
    for f in ["mc/quantiles.csv", "mc/probabilities.csv", "mc/calibration.csv", "backtest/backtest.csv"] {
        assert!(all.iter().any(|p| p.ends_with(f)), "{f} missing");
    }
    assert!(csv >= 30 && json >= 12, "{csv} CSV and {json} JSON files");
    assert!(numbers > 100_000, "only {numbers} numbers checked");
}

#[test]
fn the_scan_catches_what_it_looks_for() {
    // The checks above must be able to fail: a file with each kind of fault.
    let tmp = tempfile::tempdir().unwrap();
    let csv = tmp.path().join("quantiles.csv");
    std::fs::write(
        &csv,
        "year,metric,mean,p05\n2030,force_gap,10,-0.0017\n2030,net_migration,-5,-9\n2031,automation_cost,inf,1\n\
         2032,men_age_20,,3\n",
    )
    .unwrap();
    let mut problems = Vec::new();
    scan_csv(&csv, &mut problems);
    let joined = problems.join("\n");
    assert_eq!(problems.len(), 3, "{joined}");
    assert!(joined.contains("p05 = `-0.0017`: negative force_gap"), "{joined}");
    assert!(joined.contains("mean = `inf`: not a finite number"), "{joined}");
    assert!(joined.contains("mean = ``: empty cell"), "{joined}");

    let json = tmp.path().join("summary.json");
    std::fs::write(&json, r#"[{"year": 2030, "automation_cost": null, "conscripts": -1, "net_migration": -3}]"#)
        .unwrap();
    let mut problems = Vec::new();
    scan_json(&json, &mut problems);
    assert_eq!(problems.len(), 2, "{problems:?}");

    let md = tmp.path().join("report.md");
    std::fs::write(&md, "| information | 1,234 |\n| cost | inf won |\n").unwrap();
    let mut problems = Vec::new();
    scan_text(&md, &mut problems);
    assert_eq!(problems.len(), 1, "{problems:?}");
}

#[test]
fn a_cost_beyond_the_guard_stops_the_run_and_writes_nothing() {
    // Every value within its scenario bound, yet 1e9 systems a year at ten trillion won
    // each is 2e20 won: the output guard stops the run before any folder is made.
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tmp.path().join("overflow.toml");
    std::fs::write(
        &scenario,
        "description = \"t\"\nextends = \"baseline\"\n[force]\ntarget_anchors = [[2025, 10000000]]\n\
         [automation]\nunit_cost = 1e13\nannual_cost_share = 1.0\nsoldiers_replaced_per_system = 0.01\n\
         fielding_capacity_anchors = [[2026, 10000000]]\n",
    )
    .unwrap();
    for extra in [&[][..], &["--trajectories", "20"][..]] {
        let out = tmp.path().join("out");
        let assert = common::forcecast()
            .args(["run", scenario.to_str().unwrap(), "--no-charts", "--out", out.to_str().unwrap()])
            .args(extra)
            .assert()
            .code(1);
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
        // The scenario's operating cost of 1 a year also draws a plausibility warning.
        let stderr: String = stderr.lines().filter(|l| !l.starts_with("warning: ")).collect::<Vec<_>>().join("\n");
        assert_eq!(
            stderr.trim_end(),
            "error: numeric guard: automation_cost in 2026 is 2e20 (must be finite, non-negative and at most 1e18 KRW)"
        );
        let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(left, vec![std::ffi::OsString::from("overflow.toml")], "nothing but the scenario: {left:?}");
    }
}

#[test]
fn a_chart_of_absurd_values_fails_instead_of_hanging() {
    use forcecast::output::charts::{Axis, Chart, Line, Panel, TickFormat, palette, render};
    let tmp = tempfile::tempdir().unwrap();
    for y in [1.7e308, f64::MAX, 1.0e300] {
        let mut panel = Panel::new(Axis::years("year"), Axis::values("persons", TickFormat::thousands()));
        panel.lines.push(Line::xy("x", palette::NAVY, &[2025.0, 2026.0], &[0.0, y]));
        let chart = Chart::new("absurd", "test", panel);
        // Before the fix plotters' tick search looped for ever on such a range.
        let err = render(&chart, tmp.path(), "absurd").unwrap_err().to_string();
        assert!(err.contains("cannot draw chart"), "{err}");
    }
}
