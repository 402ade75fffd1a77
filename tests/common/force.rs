//! A synthetic country for the force model: constant population, constant sourced rates
//! and one fixed term per branch, so that the model's steady states can be written down.

use forcecast::data::force::{ForceData, ForceRow, ServiceSchedule};
use forcecast::demography::Population;
use forcecast::force::{ForcePlan, ForceState, ForceStructure, ForceYear};
use forcecast::scenario::ForceSpec;
use forcecast::{AgeVec, NAGES};

/// First year of the synthetic observed cadre, and the base year of its plans.
pub const START: i32 = 2019;
/// Active-duty rate of the synthetic data.
pub const ACTIVE_RATE: f64 = 0.8;
/// Observed officers and NCOs in `START`.
pub const OFFICERS: f64 = 60_000.0;
/// Observed NCOs in `START`.
pub const NCOS: f64 = 120_000.0;
/// NCOs' long-service share in the data (their default decision continuation).
pub const NCO_DECISION: f64 = 0.3;

fn row(key: &str, branch: &str, year: i32, value: f64) -> ForceRow {
    ForceRow {
        key: key.into(),
        branch: branch.into(),
        year,
        value,
        unit: String::new(),
        measure: String::new(),
        source: "test".into(),
    }
}

/// The synthetic country's structure: Korea's four branches and two corps.
pub fn structure() -> ForceStructure {
    let text = r#"
        branches = [["army", "Army"], ["navy", "Navy"], ["air_force", "Air Force"], ["marines", "Marines"]]
        corps = [["officers", "Officers"], ["ncos", "NCOs"]]
        target = [[2018, 620000], [2022, 500000]]
        target_source = "test"
        strength_source = "test"
        examination_source = "test"
        authority = "test"
        [corps_defaults.officers]
        decision_continuation = 0.481
        careerist_continuation = 0.9619
        capacity = 1.0
        [corps_defaults.ncos]
        careerist_continuation = 0.9134
        capacity = 1.074
    "#;
    toml::from_str::<forcecast::force::branch::StructureToml>(text).expect("parses").build().expect("valid")
}

/// Force data whose branch `b` serves `months[b]` at every enlistment date.
pub fn data(months: [f64; 4]) -> ForceData {
    let st = structure();
    let mut rows = vec![
        row("officers", "all", START, OFFICERS),
        row("ncos", "all", START, NCOS),
        row("active_duty_rate", "all", START, ACTIVE_RATE),
        row("fill_rate", "officers", START, 0.9),
        row("fill_rate", "ncos", START, 0.9),
        row("cadre_share", "all", START, 0.4),
        row("women_cadre_share", "all", START, 0.1),
        row("long_service_share", "ncos", 0, NCO_DECISION),
    ];
    for (b, enlisted) in st.branch_keys().iter().zip([300_000.0, 25_000.0, 35_000.0, 20_000.0]) {
        rows.push(row("enlisted", b, START, enlisted));
    }
    let schedules = st
        .branch_slots()
        .zip(months)
        .map(|(branch, m)| ServiceSchedule {
            branch,
            before: m,
            after: m,
            first: 2000.0,
            last: 2000.0,
            days_saved_first: 0.0,
            step_days: 14.0,
        })
        .collect();
    ForceData { rows, schedules, structure: Some(st), missing: None }
}

/// A population with `men` men and `men` / 2 women at every age.
pub fn population(men: f64) -> Population {
    Population {
        male: AgeVec::from_iterator(std::iter::repeat_n(men, NAGES)),
        female: AgeVec::from_iterator(std::iter::repeat_n(men / 2.0, NAGES)),
    }
}

/// A spec whose troop target is far above what recruiting can reach, so that cadre
/// accessions are the recruiting capacity (constant when nothing else moves).
pub fn spec() -> ForceSpec {
    ForceSpec { target: Some(vec![(START, 1.0e7)]), ..ForceSpec::for_structure(Some(&structure())) }
}

/// Runs `years` years from `START` on a constant population of `men` per age, returning
/// the plan, the final state and the rows.
pub fn run(spec: &ForceSpec, data: &ForceData, men: f64, years: i32) -> (ForcePlan, ForceState, Vec<ForceYear>) {
    let plan = ForcePlan::new(spec, data, START, START + years - 1).expect("plan");
    assert_eq!(plan.first, START);
    let pop = population(men);
    let mut state = ForceState::start(&plan, &pop);
    let rows = (0..years).map(|t| state.step(&plan, START + t, &pop)).collect();
    (plan, state, rows)
}
