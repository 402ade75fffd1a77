//! The comparison folder: `comparison.csv` (every summary metric of every scenario, one
//! column per scenario), `key_years.csv` and `key_years.md` (headline metrics in the key
//! years), overlay charts and `manifest.json`, written atomically.

use std::path::{Path, PathBuf};

use super::AtomicDir;
use super::analysis_manifest;
use super::charts::basis::{self, Basis};
use super::charts::overlay::{Overlay, charts, scenario_colours};
use super::charts::render;
use super::markdown::{self, Align};
use super::numbers::{count, currency_word, decimal, signed, signed_trillions, trillions};
use super::tables::fmt_num;
use crate::analysis::Comparison;
use crate::analysis::batch::joined_names;
use crate::analysis::compare::{Unit, metric_info};
use crate::error::{Error, Result};

/// Options for writing a comparison.
#[derive(Debug, Clone, Copy, Default)]
pub struct CompareOptions {
    /// Skip the charts.
    pub no_charts: bool,
    /// Also write the tables as `tables.xlsx` (`--format xlsx`).
    pub xlsx: bool,
}

/// Most scenarios one set of overlay charts draws: Okabe and Ito's eight colour-blind-safe
/// colours (see [`super::charts::palette::SCENARIOS`]) are all the distinct line colours
/// there are; a ninth scenario would share a colour with another, and where their lines
/// coincide neither could be read. Tables have no limit (`--no-charts`).
pub const MAX_CHARTED: usize = 8;

/// Refuses more scenarios than [`MAX_CHARTED`] for a comparison with charts (a usage
/// error, before anything runs).
pub fn check_chart_count(n: usize) -> Result<()> {
    if n > MAX_CHARTED {
        return Err(Error::Usage(format!(
            "{n} scenarios: the comparison charts draw at most {MAX_CHARTED} (one distinguishable colour each); \
             compare them in groups of at most {MAX_CHARTED} with a reference scenario in each, or give \
             --no-charts for the tables of all {n} (compare only)"
        )));
    }
    Ok(())
}

/// The default folder: `output/compare-<names joined by _>`.
pub fn default_dir(c: &Comparison) -> PathBuf {
    Path::new("output").join(origin(c).name)
}

/// The origin recorded in a comparison folder: `compare` and the default folder name.
pub fn origin(c: &Comparison) -> super::Origin {
    super::Origin::new("compare", &format!("compare-{}", joined_names(&c.names())))
}

/// Whom each projection counts, as the charts cite it, without repeats (scenarios on
/// the same base population share one entry).
pub fn bases(c: &Comparison) -> Vec<Basis> {
    let mut out: Vec<Basis> = Vec::new();
    for r in &c.runs {
        let b = basis::of(&r.projection, &r.inputs.data);
        if !out.contains(&b) {
            out.push(b);
        }
    }
    out
}

/// The source line of comparison charts.
pub fn source_line(c: &Comparison) -> String {
    let sources: Vec<String> = bases(c).into_iter().map(|b| b.source).collect();
    format!(
        "Source: forcecast {}, scenarios {}; UN WPP 2024; {}",
        crate::VERSION,
        c.names().join(", "),
        sources.join("; ")
    )
}

/// Writes the comparison folder at `dest`, atomically; returns its path.
pub fn write_comparison(c: &Comparison, dest: &Path, opts: CompareOptions) -> Result<PathBuf> {
    let dir = AtomicDir::new(dest, origin(c))?;
    let mut files = write_files(c, dir.path(), opts)?;
    files.push(super::columns::write(dir.path(), &files, &c.names())?);
    if opts.xlsx {
        files.push(super::xlsx::write(dir.path(), &files, &c.names())?);
    }
    files.push("manifest.json".into());
    let runs: Vec<_> = c.runs.iter().collect();
    let settings = serde_json::json!({ "key_years": c.key_years() });
    analysis_manifest::write("compare", settings, &runs, files, &dir.path().join("manifest.json"))?;
    dir.commit()
}

