//! Assembling the report document: findings, charts, key years, sensitivity, scenario
//! definitions, method, data sources and provenance, and how the report was made.

use std::collections::BTreeMap;

use super::document::{Block, Document, Figure, Section, Span, Table, text};
use super::findings::Findings;
use crate::analysis::compare::Comparison;
use crate::analysis::sensitivity::Sensitivity;
use crate::output::charts::overlay::scenario_colours;
use crate::output::compare::key_years_cells;
use crate::output::markdown::Align;
use crate::output::numbers::currency_word;
use crate::scenario::show::{self, Item};

/// What the report is built from.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    /// The scenarios side by side.
    pub comparison: &'a Comparison,
    /// The first scenario's sensitivity, if it was run.
    pub sensitivity: Option<&'a Sensitivity>,
    /// The first scenario's Monte Carlo outcome, if it was run.
    pub monte_carlo: Option<&'a crate::uncertainty::Outcome>,
    /// The findings (computed from the two above).
    pub findings: &'a Findings,
    /// The year the findings quote.
    pub year: i32,
    /// SVG of every chart, by file stem.
    pub svgs: &'a BTreeMap<String, String>,
    /// The Sources section of each country's PROVENANCE.md (empty if absent), as lines,
    /// by country folder, in the scenarios' order.
    pub provenance: &'a [(String, Vec<String>)],
    /// The files of the report folder.
    pub files: &'a [String],
    /// `--title`, `--author`, `--date`.
    pub meta: &'a Meta,
    /// `--plan DIR`: the plan folder, read.
    pub plan: Option<&'a super::plan::PlanFolder>,
}

/// What the user says about the report: a title replacing the generated one, an author
/// and a date (none by default, so the same inputs give the same bytes).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Meta {
    /// The title (default: the generated one).
    pub title: Option<String>,
    /// The author line.
    pub author: Option<String>,
    /// The date line, as given.
    pub date: Option<String>,
}

/// The chart shown with the bottom line, first in the report and nowhere else in it.
pub const HEADLINE_CHART: &str = "force_vs_target";

/// The caption of the headline chart: what the force is made of in the reported
/// countries' structures.
fn headline_caption(c: &crate::analysis::Comparison) -> String {
    if c.countries().len() > 1 {
        return format!(
            "Force available ({}) as a share of each scenario's own troop target; the distance to 100% is the gap.",
            makeup(c)
        );
    }
    format!("Force available ({}) against the troop target; the distance between them is the gap.", makeup(c))
}

/// The force's components in words: "conscripts of the four branches, officers and NCOs"
/// for one country; generic when the report holds several countries.
pub fn makeup(c: &crate::analysis::Comparison) -> String {
    let structures = structures(c);
    match structures.as_slice() {
        [(_, st)] => {
            let corps = st.corps_list();
            let corps = super::findings::lower_first_pub(&corps);
            let conscripts = match st.branches.len() {
                1 => super::findings::lower_first_pub(&st.branches[0].label),
                n => format!("conscripts of the {} branches", number_word(n)),
            };
            format!("{conscripts}, {corps}").replacen(", ", if st.corps.len() == 1 { " and " } else { ", " }, 1)
        }
        _ => "conscripts and each country's career or volunteer corps".to_string(),
    }
}

fn number_word(n: usize) -> String {
    ["zero", "one", "two", "three", "four"].get(n).map_or_else(|| n.to_string(), |w| w.to_string())
}

/// The distinct countries of a comparison with their force structures, in run order.
fn structures(c: &crate::analysis::Comparison) -> Vec<(String, &crate::force::ForceStructure)> {
    let mut out: Vec<(String, &crate::force::ForceStructure)> = Vec::new();
    for r in &c.runs {
        if let Some(st) = r.inputs.data.force.structure.as_ref() {
            if !out.iter().any(|(n, _)| *n == r.inputs.data.name) {
                out.push((r.inputs.data.name.clone(), st));
            }
        }
    }
    out
}

