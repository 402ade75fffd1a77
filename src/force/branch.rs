//! The services conscripts serve in and the two corps of the career cadre.

use serde::Serialize;

/// A service (branch) of the armed forces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Branch {
    /// Army.
    Army = 0,
    /// Navy (Marines apart).
    Navy = 1,
    /// Air Force.
    AirForce = 2,
    /// Marine Corps.
    Marines = 3,
}

/// Every branch, in the order of the outputs.
pub const BRANCHES: [Branch; 4] = [Branch::Army, Branch::Navy, Branch::AirForce, Branch::Marines];

impl Branch {
    /// The key used in scenario files, data tables and output columns.
    pub fn key(self) -> &'static str {
        match self {
            Branch::Army => "army",
            Branch::Navy => "navy",
            Branch::AirForce => "air_force",
            Branch::Marines => "marines",
        }
    }

    /// The name used in charts and reports.
    pub fn label(self) -> &'static str {
        match self {
            Branch::Army => "Army",
            Branch::Navy => "Navy",
            Branch::AirForce => "Air Force",
            Branch::Marines => "Marines",
        }
    }
}

/// A corps of the career cadre.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Corps {
    /// Commissioned and warrant officers.
    Officers = 0,
    /// Non-commissioned officers.
    Ncos = 1,
}

/// Both corps.
pub const CORPS: [Corps; 2] = [Corps::Officers, Corps::Ncos];

impl Corps {
    /// The key used in scenario files, data tables and output columns.
    pub fn key(self) -> &'static str {
        match self {
            Corps::Officers => "officers",
            Corps::Ncos => "ncos",
        }
    }
}
