//! Force structure: conscripts by branch, officers and NCOs by years of service, the
//! target path and the gap. Policies are paths in time ([`policy`]).

pub mod branch;
pub mod defaults;
pub mod model;
pub mod policy;

pub use branch::{Branch, Corps, ForceStructure, MAX_BRANCHES, MAX_CORPS};
pub use model::{
    Adjust, CadreDefaults, ForcePlan, ForceResult, ForceState, ForceYear, LanePop, LaneState, LaneYear,
    history_populations, prepare, prepare_with, simulate_with,
};