/// The overlay charts of the Charts section in report order, with their captions. The
/// headline chart is shown with the bottom line instead, and the force gap chart is left
/// out: the gap is the distance the headline chart already draws (the key-years table
/// gives its values, `charts/force_gap.svg` the chart).
const OVERLAYS: [(&str, &str); 3] = [
    ("men_age_20", "Men aged 20 at 1 July: the cohort that feeds conscription."),
    (
        "automation",
        "Unmanned systems that would cover the gap (dashed: needed; solid: fielded within the fielding limit) and their \
         yearly cost.",
    ),
    ("population_total", "Total population at 1 July."),
];

fn figure(inputs: &Inputs<'_>, stem: &str, alt: &str, caption: &str) -> Option<Block> {
    let svg = inputs.svgs.get(stem)?;
    Some(Block::Figure(Figure { stem: stem.into(), alt: alt.into(), caption: caption.into(), svg: svg.clone() }))
}

/// Builds the document.
pub fn document(inputs: &Inputs<'_>) -> Document {
    let c = inputs.comparison;
    let names = c.names();
    let first = &c.runs[0];
    let (b, e) = (first.scenario().base_year, first.scenario().end_year);
    let mut sections = vec![bottom_line(inputs), summary(inputs), charts(inputs), key_years(inputs)];
    if let Some(p) = inputs.plan {
        sections.push(super::plan::section(p, &c.key_years()));
    }
    if let Some(s) = inputs.sensitivity {
        sections.push(sensitivity(inputs, s));
    }
    if let Some(o) = inputs.monte_carlo {
        sections.push(uncertainty(inputs, o));
    }
    sections.push(definitions(c, inputs.monte_carlo.is_some()));
    sections.push(method(inputs.comparison));
    sections.push(sources(inputs));
    sections.push(about(inputs));
    let what = match names.as_slice() {
        [one] => format!("scenario {one}"),
        [a, b] => format!("{a} and {b} compared"),
        many => format!("{} scenarios compared", many.len()),
    };
    let countries = crate::force::branch::prose_list(c.countries().iter().map(String::as_str));
    let generated = format!("{countries}: conscripts, force gap and automation — {what}");
    let meta = inputs.meta;
    Document {
        title: meta.title.clone().unwrap_or(generated),
        subtitle: format!("Scenarios {}; projection {b}-{e}; forcecast {}", names.join(", "), crate::VERSION),
        author: meta.author.clone(),
        date: meta.date.clone(),
        sections,
    }
}

/// The bottom line: a paragraph of the numbers that matter, the headline chart, and
/// how to read the rest (what is random, what the ranges mean, the unit of money).
fn bottom_line(inputs: &Inputs<'_>) -> Section {
    let c = inputs.comparison;
    let names = c.names().join(", ");
    let mut blocks = vec![Block::Paragraph(text(super::findings::bottom_line(c, inputs.year).join(" ")))];
    let caption = headline_caption(c);
    blocks.extend(figure(inputs, HEADLINE_CHART, &format!("{caption} Scenarios: {names}."), &caption));
    let first = c.runs[0].scenario();
    let currency = c.currency();
    let word = currency_word(&currency);
    let mut caveats = format!(
        "How to read this report. Every figure is a deterministic projection of the scenarios as written: nothing in \
         the text, the charts or the tables is random, and the same inputs give the same numbers. Money is in \
         trillions of {word} at constant prices; present values discount each year's cost to {} at the scenario's \
         real rate ({} a year; each scenario's `automation.discount_rate`, README \"[automation]\" for its \
         source). The sensitivity bars move one assumption at a time to the ends of a documented range: they rank \
         what matters, they are not probabilities.",
        first.base_year,
        crate::output::numbers::percent(first.automation.discount_rate)
    );
    if let Some(o) = inputs.monte_carlo {
        caveats.push_str(&format!(
            " The Monte Carlo section is the only random part: {} of {} draw fertility, mortality, \
             migration and force parameters (seed {}); a band labelled 50%, 80% or 90% holds that share of the \
             trajectories in each year, around their median.",
            crate::output::numbers::trajectories(o.options.trajectories),
            super::findings::scenario_ref(c.runs[0].name()),
            o.options.seed
        ));
    }
    blocks.push(Block::Paragraph(text(caveats)));
    Section { id: "bottom-line".into(), heading: "Bottom line".into(), blocks }
}

