//! Finding scenario files by name, following `extends` chains and merging them.

use std::path::{Path, PathBuf};

use super::node::{self, Node, Table, Value};
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
        if !crate::embedded::is_embedded(as_path) && as_path.is_dir() {
            return Err(Error::Usage(format!("{arg}: is a folder, not a scenario file")));
        }
        if !crate::embedded::is_file(as_path) {
            return Err(Error::Usage(format!("{arg}: scenario file not found")));
        }
        return Ok(as_path.to_path_buf());
    }
    if !valid_name(arg) {
        return Err(Error::Usage(format!(
            "`{arg}` is not a scenario name (names use only ASCII letters, digits, `-` and `_`; give a path ending in .toml for a file elsewhere)"
        )));
    }
    match crate::embedded::find(scenarios_dir, &format!("{arg}.toml")) {
        Some(path) => Ok(path),
        None => {
            let known = list(scenarios_dir).unwrap_or_default();
            let names: Vec<&str> = known.iter().map(|e| e.name.as_str()).collect();
            let hint = super::reader::suggest(arg, names.iter().copied())
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            let file = format!("{arg}.toml");
            Err(Error::Usage(format!(
                "no scenario named `{arg}` {}{}{hint}; known: {}. \
                 Give a folder with --scenarios DIR (or FORCECAST_SCENARIOS), or a path ending in .toml",
                searched(scenarios_dir, "or"),
                folder_note(&[scenarios_dir.join(&file)]),
                names.join(", ")
            )))
        }
    }
}

/// Where a scenario name is looked for, as a message says it: the scenarios folder when
/// there is one (`./scenarios` need not exist), then the built-in scenarios. `and` joins
/// the two ("or" for "no scenario … in A or B").
fn searched(dir: &Path, and: &str) -> String {
    if crate::embedded::is_embedded(dir) {
        "among the built-in scenarios".to_string()
    } else if dir.is_dir() {
        format!("in {} {and} among the built-in scenarios", dir.display())
    } else {
        format!("among the built-in scenarios (there is no folder {} to search)", dir.display())
    }
}

/// " (x.toml is a folder, not a scenario file)" for the first of `paths` that is a
/// folder on disk: a lookup skips it, and the message says why.
fn folder_note(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .find(|p| !crate::embedded::is_embedded(p) && p.is_dir())
        .map(|p| format!(" ({} is a folder, not a scenario file)", p.display()))
        .unwrap_or_default()
}

/// The scenario name of a file: its stem.
pub fn name_of(path: &Path) -> String {
    path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "scenario".into())
}

/// The name by which a written scenario file can `extends` the scenario file at `path`
/// (its stem), or a usage error when the stem is not a scenario name (`t.1.toml`,
/// `my file.toml`), since no `extends = "<stem>"` could then be read back. `what` says
/// what would extend it, e.g. "the output of `show baseline --diff t.1.toml`".
pub fn extendable_name(path: &Path, what: &str) -> Result<String> {
    let name = name_of(path);
    if valid_name(&name) {
        return Ok(name);
    }
    let suggestion: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' }).collect();
    let suggestion = suggestion.trim_matches('-');
    let suggestion = if suggestion.is_empty() { "my-scenario" } else { suggestion };
    Err(Error::Usage(format!(
        "{what} extends {} by its file name, and `{name}` is not a scenario name (ASCII letters, digits, `-` and `_` \
         only), so no `extends` could read it back; copy it to a file named with those, e.g. {suggestion}.toml",
        path.display()
    )))
}

