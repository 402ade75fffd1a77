//! The validated scenario: domain types with every value checked, and the defaults with
//! their sources. A scenario file is read into these by [`from_table`].

use serde::Serialize;

use super::node::Table;
use super::reader::{Range, Reader, Sink};

/// Earliest and latest year any path may name (the span of the WPP 2024 data).
pub const DATA_YEARS: (i64, i64) = (1950, 2100);

/// Upper bounds of the scenario values that have no natural one. Each is far beyond any
/// sensible setting, so it never rejects a real scenario, yet keeps every result of the
/// model finite (the output guard, [`crate::output::guard`], catches what bounded values
/// can still combine into).
pub mod bounds {
    use super::Range;
    use crate::scenario::reader::Hint;

    /// `fertility.tfr_anchors`: children per woman; above every national TFR recorded
    /// (the highest are about 8-9).
    /// Plausible up to 3 (no country projected by WPP 2024 reaches 3 after 2050; Korea's
    /// highest since 1984 is 1.7).
    pub const TFR: Range = Range::new(0.0, 10.0).plausible(0.0, 3.0).unit("children per woman");
    /// `fertility.srb_anchors`: males per female birth; the widest national ratios
    /// recorded lie between 1.0 and 1.2.
    /// Plausible within 1.03-1.12 (the biological norm is about 1.05; Korea's peak was
    /// 1.16 in 1990, 1.05 since 2014).
    pub const SRB: Range = Range::new(0.8, 1.3).plausible(1.03, 1.12).hint(Hint::PerHundred);
    /// `mortality.mx_scale`: a factor on WPP's death rates.
    pub const MX_SCALE: Range = Range::new(0.1, 10.0);
    /// `migration.scale`: a factor on WPP's net migration. A negative factor turns WPP's
    /// arrivals at 18-26 into departures that empty those ages within decades (-2 empties
    /// them by 2079 on the wpp2024-medium scenario); 10 runs clean on both bases.
    pub const MIGRATION_SCALE: Range = Range::new(0.0, 10.0);
    /// `migration.net_anchors`: citizens' net migration, persons a year; a million a
    /// year either way is 2% of Korea's population and three times the largest year in
    /// WPP's estimates for Korea (308,000 in 2014, all residents).
    pub const NET_MIGRATION: Range = Range::new(-1.0e6, 1.0e6);
    /// `force.<branch>.service_months`: conscript service; five years is longer than any
    /// current fixed-term scheme.
    /// Plausible from 4 months (Taiwan's 4-month training of 2013-2023, the shortest
    /// conscription on record this tool is meant for, `taiwan-4-month-training`; less
    /// looks like years).
    pub const SERVICE_MONTHS: Range = Range::new(1.0, 60.0).plausible(4.0, 60.0).hint(Hint::Years).unit("months");
    /// `force.target_anchors` and `force.alternative_allocations`: persons; ten million is
    /// twenty times Korea's current force and a fifth of its population.
    /// A troop target under 10,000 is implausible for a national force (620 looks like
    /// thousands).
    pub const TROOPS: Range = Range::new(0.0, 1.0e7).hint(Hint::Thousands);
    /// `force.target_anchors`: as [`TROOPS`], plausible from 10,000.
    pub const TARGET: Range = TROOPS.plausible(1.0e4, 1.0e7).unit("troops");
    /// A share (0-1): 88 looks like a percent.
    pub const SHARE: Range = Range::PROB.hint(Hint::Percent);
    /// A share that is small in practice (attrition, operating cost, women's and
    /// volunteers' shares): above 0.5 is accepted with a warning.
    pub const SMALL_SHARE: Range = SHARE.plausible(0.0, 0.5);
    /// `force.female_volunteer_scale`: a factor on the female volunteer shares; ten
    /// times the written shares is far above any volunteer rate seen.
    pub const VOLUNTEER_SCALE: Range = Range::new(0.0, 10.0);
    /// `force.cadre.women_share`: women's share of cadre accessions; below 1 so that
    /// men's recruiting, which the capacity scales from, is never zero.
    pub const WOMEN_SHARE: Range = Range::new(0.0, 0.9).plausible(0.0, 0.5).hint(Hint::Percent);
    /// `automation.fielding_capacity_anchors`: systems a year; ten million a year is
    /// twenty times Korea's whole force fielded anew every year.
    pub const FIELDING_CAPACITY: Range = Range::new(0.0, 1.0e7);
    /// `automation.soldiers_replaced_per_system`: from a hundredth (a system that
    /// needs a hundred soldiers' worth of support) to ten thousand (a whole surveillance
    /// network counted as one system; TIGER+ replaced tens of thousands of guards).
    pub const SOLDIERS_PER_SYSTEM: Range = Range::new(0.01, 1.0e4);
    /// `automation.unit_cost`: in the scenario's currency; ten trillion won (about 7
    /// billion US dollars) is above the price of any weapon system bought to replace
    /// soldiers (only the largest warships cost more).
    pub const UNIT_COST: Range = Range::new(0.0, 1.0e13);
    /// `automation.annual_cost_share`: yearly operating cost as a share of the unit
    /// cost; a year's operation costing as much as buying the system is the ceiling
    /// (military operating and support costs run at about 5-15% a year).
    pub const ANNUAL_COST_SHARE: Range = Range::new(0.0, 1.0).plausible(0.0, 0.5).hint(Hint::Percent);
    /// `automation.service_life_years`: whole years (systems retire in the year this
    /// many years after their purchase), from one year to a century (the oldest
    /// airframes in service, B-52s, are planned to fly for about 90 years).
    pub const SERVICE_LIFE: (i64, i64) = (1, 100);
    /// `automation.discount_rate`: a real rate a year, 0 (no discounting) to 30%; above
    /// 10% is accepted with a warning (official social discount rates run from about 1.5%,
    /// the UK's Green Book for horizons beyond 75 years, to Korea's 4.5% and the US OMB's
    /// 7%); 4.5 looks like a percent.
    pub const DISCOUNT_RATE: Range = Range::new(0.0, 0.3).plausible(0.0, 0.1).hint(Hint::Percent).unit("a year");
}

/// Named TFR series in the country data.
pub const TFR_SERIES: &[&str] = &["wpp-medium", "wpp-low", "wpp-high"];

/// Where the base (first-year) population comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum BasePopulationSource {
    /// The single-age, single-sex table named in the country's `country.toml`
    /// (for Korea: resident registration, citizens, 30 June 2025). `base_year` must be its year.
    #[serde(rename = "registration")]
    Registration,
    /// WPP's 5-year age-sex estimates of `base_year` (all residents), graduated to single
    /// ages (see `demography::base`). `base_year` must be a year with estimates.
    #[serde(rename = "wpp-estimates")]
    WppEstimates,
}

impl BasePopulationSource {
    /// The value as written in a scenario file.
    pub fn as_str(self) -> &'static str {
        match self {
            BasePopulationSource::Registration => "registration",
            BasePopulationSource::WppEstimates => "wpp-estimates",
        }
    }
}
/// Named sex-ratio-at-birth series in the country data.
pub const SRB_SERIES: &[&str] = &["wpp"];

/// A yearly path: a named series from the country data, or anchor points interpolated
/// linearly and held flat outside the first and last anchor.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PathSpec {
    /// A series named in the data (`wpp-medium`, `wpp-low`, `wpp-high`, `wpp`).
    Series(String),
    /// `(year, value)` anchors, years strictly increasing.
    Anchors(Vec<(i32, f64)>),
}

