//! Issue 15 (demographic half): Taiwan's data as a second country, a base dated any day
//! carried to the next 1 July, and Korea's outputs unchanged by that step.

mod common;

use sha2::{Digest, Sha256};

/// Every shipped Korean scenario writes the same summary.csv as the binary built from
/// main before the base-date step (tests/golden/korea_summary_sha256.txt).
#[test]
fn korean_summaries_are_byte_identical_to_main() {
    let golden = std::fs::read_to_string(common::root().join("tests/golden/korea_summary_sha256.txt")).unwrap();
    let expected: Vec<(&str, &str)> = golden
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split_once(' ').expect("name and checksum"))
        .collect();
    assert_eq!(expected.len(), 12, "one checksum per shipped Korean scenario");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let mut cmd = common::forcecast();
    cmd.args(["run", "--no-charts", "-q", "--out"]).arg(&out);
    for (name, _) in &expected {
        cmd.arg(name);
    }
    cmd.assert().success();
    for (name, sum) in expected {
        let bytes = std::fs::read(out.join(name).join("summary.csv")).unwrap();
        let got: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(got, sum, "{name}: summary.csv differs from main's");
    }
}

fn taiwan_scenario(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("taiwan-demography.toml");
    std::fs::write(
        &path,
        "description = \"test: Taiwan, WPP medium, from the registration of 31 Dec 2024\"\ncountry = \"taiwan\"\n\
         base_year = 2025\nend_year = 2030\n[migration]\nseries = \"wpp-medium\"\n",
    )
    .unwrap();
    path
}

/// The registration of 31 December 2024 is carried 181 days (1 January - 30 June 2025)
/// to 1 July 2025: the accounting identity holds over the window, half a year of births
/// is about half of WPP's 2025 figure, and men aged 20 are the registration's ages 19
/// and 20 mixed by the share whose birthday falls in the window.
#[test]
fn the_year_end_base_is_carried_to_1_july_with_the_identity() {
    let tmp = tempfile::tempdir().unwrap();
    let path = taiwan_scenario(tmp.path());
    let scenario = forcecast::scenario::resolve::load(&path, &common::scenarios()).unwrap();
    let inputs = forcecast::run::load_inputs(&scenario, &common::scenarios()).unwrap();
    let base = &inputs.data.base;
    assert_eq!((base.date.as_str(), base.year), ("2024-12-31", 2025));
    let f = base.carry_years;
    assert_eq!(f, 181.0 / 365.25);
    let registered = forcecast::demography::Population { male: base.male, female: base.female };
    assert_eq!(registered.total(), 23_400_220.0, "MOI's published end-2024 total");
    let (pop, flows) = forcecast::run::carried_base(&scenario, &inputs, &registered, f).unwrap();
    let lhs = pop.total();
    let rhs = registered.total() + flows.births() - flows.deaths() + flows.net_migration();
    assert!((lhs - rhs).abs() < 1e-6, "identity: {lhs} vs {rhs}");
    // Half a year of WPP-medium fertility: WPP 2024's medium path gives about 128,000
    // births for 2025 from this base (PROVENANCE.md), so 181 days hold 55,000-70,000.
    assert!((55_000.0..70_000.0).contains(&flows.births()), "births {}", flows.births());
    // Deaths: Taiwan registered about 200,000 deaths a year in 2022-2024; half a year
    // within 80,000-120,000.
    assert!((80_000.0..120_000.0).contains(&flows.deaths()), "deaths {}", flows.deaths());
    // The first interval (1 July 2025 - 1 July 2026) takes WPP's end-of-interval
    // migrants ½(M2025 + M2026) = ½(-20,947 - 15,041); the window carries f of them (by
    // age, cut where an age runs out, which it does not here).
    let expected = f * 0.5 * (-20_947.0 - 15_041.0);
    assert!((flows.net_migration() - expected).abs() < 50.0, "net migration {} vs {expected}", flows.net_migration());
    // Men aged 20 on 1 July 2025: (1-f) of the registration's 20-year-olds (114,113) and
    // f of its 19-year-olds (108,184) = 111,175 before half a year of deaths (about 20
    // at these ages) and f of WPP's end-of-interval migrants aged 20, ½(2,291 + 2,345)
    // men (WPP counts all residents: these are mostly foreign students and workers).
    let mixed = (1.0 - f) * 114_113.0 + f * 108_184.0;
    assert!((mixed - 111_175.0).abs() < 1.0, "{mixed}");
    let migrants = f * 0.5 * (2_291.0 + 2_345.0);
    let men20 = pop.male[20];
    assert!(
        (men20 - (mixed + migrants)).abs() < 60.0,
        "men aged 20 on 1 July 2025: {men20} vs {mixed} + {migrants} migrants"
    );
    eprintln!(
        "men aged 20 on 1 July 2025: {men20:.0} (registration mixed: {mixed:.0}, migrants {migrants:.0}); window: births \
         {:.0}, deaths {:.0}, net migration {:.0}",
        flows.births(),
        flows.deaths(),
        flows.net_migration()
    );
    // The projection starts from the carried base.
    let start = forcecast::run::base_population(&scenario, &inputs).unwrap();
    assert_eq!(start.male, pop.male);
}

