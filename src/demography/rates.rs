//! Turning a scenario's assumptions and the country data into the rates of each
//! projection interval t → t+1 (1 July t to 1 July t+1).
//!
//! Time conventions: a calendar year y spans [y, y+1); a projection interval
//! [t + 0.5, t + 1.5) therefore lies half in year t and half in year t+1, so yearly
//! inputs (TFR, age pattern of fertility, SRB, migration) are averaged over the two.
//! WPP's 5-year mortality periods are centred on their mid-point (2022.5 for
//! 2020-2025); single-age ln mx is interpolated linearly in time between period centres
//! and evaluated at the interval's centre t + 1, held flat beyond the first and last
//! period centre (a documented convention: the periods themselves must reach the end year).
//!
//! Coverage: every table a scenario uses must hold every year of its horizon,
//! base..=end ([`check_coverage`]); a missing year is an error naming the table and the
//! year, never a neighbour's value. The one hold: the end year's row also reports the flows
//! of the interval end → end+1, whose second half lies in year end+1, after the data
//! (2100 for WPP 2024); year end+1 takes the end year's values.

use super::graduation::{asfr_pattern, graduate_mx};
use super::lifetable::{Sex, Survival};
use std::path::Path;

use crate::data::country::files;
use crate::data::{CountryData, YearSeries};
use crate::error::{Error, Result};
use crate::scenario::{MigrationSpec, PathSpec, Scenario};
use crate::{AgeVec, NAGES};

/// Rates for one projection interval.
#[derive(Debug, Clone)]
pub struct IntervalRates {
    /// Start year t of the interval t → t+1.
    pub year: i32,
    /// TFR over the interval (mean of years t and t+1).
    pub tfr: f64,
    /// Single-age fertility rates (births per woman per year).
    pub asfr: AgeVec,
    /// Sex ratio at birth (male per female birth).
    pub srb: f64,
    /// Single-age mx by sex.
    pub mx: [AgeVec; 2],
    /// Net migrants by single age and sex over the interval (persons).
    pub migration: [AgeVec; 2],
}

/// The country's WPP mortality graduated to single ages, as ln mx per period.
#[derive(Debug, Clone)]
pub struct MortalitySurface {
    /// Period centres (decimal years, e.g. 2022.5).
    pub centres: Vec<f64>,
    /// ln mx per period and sex.
    pub ln_mx: Vec<[AgeVec; 2]>,
}

impl MortalitySurface {
    /// Graduates every WPP period.
    pub fn from_data(data: &CountryData) -> MortalitySurface {
        let centres = data.mx.iter().map(|p| f64::from(p.start) + 2.5).collect();
        let ln_mx = data
            .mx
            .iter()
            .map(|p| [graduate_mx(&p.male, Sex::Male).map(f64::ln), graduate_mx(&p.female, Sex::Female).map(f64::ln)])
            .collect();
        MortalitySurface { centres, ln_mx }
    }

    /// Single-age mx at decimal time `t` for both sexes.
    pub fn at(&self, t: f64) -> [AgeVec; 2] {
        let n = self.centres.len();
        let (k, w) = if t <= self.centres[0] {
            (0, 0.0)
        } else if t >= self.centres[n - 1] {
            (n - 2, 1.0)
        } else {
            let k = self.centres.iter().rposition(|&c| c <= t).unwrap_or(0).min(n - 2);
            (k, (t - self.centres[k]) / (self.centres[k + 1] - self.centres[k]))
        };
        let lerp = |s: usize| (self.ln_mx[k][s] * (1.0 - w) + self.ln_mx[k + 1][s] * w).map(f64::exp);
        [lerp(0), lerp(1)]
    }
}

/// Resolves a path to a year series over `first..=last`, where `last` is the year after
/// the end year. A named series must cover `first..=last - 1`; year `last` takes the
/// value of `last - 1` when the series stops there (see the module notes).
pub fn resolve_path(path: &PathSpec, data: &CountryData, what: &str, first: i32, last: i32) -> Result<YearSeries> {
    match path {
        PathSpec::Anchors(a) => Ok(YearSeries::from_anchors(a, first, last)),
        PathSpec::Series(name) => {
            let (s, file, label) = match what {
                "tfr" => {
                    let label = name.strip_prefix("wpp-").unwrap_or(name);
                    (data.tfr.get(label), files::TFR, label)
                }
                "srb" => (Some(&data.srb), files::SRB, "wpp"),
                _ => (None, "", name.as_str()),
            };
            let s = s.ok_or_else(|| {
                Error::data(data.dir.join(file), None, "series", format!("no `{label}` series in the data"))
            })?;
            let table = data.dir.join(file);
            require_years(&table, &format!("series `{label}`"), (s.first, s.last()), first, last - 1)?;
            let values = (first..=last).map(|y| s.get(y.min(s.last())).unwrap_or(f64::NAN)).collect();
            Ok(YearSeries { first, values })
        }
    }
}

