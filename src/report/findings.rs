//! The findings of a report, as sentences computed from the projections: for each
//! scenario the men reaching 20, the force against its target and the automation that
//! would cover the gap; each further scenario against the first; and what the first
//! scenario's answer is most sensitive to. Nothing here is fixed text about Korea: change
//! a scenario and the sentences change with it.

use crate::analysis::ScenarioRun;
use crate::analysis::compare::Comparison;
use crate::analysis::ranges::Knob;
use crate::analysis::sensitivity::{Effect, Sensitivity};
use crate::output::numbers::{count, money};
use crate::uncertainty::Outcome;

/// A gap smaller than this (persons) counts as no gap: the model's numbers are
/// continuous, and half a soldier is none.
const NO_GAP: f64 = 0.5;

/// The findings, grouped as the report shows them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Findings {
    /// One paragraph per scenario.
    pub scenarios: Vec<String>,
    /// One paragraph per scenario after the first, against the first.
    pub comparisons: Vec<String>,
    /// What the first scenario's answer is most sensitive to (empty without a
    /// sensitivity analysis).
    pub sensitivity: Vec<String>,
    /// The range of outcomes of the first scenario's Monte Carlo run (empty without one).
    pub uncertainty: Vec<String>,
}

/// How a scenario is named in prose: "the baseline", "scenario fertility-low".
pub fn scenario_ref(name: &str) -> String {
    if name == "baseline" { "the baseline".into() } else { format!("scenario {name}") }
}

/// The same, starting a sentence.
pub fn scenario_ref_capital(name: &str) -> String {
    capitalise(&scenario_ref(name))
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// `lower_first` (the sentence's first letter in lower case) for the report's other
/// sentences.
pub fn lower_first_pub(s: &str) -> String {
    lower_first(s)
}

/// The first letter in lower case, unless the word is an acronym ("NCO fill rate").
fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    if c.clone().nth(1).is_some_and(char::is_uppercase) {
        return s.to_string();
    }
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// "a, b and c".
fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [a] => a.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The verb of a change from `a` to `b`: "fall", "rise" or "stay at about".
fn change(a: f64, b: f64) -> &'static str {
    if (b - a).abs() <= 0.005 * a.abs().max(1.0) {
        "stay at about"
    } else if b < a {
        "fall"
    } else {
        "rise"
    }
}

/// A relative change as a signed whole percentage, "−35%".
fn pct(a: f64, b: f64) -> String {
    if a.abs() < 1e-9 {
        return String::new();
    }
    let p = ((b - a) / a * 100.0).round();
    if p > 0.0 { format!("+{}%", count(p)) } else { format!("{}%", count(p)) }
}

/// The first year from which a scenario's force can differ because of fertility: births
/// after the base year reach the youngest service age (enlistment, volunteering or
/// cadre recruitment from 20) that many years later.
pub fn first_year_fertility_acts(run: &ScenarioRun) -> i32 {
    let f = &run.scenario().force;
    let youngest = f
        .enlistment_age_shares
        .iter()
        .chain(&f.female_volunteer_age_shares)
        .filter(|a| a.1 > 0.0)
        .map(|a| a.0)
        .chain([20])
        .min()
        .unwrap_or(20);
    run.scenario().base_year + 1 + youngest as i32
}

