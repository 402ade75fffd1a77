//! The force model's sourced inputs: `force_inputs.csv` (a tidy table of the figures the
//! model uses, each row naming the row of `force_migration_sourced_facts.csv` it comes
//! from, or saying how it was derived) and `service_length_schedule.csv` (each branch's
//! conscript term by enlistment date: the Defense Reform 2.0 cut, one day less per two
//! weeks of enlistment date).

use std::collections::BTreeMap;

use super::table::CsvTable;
use crate::error::{Error, Result};
use crate::force::{Branch, ForceStructure};

/// File names in a country folder.
pub mod files {
    /// The tidy table of force inputs.
    pub const INPUTS: &str = "force_inputs.csv";
    /// Conscript terms by enlistment date, per branch.
    pub const SCHEDULE: &str = "service_length_schedule.csv";
}

/// Keys the force inputs table may hold besides each corps' stock (`<corps key>`), with
/// what each may name as its `branch`: `all`, a branch key (`B`) or a corps key (`C`).
const KEYS: &[(&str, &[&str])] = &[
    ("enlisted", &["all", "B"]),
    ("total", &["all", "B"]),
    ("active_duty_rate", &["all"]),
    ("supplementary_rate", &["all"]),
    ("enlistments", &["all"]),
    ("alternative_allocation", &["all"]),
    ("objector_service", &["all"]),
    ("fill_rate", &["C"]),
    ("women_cadre_share", &["all"]),
    ("cadre_share", &["all"]),
    ("nco_shortfall", &["all"]),
    ("long_service_discharges", &["all"]),
    ("long_service_share", &["C"]),
];

/// What a key may name as its `branch` in a structure: `all`, the branches (`B`), the
/// corps (`C`); a corps' own stock key takes `all` and the branches.
fn allowed(key: &str, st: &ForceStructure) -> Option<Vec<String>> {
    let expand = |spec: &[&str]| -> Vec<String> {
        spec.iter()
            .flat_map(|s| match *s {
                "B" => st.branch_keys().into_iter().map(String::from).collect::<Vec<_>>(),
                "C" => st.corps_keys().into_iter().map(String::from).collect(),
                other => vec![other.to_string()],
            })
            .collect()
    };
    if st.corps_of(key).is_some() {
        return Some(expand(&["all", "B"]));
    }
    KEYS.iter().find(|(k, _)| *k == key).map(|(_, b)| expand(b))
}

/// Keys whose values are shares (checked to lie in [0, 1]).
const SHARE_KEYS: &[&str] =
    &["active_duty_rate", "supplementary_rate", "women_cadre_share", "cadre_share", "long_service_share"];

/// Keys that are ratios to a plan and may pass 1 (recruiting above the plan: Taiwan's
/// volunteers 102.2% of the 2025 target), checked to lie in [0, 1.5].
const RATIO_KEYS: &[&str] = &["fill_rate"];

/// One row of the force inputs table.
#[derive(Debug, Clone, PartialEq)]
pub struct ForceRow {
    /// What the figure is (`officers`, `active_duty_rate`, …).
    pub key: String,
    /// Branch or corps (`all`, `army`, …, `officers`, `ncos`).
    pub branch: String,
    /// Reference year; 0 for a figure with no year (a rule or a term).
    pub year: i32,
    /// The value (persons, shares, months or years; see `unit`).
    pub value: f64,
    /// Unit as written.
    pub unit: String,
    /// The measure (`average operating`, `year-end`, `mid-year`, `authorised`, …).
    pub measure: String,
    /// Where the figure comes from.
    pub source: String,
}

/// One branch's conscript term by enlistment date.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ServiceSchedule {
    /// The branch.
    pub branch: Branch,
    /// Months served by those enlisting before the cut began.
    pub before: f64,
    /// Months served by those enlisting after it ended.
    pub after: f64,
    /// First enlistment date of the cut (calendar decimal year).
    pub first: f64,
    /// Enlistment date from which the `after` term applies (calendar decimal year).
    pub last: f64,
    /// Days saved by those enlisting on the first date.
    pub days_saved_first: f64,
    /// Days of enlistment date per further day saved.
    pub step_days: f64,
}

/// Average days per month (365.25 / 12).
pub const DAYS_PER_MONTH: f64 = 365.25 / 12.0;

impl ServiceSchedule {
    /// Months served by those enlisting at calendar time `cal` (decimal year).
    pub fn months_at(&self, cal: f64) -> f64 {
        if cal < self.first {
            return self.before;
        }
        if cal >= self.last {
            return self.after;
        }
        let days = (cal - self.first) * 365.25;
        let saved = self.days_saved_first + (days / self.step_days + 1e-9).floor();
        (self.before - saved / DAYS_PER_MONTH).max(self.after)
    }
}

