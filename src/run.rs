//! The pipeline for one scenario: load inputs, build rates, project the population year
//! by year with numeric guards, then run the force and automation models.

use std::path::Path;

use crate::automation::{self, AutomationResult};
use crate::data::CountryData;
use crate::demography::leslie::{self, Stable};
use crate::demography::rates::{self, IntervalRates, MortalitySurface};
use crate::demography::{Flows, Population, StepInputs, Survival, step};
use crate::error::{Diagnostic, Diagnostics, Error, Result};
use crate::force::{self, ForceResult};
use crate::scenario::{BasePopulationSource, Scenario};
use crate::{AgeVec, NAGES};

/// The inputs a scenario needs, loaded once (and shared by Monte Carlo trajectories).
#[derive(Debug, Clone)]
pub struct Inputs {
    /// The country's tables.
    pub data: CountryData,
    /// WPP mortality graduated to single ages.
    pub mortality: MortalitySurface,
}

/// Where a scenario's country data lives: `<scenarios_dir>/data/<country>/` if that
/// folder exists, else the data embedded in the binary ([`crate::embedded`]).
pub fn data_dir(scenario: &Scenario, scenarios_dir: &Path) -> std::path::PathBuf {
    crate::embedded::data_dir(scenarios_dir, &scenario.country)
}

/// Loads the country data a scenario names and checks the scenario against it.
pub fn load_inputs(scenario: &Scenario, scenarios_dir: &Path) -> Result<Inputs> {
    if !crate::scenario::valid_name(&scenario.country) {
        return Err(scenario_error(
            scenario,
            "country",
            format!("`{}` is not a country folder name", scenario.country),
        ));
    }
    let dir = data_dir(scenario, scenarios_dir);
    let data = CountryData::load(&dir).map_err(|e| match e {
        Error::Data(d) => Error::Data(Diagnostic {
            message: format!(
                "{} (data for country `{}` of scenario {})",
                d.message,
                scenario.country,
                scenario.files[0].display()
            ),
            ..d
        }),
        other => other,
    })?;
    match scenario.base_population {
        BasePopulationSource::Registration if data.base.year != scenario.base_year => {
            return Err(scenario_error(
                scenario,
                "base_year",
                format!("must equal the year of the base population ({}, dated {})", data.base.year, data.base.date),
            ));
        }
        BasePopulationSource::WppEstimates if !data.pop5.iter().any(|p| p.year == scenario.base_year) => {
            let years: Vec<String> = data.pop5.iter().map(|p| p.year.to_string()).collect();
            return Err(scenario_error(
                scenario,
                "base_year",
                format!(
                    "with base_population = \"wpp-estimates\" it must be a year of WPP's estimates ({}), got {}",
                    years.join(", "),
                    scenario.base_year
                ),
            ));
        }
        _ => {}
    }
    let mortality = MortalitySurface::from_data(&data);
    Ok(Inputs { data, mortality })
}

/// The population a scenario starts from: the country's registered single-age table, or
/// WPP's 5-year estimates of the base year graduated to single ages
/// ([`crate::demography::base`]).
pub fn base_population(scenario: &Scenario, inputs: &Inputs) -> Result<Population> {
    match scenario.base_population {
        BasePopulationSource::Registration => {
            let registered = Population { male: inputs.data.base.male, female: inputs.data.base.female };
            match inputs.data.base.carry_years {
                0.0 => Ok(registered),
                f => Ok(carried_base(scenario, inputs, &registered, f)?.0),
            }
        }
        BasePopulationSource::WppEstimates => {
            crate::demography::base::from_pop5(&inputs.data, &inputs.mortality, scenario.base_year)
        }
    }
}

