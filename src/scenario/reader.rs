//! Typed reading of a node tree that collects every problem instead of stopping at the
//! first. Each getter records the key it asked for, so keys nobody asked for are unknown
//! and are reported with a "did you mean" suggestion drawn from the keys that exist.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;

use super::node::{Node, Origin, Table, Value};
use crate::error::Diagnostic;

/// Most problems kept in memory while a scenario is read; the rest are only counted
/// (only the first [`crate::scenario::resolve::MAX_SHOWN`] of a file are shown anyway).
pub const MAX_KEPT: usize = 10_000;

/// Most numbers in a plain list of numbers (e.g. probability thresholds).
pub const MAX_NUMBERS: usize = 100;

/// Collects diagnostics while a scenario is read.
#[derive(Debug, Default)]
pub struct Sink {
    /// Problems found so far (at most [`MAX_KEPT`]).
    pub diagnostics: Vec<Diagnostic>,
    /// Problems found beyond [`MAX_KEPT`], counted but not kept.
    pub dropped: usize,
    /// Values inside the accepted range but outside the plausible one (warnings;
    /// errors under `--strict`).
    pub warnings: Vec<Diagnostic>,
}

impl Sink {
    /// Records a problem at an origin.
    pub fn at(&mut self, origin: &Origin, key: &str, message: impl Into<String>) {
        if self.diagnostics.len() >= MAX_KEPT {
            self.dropped += 1;
            return;
        }
        self.diagnostics.push(Diagnostic {
            file: origin.file.as_ref().clone(),
            line: Some(origin.line),
            key: key.to_string(),
            message: message.into(),
        });
    }

    /// Records a warning at an origin.
    pub fn warn(&mut self, origin: &Origin, key: &str, message: impl Into<String>) {
        if self.warnings.len() < MAX_KEPT {
            self.warnings.push(Diagnostic {
                file: origin.file.as_ref().clone(),
                line: Some(origin.line),
                key: key.to_string(),
                message: message.into(),
            });
        }
    }

    /// Whether any problem was found.
    pub fn is_empty(&self) -> bool {
        self.diagnostics.is_empty() && self.dropped == 0
    }
}

/// Reads one table (the document root or a section).
pub struct Reader<'a> {
    table: &'a Table,
    prefix: String,
    /// Where the table itself is (its header line, or line 1 of the file for the root).
    origin: Origin,
    asked: BTreeSet<&'static str>,
    /// Keys of earlier versions, reported with what replaced them: known, but never
    /// suggested or listed as keys to use.
    retired: BTreeSet<&'static str>,
    /// Keys asked for as sections (tables).
    sections: BTreeSet<&'static str>,
}

/// An inclusive numeric range a value must lie in, with the narrower range a value is
/// plausible in (outside it: a warning) and the unit slip to suggest when a value is out
/// of range.
#[derive(Debug, Clone, Copy)]
pub struct Range {
    /// Lowest allowed value.
    pub min: f64,
    /// Highest allowed value.
    pub max: f64,
    /// Values outside `[lo, hi]` (but inside `[min, max]`) are accepted with a warning.
    pub plausible: Option<(f64, f64)>,
    /// The unit slip a wrong value most likely is.
    pub hint: Hint,
    /// The value's unit in warnings ("months"); empty for none.
    pub unit: &'static str,
}

/// A unit slip a value may show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    /// No hint.
    None,
    /// A share written as a percent (88 for 0.88).
    Percent,
    /// A ratio written per hundred (105 males per 100 females for 1.05).
    PerHundred,
    /// A count written in thousands (620 for 620,000).
    Thousands,
    /// Months written as years (1.5 for 18).
    Years,
}

impl Hint {
    /// The hint for value `x`, if `x` looks like this slip.
    fn text(self, x: f64, range: &Range) -> Option<String> {
        let fits =
            |v: f64| v >= range.min && v <= range.max && range.plausible.is_none_or(|(lo, hi)| v >= lo && v <= hi);
        let (what, fixed, likely) = match self {
            Hint::None => return None,
            Hint::Percent => ("a percent", x / 100.0, (2.0..=100.0).contains(&x)),
            Hint::PerHundred => ("males per 100 females", x / 100.0, (50.0..=200.0).contains(&x)),
            Hint::Thousands => ("thousands", x * 1000.0, x >= 1.0),
            Hint::Years => ("years", x * 12.0, x <= 5.0),
        };
        (likely && fits(fixed)).then(|| format!("{} looks like {what}: use {}", show(x), show_plain(fixed)))
    }
}

