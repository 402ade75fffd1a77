//! One-at-a-time sensitivity: each parameter of [`super::ranges::RANGES`] is moved to
//! its low and then its high setting with every other parameter at the scenario's value,
//! and the outputs of one year are recorded. Parameters are ranked by the spread of an
//! output over {low, base, high} (the width of a tornado bar).

use rayon::prelude::*;

use super::batch::ScenarioRun;
use super::ranges::{Context, Described, RANGES, Range};
use crate::error::{Error, Result};
use crate::output::tables::{SUMMARY_COLUMNS, row_values, summary_rows};
use crate::run;

/// The default analysis year: 15 years out, when the cohorts born after the 2017-2020
/// fall in births reach 20.
pub const DEFAULT_YEAR: i32 = 2040;

/// The outputs recorded, as `summary.csv` columns: the gap (what automation must cover),
/// the automation cost, and the gap left after automation (readiness risk).
pub const OUTPUTS: [&str; 3] = ["force_gap", "automation_cost", "uncovered_gap"];

/// The effect of one parameter's range.
#[derive(Debug, Clone)]
pub struct Effect {
    /// The parameter and its range.
    pub range: Range,
    /// The scenario's value, described.
    pub base_value: Described,
    /// The low setting, described.
    pub low_value: Described,
    /// The high setting, described.
    pub high_value: Described,
    /// The outputs ([`OUTPUTS`] order) with the parameter at its low setting.
    pub at_low: [f64; OUTPUTS.len()],
    /// The outputs with the parameter at its high setting.
    pub at_high: [f64; OUTPUTS.len()],
}

impl Effect {
    /// Spread of output `k` over the low, base and high runs.
    pub fn swing(&self, k: usize, base: f64) -> f64 {
        let v = [self.at_low[k], base, self.at_high[k]];
        v.iter().copied().fold(f64::MIN, f64::max) - v.iter().copied().fold(f64::MAX, f64::min)
    }
}

/// A scenario's sensitivity in one year.
#[derive(Debug, Clone)]
pub struct Sensitivity {
    /// The scenario's name.
    pub scenario: String,
    /// The analysis year.
    pub year: i32,
    /// Currency of the costs.
    pub currency: String,
    /// The outputs of the scenario itself ([`OUTPUTS`] order).
    pub base: [f64; OUTPUTS.len()],
    /// One effect per range, in [`RANGES`] order.
    pub effects: Vec<Effect>,
}

impl Sensitivity {
    /// The effects sorted by their swing on output `k`, largest first (ties keep the
    /// table's order, so the ranking is deterministic).
    pub fn ranked(&self, k: usize) -> Vec<&Effect> {
        let mut v: Vec<&Effect> = self.effects.iter().collect();
        v.sort_by(|a, b| b.swing(k, self.base[k]).total_cmp(&a.swing(k, self.base[k])));
        v
    }

    /// The index of an output column in [`OUTPUTS`].
    pub fn output_index(column: &str) -> Option<usize> {
        OUTPUTS.iter().position(|c| *c == column)
    }
}

/// Reads the outputs of `year` from summary rows.
fn outputs_of(rows: &[crate::output::tables::SummaryRow], year: i32) -> Option<[f64; OUTPUTS.len()]> {
    let row = rows.iter().find(|r| r.year == year)?;
    let values = row_values(row);
    let mut out = [0.0; OUTPUTS.len()];
    for (k, name) in OUTPUTS.iter().enumerate() {
        out[k] = values[SUMMARY_COLUMNS.iter().position(|c| c == name)?];
    }
    Some(out)
}

/// Whether the ranges apply to the scenario's country (`[force] sensitivity_ranges`).
pub fn applies(base: &ScenarioRun) -> bool {
    base.inputs.data.force.structure.as_ref().is_some_and(|s| s.sensitivity_ranges)
}

