//! A resolved scenario written back with the keys a scenario file takes: the one code
//! path behind `forcecast show`, the report's table of scenario definitions and the
//! scenario in every `manifest.json`.
//!
//! [`entries`] lists every key of a [`Scenario`] in file order. A key whose value is a
//! built-in series that no number in a file can stand for (the sourced active-duty rate,
//! a calibrated Monte Carlo spread, …) has no value: a file leaves it out to get it.
//! [`to_toml`] writes the entries as a scenario file that reads back to the same
//! scenario (floats in their shortest form that parses back to the same `f64`);
//! [`diff`] keeps the entries that differ from another scenario's.

use super::spec::{MigrationSpec, PathSpec, PolicyPath, Scenario};
use super::uncertainty::{DistKind, ParamDist};

/// A value as a scenario file writes it.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A string.
    Str(String),
    /// A whole number (years, counts of years).
    Int(i64),
    /// A number.
    Float(f64),
    /// `[[year, value], …]` (or `[[age, share], …]`).
    Pairs(Vec<(i64, f64)>),
    /// `[x, …]`.
    Numbers(Vec<f64>),
    /// An inline table `{ key = value, … }`.
    Inline(Vec<(&'static str, Item)>),
}

/// One key of a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The section (`""` for the root, `force.army`, `uncertainty.force`).
    pub section: &'static str,
    /// The key within the section.
    pub key: &'static str,
    /// Its value, or `None` when the key is left out and a built-in series applies.
    pub value: Option<Item>,
    /// What applies when the value is `None` (a comment in the file).
    pub default: String,
}

impl Entry {
    /// The dotted key (`force.army.service_months`).
    pub fn path(&self) -> String {
        if self.section.is_empty() { self.key.to_string() } else { format!("{}.{}", self.section, self.key) }
    }
}

/// The sections in file order (every section a scenario file takes).
pub const SECTIONS: &[&str] = &[
    "",
    "fertility",
    "mortality",
    "migration",
    "force",
    "force.army",
    "force.navy",
    "force.air_force",
    "force.marines",
    "force.cadre",
    "force.officers",
    "force.ncos",
    "automation",
    "plan",
    "uncertainty",
    "uncertainty.fertility",
    "uncertainty.mortality",
    "uncertainty.migration",
    "uncertainty.force",
];

fn e(section: &'static str, key: &'static str, value: Item) -> Entry {
    Entry { section, key, value: Some(value), default: String::new() }
}

fn policy(section: &'static str, key: &'static str, p: &Option<PolicyPath>, default: impl Into<String>) -> Entry {
    Entry { section, key, value: p.as_ref().map(|p| pairs(p)), default: default.into() }
}

fn pairs(p: &[(i32, f64)]) -> Item {
    Item::Pairs(p.iter().map(|&(y, v)| (i64::from(y), v)).collect())
}

fn optional(section: &'static str, key: &'static str, x: Option<f64>, default: &'static str) -> Entry {
    Entry { section, key, value: x.map(Item::Float), default: default.into() }
}

fn path_spec(section: &'static str, series: &'static str, anchors: &'static str, p: &PathSpec) -> Entry {
    match p {
        PathSpec::Series(s) => e(section, series, Item::Str(s.clone())),
        PathSpec::Anchors(a) => e(section, anchors, pairs(a)),
    }
}

fn dist(d: &ParamDist) -> Item {
    let name = match d.dist {
        DistKind::Normal => "normal",
        DistKind::Lognormal => "lognormal",
        DistKind::Uniform => "uniform",
    };
    Item::Inline(vec![("dist", Item::Str(name.into())), ("sd", Item::Float(d.sd))])
}

fn calibrated_or(d: &Option<ParamDist>) -> Item {
    match d {
        Some(d) => dist(d),
        None => Item::Inline(vec![("dist", Item::Str("calibrated".into()))]),
    }
}