/// The paragraph about one scenario: men aged 20, the force against the target, and
/// automation, in `year` (the projection's last year if it ends before).
pub fn scenario_paragraph(run: &ScenarioRun, year: i32) -> String {
    let name = run.name();
    let Some(first) = run.rows.first() else { return String::new() };
    let last = run.rows.last().map_or(first.year, |r| r.year);
    let y = year.clamp(first.year, last);
    let v = |yr: i32, col: &str| run.value(yr, col).unwrap_or(f64::NAN);
    let mut out = Vec::new();

    // Men aged 20.
    let (m0, my) = (first.men_age_20, v(y, "men_age_20"));
    let mut s = format!(
        "In {}, men aged 20 {} from {} in {} to {} in {y} ({})",
        scenario_ref(name),
        change(m0, my),
        count(m0),
        first.year,
        count(my),
        pct(m0, my)
    );
    if change(m0, my) == "stay at about" {
        s = format!("In {}, men aged 20 stay at about {} from {} to {y}", scenario_ref(name), count(m0), first.year);
    }
    if last >= 2070 && y < 2070 {
        s.push_str(&format!(" and to {} by 2070", count(v(2070, "men_age_20"))));
    }
    let turning = v(y, "men_turning_20");
    if turning.is_finite() {
        s.push_str(&format!("; {} men of the cohort born in {} turn 20 in {y}", count(turning), y - 20));
    }
    out.push(s + ".");

    // What the force is made of: conscripts by branch, then the career cadre.
    let st = run.inputs.data.force.structure();
    let cy = v(y, "conscripts");
    let corps: Vec<f64> = st.corps.iter().map(|c| v(y, &c.key)).collect();
    let makeup = std::iter::once(cy).chain(corps.iter().copied()).all(f64::is_finite).then(|| {
        let cadre: Vec<String> =
            st.corps.iter().zip(&corps).map(|(c, x)| format!("{} {}", count(*x), lower_first(&c.label))).collect();
        if st.branches.len() == 1 {
            format!("In {y} the force is {} {} and {}.", count(cy), lower_first(&st.branches[0].label), list(&cadre))
        } else {
            let branches: Vec<String> = st
                .branches
                .iter()
                .map(|b| format!("{} {}", b.label, count(v(y, &format!("conscripts_{}", b.key)))))
                .collect();
            format!("In {y} the force is {} conscripts ({}), {}.", count(cy), branches.join(", "), list(&cadre))
        }
    });

    // The force against the target.
    let (a0, ay, ty, gy) = (first.force_available, v(y, "force_available"), v(y, "force_target"), v(y, "force_gap"));
    match run.rows.iter().find(|r| r.force_gap > NO_GAP) {
        None => {
            out.push(format!(
                "The force available ({} in {y}) meets the troop target ({} in {y}) in every year to {last}.",
                count(ay),
                count(ty)
            ));
            out.extend(makeup);
        }
        Some(short) => {
            let target = format!("the {} target", count(short.force_target));
            let mut short_text = if short.year == first.year {
                format!("it is already short of {target} in {}", first.year)
            } else {
                format!("it falls short of {target} from {}", short.year)
            };
            if (short.force_target - ty).abs() >= NO_GAP {
                short_text.push_str(&format!(" (the target is {} in {y})", count(ty)));
            }
            let mut s = if change(a0, ay) == "stay at about" {
                format!("The force available stays at about {} from {} to {y}; {short_text}", count(a0), first.year)
            } else {
                format!(
                    "The force available {}s from {} in {} to {} in {y}; {short_text}",
                    change(a0, ay),
                    count(a0),
                    first.year,
                    count(ay)
                )
            };
            if let Some(big) = run.rows.iter().find(|r| r.force_gap >= 100_000.0) {
                if big.year > first.year {
                    s.push_str(&format!("; the gap passes 100,000 in {}", big.year));
                }
            }
            s.push('.');
            out.push(s);
            out.extend(makeup);
            if gy > NO_GAP {
                out.push(format!("In {y} the gap is {} troops.", count(gy)));
            } else {
                out.push(format!("In {y} the target is met."));
            }
        }
    }

    // Automation.
    let a = &run.scenario().automation;
    let cur = &a.currency;
    if gy > NO_GAP {
        let (needed, fielded, cost, unc) = (
            v(y, "automation_systems_needed"),
            v(y, "automation_systems_fielded"),
            v(y, "automation_cost"),
            v(y, "uncovered_gap"),
        );
        let k = a.soldiers_replaced_per_system;
        let k_text = if k.fract() == 0.0 { count(k) } else { crate::output::numbers::decimal(k, 1) };
        let k_phrase = format!("one replaces {k_text} soldiers");
        let mut s = if fielded >= needed {
            format!(
                "Covering it needs {} unmanned systems ({k_phrase}), all of which can be in service by {y}, at a cost \
                 of {} that year",
                count(needed),
                money(cost, cur)
            )
        } else {
            format!(
                "Covering it needs {} unmanned systems ({k_phrase}); the fielding limit allows {} by {y}, at a cost of \
                 {} that year",
                count(needed),
                count(fielded),
                money(cost, cur)
            )
        };
        if unc > NO_GAP {
            s.push_str(&format!(", leaving {} troops uncovered", count(unc)));
        }
        s.push('.');
        out.push(s);
    } else {
        out.push(format!("No automation is needed in {y}."));
    }
    let costs: Vec<(i32, f64)> = run.rows.iter().map(|r| (r.year, r.automation_cost)).collect();
    match peak_shape(&costs) {
        Some(PeakShape::Rising { year, value }) => out.push(format!(
            "The yearly cost of automation is still rising at the end of the projection: {} in {year}.",
            money(value, cur)
        )),
        Some(PeakShape::Plateau { from, value }) => out.push(format!(
            "The yearly cost of automation levels off at {} from {from} to the end of the projection.",
            money(value, cur)
        )),
        Some(PeakShape::Peak { year, value }) => {
            out.push(format!("The yearly cost of automation peaks at {} in {year}.", money(value, cur)))
        }
        None => {}
    }
    out.join(" ")
}