fn summary(inputs: &Inputs<'_>) -> Section {
    let c = inputs.comparison;
    let f = inputs.findings;
    let first = &c.runs[0];
    let mut blocks = vec![Block::Paragraph(text(format!(
        "What the projections say, in {}: persons at 1 July of each year; costs in trillions of {} a year. Every \
         sentence is computed from the projections below.",
        inputs.year,
        currency_word(&c.currency())
    )))];
    blocks.push(Block::Bullets(f.scenarios.iter().map(|p| text(p.clone())).collect()));
    if !f.comparisons.is_empty() {
        blocks.push(Block::Heading(format!("Against {}", super::findings::scenario_ref(first.name()))));
        blocks.push(Block::Bullets(f.comparisons.iter().map(|p| text(p.clone())).collect()));
    }
    if !f.sensitivity.is_empty() {
        blocks.push(Block::Heading("What the answer depends on".into()));
        blocks.push(Block::Bullets(f.sensitivity.iter().map(|p| text(p.clone())).collect()));
    }
    if !f.uncertainty.is_empty() {
        blocks.push(Block::Heading("Range of outcomes".into()));
        blocks.push(Block::Bullets(f.uncertainty.iter().map(|p| text(p.clone())).collect()));
    }
    Section { id: "summary".into(), heading: "Summary of findings".into(), blocks }
}

fn charts(inputs: &Inputs<'_>) -> Section {
    let c = inputs.comparison;
    let names = c.names().join(", ");
    let intro = if c.runs.len() == 1 {
        format!("Scenario {names}.")
    } else {
        format!(
            "One line per scenario ({names}); each scenario keeps its colour in every chart and table. Where lines \
             coincide, the first scenario is drawn widest underneath."
        )
    };
    let mut blocks = vec![Block::Paragraph(text(intro))];
    let first = c.runs[0].name();
    let several = c.countries().len() > 1;
    for (stem, caption) in OVERLAYS {
        if several && stem == "automation" {
            continue; // not drawn across currencies
        }
        let caption = match (several, stem) {
            (true, "men_age_20") => {
                "Men aged 20 at 1 July as an index of each scenario's base year (= 100): the countries' \
                                     cohorts differ in size."
                    .to_string()
            }
            (true, "population_total") => {
                "Total population at 1 July as an index of each scenario's base year (= 100).".to_string()
            }
            _ => caption.to_string(),
        };
        let caption = caption.as_str();
        let alt = format!("{caption} Scenarios: {names}.");
        blocks.extend(figure(inputs, stem, &alt, caption));
        if stem == "men_age_20" {
            let st = c.runs[0].inputs.data.force.structure();
            let caption = match st.report_text("force_caption") {
                Some(t) => t.replace("{scenario}", &super::findings::scenario_ref(first)),
                None => format!(
                    "The force of {} stacked by component against the target, with the observed strength as {} \
                     measured it (authorised ceilings left out).",
                    super::findings::scenario_ref(first),
                    st.authority
                ),
            };
            blocks.extend(figure(inputs, &format!("{first}/force"), &caption, &caption));
        }
    }
    Section { id: "charts".into(), heading: "Charts".into(), blocks }
}

fn key_years(inputs: &Inputs<'_>) -> Section {
    let c = inputs.comparison;
    let (header, align, rows) = key_years_cells(c);
    let colours = scenario_colours(&c.names());
    let mut swatches = vec![None, None];
    swatches.extend(colours.iter().map(|col| Some((col.0, col.1, col.2))));
    let delta = if c.runs.len() > 1 {
        format!(" Δ = the scenario minus {}, in the row's unit.", super::findings::scenario_ref(c.runs[0].name()))
    } else {
        String::new()
    };
    let table = Table {
        header,
        align,
        rows,
        strong: Vec::new(),
        swatches,
        note: Some(format!(
            "Persons at 1 July; systems in service; costs in trillions of {} a year. Force gap = troop target − force \
             available; uncovered gap = what fielded automation leaves uncovered.{delta} Deterministic values, none \
             random. Every year and metric, with cumulative and discounted costs: comparison.csv.",
            currency_word(&c.currency())
        )),
    };
    Section { id: "key-years".into(), heading: "Key years".into(), blocks: vec![Block::Table(table)] }
}

