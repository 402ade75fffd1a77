//! A TOML document as an owned tree in which every value remembers the file and line
//! it came from. `extends` merges trees, so one resolved scenario can mix values from
//! several files and still point each error at the right one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::error::Diagnostic;

/// Where a value was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The scenario file.
    pub file: Arc<PathBuf>,
    /// 1-based line of the key (for table entries) or of the value (array elements).
    pub line: usize,
}

/// A TOML value with its origin.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// Where it was written.
    pub origin: Origin,
}

/// Table of nodes keyed by key.
pub type Table = BTreeMap<String, Node>;

/// The TOML value kinds.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A string.
    Str(String),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// A date or time (kept as text; no scenario key takes one).
    Datetime(String),
    /// An array.
    Array(Vec<Node>),
    /// A table.
    Table(Table),
}

impl Value {
    /// The TOML type name, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Str(_) => "a string",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a float",
            Value::Bool(_) => "a boolean",
            Value::Datetime(_) => "a date-time",
            Value::Array(_) => "an array",
            Value::Table(_) => "a table",
        }
    }
}

struct LineIndex(Vec<usize>);

impl LineIndex {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex(starts)
    }
    fn line(&self, offset: usize) -> usize {
        match self.0.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }
}

/// For a duplicate at 1-based `line`: the earlier line that defines the same table
/// header (`[force]`) or key (`take_up = ...`), if one does, with that name.
fn first_definition(text: &str, line: usize) -> Option<(usize, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let here = lines.get(line.checked_sub(1)?)?.trim();
    let name = |l: &str| -> Option<String> {
        let l = l.trim();
        if l.starts_with('[') {
            Some(l.split(']').next()?.to_string() + "]")
        } else {
            let (k, _) = l.split_once('=')?;
            Some(k.trim().to_string())
        }
    };
    let target = name(here)?;
    let first = lines[..line - 1]
        .iter()
        .position(|l| !l.trim_start().starts_with('#') && name(l).as_deref() == Some(&target))?;
    Some((first + 1, target))
}

/// Parses TOML text into a node tree. A syntax error becomes a diagnostic naming the line.
pub fn parse(text: &str, file: &Path) -> Result<Table, Diagnostic> {
    let file = Arc::new(file.to_path_buf());
    let index = LineIndex::new(text);
    let doc = DeTable::parse(text).map_err(|e| {
        let line = e.span().map(|s| index.line(s.start));
        let snippet = line
            .and_then(|l| text.lines().nth(l - 1))
            .map(|t| format!(" in `{}`", t.trim()))
            .filter(|s| s.len() < 120)
            .unwrap_or_default();
        let mut message = e.message().trim().to_string();
        if message.contains("duplicate") {
            if let Some((first, name)) = line.and_then(|l| first_definition(text, l)) {
                message = if name.starts_with('[') {
                    format!("duplicate table `{name}` (first defined at line {first}; merge the two)")
                } else {
                    format!("duplicate key `{name}` (first defined at line {first})")
                };
            }
        }
        Diagnostic {
            file: file.as_ref().clone(),
            line,
            key: String::new(),
            message: format!("TOML syntax error{snippet}: {message}"),
        }
    })?;
    let mut ctx = Ctx { file, index, error: None };
    let table = ctx.table(doc.get_ref(), "");
    match ctx.error {
        Some(d) => Err(d),
        None => Ok(table),
    }
}

struct Ctx {
    file: Arc<PathBuf>,
    index: LineIndex,
    error: Option<Diagnostic>,
}

impl Ctx {
    fn origin(&self, offset: usize) -> Origin {
        Origin { file: self.file.clone(), line: self.index.line(offset) }
    }

    /// The table's nodes; `prefix` is the table's dotted key (empty at the root).
    fn table(&mut self, t: &DeTable<'_>, prefix: &str) -> Table {
        let mut out = Table::new();
        for (k, v) in t.iter() {
            let origin = self.origin(k.span().start);
            let key = if prefix.is_empty() { k.get_ref().to_string() } else { format!("{prefix}.{}", k.get_ref()) };
            let value = self.value(v, &key);
            out.insert(k.get_ref().to_string(), Node { value, origin });
        }
        out
    }