/// An error unless `have` (first and last year of a table or series, consecutive)
/// includes every year `first..=last`; it names the table and the first missing year.
fn require_years(table: &Path, what: &str, have: (i32, i32), first: i32, last: i32) -> Result<()> {
    let missing = if have.0 > first {
        Some(first)
    } else if have.1 < last {
        Some(have.1 + 1)
    } else {
        None
    };
    match missing {
        Some(y) => Err(Error::data(
            table,
            None,
            "year",
            format!(
                "{what} has no value for {y}: it covers {}-{}, and the projection needs every year {first}-{last}",
                have.0, have.1
            ),
        )),
        None => Ok(()),
    }
}

/// Checks that the country data cover every year the rates of the intervals
/// `first..=last_start` use (see the module notes): the fertility age pattern, the
/// mortality periods, the single-age migration table from its first year on, and before
/// that, for a scenario that follows WPP's migration, WPP's estimated totals. The named
/// TFR and SRB series are checked by [`resolve_path`].
pub fn check_coverage(scenario: &Scenario, data: &CountryData, first: i32, last_start: i32) -> Result<()> {
    let pasfr_last = data.pasfr_first + data.pasfr.len() as i32 - 1;
    require_years(&data.dir.join(files::PASFR), "the table", (data.pasfr_first, pasfr_last), first, last_start)?;
    if let (Some(p0), Some(p1)) = (data.mx.first(), data.mx.last()) {
        // Periods cover [start, start + 5); the last must reach the end year.
        require_years(
            &data.dir.join(files::MX),
            "the table (5-year periods)",
            (p0.start, p1.start + 5),
            first,
            last_start,
        )?;
    }
    let mig = data.dir.join(files::MIG_AGE);
    let (Some(a0), Some(a1)) = (data.mig_age.first(), data.mig_age.last()) else {
        return Err(Error::data(&mig, None, "year", "the single-age migration table has no rows"));
    };
    if last_start >= a0.0 {
        require_years(&mig, "the table", (a0.0, a1.0), first.max(a0.0), last_start)?;
    }
    if matches!(scenario.migration, MigrationSpec::Series { .. }) && first < a0.0 {
        // Years before the single-age table take WPP's estimated total of the year.
        let est = data.mig_total.get("estimate").ok_or_else(|| {
            Error::data(data.dir.join(files::MIG_TOTAL), None, "series", "no `estimate` series in the data")
        })?;
        let before = (last_start + 1).min(a0.0 - 1);
        require_years(&data.dir.join(files::MIG_TOTAL), "series `estimate`", (est.first, est.last()), first, before)?;
    }
    Ok(())
}

fn migration_for_year(data: &CountryData, year: i32) -> Option<&(i32, AgeVec, AgeVec)> {
    // Years are consecutive (the reader checks), so the offset finds the year; outside the
    // table the nearest year stands in: before it, as the age-sex pattern of the earlier
    // years (see `wpp_migration`); after it, only for year end+1 (see `check_coverage`).
    let first = data.mig_age.first()?.0;
    let last = data.mig_age.last()?.0;
    let y = year.clamp(first, last);
    data.mig_age.get((y - first) as usize).filter(|m| m.0 == y)
}

/// WPP's net migrants of a calendar year by age and sex (persons). From the first year of
/// the single-age table (2023) on, the table itself. Before it, the single-age table holds
/// nothing, so WPP's estimated total of the year (`mig_total` "estimate") is spread by the
/// first year's age-sex pattern normalised to sum to 1 (a documented substitute: WPP's own
/// historical age pattern is not in the data, see PROVENANCE.md).
pub fn wpp_migration(data: &CountryData, year: i32) -> Option<(AgeVec, AgeVec)> {
    let (first, m, f) = data.mig_age.first()?;
    if year >= *first {
        let (_, m, f) = migration_for_year(data, year)?;
        return Some((*m, *f));
    }
    let sum = m.sum() + f.sum();
    let total = data.mig_total.get("estimate").and_then(|s| s.get(year.max(s.first)));
    match total {
        Some(t) if sum != 0.0 => Some((m * (t / sum), f * (t / sum))),
        _ => Some((*m, *f)),
    }
}

