//! The career cadre (officers and NCOs) as a stock.
//!
//! C(t+1) = ρ C(t) + R(t), with ρ the yearly retention. Recruitment fills the need
//! N(t) = max(0, share × target(t+1) − ρ C(t)) up to a capacity set by a propensity per
//! man and per woman aged 20-29: R(t) = min(N(t), p_m M_20-29(t) + p_f F_20-29(t)).
//! The part of the need left unmet is the recruitment shortfall.

use crate::demography::Population;
use crate::scenario::CadreSpec;

/// Cadre stock and flows per year.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CadreResult {
    /// Stock at 1 July.
    pub stock: Vec<f64>,
    /// Recruits over the year t → t+1.
    pub recruits: Vec<f64>,
    /// Need not met by recruitment over t → t+1.
    pub shortfall: Vec<f64>,
}

/// Runs the cadre model over the years of `pops`, with `target[t]` the troop target of
/// each year.
pub fn simulate(pops: &[Population], target: &[f64], spec: &CadreSpec) -> CadreResult {
    let n = pops.len();
    let mut r =
        CadreResult { stock: Vec::with_capacity(n), recruits: Vec::with_capacity(n), shortfall: Vec::with_capacity(n) };
    let mut c = spec.initial;
    for t in 0..n {
        r.stock.push(c);
        let next_target = target.get(t + 1).copied().unwrap_or(target[t]);
        let need = (spec.target_share * next_target - spec.retention * c).max(0.0);
        let p = &pops[t];
        let cap = spec.propensity_male * (20..=29).map(|a| p.male[a]).sum::<f64>()
            + spec.propensity_female * (20..=29).map(|a| p.female[a]).sum::<f64>();
        let rec = need.min(cap);
        r.recruits.push(rec);
        r.shortfall.push(need - rec);
        c = spec.retention * c + rec;
    }
    r
}
