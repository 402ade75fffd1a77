//! The scenarios and country data shipped with forcecast, embedded in the binary
//! (`build.rs`), and the file lookups that fall back to them.
//!
//! Embedded files have paths under [`ROOT`] (`<built-in>/scenarios/...`), which error
//! messages and manifests show as they are. A scenarios folder on disk (`./scenarios`,
//! `--scenarios DIR` or `FORCECAST_SCENARIOS`) comes first: a file there overrides the
//! embedded file of the same name, and names found in neither are unknown.

use std::path::{Component, Path, PathBuf};

mod table {
    include!(concat!(env!("OUT_DIR"), "/embedded_files.rs"));
}

/// The virtual folder holding the embedded `scenarios/`.
pub const ROOT: &str = "<built-in>/scenarios";

/// [`ROOT`] as a path.
pub fn root() -> &'static Path {
    Path::new(ROOT)
}

/// The path of `path` relative to [`ROOT`], '/'-separated, if it is under it.
fn relative(path: &Path) -> Option<String> {
    let rest = path.strip_prefix(ROOT).ok()?;
    let mut parts = Vec::new();
    for c in rest.components() {
        match c {
            Component::Normal(s) => parts.push(s.to_str()?.to_string()),
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(parts.join("/"))
}

/// Whether `path` names something under [`ROOT`].
pub fn is_embedded(path: &Path) -> bool {
    relative(path).is_some()
}

/// The embedded file at `path`.
pub fn file(path: &Path) -> Option<&'static [u8]> {
    let rel = relative(path)?;
    table::FILES.binary_search_by(|(p, _)| (*p).cmp(rel.as_str())).ok().map(|i| table::FILES[i].1)
}

/// Whether `path` is a regular file on disk or an embedded file.
pub fn is_file(path: &Path) -> bool {
    if is_embedded(path) { file(path).is_some() } else { path.is_file() }
}

/// Whether `path` is a folder on disk or an embedded folder.
pub fn is_dir(path: &Path) -> bool {
    match relative(path) {
        Some(rel) if rel.is_empty() => true,
        Some(rel) => {
            let prefix = format!("{rel}/");
            table::FILES.iter().any(|(p, _)| p.starts_with(&prefix))
        }
        None => path.is_dir(),
    }
}

/// `dir/rel` if that file exists (on disk, or embedded when `dir` is embedded), else the
/// embedded `ROOT/rel`, else `None`.
pub fn find(dir: &Path, rel: &str) -> Option<PathBuf> {
    let own = dir.join(rel);
    if is_file(&own) {
        return Some(own);
    }
    let shipped = root().join(rel);
    file(&shipped).map(|_| shipped)
}

/// The embedded scenario files (`*.toml` directly under [`ROOT`]), by path.
pub fn scenario_files() -> Vec<PathBuf> {
    table::FILES.iter().filter(|(p, _)| !p.contains('/') && p.ends_with(".toml")).map(|(p, _)| root().join(p)).collect()
}

/// The folder of a country's data: `dir/data/<country>` when it is a folder on disk (or
/// `dir` is embedded), else the embedded one if there is one, else `dir/data/<country>`
/// (so that "not found" names the user's folder).
pub fn data_dir(dir: &Path, country: &str) -> PathBuf {
    let own = dir.join("data").join(country);
    let shipped = root().join("data").join(country);
    if is_embedded(&own) || own.is_dir() || !is_dir(&shipped) { own } else { shipped }
}

/// The countries whose data are built in.
pub fn countries() -> Vec<String> {
    let mut c: Vec<String> = table::FILES
        .iter()
        .filter_map(|(p, _)| p.strip_prefix("data/")?.split_once('/').map(|(c, _)| c.to_string()))
        .collect();
    c.dedup();
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_scenarios_and_data_are_embedded_sorted() {
        assert!(table::FILES.windows(2).all(|w| w[0].0 < w[1].0), "sorted for binary search");
        let names: Vec<String> =
            scenario_files().iter().map(|p| p.file_stem().unwrap().to_string_lossy().into_owned()).collect();
        assert!(names.contains(&"baseline".to_string()), "{names:?}");
        // Byte for byte the files of the repository.
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        for (rel, bytes) in table::FILES {
            assert_eq!(&std::fs::read(dir.join(rel)).unwrap(), bytes, "{rel}");
        }
        assert!(is_dir(&root().join("data/korea")));
        assert!(!is_dir(&root().join("data/atlantis")));
        assert!(is_file(&root().join("data/korea/country.toml")));
        assert!(!is_file(&root().join("../Cargo.toml")));
    }

    #[test]
    fn a_folder_on_disk_overrides_and_falls_back() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("baseline.toml"), "x").unwrap();
        assert_eq!(find(tmp.path(), "baseline.toml"), Some(tmp.path().join("baseline.toml")));
        assert_eq!(find(tmp.path(), "fertility-low.toml"), Some(root().join("fertility-low.toml")));
        assert_eq!(find(tmp.path(), "nope.toml"), None);
        assert_eq!(data_dir(tmp.path(), "korea"), root().join("data/korea"));
        assert_eq!(data_dir(tmp.path(), "atlantis"), tmp.path().join("data/atlantis"));
        assert!(countries().contains(&"korea".to_string()));
        std::fs::create_dir_all(tmp.path().join("data/korea")).unwrap();
        assert_eq!(data_dir(tmp.path(), "korea"), tmp.path().join("data/korea"));
    }
}
