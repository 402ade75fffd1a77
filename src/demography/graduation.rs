//! Graduation of 5-year age groups to single ages, by methods that preserve each
//! group's total exactly.
//!
//! ## Counts and fertility: monotone spline on the cumulative
//! The cumulative total C(a) is known at the group boundaries. A monotone cubic Hermite
//! interpolant (Fritsch & Carlson 1980, "Monotone piecewise cubic interpolation",
//! SIAM J. Numer. Anal. 17:238-246) through those points gives C at every single age;
//! single-age values are C(x+1) − C(x). They are non-negative (C is monotone) and sum
//! to each group's total (C passes through the boundaries) — the method WPP and the
//! Human Fertility Database use in spirit ("spline on cumulative", MODEL.md).
//!
//! ## Death rates: piecewise log-linear / Kannisto shape, rescaled to the groups
//! The shape interpolates ln m linearly between group mid-ages below 80 and logit m
//! linearly above 80 (a piecewise Kannisto model, Thatcher, Kannisto & Vaupel 1998).
//! Each group's single-age rates are then scaled so that the life-table aggregate
//! Σ m_x L_x / Σ L_x — the way WPP derives its abridged nmx from single-age tables —
//! reproduces the group rate; the scaling is iterated to a fixed point.

use super::lifetable::{LifeTable, Sex};
use crate::data::country::MX_GROUPS;
use crate::{AgeVec, NAGES};

/// Fritsch-Carlson monotone cubic Hermite interpolant through `(x, y)`, `x` increasing.
#[derive(Debug, Clone)]
pub struct Pchip {
    x: Vec<f64>,
    y: Vec<f64>,
    d: Vec<f64>,
}

impl Pchip {
    /// Builds the interpolant. Needs at least two points.
    pub fn new(x: &[f64], y: &[f64]) -> Pchip {
        let n = x.len();
        assert!(n >= 2 && y.len() == n, "pchip needs at least two points");
        let h: Vec<f64> = x.windows(2).map(|w| w[1] - w[0]).collect();
        let delta: Vec<f64> = (0..n - 1).map(|k| (y[k + 1] - y[k]) / h[k]).collect();
        let mut d = vec![0.0; n];
        for k in 1..n - 1 {
            if delta[k - 1] * delta[k] > 0.0 {
                let w1 = 2.0 * h[k] + h[k - 1];
                let w2 = h[k] + 2.0 * h[k - 1];
                d[k] = (w1 + w2) / (w1 / delta[k - 1] + w2 / delta[k]);
            }
        }
        let end = |h0: f64, h1: f64, d0: f64, d1: f64| -> f64 {
            let mut v = ((2.0 * h0 + h1) * d0 - h0 * d1) / (h0 + h1);
            if v.signum() != d0.signum() || d0 == 0.0 {
                v = 0.0;
            } else if d0.signum() != d1.signum() && v.abs() > 3.0 * d0.abs() {
                v = 3.0 * d0;
            }
            v
        };
        if n == 2 {
            d[0] = delta[0];
            d[1] = delta[0];
        } else {
            d[0] = end(h[0], h[1], delta[0], delta[1]);
            d[n - 1] = end(h[n - 2], h[n - 3], delta[n - 2], delta[n - 3]);
        }
        Pchip { x: x.to_vec(), y: y.to_vec(), d }
    }

    /// The interpolant at `t` (held flat outside the knots).
    pub fn eval(&self, t: f64) -> f64 {
        let n = self.x.len();
        if t <= self.x[0] {
            return self.y[0];
        }
        if t >= self.x[n - 1] {
            return self.y[n - 1];
        }
        let k = match self.x.binary_search_by(|v| v.partial_cmp(&t).unwrap_or(std::cmp::Ordering::Less)) {
            Ok(i) => return self.y[i],
            Err(i) => i - 1,
        };
        let h = self.x[k + 1] - self.x[k];
        let s = (t - self.x[k]) / h;
        let h00 = (1.0 + 2.0 * s) * (1.0 - s) * (1.0 - s);
        let h10 = s * (1.0 - s) * (1.0 - s);
        let h01 = s * s * (3.0 - 2.0 * s);
        let h11 = s * s * (s - 1.0);
        h00 * self.y[k] + h10 * h * self.d[k] + h01 * self.y[k + 1] + h11 * h * self.d[k + 1]
    }
}

/// Splits group totals into single ages. `bounds` has one more entry than `totals`
/// (the group edges, in years); the result has one value per single age from
/// `bounds[0]` to `bounds[last] - 1`. Totals must be non-negative.
pub fn split_groups(bounds: &[f64], totals: &[f64]) -> Vec<f64> {
    debug_assert_eq!(bounds.len(), totals.len() + 1);
    let mut cum = Vec::with_capacity(bounds.len());
    cum.push(0.0);
    for t in totals {
        cum.push(cum.last().copied().unwrap_or(0.0) + t.max(0.0));
    }
    let spline = Pchip::new(bounds, &cum);
    let (lo, hi) = (bounds[0] as usize, bounds[bounds.len() - 1] as usize);
    let mut out: Vec<f64> = (lo..hi).map(|a| (spline.eval((a + 1) as f64) - spline.eval(a as f64)).max(0.0)).collect();
    // Remove rounding drift so each group sums exactly to its total.
    for (g, t) in totals.iter().enumerate() {
        let (a, b) = (bounds[g] as usize - lo, bounds[g + 1] as usize - lo);
        let s: f64 = out[a..b].iter().sum();
        if s > 0.0 {
            let f = t.max(0.0) / s;
            out[a..b].iter_mut().for_each(|v| *v *= f);
        }
    }
    out
}

