//! Embeds the shipped scenarios and country data (`scenarios/`) in the binary, so an
//! installed `forcecast` runs from any folder (`src/embedded.rs` reads the table this
//! writes). Every regular file under `scenarios/` is included, by its path relative to it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for p in entries {
        let hidden = p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        if p.is_dir() {
            walk(&p, out);
        } else if p.is_file() {
            out.push(p);
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR")).join("scenarios");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    walk(&root, &mut files);
    let mut code = String::from("/// Files of `scenarios/`, by path relative to it ('/'-separated), sorted.\n");
    code.push_str("pub static FILES: &[(&str, &[u8])] = &[\n");
    for f in &files {
        let rel: Vec<String> = f
            .strip_prefix(&root)
            .expect("under scenarios/")
            .components()
            .map(|c| c.as_os_str().to_str().expect("UTF-8 file name").to_string())
            .collect();
        writeln!(code, "    ({:?}, include_bytes!({:?})),", rel.join("/"), f.display().to_string()).unwrap();
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR")).join("embedded_files.rs");
    std::fs::write(out, code).expect("write embedded_files.rs");
}