/// Writes the tables and charts of a comparison into `dir` (which exists); returns the
/// file names, charts under `charts/`.
pub fn write_files(c: &Comparison, dir: &Path, opts: CompareOptions) -> Result<Vec<String>> {
    write_csv(c, &dir.join("comparison.csv"))?;
    write_key_years_csv(c, &dir.join("key_years.csv"))?;
    let md = dir.join("key_years.md");
    std::fs::write(&md, key_years_markdown(c)).map_err(|e| Error::io(&md, e))?;
    let mut files = vec!["comparison.csv".to_string(), "key_years.csv".into(), "key_years.md".into()];
    if !opts.no_charts {
        let chart_dir = dir.join("charts");
        super::atomic::ensure_dir(&chart_dir)?;
        for (stem, chart) in overlay_charts(c) {
            files.extend(render(&chart, &chart_dir, stem)?.into_iter().map(|f| format!("charts/{f}")));
        }
    }
    Ok(files)
}

/// The overlay charts of a comparison as `(file stem, chart)`.
pub fn overlay_charts(c: &Comparison) -> Vec<(&'static str, super::charts::Chart)> {
    let names = c.names();
    let colours = scenario_colours(&names);
    let series: Vec<Overlay<'_>> =
        c.runs.iter().zip(&colours).map(|(r, &colour)| Overlay { name: r.name(), colour, rows: &r.rows }).collect();
    if c.countries().len() > 1 {
        return super::charts::overlay::charts_across_countries(&series, &c.countries().join(", "), &source_line(c));
    }
    charts(&series, &c.currency(), &source_line(c))
}

fn csv_err(path: &Path, e: csv::Error) -> Error {
    Error::io(path, std::io::Error::other(e.to_string()))
}

/// `comparison.csv`: `year,metric,<scenario>…`, one row per year and summary metric
/// (years ascending, metrics in `summary.csv` order). Values are written exactly as in
/// each scenario's `summary.csv`; a scenario that does not cover a year has an empty cell.
pub fn write_csv(c: &Comparison, path: &Path) -> Result<()> {
    let f = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
    let mut w = csv::Writer::from_writer(std::io::BufWriter::new(f));
    let mut header = vec!["year".to_string(), "metric".to_string()];
    header.extend(c.names().iter().map(|n| n.to_string()));
    w.write_record(&header).map_err(|e| csv_err(path, e))?;
    let metrics = c.metrics();
    for &year in &c.years {
        for metric in &metrics {
            let mut rec = vec![year.to_string(), metric.to_string()];
            rec.extend((0..c.runs.len()).map(|i| c.value(i, year, metric).map(fmt_num).unwrap_or_default()));
            w.write_record(&rec).map_err(|e| csv_err(path, e))?;
        }
    }
    w.flush().map_err(|e| Error::io(path, e))
}

/// `key_years.csv`: `metric,unit,year,<scenario>…` for the headline metrics in the key
/// years, values as in `summary.csv`.
pub fn write_key_years_csv(c: &Comparison, path: &Path) -> Result<()> {
    let f = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
    let mut w = csv::Writer::from_writer(std::io::BufWriter::new(f));
    let mut header = vec!["metric".to_string(), "unit".to_string(), "year".to_string()];
    header.extend(c.names().iter().map(|n| n.to_string()));
    w.write_record(&header).map_err(|e| csv_err(path, e))?;
    let currency = c.currency();
    for metric in &c.headline() {
        let metric = metric.as_str();
        let (_, unit) = metric_info(metric);
        for year in c.key_years() {
            let mut rec = vec![metric.to_string(), unit.as_str(&currency), year.to_string()];
            rec.extend((0..c.runs.len()).map(|i| c.value(i, year, metric).map(fmt_num).unwrap_or_default()));
            w.write_record(&rec).map_err(|e| csv_err(path, e))?;
        }
    }
    w.flush().map_err(|e| Error::io(path, e))
}