fn sensitivity(inputs: &Inputs<'_>, s: &Sensitivity) -> Section {
    let mut blocks = vec![Block::Paragraph(text(format!(
        "Each uncertain parameter of scenario {} is moved to the low and then the high end of a documented range, \
         the others staying at the scenario's values, and the force gap and automation cost of {} are recorded. \
         Bars are sorted by effect; the value at the end of a bar is the parameter's setting.",
        s.scenario, s.year
    )))];
    blocks.extend(figure(
        inputs,
        "tornado_force_gap",
        &format!("Tornado chart of the force gap in {}", s.year),
        &format!("What moves the force gap in {}.", s.year),
    ));
    blocks.extend(figure(
        inputs,
        "tornado_automation_cost",
        &format!("Tornado chart of the automation cost in {}", s.year),
        &format!("What moves the yearly automation cost in {}.", s.year),
    ));
    // The ranking's table (values at each end, ranges and their sources) is in
    // sensitivity.md and sensitivity.csv; the tornado charts above carry the same values,
    // so the report does not print them twice.
    blocks.push(Block::Paragraph(vec![
        Span::Text(
            "These bars move one parameter at a time; they are not a probability range. Each range's source or \
             rationale, and the force gap, cost and uncovered gap at each end: "
                .into(),
        ),
        Span::Code("sensitivity.md".into()),
        Span::Text(" and ".into()),
        Span::Code("sensitivity.csv".into()),
        Span::Text(".".into()),
    ]));
    Section { id: "sensitivity".into(), heading: "What the answer is most sensitive to".into(), blocks }
}

fn capitalise_first(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

fn uncertainty(inputs: &Inputs<'_>, o: &crate::uncertainty::Outcome) -> Section {
    let first = inputs.comparison.runs[0].name();
    let caveats = crate::uncertainty::caveats::of(&o.components);
    let mut blocks = vec![Block::Paragraph(text(format!(
        "{} of {} (seed {}; the same seed gives the same numbers on any number of \
         threads). Quantiles and threshold probabilities of every metric and year: monte_carlo/quantiles.csv and \
         probabilities.csv.",
        crate::output::numbers::trajectories(o.options.trajectories).replacen(' ', " Monte Carlo ", 1),
        super::findings::scenario_ref(first),
        o.options.seed
    )))];
    blocks.extend(caveats.long.into_iter().map(|s| Block::Paragraph(text(s))));
    for (stem, caption) in [
        ("fan_force", "Force available against the target: median, 50%, 80% and 90% ranges of the trajectories."),
        (
            "fan_automation",
            "The gap automation must cover and the unmanned systems needed to cover it: range of outcomes.",
        ),
    ] {
        blocks.extend(figure(inputs, &format!("{first}/{stem}"), caption, caption));
    }
    Section { id: "uncertainty".into(), heading: "Range of outcomes (Monte Carlo)".into(), blocks }
}

/// A number as the table shows it: whole numbers of four or more digits with
/// separators, others in their shortest form.
fn number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() >= 1000.0 && x.abs() < 1e15 {
        crate::output::numbers::count(x)
    } else {
        format!("{x}")
    }
}

fn item_text(v: &Item) -> String {
    match v {
        Item::Str(s) => s.clone(),
        Item::Int(i) => i.to_string(),
        Item::Float(x) => number(*x),
        Item::Pairs(p) => p.iter().map(|(k, x)| format!("{k}: {}", number(*x))).collect::<Vec<_>>().join("; "),
        Item::Numbers(v) => v.iter().map(|x| number(*x)).collect::<Vec<_>>().join(", "),
        Item::Inline(kv) => kv.iter().map(|(k, x)| format!("{k} {}", item_text(x))).collect::<Vec<_>>().join(", "),
    }
}