/// A fully resolved, validated scenario. It serializes (into every `manifest.json`) as
/// its name, description and files, then its keys as a scenario file writes them
/// ([`super::show`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Name (the file stem).
    pub name: String,
    /// One-line description.
    pub description: String,
    /// The files this scenario was read from, the scenario's own first, then its parents.
    pub files: Vec<std::path::PathBuf>,
    /// Country data folder name under `scenarios/data/`.
    pub country: String,
    /// Where the base population comes from (root key `base_population`).
    pub base_population: BasePopulationSource,
    /// Base year (mid-year, 1 July); must match the country's base population.
    pub base_year: i32,
    /// Last projected year (1 July).
    pub end_year: i32,
    /// Fertility assumptions.
    pub fertility: FertilitySpec,
    /// Mortality assumptions.
    pub mortality: MortalitySpec,
    /// Migration assumptions.
    pub migration: MigrationSpec,
    /// Force structure parameters.
    pub force: ForceSpec,
    /// Automation substitution parameters.
    pub automation: AutomationSpec,
    /// Where root keys were written (`key` → file and line), for errors found later
    /// against the data.
    pub locations: std::collections::BTreeMap<String, (std::path::PathBuf, usize)>,
    /// Monte Carlo settings (`[uncertainty]`), used by `run --trajectories N`.
    pub uncertainty: super::uncertainty::UncertaintySpec,
    /// Civilians in non-combat posts and the settings of `forcecast plan` (`[plan]`).
    pub plan: super::plan::PlanSpec,
    /// What applies to the force keys the scenario leaves to its country's data, in the
    /// country's words (`forcecast show` writes them as comments).
    pub unset: UnsetNotes,
}

/// What applies to a force key a scenario leaves unset when its default is a series of
/// the country's data: the country's own sentence (`[force.show]` of `country.toml`,
/// [`crate::force::branch::SHOW_KEYS`]; the target's `target_source`), else a sentence
/// naming the data alone. Korea's and Taiwan's sources differ (the Military Manpower
/// Administration's examination series against one cohort's fit rate of 0.692), so no
/// sentence here names a country.
#[derive(Debug, Clone, PartialEq)]
pub struct UnsetNotes {
    /// `force.active_duty_rate`.
    pub active_duty_rate: String,
    /// `force.target_anchors`.
    pub target: String,
    /// `force.cadre.target_share`.
    pub target_share: String,
    /// `force.<corps>.careerist_continuation`: the calibration of the country.
    pub careerist_continuation: String,
}

impl UnsetNotes {
    /// The notes of `country` and its structure; the generic ones without one.
    pub fn for_country(country: &str, st: Option<&crate::force::ForceStructure>) -> Self {
        let says = |key: &str| st.and_then(|s| s.show_text(key)).map(str::to_string);
        UnsetNotes {
            active_duty_rate: says("active_duty_rate").unwrap_or_else(|| {
                "the country's examination series (force_inputs.csv active_duty_rate), then the mean of its last \
                 three years"
                    .into()
            }),
            target: st.map_or_else(|| "the country's sourced target".into(), |s| s.target_source.clone()),
            target_share: says("target_share").unwrap_or_else(|| {
                "the country's series (force_inputs.csv cadre_share), held after its last year".into()
            }),
            // `backtest --country` names any country but the default.
            careerist_continuation: if country == super::resolve::DEFAULT_COUNTRY {
                "calibrated by `backtest --force`".into()
            } else {
                format!("calibrated by `backtest --force --country {country}`")
            },
        }
    }
}

impl Default for UnsetNotes {
    fn default() -> Self {
        UnsetNotes::for_country(super::resolve::DEFAULT_COUNTRY, None)
    }
}

/// Fertility: total fertility rate and sex ratio at birth paths.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FertilitySpec {
    /// TFR, children per woman. Default: WPP 2024 medium variant.
    pub tfr: PathSpec,
    /// Sex ratio at birth, male per female birth. Default: WPP 2024 (`wpp`).
    pub srb: PathSpec,
}

/// Mortality: WPP medium single-age mx interpolated in time, optionally rescaled.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MortalitySpec {
    /// `wpp-medium` (the only series shipped).
    pub series: String,
    /// Multiplier on every mx (1.0 = WPP medium). Used by sensitivity runs.
    pub mx_scale: f64,
}

/// Net international migration.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MigrationSpec {
    /// WPP 2024 medium net migration by single age and sex (all residents), times `scale`
    /// (0-10); before WPP's single-age table, WPP's estimated totals spread as `Anchors`.
    Series {
        /// Series name (`wpp-medium`).
        name: String,
        /// Multiplier.
        scale: f64,
    },
    /// Total net migrants per year (persons). On a citizen base (the registration) spread
    /// by the citizen profile ([`crate::demography::citizen_migration`]); on an
    /// all-resident base by the [`crate::demography::migration::MigrationProfile`]:
    /// arrivals by fixed shares, departures in proportion to the population at risk.
    Anchors(Vec<(i32, f64)>),
    /// `series = "citizens"`: Korean nationals' net migration, the median of KOSTAT's
    /// 2011-2024 series without 2020, times `scale`, every year, spread by the citizen
    /// profile (the default of a citizen base; not allowed on an all-resident base).
    Citizens {
        /// Multiplier on the level.
        scale: f64,
    },
}

impl MigrationSpec {
    /// The series name of `series = "citizens"`.
    pub const CITIZENS: &'static str = "citizens";
}

/// A policy path as a scenario writes it: `(year, value)` anchors, interpolated linearly
/// and held flat after the last. A plain number is one anchor at the base year. The path
/// acts from its first anchor year and never before the base year; before then the
/// sourced default (history) applies. See [`crate::force::policy`].
pub type PolicyPath = Vec<(i32, f64)>;

/// Force structure parameters (see README "Scenario reference" for sources). Every
/// `Option<PolicyPath>` is a change the scenario makes; `None` keeps the sourced default
/// and is left out of the manifest (no null in any JSON output).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ForceSpec {
    /// Share of each male birth cohort inducted at each age; sums to at most 1.
    pub enlistment_age_shares: Vec<(usize, f64)>,
    /// Share of examined men judged fit for active duty (grades 1-3). Default: the
    /// Military Manpower Administration series, then its 2023-2025 mean.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_duty_rate: Option<PolicyPath>,
    /// Share of the active-duty pool (after alternative-service allocations and the men
    /// entering the cadre) who enlist as conscripts. Calibrated (`backtest --force`).
    pub take_up: f64,
    /// Men of the active-duty pool allocated each year to research, industrial-technical
    /// and shipboard service and to objectors' alternative service (persons a year).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alternative_allocations: Option<PolicyPath>,
    /// Yearly share of serving conscripts lost before the end of service.
    pub annual_attrition: f64,
    /// Share of each female cohort volunteering at each age.
    pub female_volunteer_age_shares: Vec<(usize, f64)>,
    /// A factor on the female volunteer shares (policy path; default 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub female_volunteer_scale: Option<PolicyPath>,
    /// Troop target (persons). Default: Defense Reform 2.0, 620,000 (2018) to 500,000 (2022).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<PolicyPath>,
    /// Conscript terms and intake shares by branch, in the order of the country's
    /// structure ([`crate::force::ForceStructure`]).
    pub branches: Vec<BranchSpec>,
    /// Career cadre (officers and NCOs).
    pub cadre: CadreSpec,
}