/// A registration dated before the base year's 1 July (Taiwan: 31 December), carried
/// over the fraction `f` of a year to it with the rates of the scenario's first interval
/// ([`crate::demography::base_date`]), with the flows of the window. The accounting
/// identity and the numeric guards are checked here, as for every projected year.
pub fn carried_base(
    scenario: &Scenario,
    inputs: &Inputs,
    registered: &Population,
    f: f64,
) -> Result<(Population, Flows)> {
    let y = scenario.base_year;
    let r = rates::build(scenario, &inputs.data, &inputs.mortality, y, y)?;
    let first = r.first().ok_or_else(|| Error::Consistency(format!("no rates for the interval {y}")))?;
    let (pop, flows) = crate::demography::base_date::carry(registered, first, f)?;
    guard(&pop, y, "base population carried to 1 July")?;
    let lhs = pop.total();
    let rhs = registered.total() + flows.births() - flows.deaths() + flows.net_migration();
    if (lhs - rhs).abs() > 1e-6 * lhs.max(1.0) {
        return Err(Error::Consistency(format!(
            "accounting identity broken carrying the base to 1 July {y}: {lhs} vs {rhs}"
        )));
    }
    Ok((pop, flows))
}

fn scenario_error(s: &Scenario, key: &str, message: String) -> Error {
    let (file, line) = match s.locations.get(key) {
        Some((f, l)) => (f.clone(), Some(*l)),
        None => (s.files[0].clone(), None),
    };
    Error::Scenario(Diagnostics(vec![Diagnostic { file, line, key: key.into(), message }]))
}

/// Checks everything a run of the scenario reads from the data, without projecting: the
/// base population, the rates of every interval of the horizon (so a table that stops
/// before the end year fails here) and the Monte Carlo components (their fits depend on
/// the settings and the data). `forcecast check` is this; `forcecast run` starts with it,
/// so the two accept and reject the same scenarios and data folders.
pub fn validate(scenario: &Scenario, inputs: &Inputs) -> Result<()> {
    let base = base_population(scenario, inputs)?;
    guard(&base, scenario.base_year, "base population")?;
    rates::build(scenario, &inputs.data, &inputs.mortality, scenario.base_year, scenario.end_year)?;
    crate::uncertainty::plan::Components::build(scenario, inputs)?;
    check_force_start(scenario, inputs)?;
    force::ForcePlan::new(&scenario.force, &inputs.data.force, scenario.base_year, scenario.end_year)?;
    Ok(())
}

/// The force model starts from the corps' first observed stocks and rebuilds the years
/// from there to the base year; it cannot run backwards. A base year before that first
/// observation started from those later stocks as if they were the base year's (Korea's
/// officers and NCOs of 2019 in 2000, exit 0), so it is refused.
fn check_force_start(scenario: &Scenario, inputs: &Inputs) -> Result<()> {
    let Some(start) = force::model::observed_start(&inputs.data.force) else { return Ok(()) };
    if scenario.base_year >= start {
        return Ok(());
    }
    Err(scenario_error(
        scenario,
        "base_year",
        format!(
            "{} is before {start}, the first year with an observed stock of every corps ({}: data/{}/{}), from \
             which the force model starts; use a base year of {start} or later (`forcecast backtest` projects the \
             population alone from earlier years)",
            scenario.base_year,
            inputs.data.force.structure().corps.iter().map(|c| c.key.as_str()).collect::<Vec<_>>().join(", "),
            scenario.country,
            crate::data::force::files::INPUTS,
        ),
    ))
}

/// A deterministic projection of one scenario.
#[derive(Debug, Clone)]
pub struct Projection {
    /// The scenario.
    pub scenario: Scenario,
    /// Years base..=end.
    pub years: Vec<i32>,
    /// Population at 1 July of each year.
    pub population: Vec<Population>,
    /// Flows over t → t+1 for each year t (the end year's interval is projected with
    /// the last year's rates so that every row has its flows).
    pub flows: Vec<Flows>,
    /// Net migrants by sex and single age over t → t+1 as requested of the step (fixed
    /// figures plus a net total spread on the population at t, plus the end-of-interval
    /// figures by their age at t+1).
    pub migration: Vec<[AgeVec; 2]>,
    /// TFR applied over t → t+1.
    pub tfr: Vec<f64>,
    /// Sex ratio at birth over t → t+1.
    pub srb: Vec<f64>,
    /// Life expectancy at birth (male, female) of the t → t+1 life tables.
    pub e0: Vec<[f64; 2]>,
    /// Force model results.
    pub force: ForceResult,
    /// Automation results.
    pub automation: AutomationResult,
    /// Leslie-matrix summary of the base interval's female rates.
    pub stable_base: Stable,
}