/// The keys of a scenario as a scenario file writes them (`force.target_anchors`,
/// `migration.net_anchors`; the same entries as `forcecast show`) with their values as
/// text, sections in file order; a key left to its built-in series reads "default".
pub fn parameters(s: &crate::scenario::Scenario) -> Vec<(String, String)> {
    show::entries(s)
        .iter()
        .map(|e| (e.path(), e.value.as_ref().map_or_else(|| "default".to_string(), item_text)))
        .collect()
}

/// The keys of the table: those some scenario sets away from the built-in defaults
/// (not the description, shown above it), and `uncertainty.*` only when Monte Carlo ran.
pub fn differing_keys(scenarios: &[&crate::scenario::Scenario], monte_carlo: bool) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    // Sections in file order across the scenarios (the countries' component tables in
    // their structures' order).
    let mut sections: Vec<&str> = Vec::new();
    for s in scenarios {
        for e in show::entries(s) {
            if !sections.contains(&e.section) {
                sections.push(e.section);
            }
        }
    }
    for section in sections {
        if section.starts_with("uncertainty") && !monte_carlo {
            continue;
        }
        for s in scenarios {
            let defaults = show::entries(&show::defaults_like(s));
            for e in show::entries(s).iter().filter(|e| e.section == section && e.key != "description") {
                if !defaults.contains(e) && !keys.contains(&e.path()) {
                    keys.push(e.path());
                }
            }
        }
    }
    keys
}

/// Keys of a section that exclude each other (a file sets one or the other).
const ALTERNATIVES: [(&str, &str); 3] =
    [("tfr_anchors", "tfr_series"), ("srb_anchors", "srb_series"), ("net_anchors", "series")];

