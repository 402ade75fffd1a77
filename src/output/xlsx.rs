//! `tables.xlsx` (`--format xlsx`): the folder's CSV tables as one Excel workbook, one
//! sheet per CSV, built from the CSV files as written, cell for cell: a value column's
//! cells are numbers (the CSV's rounded value), a text column's (unit `text` in
//! [`super::columns`]) are strings, an empty cell stays empty. The header row is bold and
//! frozen. The workbook's creation time is fixed, so the same run gives the same bytes.

use std::path::Path;

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};

use super::columns;
use crate::error::{Error, Result};

/// The file name of the workbook.
pub const FILE: &str = "tables.xlsx";

/// Most rows an Excel sheet holds (the header included).
const EXCEL_ROWS: usize = 1_048_576;

/// Longest sheet name Excel accepts.
const SHEET_NAME_MAX: usize = 31;

/// The output formats of the tables (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Formats {
    /// Also write `tables.xlsx` (the CSV files are always written: the charts, the
    /// report, `columns.csv` and the workbook are made from them).
    pub xlsx: bool,
}

impl Formats {
    /// Parses `--format`: `csv`, `xlsx` or a comma-separated list of them.
    pub fn parse(text: &str) -> Result<Formats> {
        let mut f = Formats::default();
        for part in text.split(',').map(str::trim) {
            match part {
                "csv" => {}
                "xlsx" => f.xlsx = true,
                other => {
                    return Err(Error::Usage(format!(
                        "--format: unknown format `{}`; use csv, xlsx or csv,xlsx",
                        crate::error::escape(other)
                    )));
                }
            }
        }
        Ok(f)
    }
}

/// The sheet name of a CSV file: its path without `.csv`, `/` as `-`, at most 31
/// characters, none of `[]:*?\`; a repeat gets `~2`, `~3`, ….
fn sheet_name(file: &str, taken: &[String]) -> String {
    let stem = file.strip_suffix(".csv").unwrap_or(file).replace('/', "-");
    let clean: String = stem.chars().map(|c| if "[]:*?\\".contains(c) { '_' } else { c }).collect();
    let mut name: String = clean.chars().take(SHEET_NAME_MAX).collect();
    let mut k = 2;
    while taken.iter().any(|t| t.eq_ignore_ascii_case(&name)) {
        let suffix = format!("~{k}");
        name = clean.chars().take(SHEET_NAME_MAX - suffix.len()).collect::<String>() + &suffix;
        k += 1;
    }
    name
}

/// Writes `tables.xlsx` into `dir` from the `.csv` files among `files` (paths inside
/// `dir`), in that order; returns its file name. `scenarios` names the columns that
/// are scenarios (numbers).
pub fn write(dir: &Path, files: &[String], scenarios: &[&str]) -> Result<String> {
    let path = dir.join(FILE);
    let xerr = |e: XlsxError| Error::io(&path, std::io::Error::other(e.to_string()));
    let mut book = Workbook::new();
    let epoch = ExcelDateTime::from_ymd(2000, 1, 1).map_err(xerr)?;
    book.set_properties(&DocProperties::new().set_creation_datetime(&epoch));
    let bold = Format::new().set_bold();
    let mut taken: Vec<String> = Vec::new();
    for file in files.iter().filter(|f| f.ends_with(".csv")) {
        let src = dir.join(file);
        let cerr = |e: csv::Error| Error::io(&src, std::io::Error::other(e.to_string()));
        let mut reader = csv::ReaderBuilder::new().has_headers(true).from_path(&src).map_err(cerr)?;
        let header: Vec<String> = reader.headers().map_err(cerr)?.iter().map(String::from).collect();
        let text: Vec<bool> =
            header.iter().map(|c| columns::lookup(file, c, scenarios).is_none_or(|(unit, _)| unit == "text")).collect();
        let name = sheet_name(file, &taken);
        let sheet = book.add_worksheet();
        sheet.set_name(&name).map_err(xerr)?;
        taken.push(name);
        for (c, h) in header.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, h, &bold).map_err(xerr)?;
        }
        sheet.set_freeze_panes(1, 0).map_err(xerr)?;
        for (r, record) in reader.records().enumerate() {
            let record = record.map_err(cerr)?;
            if r + 1 >= EXCEL_ROWS {
                return Err(Error::Usage(format!(
                    "--format xlsx: {file} has more than the {} data rows an Excel sheet holds; leave out xlsx, or \
                     write fewer rows (--save-trajectories: {} rows per trajectory)",
                    EXCEL_ROWS - 1,
                    rows_per_group(dir, file)
                )));
            }
            let row = r as u32 + 1;
            for (c, cell) in record.iter().enumerate() {
                if cell.is_empty() {
                    continue;
                }
                let col = c as u16;
                match cell.parse::<f64>() {
                    Ok(x) if x.is_finite() && !text.get(c).copied().unwrap_or(true) => {
                        sheet.write_number(row, col, x).map_err(xerr)?;
                    }
                    _ => {
                        sheet.write_string(row, col, cell).map_err(xerr)?;
                    }
                }
            }
        }
    }
    book.save(&path).map_err(xerr)?;
    Ok(FILE.to_string())
}

/// Refuses, before a run, `--save-trajectories k` whose `trajectories.csv` (k × years ×
/// metrics rows) would not fit an Excel sheet, for a projection of `years` years.
pub fn check_trajectories(k: u64, years: usize) -> Result<()> {
    let per = years * (crate::output::tables::SUMMARY_COLUMNS.len() - 1);
    let rows = usize::try_from(k).unwrap_or(usize::MAX).saturating_mul(per);
    if rows >= EXCEL_ROWS {
        let most = (EXCEL_ROWS - 1) / per.max(1);
        return Err(Error::Usage(format!(
            "--format xlsx: --save-trajectories {k} makes trajectories.csv {rows} rows ({per} per trajectory), more \
             than the {} data rows an Excel sheet holds; give at most {most}, or leave out xlsx",
            EXCEL_ROWS - 1
        )));
    }
    Ok(())
}

/// Rows per trajectory of `trajectories.csv` (years × metrics), for the message of a
/// sheet too long for Excel; 0 for any other file.
fn rows_per_group(dir: &Path, file: &str) -> usize {
    if !file.ends_with("trajectories.csv") {
        return 0;
    }
    let years = std::fs::read_to_string(dir.join("summary.csv")).map(|t| t.lines().count().saturating_sub(1));
    years.unwrap_or(0) * (crate::output::tables::SUMMARY_COLUMNS.len() - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_fit_and_differ() {
        let mut taken = Vec::new();
        for f in
            ["monte_carlo/force_parameters_and_more_columns.csv", "monte_carlo/force_parameters_and_more_columns_2.csv"]
        {
            let n = sheet_name(f, &taken);
            assert!(n.chars().count() <= SHEET_NAME_MAX, "{n}");
            taken.push(n);
        }
        assert_eq!(taken[0], "monte_carlo-force_parameters_an");
        assert_eq!(taken[1], "monte_carlo-force_parameters_~2");
        assert_eq!(sheet_name("summary.csv", &[]), "summary");
    }

    #[test]
    fn formats() {
        assert_eq!(Formats::parse("csv").unwrap(), Formats { xlsx: false });
        assert_eq!(Formats::parse("csv,xlsx").unwrap(), Formats { xlsx: true });
        assert!(Formats::parse("xls").unwrap_err().to_string().contains("unknown format `xls`"));
    }
}