fn read(path: &Path) -> Result<Table> {
    use std::io::Read;
    let cannot = |e: std::io::Error| diag(path, None, "", format!("cannot read the scenario file: {e}"));
    let bytes = if crate::embedded::is_embedded(path) {
        crate::embedded::file(path).ok_or_else(|| cannot(std::io::Error::from(std::io::ErrorKind::NotFound)))?.to_vec()
    } else {
        let file = std::fs::File::open(path).map_err(cannot)?;
        let mut bytes = Vec::new();
        // One byte more than the cap tells a file over it without reading all of it.
        file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(cannot)?;
        bytes
    };
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
                match parent.strip_suffix(".toml").filter(|stem| valid_name(stem)) {
                    Some(stem) => {
                        format!("`{parent}` is not a scenario name: `extends` takes the name, without .toml (`{stem}`)")
                    }
                    None => format!("`{parent}` is not a scenario name (ASCII letters, digits, `-`, `_`)"),
                },
            ));
        }
        // Beside the file, then the scenarios folder, then the built-in scenarios.
        let file = format!("{parent}.toml");
        let beside = current.parent().unwrap_or(Path::new(".")).join(&file);
        let found =
            if crate::embedded::is_file(&beside) { Some(beside) } else { crate::embedded::find(scenarios_dir, &file) };
        let Some(next) = found else {
            let known = list(scenarios_dir).unwrap_or_default();
            let hint = super::reader::suggest(&parent, known.iter().map(|e| e.name.as_str()))
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            let beside = current.parent().unwrap_or(Path::new(".")).join(&file);
            return Err(diag(
                &current,
                Some(origin.line),
                "extends",
                format!(
                    "no scenario named `{parent}`{hint} (looked beside this file, {}){}",
                    searched(scenarios_dir, "and"),
                    folder_note(&[beside, scenarios_dir.join(&file)])
                ),
            ));
        };
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
    check_countries(&chain, scenarios_dir)?;
    let files: Vec<PathBuf> = chain.iter().map(|(p, _)| p.clone()).collect();
    let mut merged = Table::new();
    for (_, t) in chain.into_iter().rev() {
        merged = node::merge(merged, t);
    }
    // The country's force structure and its scenario defaults (`defaults.toml` in the
    // country folder, merged under the whole chain: any scenario file overrides them).
    let (structure, defaults) = country_defaults(&merged, scenarios_dir).map_err(|e| match e {
        // As the run's own reading of the country folder says it (run::load_inputs).
        Error::Data(d) => {
            let country = match merged.get("country").map(|n| &n.value) {
                Some(Value::Str(s)) => s.clone(),
                _ => DEFAULT_COUNTRY.to_string(),
            };
            Error::Data(Diagnostic {
                message: format!("{} (data for country `{country}` of scenario {})", d.message, path.display()),
                ..d
            })
        }
        other => other,
    })?;
    if let Some(d) = defaults {
        merged = node::merge(d, merged);
    }
    let mut sink = Sink::default();
    let scenario = spec::from_table(&name_of(path), files, &merged, structure.as_ref(), &mut sink);
    if strict() {
        let warnings = std::mem::take(&mut sink.warnings);
        sink.diagnostics.extend(
            warnings
                .into_iter()
                .map(|w| Diagnostic { message: format!("{} (an error under --strict)", w.message), ..w }),
        );
    }
    match scenario {
        Some(s) if sink.is_empty() => {
            warn_once(&sink.warnings);
            Ok(s)
        }
        _ => Err(Error::Scenario(Diagnostics(capped(sink.diagnostics, sink.dropped)))),
    }
}

/// The country a scenario is of when no file of its chain names one.
pub const DEFAULT_COUNTRY: &str = "korea";

