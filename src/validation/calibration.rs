//! Force calibration: run the force model over 2015-2025 and compare `force_available`
//! with the observed active-duty strengths in `force_and_context_facts.csv`.
//!
//! ## Population
//! - `registration` (used for the fit): the resident-registration base of 30 June 2025
//!   (citizens, the population liable for service) carried back year by year with the
//!   WPP life tables, P_x(y) = P_{x+1}(y+1) / s_x(y); emigration and naturalisation of
//!   citizens are ignored. The men aged 20 in 2015 are those aged 30 in 2025.
//! - `wpp`: the back-test projection from WPP's 2010 estimates with WPP's observed rates
//!   (medium variant after 2023) and the back-test's default, residual migration pattern
//!   ([`super::residual`]; with the population-proportional pattern the RMS error below
//!   was 4.8% instead of 3.4%, because the residual pattern carries WPP's own cohorts of
//!   2015 and 2020). It counts all residents, foreigners included, so it
//!   over-states the men liable for service; it is reported as a sensitivity, with the
//!   baseline parameters and the cadre fitted on `registration`.
//!
//! ## Service length
//! Army service was 21 months before Defense Reform 2.0 and 18 months after; the two
//! values are read from the facts table ("Army service length before Defense Reform 2.0",
//! 21 months, 2017; "Mandatory service length, Army/Marines", 18 months, 2018).
//!
//! **Unsourced assumption: the phase-in ([`REFORM_PHASE`]).** The facts table gives the
//! two lengths but not how or when service fell from one to the other. The constant
//! assumes the schedule as announced in 2018 and written here from memory, not from the
//! data: one day less for every two weeks of later enlistment, from enlistees of January
//! 2017 to those of June 2020, the first to serve 18 months — in model time (1 July =
//! whole year) the months of an intake fall linearly from 21 at 2016.5 to 18 at 2020.0.
//! The report prints it as an assumption, with the calibration's RMS error under other
//! phase-ins ([`PHASE_ALTERNATIVES`]). Navy and Air Force terms (23 → 20, 24 → 22 months)
//! are longer; the army figure is used for all.
//!
//! ## Anchors
//! Every observed active-duty figure of the facts table whose date lies in the window.
//! Its wording sets the time: "end of" a year is half a year after the model's 1 July,
//! "Jan" half a year before, "July" and undated figures are taken at 1 July. The model
//! is interpolated linearly between 1 July values.
//!
//! ## Fit
//! Least squares on relative errors, by grid search then refinement, of two numbers:
//! the share of fit men not entering active service (`alternative_service_share`) and the
//! cadre stock of 2015, with the sourced fit rate, enlistment ages, cadre retention and
//! recruitment propensities held at the baseline's values.

use std::fmt::Write as _;
use std::path::Path;

use crate::data::{CountryData, interpolate};
use crate::demography::{Population, Sex, Survival};
use crate::error::{Error, Result};
use crate::force::{cadre, conscripts};
use crate::run::Inputs;
use crate::scenario::ForceSpec;

/// First and last year of the calibration window.
pub const WINDOW: (i32, i32) = (2015, 2025);
/// Years before the window whose intakes still serve in its first year.
const LEAD: i32 = 3;
/// Enlistment times (model time) between which army service fell from the pre-reform to
/// the post-reform length. UNSOURCED ASSUMPTION: Defense Reform 2.0's announced schedule
/// (enlistees of January 2017 to June 2020) written from memory; the data give only the
/// two lengths, not the phase-in. See [`PHASE_ALTERNATIVES`] for the sensitivity.
pub const REFORM_PHASE: (f64, f64) = (2016.5, 2020.0);

/// A service-length schedule: army months before and after the cut (`None`: the data's),
/// falling linearly over the intakes of `phase` (model time).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Schedule {
    /// What the schedule is.
    pub label: &'static str,
    /// Months before and after; `None` for the facts table's 21 and 18.
    pub months: Option<(f64, f64)>,
    /// First and last intake of the phase-in (equal for an abrupt cut).
    pub phase: (f64, f64),
}

