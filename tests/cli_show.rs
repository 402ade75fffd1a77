//! `forcecast show`: the printed scenario runs to the same outputs as the scenario it
//! came from (issue 13, item 3).

mod common;

use std::path::Path;

fn stdout(args: &[&str]) -> String {
    let out = common::forcecast().args(args).assert().success().get_output().stdout.clone();
    String::from_utf8(out).unwrap()
}

fn run(arg: &str, out: &Path, extra: &[&str]) {
    let mut args = vec!["run", arg, "--out", out.to_str().unwrap(), "--quiet", "--no-charts"];
    args.extend_from_slice(extra);
    common::forcecast().args(&args).assert().success();
}

fn same_file(a: &Path, b: &Path) {
    let (x, y) = (std::fs::read(a).unwrap(), std::fs::read(b).unwrap());
    assert!(x == y, "{} and {} differ", a.display(), b.display());
}

/// `show X > x.toml && run x.toml` writes the summary.csv of `run X`: the baseline, one
/// that extends it, one with policy paths, and one on another base population.
#[test]
fn shown_scenarios_run_to_the_same_summary() {
    let tmp = tempfile::tempdir().unwrap();
    for name in ["baseline", "fertility-low", "service-21-months-from-2028", "wpp2024-medium"] {
        let file = tmp.path().join(format!("shown-{name}.toml"));
        std::fs::write(&file, stdout(&["show", name])).unwrap();
        let (a, b) = (tmp.path().join(format!("{name}-a")), tmp.path().join(format!("{name}-b")));
        run(name, &a, &[]);
        run(file.to_str().unwrap(), &b, &[]);
        same_file(&a.join("summary.csv"), &b.join("summary.csv"));
        // The diff from the baseline, read beside nothing but the built-in baseline.
        let diff = tmp.path().join(format!("diff-{name}.toml"));
        std::fs::write(&diff, stdout(&["show", name, "--diff", "baseline"])).unwrap();
        let c = tmp.path().join(format!("{name}-c"));
        run(diff.to_str().unwrap(), &c, &[]);
        same_file(&a.join("summary.csv"), &c.join("summary.csv"));
    }
}

/// Monte Carlo settings survive: a scenario with its own `[uncertainty]` shown and run
/// with the same seed writes the same quantiles.
#[test]
fn shown_uncertainty_settings_give_the_same_trajectories() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("mc.toml");
    std::fs::write(
        &src,
        "description = \"Monte Carlo settings\"\nextends = \"fertility-low\"\n[uncertainty]\ngap_thresholds = [0, 123456.7]\n\
         [uncertainty.fertility]\nar1 = 0.85\ninnovation_sd = 0.0712345\n[uncertainty.force]\ntake_up = { sd = 0.03 }\n\
         fielding_capacity = { dist = \"uniform\", sd = 0.15 }\n",
    )
    .unwrap();
    let shown = stdout(&["show", src.to_str().unwrap()]);
    assert!(shown.contains("innovation_sd = 0.0712345\n"), "{shown}");
    assert!(shown.contains("take_up = { dist = \"normal\", sd = 0.03 }\n"), "{shown}");
    let file = tmp.path().join("mc-shown.toml");
    std::fs::write(&file, shown).unwrap();
    let mc = ["--trajectories", "40", "--seed", "5"];
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    run(src.to_str().unwrap(), &a, &mc);
    run(file.to_str().unwrap(), &b, &mc);
    for f in ["summary.csv", "quantiles.csv", "probabilities.csv"] {
        same_file(&a.join(f), &b.join(f));
    }
}

/// The text names only keys a file takes, marks defaults, and `--diff` of a scenario
/// against itself is empty but for `extends`.
#[test]
fn show_prints_input_keys() {
    let text = stdout(&["show", "target-450k"]);
    assert!(text.contains("\n[force]\n"), "{text}");
    assert!(
        text.contains("target_anchors = [[2018, 620000], [2022, 500000], [2025, 500000], [2030, 450000]]\n"),
        "{text}"
    );
    assert!(!text.contains("force.target ") && !text.contains("\nanchors"), "{text}");
    assert!(text.contains("end_year = 2100  # default\n"), "{text}");
    let diff = stdout(&["show", "baseline", "--diff", "baseline"]);
    let keys: Vec<&str> = diff.lines().filter(|l| !l.starts_with('#') && !l.is_empty()).collect();
    assert_eq!(keys, ["extends = \"baseline\""]);
    let diff = stdout(&["show", "fertility-low", "--diff", "baseline"]);
    assert!(diff.contains("[fertility]\ntfr_anchors = [[2025, 0.72]]\n"), "{diff}");
}

/// A bad name, first or second, is an input error (exit 2) and prints nothing.
#[test]
fn show_rejects_unknown_scenarios() {
    for args in [["show", "no-such"].as_slice(), &["show", "baseline", "--diff", "no-such"]] {
        let out = common::forcecast().args(args).assert().code(2).get_output().clone();
        assert!(out.stdout.is_empty());
        assert!(String::from_utf8_lossy(&out.stderr).contains("no scenario named `no-such`"));
    }
}

/// `-0.0` reads as 0: `show` writes 0 (a default marked as one), and the warning on the
/// target says 0 troops, never -0.
#[test]
fn negative_zero_reads_as_zero() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("z.toml");
    std::fs::write(
        &file,
        "description = \"zeros\"\nextends = \"baseline\"\n[force]\nannual_attrition = -0.0\n\
         target_anchors = [[2030, -0.0]]\n",
    )
    .unwrap();
    let out = common::forcecast().args(["show", file.to_str().unwrap()]).assert().success().get_output().clone();
    let (text, err) = (String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap());
    assert!(text.contains("\nannual_attrition = 0  # default\n"), "{text}");
    assert!(text.contains("\ntarget_anchors = [[2030, 0]]\n"), "{text}");
    assert!(!text.contains("-0"), "{text}");
    assert!(err.contains("force.target_anchors: 0 troops is implausible"), "{err}");
    assert!(!err.contains("-0"), "{err}");
}

/// `--diff` promises a file that, extending the other scenario, is the same scenario; a
/// scenario of another country cannot extend it (its force tables differ), so the pair is
/// refused, naming both countries and pointing at `compare`; within a country the diff
/// still runs back to the same scenario.
#[test]
fn show_diff_refuses_scenarios_of_two_countries() {
    for args in [["show", "taiwan-baseline", "--diff", "baseline"], ["show", "baseline", "--diff", "taiwan-baseline"]] {
        let out = common::forcecast().args(args).assert().code(2).get_output().clone();
        assert!(out.stdout.is_empty());
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        for word in ["taiwan", "korea", "forcecast compare"] {
            assert!(err.contains(word), "{word} missing: {err}");
        }
    }
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("tw.toml");
    std::fs::write(&file, stdout(&["show", "taiwan-4-month-training", "--diff", "taiwan-baseline"])).unwrap();
    assert_eq!(
        stdout(&["show", file.to_str().unwrap()]).lines().skip(1).collect::<Vec<_>>(),
        stdout(&["show", "taiwan-4-month-training"]).lines().skip(1).collect::<Vec<_>>()
    );
}
