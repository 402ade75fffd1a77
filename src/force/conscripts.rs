//! Conscript intake and the serving conscript stock.
//!
//! Intake in year t: I(t) = Σ_a e_a M_a(t) × fit × (1 − alternative) + Σ_a v_a F_a(t),
//! with e_a the share of a male cohort inducted at age a and v_a the share of a female
//! cohort volunteering at age a. Each intake serves `service_years`; the stock at 1 July
//! t is Σ_k I(t−k) · clamp(service_years − k, 0, 1) · (1 − attrition)^k, so a constant
//! intake I gives a steady stock of I × service_years. Intakes before the base year are
//! reconstructed from the base population: the men aged a+k in the base year were aged
//! a in year base − k (mortality at those ages over a few years is ignored).

use crate::demography::Population;
use crate::scenario::ForceSpec;

/// Male and female components of one year's intake.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Intake {
    /// Men liable in the year: Σ_a e_a M_a.
    pub eligible_men: f64,
    /// Men inducted: eligible × fit × (1 − alternative).
    pub men: f64,
    /// Women volunteering.
    pub women: f64,
}

impl Intake {
    /// Total intake.
    pub fn total(&self) -> f64 {
        self.men + self.women
    }
}

/// Intake from a population in one year.
pub fn intake(pop: &Population, spec: &ForceSpec) -> Intake {
    intake_shifted(pop, spec, 0)
}

/// Intake `k` years before `pop`'s year, read from the cohorts `k` years older.
pub fn intake_shifted(pop: &Population, spec: &ForceSpec, k: usize) -> Intake {
    let at = |v: &crate::AgeVec, a: usize| if a + k < crate::NAGES { v[a + k] } else { 0.0 };
    let eligible: f64 = spec.enlistment_age_shares.iter().map(|&(a, s)| s * at(&pop.male, a)).sum();
    let men = eligible * spec.fit_rate * (1.0 - spec.alternative_service_share);
    let women = spec.female_volunteer_age_shares.iter().map(|&(a, s)| s * at(&pop.female, a)).sum();
    Intake { eligible_men: eligible, men, women }
}

/// Weight of the intake `k` years ago in today's stock.
pub fn overlap(service_years: f64, k: usize, attrition: f64) -> f64 {
    (service_years - k as f64).clamp(0.0, 1.0) * (1.0 - attrition).powi(k as i32)
}

/// Serving conscripts in each year, given the intakes of each projection year and those
/// reconstructed for the years before (`prior[k-1]` = intake k years before the first).
pub fn stock(intakes: &[f64], prior: &[f64], spec: &ForceSpec) -> Vec<f64> {
    let sy = spec.service_months / 12.0;
    let span = sy.ceil() as usize + 1;
    (0..intakes.len())
        .map(|t| {
            (0..span)
                .map(|k| {
                    let i = if k <= t { intakes[t - k] } else { prior.get(k - t - 1).copied().unwrap_or(0.0) };
                    i * overlap(sy, k, spec.annual_attrition)
                })
                .sum()
        })
        .collect()
}
