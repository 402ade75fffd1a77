//! Property tests of the projection step and the force model (proptest). Failing
//! cases are kept in proptest-regressions/ and replayed first on every run.

mod common;

use forcecast::demography::{Population, Sex, StepInputs, Survival, step};
use forcecast::{AgeVec, NAGES};
use proptest::prelude::*;

fn age_vec(lo: f64, hi: f64) -> impl Strategy<Value = AgeVec> {
    prop::collection::vec(lo..hi, NAGES).prop_map(AgeVec::from_iterator)
}

fn population() -> impl Strategy<Value = Population> {
    (age_vec(0.0, 1.0e6), age_vec(0.0, 1.0e6)).prop_map(|(male, female)| Population { male, female })
}

fn asfr() -> impl Strategy<Value = AgeVec> {
    prop::collection::vec(0.0..0.25f64, 40).prop_map(|v| {
        let mut a = AgeVec::zeros();
        for (i, x) in v.into_iter().enumerate() {
            a[12 + i] = x;
        }
        a
    })
}

#[derive(Debug)]
struct Rates {
    asfr: AgeVec,
    srb: f64,
    surv: [Survival; 2],
    mig: [AgeVec; 2],
    /// End-of-interval migrants: half the other sex's even migrants, so both
    /// conventions are exercised (and cut at zero) together.
    end: [AgeVec; 2],
}

fn rates(mig_lo: f64, mig_hi: f64) -> impl Strategy<Value = Rates> {
    (asfr(), 0.9..1.2f64, age_vec(1e-5, 0.6), age_vec(1e-5, 0.6), age_vec(mig_lo, mig_hi), age_vec(mig_lo, mig_hi))
        .prop_map(|(asfr, srb, mm, mf, a, b)| Rates {
            asfr,
            srb,
            surv: [Survival::from_mx(&mm, Sex::Male), Survival::from_mx(&mf, Sex::Female)],
            end: [b * 0.5, a * 0.5],
            mig: [a, b],
        })
}