/// Other schedules the calibration is re-run with, to show how much the unsourced
/// [`REFORM_PHASE`] matters.
pub const PHASE_ALTERNATIVES: [Schedule; 4] = [
    Schedule { label: "phase-in one year earlier (intakes 2015.5-2019.0)", months: None, phase: (2015.5, 2019.0) },
    Schedule { label: "phase-in one year later (intakes 2017.5-2021.0)", months: None, phase: (2017.5, 2021.0) },
    Schedule { label: "abrupt cut for intakes from 2018.5 (no phase-in)", months: None, phase: (2018.5, 2018.5) },
    Schedule { label: "no cut (21 months throughout)", months: Some((21.0, 21.0)), phase: REFORM_PHASE },
];

/// An observed active-duty strength.
#[derive(Debug, Clone, PartialEq)]
pub struct Anchor {
    /// Year as given in the data.
    pub year: i32,
    /// Model time of the figure (1 July of `year` = `year`).
    pub time: f64,
    /// Persons.
    pub observed: f64,
    /// The figure's wording in the data.
    pub figure: String,
    /// Its source.
    pub source: String,
}

impl Anchor {
    /// A short date label: `2018 end`, `2018 Jan`, `2025 Jul`, `2017`.
    pub fn label(&self) -> String {
        let d = self.time - f64::from(self.year);
        if d > 0.25 {
            format!("{} end", self.year)
        } else if d < -0.25 {
            format!("{} Jan", self.year)
        } else if self.figure.to_lowercase().contains("july") {
            format!("{} Jul", self.year)
        } else {
            format!("{}", self.year)
        }
    }
}

/// The observed troop anchors of the data, with model times.
pub fn anchors(data: &CountryData) -> Vec<Anchor> {
    data.observed_troops()
        .into_iter()
        .map(|(year, observed, f)| {
            let l = f.figure.to_lowercase();
            let shift = if l.contains("end of") {
                0.5
            } else if l.contains("jan") {
                -0.5
            } else {
                0.0
            };
            Anchor { year, time: f64::from(year) + shift, observed, figure: f.figure.clone(), source: f.source.clone() }
        })
        .collect()
}

/// Army service months before and after Defense Reform 2.0, from the facts table.
pub fn service_months(data: &CountryData) -> Result<(f64, f64)> {
    let find = |prefix: &str| {
        data.facts
            .iter()
            .find(|f| f.unit == "months" && f.figure.to_lowercase().starts_with(prefix))
            .and_then(|f| f.value.parse::<f64>().ok())
    };
    match (find("army service length before defense reform"), find("mandatory service length")) {
        (Some(a), Some(b)) => Ok((a, b)),
        _ => Err(Error::data(
            data.dir.join(crate::data::country::files::FACTS),
            None,
            "figure",
            "needs the rows `Army service length before Defense Reform 2.0` and `Mandatory service length, Army/Marines` (unit months)",
        )),
    }
}

/// Service months of the intake of model year `t` under the assumed [`REFORM_PHASE`].
pub fn months_at(t: f64, months: (f64, f64)) -> f64 {
    months_phased(t, months, REFORM_PHASE)
}

/// Service months of the intake of model year `t`, falling linearly over `phase`
/// (a step at `phase.0` when the two are equal).
pub fn months_phased(t: f64, (before, after): (f64, f64), (a, b): (f64, f64)) -> f64 {
    if t < a || (t == a && a < b) {
        before
    } else if t >= b {
        after
    } else {
        before + (after - before) * (t - a) / (b - a)
    }
}

/// Populations of `first..=last` by carrying the registered base back in time.
pub fn registration_backcast(inputs: &Inputs, first: i32) -> Vec<Population> {
    let data = &inputs.data;
    let last = data.base.year;
    let mut pops = vec![Population { male: data.base.male, female: data.base.female }];
    for y in (first..last).rev() {
        let next = pops.last().expect("starts with the base").clone();
        let mx = inputs.mortality.at(f64::from(y) + 1.0);
        let mut p = next.clone();
        for (s, sex) in Sex::BOTH.into_iter().enumerate() {
            let surv = Survival::from_mx(&mx[s], sex);
            let (src, dst) = if s == 0 { (&next.male, &mut p.male) } else { (&next.female, &mut p.female) };
            for x in 0..crate::NAGES - 1 {
                dst[x] = if surv.s[x] > 0.0 { src[x + 1] / surv.s[x] } else { src[x + 1] };
            }
            dst[crate::NAGES - 1] = src[crate::NAGES - 1];
        }
        pops.push(p);
    }
    pops.reverse();
    pops
}