/// One branch's conscripts.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct BranchSpec {
    /// The branch's key in the country's structure (the scenario table `[force.<key>]`).
    #[serde(skip)]
    pub key: String,
    /// Service length in months by enlistment date. Default: the sourced schedule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_months: Option<PolicyPath>,
    /// Share of the active-duty intake. Default: derived from the enlisted stocks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub intake_share: Option<PolicyPath>,
}

/// Career cadre parameters.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CadreSpec {
    /// Cadre requirement as a share of the troop target. Default: the sourced plan
    /// (31.6% in 2017, 35.9% in 2020, 40.5% by 2026).
    pub target_share: Option<PolicyPath>,
    /// Women's share of cadre accessions. Default: the sourced share of the cadre.
    pub women_share: Option<PolicyPath>,
    /// The corps, in the order of the country's structure (Korea: officers, NCOs).
    pub corps: Vec<CorpsSpec>,
}

impl Serialize for CadreSpec {
    /// As a table: the two shares when set, then each corps under its key.
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        if let Some(v) = &self.target_share {
            m.serialize_entry("target_share", v)?;
        }
        if let Some(v) = &self.women_share {
            m.serialize_entry("women_share", v)?;
        }
        for c in &self.corps {
            m.serialize_entry(&c.key, c)?;
        }
        m.end()
    }
}

/// One corps' continuation profile and recruiting.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CorpsSpec {
    /// The corps' key in the country's structure (the scenario table `[force.<key>]`).
    #[serde(skip)]
    pub key: String,
    /// Years of the obligated term; the decision to stay comes at its end.
    pub obligated_years: usize,
    /// Yearly continuation during the obligated term.
    pub early_continuation: f64,
    /// Share continuing past the obligated term (long-service selection and acceptance),
    /// by year of accession.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision_continuation: Option<PolicyPath>,
    /// Careerists' yearly continuation after the decision, by year of accession.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub careerist_continuation: Option<PolicyPath>,
    /// Most years of service (all leave at this many completed years).
    pub max_years: usize,
    /// Recruiting fill rate (selected / planned). Default: the sourced series.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fill_rate: Option<PolicyPath>,
}

/// Automation substitution parameters.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AutomationSpec {
    /// First year systems can be fielded.
    pub start_year: i32,
    /// Soldiers one fielded system replaces (manpower-equivalents).
    pub soldiers_replaced_per_system: f64,
    /// Purchase cost of one system (currency units), by year of purchase; `None` keeps
    /// [`DEFAULT_UNIT_COST`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit_cost: Option<PolicyPath>,
    /// Yearly operating and support cost of a system in service as a share of its own
    /// purchase price (the unit cost of the year it was bought).
    pub annual_cost_share: f64,
    /// Years a system stays in service (whole years: the fielded stock loses the
    /// systems bought this many years earlier).
    pub service_life_years: usize,
    /// Most systems that can be fielded per year; `None` keeps
    /// [`DEFAULT_FIELDING_CAPACITY`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fielding_capacity: Option<PolicyPath>,
    /// Real discount rate a year for `automation_cost_npv` (costs of later years
    /// discounted to the first projection year); default [`DEFAULT_DISCOUNT_RATE`].
    pub discount_rate: f64,
    /// Currency of the costs.
    pub currency: String,
}

impl Default for ForceSpec {
    fn default() -> Self {
        ForceSpec {
            // Assumption centred on 20 (MODEL.md): liable from 18, examined at 19,
            // enlistment 20-28 (legalclarity.org, "At What Age Is Korean Military Service Required?").
            enlistment_age_shares: vec![(19, 0.10), (20, 0.45), (21, 0.30), (22, 0.10), (23, 0.05)],
            active_duty_rate: None,
            take_up: crate::force::defaults::TAKE_UP,
            alternative_allocations: None,
            annual_attrition: 0.0,
            female_volunteer_age_shares: Vec::new(),
            female_volunteer_scale: None,
            target: None,
            branches: Vec::new(),
            cadre: CadreSpec::default(),
        }
    }
}

impl ForceSpec {
    /// The defaults shaped for a country's structure: one branch table per branch, one
    /// corps per corps (each with the slot's generic defaults). With no structure (a
    /// country without a force model) no branch or corps.
    pub fn for_structure(st: Option<&crate::force::ForceStructure>) -> ForceSpec {
        let mut d = ForceSpec::default();
        if let Some(st) = st {
            d.branches =
                st.branches.iter().map(|b| BranchSpec { key: b.key.clone(), ..BranchSpec::default() }).collect();
            d.cadre.corps = st.corps_slots().map(|c| CorpsSpec::default_for(c, st.corps_key(c))).collect();
        }
        d
    }
}

impl CorpsSpec {
    /// The generic defaults of corps slot `c` (sources: [`crate::force::defaults`]); a
    /// country's `defaults.toml` sets its own.
    pub fn default_for(c: crate::force::Corps, key: &str) -> CorpsSpec {
        use crate::force::defaults as d;
        let i = c.0.min(d::OBLIGATED_YEARS.len() - 1);
        CorpsSpec {
            key: key.to_string(),
            obligated_years: d::OBLIGATED_YEARS[i],
            early_continuation: d::EARLY_CONTINUATION[i],
            decision_continuation: None,
            careerist_continuation: None,
            max_years: d::MAX_YEARS[i],
            fill_rate: None,
        }
    }
}

impl Default for AutomationSpec {
    fn default() -> Self {
        AutomationSpec {
            start_year: 2026,
            // Unmanned reconnaissance vehicle cuts a squad from 6 to 2 soldiers
            // (Joint Chiefs study, Shina Ilbo 2018): 4 soldiers per system.
            soldiers_replaced_per_system: 4.0,
            unit_cost: None,
            annual_cost_share: 0.10,
            service_life_years: 15,
            fielding_capacity: None,
            discount_rate: DEFAULT_DISCOUNT_RATE,
            currency: "KRW".to_string(),
        }
    }
}

/// Real discount rate of `automation_cost_npv` when the scenario sets none: 4.5% a year,
/// Korea's social discount rate for public investment projects. SOURCE: Ministry of
/// Economy and Finance, reform of the preliminary feasibility study system, 11 August
/// 2017 (5.5%, applied since 2007, lowered to 4.5%; reported by Newsis the same day),
/// the rate of the KDI Public and Private Infrastructure Investment Management Center
/// (PIMAC) General Guidelines for Preliminary Feasibility Studies since then (the fifth
/// edition, December 2008, used 5.5%).
pub const DEFAULT_DISCOUNT_RATE: f64 = 0.045;

/// Purchase cost of one automated system when the scenario sets none (KRW). ASSUMPTION:
/// 1 billion won, chosen so that covering a 100,000 gap costs ~5 trillion won a year,
/// inside the 3.2-6.3 trillion won a year that Korean studies estimate for
/// advanced-weapon substitution (earticle, 2023).
pub const DEFAULT_UNIT_COST: f64 = 1.0e9;

/// Systems that can be fielded a year when the scenario sets none. ASSUMPTION: 500 a
/// year in 2026, 3,000 by 2030, 6,000 by 2040 (held after).
pub const DEFAULT_FIELDING_CAPACITY: &[(i32, f64)] = &[(2026, 500.0), (2030, 3_000.0), (2040, 6_000.0)];

