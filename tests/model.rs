//! Model checks against reference values from the input data, through the library.

mod common;

use forcecast::data::CountryData;
use forcecast::demography::graduation::{aggregate_mx, asfr_pattern, graduate_mx};
use forcecast::demography::{LifeTable, Sex};

fn korea() -> CountryData {
    CountryData::load(&common::scenarios().join("data/korea")).expect("korea data loads")
}

/// Graduated single-age mx re-aggregate (life-table weighted, as WPP derives nmx) to
/// every WPP 5-year input, all periods 1950-2100, both sexes: tolerance 1e-9 relative.
#[test]
fn mx_graduation_reaggregates_to_inputs() {
    let data = korea();
    let mut worst: f64 = 0.0;
    for p in &data.mx {
        for (sex, groups) in [(Sex::Male, &p.male), (Sex::Female, &p.female)] {
            let m = graduate_mx(groups, sex);
            assert!(m.iter().all(|v| *v > 0.0 && v.is_finite()));
            let back = aggregate_mx(&m, sex);
            for (g, (a, b)) in back.iter().zip(groups.iter()).enumerate() {
                let rel = (a / b - 1.0).abs();
                worst = worst.max(rel);
                assert!(rel < 1e-9, "period {} {sex:?} group {g}: {a} vs {b}", p.start);
            }
        }
    }
    eprintln!("worst relative re-aggregation error of mx: {worst:e}");
}

/// Single-age ASFR shares re-aggregate to WPP's percent ASFR by 5-year group for every
/// year 1950-2100: tolerance 1e-12 (absolute, on shares summing to 1).
#[test]
fn asfr_graduation_reaggregates_to_inputs() {
    let data = korea();
    for (i, pasfr) in data.pasfr.iter().enumerate() {
        let single = asfr_pattern(pasfr);
        let total: f64 = pasfr.iter().sum();
        for g in 0..9 {
            let s: f64 = (10 + 5 * g..15 + 5 * g).map(|a| single[a]).sum();
            assert!((s - pasfr[g] / total).abs() < 1e-12, "year {} group {g}", data.pasfr_first + i as i32);
        }
        assert!(single.iter().all(|v| *v >= 0.0));
    }
}

/// e0 from the graduated WPP mx of period 2020-2025 lies within 0.5 years of WPP's own
/// e0 for those years (mean of the annual values 2020-2024, estimates then medium).
#[test]
fn e0_of_graduated_mx_matches_wpp() {
    let data = korea();
    let period = data.mx.iter().find(|p| p.start == 2020).expect("2020-2025 period");
    let (est_m, est_f) = &data.e0["estimate"];
    let (med_m, med_f) = &data.e0["medium"];
    let wpp = |est: &forcecast::data::YearSeries, med: &forcecast::data::YearSeries| {
        (2020..=2024).map(|y| est.get(y).or_else(|| med.get(y)).expect("e0 year")).sum::<f64>() / 5.0
    };
    for (sex, groups, reference) in
        [(Sex::Male, &period.male, wpp(est_m, med_m)), (Sex::Female, &period.female, wpp(est_f, med_f))]
    {
        let e0 = LifeTable::new(&graduate_mx(groups, sex), sex).e0();
        eprintln!("{sex:?}: e0 from graduated mx {e0:.3}, WPP {reference:.3}");
        assert!((e0 - reference).abs() < 0.5, "{sex:?}: {e0} vs WPP {reference}");
    }
}

/// P(t+1) = P(t) + births − deaths + net migration, every year of every shipped
/// scenario, to 1e-9 relative (the projection also checks this at 1e-6 as it runs).
#[test]
fn accounting_identity_holds_every_year() {
    for name in ["baseline", "fertility-high"] {
        let (p, _) = common::project(name);
        for t in 0..p.years.len() - 1 {
            let lhs = p.population[t + 1].total();
            let f = &p.flows[t];
            let rhs = p.population[t].total() + f.births() - f.deaths() + f.net_migration();
            assert!((lhs - rhs).abs() <= 1e-9 * lhs, "{name} {}: {lhs} vs {rhs}", p.years[t + 1]);
        }
    }
}

/// The baseline's men aged 20 in 2025 equal the resident-registration count (231,614,
/// MOIS 30 June 2025) within 0.5%.
#[test]
fn men_aged_20_in_base_year_match_registration() {
    let (p, _) = common::project("baseline");
    assert_eq!(p.years[0], 2025);
    let men20 = p.population[0].male[20];
    assert!((men20 / 231_614.0 - 1.0).abs() < 0.005, "{men20}");
}