/// Builds the rates for every interval `base..=last_start` (interval t → t+1).
pub fn build(
    scenario: &Scenario,
    data: &CountryData,
    mortality: &MortalitySurface,
    first: i32,
    last_start: i32,
) -> Result<Vec<IntervalRates>> {
    check_coverage(scenario, data, first, last_start)?;
    let tfr = resolve_path(&scenario.fertility.tfr, data, "tfr", first, last_start + 1)?;
    let srb = resolve_path(&scenario.fertility.srb, data, "srb", first, last_start + 1)?;
    // Both cover first..=last_start + 1 by construction.
    let year_of =
        |s: &YearSeries, y: i32| s.get(y).ok_or_else(|| Error::Consistency(format!("a resolved series lacks {y}")));
    let scale = scenario.mortality.mx_scale;
    let mut out = Vec::with_capacity((last_start - first + 1).max(0) as usize);
    let mut pattern_cache: Option<(i32, AgeVec)> = None;
    for t in first..=last_start {
        let mut asfr = AgeVec::zeros();
        for (y, w) in [(t, 0.5), (t + 1, 0.5)] {
            let pat = match &pattern_cache {
                Some((cy, p)) if *cy == y => *p,
                _ => {
                    let p = asfr_pattern(data.pasfr_for(y));
                    pattern_cache = Some((y, p));
                    p
                }
            };
            asfr += pat * (w * year_of(&tfr, y)?);
        }
        let mut mx = mortality.at(f64::from(t) + 1.0);
        if scale != 1.0 {
            for m in mx.iter_mut() {
                for x in 0..NAGES {
                    // Below the open group a rate above ~1 has no meaning for a one-year step.
                    m[x] = if x + 1 < NAGES { (m[x] * scale).min(0.999) } else { m[x] * scale };
                }
            }
        }
        let (a, b) = (migration_for_year(data, t), migration_for_year(data, t + 1));
        let (Some(a), Some(b)) = (a, b) else {
            return Err(Error::data(&data.dir, None, "migration", "no single-age migration data"));
        };
        let wpp = [(a.1 + b.1) * 0.5, (a.2 + b.2) * 0.5];
        let migration = match &scenario.migration {
            MigrationSpec::Series { scale, .. } => {
                let (Some(a), Some(b)) = (wpp_migration(data, t), wpp_migration(data, t + 1)) else {
                    return Err(Error::data(&data.dir, None, "migration", "no single-age migration data"));
                };
                [(a.0 + b.0) * (0.5 * *scale), (a.1 + b.1) * (0.5 * *scale)]
            }
            MigrationSpec::Anchors(anchors) => {
                let total = 0.5
                    * (crate::data::interpolate(anchors, f64::from(t))
                        + crate::data::interpolate(anchors, f64::from(t + 1)));
                let wsum = wpp[0].sum() + wpp[1].sum();
                if total == 0.0 || wsum == 0.0 {
                    [AgeVec::zeros(), AgeVec::zeros()]
                } else {
                    [wpp[0] * (total / wsum), wpp[1] * (total / wsum)]
                }
            }
        };
        out.push(IntervalRates {
            year: t,
            tfr: 0.5 * (year_of(&tfr, t)? + year_of(&tfr, t + 1)?),
            asfr,
            srb: 0.5 * (year_of(&srb, t)? + year_of(&srb, t + 1)?),
            mx,
            migration,
        });
    }
    Ok(out)
}

impl IntervalRates {
    /// Survival ratios for both sexes.
    pub fn survival(&self) -> [Survival; 2] {
        [Survival::from_mx(&self.mx[0], Sex::Male), Survival::from_mx(&self.mx[1], Sex::Female)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coverage_names_the_first_missing_year() {
        let t = Path::new("t.csv");
        assert!(require_years(t, "x", (1950, 2100), 2025, 2100).is_ok());
        let late = require_years(t, "x", (2030, 2100), 2025, 2100).unwrap_err().to_string();
        assert!(late.contains("has no value for 2025: it covers 2030-2100"), "{late}");
        let early = require_years(t, "series `medium`", (1950, 2060), 2025, 2100).unwrap_err().to_string();
        assert_eq!(
            early,
            "t.csv: year: series `medium` has no value for 2061: it covers 1950-2060, and the projection needs every year 2025-2100"
        );
    }
}