/// Every key of the scenario, sections in [`SECTIONS`] order.
pub fn entries(s: &Scenario) -> Vec<Entry> {
    let mut out = vec![
        e("", "description", Item::Str(s.description.clone())),
        e("", "country", Item::Str(s.country.clone())),
        e("", "base_population", Item::Str(s.base_population.as_str().into())),
        e("", "base_year", Item::Int(s.base_year.into())),
        e("", "end_year", Item::Int(s.end_year.into())),
        path_spec("fertility", "tfr_series", "tfr_anchors", &s.fertility.tfr),
        path_spec("fertility", "srb_series", "srb_anchors", &s.fertility.srb),
        e("mortality", "series", Item::Str(s.mortality.series.clone())),
        e("mortality", "mx_scale", Item::Float(s.mortality.mx_scale)),
    ];
    match &s.migration {
        MigrationSpec::Series { name, scale } => {
            out.push(e("migration", "series", Item::Str(name.clone())));
            out.push(e("migration", "scale", Item::Float(*scale)));
        }
        MigrationSpec::Citizens { scale } => {
            out.push(e("migration", "series", Item::Str(MigrationSpec::CITIZENS.into())));
            out.push(e("migration", "scale", Item::Float(*scale)));
        }
        MigrationSpec::Anchors(a) => out.push(e("migration", "net_anchors", pairs(a))),
    }
    let f = &s.force;
    let ages = |v: &[(usize, f64)]| Item::Pairs(v.iter().map(|&(a, x)| (a as i64, x)).collect());
    out.push(e("force", "enlistment_age_shares", ages(&f.enlistment_age_shares)));
    // What the country's data give for a key left unset, in the country's words.
    out.push(policy("force", "active_duty_rate", &f.active_duty_rate, s.unset.active_duty_rate.as_str()));
    out.push(e("force", "take_up", Item::Float(f.take_up)));
    out.push(policy("force", "alternative_allocations", &f.alternative_allocations, "the sourced allocations"));
    out.push(e("force", "annual_attrition", Item::Float(f.annual_attrition)));
    out.push(Entry {
        section: "force",
        key: "female_volunteer_age_shares",
        value: (!f.female_volunteer_age_shares.is_empty()).then(|| ages(&f.female_volunteer_age_shares)),
        default: "no women volunteer as conscripts".into(),
    });
    out.push(policy("force", "female_volunteer_scale", &f.female_volunteer_scale, "1"));
    out.push(policy("force", "target_anchors", &f.target, s.unset.target.as_str()));
    // One branch takes the whole intake; several split it by their enlisted stocks.
    let intake = if f.branches.len() == 1 {
        "the whole intake (the country's only branch)"
    } else {
        "derived from the enlisted stocks by service"
    };
    for b in &f.branches {
        let section = crate::force::branch::intern(&format!("force.{}", b.key));
        out.push(policy(section, "service_months", &b.service_months, "the sourced schedule of terms"));
        out.push(policy(section, "intake_share", &b.intake_share, intake));
    }
    let c = &f.cadre;
    out.push(policy("force.cadre", "target_share", &c.target_share, s.unset.target_share.as_str()));

    out.push(policy("force.cadre", "women_share", &c.women_share, "the sourced share of women in the cadre"));
    for corps in &c.corps {
        let section = crate::force::branch::intern(&format!("force.{}", corps.key));
        out.push(e(section, "obligated_years", Item::Int(corps.obligated_years as i64)));
        out.push(e(section, "early_continuation", Item::Float(corps.early_continuation)));
        out.push(policy(
            section,
            "decision_continuation",
            &corps.decision_continuation,
            "sourced or calibrated (README, Force model)",
        ));
        out.push(policy(
            section,
            "careerist_continuation",
            &corps.careerist_continuation,
            s.unset.careerist_continuation.as_str(),
        ));
        out.push(e(section, "max_years", Item::Int(corps.max_years as i64)));
        out.push(policy(section, "fill_rate", &corps.fill_rate, "the sourced series"));
    }
    let a = &s.automation;
    out.push(e("automation", "start_year", Item::Int(a.start_year.into())));
    out.push(e("automation", "soldiers_replaced_per_system", Item::Float(a.soldiers_replaced_per_system)));
    out.push(policy("automation", "unit_cost", &a.unit_cost, "1e9 (assumption)"));
    out.push(e("automation", "annual_cost_share", Item::Float(a.annual_cost_share)));
    out.push(e("automation", "service_life_years", Item::Int(a.service_life_years as i64)));
    out.push(e("automation", "discount_rate", Item::Float(a.discount_rate)));
    out.push(policy(
        "automation",
        "fielding_capacity_anchors",
        &a.fielding_capacity,
        "500 a year in 2026, 3,000 by 2030, 6,000 by 2040 (assumption)",
    ));
    out.push(e("automation", "currency", Item::Str(a.currency.clone())));
    let p = &s.plan;
    out.push(policy("plan", "civilians", &p.civilians, "none"));
    out.push(e("plan", "substitution_ratio", Item::Float(p.substitution_ratio)));
    out.push(e("plan", "from", Item::Int(p.from.into())));
    out.push(optional("plan", "budget_per_year", p.budget_per_year, "no ceiling"));
    out.push(optional("plan", "probability", p.probability, "none (the deterministic goal)"));
    out.push(Entry {
        section: "plan",
        key: "trajectories",
        value: p.trajectories.map(|n| Item::Int(n as i64)),
        default: "1000".into(),
    });
    out.push(e("plan", "conscript_pay", Item::Float(p.conscript_pay)));
    out.push(e("plan", "conscript_upkeep", Item::Float(p.conscript_upkeep)));
    out.push(e("plan", "cadre_cost", Item::Float(p.cadre_cost)));
    out.push(e("plan", "retention_bonus", Item::Float(p.retention_bonus)));
    out.push(e("plan", "volunteer_cost", Item::Float(p.volunteer_cost)));
    out.push(e("plan", "civilian_cost", Item::Float(p.civilian_cost)));
    out.push(e("plan", "max_civilians", Item::Float(p.max_civilians)));
    let u = &s.uncertainty;
    out.push(e("uncertainty", "gap_thresholds", Item::Numbers(u.gap_thresholds.clone())));
    out.push(e("uncertainty", "available_thresholds", Item::Numbers(u.available_thresholds.clone())));
    let fit = "calibrated at run time to WPP's intervals";
    out.push(optional("uncertainty.fertility", "ar1", u.fertility.ar1, fit));
    out.push(optional("uncertainty.fertility", "innovation_sd", u.fertility.innovation_sd, fit));
    out.push(e("uncertainty.fertility", "sd_scale", Item::Float(u.fertility.sd_scale)));
    out.push(e("uncertainty.fertility", "floor", Item::Float(u.fertility.floor)));
    out.push(e("uncertainty.mortality", "fit_from", Item::Int(u.mortality.fit_from.into())));
    out.push(e("uncertainty.mortality", "fit_to", Item::Int(u.mortality.fit_to.into())));
    out.push(optional(
        "uncertainty.mortality",
        "innovation_sd",
        u.mortality.innovation_sd,
        "from the Lee-Carter fit at run time",
    ));
    out.push(e("uncertainty.mortality", "sd_scale", Item::Float(u.mortality.sd_scale)));
    out.push(optional("uncertainty.migration", "ar1", u.migration.ar1, fit));
    out.push(optional("uncertainty.migration", "tail_df", u.migration.tail_df, fit));
    out.push(e("uncertainty.migration", "sd_scale", Item::Float(u.migration.sd_scale)));
    let n = &u.force;
    out.push(e("uncertainty.force", "active_duty_rate", calibrated_or(&n.active_duty_rate)));
    out.push(e("uncertainty.force", "take_up", calibrated_or(&n.take_up)));
    out.push(e("uncertainty.force", "cadre_retention", calibrated_or(&n.cadre_retention)));
    out.push(e("uncertainty.force", "cadre_propensity", calibrated_or(&n.cadre_propensity)));
    out.push(e("uncertainty.force", "fielding_capacity", dist(&n.fielding_capacity)));
    out.push(e("uncertainty.force", "soldiers_replaced_per_system", dist(&n.soldiers_replaced_per_system)));
    out
}

