//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub mod force;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The shipped scenarios folder.
pub fn scenarios() -> PathBuf {
    root().join("scenarios")
}

/// The binary under test, run from the repository root.
pub fn forcecast() -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("forcecast").expect("binary built");
    c.current_dir(root());
    c
}

/// A scenario file `dir/<name>.toml` extending the baseline with `body` appended.
pub fn baseline_with(dir: &Path, name: &str, body: &str) -> PathBuf {
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(&path, format!("extends = \"baseline\"\ndescription = \"test: {name}\"\n{body}")).unwrap();
    path
}

/// Reads a CSV into a header and rows of strings.
pub fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header = r.headers().expect("header").iter().map(String::from).collect();
    let rows = r.records().map(|rec| rec.expect("record").iter().map(String::from).collect()).collect();
    (header, rows)
}

/// A column of a CSV as numbers.
pub fn column(header: &[String], rows: &[Vec<String>], name: &str) -> Vec<f64> {
    let i = header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"));
    rows.iter().map(|r| r[i].parse::<f64>().unwrap_or_else(|_| panic!("{name}: {}", r[i]))).collect()
}

/// Loads and projects a shipped scenario through the library.
pub fn project(name: &str) -> (forcecast::run::Projection, forcecast::run::Inputs) {
    let dir = scenarios();
    let path = forcecast::scenario::locate(name, &dir).expect("scenario exists");
    let s = forcecast::scenario::load(&path, &dir).expect("scenario valid");
    let inputs = forcecast::run::load_inputs(&s, &dir).expect("inputs load");
    let p = forcecast::run::project(&s, &inputs).expect("projection runs");
    (p, inputs)
}

/// `x` rounded to a whole number with commas between thousands (1,234,567), written
/// here independently of the library's formatter.
pub fn commas(x: f64) -> String {
    let s = format!("{:.0}", x);
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}
