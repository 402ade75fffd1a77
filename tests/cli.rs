//! The real binary: every shipped scenario checks and runs; outputs are complete and
//! consistent; bad scenario files are rejected with file, line and key, without a panic.

mod common;

use std::path::Path;

use predicates::prelude::*;

const SHIPPED: [&str; 11] = [
    "baseline",
    "fertility-low",
    "fertility-high",
    "service-21-months",
    "service-21-months-from-2028",
    "ncos-recover",
    "cadre-retention-plus",
    "women-cadre-15pct",
    "female-volunteers",
    "target-450k",
    "automation-fast",
];

#[test]
fn every_shipped_scenario_checks() {
    for name in SHIPPED {
        common::forcecast()
            .args(["check", name])
            .assert()
            .success()
            .stdout(predicate::str::contains(format!("ok: {name}")));
    }
}

#[test]
fn every_scenario_file_in_the_folder_checks() {
    // Guards against a scenario added to the folder without being valid.
    for entry in std::fs::read_dir(common::scenarios()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            common::forcecast().args(["check", path.to_str().unwrap()]).assert().success();
        }
    }
}

#[test]
fn list_shows_every_shipped_scenario() {
    let out = common::forcecast().arg("list").assert().success().get_output().stdout.clone();
    let text = String::from_utf8(out).unwrap();
    for name in SHIPPED {
        assert!(text.lines().any(|l| l.starts_with(name)), "{name} missing from list:\n{text}");
    }
}

fn run_to(name: &str, dir: &Path, extra: &[&str]) {
    let mut args = vec!["run", name, "--out", dir.to_str().unwrap(), "--quiet"];
    args.extend_from_slice(extra);
    common::forcecast().args(&args).assert().success();
}

#[test]
fn every_shipped_scenario_runs_and_its_tables_are_consistent() {
    let tmp = tempfile::tempdir().unwrap();
    for name in SHIPPED {
        let out = tmp.path().join(name);
        run_to(name, &out, &["--no-charts"]);
        let (h, rows) = common::read_csv(&out.join("summary.csv"));
        assert_eq!(rows.len(), 76, "{name}: one row per year 2025-2100");
        let year = common::column(&h, &rows, "year");
        assert_eq!((year[0], year[75]), (2025.0, 2100.0));
        // Accounting identity on the written (rounded to 0.001) values: 1 person.
        let pop = common::column(&h, &rows, "population_total");
        let b = common::column(&h, &rows, "births");
        let d = common::column(&h, &rows, "deaths");
        let m = common::column(&h, &rows, "net_migration");
        for t in 0..75 {
            let rhs = pop[t] + b[t] - d[t] + m[t];
            assert!((pop[t + 1] - rhs).abs() < 1.0, "{name} {}: {} vs {rhs}", year[t + 1], pop[t + 1]);
        }
        // Gap, availability and automation columns agree with one another.
        let avail = common::column(&h, &rows, "force_available");
        let target = common::column(&h, &rows, "force_target");
        let gap = common::column(&h, &rows, "force_gap");
        let unc = common::column(&h, &rows, "uncovered_gap");
        for t in 0..76 {
            assert!((gap[t] - (target[t] - avail[t]).max(0.0)).abs() < 0.01);
            assert!(unc[t] <= gap[t] + 1e-6 && unc[t] >= 0.0);
        }
        // population.csv sums to population_total each year (1 person; values to 0.001).
        let (ph, prow) = common::read_csv(&out.join("population.csv"));
        assert_eq!(ph, ["year", "sex", "age", "population"]);
        assert_eq!(prow.len(), 76 * 2 * 101);
        let mut sums = vec![0.0; 76];
        for r in &prow {
            let y: usize = r[0].parse::<usize>().unwrap() - 2025;
            sums[y] += r[3].parse::<f64>().unwrap();
        }
        for t in 0..76 {
            assert!((sums[t] - pop[t]).abs() < 1.0, "{name} {}: {} vs {}", 2025 + t, sums[t], pop[t]);
        }
        let manifest: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
        assert_eq!(manifest["scenario"]["name"], name);
        assert_eq!(manifest["version"], env!("CARGO_PKG_VERSION"));
        assert!(manifest["input_checksums"].as_object().unwrap().len() >= 10);
    }
}