/// The scenario every key defaults to: a file with only a description.
pub fn defaults() -> Scenario {
    let mut table = super::node::Table::new();
    let origin = super::node::Origin { file: std::sync::Arc::new("(defaults)".into()), line: 1 };
    table.insert("description".into(), super::node::Node { value: super::node::Value::Str(String::new()), origin });
    let mut sink = super::reader::Sink::default();
    super::spec::from_table("defaults", Vec::new(), &table, None, &mut sink)
        .expect("a scenario with only a description is valid: every other key has a default")
}

/// [`defaults`] shaped like `s`'s country: one branch table per branch and one corps
/// per corps of `s`, each with the built-in generic defaults, and what applies to its
/// unset keys in its country's words.
pub fn defaults_like(s: &Scenario) -> Scenario {
    let mut d = defaults();
    d.unset = s.unset.clone();
    d.force.branches =
        s.force.branches.iter().map(|b| super::spec::BranchSpec { key: b.key.clone(), ..Default::default() }).collect();
    d.force.cadre.corps = s
        .force
        .cadre
        .corps
        .iter()
        .enumerate()
        .map(|(i, c)| super::spec::CorpsSpec::default_for(crate::force::Corps(i), &c.key))
        .collect();
    d
}

/// The entries of `a` that differ from `b`'s (a key `b` does not have, or has with
/// another value). Entries of `a` without a value where `b` has one cannot be written
/// (a file that extends `b` cannot unset a key); they are kept, without a value.
pub fn diff(a: &[Entry], b: &[Entry]) -> Vec<Entry> {
    a.iter()
        .filter(|x| {
            let other = b.iter().find(|y| y.section == x.section && y.key == x.key);
            other.is_none_or(|y| y.value != x.value) && (x.value.is_some() || other.is_some())
        })
        .cloned()
        .collect()
}

