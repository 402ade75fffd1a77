//! Chart options (issue 13, item 4): `--years` and `--pyramid-years` (validated, before
//! anything is written), comparisons of up to 8 scenarios (distinct colours, one target
//! line per distinct target), a clear refusal beyond 8 with charts.

mod common;

use std::path::Path;

const SEVEN_SHIPPED: [&str; 7] = [
    "baseline",
    "fertility-low",
    "fertility-high",
    "service-21-months",
    "female-volunteers",
    "target-450k",
    "automation-fast",
];

/// A user scenario folder in `dir` with `my-case` (baseline with a 480,000 target).
fn user_folder(dir: &Path) -> std::path::PathBuf {
    let sc = dir.join("sc");
    std::fs::create_dir_all(&sc).unwrap();
    std::fs::write(
        sc.join("my-case.toml"),
        "description = \"custom: target 480,000\"\nextends = \"baseline\"\n[force]\ntarget_anchors = [[2025, 480000]]\n",
    )
    .unwrap();
    sc
}

#[test]
fn eight_scenarios_keep_eight_colours_and_one_line_per_target() {
    let tmp = tempfile::tempdir().unwrap();
    let sc = user_folder(tmp.path());
    let out = tmp.path().join("cmp");
    let mut args: Vec<&str> = vec!["--scenarios", sc.to_str().unwrap(), "compare"];
    args.extend(SEVEN_SHIPPED);
    args.extend(["my-case", "-q", "--out", out.to_str().unwrap()]);
    common::forcecast().current_dir(tmp.path()).args(&args).assert().success();
    let svg = std::fs::read_to_string(out.join("charts/force_vs_target.svg")).unwrap();
    // Eight scenario colours (Okabe-Ito, navy for black, dark yellow for yellow), none of
    // them the grey of the shared target.
    for colour in ["#17375E", "#D55E00", "#008C64", "#0072B2", "#CC79A7", "#E69F00", "#56B4E9", "#A08C00"] {
        assert!(svg.contains(&format!("stroke=\"{colour}\"")), "{colour} missing");
    }
    // Three targets: 500,000 shared by six scenarios (one grey line), 450,000 and 480,000.
    assert!(svg.contains("Troop target (all but target-450k, my-case)"), "shared target label");
    assert!(svg.contains("target-450k: target") && svg.contains("my-case: target"));
    assert_eq!(svg.matches("Troop target").count(), 1, "one legend entry for the shared target");
    for stem in ["population_total", "men_age_20", "force_gap", "automation"] {
        assert!(out.join(format!("charts/{stem}.png")).is_file(), "{stem}.png");
    }
}

#[test]
fn nine_scenarios_with_charts_are_refused_before_anything_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let sc = user_folder(tmp.path());
    let out = tmp.path().join("cmp9");
    let mut args: Vec<&str> = vec!["--scenarios", sc.to_str().unwrap(), "compare"];
    args.extend(SEVEN_SHIPPED);
    args.extend(["my-case", "ncos-recover", "-q", "--out", out.to_str().unwrap()]);
    let a = common::forcecast().current_dir(tmp.path()).args(&args).assert().code(2);
    let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    assert!(err.contains("9 scenarios: the comparison charts draw at most 8"), "{err}");
    assert!(err.contains("--no-charts"), "{err}");
    assert!(!out.exists());
    // The tables of all nine are written without charts.
    args.push("--no-charts");
    common::forcecast().current_dir(tmp.path()).args(&args).assert().success();
    let (header, _) = common::read_csv(&out.join("key_years.csv"));
    assert_eq!(header.len(), 3 + 9);
}

#[test]
fn years_choose_the_key_years_and_the_pyramid() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("cmp");
    common::forcecast()
        .args(["compare", "baseline", "fertility-low", "-q", "--years", "2035,2045,2100"])
        .args(["--out", out.to_str().unwrap()])
        .assert()
        .success();
    let (header, rows) = common::read_csv(&out.join("key_years.csv"));
    let years: std::collections::BTreeSet<String> = rows.iter().map(|r| r[2].clone()).collect();
    assert_eq!(header[2], "year");
    assert_eq!(years.into_iter().collect::<Vec<_>>(), ["2035", "2045", "2100"]);
    let md = std::fs::read_to_string(out.join("key_years.md")).unwrap();
    assert!(md.contains("| 2045 |") && !md.contains("| 2070 |"), "{md}");

    let run = tmp.path().join("run");
    common::forcecast()
        .args(["run", "baseline", "-q", "--pyramid-years", "2040,2060,2080,2100"])
        .args(["--out", run.to_str().unwrap()])
        .assert()
        .success();
    let svg = std::fs::read_to_string(run.join("charts/pyramid.svg")).unwrap();
    assert!(svg.contains("Population pyramid, 2025, 2040, 2060, 2080, 2100"), "title");
    assert!(svg.contains("100+: open group, all ages 100 and over"), "open group marked");
    // Four outline colours, one per projection year.
    for colour in ["#0072B2", "#D55E00", "#008C64", "#CC79A7"] {
        assert!(svg.contains(&format!("stroke=\"{colour}\"")), "{colour}");
    }
}

#[test]
fn bad_years_are_usage_errors_before_anything_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    let cases: [(&[&str], &str); 6] = [
        (
            &["run", "baseline", "--years", "2050,2040"],
            "--years 2050,2040: 2040 comes after 2050; give the years in ascending order",
        ),
        (&["run", "baseline", "--years", "2040,2040"], "2040 is given twice"),
        (&["run", "baseline", "--years", "2040,20x0"], "`20x0` is not a year"),
        (
            &["run", "baseline", "--pyramid-years", "2025"],
            "--pyramid-years: 2025 is the base year of baseline, always drawn; give years after it, from 2026 to 2100",
        ),
        (
            &["compare", "baseline", "fertility-low", "--years", "2030,2101"],
            "--years: 2101 is outside the projection of baseline (2025-2100)",
        ),
        (&["report", "baseline", "--pyramid-years", "2030,2040,2050,2060,2070"], "5 years; give at most 4"),
    ];
    for (args, want) in cases {
        let a = common::forcecast().args(args).args(["--out", out.to_str().unwrap()]).assert().code(2);
        let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
        assert!(err.contains(want), "{args:?}: {err}");
        assert!(!out.exists(), "{args:?} wrote {}", out.display());
    }
}

#[test]
fn years_choose_the_probabilities_the_fan_chart_quotes() {
    let tmp = tempfile::tempdir().unwrap();
    let quote = |extra: &[&str], name: &str| -> String {
        let out = tmp.path().join(name);
        common::forcecast()
            .args(["run", "baseline", "-q", "--trajectories", "40", "--out", out.to_str().unwrap()])
            .args(extra)
            .assert()
            .success();
        let svg = std::fs::read_to_string(out.join("charts/fan_force.svg")).unwrap();
        let at = svg.find("P(force below 400,000): ").expect("probability note");
        svg[at..].split('<').next().unwrap().to_string()
    };
    let default = quote(&[], "default");
    assert!(default.contains("2030 ") && default.contains("2035 ") && default.contains("2050 "), "{default}");
    let asked = quote(&["--years", "2030,2060"], "asked");
    assert!(asked.contains("2030 ") && asked.contains("2060 ") && !asked.contains("2035"), "{asked}");
}
