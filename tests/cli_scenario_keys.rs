//! The report's scenario table and `manifest.json` name the keys a scenario file takes
//! (issue 13, item 3): the manifest's scenario runs as a scenario file, and the table
//! lists only keys set away from the defaults, `uncertainty.*` only after Monte Carlo.

mod common;

use std::path::Path;

fn run(args: &[&str]) {
    common::forcecast().args(args).assert().success();
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The scenario of a manifest, less its name and files, written as TOML.
fn as_scenario_file(scenario: &serde_json::Value) -> String {
    let mut s = scenario.as_object().unwrap().clone();
    assert!(s.remove("name").is_some() && s.remove("files").is_some());
    toml::to_string(&s).unwrap()
}

#[test]
fn the_manifest_scenario_is_a_scenario_file() {
    let tmp = tempfile::tempdir().unwrap();
    let out = |n: &str| tmp.path().join(n).to_str().unwrap().to_string();
    run(&["run", "target-450k", "--out", &out("a"), "--quiet", "--no-charts"]);
    let m = json(&tmp.path().join("a/manifest.json"));
    let force = m["scenario"]["force"].as_object().unwrap();
    assert!(force.contains_key("target_anchors") && !force.contains_key("target"), "{force:?}");
    let file = tmp.path().join("from-manifest.toml");
    std::fs::write(&file, as_scenario_file(&m["scenario"])).unwrap();
    run(&["run", file.to_str().unwrap(), "--out", &out("b"), "--quiet", "--no-charts"]);
    let (a, b) = (
        std::fs::read(tmp.path().join("a/summary.csv")).unwrap(),
        std::fs::read(tmp.path().join("b/summary.csv")).unwrap(),
    );
    assert!(a == b, "summary.csv differs");
    // A compare folder's manifest too, for a scenario on net_anchors.
    let anchors = tmp.path().join("anchors.toml");
    std::fs::write(
        &anchors,
        "description = \"d\"\nextends = \"baseline\"\n[migration]\nnet_anchors = [[2025, -2000], [2050, 5000.5]]\n",
    )
    .unwrap();
    run(&["compare", "baseline", anchors.to_str().unwrap(), "--out", &out("c"), "--quiet", "--no-charts"]);
    let m = json(&tmp.path().join("c/manifest.json"));
    let migration = &m["scenarios"][1]["scenario"]["migration"];
    assert_eq!(migration["net_anchors"], serde_json::json!([[2025, -2000.0], [2050, 5000.5]]), "{migration}");
    assert!(migration.get("anchors").is_none());
}

fn table(report: &Path) -> Vec<String> {
    let md = std::fs::read_to_string(report.join("report.md")).unwrap();
    let start = md.find("| Key |").expect("scenario table");
    md[start..].lines().take_while(|l| l.starts_with('|')).skip(2).map(String::from).collect()
}

#[test]
fn the_report_table_lists_what_differs_from_the_defaults() {
    let tmp = tempfile::tempdir().unwrap();
    let mc = tmp.path().join("mc-settings.toml");
    std::fs::write(&mc, "description = \"d\"\nextends = \"fertility-low\"\n[uncertainty.fertility]\nsd_scale = 0.5\n")
        .unwrap();
    let out = |n: &str| tmp.path().join(n).to_str().unwrap().to_string();
    run(&["report", "baseline", mc.to_str().unwrap(), "--no-sensitivity", "--out", &out("r"), "--quiet"]);
    let rows = table(&tmp.path().join("r"));
    let keys: Vec<&str> = rows.iter().map(|r| r.split('|').nth(1).unwrap().trim()).collect();
    // The baseline writes out the target, unit cost and fielding ramp that are built-in
    // series otherwise; fertility-low sets TFR anchors. Nothing else, and no uncertainty
    // row without Monte Carlo.
    assert_eq!(
        keys,
        [
            "fertility.tfr_anchors",
            "force.target_anchors",
            "automation.unit_cost",
            "automation.fielding_capacity_anchors"
        ],
        "{rows:#?}"
    );
    assert!(rows[0].contains("tfr_series = wpp-medium") && rows[0].contains("**2025: 0.72**"), "{}", rows[0]);
    run(&[
        "report",
        "baseline",
        mc.to_str().unwrap(),
        "--no-sensitivity",
        "--trajectories",
        "20",
        "--out",
        &out("m"),
        "--quiet",
    ]);
    let rows = table(&tmp.path().join("m"));
    let u: Vec<&String> = rows.iter().filter(|r| r.contains("uncertainty.")).collect();
    assert_eq!(u.len(), 1, "{rows:#?}");
    assert!(u[0].starts_with("| uncertainty.fertility.sd_scale | 1 | **0.5** |"), "{}", u[0]);
}
