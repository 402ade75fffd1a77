//! Finding scenario files by name, following `extends` chains and merging them.

use std::path::{Path, PathBuf};

use super::node::{self, Table, Value};
use super::reader::Sink;
use super::spec::{self, Scenario};
use crate::error::{Diagnostic, Diagnostics, Error, Result};

/// Longest `extends` chain accepted (a longer one is almost surely a mistake).
const MAX_DEPTH: usize = 16;

/// Largest scenario file read (bytes). The shipped ones are about 2 KB; a file of more
/// than a mebibyte is not a scenario, and reading it would only waste time and memory.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// Most problems shown per file; the rest are counted in one last line.
pub const MAX_SHOWN: usize = 50;

/// Whether a scenario name is safe to use as a file stem: letters, digits, `-`, `_`.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty() && name.len() <= 100 && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Turns a command-line scenario argument into a file path: a path if it ends in
/// `.toml`, else a name (letters, digits, `-`, `_` only, so no path traversal) looked up
/// as `<dir>/<name>.toml`.
pub fn locate(arg: &str, scenarios_dir: &Path) -> Result<PathBuf> {
    let as_path = Path::new(arg);
    if arg.ends_with(".toml") {
        if !as_path.is_file() {
            return Err(Error::Usage(format!("{arg}: scenario file not found")));
        }
        return Ok(as_path.to_path_buf());
    }
    if !valid_name(arg) {
        return Err(Error::Usage(format!(
            "`{arg}` is not a scenario name (names use only letters, digits, `-` and `_`; give a path ending in .toml for a file elsewhere)"
        )));
    }
    let path = scenarios_dir.join(format!("{arg}.toml"));
    if !path.is_file() {
        let known = list(scenarios_dir).unwrap_or_default();
        let names: Vec<&str> = known.iter().map(|(n, _)| n.as_str()).collect();
        let hint = super::reader::suggest(arg, names.iter().copied())
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        return Err(Error::Usage(format!(
            "no scenario named `{arg}` in {}{hint}; known: {}",
            scenarios_dir.display(),
            names.join(", ")
        )));
    }
    Ok(path)
}

/// The scenario name of a file: its stem.
pub fn name_of(path: &Path) -> String {
    path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "scenario".into())
}

fn read(path: &Path) -> Result<Table> {
    use std::io::Read;
    let cannot = |e: std::io::Error| diag(path, None, "", format!("cannot read the scenario file: {e}"));
    let file = std::fs::File::open(path).map_err(cannot)?;
    let mut bytes = Vec::new();
    // One byte more than the cap tells a file over it without reading all of it.
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(cannot)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(diag(
            path,
            None,
            "",
            format!("the file is larger than {MAX_FILE_BYTES} bytes (1 MiB); a scenario file is a few kilobytes"),
        ));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        diag(path, Some(line), "", format!("not UTF-8 text (invalid byte at offset {at}); save the file as UTF-8"))
    })?;
    node::parse(&text, path).map_err(|d| Error::Scenario(Diagnostics(vec![d])))
}

/// Sorts problems by file and line and keeps the first [`MAX_SHOWN`] of each file,
/// ending with a count of the others, so a pathological file cannot flood the terminal.
fn capped(mut d: Vec<Diagnostic>, dropped: usize) -> Vec<Diagnostic> {
    d.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    let mut out: Vec<Diagnostic> = Vec::with_capacity(d.len().min(4 * MAX_SHOWN));
    let mut more: Vec<(std::path::PathBuf, usize)> = Vec::new();
    for x in d {
        let shown = out.iter().rev().take_while(|o| o.file == x.file).count();
        if shown < MAX_SHOWN {
            out.push(x);
        } else {
            match more.last_mut() {
                Some((f, n)) if *f == x.file => *n += 1,
                _ => more.push((x.file.clone(), 1)),
            }
        }
    }
    if dropped > 0 {
        let file = out.last().map(|o| o.file.clone()).unwrap_or_default();
        match more.iter_mut().find(|(f, _)| *f == file) {
            Some((_, n)) => *n += dropped,
            None => more.push((file, dropped)),
        }
    }
    for (file, n) in more {
        let at = out.iter().rposition(|o| o.file == file).map_or(out.len(), |i| i + 1);
        let message = format!("… and {n} more problem{} in this file", if n == 1 { "" } else { "s" });
        out.insert(at, Diagnostic { file, line: None, key: String::new(), message });
    }
    out
}

