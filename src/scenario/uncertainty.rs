//! The `[uncertainty]` section: what a Monte Carlo run (`forcecast run --trajectories N`)
//! treats as random, and how much. A deterministic run ignores it.
//!
//! Keys left out take documented defaults. Three of them have no fixed number: the TFR
//! AR(1) coefficient and innovation s.d., the migration AR(1) coefficient and tail
//! degrees of freedom are calibrated at run time to the country's WPP 80% and 95%
//! intervals, and the mortality innovation s.d. comes from the Lee-Carter fit (see
//! `crate::uncertainty`). A value written in the file replaces the calibrated one.

use serde::Serialize;

use super::reader::{Range, Reader, Sink};
use super::spec::DATA_YEARS;

/// Settings of the Monte Carlo run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UncertaintySpec {
    /// `probabilities.csv` reports P(force_gap > x) for each x (persons).
    pub gap_thresholds: Vec<f64>,
    /// `probabilities.csv` reports P(force_available < x) for each x (persons).
    pub available_thresholds: Vec<f64>,
    /// TFR deviations.
    pub fertility: FertilityNoise,
    /// Lee-Carter mortality deviations.
    pub mortality: MortalityNoise,
    /// Net migration deviations.
    pub migration: MigrationNoise,
    /// Force and automation parameters drawn once per trajectory.
    pub force: ForceNoise,
}

/// TFR: an AR(1) in the deviation from the scenario's path,
/// ε_y = φ ε_{y−1} + σ η_y, TFR_y = max(path_y + ε_y, min(floor, path_y)).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FertilityNoise {
    /// φ; `None` = calibrated to the WPP TFR intervals.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ar1: Option<f64>,
    /// σ (children per woman); `None` = calibrated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub innovation_sd: Option<f64>,
    /// Multiplier on σ (0 switches TFR uncertainty off).
    pub sd_scale: f64,
    /// Lower bound on the TFR of a trajectory (a path already below it is not raised).
    pub floor: f64,
}

/// Mortality: m_x(t) = m̂_x(t) · exp(b_x (k_t − k̂_t)), with b_x from a Lee-Carter fit and
/// k_t − k̂_t a random walk (the deterministic path is the centre).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MortalityNoise {
    /// First calendar year of the WPP estimate periods the Lee-Carter model is fitted to.
    pub fit_from: i32,
    /// Last calendar year (periods ending after it are left out).
    pub fit_to: i32,
    /// Random-walk innovation s.d. of k per year; `None` = from the fit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub innovation_sd: Option<f64>,
    /// Multiplier on the innovation s.d. (0 switches mortality uncertainty off).
    pub sd_scale: f64,
}

/// Net migration: yearly deviation s_y · λ · z_y from the scenario's total; z an AR(1),
/// λ a per-trajectory scale that makes the yearly deviation Student-t. On an
/// all-resident base spread over age and sex by the WPP arrival profile and calibrated
/// to WPP's intervals; on a citizen base a rate of each age's population, fitted to the
/// nationals' series ([`crate::uncertainty::migration`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MigrationNoise {
    /// AR(1) coefficient of z; `None` = calibrated to the growth of WPP's intervals (a
    /// citizen base: the nationals' series' lag-1 coefficient).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ar1: Option<f64>,
    /// Degrees of freedom of the yearly deviation; `None` = calibrated to the ratio of
    /// WPP's 95% to 80% interval widths (a citizen base: normal).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tail_df: Option<f64>,
    /// Multiplier on the spread (0 switches migration uncertainty off).
    pub sd_scale: f64,
}

/// Distribution family of a force parameter draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DistKind {
    /// Normal around the scenario value.
    Normal,
    /// Log-normal multiplier with median 1.
    Lognormal,
    /// Uniform around the scenario value, half-width √3·sd.
    Uniform,
}

impl DistKind {
    /// The names accepted in scenario files.
    pub const NAMES: [&'static str; 3] = ["normal", "lognormal", "uniform"];

    fn parse(s: &str) -> Option<DistKind> {
        match s {
            "normal" => Some(DistKind::Normal),
            "lognormal" => Some(DistKind::Lognormal),
            "uniform" => Some(DistKind::Uniform),
            _ => None,
        }
    }
}

/// One parameter's per-trajectory distribution, centred on the scenario's value. Every
/// family is set by its standard deviation `sd`: for a share (active-duty rate, take-up,
/// careerists' continuation) `normal` and `uniform` add a deviation of that s.d.; for a
/// scale (cadre recruiting capacity, fielding capacity, soldiers per system) they multiply by
/// 1 + deviation. `lognormal` multiplies by exp(sd · z) in both cases. Results are
/// clamped to the parameter's valid range. `sd = 0` fixes the parameter.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ParamDist {
    /// Family.
    pub dist: DistKind,
    /// Standard deviation (of the deviation, or of the log multiplier).
    pub sd: f64,
}

