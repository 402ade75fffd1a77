//! Property tests of the projection step and the force model (proptest). Failing
//! cases are kept in proptest-regressions/ and replayed first on every run.

use forcecast::demography::{Population, Sex, StepInputs, Survival, step};
use forcecast::scenario::ForceSpec;
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
}

fn rates(mig_lo: f64, mig_hi: f64) -> impl Strategy<Value = Rates> {
    (asfr(), 0.9..1.2f64, age_vec(1e-5, 0.6), age_vec(1e-5, 0.6), age_vec(mig_lo, mig_hi), age_vec(mig_lo, mig_hi))
        .prop_map(|(asfr, srb, mm, mf, a, b)| Rates {
            asfr,
            srb,
            surv: [Survival::from_mx(&mm, Sex::Male), Survival::from_mx(&mf, Sex::Female)],
            mig: [a, b],
        })
}

fn inputs(r: &Rates) -> StepInputs<'_> {
    StepInputs { asfr: &r.asfr, srb: r.srb, survival: [&r.surv[0], &r.surv[1]], migration: [&r.mig[0], &r.mig[1]] }
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
        let r = StepInputs { asfr: &zero, srb: 1.05, survival: [&surv, &surv], migration: [&zero, &zero] };
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
        let rk = StepInputs { migration: [&scaled_mig[0], &scaled_mig[1]], ..inputs(&r) };
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

    /// In steady state (constant intake, no attrition) the conscript stock equals
    /// intake × service length in years (relative 1e-12), for any length 1-48 months.
    #[test]
    fn conscript_stock_is_intake_times_service_length(intake in 1.0..5.0e5f64, months in 1.0..48.0f64) {
        let spec = ForceSpec { service_months: months, ..ForceSpec::default() };
        let stock = forcecast::force::conscripts::stock(&[intake; 6], &[intake; 6], &spec);
        for s in stock {
            prop_assert!((s - intake * months / 12.0).abs() <= 1e-12 * s, "{} vs {}", s, intake * months / 12.0);
        }
    }
}