fn inputs(r: &Rates) -> StepInputs<'_> {
    StepInputs {
        asfr: &r.asfr,
        srb: r.srb,
        survival: [&r.surv[0], &r.surv[1]],
        migration: [&r.mig[0], &r.mig[1]],
        end_migration: [&r.end[0], &r.end[1]],
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Whatever the rates and however large the emigration, no count goes negative,
    /// every count is finite, and P(t+1) = P(t) + births − deaths + net migration
    /// (relative tolerance 1e-12).
    #[test]
    fn step_is_nonnegative_and_keeps_the_accounting_identity(pop in population(), r in rates(-2.0e6, 1.0e6)) {
        let (next, f) = step(&pop, &inputs(&r));
        for s in 0..2 {
            prop_assert!(next.sex(s).iter().all(|v| v.is_finite() && *v >= 0.0));
        }
        prop_assert!(f.births() >= 0.0 && f.deaths() >= 0.0);
        let lhs = next.total();
        let rhs = pop.total() + f.births() - f.deaths() + f.net_migration();
        prop_assert!((lhs - rhs).abs() <= 1e-12 * lhs.max(1.0), "{} vs {}", lhs, rhs);
    }

    /// Zero fertility, mortality and migration shift every cohort one age up; the
    /// open group 100+ keeps its members and gains the 99-year-olds; nobody is born.
    #[test]
    fn zero_rates_give_a_pure_age_shift(pop in population()) {
        let zero = AgeVec::zeros();
        let surv = Survival::from_mx(&zero, Sex::Male);
        let r = StepInputs {
            asfr: &zero,
            srb: 1.05,
            survival: [&surv, &surv],
            migration: [&zero, &zero],
            end_migration: [&zero, &zero],
        };
        let (next, f) = step(&pop, &r);
        prop_assert_eq!(f.births(), 0.0);
        prop_assert!(f.deaths().abs() < 1e-6);
        for s in 0..2 {
            let (p, n) = (pop.sex(s), next.sex(s));
            prop_assert_eq!(n[0], 0.0);
            for x in 0..NAGES - 2 {
                prop_assert!((n[x + 1] - p[x]).abs() <= 1e-9 * p[x].max(1.0));
            }
            let open = p[NAGES - 2] + p[NAGES - 1];
            prop_assert!((n[NAGES - 1] - open).abs() <= 1e-9 * open.max(1.0));
        }
    }

    /// The step is positively homogeneous: scaling the population and the migrants by
    /// k scales every count and flow by k (relative 1e-9), over three chained years.
    #[test]
    fn scaling_the_population_scales_every_count(pop in population(), r in rates(-5.0e5, 5.0e5), k in 0.01..100.0f64) {
        let scaled_mig = [r.mig[0] * k, r.mig[1] * k];
        let scaled_end = [r.end[0] * k, r.end[1] * k];
        let rk = StepInputs {
            migration: [&scaled_mig[0], &scaled_mig[1]],
            end_migration: [&scaled_end[0], &scaled_end[1]],
            ..inputs(&r)
        };
        let (mut a, mut b) = (pop.clone(), Population { male: pop.male * k, female: pop.female * k });
        for _ in 0..3 {
            let (na, fa) = step(&a, &inputs(&r));
            let (nb, fb) = step(&b, &rk);
            for s in 0..2 {
                for x in 0..NAGES {
                    let (va, vb) = (na.sex(s)[x], nb.sex(s)[x]);
                    prop_assert!((vb - k * va).abs() <= 1e-9 * (k * va).abs().max(1e-6), "age {} {} vs {}", x, vb, k * va);
                }
            }
            prop_assert!((fb.births() - k * fa.births()).abs() <= 1e-9 * (k * fa.births()).max(1e-6));
            a = na;
            b = nb;
        }
    }

    /// Constant intake and constant terms give a steady conscript stock of intake ×
    /// share × service length (years) in every branch (relative 1e-9), for any term of
    /// 1-60 months. The history serves other terms (the data's schedule) and the
    /// scenario's terms act from 1 July of the base year; by 2025 everyone serving
    /// enlisted under them. The stocks add up: conscripts = Σ branches and available =
    /// conscripts + officers + NCOs, every year.
    #[test]
    fn conscript_stock_is_intake_times_service_length(
        before in prop::array::uniform4(1.0..=60.0f64),
        months in prop::array::uniform4(1.0..=60.0f64),
        // Men per age: enough that the active-duty pool exceeds the men the cadre takes
        // (its accessions sustain the synthetic 180,000 officers and NCOs).
        men in 2.0e5..1.0e6f64,
    ) {
        let data = common::force::data(before);
        let mut spec = common::force::spec();
        for (b, m) in months.iter().enumerate() {
            spec.branches[b].service_months = Some(vec![(common::force::START, *m)]);
        }
        let (_, _, rows) = common::force::run(&spec, &data, men, 10);
        let shares = forcecast::force::model::derived_intake_shares(&data);
        let intake = rows[0].intake;
        prop_assert!(intake > 0.0);
        for (t, r) in rows.iter().enumerate() {
            // The set-up keeps the intake constant (the cadre takes the same men every year).
            prop_assert!((r.intake - intake).abs() <= 1e-12 * intake, "{} vs {}", r.intake, intake);
            let sum: f64 = r.conscripts_by_branch.iter().sum();
            prop_assert!((r.conscripts - sum).abs() <= 1e-9 * sum);
            prop_assert!((r.available - (sum + r.corps[0] + r.corps[1])).abs() <= 1e-9 * r.available);
            if t < 6 {
                continue;
            }
            for b in 0..4 {
                let want = intake * shares[b] * months[b] / 12.0;
                let got = r.conscripts_by_branch[b];
                prop_assert!((got - want).abs() <= 1e-9 * want, "{} branch {}: {} vs {}", 2019 + t, b, got, want);
            }
        }
    }

    /// A steady cadre reproduces its profile's steady state by years of service. The
    /// start is the steady state of the history's profile scaled to the observed stock;
    /// a new decision and careerist continuation act on accessions from the base year;
    /// with constant accessions A (the recruiting capacity, the requirement being far
    /// above it), after max_years + 1 years the stock at y years is A × l_y, with
    /// l_0 = 1, l_{y+1} = l_y × p_y and p_y the early, decision or careerist continuation
    /// (0 at the last year), relative 1e-9.
    #[test]
    fn steady_cadre_has_the_profiles_years_of_service_distribution(
        max_years in 5usize..=40,
        obligated in 1usize..=10,
        early in 0.8..=1.0f64,
        decision in 0.05..=1.0f64,
        careerist in 0.8..=1.0f64,
    ) {
        use forcecast::force::Corps;
        // The synthetic country's calibrated defaults (common::force::structure()).
        let (careerist0, capacity0) = ([0.9619, 0.9134], [1.0, 1.074]);
        let obligated = obligated.min(max_years - 1);
        let data = common::force::data([18.0, 20.0, 21.0, 18.0]);
        let mut spec = common::force::spec();
        for corps in spec.cadre.corps.iter_mut() {
            corps.obligated_years = obligated;
            corps.early_continuation = early;
            corps.max_years = max_years;
            corps.decision_continuation = Some(vec![(common::force::START, decision)]);
            corps.careerist_continuation = Some(vec![(common::force::START, careerist)]);
        }
        // Written independently of the model: continuation from y to y + 1.
        let survivorship = |d: f64, k: f64| -> Vec<f64> {
            let mut l = vec![1.0];
            for y in 0..max_years {
                let p = if y + 1 < obligated { early } else if y + 1 == obligated { d } else { k };
                l.push(l[y] * p);
            }
            l
        };
        let observed = [common::force::OFFICERS, common::force::NCOS];
        let history_decision = [0.481, common::force::NCO_DECISION];
        let plan = forcecast::force::ForcePlan::new(&spec, &data, common::force::START, 2100).expect("plan");
        let start = forcecast::force::ForceState::start(&plan, &common::force::population(3.0e5));
        let mut accessions = [0.0; 2];
        for c in [Corps(0), Corps(1)] {
            let i = c.0;
            let l0 = survivorship(history_decision[i], careerist0[i]);
            let total: f64 = l0.iter().sum();
            // Recruiting capacity: the steady flow of the observed stock times the first
            // year's capacity multiple (the country's, calibrated for NCOs).
            accessions[i] = observed[i] / total * capacity0[i];
            let got = start.cadre_by_years(c);
            prop_assert_eq!(got.len(), max_years + 1);
            for (y, (g, l)) in got.iter().zip(&l0).enumerate() {
                let want = observed[i] * l / total;
                prop_assert!((g - want).abs() <= 1e-9 * observed[i], "start {:?} y {}: {} vs {}", c, y, g, want);
            }
        }
        let years = max_years as i32 + 1;
        let (_, state, rows) = common::force::run(&spec, &data, 3.0e5, years);
        let l1 = survivorship(decision, careerist);
        for c in [Corps(0), Corps(1)] {
            let i = c.0;
            let got = state.cadre_by_years(c);
            let total: f64 = l1.iter().sum::<f64>() * accessions[i];
            for (y, (g, l)) in got.iter().zip(&l1).enumerate() {
                let want = accessions[i] * l;
                prop_assert!((g - want).abs() <= 1e-9 * total, "{:?} y {}: {} vs {}", c, y, g, want);
            }
        }
        // Accessions stay at the capacity throughout.
        for r in &rows {
            let a = accessions[0] + accessions[1];
            prop_assert!((r.cadre_accessions - a).abs() <= 1e-9 * a, "{} vs {}", r.cadre_accessions, a);
        }
    }
}

