//! The cohort-component projection step: a pure function from the population at
//! 1 July t and the interval's rates to the population at 1 July t+1 and the flows.
//!
//! ## Reference
//! Preston, Heuveline & Guillot (2001), *Demography*, ch. 6; UN DESA (2024), *World
//! Population Prospects 2024: Methodology of the United Nations population estimates
//! and projections*. Births use the mean of the female population at the start and end
//! of the interval. Net migrants come in two conventions, those of the UN's projection
//! code (`ccmppWPP`'s `mig_assumption`, bayesPop's `MigCode` 0 and 9):
//! - *even* ([`StepInputs::migration`]): half arrive at the start at age x and are
//!   exposed to the interval's mortality (aged x + 1 at its end), half at the end at age x;
//! - *end of interval* ([`StepInputs::end_migration`]): migrants counted by their age at
//!   the end of the interval, added there at that age after deaths and births, exposed to
//!   neither (WPP's single-age net migration; see [`crate::demography::rates`]).

use serde::Serialize;

use super::lifetable::Survival;
use crate::{AgeVec, NAGES};

/// Population by single age (0..=100, 100 = 100+) and sex at 1 July.
#[derive(Debug, Clone, PartialEq)]
pub struct Population {
    /// Men.
    pub male: AgeVec,
    /// Women.
    pub female: AgeVec,
}

impl Population {
    /// Total persons.
    pub fn total(&self) -> f64 {
        self.male.sum() + self.female.sum()
    }

    /// Persons aged `lo..=hi`, both sexes.
    pub fn between(&self, lo: usize, hi: usize) -> f64 {
        (lo..=hi.min(NAGES - 1)).map(|a| self.male[a] + self.female[a]).sum()
    }

    /// The vector of one sex (0 = male, 1 = female).
    pub fn sex(&self, s: usize) -> &AgeVec {
        if s == 0 { &self.male } else { &self.female }
    }
}

