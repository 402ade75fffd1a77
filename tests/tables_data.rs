//! Data a program can read (issue 13, item 6): every value column of the CSVs parses as
//! a number with pandas-like strictness, `columns.csv` documents every column of every
//! CSV each command writes, `summary.json` holds the CSV's numbers (no `-0`), and
//! `--format xlsx` writes a workbook whose cells equal the CSVs'.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook};

/// Runs `forcecast` with `args`, expecting success.
fn forcecast(args: &[&str]) {
    common::forcecast().args(args).assert().success();
}

/// The folders of run (with and without trajectories), compare and sensitivity, written
/// once for all the tests of this file.
fn folders() -> &'static (tempfile::TempDir, Vec<(&'static str, std::path::PathBuf)>) {
    static DIRS: std::sync::OnceLock<(tempfile::TempDir, Vec<(&'static str, std::path::PathBuf)>)> =
        std::sync::OnceLock::new();
    DIRS.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let p = |n: &str| tmp.path().join(n);
        let s = |n: &str| p(n).to_str().unwrap().to_string();
        forcecast(&["run", "baseline", "--no-charts", "-q", "--format", "xlsx", "--out", &s("run")]);
        forcecast(&[
            "run",
            "baseline",
            "--no-charts",
            "-q",
            "--trajectories",
            "40",
            "--save-trajectories",
            "2",
            "--out",
            &s("mc"),
        ]);
        forcecast(&[
            "compare",
            "baseline",
            "fertility-low",
            "--no-charts",
            "-q",
            "--format",
            "csv,xlsx",
            "--out",
            &s("cmp"),
        ]);
        forcecast(&["sensitivity", "baseline", "--no-charts", "-q", "--out", &s("sens")]);
        forcecast(&["backtest", "--force", "--no-charts", "--out", &s("bt")]);
        forcecast(&["report", "baseline", "target-450k", "--trajectories", "20", "-q", "--out", &s("rep")]);
        let dirs = ["run", "mc", "cmp", "sens", "bt", "rep"].into_iter().map(|n| (n, p(n))).collect();
        (tmp, dirs)
    })
}

fn dir(name: &str) -> &'static Path {
    &folders().1.iter().find(|(n, _)| *n == name).unwrap().1
}

/// The CSV files of a folder and its subfolders (not `columns.csv`), as paths inside it.
fn csv_files(d: &Path) -> Vec<String> {
    let mut v = Vec::new();
    for e in std::fs::read_dir(d).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().into_owned();
        if e.file_type().unwrap().is_dir() {
            v.extend(csv_files(&e.path()).into_iter().map(|f| format!("{name}/{f}")));
        } else if name.ends_with(".csv") && name != "columns.csv" {
            v.push(name);
        }
    }
    v.sort();
    v
}

/// `columns.csv` of a folder: (file, column) -> unit.
fn dictionary(d: &Path) -> BTreeMap<(String, String), String> {
    let (header, rows) = common::read_csv(&d.join("columns.csv"));
    assert_eq!(header, ["file", "column", "unit", "meaning"]);
    rows.into_iter()
        .map(|r| {
            assert!(!r[2].is_empty() && !r[3].is_empty(), "columns.csv row without unit or meaning: {r:?}");
            assert_ne!(r[3], forcecast::output::columns::UNDOCUMENTED, "{r:?}");
            ((r[0].clone(), r[1].clone()), r[2].clone())
        })
        .collect()
}

#[test]
fn columns_csv_documents_every_column_of_every_csv() {
    let mut files_seen = BTreeSet::new();
    for (name, d) in &folders().1 {
        let dict = dictionary(d);
        let mut expected = BTreeSet::new();
        for f in csv_files(d) {
            let (header, _) = common::read_csv(&d.join(&f));
            for c in header {
                assert!(dict.contains_key(&(f.clone(), c.clone())), "{name}: {f} column `{c}` is not in columns.csv");
                expected.insert((f.clone(), c));
            }
            files_seen.insert(f.rsplit('/').next().unwrap().to_string());
        }
        for c in ["file", "column", "unit", "meaning"] {
            expected.insert(("columns.csv".into(), c.into()));
        }
        // Nothing listed that the folder does not have.
        let listed: BTreeSet<_> = dict.keys().cloned().collect();
        assert_eq!(listed, expected, "{name}");
    }
    let want = [
        "backtest.csv",
        "calibration.csv",
        "comparison.csv",
        "force_calibration.csv",
        "force_calibration_years.csv",
        "force_parameters.csv",
        "key_years.csv",
        "population.csv",
        "probabilities.csv",
        "quantiles.csv",
        "sensitivity.csv",
        "summary.csv",
        "trajectories.csv",
    ];
    assert_eq!(files_seen, want.into_iter().map(String::from).collect(), "the files this test covers");
}