/// A number as TOML: a whole number below 1e15 as an integer (read back exactly),
/// anything else in Rust's shortest round-trip form (`0.1`, `1e-7`, `1e300`), which is
/// valid TOML and parses back to the same `f64`.
pub fn number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 && !(x == 0.0 && x.is_sign_negative()) {
        format!("{x:.0}")
    } else {
        format!("{x:?}")
    }
}

/// A TOML basic string.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A value as TOML.
pub fn value(v: &Item) -> String {
    match v {
        Item::Str(s) => string(s),
        Item::Int(i) => i.to_string(),
        Item::Float(x) => number(*x),
        Item::Pairs(p) => {
            let items: Vec<String> = p.iter().map(|(k, x)| format!("[{k}, {}]", number(*x))).collect();
            format!("[{}]", items.join(", "))
        }
        Item::Numbers(v) => format!("[{}]", v.iter().map(|x| number(*x)).collect::<Vec<_>>().join(", ")),
        Item::Inline(kv) => {
            let items: Vec<String> = kv.iter().map(|(k, x)| format!("{k} = {}", value(x))).collect();
            format!("{{ {} }}", items.join(", "))
        }
    }
}

/// Options of [`to_toml`].
#[derive(Debug, Clone, Default)]
pub struct TomlOptions<'a> {
    /// A comment on the first lines (without `# `), one per line.
    pub header: Vec<String>,
    /// `extends = "<name>"` at the root.
    pub extends: Option<&'a str>,
    /// Entries equal to these get a `# default` comment.
    pub defaults: Option<&'a [Entry]>,
}

/// Writes entries as a scenario file. Keys without a value are comments naming what
/// applies.
pub fn to_toml(entries: &[Entry], opts: &TomlOptions<'_>) -> String {
    let mut out = String::new();
    for line in &opts.header {
        // A comment ends at a line break: the text is escaped (a file name may hold one).
        out.push_str(&format!("# {}\n", crate::error::escape(line)));
    }
    if let Some(parent) = opts.extends {
        out.push_str(&format!("extends = {}\n", string(parent)));
    }
    // Sections in the order the entries give them (file order: [`entries`] writes them in
    // [`SECTIONS`] order, with the country's branch and corps tables in its structure's).
    let mut sections: Vec<&str> = Vec::new();
    for x in entries {
        if !sections.contains(&x.section) {
            sections.push(x.section);
        }
    }
    for section in sections {
        let here: Vec<&Entry> = entries.iter().filter(|x| x.section == section).collect();
        if here.is_empty() {
            continue;
        }
        if !section.is_empty() {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&format!("[{section}]\n"));
        }
        for x in here {
            match &x.value {
                Some(v) => {
                    let is_default = opts
                        .defaults
                        .and_then(|d| d.iter().find(|y| y.section == x.section && y.key == x.key))
                        .is_some_and(|y| y.value == x.value);
                    let note = if is_default && x.key != "description" { "  # default" } else { "" };
                    out.push_str(&format!("{} = {}{note}\n", x.key, value(v)));
                }
                None => match opts.extends {
                    None => out.push_str(&format!("# {} not set: {}\n", x.key, x.default)),
                    Some(parent) => out.push_str(&format!(
                        "# {} not set here ({}), but `{parent}` sets it: a file that extends `{parent}` cannot \
                         unset a key, so copy `{parent}` and delete it there\n",
                        x.key, x.default
                    )),
                },
            }
        }
    }
    out
}