/// The force model's sourced inputs for one country.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ForceData {
    /// Every row of `force_inputs.csv`, in file order.
    pub rows: Vec<ForceRow>,
    /// Conscript terms by enlistment date, one per branch of the structure, in its order.
    pub schedules: Vec<ServiceSchedule>,
    /// The country's force structure (`country.toml` `[force]`).
    pub structure: Option<ForceStructure>,
    /// The country folder, when it holds neither force table: the country has no force
    /// model yet (Taiwan before the force half of issue 15). The demography and the
    /// back-test run; anything that needs the force model stops with a clear error
    /// ([`ForceData::require`]).
    pub missing: Option<std::path::PathBuf>,
}

/// A calendar date `YYYY-MM-DD` as a decimal year (day of year / 365.25).
pub fn decimal_date(text: &str) -> Option<f64> {
    let mut it = text.split('-');
    let (y, m, d) = (it.next()?.parse::<i32>().ok()?, it.next()?.parse::<u32>().ok()?, it.next()?.parse::<u32>().ok()?);
    if it.next().is_some() || !(1..=12).contains(&m) || !(1..=31).contains(&d) || !(1900..=2200).contains(&y) {
        return None;
    }
    const CUM: [u32; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let doy = CUM[m as usize - 1] + d - 1 + u32::from(leap && m > 2);
    Some(f64::from(y) + f64::from(doy) / 365.25)
}

impl ForceData {
    /// Stands for a country folder with neither force table.
    pub fn absent(dir: &std::path::Path) -> ForceData {
        ForceData { missing: Some(dir.to_path_buf()), ..ForceData::default() }
    }

    /// An error naming the folder when the country has no force model yet.
    pub fn require(&self) -> Result<()> {
        match &self.missing {
            None => Ok(()),
            Some(dir) => Err(Error::data(
                dir,
                None,
                "",
                format!(
                    "no force model for this country yet: the folder has no {} or {}; the demography can be \
                     back-tested (`forcecast backtest --country …`), but a scenario runs the force model",
                    files::INPUTS,
                    files::SCHEDULE
                ),
            )),
        }
    }

    /// Reads the two tables through `open` (which records their checksums), checking
    /// every key and branch against the country's `structure`.
    pub fn read(
        open: &mut dyn FnMut(&str, &[&str]) -> Result<CsvTable>,
        structure: &ForceStructure,
    ) -> Result<ForceData> {
        let t = open(files::INPUTS, &["key", "branch", "year", "value", "unit", "measure", "source"])?;
        let inputs_path = t.path().to_path_buf();
        let mut rows = Vec::new();
        let mut seen: std::collections::HashMap<(String, String, i64, String), usize> = Default::default();
        for row in t.rows() {
            let key = row.text("key")?.to_string();
            let Some(branches) = allowed(&key, structure) else {
                let known: Vec<&str> = structure.corps_keys().into_iter().chain(KEYS.iter().map(|k| k.0)).collect();
                return Err(row.error("key", format!("unknown key `{key}`; known: {}", known.join(", "))));
            };
            let branch = row.text("branch")?.to_string();
            if !branches.contains(&branch) {
                return Err(
                    row.error("branch", format!("`{key}` takes branch {}, got `{branch}`", branches.join(", ")))
                );
            }
            let year = row.integer("year")?;
            if year != 0 && !(1950..=2100).contains(&year) {
                return Err(row.error("year", format!("must be 0 (no year) or 1950-2100, got {year}")));
            }
            let value = if SHARE_KEYS.contains(&key.as_str()) {
                row.between("value", 0.0, 1.0, "a share")?
            } else if RATIO_KEYS.contains(&key.as_str()) {
                row.between("value", 0.0, 1.5, "a ratio to the plan")?
            } else {
                row.nonneg_at_most("value", 1.0e7, "persons, months or years")?
            };
            let measure = row.text("measure")?.to_string();
            // One figure per key, branch, year and measure: a second would be used by one
            // reader and double-counted by another (the calibration).
            if let Some(first) = seen.insert((key.clone(), branch.clone(), year, measure.clone()), row.line()) {
                return Err(row.error(
                    "key",
                    format!("`{key}` for `{branch}` in {year} ({measure}) is already given on line {first}"),
                ));
            }
            rows.push(ForceRow {
                key,
                branch,
                year: year as i32,
                value,
                unit: row.text("unit")?.to_string(),
                measure,
                source: row.text("source")?.to_string(),
            });
        }
        let t = open(
            files::SCHEDULE,
            &[
                "branch",
                "months_before",
                "months_after",
                "first_enlistment",
                "last_enlistment",
                "days_saved_first",
                "step_days",
            ],
        )?;
        let mut by_branch: BTreeMap<usize, ServiceSchedule> = BTreeMap::new();
        for row in t.rows() {
            let name = row.text("branch")?;
            let Some(b) = structure.branch(name) else {
                return Err(row.error(
                    "branch",
                    format!("unknown branch `{name}`; the country's branches: {}", structure.branch_keys().join(", ")),
                ));
            };
            let date = |col: &str| -> Result<f64> {
                let t = row.text(col)?;
                decimal_date(t).ok_or_else(|| row.error(col, format!("expected a date YYYY-MM-DD, got `{t}`")))
            };
            let s = ServiceSchedule {
                branch: b,
                before: row.between("months_before", 1.0, 60.0, "months")?,
                after: row.between("months_after", 1.0, 60.0, "months")?,
                first: date("first_enlistment")?,
                last: date("last_enlistment")?,
                days_saved_first: row.between("days_saved_first", 0.0, 1000.0, "days")?,
                step_days: row.between("step_days", 1.0, 1000.0, "days")?,
            };
            if s.last < s.first {
                return Err(row.error("last_enlistment", "must not be before first_enlistment".into()));
            }
            if by_branch.insert(b.0, s).is_some() {
                return Err(row.error("branch", format!("`{name}` is listed twice")));
            }
        }
        if by_branch.len() != structure.branches.len() {
            let missing: Vec<&str> = structure
                .branch_slots()
                .filter(|b| !by_branch.contains_key(&b.0))
                .map(|b| structure.branch_key(b))
                .collect();
            return Err(Error::data(t.path(), None, "branch", format!("no schedule for {}", missing.join(", "))));
        }
        let data = ForceData {
            rows,
            schedules: by_branch.into_values().collect(),
            structure: Some(structure.clone()),
            missing: None,
        };
        data.check_required(&inputs_path)?;
        Ok(data)
    }

    fn check_required(&self, inputs_path: &std::path::Path) -> Result<()> {
        let st = self.structure();
        // Each corps' observed stock starts the cadre; with several branches, their
        // enlisted stocks give the intake shares.
        let mut need: Vec<(&str, &str)> = vec![("active_duty_rate", "all"), ("cadre_share", "all")];
        need.extend(st.corps.iter().map(|c| (c.key.as_str(), "all")));
        if st.branches.len() > 1 {
            need.extend(st.branches.iter().map(|b| ("enlisted", b.key.as_str())));
        }
        for &(k, b) in &need {
            if self.series(k, b).is_empty() {
                return Err(Error::data(
                    inputs_path,
                    None,
                    k,
                    format!("the force model needs at least one `{k}` row for branch `{b}`"),
                ));
            }
        }
        Ok(())
    }

    /// The `(year, value)` rows of a key and branch, by year (every measure).
    pub fn series(&self, key: &str, branch: &str) -> Vec<(i32, f64)> {
        let mut v: Vec<(i32, f64)> =
            self.rows.iter().filter(|r| r.key == key && r.branch == branch).map(|r| (r.year, r.value)).collect();
        v.sort_by_key(|p| p.0);
        v
    }

    /// The rows of a key and branch with one measure, by year.
    pub fn measured(&self, key: &str, branch: &str, measure: &str) -> Vec<&ForceRow> {
        let mut v: Vec<&ForceRow> =
            self.rows.iter().filter(|r| r.key == key && r.branch == branch && r.measure == measure).collect();
        v.sort_by_key(|r| r.year);
        v
    }

    /// The value of a key with no year (the last row if several).
    pub fn value(&self, key: &str, branch: &str) -> Option<f64> {
        self.series(key, branch).last().map(|p| p.1)
    }

    /// The schedule of a branch.
    pub fn schedule(&self, b: Branch) -> &ServiceSchedule {
        &self.schedules[b.0]
    }

    /// The country's force structure. Only read data have one: call
    /// [`ForceData::require`] first.
    pub fn structure(&self) -> &ForceStructure {
        self.structure.as_ref().expect("force data read with a structure")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_army_cut_saves_one_day_per_two_weeks() {
        let s = ServiceSchedule {
            branch: Branch(0),
            before: 21.0,
            after: 18.0,
            first: decimal_date("2017-01-03").unwrap(),
            last: decimal_date("2020-06-15").unwrap(),
            days_saved_first: 1.0,
            step_days: 14.0,
        };
        let saved = |d: &str| (21.0 - s.months_at(decimal_date(d).unwrap())) * DAYS_PER_MONTH;
        // The facts: 2017-01-17 saves 2 days, 2017-01-31 3 days, 2018-07-27 41 days.
        assert!((saved("2017-01-03") - 1.0).abs() < 1e-9);
        assert!((saved("2017-01-17") - 2.0).abs() < 1e-9);
        assert!((saved("2017-01-31") - 3.0).abs() < 1e-9);
        assert!((saved("2018-07-27") - 41.0).abs() < 1e-9);
        assert_eq!(s.months_at(2016.9), 21.0);
        assert_eq!(s.months_at(decimal_date("2020-06-15").unwrap()), 18.0);
    }
}
