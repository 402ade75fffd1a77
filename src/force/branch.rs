//! A country's force structure, declared in its `country.toml` (`[force]`): the
//! conscript branches, the career (or volunteer) corps, the first birth cohort liable to
//! the conscript term, the sourced target path and the names of the sources the charts
//! and the report cite. Nothing here names a country: Korea's four services and its
//! officers and NCOs are `scenarios/data/korea/country.toml`, Taiwan's one-year conscripts
//! and volunteers `scenarios/data/taiwan/country.toml` (README "Adding a country").
//!
//! The model keeps fixed-size slots ([`MAX_BRANCHES`], [`MAX_CORPS`]) so that a year of
//! the force model stays a plain `Copy` value in the Monte Carlo; a structure uses the
//! first `n` of them and every output names only those.

use serde::{Deserialize, Serialize};

/// Most conscript branches a country may declare.
pub const MAX_BRANCHES: usize = 4;
/// Most career corps a country may declare.
pub const MAX_CORPS: usize = 2;

/// A conscript branch: its slot in the country's [`ForceStructure::branches`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Branch(pub usize);

/// A career corps: its slot in the country's [`ForceStructure::corps`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Corps(pub usize);

/// One declared component: the key used in scenario tables, data rows and output
/// columns, and the label of charts and reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Component {
    /// Key (`army`, `ncos`, `one_year`, `volunteers`, …).
    pub key: String,
    /// Label (`Army`, `NCOs`, …).
    pub label: String,
}

/// A corps' calibrated defaults, which act on the history years and wherever a scenario
/// sets no path (see [`crate::force::CadreDefaults`]); each is `None` when the country
/// gives none, and the model then uses [`crate::force::defaults`]' generic value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorpsDefaults {
    /// Continuation at the end of the obligated term (the data's `long_service_share`
    /// wins when present).
    pub decision_continuation: Option<f64>,
    /// Careerists' yearly continuation.
    pub careerist_continuation: Option<f64>,
    /// Recruiting capacity in the first year as a multiple of the accessions that
    /// sustain the observed stock.
    pub capacity: Option<f64>,
    /// The calibration's weak prior on the decision, `[value, width]` (first corps only;
    /// README "Force calibration").
    pub decision_prior: Option<(f64, f64)>,
    /// The calibration's weak prior on careerists' continuation, `[value, width]`.
    pub careerist_prior: Option<(f64, f64)>,
}

/// The force structure of a country.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ForceStructure {
    /// Conscript branches in output order (1 to [`MAX_BRANCHES`]).
    pub branches: Vec<Component>,
    /// Career corps in output order (1 to [`MAX_CORPS`]).
    pub corps: Vec<Component>,
    /// The corps' calibrated defaults, by slot.
    pub corps_defaults: Vec<CorpsDefaults>,
    /// Men born before this year are not liable to the conscript term (`None`: every
    /// cohort is); a birth year in [`LIABLE_COHORTS`].
    pub first_liable_cohort: Option<i32>,
    /// No one is liable before this year (the term's first year; `None`: always); a year
    /// in [`LIABLE_YEARS`].
    pub first_liable_year: Option<i32>,
    /// The sourced troop target path (history years and the scenario default).
    pub target: Vec<(i32, f64)>,
    /// Where the target path comes from.
    pub target_source: String,
    /// The observed strength series' source, as charts cite it.
    pub strength_source: String,
    /// Who publishes the examination (fitness) outcomes.
    pub examination_source: String,
    /// The defence authority (ministry) the report names.
    pub authority: String,
    /// The report's country-specific sentences (`[force.report]`), by key: see
    /// [`REPORT_KEYS`].
    pub report: std::collections::BTreeMap<String, String>,
    /// What `forcecast show` writes for a key a scenario leaves to the country's sourced
    /// default (`[force.show]`), by key: see [`SHOW_KEYS`].
    pub show: std::collections::BTreeMap<String, String>,
    /// The scenario `backtest --force` calibrates on (`baseline`, Taiwan's
    /// `taiwan-baseline`).
    pub baseline: String,
    /// Whether the sensitivity ranges of `src/analysis/ranges.rs` (sourced from this
    /// country's data: Korea's examinations, terms, NCO rates) apply to it; a country
    /// without them has no `sensitivity` (exit 2) and its report leaves the section out.
    pub sensitivity_ranges: bool,
    /// Whether `backtest --force` fits the conscript intakes of force_inputs.csv
    /// (`enlistments`): Taiwan's restored one-year intakes of 2024-2025 are the only
    /// anchor of its take-up; Korea's (2014-2021, low confidence) are not used.
    pub fit_intakes: bool,
}

