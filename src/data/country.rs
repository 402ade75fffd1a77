//! One country's input tables, read from `scenarios/data/<country>/`. Every country
//! folder holds the same tables (see README "Adding a country"); only `country.toml`
//! names the base-population file, whose name carries its reference date.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::limits::{self, NET_MIGRATION_THOUSANDS as NMT, NET_MIGRATION_THOUSANDS_PER_AGE as NMA};
use super::series::YearSeries;
use super::table::CsvTable;
use crate::error::{Error, Result};
use crate::scenario::spec::bounds::SRB;
use crate::{AgeVec, NAGES};

/// WPP counts are in thousands; the model works in persons.
const THOUSAND: f64 = 1000.0;

/// Number of 5-year ASFR groups, 10-14 … 50-54.
pub const ASFR_GROUPS: usize = 9;
/// First age of the ASFR groups.
pub const ASFR_FIRST_AGE: usize = 10;
/// Number of WPP mortality age groups: 0, 1-4, 5-9, …, 95-99, 100+.
pub const MX_GROUPS: usize = 22;
/// Number of WPP population age groups: 0-4, …, 95-99, 100+.
pub const POP_GROUPS: usize = 21;

/// File names shared by every country folder.
pub mod files {
    /// Folder description.
    pub const COUNTRY: &str = "country.toml";
    /// TFR estimate and projection variants.
    pub const TFR: &str = "wpp2024_tfr_1950_2100.csv";
    /// Percent ASFR by 5-year group, annual.
    pub const PASFR: &str = "wpp2024_percent_asfr_5yr_annual_1950_2100.csv";
    /// mx by 5-year group and sex, 5-year periods.
    pub const MX: &str = "wpp2024_mx_5yr_age_sex_periods_1950_2100.csv";
    /// Life expectancy at birth.
    pub const E0: &str = "wpp2024_life_expectancy_e0_1950_2100.csv";
    /// Sex ratio at birth.
    pub const SRB: &str = "wpp2024_sex_ratio_at_birth_1950_2100.csv";
    /// Net migration totals.
    pub const MIG_TOTAL: &str = "wpp2024_net_migration_total_1950_2100.csv";
    /// Net migration by single age and sex.
    pub const MIG_AGE: &str = "wpp2024_net_migration_single_age_sex_2023_2100.csv";
    /// Population by 5-year group and sex, estimates.
    pub const POP5: &str = "wpp2024_pop_5yr_age_sex_estimates_1950_2020.csv";
    /// Births, deaths and vital rates.
    pub const VITAL: &str = "wpp2024_births_deaths_vital_rates_1950_2023.csv";
    /// Published force and context figures.
    pub const FACTS: &str = "force_and_context_facts.csv";
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CountryToml {
    name: String,
    base_population: toml::Spanned<String>,
    base_population_note: String,
    /// Population turning points a published source names (`[[year, "label"], …]`),
    /// marked on the population chart; none when absent.
    #[serde(default)]
    turning_points: Option<toml::Spanned<Vec<(i32, String)>>>,
    /// The source of the turning points (the chart's note).
    #[serde(default)]
    turning_points_source: Option<String>,
    /// The force structure (`[force]`); a folder without it has no force model.
    #[serde(default)]
    force: Option<toml::Spanned<crate::force::branch::StructureToml>>,
}

/// Checks that `name` (the value of `base_population` in `country.toml`) is a plain file
/// name inside the country folder `dir`: no folder separators, not `.` or `..`, not
/// absolute, and not a symbolic link leading out of the folder.
fn check_file_name(name: &str, dir: &Path) -> std::result::Result<(), String> {
    let mut parts = Path::new(name).components();
    let plain = matches!((parts.next(), parts.next()), (Some(std::path::Component::Normal(_)), None));
    if !plain || name.contains(['/', '\\']) {
        return Err(format!(
            "`{name}` is not a plain file name; the base-population table must be a file in the country folder ({})",
            dir.display()
        ));
    }
    let path = dir.join(name);
    if let (Ok(target), Ok(home)) = (path.canonicalize(), dir.canonicalize()) {
        if target.parent() != Some(home.as_path()) {
            return Err(format!(
                "`{name}` is a link to {}, outside the country folder; copy the table into the folder instead",
                target.display()
            ));
        }
    }
    Ok(())
}

/// Single-age base population by sex at mid-year of `year`.
#[derive(Debug, Clone)]
pub struct BasePopulation {
    /// Year of the 1 July the base stands for: the reference date's own year for a
    /// mid-year date (30 June or 1 July), else the year of the next 1 July.
    pub year: i32,
    /// Fraction of a year from the reference date to that 1 July (0 for a mid-year
    /// date); the run carries the base over it ([`crate::demography::base_date`]).
    pub carry_years: f64,
    /// Reference date as written in the data.
    pub date: String,
    /// Men by single age 0..=100 (100 = 100+).
    pub male: AgeVec,
    /// Women by single age.
    pub female: AgeVec,
    /// Whom the base counts (e.g. citizens only).
    pub note: String,
}

/// A WPP 5-year mortality period.
#[derive(Debug, Clone)]
pub struct MxPeriod {
    /// First calendar year of the period (1950 for 1950-1955).
    pub start: i32,
    /// The table's `mid_year` of the period (1953 for 1950-1955): WPP's periods run from
    /// 1 July to 30 June, so 1950-1955 spans 1 July 1950 to 1 July 1955 and its middle is
    /// 1 January 1953, the decimal year 1953.0. The mortality surface is centred here.
    pub mid_year: f64,
    /// Male mx by group (0, 1-4, 5-9, …, 100+).
    pub male: [f64; MX_GROUPS],
    /// Female mx by group.
    pub female: [f64; MX_GROUPS],
}

/// WPP population estimate by 5-year group for one year (persons).
#[derive(Debug, Clone)]
pub struct Pop5 {
    /// Year (1 July).
    pub year: i32,
    /// Men by group 0-4, …, 95-99, 100+.
    pub male: [f64; POP_GROUPS],
    /// Women by group.
    pub female: [f64; POP_GROUPS],
}

/// One published figure from `force_and_context_facts.csv`.
#[derive(Debug, Clone)]
pub struct Fact {
    /// What the figure is.
    pub figure: String,
    /// Its value as written (may be a range such as `6 -> 2`).
    pub value: String,
    /// Unit.
    pub unit: String,
    /// Year, when given.
    pub year: Option<i32>,
    /// Source title.
    pub source: String,
    /// Source address.
    pub url: String,
}

/// Every input table of one country.
#[derive(Debug, Clone)]
pub struct CountryData {
    /// The folder.
    pub dir: PathBuf,
    /// Display name.
    pub name: String,
    /// Base population.
    pub base: BasePopulation,
    /// TFR series by name: `estimate`, `medium`, `low`, `high`, `pi80_lower`, … .
    pub tfr: BTreeMap<String, YearSeries>,
    /// Percent of TFR by 5-year group (10-14 … 50-54) for each year, from 1950.
    pub pasfr: Vec<[f64; ASFR_GROUPS]>,
    /// First year of `pasfr`.
    pub pasfr_first: i32,
    /// Mortality periods in time order.
    pub mx: Vec<MxPeriod>,
    /// e0 by series and sex: (`estimate`|`medium`|…, male, female).
    pub e0: BTreeMap<String, (YearSeries, YearSeries)>,
    /// Sex ratio at birth, estimate and projection joined.
    pub srb: YearSeries,
    /// Net migration totals (persons) by series name.
    pub mig_total: BTreeMap<String, YearSeries>,
    /// Net migration by single age, (year, male, female) in persons, medium variant.
    pub mig_age: Vec<(i32, AgeVec, AgeVec)>,
    /// Population estimates by 5-year group.
    pub pop5: Vec<Pop5>,
    /// Births (persons) by year.
    pub births: YearSeries,
    /// Deaths (persons) by year.
    pub deaths: YearSeries,
    /// Published figures.
    pub facts: Vec<Fact>,
    /// The force model's inputs (`force_inputs.csv`, `service_length_schedule.csv`).
    pub force: super::force::ForceData,
    /// Nationals' migration and the both-sexes registration, when the folder has them
    /// (the citizen migration profile, [`crate::demography::citizen_migration`]).
    pub nationals: Option<super::nationals::Nationals>,
    /// SHA-256 of every file read, by file name.
    pub checksums: BTreeMap<String, String>,
    /// Population turning points a published source names (`country.toml`
    /// `turning_points`), with the source; empty when the folder names none.
    pub turning_points: Vec<(i32, String)>,
    /// Their source (`turning_points_source`).
    pub turning_points_source: Option<String>,
}

fn sha256(path: &Path) -> Result<String> {
    let bytes = super::table::read_capped(path)?;
    let digest = Sha256::digest(&bytes);
    Ok(digest.iter().map(|b| format!("{b:02x}")).collect())
}

fn series_by_name(rows: BTreeMap<String, Vec<(i32, f64)>>, path: &Path) -> Result<BTreeMap<String, YearSeries>> {
    rows.into_iter()
        .map(|(name, pts)| {
            YearSeries::consecutive(pts)
                .map(|s| (name.clone(), s))
                .map_err(|why| Error::data(path, None, "year", format!("series `{name}`: {why}")))
        })
        .collect()
}

/// The 1-based line of byte `offset` in `text`.
fn line_at(text: &str, offset: usize) -> usize {
    text.get(..offset).unwrap_or(text).matches('\n').count() + 1
}

/// The folder `dir`'s `country.toml`: its path, its text (for the lines of later errors)
/// and its contents; an error names the file and the line.
fn read_country_toml(dir: &Path) -> Result<(std::path::PathBuf, String, CountryToml)> {
    let path = dir.join(files::COUNTRY);
    let bytes = super::table::read_capped(&path)?;
    let text = String::from_utf8(bytes).map_err(|e| Error::data(&path, None, "", format!("not UTF-8 text: {e}")))?;
    let ct: CountryToml = toml::from_str(&text).map_err(|e| {
        let line = e.span().map(|s| line_at(&text, s.start));
        // The parser's "duplicate key" spans the key: named, as defaults.toml's are.
        let key = match e.span() {
            Some(s) if e.message().starts_with("duplicate key") => text.get(s).unwrap_or("").trim().trim_matches('"'),
            _ => "",
        };
        Error::data(&path, line, key, e.message().to_string())
    })?;
    Ok((path, text, ct))
}

/// The force structure `[force]` of the folder `dir`'s `country.toml` (`None` when it
/// declares none), checked; for reading scenarios before the country's tables.
pub fn force_structure(dir: &Path) -> Result<Option<crate::force::ForceStructure>> {
    let (ct_path, ct_text, ct) = read_country_toml(dir)?;
    let Some(spanned) = ct.force else { return Ok(None) };
    build_structure(&ct_path, &ct_text, spanned).map(Some)
}

/// Checks and builds `[force]`; an error names the key, at the line it was written on
/// when its place is kept ([`crate::force::branch::StructureToml::offset_of`]), else at
/// the `[force]` table.
fn build_structure(
    path: &Path,
    text: &str,
    spanned: toml::Spanned<crate::force::branch::StructureToml>,
) -> Result<crate::force::ForceStructure> {
    let table_line = line_at(text, spanned.span().start);
    let st = spanned.into_inner();
    let offsets: Vec<(&str, Option<usize>)> =
        ["first_liable_cohort", "first_liable_year", "target"].into_iter().map(|k| (k, st.offset_of(k))).collect();
    st.build().map_err(|(key, why)| {
        let at = offsets.iter().find(|(k, _)| *k == key).and_then(|(_, o)| *o);
        Error::data(path, Some(at.map_or(table_line, |o| line_at(text, o))), format!("force.{key}"), why)
    })
}

impl CountryData {
    /// Reads every table of the folder `dir`.
    pub fn load(dir: &Path) -> Result<CountryData> {
        if !crate::embedded::is_dir(dir) {
            return Err(Error::data(
                dir,
                None,
                "",
                format!(
                    "country data folder not found (built-in countries: {})",
                    crate::embedded::countries().join(", ")
                ),
            ));
        }
        let mut checksums = BTreeMap::new();
        let mut open = |name: &str, cols: &[&str]| -> Result<CsvTable> {
            let p = dir.join(name);
            checksums.insert(name.to_string(), sha256(&p)?);
            CsvTable::read(&p, cols)
        };

        // country.toml
        let (ct_path, ct_text, ct) = read_country_toml(dir)?;
        let line_of = |offset: usize| line_at(&ct_text, offset);
        check_file_name(ct.base_population.get_ref(), dir).map_err(|why| {
            Error::data(&ct_path, Some(line_of(ct.base_population.span().start)), "base_population", why)
        })?;

        let turning_points = ct.turning_points.as_ref().map_or(&[][..], |t| t.get_ref().as_slice());
        if !turning_points.is_empty() && ct.turning_points_source.is_none() {
            return Err(Error::data(&ct_path, None, "turning_points_source", "turning points need their source"));
        }
        // Marked on the population chart, whose years are the data's: a year outside them
        // (a slip such as `-5` or `20200`) would stretch the chart's axis to it.
        let (lo, hi) = crate::scenario::spec::DATA_YEARS;
        if let Some((y, _)) = turning_points.iter().find(|(y, _)| !(lo..=hi).contains(&i64::from(*y))) {
            return Err(Error::data(
                &ct_path,
                ct.turning_points.as_ref().map(|t| line_of(t.span().start)),
                "turning_points",
                format!("a turning point's year must lie in {lo}-{hi} (the years of the data), got {y}"),
            ));
        }
        let base = read_base(&mut open, &ct)?;
        let tfr = read_tfr(&mut open)?;
        let (pasfr_first, pasfr) = read_pasfr(&mut open)?;
        let mx = read_mx(&mut open)?;
        let e0 = read_e0(&mut open)?;
        let srb = read_srb(&mut open)?;
        let mig_total = read_mig_total(&mut open)?;
        let mig_age = read_mig_age(&mut open)?;
        let pop5 = read_pop5(&mut open)?;
        let (births, deaths) = read_vital(&mut open)?;
        let facts = read_facts(&mut open)?;
        let has = |name: &str| crate::embedded::is_file(&dir.join(name));
        let force = match ct.force {
            None if !has(super::force::files::INPUTS) && !has(super::force::files::SCHEDULE) => {
                super::force::ForceData::absent(dir)
            }
            None => {
                return Err(Error::data(
                    &ct_path,
                    None,
                    "force",
                    format!(
                        "the folder has {} but no [force] table declaring its branches and corps (README \"Adding a country\")",
                        super::force::files::INPUTS
                    ),
                ));
            }
            Some(spanned) => {
                let structure = build_structure(&ct_path, &ct_text, spanned)?;
                super::force::ForceData::read(&mut open, &structure)?
            }
        };
        let nationals = super::nationals::read(dir, &mut open)?;
        checksums.insert(files::COUNTRY.to_string(), sha256(&ct_path)?);
        Ok(CountryData {
            dir: dir.to_path_buf(),
            name: ct.name,
            base,
            tfr,
            pasfr,
            pasfr_first,
            mx,
            e0,
            srb,
            mig_total,
            mig_age,
            pop5,
            births,
            deaths,
            facts,
            force,
            nationals,
            checksums,
            turning_points: ct.turning_points.map(toml::Spanned::into_inner).unwrap_or_default(),
            turning_points_source: ct.turning_points_source,
        })
    }