/// Single-age shares of fertility (summing to 1) for ages 10..=54 from WPP's percent
/// ASFR by 5-year group (10-14 … 50-54), returned as a full age vector.
pub fn asfr_pattern(pasfr: &[f64; 9]) -> AgeVec {
    let bounds: Vec<f64> = (0..=9).map(|g| (10 + 5 * g) as f64).collect();
    let total: f64 = pasfr.iter().sum();
    let singles = split_groups(&bounds, &pasfr.map(|p| p / total));
    let mut out = AgeVec::zeros();
    for (i, v) in singles.into_iter().enumerate() {
        out[10 + i] = v;
    }
    out
}

/// First and last single age (inclusive) of WPP mortality group `g` (0, 1-4, 5-9, …, 100+).
pub fn mx_group_ages(g: usize) -> (usize, usize) {
    match g {
        0 => (0, 0),
        1 => (1, 4),
        21 => (100, 100),
        g => (5 * (g - 1), 5 * (g - 1) + 4),
    }
}

fn logit(m: f64) -> f64 {
    let m = m.clamp(1e-12, 1.0 - 1e-9);
    (m / (1.0 - m)).ln()
}

fn inv_logit(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// Age above which the Kannisto (logit-linear) shape replaces the log-linear one.
pub const KANNISTO_FROM: f64 = 80.0;

/// Graduates WPP's group mx to single ages 0..=100 (100 = open group).
pub fn graduate_mx(groups: &[f64; MX_GROUPS], sex: Sex) -> AgeVec {
    // Knots at group mid-ages (0, 1-4 … 95-99); the open group is kept as given.
    let mids: Vec<f64> = (0..MX_GROUPS - 1)
        .map(|g| {
            let (a, b) = mx_group_ages(g);
            (a as f64 + b as f64 + 1.0) / 2.0
        })
        .collect();
    let mut m = AgeVec::zeros();
    for x in 0..NAGES - 1 {
        let t = x as f64 + 0.5;
        let k = mids.iter().rposition(|&c| c <= t).unwrap_or(0).min(mids.len() - 2);
        let (t0, t1) = (mids[k], mids[k + 1]);
        let (m0, m1) = (groups[k], groups[k + 1]);
        let w = (t - t0) / (t1 - t0);
        m[x] = if t >= KANNISTO_FROM {
            inv_logit(logit(m0) + w * (logit(m1) - logit(m0)))
        } else {
            (m0.ln() + w * (m1.ln() - m0.ln())).exp()
        };
    }
    m[0] = groups[0];
    m[NAGES - 1] = groups[MX_GROUPS - 1];
    for _ in 0..50 {
        let lt = LifeTable::new(&m, sex);
        let mut worst: f64 = 0.0;
        for (g, &target) in groups.iter().enumerate().take(MX_GROUPS - 1).skip(1) {
            let (a, b) = mx_group_ages(g);
            let agg = (a..=b).map(|x| m[x] * lt.lx_big[x]).sum::<f64>() / (a..=b).map(|x| lt.lx_big[x]).sum::<f64>();
            let f = target / agg;
            worst = worst.max((f - 1.0).abs());
            for x in a..=b {
                m[x] = (m[x] * f).min(0.999);
            }
        }
        if worst < 1e-13 {
            break;
        }
    }
    m
}

/// Re-aggregates single-age mx to WPP's groups with life-table weights (the inverse of
/// [`graduate_mx`]; used by tests and diagnostics).
pub fn aggregate_mx(m: &AgeVec, sex: Sex) -> [f64; MX_GROUPS] {
    let lt = LifeTable::new(m, sex);
    let mut out = [0.0; MX_GROUPS];
    for (g, o) in out.iter_mut().enumerate() {
        let (a, b) = mx_group_ages(g);
        *o = (a..=b).map(|x| m[x] * lt.lx_big[x]).sum::<f64>() / (a..=b).map(|x| lt.lx_big[x]).sum::<f64>();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pchip_is_monotone_and_interpolates() {
        let p = Pchip::new(&[0.0, 1.0, 2.0, 3.0], &[0.0, 1.0, 1.0, 5.0]);
        assert_eq!(p.eval(1.0), 1.0);
        let mut prev = -1.0;
        for i in 0..=300 {
            let v = p.eval(i as f64 / 100.0);
            assert!(v >= prev - 1e-12, "not monotone at {i}");
            prev = v;
        }
    }

    #[test]
    fn split_groups_preserves_totals_and_is_nonnegative() {
        let bounds = [0.0, 5.0, 10.0, 15.0, 20.0];
        let totals = [500.0, 100.0, 0.0, 900.0];
        let s = split_groups(&bounds, &totals);
        assert_eq!(s.len(), 20);
        for g in 0..4 {
            let sum: f64 = s[g * 5..g * 5 + 5].iter().sum();
            assert!((sum - totals[g]).abs() < 1e-9, "group {g}: {sum}");
        }
        assert!(s.iter().all(|v| *v >= 0.0));
    }
}
