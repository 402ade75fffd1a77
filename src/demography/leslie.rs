//! The Leslie-matrix view of one year's rates: where they lead if held for ever.
//!
//! ## Reference
//! Leslie (1945), "On the use of matrices in certain population mathematics",
//! Biometrika 33:183-212; Preston, Heuveline & Guillot (2001), ch. 7. The female
//! one-sex matrix has survival ratios on the sub-diagonal and, in its first row, the
//! female births (surviving to age 0) per woman of each age over one year. Its dominant
//! eigenvalue λ gives the intrinsic growth rate r = ln λ, and its eigenvector the stable
//! age structure.
//!
//! λ is found from the matrix's characteristic equation, 1 = Σ_x F_x ℓ_x / λ^(x+1) with
//! ℓ_x = s_0 ⋯ s_(x−1) (Lotka's equation in discrete form), by bisection: a few thousand
//! operations instead of the thousands of dense matrix products power iteration needs
//! when the subdominant eigenvalues are close to λ. Tests check L v = λ v on the
//! nalgebra matrix.

use nalgebra::DMatrix;

use super::lifetable::Survival;
use crate::{AgeVec, NAGES};

/// Intrinsic growth and stable structure of a set of female rates.
#[derive(Debug, Clone)]
pub struct Stable {
    /// Dominant eigenvalue (yearly growth factor).
    pub lambda: f64,
    /// Intrinsic growth rate, ln λ per year.
    pub r: f64,
    /// Stable age distribution (sums to 1).
    pub structure: AgeVec,
}

/// First-row entries F_x of the female Leslie matrix.
fn fertility_row(asfr: &AgeVec, female: &Survival, female_share_of_births: f64) -> AgeVec {
    let mut f = AgeVec::zeros();
    for x in 0..NAGES - 1 {
        // Women aged x at t bear over the year; exposure is averaged over the women
        // alive at the start and those alive a year later at age x+1.
        f[x] = female.newborn * female_share_of_births * 0.5 * (asfr[x] + female.s[x] * asfr[x + 1]);
    }
    f
}

/// Builds the female Leslie matrix (the open group 100+ keeps its survivors).
pub fn leslie_matrix(asfr: &AgeVec, female: &Survival, female_share_of_births: f64) -> DMatrix<f64> {
    let f = fertility_row(asfr, female, female_share_of_births);
    let mut l = DMatrix::<f64>::zeros(NAGES, NAGES);
    for x in 0..NAGES - 1 {
        l[(0, x)] = f[x];
        l[(x + 1, x)] = female.s[x];
    }
    l[(NAGES - 1, NAGES - 1)] = female.s[NAGES - 2];
    l
}

/// Dominant eigenvalue and stable structure of the female Leslie matrix.
pub fn stable(asfr: &AgeVec, female: &Survival, female_share_of_births: f64) -> Stable {
    let f = fertility_row(asfr, female, female_share_of_births);
    let mut ell = AgeVec::zeros();
    ell[0] = 1.0;
    for x in 1..NAGES {
        ell[x] = ell[x - 1] * female.s[x - 1];
    }
    // ψ(λ) = Σ F_x ℓ_x λ^-(x+1) decreases in λ; find ψ(λ) = 1.
    let psi = |lambda: f64| (0..NAGES - 1).map(|x| f[x] * ell[x] * lambda.powi(-(x as i32 + 1))).sum::<f64>();
    let (mut lo, mut hi) = (1e-3, 10.0);
    if psi(lo) < 1.0 {
        hi = lo; // no reproduction to speak of
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if psi(mid) > 1.0 {
            lo = mid
        } else {
            hi = mid
        }
        if hi - lo < 1e-15 {
            break;
        }
    }
    let lambda = 0.5 * (lo + hi);
    let mut v = AgeVec::zeros();
    for x in 0..NAGES - 1 {
        v[x] = ell[x] * lambda.powi(-(x as i32));
    }
    let s_open = female.s[NAGES - 2];
    v[NAGES - 1] = if lambda > s_open { v[NAGES - 2] * female.s[NAGES - 2] / (lambda - s_open) } else { v[NAGES - 2] };
    let total = v.sum();
    Stable { lambda, r: lambda.ln(), structure: v / total }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demography::Sex;

    #[test]
    fn stable_vector_is_an_eigenvector_of_the_leslie_matrix() {
        let mut m = AgeVec::zeros();
        for x in 0..NAGES {
            m[x] = 0.0003 * (0.085 * x as f64).exp();
        }
        let surv = Survival::from_mx(&m, Sex::Female);
        for tfr in [0.75, 2.1, 4.0] {
            let mut asfr = AgeVec::zeros();
            for x in 15..50 {
                asfr[x] = tfr / 35.0;
            }
            let st = stable(&asfr, &surv, 0.487);
            let l = leslie_matrix(&asfr, &surv, 0.487);
            let v = nalgebra::DVector::from_iterator(NAGES, st.structure.iter().copied());
            let lv = &l * &v;
            let err = (lv - &v * st.lambda).amax();
            assert!(err < 1e-12, "tfr {tfr}: |Lv - λv| = {err}");
        }
    }
}
