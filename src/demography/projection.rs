//! The cohort-component projection step: a pure function from the population at
//! 1 July t and the interval's rates to the population at 1 July t+1 and the flows.
//!
//! ## Reference
//! Preston, Heuveline & Guillot (2001), *Demography*, ch. 6; UN DESA (2024), *World
//! Population Prospects 2024: Methodology of the United Nations population estimates
//! and projections*. Births use the mean of the female population at the start and end
//! of the interval; half of the net migrants arrive at the start and are exposed to
//! mortality, half at the end.

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
    /// Net migrants over the interval by age, male then female.
    pub migration: [&'a AgeVec; 2],
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
    let [male, female] = next;
    (Population { male, female }, flows)
}