/// Values within this relative distance of the maximum count as equal to it (a cost
/// computed from whole systems repeats the same figure to the last won, but a path may
/// wobble in its last digits).
pub const PLATEAU_TOLERANCE: f64 = 1e-6;

/// How a positive series reaches its maximum.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PeakShape {
    /// The maximum is the last year's and above the year before's.
    Rising {
        /// The last year.
        year: i32,
        /// Its value.
        value: f64,
    },
    /// The maximum is reached in `from` and held (within [`PLATEAU_TOLERANCE`]) in every
    /// later year.
    Plateau {
        /// The first year at the maximum.
        from: i32,
        /// The maximum.
        value: f64,
    },
    /// The maximum is reached in `year` (its first year) and the series falls later.
    Peak {
        /// The first year at the maximum.
        year: i32,
        /// The maximum.
        value: f64,
    },
}

/// The shape of `series` (year, value) at its maximum; `None` when it is empty or
/// never positive.
pub fn peak_shape(series: &[(i32, f64)]) -> Option<PeakShape> {
    let max = series.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
    if max.is_nan() || max <= 0.0 {
        return None;
    }
    let at_max = |v: f64| v >= max * (1.0 - PLATEAU_TOLERANCE);
    let first = series.iter().position(|p| at_max(p.1))?;
    let (year, value) = series[first];
    if series[first..].iter().all(|p| at_max(p.1)) {
        if first + 1 == series.len() {
            return Some(PeakShape::Rising { year, value });
        }
        return Some(PeakShape::Plateau { from: year, value: max });
    }
    Some(PeakShape::Peak { year, value })
}

/// The top-level sections in which two scenarios differ.
pub fn differing_sections(a: &crate::scenario::Scenario, b: &crate::scenario::Scenario) -> Vec<&'static str> {
    let mut d = Vec::new();
    if a.fertility != b.fertility {
        d.push("fertility");
    }
    if a.mortality != b.mortality {
        d.push("mortality");
    }
    if a.migration != b.migration {
        d.push("migration");
    }
    if a.force != b.force {
        d.push("force");
    }
    if a.automation != b.automation {
        d.push("automation");
    }
    if (a.base_year, a.end_year, &a.country, a.base_population)
        != (b.base_year, b.end_year, &b.country, b.base_population)
    {
        d.push("base");
    }
    d
}

