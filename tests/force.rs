//! The force model through the binary: the stock identities of `summary.csv`, policy
//! changes that act on those who enlist from their date and never before, and the men
//! turning 20 read from `population.csv`.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

/// `summary.csv` of one run, as columns by name.
struct Summary {
    columns: BTreeMap<String, Vec<f64>>,
}

impl Summary {
    fn col(&self, name: &str) -> &[f64] {
        self.columns.get(name).unwrap_or_else(|| panic!("no column {name}"))
    }
    /// The row index of `year`.
    fn at(&self, year: i32) -> usize {
        self.col("year").iter().position(|y| *y == f64::from(year)).unwrap_or_else(|| panic!("no year {year}"))
    }
    fn value(&self, name: &str, year: i32) -> f64 {
        self.col(name)[self.at(year)]
    }
}

/// Runs a scenario (a shipped name or a file) and reads its summary.csv.
fn run(scenario: &str, out: &Path) -> Summary {
    common::forcecast()
        .args(["run", scenario, "--out", out.to_str().unwrap(), "--no-charts", "--quiet"])
        .assert()
        .success();
    let (h, rows) = common::read_csv(&out.join("summary.csv"));
    Summary { columns: h.iter().map(|c| (c.clone(), common::column(&h, &rows, c))).collect() }
}

/// Runs the baseline extended by `body` (written to a file in `dir`).
fn run_extending_baseline(dir: &Path, name: &str, body: &str) -> Summary {
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(&path, format!("extends = \"baseline\"\ndescription = \"test: {name}\"\n{body}")).unwrap();
    run(path.to_str().unwrap(), &dir.join(name))
}

const BRANCH_COLUMNS: [&str; 4] = ["conscripts_army", "conscripts_navy", "conscripts_air_force", "conscripts_marines"];

/// Every year of two scenarios: available = Σ branches' conscripts + officers + NCOs,
/// conscripts = Σ branches and cadre = officers + NCOs, within 1e-6 relative (the CSV
/// holds three decimals).
#[test]
fn available_is_the_sum_of_branches_officers_and_ncos_every_year() {
    let tmp = tempfile::tempdir().unwrap();
    for name in ["baseline", "service-21-months"] {
        let s = run(name, &tmp.path().join(name));
        assert_eq!(s.col("year").len(), 76, "{name}: 2025-2100");
        for t in 0..s.col("year").len() {
            let year = s.col("year")[t];
            let branches: f64 = BRANCH_COLUMNS.iter().map(|c| s.col(c)[t]).sum();
            let (officers, ncos) = (s.col("officers")[t], s.col("ncos")[t]);
            let close = |a: f64, b: f64| (a - b).abs() <= 1e-6 * b.abs().max(1.0);
            assert!(branches > 0.0 && officers > 0.0 && ncos > 0.0, "{name} {year}");
            assert!(close(s.col("conscripts")[t], branches), "{name} {year}: conscripts {}", s.col("conscripts")[t]);
            assert!(close(s.col("cadre")[t], officers + ncos), "{name} {year}: cadre");
            let available = s.col("force_available")[t];
            assert!(close(available, branches + officers + ncos), "{name} {year}: available {available}");
        }
    }
}

/// A term lengthened from 2028 (every branch +3 months: Army and Marines 21, Navy 23,
/// Air Force 24) acts on those enlisting from 1 January 2028 only. The 2025-2027 force is
/// the baseline's (0.1%, the acceptance bound). At 1 July 2028 and 2029 nobody enlisted
/// under the new term has served more than 18 months, so the force is still the baseline's;
/// from 2030 each intake serves a quarter-year more: the difference is ¼ × the intake
/// two years before (relative 1e-6 of the force). The cadre is untouched every year.
#[test]
fn a_longer_term_from_2028_acts_on_those_enlisting_from_2028() {
    let tmp = tempfile::tempdir().unwrap();
    let base = run("baseline", &tmp.path().join("baseline"));
    let long = run_extending_baseline(
        tmp.path(),
        "longer-from-2028",
        "[force.army]\nservice_months = [[2028, 21]]\n[force.marines]\nservice_months = [[2028, 21]]\n\
         [force.navy]\nservice_months = [[2028, 23]]\n[force.air_force]\nservice_months = [[2028, 24]]\n",
    );
    let diff = |y: i32| long.value("force_available", y) - base.value("force_available", y);
    for y in 2025..=2027 {
        let rel = diff(y).abs() / base.value("force_available", y);
        assert!(rel <= 0.001, "{y}: {rel}");
    }
    for y in 2025..=2100 {
        let want = if y < 2030 { 0.0 } else { 0.25 * base.value("conscript_intake", y - 2) };
        let tol = 1e-6 * base.value("force_available", y);
        assert!((diff(y) - want).abs() <= tol, "{y}: {} more troops, expected {want}", diff(y));
        for c in ["officers", "ncos", "conscript_intake"] {
            assert!((long.value(c, y) - base.value(c, y)).abs() <= 1e-6 * base.value(c, y), "{c} {y}");
        }
    }
    // It grows in: nothing, then the first intake's extra quarter-year (tens of thousands).
    assert!(diff(2028) <= diff(2029) && diff(2029) < diff(2030));
    assert!(diff(2030) > 20_000.0, "{}", diff(2030));
}