impl Range {
    /// `[min, max]`.
    pub const fn new(min: f64, max: f64) -> Self {
        Range { min, max, plausible: None, hint: Hint::None, unit: "" }
    }
    /// The same range with values outside `[lo, hi]` accepted with a warning.
    pub const fn plausible(self, lo: f64, hi: f64) -> Self {
        Range { plausible: Some((lo, hi)), ..self }
    }
    /// The same range with a unit-slip hint.
    pub const fn hint(self, hint: Hint) -> Self {
        Range { hint, ..self }
    }
    /// The same range with its unit named in warnings.
    pub const fn unit(self, unit: &'static str) -> Self {
        Range { unit, ..self }
    }
    /// A probability, `[0, 1]`.
    pub const PROB: Range = Range::new(0.0, 1.0);
    /// Any value `>= 0`.
    pub const NONNEG: Range = Range::new(0.0, f64::MAX);
}

impl<'a> Reader<'a> {
    /// A reader over the document root.
    pub fn root(table: &'a Table, file: &std::path::Path) -> Self {
        Reader {
            table,
            prefix: String::new(),
            origin: Origin { file: Arc::new(PathBuf::from(file)), line: 1 },
            asked: BTreeSet::new(),
            retired: BTreeSet::new(),
            sections: BTreeSet::new(),
        }
    }

    /// The dotted path of a key in this table.
    pub fn full(&self, key: &str) -> String {
        if self.prefix.is_empty() { key.to_string() } else { format!("{}.{key}", self.prefix) }
    }

