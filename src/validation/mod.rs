//! Validation against history: the population back-test and its chart, and the force
//! calibration to observed troop numbers. The residual estimate of historical net
//! migration by age lives in the demography (the projection uses it for 2020-2022) and
//! is re-exported here for the back-test.

pub mod backtest;
pub mod calibration;
pub mod chart;
pub use crate::demography::residual;
