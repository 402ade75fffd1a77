//! The force model for a projection: available force against the target, and the gap.

use super::{cadre, conscripts};
use crate::data::interpolate;
use crate::demography::Population;
use crate::scenario::ForceSpec;

/// Force results per projection year.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ForceResult {
    /// Men liable (Σ_a e_a M_a).
    pub eligible_men: Vec<f64>,
    /// Conscript intake (men and women volunteers).
    pub intake: Vec<f64>,
    /// Women volunteers in the intake.
    pub female_volunteers: Vec<f64>,
    /// Serving conscripts at 1 July.
    pub conscripts: Vec<f64>,
    /// Career cadre.
    pub cadre: cadre::CadreResult,
    /// Conscripts + cadre.
    pub available: Vec<f64>,
    /// Troop target.
    pub target: Vec<f64>,
    /// max(0, target − available).
    pub gap: Vec<f64>,
}

/// Runs the force model over `pops` (one per year from `first_year`).
pub fn simulate(pops: &[Population], first_year: i32, spec: &ForceSpec) -> ForceResult {
    let intakes: Vec<conscripts::Intake> = pops.iter().map(|p| conscripts::intake(p, spec)).collect();
    let span = (spec.service_months / 12.0).ceil() as usize + 1;
    let prior: Vec<f64> = match pops.first() {
        Some(p0) => (1..=span).map(|k| conscripts::intake_shifted(p0, spec, k).total()).collect(),
        None => Vec::new(),
    };
    let totals: Vec<f64> = intakes.iter().map(|i| i.total()).collect();
    let stock = conscripts::stock(&totals, &prior, spec);
    let target: Vec<f64> =
        (0..pops.len()).map(|t| interpolate(&spec.target, f64::from(first_year + t as i32))).collect();
    let cadre = cadre::simulate(pops, &target, &spec.cadre);
    let available: Vec<f64> = stock.iter().zip(&cadre.stock).map(|(a, b)| a + b).collect();
    let gap = target.iter().zip(&available).map(|(t, a)| (t - a).max(0.0)).collect();
    ForceResult {
        eligible_men: intakes.iter().map(|i| i.eligible_men).collect(),
        intake: totals,
        female_volunteers: intakes.iter().map(|i| i.women).collect(),
        conscripts: stock,
        cadre,
        available,
        target,
        gap,
    }
}
