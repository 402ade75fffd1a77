//! A base population dated any day, carried to the next 1 July (issue 15).
//!
//! The model's years run from 1 July to 1 July. A registration counted on another day
//! (Taiwan's household registration is a year-end count, 31 December 2024) is projected
//! forward over the fraction `f` of a year to the next 1 July with the scenario's first
//! interval's rates: births, deaths and net migration of `f` of a year, and ageing of the
//! share `f` of each single age whose birthdays fall in the window (birthdays spread
//! evenly over the year, an assumption). A base dated 30 June or 1 July has `f = 0` and
//! is returned unchanged, bit for bit (Korea's 30 June 2025 base).
//!
//! Chosen over a general base date because every later step (the year-by-year Leslie
//! step, WPP's mid-year rates, the force model's 1 July stocks) assumes mid-year
//! populations; carrying the base once keeps all of them as they are.

use super::rates::IntervalRates;
use super::{Flows, Population};
use crate::error::{Error, Result};
use crate::{AgeVec, NAGES};

/// Days in a year, as in [`crate::data::force::decimal_date`].
const DAYS_PER_YEAR: f64 = 365.25;

fn leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Days of the year before month `m`, day `d` (0 for 1 January).
fn day_of_year(y: i32, m: u32, d: u32) -> u32 {
    const CUM: [u32; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
    CUM[m as usize - 1] + d - 1 + u32::from(leap(y) && m > 2)
}

/// The year of the next 1 July after a reference date `YYYY-MM-DD` (counted at the end
/// of that day) and the fraction of a year (days / 365.25) between them. 30 June and 1
/// July are mid-year dates: their own year and 0.
pub fn next_mid_year(date: &str) -> std::result::Result<(i32, f64), String> {
    let bad = || format!("expected a date YYYY-MM-DD, got `{date}`");
    let mut it = date.split('-');
    let y = it.next().filter(|s| s.len() == 4).and_then(|s| s.parse::<i32>().ok()).ok_or_else(bad)?;
    let m = it.next().filter(|s| s.len() == 2).and_then(|s| s.parse::<u32>().ok()).ok_or_else(bad)?;
    let d = it.next().filter(|s| s.len() == 2).and_then(|s| s.parse::<u32>().ok()).ok_or_else(bad)?;
    const LEN: [u32; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if it.next().is_some() || !(1..=12).contains(&m) || !(1900..=2200).contains(&y) {
        return Err(bad());
    }
    let len = LEN[m as usize - 1] + u32::from(leap(y) && m == 2);
    if !(1..=len).contains(&d) {
        return Err(format!("`{date}` is not a calendar date"));
    }
    if (m, d) == (6, 30) || (m, d) == (7, 1) {
        return Ok((y, 0.0));
    }
    let end = day_of_year(y, m, d) + 1; // days elapsed at the end of the reference day
    let july = day_of_year(y, 7, 1);
    let (year, days) = if end <= july {
        (y, july - end)
    } else {
        (y + 1, (365 + u32::from(leap(y)) - end) + day_of_year(y + 1, 7, 1))
    };
    Ok((year, f64::from(days) / DAYS_PER_YEAR))
}

/// Carries `pop` forward by the fraction `f` (0 < f < 1) of a year with the rates `r` of
/// the interval holding the next 1 July. Returns the population at 1 July and the flows
/// of the window; total(1 July) = total(base) + births − deaths + net migration.
///
/// - Deaths: a constant hazard over the window, survival exp(−f·mx) at each age.
/// - Ageing: the share `f` of each age has its birthday in the window and moves up one
///   age; 100+ is open.
/// - Births: `f` of a year of the interval's ASFR on the mean of the women at the start
///   and at the end of the window; the newborns live on average f/2 of a year, surviving
///   exp(−mx₀·f/2), and are split by the interval's sex ratio at birth.
/// - Net migration: `f` of the interval's net migrants by sex and age (spread on the
///   base population as the interval would), added at the end of the window; a departure
///   larger than an age holds is cut to it (and so counted as applied).
pub fn carry(pop: &Population, r: &IntervalRates, f: f64) -> Result<(Population, Flows)> {
    if !(f > 0.0 && f < 1.0) {
        return Err(Error::Consistency(format!("base-date carry over {f} of a year (expected 0 < f < 1)")));
    }
    let mig = r.migration.realize(pop, r.year)?;
    let end = &r.migration.end;
    let mut flows = Flows::default();
    let mut next = [AgeVec::zeros(), AgeVec::zeros()];
    for (s, n) in next.iter_mut().enumerate() {
        let p = pop.sex(s);
        let mx = &r.mx[s];
        let surv: Vec<f64> = (0..NAGES).map(|a| (-f * mx[a]).exp()).collect();
        for a in 0..NAGES {
            let alive = p[a] * surv[a];
            let up = if a + 1 < NAGES { f * alive } else { 0.0 };
            n[a] += alive - up;
            if a + 1 < NAGES {
                n[a + 1] += up;
            }
        }
        flows.deaths[s] = p.sum() - n.sum();
    }
    let mut births = 0.0;
    for x in 0..NAGES {
        if r.asfr[x] != 0.0 {
            births += f * r.asfr[x] * 0.5 * (pop.female[x] + next[1][x]);
        }
    }
    let male_share = r.srb / (1.0 + r.srb);
    flows.births = [births * male_share, births * (1.0 - male_share)];
    for (s, n) in next.iter_mut().enumerate() {
        let b = flows.births[s];
        let survivors = b * (-0.5 * f * r.mx[s][0]).exp();
        flows.deaths[s] += b - survivors;
        n[0] += survivors;
        let mut applied = 0.0;
        for a in 0..NAGES {
            let v = (n[a] + f * (mig[s][a] + end[s][a])).max(0.0);
            applied += v - n[a];
            n[a] = v;
        }
        flows.net_migration[s] = applied;
    }
    let [male, female] = next;
    Ok((Population { male, female }, flows))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mid_year_dates_need_no_carry_and_year_ends_carry_to_the_next_july() {
        assert_eq!(next_mid_year("2025-06-30"), Ok((2025, 0.0)));
        assert_eq!(next_mid_year("2025-07-01"), Ok((2025, 0.0)));
        // 31 Dec 2024 (end of day) to 1 July 2025: January-June 2025, 181 days.
        assert_eq!(next_mid_year("2024-12-31"), Ok((2025, 181.0 / 365.25)));
        // 31 March 2024 (leap year) to 1 July 2024: April-June, 91 days.
        assert_eq!(next_mid_year("2024-03-31"), Ok((2024, 91.0 / 365.25)));
        // End of 2 July 2023 to 1 July 2024: 3 July 2023 to 30 June 2024, 364 days.
        assert_eq!(next_mid_year("2023-07-02"), Ok((2024, 364.0 / 365.25)));
        for bad in ["2024-02-30", "2024-13-01", "2024-12", "24-12-31", "2024-12-31x", "x"] {
            assert!(next_mid_year(bad).is_err(), "{bad} accepted");
        }
    }
}
