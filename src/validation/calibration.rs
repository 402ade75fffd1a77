//! Force calibration (`forcecast backtest --force`): TEMPORARY while the new force model
//! lands; rebuilt against `force_inputs.csv` in the same change.

use std::path::Path;

use crate::error::{Error, Result};
use crate::run::Inputs;
use crate::scenario::ForceSpec;

/// The calibration's results.
#[derive(Debug, Clone, Default)]
pub struct Calibration {}

/// Runs the calibration.
pub fn run(_inputs: &Inputs, _spec: &ForceSpec) -> Result<Calibration> {
    Err(Error::Consistency("force calibration is being rebuilt".into()))
}

/// Writes `force_calibration.csv`.
pub fn write_csv(_c: &Calibration, _path: &Path) -> Result<()> {
    Ok(())
}

/// Writes `force_calibration_years.csv`.
pub fn write_years_csv(_c: &Calibration, _path: &Path) -> Result<()> {
    Ok(())
}

/// The printed table.
pub fn report(_c: &Calibration) -> String {
    String::new()
}
