//! The sensitivity folder: `sensitivity.csv` (one row per parameter, ranked by effect on
//! the force gap), `sensitivity.md`, a tornado chart per output (PNG and SVG) and
//! `manifest.json`, written atomically.

use std::path::{Path, PathBuf};

use super::AtomicDir;
use super::analysis_manifest;
use super::charts::format::TickFormat;
use super::charts::render;
use super::charts::tornado::{self, Bar, Tornado};
use super::markdown::{self, Align};
use super::numbers::{count, currency_word, money};
use super::tables::fmt_num;
use crate::analysis::ScenarioRun;
use crate::analysis::sensitivity::{OUTPUTS, Sensitivity};
use crate::error::{Error, Result};

/// Options for writing a sensitivity analysis.
#[derive(Debug, Clone, Copy, Default)]
pub struct SensitivityOptions {
    /// Skip the charts.
    pub no_charts: bool,
}

/// The default folder: `output/sensitivity-<scenario>-<year>`.
pub fn default_dir(s: &Sensitivity) -> PathBuf {
    Path::new("output").join(origin(s).name)
}

/// The origin recorded in a sensitivity folder: `sensitivity` and the default folder name.
pub fn origin(s: &Sensitivity) -> super::Origin {
    super::Origin::new("sensitivity", &format!("sensitivity-{}-{}", s.scenario, s.year))
}

/// Writes the folder at `dest` atomically; returns its path.
pub fn write_sensitivity(s: &Sensitivity, run: &ScenarioRun, dest: &Path, opts: SensitivityOptions) -> Result<PathBuf> {
    let dir = AtomicDir::new(dest, origin(s))?;
    let mut files = write_files(s, run, dir.path(), opts)?;
    files.push(super::columns::write(dir.path(), &files, &[])?);
    files.push("manifest.json".into());
    let settings = serde_json::json!({ "year": s.year, "parameters": s.effects.len() });
    analysis_manifest::write("sensitivity", settings, &[run], files, &dir.path().join("manifest.json"))?;
    dir.commit()
}

/// Writes the tables and charts into `dir` (which exists); returns the file names.
pub fn write_files(s: &Sensitivity, run: &ScenarioRun, dir: &Path, opts: SensitivityOptions) -> Result<Vec<String>> {
    write_csv(s, &dir.join("sensitivity.csv"))?;
    let md = dir.join("sensitivity.md");
    std::fs::write(&md, markdown(s)).map_err(|e| Error::io(&md, e))?;
    let mut files = vec!["sensitivity.csv".to_string(), "sensitivity.md".into()];
    if !opts.no_charts {
        let chart_dir = dir.join("charts");
        super::atomic::ensure_dir(&chart_dir)?;
        for (stem, chart) in tornado_charts(s, run) {
            files.extend(render(&chart, &chart_dir, &stem)?.into_iter().map(|f| format!("charts/{f}")));
        }
    }
    Ok(files)
}

/// The order of the rows of `sensitivity.csv` and `sensitivity.md`: by effect on the
/// force gap, then on the cost, then on the uncovered gap.
fn ranked(s: &Sensitivity) -> Vec<&crate::analysis::sensitivity::Effect> {
    let mut v: Vec<_> = s.effects.iter().collect();
    v.sort_by(|a, b| {
        (0..OUTPUTS.len())
            .map(|k| b.swing(k, s.base[k]).total_cmp(&a.swing(k, s.base[k])))
            .find(|o| o.is_ne())
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    v
}

fn csv_err(path: &Path, e: csv::Error) -> Error {
    Error::io(path, std::io::Error::other(e.to_string()))
}

/// `sensitivity.csv`: rank, parameter, scenario key, the base, low and high values
/// (described), then for each output its value at the low setting, in the scenario, at
/// the high setting and the swing, and the range's source.
pub fn write_csv(s: &Sensitivity, path: &Path) -> Result<()> {
    let f = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
    let mut w = csv::Writer::from_writer(std::io::BufWriter::new(f));
    let mut header: Vec<String> = ["rank", "parameter", "key", "year", "unit", "base_value", "low_value", "high_value"]
        .map(String::from)
        .to_vec();
    for o in OUTPUTS {
        header.extend([format!("{o}_at_low"), format!("{o}_base"), format!("{o}_at_high"), format!("{o}_swing")]);
    }
    header.extend(["base_label", "low_label", "high_label", "range_source"].map(String::from));
    w.write_record(&header).map_err(|e| csv_err(path, e))?;
    for (i, e) in ranked(s).into_iter().enumerate() {
        let mut rec = vec![
            (i + 1).to_string(),
            e.range.knob.label().to_string(),
            e.range.knob.key().to_string(),
            s.year.to_string(),
            e.base_value.unit.to_string(),
            fmt_value(e.base_value.value),
            fmt_value(e.low_value.value),
            fmt_value(e.high_value.value),
        ];
        for k in 0..OUTPUTS.len() {
            rec.extend([e.at_low[k], s.base[k], e.at_high[k], e.swing(k, s.base[k])].map(fmt_num));
        }
        for text in [&e.base_value.text, &e.low_value.text, &e.high_value.text, &e.range.source.to_string()] {
            rec.push(ascii_text(text));
        }
        w.write_record(&rec).map_err(|e| csv_err(path, e))?;
    }
    w.flush().map_err(|e| Error::io(path, e))
}

/// A parameter value for the CSV: up to 6 significant decimals, no trailing zeros
/// (0.512, 18, 1000000000).
fn fmt_value(x: f64) -> String {
    crate::output::numbers::trimmed(x, 6)
}

/// `s` in ASCII, for CSV text read by spreadsheets that assume a legacy code page when a
/// UTF-8 file has no byte-order mark (Excel showed "−" as "âˆ’"): typographic minus,
/// dashes, ×, ±, → and arrows' kin are spelled in ASCII; anything else outside ASCII is
/// kept (source titles may hold Korean).
pub fn ascii_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\u{2212}' | '\u{2013}' | '\u{2010}' | '\u{2011}' => out.push('-'),
            '\u{2014}' => out.push_str("--"),
            '\u{00d7}' => out.push('x'),
            '\u{00b1}' => out.push_str("+/-"),
            '\u{2192}' => out.push_str("->"),
            '\u{2264}' => out.push_str("<="),
            '\u{2265}' => out.push_str(">="),
            '\u{2248}' | '\u{223c}' => out.push('~'),
            '\u{2018}' | '\u{2019}' => out.push('\''),
            '\u{201c}' | '\u{201d}' => out.push('"'),
            '\u{00a0}' | '\u{2009}' | '\u{202f}' => out.push(' '),
            '\u{2026}' => out.push_str("..."),
            _ => out.push(c),
        }
    }
    out
}

