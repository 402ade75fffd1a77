//! Turning a scenario's assumptions and the country data into the rates of each
//! projection interval t → t+1 (1 July t to 1 July t+1).
//!
//! Time conventions: a calendar year y spans [y, y+1); a projection interval
//! [t + 0.5, t + 1.5) therefore lies half in year t and half in year t+1, so yearly
//! inputs (TFR, age pattern of fertility, SRB, migration) are averaged over the two.
//! WPP's 5-year mortality periods run from 1 July to 30 June (1950-1955 is 1 July 1950 to
//! 1 July 1955) and are centred on the table's `mid_year` column: 1953 for 1950-1955,
//! 2023 for 2020-2025, the decimal year of 1 January in the period's middle (it was once
//! start + 2.5, 2022.5, half a year too early: see README "The UN's medium projection").
//! Single-age ln mx is interpolated linearly in time between period centres and evaluated
//! at the interval's centre t + 1 (1 January t+1), held flat beyond the first and last
//! period centre (a documented convention: the periods themselves must reach the end year).
//!
//! Coverage: every table a scenario uses must hold every year of its horizon,
//! base..=end ([`check_coverage`]); a missing year is an error naming the table and the
//! year, never a neighbour's value. The one hold: the end year's row also reports the flows
//! of the interval end → end+1, whose second half lies in year end+1, after the data
//! (2100 for WPP 2024); year end+1 takes the end year's values.

use std::path::PathBuf;
use std::sync::Arc;

use super::graduation::{asfr_pattern, graduate_mx};
use super::lifetable::{Sex, Survival};
use std::path::Path;

use super::citizen_migration::CitizenProfile;
use super::migration::MigrationProfile;
use super::projection::Population;
use crate::data::country::{MxPeriod, files};
use crate::data::{CountryData, YearSeries};
use crate::error::{Diagnostic, Diagnostics, Error, Result};
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
    /// Net migrants over the interval: age-sex figures and a net total still to be spread
    /// over the population at the start of the interval ([`IntervalMigration::realize`]).
    pub migration: IntervalMigration,
}

/// Net migration of one interval t → t+1: WPP's age-sex figures where the scenario takes
/// them as they are (`series`, from the first year of the single-age table), plus a net
/// total (`net_anchors`, or WPP's estimated totals before the table) spread over age and
/// sex by the [`MigrationProfile`] on the population at t.
///
/// WPP's single-age table follows the UN projection code's "end of interval" convention
/// (bayesPop's `MigCode` 9, `ccmppWPP`'s `mig_assumption = "end"`): the migrants of a
/// calendar year y are counted by their age at its end, 1 January y+1, and join the
/// population then, after that year's deaths and births. WPP projects from 1 January to
/// 1 January and gives the 1 July population as the mean of the two 1 January figures
/// around it; so from 1 July t to 1 July t+1 the population gains ½(M_t + M_{t+1}) at
/// the ages of the table, with no exposure to the interval's mortality, and the
/// interval's births lose the same ½(M_t + M_{t+1}) from their end exposure (each
/// calendar year's births exclude its own end-of-year migrants). These go to
/// [`IntervalMigration::end`] and the step adds them at the end
/// ([`crate::demography::StepInputs::end_migration`]). Everything else is spread evenly
/// over the interval (half at the start, exposed to mortality; half at the end).
#[derive(Debug, Clone)]
pub struct IntervalMigration {
    /// Net migrants by sex (male, female) and single age, used as they are and spread
    /// evenly over the interval (persons).
    pub fixed: [AgeVec; 2],
    /// Net migrants by sex and by their single age at the end of the interval, added
    /// there (WPP's single-age table; persons).
    pub end: [AgeVec; 2],
    /// Net total spread in proportion to the population by sex and age at the start of
    /// the interval, evenly over the interval (persons; negative for net departures): the
    /// difference between WPP's estimated total and the residual pattern's own level in
    /// the years before the single-age table (see [`build`]).
    pub proportional: f64,
    /// Net total still to be spread (persons; negative for net departures).
    pub net: f64,
    /// The profile that spreads `net`, and the scenario key errors are reported against.
    pub spreading: Arc<Spreading>,
}

