//! Force structure: conscript intake and stock, career cadre, target path and gap.

pub mod cadre;
pub mod conscripts;
pub mod model;

pub use model::{ForceResult, simulate};