/// Populations of `start..=last` from the back-test projection of WPP's estimates of
/// `start` (observed rates to 2023, WPP medium after; residual migration pattern).
pub fn wpp_projection(inputs: &Inputs, start: i32, last: i32) -> Result<Vec<Population>> {
    Ok(super::backtest::project(inputs, start, last, super::backtest::MigrationPattern::Residual, true)?.0)
}

/// The force over a window: populations `pops` of years `first..`, the window starting
/// at `window_start` (cadre stock `cadre0` there).
#[derive(Debug, Clone, PartialEq)]
pub struct ForcePath {
    /// Years of the window.
    pub years: Vec<i32>,
    /// Serving conscripts at 1 July.
    pub conscripts: Vec<f64>,
    /// Career cadre at 1 July.
    pub cadre: Vec<f64>,
    /// Conscripts + cadre.
    pub available: Vec<f64>,
}

impl ForcePath {
    /// `available` at model time `t`, linear between 1 July values, flat outside.
    pub fn at(&self, t: f64) -> f64 {
        let pts: Vec<(i32, f64)> = self.years.iter().copied().zip(self.available.iter().copied()).collect();
        interpolate(&pts, t)
    }
}

/// Runs conscripts (service length by intake year, [`REFORM_PHASE`]) and cadre over the window.
pub fn simulate(pops: &[Population], first: i32, window_start: i32, spec: &ForceSpec, months: (f64, f64)) -> ForcePath {
    simulate_phased(pops, first, window_start, spec, months, REFORM_PHASE)
}

/// [`simulate`] with service falling from `months.0` to `months.1` over `phase`.
pub fn simulate_phased(
    pops: &[Population],
    first: i32,
    window_start: i32,
    spec: &ForceSpec,
    months: (f64, f64),
    phase: (f64, f64),
) -> ForcePath {
    let intakes: Vec<f64> = pops.iter().map(|p| conscripts::intake(p, spec).total()).collect();
    let span = (months.0.max(months.1) / 12.0).ceil() as usize + 1;
    let prior: Vec<f64> = match pops.first() {
        Some(p0) => (1..=span).map(|k| conscripts::intake_shifted(p0, spec, k).total()).collect(),
        None => Vec::new(),
    };
    let w0 = (window_start - first).max(0) as usize;
    let mut out = ForcePath { years: Vec::new(), conscripts: Vec::new(), cadre: Vec::new(), available: Vec::new() };
    for t in w0..pops.len() {
        let stock: f64 = (0..span)
            .map(|k| {
                let (i, year) = if k <= t {
                    (intakes[t - k], first + (t - k) as i32)
                } else {
                    (prior.get(k - t - 1).copied().unwrap_or(0.0), first - (k - t) as i32)
                };
                let sy = months_phased(f64::from(year), months, phase) / 12.0;
                i * conscripts::overlap(sy, k, spec.annual_attrition)
            })
            .sum();
        out.years.push(first + t as i32);
        out.conscripts.push(stock);
    }
    let target: Vec<f64> = out.years.iter().map(|&y| interpolate(&spec.target, f64::from(y))).collect();
    let cad = cadre::simulate(&pops[w0..], &target, &spec.cadre);
    out.available = out.conscripts.iter().zip(&cad.stock).map(|(a, b)| a + b).collect();
    out.cadre = cad.stock;
    out
}

/// Root mean square of the relative errors at the anchors.
pub fn rms_rel(path: &ForcePath, anchors: &[Anchor]) -> f64 {
    let n = anchors.len().max(1) as f64;
    (anchors.iter().map(|a| (path.at(a.time) / a.observed - 1.0).powi(2)).sum::<f64>() / n).sqrt()
}

