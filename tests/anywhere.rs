//! The binary run from a folder outside the repository, as an installed `forcecast`:
//! the shipped scenarios and data are built in, and a `scenarios/` folder there adds to
//! them (issue 13).

mod common;

use std::path::Path;

use predicates::prelude::*;

/// The binary run from `dir`, with no forcecast environment variable.
fn forcecast_in(dir: &Path) -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("forcecast").expect("binary built");
    c.current_dir(dir).env_remove("FORCECAST_SCENARIOS");
    c
}

#[test]
fn runs_from_any_folder_with_the_built_in_scenarios() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let listed = forcecast_in(dir).arg("list").assert().success();
    let text = String::from_utf8(listed.get_output().stdout.clone()).unwrap();
    assert!(text.lines().any(|l| l.starts_with("baseline ") && l.ends_with("[built-in]")), "{text}");
    assert!(text.lines().count() >= 10, "{text}");

    forcecast_in(dir).args(["run", "baseline", "-q", "--no-charts"]).assert().success();
    // Output goes to ./output/<name> of the working folder.
    let (h, rows) = common::read_csv(&dir.join("output/baseline/summary.csv"));
    // The same numbers as a run from the repository.
    let repo = tempfile::tempdir().unwrap();
    let out = repo.path().join("b");
    common::forcecast()
        .args(["run", "baseline", "-q", "--no-charts", "--out", out.to_str().unwrap()])
        .assert()
        .success();
    let (h2, rows2) = common::read_csv(&out.join("summary.csv"));
    assert_eq!((h, rows), (h2, rows2), "built-in and on-disk baseline differ");

    forcecast_in(dir).args(["compare", "baseline", "fertility-low", "-q", "--no-charts"]).assert().success();
    assert!(dir.join("output/compare-baseline_fertility-low/comparison.csv").is_file());
    forcecast_in(dir).args(["report", "baseline", "-q"]).assert().success();
    assert!(dir.join("output/report-baseline/report.html").is_file());
}

#[test]
fn a_scenarios_folder_in_the_working_folder_extends_and_overrides() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir(dir.join("scenarios")).unwrap();
    std::fs::write(
        dir.join("scenarios/mine.toml"),
        "extends = \"baseline\"\ndescription = \"mine\"\n[force]\ntarget_anchors = [[2025, 450000]]\n",
    )
    .unwrap();
    forcecast_in(dir).args(["run", "mine", "-q", "--no-charts"]).assert().success();
    let (h, rows) = common::read_csv(&dir.join("output/mine/summary.csv"));
    let target = common::column(&h, &rows, "force_target");
    assert!(target.iter().all(|t| (t - 450_000.0).abs() < 1e-9), "{target:?}");
    let listed = forcecast_in(dir).arg("list").assert().success();
    let text = String::from_utf8(listed.get_output().stdout.clone()).unwrap();
    assert!(text.lines().any(|l| l.starts_with("mine ") && l.contains("[scenarios/mine.toml]")), "{text}");
    // A file of the same name overrides the built-in one.
    std::fs::write(dir.join("scenarios/baseline.toml"), "description = \"my baseline\"\n").unwrap();
    let listed = forcecast_in(dir).arg("list").assert().success();
    let text = String::from_utf8(listed.get_output().stdout.clone()).unwrap();
    assert!(text.lines().any(|l| l.starts_with("baseline ") && l.contains("my baseline")), "{text}");
    assert_eq!(text.lines().filter(|l| l.starts_with("baseline ")).count(), 1);
}

#[test]
fn unknown_names_and_missing_folders_say_what_is_known() {
    let tmp = tempfile::tempdir().unwrap();
    forcecast_in(tmp.path())
        .args(["run", "baselin"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `baseline`?"))
        .stderr(predicate::str::contains("--scenarios"))
        .stderr(predicate::str::contains("known: automation-fast, baseline"));
    forcecast_in(tmp.path())
        .args(["list", "--scenarios", "no-such-folder"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no-such-folder"));
    forcecast_in(tmp.path())
        .env("FORCECAST_SCENARIOS", "also-missing")
        .arg("list")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("also-missing"));
}