/// A country folder with no force structure nor tables (Taiwan's demography alone, as
/// before its force data) loads, and a scenario on it stops at `check` with a clear
/// message and exit 2, not with another country's numbers.
#[test]
fn a_country_without_force_data_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/data/taiwan");
    let dst = tmp.path().join("scenarios/data/taiwan");
    std::fs::create_dir_all(&dst).unwrap();
    for e in std::fs::read_dir(&src).unwrap() {
        let name = e.unwrap().file_name().into_string().unwrap();
        if ["force_inputs.csv", "service_length_schedule.csv", "defaults.toml"].contains(&name.as_str()) {
            continue;
        }
        let text = std::fs::read(src.join(&name)).unwrap();
        let text = if name == "country.toml" {
            // Everything before the [force] table.
            let t = String::from_utf8(text).unwrap();
            t.as_bytes()[..t.find("\n[force]").expect("a [force] table")].to_vec()
        } else {
            text
        };
        std::fs::write(dst.join(&name), text).unwrap();
    }
    let path = taiwan_scenario(tmp.path());
    common::forcecast()
        .arg("check")
        .arg(&path)
        .arg("--scenarios")
        .arg(tmp.path().join("scenarios"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no force model for this country yet"));
}

/// `forcecast backtest --country taiwan`, 2000 -> 2020 on Taiwan's WPP estimates: the
/// 2020 total within 1% of WPP's (measured -0.03%), births each year 2001-2020 within
/// 5% (measured largest +0.51%, 2006); the turning point printed comes from Taiwan's
/// facts file, and nothing names Korea's source article.
#[test]
fn taiwan_backtest_meets_the_bounds() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("bt");
    let assert = common::forcecast()
        .args(["backtest", "--country", "taiwan", "--no-charts", "--out"])
        .arg(&out)
        .assert()
        .success();
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    let (header, rows) = common::read_csv(&out.join("backtest.csv"));
    assert_eq!(header, ["year", "metric", "model", "observed", "error_pct"]);
    let err = |y: i32, m: &str| -> f64 {
        let r = rows.iter().find(|r| r[0] == y.to_string() && r[1] == m).unwrap_or_else(|| panic!("{y} {m}"));
        r[4].parse().unwrap()
    };
    let total = err(2020, "population_total");
    assert!(total.abs() < 1.0, "2020 total {total}%");
    assert!(total.abs() < 0.1, "2020 total drifted from the measured -0.03%: {total}%");
    let worst = (2001..=2020).map(|y| err(y, "births").abs()).fold(0.0, f64::max);
    assert!(worst < 5.0, "births {worst}%");
    assert!(worst < 1.0, "births drifted from the measured largest 0.51%: {worst}%");
    assert!(stdout.contains("peak of the total population: 2019"), "{stdout}");
    assert!(stdout.contains("Total population peak (MOI household registration): 2019 (Taipei Times"), "{stdout}");
    assert!(!stdout.contains("source article") && !stdout.contains("KOSTAT"), "{stdout}");
}

/// The population chart's turning points are the country's data (`country.toml`), not
/// Korea's constants: Korea keeps the source article's 2017 and 2020, Taiwan has its
/// registration's 2020, each with its own source; a folder naming none has none.
#[test]
fn turning_points_come_from_each_country_folder() {
    let dir = common::scenarios().join("data");
    let korea = forcecast::data::CountryData::load(&dir.join("korea")).unwrap();
    let taiwan = forcecast::data::CountryData::load(&dir.join("taiwan")).unwrap();
    let years = |d: &forcecast::data::CountryData| d.turning_points.iter().map(|t| t.0).collect::<Vec<_>>();
    assert_eq!(years(&korea), [2017, 2020]);
    assert_eq!(korea.turning_points_source.as_deref(), Some("source article (2022)"));
    assert_eq!(years(&taiwan), [2020]);
    let source = taiwan.turning_points_source.clone().unwrap();
    assert!(source.contains("Ministry of the Interior") && !source.contains("source article"), "{source}");
    // Turning points without a source are refused, naming the file and key.
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("taiwan");
    std::fs::create_dir(&copy).unwrap();
    for e in std::fs::read_dir(dir.join("taiwan")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), copy.join(e.file_name())).unwrap();
    }
    let text = std::fs::read_to_string(copy.join("country.toml")).unwrap();
    let cut: String =
        text.lines().filter(|l| !l.starts_with("turning_points_source")).map(|l| format!("{l}\n")).collect();
    std::fs::write(copy.join("country.toml"), cut).unwrap();
    let err = forcecast::data::CountryData::load(&copy).unwrap_err().to_string();
    assert!(err.contains("country.toml") && err.contains("turning_points_source"), "{err}");
}

