//! Folders that forcecast owns. Every output folder carries a marker file,
//! [`MARKER`], saying what wrote it and listing every file and folder written into it.
//! forcecast writes only into a destination that does not exist, is an empty folder, or
//! carries the marker and holds nothing but what the marker lists; and it removes only
//! what a marker lists, so a file that a user put anywhere is never deleted.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The marker file's name, in the root of every output folder.
pub const MARKER: &str = ".forcecast-output";
/// The marker's first line.
const MAGIC: &str = "forcecast output folder";
/// The line before the list of written entries.
const FILES: &str = "files:";

/// What writes a folder: the command and the name its default folder would have (which
/// is also the subfolder suggested when a destination is refused).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The command, e.g. `run`.
    pub command: String,
    /// The default folder name, e.g. `baseline` or `compare-baseline_fertility-low`.
    pub name: String,
}

impl Origin {
    /// An origin from a command and its default folder name.
    pub fn new(command: &str, name: &str) -> Origin {
        Origin { command: command.to_string(), name: name.to_string() }
    }
}

/// Whether a folder is still being written or complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Being written (a `.partial-` folder): everything in it is forcecast's.
    Partial,
    /// Complete: the entries are listed.
    Complete,
}

/// A parsed marker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    /// Partial or complete.
    pub state: State,
    /// Every file (`a/b.csv`) and folder (`a/`) written, relative to the folder; the
    /// marker itself is not listed.
    pub entries: Vec<String>,
}

/// The marker's text.
pub fn text(origin: &Origin, state: State, entries: &[String]) -> String {
    let mut s = format!(
        "{MAGIC}\n\
         Written by forcecast {} ({} {}). forcecast replaces this folder whole when asked to\n\
         write here again, and refuses to if the folder holds anything not listed below: keep\n\
         your own files elsewhere. Without this file forcecast treats the folder as yours.\n\
         state: {}\n{FILES}\n",
        crate::VERSION,
        origin.command,
        origin.name,
        match state {
            State::Partial => "partial",
            State::Complete => "complete",
        }
    );
    for e in entries {
        s.push_str(&escape(e));
        s.push('\n');
    }
    s
}

/// Parses a marker's text; `None` when it is not forcecast's.
pub fn parse(text: &str) -> Option<Marker> {
    let mut lines = text.lines();
    if lines.next()? != MAGIC {
        return None;
    }
    let mut state = None;
    for line in lines.by_ref() {
        if line == FILES {
            break;
        }
        state = match line.strip_prefix("state: ") {
            Some("partial") => Some(State::Partial),
            Some("complete") => Some(State::Complete),
            Some(_) => return None,
            None => state,
        };
    }
    let entries: Vec<String> = lines.filter(|l| !l.is_empty()).map(unescape).collect();
    // forcecast lists only names inside the folder; a marker naming anything else (an
    // absolute path, `..`, `.`) was not written by forcecast and must never steer a removal.
    if !entries.iter().all(|e| is_inside_name(e)) {
        return None;
    }
    Some(Marker { state: state?, entries })
}

/// Whether a marker entry names something inside its folder: a relative path of plain
/// names (a folder with one trailing `/`), no `..`, `.`, root or empty component.
fn is_inside_name(entry: &str) -> bool {
    let name = entry.strip_suffix('/').unwrap_or(entry);
    !name.is_empty()
        && name.split('/').all(|c| !c.is_empty() && c != "." && c != "..")
        && Path::new(name).components().all(|c| matches!(c, std::path::Component::Normal(_)))
}

/// A line break or backslash in a name is written as `\n`, `\r` or `\\`.
fn escape(name: &str) -> String {
    name.replace('\\', "\\\\").replace('\n', "\\n").replace('\r', "\\r")
}