/// What one step needs: single-age fertility, the male share of births, survival and
/// net migrants by sex.
#[derive(Debug, Clone, Copy)]
pub struct StepInputs<'a> {
    /// Births per woman per year by age.
    pub asfr: &'a AgeVec,
    /// Sex ratio at birth (male per female).
    pub srb: f64,
    /// Survival ratios, male then female.
    pub survival: [&'a Survival; 2],
    /// Net migrants over the interval by age, male then female, spread evenly over it:
    /// half at the start (exposed to mortality), half at the end.
    pub migration: [&'a AgeVec; 2],
    /// Net migrants by their age at the end of the interval, male then female: added at
    /// that age at the end, neither exposed to the interval's mortality nor counted in its
    /// births' exposure (the UN's "end of interval" convention).
    pub end_migration: [&'a AgeVec; 2],
}

/// Flows over one interval.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Flows {
    /// Births by sex (male, female).
    pub births: [f64; 2],
    /// Deaths by sex.
    pub deaths: [f64; 2],
    /// Net migrants actually applied by sex (a departure larger than the population of
    /// an age is cut to that population).
    pub net_migration: [f64; 2],
}

impl Flows {
    /// Total births.
    pub fn births(&self) -> f64 {
        self.births[0] + self.births[1]
    }
    /// Total deaths.
    pub fn deaths(&self) -> f64 {
        self.deaths[0] + self.deaths[1]
    }
    /// Total net migration.
    pub fn net_migration(&self) -> f64 {
        self.net_migration[0] + self.net_migration[1]
    }
}

/// Cuts negative values to zero but lets NaN through, so the numeric guards see it
/// (`f64::max` would turn NaN into 0 and hide the fault).
fn nonneg(v: f64) -> f64 {
    if v < 0.0 { 0.0 } else { v }
}

/// Splits `births` by sex, records them and the deaths and migrants among them in
/// `flows`, and returns the age-0 population at t+1 (male, female): the survivors plus
/// half the interval's age-0 migrants, cut at zero.
#[inline(always)]
pub(crate) fn newborns(births: f64, r: &StepInputs<'_>, flows: &mut Flows) -> [f64; 2] {
    let male_share = r.srb / (1.0 + r.srb);
    flows.births = [births * male_share, births * (1.0 - male_share)];
    std::array::from_fn(|s| {
        let b = flows.births[s];
        let survivors = b * r.survival[s].newborn;
        flows.deaths[s] += b - survivors;
        let v = nonneg(survivors + 0.5 * r.migration[s][0]);
        flows.net_migration[s] += v - survivors;
        v
    })
}

/// Projects one year. Returns the population at t+1 and the flows over the interval.
/// The accounting identity total(t+1) = total(t) + births − deaths + net migration holds
/// by construction (up to rounding).
pub fn step(pop: &Population, r: &StepInputs<'_>) -> (Population, Flows) {
    let mut flows = Flows::default();
    let mut next = [AgeVec::zeros(), AgeVec::zeros()];
    for s in 0..2 {
        let p = pop.sex(s);
        let mig = r.migration[s];
        let surv = r.survival[s];
        let mut start_total = 0.0;
        let mut applied = 0.0;
        let mut start = AgeVec::zeros();
        for x in 0..NAGES {
            let v = nonneg(p[x] + 0.5 * mig[x]);
            applied += v - p[x];
            start[x] = v;
            start_total += v;
        }
        let n = &mut next[s];
        for x in 0..NAGES - 2 {
            n[x + 1] = start[x] * surv.s[x];
        }
        n[NAGES - 1] = (start[NAGES - 2] + start[NAGES - 1]) * surv.s[NAGES - 2];
        flows.deaths[s] = start_total - n.sum();
        for x in 1..NAGES {
            let v = nonneg(n[x] + 0.5 * mig[x]);
            applied += v - n[x];
            n[x] = v;
        }
        flows.net_migration[s] = applied;
    }
    // Births over the interval on the mean of start and end female exposure.
    let mut births = 0.0;
    for x in 0..NAGES {
        if r.asfr[x] != 0.0 {
            births += r.asfr[x] * 0.5 * (pop.female[x] + next[1][x]);
        }
    }
    let [m0, f0] = newborns(births, r, &mut flows);
    next[0][0] = m0;
    next[1][0] = f0;
    // Migrants counted at the end of the interval, at their age then.
    for (s, n) in next.iter_mut().enumerate() {
        let end = r.end_migration[s];
        let mut applied = 0.0;
        for x in 0..NAGES {
            let v = nonneg(n[x] + end[x]);
            applied += v - n[x];
            n[x] = v;
        }
        flows.net_migration[s] += applied;
    }
    let [male, female] = next;
    (Population { male, female }, flows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demography::Sex;

    fn flat(v: f64) -> Population {
        Population { male: AgeVec::from_element(v), female: AgeVec::from_element(v) }
    }

    /// Convention 1 of issue 12: a migrant counted at age x at the end of the interval
    /// is age x at t+1, whole, with no mortality and no births of its own in the
    /// interval; the same migrant spread evenly is half at x and half (survived) at x+1.
    #[test]
    fn end_of_interval_migrants_keep_their_age_at_the_end() {
        let zero = AgeVec::zeros();
        let no_deaths = Survival::from_mx(&zero, Sex::Male);
        let pop = flat(1000.0);
        let mut men = AgeVec::zeros();
        men[20] = 1.0;
        let mut women = AgeVec::zeros();
        women[30] = -1.0;
        let end = StepInputs {
            asfr: &zero,
            srb: 1.05,
            survival: [&no_deaths, &no_deaths],
            migration: [&zero, &zero],
            end_migration: [&men, &women],
        };
        let (next, f) = step(&pop, &end);
        assert!((next.male[20] - 1001.0).abs() < 1e-9 && (next.male[21] - 1000.0).abs() < 1e-9);
        assert!((next.female[30] - 999.0).abs() < 1e-9 && (next.female[31] - 1000.0).abs() < 1e-9);
        assert_eq!((f.net_migration, f.births()), ([1.0, -1.0], 0.0));
        assert!(f.deaths().abs() < 1e-9);
        // Spread evenly instead: half at 20 (end), half joins at 20 and is 21 at t+1.
        let even = StepInputs { migration: [&men, &women], end_migration: [&zero, &zero], ..end };
        let (next, _) = step(&pop, &even);
        assert!((next.male[20] - 1000.5).abs() < 1e-9 && (next.male[21] - 1000.5).abs() < 1e-9);

        // With mortality and fertility: the end migrants die in no numbers and bear no
        // children in the interval (the women aged 30 at t+1 join after the births).
        let mx = AgeVec::from_element(0.01);
        let surv = [Survival::from_mx(&mx, Sex::Male), Survival::from_mx(&mx, Sex::Female)];
        let mut asfr = AgeVec::zeros();
        asfr[30] = 0.1;
        let mut many = AgeVec::zeros();
        many[30] = 500.0;
        let with = StepInputs {
            asfr: &asfr,
            srb: 1.05,
            survival: [&surv[0], &surv[1]],
            migration: [&zero, &zero],
            end_migration: [&men, &many],
        };
        let without = StepInputs { end_migration: [&zero, &zero], ..with };
        let ((a, fa), (b, fb)) = (step(&pop, &with), step(&pop, &without));
        assert_eq!((fa.births, fa.deaths), (fb.births, fb.deaths));
        assert!((a.male[20] - b.male[20] - 1.0).abs() < 1e-9 && (a.female[30] - b.female[30] - 500.0).abs() < 1e-9);
        assert!((a.total() - b.total() - 501.0).abs() < 1e-9);
    }
}