    /// A value written under the dotted key `key` (array elements share their array's).
    fn value(&mut self, v: &Spanned<DeValue<'_>>, key: &str) -> Value {
        match v.get_ref() {
            DeValue::String(s) => Value::Str(s.to_string()),
            DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
                Ok(n) => Value::Int(n),
                Err(_) => {
                    let text = i.as_str();
                    self.fail(
                        v.span().start,
                        key,
                        format!(
                            "integer {text} is out of range (whole numbers lie between {} and {})",
                            i64::MIN,
                            i64::MAX
                        ),
                    );
                    Value::Int(0)
                }
            },
            DeValue::Float(f) => {
                let text = f.as_str();
                match text.parse::<f64>() {
                    // `-0.0` is zero: adding 0.0 turns it into +0.0 (and leaves every other
                    // value as it is), so no "-0" reaches a manifest, `show` or a message.
                    Ok(x) => Value::Float(x + 0.0),
                    Err(_) => {
                        self.fail(v.span().start, key, format!("cannot read the number {text}"));
                        Value::Float(0.0)
                    }
                }
            }
            DeValue::Boolean(b) => Value::Bool(*b),
            DeValue::Datetime(d) => Value::Datetime(d.to_string()),
            DeValue::Array(a) => Value::Array(
                a.iter()
                    .map(|e| {
                        let origin = self.origin(e.span().start);
                        let value = self.value(e, key);
                        Node { value, origin }
                    })
                    .collect(),
            ),
            DeValue::Table(t) => Value::Table(self.table(t, key)),
        }
    }

    fn fail(&mut self, offset: usize, key: &str, message: String) {
        if self.error.is_none() {
            self.error = Some(Diagnostic {
                file: self.file.as_ref().clone(),
                line: Some(self.index.line(offset)),
                key: key.to_string(),
                message,
            });
        }
    }
}

/// Keys that exclude each other within a section: a child that sets one drops the
/// parent's other, so `extends` can switch a path from a named series to anchors.
const EXCLUSIVE: &[(&str, &str, &str)] = &[
    ("fertility", "tfr_series", "tfr_anchors"),
    ("fertility", "srb_series", "srb_anchors"),
    ("migration", "series", "net_anchors"),
    ("mortality", "series", "e0_anchors"),
];

/// Keys a child's key drops from the parent, one way: `net_anchors` replaces the
/// parent's series, and with it the `scale` that multiplied that series (a child's own
/// `scale` beside its `net_anchors` is still an error, and a child's `scale` does not
/// drop the parent's `net_anchors`).
const DROPS: &[(&str, &str, &str)] = &[("migration", "net_anchors", "scale")];

/// The file and line that set the dotted `key` (`migration.net_anchors`), searching
/// `files` in order (a scenario's own file first, then its parents, as
/// [`crate::scenario::Scenario::files`] lists them); `None` when no readable file sets it
/// (a built-in parent). For errors found after loading, in the projection.
pub fn key_origin(files: &[PathBuf], key: &str) -> Option<(PathBuf, usize)> {
    files.iter().find_map(|f| {
        let text = std::fs::read_to_string(f).ok()?;
        let table = parse(&text, f).ok()?;
        let mut parts = key.split('.');
        let mut node = table.get(parts.next()?)?;
        for part in parts {
            match &node.value {
                Value::Table(t) => node = t.get(part)?,
                _ => return None,
            }
        }
        Some((f.clone(), node.origin.line))
    })
}

/// Where an error about `key` is reported: [`key_origin`]'s file and line, else the
/// scenario's own file (the first of `files`) without a line.
pub fn key_site(files: &[PathBuf], key: &str) -> (PathBuf, Option<usize>) {
    match key_origin(files, key) {
        Some((f, l)) => (f, Some(l)),
        None => (files.first().cloned().unwrap_or_default(), None),
    }
}

/// Merges `child` over `parent`: tables merge key by key (recursively), anything else
/// in the child replaces the parent's value whole (arrays included).
pub fn merge(parent: Table, child: Table) -> Table {
    merge_at("", parent, child)
}

fn merge_at(section: &str, mut parent: Table, child: Table) -> Table {
    // A key the child sets drops the parent's exclusive partner (never the child's own).
    for (sec, a, b) in EXCLUSIVE {
        if *sec == section {
            if child.contains_key(*a) {
                parent.remove(*b);
            }
            if child.contains_key(*b) {
                parent.remove(*a);
            }
        }
    }
    for (sec, set, dropped) in DROPS {
        if *sec == section && child.contains_key(*set) {
            parent.remove(*dropped);
        }
    }
    for (key, node) in child {
        match (parent.remove(&key), node) {
            (Some(Node { value: Value::Table(pt), .. }), Node { value: Value::Table(ct), origin }) => {
                let sub = if section.is_empty() { key.clone() } else { format!("{section}.{key}") };
                parent.insert(key, Node { value: Value::Table(merge_at(&sub, pt, ct)), origin });
            }
            (_, node) => {
                parent.insert(key, node);
            }
        }
    }
    parent
}