/// One fitted parameter set and its path.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    /// What was fitted.
    pub label: String,
    /// The force parameters used (with the fitted values in place).
    pub spec: ForceSpec,
    /// Cadre stock at 1 July of the window's first year.
    pub cadre_start: f64,
    /// The model over the window.
    pub path: ForcePath,
    /// RMS relative error at the anchors.
    pub rms: f64,
}

/// Everything the calibration found.
#[derive(Debug, Clone)]
pub struct Calibration {
    /// Anchors inside the window.
    pub anchors: Vec<Anchor>,
    /// Anchors outside the window (listed, not used).
    pub outside: Vec<Anchor>,
    /// Service months before and after the reform.
    pub months: (f64, f64),
    /// Baseline parameters, cadre stock of 2015 fitted (registration population).
    pub baseline: Fit,
    /// Alternative-service share and 2015 cadre stock fitted (registration population).
    pub calibrated: Fit,
    /// The baseline parameters (and fitted cadre) on the WPP all-resident population.
    pub wpp: Fit,
    /// The baseline parameters (2015 cadre refitted) under each of [`PHASE_ALTERNATIVES`]:
    /// how much the unsourced phase-in matters.
    pub phase_sensitivity: Vec<Fit>,
    /// Error profile: for alternative-service shares 0.05, 0.10, …, 0.30, the 2015 cadre
    /// that fits best and the RMS error (shows how well the two are told apart).
    pub profile: Vec<Fit>,
}

fn fit_cadre(
    pops: &[Population],
    first: i32,
    spec: &ForceSpec,
    months: (f64, f64),
    anchors: &[Anchor],
) -> (f64, ForcePath, f64) {
    fit_cadre_phased(pops, first, spec, months, REFORM_PHASE, anchors)
}

fn fit_cadre_phased(
    pops: &[Population],
    first: i32,
    spec: &ForceSpec,
    months: (f64, f64),
    phase: (f64, f64),
    anchors: &[Anchor],
) -> (f64, ForcePath, f64) {
    let eval = |c0: f64| {
        let mut s = spec.clone();
        s.cadre.initial = c0;
        let p = simulate_phased(pops, first, WINDOW.0, &s, months, phase);
        let e = rms_rel(&p, anchors);
        (c0, p, e)
    };
    // The error is convex in the cadre stock: golden-section search on [0, 400k].
    let (mut lo, mut hi) = (0.0_f64, 400_000.0_f64);
    let g = 0.5 * (5f64.sqrt() - 1.0);
    for _ in 0..80 {
        let (a, b) = (hi - g * (hi - lo), lo + g * (hi - lo));
        if eval(a).2 < eval(b).2 {
            hi = b;
        } else {
            lo = a;
        }
    }
    eval((0.5 * (lo + hi)).round())
}

fn fit_both(
    pops: &[Population],
    first: i32,
    spec: &ForceSpec,
    months: (f64, f64),
    anchors: &[Anchor],
) -> (ForceSpec, f64, ForcePath, f64) {
    let mut best: Option<(f64, f64, f64, ForcePath)> = None;
    // Grid over the alternative-service share in steps of 0.005, cadre fitted for each.
    for i in 0..=120 {
        let a = 0.005 * f64::from(i);
        let mut s = spec.clone();
        s.alternative_service_share = a;
        let (c0, path, e) = fit_cadre(pops, first, &s, months, anchors);
        if best.as_ref().is_none_or(|b| e < b.0) {
            best = Some((e, a, c0, path));
        }
    }
    let (e, a, c0, path) = best.expect("the grid is not empty");
    let mut s = spec.clone();
    s.alternative_service_share = a;
    s.cadre.initial = c0;
    (s, c0, path, e)
}