/// A headline metric's label with its unit as a table shows it.
pub fn metric_heading(metric: &str, currency: &str) -> String {
    let (label, unit) = metric_info(metric);
    let label = if label.is_empty() { metric } else { label };
    match unit {
        Unit::Persons => label.to_string(),
        Unit::Systems => format!("{label} (systems)"),
        Unit::Money => format!("{label} (trillion {} a year)", currency_word(currency)),
        Unit::Other => label.to_string(),
    }
}

/// A value as a table cell: persons and systems with thousands separators, money in
/// trillions; `–` where the scenario does not cover the year.
pub fn table_cell(metric: &str, value: Option<f64>) -> String {
    let Some(v) = value else { return "–".into() };
    match metric_info(metric).1 {
        Unit::Persons | Unit::Systems => count(v),
        Unit::Money => trillions(v),
        Unit::Other => decimal(v, 2),
    }
}

/// A difference as a table cell, in the metric's unit with its sign; `–` where either
/// scenario does not cover the year.
pub fn delta_cell(metric: &str, value: Option<f64>, first: Option<f64>) -> String {
    let (Some(v), Some(f)) = (value, first) else { return "–".into() };
    match metric_info(metric).1 {
        Unit::Persons | Unit::Systems => signed(v - f),
        Unit::Money => signed_trillions(v - f),
        Unit::Other => decimal(v - f, 2),
    }
}

/// The heading of the difference column of scenario `name` against the first scenario.
pub fn delta_heading(name: &str, first: &str) -> String {
    format!("Δ {name} vs {first}")
}

/// The key-years table as cells: header (Metric, Year, one column per scenario, then
/// one "Δ vs first scenario" column per further scenario) and rows (the metric's label
/// on the first of its rows only).
pub fn key_years_cells(c: &Comparison) -> (Vec<String>, Vec<Align>, Vec<Vec<String>>) {
    let names = c.names();
    // Scenarios of different countries are not subtracted: their bases differ.
    let deltas = c.countries().len() == 1;
    let mut header = vec!["Metric".to_string(), "Year".to_string()];
    header.extend(names.iter().map(|n| n.to_string()));
    if deltas {
        header.extend(names.iter().skip(1).map(|n| delta_heading(n, names[0])));
    }
    let mut align = vec![Align::Left, Align::Left];
    align.extend(std::iter::repeat_n(Align::Right, header.len() - 2));
    let currency = c.currency();
    let mut rows = Vec::new();
    for metric in &c.headline() {
        let metric = metric.as_str();
        for (k, year) in c.key_years().into_iter().enumerate() {
            let mut row =
                vec![if k == 0 { metric_heading(metric, &currency) } else { String::new() }, year.to_string()];
            row.extend((0..c.runs.len()).map(|i| table_cell(metric, c.value(i, year, metric))));
            if deltas {
                let first = c.value(0, year, metric);
                row.extend((1..c.runs.len()).map(|i| delta_cell(metric, c.value(i, year, metric), first)));
            }
            rows.push(row);
        }
    }
    (header, align, rows)
}

/// `key_years.md`: a title, the units, and the key-years table.
pub fn key_years_markdown(c: &Comparison) -> String {
    let (header, align, rows) = key_years_cells(c);
    let countries = c.countries();
    let delta = if countries.len() > 1 {
        let bases: Vec<String> = bases(c).into_iter().map(|b| b.source).collect();
        format!(
            "the scenarios are of different countries ({}), whose populations, forces and targets differ: no \
             difference column, and the charts compare indexes. Bases: {}.",
            countries.join(", "),
            bases.join("; ")
        )
    } else {
        "Δ = the scenario minus the first scenario.".to_string()
    };
    format!(
        "# Key years: {}\n\nPersons at 1 July of each year; systems in service; costs in trillions of {} a year. \
         Force gap = troop target − force available; uncovered gap = what fielded automation leaves uncovered; \
         {delta} forcecast {}.\n\n{}",
        c.names().join(", "),
        currency_word(&c.currency()),
        crate::VERSION,
        markdown::table(&header, &align, &rows)
    )
}
