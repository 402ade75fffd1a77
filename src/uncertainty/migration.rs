//! Net migration uncertainty: a yearly deviation from the scenario's net migration,
//! spread over age and sex by WPP's arrival profile.
//!
//! δ_y = w_y · λ · z_y, with z an AR(1) started at 0 in the jump-off year J
//! (z_y = φ z_{y−1} + η_y, η standard normal) and λ = √(ν / χ²_ν) drawn once per
//! trajectory, so that δ_y / (w_y · spread_h) is Student-t with ν degrees of freedom in
//! every year (a normal scale mixture; some trajectories see persistently more volatile
//! migration than others). The interval t → t+1 receives ½(δ_t + δ_{t+1}) migrants,
//! the same averaging of years t and t+1 as the deterministic migration.
//!
//! ## Calibration (WPP 2024 net migration intervals, `mig_total`)
//! - ν: the ratio of the 95% to the 80% half-width of a t_ν is t_ν(0.975)/t_ν(0.9);
//!   ν is chosen so that its log equals the mean log ratio of WPP's intervals.
//! - φ: WPP's intervals widen over the first years after the jump-off and then level
//!   off; with the innovation scale taken as constant over the first decade (assumption)
//!   that growth is σ·spread(φ, h), fitted by least squares to the 80% half-widths of
//!   years J+1..J+10.
//! - w_y: chosen so that the model's 80% half-width equals WPP's in every year
//!   (w_y = half-width / (t_ν(0.9) · spread(φ, y − J))); held flat after the data's
//!   last year. WPP's widths shrink late in the century with the population.
//!
//! ## The age-sex profile
//! The positive part of WPP's medium net migration by single age and sex, averaged over
//! the ten years after the jump-off and normalised to sum to 1: deviations arrive (or
//! leave) at the ages at which migrants arrive, mostly 17-25.
//!
//! Caveat: WPP's intervals are for all residents. Applied to a citizens-only base (the
//! Korean baseline), the default spread is that of total migration, foreigners
//! included; `[uncertainty.migration] sd_scale` scales it.

use serde::Serialize;

use super::special::student_t_quantile;
use super::tfr::{IntervalTargets, ar1_spread, fit_ar1};
use crate::data::CountryData;
use crate::error::{Error, Result};
use crate::scenario::uncertainty::MigrationNoise;
use crate::{AgeVec, NAGES};

/// Years after the jump-off over which the innovation scale is taken as constant when
/// fitting φ (assumption).
pub const PHI_FIT_YEARS: i32 = 10;
/// Largest ν (beyond it the t is indistinguishable from the normal).
pub const MAX_DF: f64 = 1.0e6;
/// Smallest ν accepted (the variance is finite above 2).
pub const MIN_DF: f64 = 2.1;

/// The migration deviation process.
#[derive(Debug, Clone, Serialize)]
pub struct MigrationModel {
    /// Last year with observed migration (deviations are zero up to it).
    pub jump_off: i32,
    /// AR(1) coefficient φ of z.
    pub ar1: f64,
    /// Degrees of freedom ν of the yearly deviation.
    pub tail_df: f64,
    /// Scale w_y per year from `scale_first` (persons), after `sd_scale`.
    pub scale: Vec<f64>,
    /// First year of `scale`.
    pub scale_first: i32,
    /// Whether φ and ν came from the calibration.
    pub calibrated: bool,
    /// Age-sex profile of a deviation (male, female), summing to 1.
    #[serde(skip)]
    pub profile: [AgeVec; 2],
    /// t_ν(0.9), cached.
    pub t90: f64,
    /// t_ν(0.975), cached.
    pub t975: f64,
}