/// "32,489 smaller than in the baseline" / "the same as in the baseline".
fn versus(x: f64, base: f64, base_name: &str, smaller: &str, larger: &str) -> String {
    let d = x - base;
    if d.abs() < NO_GAP {
        format!("the same as in {}", scenario_ref(base_name))
    } else {
        format!("{} {} than in {}", count(d.abs()), if d < 0.0 { smaller } else { larger }, scenario_ref(base_name))
    }
}

/// The paragraph comparing `run` with `base` (the first scenario), in `year` and 2070.
pub fn comparison_paragraph(run: &ScenarioRun, base: &ScenarioRun, year: i32) -> String {
    let (name, bname) = (run.name(), base.name());
    let years: Vec<i32> = run.rows.iter().map(|r| r.year).filter(|y| base.row(*y).is_some()).collect();
    let (Some(&first), Some(&last)) = (years.first(), years.last()) else {
        return format!("{} and {} share no projection year.", scenario_ref_capital(name), scenario_ref(bname));
    };
    let y = year.clamp(first, last);
    let gap = |r: &ScenarioRun, yr: i32| r.value(yr, "force_gap").unwrap_or(f64::NAN);
    let differ = years.iter().copied().find(|&yr| (gap(run, yr) - gap(base, yr)).abs() >= NO_GAP);
    let Some(from) = differ else {
        return format!(
            "{} has the same force gap as {} in every year {first}-{last}.",
            scenario_ref_capital(name),
            scenario_ref(bname)
        );
    };
    let mut out = Vec::new();
    let mut s = scenario_ref_capital(name);
    if from > first + 1 {
        s.push_str(&format!(" has the same force gap as {} until {}", scenario_ref(bname), from - 1));
        let only_fertility = differing_sections(run.scenario(), base.scenario()) == ["fertility"];
        if only_fertility && from >= first_year_fertility_acts(base) - 1 {
            s.push_str(": everyone who reaches service age by then is already born");
        }
        s.push_str(&format!("; in {y} its gap is {}", count(gap(run, y))));
    } else {
        s.push_str(&format!(" has a force gap of {} in {y}", count(gap(run, y))));
    }
    s.push_str(&format!(", {}", versus(gap(run, y), gap(base, y), bname, "smaller", "larger")));
    if last >= 2070 && y < 2070 {
        let d = gap(run, 2070) - gap(base, 2070);
        let rel = if d.abs() < NO_GAP {
            "the same".to_string()
        } else {
            format!("{} {}", count(d.abs()), if d < 0.0 { "smaller" } else { "larger" })
        };
        s.push_str(&format!(", and {} in 2070 ({rel})", count(gap(run, 2070))));
    }
    out.push(s + ".");
    let cost = |r: &ScenarioRun| r.value(y, "automation_cost").unwrap_or(f64::NAN);
    let (c, cb) = (cost(run), cost(base));
    let cur = &run.scenario().automation.currency;
    let d = c - cb;
    let rel = if d.abs() < 0.5e9 {
        format!("about the same as in {}", scenario_ref(bname))
    } else {
        format!("{} {} than in {}", money(d.abs(), cur), if d < 0.0 { "less" } else { "more" }, scenario_ref(bname))
    };
    out.push(format!("Automation costs {} in {y}, {rel}.", money(c, cur)));
    out.join(" ")
}

/// "NCO fill rate (42% to 95%: 206,724 to 177,739)".
fn effect_phrase(e: &Effect, k: usize, as_money: Option<&str>) -> String {
    let fmt = |x: f64| match as_money {
        Some(cur) => money(x, cur),
        None => count(x),
    };
    format!(
        "{} ({} to {}: {} to {})",
        lower_first(e.range.knob.label()),
        e.low_value.text,
        e.high_value.text,
        fmt(e.at_low[k]),
        fmt(e.at_high[k])
    )
}

