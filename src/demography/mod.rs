//! Demography: graduation, life tables, migration profiles, interval rates and the
//! cohort-component step.

pub mod base;
pub mod base_date;
pub mod citizen_migration;
pub mod graduation;
pub mod leslie;
pub mod lifetable;
pub mod migration;
pub mod projection;
pub mod rates;
pub mod residual;

pub use lifetable::{LifeTable, Sex, Survival};
pub use projection::{Flows, Population, StepInputs, step};
