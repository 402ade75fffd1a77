//! forcecast: a scenario model of demographics and force structure.
//!
//! The data flow: [`scenario`] (what to assume) → [`data`] (the country's tables) →
//! [`demography`] (cohort-component projection) → [`force`] (conscripts, cadre, target,
//! gap) → [`automation`] (substitution for the gap) → [`uncertainty`] (Monte Carlo
//! trajectories) → [`output`] (CSV, JSON, charts).
//! [`validation`] checks the same code against history.
//! [`run`] drives the pipeline for one scenario; [`analysis`] runs several (comparison,
//! one-at-a-time sensitivity) and [`report`] turns them into a readable HTML/Markdown report.

#![warn(missing_docs)]

pub mod analysis;
pub mod automation;
pub mod data;
pub mod demography;
pub mod embedded;
pub mod error;
pub mod force;
pub mod output;
pub mod plan;
pub mod report;
pub mod run;
pub mod scenario;
pub(crate) mod simd;
pub mod timing;
pub mod uncertainty;
pub mod validation;

pub use error::{Error, Result};

/// Number of single ages: 0..=100, with 100 the open group 100+.
pub const NAGES: usize = 101;

/// A vector over single ages 0..=100.
pub type AgeVec = nalgebra::SVector<f64, NAGES>;

/// The tool's version, written into every manifest.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