impl AutomationSpec {
    /// Unit cost of the systems bought in `year`: the scenario's path where it acts
    /// ([`crate::force::policy::at`]: from its first anchor year, never before
    /// `base_year`), else [`DEFAULT_UNIT_COST`].
    pub fn unit_cost_at(&self, base_year: i32, year: i32) -> f64 {
        crate::force::policy::at(self.unit_cost.as_ref(), f64::from(base_year), f64::from(year), |_| DEFAULT_UNIT_COST)
    }

    /// Fielding capacity of `year` (systems, not yet floored, never negative): the
    /// scenario's path where it acts, else [`DEFAULT_FIELDING_CAPACITY`].
    pub fn capacity_at(&self, base_year: i32, year: i32) -> f64 {
        crate::force::policy::at(self.fielding_capacity.as_ref(), f64::from(base_year), f64::from(year), |t| {
            crate::data::interpolate(DEFAULT_FIELDING_CAPACITY, t)
        })
        .max(0.0)
    }
}

/// Keys of the first force model, with what replaced them.
const RETIRED_FORCE_KEYS: &[(&str, &str)] = &[
    (
        "fit_rate",
        "replaced by `force.active_duty_rate` (the share of examined men judged fit for active duty; default: the Military Manpower Administration series)",
    ),
    (
        "alternative_service_share",
        "replaced by `force.alternative_allocations` (persons a year) and `force.take_up` (share of the active-duty pool who enlist)",
    ),
    ("service_months", "replaced by `service_months` in each branch's table: {branches}"),
];

/// Keys of the first cadre model, with what replaced them.
const RETIRED_CADRE_KEYS: &[(&str, &str)] = &[
    ("initial", "removed: the cadre of the base year is rebuilt from the observed 2019 stocks of officers and NCOs"),
    ("retention", "replaced by `careerist_continuation` in {corps}"),
    ("propensity_male", "replaced by `fill_rate` in {corps}"),
    ("propensity_female", "replaced by `force.cadre.women_share`"),
];

