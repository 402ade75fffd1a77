//! Uncertainty: Monte Carlo trajectories of the whole model.
//!
//! Stochastic components, each a deviation around the scenario's deterministic path so
//! that the deterministic run is the centre: TFR as an AR(1) ([`tfr`]), mortality
//! through a Lee-Carter k random walk ([`lee_carter`]), net migration as a heavy-tailed
//! AR(1) ([`migration`]), and force and automation parameters drawn per trajectory
//! (the calibrated set of [`force_set`], explicit distributions of [`params`]). [`plan`] precomputes what is deterministic, [`engine`] runs the
//! trajectories in parallel and reproducibly, [`summary`] and [`calibration`] reduce
//! them ([`sketch`] in one pass and constant memory for runs too large to keep every
//! sample, [`streaming`] exactly in three passes), and
//! [`outcome`] strings the steps together.

pub mod calibration;
pub mod caveats;
pub mod engine;
pub mod force_path;
pub mod force_set;
mod lanes;
pub mod lee_carter;
pub mod migration;
pub mod outcome;
pub mod params;
pub mod plan;
pub mod sketch;
pub mod special;
pub mod step;
pub mod streaming;
pub mod summary;
pub mod survival;
pub mod tfr;

pub use engine::Options;
pub use outcome::{Outcome, passes, run, run_with_budget, sketched};
