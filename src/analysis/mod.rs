//! Analyses over several projections: running a batch of scenarios, comparing them
//! year by year, and one-at-a-time sensitivity of a scenario to its uncertain parameters.

pub mod batch;
pub mod compare;
pub mod ranges;
pub mod sensitivity;

pub use batch::{ScenarioRun, run_all, run_one};
pub use compare::Comparison;
pub use sensitivity::Sensitivity;