fn unescape(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// The marker of `dir`, if it has one: a regular file (not a link) that parses.
pub fn read(dir: &Path) -> Option<Marker> {
    let path = dir.join(MARKER);
    let meta = std::fs::symlink_metadata(&path).ok()?;
    if !meta.is_file() {
        return None;
    }
    parse(&std::fs::read_to_string(&path).ok()?)
}

/// Every file and folder under `dir` (folders with a trailing `/`), relative to it,
/// sorted, without the marker; links are listed as files and not followed.
pub fn entries(dir: &Path) -> std::io::Result<Vec<String>> {
    fn walk(root: &Path, rel: &str, out: &mut Vec<String>) -> std::io::Result<()> {
        for e in std::fs::read_dir(root.join(rel))? {
            let e = e?;
            let name = e.file_name().to_string_lossy().into_owned();
            let path = format!("{rel}{name}");
            if path == MARKER {
                continue;
            }
            if e.file_type()?.is_dir() {
                let sub = format!("{path}/");
                out.push(sub.clone());
                walk(root, &sub, out)?;
            } else {
                out.push(path);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, "", &mut out)?;
    out.sort();
    Ok(out)
}

/// What a destination is, once accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Destination {
    /// Does not exist.
    Absent,
    /// An empty folder.
    Empty,
    /// A folder forcecast wrote, holding nothing but what its marker lists.
    Owned,
}

/// Checks that forcecast may write `dest` (and replace what is there); otherwise a
/// [`Error::Usage`] naming the folder, saying why and suggesting another.
pub fn inspect(dest: &Path, origin: &Origin) -> Result<Destination> {
    let shown = dest.display();
    let refuse = |why: String| Error::Usage(format!("cannot write output to {shown}: {why}"));
    let suggest = |base: &Path| format!("give a new folder, e.g. --out {}", base.join(&origin.name).display());
    if dest.file_name().is_none() {
        return Err(refuse(format!(
            "it is not a folder that forcecast can own (the current folder, a parent or a root); {}",
            suggest(dest)
        )));
    }
    let meta = match std::fs::symlink_metadata(dest) {
        Ok(m) => m,
        Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) => {
            let parent = dest.parent().unwrap_or(Path::new(""));
            if let Some(blocker) = parent.ancestors().find(|a| a.exists() && !a.is_dir()) {
                return Err(refuse(format!("{} is a file, not a folder", blocker.display())));
            }
            inside_an_output(dest, &refuse)?;
            return Ok(Destination::Absent);
        }
        Err(e) => return Err(Error::io(dest, e)),
    };
    if meta.file_type().is_symlink() {
        let base = dest.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        return Err(refuse(format!(
            "it is a symbolic link, and forcecast replaces only real folders; {}",
            suggest(base)
        )));
    }
    if !meta.is_dir() {
        return Err(refuse("it is a file, not a folder".into()));
    }
    if let (Ok(d), Ok(cwd)) = (dest.canonicalize(), std::env::current_dir().and_then(|c| c.canonicalize())) {
        if cwd.starts_with(&d) {
            return Err(refuse(format!("it is the current folder or holds it; {}", suggest(dest))));
        }
    }
    inside_an_output(dest, &refuse)?;
    let mut top: Vec<String> = Vec::new();
    for e in std::fs::read_dir(dest).map_err(|e| Error::io(dest, e))? {
        let e = e.map_err(|e| Error::io(dest, e))?;
        let slash = if e.file_type().is_ok_and(|t| t.is_dir()) { "/" } else { "" };
        top.push(format!("{}{slash}", e.file_name().to_string_lossy()));
    }
    if top.is_empty() {
        return Ok(Destination::Empty);
    }
    let Some(marker) = read(dest) else {
        top.sort();
        // The folder of a run of several scenarios: each scenario's output is a folder of
        // its own, written by forcecast, but the folder holding them is not one output.
        let nested = top.iter().all(|e| e.ends_with('/') && read(&dest.join(e.trim_end_matches('/'))).is_some());
        if nested {
            return Err(refuse(format!(
                "it holds earlier forcecast outputs in folders of their own ({}), and forcecast replaces an \
                 output folder whole; give one of them or a new folder beside them, e.g. --out {}",
                sample(&top),
                dest.join(&origin.name).display()
            )));
        }
        return Err(refuse(format!(
            "it holds files that forcecast did not write ({}), and forcecast replaces an output folder whole; {}",
            sample(&top),
            suggest(dest)
        )));
    };
    let foreign = foreign_entries(dest, &marker).map_err(|e| Error::io(dest, e))?;
    if !foreign.is_empty() {
        return Err(refuse(format!(
            "it is an earlier forcecast output but also holds files that forcecast did not write \
             ({}); move them elsewhere or give another folder",
            sample(&foreign)
        )));
    }
    Ok(Destination::Owned)
}

/// Refuses a destination inside a forcecast output folder (which its next run would
/// replace, with the destination in it).
fn inside_an_output(dest: &Path, refuse: &dyn Fn(String) -> Error) -> Result<()> {
    let abs = std::path::absolute(dest).map_err(|e| Error::io(dest, e))?;
    // The real folder that holds `dest`: its nearest existing ancestor, links and `..`
    // resolved.
    let Some(real) = abs.ancestors().skip(1).find_map(|a| a.canonicalize().ok()) else {
        return Ok(());
    };
    if let Some(owner) = real.ancestors().find(|a| read(a).is_some()) {
        return Err(refuse(format!(
            "{} is a forcecast output folder, replaced whole by its next run; give a folder outside it",
            owner.display()
        )));
    }
    Ok(())
}

/// The entries under `dir` that its marker does not list (a foreign folder is listed
/// once, not entered); sorted.
fn foreign_entries(dir: &Path, marker: &Marker) -> std::io::Result<Vec<String>> {
    let listed: std::collections::HashSet<&str> = marker.entries.iter().map(String::as_str).collect();
    let mut out = Vec::new();
    let mut stack = vec![String::new()];
    while let Some(rel) = stack.pop() {
        for e in std::fs::read_dir(dir.join(&rel))? {
            let e = e?;
            let Some(name) = e.file_name().to_str().map(String::from) else {
                out.push(format!("{rel}{}", e.file_name().to_string_lossy()));
                continue;
            };
            let path = format!("{rel}{name}");
            let kind = e.file_type()?;
            if path == MARKER && kind.is_file() {
                continue;
            }
            if kind.is_dir() {
                let sub = format!("{path}/");
                if listed.contains(sub.as_str()) {
                    stack.push(sub);
                } else {
                    out.push(sub);
                }
            } else if !(kind.is_file() && listed.contains(path.as_str())) {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// `a, b` or `a, b and 3 more`, with control characters escaped.
fn sample(names: &[String]) -> String {
    let shown: Vec<String> = names.iter().take(2).map(|n| printable(n)).collect();
    match names.len() {
        0..=2 => shown.join(", "),
        n => format!("{} and {} more", shown.join(", "), n - 2),
    }
}

fn printable(name: &str) -> String {
    name.chars().flat_map(|c| if c.is_control() { c.escape_default().collect() } else { vec![c] }).collect()
}

/// Removes a folder that forcecast was writing (everything in it is forcecast's), the
/// marker last so that a removal cut short can be finished by a later run.
pub fn remove_partial(dir: &Path) -> std::io::Result<()> {
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        if e.file_name() == MARKER {
            continue;
        }
        if e.file_type()?.is_dir() {
            std::fs::remove_dir_all(e.path())?;
        } else {
            std::fs::remove_file(e.path())?;
        }
    }
    match std::fs::remove_file(dir.join(MARKER)) {
        Ok(()) => {}
        Err(e) if e.kind() == ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    std::fs::remove_dir(dir)
}

/// Removes what the marker of `dir` lists, then the marker and the folder if nothing
/// else is left. Returns the folder's path when something that forcecast did not write
/// kept it (it is then left, with its marker, untouched).
pub fn remove_owned(dir: &Path) -> std::io::Result<Option<PathBuf>> {
    let Some(marker) = read(dir) else {
        // An empty folder that was replaced: remove it only if still empty.
        return match std::fs::remove_dir(dir) {
            Ok(()) => Ok(None),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(_) => Ok(Some(dir.to_path_buf())),
        };
    };
    let mut listed = marker.entries.clone();
    // Deepest first, so that a folder is emptied before it is removed.
    listed.sort_by_key(|e| std::cmp::Reverse(e.trim_end_matches('/').matches('/').count()));
    for e in &listed {
        let path = dir.join(e.trim_end_matches('/'));
        let Ok(meta) = std::fs::symlink_metadata(&path) else { continue };
        if e.ends_with('/') {
            if meta.is_dir() {
                let _ = std::fs::remove_dir(&path);
            }
        } else if meta.is_file() {
            std::fs::remove_file(&path)?;
        }
    }
    let only_marker = std::fs::read_dir(dir)?.all(|e| e.is_ok_and(|e| e.file_name() == MARKER));
    if !only_marker {
        return Ok(Some(dir.to_path_buf()));
    }
    std::fs::remove_file(dir.join(MARKER))?;
    std::fs::remove_dir(dir)?;
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_marker_naming_anything_outside_its_folder_is_not_forcecasts() {
        let o = Origin::new("run", "baseline");
        for bad in ["../thesis.docx", "/etc/passwd", "charts/../../x", "./summary.csv", "a//b", "/", ".."] {
            let t = text(&o, State::Complete, &["summary.csv".to_string(), bad.to_string()]);
            assert!(parse(&t).is_none(), "{bad} must make the marker foreign");
        }
        let t = text(&o, State::Complete, &["summary.csv".into(), "charts/".into(), "charts/a.png".into()]);
        assert_eq!(parse(&t).map(|m| m.entries.len()), Some(3));
    }

    #[test]
    fn marker_text_round_trips() {
        let entries = vec!["charts/".to_string(), "charts/a.png".into(), "odd\\name\nx".into()];
        let t = text(&Origin::new("run", "baseline"), State::Complete, &entries);
        assert_eq!(parse(&t), Some(Marker { state: State::Complete, entries }));
        assert_eq!(parse("something else\nstate: complete\nfiles:\n"), None);
        assert_eq!(parse(&t.replace("state: complete", "state: odd")), None);
    }

    #[test]
    fn an_owned_folder_with_an_added_file_is_refused_and_the_file_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path().join("out");
        std::fs::create_dir_all(d.join("charts")).unwrap();
        std::fs::write(d.join("summary.csv"), "x").unwrap();
        std::fs::write(d.join("charts/a.png"), "x").unwrap();
        let listed = entries(&d).unwrap();
        assert_eq!(listed, vec!["charts/", "charts/a.png", "summary.csv"]);
        let origin = Origin::new("run", "baseline");
        std::fs::write(d.join(MARKER), text(&origin, State::Complete, &listed)).unwrap();
        assert_eq!(inspect(&d, &origin).unwrap(), Destination::Owned);
        std::fs::write(d.join("charts/mine.txt"), "keep").unwrap();
        let err = inspect(&d, &origin).unwrap_err().to_string();
        assert!(err.contains("charts/mine.txt"), "{err}");
        assert_eq!(remove_owned(&d).unwrap(), Some(d.clone()));
        assert_eq!(std::fs::read_to_string(d.join("charts/mine.txt")).unwrap(), "keep");
        assert!(!d.join("summary.csv").exists() && d.join(MARKER).exists());
    }
}
