//! Comparing projections year by year: every summary metric of every scenario on one
//! grid of years, and the headline metrics in the key years a briefing quotes.

use super::batch::ScenarioRun;
use crate::error::{Error, Result};

/// The years a briefing quotes (those inside the projection are used).
pub const KEY_YEARS: [i32; 4] = [2030, 2040, 2050, 2070];

/// The headline metrics of the key-years table, as `summary.csv` columns.
pub const HEADLINE: [&str; 11] = [
    "men_age_20",
    "force_available",
    "conscripts",
    "officers",
    "ncos",
    "force_target",
    "force_gap",
    "automation_systems_needed",
    "automation_systems_fielded",
    "automation_cost",
    "uncovered_gap",
];

/// What a metric counts, for labels and number formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Persons (or troops, or manpower-equivalents).
    Persons,
    /// Unmanned systems.
    Systems,
    /// Money in the scenario's currency.
    Money,
    /// Anything else (rates, years, densities): written with two decimals.
    Other,
}

impl Unit {
    /// The unit as written in CSV files.
    pub fn as_str(self, currency: &str) -> String {
        match self {
            Unit::Persons => "persons".into(),
            Unit::Systems => "systems".into(),
            Unit::Money => format!("{currency} per year"),
            Unit::Other => String::new(),
        }
    }
}

/// A readable label and the unit of a `summary.csv` column.
pub fn metric_info(column: &str) -> (&'static str, Unit) {
    match column {
        "population_total" => ("Total population", Unit::Persons),
        "population_15_64" => ("Population aged 15-64", Unit::Persons),
        "population_65_plus" => ("Population aged 65+", Unit::Persons),
        "men_age_20" => ("Men aged 20", Unit::Persons),
        "men_turning_20" => ("Men turning 20", Unit::Persons),
        "officers" => ("Officers", Unit::Persons),
        "ncos" => ("NCOs", Unit::Persons),
        "conscripts_army" => ("Army conscripts", Unit::Persons),
        "conscripts_navy" => ("Navy conscripts", Unit::Persons),
        "conscripts_air_force" => ("Air Force conscripts", Unit::Persons),
        "conscripts_marines" => ("Marine conscripts", Unit::Persons),
        "alternative_service_intake" => ("Alternative service intake", Unit::Persons),
        "cadre_accessions" => ("Cadre accessions", Unit::Persons),
        "cadre_separations" => ("Cadre separations", Unit::Persons),
        "eligible_men" => ("Eligible men", Unit::Persons),
        "conscript_intake" => ("Conscript intake", Unit::Persons),
        "conscripts" => ("Conscripts serving", Unit::Persons),
        "cadre" => ("Career cadre", Unit::Persons),
        "force_available" => ("Force available", Unit::Persons),
        "force_target" => ("Troop target", Unit::Persons),
        "force_gap" => ("Force gap", Unit::Persons),
        "automation_systems_needed" => ("Systems needed", Unit::Systems),
        "automation_systems_fielded" => ("Systems fielded", Unit::Systems),
        "automation_cost" => ("Automation cost", Unit::Money),
        "uncovered_gap" => ("Uncovered gap", Unit::Persons),
        "births"
        | "deaths"
        | "net_migration"
        | "female_volunteers"
        | "cadre_recruits"
        | "cadre_shortfall"
        | "automation_manpower_equivalent" => ("", Unit::Persons),
        "automation_systems_bought" => ("", Unit::Systems),
        // A country's own components (country.toml [force]).
        c if c.starts_with("conscripts_") => ("", Unit::Persons),
        c => match crate::force::branch::corps_label(c) {
            Some(label) => (label, Unit::Persons),
            None => ("", Unit::Other),
        },
    }
}

/// Several projections side by side.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// The projections, in the order given.
    pub runs: Vec<ScenarioRun>,
    /// Every year any projection covers, ascending.
    pub years: Vec<i32>,
    /// The key years (`--years`) and pyramid years (`--pyramid-years`) asked for.
    pub chart_years: crate::output::years::ChartYears,
}

impl Comparison {
    /// Puts projections side by side (at least one).
    pub fn new(runs: Vec<ScenarioRun>) -> Result<Comparison> {
        if runs.is_empty() {
            return Err(Error::Usage("nothing to compare: no scenario given".into()));
        }
        let mut years: Vec<i32> = runs.iter().flat_map(|r| r.rows.iter().map(|row| row.year)).collect();
        years.sort_unstable();
        years.dedup();
        Ok(Comparison { runs, years, chart_years: Default::default() })
    }

    /// The scenario names, in order.
    pub fn names(&self) -> Vec<&str> {
        self.runs.iter().map(ScenarioRun::name).collect()
    }

    /// The value of a `summary.csv` column for one projection and year; `None` when
    /// the projection does not cover the year or the column does not exist.
    pub fn value(&self, run: usize, year: i32, column: &str) -> Option<f64> {
        self.runs.get(run)?.value(year, column)
    }

    /// The key years inside at least one projection: those asked for (`--years`, see
    /// [`Comparison::with_chart_years`]), else [`KEY_YEARS`].
    pub fn key_years(&self) -> Vec<i32> {
        let asked = self.chart_years.key.as_deref().unwrap_or(&KEY_YEARS);
        asked.iter().copied().filter(|y| self.years.contains(y)).collect()
    }

    /// The comparison with the key and pyramid years asked for, checked against every
    /// projection (a usage error names the first year outside one).
    pub fn with_chart_years(mut self, chart_years: crate::output::years::ChartYears) -> Result<Comparison> {
        for r in &self.runs {
            let (first, last) = (r.rows.first().map(|x| x.year), r.rows.last().map(|x| x.year));
            if let (Some(first), Some(last)) = (first, last) {
                chart_years.check(r.name(), first, last)?;
            }
        }
        self.chart_years = chart_years;
        Ok(self)
    }

    /// The `summary.csv` metrics of the scenarios (after `year`), in column order, with
    /// each country's own components: Korea's alone are `SUMMARY_COLUMNS[1..]`.
    pub fn metrics(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let all = crate::output::tables::SUMMARY_COLUMNS.len();
        for i in 1..all {
            for r in &self.runs {
                let st = r.inputs.data.force.structure.as_ref();
                if let Some(name) = crate::output::tables::column_name(i, st) {
                    if !out.contains(&name) {
                        out.push(name);
                    }
                }
            }
        }
        out
    }

    /// The headline metrics of the key-years table ([`HEADLINE`], with each country's
    /// corps in place of `officers` and `ncos`).
    pub fn headline(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for m in HEADLINE {
            if m == "officers" || m == "ncos" {
                let slot = if m == "officers" { 0 } else { 1 };
                for r in &self.runs {
                    if let Some(c) = r.inputs.data.force.structure.as_ref().and_then(|s| s.corps.get(slot)) {
                        if !out.contains(&c.key) {
                            out.push(c.key.clone());
                        }
                    }
                }
            } else {
                out.push(m.to_string());
            }
        }
        out
    }

    /// The countries of the scenarios (their data folders' names), in run order.
    pub fn countries(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for r in &self.runs {
            if !out.contains(&r.inputs.data.name) {
                out.push(r.inputs.data.name.clone());
            }
        }
        out
    }

    /// The currency of the costs: the first scenario's (all should agree; a mixed set is
    /// labelled as such).
    pub fn currency(&self) -> String {
        let first = &self.runs[0].scenario().automation.currency;
        if self.runs.iter().all(|r| &r.scenario().automation.currency == first) {
            first.clone()
        } else {
            "each scenario's currency".into()
        }
    }
}