/// How a run spreads net totals, shared by its intervals.
#[derive(Debug, Clone)]
pub struct Spreading {
    /// Arrival shares and departure intensities (an all-resident base, or WPP's series).
    pub profile: MigrationProfile,
    /// The citizen profile, which spreads every net total (zero included) when the base
    /// counts citizens and the migration is not WPP's series ([`uses_citizen_profile`]).
    pub citizens: Option<Arc<CitizenProfile>>,
    /// The scenario's files (its own first, then its parents): errors are reported at the
    /// line that sets `key`, or against the first file.
    pub files: Vec<PathBuf>,
    /// The scenario key the migration comes from (`migration.net_anchors`, …).
    pub key: &'static str,
}

impl IntervalMigration {
    /// No migration.
    pub fn none(spreading: Arc<Spreading>) -> IntervalMigration {
        IntervalMigration {
            fixed: [AgeVec::zeros(), AgeVec::zeros()],
            end: [AgeVec::zeros(), AgeVec::zeros()],
            proportional: 0.0,
            net: 0.0,
            spreading,
        }
    }

    /// Net migrants by sex and single age spread evenly over the interval, for a
    /// population `pop` at its start in `year`: the fixed figures plus the spread net
    /// total ([`IntervalMigration::end`] comes on top). An error
    /// names the scenario key and the year when the total cannot be spread (departures
    /// above half of an age-sex cell).
    pub fn realize(&self, pop: &Population, year: i32) -> Result<[AgeVec; 2]> {
        let mut m = self.known(pop, year)?;
        if let Some(c) = &self.spreading.citizens {
            let d = c.spread(self.net, pop).map_err(|e| self.error(year, &e))?;
            m[0] += d[0];
            m[1] += d[1];
        } else if self.net != 0.0 {
            let d = self.spreading.profile.spread(self.net, pop).map_err(|e| self.error(year, &e))?;
            m[0] += d[0];
            m[1] += d[1];
        }
        Ok(m)
    }

    /// The part of [`IntervalMigration::realize`] that needs no profile: the fixed
    /// figures plus the proportional total spread on `pop`.
    pub fn known(&self, pop: &Population, year: i32) -> Result<[AgeVec; 2]> {
        let mut m = self.fixed;
        if self.proportional != 0.0 {
            let total = pop.total();
            if total.is_nan() || total <= 0.0 {
                return Err(self.error(year, "nobody is in the population to spread WPP's net total on"));
            }
            let k = self.proportional / total;
            m[0] += pop.male * k;
            m[1] += pop.female * k;
        }
        Ok(m)
    }

    /// A scenario error about the interval starting in `year`.
    pub fn error(&self, year: i32, message: &str) -> Error {
        let sp = &self.spreading;
        let (file, line) = crate::scenario::node::key_site(&sp.files, sp.key);
        Error::Scenario(Diagnostics(vec![Diagnostic {
            file,
            line,
            key: self.spreading.key.into(),
            message: format!("net migration over {year}-{}: {message}", year + 1),
        }]))
    }
}

/// The country's WPP mortality graduated to single ages, as ln mx per period.
#[derive(Debug, Clone)]
pub struct MortalitySurface {
    /// First calendar year of each period (2020 for 2020-2025).
    pub starts: Vec<i32>,
    /// Period centres: the table's `mid_year` (decimal years, e.g. 2023.0 for 2020-2025).
    pub centres: Vec<f64>,
    /// ln mx per period and sex.
    pub ln_mx: Vec<[AgeVec; 2]>,
}

impl MortalitySurface {
    /// Graduates every WPP period.
    pub fn from_data(data: &CountryData) -> MortalitySurface {
        MortalitySurface::from_periods(&data.mx)
    }

    /// Graduates the given periods (consecutive, at least one), each centred at its
    /// `mid_year`.
    pub fn from_periods(periods: &[MxPeriod]) -> MortalitySurface {
        let starts = periods.iter().map(|p| p.start).collect();
        let centres = periods.iter().map(|p| p.mid_year).collect();
        let ln_mx = periods
            .iter()
            .map(|p| [graduate_mx(&p.male, Sex::Male).map(f64::ln), graduate_mx(&p.female, Sex::Female).map(f64::ln)])
            .collect();
        MortalitySurface { starts, centres, ln_mx }
    }