/// Checks a population for non-finite or negative values. Ages 1+ are checked before
/// age 0, because newborns derive from births and so from the rest: the first value
/// reported is then nearer the cause.
pub fn guard(pop: &Population, year: i32, quantity: &str) -> Result<()> {
    for a in (1..NAGES).chain(0..1) {
        for (s, v) in [("male", &pop.male), ("female", &pop.female)] {
            let x = v[a];
            if !x.is_finite() || x < 0.0 {
                return Err(Error::Numeric { year, sex: s.into(), age: a, quantity: quantity.into(), value: x });
            }
        }
    }
    Ok(())
}

/// Allowed difference between the net migration applied by the step and the requested
/// net (persons): less than half a person in a year, so that a failure always shows as
/// two different whole numbers in its message. A smaller shortfall is real but below
/// any input's precision: WPP's 1950 estimates graduated to single ages leave the open
/// age group of Taiwan empty while the residual pattern sends a few hundredths of a
/// person out of it (`backtest --country taiwan --from 1950` failed with "−4,078
/// requested but only −4,078 could be applied", 0.026 persons apart).
const NET_MIGRATION_TOLERANCE: f64 = 0.5;

/// Survival into an age below which the death rates, not migration, are the likely cause
/// of an emptied cohort: no national life table comes near it below age 90
/// ([`EMPTYING_AGES`]; at the oldest ages a survival of a half is ordinary).
const EMPTYING_SURVIVAL: f64 = 0.5;

/// Ages at which [`EMPTYING_SURVIVAL`] is read as the data's doing.
const EMPTYING_AGES: usize = 90;

/// The first cell (sex, age) of `next` emptied while migrants were to leave it, said as
/// the end of a migration error; when the survival into it is below
/// [`EMPTYING_SURVIVAL`], the mortality data are named as the cause.
fn emptied_by(next: &Population, net: [AgeVec; 2], surv: &[Survival; 2], year: i32) -> String {
    let cell = (0..NAGES).flat_map(|a| [(0, a), (1, a)]).find(|&(s, a)| next.sex(s)[a] <= 0.0 && net[s][a] < 0.0);
    let Some((s, a)) = cell else {
        return String::new();
    };
    let sex = ["male", "female"][s];
    let into = if a == 0 { surv[s].newborn } else { surv[s].s[a - 1] };
    if a < EMPTYING_AGES && into < EMPTYING_SURVIVAL {
        format!(
            "; the first emptied: {sex} aged {a} in {year}, whose survival into that age was {into:.3}: the death rates \
             of the mortality data ({}) emptied it",
            crate::data::country::files::MX
        )
    } else {
        format!("; the first emptied: {sex} aged {a} in {year}")
    }
}

/// Populations (one more than intervals), flows and net migrants applied by sex and age.
pub type Projected = (Vec<Population>, Vec<Flows>, Vec<[AgeVec; 2]>);

