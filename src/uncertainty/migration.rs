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
//! WPP's intervals are for all residents: this model is used for an all-resident base
//! (`base_population = "wpp-estimates"`) and for WPP's migration series.
//!
//! ## A citizen base: the nationals' series ([`MigrationModel::citizens`])
//! For a citizen base (the registration, with the nationals' series or net totals) the
//! deviation is a rate of the population at each age, spread by the citizen profile's
//! intensity g ([`crate::demography::citizen_migration`]): a cell (s, x) receives
//! δ_t · g(x) · R(s, x, t) on the trajectory's own population at risk R, so no cohort can
//! be emptied (the combined rate of a cell is cut at −50% a year), and δ_t is the
//! process above in units of a rate: w = σ / G₀, with G₀ = Σ g R on the base population
//! (the persons a unit rate moves in 2025) and σ in persons. Fitted to KOSTAT's nationals'
//! net migration over the profile's level years (2011-2024 without 2020, 13 years; 2000-2008
//! were published under an older methodology and 2020 is the COVID-19 return):
//! - φ: the least-squares lag-1 coefficient of the deviations from the series' mean, over
//!   the consecutive pairs of those years (11 pairs: 2011-2019 and 2021-2024), in [0, 0.99];
//! - σ: the innovation s.d. that makes the stationary s.d. of an interval's net
//!   migration equal the series' sample s.d. (assumption: the spread of 2011-2024 carries
//!   on). An interval t → t+1 receives ½(δ_t + δ_{t+1}), whose stationary variance is
//!   σ²/(1 − φ²) · (1 + φ)/2; a 12-month flow varies as much whichever 12 months it
//!   covers, so σ = s.d. · √((1 − φ²) · 2/(1 + φ)).
//! - ν: normal (no heavy tail) unless `tail_df` is set: 13 years cannot identify a tail.
//!
//! The deviation starts at 0 in the series' last year (2024), as the level is the
//! series' median rather than its last value.

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
    /// The citizen calibration (a citizen base); `scale` is then a rate (see the module
    /// notes).
    pub citizens: Option<CitizenNoise>,
}

/// The fit of the citizen deviation process to the nationals' series.
#[derive(Debug, Clone, Serialize)]
pub struct CitizenNoise {
    /// The years and values fitted.
    pub values: Vec<(i32, f64)>,
    /// Consecutive pairs the lag-1 coefficient was fitted on.
    pub pairs: usize,
    /// The fitted lag-1 coefficient (before a scenario's `ar1`).
    pub ar1_fit: f64,
    /// The series' sample s.d. (persons).
    pub sd: f64,
    /// Innovation s.d. σ (persons, before `sd_scale`).
    pub innovation_sd: f64,
    /// G₀ = Σ g R on the base population: persons a unit deviation rate moves.
    pub weight: f64,
    /// The series' observed 80% and 95% ranges: quantiles 10-90 and 2.5-97.5
    /// (linear interpolation between order statistics).
    pub observed_range: [(f64, f64); 2],
}

/// Quantile `p` of `v` by linear interpolation between order statistics (type 7).
pub fn quantile(v: &[f64], p: f64) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    if s.is_empty() {
        return f64::NAN;
    }
    let h = p * (s.len() - 1) as f64;
    let (lo, w) = (h.floor() as usize, h - h.floor());
    let hi = (lo + 1).min(s.len() - 1);
    s[lo] + w * (s[hi] - s[lo])
}