/// The ranking as a Markdown table (cells as [`cells`]), with a title.
pub fn markdown(s: &Sensitivity) -> String {
    let (header, align, rows) = cells(s);
    format!(
        "# Sensitivity of {} in {}\n\nEach parameter is moved to the low and then the high end of its range, every \
         other parameter staying at the scenario's value. Scenario {}: force gap {}, automation cost {} a year. \
         Ranked by the effect on the force gap, then on the cost. forcecast {}.\n\n{}",
        s.scenario,
        s.year,
        s.scenario,
        count(s.base[0]),
        money(s.base[1], &s.currency),
        crate::VERSION,
        markdown::table(&header, &align, &rows)
    )
}

/// The ranking as table cells: parameter, its value in the scenario, the range, the
/// force gap and the cost at each end, the source.
pub fn cells(s: &Sensitivity) -> (Vec<String>, Vec<Align>, Vec<Vec<String>>) {
    let word = currency_word(&s.currency);
    let header = vec![
        "Parameter".to_string(),
        "Scenario value".into(),
        "Low – high".into(),
        format!("Force gap {} (low / high)", s.year),
        format!("Cost {} (trillion {word}, low / high)", s.year),
        "Range: source or rationale".into(),
    ];
    let align = vec![Align::Left, Align::Left, Align::Left, Align::Right, Align::Right, Align::Left];
    let rows = ranked(s)
        .into_iter()
        .map(|e| {
            vec![
                e.range.knob.label().to_string(),
                e.base_value.text.clone(),
                format!("{} – {}", e.low_value.text, e.high_value.text),
                format!("{} / {}", count(e.at_low[0]), count(e.at_high[0])),
                format!("{} / {}", super::numbers::trillions(e.at_low[1]), super::numbers::trillions(e.at_high[1])),
                e.range.source.to_string(),
            ]
        })
        .collect();
    (header, align, rows)
}

/// The source line of the tornado charts.
pub fn source_line(s: &Sensitivity, run: &ScenarioRun) -> String {
    format!(
        "Source: forcecast {}, one-at-a-time sensitivity of scenario {}; ranges and their sources: sensitivity.csv; \
         UN WPP 2024; {}",
        crate::VERSION,
        s.scenario,
        super::charts::basis::of(&run.projection, &run.inputs.data).source
    )
}

/// One tornado chart per output, as `(file stem, chart)`.
pub fn tornado_charts(s: &Sensitivity, run: &ScenarioRun) -> Vec<(String, super::charts::Chart)> {
    let word = currency_word(&s.currency);
    let specs = [
        ("force_gap", "What moves the force gap", "troops (thousands)".to_string(), TickFormat::thousands()),
        (
            "automation_cost",
            "What moves the cost of automation",
            format!("trillion {word} a year"),
            TickFormat::Count { divisor: 1e12, abs: false },
        ),
        (
            "uncovered_gap",
            "What moves the gap automation leaves uncovered",
            "troops (thousands)".into(),
            TickFormat::thousands(),
        ),
    ];
    specs
        .into_iter()
        .filter_map(|(output, title, axis, format)| {
            let k = Sensitivity::output_index(output)?;
            let base = s.base[k];
            let base_text = if output == "automation_cost" { money(base, &s.currency) } else { count(base) };
            let what = match output {
                "force_gap" => "Force gap (troop target − force available)",
                "automation_cost" => "Yearly automation cost",
                _ => "Gap left uncovered by fielded automation",
            };
            let bars = s
                .ranked(k)
                .into_iter()
                .map(|e| Bar {
                    label: e.range.knob.label().to_string(),
                    low: e.at_low[k],
                    high: e.at_high[k],
                    low_text: e.low_value.text.clone(),
                    high_text: e.high_value.text.clone(),
                })
                .collect();
            let t = Tornado {
                title: format!("{title} in {}", s.year),
                subtitle: format!(
                    "{what} in {} when one parameter moves to the end of its range, the others at scenario {}'s values",
                    s.year, s.scenario
                ),
                source: source_line(s, run),
                base,
                base_label: format!("{}: {base_text}", s.scenario),
                bars,
                axis,
                format,
                no_effect: format!("no effect in {}", s.year),
            };
            Some((format!("tornado_{output}"), tornado::chart(&t)))
        })
        .collect()
}