#[cfg(test)]
mod tests {
    /// An error found in the projection points at the file and line that set the key:
    /// the scenario's own, else the parent that set it; none for a key nobody set.
    #[test]
    fn key_origin_finds_the_file_and_line_that_set_a_key() {
        let dir = tempfile::tempdir().unwrap();
        let (child, parent) = (dir.path().join("child.toml"), dir.path().join("parent.toml"));
        std::fs::write(&child, "extends = \"parent\"\n[force]\ntake_up = 0.9\n").unwrap();
        std::fs::write(&parent, "description = \"p\"\n\n[migration]\nnet_anchors = [[2025, -9]]\n").unwrap();
        let files = vec![child.clone(), parent.clone(), dir.path().join("<built-in>/missing.toml")];
        assert_eq!(key_origin(&files, "migration.net_anchors"), Some((parent, 4)));
        assert_eq!(key_origin(&files, "force.take_up"), Some((child, 3)));
        assert_eq!(key_origin(&files, "migration.scale"), None);
        assert_eq!(key_origin(&files, "force.take_up.x"), None);
    }

    use super::*;

    #[test]
    fn lines_are_one_based_and_follow_keys() {
        let t = parse("a = 1\n\n[s]\nb = [1,\n 2.5]\n", Path::new("x.toml")).unwrap();
        assert_eq!(t["a"].origin.line, 1);
        let Value::Table(s) = &t["s"].value else { panic!() };
        assert_eq!(s["b"].origin.line, 4);
        let Value::Array(items) = &s["b"].value else { panic!() };
        assert_eq!(items[1].origin.line, 5);
        assert_eq!(items[1].value, Value::Float(2.5));
    }

    #[test]
    fn negative_zero_reads_as_zero() {
        let t = parse("a = -0.0\nb = [-0.0, -0e5]\nc = -0\n", Path::new("x.toml")).unwrap();
        assert_eq!(t["a"].value, Value::Float(0.0));
        let Value::Float(a) = t["a"].value else { panic!() };
        assert!(a.is_sign_positive());
        let Value::Array(b) = &t["b"].value else { panic!() };
        assert!(b.iter().all(|n| matches!(n.value, Value::Float(x) if x == 0.0 && x.is_sign_positive())));
        assert_eq!(t["c"].value, Value::Int(0));
    }

    #[test]
    fn syntax_error_names_line() {
        let e = parse("a = 1\nb = = 2\n", Path::new("x.toml")).unwrap_err();
        assert_eq!(e.line, Some(2));
    }

    #[test]
    fn merge_replaces_exclusive_keys() {
        let p = parse("[fertility]\ntfr_series = 'wpp-medium'\nsrb_series = 'wpp'\n", Path::new("p")).unwrap();
        let c = parse("[fertility]\ntfr_anchors = [[2025, 0.7]]\n", Path::new("c")).unwrap();
        let m = merge(p, c);
        let Value::Table(f) = &m["fertility"].value else { panic!() };
        assert!(!f.contains_key("tfr_series"));
        assert!(f.contains_key("tfr_anchors"));
        assert!(f.contains_key("srb_series"));
    }

    #[test]
    fn net_anchors_drop_the_parents_scale_but_not_the_other_way() {
        let p = parse("[migration]\nseries = 'citizens'\nscale = 0.5\n", Path::new("p")).unwrap();
        let c = parse("[migration]\nnet_anchors = [[2025, 0]]\n", Path::new("c")).unwrap();
        let Value::Table(m) = &merge(p, c)["migration"].value else { panic!() };
        assert_eq!(m.keys().collect::<Vec<_>>(), ["net_anchors"]);
        let p = parse("[migration]\nnet_anchors = [[2025, 0]]\n", Path::new("p")).unwrap();
        let c = parse("[migration]\nscale = 2\n", Path::new("c")).unwrap();
        let Value::Table(m) = &merge(p, c)["migration"].value else { panic!() };
        assert_eq!(m.keys().collect::<Vec<_>>(), ["net_anchors", "scale"]);
    }
}