/// Force and automation parameters drawn once per trajectory.
///
/// The four force parameters are `calibrated` by default (`None`): each trajectory takes
/// one parameter vector from the set that fits the sourced 2017-2025 history about
/// equally well (`crate::uncertainty::force_set`). An explicit distribution (`{ dist, sd }`)
/// replaces the calibrated draw for that parameter: the calibrated set is then built with
/// the parameter held at the scenario's value, and the explicit deviation acts from the
/// base year. `{ dist = "calibrated" }` restores the default.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ForceNoise {
    /// Active-duty rate: a deviation added to its whole path from the base year.
    /// Calibrated: the future level uniform over the examinations' sourced range.
    #[serde(serialize_with = "calibrated_or")]
    pub active_duty_rate: Option<ParamDist>,
    /// Conscript take-up (share of the active-duty pool who enlist).
    #[serde(serialize_with = "calibrated_or")]
    pub take_up: Option<ParamDist>,
    /// Cadre retention (key `cadre_retention`, the first model's name). Calibrated: the
    /// careerists' continuation of officers and NCOs and the officers' continuation at the
    /// end of the obligated term; explicit: a deviation added to careerists' continuation
    /// of both corps.
    #[serde(serialize_with = "calibrated_or")]
    pub cadre_retention: Option<ParamDist>,
    /// Cadre recruiting capacity (key `cadre_propensity`, the first model's name).
    /// Calibrated: the NCOs' capacity (the officers' stays at its assumed 1); explicit: one
    /// multiplier on both corps.
    #[serde(serialize_with = "calibrated_or")]
    pub cadre_propensity: Option<ParamDist>,
    /// Automation fielding capacity (a multiplier on the whole ramp).
    pub fielding_capacity: ParamDist,
    /// Soldiers replaced per automated system.
    pub soldiers_replaced_per_system: ParamDist,
}

/// A calibrated force key is written as `"calibrated"`, an explicit one as its distribution.
fn calibrated_or<S: serde::Serializer>(d: &Option<ParamDist>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(p) => p.serialize(s),
        None => s.serialize_str("calibrated"),
    }
}

