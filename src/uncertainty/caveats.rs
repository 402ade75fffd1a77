//! What a Monte Carlo run draws, and what its bands mean, in words for the report and the
//! fan charts' notes (issue 12, item 5). Built from the run's own components, so the
//! text names the migration calibration actually used (the nationals' series for a
//! citizen base, WPP's all-resident intervals otherwise) and the force parameters' set.

use super::plan::Components;

/// The method's caveats.
#[derive(Debug, Clone, PartialEq)]
pub struct Caveats {
    /// One line for a chart's source note.
    pub short: String,
    /// Sentences for the report: what is random, what is not, what each band means.
    pub long: Vec<String>,
}

/// The caveats of a run with these components.
pub fn of(c: &Components) -> Caveats {
    let tfr = if c.tfr.calibrated {
        "fertility: AR(1) around the scenario's TFR path, calibrated to UN WPP 2024's 80% and 95% TFR intervals"
    } else {
        "fertility: AR(1) around the scenario's TFR path with the scenario's own spread"
    };
    let mortality = if c.mortality_sex_scale != [1.0, 1.0] {
        "mortality: Lee-Carter, each sex's spread calibrated to WPP 2024's e0 80% interval"
    } else {
        "mortality: Lee-Carter with the fitted (or scenario's) spread"
    };
    let (migration, migration_short) = match &c.migration.citizens {
        Some(n) => (
            format!(
                "migration: deviations from the default path as rates of each age's population, an AR(1) \
                 (φ = {:.2}) fitted to Korean nationals' net migration {}-{} (KOSTAT, {} years); the spread \
                 covers citizens' moves, not foreign residents'",
                n.ar1_fit,
                n.values.first().map_or(0, |v| v.0),
                n.values.last().map_or(0, |v| v.0),
                n.values.len()
            ),
            "migration: nationals' series (KOSTAT)",
        ),
        None => (
            "migration: Student-t AR(1) deviations calibrated to UN WPP 2024's all-resident net migration \
             intervals"
                .to_string(),
            "migration: WPP 2024 intervals",
        ),
    };
    let force = match &c.force_calibration {
        Some(s) => format!(
            "force: the cadre and conscript parameters drawn from the {} of {} parameter sets tried that fit \
             the sourced 2017-2025 history about equally well (RMS error within {:.1} percentage points of the \
             best fit's {:.1}%)",
            s.accepted,
            crate::output::numbers::count(s.design_points as f64),
            100.0 * s.tolerance,
            100.0 * s.reference_rms
        ),
        None => "force: the parameters drawn from their sourced ranges".to_string(),
    };
    let long = vec![
        format!("What is random in each trajectory: {tfr}; {mortality}; {migration}; {force}."),
        "What is not random: the scenario's policies (target, service length, automation budget and \
         prices), the base population, and the model's structure. A band is the spread of the trajectories \
         under this model, not a probability that the model is right."
            .to_string(),
        "Each band is a central range of the trajectories in that year: the 50% band holds half of them \
         (25th to 75th percentile), the 80% band the 10th to 90th, the 90% band the 5th to 95th; the line is \
         the deterministic projection, the median of the trajectories lies close to it. Years are read one at \
         a time: a path along a band's edge is not itself a likely trajectory."
            .to_string(),
    ];
    let short = format!(
        "Monte Carlo: fertility and mortality calibrated to WPP 2024 intervals, {migration_short}, force \
         parameters from the calibration's equally good fits"
    );
    Caveats { short, long }
}