/// What the first scenario's gap and cost are most sensitive to.
pub fn sensitivity_paragraphs(s: &Sensitivity, run: &ScenarioRun) -> Vec<String> {
    let y = s.year;
    let mut out = Vec::new();
    let gap_k = Sensitivity::output_index("force_gap").unwrap_or(0);
    let cost_k = Sensitivity::output_index("automation_cost").unwrap_or(1);
    let moving: Vec<&Effect> =
        s.ranked(gap_k).into_iter().filter(|e| e.swing(gap_k, s.base[gap_k]) >= NO_GAP).collect();
    let still: Vec<&Effect> = s.ranked(gap_k).into_iter().filter(|e| e.swing(gap_k, s.base[gap_k]) < NO_GAP).collect();
    if let Some(top) = moving.first() {
        let rest: Vec<String> = moving.iter().skip(1).take(2).map(|e| lower_first(e.range.knob.label())).collect();
        let mut p = format!(
            "Of {} uncertain parameters varied one at a time over their ranges, the force gap in {y} ({} in {}) is most \
             sensitive to {}",
            s.effects.len(),
            count(s.base[gap_k]),
            scenario_ref(&s.scenario),
            effect_phrase(top, gap_k, None)
        );
        if !rest.is_empty() {
            p.push_str(&format!(", then to {}", list(&rest)));
        }
        p.push('.');
        let assumed: Vec<String> = moving
            .iter()
            .take(3)
            .filter(|e| e.range.source.starts_with("Assumption"))
            .map(|e| lower_first(e.range.knob.label()))
            .collect();
        if !assumed.is_empty() {
            let (verb, noun) = if assumed.len() == 1 { ("is an", "assumption") } else { ("are", "assumptions") };
            p.push_str(&format!(
                " {} {verb} {noun} rather than {}: better evidence there would most narrow the answer.",
                capitalise(&list(&assumed)),
                if assumed.len() == 1 { "a published figure" } else { "published figures" }
            ));
        }
        out.push(p);
    }
    let (automation, other): (Vec<&Effect>, Vec<&Effect>) =
        still.iter().partition(|e| e.range.knob.key().starts_with("automation"));
    if !other.is_empty() {
        let names: Vec<String> = other.iter().map(|e| lower_first(e.range.knob.label())).collect();
        let verb = if names.len() == 1 { "does" } else { "do" };
        let mut p = format!("{} {verb} not change the gap in {y}", capitalise(&list(&names)));
        if s.base[gap_k] < NO_GAP {
            // No gap to move: the force meets the target whatever these settings, which
            // is the reason for every one of them (fertility's timing is not).
            let ranges = if other.len() == 1 { "its range" } else { "their ranges" };
            p.push_str(&format!(": the force meets the troop target in {y} at both ends of {ranges}"));
        } else if other.iter().any(|e| e.range.knob == Knob::Tfr) && y < first_year_fertility_acts(run) {
            // The reason is fertility's alone: said of fertility, not of the whole list.
            let why = format!(
                "fertility cannot act on the force before {}, as everyone who reaches service age by then is already \
                 born",
                first_year_fertility_acts(run)
            );
            p.push_str(&if other.len() == 1 { format!(": {why}") } else { format!(" ({why})") });
        }
        out.push(p + ".");
    }
    if !automation.is_empty() {
        let names: Vec<String> = automation.iter().map(|e| lower_first(e.range.knob.label())).collect();
        out.push(format!(
            "The automation parameters ({}) change what covering the gap costs, not the gap itself.",
            list(&names)
        ));
    }
    let cost: Vec<&Effect> =
        s.ranked(cost_k).into_iter().filter(|e| e.swing(cost_k, s.base[cost_k]) >= 0.5e9).take(3).collect();
    if let Some(top) = cost.first() {
        let rest: Vec<String> = cost.iter().skip(1).map(|e| lower_first(e.range.knob.label())).collect();
        let mut p = format!(
            "The yearly automation cost in {y} ({}) is most sensitive to {}",
            money(s.base[cost_k], &s.currency),
            effect_phrase(top, cost_k, Some(&s.currency))
        );
        if !rest.is_empty() {
            p.push_str(&format!(", then to {}", list(&rest)));
        }
        out.push(p + ".");
    }
    out
}

