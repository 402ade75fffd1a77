//! A single-age base population from WPP's 5-year age-sex estimates.
//!
//! WPP 2024 publishes mid-year (1 July) population by 5-year group and sex (0-4 … 95-99,
//! 100+) for 1950, 1955, …, 2020; the single-age tables are not in the data (see
//! PROVENANCE.md). The graduation keeps every group total exactly:
//!
//! - **5-9 … 95-99**: the monotone cubic spline on the cumulative count
//!   ([`split_groups`], Fritsch & Carlson 1980) through the group boundaries 0, 5, …, 100.
//!   A spline on the cumulative is non-negative and mass-preserving; near the two ends of
//!   a group it follows the neighbouring groups, which a flat split would not.
//! - **0-4**: a spline is least reliable here (one-sided end, and fertility changed fast in
//!   Korea), but the cohorts are known: the children aged x (completed years) at 1 July of
//!   year Y were born between 1 July Y−x−1 and 1 July Y−x, about ½(B(Y−x−1) + B(Y−x))
//!   calendar-year births, of whom the share L_x (life table of year Y, radix 1) is alive.
//!   The five products, split by sex with WPP's sex ratio at birth of the birth years, set
//!   the shape within the group; the group is then scaled to WPP's 0-4 total. Where births
//!   before Y−5 are not in the data (Y = 1950) the spline is used instead.
//! - **100+** is kept as WPP's open group.
//!
//! ## Reference
//! UN DESA (2024), *World Population Prospects 2024: Methodology*, ch. on "Graduation of
//! 5-year data" (WPP itself graduates with splines on cumulative counts); Preston,
//! Heuveline & Guillot (2001), *Demography*, ch. 3 (L_x as the survivors of a birth cohort).

use super::graduation::split_groups;
use super::lifetable::{LifeTable, Sex};
use super::projection::Population;
use super::rates::MortalitySurface;
use crate::data::CountryData;
use crate::data::country::{POP_GROUPS, Pop5};
use crate::error::{Error, Result};
use crate::{AgeVec, NAGES};

/// The graduated single-age population of a WPP estimate year.
pub fn from_pop5(data: &CountryData, mortality: &MortalitySurface, year: i32) -> Result<Population> {
    let p5 = pop5_of(data, year)?;
    let mx = mortality.at(f64::from(year));
    let mut out = [AgeVec::zeros(), AgeVec::zeros()];
    for (s, sex) in Sex::BOTH.into_iter().enumerate() {
        let groups = if s == 0 { &p5.male } else { &p5.female };
        out[s] = graduate_groups(groups, infant_shape(data, &mx[s], sex, year).as_ref());
    }
    let [male, female] = out;
    Ok(Population { male, female })
}

/// The WPP 5-year estimate of a year, or an error naming the years that exist.
pub fn pop5_of(data: &CountryData, year: i32) -> Result<&Pop5> {
    data.pop5.iter().find(|p| p.year == year).ok_or_else(|| {
        let years: Vec<String> = data.pop5.iter().map(|p| p.year.to_string()).collect();
        Error::data(
            data.dir.join(crate::data::country::files::POP5),
            None,
            "year",
            format!("no WPP population estimate for {year}; the table has {}", years.join(", ")),
        )
    })
}

/// Graduates 21 groups (0-4 … 95-99, 100+) to single ages 0..=100. `infant` is the
/// relative shape of ages 0-4 (any scale); without it the spline shape is used.
pub fn graduate_groups(groups: &[f64; POP_GROUPS], infant: Option<&[f64; 5]>) -> AgeVec {
    let bounds: Vec<f64> = (0..POP_GROUPS).map(|g| (5 * g) as f64).collect();
    let singles = split_groups(&bounds, &groups[..POP_GROUPS - 1]);
    let mut v = AgeVec::zeros();
    for (a, x) in singles.into_iter().enumerate() {
        v[a] = x;
    }
    v[NAGES - 1] = groups[POP_GROUPS - 1];
    if let Some(shape) = infant {
        let sum: f64 = shape.iter().sum();
        if sum > 0.0 && shape.iter().all(|x| x.is_finite() && *x >= 0.0) {
            for (a, x) in shape.iter().enumerate() {
                v[a] = groups[0] * x / sum;
            }
        }
    }
    v
}

/// Survivors at 1 July `year` of the births of each of the five cohorts aged 0-4, by sex
/// (persons, before scaling to WPP's group); `None` when births or SRB are missing.
fn infant_shape(data: &CountryData, mx: &AgeVec, sex: Sex, year: i32) -> Option<[f64; 5]> {
    let lt = LifeTable::new(mx, sex);
    let mut shape = [0.0; 5];
    for (x, out) in shape.iter_mut().enumerate() {
        let mut births = 0.0;
        for y in [year - x as i32 - 1, year - x as i32] {
            let b = data.births.get(y)?;
            let srb = data.srb.get(y)?;
            let share = if sex == Sex::Male { srb / (1.0 + srb) } else { 1.0 / (1.0 + srb) };
            births += 0.5 * b * share;
        }
        *out = births * lt.lx_big[x];
    }
    Some(shape)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graduation_keeps_group_totals_and_open_group() {
        let mut g = [0.0; POP_GROUPS];
        for (i, x) in g.iter_mut().enumerate() {
            *x = 1000.0 * (1.0 + (i as f64 * 0.7).sin().abs()) / (1.0 + 0.1 * i as f64);
        }
        let infant = [5.0, 4.0, 3.0, 2.0, 1.0];
        for shape in [None, Some(&infant)] {
            let v = graduate_groups(&g, shape);
            for (k, &gk) in g.iter().enumerate().take(POP_GROUPS - 1) {
                let s: f64 = (5 * k..5 * k + 5).map(|a| v[a]).sum();
                assert!((s - gk).abs() < 1e-9 * gk, "group {k}: {s} vs {gk}");
            }
            assert_eq!(v[100], g[POP_GROUPS - 1]);
            assert!(v.iter().all(|x| *x >= 0.0));
        }
        let v = graduate_groups(&g, Some(&infant));
        assert!((v[0] / v[4] - 5.0).abs() < 1e-12);
    }
}