    /// Single-age mx at decimal time `t` for both sexes: log-linear between the period
    /// centres; before the first centre, the first period's rates (1950-1953 hold the
    /// Korean War, no trend to carry back); after the last centre, the last two periods'
    /// log-linear trend carried to the end of the last period (1 July of its start + 5,
    /// decimal start + 5.5), flat beyond. Holding the rates flat from the last centre
    /// (2098.0) instead left e0 0.12-0.29 years below WPP's annual medium values in
    /// 2098-2100, against 0.01 before (README, "The UN's medium projection").
    pub fn at(&self, t: f64) -> [AgeVec; 2] {
        let n = self.centres.len();
        if n == 1 {
            return [self.ln_mx[0][0].map(f64::exp), self.ln_mx[0][1].map(f64::exp)];
        }
        let (k, w) = if t <= self.centres[0] {
            (0, 0.0)
        } else if t >= self.centres[n - 1] {
            let end = f64::from(self.starts[n - 1]) + 5.5;
            let span = self.centres[n - 1] - self.centres[n - 2];
            (n - 2, 1.0 + (t.min(end) - self.centres[n - 1]).max(0.0) / span)
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

/// WPP's net migration of a calendar year.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum WppMigration<'a> {
    /// From the first year of the single-age table (2023) on: its net migrants by sex
    /// (male, female) and single age.
    ByAge(&'a AgeVec, &'a AgeVec),
    /// Before it: only WPP's estimated net total of the year (`mig_total` "estimate"),
    /// to be spread by the [`MigrationProfile`] (WPP's own historical age pattern is not
    /// in the data, see PROVENANCE.md). Years before the estimates take their first year.
    Total(f64),
}

/// WPP's net migration of `year` (`None` when the data hold neither the single-age
/// table nor an estimated total for it).
pub fn wpp_migration(data: &CountryData, year: i32) -> Option<WppMigration<'_>> {
    let first = data.mig_age.first()?.0;
    if year >= first {
        let (_, m, f) = migration_for_year(data, year)?;
        return Some(WppMigration::ByAge(m, f));
    }
    let s = data.mig_total.get("estimate")?;
    s.get(year.max(s.first)).map(WppMigration::Total)
}

/// Whether a scenario's net migration is spread by the citizen profile: a citizen base
/// (the registration) with the nationals' series or net totals; WPP's series keeps WPP's
/// age-sex figures and an all-resident base WPP's profile.
pub fn uses_citizen_profile(scenario: &Scenario) -> bool {
    scenario.base_population == crate::scenario::BasePopulationSource::Registration
        && !matches!(scenario.migration, MigrationSpec::Series { .. })
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
    let key = match &scenario.migration {
        MigrationSpec::Anchors(_) => "migration.net_anchors",
        MigrationSpec::Citizens { scale } if *scale != 1.0 => "migration.scale",
        MigrationSpec::Citizens { .. } => "migration.series",
        MigrationSpec::Series { scale, .. } if *scale != 1.0 => "migration.scale",
        MigrationSpec::Series { .. } => "migration.series",
    };
    let citizens =
        if uses_citizen_profile(scenario) { Some(Arc::new(CitizenProfile::derive(data, mortality)?)) } else { None };
    let spreading = Arc::new(Spreading {
        citizens: citizens.clone(),
        profile: MigrationProfile::from_data(data),
        files: scenario.files.clone(),
        key,
    });
    // Years before WPP's single-age table (2020-2022 for a 2020 base) take WPP's own
    // age-sex pattern of the 5-year period holding the interval, or of the nearest
    // (2015-2020 after WPP's last estimate), estimated from its population estimates by
    // the residual method, as the back-test does ([`crate::demography::residual`]).
    let table_from = data.mig_age.first().map_or(i32::MAX, |m| m.0);
    let periods = if matches!(scenario.migration, MigrationSpec::Series { .. }) && first < table_from {
        crate::demography::residual::estimate(data)?
    } else {
        Vec::new()
    };
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
        let mut migration = IntervalMigration::none(spreading.clone());
        match &scenario.migration {
            MigrationSpec::Series { scale, .. } => {
                for y in [t, t + 1] {
                    match wpp_migration(data, y) {
                        Some(WppMigration::ByAge(m, f)) => {
                            migration.end[0] += m * (0.5 * scale);
                            migration.end[1] += f * (0.5 * scale);
                        }
                        Some(WppMigration::Total(n)) => {
                            // The residual pattern at its own level, and WPP's total minus
                            // that level in proportion to the population (the pattern's
                            // shape is kept whatever the sign of the total; scaling it by
                            // total / level would flip it when the two differ in sign).
                            let p = crate::demography::residual::period_for(&periods, t).ok_or_else(|| {
                                Error::data(
                                    data.dir.join(files::POP5),
                                    None,
                                    "year",
                                    format!(
                                        "no two WPP estimates 5 years apart to estimate the age pattern of \
                                         {y}'s net migration from"
                                    ),
                                )
                            })?;
                            migration.fixed[0] += p.yearly[0] * (0.5 * scale);
                            migration.fixed[1] += p.yearly[1] * (0.5 * scale);
                            migration.proportional += 0.5 * scale * (n - p.level());
                        }
                        None => {
                            return Err(Error::data(
                                &data.dir,
                                None,
                                "migration",
                                format!(
                                    "no net migration for {y}: neither the single-age table nor an estimated total"
                                ),
                            ));
                        }
                    }
                }
            }
            MigrationSpec::Citizens { scale } => {
                let level = citizens.as_ref().map(|c| c.level.as_ref().map(|l| l.median));
                let Some(Some(median)) = level else {
                    return Err(Error::data(
                        scenario.files.first().cloned().unwrap_or_default(),
                        scenario.locations.get("country").map(|l| l.1),
                        "migration.series",
                        format!(
                            "citizens' net migration has no default level for `{}`: its folder has no nationals' \
                             migration series ({}); give the totals with [migration] net_anchors = [[year, persons], …]",
                            scenario.country,
                            crate::data::country::files::FACTS
                        ),
                    ));
                };
                migration.net = scale * median;
            }
            MigrationSpec::Anchors(anchors) => {
                migration.net = 0.5
                    * (crate::data::interpolate(anchors, f64::from(t))
                        + crate::data::interpolate(anchors, f64::from(t + 1)));
            }
        }
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
    use crate::data::country::MX_GROUPS;

    /// Two periods of flat mortality, the second half the first, centred where the
    /// table's `mid_year` says.
    fn periods(mid: [f64; 2]) -> Vec<MxPeriod> {
        [(2020, mid[0], 0.02), (2025, mid[1], 0.01)]
            .map(|(start, mid_year, m)| MxPeriod { start, mid_year, male: [m; MX_GROUPS], female: [m; MX_GROUPS] })
            .to_vec()
    }

    /// Convention 2 of issue 12: the node of a period is its `mid_year` (WPP's periods run
    /// July to June: 2020-2025's mid_year is 2023), not start + 2.5 (2022.5).
    #[test]
    fn mortality_nodes_sit_at_the_tables_mid_year() {
        let s = MortalitySurface::from_periods(&periods([2023.0, 2028.0]));
        assert_eq!(s.centres, vec![2023.0, 2028.0]);
        assert_eq!(s.starts, vec![2020, 2025]);
        let age = 40;
        let first = s.at(2023.0)[0][age];
        let second = s.at(2028.0)[0][age];
        assert!((second / first - 0.5).abs() < 1e-12, "{first} {second}");
        // Held flat before the first node: 2022.5 (the old node) already has the first
        // period's rate, and the interval 2022 → 2023 (centre 1 January 2023) too.
        assert_eq!(s.at(2022.5)[0][age], first);
        // Log-linear between nodes: the midpoint 2025.5 has the geometric mean, which
        // the old nodes (2022.5, 2027.5) would have put at 2025.0.
        let mid = s.at(2025.5)[0][age];
        assert!((mid / (first * second).sqrt() - 1.0).abs() < 1e-12, "{mid}");
        // A table whose mid_year differs from start + 2.5 by more moves the node with it.
        let late = MortalitySurface::from_periods(&periods([2024.0, 2029.0]));
        assert_eq!(late.at(2024.0)[0][age], first);
        assert!((late.at(2026.5)[0][age] / mid - 1.0).abs() < 1e-12);
        assert!(late.at(2025.5)[0][age] > mid);
    }

    /// After the last node the last two periods' log-linear trend goes on to the end of
    /// the last period (2025-2030 ends on 1 July 2030, decimal 2030.5), flat beyond.
    #[test]
    fn mortality_trend_carries_to_the_end_of_the_last_period() {
        let s = MortalitySurface::from_periods(&periods([2023.0, 2028.0]));
        let age = 40;
        let last = s.at(2028.0)[0][age];
        // Halving every 5 years: 2.5 years on, a factor 2^-0.5.
        let end = s.at(2030.5)[0][age];
        assert!((end / last - 0.5f64.sqrt()).abs() < 1e-12, "{last} {end}");
        assert_eq!(s.at(2031.0)[0][age], end);
        assert_eq!(s.at(2100.0)[0][age], end);
        assert!(s.at(2029.0)[0][age] < last && s.at(2029.0)[0][age] > end);
    }

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
