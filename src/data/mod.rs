//! Input data: CSV tables with located errors, yearly series, one country's tables.

pub mod country;
pub mod force;
pub mod limits;
pub mod nationals;
pub mod series;
pub mod table;

pub use country::CountryData;
pub use series::{YearSeries, interpolate};