/// Runs the analysis for `base` in `year` (2 × 16 projections, in parallel).
pub fn run(base: &ScenarioRun, year: i32) -> Result<Sensitivity> {
    let s = base.scenario();
    check(base, year)?;
    let base_out = outputs_of(&base.rows, year)
        .ok_or_else(|| Error::Usage(year_outside(year, &s.name, s.base_year, s.end_year)))?;
    let ctx = Context { inputs: &base.inputs, year };
    let mut variants = Vec::with_capacity(2 * RANGES.len());
    let mut texts = Vec::with_capacity(RANGES.len());
    for r in &RANGES {
        let (low, low_text) = r.knob.apply(s, r.low, &ctx)?;
        let (high, high_text) = r.knob.apply(s, r.high, &ctx)?;
        for d in [&low_text, &high_text] {
            if !d.value.is_finite() {
                return Err(Error::Consistency(format!(
                    "sensitivity: {} has no finite value ({})",
                    r.knob.key(),
                    d.text
                )));
            }
        }
        texts.push((r.knob.describe_base(s, &ctx)?, low_text, high_text));
        variants.push(low);
        variants.push(high);
    }
    let results: Vec<Result<[f64; OUTPUTS.len()]>> = variants
        .par_iter()
        .enumerate()
        .map(|(i, v)| {
            let p = run::project(v, &base.inputs).map_err(|e| {
                // Say which setting of the analysis produced the failure.
                let end = if i % 2 == 0 { "low" } else { "high" };
                let key = RANGES[i / 2].knob.key();
                match e {
                    Error::Guard { what, value, rule } => Error::Guard {
                        what: format!("{what} (sensitivity run with {key} at its {end} end)"),
                        value,
                        rule,
                    },
                    // The scenario itself is valid (it ran): only the varied setting made
                    // this run impossible, so it is a failed analysis, not invalid input.
                    other => Error::Analysis(format!(
                        "the sensitivity run with {key} at the {end} end of its range failed: {other}"
                    )),
                }
            })?;
            outputs_of(&summary_rows(&p), year)
                .ok_or_else(|| Error::Consistency(format!("sensitivity run {} lacks year {year}", v.name)))
        })
        .collect();
    let results: Vec<[f64; OUTPUTS.len()]> = results.into_iter().collect::<Result<_>>()?;
    let effects = RANGES
        .iter()
        .zip(texts)
        .enumerate()
        .map(|(i, (r, (base_value, low_value, high_value)))| Effect {
            range: *r,
            base_value,
            low_value,
            high_value,
            at_low: results[2 * i],
            at_high: results[2 * i + 1],
        })
        .collect();
    Ok(Sensitivity { scenario: s.name.clone(), year, currency: s.automation.currency.clone(), base: base_out, effects })
}

/// Whether the analysis applies to `base` at `year`: its country has sourced ranges and
/// the year is within its projection (checked before the output folder, so that a
/// wrong `--year` is reported as such whatever `--out` says).
pub fn check(base: &ScenarioRun, year: i32) -> Result<()> {
    let s = base.scenario();
    if !applies(base) {
        return Err(Error::Usage(format!(
            "no sourced sensitivity ranges for `{}` (scenario {}): the ranges are written from Korea's data \
             (README \"Sensitivity\"); its country.toml does not set [force] sensitivity_ranges = true",
            s.country, s.name
        )));
    }
    if outputs_of(&base.rows, year).is_none() {
        return Err(Error::Usage(year_outside(year, &s.name, s.base_year, s.end_year)));
    }
    // The mortality range is WPP's 80% interval of e0 in the analysis year, published
    // only for WPP's projection years: a base year before them (an all-resident scenario
    // from the 2020 estimates) is a year the analysis cannot use, said of --year rather
    // than of the data table.
    if let Some((lo, hi)) = super::ranges::e0_interval_years(&base.inputs) {
        let (from, to) = (lo.max(s.base_year), hi.min(s.end_year));
        if (year < lo || year > hi) && from <= to {
            let default = default_note(year);
            return Err(Error::Usage(format!(
                "--year {year}{default}: the mortality range is WPP's 80% interval of male life expectancy in that \
                 year, published for {lo}-{hi}; give --year from {from} to {to}"
            )));
        }
    }
    Ok(())
}

/// " (the default)" after a `--year` the user may not have given.
fn default_note(year: i32) -> &'static str {
    if year == DEFAULT_YEAR { " (the default)" } else { "" }
}

/// The message for a `--year` outside a scenario's projection, saying when the year is
/// the default (the user may not have given one).
pub fn year_outside(year: i32, name: &str, base: i32, end: i32) -> String {
    let default = default_note(year);
    format!(
        "--year {year}{default} is outside the projection of {} ({base}-{end}); give --year from {base} to {end}",
        crate::error::escape(name)
    )
}