/// Runs the calibration with `spec` as the baseline parameters.
pub fn run(inputs: &Inputs, spec: &ForceSpec) -> Result<Calibration> {
    let data = &inputs.data;
    let months = service_months(data)?;
    let (all_in, outside): (Vec<Anchor>, Vec<Anchor>) =
        anchors(data).into_iter().partition(|a| a.time >= f64::from(WINDOW.0) && a.time <= f64::from(WINDOW.1));
    if all_in.is_empty() {
        return Err(Error::data(
            data.dir.join(crate::data::country::files::FACTS),
            None,
            "figure",
            format!("no observed troop strengths in {}-{}", WINDOW.0, WINDOW.1),
        ));
    }
    let first = WINDOW.0 - LEAD;
    if data.base.year < WINDOW.1 {
        return Err(Error::data(
            &data.dir,
            None,
            "base_population",
            format!("the registered base ({}) must be dated {} or later for the calibration", data.base.year, WINDOW.1),
        ));
    }
    let reg = registration_backcast(inputs, first);
    let (c0, path, rms) = fit_cadre(&reg, first, spec, months, &all_in);
    let mut bspec = spec.clone();
    bspec.cadre.initial = c0;
    let baseline =
        Fit { label: "baseline parameters with 2015 cadre fitted".into(), spec: bspec, cadre_start: c0, path, rms };
    let (cspec, c0, path, rms) = fit_both(&reg, first, spec, months, &all_in);
    let calibrated = Fit {
        label: "alternative share and 2015 cadre fitted".into(),
        spec: cspec.clone(),
        cadre_start: c0,
        path,
        rms,
    };
    let wstart = data.pop5.iter().map(|p| p.year).filter(|y| *y <= first).max().unwrap_or(first);
    let wpp_pops = wpp_projection(inputs, wstart, WINDOW.1)?;
    let wpath = simulate(&wpp_pops, wstart, WINDOW.0, &baseline.spec, months);
    let wrms = rms_rel(&wpath, &all_in);
    let wpp = Fit {
        label: "baseline parameters on WPP all-resident population".into(),
        spec: baseline.spec.clone(),
        cadre_start: baseline.cadre_start,
        path: wpath,
        rms: wrms,
    };
    let profile = (1..=6)
        .map(|i| {
            let mut s = spec.clone();
            s.alternative_service_share = 0.05 * f64::from(i);
            let (c0, path, rms) = fit_cadre(&reg, first, &s, months, &all_in);
            s.cadre.initial = c0;
            Fit {
                label: format!("alternative share {:.2}", s.alternative_service_share),
                spec: s,
                cadre_start: c0,
                path,
                rms,
            }
        })
        .collect();
    let phase_sensitivity = PHASE_ALTERNATIVES
        .iter()
        .map(|alt| {
            let m = alt.months.unwrap_or(months);
            let (c0, path, rms) = fit_cadre_phased(&reg, first, spec, m, alt.phase, &all_in);
            let mut s = spec.clone();
            s.cadre.initial = c0;
            Fit { label: alt.label.to_string(), spec: s, cadre_start: c0, path, rms }
        })
        .collect();
    let calibration =
        Calibration { anchors: all_in, outside, months, baseline, calibrated, wpp, phase_sensitivity, profile };
    crate::output::guard::force_calibration(&calibration)?;
    Ok(calibration)
}

/// Writes `force_calibration.csv`: one row per anchor and fit.
pub fn write_csv(c: &Calibration, path: &Path) -> Result<()> {
    let mut s = String::from("anchor,anchor_time,observed,fit,population,model,error,error_pct,figure\n");
    for (fit, pop) in [(&c.baseline, "registration"), (&c.calibrated, "registration"), (&c.wpp, "wpp")] {
        for a in &c.anchors {
            let m = fit.path.at(a.time);
            let _ = writeln!(
                s,
                "{},{:.1},{:.0},{},{},{:.0},{:.0},{:.3},\"{}\"",
                a.label(),
                a.time,
                a.observed,
                fit.label,
                pop,
                m,
                m - a.observed,
                100.0 * (m / a.observed - 1.0),
                a.figure.replace('"', "'")
            );
        }
    }
    std::fs::write(path, s).map_err(|e| Error::io(path, e))
}

/// Writes `force_calibration_years.csv`: the yearly path of each fit.
pub fn write_years_csv(c: &Calibration, path: &Path) -> Result<()> {
    let mut s = String::from("year,fit,population,intake_service_months,conscripts,cadre,force_available\n");
    for (fit, pop) in [(&c.baseline, "registration"), (&c.calibrated, "registration"), (&c.wpp, "wpp")] {
        for (i, y) in fit.path.years.iter().enumerate() {
            let _ = writeln!(
                s,
                "{y},{},{pop},{:.2},{:.0},{:.0},{:.0}",
                fit.label,
                months_at(f64::from(*y), c.months),
                fit.path.conscripts[i],
                fit.path.cadre[i],
                fit.path.available[i]
            );
        }
    }
    std::fs::write(path, s).map_err(|e| Error::io(path, e))
}