/// A probability as a whole percentage ("85%"), with "under 1%" and "over 99%" at
/// the ends so that a rare event is not written as impossible.
fn chance(p: f64) -> String {
    if p > 0.0 && p < 0.005 {
        "under 1%".into()
    } else if p < 1.0 && p > 0.995 {
        "over 99%".into()
    } else {
        format!("{:.0}%", p * 100.0)
    }
}

/// The range of outcomes of a Monte Carlo run of `run`'s scenario in `year`: the 90%
/// range of the force available and of the cost, and the probability that the gap
/// exceeds each of the scenario's thresholds.
pub fn uncertainty_paragraphs(o: &Outcome, run: &ScenarioRun, year: i32) -> Vec<String> {
    let q = |metric: &str| o.quantiles.iter().find(|r| r.year == year && r.metric == metric);
    let mut out = Vec::new();
    // q = [p05, p10, p25, p50, p75, p90, p95]
    if let Some(f) = q("force_available") {
        let det = run.value(year, "force_available").unwrap_or(f64::NAN);
        let mut p = format!(
            "Across {} of {} (seed {}), the force available in {year} lies between {} and {} \
             in 90% of them (median {}, against {} in the deterministic projection)",
            crate::output::numbers::trajectories(o.options.trajectories).replacen(' ', " Monte Carlo ", 1),
            scenario_ref(run.name()),
            o.options.seed,
            count(f.q[0]),
            count(f.q[6]),
            count(f.q[3]),
            count(det)
        );
        let gaps: Vec<String> = o
            .probabilities
            .iter()
            .filter(|r| r.year == year && r.metric == "force_gap" && r.condition == "above" && r.threshold > 0.0)
            .map(|r| format!("{} with a probability of {}", count(r.threshold), chance(r.probability)))
            .collect();
        if !gaps.is_empty() {
            p.push_str(&format!("; the gap exceeds {}", list(&gaps)));
        }
        out.push(p + ".");
    }
    if let Some(c) = q("automation_cost") {
        let cur = &run.scenario().automation.currency;
        out.push(format!(
            "Covering the gap would cost between {} and {} in {year} (90% of trajectories; median {}).",
            money(c.q[0], cur),
            money(c.q[6], cur),
            money(c.q[3], cur)
        ));
    }
    let n = o.options.trajectories;
    if n < crate::output::numbers::FEW_TRAJECTORIES && !out.is_empty() {
        out.push(format!(
            "With {} these ranges and probabilities describe a handful of draws, not the spread of outcomes: \
             with fewer than {} the 5th and 95th percentiles lie between the two smallest and the two largest \
             draws; run at least 1,000 (--trajectories 1000) to read them.",
            crate::output::numbers::trajectories(n),
            crate::output::numbers::FEW_TRAJECTORIES
        ));
    }
    out
}