impl ForceNoise {
    /// The distribution an explicit entry of each force key starts from (its family when
    /// only `sd` is given, its s.d. when only `dist` is): the hand-set defaults before the
    /// calibrated draw (issue 12). Active-duty rate: MMA rates moved by 2-3 points within
    /// a few years (80.4% in 2018, 83.6% in 2022, 86.7% in 2025); take-up ±2 points,
    /// careerists' continuation ±1 point and recruiting capacity ×0.8-×1.3 (80%) are
    /// assumptions.
    pub const EXPLICIT_DEFAULTS: [(&'static str, ParamDist); 4] = [
        ("active_duty_rate", ParamDist { dist: DistKind::Normal, sd: 0.02 }),
        ("take_up", ParamDist { dist: DistKind::Normal, sd: 0.02 }),
        ("cadre_retention", ParamDist { dist: DistKind::Normal, sd: 0.01 }),
        ("cadre_propensity", ParamDist { dist: DistKind::Lognormal, sd: 0.2 }),
    ];
}

impl Default for UncertaintySpec {
    fn default() -> Self {
        UncertaintySpec {
            // The thresholds named in issue #4: any gap, and gaps of 50k, 100k, 200k troops.
            gap_thresholds: vec![0.0, 50_000.0, 100_000.0, 200_000.0],
            // "How likely is the force below 400,000?"
            available_thresholds: vec![400_000.0],
            fertility: FertilityNoise::default(),
            mortality: MortalityNoise::default(),
            migration: MigrationNoise::default(),
            force: ForceNoise::default(),
        }
    }
}

impl Default for FertilityNoise {
    fn default() -> Self {
        // Floor: assumption, well below the lowest national TFR on record (0.72, Korea
        // 2023) and below WPP's 95% lower bound for Korea in every year (0.53 at least).
        FertilityNoise { ar1: None, innovation_sd: None, sd_scale: 1.0, floor: 0.3 }
    }
}

impl Default for MortalityNoise {
    fn default() -> Self {
        // 1955-2020: the WPP estimate periods after the Korean War (the 1950-1955 period's
        // war deaths would dominate the fit and inflate the random walk's s.d.).
        MortalityNoise { fit_from: 1955, fit_to: 2020, innovation_sd: None, sd_scale: 1.0 }
    }
}

impl Default for MigrationNoise {
    fn default() -> Self {
        MigrationNoise { ar1: None, tail_df: None, sd_scale: 1.0 }
    }
}

impl Default for ForceNoise {
    fn default() -> Self {
        use DistKind::*;
        ForceNoise {
            active_duty_rate: None,
            take_up: None,
            cadre_retention: None,
            cadre_propensity: None,
            // Assumption: fielding programmes run at ×0.7-×1.5 of plan (80%).
            fielding_capacity: ParamDist { dist: Lognormal, sd: 0.3 },
            // Published substitutions range from 4 per system (recon vehicle, squad 6 → 2)
            // to 30-40k guards saved by TIGER+ surveillance; assumption ×0.8-×1.3 (80%).
            soldiers_replaced_per_system: ParamDist { dist: Lognormal, sd: 0.2 },
        }
    }
}

/// `[uncertainty.force]` keys of the first force model, with what replaced them.
const RETIRED_FORCE_NOISE: &[(&str, &str)] = &[
    ("fit_rate", "replaced by `active_duty_rate` (a deviation added to the active-duty rate's path)"),
    (
        "alternative_service_share",
        "replaced by `take_up` (the share of the active-duty pool who enlist); alternative service is a sourced allocation",
    ),
];

/// Reads `[uncertainty]` and its sub-tables. Returns `None` when problems were recorded.
pub fn read(root: &mut Reader<'_>, sink: &mut Sink) -> Option<UncertaintySpec> {
    let d = UncertaintySpec::default();
    let Some(mut u) = root.section("uncertainty", sink) else {
        return (!root.has("uncertainty")).then_some(d);
    };
    let before = sink.diagnostics.len();
    let gap_thresholds = thresholds(&mut u, "gap_thresholds", d.gap_thresholds.clone(), sink);
    let available_thresholds = thresholds(&mut u, "available_thresholds", d.available_thresholds.clone(), sink);

    let mut fertility = d.fertility.clone();
    if let Some(mut f) = u.section("fertility", sink) {
        fertility.ar1 = f.number("ar1", Range::PROB, sink).or(fertility.ar1);
        // At most 1 child per woman a year: sixteen times the σ fitted to WPP (0.063).
        fertility.innovation_sd = f.number("innovation_sd", Range::new(0.0, 1.0), sink).or(fertility.innovation_sd);
        fertility.sd_scale = f.number("sd_scale", Range::new(0.0, 10.0), sink).unwrap_or(fertility.sd_scale);
        fertility.floor = f.number("floor", Range::new(0.0, 10.0), sink).unwrap_or(fertility.floor);
        f.finish(sink);
    }

    let mut mortality = d.mortality.clone();
    if let Some(mut m) = u.section("mortality", sink) {
        let from = m.integer("fit_from", DATA_YEARS.0, DATA_YEARS.1, sink);
        let to = m.integer("fit_to", DATA_YEARS.0, DATA_YEARS.1, sink);
        mortality.fit_from = from.map(|y| y as i32).unwrap_or(mortality.fit_from);
        mortality.fit_to = to.map(|y| y as i32).unwrap_or(mortality.fit_to);
        if mortality.fit_to - mortality.fit_from < 15 {
            // At the key the user wrote (fit_to if both), else the table's header.
            let (key, origin) = match (m.node_origin("fit_to"), m.node_origin("fit_from")) {
                (Some(o), _) => ("fit_to", o),
                (None, Some(o)) => ("fit_from", o),
                (None, None) => ("fit_to", m.origin().clone()),
            };
            sink.at(
                &origin,
                &m.full(key),
                format!(
                    "the fit needs at least three 5-year periods: fit_to - fit_from must be at least 15, got {}..{}",
                    mortality.fit_from, mortality.fit_to
                ),
            );
        }
        // At most 100: sixteen times the σ of the default fit (1955-2020, σ = 6.3).
        mortality.innovation_sd = m.number("innovation_sd", Range::new(0.0, 100.0), sink).or(mortality.innovation_sd);
        mortality.sd_scale = m.number("sd_scale", Range::new(0.0, 10.0), sink).unwrap_or(mortality.sd_scale);
        m.finish(sink);
    }

    let mut migration = d.migration.clone();
    if let Some(mut m) = u.section("migration", sink) {
        migration.ar1 = m.number("ar1", Range::PROB, sink).or(migration.ar1);
        migration.tail_df = m.number("tail_df", Range::new(2.1, 1.0e6), sink).or(migration.tail_df);
        migration.sd_scale = m.number("sd_scale", Range::new(0.0, 10.0), sink).unwrap_or(migration.sd_scale);
        m.finish(sink);
    }

    let mut force = d.force.clone();
    if let Some(mut f) = u.section("force", sink) {
        for (key, why) in RETIRED_FORCE_NOISE {
            if let Some(origin) = f.retired(key) {
                sink.at(&origin, &f.full(key), *why);
            }
        }
        for (i, slot) in
            [&mut force.active_duty_rate, &mut force.take_up, &mut force.cadre_retention, &mut force.cadre_propensity]
                .into_iter()
                .enumerate()
        {
            let (key, explicit) = ForceNoise::EXPLICIT_DEFAULTS[i];
            calibrated_dist(&mut f, key, explicit, slot, sink);
        }
        for (key, slot) in [
            ("fielding_capacity", &mut force.fielding_capacity),
            ("soldiers_replaced_per_system", &mut force.soldiers_replaced_per_system),
        ] {
            param_dist(&mut f, key, slot, sink);
        }
        f.finish(sink);
    }
    u.finish(sink);
    if sink.diagnostics.len() > before {
        return None;
    }
    Some(UncertaintySpec {
        gap_thresholds: gap_thresholds?,
        available_thresholds: available_thresholds?,
        fertility,
        mortality,
        migration,
        force,
    })
}

fn thresholds(r: &mut Reader<'_>, key: &'static str, default: Vec<f64>, sink: &mut Sink) -> Option<Vec<f64>> {
    if !r.has(key) {
        return Some(default);
    }
    // Thresholds on the gap and the force available: persons, bounded like the target.
    let values = r.numbers(key, super::spec::bounds::TROOPS, sink)?;
    for (i, v) in values.iter().enumerate() {
        if values[..i].contains(v) {
            let origin = r.node_origin(key).unwrap_or_else(|| r.origin().clone());
            sink.at(&origin, &r.full(key), format!("threshold {v} is listed twice"));
            return None;
        }
    }
    Some(values)
}

/// A force key that is `calibrated` by default: `{ dist = "calibrated" }` (or the key
/// left out) keeps the calibrated draw; any other entry is an explicit distribution
/// starting from `explicit`.
fn calibrated_dist(
    f: &mut Reader<'_>,
    key: &'static str,
    explicit: ParamDist,
    slot: &mut Option<ParamDist>,
    sink: &mut Sink,
) {
    let Some(mut p) = f.section(key, sink) else { return };
    let mut d = slot.unwrap_or(explicit);
    let mut calibrated = false;
    if let Some((name, origin)) = p.string("dist", sink) {
        if name == "calibrated" {
            calibrated = true;
        } else {
            match DistKind::parse(&name) {
                Some(k) => d.dist = k,
                None => sink.at(
                    &origin,
                    &p.full("dist"),
                    format!("unknown distribution `{name}`; known: calibrated, {}", DistKind::NAMES.join(", ")),
                ),
            }
        }
    }
    if let Some(sd) = p.number("sd", Range::new(0.0, 1.0), sink) {
        if calibrated {
            let origin = p.node_origin("sd").unwrap_or_else(|| p.origin().clone());
            sink.at(&origin, &p.full("sd"), "`calibrated` takes no sd: its spread comes from the force calibration");
        }
        d.sd = sd;
    }
    p.finish(sink);
    *slot = if calibrated { None } else { Some(d) };
}

fn param_dist(f: &mut Reader<'_>, key: &'static str, slot: &mut ParamDist, sink: &mut Sink) {
    let Some(mut p) = f.section(key, sink) else { return };
    if let Some((name, origin)) = p.string("dist", sink) {
        match DistKind::parse(&name) {
            Some(k) => slot.dist = k,
            None => sink.at(
                &origin,
                &p.full("dist"),
                format!("unknown distribution `{name}`; known: {}", DistKind::NAMES.join(", ")),
            ),
        }
    }
    // At most 1: a lognormal s.d. of 1 already spans ×0.28-×3.6 (80%), a normal s.d. of
    // 1 on a share the whole of [0, 1].
    if let Some(sd) = p.number("sd", Range::new(0.0, 1.0), sink) {
        slot.sd = sd;
    }
    p.finish(sink);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::node::parse;
    use std::path::Path;

    fn read_text(text: &str) -> (Option<UncertaintySpec>, Vec<String>) {
        let t = parse(text, Path::new("u.toml")).unwrap();
        let mut sink = Sink::default();
        let mut root = Reader::root(&t, Path::new("u.toml"));
        let spec = read(&mut root, &mut sink);
        (spec, sink.diagnostics.iter().map(|d| d.to_string()).collect())
    }

    #[test]
    fn absent_section_gives_defaults() {
        let (spec, errs) = read_text("");
        assert!(errs.is_empty());
        assert_eq!(spec, Some(UncertaintySpec::default()));
    }

    #[test]
    fn values_are_read() {
        let (spec, errs) = read_text(
            "[uncertainty]\ngap_thresholds = [0, 150000]\n[uncertainty.fertility]\nar1 = 0.9\nfloor = 0.4\n\
             [uncertainty.force]\nactive_duty_rate = { dist = \"uniform\", sd = 0.01 }\n",
        );
        assert!(errs.is_empty(), "{errs:?}");
        let s = spec.unwrap();
        assert_eq!(s.gap_thresholds, vec![0.0, 150_000.0]);
        assert_eq!(s.fertility.ar1, Some(0.9));
        assert_eq!(s.fertility.floor, 0.4);
        assert_eq!(s.force.active_duty_rate, Some(ParamDist { dist: DistKind::Uniform, sd: 0.01 }));
        assert_eq!(s.force.cadre_propensity, None, "calibrated by default");
        assert_eq!(s.force.fielding_capacity, ForceNoise::default().fielding_capacity);
    }

    #[test]
    fn force_keys_are_calibrated_unless_given_and_can_be_restored() {
        let (spec, errs) = read_text(
            "[uncertainty.force]\ntake_up = { sd = 0.03 }\ncadre_propensity = { dist = \"uniform\" }\n\
             cadre_retention = { dist = \"calibrated\" }\n",
        );
        assert!(errs.is_empty(), "{errs:?}");
        let f = spec.unwrap().force;
        // Only sd: the key's explicit family; only dist: its explicit s.d.
        assert_eq!(f.take_up, Some(ParamDist { dist: DistKind::Normal, sd: 0.03 }));
        assert_eq!(f.cadre_propensity, Some(ParamDist { dist: DistKind::Uniform, sd: 0.2 }));
        assert_eq!((f.cadre_retention, f.active_duty_rate), (None, None));
        let (spec, errs) = read_text("[uncertainty.force]\ntake_up = { dist = \"calibrated\", sd = 0.1 }\n");
        assert!(spec.is_none());
        assert!(errs.join("").contains("u.toml:2: uncertainty.force.take_up.sd: `calibrated` takes no sd"), "{errs:?}");
    }

    #[test]
    fn every_problem_names_line_and_key() {
        let (spec, errs) = read_text(
            "[uncertainty]\ngap_thresholds = [0, -5]\nbogus = 1\n[uncertainty.migration]\nar1 = 1.5\n\
             [uncertainty.force]\nactive_duty_rate = { dist = \"gamma\" }\n[uncertainty.mortality]\nfit_from = 2010\n",
        );
        assert!(spec.is_none());
        let joined = errs.join("\n");
        assert!(joined.contains("u.toml:2: uncertainty.gap_thresholds: must be between 0"), "{joined}");
        assert!(joined.contains("u.toml:3: uncertainty.bogus: unknown key"), "{joined}");
        assert!(joined.contains("u.toml:5: uncertainty.migration.ar1: must be between 0 and 1"), "{joined}");
        assert!(
            joined.contains("u.toml:7: uncertainty.force.active_duty_rate.dist: unknown distribution `gamma`"),
            "{joined}"
        );
        // Only fit_from is written: the problem is named at its line.
        assert!(joined.contains("u.toml:9: uncertainty.mortality.fit_from: the fit needs at least three"), "{joined}");
    }
}