/// Refuses an `extends` chain that mixes countries. A scenario extends only scenarios of
/// its own country: another country's carries that country's demography (Taiwan's
/// `net_anchors`) and force tables (`[force.officers]`), which would either run silently
/// under the wrong country or fail on keys the user never wrote. `chain` is the
/// scenario's file first, then each parent; each file is of the country it names, else
/// its parent's, else [`DEFAULT_COUNTRY`]. The error is at the `country` key of the file
/// that changes the country, naming both countries.
fn check_countries(chain: &[(PathBuf, Table)], scenarios_dir: &Path) -> Result<()> {
    let mut above: Option<String> = None;
    for i in (0..chain.len()).rev() {
        let (path, table) = &chain[i];
        let own = match table.get("country") {
            None => None,
            Some(Node { value: Value::Str(s), origin }) => Some((s.clone(), origin.line)),
            // Not a string: the scenario's reader reports it.
            Some(_) => return Ok(()),
        };
        if let (Some((country, line)), Some(parent_country)) = (&own, &above) {
            // A country without data is reported as such when its data are read.
            let known =
                |c: &str| valid_name(c) && crate::embedded::is_dir(&crate::embedded::data_dir(scenarios_dir, c));
            if country != parent_country && known(country) {
                let parent = name_of(&chain[i + 1].0);
                let extends_at = table.get("extends").map(|n| format!(" (line {})", n.origin.line)).unwrap_or_default();
                let theirs =
                    own_baseline(country, scenarios_dir).map(|b| format!(" such as `{b}`")).unwrap_or_default();
                return Err(diag(
                    path,
                    Some(*line),
                    "country",
                    format!(
                        "this scenario is of {country}, but it extends{extends_at} `{parent}`, a scenario of \
                         {parent_country}; a scenario can only extend one of its own country's (the countries' data \
                         and force tables differ): extend a scenario of {country}{theirs}, or leave `country` out to \
                         make this a scenario of {parent_country}"
                    ),
                ));
            }
        }
        above = Some(own.map(|o| o.0).or(above).unwrap_or_else(|| DEFAULT_COUNTRY.to_string()));
    }
    Ok(())
}

/// The scenario a country's force calibration runs on (`[force] baseline` of its
/// `country.toml`), when it is found: the scenario to suggest extending.
fn own_baseline(country: &str, scenarios_dir: &Path) -> Option<String> {
    if !valid_name(country) {
        return None;
    }
    let dir = crate::embedded::data_dir(scenarios_dir, country);
    let st = crate::data::country::force_structure(&dir).ok()??;
    crate::embedded::find(scenarios_dir, &format!("{}.toml", st.baseline)).map(|_| st.baseline)
}

/// The scenario every key of a scenario of `country` defaults to: a file with only a
/// description and the country, over the country's `defaults.toml` (if any), shaped by
/// its force structure. What `show` marks `# default`.
pub fn country_default_scenario(country: &str, scenarios_dir: &Path) -> Result<Scenario> {
    let origin = node::Origin { file: std::sync::Arc::new("(defaults)".into()), line: 1 };
    let mut table = Table::new();
    table.insert("description".into(), Node { value: Value::Str(String::new()), origin: origin.clone() });
    table.insert("country".into(), Node { value: Value::Str(country.to_string()), origin });
    let (structure, defaults) = country_defaults(&table, scenarios_dir)?;
    if let Some(d) = defaults {
        table = node::merge(d, table);
    }
    let mut sink = Sink::default();
    match spec::from_table("defaults", Vec::new(), &table, structure.as_ref(), &mut sink) {
        Some(s) if sink.diagnostics.is_empty() => Ok(s),
        _ => Err(Error::Scenario(Diagnostics(capped(sink.diagnostics, sink.dropped)))),
    }
}

/// A country folder's scenario defaults, in the scenario language.
pub const COUNTRY_DEFAULTS: &str = "defaults.toml";

