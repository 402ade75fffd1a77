//! Whom a projection counts, in the words the charts use: the base population
//! (resident registration of citizens, or WPP estimates of all residents) decides
//! whether a chart says "citizens" or "all residents", and what the source line cites.

use crate::data::CountryData;
use crate::run::Projection;
use crate::scenario::BasePopulationSource;

/// Whom a projection counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Basis {
    /// Short name for labels: "citizens" or "all residents".
    pub counted: &'static str,
    /// The base population as cited in the source line.
    pub source: String,
}

/// The basis of `p`.
pub fn of(p: &Projection, data: &CountryData) -> Basis {
    match p.scenario.base_population {
        BasePopulationSource::Registration => Basis {
            // The registration table's note says whom it counts (Korea: citizens).
            counted: if data.base.note.to_lowercase().contains("citizen") {
                "citizens"
            } else {
                "registered residents"
            },
            source: format!("base population: {}", data.base.note),
        },
        BasePopulationSource::WppEstimates => Basis {
            counted: "all residents",
            source: format!("base population: UN WPP 2024 estimates for {} (all residents)", p.years[0]),
        },
    }
}
