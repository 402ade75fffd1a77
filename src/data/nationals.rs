//! Korean nationals' international migration and the resident registration's
//! both-sexes single-age tables: the inputs of the citizen migration profile
//! ([`crate::demography::citizen_migration`]).
//!
//! - `force_migration_sourced_facts.csv`, rows of topic `4_migration` (KOSTAT's
//!   international migration statistics, 90-day rule, as reported in the press and
//!   KOSTAT's briefings; MOJ for naturalisations and loss of nationality): nationals' net
//!   migration 2000-2024 (no 2004), long-term arrivals and departures, naturalisations and
//!   loss of nationality by year. Other topics and quantities of the file are not read
//!   here.
//! - `pop_single_age_both_sexes_resident_registration.csv`: citizens by single age
//!   (0..=100, 100 = 100+) at several month-ends (2023-12-31, 2024-06-30, 2025-06-30).
//!
//! Both tables are optional in a country folder: without them a country has no citizen
//! profile, and a scenario that needs one is refused with the missing file's name.

use std::collections::BTreeMap;
use std::path::Path;

use super::table::{CsvTable, Row};
use crate::error::{Error, Result};
use crate::{AgeVec, NAGES};

/// File names in a country folder.
pub mod files {
    /// Sourced facts; the rows of topic `4_migration` are read.
    pub const FACTS: &str = "force_migration_sourced_facts.csv";
    /// Both-sexes single-age registration at several dates.
    pub const REGISTRATION: &str = "pop_single_age_both_sexes_resident_registration.csv";
}

/// The topic of the migration rows in [`files::FACTS`].
pub const TOPIC: &str = "4_migration";

/// The quantities read, as written in the `quantity` column.
pub mod quantity {
    /// Nationals' net international migration, persons a year.
    pub const NET: &str = "Korean nationals international net migration (90-day rule)";
    /// Nationals' long-term arrivals.
    pub const ARRIVALS: &str = "Korean nationals arrivals (long-term, >90 days)";
    /// Nationals' long-term departures.
    pub const DEPARTURES: &str = "Korean nationals departures (long-term, >90 days)";
    /// New naturalised citizens.
    pub const NATURALISATIONS: &str = "naturalisations (new naturalised Korean citizens)";
    /// Loss or renunciation of nationality (value `26494 (2024); 25002 (2025)`).
    pub const LOSS: &str = "loss/renunciation of Korean nationality";
}

/// Largest magnitude accepted for a yearly flow (persons): ten million, beyond any
/// country's recorded migration of its nationals.
const MAX_FLOW: f64 = 1.0e7;

/// A yearly figure with the line it was read from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figure {
    /// Calendar year.
    pub year: i32,
    /// Persons.
    pub value: f64,
    /// Line in the file.
    pub line: usize,
}

/// Nationals' migration by year (each list sorted by year, one figure a year).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NationalsMigration {
    /// Net international migration (90-day rule), signed.
    pub net: Vec<Figure>,
    /// Long-term arrivals.
    pub arrivals: Vec<Figure>,
    /// Long-term departures.
    pub departures: Vec<Figure>,
    /// Naturalisations.
    pub naturalisations: Vec<Figure>,
    /// Loss or renunciation of nationality (persons, positive).
    pub loss: Vec<Figure>,
}

/// Both-sexes registration by reference date (`YYYY-MM-DD`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Registration {
    /// Persons by single age at each date.
    pub by_date: BTreeMap<String, AgeVec>,
}

/// The citizen data of a country folder.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Nationals {
    /// Nationals' migration series.
    pub migration: NationalsMigration,
    /// Both-sexes registration tables.
    pub registration: Registration,
}

impl NationalsMigration {
    /// The values of `list` for the years `first..=last` except `excluded`, in year order.
    pub fn values(list: &[Figure], first: i32, last: i32, excluded: &[i32]) -> Vec<(i32, f64)> {
        list.iter()
            .filter(|f| (first..=last).contains(&f.year) && !excluded.contains(&f.year))
            .map(|f| (f.year, f.value))
            .collect()
    }
}

fn push(list: &mut Vec<Figure>, row: &Row<'_>, year: i32, value: f64) -> Result<()> {
    if let Some(prev) = list.iter().find(|f| f.year == year) {
        return Err(row.error("ref_date", format!("a second figure for {year} (the first is on line {})", prev.line)));
    }
    list.push(Figure { year, value, line: row.line() });
    Ok(())
}