#[test]
fn baseline_summary_has_every_required_column_and_the_registered_men_aged_20() {
    let tmp = tempfile::tempdir().unwrap();
    run_to("baseline", tmp.path(), &["--no-charts"]);
    let (h, rows) = common::read_csv(&tmp.path().join("summary.csv"));
    for col in [
        "year",
        "population_total",
        "population_15_64",
        "population_65_plus",
        "births",
        "deaths",
        "net_migration",
        "tfr",
        "e0_male",
        "e0_female",
        "men_age_20",
        "conscript_intake",
        "conscripts",
        "cadre",
        "force_available",
        "force_target",
        "force_gap",
        "automation_manpower_equivalent",
        "automation_systems_needed",
        "automation_systems_fielded",
        "automation_cost",
        "uncovered_gap",
    ] {
        assert!(h.iter().any(|c| c == col), "missing column {col}");
    }
    let men20 = common::column(&h, &rows, "men_age_20")[0];
    assert!((men20 / 231_614.0 - 1.0).abs() < 0.005, "{men20}");
    // Target path: 500,000 from 2022 on (Defense Reform 2.0).
    assert!(common::column(&h, &rows, "force_target").iter().all(|t| (*t - 500_000.0).abs() < 1e-6));
}

#[test]
fn same_inputs_give_byte_identical_tables() {
    let tmp = tempfile::tempdir().unwrap();
    run_to("baseline", &tmp.path().join("a"), &["--no-charts"]);
    run_to("baseline", &tmp.path().join("b"), &["--no-charts"]);
    for f in ["summary.csv", "summary.json", "population.csv", "manifest.json"] {
        let a = std::fs::read(tmp.path().join("a").join(f)).unwrap();
        let b = std::fs::read(tmp.path().join("b").join(f)).unwrap();
        assert!(a == b, "{f} differs between runs");
    }
}

/// Writes a scenario file into `dir` and runs `check` on it; returns stderr.
fn check_bad(dir: &Path, file: &str, text: &str) -> String {
    let path = dir.join(file);
    std::fs::write(&path, text).unwrap();
    let out =
        common::forcecast().args(["check", path.to_str().unwrap()]).assert().failure().code(2).get_output().clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(!err.contains("panicked"), "panic: {err}");
    err
}

#[test]
fn misspelled_key_names_file_line_key_and_suggests() {
    let tmp = tempfile::tempdir().unwrap();
    let err =
        check_bad(tmp.path(), "typo.toml", "description = \"t\"\nextends = \"baseline\"\n\n[force]\ntake_upp = 0.9\n");
    assert!(err.contains("typo.toml:5: force.take_upp: unknown key (did you mean `take_up`?)"), "{err}");
}

#[test]
fn negative_tfr_names_file_line_key() {
    let tmp = tempfile::tempdir().unwrap();
    let err = check_bad(
        tmp.path(),
        "neg.toml",
        "description = \"t\"\nextends = \"baseline\"\n[fertility]\ntfr_anchors = [[2025, -0.3]]\n",
    );
    assert!(err.contains("neg.toml:4: fertility.tfr_anchors: must be between 0 and 10, got -0.3"), "{err}");
}

#[test]
fn probability_above_one_names_file_line_key() {
    let tmp = tempfile::tempdir().unwrap();
    let err = check_bad(
        tmp.path(),
        "p.toml",
        "description = \"t\"\nextends = \"baseline\"\n[force]\nactive_duty_rate = 1.2\n",
    );
    assert!(err.contains("p.toml:4: force.active_duty_rate: must be between 0 and 1, got 1.2"), "{err}");
}

#[test]
fn every_problem_in_a_file_is_reported_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let err = check_bad(
        tmp.path(),
        "many.toml",
        "description = \"t\"\nextends = \"baseline\"\n[force]\ntake_up = 1.2\n[force.army]\nservice_month = 18\n[automation]\nunit_cost = -1\n",
    );
    assert!(err.contains("many.toml:4: force.take_up: must be between 0 and 1, got 1.2"), "{err}");
    assert!(
        err.contains("many.toml:6: force.army.service_month: unknown key (did you mean `service_months`?)"),
        "{err}"
    );
    assert!(err.contains("many.toml:8: automation.unit_cost: must be between 0 and 1e13, got -1"), "{err}");
}