/// A value as JSON (numbers as numbers, pairs as `[k, v]` arrays).
pub fn json(v: &Item) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        Item::Str(s) => J::String(s.clone()),
        Item::Int(i) => J::from(*i),
        Item::Float(x) => J::from(*x),
        Item::Pairs(p) => J::Array(p.iter().map(|(k, x)| J::Array(vec![J::from(*k), J::from(*x)])).collect()),
        Item::Numbers(v) => J::Array(v.iter().map(|x| J::from(*x)).collect()),
        Item::Inline(kv) => J::Object(kv.iter().map(|(k, x)| (k.to_string(), json(x))).collect()),
    }
}

/// Entries as nested JSON objects keyed as in a scenario file; keys without a value are
/// left out (no null in any JSON output).
pub fn to_json(entries: &[Entry]) -> serde_json::Map<String, serde_json::Value> {
    use serde_json::{Map, Value as J};
    let mut root = Map::new();
    for x in entries {
        let Some(v) = &x.value else { continue };
        let mut table = &mut root;
        for part in x.section.split('.').filter(|p| !p.is_empty()) {
            let slot = table.entry(part.to_string()).or_insert_with(|| J::Object(Map::new()));
            let J::Object(t) = slot else { unreachable!("sections are tables") };
            table = t;
        }
        table.insert(x.key.to_string(), json(v));
    }
    root
}

impl serde::Serialize for Scenario {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let mut map = serde_json::Map::new();
        map.insert("name".into(), self.name.clone().into());
        let files: Vec<serde_json::Value> = self.files.iter().map(|f| f.display().to_string().into()).collect();
        map.insert("files".into(), files.into());
        map.extend(to_json(&entries(self)));
        serde::Serialize::serialize(&map, ser)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip_exactly() {
        for x in [0.1, 0.91, 1.0 / 3.0, 1e-7, 1e9, 1e13, 1e300, 620_000.0, -2_000.0, 4.0, 0.0, -0.0, 1e15, 123.456e20] {
            let text = format!("x = {}\n", number(x));
            let t: toml::Table = toml::from_str(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
            let y = match &t["x"] {
                toml::Value::Integer(i) => *i as f64,
                toml::Value::Float(f) => *f,
                other => panic!("{other:?}"),
            };
            assert_eq!(x.to_bits(), y.to_bits(), "{x} written as {text}");
        }
    }

    #[test]
    fn strings_are_escaped() {
        let s = "a \"quoted\" \\ line\nand\ttab \u{1}";
        let t: toml::Table = toml::from_str(&format!("x = {}\n", string(s))).unwrap();
        assert_eq!(t["x"].as_str(), Some(s));
    }

    /// Writes `text` as `<name>.toml` in a temporary folder and loads it (`extends`
    /// resolves beside it, then among the shipped scenarios).
    fn load_text(name: &str, text: &str) -> Scenario {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(format!("{name}.toml"));
        std::fs::write(&path, text).unwrap();
        let shipped = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        super::super::load(&path, &shipped).unwrap_or_else(|e| panic!("{e}\n{text}"))
    }

    /// The scenario apart from where it was read from.
    fn resolved(s: &Scenario) -> Scenario {
        Scenario { files: Vec::new(), locations: Default::default(), ..s.clone() }
    }

    fn shipped() -> Vec<Scenario> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let list = super::super::list(&dir).unwrap();
        assert!(list.len() >= 12, "{list:?}");
        list.iter().map(|l| super::super::load(&l.path, &dir).unwrap()).collect()
    }

