//! Net migration by age and sex implied by WPP's own population estimates, by the
//! residual (forward-survival) method.
//!
//! The data hold WPP's net-migration *totals* for every year but its age pattern only
//! from 2023 on (PROVENANCE.md: the historical `migrationM5`/`migrationF5` were not in
//! the snapshot). WPP's 5-year age-sex estimates, its births and its life tables pin the
//! age pattern down anyway: whatever a cohort gained or lost between two estimates beyond
//! what mortality explains is net migration (plus any inconsistency between the two
//! estimates, which the method cannot tell apart).
//!
//! ## Method
//! For each 5-year period [t, t+5) between two WPP estimates (1 July):
//! - **Cohorts alive at t.** The cohort aged x..x+4 at t is aged x+5..x+9 at t+5. With
//!   S = ₅L_{x+5} / ₅L_x from the period's life table (WPP's 5-year mx of the period,
//!   graduated to single ages as in every run, [`graduate_mx`]), and net migrants arriving
//!   half at the start of the period (exposed to its mortality) and half at the end — the
//!   convention of the model's yearly step ([`crate::demography::step`]) — the projection
//!   P(t+5) = S·(P(t) + ½NM) + ½NM gives
//!   NM = (P(t+5, x+5..x+9) − S·P(t, x..x+4)) · 2 / (1 + S).
//!   The open group 100+ at t+5 comes from 95+ at t, with S = T₁₀₀ / T₉₅.
//! - **Cohort born in the period** (0-4 at t+5): the children born in year k of the
//!   period, ½(B(t+k) + B(t+k+1)) calendar-year births (`data.births`, split by sex with
//!   WPP's sex ratio at birth), are aged 4−k at t+5; L_{4−k} (radix 1) of them are alive.
//!   NM = (P(t+5, 0-4) − Σ_k B_k L_{4−k}) · 2 / (1 + S_b), S_b the births-weighted survival.
//!   (The half-and-half split is an approximation here: the children cannot arrive
//!   before they are born; S_b is close to 1 after 1960, so the factor hardly matters.)
//!
//! Between the two approximations of the UN Manual — forward survival (migrants all at
//! the end, NM = P(t+5) − S·P(t)) and reverse survival (all at the start, NM =
//! P(t+5)/S − P(t)) — the half-and-half split is the one the projection then applies, so a
//! cohort's figure is what the model needs to carry it from one estimate to the next.
//!
//! ## From cohorts to ages
//! A cohort aged x..x+4 at t meets its migrants at every age between x and x+10 over the
//! period, on average at x+5; its figure is placed at the mid-period ages
//! [x+2.5, x+7.5) (the births of the period at [0, 2.5), the open group at [97.5, 101)).
//! The signed cumulative of the cohort figures over those knots is interpolated by the
//! Fritsch-Carlson monotone spline ([`Pchip`], as [`crate::demography::graduation::split_groups`]
//! does for counts, here with signed totals and half-integer knots) and differenced at
//! single ages; the single ages sum to the period's total exactly, and each cohort's
//! figure is kept between its knots. Divided by 5 it is a yearly pattern by single age
//! at migration, the meaning of a migration vector in the model's step.
//!
//! ## Circularity
//! A pattern estimated from WPP's estimates of t+5 and then used to project from t to
//! t+5 is partly fitted to those estimates: the back-test with it reproduces every
//! cohort alive at the start by construction, up to the graduation and to the spreading
//! of each 5-year figure over single ages and years. What it still tests independently
//! is fertility (births each year, the cohorts born during the back-test), the total
//! (migration is scaled to WPP's yearly totals, not to the residual's), and the
//! mortality of each year.
//!
//! ## References
//! Preston, Heuveline & Guillot (2001), *Demography: Measuring and Modeling Population
//! Processes*, Blackwell, ch. 8 ("Modeling age patterns of vital events", the
//! intercensal cohort-survival estimate of net migration by age) and ch. 3 (₅L_x as
//! cohort survival); United Nations (1970), *Manual VI: Methods of Measuring Internal
//! Migration*, Population Studies 47, ch. III ("Indirect measures of net migration: the
//! national growth-rate and survival-ratio methods", forward and reverse survival).

use crate::data::CountryData;
use crate::data::country::POP_GROUPS;
use crate::demography::graduation::{Pchip, graduate_mx};
use crate::demography::{LifeTable, Sex};
use crate::error::{Error, Result};
use crate::{AgeVec, NAGES};

/// Length of the periods between WPP's estimates (years).
pub const PERIOD: i32 = 5;

/// Net migration of one 5-year period [start, start+5), by cohort and by single age.
#[derive(Debug, Clone, PartialEq)]
pub struct Period {
    /// First year (1 July) of the period.
    pub start: i32,
    /// Net migrants over the period by cohort, indexed by the cohort's 5-year group at the
    /// end of the period (0 = born in the period, 20 = 100+), male then female (persons).
    pub cohort: [[f64; POP_GROUPS]; 2],
    /// Five-year survival used for each cohort (same indexing).
    pub survival: [[f64; POP_GROUPS]; 2],
    /// Net migrants per year by single age at migration, male then female (persons).
    pub yearly: [AgeVec; 2],
}

impl Period {
    /// Net migrants over the whole period, both sexes.
    pub fn total(&self) -> f64 {
        self.cohort.iter().flatten().sum()
    }

    /// Net migrants per year of the single-age pattern, both sexes (its own level).
    pub fn level(&self) -> f64 {
        self.yearly[0].sum() + self.yearly[1].sum()
    }