/// `forcecast backtest --force --country taiwan` calibrates Taiwan's own baseline
/// (`taiwan-baseline`, named by its country.toml) against the LY Budget Center's
/// volunteer series and the one-year intakes: RMS error of the volunteers 2019-2024
/// (year-end and end-June figures) and of the total active strength each at most 3%
/// (measured 2.22% and 2.35%), intakes 2024-2025 at most 5% (2.00%); the parameters
/// printed carry Taiwan's corps name, never Korea's.
#[test]
fn taiwan_force_calibration_meets_the_bound() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("bt");
    let assert = common::forcecast()
        .args(["backtest", "--force", "--country", "taiwan", "--no-charts", "--out"])
        .arg(&out)
        .assert()
        .success();
    let text = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    let rms = |series: &str| -> f64 {
        let line = text
            .lines()
            .find(|l| l.trim_start().starts_with(series) && l.contains("% ("))
            .unwrap_or_else(|| panic!("no RMS line for {series}:\n{text}"));
        line.split_whitespace().nth(1).unwrap().trim_end_matches('%').parse().unwrap()
    };
    assert!(rms("volunteers") <= 3.0, "{text}");
    assert!(rms("total") <= 3.0, "{text}");
    assert!(rms("enlistments") <= 5.0, "{text}");
    assert!(text.contains("volunteers.decision_continuation"), "{text}");
    for korean in ["officers' decision", "NCO capacity", "(MND", "Defense Reform"] {
        assert!(!text.contains(korean), "`{korean}` in Taiwan's calibration:\n{text}");
    }
}

/// A plan for Taiwan costs in TWD: its unit costs come from Taiwan's defaults.toml (the
/// conscript pay from the facts row, the rest Korea's at 46 KRW per TWD), never the
/// built-in won; a scenario counting in another currency without its own costs is refused.
#[test]
fn plans_cost_in_the_scenarios_currency() {
    let dir = common::root().join("scenarios");
    let tw = forcecast::scenario::load(&dir.join("taiwan-baseline.toml"), &dir).unwrap();
    assert_eq!(tw.automation.currency, "TWD");
    assert_eq!(tw.plan.conscript_pay, 26_307.0 * 12.0, "facts 'One-year conscript monthly pay' x 12");
    assert_eq!(tw.plan.civilian_cost, 9.8e5);
    assert!(tw.plan.built_in_costs().is_empty());
    // The civilians lever: Korea's 150,000 posts scaled to Taiwan's target, by 10,000.
    assert_eq!(tw.plan.max_civilians, 65_000.0);
    let levels = tw.plan.civilian_levels();
    assert_eq!(levels.len(), 8, "{levels:?}");
    assert_eq!((levels[6], levels[7]), (60_000.0, 65_000.0));
    tw.plan.check_currency("TWD").unwrap();
    let kr = forcecast::scenario::load(&dir.join("baseline.toml"), &dir).unwrap();
    assert_eq!(kr.plan.civilian_cost, 45.0e6);
    let levels = kr.plan.civilian_levels();
    assert_eq!((levels.len(), levels[15]), (16, 150_000.0), "{levels:?}");
    kr.plan.check_currency("KRW").unwrap();

    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("usd.toml");
    std::fs::write(&file, "extends = \"baseline\"\n[automation]\ncurrency = \"USD\"\nunit_cost = 7.0e5\n").unwrap();
    let out = common::forcecast()
        .args(["plan", "--scenarios"])
        .arg(&dir)
        .arg(&file)
        .arg("--out")
        .arg(tmp.path().join("out"))
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    for word in ["conscript_pay", "civilian_cost", "KRW", "USD"] {
        assert!(err.contains(word), "{word} missing from: {err}");
    }
    assert!(!tmp.path().join("out").exists(), "nothing written");

    // The frontier brackets Taiwan's own 215,000 (60% to 100% by 4%), not Korea's levels,
    // and its costs are in TWD.
    let plan_out = tmp.path().join("plan");
    common::forcecast().args(["plan", "taiwan-baseline", "-q", "--out"]).arg(&plan_out).assert().success();
    let (h, rows) = common::read_csv(&plan_out.join("frontier.csv"));
    let levels = common::column(&h, &rows, "requirement");
    assert_eq!(levels.len(), 11);
    assert_eq!((levels[0], levels[1], levels[10]), (129_000.0, 137_600.0, 215_000.0));
    let toml = std::fs::read_to_string(plan_out.join("plan.toml")).unwrap();
    assert!(toml.lines().nth(1).is_some_and(|l| l.contains(" TWD over")), "{toml}");
    // Taiwan's volunteers are calibrated at the ceiling of careerists' continuation
    // (0.995): the retention lever has no room, so it never appears, and no continuation
    // of 1.0 (no careerist ever leaving) is written.
    assert!(!toml.contains("careerist_continuation"), "{toml}");
    let text = std::fs::read_to_string(plan_out.join("plan.csv")).unwrap();
    assert!(text.lines().filter(|l| l.starts_with("cadre,")).all(|l| l.split(',').nth(2) == Some("0")), "{text}");
    // A report on a Korean scenario refuses Taiwan's plan (costs in another currency).
    let out = common::forcecast()
        .args(["report", "baseline", "-q", "--no-sensitivity", "--plan"])
        .arg(&plan_out)
        .arg("--out")
        .arg(tmp.path().join("report"))
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("TWD") && err.contains("KRW") && err.contains("baseline"), "{err}");
    assert!(!tmp.path().join("report").exists(), "nothing written");
}

