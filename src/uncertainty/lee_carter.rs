//! Lee-Carter mortality model fitted to the historical single-age mx matrix, used for
//! the stochastic part of mortality.
//!
//! ln m_{x,s}(t) = a_{x,s} + b_{x,s} k(t) + e, one k(t) for both sexes and sex-specific
//! a and b (the "joint-k" variant; Li & Lee 2005 call it the common-k model). Fitted by
//! the singular value decomposition of the centred ln mx matrix (202 rows = 101 ages ×
//! 2 sexes, one column per WPP estimate period), normalised so that Σ b = 1 and Σ k = 0.
//! k is a random walk with drift: k(t+1) = k(t) + c + σ η. The drift c is the mean
//! change per year between the first and last period; σ comes from the scatter of the
//! period-to-period changes around 5c. The periods are 5-year means, and the difference
//! of two consecutive 5-year means of a random walk has variance 3.4 σ² (weights
//! 1,2,3,4,5,4,3,2,1 over 5 on the nine yearly innovations), not 5 σ².
//!
//! The projection does not use the fitted drift: the deterministic run's WPP mx is the
//! centre, and a trajectory applies m_x(t) = m̂_x(t) · exp(b_x (k(t) − k̂(t))) with
//! k(t) − k̂(t) a random walk of innovation σ whose drift is the estimation error of
//! the drift: one draw per trajectory from N(0, σ²/span), span the years between the
//! first and last period fitted (the drift is the mean of a random walk's steps over
//! the span; Lee & Carter 1992 include this term in their intervals). Both terms are
//! symmetric, so the median path is the deterministic one.
//!
//! ## Reference
//! Lee, R. D. & Carter, L. R. (1992), "Modeling and forecasting U.S. mortality", JASA
//! 87:659-671. Li, N. & Lee, R. (2005), "Coherent mortality forecasts for a group of
//! populations", Demography 42:575-594.

use nalgebra::DMatrix;
use serde::Serialize;

use crate::demography::rates::MortalitySurface;
use crate::error::{Error, Result};
use crate::{AgeVec, NAGES};

/// Variance of the difference of consecutive 5-year means of a unit random walk.
const PERIOD_MEAN_DIFF_VAR: f64 = 3.4;

/// A fitted joint-k Lee-Carter model.
#[derive(Debug, Clone, Serialize)]
pub struct LeeCarter {
    /// Centres of the periods fitted (decimal years).
    pub centres: Vec<f64>,
    /// a_x by sex (mean ln mx), male then female.
    #[serde(skip)]
    pub a: [AgeVec; 2],
    /// b_x by sex; Σ over both sexes = 1.
    #[serde(skip)]
    pub b: [AgeVec; 2],
    /// k per period; Σ = 0.
    pub k: Vec<f64>,
    /// Drift of k per year.
    pub drift: f64,
    /// Random-walk innovation s.d. of k per year.
    pub sigma: f64,
    /// Standard error of the drift, σ / √span.
    pub drift_se: f64,
    /// Share of the centred matrix's variance explained by the first component.
    pub explained: f64,
}