    fn get(&mut self, key: &'static str) -> Option<&'a Node> {
        self.asked.insert(key);
        self.table.get(key)
    }

    /// Whether the key is present (and marks it as known).
    pub fn has(&mut self, key: &'static str) -> bool {
        self.get(key).is_some()
    }

    /// Reports a missing required key.
    pub fn missing(&self, key: &str, sink: &mut Sink, what: &str) {
        sink.at(&self.origin, &self.full(key), format!("missing: {what}"));
    }

    /// An optional string.
    pub fn string(&mut self, key: &'static str, sink: &mut Sink) -> Option<(String, Origin)> {
        let node = self.get(key)?;
        match &node.value {
            Value::Str(s) => Some((s.clone(), node.origin.clone())),
            other => {
                sink.at(&node.origin, &self.full(key), format!("expected a string, got {}", other.type_name()));
                None
            }
        }
    }

    /// An optional number (integer or float) in a range.
    pub fn number(&mut self, key: &'static str, range: Range, sink: &mut Sink) -> Option<f64> {
        let node = self.get(key)?;
        let full = self.full(key);
        number_node(node, &full, range, sink)
    }

    /// An optional integer in a range.
    pub fn integer(&mut self, key: &'static str, min: i64, max: i64, sink: &mut Sink) -> Option<i64> {
        let node = self.get(key)?;
        let full = self.full(key);
        integer_node(node, &full, min, max, sink)
    }

    /// An optional array of `[year, value]` pairs, years strictly increasing within
    /// `[year_min, year_max]`, values in `range`. An empty array is an error.
    pub fn anchors(
        &mut self,
        key: &'static str,
        years: (i64, i64),
        range: Range,
        sink: &mut Sink,
    ) -> Option<(Vec<(i32, f64)>, Origin)> {
        self.pairs(key, "[year, value]", years, range, sink)
    }

    /// An optional policy: a number, in force from `from` (the base year), or a path of
    /// `[year, value]` anchors (see [`Reader::anchors`]). Each value must lie in `range`.
    pub fn policy(
        &mut self,
        key: &'static str,
        from: i32,
        years: (i64, i64),
        range: Range,
        sink: &mut Sink,
    ) -> Option<Vec<(i32, f64)>> {
        let node = self.get(key)?;
        match node.value {
            Value::Int(_) | Value::Float(_) => {
                let full = self.full(key);
                number_node(node, &full, range, sink).map(|v| vec![(from, v)])
            }
            Value::Array(_) => self.anchors(key, years, range, sink).map(|a| a.0),
            ref other => {
                let msg = format!("expected a number or an array of [year, value] pairs, got {}", other.type_name());
                sink.at(&node.origin, &self.full(key), msg);
                None
            }
        }
    }

    /// Like [`Reader::anchors`] for pairs of another kind (`label` names them in
    /// messages, e.g. `[age, share]`).
    pub fn pairs(
        &mut self,
        key: &'static str,
        label: &str,
        years: (i64, i64),
        range: Range,
        sink: &mut Sink,
    ) -> Option<(Vec<(i32, f64)>, Origin)> {
        let node = self.get(key)?;
        let full = self.full(key);
        let pairs = pairs_node(node, &full, label, years, range, sink)?;
        let noun = pair_noun(label);
        let mut ok = true;
        for w in pairs.windows(2) {
            if w[1].0 <= w[0].0 {
                sink.at(
                    &node.origin,
                    &full,
                    format!("{noun}s must be strictly increasing, but {} follows {}", w[1].0, w[0].0),
                );
                ok = false;
            }
        }
        ok.then_some((pairs, node.origin.clone()))
    }

    /// An optional array of numbers, each in `range`. An empty array is an error.
    pub fn numbers(&mut self, key: &'static str, range: Range, sink: &mut Sink) -> Option<Vec<f64>> {
        let node = self.get(key)?;
        let full = self.full(key);
        let Value::Array(items) = &node.value else {
            sink.at(&node.origin, &full, format!("expected an array of numbers, got {}", node.value.type_name()));
            return None;
        };
        if items.is_empty() {
            sink.at(&node.origin, &full, "must hold at least one number, got an empty array");
            return None;
        }
        if items.len() > MAX_NUMBERS {
            sink.at(&node.origin, &full, format!("holds {} numbers; at most {MAX_NUMBERS} are accepted", items.len()));
            return None;
        }
        let values: Vec<Option<f64>> = items.iter().map(|item| number_node(item, &full, range, sink)).collect();
        values.into_iter().collect()
    }

    /// An optional sub-table.
    pub fn section(&mut self, key: &'static str, sink: &mut Sink) -> Option<Reader<'a>> {
        self.sections.insert(key);
        let node = self.get(key)?;
        match &node.value {
            Value::Table(t) => Some(Reader {
                table: t,
                prefix: self.full(key),
                origin: node.origin.clone(),
                asked: BTreeSet::new(),
                retired: BTreeSet::new(),
                sections: BTreeSet::new(),
            }),
            other => {
                sink.at(&node.origin, &self.full(key), format!("expected a table, got {}", other.type_name()));
                None
            }
        }
    }

    /// Reports every key in the table that no getter asked for.
    pub fn finish(self, sink: &mut Sink) {
        for (key, node) in self.table {
            if !self.asked.contains(key.as_str()) && !self.retired.contains(key.as_str()) {
                let known: Vec<&str> = self.asked.iter().copied().collect();
                let message = if matches!(node.value, Value::Table(_)) {
                    // A table is a section: say so, and suggest sections.
                    let sections: Vec<&str> = self.sections.iter().copied().collect();
                    let hint = suggest(key, sections.iter().copied())
                        .map(|s| format!(" (did you mean `[{}]`?)", self.full(s)))
                        .unwrap_or_default();
                    let list: Vec<String> = sections.iter().map(|s| format!("[{}]", self.full(s))).collect();
                    format!("unknown section `[{}]`{hint}; known sections here: {}", self.full(key), list.join(", "))
                } else {
                    let hint = suggest(key, self.asked.iter().copied())
                        .map(|s| format!(" (did you mean `{s}`?)"))
                        .unwrap_or_default();
                    format!("unknown key{hint}; known keys here: {}", known.join(", "))
                };
                sink.at(&node.origin, &self.full(key), message);
            }
        }
    }

    /// Where a retired key was written, if present. The key is then not reported as
    /// unknown (the caller reports what replaced it), nor ever suggested.
    pub fn retired(&mut self, key: &'static str) -> Option<Origin> {
        self.retired.insert(key);
        self.table.get(key).map(|n| n.origin.clone())
    }

    /// Where a key of this table was written, if present (marks it as known).
    pub fn node_origin(&mut self, key: &'static str) -> Option<Origin> {
        self.get(key).map(|n| n.origin.clone())
    }

    /// Every entry of the table, in key order (marks none as known).
    pub fn tables(&self) -> Vec<(&'a str, &'a Node)> {
        self.table.iter().map(|(k, n)| (k.as_str(), n)).collect()
    }

    /// The table's origin (header line).
    pub fn origin(&self) -> &Origin {
        &self.origin
    }
}

fn number_node(node: &Node, key: &str, range: Range, sink: &mut Sink) -> Option<f64> {
    let x = match node.value {
        Value::Int(i) => i as f64,
        Value::Float(f) => f,
        ref other => {
            sink.at(&node.origin, key, format!("expected a number, got {}", other.type_name()));
            return None;
        }
    };
    if !x.is_finite() {
        sink.at(&node.origin, key, format!("must be a finite number, got {x}"));
        return None;
    }
    let hint = range.hint.text(x, &range).map(|h| format!("; {h}")).unwrap_or_default();
    if x < range.min || x > range.max {
        let msg = if range.max == f64::MAX {
            format!("must be at least {}, got {}{hint}", show(range.min), show(x))
        } else {
            format!("must be between {} and {}, got {}{hint}", show(range.min), show(range.max), show(x))
        };
        sink.at(&node.origin, key, msg);
        return None;
    }
    if let Some((lo, hi)) = range.plausible {
        if x < lo || x > hi {
            let unit = if range.unit.is_empty() { String::new() } else { format!(" {}", range.unit) };
            let side =
                if x < lo { format!("below {}{unit}", grouped(lo)) } else { format!("above {}{unit}", grouped(hi)) };
            // "1 troop", "1 month", "1 child per woman".
            let own = if x == 1.0 { singular(&unit) } else { unit.clone() };
            sink.warn(&node.origin, key, format!("{}{own} is implausible ({side}){hint}", show(x)));
        }
    }
    Some(x)
}

/// A bound in a message, with thousands separators (10,000).
fn grouped(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() >= 1e4 && x.abs() < 1e15 { crate::output::numbers::count(x) } else { show(x) }
}

/// A number as a user would write it in a scenario (no exponent below 1e15).
fn show_plain(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 { format!("{x:.0}") } else { format!("{}", (x * 1e9).round() / 1e9) }
}

/// A number in a message: exponent form when large (`1e13`, `1e308`), so that a bound or
/// an absurd value does not print as hundreds of digits.
/// A unit for a count of one: its first word in the singular (" troops" -> " troop",
/// " children per woman" -> " child per woman").
fn singular(unit: &str) -> String {
    let first = unit.trim_start().split(' ').next().unwrap_or("");
    let one = match first {
        "children" => "child",
        w => w.strip_suffix('s').unwrap_or(w),
    };
    unit.replacen(first, one, 1)
}

fn show(x: f64) -> String {
    if x.abs() >= 1e6 { format!("{x:e}") } else { format!("{x}") }
}

fn integer_node(node: &Node, key: &str, min: i64, max: i64, sink: &mut Sink) -> Option<i64> {
    match node.value {
        Value::Int(i) if (min..=max).contains(&i) => Some(i),
        Value::Int(i) => {
            sink.at(&node.origin, key, format!("must be between {min} and {max}, got {i}"));
            None
        }
        // A whole number written with a decimal point: say how to write it.
        Value::Float(x) if x.fract() == 0.0 && x.abs() < 1e15 => {
            sink.at(&node.origin, key, format!("expected an integer, got a float; write {x:.0}"));
            None
        }
        ref other => {
            sink.at(&node.origin, key, format!("expected an integer, got {}", other.type_name()));
            None
        }
    }
}

fn pairs_node(
    node: &Node,
    key: &str,
    label: &str,
    years: (i64, i64),
    range: Range,
    sink: &mut Sink,
) -> Option<Vec<(i32, f64)>> {
    let Value::Array(items) = &node.value else {
        sink.at(&node.origin, key, format!("expected an array of {label} pairs, got {}", node.value.type_name()));
        return None;
    };
    if items.is_empty() {
        sink.at(&node.origin, key, format!("must hold at least one {label} pair, got an empty array"));
        return None;
    }
    // Strictly increasing keys within the range: no valid array is longer than the range.
    let most = usize::try_from(years.1 - years.0 + 1).unwrap_or(0);
    if items.len() > most {
        let noun = pair_noun(label);
        sink.at(
            &node.origin,
            key,
            format!(
                "holds {} {label} pairs; at most {most} fit (one per {noun}, {noun}s {}-{}, strictly increasing)",
                items.len(),
                years.0,
                years.1
            ),
        );
        return None;
    }
    let mut out = Vec::with_capacity(items.len());
    let mut ok = true;
    for item in items {
        match &item.value {
            Value::Array(pair) if pair.len() == 2 => {
                let y = integer_node(&pair[0], key, years.0, years.1, sink);
                let v = number_node(&pair[1], key, range, sink);
                match (y, v) {
                    (Some(y), Some(v)) => out.push((y as i32, v)),
                    _ => ok = false,
                }
            }
            other => {
                sink.at(&item.origin, key, format!("each element must be a {label} pair, got {}", describe(other)));
                ok = false;
            }
        }
    }
    ok.then_some(out)
}

/// What the first element of a pair is, from its label: `[age, share]` → `age`.
fn pair_noun(label: &str) -> &str {
    label.trim_start_matches('[').split(',').next().map(str::trim).filter(|s| !s.is_empty()).unwrap_or("year")
}

fn describe(v: &Value) -> String {
    match v {
        Value::Array(a) => format!("an array of {} elements", a.len()),
        other => other.type_name().to_string(),
    }
}

/// Levenshtein distance between two short strings.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The closest candidate within a distance of a third of the key's length (at least 2).
pub fn suggest<'k>(key: &str, candidates: impl Iterator<Item = &'k str>) -> Option<&'k str> {
    let limit = (key.chars().count() / 3).max(2);
    candidates.map(|c| (edit_distance(key, c), c)).filter(|(d, _)| *d <= limit).min().map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::node::parse;
    use std::path::Path;

