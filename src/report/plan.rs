//! `report --plan DIR`: a section on a plan folder written by `forcecast plan` (issue 14,
//! item 4): what the plan sets, lever by lever at the key years, its yearly extra cost, the
//! frontier chart and the single-lever alternatives. The folder is read and checked
//! before the report runs anything, so a bad folder leaves no report behind.

use std::path::{Path, PathBuf};

use super::document::{Block, Figure, Section, Table, text};
use crate::error::{Error, Result};
use crate::output::markdown::Align;
use crate::plan::Lever;

/// The plan folder's contents the report uses.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanFolder {
    /// The folder.
    pub dir: PathBuf,
    /// The comment lines at the top of `plan.toml` (what wrote it, the cost, the goal).
    pub summary: Vec<String>,
    /// The currency of the costs, as `plan.toml`'s summary states it (`KRW` for a folder
    /// that does not say).
    pub currency: String,
    /// `plan.csv` rows: lever, year, value, cost (in `currency`).
    pub rows: Vec<(String, i32, f64, f64)>,
    /// `alternatives.csv` rows: levers, feasible, discounted cost when feasible.
    pub alternatives: Vec<(String, bool, Option<f64>)>,
    /// `frontier.svg`, when the plan drew a frontier.
    pub frontier_svg: Option<String>,
}

fn bad(dir: &Path, file: &str, what: impl std::fmt::Display) -> Error {
    Error::Usage(format!("--plan {}: {file}: {what} (a folder written by `forcecast plan`)", dir.display()))
}

fn read(dir: &Path, file: &str) -> Result<String> {
    std::fs::read_to_string(dir.join(file)).map_err(|e| bad(dir, file, e))
}

fn records(dir: &Path, file: &str, header: &[&str]) -> Result<Vec<csv::StringRecord>> {
    let text = read(dir, file)?;
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let got: Vec<String> = r.headers().map_err(|e| bad(dir, file, e))?.iter().map(String::from).collect();
    if got != header {
        return Err(bad(dir, file, format!("columns {} expected, found {}", header.join(","), got.join(","))));
    }
    r.records().map(|x| x.map_err(|e| bad(dir, file, e))).collect()
}

fn number(dir: &Path, file: &str, row: usize, s: &str) -> Result<f64> {
    s.parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .ok_or_else(|| bad(dir, file, format!("line {}: `{s}` is not a number", row + 2)))
}

/// Reads a plan folder.
pub fn load(dir: &Path) -> Result<PlanFolder> {
    if !dir.is_dir() {
        let why = if dir.exists() { "is a file, not a plan folder" } else { "no such folder" };
        return Err(Error::Usage(format!(
            "--plan {}: {why} (give the folder `forcecast plan` wrote, e.g. output/plan-baseline)",
            dir.display()
        )));
    }
    let toml = read(dir, "plan.toml")?;
    let summary: Vec<String> = toml
        .lines()
        .map_while(|l| l.strip_prefix('#'))
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    // "[Mean d|D]iscounted extra cost <amount> <currency> over ...", as plan/write.rs writes it.
    const SAID: &str = "iscounted extra cost ";
    let currency = summary
        .iter()
        .find_map(|l| l.find(SAID).and_then(|i| l[i + SAID.len()..].split_whitespace().nth(1)))
        .unwrap_or(crate::scenario::plan::BUILT_IN_CURRENCY)
        .to_string();
    let mut rows = Vec::new();
    for (i, r) in records(dir, "plan.csv", &["lever", "year", "value", "cost"])?.iter().enumerate() {
        let year =
            r[1].parse::<i32>().map_err(|_| bad(dir, "plan.csv", format!("line {}: year `{}`", i + 2, &r[1])))?;
        rows.push((r[0].to_string(), year, number(dir, "plan.csv", i, &r[2])?, number(dir, "plan.csv", i, &r[3])?));
    }
    if rows.is_empty() {
        return Err(bad(dir, "plan.csv", "no rows"));
    }
    let mut alternatives = Vec::new();
    let header = ["levers", "feasible", "discounted_cost", "saving_of_mix"];
    for (i, r) in records(dir, "alternatives.csv", &header)?.iter().enumerate() {
        let feasible = &r[1] == "true";
        let cost = if feasible { Some(number(dir, "alternatives.csv", i, &r[2])?) } else { None };
        alternatives.push((r[0].to_string(), feasible, cost));
    }
    let frontier_svg = std::fs::read_to_string(dir.join("frontier.svg")).ok();
    Ok(PlanFolder { dir: dir.to_path_buf(), summary, currency, rows, alternatives, frontier_svg })
}