impl MigrationModel {
    /// Calibrates the process to the data's intervals, with scenario overrides.
    pub fn build(spec: &MigrationNoise, data: &CountryData) -> Result<MigrationModel> {
        let t = IntervalTargets::from_series(&data.mig_total, data, "net_migration")?;
        let hw80: Vec<f64> = t.pi80.iter().map(|(a, b)| 0.5 * (b - a)).collect();
        let hw95: Vec<f64> = t.pi95.iter().map(|(a, b)| 0.5 * (b - a)).collect();
        let df = match spec.tail_df {
            Some(v) => v,
            None => {
                let target = hw95.iter().zip(&hw80).map(|(a, b)| (a / b).ln()).sum::<f64>() / hw80.len() as f64;
                fit_df(target)
            }
        };
        let ar1 = match spec.ar1 {
            Some(v) => v,
            None => {
                let early: Vec<(i32, f64, f64)> = t
                    .years
                    .iter()
                    .zip(&hw80)
                    .filter(|(y, _)| **y - t.jump_off <= PHI_FIT_YEARS)
                    .map(|(y, hw)| (y - t.jump_off, 1.0, *hw))
                    .collect();
                fit_ar1(&early).0
            }
        };
        let t90 = student_t_quantile(0.9, df);
        let t975 = student_t_quantile(0.975, df);
        let first = t.years[0];
        let last = *t.years.last().unwrap_or(&first);
        let scale: Vec<f64> = (first..=last)
            .map(|y| {
                // Years missing inside the data's range take the nearest earlier width.
                let i = t.years.iter().rposition(|&v| v <= y).unwrap_or(0);
                spec.sd_scale * hw80[i] / (t90 * ar1_spread(ar1, y - t.jump_off))
            })
            .collect();
        Ok(MigrationModel {
            jump_off: t.jump_off,
            ar1,
            tail_df: df,
            scale,
            scale_first: first,
            calibrated: spec.ar1.is_none() || spec.tail_df.is_none(),
            profile: arrival_profile(data, t.jump_off)?,
            t90,
            t975,
        })
    }

    /// w_y (held flat outside the data's years).
    pub fn scale_at(&self, year: i32) -> f64 {
        let i = (year - self.scale_first).clamp(0, self.scale.len() as i32 - 1);
        self.scale[i as usize]
    }

    /// Model half-width of the interval with Student-t quantile `tq` in `year`, for a
    /// process started at the calibration's jump-off.
    pub fn half_width(&self, year: i32, tq: f64) -> f64 {
        tq * self.scale_at(year) * ar1_spread(self.ar1, year - self.jump_off)
    }
}

/// ν such that ln(t_ν(0.975)/t_ν(0.9)) = `target` (clamped to [MIN_DF, MAX_DF]).
pub fn fit_df(target: f64) -> f64 {
    let ratio = |df: f64| (student_t_quantile(0.975, df) / student_t_quantile(0.9, df)).ln();
    if target <= ratio(MAX_DF) {
        return MAX_DF;
    }
    if target >= ratio(MIN_DF) {
        return MIN_DF;
    }
    // The ratio falls as ν grows: bisect on ln ν.
    let (mut lo, mut hi) = (MIN_DF.ln(), MAX_DF.ln());
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        if ratio(mid.exp()) > target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    (0.5 * (lo + hi)).exp()
}

/// The positive part of WPP's medium net migration by age and sex over the ten years
/// after `jump_off`, normalised to sum to 1.
pub fn arrival_profile(data: &CountryData, jump_off: i32) -> Result<[AgeVec; 2]> {
    let mut p = [AgeVec::zeros(), AgeVec::zeros()];
    for (y, m, f) in &data.mig_age {
        if *y > jump_off && *y <= jump_off + 10 {
            p[0] += m;
            p[1] += f;
        }
    }
    for v in p.iter_mut() {
        for x in 0..NAGES {
            v[x] = v[x].max(0.0);
        }
    }
    let total = p[0].sum() + p[1].sum();
    if total <= 0.0 {
        return Err(Error::data(
            &data.dir,
            None,
            "net_migration",
            format!("no positive net migration by age in the ten years after {jump_off}: no arrival profile"),
        ));
    }
    Ok([p[0] / total, p[1] / total])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn df_fit_inverts_the_quantile_ratio() {
        let r6 = (student_t_quantile(0.975, 6.0) / student_t_quantile(0.9, 6.0)).ln();
        assert!((fit_df(r6) - 6.0).abs() < 1e-6);
        assert_eq!(fit_df(0.1), MAX_DF);
        assert_eq!(fit_df(5.0), MIN_DF);
    }
}