/// The report's limits are each country's own (`[force.report] method_limits`): Taiwan's
/// name its one-year migration residual and MND's published retention rate, never Korea's
/// "no citizen migration series"; a report of both countries says each, by name.
#[test]
fn report_limits_are_the_countrys_own() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("r");
    common::forcecast()
        .args(["report", "taiwan-baseline", "baseline", "-q", "--no-sensitivity", "--out"])
        .arg(&out)
        .assert()
        .success();
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    let limits: Vec<&str> = md.lines().filter(|l| l.contains("Limits:")).collect();
    assert_eq!(limits.len(), 2, "{limits:?}");
    let taiwan = limits.iter().find(|l| l.contains("Taiwan.")).expect("Taiwan's limits");
    assert!(taiwan.contains("household registration") && taiwan.contains("78% in 2023"), "{taiwan}");
    assert!(!taiwan.contains("no citizen migration series"), "{taiwan}");
    let korea = limits.iter().find(|l| l.contains("Republic of Korea.")).expect("Korea's limits");
    assert!(korea.contains("no citizen migration series"), "{korea}");
    // The sources name each country with its registration date and its provenance (the
    // first alone, as "the Taiwan", before), and say whose figures the table lists.
    assert!(
        md.contains(
            "Countries: Taiwan (registration table dated 2024-12-31), Republic of Korea (registration table dated \
             2025-06-30). "
        ),
        "{md}"
    );
    // Each country's provenance notes and published figures, under its name (the first
    // country's alone were listed, before).
    for name in ["Taiwan", "Republic of Korea"] {
        for h in ["Provenance of the data", "Published figures used as defaults and calibration anchors"] {
            let heading = format!("{h}: {name}\n");
            assert_eq!(md.matches(&heading).count(), 1, "{heading} in {md}");
        }
    }
    let korea_figures = md.find("calibration anchors: Republic of Korea").unwrap();
    let taiwan_figures = md.find("calibration anchors: Taiwan").unwrap();
    assert!(taiwan_figures < korea_figures, "in the scenarios' order");
    // Each table holds its own country's figures: Korea's observed TFR of 2023 (0.72) in
    // Korea's, Taiwan's of 2010 (0.895) in Taiwan's.
    assert!(md[korea_figures..].contains("| Observed TFR | 0.72 | children per woman | 2023 |"), "{md}");
    assert!(md[taiwan_figures..korea_figures].contains("| Observed TFR | 0.895 | children per woman | 2010 |"), "{md}");
    assert!(!md[taiwan_figures..korea_figures].contains("| 0.72 |"), "{md}");
    // The input tables counted are both countries' (16 Korean, 14 Taiwanese).
    assert!(md.contains("The 30 input tables read"), "{md}");
    assert!(md.contains("`scenarios/data/taiwan/PROVENANCE.md` and `scenarios/data/korea/PROVENANCE.md`"), "{md}");
    assert!(!md.contains("the Taiwan"), "{md}");
}