/// A scenario file's text (a description, a path) as one line of a list item: runs of
/// whitespace, newlines included, become one space (a TOML multi-line description would
/// otherwise break the Markdown list, and a line of it could start a heading), and the
/// invisible direction controls (U+202A-U+202E, U+2066-U+2069), which would reorder the
/// text after them, are dropped, and any other control character (a terminal escape, a
/// bell) is written as its escape (`\u{1b}`), as in the terminal's messages.
fn one_line(text: &str) -> String {
    let kept: String =
        text.chars().filter(|c| !matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')).collect();
    let line = kept.split_whitespace().collect::<Vec<_>>().join(" ");
    crate::error::escape_controls(&line).into_owned()
}

fn definitions(c: &Comparison, monte_carlo: bool) -> Section {
    let mut blocks = vec![Block::Bullets(
        c.runs
            .iter()
            .map(|r| {
                let s = r.scenario();
                let chain: Vec<String> = s.files.iter().map(|f| one_line(&f.display().to_string())).collect();
                vec![
                    Span::Strong(s.name.clone()),
                    Span::Text(format!(": {} — read from ", one_line(&s.description))),
                    Span::Code(chain.join(" ← ")),
                ]
            })
            .collect(),
    )];
    let scenarios: Vec<&crate::scenario::Scenario> = c.runs.iter().map(|r| r.scenario()).collect();
    let params: Vec<Vec<(String, String)>> = scenarios.iter().map(|s| parameters(s)).collect();
    let keys = differing_keys(&scenarios, monte_carlo);
    let mut rows = Vec::new();
    let mut strong = Vec::new();
    for (i, k) in keys.iter().enumerate() {
        // A scenario without the key sets its alternative (tfr_series for tfr_anchors).
        let alternative = ALTERNATIVES.iter().find_map(|(a, b)| {
            let (section, key) = k.rsplit_once('.')?;
            (key == *a).then(|| format!("{section}.{b}")).or_else(|| (key == *b).then(|| format!("{section}.{a}")))
        });
        let vals: Vec<String> = params
            .iter()
            .map(|p| match p.iter().find(|(pk, _)| pk == k) {
                Some((_, v)) => v.clone(),
                None => alternative
                    .as_ref()
                    .and_then(|alt| p.iter().find(|(pk, _)| pk == alt))
                    .map_or("–".to_string(), |(pk, v)| format!("{} = {v}", pk.rsplit('.').next().unwrap_or(pk))),
            })
            .collect();
        for (j, v) in vals.iter().enumerate().skip(1) {
            if *v != vals[0] {
                strong.push((i, j + 1));
            }
        }
        let mut row = vec![k.clone()];
        row.extend(vals);
        rows.push(row);
    }
    if rows.is_empty() {
        blocks.push(Block::Paragraph(vec![Span::Text(
            "Every scenario keeps every built-in default (README, Scenario reference).".into(),
        )]));
        return Section { id: "scenarios".into(), heading: "Scenario definitions".into(), blocks };
    }
    let mut header = vec!["Key".to_string()];
    header.extend(c.names().iter().map(|n| n.to_string()));
    let mut swatches = vec![None];
    swatches.extend(scenario_colours(&c.names()).iter().map(|col| Some((col.0, col.1, col.2))));
    let mc = if monte_carlo { "" } else { " The Monte Carlo settings (uncertainty.*) are left out: none ran." };
    blocks.push(Block::Table(Table {
        align: vec![Align::Left; header.len()],
        header,
        rows,
        strong,
        swatches,
        note: Some(format!(
            "The keys, as a scenario file writes them, that some scenario (after extends) sets to other than \
             the built-in default, or writes out where the default is a built-in series; every other key keeps \
             its default, and forcecast show <scenario> prints them all. Values that differ from the first \
             scenario are in bold; \"default\": the key is left to its built-in series; \"tfr_series = …\": the \
             scenario sets the alternative key instead. Anchor paths are year: value pairs, interpolated linearly \
             and held flat outside. Keys and sources: README, Scenario reference.{mc}"
        )),
    }));
    Section { id: "scenarios".into(), heading: "Scenario definitions".into(), blocks }
}

fn method(c: &crate::analysis::Comparison) -> Section {
    let countries = structures(c);
    let several = countries.len() > 1;
    // A country's own sentence, or one written from its structure.
    let per_country = |key: &str, fallback: &dyn Fn(&crate::force::ForceStructure) -> String| -> Vec<String> {
        countries
            .iter()
            .map(|(name, st)| {
                let t = st.report_text(key).map_or_else(|| fallback(st), str::to_string);
                if several { format!("{name}. {t}") } else { t }
            })
            .collect()
    };
    let conscripts = per_country("method_conscripts", &|st| {
        format!(
            "Conscripts: the men of each age liable that year times the active-duty (fitness) rate of {}, less \
             the men entering the corps, times a calibrated take-up. Each enlistee serves the term in force on \
             their enlistment date, so those serving keep the terms they enlisted under.",
            st.examination_source
        )
    });
    let cadre = per_country("method_cadre", &|st| {
        format!(
            "{}: each a stock by completed years of service with a continuation profile (obligated term, the \
             decision at its end, careerists); recruits fill the requirement up to a recruiting capacity that \
             follows the men aged 20-29.",
            st.corps_list()
        )
    });
    let history = per_country("method_history", &|_| {
        "History and policies: the force is rebuilt from the first observed corps stocks on populations carried \
         back from the base year, so the base year's force does not depend on the scenario; every policy is a \
         number from the base year or a path in time that acts from its first year."
            .to_string()
    });
    let available = format!(
        "Force available = {}; force gap = max(0, target − available). Alternative and supplementary service is \
         reported but not counted in the force.",
        makeup(c)
    );
    let mut items: Vec<String> = vec![
        "Population: a cohort-component projection by single year of age (0-100+) and sex from 1 July of the base \
         year (Preston, Heuveline & Guillot, Demography, 2001, ch. 6; UN WPP 2024 methodology). Life tables from \
         single-age death rates give survival; births are the age-specific fertility rates times the mean number \
         of women over the year, split by the sex ratio at birth; net migrants join half at the start of the year \
         and half at the end. Population(t+1) = population(t) + births − deaths + net migrants is checked every \
         year."
            .to_string(),
        "Rates: UN WPP 2024 fertility (the TFR path of the scenario times WPP's age pattern) and mortality (5-year \
         groups and periods graduated to single ages, mass-preserving, interpolated log-linearly in time)."
            .to_string(),
    ];
    items.extend(conscripts);
    items.extend(cadre);
    items.extend(history);
    items.push(available);
    let rest = [
        "Automation: systems needed = gap ÷ soldiers replaced per system; systems are fielded up to a yearly \
         capacity and retire after their service life; cost = purchases + yearly operating cost; what the fielded \
         systems do not cover is the uncovered gap.",
        "Sensitivity: one parameter at a time over a documented range (UN WPP 2024's 80% prediction intervals for \
         fertility and life expectancy, observed figures, or stated assumptions), the others at the scenario's \
         values. It shows which assumptions matter, not the joint uncertainty.",
    ];
    items.extend(rest.iter().map(|s| s.to_string()));
    // What each country's data leave open is its own (Korea's citizens' migration,
    // Taiwan's one-year residual); a country that says nothing gets what holds for all.
    items.extend(per_country("method_limits", &|_| {
        "Limits: the corps' continuation profiles are derived from counts and calibrated, not observed by years \
         of service; automation is a manpower-equivalent substitution, not a model of capability."
            .to_string()
    }));
    Section {
        id: "method".into(),
        heading: "Method in brief".into(),
        blocks: vec![Block::Bullets(items.iter().map(text).collect())],
    }
}

fn sources(inputs: &Inputs<'_>) -> Section {
    let run = &inputs.comparison.runs[0];
    let data = &run.inputs.data;
    let bases: Vec<String> = crate::output::compare::bases(inputs.comparison).into_iter().map(|b| b.source).collect();
    // Each country once, in the scenarios' order: (folder, its first scenario's data).
    let mut countries: Vec<(&String, &crate::data::country::CountryData)> = Vec::new();
    for r in &inputs.comparison.runs {
        let key = &r.scenario().country;
        if !countries.iter().any(|c| c.0 == key) {
            countries.push((key, &r.inputs.data));
        }
    }
    let several = countries.len() > 1;
    let provenance = |key: &str| Span::Code(format!("scenarios/data/{key}/PROVENANCE.md"));
    let closing = Span::Text(". Source addresses are given as text; the report loads nothing from the network.".into());
    let paragraph = if !several {
        vec![
            Span::Text(format!(
                "Country: {}. {} (registration table dated {}). Rates: UN World Population Prospects 2024. \
                 Published force and automation figures: ",
                data.name,
                capitalise_first(&bases.join("; ")),
                data.base.date
            )),
            Span::Code(crate::data::country::files::FACTS.into()),
            Span::Text(
                ", listed below. Every input table, with its origin and the transformations applied, is described in "
                    .into(),
            ),
            provenance(&run.scenario().country),
            closing,
        ]
    } else {
        // Several countries: each named with its registration date and its provenance;
        // each one's notes and figures are listed below under its name.
        let named: Vec<String> =
            countries.iter().map(|(_, d)| format!("{} (registration table dated {})", d.name, d.base.date)).collect();
        let mut spans = vec![
            Span::Text(format!(
                "Countries: {}. {}. Rates: UN World Population Prospects 2024. Published force and automation \
                 figures: each country's ",
                named.join(", "),
                capitalise_first(&bases.join("; ")),
            )),
            Span::Code(crate::data::country::files::FACTS.into()),
            Span::Text(
                ", listed below country by country. Every input table, with its origin and the transformations \
                 applied, is described in "
                    .into(),
            ),
        ];
        for (i, (key, _)) in countries.iter().enumerate() {
            if i > 0 {
                spans.push(Span::Text(if i + 1 == countries.len() { " and " } else { ", " }.into()));
            }
            spans.push(provenance(key));
        }
        spans.push(closing);
        spans
    };
    let mut blocks = vec![Block::Paragraph(paragraph)];
    for (key, d) in &countries {
        let of = if several { format!(": {}", d.name) } else { String::new() };
        let notes = inputs.provenance.iter().find(|(k, _)| k == *key).map(|(_, l)| l.as_slice()).unwrap_or_default();
        if !notes.is_empty() {
            blocks.push(Block::Heading(format!("Provenance of the data{of}")));
            blocks.push(Block::Bullets(notes.iter().map(|l| text(l.clone())).collect()));
        }
        blocks.push(Block::Heading(format!("Published figures used as defaults and calibration anchors{of}")));
        blocks.push(Block::Table(facts_table(d)));
    }
    // The SHA-256 of every input table is in manifest.json, with each scenario fully
    // resolved; 64 hex digits a file are of no use on paper.
    blocks.push(Block::Paragraph(vec![
        Span::Text(format!(
            "The {} input tables read, with their SHA-256 checksums: ",
            countries.iter().map(|(_, d)| d.checksums.len()).sum::<usize>()
        )),
        Span::Code("manifest.json".into()),
        Span::Text(".".into()),
    ]));
    Section { id: "sources".into(), heading: "Data sources and provenance".into(), blocks }
}

/// The published figures of a country's facts table, one row each.
fn facts_table(data: &crate::data::country::CountryData) -> Table {
    Table {
        header: ["Figure", "Value", "Unit", "Year", "Source", "Address"].map(String::from).to_vec(),
        align: vec![Align::Left, Align::Right, Align::Left, Align::Right, Align::Left, Align::Left],
        rows: data
            .facts
            .iter()
            .map(|f| {
                vec![
                    f.figure.clone(),
                    f.value.clone(),
                    f.unit.clone(),
                    f.year.map(|y| y.to_string()).unwrap_or_default(),
                    f.source.clone(),
                    f.url.clone(),
                ]
            })
            .collect(),
        strong: Vec::new(),
        swatches: Vec::new(),
        note: None,
    }
}

fn about(inputs: &Inputs<'_>) -> Section {
    let c = inputs.comparison;
    let args: Vec<String> = c.runs.iter().map(|r| r.path.display().to_string()).collect();
    let mut command = format!("forcecast report {} --year {}", args.join(" "), inputs.year);
    if inputs.sensitivity.is_none() {
        command.push_str(" --no-sensitivity");
    }
    if let Some(o) = inputs.monte_carlo {
        command.push_str(&format!(" --trajectories {} --seed {}", o.options.trajectories, o.options.seed));
    }
    let blocks = vec![
        Block::Paragraph(vec![
            Span::Text(format!("Made by forcecast {} with ", crate::VERSION)),
            Span::Code(command),
            Span::Text(
                ". The projections are deterministic: the same scenarios and data give the same numbers.".into(),
            ),
        ]),
        Block::Paragraph({
            let (charts, other): (Vec<&String>, Vec<&String>) =
                inputs.files.iter().partition(|f| f.starts_with("charts/"));
            let other: Vec<&str> = other.iter().map(|f| f.as_str()).collect();
            let pngs = charts.iter().filter(|f| f.ends_with(".png")).count();
            vec![
                Span::Text("Files beside this report: ".into()),
                Span::Code(other.join(", ")),
                Span::Text(format!(", and {pngs} charts in ")),
                Span::Code("charts/".into()),
                Span::Text(" as PNG (for slides) and SVG (for print).".into()),
            ]
        }),
    ];
    Section { id: "about".into(), heading: "About this report".into(), blocks }
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn file_text_becomes_one_line_without_direction_controls() {
        assert_eq!(one_line("Fewer men,\n# not a heading\r\n\tat all  "), "Fewer men, # not a heading at all");
        assert_eq!(one_line("Gap \u{202E}0002\u{2066} ok"), "Gap 0002 ok");
        // Right-to-left text and its marks stay.
        assert_eq!(one_line("تقرير \u{200F}القوة"), "تقرير \u{200F}القوة");
        assert_eq!(one_line("plain"), "plain");
        assert_eq!(one_line("\u{1b}[31mRED\u{7}bell"), "\\u{1b}[31mRED\\u{7}bell");
    }
}