/// The Monte Carlo restarts every trajectory by `clone_from` into the state its worker
/// last ran (longer intake histories, other deviations): that must step exactly as a
/// fresh clone of the start, every year bit for bit.
#[test]
fn a_force_state_cloned_into_a_used_one_steps_as_a_fresh_clone() {
    use forcecast::force::{Corps, ForcePlan, ForceState};
    let spec = common::force::spec();
    let data = common::force::data([18.0, 20.0, 21.0, 18.0]);
    let start_year = common::force::START;
    let plan = ForcePlan::new(&spec, &data, start_year, start_year + 30).expect("plan");
    let pop = common::force::population(3.0e5);
    let start = ForceState::start(&plan, &pop);
    let mut used = start.clone();
    used.adjust.careerist_shift[0] = -0.2;
    used.adjust.capacity_mult[1] = 0.6;
    let other = common::force::population(1.5e5);
    for t in 0..25 {
        used.step(&plan, start_year + t, &other);
    }
    used.clone_from(&start);
    let mut fresh = start.clone();
    for t in 0..31 {
        let (a, b) = (used.step(&plan, start_year + t, &pop), fresh.step(&plan, start_year + t, &pop));
        assert_eq!(a, b, "year {}", start_year + t);
    }
    for c in [Corps(0), Corps(1)] {
        assert_eq!(used.cadre_by_years(c), fresh.cadre_by_years(c));
    }
}