/// The report's sentences a country folder gives in `[force.report]` of `country.toml`:
/// the method paragraphs on its conscripts, its corps, its history and the limits of its
/// data, and the caption of
/// its force chart (`{scenario}` stands for the scenario's name). A key left out is
/// written from the structure alone.
pub const REPORT_KEYS: &[&str] =
    &["method_conscripts", "method_cadre", "method_history", "method_limits", "force_caption"];

/// The birth years `first_liable_cohort` may name, 1900-2100: 1900 is before the birth of
/// any man of service age in the data's years, so an earlier cohort acts as none.
pub const LIABLE_COHORTS: (i32, i32) = (1900, 2100);

/// The years `first_liable_year` may name: the years of the data and of any projection
/// (1950-2100, [`crate::scenario::spec::DATA_YEARS`]). A year before the force model's
/// first (2019) acts as none; a year after a projection's end leaves its conscripts at
/// zero, which a country may mean (a term that has not started), but a year outside the
/// data is a slip (`-5`, `20224`).
pub const LIABLE_YEARS: (i32, i32) = (1950, 2100);

/// The keys a country folder describes in `[force.show]` of `country.toml`: what applies
/// to a scenario that leaves the key unset, when that is a series of the country's data
/// whose source only the country can name (`forcecast show` writes it as a comment:
/// `# active_duty_rate not set: …`). A key left out is described from the data's names
/// alone; the troop target is described by `target_source`.
pub const SHOW_KEYS: &[&str] = &["active_duty_rate", "target_share"];

/// `[force]` of `country.toml`, as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StructureToml {
    branches: Vec<(String, String)>,
    corps: Vec<(String, String)>,
    #[serde(default)]
    corps_defaults: std::collections::BTreeMap<String, CorpsDefaults>,
    #[serde(default)]
    first_liable_cohort: Option<toml::Spanned<i32>>,
    #[serde(default)]
    first_liable_year: Option<toml::Spanned<i32>>,
    target: toml::Spanned<Vec<(i32, f64)>>,
    target_source: String,
    strength_source: String,
    examination_source: String,
    authority: String,
    #[serde(default)]
    report: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    show: std::collections::BTreeMap<String, String>,
    #[serde(default = "default_baseline")]
    baseline: String,
    #[serde(default)]
    fit_intakes: bool,
    #[serde(default)]
    sensitivity_ranges: bool,
}

fn default_baseline() -> String {
    "baseline".to_string()
}

/// Keys a component may not take: they name the other tables of `[force]` or columns of
/// the outputs that are not per component.
const RESERVED: &[&str] = &["all", "cadre", "total", "enlisted", "conscripts", "cadre_share"];