    /// The percent-ASFR groups of a year, clamped to the years the data covers. The rates
    /// check first that the table covers every year of the horizon
    /// ([`crate::demography::rates::check_coverage`]); only the year after the end year
    /// may then be clamped.
    pub fn pasfr_for(&self, year: i32) -> &[f64; ASFR_GROUPS] {
        let last = self.pasfr_first + self.pasfr.len() as i32 - 1;
        let y = year.clamp(self.pasfr_first, last);
        &self.pasfr[(y - self.pasfr_first) as usize]
    }
}

type Open<'a> = dyn FnMut(&str, &[&str]) -> Result<CsvTable> + 'a;

fn read_base(open: &mut Open<'_>, ct: &CountryToml) -> Result<BasePopulation> {
    let t = open(ct.base_population.get_ref(), &["reference_date", "age", "male_persons", "female_persons"])?;
    let mut male = AgeVec::zeros();
    let mut female = AgeVec::zeros();
    let mut seen = [false; NAGES];
    let mut date = String::new();
    for row in t.rows() {
        let age = row.integer("age")?;
        if !(0..NAGES as i64).contains(&age) {
            return Err(row.error("age", format!("age must be 0..=100 (100 = 100+), got {age}")));
        }
        let a = age as usize;
        if seen[a] {
            return Err(row.error("age", format!("duplicate row for age {a}")));
        }
        seen[a] = true;
        male[a] = row.nonneg_at_most("male_persons", limits::PERSONS_PER_AGE.0, limits::PERSONS_PER_AGE.1)?;
        female[a] = row.nonneg_at_most("female_persons", limits::PERSONS_PER_AGE.0, limits::PERSONS_PER_AGE.1)?;
        let d = row.text("reference_date")?;
        if date.is_empty() {
            date = d.to_string();
        } else if date != d {
            return Err(row.error("reference_date", format!("all rows must share one date, found {date} and {d}")));
        }
    }
    if let Some(a) = seen.iter().position(|s| !s) {
        return Err(Error::data(t.path(), None, "age", format!("no row for age {a}; ages 0..=100 are required")));
    }
    let (year, carry_years) = crate::demography::base_date::next_mid_year(&date)
        .map_err(|why| Error::data(t.path(), Some(2), "reference_date", why))?;
    Ok(BasePopulation { year, carry_years, date, male, female, note: ct.base_population_note.clone() })
}

fn read_tfr(open: &mut Open<'_>) -> Result<BTreeMap<String, YearSeries>> {
    let t = open(files::TFR, &["year", "series", "tfr_children_per_woman"])?;
    let mut rows: BTreeMap<String, Vec<(i32, f64)>> = BTreeMap::new();
    for row in t.rows() {
        let y = row.year("year")?;
        let v = row.nonneg_at_most("tfr_children_per_woman", limits::TFR.0, limits::TFR.1)?;
        rows.entry(row.text("series")?.to_string()).or_default().push((y, v));
    }
    let mut out = series_by_name(rows, t.path())?;
    // The projection variants start in 2024; prefix them with the estimates so a
    // variant is a complete series from 1950.
    if let Some(est) = out.get("estimate").cloned() {
        for (name, s) in out.iter_mut() {
            if name != "estimate" && s.first == est.last() + 1 {
                let mut v = est.values.clone();
                v.extend_from_slice(&s.values);
                *s = YearSeries { first: est.first, values: v };
            }
        }
    }
    Ok(out)
}

fn group_index(label: &str, firsts: &[usize], row: &super::table::Row<'_>, col: &str, start: usize) -> Result<usize> {
    firsts.iter().position(|&a| a == start).ok_or_else(|| row.error(col, format!("unexpected age group `{label}`")))
}

fn read_pasfr(open: &mut Open<'_>) -> Result<(i32, Vec<[f64; ASFR_GROUPS]>)> {
    let t = open(files::PASFR, &["year", "age_group", "pasfr_percent_of_tfr"])?;
    let firsts: Vec<usize> = (0..ASFR_GROUPS).map(|g| ASFR_FIRST_AGE + 5 * g).collect();
    let mut by_year: BTreeMap<i32, [Option<f64>; ASFR_GROUPS]> = BTreeMap::new();
    for row in t.rows() {
        let y = row.year("year")?;
        let label = row.text("age_group")?;
        let start = label.split('-').next().and_then(|s| s.parse::<usize>().ok()).unwrap_or(usize::MAX);
        let g = group_index(label, &firsts, &row, "age_group", start)?;
        let slot = &mut by_year.entry(y).or_insert([None; ASFR_GROUPS])[g];
        if slot.is_some() {
            return Err(row.error("age_group", format!("duplicate row for {y} {label}")));
        }
        *slot = Some(row.nonneg_at_most("pasfr_percent_of_tfr", limits::PASFR_PERCENT.0, limits::PASFR_PERCENT.1)?);
    }
    let first = *by_year.keys().next().ok_or_else(|| Error::data(t.path(), None, "", "no rows"))?;
    consecutive_years(t.path(), by_year.keys().copied())?;
    let mut out = Vec::new();
    for (y, groups) in by_year {
        let mut g = [0.0; ASFR_GROUPS];
        for (k, v) in groups.iter().enumerate() {
            g[k] = v.ok_or_else(|| {
                Error::data(
                    t.path(),
                    None,
                    "age_group",
                    format!("year {y} lacks age group {}-{}", firsts[k], firsts[k] + 4),
                )
            })?;
        }
        let total: f64 = g.iter().sum();
        if (total - 100.0).abs() > 0.5 {
            return Err(Error::data(
                t.path(),
                None,
                "pasfr_percent_of_tfr",
                format!("year {y}: groups sum to {total:.3}, expected 100"),
            ));
        }
        out.push(g);
    }
    Ok((first, out))
}

/// Checks that sorted, distinct `years` run without a gap; the error names the first
/// missing year and the span the table covers.
fn consecutive_years(path: &Path, years: impl Iterator<Item = i32> + Clone) -> Result<()> {
    let (Some(first), Some(last)) = (years.clone().next(), years.clone().last()) else { return Ok(()) };
    for (i, y) in years.enumerate() {
        let expected = first + i as i32;
        if y != expected {
            return Err(Error::data(
                path,
                None,
                "year",
                format!("no rows for {expected} (rows run from {first} to {last}; every year is needed)"),
            ));
        }
    }
    Ok(())
}

fn mx_group_of(age_start: i64) -> Option<usize> {
    match age_start {
        0 => Some(0),
        1 => Some(1),
        a if (5..=100).contains(&a) && a % 5 == 0 => Some(1 + (a / 5) as usize),
        _ => None,
    }
}

fn read_mx(open: &mut Open<'_>) -> Result<Vec<MxPeriod>> {
    let t = open(files::MX, &["period", "mid_year", "age_start", "mx_male", "mx_female"])?;
    type Groups = [Option<f64>; MX_GROUPS];
    let mut by_period: BTreeMap<i32, (Groups, Groups)> = BTreeMap::new();
    let mut mid_years: BTreeMap<i32, f64> = BTreeMap::new();
    for row in t.rows() {
        let period = row.text("period")?;
        let start = period
            .split('-')
            .next()
            .and_then(|s| s.parse::<i32>().ok())
            .ok_or_else(|| row.error("period", format!("expected YYYY-YYYY, got `{period}`")))?;
        // The period's centre: strictly inside it, and the same on every row of the period.
        let mid = row.number("mid_year")?;
        if !(mid > f64::from(start) && mid < f64::from(start + 5)) {
            return Err(row.error(
                "mid_year",
                format!("must lie inside the period {period} (between {start} and {}), got {mid}", start + 5),
            ));
        }
        if let Some(&m) = mid_years.get(&start)
            && m != mid
        {
            return Err(
                row.error("mid_year", format!("period {period} has mid_year {m} on an earlier row, here {mid}"))
            );
        }
        mid_years.insert(start, mid);
        let a = row.integer("age_start")?;
        let g = mx_group_of(a).ok_or_else(|| row.error("age_start", format!("unexpected age group start {a}")))?;
        let entry = by_period.entry(start).or_insert(([None; MX_GROUPS], [None; MX_GROUPS]));
        if entry.0[g].is_some() {
            return Err(row.error("age_start", format!("duplicate row for period {period}, age {a}")));
        }
        let m = row.nonneg_at_most("mx_male", limits::MX.0, limits::MX.1)?;
        let f = row.nonneg_at_most("mx_female", limits::MX.0, limits::MX.1)?;
        for (col, v) in [("mx_male", m), ("mx_female", f)] {
            if v <= 0.0 {
                return Err(row.error(col, format!("death rates must be positive, got {v}")));
            }
        }
        entry.0[g] = Some(m);
        entry.1[g] = Some(f);
    }
    let mut out = Vec::new();
    for (start, (m, f)) in by_period {
        let mut male = [0.0; MX_GROUPS];
        let mut female = [0.0; MX_GROUPS];
        for g in 0..MX_GROUPS {
            // Both sexes come from the same row, so one is missing exactly when the other is.
            let (Some(mg), Some(fg)) = (m[g], f[g]) else {
                let age = match g {
                    0 => 0,
                    1 => 1,
                    g => 5 * (g - 1),
                };
                return Err(Error::data(
                    t.path(),
                    None,
                    "age_start",
                    format!("period {start}-{} has no row for the age group starting at {age}", start + 5),
                ));
            };
            male[g] = mg;
            female[g] = fg;
        }
        // Every period read has had its mid_year recorded on its rows.
        let mid_year = mid_years
            .get(&start)
            .copied()
            .ok_or_else(|| Error::Consistency(format!("period {start}-{} lost its mid_year", start + 5)))?;
        out.push(MxPeriod { start, mid_year, male, female });
    }
    for w in out.windows(2) {
        if w[1].start != w[0].start + 5 {
            return Err(Error::data(
                t.path(),
                None,
                "period",
                format!(
                    "periods must be consecutive 5-year periods; no rows for {}-{} ({} follows {})",
                    w[0].start + 5,
                    w[0].start + 10,
                    w[1].start,
                    w[0].start
                ),
            ));
        }
    }
    if out.is_empty() {
        return Err(Error::data(t.path(), None, "", "no rows"));
    }
    Ok(out)
}

fn read_e0(open: &mut Open<'_>) -> Result<BTreeMap<String, (YearSeries, YearSeries)>> {
    let t = open(files::E0, &["year", "series", "e0_male_years", "e0_female_years"])?;
    let mut m: BTreeMap<String, Vec<(i32, f64)>> = BTreeMap::new();
    let mut f: BTreeMap<String, Vec<(i32, f64)>> = BTreeMap::new();
    for row in t.rows() {
        let y = row.year("year")?;
        let s = row.text("series")?.to_string();
        m.entry(s.clone()).or_default().push((y, row.nonneg_at_most("e0_male_years", limits::E0.0, limits::E0.1)?));
        f.entry(s).or_default().push((y, row.nonneg_at_most("e0_female_years", limits::E0.0, limits::E0.1)?));
    }
    // Both sexes come from the same rows, so every series has both.
    let m = series_by_name(m, t.path())?;
    let mut f = series_by_name(f, t.path())?;
    m.into_iter()
        .map(|(k, v)| {
            let fv = f
                .remove(&k)
                .ok_or_else(|| Error::data(t.path(), None, "series", format!("`{k}` has no female values")))?;
            Ok((k, (v, fv)))
        })
        .collect()
}

fn read_srb(open: &mut Open<'_>) -> Result<YearSeries> {
    let t = open(files::SRB, &["year", "srb_males_per_female_birth"])?;
    let mut pts = Vec::new();
    for row in t.rows() {
        let v =
            row.between("srb_males_per_female_birth", SRB.min, SRB.max, "males per female birth, as for a scenario")?;
        if !(0.8..=1.3).contains(&v) {
            return Err(row.error("srb_males_per_female_birth", format!("implausible sex ratio at birth {v}")));
        }
        pts.push((row.year("year")?, v));
    }
    YearSeries::consecutive(pts).map_err(|why| Error::data(t.path(), None, "year", why))
}

fn read_mig_total(open: &mut Open<'_>) -> Result<BTreeMap<String, YearSeries>> {
    let t = open(files::MIG_TOTAL, &["year", "series", "net_migration_thousands"])?;
    let mut rows: BTreeMap<String, Vec<(i32, f64)>> = BTreeMap::new();
    for row in t.rows() {
        let y = row.year("year")?;
        rows.entry(row.text("series")?.to_string())
            .or_default()
            .push((y, row.between("net_migration_thousands", -NMT.0, NMT.0, NMT.1)? * THOUSAND));
    }
    series_by_name(rows, t.path())
}

fn read_mig_age(open: &mut Open<'_>) -> Result<Vec<(i32, AgeVec, AgeVec)>> {
    let t = open(files::MIG_AGE, &["year", "age", "net_migration_male_thousands", "net_migration_female_thousands"])?;
    let mut by_year: BTreeMap<i32, (AgeVec, AgeVec, [bool; NAGES])> = BTreeMap::new();
    for row in t.rows() {
        let y = row.year("year")?;
        let a = row.integer("age")?;
        if !(0..NAGES as i64).contains(&a) {
            return Err(row.error("age", format!("age must be 0..=100, got {a}")));
        }
        let e = by_year.entry(y).or_insert((AgeVec::zeros(), AgeVec::zeros(), [false; NAGES]));
        let a = a as usize;
        if e.2[a] {
            return Err(row.error("age", format!("duplicate row for {y}, age {a}")));
        }
        e.2[a] = true;
        e.0[a] = row.between("net_migration_male_thousands", -NMA.0, NMA.0, NMA.1)? * THOUSAND;
        e.1[a] = row.between("net_migration_female_thousands", -NMA.0, NMA.0, NMA.1)? * THOUSAND;
    }
    if by_year.is_empty() {
        return Err(Error::data(t.path(), None, "", "no rows"));
    }
    // Readers index the years by offset from the first: a gap would shift them all.
    consecutive_years(t.path(), by_year.keys().copied())?;
    let mut out = Vec::new();
    for (y, (m, f, seen)) in by_year {
        if let Some(a) = seen.iter().position(|s| !s) {
            return Err(Error::data(t.path(), None, "age", format!("year {y} lacks age {a}")));
        }
        out.push((y, m, f));
    }
    Ok(out)
}

fn read_pop5(open: &mut Open<'_>) -> Result<Vec<Pop5>> {
    let t = open(files::POP5, &["year", "age_start", "pop_male_thousands", "pop_female_thousands"])?;
    let mut by_year: BTreeMap<i32, Pop5> = BTreeMap::new();
    for row in t.rows() {
        let y = row.year("year")?;
        let a = row.integer("age_start")?;
        if !(0..=100).contains(&a) || a % 5 != 0 {
            return Err(row.error("age_start", format!("expected a multiple of 5 in 0..=100, got {a}")));
        }
        let g = (a / 5) as usize;
        let e =
            by_year.entry(y).or_insert(Pop5 { year: y, male: [f64::NAN; POP_GROUPS], female: [f64::NAN; POP_GROUPS] });
        if !e.male[g].is_nan() {
            return Err(row.error("age_start", format!("duplicate row for {y}, age {a}")));
        }
        e.male[g] =
            row.nonneg_at_most("pop_male_thousands", limits::THOUSANDS_PER_GROUP.0, limits::THOUSANDS_PER_GROUP.1)?
                * THOUSAND;
        e.female[g] =
            row.nonneg_at_most("pop_female_thousands", limits::THOUSANDS_PER_GROUP.0, limits::THOUSANDS_PER_GROUP.1)?
                * THOUSAND;
    }
    let out: Vec<Pop5> = by_year.into_values().collect();
    for p in &out {
        if let Some(g) = p.male.iter().position(|v| v.is_nan()) {
            return Err(Error::data(
                t.path(),
                None,
                "age_start",
                format!("year {} lacks the group starting at {}", p.year, g * 5),
            ));
        }
    }
    Ok(out)
}

fn read_vital(open: &mut Open<'_>) -> Result<(YearSeries, YearSeries)> {
    let t = open(files::VITAL, &["year", "births_thousands", "deaths_thousands"])?;
    let mut b = Vec::new();
    let mut d = Vec::new();
    for row in t.rows() {
        let y = row.year("year")?;
        b.push((
            y,
            row.nonneg_at_most("births_thousands", limits::VITAL_THOUSANDS.0, limits::VITAL_THOUSANDS.1)? * THOUSAND,
        ));
        d.push((
            y,
            row.nonneg_at_most("deaths_thousands", limits::VITAL_THOUSANDS.0, limits::VITAL_THOUSANDS.1)? * THOUSAND,
        ));
    }
    let err = |why: String| Error::data(t.path(), None, "year", why);
    Ok((YearSeries::consecutive(b).map_err(err)?, YearSeries::consecutive(d).map_err(err)?))
}

fn read_facts(open: &mut Open<'_>) -> Result<Vec<Fact>> {
    let t = open(files::FACTS, &["figure", "value", "unit", "year", "source_title", "url"])?;
    let mut out = Vec::new();
    for row in t.rows() {
        let year = row.text("year")?;
        out.push(Fact {
            figure: row.text("figure")?.to_string(),
            value: row.text("value")?.to_string(),
            unit: row.text("unit")?.to_string(),
            year: if year.is_empty() { None } else { Some(row.year("year")?) },
            source: row.text("source_title")?.to_string(),
            url: row.text("url")?.to_string(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_population_names_stay_in_the_folder() {
        let tmp = std::env::temp_dir();
        for bad in ["../x.csv", "/etc/passwd", "a/b.csv", "a\\b.csv", "..", ".", ""] {
            assert!(check_file_name(bad, &tmp).is_err(), "{bad} accepted");
        }
        assert!(check_file_name("pop_2025.csv", &tmp).is_ok());
        assert!(check_file_name("..pop.csv", &tmp).is_ok());
    }
}
