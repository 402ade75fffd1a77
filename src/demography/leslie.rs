//! The Leslie-matrix view of one year's rates: where they lead if held for ever.
//!
//! ## Reference
//! Leslie (1945), "On the use of matrices in certain population mathematics",
//! Biometrika 33:183-212; Preston, Heuveline & Guillot (2001), ch. 7. The female
//! one-sex matrix has survival ratios on the sub-diagonal and, in its first row, the
//! female births (surviving to age 0) per woman of each age over one year. Its dominant
//! eigenvalue λ gives the intrinsic growth rate r = ln λ, and its eigenvector the stable
//! age structure.

use nalgebra::{DMatrix, DVector};

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

/// Builds the female Leslie matrix.
pub fn leslie_matrix(asfr: &AgeVec, female: &Survival, female_share_of_births: f64) -> DMatrix<f64> {
    let mut l = DMatrix::<f64>::zeros(NAGES, NAGES);
    for x in 0..NAGES - 1 {
        // Women aged x at t bear over the year; exposure is averaged over the women
        // alive at the start (1) and those alive a year later (s_x) at age x+1.
        let next_f = if x + 1 < NAGES { asfr[x + 1] } else { 0.0 };
        l[(0, x)] = female.newborn * female_share_of_births * 0.5 * (asfr[x] + female.s[x] * next_f);
        l[(x + 1, x)] = female.s[x];
    }
    l[(NAGES - 1, NAGES - 1)] = female.s[NAGES - 2];
    l
}

/// Dominant eigenvalue and vector by power iteration (the Leslie matrix of a
/// population with fertility at two coprime ages is primitive, so it converges).
pub fn stable(asfr: &AgeVec, female: &Survival, female_share_of_births: f64) -> Stable {
    let l = leslie_matrix(asfr, female, female_share_of_births);
    let mut v = DVector::<f64>::from_element(NAGES, 1.0 / NAGES as f64);
    let mut lambda = 1.0;
    for _ in 0..2000 {
        let w = &l * &v;
        let s = w.sum();
        if s <= 0.0 {
            break;
        }
        let new_lambda = s / v.sum();
        v = w / s;
        if (new_lambda - lambda).abs() < 1e-13 {
            lambda = new_lambda;
            break;
        }
        lambda = new_lambda;
    }
    Stable { lambda, r: lambda.ln(), structure: AgeVec::from_iterator(v.iter().copied()) }
}