fn valid_key(k: &str) -> bool {
    !k.is_empty()
        && k.len() <= 32
        && k.starts_with(|c: char| c.is_ascii_lowercase())
        && k.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

impl StructureToml {
    /// Where the value of a key that [`StructureToml::build`] may reject was written (a
    /// byte offset in the file), when the key is one whose place is kept; errors on other
    /// keys point at the `[force]` table.
    pub fn offset_of(&self, key: &str) -> Option<usize> {
        match key {
            "first_liable_cohort" => self.first_liable_cohort.as_ref().map(|s| s.span().start),
            "first_liable_year" => self.first_liable_year.as_ref().map(|s| s.span().start),
            "target" => Some(self.target.span().start),
            _ => None,
        }
    }

    /// Checks the declaration and builds the structure; the error names the key.
    pub fn build(self) -> std::result::Result<ForceStructure, (&'static str, String)> {
        let comp = |v: Vec<(String, String)>, what: &'static str, max: usize| {
            if v.is_empty() || v.len() > max {
                return Err((what, format!("declare 1 to {max} {what}, got {}", v.len())));
            }
            let mut out: Vec<Component> = Vec::new();
            for (key, label) in v {
                if !valid_key(&key) || RESERVED.contains(&key.as_str()) {
                    return Err((
                        what,
                        format!(
                            "`{key}` is not a usable key (lower-case letters, digits and `_`, starting with a letter; \
                             not one of {})",
                            RESERVED.join(", ")
                        ),
                    ));
                }
                if out.iter().any(|c| c.key == key) {
                    return Err((what, format!("`{key}` is declared twice")));
                }
                out.push(Component { key, label });
            }
            Ok(out)
        };
        let branches = comp(self.branches, "branches", MAX_BRANCHES)?;
        let corps = comp(self.corps, "corps", MAX_CORPS)?;
        if let Some(b) = branches.iter().find(|b| corps.iter().any(|c| c.key == b.key)) {
            return Err(("corps", format!("`{}` is both a branch and a corps", b.key)));
        }
        for (k, d) in &self.corps_defaults {
            if !corps.iter().any(|c| &c.key == k) {
                return Err(("corps_defaults", format!("`{k}` is not a declared corps")));
            }
            for v in [d.decision_continuation, d.careerist_continuation].into_iter().flatten() {
                if !(0.0..=1.0).contains(&v) {
                    return Err(("corps_defaults", format!("`{k}`: a continuation must lie in [0, 1], got {v}")));
                }
            }
            for (m, w) in [d.decision_prior, d.careerist_prior].into_iter().flatten() {
                if !((0.0..=1.0).contains(&m) && (0.0..=1.0).contains(&w)) {
                    return Err((
                        "corps_defaults",
                        format!("`{k}`: a prior is [value, width] in [0, 1], got [{m}, {w}]"),
                    ));
                }
            }
            if let Some(c) = d.capacity {
                if !(c.is_finite() && c > 0.0 && c <= 10.0) {
                    return Err(("corps_defaults", format!("`{k}`: capacity must lie in (0, 10], got {c}")));
                }
            }
        }
        let target = self.target.into_inner();
        if target.is_empty() || target.iter().any(|&(y, v)| !((1950..=2100).contains(&y) && v.is_finite() && v > 0.0)) {
            return Err(("target", "give [[year, persons], …] with years 1950-2100 and positive persons".into()));
        }
        if target.windows(2).any(|w| w[1].0 <= w[0].0) {
            return Err(("target", "years must increase".into()));
        }
        if let Some(k) = self.report.keys().find(|k| !REPORT_KEYS.contains(&k.as_str())) {
            return Err(("report", format!("unknown key `{k}`; known: {}", REPORT_KEYS.join(", "))));
        }
        if let Some(k) = self.show.keys().find(|k| !SHOW_KEYS.contains(&k.as_str())) {
            return Err(("show", format!("unknown key `{k}`; known: {}", SHOW_KEYS.join(", "))));
        }
        let first_liable_cohort = self.first_liable_cohort.map(toml::Spanned::into_inner);
        if let Some(y) = first_liable_cohort {
            let (lo, hi) = LIABLE_COHORTS;
            if !(lo..=hi).contains(&y) {
                return Err(("first_liable_cohort", format!("a birth year {lo}-{hi}, got {y}")));
            }
        }
        let first_liable_year = self.first_liable_year.map(toml::Spanned::into_inner);
        if let Some(y) = first_liable_year {
            let (lo, hi) = LIABLE_YEARS;
            if !(lo..=hi).contains(&y) {
                return Err((
                    "first_liable_year",
                    format!(
                        "the first year anyone is liable to the conscript term: a year {lo}-{hi} (the years of the data), got {y}"
                    ),
                ));
            }
        }
        let corps_defaults =
            corps.iter().map(|c| self.corps_defaults.get(&c.key).copied().unwrap_or_default()).collect();
        {
            let mut known = CORPS_KEYS.lock().unwrap_or_else(|e| e.into_inner());
            for c in &corps {
                let k = intern(&c.key);
                if !known.iter().any(|(x, _)| *x == k) {
                    known.push((k, intern(&c.label)));
                }
            }
        }
        Ok(ForceStructure {
            branches,
            corps,
            corps_defaults,
            first_liable_cohort,
            first_liable_year,
            target,
            target_source: self.target_source,
            strength_source: self.strength_source,
            examination_source: self.examination_source,
            authority: self.authority,
            report: self.report,
            show: self.show,
            baseline: self.baseline,
            fit_intakes: self.fit_intakes,
            sensitivity_ranges: self.sensitivity_ranges,
        })
    }
}