/// The bottom line of a comparison in `year` (the projection's last year if it ends
/// before), for the first lines of a report: conscription-age men, the force against
/// its target, the gap, the automation that would cover it and what that costs in the
/// year, in total and at present value, for the first scenario; then each further
/// scenario in one sentence against it. Every figure is read from the projections.
pub fn bottom_line(c: &Comparison, year: i32) -> Vec<String> {
    let base = &c.runs[0];
    let Some(first) = base.rows.first() else { return Vec::new() };
    let last = base.rows.last().map_or(first.year, |r| r.year);
    let y = year.clamp(first.year, last);
    let v = |r: &ScenarioRun, col: &str| r.value(y, col).unwrap_or(f64::NAN);
    let a = &base.scenario().automation;
    let cur = &a.currency;
    let rate = crate::output::numbers::percent(a.discount_rate);
    let mut out = Vec::new();
    let (m0, my) = (first.men_age_20, v(base, "men_age_20"));
    let (avail, target, gap) = (v(base, "force_available"), v(base, "force_target"), v(base, "force_gap"));
    let mut s = format!(
        "In {y}, {} men will be aged 20, the age that feeds conscription, against {} in {} ({}). {} can field \
         {} troops against a target of {}",
        count(my),
        count(m0),
        first.year,
        pct(m0, my),
        scenario_ref_capital(base.name()),
        count(avail),
        count(target)
    );
    if gap > NO_GAP {
        s.push_str(&format!(
            ": {} troops short, {} of the target.",
            count(gap),
            crate::output::numbers::percent(gap / target)
        ));
    } else {
        s.push_str(", which it meets.");
    }
    out.push(s);
    let (needed, fielded, cost) =
        (v(base, "automation_systems_needed"), v(base, "automation_systems_fielded"), v(base, "automation_cost"));
    let (cum, npv) = (v(base, "automation_cost_cumulative"), v(base, "automation_cost_npv"));
    if gap > NO_GAP {
        let k = a.soldiers_replaced_per_system;
        let k_text = if k.fract() == 0.0 { count(k) } else { crate::output::numbers::decimal(k, 1) };
        let mut s = format!("Covering the gap takes {} unmanned systems at {k_text} soldiers each", count(needed));
        if fielded < needed {
            s.push_str(&format!("; the fielding limit allows {} by {y}", count(fielded)));
        }
        out.push(s + ".");
    }
    if cum > 0.0 {
        out.push(format!(
            "Automation costs {} in {y}, {} in all from {} to {y}, or {} at present value (discounted to {} at {rate} a \
             year).",
            money(cost, cur),
            money(cum, cur),
            first.year,
            money(npv, cur),
            first.year
        ));
    }
    for r in c.runs.iter().skip(1) {
        if r.inputs.data.name != base.inputs.data.name {
            // Another country: its own numbers, in its own currency, never a difference.
            let (Some(r0), g) = (r.rows.first(), v(r, "force_gap")) else { continue };
            let (m, avail, target) = (v(r, "men_age_20"), v(r, "force_available"), v(r, "force_target"));
            if !(m.is_finite() && avail.is_finite() && target > 0.0) {
                continue;
            }
            let short = if g > NO_GAP {
                format!("{} short ({} of its target)", count(g), crate::output::numbers::percent(g / target))
            } else {
                "which meets its target".to_string()
            };
            let k = v(r, "automation_cost_cumulative");
            let spend = if k.is_finite() && k > 0.0 {
                format!("; automation to {y} costs {}", money(k, &r.scenario().automation.currency))
            } else {
                String::new()
            };
            out.push(format!(
                "In {} ({}), {} men are aged 20 in {y} against {} in {} ({}); it fields {} troops against its own \
                 target of {}, {short}{spend}.",
                r.inputs.data.name,
                scenario_ref(r.name()),
                count(m),
                count(r0.men_age_20),
                r0.year,
                pct(r0.men_age_20, m),
                count(avail),
                count(target),
            ));
            continue;
        }
        let (g, gb) = (v(r, "force_gap"), gap);
        let (k, kb) = (v(r, "automation_cost_cumulative"), cum);
        if !(g.is_finite() && k.is_finite()) {
            continue;
        }
        let dk = k - kb;
        let spend = if dk.abs() < 0.5e9 {
            "the same".to_string()
        } else {
            format!("{} {}", money(dk.abs(), cur), if dk < 0.0 { "less" } else { "more" })
        };
        out.push(format!(
            "{}: a gap of {} in {y} ({}) and {} spent on automation to {y} ({spend}).",
            capitalise(&scenario_ref(r.name())),
            count(g),
            versus(g, gb, base.name(), "smaller", "larger"),
            money(k, cur),
        ));
    }
    out
}

