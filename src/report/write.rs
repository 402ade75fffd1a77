//! Writing the report folder atomically: `report.html`, `report.md`, the comparison's
//! tables and overlay charts, the first scenario's sensitivity table and tornado charts,
//! and `manifest.json`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::build::{self, Inputs};
use super::findings::{self, Findings};
use super::{html, markdown};
use crate::analysis::batch::joined_names;
use crate::analysis::compare::Comparison;
use crate::analysis::sensitivity;
use crate::error::{Error, Result};
use crate::output::compare::{self, CompareOptions};
use crate::output::sensitivity::{self as sens_out, SensitivityOptions};
use crate::output::{AtomicDir, analysis_manifest};
use crate::uncertainty;

/// Options of a report.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    /// The year the findings quote and the sensitivity analysis uses.
    pub year: i32,
    /// Run the first scenario's sensitivity analysis (about 30 projections).
    pub sensitivity: bool,
    /// Run Monte Carlo trajectories of the first scenario and show the range of outcomes.
    pub monte_carlo: Option<uncertainty::Options>,
    /// `--title`, `--author`, `--date` (none by default).
    pub meta: build::Meta,
    /// `--plan DIR`: a plan folder of `forcecast plan`, read beforehand.
    pub plan: Option<super::plan::PlanFolder>,
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            year: sensitivity::DEFAULT_YEAR,
            sensitivity: true,
            monte_carlo: None,
            meta: build::Meta::default(),
            plan: None,
        }
    }
}

/// What was written.
#[derive(Debug, Clone)]
pub struct Written {
    /// The report folder.
    pub dir: PathBuf,
    /// The findings, as in the report.
    pub findings: Findings,
    /// Size of `report.html` in bytes.
    pub html_bytes: usize,
}

/// The default folder: `output/report-<names joined by _>`.
pub fn default_dir(c: &Comparison) -> PathBuf {
    Path::new("output").join(origin(c).name)
}

/// The origin recorded in a report folder: `report` and the default folder name.
pub fn origin(c: &Comparison) -> crate::output::Origin {
    crate::output::Origin::new("report", &format!("report-{}", joined_names(&c.names())))
}

/// The lines of the `## Sources` section of a PROVENANCE.md, one per bullet, with
/// Markdown emphasis and code marks removed. Empty when the file or section is absent.
pub fn provenance_lines(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        if line.starts_with("## ") {
            inside = line.trim() == "## Sources";
            continue;
        }
        if !inside || line.trim().is_empty() {
            continue;
        }
        let clean = line.trim().replace("**", "").replace('`', "");
        match clean.strip_prefix("- ") {
            Some(item) => out.push(item.to_string()),
            None => match out.last_mut() {
                Some(last) => {
                    last.push(' ');
                    last.push_str(&clean);
                }
                None => out.push(clean),
            },
        }
    }
    out
}

/// Writes the report of `c` at `dest`.
pub fn write_report(c: &Comparison, dest: &Path, opts: ReportOptions) -> Result<Written> {
    write_report_with(c, dest, opts, &|_| {})
}

