//! TFR uncertainty: an AR(1) in the deviation from the scenario's TFR path.
//!
//! ε_J = 0 in the jump-off year J (the last year with an observed TFR),
//! ε_y = φ ε_{y−1} + σ η_y with η standard normal, and a trajectory's TFR is
//! max(path_y + ε_y, min(floor, path_y)). After h years ε has s.d.
//! σ_h = σ √(Σ_{i<h} φ^{2i}).
//!
//! ## Calibration
//! φ and σ default to the least-squares fit of the model's 80% and 95% half-widths
//! (Φ⁻¹(0.9) σ_h and Φ⁻¹(0.975) σ_h) to WPP 2024's published TFR intervals, on the log
//! scale, over every projection year in the data (2024-2100 for WPP 2024). Given φ the
//! best σ is closed-form; φ is found by a grid search refined by golden section.
//! WPP's intervals come from the Bayesian hierarchical model of Alkema et al. (2011,
//! Demography 48:815-839) and Raftery, Alkema & Gerland (2014, Statistical Science
//! 29:58-68), whose phase-III TFR is itself an AR(1).

use serde::Serialize;

use super::special::{Z80, Z95};
use crate::data::CountryData;
use crate::error::{Error, Result};

/// The calibrated or scenario-set TFR deviation process.
#[derive(Debug, Clone, Serialize)]
pub struct TfrModel {
    /// Last year with an observed TFR (deviations are zero up to it).
    pub jump_off: i32,
    /// AR(1) coefficient φ.
    pub ar1: f64,
    /// Innovation s.d. σ (children per woman), after `sd_scale`.
    pub innovation_sd: f64,
    /// Lower bound of a trajectory's TFR.
    pub floor: f64,
    /// Whether φ and σ came from the calibration (else from the scenario).
    pub calibrated: bool,
}

/// The WPP interval half-widths used by the calibration.
#[derive(Debug, Clone, Serialize)]
pub struct IntervalTargets {
    /// The jump-off year J (last estimate).
    pub jump_off: i32,
    /// Projection years.
    pub years: Vec<i32>,
    /// Median (WPP medium) per year.
    pub medium: Vec<f64>,
    /// 80% bounds per year (lower, upper).
    pub pi80: Vec<(f64, f64)>,
    /// 95% bounds per year.
    pub pi95: Vec<(f64, f64)>,
}

impl IntervalTargets {
    /// Reads a variable's `medium`, `pi80_*`, `pi95_*` and `estimate` series.
    pub fn from_series(
        series: &std::collections::BTreeMap<String, crate::data::YearSeries>,
        data: &CountryData,
        what: &str,
    ) -> Result<IntervalTargets> {
        let table = data.dir.join(match what {
            "tfr" => crate::data::country::files::TFR,
            _ => crate::data::country::files::MIG_TOTAL,
        });
        let get = |name: &str| {
            series.get(name).ok_or_else(|| {
                Error::data(
                    &table,
                    None,
                    what,
                    format!(
                        "no `{name}` series: the uncertainty calibration needs WPP's medium, 80% and 95% bounds \
                         (or set the parameters in [uncertainty])"
                    ),
                )
            })
        };
        let est = get("estimate")?;
        let jump_off = est.last();
        let (med, l80, u80, l95, u95) =
            (get("medium")?, get("pi80_lower")?, get("pi80_upper")?, get("pi95_lower")?, get("pi95_upper")?);
        let mut t = IntervalTargets { jump_off, years: vec![], medium: vec![], pi80: vec![], pi95: vec![] };
        // The five series must cover the same projection years, from the year after the
        // last estimate to the medium's last: a year missing from one is an error, not
        // a year silently left out of the calibration.
        let named =
            [("medium", med), ("pi80_lower", l80), ("pi80_upper", u80), ("pi95_lower", l95), ("pi95_upper", u95)];
        for (name, s) in named {
            if s.first > jump_off + 1 || s.last() < med.last() {
                let y = if s.first > jump_off + 1 { jump_off + 1 } else { s.last() + 1 };
                return Err(Error::data(
                    &table,
                    None,
                    "year",
                    format!(
                        "series `{name}` has no value for {y}: the uncertainty calibration needs every year {}-{} \
                         (or set the parameters in [uncertainty])",
                        jump_off + 1,
                        med.last()
                    ),
                ));
            }
        }
        for y in jump_off + 1..=med.last() {
            let (Some(m), Some(a), Some(b), Some(c), Some(d)) =
                (med.get(y), l80.get(y), u80.get(y), l95.get(y), u95.get(y))
            else {
                continue;
            };
            if b > a && d > c {
                t.years.push(y);
                t.medium.push(m);
                t.pi80.push((a, b));
                t.pi95.push((c, d));
            }
        }
        if t.years.len() < 3 {
            return Err(Error::data(
                &table,
                None,
                what,
                "fewer than three projection years with 80% and 95% bounds; cannot calibrate",
            ));
        }
        Ok(t)
    }
}

/// √(Σ_{i<h} φ^{2i}): the s.d. after h steps of a unit-innovation AR(1) started at 0.
pub fn ar1_spread(phi: f64, h: i32) -> f64 {
    let p2 = phi * phi;
    if h <= 0 {
        0.0
    } else if (1.0 - p2).abs() < 1e-12 {
        f64::from(h).sqrt()
    } else {
        ((1.0 - p2.powi(h)) / (1.0 - p2)).sqrt()
    }
}

