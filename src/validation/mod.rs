//! Validation against history: the population back-test, its chart, and the force
//! calibration to observed troop numbers.

pub mod backtest;
pub mod calibration;
pub mod chart;