/// Refuses a plan folder whose costs are in another currency than the report's first
/// scenario (a plan for another country: its levers, costs and requirement are not this
/// scenario's).
pub fn check_matches(p: &PlanFolder, scenario: &crate::scenario::Scenario) -> Result<()> {
    let want = &scenario.automation.currency;
    if &p.currency != want {
        return Err(Error::Usage(format!(
            "--plan {}: the plan counts its costs in {} and {} in {want}: it was written for another \
             country's scenario; report on the scenario the plan was made for, or make a plan for {} \
             (`forcecast plan {}`)",
            p.dir.display(),
            p.currency,
            scenario.name,
            scenario.name,
            scenario.name
        )));
    }
    Ok(())
}

fn trillion(amount: f64) -> String {
    format!("{:.1}", amount / 1e12)
}

fn label(lever: &str) -> String {
    match Lever::parse(lever) {
        Some(Lever::Automation) => "automation".into(),
        Some(l) => format!("{lever} ({})", l.unit()),
        None if lever == "personnel" => "troops available".into(),
        None if lever == "total" => "covered (troop-equivalents)".into(),
        None => lever.into(),
    }
}

fn value(lever: &str, v: f64) -> String {
    match lever {
        "active" | "women" => format!("{v:.4}"),
        "cadre" => format!("{v:.1}"),
        "service" => format!("{v:.1}"),
        "automation" => (if v > 0.0 { "on" } else { "off" }).into(),
        _ => crate::output::numbers::count(v),
    }
}

/// The report section for a plan: `years` are the key years shown (those in the plan).
pub fn section(p: &PlanFolder, years: &[i32]) -> Section {
    let mut blocks = Vec::new();
    let said = p.summary.join(" ");
    let money = crate::output::numbers::currency_word(&p.currency);
    blocks.push(Block::Paragraph(text(format!(
        "{said} The plan is itself a scenario: {}/plan.toml (copied under plan/ beside this report) runs with \
         `forcecast run`. Costs are extra over the scenario's own settings, in trillions of {money} a year at \
         constant prices; a manpower-equivalent (a civilian in a non-combat post, an unmanned system) is not a \
         combat capability.",
        p.dir.display()
    ))));
    let mut levers: Vec<&str> = Vec::new();
    for (l, ..) in &p.rows {
        if !levers.contains(&l.as_str()) && l != "total" {
            levers.push(l);
        }
    }
    let shown: Vec<i32> = years.iter().copied().filter(|y| p.rows.iter().any(|r| r.1 == *y)).collect();
    let mut header = vec!["Year".to_string()];
    header.extend(levers.iter().map(|l| label(l)));
    header.push(format!("Extra cost (trillion {money})"));
    let mut rows = Vec::new();
    for y in &shown {
        let mut row = vec![y.to_string()];
        for l in &levers {
            let cell = p.rows.iter().find(|r| r.0 == *l && r.1 == *y).map(|r| value(l, r.2)).unwrap_or_default();
            row.push(cell);
        }
        let cost = p.rows.iter().find(|r| r.0 == "total" && r.1 == *y).map(|r| trillion(r.3)).unwrap_or_default();
        row.push(cost);
        rows.push(row);
    }
    let mut align = vec![Align::Left];
    align.extend(std::iter::repeat_n(Align::Right, header.len() - 1));
    blocks.push(Block::Table(Table {
        header,
        align,
        rows,
        strong: Vec::new(),
        swatches: Vec::new(),
        note: Some(format!("Every year's values: plan/plan.csv (lever, year, value, cost in {money}).")),
    }));
    if let Some(svg) = &p.frontier_svg {
        blocks.push(Block::Figure(Figure {
            stem: "plan/frontier".into(),
            alt: "Least discounted cost of each requirement level".into(),
            caption: "The least discounted extra cost found for each requirement level (plan/frontier.csv): the \
                      marginal cost of every 10,000 troop-equivalents more."
                .into(),
            svg: svg.clone(),
        }));
    }
    if !p.alternatives.is_empty() {
        let rows = p
            .alternatives
            .iter()
            .map(|(l, ok, cost)| {
                vec![
                    l.clone(),
                    cost.map(trillion).unwrap_or_else(|| if *ok { String::new() } else { "infeasible".into() }),
                ]
            })
            .collect();
        blocks.push(Block::Table(Table {
            header: vec!["Levers".into(), format!("Discounted extra cost (trillion {money})")],
            align: vec![Align::Left, Align::Right],
            rows,
            strong: Vec::new(),
            swatches: Vec::new(),
            note: Some("`mix` is the plan; each other row the best plan using that lever alone.".into()),
        }));
    }
    Section { id: "plan".into(), heading: "Least-cost plan".into(), blocks }
}