/// Least-squares fit of (φ, σ) so that z·σ·spread(φ, h) matches the half-widths
/// (log scale), with `targets` = (h, z, half-width). Returns (φ, σ, rms log error).
pub fn fit_ar1(targets: &[(i32, f64, f64)]) -> (f64, f64, f64) {
    use rayon::prelude::*;
    let n = targets.len() as f64;
    // ln hw − ln z does not depend on φ; consecutive targets share a horizon (the 80%
    // and 95% intervals of a year), whose spread is then taken once. The arithmetic and
    // its order are those of the residual ln hw − ln z − ln spread(φ, h).
    let fixed: Vec<f64> = targets.iter().map(|&(_, z, hw)| hw.ln() - z.ln()).collect();
    let eval = |phi: f64| -> (f64, f64) {
        let mut last: Option<(i32, f64)> = None;
        let mut ln_spread = |h: i32| match last {
            Some((lh, v)) if lh == h => v,
            _ => {
                let v = ar1_spread(phi, h).ln();
                last = Some((h, v));
                v
            }
        };
        let resid = targets.iter().zip(&fixed).map(|(&(h, _, _), &c)| c - ln_spread(h));
        let resid: Vec<f64> = resid.collect();
        let ln_sigma = resid.iter().sum::<f64>() / n;
        let ss = resid.iter().map(|r| (r - ln_sigma).powi(2)).sum::<f64>();
        (ss, ln_sigma.exp())
    };
    // The grid in parallel, its minimum (the first in φ order) found in order.
    let grid: Vec<f64> = (0..=999).into_par_iter().map(|i| eval(f64::from(i) / 1000.0).0).collect();
    let mut best = (0.0, f64::INFINITY);
    for (i, &ss) in grid.iter().enumerate() {
        if ss < best.1 {
            best = (i as f64 / 1000.0, ss);
        }
    }
    let (mut lo, mut hi) = ((best.0 - 0.001_f64).max(0.0), (best.0 + 0.001_f64).min(0.999_999));
    let g = (5.0_f64.sqrt() - 1.0) / 2.0;
    for _ in 0..60 {
        let (a, b) = (hi - g * (hi - lo), lo + g * (hi - lo));
        if eval(a).0 <= eval(b).0 {
            hi = b;
        } else {
            lo = a;
        }
    }
    let phi = 0.5 * (lo + hi);
    let (ss, sigma) = eval(phi);
    (phi, sigma, (ss / n).sqrt())
}

impl TfrModel {
    /// Calibrates (or takes from the scenario) the TFR deviation process.
    pub fn build(spec: &crate::scenario::uncertainty::FertilityNoise, data: &CountryData) -> Result<TfrModel> {
        let (ar1, sd, calibrated, jump_off) = match (spec.ar1, spec.innovation_sd) {
            (Some(a), Some(s)) => {
                let j = data.tfr.get("estimate").map(|e| e.last()).ok_or_else(|| {
                    Error::data(
                        data.dir.join(crate::data::country::files::TFR),
                        None,
                        "series",
                        "no `estimate` series: the Monte Carlo run needs the last year of observed TFR",
                    )
                })?;
                (a, s, false, j)
            }
            (a, s) => {
                let t = IntervalTargets::from_series(&data.tfr, data, "tfr")?;
                let (phi, sigma, _) = fit_ar1(&targets_of(&t));
                (a.unwrap_or(phi), s.unwrap_or(sigma), true, t.jump_off)
            }
        };
        Ok(TfrModel { jump_off, ar1, innovation_sd: sd * spec.sd_scale, floor: spec.floor, calibrated })
    }

    /// Model half-width of the central `level` interval (0.8 or 0.95) in `year`.
    pub fn half_width(&self, year: i32, z: f64) -> f64 {
        z * self.innovation_sd * ar1_spread(self.ar1, year - self.jump_off)
    }
}

/// The calibration targets (h, z, half-width) of 80% and 95% intervals.
pub fn targets_of(t: &IntervalTargets) -> Vec<(i32, f64, f64)> {
    let mut v = Vec::with_capacity(2 * t.years.len());
    for (i, &y) in t.years.iter().enumerate() {
        let h = y - t.jump_off;
        v.push((h, Z80, 0.5 * (t.pi80[i].1 - t.pi80[i].0)));
        v.push((h, Z95, 0.5 * (t.pi95[i].1 - t.pi95[i].0)));
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_recovers_an_exact_ar1() {
        let (phi, sigma) = (0.93, 0.08);
        let targets: Vec<(i32, f64, f64)> = (1..60)
            .flat_map(|h| [(h, Z80, Z80 * sigma * ar1_spread(phi, h)), (h, Z95, Z95 * sigma * ar1_spread(phi, h))])
            .collect();
        let (p, s, rms) = fit_ar1(&targets);
        assert!((p - phi).abs() < 1e-6 && (s - sigma).abs() < 1e-6 && rms < 1e-6, "{p} {s} {rms}");
    }

    #[test]
    fn spread_is_random_walk_at_phi_one() {
        assert!((ar1_spread(1.0, 9) - 3.0).abs() < 1e-12);
        assert!((ar1_spread(0.0, 9) - 1.0).abs() < 1e-12);
        assert_eq!(ar1_spread(0.5, 0), 0.0);
    }
}
