//! Reading CSV tables with errors that name the file, line and column.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Largest data file read (bytes). The largest shipped table is about 0.16 MB; a file
/// many times that is not a country table, and reading it whole would only waste memory.
pub const MAX_TABLE_BYTES: u64 = 16 * 1024 * 1024;

/// Reads a data file whole, refusing one larger than [`MAX_TABLE_BYTES`] and anything
/// that is not a regular file (a FIFO would block the open forever, a link to
/// `/dev/zero` would never end): the read itself stops one byte past the cap.
pub fn read_capped(path: &Path) -> Result<Vec<u8>> {
    use std::io::Read;
    let cannot = |e: std::io::Error| Error::data(path, None, "", format!("cannot read data table: {e}"));
    if crate::embedded::is_embedded(path) {
        return crate::embedded::file(path)
            .map(<[u8]>::to_vec)
            .ok_or_else(|| cannot(std::io::Error::from(std::io::ErrorKind::NotFound)));
    }
    let meta = std::fs::metadata(path).map_err(cannot)?;
    if !meta.is_file() {
        return Err(Error::data(path, None, "", "not a regular file (a data table must be a plain CSV file)"));
    }
    let too_big = |size: u64| {
        Error::data(path, None, "", format!("data table is {size} bytes, more than the {MAX_TABLE_BYTES} accepted"))
    };
    if meta.len() > MAX_TABLE_BYTES {
        return Err(too_big(meta.len()));
    }
    let file = std::fs::File::open(path).map_err(cannot)?;
    let mut bytes = Vec::new();
    file.take(MAX_TABLE_BYTES + 1).read_to_end(&mut bytes).map_err(cannot)?;
    if bytes.len() as u64 > MAX_TABLE_BYTES {
        return Err(too_big(bytes.len() as u64));
    }
    Ok(bytes)
}

/// A CSV file read whole, with column lookup by name.
pub struct CsvTable {
    path: PathBuf,
    columns: HashMap<String, usize>,
    rows: Vec<(usize, csv::StringRecord)>,
}

/// One row of a [`CsvTable`].
pub struct Row<'a> {
    table: &'a CsvTable,
    line: usize,
    record: &'a csv::StringRecord,
}

impl CsvTable {
    /// Reads a CSV file with a header row. The named columns must all be present.
    pub fn read(path: &Path, required: &[&str]) -> Result<CsvTable> {
        let bytes = read_capped(path)?;
        let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(bytes.as_slice());
        let headers = reader
            .headers()
            .map_err(|e| Error::data(path, Some(1), "", format!("cannot read header row: {e}")))?
            .clone();
        let columns: HashMap<String, usize> =
            headers.iter().enumerate().map(|(i, h)| (h.trim().to_string(), i)).collect();
        for col in required {
            if !columns.contains_key(*col) {
                let mut have: Vec<&str> = headers.iter().collect();
                have.sort();
                return Err(Error::data(
                    path,
                    Some(1),
                    *col,
                    format!("missing column; the header has: {}", have.join(", ")),
                ));
            }
        }
        let mut rows = Vec::new();
        for rec in reader.records() {
            let rec = rec.map_err(|e| {
                let line = e.position().map(|p| p.line() as usize);
                Error::data(path, line, "", format!("malformed CSV: {e}"))
            })?;
            let line = rec.position().map(|p| p.line() as usize).unwrap_or(0);
            rows.push((line, rec));
        }
        Ok(CsvTable { path: path.to_path_buf(), columns, rows })
    }

    /// The rows in file order.
    pub fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.rows.iter().map(|(line, record)| Row { table: self, line: *line, record })
    }

    /// The file path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Row<'_> {
    /// The row's 1-based line in the file.
    pub fn line(&self) -> usize {
        self.line
    }

    /// The raw text of a column.
    pub fn text(&self, col: &str) -> Result<&str> {
        let idx = self.table.columns.get(col).copied().ok_or_else(|| self.error(col, "missing column".into()))?;
        self.record.get(idx).map(str::trim).ok_or_else(|| self.error(col, "row has too few cells".into()))
    }

    /// A finite number (`-0` reads as 0, as in scenario files).
    pub fn number(&self, col: &str) -> Result<f64> {
        let t = self.text(col)?;
        match t.parse::<f64>() {
            Ok(x) if x.is_finite() => Ok(x + 0.0),
            _ => Err(self.error(col, format!("expected a finite number, got `{t}`"))),
        }
    }

    /// A finite, non-negative number.
    pub fn nonneg(&self, col: &str) -> Result<f64> {
        let x = self.number(col)?;
        if x < 0.0 {
            return Err(self.error(col, format!("must not be negative, got {x}")));
        }
        Ok(x)
    }

    /// A finite number in `[0, max]`; `what` says what the bound means (for the
    /// message), e.g. `persons in one age and sex`.
    pub fn nonneg_at_most(&self, col: &str, max: f64, what: &str) -> Result<f64> {
        self.between(col, 0.0, max, what)
    }

    /// A finite number in `[min, max]`; `what` says what the bounds mean.
    pub fn between(&self, col: &str, min: f64, max: f64, what: &str) -> Result<f64> {
        let x = self.number(col)?;
        if x < 0.0 && min == 0.0 {
            return Err(self.error(col, format!("must not be negative, got {x}")));
        }
        if x < min || x > max {
            let range = if min == 0.0 {
                format!("at most {}", show(max))
            } else {
                format!("between {} and {}", show(min), show(max))
            };
            return Err(self.error(col, format!("must be {range} ({what}), got {}", show(x))));
        }
        Ok(x)
    }

    /// An integer.
    pub fn integer(&self, col: &str) -> Result<i64> {
        let t = self.text(col)?;
        t.parse::<i64>().map_err(|_| self.error(col, format!("expected an integer, got `{t}`")))
    }

    /// A calendar year: an integer in 1800..=2300 (so it cannot wrap round when narrowed).
    pub fn year(&self, col: &str) -> Result<i32> {
        let y = self.integer(col)?;
        if !(1800..=2300).contains(&y) {
            return Err(self.error(col, format!("expected a year between 1800 and 2300, got {y}")));
        }
        Ok(y as i32)
    }

    /// An error at this row and column.
    pub fn error(&self, col: &str, message: String) -> Error {
        Error::data(&self.table.path, Some(self.line), col, message)
    }
}

/// A number in a message: exponent form when large (`1e9`, `1.7e308`).
fn show(x: f64) -> String {
    if x.abs() >= 1e6 { format!("{x:e}") } else { format!("{x}") }
}