impl ForceStructure {
    /// The declared branches, in order.
    pub fn branch_slots(&self) -> impl Iterator<Item = Branch> + '_ {
        (0..self.branches.len()).map(Branch)
    }
    /// The declared corps, in order.
    pub fn corps_slots(&self) -> impl Iterator<Item = Corps> + '_ {
        (0..self.corps.len()).map(Corps)
    }
    /// The branch of a key.
    pub fn branch(&self, key: &str) -> Option<Branch> {
        self.branches.iter().position(|b| b.key == key).map(Branch)
    }
    /// The corps of a key.
    pub fn corps_of(&self, key: &str) -> Option<Corps> {
        self.corps.iter().position(|c| c.key == key).map(Corps)
    }
    /// Key of a branch.
    pub fn branch_key(&self, b: Branch) -> &str {
        &self.branches[b.0].key
    }
    /// Label of a branch.
    pub fn branch_label(&self, b: Branch) -> &str {
        &self.branches[b.0].label
    }
    /// Key of a corps.
    pub fn corps_key(&self, c: Corps) -> &str {
        &self.corps[c.0].key
    }
    /// Label of a corps.
    pub fn corps_label(&self, c: Corps) -> &str {
        &self.corps[c.0].label
    }
    /// The branches' keys.
    pub fn branch_keys(&self) -> Vec<&str> {
        self.branches.iter().map(|b| b.key.as_str()).collect()
    }
    /// The corps' keys.
    pub fn corps_keys(&self) -> Vec<&str> {
        self.corps.iter().map(|c| c.key.as_str()).collect()
    }
    /// "Army, Navy, Air Force and Marines": the branches' labels as prose.
    pub fn branch_list(&self) -> String {
        prose_list(self.branches.iter().map(|b| b.label.as_str()))
    }
    /// The report's sentence `key` ([`REPORT_KEYS`]), if the country gives it.
    pub fn report_text(&self, key: &str) -> Option<&str> {
        self.report.get(key).map(String::as_str)
    }

    /// What applies to the unset key `key` ([`SHOW_KEYS`]), if the country says it.
    pub fn show_text(&self, key: &str) -> Option<&str> {
        self.show.get(key).map(String::as_str)
    }

    /// "Officers and NCOs": the corps' labels as prose.
    pub fn corps_list(&self) -> String {
        prose_list(self.corps.iter().map(|c| c.label.as_str()))
    }
}

/// "a", "a and b", "a, b and c".
pub fn prose_list<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let v: Vec<&str> = items.collect();
    match v.len() {
        0 => String::new(),
        1 => v[0].to_string(),
        n => format!("{} and {}", v[..n - 1].join(", "), v[n - 1]),
    }
}

/// Corps keys declared by any country read in this process, with their labels (for the
/// data dictionary and the comparison tables, whose column tables are static).
static CORPS_KEYS: std::sync::Mutex<Vec<(&'static str, &'static str)>> = std::sync::Mutex::new(Vec::new());