/// Parses `26494 (2024); 25002 (2025)`: values with their years in parentheses.
fn parse_values_with_years(row: &Row<'_>, text: &str) -> Result<Vec<(i32, f64)>> {
    let mut out = Vec::new();
    for part in text.split(';') {
        let part = part.trim();
        let bad = || {
            row.error(
                "value",
                format!("expected values with their years, e.g. `26494 (2024); 25002 (2025)`, got `{text}`"),
            )
        };
        let (v, rest) = part.split_once('(').ok_or_else(bad)?;
        let y = rest.strip_suffix(')').ok_or_else(bad)?.trim();
        let v: f64 = v.trim().parse().map_err(|_| bad())?;
        let y: i32 = y.parse().map_err(|_| bad())?;
        if !v.is_finite() || !(0.0..=MAX_FLOW).contains(&v) {
            return Err(row.error("value", format!("must be between 0 and 1e7 persons a year, got {v}")));
        }
        if !(1800..=2300).contains(&y) {
            return Err(row.error("value", format!("expected a year between 1800 and 2300, got {y}")));
        }
        out.push((y, v));
    }
    Ok(out)
}

/// Reads the `4_migration` rows of the facts table.
pub fn read_migration(table: &CsvTable) -> Result<NationalsMigration> {
    let mut m = NationalsMigration::default();
    for row in table.rows() {
        if row.text("topic")? != TOPIC {
            continue;
        }
        let q = row.text("quantity")?;
        let what = "persons a year; ten million is beyond any country's recorded migration";
        match q {
            quantity::NET => {
                let v = row.between("value", -MAX_FLOW, MAX_FLOW, what)?;
                push(&mut m.net, &row, row.year("ref_date")?, v)?;
            }
            quantity::ARRIVALS | quantity::DEPARTURES | quantity::NATURALISATIONS => {
                let v = row.nonneg_at_most("value", MAX_FLOW, what)?;
                let list = match q {
                    quantity::ARRIVALS => &mut m.arrivals,
                    quantity::DEPARTURES => &mut m.departures,
                    _ => &mut m.naturalisations,
                };
                push(list, &row, row.year("ref_date")?, v)?;
            }
            quantity::LOSS => {
                for (y, v) in parse_values_with_years(&row, row.text("value")?)? {
                    push(&mut m.loss, &row, y, v)?;
                }
            }
            _ => {}
        }
    }
    for list in [&mut m.net, &mut m.arrivals, &mut m.departures, &mut m.naturalisations, &mut m.loss] {
        list.sort_by_key(|f| f.year);
    }
    if m.net.is_empty() {
        return Err(Error::data(
            table.path(),
            None,
            "quantity",
            format!("no rows of topic `{TOPIC}` with quantity `{}`", quantity::NET),
        ));
    }
    Ok(m)
}

/// Reads the both-sexes registration: every date must have every age 0..=100 once.
pub fn read_registration(table: &CsvTable) -> Result<Registration> {
    let mut seen: BTreeMap<String, [bool; NAGES]> = BTreeMap::new();
    let mut r = Registration::default();
    for row in table.rows() {
        let date = row.text("reference_date")?.to_string();
        let ok = date.len() == 10 && date.get(0..4).is_some_and(|y| y.parse::<i32>().is_ok());
        if !ok {
            return Err(row.error("reference_date", format!("expected a date YYYY-MM-DD, got `{date}`")));
        }
        let age = row.integer("age")?;
        if !(0..NAGES as i64).contains(&age) {
            return Err(row.error("age", format!("age must be 0..=100 (100 = 100+), got {age}")));
        }
        let a = age as usize;
        let s = seen.entry(date.clone()).or_insert([false; NAGES]);
        if s[a] {
            return Err(row.error("age", format!("duplicate row for {date}, age {a}")));
        }
        s[a] = true;
        let v = row.nonneg_at_most(
            "total_persons",
            super::limits::PERSONS_PER_AGE.0 * 2.0,
            "persons in one age, both sexes; no country has two billion",
        )?;
        r.by_date.entry(date).or_insert_with(AgeVec::zeros)[a] = v;
    }
    for (date, s) in &seen {
        if let Some(a) = s.iter().position(|v| !v) {
            return Err(Error::data(table.path(), None, "age", format!("{date} has no row for age {a}")));
        }
    }
    Ok(r)
}