impl LeeCarter {
    /// Fits the model to the surface's periods lying within `from..=to` (calendar years;
    /// a period counts when both its ends do). A window that cannot be fitted is an
    /// [`Error::Usage`] saying why (the caller names the setting).
    pub fn fit(surface: &MortalitySurface, from: i32, to: i32) -> Result<LeeCarter> {
        let sel: Vec<usize> =
            (0..surface.starts.len()).filter(|&j| surface.starts[j] >= from && surface.starts[j] + 5 <= to).collect();
        if sel.len() < 3 {
            return Err(Error::Usage(format!(
                "the Lee-Carter fit needs at least three 5-year mortality periods within {from}..{to}, found {}",
                sel.len()
            )));
        }
        let p = sel.len();
        let rows = 2 * NAGES;
        let mut m = DMatrix::<f64>::zeros(rows, p);
        for (c, &j) in sel.iter().enumerate() {
            for s in 0..2 {
                for x in 0..NAGES {
                    m[(s * NAGES + x, c)] = surface.ln_mx[j][s][x];
                }
            }
        }
        if m.iter().any(|v| !v.is_finite()) {
            return Err(Error::Usage("the mortality periods to fit hold a zero or invalid death rate".into()));
        }
        let mut a = [AgeVec::zeros(), AgeVec::zeros()];
        for r in 0..rows {
            let mean = m.row(r).mean();
            a[r / NAGES][r % NAGES] = mean;
            for c in 0..p {
                m[(r, c)] -= mean;
            }
        }
        let svd = m.svd(true, true);
        let (u, vt) = match (svd.u, svd.v_t) {
            (Some(u), Some(vt)) => (u, vt),
            _ => return Err(Error::Consistency("Lee-Carter SVD returned no singular vectors".into())),
        };
        let sv = &svd.singular_values;
        let first = (0..sv.len()).max_by(|&i, &j| sv[i].total_cmp(&sv[j])).unwrap_or(0);
        let total: f64 = sv.iter().map(|s| s * s).sum();
        let su: f64 = u.column(first).sum();
        if su.abs() < 1e-12 || total <= 0.0 {
            return Err(Error::Usage("mortality in the fitted periods does not change over time".into()));
        }
        let mut b = [AgeVec::zeros(), AgeVec::zeros()];
        for r in 0..rows {
            b[r / NAGES][r % NAGES] = u[(r, first)] / su;
        }
        let k: Vec<f64> = (0..p).map(|c| sv[first] * vt[(first, c)] * su).collect();
        let centres: Vec<f64> = sel.iter().map(|&j| surface.centres[j]).collect();
        let span = centres[p - 1] - centres[0];
        let drift = (k[p - 1] - k[0]) / span;
        let steps: Vec<f64> = (1..p).map(|j| (k[j] - k[j - 1]) - drift * (centres[j] - centres[j - 1])).collect();
        let ss: f64 = steps.iter().map(|e| e * e).sum();
        let step_years = span / (p - 1) as f64;
        let sigma = (ss / ((p - 2) as f64 * PERIOD_MEAN_DIFF_VAR * step_years / 5.0)).sqrt();
        let drift_se = sigma / span.sqrt();
        Ok(LeeCarter { centres, a, b, k, drift, sigma, drift_se, explained: sv[first] * sv[first] / total })
    }

    /// ln mx of the fitted model at index `k` (for checks).
    pub fn ln_mx(&self, k: f64) -> [AgeVec; 2] {
        [self.a[0] + self.b[0] * k, self.a[1] + self.b[1] * k]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A synthetic surface that is exactly Lee-Carter.
    fn synthetic(ks: &[f64]) -> MortalitySurface {
        let mut a = [AgeVec::zeros(), AgeVec::zeros()];
        let mut b = [AgeVec::zeros(), AgeVec::zeros()];
        for x in 0..NAGES {
            a[0][x] = -8.0 + 0.08 * x as f64;
            a[1][x] = -8.5 + 0.08 * x as f64;
            b[0][x] = 1.0 + (x as f64 / 50.0);
            b[1][x] = 1.2;
        }
        let sb = b[0].sum() + b[1].sum();
        let starts = (0..ks.len()).map(|j| 1950 + 5 * j as i32).collect();
        let centres = (0..ks.len()).map(|j| 1953.0 + 5.0 * j as f64).collect();
        let ln_mx = ks.iter().map(|&k| [a[0] + b[0] * (k / sb), a[1] + b[1] * (k / sb)]).collect();
        MortalitySurface { starts, centres, ln_mx }
    }

    #[test]
    fn recovers_an_exact_lee_carter_surface() {
        let ks = [10.0, 5.0, 1.0, -2.0, -6.0, -8.0];
        let s = synthetic(&ks);
        let lc = LeeCarter::fit(&s, 1950, 1980).unwrap();
        assert!((lc.b[0].sum() + lc.b[1].sum() - 1.0).abs() < 1e-12);
        assert!(lc.k.iter().sum::<f64>().abs() < 1e-9);
        assert!(lc.explained > 1.0 - 1e-12);
        for (j, &k) in lc.k.iter().enumerate() {
            let fitted = lc.ln_mx(k);
            assert!((fitted[0] - s.ln_mx[j][0]).abs().max() < 1e-9);
        }
        // Drift: (k_last - k_first) / 25 on the normalised scale.
        let mean_k = ks.iter().sum::<f64>() / ks.len() as f64;
        assert!((lc.k[0] - (ks[0] - mean_k)).abs() < 1e-9);
        assert!((lc.drift - (ks[5] - ks[0]) / 25.0).abs() < 1e-9);
    }

    #[test]
    fn too_few_periods_is_an_error() {
        let s = synthetic(&[1.0, 0.0, -1.0]);
        assert!(LeeCarter::fit(&s, 1950, 1960).is_err());
    }
}
