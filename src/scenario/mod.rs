//! Scenario files: parsing with locations, `extends` resolution, validation.

pub mod node;
pub mod plan;
pub mod reader;
pub mod resolve;
pub mod show;
pub mod spec;
pub mod uncertainty;

pub use resolve::{
    Listed, country_default_scenario, extendable_name, list, load, locate, name_of, set_strict, valid_name,
};
pub use spec::{
    AutomationSpec, BasePopulationSource, CadreSpec, FertilitySpec, ForceSpec, MigrationSpec, MortalitySpec, PathSpec,
    Scenario,
};
pub use uncertainty::UncertaintySpec;