/// The table printed by `forcecast backtest --force`.
pub fn report(c: &Calibration) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Force calibration {}-{}: force_available vs observed active-duty strength (registration population carried back from {}; army service {} -> {} months from the data)",
        WINDOW.0, WINDOW.1, WINDOW.1, c.months.0, c.months.1
    );
    let _ = writeln!(
        s,
        "ASSUMPTION (unsourced, not in the data): service falls linearly over intakes {:.1}-{:.1} (Defense Reform 2.0's announced schedule, enlistees Jan 2017 - Jun 2020, from memory); sensitivity below",
        REFORM_PHASE.0, REFORM_PHASE.1
    );
    let _ = writeln!(
        s,
        "{:<10} {:>10} | {:>10} {:>8} | {:>10} {:>8} | {:>10} {:>8}",
        "anchor", "observed", "baseline", "err %", "calibr.", "err %", "WPP pop", "err %"
    );
    for a in &c.anchors {
        let row = |f: &Fit| {
            let m = f.path.at(a.time);
            (m, 100.0 * (m / a.observed - 1.0))
        };
        let (b, be) = row(&c.baseline);
        let (k, ke) = row(&c.calibrated);
        let (w, we) = row(&c.wpp);
        let _ = writeln!(
            s,
            "{:<10} {:>10.0} | {:>10.0} {:>+8.2} | {:>10.0} {:>+8.2} | {:>10.0} {:>+8.2}",
            a.label(),
            a.observed,
            b,
            be,
            k,
            ke,
            w,
            we
        );
    }
    for f in [&c.baseline, &c.calibrated, &c.wpp] {
        let last = f.path.years.len() - 1;
        let _ = writeln!(
            s,
            "{}: alternative_service_share {:.3}, fit_rate {:.2}, cadre {:.0} ({}) -> {:.0} ({}), conscripts {} {:.0}; RMS error {:.2}%",
            f.label,
            f.spec.alternative_service_share,
            f.spec.fit_rate,
            f.cadre_start,
            f.path.years[0],
            f.path.cadre[last],
            f.path.years[last],
            f.path.years[last],
            f.path.conscripts[last],
            100.0 * f.rms
        );
    }
    let _ = writeln!(
        s,
        "sensitivity to the unsourced phase-in (baseline parameters, 2015 cadre refitted; assumed {:.1}-{:.1}: RMS {:.2}%):",
        REFORM_PHASE.0,
        REFORM_PHASE.1,
        100.0 * c.baseline.rms
    );
    for f in &c.phase_sensitivity {
        let worst = c
            .anchors
            .iter()
            .map(|a| (a, 100.0 * (f.path.at(a.time) / a.observed - 1.0)))
            .max_by(|x, y| x.1.abs().total_cmp(&y.1.abs()));
        let _ = writeln!(
            s,
            "  {}: cadre {:>7.0} (2015), RMS {:.2}%{}",
            f.label,
            f.cadre_start,
            100.0 * f.rms,
            worst.map(|(a, e)| format!(", largest error {e:+.2}% ({})", a.label())).unwrap_or_default()
        );
    }
    let _ = writeln!(s, "error profile (2015 cadre fitted for each alternative-service share):");
    for f in &c.profile {
        let last = f.path.years.len() - 1;
        let _ = writeln!(
            s,
            "  share {:.2}: cadre {:>7.0} (2015) -> {:>7.0} (2025), RMS {:.2}%",
            f.spec.alternative_service_share,
            f.cadre_start,
            f.path.cadre[last],
            100.0 * f.rms
        );
    }
    if !c.outside.is_empty() {
        let list: Vec<String> = c.outside.iter().map(|a| format!("{} {:.0}", a.label(), a.observed)).collect();
        let _ = writeln!(s, "anchors outside the window (not used): {}", list.join(", "));
    }
    s
}