    /// Every key set away from its default, with floats that have no short decimal form.
    const EVERY_KEY: &str = r#"
description = "every key \"quoted\""
base_population = "wpp-estimates"
base_year = 2020
end_year = 2090
[fertility]
tfr_anchors = [[2020, 0.8], [2040, 1.1000000000000001], [2090, 0.30000000000000004]]
srb_anchors = [[2030, 1.0512345678901234]]
[mortality]
mx_scale = 0.9333333333333333
[migration]
series = "wpp-medium"
scale = 0.3333333333333333
[force]
enlistment_age_shares = [[19, 0.2], [20, 0.5], [21, 0.3]]
active_duty_rate = [[2030, 0.8], [2040, 0.75]]
take_up = 0.8765432109876543
alternative_allocations = 12345.5
annual_attrition = 0.01
female_volunteer_age_shares = [[20, 0.001], [21, 0.0005]]
female_volunteer_scale = [[2030, 2]]
target_anchors = [[2018, 620000], [2030, 450000.25]]
[force.army]
service_months = [[2028, 21], [2035, 24]]
intake_share = 0.7
[force.navy]
service_months = 22
intake_share = 0.1
[force.air_force]
service_months = [[2030, 20.5]]
intake_share = 0.15
[force.marines]
service_months = 19
intake_share = 0.05
[force.cadre]
target_share = [[2030, 0.45]]
women_share = 0.2
[force.officers]
obligated_years = 3
early_continuation = 0.95
decision_continuation = 0.5
careerist_continuation = [[2030, 0.97]]
max_years = 30
fill_rate = 0.9
[force.ncos]
obligated_years = 5
early_continuation = 0.96
decision_continuation = [[2030, 0.35]]
careerist_continuation = 0.93
max_years = 35
fill_rate = [[2025, 0.512], [2030, 0.935]]
[automation]
start_year = 2030
soldiers_replaced_per_system = 3.3
unit_cost = [[2030, 2e9], [2040, 1.5e9]]
annual_cost_share = 0.12
service_life_years = 12
discount_rate = 0.035
fielding_capacity_anchors = 700
currency = "USD"
[uncertainty]
gap_thresholds = [0, 75000.5]
available_thresholds = [350000, 400000]
[uncertainty.fertility]
ar1 = 0.91
innovation_sd = 0.07
sd_scale = 1.5
floor = 0.4
[uncertainty.mortality]
fit_from = 1960
fit_to = 2015
innovation_sd = 5.5
sd_scale = 0.5
[plan]
civilians = [[2030, 0], [2040, 50000]]
substitution_ratio = 0.8
from = 2032
budget_per_year = 5e12
probability = 0.8
trajectories = 500
conscript_pay = 2.5e7
conscript_upkeep = 7e6
cadre_cost = 5e7
retention_bonus = 2e6
volunteer_cost = 6e6
civilian_cost = 4e7
max_civilians = 90000
[uncertainty.migration]
ar1 = 0.6
tail_df = 4.5
sd_scale = 2
[uncertainty.force]
active_duty_rate = { dist = "uniform", sd = 0.01 }
take_up = { sd = 0.03 }
cadre_retention = { dist = "calibrated" }
cadre_propensity = { dist = "normal" }
fielding_capacity = { dist = "normal", sd = 0.1 }
soldiers_replaced_per_system = { dist = "uniform", sd = 0.25 }
"#;

    #[test]
    fn show_reads_back_to_the_same_scenario() {
        let mut all = shipped();
        let every = load_text("every-key", EVERY_KEY);
        // Every key has a value (nothing is left to a built-in series), and all but the
        // few with a single choice (country, mortality series) or restored to the
        // default (cadre_retention) differ from the defaults.
        let d = entries(&defaults());
        let same: Vec<String> = entries(&every).iter().filter(|x| d.contains(x)).map(|x| x.path()).collect();
        assert_eq!(same, ["country", "mortality.series", "uncertainty.force.cadre_retention"]);
        assert!(entries(&every).iter().all(|x| x.value.is_some()));
        all.push(every);
        for s in &all {
            let text = to_toml(&entries(s), &TomlOptions { defaults: Some(&d), ..Default::default() });
            let back = load_text(&s.name, &text);
            assert_eq!(resolved(&back), resolved(s), "{}:\n{text}", s.name);
        }
    }

    /// Every key the reader knows (as its "known keys here" lists them) is one that
    /// [`entries`] writes, so `show` cannot leave a key out when one is added.
    #[test]
    fn entries_cover_every_key_the_reader_knows() {
        let mut text = String::from("description = \"d\"\nzz_unknown = 1\n");
        for section in SECTIONS.iter().filter(|s| !s.is_empty()) {
            text.push_str(&format!("[{section}]\nzz_unknown = 1\n"));
        }
        let table = super::super::node::parse(&text, std::path::Path::new("k.toml")).unwrap();
        let mut sink = super::super::reader::Sink::default();
        let korea = super::super::spec::tests::korea();
        assert!(super::super::spec::from_table("k", Vec::new(), &table, Some(&korea), &mut sink).is_none());
        let mut written: Vec<String> = Vec::new();
        let anchors = load_text("n", "description = \"d\"\n[migration]\nnet_anchors = [[2025, 0]]\n");
        for s in shipped().iter().chain([&load_text("every-key", EVERY_KEY), &anchors]) {
            written.extend(entries(s).iter().map(Entry::path));
        }
        let mut checked = 0;
        for d in &sink.diagnostics {
            let section = d.key.strip_suffix("zz_unknown").expect("only the unknown keys fail").trim_end_matches('.');
            let known = d.message.split("known keys here: ").nth(1).expect("a list of known keys");
            for key in known.split(", ") {
                let path = if section.is_empty() { key.to_string() } else { format!("{section}.{key}") };
                if key == "extends" || SECTIONS.contains(&path.as_str()) {
                    continue;
                }
                assert!(written.contains(&path), "{path} is a key the reader takes but show never writes");
                checked += 1;
            }
        }
        assert_eq!(sink.diagnostics.len(), SECTIONS.len());
        assert!(checked >= 70, "{checked}");
    }