/// The force structure and the scenario defaults of the country a merged scenario names
/// (`country`, default `korea`): `(None, None)` when the name is not a folder name or the
/// folder is not found (the run reports that); the structure is `None` for a folder
/// without `[force]`. Keys the defaults may set: `[force]`, `[automation]` and `[plan]`
/// (the plan's unit costs in the country's currency) only.
fn country_defaults(
    merged: &Table,
    scenarios_dir: &Path,
) -> Result<(Option<crate::force::ForceStructure>, Option<Table>)> {
    let country = match merged.get("country").map(|n| &n.value) {
        Some(Value::Str(s)) => s.clone(),
        Some(_) => return Ok((None, None)),
        None => DEFAULT_COUNTRY.to_string(),
    };
    if !valid_name(&country) {
        return Ok((None, None));
    }
    let dir = crate::embedded::data_dir(scenarios_dir, &country);
    if !crate::embedded::is_dir(&dir) {
        return Ok((None, None));
    }
    let structure = crate::data::country::force_structure(&dir)?;
    let file = dir.join(COUNTRY_DEFAULTS);
    if !crate::embedded::is_file(&file) {
        return Ok((structure, None));
    }
    let table = read(&file)?;
    if let Some((key, n)) = table.iter().find(|(k, _)| !matches!(k.as_str(), "force" | "automation" | "plan")) {
        return Err(diag(
            &file,
            Some(n.origin.line),
            key,
            "a country's defaults set only [force], [automation] and [plan] (the demography is each scenario's own)"
                .into(),
        ));
    }
    Ok((structure, Some(table)))
}

static STRICT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Makes plausibility warnings errors (`--strict`) for every later [`load`].
pub fn set_strict(on: bool) {
    STRICT.store(on, std::sync::atomic::Ordering::Relaxed);
}

fn strict() -> bool {
    STRICT.load(std::sync::atomic::Ordering::Relaxed)
}

/// Prints each warning on standard error once per process (a scenario loaded again, by
/// `compare` or `report`, does not repeat them).
fn warn_once(warnings: &[Diagnostic]) {
    static SHOWN: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    let mut shown = SHOWN.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    for w in warnings {
        let line = crate::error::escape_lines(&format!("warning: {w} (accepted; --strict makes it an error)"));
        if !shown.contains(&line) {
            eprintln!("{line}");
            shown.push(line);
        }
    }
}

fn diag(file: &Path, line: Option<usize>, key: &str, message: String) -> Error {
    Error::Scenario(Diagnostics(vec![Diagnostic { file: file.to_path_buf(), line, key: key.into(), message }]))
}

/// A scenario [`list`] found.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Listed {
    /// Its name (the file stem).
    pub name: String,
    /// Its `description`, or the parse problem.
    pub description: String,
    /// Where it was found: the file on disk, or the built-in path.
    pub path: PathBuf,
    /// Whether it is one of the built-in scenarios.
    pub built_in: bool,
}

/// The scenarios in a folder and the built-in ones, sorted by name; a file in the folder
/// hides the built-in scenario of the same name. Files that do not parse are listed with
/// the parse problem as their description. A folder that does not exist lists only the
/// built-in scenarios (whether a folder the user named must exist is the caller's call).
pub fn list(dir: &Path) -> Result<Vec<Listed>> {
    let mut files: Vec<PathBuf> = Vec::new();
    // An embedded folder holds only the built-in scenarios, added below.
    if !crate::embedded::is_embedded(dir) && dir.is_dir() {
        let entries = std::fs::read_dir(dir)
            .map_err(|e| Error::Usage(format!("cannot read the scenarios folder {}: {e}", dir.display())))?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "toml") && path.is_file() {
                files.push(path);
            }
        }
    }
    for shipped in crate::embedded::scenario_files() {
        if !files.iter().any(|f| name_of(f) == name_of(&shipped)) {
            files.push(shipped);
        }
    }
    let mut out: Vec<Listed> = files
        .into_iter()
        .map(|path| {
            let description = match read(&path) {
                Ok(t) => match t.get("description").map(|n| &n.value) {
                    Some(Value::Str(s)) => s.clone(),
                    _ => "(no description)".into(),
                },
                Err(e) => format!("(invalid: {e})"),
            };
            Listed { name: name_of(&path), description, built_in: crate::embedded::is_embedded(&path), path }
        })
        .collect();
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