/// Reads both tables from `dir` when [`files::FACTS`] is there (`open` records the file's
/// checksum); `None` without it. With the facts but without the registration the
/// registration is empty (the profile then names the missing date).
pub fn read(dir: &Path, open: &mut dyn FnMut(&str, &[&str]) -> Result<CsvTable>) -> Result<Option<Nationals>> {
    if !crate::embedded::is_file(&dir.join(files::FACTS)) {
        return Ok(None);
    }
    let migration = read_migration(&open(files::FACTS, &["topic", "quantity", "value", "ref_date"])?)?;
    let registration = if crate::embedded::is_file(&dir.join(files::REGISTRATION)) {
        read_registration(&open(files::REGISTRATION, &["reference_date", "age", "total_persons"])?)?
    } else {
        Registration::default()
    };
    Ok(Some(Nationals { migration, registration }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> (tempfile::TempDir, CsvTable) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.csv");
        std::fs::write(&p, text).unwrap();
        let t = CsvTable::read(&p, &[]).unwrap();
        (dir, t)
    }

    const HEAD: &str = "topic,quantity,value,unit,ref_date,source,url,confidence,note\n";

    #[test]
    fn migration_rows_are_read_by_quantity() {
        let text = format!(
            "{HEAD}4_migration,{},-3000,persons,2012,s,u,medium,\n4_migration,\"{}\",343000,persons,2012,s,u,m,\n\
             1_force,{},5,persons,2012,s,u,m,\n4_migration,{},\"26494 (2024); 25002 (2025)\",persons/year,2024-2025,s,u,m,\n",
            quantity::NET,
            quantity::ARRIVALS,
            quantity::NET,
            quantity::LOSS
        );
        let (_d, t) = table(&text);
        let m = read_migration(&t).unwrap();
        assert_eq!(m.net, vec![Figure { year: 2012, value: -3000.0, line: 2 }]);
        assert_eq!(m.arrivals[0].value, 343000.0);
        assert_eq!(
            m.loss.iter().map(|f| (f.year, f.value)).collect::<Vec<_>>(),
            vec![(2024, 26494.0), (2025, 25002.0)]
        );
    }

    #[test]
    fn bad_rows_name_line_and_column() {
        let dup =
            format!("{HEAD}4_migration,{q},1,p,2012,s,u,m,\n4_migration,{q},2,p,2012,s,u,m,\n", q = quantity::NET);
        let (_d, t) = table(&dup);
        let e = read_migration(&t).unwrap_err().to_string();
        assert!(e.contains(":3: ref_date: a second figure for 2012 (the first is on line 2)"), "{e}");
        let neg = format!("{HEAD}4_migration,\"{}\",-5,p,2012,s,u,m,\n", quantity::DEPARTURES);
        let (_d, t) = table(&neg);
        let e = read_migration(&t).unwrap_err().to_string();
        assert!(e.contains(":2: value: must not be negative"), "{e}");
        let loss = format!("{HEAD}4_migration,{},26494 in 2024,p,2024,s,u,m,\n", quantity::LOSS);
        let (_d, t) = table(&loss);
        let e = read_migration(&t).unwrap_err().to_string();
        assert!(e.contains(":2: value: expected values with their years"), "{e}");
        let (_d, t) = table(HEAD);
        assert!(read_migration(&t).unwrap_err().to_string().contains("no rows of topic `4_migration`"));
    }

    #[test]
    fn registration_needs_every_age_of_every_date() {
        let mut text = String::from("reference_date,age,age_label,total_persons\n");
        for a in 0..NAGES {
            text += &format!("2024-06-30,{a},{a},{}\n", 1000 + a);
        }
        let (_d, t) = table(&text);
        let r = read_registration(&t).unwrap();
        assert_eq!(r.by_date["2024-06-30"][100], 1100.0);
        text += "2025-06-30,0,0,5\n";
        let (_d, t) = table(&text);
        let e = read_registration(&t).unwrap_err().to_string();
        assert!(e.contains("2025-06-30 has no row for age 1"), "{e}");
    }
}
