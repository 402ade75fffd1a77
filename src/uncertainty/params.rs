//! Force and automation parameters drawn once per trajectory from the explicit
//! distributions of `[uncertainty.force]`, centred on the scenario's values. A force key
//! left `calibrated` draws nothing here (its value comes from the trajectory's calibrated
//! parameter vector, [`super::force_set`]).

use rand::Rng;
use rand::RngExt;
use rand_distr::{Distribution, StandardNormal};
use serde::Serialize;

use crate::scenario::uncertainty::{DistKind, ForceNoise, ParamDist};
use crate::scenario::{AutomationSpec, ForceSpec};

/// One trajectory's force and automation parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ForceDraw {
    /// Deviation added to the active-duty rate path.
    pub active_duty_rate: f64,
    /// Conscript take-up.
    pub take_up: f64,
    /// Deviation added to the careerists' continuation of both corps.
    pub cadre_retention: f64,
    /// Multiplier on both corps' recruiting capacity.
    pub cadre_propensity: f64,
    /// Multiplier on the fielding capacity ramp.
    pub fielding_capacity: f64,
    /// Multiplier on soldiers replaced per system.
    pub soldiers_replaced_per_system: f64,
}

fn deviate<R: Rng + ?Sized>(d: &ParamDist, rng: &mut R) -> f64 {
    match d.dist {
        DistKind::Normal | DistKind::Lognormal => {
            let z: f64 = StandardNormal.sample(rng);
            d.sd * z
        }
        DistKind::Uniform => {
            let u: f64 = rng.random();
            3.0_f64.sqrt() * d.sd * (2.0 * u - 1.0)
        }
    }
}

/// A share (in [0, 1]) drawn around `value`.
fn share<R: Rng + ?Sized>(value: f64, d: &ParamDist, rng: &mut R) -> f64 {
    if d.sd == 0.0 {
        return value;
    }
    let e = deviate(d, rng);
    let v = if d.dist == DistKind::Lognormal { value * e.exp() } else { value + e };
    v.clamp(0.0, 1.0)
}

/// A non-negative multiplier with median 1.
fn multiplier<R: Rng + ?Sized>(d: &ParamDist, rng: &mut R) -> f64 {
    if d.sd == 0.0 {
        return 1.0;
    }
    let e = deviate(d, rng);
    if d.dist == DistKind::Lognormal { e.exp() } else { (1.0 + e).max(0.0) }
}

const FIXED: ParamDist = ParamDist { dist: DistKind::Normal, sd: 0.0 };

/// Draws one trajectory's parameters (always in the same order); a `calibrated` key
/// draws nothing and keeps the scenario's value (deviation 0, multiplier 1).
pub fn draw<R: Rng + ?Sized>(noise: &ForceNoise, force: &ForceSpec, rng: &mut R) -> ForceDraw {
    let explicit = |d: &Option<ParamDist>| d.unwrap_or(FIXED);
    let (adr, cr) = (explicit(&noise.active_duty_rate), explicit(&noise.cadre_retention));
    ForceDraw {
        active_duty_rate: if adr.sd == 0.0 { 0.0 } else { deviate(&adr, rng) },
        take_up: share(force.take_up, &explicit(&noise.take_up), rng),
        cadre_retention: if cr.sd == 0.0 { 0.0 } else { deviate(&cr, rng) },
        cadre_propensity: multiplier(&explicit(&noise.cadre_propensity), rng),
        fielding_capacity: multiplier(&noise.fielding_capacity, rng),
        soldiers_replaced_per_system: multiplier(&noise.soldiers_replaced_per_system, rng),
    }
}

impl ForceDraw {
    /// The force model's deviations for this draw, on top of `base` (the trajectory's
    /// calibrated vector; the explicit draws are neutral for a `calibrated` key).
    pub fn adjust(&self, base: &crate::force::Adjust, noise: &ForceNoise) -> crate::force::Adjust {
        let mut a = *base;
        if noise.active_duty_rate.is_some() {
            a.active_shift = self.active_duty_rate;
        }
        if noise.take_up.is_some() {
            a.take_up = Some(self.take_up);
        }
        if noise.cadre_retention.is_some() {
            a.careerist_shift = [self.cadre_retention; 2];
        }
        if noise.cadre_propensity.is_some() {
            a.capacity_mult = [self.cadre_propensity; 2];
        }
        a
    }

    /// Writes the drawn automation parameters into `automation`.
    pub fn apply(&self, base: &AutomationSpec, automation: &mut AutomationSpec) {
        automation.soldiers_replaced_per_system =
            apply_mult(base.soldiers_replaced_per_system, self.soldiers_replaced_per_system).max(0.01);
    }
}

/// `value` times a drawn multiplier (exactly `value` when the multiplier is 1).
pub fn apply_mult(value: f64, m: f64) -> f64 {
    if m == 1.0 { value } else { value * m }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn zero_sd_returns_the_scenario_values() {
        let noise = ForceNoise {
            active_duty_rate: Some(ParamDist { dist: DistKind::Normal, sd: 0.0 }),
            take_up: Some(ParamDist { dist: DistKind::Uniform, sd: 0.0 }),
            cadre_retention: Some(ParamDist { dist: DistKind::Lognormal, sd: 0.0 }),
            cadre_propensity: Some(ParamDist { dist: DistKind::Lognormal, sd: 0.0 }),
            fielding_capacity: ParamDist { dist: DistKind::Normal, sd: 0.0 },
            soldiers_replaced_per_system: ParamDist { dist: DistKind::Uniform, sd: 0.0 },
        };
        let f = ForceSpec::default();
        let d = draw(&noise, &f, &mut ChaCha8Rng::seed_from_u64(1));
        assert_eq!(d.active_duty_rate, 0.0);
        assert_eq!(d.take_up, f.take_up);
        assert_eq!(d.cadre_retention, 0.0);
        assert_eq!((d.cadre_propensity, d.fielding_capacity, d.soldiers_replaced_per_system), (1.0, 1.0, 1.0));
    }

    #[test]
    fn draws_have_the_set_spread_and_stay_in_range() {
        let noise =
            ForceNoise { take_up: Some(ParamDist { dist: DistKind::Normal, sd: 0.02 }), ..ForceNoise::default() };
        let f = ForceSpec::default();
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let n = 20_000;
        let draws: Vec<ForceDraw> = (0..n).map(|_| draw(&noise, &f, &mut rng)).collect();
        let mean = draws.iter().map(|d| d.take_up).sum::<f64>() / n as f64;
        let sd = (draws.iter().map(|d| (d.take_up - mean).powi(2)).sum::<f64>() / n as f64).sqrt();
        assert!((mean - f.take_up).abs() < 1e-3 && (sd - 0.02).abs() < 1e-3, "{mean} {sd}");
        let log_sd = {
            let l: Vec<f64> = draws.iter().map(|d| d.fielding_capacity.ln()).collect();
            let m = l.iter().sum::<f64>() / n as f64;
            (l.iter().map(|v| (v - m).powi(2)).sum::<f64>() / n as f64).sqrt()
        };
        assert!((log_sd - 0.3).abs() < 0.01, "{log_sd}");
        assert!(draws.iter().all(|d| (0.0..=1.0).contains(&d.take_up) && d.fielding_capacity > 0.0));
    }
}