/// Army and Marines cut to 15 months from 2028: the 1 July 2028 stock still holds half
/// of the 2028 intake (they have served under 6 months); from 2029 the year-old intake
/// serves only a quarter of the year past 1 July, not all of it: the force is lower by
/// ¼ × the Army's and Marines' intake of the year before (relative 1e-6). Their share of
/// the intake is read from the baseline, whose 18-month stocks are ½ I(t) + I(t − 1).
#[test]
fn a_shorter_term_from_2028_acts_on_those_enlisting_from_2028() {
    let tmp = tempfile::tempdir().unwrap();
    let base = run("baseline", &tmp.path().join("baseline"));
    let short = run_extending_baseline(
        tmp.path(),
        "shorter-from-2028",
        "[force.army]\nservice_months = [[2028, 15]]\n[force.marines]\nservice_months = [[2028, 15]]\n",
    );
    let intake = |y: i32| base.value("conscript_intake", y);
    let eighteen = |s: &Summary, y: i32| s.value("conscripts_army", y) + s.value("conscripts_marines", y);
    // Every intake from 2021 served 18 months in both branches.
    let share = eighteen(&base, 2027) / (0.5 * intake(2027) + intake(2026));
    let share_later = eighteen(&base, 2040) / (0.5 * intake(2040) + intake(2039));
    assert!((share - share_later).abs() < 1e-6 && share > 0.5 && share < 1.0, "{share} {share_later}");
    for y in 2025..=2100 {
        let diff = short.value("force_available", y) - base.value("force_available", y);
        let want = if y < 2029 { 0.0 } else { -0.25 * share * intake(y - 1) };
        let tol = 1e-6 * base.value("force_available", y);
        assert!((diff - want).abs() <= tol, "{y}: {diff} troops, expected {want}");
        let other = |s: &Summary| s.value("conscripts_navy", y) + s.value("conscripts_air_force", y);
        assert!((other(&short) - other(&base)).abs() <= tol, "{y}: Navy and Air Force untouched");
    }
}

/// `men_turning_20` is the birth cohort t − 20 at 1 July, ½ (M19 + M20) of the population
/// written in population.csv, every year (relative 1e-6), beside `men_age_20` = M20.
#[test]
fn men_turning_20_is_half_the_men_aged_19_and_20() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("baseline");
    let s = run("baseline", &out);
    let (h, rows) = common::read_csv(&out.join("population.csv"));
    assert_eq!(h, ["year", "sex", "age", "population"]);
    let mut men: BTreeMap<(i32, u32), f64> = BTreeMap::new();
    for r in rows.iter().filter(|r| r[1] == "male") {
        men.insert((r[0].parse().unwrap(), r[2].parse().unwrap()), r[3].parse().unwrap());
    }
    for (t, year) in s.col("year").iter().enumerate() {
        let y = *year as i32;
        let (m19, m20) = (men[&(y, 19)], men[&(y, 20)]);
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-6 * b;
        assert!(close(s.col("men_turning_20")[t], 0.5 * (m19 + m20)), "{y}: {}", s.col("men_turning_20")[t]);
        assert!(close(s.col("men_age_20")[t], m20), "{y}");
    }
    // The registration's men aged 19 and 20 at 30 June 2025 (227,372 and 231,614).
    assert!((s.value("men_turning_20", 2025) - 229_493.0).abs() < 1.0);
}

