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

/// A constant intake over a long horizon gives a steady conscript stock of intake ×
/// service years (here 1.5 years), the relation the force model rests on.
#[test]
fn conscript_stock_is_intake_times_service_length_in_steady_state() {
    let spec = forcecast::scenario::ForceSpec::default();
    let intakes = vec![200_000.0; 10];
    let prior = vec![200_000.0; 3];
    let stock = forcecast::force::conscripts::stock(&intakes, &prior, &spec);
    for s in stock {
        assert!((s - 300_000.0).abs() < 1e-6, "{s}");
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
    assert!(long.force.conscripts[t(&long, 2030)] > base.force.conscripts[t(&base, 2030)] * 1.1);
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