/// With the WPP medium path the 2025-26 TFR is WPP's (0.749 in 2025, 0.761 in 2026),
/// and births in the first interval are within 10% of WPP's 236,394 births in 2023
/// (the latest estimate in the data; TFR 0.72 then): a plausibility band, not a target.
#[test]
fn first_year_rates_are_plausible() {
    let (p, _) = common::project("baseline");
    assert!((p.tfr[0] - 0.756).abs() < 0.01, "tfr {}", p.tfr[0]);
    let b = p.flows[0].births();
    assert!((b / 236_394.0 - 1.0).abs() < 0.10, "births {b}");
    assert!(p.e0[0][0] > 79.0 && p.e0[0][0] < 83.0 && p.e0[0][1] > 85.0 && p.e0[0][1] < 89.0);
}

/// Timing (model doc, "Conscripts"): intake of year t enlists uniformly over calendar
/// year t, so the stock at 1 July t holds half of I(t) and all of I(t − 1) for an
/// 18-month term — not I(t) + ½ I(t − 1). A step change of intake (the active-duty rate
/// halved for the intakes from 2022, on a synthetic country with constant population)
/// shows it, per branch and term (relative 1e-9): 18 months ½ I(t) + I(t−1); 20 months
/// ½ I(t) + I(t−1) + ⅙ I(t−2); 21 months ½ I(t) + I(t−1) + ¼ I(t−2).
#[test]
fn conscripts_at_1_july_hold_half_this_years_intake_and_all_of_last_years() {
    use common::force;
    let data = force::data([18.0, 20.0, 21.0, 18.0]);
    let mut spec = force::spec();
    spec.active_duty_rate = Some(vec![(2022, force::ACTIVE_RATE / 2.0)]);
    let (_, _, rows) = force::run(&spec, &data, 3.0e5, 6);
    let shares = forcecast::force::model::derived_intake_shares(&data);
    let (old, new) = (rows[2].intake, rows[3].intake);
    assert!(rows[..3].iter().all(|r| (r.intake - old).abs() < 1e-9 * old));
    assert!(rows[3..].iter().all(|r| (r.intake - new).abs() < 1e-9 * new));
    assert!(new < 0.6 * old, "the step must be large: {old} -> {new}");
    // Intakes of 2019 .. 2024, and before 2019 the old one.
    let i = |year: i32| if year < 2022 { old } else { new };
    let tails: [&[f64]; 4] = [&[0.5, 1.0], &[0.5, 1.0, 1.0 / 6.0], &[0.5, 1.0, 0.25], &[0.5, 1.0]];
    for (t, r) in rows.iter().enumerate() {
        let year = 2019 + t as i32;
        for b in 0..4 {
            let want: f64 = tails[b].iter().enumerate().map(|(k, w)| w * i(year - k as i32) * shares[b]).sum();
            let got = r.conscripts_by_branch[b];
            assert!((got - want).abs() <= 1e-9 * want, "{year} branch {b}: {got} vs {want}");
        }
    }
    // The year of the step: the Army's stock is ½ new + old, which the other convention
    // (new + ½ old) would put 25% lower with the intake halved.
    let army = rows[3].conscripts_by_branch[0] / shares[0];
    assert!((army - (0.5 * new + old)).abs() < 1e-9 * army);
    assert!(army > 1.2 * (new + 0.5 * old));
}