/// [`write_report`], calling `progress(k)` as Monte Carlo trajectories complete (for a
/// progress bar; the total is the trajectories times [`uncertainty::passes`]).
pub fn write_report_with(
    c: &Comparison,
    dest: &Path,
    opts: ReportOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Written> {
    let year = opts.year;
    for r in &c.runs {
        if r.row(year).is_none() {
            let s = r.scenario();
            return Err(Error::Usage(crate::analysis::sensitivity::year_outside(
                year,
                &s.name,
                s.base_year,
                s.end_year,
            )));
        }
    }
    if opts.sensitivity && sensitivity::applies(&c.runs[0]) {
        sensitivity::check(&c.runs[0], year)?;
    }
    // Refused before the sensitivity and Monte Carlo runs, not after them.
    crate::output::check_destination(dest, &origin(c))?;
    // The ranges are one country's (Korea's): a report led by another leaves them out.
    let sens = if opts.sensitivity && sensitivity::applies(&c.runs[0]) {
        Some(sensitivity::run(&c.runs[0], year)?)
    } else {
        None
    };
    let first = &c.runs[0];
    let mc = match opts.monte_carlo {
        Some(o) => Some(uncertainty::run(first.scenario(), &first.inputs, &first.projection, o, progress)?),
        None => None,
    };
    let found = findings::findings(c, year, sens.as_ref(), mc.as_ref());

    let dir = AtomicDir::new(dest, origin(c))?;
    let root = dir.path().to_path_buf();
    let mut files = compare::write_files(c, &root, CompareOptions { no_charts: false, ..Default::default() })?;
    if let Some(s) = &sens {
        files.extend(sens_out::write_files(s, &c.runs[0], &root, SensitivityOptions { no_charts: false })?);
    }
    // The first scenario's own charts (the force by component with observed troop
    // strength, the pyramid, …; fan charts with a Monte Carlo run) under charts/<name>/,
    // and the Monte Carlo tables under monte_carlo/.
    let sub = format!("charts/{}", first.name());
    crate::output::atomic::ensure_dir(&root.join("charts"))?;
    crate::output::atomic::ensure_dir(&root.join(&sub))?;
    let mut specs = crate::output::charts::specs_with(&first.projection, &first.inputs.data, &c.chart_years);
    if let Some(o) = &mc {
        specs.extend(crate::output::fan_charts::specs_with(&first.projection, &first.inputs.data, o, &c.chart_years));
    }
    let own = crate::output::charts::render_all(&specs, &root.join(&sub))?;
    files.extend(own.into_iter().map(|f| format!("{sub}/{f}")));
    if let Some(o) = &mc {
        let mc_dir = root.join("monte_carlo");
        crate::output::atomic::ensure_dir(&mc_dir)?;
        let tables = crate::output::monte_carlo::write_tables(o, &mc_dir, first.inputs.data.force.structure.as_ref())?;
        files.extend(tables.into_iter().map(|f| format!("monte_carlo/{f}")));
    }
    if let Some(p) = &opts.plan {
        files.extend(super::plan::copy_files(p, &root)?);
    }
    // Every SVG by its path under charts/ without the extension ("force_gap",
    // "baseline/force").
    let mut svgs = BTreeMap::new();
    for f in files.iter().filter(|f| f.ends_with(".svg")) {
        let path = root.join(f);
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        let key = f.strip_prefix("charts/").unwrap_or(f).trim_end_matches(".svg").to_string();
        svgs.insert(key, text);
    }
    // Each country's notes once, in the scenarios' order (as the sources section names
    // them).
    let mut provenance: Vec<(String, Vec<String>)> = Vec::new();
    for r in &c.runs {
        let key = &r.scenario().country;
        if provenance.iter().any(|(k, _)| k == key) {
            continue;
        }
        let prov_path = r.inputs.data.dir.join("PROVENANCE.md");
        let lines = crate::data::table::read_capped(&prov_path)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .map(|t| provenance_lines(&t))
            .unwrap_or_default();
        provenance.push((key.clone(), lines));
    }
    files.push(crate::output::columns::write(&root, &files, &c.names())?);
    files.splice(0..0, ["report.html".to_string(), "report.md".to_string()]);
    files.push("manifest.json".into());

    let doc = build::document(&Inputs {
        comparison: c,
        sensitivity: sens.as_ref(),
        monte_carlo: mc.as_ref(),
        findings: &found,
        year,
        svgs: &svgs,
        provenance: &provenance,
        files: &files,
        meta: &opts.meta,
        plan: opts.plan.as_ref(),
    });
    let page = html::render(&doc);
    let html_path = root.join("report.html");
    std::fs::write(&html_path, &page).map_err(|e| Error::io(&html_path, e))?;
    let md_path = root.join("report.md");
    std::fs::write(&md_path, markdown::render(&doc)).map_err(|e| Error::io(&md_path, e))?;

    let runs: Vec<_> = c.runs.iter().collect();
    let mut settings = serde_json::json!({
        "year": year,
        "sensitivity": opts.sensitivity,
        "key_years": c.key_years(),
        "monte_carlo": mc.as_ref().map(|o| serde_json::json!({
            "trajectories": o.options.trajectories,
            "seed": o.options.seed,
        })),
    });
    // --title, --author and --date only when given (a manifest holds no nulls).
    for (key, value) in [("title", &opts.meta.title), ("author", &opts.meta.author), ("date", &opts.meta.date)] {
        if let (Some(v), Some(map)) = (value, settings.as_object_mut()) {
            map.insert(key.into(), serde_json::Value::String(v.clone()));
        }
    }
    analysis_manifest::write("report", settings, &runs, files, &root.join("manifest.json"))?;
    let path = dir.commit()?;
    Ok(Written { dir: path, findings: found, html_bytes: page.len() })
}

#[cfg(test)]
mod tests {
    use super::provenance_lines;

    #[test]
    fn reads_the_sources_section() {
        let text = "# T\n## Sources\n- **WPP** = UN data, `PPgp/wpp2024`\n  continued.\n- **RR** = registration\n  - Counts in persons.\n## Files\n- not this\n";
        assert_eq!(
            provenance_lines(text),
            vec!["WPP = UN data, PPgp/wpp2024 continued.", "RR = registration", "Counts in persons."]
        );
    }
}