/// A description missing from a whole `extends` chain is reported at the scenario's own
/// file, naming the files it extends (any of them could hold it); one file alone is not
/// said to extend anything.
#[test]
fn missing_description_names_the_files_searched() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("root.toml"), "country = \"korea\"\n").unwrap();
    std::fs::write(tmp.path().join("mid.toml"), "extends = \"root\"\n").unwrap();
    let err = check_bad(tmp.path(), "leaf.toml", "extends = \"mid\"\n[fertility]\ntfr_series = \"wpp-low\"\n");
    assert!(
        err.contains(
            "leaf.toml:1: description: missing: a one-line description of the scenario (in this file or in one \
             it extends: mid.toml, root.toml; none sets it)"
        ),
        "{err}"
    );
    let err = check_bad(tmp.path(), "alone.toml", "country = \"korea\"\n");
    assert!(err.contains("alone.toml:1: description: missing: a one-line description of the scenario\n"), "{err}");
}

#[test]
fn missing_data_file_names_the_file_and_country_key() {
    let tmp = tempfile::tempdir().unwrap();
    // A scenarios folder whose country data lacks the TFR table.
    let scen = tmp.path().join("scenarios");
    let data = scen.join("data/korea");
    std::fs::create_dir_all(&data).unwrap();
    for e in std::fs::read_dir(common::scenarios().join("data/korea")).unwrap() {
        let p = e.unwrap().path();
        if p.file_name().unwrap() != "wpp2024_tfr_1950_2100.csv" {
            std::fs::copy(&p, data.join(p.file_name().unwrap())).unwrap();
        }
    }
    std::fs::copy(common::scenarios().join("baseline.toml"), scen.join("baseline.toml")).unwrap();
    let out = common::forcecast()
        .args(["--scenarios", scen.to_str().unwrap(), "check", "baseline"])
        .assert()
        .failure()
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains("wpp2024_tfr_1950_2100.csv: cannot read data table"), "{err}");
    assert!(err.contains("country `korea`") && err.contains("baseline.toml"), "{err}");
}

#[test]
fn unknown_scenario_name_suggests_the_closest() {
    common::forcecast().args(["run", "baselin"]).assert().failure().code(2).stderr(
        predicate::str::contains("no scenario named `baselin`")
            .and(predicate::str::contains("did you mean `baseline`")),
    );
}

/// An unknown name is reported with what was searched: no `scenarios` folder is named
/// when there is none (the default `./scenarios` need not exist), and a folder named like
/// the scenario file is called a folder, as is a path ending in .toml that is one.
#[test]
fn unknown_names_say_what_was_searched() {
    let tmp = tempfile::tempdir().unwrap();
    let bin = || {
        let mut c = assert_cmd::Command::cargo_bin("forcecast").unwrap();
        c.current_dir(tmp.path()).env_remove("FORCECAST_SCENARIOS");
        c
    };
    let err = |args: &[&str]| {
        let out = bin().args(args).assert().code(2).get_output().clone();
        String::from_utf8(out.stderr).unwrap()
    };
    let e = err(&["check", "nonexist"]);
    assert!(
        e.contains(
            "no scenario named `nonexist` among the built-in scenarios (there is no folder scenarios to search)"
        ),
        "{e}"
    );
    assert!(!e.contains("in scenarios or"), "{e}");
    std::fs::create_dir_all(tmp.path().join("scenarios/mine.toml")).unwrap();
    let e = err(&["check", "mine"]);
    assert!(e.contains("no scenario named `mine` in scenarios or among the built-in scenarios"), "{e}");
    assert!(e.contains("(scenarios/mine.toml is a folder, not a scenario file)"), "{e}");
    let e = err(&["check", "scenarios/mine.toml"]);
    assert!(e.contains("scenarios/mine.toml: is a folder, not a scenario file"), "{e}");
}

