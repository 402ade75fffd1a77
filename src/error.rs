//! Error types of the library. Every error that a user can cause names the place:
//! a file, a line where there is one, and a key or column.

use std::fmt;
use std::path::PathBuf;

/// One problem found in an input file, with its location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file the problem is in.
    pub file: PathBuf,
    /// 1-based line, when the problem has one.
    pub line: Option<usize>,
    /// The key (`section.key`) or column the problem concerns.
    pub key: String,
    /// What is wrong, in words a user can act on.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if self.key.is_empty() {
            write!(f, ": {}", self.message)
        } else {
            write!(f, ": {}: {}", self.key, self.message)
        }
    }
}

/// A list of diagnostics, displayed one per line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

/// Errors of the forcecast library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The scenario file(s) have one or more problems (all are listed).
    #[error("{0}")]
    Scenario(Diagnostics),
    /// An input data table is missing or malformed.
    #[error("{0}")]
    Data(Diagnostic),
    /// The model produced a value that is not a finite non-negative number.
    #[error("numeric guard: {quantity} for {sex} aged {age} in {year} is {value} (must be finite and non-negative)")]
    Numeric {
        /// Year of the projection in which the value arose.
        year: i32,
        /// `male` or `female` (or `-` when the quantity has no sex).
        sex: String,
        /// Single age (or 0 when the quantity has no age).
        age: usize,
        /// The quantity, e.g. `population` or `births`.
        quantity: String,
        /// The offending value.
        value: f64,
    },
    /// A number bound for an output is not finite or outside its plausible range
    /// ([`crate::output::guard`]); nothing is written.
    #[error("numeric guard: {what} is {value} ({rule})")]
    Guard {
        /// What the number is: file or table, column, year.
        what: String,
        /// The offending value, as written in the message.
        value: String,
        /// The rule it breaks, with its bound and unit.
        rule: String,
    },
    /// An internal consistency check failed (a bug, reported rather than ignored).
    #[error("consistency check failed: {0}")]
    Consistency(String),
    /// Reading or writing a file failed.
    #[error("{}: {error}", path.display())]
    Io {
        /// The file or folder concerned.
        path: PathBuf,
        /// The underlying error (kept out of the error chain so it prints once).
        error: std::io::Error,
    },
    /// A run request that cannot be carried out (bad scenario name, output folder, …).
    #[error("{0}")]
    Usage(String),
}

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io { path: path.into(), error: source }
    }

    /// A data error at a file, line and column.
    pub fn data(
        file: impl Into<PathBuf>,
        line: Option<usize>,
        key: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Error::Data(Diagnostic { file: file.into(), line, key: key.into(), message: message.into() })
    }
}

/// Result alias for the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;