/// Whether `key` is a corps some country read in this process declares.
pub fn is_declared_corps(key: &str) -> bool {
    corps_label(key).is_some()
}

/// The label of a corps some country read in this process declares.
pub fn corps_label(key: &str) -> Option<&'static str> {
    CORPS_KEYS.lock().unwrap_or_else(|e| e.into_inner()).iter().find(|(k, _)| *k == key).map(|(_, l)| *l)
}

/// Interns a component key as `&'static str` (the scenario reader's keys are static);
/// the set of keys is tiny and bounded by the country folders read.
pub fn intern(key: &str) -> &'static str {
    use std::collections::BTreeSet;
    use std::sync::Mutex;
    static KEYS: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());
    let mut set = KEYS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(k) = set.get(key) {
        return k;
    }
    let k: &'static str = Box::leak(key.to_string().into_boxed_str());
    set.insert(k);
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toml(s: &str) -> std::result::Result<ForceStructure, (&'static str, String)> {
        toml::from_str::<StructureToml>(s).expect("parses").build()
    }

    const OK: &str = r#"
        branches = [["army", "Army"]]
        corps = [["volunteers", "Volunteers"]]
        target = [[2014, 215000]]
        target_source = "t"
        strength_source = "s"
        examination_source = "e"
        authority = "a"
    "#;

    #[test]
    fn a_minimal_structure_builds() {
        let s = toml(OK).unwrap();
        assert_eq!(s.branch_keys(), ["army"]);
        assert_eq!(s.corps_of("volunteers"), Some(Corps(0)));
        assert_eq!(s.corps_defaults, vec![CorpsDefaults::default()]);
    }

    #[test]
    fn bad_declarations_name_their_key() {
        let five = OK.replace(r#"[["army", "Army"]]"#, r#"[["a","A"],["b","B"],["c","C"],["d","D"],["e","E"]]"#);
        assert_eq!(toml(&five).unwrap_err().0, "branches");
        let twice = OK.replace(r#"[["army", "Army"]]"#, r#"[["a","A"],["a","B"]]"#);
        assert!(toml(&twice).unwrap_err().1.contains("twice"));
        let reserved = OK.replace(r#"[["army", "Army"]]"#, r#"[["total","T"]]"#);
        assert_eq!(toml(&reserved).unwrap_err().0, "branches");
        let clash = OK.replace(r#"[["army", "Army"]]"#, r#"[["volunteers","V"]]"#);
        assert_eq!(toml(&clash).unwrap_err().0, "corps");
        let bad_default = format!("{OK}\n[corps_defaults.volunteers]\ncareerist_continuation = 1.5\n");
        assert_eq!(toml(&bad_default).unwrap_err().0, "corps_defaults");
        let stranger = format!("{OK}\n[corps_defaults.ncos]\ncapacity = 1.0\n");
        assert!(toml(&stranger).unwrap_err().1.contains("not a declared corps"));
    }

    #[test]
    fn liable_years_are_bounded_and_keep_their_place() {
        for (key, bad) in [("first_liable_year", "-5"), ("first_liable_year", "2200"), ("first_liable_cohort", "1899")]
        {
            let text = format!("{key} = {bad}\n{OK}");
            let parsed = toml::from_str::<StructureToml>(&text).expect("parses");
            assert_eq!(parsed.offset_of(key), Some(key.len() + 3));
            let (k, why) = parsed.build().unwrap_err();
            assert_eq!(k, key);
            assert!(why.ends_with(&format!("got {bad}")), "{why}");
        }
        for year in ["1950", "2024", "2100"] {
            let s = toml(&format!("first_liable_year = {year}\n{OK}")).unwrap();
            assert_eq!(s.first_liable_year.map(|y| y.to_string()).as_deref(), Some(year));
        }
    }

    #[test]
    fn prose_lists_read_as_english() {
        assert_eq!(prose_list(["a"].into_iter()), "a");
        assert_eq!(prose_list(["a", "b", "c"].into_iter()), "a, b and c");
    }
}