#[test]
fn failed_run_keeps_previous_output_and_leaves_no_partial_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("base");
    run_to("baseline", &out, &["--no-charts"]);
    let before = std::fs::read(out.join("summary.csv")).unwrap();
    common::forcecast()
        .env("FORCECAST_FAIL_MIDWAY", "1")
        .args(["run", "fertility-low", "--out", out.to_str().unwrap(), "--no-charts"])
        .assert()
        .failure();
    assert_eq!(std::fs::read(out.join("summary.csv")).unwrap(), before, "previous output clobbered");
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "base")
        .collect();
    assert!(leftovers.is_empty(), "partial folders left: {leftovers:?}");
}

#[test]
fn implausible_values_warn_with_a_unit_hint_and_strict_refuses_them() {
    let tmp = tempfile::tempdir().unwrap();
    let cases = [
        ("[fertility]\ntfr_anchors = [[2025, 7]]", "7 children per woman is implausible (above 3 children per woman)"),
        ("[fertility]\nsrb_anchors = [[2025, 1.2]]", "1.2 is implausible (above 1.12)"),
        ("[force]\ntarget_anchors = [[2025, 620]]", "620 looks like thousands: use 620000"),
        ("[force.navy]\nservice_months = 2", "2 looks like years: use 24"),
        ("[force]\nannual_attrition = 0.6", "0.6 is implausible (above 0.5)"),
    ];
    for (body, expected) in cases {
        let path = tmp.path().join("w.toml");
        std::fs::write(&path, format!("extends = \"baseline\"\ndescription = \"w\"\n{body}\n")).unwrap();
        let p = path.to_str().unwrap();
        common::forcecast()
            .args(["check", p])
            .assert()
            .success()
            .stderr(predicate::str::contains("warning: "))
            .stderr(predicate::str::contains(expected))
            .stderr(predicate::str::contains("w.toml:4:"));
        common::forcecast()
            .args(["check", "--strict", p])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(expected))
            .stderr(predicate::str::contains("an error under --strict"));
    }
}

#[test]
fn the_shipped_scenarios_raise_no_warning() {
    let names: Vec<String> = std::fs::read_dir(common::scenarios())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    assert!(names.len() >= 10);
    common::forcecast().arg("check").arg("--strict").args(&names).assert().success().stderr(predicate::str::is_empty());
}

/// Flags naming a folder say which flag and what is wrong with it: `backtest --country ""`
/// names `--country` (was "`` is not a country folder name"), `report --plan FILE` says it
/// is a file (was "no such folder").
#[test]
fn folder_flags_name_the_flag_and_the_problem() {
    let tmp = tempfile::tempdir().unwrap();
    for bad in ["", "a/b"] {
        common::forcecast()
            .args(["backtest", "--no-charts", "--country", bad, "--out"])
            .arg(tmp.path().join("bt"))
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!("--country `{bad}`: not a country folder name")));
    }
    let file = tmp.path().join("plan.txt");
    std::fs::write(&file, "not a plan").unwrap();
    common::forcecast()
        .args(["report", "baseline", "--no-sensitivity", "-q", "--plan"])
        .arg(&file)
        .arg("--out")
        .arg(tmp.path().join("rep"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is a file, not a plan folder"));
    assert!(!tmp.path().join("bt").exists() && !tmp.path().join("rep").exists());
}

/// What clap rejects (an unknown argument, a value its parser refuses) is quoted escaped:
/// a newline, a terminal escape or a direction control in it can neither fake another
/// line of output, recolour the terminal nor reorder the line; exit 2, nothing written.
#[test]
fn rejected_arguments_are_quoted_escaped() {
    let cases: [(&[&str], &str); 3] = [
        (&["run", "--x\nerror: all is fine"], r"'--x\nerror: all is fine'"),
        (&["run", "baseline", "--trajectories", "1\u{1b}[31m0"], r"'1\u{1b}[31m0'"),
        (&["run", "baseline", "--seed", "7\u{202e}1"], r"'7\u{202e}1'"),
    ];
    for (args, quoted) in cases {
        let out = common::forcecast().args(args).assert().code(2);
        let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
        assert!(err.contains(quoted), "{args:?}: {err}");
        assert!(!err.contains(['\u{1b}', '\u{202e}']) && !err.contains("\nerror: all is fine"), "{args:?}: {err}");
    }
}
