//! The charts, through the real binary: every chart is written as PNG and SVG, the
//! files are real images carrying their titles, the pyramid adapts to the projection's
//! end year, and SVG output is byte-identical across runs.

use std::path::{Path, PathBuf};

use assert_cmd::cargo::cargo_bin_cmd;

/// Chart file stems and their titles (the pyramid's title names its years).
const CHARTS: [(&str, &str); 5] = [
    ("pyramid", "Population pyramid, 2025, 2050, 2070"),
    ("population", "Total and working-age population"),
    ("enlistment_age_men", "Men at enlistment age"),
    ("force", "Force available against the troop target"),
    ("gap_automation", "Force gap and automation substitution"),
];

fn scenarios() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

/// Runs `forcecast run <scenario> --out <out>` and returns the charts folder.
fn run(scenario: &str, out: &Path) -> PathBuf {
    cargo_bin_cmd!("forcecast")
        .arg("--scenarios")
        .arg(scenarios())
        .args(["run", scenario, "--quiet", "--out"])
        .arg(out)
        .assert()
        .success();
    out.join("charts")
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn baseline_writes_every_chart_as_png_and_svg() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("baseline");
    let charts = run("baseline", &out);
    let manifest = String::from_utf8(read(&out.join("manifest.json"))).unwrap();
    for (stem, title) in CHARTS {
        let png = read(&charts.join(format!("{stem}.png")));
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "{stem}.png is not a PNG");
        assert!(png.len() > 20_000, "{stem}.png is only {} bytes", png.len());
        let svg = String::from_utf8(read(&charts.join(format!("{stem}.svg")))).unwrap();
        assert!(svg.starts_with("<svg"), "{stem}.svg is not an SVG");
        assert!(svg.contains(title), "{stem}.svg lacks its title `{title}`");
        assert!(svg.contains("Source: forcecast"), "{stem}.svg lacks its source line");
        for ext in ["png", "svg"] {
            assert!(manifest.contains(&format!("charts/{stem}.{ext}")), "manifest lacks charts/{stem}.{ext}");
        }
    }
}

#[test]
fn pyramid_shows_only_years_inside_the_projection() {
    let tmp = tempfile::tempdir().unwrap();
    let text = String::from_utf8(read(&scenarios().join("baseline.toml"))).unwrap();
    let short: String = text
        .lines()
        .map(|l| if l.starts_with("end_year") { "end_year = 2060" } else { l })
        .collect::<Vec<_>>()
        .join("\n");
    assert!(short.contains("end_year = 2060"), "baseline.toml has no end_year line to override");
    let file = tmp.path().join("to-2060.toml");
    std::fs::write(&file, short).unwrap();
    let charts = run(file.to_str().unwrap(), &tmp.path().join("out"));
    let svg = String::from_utf8(read(&charts.join("pyramid.svg"))).unwrap();
    assert!(
        svg.lines().any(|l| l.trim() == "Population pyramid, 2025, 2050"),
        "pyramid title should name 2025 and 2050 only"
    );
    assert!(!svg.contains("2070 (projection)"), "a projection ending in 2060 cannot show 2070");
}

#[test]
fn svg_charts_are_byte_identical_across_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let a = run("baseline", &tmp.path().join("a"));
    let b = run("baseline", &tmp.path().join("b"));
    for (stem, _) in CHARTS {
        let name = format!("{stem}.svg");
        assert!(read(&a.join(&name)) == read(&b.join(&name)), "{name} differs between two runs");
    }
}

/// The values of an SVG chart's numeric labels other than years (the value-axis ticks).
fn tick_values(svg: &Path) -> Vec<f64> {
    let text = String::from_utf8(read(svg)).unwrap();
    let mut v: Vec<f64> = text
        .split("<text")
        .skip(1)
        .filter_map(|t| t.split_once('>').and_then(|(_, rest)| rest.split_once("</text>")).map(|(s, _)| s.trim()))
        .filter_map(|s| s.replace(',', "").parse::<f64>().ok())
        .filter(|x| !(1900.0..=2200.0).contains(x) || x.fract() != 0.0)
        .collect();
    v.sort_by(f64::total_cmp);
    v.dedup();
    v
}

/// Outputs that are zero throughout (a target of 1 troop: no gap, no automation; a
/// sensitivity in the base year, when no setting moves the cost) still get a value axis
/// whose ticks differ: before, the range was 1 troop or 1 won on an axis in thousands or
/// trillions, and every tick read `0` (`0, 0.00, 0.00, …`).
#[test]
fn all_zero_outputs_get_distinct_axis_ticks() {
    let tmp = tempfile::tempdir().unwrap();
    let one = "extends = \"baseline\"\n[force]\ntarget_anchors = [[2025, 1]]\n";
    let (a, b) = (tmp.path().join("one-a.toml"), tmp.path().join("one-b.toml"));
    std::fs::write(&a, format!("description = \"a\"\n{one}")).unwrap();
    std::fs::write(&b, format!("description = \"b\"\n{one}")).unwrap();
    let cmp = tmp.path().join("cmp");
    cargo_bin_cmd!("forcecast")
        .arg("--scenarios")
        .arg(scenarios())
        .args(["compare", a.to_str().unwrap(), b.to_str().unwrap(), "--quiet", "--out"])
        .arg(&cmp)
        .assert()
        .success();
    let sens = tmp.path().join("sens");
    cargo_bin_cmd!("forcecast")
        .arg("--scenarios")
        .arg(scenarios())
        .args(["sensitivity", "baseline", "--year", "2025", "--quiet", "--out"])
        .arg(&sens)
        .assert()
        .success();
    for svg in [
        cmp.join("charts/force_gap.svg"),
        cmp.join("charts/automation.svg"),
        sens.join("charts/tornado_automation_cost.svg"),
    ] {
        let ticks = tick_values(&svg);
        assert!(ticks.len() >= 3, "{}: tick values {ticks:?}", svg.display());
    }
}