/// All findings of a comparison in `year`, with the first scenario's sensitivity and
/// Monte Carlo outcome when they were run.
pub fn findings(c: &Comparison, year: i32, sensitivity: Option<&Sensitivity>, mc: Option<&Outcome>) -> Findings {
    let base = &c.runs[0];
    Findings {
        scenarios: c.runs.iter().map(|r| scenario_paragraph(r, year)).collect(),
        // Only scenarios of the first scenario's country are set against it: another
        // country's population, force and currency are not a variant of it.
        comparisons: c
            .runs
            .iter()
            .skip(1)
            .filter(|r| r.inputs.data.name == base.inputs.data.name)
            .map(|r| comparison_paragraph(r, base, year))
            .collect(),
        sensitivity: sensitivity.map(|s| sensitivity_paragraphs(s, base)).unwrap_or_default(),
        uncertainty: mc.map(|o| uncertainty_paragraphs(o, base, year)).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_helpers() {
        assert_eq!(list(&["a".into(), "b".into(), "c".into()]), "a, b and c");
        assert_eq!(list(&["a".into()]), "a");
        assert_eq!(change(100.0, 50.0), "fall");
        assert_eq!(change(100.0, 100.2), "stay at about");
        assert_eq!(pct(231_614.0, 150_530.0), "\u{2212}35%");
        assert_eq!(scenario_ref_capital("baseline"), "The baseline");
        assert_eq!(scenario_ref("fertility-low"), "scenario fertility-low");
        assert_eq!(lower_first("Fertility (TFR)"), "fertility (TFR)");
        assert_eq!(lower_first("NCO fill rate"), "NCO fill rate");
    }

    #[test]
    fn bottom_line_quotes_the_baseline() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let run = crate::analysis::batch::run_one("baseline", &dir).expect("baseline");
        let c = Comparison::new(vec![run]).expect("comparison");
        let run = &c.runs[0];
        let lines = bottom_line(&c, 2040);
        let text = lines.join(" ");
        let v = |col: &str| run.value(2040, col).unwrap();
        for figure in [count(v("men_age_20")), count(v("force_available")), count(v("force_gap"))] {
            assert!(text.contains(&figure), "{figure} missing: {text}");
        }
        let cur = &run.scenario().automation.currency;
        assert!(text.contains(&money(v("automation_cost_cumulative"), cur)), "{text}");
        assert!(text.contains(&money(v("automation_cost_npv"), cur)), "{text}");
        assert!(text.contains("at 4.5% a year"), "{text}");
        assert!(!text.contains("  "), "a double space: {text}");
    }

    #[test]
    fn a_flat_end_is_a_plateau_not_a_rise() {
        // The baseline's automation cost: rising, then flat at 15.0 trillion from 2082
        // (the sentence once said "still rising ... in 2100").
        let flat: Vec<(i32, f64)> = (2075..=2100)
            .map(|y| (y, if y < 2082 { 14.0e12 + 1.0e11 * f64::from(y - 2075) } else { 15.0e12 }))
            .collect();
        assert_eq!(peak_shape(&flat), Some(PeakShape::Plateau { from: 2082, value: 15.0e12 }));
        let rising: Vec<(i32, f64)> = (2090..=2100).map(|y| (y, f64::from(y - 2089))).collect();
        assert_eq!(peak_shape(&rising), Some(PeakShape::Rising { year: 2100, value: 11.0 }));
        let peak = [(2030, 1.0), (2040, 3.0), (2050, 3.0), (2060, 2.0)];
        assert_eq!(peak_shape(&peak), Some(PeakShape::Peak { year: 2040, value: 3.0 }));
        assert_eq!(peak_shape(&[(2030, 0.0), (2031, 0.0)]), None);
        assert_eq!(peak_shape(&[]), None);
    }
}