/// Copies the plan's files into `root/plan/` (and the frontier chart into
/// `root/charts/plan/`, where the report's figures live); returns their paths under `root`.
pub fn copy_files(p: &PlanFolder, root: &Path) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let plan_dir = root.join("plan");
    crate::output::atomic::ensure_dir(&plan_dir)?;
    for f in ["plan.toml", "plan.csv", "alternatives.csv", "frontier.csv"] {
        let from = p.dir.join(f);
        if from.is_file() {
            std::fs::copy(&from, plan_dir.join(f)).map_err(|e| Error::io(&from, e))?;
            out.push(format!("plan/{f}"));
        }
    }
    if p.frontier_svg.is_some() {
        let charts = root.join("charts/plan");
        crate::output::atomic::ensure_dir(&root.join("charts"))?;
        crate::output::atomic::ensure_dir(&charts)?;
        for f in ["frontier.svg", "frontier.png"] {
            let from = p.dir.join(f);
            if from.is_file() {
                std::fs::copy(&from, charts.join(f)).map_err(|e| Error::io(&from, e))?;
                out.push(format!("charts/plan/{f}"));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plan section counts in the currency the plan's summary states, for either goal.
    #[test]
    fn the_section_counts_in_the_plans_currency() {
        for (line, word) in [
            ("# Discounted extra cost 885655254094 TWD over the scenario's own settings; requirement met.", "TWD"),
            (
                "# Mean discounted extra cost 193867131133361 KRW over the scenario's own settings (1 on the central path).",
                "won",
            ),
            ("# A folder written before the currency was stated.", "won"),
        ] {
            let tmp = tempfile::tempdir().unwrap();
            let dir = tmp.path();
            std::fs::write(
                dir.join("plan.toml"),
                format!("# Written by `forcecast plan x`.\n{line}\nextends = \"x\"\n"),
            )
            .unwrap();
            std::fs::write(dir.join("plan.csv"), "lever,year,value,cost\ntotal,2040,1,2.5e12\n").unwrap();
            std::fs::write(
                dir.join("alternatives.csv"),
                "levers,feasible,discounted_cost,saving_of_mix\nmix,true,3e12,0\n",
            )
            .unwrap();
            let p = load(dir).unwrap();
            let md = format!("{:?}", section(&p, &[2040]));
            assert!(md.contains(&format!("Extra cost (trillion {word})")), "{word}: {md}");
            assert!(md.contains(&format!("Discounted extra cost (trillion {word})")), "{word}: {md}");
            assert!(md.contains(&format!("trillions of {word} a year")), "{word}: {md}");
            assert!(word == "won" || !md.contains(" won"), "{md}");
        }
    }
}