/// Loads a scenario file, follows its `extends` chain (names resolved beside the file,
/// then in `scenarios_dir`), merges parents under children and validates the result.
/// All problems found are reported together.
pub fn load(path: &Path, scenarios_dir: &Path) -> Result<Scenario> {
    let mut chain: Vec<(PathBuf, Table)> = Vec::new();
    let mut current = path.to_path_buf();
    loop {
        let table = read(&current)?;
        let parent = match table.get("extends") {
            None => None,
            Some(n) => match &n.value {
                Value::Str(s) => Some((s.clone(), n.origin.clone())),
                other => {
                    return Err(diag(
                        &current,
                        Some(n.origin.line),
                        "extends",
                        format!("expected a scenario name, got {}", other.type_name()),
                    ));
                }
            },
        };
        chain.push((current.clone(), table));
        let Some((parent, origin)) = parent else { break };
        if !valid_name(&parent) {
            return Err(diag(
                &current,
                Some(origin.line),
                "extends",
                format!("`{parent}` is not a scenario name (letters, digits, `-`, `_`)"),
            ));
        }
        let beside = current.parent().unwrap_or(Path::new(".")).join(format!("{parent}.toml"));
        let next = if beside.is_file() { beside } else { scenarios_dir.join(format!("{parent}.toml")) };
        if !next.is_file() {
            return Err(diag(
                &current,
                Some(origin.line),
                "extends",
                format!("no scenario named `{parent}` (looked for {})", next.display()),
            ));
        }
        let canon = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
        if chain.iter().any(|(p, _)| canon(p) == canon(&next)) {
            let names: Vec<String> = chain.iter().map(|(p, _)| name_of(p)).chain([parent.clone()]).collect();
            return Err(diag(
                &current,
                Some(origin.line),
                "extends",
                format!("circular extends: {}", names.join(" -> ")),
            ));
        }
        if chain.len() >= MAX_DEPTH {
            return Err(diag(&current, Some(origin.line), "extends", format!("extends chain longer than {MAX_DEPTH}")));
        }
        current = next;
    }
    let files: Vec<PathBuf> = chain.iter().map(|(p, _)| p.clone()).collect();
    let mut merged = Table::new();
    for (_, t) in chain.into_iter().rev() {
        merged = node::merge(merged, t);
    }
    let mut sink = Sink::default();
    let scenario = spec::from_table(&name_of(path), files, &merged, &mut sink);
    match scenario {
        Some(s) if sink.is_empty() => Ok(s),
        _ => Err(Error::Scenario(Diagnostics(capped(sink.diagnostics, sink.dropped)))),
    }
}

fn diag(file: &Path, line: Option<usize>, key: &str, message: String) -> Error {
    Error::Scenario(Diagnostics(vec![Diagnostic { file: file.to_path_buf(), line, key: key.into(), message }]))
}

/// The scenarios in a folder: `(name, description)`, sorted by name. Files that do not
/// parse are listed with the parse problem as their description.
pub fn list(dir: &Path) -> Result<Vec<(String, String)>> {
    // The folder is the user's input (`--scenarios`): not finding it is a usage error.
    let entries = std::fs::read_dir(dir)
        .map_err(|e| Error::Usage(format!("cannot read the scenarios folder {}: {e}", dir.display())))?;
    let mut out = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "toml") && path.is_file() {
            let desc = match read(&path) {
                Ok(t) => match t.get("description").map(|n| &n.value) {
                    Some(Value::Str(s)) => s.clone(),
                    _ => "(no description)".into(),
                },
                Err(e) => format!("(invalid: {e})"),
            };
            out.push((name_of(&path), desc));
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(file: &str, line: usize) -> Diagnostic {
        Diagnostic { file: file.into(), line: Some(line), key: "k".into(), message: "m".into() }
    }

    #[test]
    fn problems_are_capped_per_file_in_line_order() {
        let mut all: Vec<Diagnostic> = (0..120).rev().map(|l| d("a.toml", l + 1)).collect();
        all.extend((0..3).map(|l| d("b.toml", l + 1)));
        let out = capped(all, 0);
        assert_eq!(out.len(), MAX_SHOWN + 1 + 3);
        assert_eq!(out[0].line, Some(1));
        assert_eq!(out[MAX_SHOWN - 1].line, Some(MAX_SHOWN));
        assert_eq!(out[MAX_SHOWN].message, "… and 70 more problems in this file");
        assert_eq!(out[MAX_SHOWN].file, std::path::PathBuf::from("a.toml"));
        assert!(out[MAX_SHOWN + 1..].iter().all(|x| x.file == std::path::Path::new("b.toml")));
        // Problems counted but not kept are added to the count.
        let out = capped(vec![d("a.toml", 1)], 7);
        assert_eq!(out[1].message, "… and 7 more problems in this file");
    }
}
