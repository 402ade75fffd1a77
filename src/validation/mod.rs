//! Validation against history: the population back-test, its chart, the residual
//! estimate of historical net migration by age, and the force calibration to observed
//! troop numbers.

pub mod backtest;
pub mod calibration;
pub mod chart;
pub mod residual;