/// A number as pandas' C parser, R's `read.csv` and Excel all read it: ASCII digits, an
/// optional leading `-`, an optional fraction; no thousands separator, unit, `+`,
/// exponent or Unicode minus.
fn strict_number(s: &str) -> bool {
    let body = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = body.split_once('.').unwrap_or((body, "0"));
    !int.is_empty()
        && !frac.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
        && s.parse::<f64>().is_ok_and(f64::is_finite)
}

#[test]
fn every_value_column_is_strictly_numeric() {
    for ok in ["0", "-12", "231614.445", "0.000100"] {
        assert!(strict_number(ok), "{ok}");
    }
    for bad in ["1,000", "\u{2212}20000", "90%", "1e5", "+3", "", "18 months", "-", ".5", "inf", "NaN"] {
        assert!(!strict_number(bad), "{bad}");
    }
    let cases = [
        ("sens", "sensitivity.csv"),
        ("cmp", "comparison.csv"),
        ("cmp", "key_years.csv"),
        ("mc", "quantiles.csv"),
        ("mc", "probabilities.csv"),
        ("run", "summary.csv"),
        ("run", "population.csv"),
    ];
    for (folder, file) in cases {
        let d = dir(folder);
        let dict = dictionary(d);
        let (header, rows) = common::read_csv(&d.join(file));
        let mut numeric_columns = 0;
        for (i, c) in header.iter().enumerate() {
            if dict[&(file.to_string(), c.clone())] == "text" {
                continue;
            }
            numeric_columns += 1;
            for (r, row) in rows.iter().enumerate() {
                // comparison.csv and key_years.csv leave a cell empty where a scenario
                // does not reach the year (pandas reads NaN); none here do.
                assert!(strict_number(&row[i]), "{folder}/{file} row {} column {c}: `{}`", r + 2, row[i]);
            }
        }
        assert!(numeric_columns >= 3, "{file}: {numeric_columns} value columns");
    }
    // The sensitivity values are numbers; their words are in the *_label columns.
    let (header, rows) = common::read_csv(&dir("sens").join("sensitivity.csv"));
    let values = common::column(&header, &rows, "base_value");
    let service = rows.iter().position(|r| r[2] == "force.<branch>.service_months").expect("service row");
    assert_eq!(values[service], 18.0, "Army service in baseline (months)");
}

#[test]
fn summary_json_holds_the_csv_numbers() {
    let d = dir("run");
    let text = std::fs::read_to_string(d.join("summary.json")).unwrap();
    assert!(!text.contains("-0,") && !text.contains("-0\n") && !text.contains("-0.0"), "a negative zero");
    let json: Vec<serde_json::Map<String, serde_json::Value>> = serde_json::from_str(&text).unwrap();
    let (header, rows) = common::read_csv(&d.join("summary.csv"));
    assert_eq!(json.len(), rows.len());
    for (obj, row) in json.iter().zip(&rows) {
        let keys: Vec<&String> = obj.keys().collect();
        assert_eq!(keys.len(), header.len());
        for (c, cell) in header.iter().zip(row) {
            let v = &obj[c];
            let csv: f64 = cell.parse().unwrap();
            // Same value as the CSV's text (its precision), exactly.
            assert_eq!(v.as_f64(), Some(csv), "{c}: json {v} vs csv {cell}");
            // A whole number in the CSV is an integer in the JSON (no `.0`).
            if !cell.contains('.') {
                assert!(v.is_i64() || v.is_u64(), "{c}: {v} for {cell}");
            }
        }
    }
    // Column order as in the CSV.
    let first: Vec<&String> = json[0].keys().collect();
    assert!(text.find("\"year\"").unwrap() < text.find("\"population_total\"").unwrap(), "{first:?}");
}

