//! Force and automation parameters drawn once per trajectory from the distributions of
//! `[uncertainty.force]`, centred on the scenario's values.

use rand::Rng;
use rand::RngExt;
use rand_distr::{Distribution, StandardNormal};
use serde::Serialize;

use crate::scenario::uncertainty::{DistKind, ForceNoise, ParamDist};
use crate::scenario::{AutomationSpec, ForceSpec};

/// One trajectory's force and automation parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ForceDraw {
    /// Active-duty fit rate.
    pub fit_rate: f64,
    /// Alternative service share.
    pub alternative_service_share: f64,
    /// Cadre retention.
    pub cadre_retention: f64,
    /// Multiplier on both cadre recruitment propensities.
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

/// Draws one trajectory's parameters (always in the same order).
pub fn draw<R: Rng + ?Sized>(noise: &ForceNoise, force: &ForceSpec, rng: &mut R) -> ForceDraw {
    ForceDraw {
        fit_rate: share(force.fit_rate, &noise.fit_rate, rng),
        alternative_service_share: share(force.alternative_service_share, &noise.alternative_service_share, rng),
        cadre_retention: share(force.cadre.retention, &noise.cadre_retention, rng),
        cadre_propensity: multiplier(&noise.cadre_propensity, rng),
        fielding_capacity: multiplier(&noise.fielding_capacity, rng),
        soldiers_replaced_per_system: multiplier(&noise.soldiers_replaced_per_system, rng),
    }
}

impl ForceDraw {
    /// Writes the draw into scratch copies of the scenario's specs (no allocation).
    pub fn apply(&self, base: (&ForceSpec, &AutomationSpec), force: &mut ForceSpec, automation: &mut AutomationSpec) {
        force.fit_rate = self.fit_rate;
        force.alternative_service_share = self.alternative_service_share;
        force.cadre.retention = self.cadre_retention;
        force.cadre.propensity_male = apply_mult(base.0.cadre.propensity_male, self.cadre_propensity).min(1.0);
        force.cadre.propensity_female = apply_mult(base.0.cadre.propensity_female, self.cadre_propensity).min(1.0);
        automation.soldiers_replaced_per_system =
            apply_mult(base.1.soldiers_replaced_per_system, self.soldiers_replaced_per_system).max(0.01);
    }
}

/// `value × m`, returning `value` untouched when m = 1 (so a fixed draw is bit-exact).
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
            fit_rate: ParamDist { dist: DistKind::Normal, sd: 0.0 },
            alternative_service_share: ParamDist { dist: DistKind::Uniform, sd: 0.0 },
            cadre_retention: ParamDist { dist: DistKind::Lognormal, sd: 0.0 },
            cadre_propensity: ParamDist { dist: DistKind::Lognormal, sd: 0.0 },
            fielding_capacity: ParamDist { dist: DistKind::Normal, sd: 0.0 },
            soldiers_replaced_per_system: ParamDist { dist: DistKind::Uniform, sd: 0.0 },
        };
        let f = ForceSpec::default();
        let d = draw(&noise, &f, &mut ChaCha8Rng::seed_from_u64(1));
        assert_eq!(d.fit_rate, f.fit_rate);
        assert_eq!(d.cadre_retention, f.cadre.retention);
        assert_eq!((d.cadre_propensity, d.fielding_capacity, d.soldiers_replaced_per_system), (1.0, 1.0, 1.0));
    }

    #[test]
    fn draws_have_the_set_spread_and_stay_in_range() {
        let noise = ForceNoise::default();
        let f = ForceSpec::default();
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let n = 20_000;
        let draws: Vec<ForceDraw> = (0..n).map(|_| draw(&noise, &f, &mut rng)).collect();
        let mean = draws.iter().map(|d| d.fit_rate).sum::<f64>() / n as f64;
        let sd = (draws.iter().map(|d| (d.fit_rate - mean).powi(2)).sum::<f64>() / n as f64).sqrt();
        assert!((mean - f.fit_rate).abs() < 1e-3 && (sd - 0.02).abs() < 1e-3, "{mean} {sd}");
        let log_sd = {
            let l: Vec<f64> = draws.iter().map(|d| d.fielding_capacity.ln()).collect();
            let m = l.iter().sum::<f64>() / n as f64;
            (l.iter().map(|v| (v - m).powi(2)).sum::<f64>() / n as f64).sqrt()
        };
        assert!((log_sd - 0.3).abs() < 0.01, "{log_sd}");
        assert!(draws.iter().all(|d| (0.0..=1.0).contains(&d.fit_rate) && d.fielding_capacity > 0.0));
    }
}