    /// Whether the interval t → t+1 lies in the period.
    pub fn contains(&self, t: i32) -> bool {
        (self.start..self.start + PERIOD).contains(&t)
    }

    /// The yearly single-age pattern normalised so that both sexes sum to 1.
    pub fn shape(&self) -> [AgeVec; 2] {
        let sum = self.yearly[0].sum() + self.yearly[1].sum();
        [self.yearly[0] / sum, self.yearly[1] / sum]
    }
}

/// Lower edge of the mid-period ages given to the cohort of end group `g`.
fn knot(g: usize) -> f64 {
    if g == 0 { 0.0 } else { 5.0 * g as f64 - 2.5 }
}

/// Residual net migration of every period between consecutive WPP estimates.
pub fn estimate(data: &CountryData) -> Result<Vec<Period>> {
    let mut out = Vec::new();
    for w in data.pop5.windows(2) {
        let (p0, p1) = (&w[0], &w[1]);
        if p1.year != p0.year + PERIOD {
            continue;
        }
        let t = p0.year;
        let mx = data.mx.iter().find(|m| m.start == t).ok_or_else(|| {
            Error::data(&data.dir, None, "mx", format!("no WPP mortality period starting in {t} for the residual"))
        })?;
        let mut cohort = [[0.0; POP_GROUPS]; 2];
        let mut survival = [[0.0; POP_GROUPS]; 2];
        for (s, sex) in Sex::BOTH.into_iter().enumerate() {
            let lt = LifeTable::new(&graduate_mx(if s == 0 { &mx.male } else { &mx.female }, sex), sex);
            let big = |a: usize, b: usize| -> f64 { (a..=b).map(|x| lt.lx_big[x]).sum() };
            let (start, end) = if s == 0 { (&p0.male, &p1.male) } else { (&p0.female, &p1.female) };
            // Born in the period.
            let (mut born, mut alive) = (0.0, 0.0);
            for k in 0..PERIOD {
                let mut b = 0.0;
                for y in [t + k, t + k + 1] {
                    let births = data.births.get(y).ok_or_else(|| {
                        Error::data(&data.dir, None, "births", format!("no births for {y} for the residual"))
                    })?;
                    let srb = data.srb.get(y).ok_or_else(|| {
                        Error::data(&data.dir, None, "srb", format!("no sex ratio at birth for {y} for the residual"))
                    })?;
                    b += 0.5 * births * if s == 0 { srb / (1.0 + srb) } else { 1.0 / (1.0 + srb) };
                }
                born += b;
                alive += b * lt.lx_big[(PERIOD - 1 - k) as usize];
            }
            let sb = if born > 0.0 { alive / born } else { 1.0 };
            survival[s][0] = sb;
            cohort[s][0] = (end[0] - alive) * 2.0 / (1.0 + sb);
            // Alive at the start.
            for g in 1..POP_GROUPS {
                let (sv, from) = if g == POP_GROUPS - 1 {
                    (lt.tx[NAGES - 1] / lt.tx[NAGES - 6], start[g - 1] + start[g])
                } else {
                    (big(5 * g, 5 * g + 4) / big(5 * g - 5, 5 * g - 1), start[g - 1])
                };
                survival[s][g] = sv;
                cohort[s][g] = (end[g] - sv * from) * 2.0 / (1.0 + sv);
            }
        }
        let yearly = cohort.map(|c| to_single_ages(&c));
        out.push(Period { start: t, cohort, survival, yearly });
    }
    Ok(out)
}

/// Cohort figures of a period → yearly net migrants by single age at migration.
fn to_single_ages(cohort: &[f64; POP_GROUPS]) -> AgeVec {
    let mut knots: Vec<f64> = (0..POP_GROUPS).map(knot).collect();
    knots.push(NAGES as f64);
    let mut cum = vec![0.0];
    for c in cohort {
        cum.push(cum.last().copied().unwrap_or(0.0) + c);
    }
    let spline = Pchip::new(&knots, &cum);
    let mut v = AgeVec::zeros();
    for x in 0..NAGES {
        v[x] = (spline.eval((x + 1) as f64) - spline.eval(x as f64)) / f64::from(PERIOD);
    }
    v
}

/// The period whose pattern applies to the interval t → t+1: the one containing it, else
/// the nearest (the last period, 2015-2020, for the intervals after WPP's last estimate).
pub fn period_for(periods: &[Period], t: i32) -> Option<&Period> {
    periods.iter().find(|p| p.contains(t)).or_else(|| periods.iter().min_by_key(|p| (p.start + 2 - t).abs()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_ages_keep_the_total_and_the_cohort_between_its_knots() {
        // One cohort (35-39 at t, 40-44 at t+5) with 1000 net migrants: placed at the
        // mid-period ages [37.5, 42.5), spread by the spline over ages 37..=42 only.
        let mut c = [0.0; POP_GROUPS];
        c[8] = 1000.0;
        let v = to_single_ages(&c);
        assert!((v.sum() - 200.0).abs() < 1e-9, "{}", v.sum());
        for x in 0..NAGES {
            assert!((37..=42).contains(&x) || v[x].abs() < 1e-9, "age {x}: {}", v[x]);
        }
        // Signed figures: the total is kept whatever the signs.
        let mut c = [0.0; POP_GROUPS];
        for (g, v) in c.iter_mut().enumerate() {
            *v = 1000.0 * ((g as f64) * 0.9).sin();
        }
        let v = to_single_ages(&c);
        assert!((v.sum() * 5.0 - c.iter().sum::<f64>()).abs() < 1e-9);
    }
}