    #[test]
    fn diff_extends_the_other_scenario_back_to_the_same_one() {
        let all = shipped();
        let every = load_text("every-key", EVERY_KEY);
        let baseline = all.iter().find(|s| s.name == "baseline").unwrap();
        for s in all.iter().chain([&every]) {
            // Each against its own country's baseline (`baseline`, `taiwan-baseline`).
            let base = all
                .iter()
                .find(|b| b.country == s.country && b.name.ends_with("baseline") && b.name.len() <= s.country.len() + 9)
                .unwrap_or(baseline);
            let d = diff(&entries(s), &entries(base));
            if s.name == base.name {
                assert!(d.is_empty(), "{d:?}");
            }
            // A key the baseline sets cannot be unset by a file that extends it.
            if d.iter().any(|x| x.value.is_none()) {
                continue;
            }
            let text = to_toml(&d, &TomlOptions { extends: Some(&base.name), ..Default::default() });
            let back = load_text(&format!("{}-diff", s.name), &text);
            assert_eq!(resolved(&back), Scenario { name: back.name.clone(), ..resolved(s) }, "{}:\n{text}", s.name);
        }
        // A scenario on net anchors, extending a shown file that writes the migration
        // scale out: the anchors replace the series and its scale.
        let dir = tempfile::tempdir().unwrap();
        let parent = to_toml(&entries(baseline), &TomlOptions::default());
        assert!(parent.contains("\nscale = 1\n"), "{parent}");
        std::fs::write(dir.path().join("shown-baseline.toml"), parent).unwrap();
        let anchors = load_text("n", "description = \"d\"\n[migration]\nnet_anchors = [[2025, -5000]]\n");
        let text = to_toml(
            &diff(&entries(&anchors), &entries(baseline)),
            &TomlOptions { extends: Some("shown-baseline"), ..Default::default() },
        );
        let path = dir.path().join("n-diff.toml");
        std::fs::write(&path, &text).unwrap();
        let back = super::super::load(&path, dir.path()).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(back.migration, anchors.migration);
        // The baseline against a scenario leaving the target to its default: the target
        // is reported, without a value.
        let d = diff(&entries(baseline), &entries(&every));
        let t = d.iter().find(|x| x.key == "target_anchors").unwrap();
        assert!(t.value.is_some());
        let d = diff(&entries(&defaults()), &entries(baseline));
        let t = d.iter().find(|x| x.key == "target_anchors").unwrap();
        assert!(t.value.is_none());
        let text = to_toml(&d, &TomlOptions { extends: Some("baseline"), ..Default::default() });
        assert!(text.contains("# target_anchors not set here"), "{text}");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Any valid value of a few keys of each kind reads back bit for bit.
        #[test]
        fn random_values_read_back(
            tfr in 0.0f64..10.0,
            year in 2025i32..2100,
            take_up in 0.0f64..=1.0,
            cost in 0.0f64..1e13,
            net in -1e6f64..1e6,
            sd in 0.0f64..1.0,
        ) {
            let text = format!(
                "description = \"p\"\n[fertility]\ntfr_anchors = [[{year}, {}]]\n[migration]\nnet_anchors = [[2025, {}]]\n\
                 [force]\ntake_up = {}\n[automation]\nunit_cost = {}\n[uncertainty.force]\ntake_up = {{ sd = {} }}\n",
                number(tfr), number(net), number(take_up), number(cost), number(sd)
            );
            let s = load_text("p", &text);
            let back = load_text("p", &to_toml(&entries(&s), &TomlOptions::default()));
            proptest::prop_assert_eq!(resolved(&back), resolved(&s));
            proptest::prop_assert_eq!(s.force.take_up.to_bits(), take_up.to_bits());
        }
    }
}