/// Projects population over the intervals in `rates` from `base`, spreading each
/// interval's net migration total on the population at its start. Checks the numeric
/// guards, the accounting identity and that the requested net migration was applied in
/// full (no age-sex cell ran out of people) every year.
pub fn project_population(base: &Population, rates: &[IntervalRates], survival: &[[Survival; 2]]) -> Result<Projected> {
    let mut pops = Vec::with_capacity(rates.len() + 1);
    let mut flows = Vec::with_capacity(rates.len());
    let mut migration = Vec::with_capacity(rates.len());
    pops.push(base.clone());
    for (r, surv) in rates.iter().zip(survival) {
        let prev = pops.last().expect("starts with the base population");
        let mig = r.migration.realize(prev, r.year)?;
        let end = &r.migration.end;
        let inputs = StepInputs {
            asfr: &r.asfr,
            srb: r.srb,
            survival: [&surv[0], &surv[1]],
            migration: [&mig[0], &mig[1]],
            end_migration: [&end[0], &end[1]],
        };
        let (next, f) = step(prev, &inputs);
        guard(&next, r.year + 1, "population")?;
        for (q, v) in [("births", f.births()), ("deaths", f.deaths()), ("net_migration", f.net_migration())] {
            if !v.is_finite() {
                return Err(Error::Numeric { year: r.year, sex: "-".into(), age: 0, quantity: q.into(), value: v });
            }
        }
        let lhs = next.total();
        let rhs = prev.total() + f.births() - f.deaths() + f.net_migration();
        if (lhs - rhs).abs() > 1e-6 * lhs.max(1.0) {
            return Err(Error::Consistency(format!("accounting identity broken in {}: {lhs} vs {rhs}", r.year + 1)));
        }
        let requested = mig[0].sum() + mig[1].sum() + end[0].sum() + end[1].sum();
        if (f.net_migration() - requested).abs() > NET_MIGRATION_TOLERANCE {
            return Err(r.migration.error(
                r.year,
                &format!(
                    "{} net migrants requested but {} applied: {} departures could not be made, as some ages held \
                     fewer people than were to leave them (a net total too negative for the population, or rates in \
                     the data, such as death rates, that emptied ages){}",
                    crate::output::numbers::signed(requested),
                    crate::output::numbers::signed(f.net_migration()),
                    crate::output::numbers::count((f.net_migration() - requested).abs()),
                    emptied_by(&next, [mig[0] + end[0], mig[1] + end[1]], surv, r.year + 1)
                ),
            ));
        }
        pops.push(next);
        flows.push(f);
        migration.push([mig[0] + end[0], mig[1] + end[1]]);
    }
    Ok((pops, flows, migration))
}

/// Runs one scenario deterministically.
pub fn project(scenario: &Scenario, inputs: &Inputs) -> Result<Projection> {
    let base_year = scenario.base_year;
    let end = scenario.end_year;
    let data = &inputs.data;
    let base = base_population(scenario, inputs)?;
    guard(&base, base_year, "base population")?;
    // Intervals base..=end, so the end year's row also has its flows.
    let rates = rates::build(scenario, data, &inputs.mortality, base_year, end)?;
    let survival: Vec<[Survival; 2]> = rates.iter().map(|r| r.survival()).collect();
    let (mut pops, flows, migration) = project_population(&base, &rates, &survival)?;
    pops.pop(); // the population at end + 1 is not reported
    let years: Vec<i32> = (base_year..=end).collect();
    let plan = force::ForcePlan::new(&scenario.force, &data.force, base_year, end)?;
    let history = force::history_populations(&base, base_year, plan.first, &inputs.mortality);
    let force = force::simulate_with(&plan, &history, &pops);
    let gap = automation_gap(&force.gap(), &scenario.plan.equivalents(base_year, years.len()));
    let automation = automation::simulate(&gap, &force.available(), base_year, &scenario.automation);
    let srb0 = rates[0].srb;
    let stable_base = leslie::stable(&rates[0].asfr, &survival[0][1], 1.0 / (1.0 + srb0));
    let projection = Projection {
        scenario: scenario.clone(),
        years,
        population: pops,
        flows,
        migration,
        tfr: rates.iter().map(|r| r.tfr).collect(),
        srb: rates.iter().map(|r| r.srb).collect(),
        e0: survival.iter().map(|s| [s[0].e0, s[1].e0]).collect(),
        force,
        automation,
        stable_base,
    };
    // Every number the outputs will hold, checked before any of them is written.
    crate::output::guard::projection(&projection)?;
    Ok(projection)
}

/// The gap automation must cover: the force gap less the troop-equivalents of the
/// civilians in non-combat posts (`[plan] civilians`), never negative.
pub fn automation_gap(gap: &[f64], civilians: &[f64]) -> Vec<f64> {
    gap.iter().zip(civilians).map(|(&g, &c)| automation_gap_in_year(g, c)).collect()
}

/// One year of [`automation_gap`] (the Monte Carlo's force path applies it year by year).
pub fn automation_gap_in_year(gap: f64, civilians: f64) -> f64 {
    if civilians > 0.0 { (gap - civilians).max(0.0) } else { gap }
}

/// Convenience: an age vector from a slice (for tests and tools).
pub fn age_vec(values: &[f64]) -> AgeVec {
    let mut v = AgeVec::zeros();
    for (i, x) in values.iter().take(NAGES).enumerate() {
        v[i] = *x;
    }
    v
}
