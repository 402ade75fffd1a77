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

/// Whether a character must not reach a terminal raw: control characters (C0, DEL,
/// C1) and the invisible characters that reorder or hide text (bidirectional marks,
/// embeddings, overrides and isolates, zero-width characters, line and paragraph
/// separators, the byte-order mark).
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{061c}' | '\u{feff}')
}

/// User text made safe to print: every control character (newline included) and every
/// invisible reordering character is written as an escape (`\t`, `\n`, `\u{1b}`,
/// `\u{202e}`), so a file name, key or value quoted in a message can neither move the
/// cursor, recolour the terminal, hide text nor fake another line of output.
pub fn escape(text: &str) -> std::borrow::Cow<'_, str> {
    escape_where(text, is_unsafe)
}

/// Like [`escape`] but escapes control characters only, keeping the invisible
/// direction marks: for text whose right-to-left runs are written as given (a report).
pub fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    escape_where(text, char::is_control)
}

/// `text` with every character `unsafe_` flags written as an escape.
fn escape_where(text: &str, unsafe_: fn(char) -> bool) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(unsafe_) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if unsafe_(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Like [`escape`] but keeps newlines: for a whole multi-line message whose parts were
/// already escaped, as a last guard before it is printed.
pub fn escape_lines(text: &str) -> String {
    text.split('\n').map(|l| escape(l)).collect::<Vec<_>>().join("\n")
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // One diagnostic is one line: every part that may quote user text is escaped.
        write!(f, "{}", escape(&self.file.display().to_string()))?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if self.key.is_empty() {
            write!(f, ": {}", escape(&self.message))
        } else {
            write!(f, ": {}: {}", escape(&self.key), escape(&self.message))
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
    #[error("consistency check failed: {}", escape(.0))]
    Consistency(String),
    /// Reading or writing a file failed.
    #[error("{}: {error}", escape(&path.display().to_string()))]
    Io {
        /// The file or folder concerned.
        path: PathBuf,
        /// The underlying error (kept out of the error chain so it prints once).
        error: std::io::Error,
    },
    /// A run derived from a valid scenario by an analysis (a sensitivity variant) that
    /// cannot be carried out: the scenario is fine, so this is a failed run (exit 1).
    #[error("{}", escape_lines(.0))]
    Analysis(String),
    /// A run request that cannot be carried out (bad scenario name, output folder, …).
    #[error("{}", escape_lines(.0))]
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_hides_controls_and_reordering_marks() {
        assert!(matches!(escape("plain text, ünïcode"), std::borrow::Cow::Borrowed(_)));
        assert_eq!(escape("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        assert_eq!(escape("x\0y\tz\nw\r"), "x\\u{0}y\\tz\\nw\\r");
        assert_eq!(escape("abc\u{202e}fed\u{200f}\u{9b}\u{7f}"), "abc\\u{202e}fed\\u{200f}\\u{9b}\\u{7f}");
        assert_eq!(escape_lines("one\u{1b}\ntwo"), "one\\u{1b}\ntwo");
        let d = Diagnostic { file: "a\u{1b}.toml".into(), line: Some(3), key: "k\n".into(), message: "m\u{7}".into() };
        assert_eq!(d.to_string(), "a\\u{1b}.toml:3: k\\n: m\\u{7}");
    }
}