/// The lag-1 coefficient of `values` (year, value) around their mean over consecutive
/// years, in [0, 0.99], and the number of pairs.
pub fn lag1(values: &[(i32, f64)]) -> (f64, usize) {
    let mean = values.iter().map(|v| v.1).sum::<f64>() / values.len().max(1) as f64;
    let (mut num, mut den, mut n) = (0.0, 0.0, 0);
    for w in values.windows(2) {
        if w[1].0 == w[0].0 + 1 {
            let (a, b) = (w[0].1 - mean, w[1].1 - mean);
            num += a * b;
            den += a * a;
            n += 1;
        }
    }
    let phi = if den > 0.0 { (num / den).clamp(0.0, 0.99) } else { 0.0 };
    (phi, n)
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
            citizens: None,
        })
    }

    /// The citizen deviation process of the module notes, for a citizen base whose
    /// profile is `profile` and base population `base`.
    pub fn citizens(
        spec: &MigrationNoise,
        profile: &crate::demography::citizen_migration::CitizenProfile,
        base: &crate::demography::Population,
    ) -> Result<MigrationModel> {
        let Some(level) = profile.level.as_ref() else {
            return Err(Error::Consistency(
                "the citizen migration spread is calibrated on the nationals' series, which this country lacks".into(),
            ));
        };
        let values = level.values.clone();
        let jump_off = values.last().map_or(0, |v| v.0);
        let (ar1_fit, pairs) = lag1(&values);
        let ar1 = spec.ar1.unwrap_or(ar1_fit);
        let df = spec.tail_df.unwrap_or(MAX_DF);
        let sd = level.sd;
        let innovation_sd = sd * ((1.0 - ar1 * ar1).max(0.0) * 2.0 / (1.0 + ar1)).sqrt();
        let weight = profile.weight(base);
        if weight.is_nan() || weight <= 0.0 {
            return Err(Error::Consistency("the citizen migration intensity is zero on the base population".into()));
        }
        let v: Vec<f64> = values.iter().map(|p| p.1).collect();
        // Whole persons (the series is in persons, mostly rounded to thousands).
        let q = |p: f64| quantile(&v, p).round();
        let observed_range = [(q(0.1), q(0.9)), (q(0.025), q(0.975))];
        Ok(MigrationModel {
            jump_off,
            ar1,
            tail_df: df,
            scale: vec![spec.sd_scale * innovation_sd / weight],
            scale_first: jump_off + 1,
            calibrated: spec.ar1.is_none(),
            profile: [AgeVec::zeros(), AgeVec::zeros()],
            t90: student_t_quantile(0.9, df),
            t975: student_t_quantile(0.975, df),
            citizens: Some(CitizenNoise { values, pairs, ar1_fit, sd, innovation_sd, weight, observed_range }),
        })
    }

    /// w_y (held flat outside the data's years).
    pub fn scale_at(&self, year: i32) -> f64 {
        let i = (year - self.scale_first).clamp(0, self.scale.len() as i32 - 1);
        self.scale[i as usize]
    }

    /// Half-width (quantile `tq`) of the deviation of the interval `year` → `year` + 1,
    /// ½(δ_year + δ_year+1): var = ¼(V_h + V_h+1 + 2φV_h) with V_h = (w σ_h)², h = year − J.
    pub fn interval_half_width(&self, year: i32, tq: f64) -> f64 {
        let v = |y: i32| (self.scale_at(y) * ar1_spread(self.ar1, y - self.jump_off)).powi(2);
        let (a, b) = (v(year), v(year + 1));
        tq * (0.25 * (a + b + 2.0 * self.ar1 * a)).sqrt()
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
    fn lag1_uses_consecutive_pairs_only_and_quantiles_interpolate() {
        // Around the mean 0: pairs (2011, 2012) and (2021, 2022) give (−1·1 + 1·−1)/(1 + 1)
        // = −1, clamped to 0; 2012 → 2021 is not a pair.
        let (phi, n) = lag1(&[(2011, -1.0), (2012, 1.0), (2021, 1.0), (2022, -1.0)]);
        assert_eq!((phi, n), (0.0, 2));
        // (−2·−1 + −1·1 + 1·2) / (4 + 1 + 1) = 0.5.
        let (phi, n) = lag1(&[(2011, -2.0), (2012, -1.0), (2013, 1.0), (2014, 2.0)]);
        assert!((phi - 0.5).abs() < 1e-12 && n == 3, "{phi}");
        assert_eq!(quantile(&[3.0, 1.0, 2.0], 0.5), 2.0);
        assert!((quantile(&[0.0, 10.0], 0.1) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn df_fit_inverts_the_quantile_ratio() {
        let r6 = (student_t_quantile(0.975, 6.0) / student_t_quantile(0.9, 6.0)).ln();
        assert!((fit_df(r6) - 6.0).abs() < 1e-6);
        assert_eq!(fit_df(0.1), MAX_DF);
        assert_eq!(fit_df(5.0), MIN_DF);
    }
}