/// Reports the retired keys present. `{branches}` and `{corps}` in a message stand for
/// the tables of the scenario's country (Korea's `[force.army]`, …, Taiwan's
/// `[force.one_year]`), so a message never points at another country's tables.
fn retired(
    r: &mut Reader<'_>,
    keys: &[(&'static str, &str)],
    st: Option<&crate::force::ForceStructure>,
    sink: &mut Sink,
) -> bool {
    let tables = |keys: Vec<&str>| keys.iter().map(|k| format!("[force.{k}]")).collect::<Vec<_>>();
    let branches = st.map_or_else(|| "[force.<branch>]".to_string(), |s| tables(s.branch_keys()).join(", "));
    let corps = st.map_or_else(
        || "[force.<corps>]".to_string(),
        |s| crate::force::branch::prose_list(tables(s.corps_keys()).iter().map(String::as_str)),
    );
    let mut any = false;
    for (k, why) in keys {
        if let Some(origin) = r.retired(k) {
            sink.at(&origin, &r.full(k), why.replace("{branches}", &branches).replace("{corps}", &corps));
            any = true;
        }
    }
    any
}

fn read_corps(r: &mut Reader<'_>, d: CorpsSpec, base_year: i32, sink: &mut Sink) -> CorpsSpec {
    let years = (i64::from(base_year), DATA_YEARS.1);
    let spec = CorpsSpec {
        key: d.key.clone(),
        obligated_years: r.integer("obligated_years", 1, 15, sink).map(|v| v as usize).unwrap_or(d.obligated_years),
        early_continuation: r.number("early_continuation", bounds::SHARE, sink).unwrap_or(d.early_continuation),
        decision_continuation: r.policy("decision_continuation", base_year, years, bounds::SHARE, sink),
        careerist_continuation: r.policy("careerist_continuation", base_year, years, bounds::SHARE, sink),
        max_years: r.integer("max_years", 5, 45, sink).map(|v| v as usize).unwrap_or(d.max_years),
        fill_rate: r.policy("fill_rate", base_year, years, bounds::SHARE, sink),
    };
    // The decision to stay comes at the end of the obligated term, so the career must
    // last longer than the term (or no one would ever reach the decision).
    if spec.max_years <= spec.obligated_years {
        let key = if r.has("max_years") { "max_years" } else { "obligated_years" };
        let origin = r.node_origin(key).unwrap_or_else(|| r.origin().clone());
        sink.at(
            &origin,
            &r.full(key),
            format!(
                "max_years ({}) must be more than obligated_years ({}): the decision to stay comes at the end of the obligated term",
                spec.max_years, spec.obligated_years
            ),
        );
    }
    spec
}

fn read_force(
    root: &mut Reader<'_>,
    structure: Option<&crate::force::ForceStructure>,
    base_year: i32,
    sink: &mut Sink,
) -> Option<ForceSpec> {
    let d = ForceSpec::for_structure(structure);
    let Some(mut f) = root.section("force", sink) else {
        return (!root.has("force")).then_some(d);
    };
    let before = sink.diagnostics.len();
    let years = (i64::from(base_year), DATA_YEARS.1);
    retired(&mut f, RETIRED_FORCE_KEYS, structure, sink);
    let shares = age_shares(&mut f, "enlistment_age_shares", d.enlistment_age_shares.clone(), sink);
    let vols = age_shares(&mut f, "female_volunteer_age_shares", Vec::new(), sink);
    let mut spec = ForceSpec {
        enlistment_age_shares: Vec::new(),
        active_duty_rate: f.policy("active_duty_rate", base_year, years, bounds::SHARE, sink),
        take_up: f.number("take_up", bounds::SHARE, sink).unwrap_or(d.take_up),
        alternative_allocations: f.policy("alternative_allocations", base_year, years, bounds::TROOPS, sink),
        annual_attrition: f.number("annual_attrition", bounds::SMALL_SHARE, sink).unwrap_or(d.annual_attrition),
        female_volunteer_age_shares: Vec::new(),
        female_volunteer_scale: f.policy("female_volunteer_scale", base_year, years, bounds::VOLUNTEER_SCALE, sink),
        // Target anchors may name the years of Defense Reform 2.0 (2018 on); only the
        // values from the base year on act.
        target: f.policy("target_anchors", base_year, (2000, DATA_YEARS.1), bounds::TARGET, sink),
        branches: Vec::new(),
        cadre: d.cadre.clone(),
    };
    check_volunteer_scale(&mut f, spec.female_volunteer_scale.as_ref(), vols.as_ref(), sink);
    let mut share_at = Vec::new();
    let Some(st) = structure else {
        // A country without a declared force structure (or not found: the run stops on
        // it with its own error): its branch and corps tables cannot be checked here.
        for (key, node) in f.tables() {
            if key != "cadre" && matches!(node.value, super::node::Value::Table(_)) {
                let _ = f.section(crate::force::branch::intern(key), sink);
            }
        }
        if let Some(mut c) = f.section("cadre", sink) {
            retired(&mut c, RETIRED_CADRE_KEYS, structure, sink);
            spec.cadre.target_share = c.policy("target_share", base_year, years, bounds::SHARE, sink);
            spec.cadre.women_share = c.policy("women_share", base_year, years, bounds::WOMEN_SHARE, sink);
            c.finish(sink);
        }
        f.finish(sink);
        spec.enlistment_age_shares = shares?;
        spec.female_volunteer_age_shares = vols?;
        return (sink.diagnostics.len() == before).then_some(spec);
    };
    for b in st.branch_slots() {
        let mut bs = BranchSpec { key: st.branch_key(b).to_string(), ..BranchSpec::default() };
        let mut at = None;
        if let Some(mut r) = f.section(crate::force::branch::intern(st.branch_key(b)), sink) {
            bs.service_months = r.policy("service_months", base_year, years, bounds::SERVICE_MONTHS, sink);
            at = r.node_origin("intake_share");
            bs.intake_share = r.policy("intake_share", base_year, years, bounds::SHARE, sink);
            r.finish(sink);
        }
        spec.branches.push(bs);
        share_at.push(at);
    }
    check_intake_shares(st, &share_at, &spec.branches, sink);
    if let Some(mut c) = f.section("cadre", sink) {
        retired(&mut c, RETIRED_CADRE_KEYS, structure, sink);
        spec.cadre.target_share = c.policy("target_share", base_year, years, bounds::SHARE, sink);
        spec.cadre.women_share = c.policy("women_share", base_year, years, bounds::WOMEN_SHARE, sink);
        c.finish(sink);
    }
    for c in st.corps_slots() {
        if let Some(mut r) = f.section(crate::force::branch::intern(st.corps_key(c)), sink) {
            let d = spec.cadre.corps[c.0].clone();
            spec.cadre.corps[c.0] = read_corps(&mut r, d, base_year, sink);
            r.finish(sink);
        }
    }
    f.finish(sink);
    spec.enlistment_age_shares = shares?;
    spec.female_volunteer_age_shares = vols?;
    (sink.diagnostics.len() == before).then_some(spec)
}

/// `female_volunteer_scale` multiplies `female_volunteer_age_shares`: with no shares (the
/// default) it changes nothing, which is worth a warning (`--strict`: an error) rather
/// than silence. Shares that failed to read (`None`) have their own error.
///
/// With shares, the scale times an age's share is the part of that age's women who
/// enlist, so it cannot exceed 1 in any year (a scale of 10 on a share of 0.5 would
/// enlist five times the women there are): an error at the scale's line.
fn check_volunteer_scale(
    f: &mut Reader<'_>,
    scale: Option<&PolicyPath>,
    shares: Option<&Vec<(usize, f64)>>,
    sink: &mut Sink,
) {
    let Some(scale) = scale else { return };
    let key = "female_volunteer_scale";
    let origin = f.node_origin(key).unwrap_or_else(|| f.origin().clone());
    if let Some(&(age, share)) = shares.and_then(|s| s.iter().max_by(|a, b| a.1.total_cmp(&b.1))) {
        if let Some(&(year, x)) = scale.iter().find(|(_, x)| x * share > 1.0) {
            sink.at(
                &origin,
                &f.full(key),
                format!(
                    "{} in {year} times the largest female_volunteer_age_shares value, {} at age {age}, would enlist \
                     {} times the women of that age; the scale can be at most {} with these shares",
                    crate::output::numbers::trimmed(x, 3),
                    crate::output::numbers::trimmed(share, 3),
                    crate::output::numbers::trimmed(x * share, 2),
                    crate::output::numbers::trimmed(1.0 / share, 3),
                ),
            );
        }
        return;
    }
    if shares.is_none_or(|s| !s.is_empty()) {
        return;
    }
    sink.warn(
        &origin,
        &f.full(key),
        "scales `female_volunteer_age_shares`, and this scenario sets none, so there are no shares to scale and \
         it changes nothing; set [force] female_volunteer_age_shares (e.g. extends = \"female-volunteers\") or \
         leave it out",
    );
}

/// Branch intake shares: all four or none, summing to 1 at every anchor year. `at` holds
/// where each branch wrote its share; problems are reported at the first one written.
fn check_intake_shares(
    st: &crate::force::ForceStructure,
    at: &[Option<super::node::Origin>],
    branches: &[BranchSpec],
    sink: &mut Sink,
) {
    let written: Vec<usize> = (0..at.len()).filter(|&i| at[i].is_some()).collect();
    let Some(&first) = written.first() else { return };
    let origin = at[first].clone().expect("written");
    let key = format!("force.{}.intake_share", st.branches[first].key);
    // A share already reported as invalid is fixed first; the set is checked after.
    if written.iter().any(|&i| branches[i].intake_share.is_none()) {
        return;
    }
    if written.len() != branches.len() {
        let missing: Vec<&str> =
            st.branches.iter().enumerate().filter(|(i, _)| !written.contains(i)).map(|(_, b)| b.key.as_str()).collect();
        sink.at(
            &origin,
            &key,
            format!("give `intake_share` for every branch or for none; missing in {}", missing.join(", ")),
        );
        return;
    }
    let mut years: Vec<i32> = branches.iter().flat_map(|b| b.intake_share.iter().flatten().map(|p| p.0)).collect();
    years.sort_unstable();
    years.dedup();
    for y in years {
        let parts: Vec<f64> = branches
            .iter()
            .map(|b| crate::data::interpolate(b.intake_share.as_ref().expect("all given"), f64::from(y)))
            .collect();
        let total: f64 = parts.iter().sum();
        if (total - 1.0).abs() > 1e-6 {
            let terms: Vec<String> = st.branches.iter().zip(&parts).map(|(b, v)| format!("{} {v}", b.key)).collect();
            sink.at(
                &origin,
                &key,
                format!("branch intake shares must sum to 1, got {total:.4} in {y} ({})", terms.join(" + ")),
            );
            return;
        }
    }
}

fn path_spec(
    r: &mut Reader<'_>,
    series_key: &'static str,
    anchors_key: &'static str,
    years: (i64, i64),
    range: Range,
    (default, allowed): (PathSpec, &[&str]),
    sink: &mut Sink,
) -> Option<PathSpec> {
    let mut series = r.string(series_key, sink);
    if let Some((name, origin)) = &series {
        if !allowed.contains(&name.as_str()) {
            sink.at(origin, &r.full(series_key), format!("unknown series `{name}`; known: {}", allowed.join(", ")));
            series = None;
        }
    }
    let anchors = r.anchors(anchors_key, years, range, sink);
    match (series, anchors) {
        (Some((_, origin)), Some(_)) => {
            sink.at(&origin, &r.full(series_key), format!("give either `{series_key}` or `{anchors_key}`, not both"));
            None
        }
        (Some((s, _)), None) => Some(PathSpec::Series(s)),
        (None, Some((a, _))) => Some(PathSpec::Anchors(a)),
        (None, None) => (!r_has_error_for(r, series_key, anchors_key)).then_some(default),
    }
}

// A key that was present but invalid already produced a diagnostic; the default must
// then not silently stand in for it. `has` tells presence regardless of validity.
fn r_has_error_for(r: &mut Reader<'_>, a: &'static str, b: &'static str) -> bool {
    r.has(a) || r.has(b)
}

fn age_shares(
    r: &mut Reader<'_>,
    key: &'static str,
    default: Vec<(usize, f64)>,
    sink: &mut Sink,
) -> Option<Vec<(usize, f64)>> {
    if !r.has(key) {
        return Some(default);
    }
    // Ages are read with the anchor reader (integer first element), within 15..=40.
    let (pairs, origin) = r.pairs(key, "[age, share]", (15, 40), bounds::SHARE, sink)?;
    let total: f64 = pairs.iter().map(|p| p.1).sum();
    if total > 1.0 + 1e-9 {
        sink.at(&origin, &r.full(key), format!("shares must sum to at most 1, got {total:.4}"));
        return None;
    }
    Some(pairs.into_iter().map(|(a, s)| (a as usize, s)).collect())
}

/// Reads and validates a merged scenario tree. Returns `None` when `sink` gained errors.
/// `structure` is the force structure of the scenario's country (its `[force.<branch>]`
/// and `[force.<corps>]` tables are read against it); `None` when the country folder
/// declares none or is not found (the run then stops on the folder).
pub fn from_table(
    name: &str,
    files: Vec<std::path::PathBuf>,
    table: &Table,
    structure: Option<&crate::force::ForceStructure>,
    sink: &mut Sink,
) -> Option<Scenario> {
    let before = sink.diagnostics.len();
    let first = files.first().cloned().unwrap_or_default();
    let mut root = Reader::root(table, &first);
    let _ = root.string("extends", sink);
    let description = root.string("description", sink).map(|s| s.0);
    if description.is_none() && !root.has("description") {
        // With `extends`, any file of the chain may hold it: say which were searched.
        let names: Vec<String> = files
            .iter()
            .map(|f| f.file_name().map_or_else(|| f.display().to_string(), |n| n.to_string_lossy().into_owned()))
            .collect();
        let what = match names.as_slice() {
            [_, parents @ ..] if !parents.is_empty() => format!(
                "a one-line description of the scenario (in this file or in one it extends: {}; none sets it)",
                parents.join(", ")
            ),
            _ => "a one-line description of the scenario".to_string(),
        };
        root.missing("description", sink, &what);
    }
    let country =
        root.string("country", sink).map(|s| s.0).unwrap_or_else(|| super::resolve::DEFAULT_COUNTRY.to_string());
    let base_population = match root.string("base_population", sink) {
        None => BasePopulationSource::Registration,
        Some((s, _)) if s == "registration" => BasePopulationSource::Registration,
        Some((s, _)) if s == "wpp-estimates" => BasePopulationSource::WppEstimates,
        Some((s, o)) => {
            sink.at(
                &o,
                "base_population",
                format!("unknown base population `{s}`; known: registration, wpp-estimates"),
            );
            BasePopulationSource::Registration
        }
    };
    let base_year = root.integer("base_year", DATA_YEARS.0, DATA_YEARS.1, sink).unwrap_or(2025) as i32;
    let end_year = root.integer("end_year", DATA_YEARS.0, DATA_YEARS.1, sink).unwrap_or(2100) as i32;
    if end_year <= base_year {
        let origin = table.get("end_year").map(|n| n.origin.clone()).unwrap_or_else(|| root.origin().clone());
        sink.at(&origin, "end_year", format!("must be after base_year ({base_year}), got {end_year}"));
    }
    if base_population == BasePopulationSource::WppEstimates && base_year % 5 != 0 {
        let origin = table.get("base_year").map(|n| n.origin.clone()).unwrap_or_else(|| root.origin().clone());
        sink.at(
            &origin,
            "base_year",
            format!(
                "with base_population = \"wpp-estimates\" the base year must be a year of WPP's 5-yearly estimates (a multiple of 5), got {base_year}"
            ),
        );
    }
    let proj_years = (i64::from(base_year), DATA_YEARS.1);

    // [fertility]
    let mut fertility = None;
    if let Some(mut f) = root.section("fertility", sink) {
        let tfr = path_spec(
            &mut f,
            "tfr_series",
            "tfr_anchors",
            proj_years,
            bounds::TFR,
            (PathSpec::Series("wpp-medium".into()), TFR_SERIES),
            sink,
        );
        let srb = path_spec(
            &mut f,
            "srb_series",
            "srb_anchors",
            proj_years,
            bounds::SRB,
            (PathSpec::Series("wpp".into()), SRB_SERIES),
            sink,
        );
        f.finish(sink);
        if let (Some(tfr), Some(srb)) = (tfr, srb) {
            fertility = Some(FertilitySpec { tfr, srb });
        }
    } else if !root.has("fertility") {
        fertility =
            Some(FertilitySpec { tfr: PathSpec::Series("wpp-medium".into()), srb: PathSpec::Series("wpp".into()) });
    }

    // [mortality]
    let mut mortality = Some(MortalitySpec { series: "wpp-medium".into(), mx_scale: 1.0 });
    if let Some(mut m) = root.section("mortality", sink) {
        let series = match m.string("series", sink) {
            Some((s, o)) if s != "wpp-medium" => {
                sink.at(&o, "mortality.series", format!("unknown series `{s}`; known: wpp-medium"));
                s
            }
            Some((s, _)) => s,
            None => "wpp-medium".into(),
        };
        let scale = m.number("mx_scale", bounds::MX_SCALE, sink).unwrap_or(1.0);
        m.finish(sink);
        mortality = Some(MortalitySpec { series, mx_scale: scale });
    }

    // [migration]: a citizen base defaults to the nationals' series, an all-resident base
    // to zero net migration.
    let mut migration = Some(match base_population {
        BasePopulationSource::Registration => MigrationSpec::Citizens { scale: 1.0 },
        BasePopulationSource::WppEstimates => MigrationSpec::Anchors(vec![(base_year, 0.0)]),
    });
    if let Some(mut m) = root.section("migration", sink) {
        let series = m.string("series", sink);
        let scale_at = m.node_origin("scale");
        let scale = m.number("scale", bounds::MIGRATION_SCALE, sink);
        let anchors = m.anchors("net_anchors", proj_years, bounds::NET_MIGRATION, sink);
        migration = match (series, anchors) {
            (Some((_, o)), Some(_)) => {
                sink.at(&o, "migration.series", "give either `series` or `net_anchors`, not both");
                None
            }
            (Some((name, o)), None) if name == MigrationSpec::CITIZENS => {
                if base_population == BasePopulationSource::WppEstimates {
                    sink.at(
                        &o,
                        "migration.series",
                        "`citizens` is Korean nationals' migration, for a citizen base (base_population = \"registration\"); \
                         an all-resident base (\"wpp-estimates\") takes series = \"wpp-medium\" or net_anchors",
                    );
                    None
                } else {
                    Some(MigrationSpec::Citizens { scale: scale.unwrap_or(1.0) })
                }
            }
            (Some((name, o)), None) if name != "wpp-medium" => {
                sink.at(&o, "migration.series", format!("unknown series `{name}`; known: citizens, wpp-medium"));
                None
            }
            (Some((name, _)), None) => Some(MigrationSpec::Series { name, scale: scale.unwrap_or(1.0) }),
            // `scale` multiplies a series; it is never silently dropped.
            (None, Some(_)) if scale.is_some() => {
                sink.at(
                    scale_at.as_ref().unwrap_or(m.origin()),
                    "migration.scale",
                    "`scale` multiplies a series; with `net_anchors`, write the totals themselves",
                );
                None
            }
            (None, Some((a, _))) => Some(MigrationSpec::Anchors(a)),
            (None, None) => match (migration, scale) {
                (Some(MigrationSpec::Citizens { .. }), Some(scale)) => Some(MigrationSpec::Citizens { scale }),
                (Some(MigrationSpec::Anchors(_)), Some(_)) => {
                    sink.at(
                        scale_at.as_ref().unwrap_or(m.origin()),
                        "migration.scale",
                        "`scale` multiplies a series, and an all-resident base has none by default; \
                         add series = \"wpp-medium\"",
                    );
                    None
                }
                (m, _) => m,
            },
        };
        m.finish(sink);
    }

    // [force] with [force.<branch>], [force.cadre] and [force.<corps>] of the country
    let force = read_force(&mut root, structure, base_year, sink);

    // [automation]
    let da = AutomationSpec::default();
    let mut automation = None;
    if let Some(mut a) = root.section("automation", sink) {
        // Policies: a number from the base year or a path from its first anchor year.
        // Capacity anchors may be written from 2000 (as the first model allowed); only
        // the values from the base year on act.
        let cap = a.has("fielding_capacity_anchors").then(|| {
            a.policy("fielding_capacity_anchors", base_year, (2000, DATA_YEARS.1), bounds::FIELDING_CAPACITY, sink)
        });
        let unit_cost =
            a.has("unit_cost").then(|| a.policy("unit_cost", base_year, proj_years, bounds::UNIT_COST, sink));
        let spec = AutomationSpec {
            start_year: a.integer("start_year", 2000, DATA_YEARS.1, sink).map(|y| y as i32).unwrap_or(da.start_year),
            soldiers_replaced_per_system: a
                .number("soldiers_replaced_per_system", bounds::SOLDIERS_PER_SYSTEM, sink)
                .unwrap_or(da.soldiers_replaced_per_system),
            unit_cost: None,
            annual_cost_share: a
                .number("annual_cost_share", bounds::ANNUAL_COST_SHARE, sink)
                .unwrap_or(da.annual_cost_share),
            service_life_years: a
                .integer("service_life_years", bounds::SERVICE_LIFE.0, bounds::SERVICE_LIFE.1, sink)
                .map_or(da.service_life_years, |v| v as usize),
            fielding_capacity: None,
            discount_rate: a.number("discount_rate", bounds::DISCOUNT_RATE, sink).unwrap_or(da.discount_rate),
            currency: a.string("currency", sink).map(|s| s.0).unwrap_or(da.currency.clone()),
        };
        a.finish(sink);
        // A key present but invalid has its diagnostic; the default must not stand in.
        automation = match (cap, unit_cost) {
            (Some(None), _) | (_, Some(None)) => None,
            (cap, unit_cost) => {
                Some(AutomationSpec { fielding_capacity: cap.flatten(), unit_cost: unit_cost.flatten(), ..spec })
            }
        };
    } else if !root.has("automation") {
        automation = Some(da);
    }
    // [uncertainty]
    let uncertainty = super::uncertainty::read(&mut root, sink);
    // [plan]
    let plan = super::plan::read(&mut root, base_year, (i64::from(base_year), DATA_YEARS.1), sink);
    root.finish(sink);

    if sink.diagnostics.len() > before {
        return None;
    }
    let locations = ["country", "base_year", "end_year"]
        .iter()
        .filter_map(|k| table.get(*k).map(|n| (k.to_string(), (n.origin.file.as_ref().clone(), n.origin.line))))
        .collect();
    let unset = UnsetNotes::for_country(&country, structure);
    Some(Scenario {
        locations,
        name: name.to_string(),
        description: description?,
        files,
        country,
        base_population,
        base_year,
        end_year,
        fertility: fertility?,
        mortality: mortality?,
        migration: migration?,
        force: force?,
        automation: automation?,
        uncertainty: uncertainty?,
        plan: plan?,
        unset,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::scenario::node::parse;
    use std::path::Path;

    /// Every number a scenario can set, as `(section, line)` with `X` for the value.
    const NUMERIC_KEYS: &[(&str, &str)] = &[
        ("fertility", "tfr_anchors = [[2030, X]]"),
        ("fertility", "srb_anchors = [[2030, X]]"),
        ("mortality", "mx_scale = X"),
        ("migration", "series = \"wpp-medium\"\nscale = X"),
        ("migration", "net_anchors = [[2030, X]]"),
        ("force", "active_duty_rate = X"),
        ("force", "active_duty_rate = [[2030, X]]"),
        ("force", "take_up = X"),
        ("force", "alternative_allocations = X"),
        ("force", "alternative_allocations = [[2030, X]]"),
        ("force", "female_volunteer_scale = X"),
        ("force", "female_volunteer_scale = [[2030, X]]"),
        ("force", "annual_attrition = X"),
        ("force", "target_anchors = [[2030, X]]"),
        ("force", "enlistment_age_shares = [[20, X]]"),
        ("force", "female_volunteer_age_shares = [[20, X]]"),
        ("force.army", "service_months = X"),
        ("force.army", "service_months = [[2030, X]]"),
        ("force.navy", "service_months = X"),
        ("force.air_force", "service_months = X"),
        ("force.marines", "service_months = [[2030, X]]"),
        ("force.army", "intake_share = X"),
        ("force.cadre", "target_share = X"),
        ("force.cadre", "target_share = [[2030, X]]"),
        ("force.cadre", "women_share = X"),
        ("force.cadre", "women_share = [[2030, X]]"),
        ("force.officers", "early_continuation = X"),
        ("force.officers", "decision_continuation = X"),
        ("force.officers", "careerist_continuation = [[2030, X]]"),
        ("force.officers", "fill_rate = X"),
        ("force.ncos", "early_continuation = X"),
        ("force.ncos", "decision_continuation = [[2030, X]]"),
        ("force.ncos", "careerist_continuation = X"),
        ("force.ncos", "fill_rate = [[2030, X]]"),
        ("force.marines", "service_months = [[2030, 20], [2040, X]]"),
        ("automation", "soldiers_replaced_per_system = X"),
        ("automation", "unit_cost = X"),
        ("automation", "unit_cost = [[2030, X]]"),
        ("automation", "annual_cost_share = X"),
        ("automation", "discount_rate = X"),
        ("automation", "fielding_capacity_anchors = X"),
        ("automation", "fielding_capacity_anchors = [[2030, X]]"),
        ("uncertainty", "gap_thresholds = [X]"),
        ("uncertainty", "available_thresholds = [X]"),
        ("uncertainty.fertility", "ar1 = X"),
        ("uncertainty.fertility", "innovation_sd = X"),
        ("uncertainty.fertility", "sd_scale = X"),
        ("uncertainty.fertility", "floor = X"),
        ("uncertainty.mortality", "innovation_sd = X"),
        ("uncertainty.mortality", "sd_scale = X"),
        ("uncertainty.migration", "ar1 = X"),
        ("uncertainty.migration", "tail_df = X"),
        ("uncertainty.migration", "sd_scale = X"),
        ("uncertainty.force", "active_duty_rate = { sd = X }"),
        ("uncertainty.force", "take_up = { sd = X }"),
        ("uncertainty.force", "cadre_retention = { sd = X }"),
        ("uncertainty.force", "cadre_propensity = { sd = X }"),
        ("uncertainty.force", "fielding_capacity = { sd = X }"),
        ("uncertainty.force", "soldiers_replaced_per_system = { sd = X }"),
        ("plan", "civilians = X"),
        ("plan", "civilians = [[2030, X]]"),
        ("plan", "substitution_ratio = X"),
        ("plan", "budget_per_year = X"),
        ("plan", "conscript_pay = X"),
        ("plan", "conscript_upkeep = X"),
        ("plan", "cadre_cost = X"),
        ("plan", "retention_bonus = X"),
        ("plan", "volunteer_cost = X"),
        ("plan", "civilian_cost = X"),
        ("plan", "max_civilians = X"),
    ];

    /// Every integer a scenario can set, as `(section, line)` with `X` for the value.
    const INTEGER_KEYS: &[(&str, &str)] = &[
        ("force.officers", "obligated_years = X"),
        ("force.officers", "max_years = X"),
        ("force.ncos", "obligated_years = X"),
        ("force.ncos", "max_years = X"),
        ("automation", "start_year = X"),
        ("automation", "service_life_years = X"),
        ("plan", "from = X"),
    ];

    /// Korea's force structure, from the built-in country folder.
    pub fn korea() -> crate::force::ForceStructure {
        let dir = crate::embedded::data_dir(crate::embedded::root(), "korea");
        crate::data::country::force_structure(&dir).expect("korea's country.toml").expect("a [force] table")
    }

    fn problems(text: &str) -> Vec<String> {
        let table = parse(text, Path::new("s.toml")).unwrap();
        let mut sink = Sink::default();
        let s = from_table("s", vec!["s.toml".into()], &table, Some(&korea()), &mut sink);
        assert_eq!(s.is_none(), !sink.diagnostics.is_empty());
        sink.diagnostics.iter().map(|d| d.to_string()).collect()
    }

    #[test]
    fn every_scenario_number_has_a_finite_upper_bound() {
        for (section, line) in NUMERIC_KEYS {
            let key = line.lines().last().unwrap().split(' ').next().unwrap();
            let at = |x: &str| format!("description = \"t\"\n[{section}]\n{}\n", line.replace('X', x));
            // 1e308 is finite, so only an upper bound rejects it, naming the key.
            let errs = problems(&at("1e308"));
            assert_eq!(errs.len(), 1, "{section}.{key}: {errs:?}");
            assert!(errs[0].contains(&format!("{section}.{key}")), "{}", errs[0]);
            assert!(errs[0].contains("got 1e308"), "{}", errs[0]);
        }
    }

    #[test]
    fn retired_keys_name_their_replacement_and_are_never_suggested() {
        let errs = problems("description = \"t\"\n[force]\nfit_rate = 0.9\n[force.cadre]\nretention = 0.9\n");
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert!(errs[0].starts_with("s.toml:3: force.fit_rate: replaced by `force.active_duty_rate`"), "{}", errs[0]);
        assert!(
            errs[1].starts_with("s.toml:5: force.cadre.retention: replaced by `careerist_continuation`"),
            "{}",
            errs[1]
        );
        // A misspelling is pointed at a key in use, not at the retired one it resembles.
        let errs = problems("description = \"t\"\n[force]\nfit_rat = 0.9\n");
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(errs[0].starts_with("s.toml:3: force.fit_rat: unknown key; known keys here: "), "{}", errs[0]);
        assert!(!errs[0].contains("fit_rate"), "{}", errs[0]);
    }

    /// A retired key points at the tables of the scenario's own country.
    #[test]
    fn retired_keys_name_the_countrys_tables() {
        let dir = crate::embedded::data_dir(crate::embedded::root(), "taiwan");
        let taiwan = crate::data::country::force_structure(&dir).unwrap().unwrap();
        let text = "description = \"t\"\n[force]\nservice_months = 4\n[force.cadre]\nretention = 0.9\n";
        let table = parse(text, Path::new("s.toml")).unwrap();
        let mut sink = Sink::default();
        assert!(from_table("s", vec!["s.toml".into()], &table, Some(&taiwan), &mut sink).is_none());
        let errs: Vec<String> = sink.diagnostics.iter().map(|d| d.to_string()).collect();
        assert_eq!(
            errs,
            [
                "s.toml:3: force.service_months: replaced by `service_months` in each branch's table: [force.one_year]",
                "s.toml:5: force.cadre.retention: replaced by `careerist_continuation` in [force.volunteers]",
            ]
        );
    }

    #[test]
    fn intake_shares_are_checked_where_they_are_written() {
        let shares = |army: &str| {
            format!(
                "description = \"t\"\n[force]\ntake_up = 0.9\n[force.army]\nintake_share = {army}\n[force.navy]\n\
                 intake_share = 0.1\n[force.air_force]\nintake_share = 0.1\n[force.marines]\nintake_share = 0.05\n"
            )
        };
        assert!(problems(&shares("0.75")).is_empty());
        let errs = problems(&shares("[[2025, 0.75], [2030, 0.7]]"));
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(
            errs[0].starts_with(
                "s.toml:5: force.army.intake_share: branch intake shares must sum to 1, got 0.9500 in 2030"
            )
        );
        // A share out of range is reported once, not again as missing or as a bad sum.
        let errs = problems(&shares("1.5"));
        assert_eq!(errs, vec!["s.toml:5: force.army.intake_share: must be between 0 and 1, got 1.5"]);
    }

    #[test]
    fn every_scenario_integer_has_an_upper_bound() {
        for (section, line) in INTEGER_KEYS {
            let key = line.split(' ').next().unwrap();
            let text = format!("description = \"t\"\n[{section}]\n{}\n", line.replace('X', &i64::MAX.to_string()));
            let errs = problems(&text);
            assert_eq!(errs.len(), 1, "{section}.{key}: {errs:?}");
            assert!(errs[0].contains(&format!("{section}.{key}: must be between")), "{}", errs[0]);
            assert!(errs[0].contains(&format!("got {}", i64::MAX)), "{}", errs[0]);
        }
    }

    #[test]
    fn automation_policies_take_a_number_or_a_path() {
        let read = |line: &str| {
            let text = format!("description = \"t\"\n[automation]\n{line}\n");
            let table = parse(&text, Path::new("s.toml")).unwrap();
            let mut sink = Sink::default();
            let s = from_table("s", vec!["s.toml".into()], &table, Some(&korea()), &mut sink).expect("valid");
            s.automation
        };
        // A number acts from the base year (2025 by default).
        let a = read("unit_cost = 2e9");
        assert_eq!(a.unit_cost, Some(vec![(2025, 2.0e9)]));
        assert_eq!(a.unit_cost_at(2025, 2025), 2.0e9);
        // A path from its first anchor year; the default before it.
        let a = read("unit_cost = [[2030, 2e9]]\nfielding_capacity_anchors = 100");
        assert_eq!(a.unit_cost_at(2025, 2029), DEFAULT_UNIT_COST);
        assert_eq!(a.unit_cost_at(2025, 2031), 2.0e9);
        assert_eq!(a.capacity_at(2025, 2025), 100.0);
        assert_eq!(a.capacity_at(2025, 2050), 100.0);
        // Nothing set: the default ramp, 500 a year in 2026 to 6,000 by 2040.
        let a = read("currency = \"KRW\"");
        assert_eq!((a.capacity_at(2025, 2026), a.capacity_at(2025, 2040)), (500.0, 6_000.0));
        assert!(
            problems("description = \"t\"\n[automation]\nunit_cost = \"cheap\"\n")[0]
                .contains("automation.unit_cost: expected a number or an array of [year, value] pairs, got")
        );
    }

    #[test]
    fn the_bounds_accept_their_own_ends() {
        let at = |line: &str| format!("description = \"t\"\n[automation]\n{line}\n");
        assert!(problems(&at("unit_cost = 1e13")).is_empty());
        assert!(problems(&at("annual_cost_share = 1")).is_empty());
        let errs = problems(&at("unit_cost = 1.0000001e13"));
        assert_eq!(errs, vec!["s.toml:3: automation.unit_cost: must be between 0 and 1e13, got 1.0000001e13"]);
        let m = |v: &str| format!("description = \"t\"\n[migration]\nnet_anchors = [[2030, {v}]]\n");
        assert!(problems(&m("-1e6")).is_empty());
        assert!(problems(&m("1e6")).is_empty());
        assert_eq!(problems(&m("-1000001")).len(), 1);
    }
}