fn cell(range: &calamine::Range<Data>, r: usize, c: usize) -> Data {
    range.get((r, c)).cloned().unwrap_or(Data::Empty)
}

#[test]
fn the_workbook_holds_the_csv_tables_as_numbers() {
    for (folder, sheets) in
        [("run", &["summary", "population", "columns"][..]), ("cmp", &["comparison", "key_years", "columns"][..])]
    {
        let d = dir(folder);
        let mut book: Xlsx<_> = open_workbook(d.join("tables.xlsx")).expect("open tables.xlsx");
        let names = book.sheet_names();
        // One sheet per CSV, in the order written, the dictionary last.
        assert_eq!(names, sheets.iter().map(|s| s.to_string()).collect::<Vec<_>>(), "{folder}");
        for sheet in sheets {
            let range = book.worksheet_range(sheet).unwrap();
            let (header, rows) = common::read_csv(&d.join(format!("{sheet}.csv")));
            assert_eq!(range.height(), rows.len() + 1, "{folder}/{sheet}: rows");
            for (c, h) in header.iter().enumerate() {
                assert_eq!(cell(&range, 0, c), Data::String(h.clone()), "{sheet} header");
            }
            // Every cell of the first, the middle and the last row.
            for r in [0, rows.len() / 2, rows.len() - 1] {
                for (c, text) in rows[r].iter().enumerate() {
                    let got = cell(&range, r + 1, c);
                    match text.parse::<f64>() {
                        Ok(x) if !matches!(header[c].as_str(), "metric" | "sex" | "unit" | "file" | "column") => {
                            assert_eq!(got, Data::Float(x), "{folder}/{sheet} row {} col {}", r + 2, header[c]);
                        }
                        _ => assert_eq!(
                            got,
                            Data::String(text.clone()),
                            "{folder}/{sheet} row {} col {}",
                            r + 2,
                            header[c]
                        ),
                    }
                }
            }
        }
    }
    // Reference values: baseline's base-year population (Resident Registration, 2025).
    let mut book: Xlsx<_> = open_workbook(dir("run").join("tables.xlsx")).unwrap();
    let summary = book.worksheet_range("summary").unwrap();
    assert_eq!(cell(&summary, 1, 0), Data::Float(2025.0));
    assert_eq!(cell(&summary, 1, 1), Data::Float(51_164_582.0));
}

#[test]
fn the_workbook_is_the_same_bytes_on_every_run() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("again");
    forcecast(&["run", "baseline", "--no-charts", "-q", "--format", "xlsx", "--out", out.to_str().unwrap()]);
    let a = std::fs::read(dir("run").join("tables.xlsx")).unwrap();
    let b = std::fs::read(out.join("tables.xlsx")).unwrap();
    assert!(a == b, "tables.xlsx differs between two runs of the same scenario");
}

#[test]
fn an_unknown_format_is_a_usage_error_before_anything_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("x");
    let a = common::forcecast()
        .args(["run", "baseline", "--format", "xls", "--out", out.to_str().unwrap()])
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    assert!(err.contains("--format: unknown format `xls`; use csv, xlsx or csv,xlsx"), "{err}");
    assert!(!out.exists());
}

#[test]
fn a_table_longer_than_an_excel_sheet_is_refused_and_nothing_is_written() {
    // 380 trajectories x 76 years x every summary metric: more rows than a sheet holds.
    let per = 76 * (forcecast::output::tables::SUMMARY_COLUMNS.len() - 1);
    let (n, limit) = (380usize, 1_048_575usize);
    assert!(n * per > limit, "the case must overflow a sheet");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("big");
    let a = common::forcecast()
        .args(["run", "baseline", "--no-charts", "-q", "--trajectories", "380", "--save-trajectories", "380"])
        .args(["--format", "xlsx", "--out", out.to_str().unwrap()])
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    // Refused before the trajectories run.
    let expected = format!(
        "--format xlsx: --save-trajectories 380 makes trajectories.csv {} rows ({per} per trajectory), more \
         than the {limit} data rows an Excel sheet holds; give at most {}, or leave out xlsx",
        n * per,
        limit / per
    );
    assert!(err.contains(&expected), "{err}");
    assert!(!out.exists(), "a failed run left {}", out.display());
}