/// The serving weights of the sourced terms (Korea): intakes from 2021 on serve the
/// 18-20-21 months after the Defense Reform 2.0 cut ([0.5, 1] for 18 months, a third
/// year's weight of 1/6 for the Navy's 20 and 1/4 for the Air Force's 21); intakes of
/// 2016 the terms before (21, 23, 24 months), all within 1e-9; and an intake during the
/// cut (2018) serves as its enlistment dates' terms say.
#[test]
fn serving_weights_follow_the_sourced_terms() {
    use forcecast::force::Branch;
    let (army, navy, air_force, marines) = (Branch(0), Branch(1), Branch(2), Branch(3));
    let (p, inputs) = common::project("baseline");
    let data = &inputs.data.force;
    let plan = forcecast::force::ForcePlan::new(&p.scenario.force, data, 2025, 2040).expect("plan");
    let close = |got: &[f64], want: &[f64]| {
        got.len() >= want.len()
            && got.iter().enumerate().all(|(k, g)| (g - want.get(k).copied().unwrap_or(0.0)).abs() < 1e-9)
    };
    for year in [2021, 2024, 2025, 2030] {
        for (b, want) in [
            (army, &[0.5, 1.0][..]),
            (marines, &[0.5, 1.0]),
            (navy, &[0.5, 1.0, 1.0 / 6.0]),
            (air_force, &[0.5, 1.0, 0.25]),
        ] {
            assert!(close(plan.weights(b, year), want), "{b:?} {year}: {:?}", plan.weights(b, year));
        }
    }
    for (b, want) in [(army, &[0.5, 1.0, 0.25][..]), (navy, &[0.5, 1.0, 5.0 / 12.0]), (air_force, &[0.5, 1.0, 0.5])] {
        assert!(close(plan.weights(b, 2016), want), "{b:?} 2016: {:?}", plan.weights(b, 2016));
    }
    // During the cut: the share of the 2018 intake's enlistment dates still serving at
    // 1 July 2018 + k, counted here day by day with the exact schedule; the model
    // integrates weekly slices at their midpoint's term (the term moves by a day every
    // two weeks): within 0.001 of an intake (largest measured 0.0004, the Army's k = 2).
    for b in data.structure().branch_slots() {
        let sched = data.schedule(b);
        let w = plan.weights(b, 2018);
        let days = 3650;
        for (k, got) in w.iter().enumerate() {
            let at = 2018.0 + k as f64 + 0.5;
            let serving = (0..days)
                .filter(|j| {
                    let tau = 2018.0 + (*j as f64 + 0.5) / days as f64;
                    tau <= at && at < tau + sched.months_at(tau) / 12.0
                })
                .count();
            let want = serving as f64 / days as f64;
            assert!((got - want).abs() < 1e-3, "{b:?} 2018 k {k}: {got} vs {want}");
        }
        // Between the third-year weights of the terms after and before the cut.
        let third = |months: f64| (months / 12.0 - 1.5).max(0.0);
        assert!(third(sched.after) < w[2] && w[2] < third(sched.before), "{b:?}: {w:?}");
    }
}

/// Lower fertility gives fewer births and, 20 years on, fewer men aged 20; a longer
/// service gives more conscripts. Invariants of direction between shipped scenarios.
#[test]
fn scenarios_move_in_the_expected_direction() {
    let (base, _) = common::project("baseline");
    let (low, _) = common::project("fertility-low");
    let (long, _) = common::project("service-21-months");
    let t = |p: &forcecast::run::Projection, y: i32| p.years.iter().position(|&x| x == y).expect("year");
    assert!(low.flows[t(&low, 2030)].births() < base.flows[t(&base, 2030)].births());
    assert!(low.population[t(&low, 2050)].male[20] < base.population[t(&base, 2050)].male[20]);
    assert!(long.force.years[t(&long, 2030)].conscripts > base.force.years[t(&base, 2030)].conscripts * 1.1);
}

/// The Leslie matrix of the base-year rates: with a TFR near 0.75, the intrinsic
/// growth rate is strongly negative (about −4% a year: r ≈ ln(NRR)/T with NRR ≈ 0.36
/// and a generation length T ≈ 33 years gives −3.1%; allow −2% to −6%).
#[test]
fn intrinsic_growth_rate_is_strongly_negative() {
    let (p, _) = common::project("baseline");
    let r = p.stable_base.r;
    assert!((-0.06..-0.02).contains(&r), "r = {r}");
    assert!((p.stable_base.structure.sum() - 1.0).abs() < 1e-9);
}

/// A non-finite rate that reaches the population is stopped with an error naming the
/// year, sex, age and quantity, never written out.
#[test]
fn numeric_guard_names_year_sex_age_and_quantity() {
    let (p, inputs) = common::project("baseline");
    let rates =
        forcecast::demography::rates::build(&p.scenario, &inputs.data, &inputs.mortality, 2025, 2030).expect("rates");
    let mut survival: Vec<_> = rates.iter().map(|r| r.survival()).collect();
    survival[2][1].s[40] = f64::NAN; // women aged 40 in 2027 → 41 in 2028
    let base = p.population[0].clone();
    let err = forcecast::run::project_population(&base, &rates, &survival).expect_err("NaN must be caught");
    let msg = err.to_string();
    assert_eq!(msg, "numeric guard: population for female aged 41 in 2028 is NaN (must be finite and non-negative)");
}
