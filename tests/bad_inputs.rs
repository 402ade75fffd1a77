//! The bad-input corpus: every case under tests/bad/ must fail with exactly the error
//! text in its `expected.txt`, a non-zero exit that is not a panic (101), and no
//! stack trace.
//!
//! A case folder holds `scenario.toml` (checked with `forcecast check`), optionally
//! more .toml files beside it, `args` (the command line instead of the default check;
//! `{dir}` is the case's temporary folder), `setup` (`file NAME` creates a plain file
//! and the folders above it), and `data.toml` (`[[edit]]` entries with `file` and
//! `find`/`replace` or `delete`, or `drop_lines` (a list of line prefixes) or
//! `drop_years = [from, to]` (rows whose first column is a year in the range, with
//! `series` also requiring the second column),
//! applied to a copy of scenarios/data/korea). Paths in the error text are written
//! relative to `{dir}`. `BLESS=1 cargo test --test bad_inputs` writes missing
//! expected files (review them before committing).

mod common;

use std::path::Path;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
        }
    }
}

#[derive(serde::Deserialize)]
struct Edits {
    edit: Vec<Edit>,
}

#[derive(serde::Deserialize)]
struct Edit {
    file: String,
    find: Option<String>,
    replace: Option<String>,
    #[serde(default)]
    delete: bool,
    #[serde(default)]
    drop_lines: Vec<String>,
    drop_years: Option<(i32, i32)>,
    series: Option<String>,
}

impl Edit {
    /// Whether a line of the table is dropped by `drop_lines` / `drop_years`.
    fn drops(&self, line: &str) -> bool {
        if self.drop_lines.iter().any(|p| line.starts_with(p.as_str())) {
            return true;
        }
        let Some((from, to)) = self.drop_years else { return false };
        let mut cells = line.split(',');
        let year = cells.next().and_then(|c| c.parse::<i32>().ok());
        let series_ok = self.series.as_deref().is_none_or(|s| cells.next() == Some(s));
        year.is_some_and(|y| (from..=to).contains(&y)) && series_ok
    }
}

fn run_case(case: &Path) -> Result<(), String> {
    let name = case.file_name().unwrap().to_string_lossy().into_owned();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().canonicalize().unwrap();
    let scen = dir.join("scenarios");
    std::fs::create_dir_all(&scen).unwrap();
    for e in std::fs::read_dir(common::scenarios()).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "toml") {
            std::fs::copy(&p, scen.join(p.file_name().unwrap())).unwrap();
        }
    }
    let data = scen.join("data/korea");
    copy_dir(&common::scenarios().join("data/korea"), &data);
    let case_dir = dir.join("case");
    std::fs::create_dir_all(&case_dir).unwrap();
    for e in std::fs::read_dir(case).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "toml") && p.file_name().unwrap() != "data.toml" {
            std::fs::copy(&p, case_dir.join(p.file_name().unwrap())).unwrap();
        }
    }
    if let Ok(text) = std::fs::read_to_string(case.join("data.toml")) {
        let edits: Edits = toml::from_str(&text).map_err(|e| format!("{name}: data.toml: {e}"))?;
        for ed in edits.edit {
            let path = data.join(&ed.file);
            if ed.delete {
                std::fs::remove_file(&path).unwrap();
                continue;
            }
            if !ed.drop_lines.is_empty() || ed.drop_years.is_some() {
                let body = std::fs::read_to_string(&path).unwrap();
                let kept: Vec<&str> = body.lines().filter(|l| !ed.drops(l)).collect();
                if kept.len() == body.lines().count() {
                    return Err(format!("{name}: no line of {} dropped", ed.file));
                }
                std::fs::write(&path, kept.join("\n") + "\n").unwrap();
                continue;
            }
            let (find, replace) = (ed.find.unwrap(), ed.replace.unwrap());
            let body = std::fs::read_to_string(&path).unwrap();
            if !body.contains(&find) {
                return Err(format!("{name}: `{find}` not found in {}", ed.file));
            }
            std::fs::write(&path, body.replacen(&find, &replace, 1)).unwrap();
        }
    }
    if let Ok(text) = std::fs::read_to_string(case.join("setup")) {
        for line in text.lines() {
            if let Some(f) = line.strip_prefix("file ") {
                let path = dir.join(f.trim());
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, "not a folder\n").unwrap();
            }
        }
    }
    let args: Vec<String> = match std::fs::read_to_string(case.join("args")) {
        Ok(a) => a.split_whitespace().map(|t| t.replace("{dir}", dir.to_str().unwrap())).collect(),
        Err(_) => vec!["check".into(), case_dir.join("scenario.toml").to_string_lossy().into_owned()],
    };
    let out = assert_cmd::Command::cargo_bin("forcecast")
        .unwrap()
        .current_dir(&dir)
        .arg("--scenarios")
        .arg(&scen)
        .args(&args)
        .output()
        .unwrap();
    let code = out.status.code();
    let stderr = String::from_utf8_lossy(&out.stderr).replace(dir.to_str().unwrap(), "{dir}");
    if code == Some(0) || code == Some(101) || code.is_none() {
        return Err(format!("{name}: exit code {code:?}\n{stderr}"));
    }
    if stderr.contains("panicked") || stderr.contains("stack backtrace") || stderr.contains("RUST_BACKTRACE") {
        return Err(format!("{name}: panic or stack trace\n{stderr}"));
    }
    let expected_path = case.join("expected.txt");
    match std::fs::read_to_string(&expected_path) {
        Ok(expected) if expected.trim_end() == stderr.trim_end() => Ok(()),
        Ok(expected) => Err(format!("{name}: error text differs\n--- expected\n{expected}\n--- got\n{stderr}")),
        Err(_) if std::env::var_os("BLESS").is_some() => {
            std::fs::write(&expected_path, stderr.trim_end().to_string() + "\n").unwrap();
            Ok(())
        }
        Err(_) => Err(format!("{name}: no expected.txt; got\n{stderr}")),
    }
}

#[test]
fn every_bad_input_is_rejected_with_its_expected_message() {
    let root = common::root().join("tests/bad");
    let mut cases: Vec<_> =
        std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    cases.sort();
    assert!(cases.len() >= 30, "the corpus must hold at least 30 cases, has {}", cases.len());
    let failures: Vec<String> = cases.iter().filter_map(|c| run_case(c).err()).collect();
    assert!(failures.is_empty(), "{} of {} cases failed:\n\n{}", failures.len(), cases.len(), failures.join("\n\n"));
}