/// No policy acts before its date or before the base year. A troop target written from
/// 2018 (Defense Reform 2.0's years) and an active-duty rate from the base year both act
/// on the flows from 1 July 2025: the 1 July 2025 cadre, built from the 2019 stocks with
/// the history's policies, is the baseline's, and so are the conscripts serving then (all
/// enlisted before the base date, the first half of the 2025 intake included), relative
/// 1e-6. A change from 2030 leaves every force figure of 2025-2028 as it was.
#[test]
fn no_policy_acts_before_its_date_or_the_base_year() {
    let tmp = tempfile::tempdir().unwrap();
    let base = run("baseline", &tmp.path().join("baseline"));
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-6 * b.abs().max(1.0);
    let cases = [
        ("target-from-2018", "[force]\ntarget_anchors = [[2018, 620000], [2022, 350000]]\n"),
        ("active-rate-from-base", "[force]\nactive_duty_rate = 0.5\n"),
    ];
    for (name, body) in cases {
        let s = run_extending_baseline(tmp.path(), name, body);
        if name == "target-from-2018" {
            // The path's value at the base year acts from it.
            assert!(close(s.value("force_target", 2025), 350_000.0));
        }
        for c in ["officers", "ncos", "cadre", "men_turning_20", "eligible_men"] {
            assert!(close(s.value(c, 2025), base.value(c, 2025)), "{name}: {c} 2025");
        }
        // The conscripts serving on 1 July 2025 enlisted before it, under the history's
        // policies: the half of the 2025 intake enlisted after 1 July follows the scenario.
        for c in ["conscripts", "conscripts_army", "force_available"] {
            assert!(close(s.value(c, 2025), base.value(c, 2025)), "{name}: {c} 2025");
        }
        // The change did act from 2025 on: the active-duty rate on the half of the 2025
        // intake enlisted after 1 July, the target on the cadre planned for 2026.
        let (col, year) =
            if name == "target-from-2018" { ("cadre_accessions", 2025) } else { ("conscript_intake", 2025) };
        let moved = (s.value(col, year) / base.value(col, year) - 1.0).abs();
        assert!(moved > 1e-4, "{name}: {col} {year} moved by {moved}");
    }
    // Every force policy changed from 2030.
    let later = run_extending_baseline(
        tmp.path(),
        "everything-from-2030",
        "[force]\nactive_duty_rate = [[2030, 0.6]]\nalternative_allocations = [[2030, 40000]]\n\
         female_volunteer_scale = [[2030, 2]]\ntarget_anchors = [[2030, 450000]]\n\
         [force.army]\nservice_months = [[2030, 24]]\n[force.cadre]\ntarget_share = [[2030, 0.5]]\n\
         women_share = [[2030, 0.3]]\n[force.ncos]\nfill_rate = [[2030, 0.95]]\n\
         decision_continuation = [[2030, 0.6]]\ncareerist_continuation = [[2030, 0.97]]\n",
    );
    // Every force column of summary.csv (the population, vital and automation ones apart).
    let demographic = ["year", "births", "deaths", "net_migration", "tfr", "e0_male", "e0_female", "uncovered_gap"];
    let columns: Vec<&str> = forcecast::output::tables::SUMMARY_COLUMNS
        .iter()
        .copied()
        .filter(|c| !c.starts_with("population") && !c.starts_with("automation") && !demographic.contains(c))
        .collect();
    assert_eq!(columns.len(), 21, "{columns:?}");
    for y in 2025..=2028 {
        for c in &columns {
            let (a, b) = (later.value(c, y), base.value(c, y));
            assert!(close(a, b), "{c} {y}: {a} vs {b}");
        }
    }
    assert!(!close(later.value("force_available", 2032), base.value("force_available", 2032)));
}

/// The examined men's shares never sum above them: men inducted + alternative and
/// supplementary service + men entering the cadre ≤ eligible men, every year, for Korea
/// and Taiwan at active-duty rates 0.5, 0.93 (above 1 − the grade-4 share) and 1, at the
/// default take-up and at 1 (every fit man not otherwise placed inducted). Before the
/// supplementary share was capped at 1 − the active-duty rate, a rate of 1 counted the
/// grade-4 men in both pools (Korea 2026: 237,511 against 233,009 eligible).
#[test]
fn inducted_alternative_and_cadre_men_never_exceed_the_eligible_men() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = common::scenarios();
    for base in ["baseline", "taiwan-baseline"] {
        for rate in ["0.5", "0.93", "1.0"] {
            for take_up in ["", "take_up = 1\n"] {
                let name = format!("{base}-{rate}-{}", take_up.len());
                let path = tmp.path().join(format!("{name}.toml"));
                let body = format!(
                    "extends = \"{base}\"\ndescription = \"test: {name}\"\n[force]\nactive_duty_rate = {rate}\n{take_up}"
                );
                std::fs::write(&path, body).unwrap();
                let s = forcecast::scenario::load(&path, &dir).expect("scenario valid");
                let inputs = forcecast::run::load_inputs(&s, &dir).expect("inputs load");
                let p = forcecast::run::project(&s, &inputs).expect("projection runs");
                let mut placed_all = false;
                for (year, f) in p.years.iter().zip(&p.force.years) {
                    let men = f.intake - f.female_volunteers;
                    let placed = men + f.alternative_service_intake + f.cadre_men;
                    assert!(
                        placed <= f.eligible_men + 1e-6,
                        "{name} {year}: inducted {men} + alternative {} + cadre men {} = {placed} > eligible {}",
                        f.alternative_service_intake,
                        f.cadre_men,
                        f.eligible_men
                    );
                    placed_all |= f.eligible_men > 0.0 && placed > f.eligible_men - 1e-6;
                }
                // At a rate of 1 and a take-up of 1 every eligible man is placed in some year
                // (the bound is reached, so the test would see a double count).
                if rate == "1.0" && !take_up.is_empty() {
                    assert!(placed_all, "{name}: the bound is never reached");
                }
            }
        }
    }
}