    #[test]
    fn a_warning_about_one_unit_is_in_the_singular() {
        let t = parse("a = 1\nb = 2\n", Path::new("s.toml")).unwrap();
        let mut sink = Sink::default();
        let mut r = Reader::root(&t, Path::new("s.toml"));
        let troops = Range::new(0.0, 1.0e7).plausible(1.0e4, 1.0e7).unit("troops");
        let _ = r.number("a", troops, &mut sink);
        let _ = r.number("b", troops, &mut sink);
        let msgs: Vec<&str> = sink.warnings.iter().map(|w| w.message.as_str()).collect();
        assert!(msgs[0].starts_with("1 troop is implausible (below 10,000 troops)"), "{msgs:?}");
        assert!(msgs[1].starts_with("2 troops is implausible"), "{msgs:?}");
        assert_eq!(singular(" children per woman"), " child per woman");
        assert_eq!(singular(" months"), " month");
    }

    #[test]
    fn suggestions() {
        assert_eq!(edit_distance("fit_rat", "fit_rate"), 1);
        assert_eq!(suggest("fitrate", ["fit_rate", "service_months"].into_iter()), Some("fit_rate"));
        assert_eq!(suggest("zzzz", ["fit_rate"].into_iter()), None);
    }

    #[test]
    fn collects_all_problems() {
        let t = parse("a = -1\nb = 'x'\nc = [[2030, 1], [2020, 2]]\nfoo = 1\n", Path::new("s.toml")).unwrap();
        let mut sink = Sink::default();
        let mut r = Reader::root(&t, Path::new("s.toml"));
        assert_eq!(r.number("a", Range::NONNEG, &mut sink), None);
        assert_eq!(r.number("b", Range::NONNEG, &mut sink), None);
        assert!(r.anchors("c", (2000, 2100), Range::NONNEG, &mut sink).is_none());
        r.finish(&mut sink);
        let lines: Vec<_> = sink.diagnostics.iter().map(|d| (d.line, d.key.as_str())).collect();
        assert_eq!(lines, vec![(Some(1), "a"), (Some(2), "b"), (Some(3), "c"), (Some(4), "foo")]);
    }
}
