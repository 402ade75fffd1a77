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

/// A key left to the country's data is described in that country's words: Taiwan's
/// active-duty rate is its one cohort's 0.692 and its cadre share its budget posts, not
/// Korea's Military Manpower Administration series and 40.5% plan; Korea's text stays.
#[test]
fn show_describes_unset_keys_in_the_countrys_words() {
    let tw = stdout(&["show", "taiwan-baseline"]);
    for line in [
        "# active_duty_rate not set: the Ministry of the Interior's regular-service fit rate of the cohort born 2006, \
         0.692 (examined 2025), held: no other cohort's was found\n",
        "# target_share not set: volunteer budget posts over the authorised 215,000: 74.8% (2018), 74.0% (2019), \
         79.7% (2023), 77.3% (2024), 74.8% (2025), 71.6% in 2026, held after\n",
        "# intake_share not set: the whole intake (the country's only branch)\n",
        "# careerist_continuation not set: calibrated by `backtest --force --country taiwan`\n",
    ] {
        assert!(tw.contains(line), "{line} missing:\n{tw}");
    }
    for korean in ["Military Manpower", "31.6%", "Defense Reform", "by service", "`backtest --force`"] {
        assert!(!tw.contains(korean), "{korean}:\n{tw}");
    }
    let kr = stdout(&["show", "baseline"]);
    for line in [
        "# active_duty_rate not set: the Military Manpower Administration's examination series, then its 2023-2025 mean\n",
        "# target_share not set: the sourced plan: 31.6% (2017), 35.9% (2020), 40.5% by 2026\n",
        "# intake_share not set: derived from the enlisted stocks by service\n",
        "# careerist_continuation not set: calibrated by `backtest --force`\n",
    ] {
        assert!(kr.contains(line), "{line} missing:\n{kr}");
    }
    // Korea's default target, as a scenario leaving it unset shows it.
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("t.toml");
    std::fs::write(&file, "description = \"no target\"\n").unwrap();
    let text = stdout(&["show", file.to_str().unwrap()]);
    assert!(
        text.contains("# target_anchors not set: Defense Reform 2.0: 620,000 (2018) to 500,000 (2022), held after\n"),
        "{text}"
    );
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

/// `--diff` promises the same scenario only when it can keep the promise: a key the other
/// scenario sets and this one leaves unset cannot be unset by a file that extends it, and
/// the header then says the file is not the same scenario, naming the key.
#[test]
fn show_diff_says_when_a_key_cannot_be_unset() {
    let text = stdout(&["show", "baseline", "--diff", "female-volunteers"]);
    let first = text.lines().next().unwrap();
    assert!(
        first.contains(
            "this file is NOT the same scenario: `female-volunteers` sets `force.female_volunteer_age_shares`"
        ),
        "{first}"
    );
    let text = stdout(&["show", "female-volunteers", "--diff", "baseline"]);
    let first = text.lines().next().unwrap();
    assert!(first.ends_with("extending `baseline`, this file is the same scenario."), "{first}");
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

/// `# default` marks what the scenario leaves to its country: Taiwan's keys from its
/// defaults.toml (take-up 1, the one-year conscripts' enlistment ages, the plan's costs in
/// TWD) are marked, as Korea's built-in ones are; a key the scenario sets to another
/// value, and the country itself when it is not the default country, are not.
#[test]
fn show_marks_the_countrys_own_defaults() {
    let tw = stdout(&["show", "taiwan-baseline"]);
    for line in
        ["\ntake_up = 1  # default\n", "\ncurrency = \"TWD\"  # default\n", "\nconscript_pay = 315684  # default\n"]
    {
        assert!(tw.contains(line), "{line:?} missing:\n{tw}");
    }
    assert!(tw.contains("\ncountry = \"taiwan\"\n"), "{tw}");
    let kr = stdout(&["show", "baseline"]);
    assert!(kr.contains("\ncountry = \"korea\"  # default\n"), "{kr}");
    // A Taiwan scenario changing take-up: that key is no longer marked.
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("tu.toml");
    std::fs::write(&file, "description = \"take-up\"\nextends = \"taiwan-baseline\"\n[force]\ntake_up = 0.9\n")
        .unwrap();
    let text = stdout(&["--scenarios", common::scenarios().to_str().unwrap(), "show", file.to_str().unwrap()]);
    assert!(text.contains("\ntake_up = 0.9\n"), "{text}");
}

/// `--diff OTHER` writes `extends = "<OTHER's file name>"`: a file name that is not a
/// scenario name (`t.1.toml`, `my file.toml`) could never be read back by `extends`, so
/// it is refused (exit 2, nothing printed) with a name that would do; a file of a valid
/// name given by path runs back beside it.
#[test]
fn show_diff_refuses_another_file_whose_name_extends_cannot_read() {
    let tmp = tempfile::tempdir().unwrap();
    let body = "description = \"d\"\nextends = \"baseline\"\n[force]\ntarget_anchors = [[2025, 450000]]\n";
    for (stem, hint) in [("t.1", "t-1.toml"), ("my file", "my-file.toml"), ("étude", "tude.toml")] {
        let other = tmp.path().join(format!("{stem}.toml"));
        std::fs::write(&other, body).unwrap();
        let out = common::forcecast()
            .args(["show", "baseline", "--diff", other.to_str().unwrap()])
            .assert()
            .code(2)
            .get_output()
            .clone();
        assert!(out.stdout.is_empty(), "{}", String::from_utf8_lossy(&out.stdout));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("is not a scenario name") && err.contains(hint), "{err}");
    }
    let other = tmp.path().join("t-1.toml");
    std::fs::write(&other, body).unwrap();
    let file = tmp.path().join("back.toml");
    std::fs::write(&file, stdout(&["show", "baseline", "--diff", other.to_str().unwrap()])).unwrap();
    common::forcecast().args(["check", file.to_str().unwrap()]).assert().success();
}
