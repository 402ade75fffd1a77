//! Charts (being written).

use std::path::Path;

use crate::data::CountryData;
use crate::error::Result;
use crate::run::Projection;

/// Writes every chart of a projection into `dir`; returns the file names.
pub fn write_all(_p: &Projection, _data: &CountryData, _dir: &Path) -> Result<Vec<String>> {
    Ok(Vec::new())
}
