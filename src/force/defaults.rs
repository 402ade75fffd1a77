//! Defaults of the force model that are not read from the country's data: each is either
//! calibrated by `forcecast backtest --force` (README "Force calibration") or marked as an
//! assumption. Per-corps arrays are indexed by slot ([`super::Corps`]); the values
//! calibrated for a country live in its `country.toml` (`[force.corps_defaults]`).

/// Share of the active-duty pool (after allocations and cadre entrants) who enlist in
/// the year. CALIBRATED (`backtest --force`) to the enlisted stocks by service 2019-2023
/// and total strength 2019-2025: RMS error enlisted 2.25%, total 2.8%; sets within 0.5
/// point of the best objective RMS (2.05%) have 0.885-0.929.
pub const TAKE_UP: f64 = 0.910;

/// Years of the obligated term. Officers: 2, the Army ROTC's 28 months (ROTC supplies
/// about 70% of junior officers; facts 'ROTC service length', 2023). NCOs: 4, the men's
/// mandatory service (facts 'NCO annual intake and share retained long-term').
pub const OBLIGATED_YEARS: [usize; 2] = [2, 4];

/// Yearly continuation during the obligated term. ASSUMPTION: 3% a year leave early
/// (medical, disciplinary, failed training); no published figure.
pub const EARLY_CONTINUATION: [f64; 2] = [0.97, 0.97];

/// Continuation at the end of the obligated term when neither the country's data
/// (`long_service_share`) nor its `country.toml` (`[force.corps_defaults.<corps>]`) gives
/// one. ASSUMPTION: 0.5 (the weak prior of the Korean officers' calibration).
pub const DECISION_CONTINUATION: f64 = 0.5;

/// Careerists' yearly continuation when the country's `country.toml` gives none.
/// ASSUMPTION: 0.95 (a 20-year mean career after the decision).
pub const CAREERIST_CONTINUATION: f64 = 0.95;

/// Recruiting capacity in the first year as a multiple of the sustaining accessions,
/// when the country gives none. ASSUMPTION: 1 (recruiting just sustains the stock).
pub const CAPACITY: f64 = 1.0;

/// Most completed years of service. ASSUMPTION: NCOs enter at about 21 and the oldest
/// ranks retire at 53-55; officers at about 23 and retire by 56 (colonels and above).
pub const MAX_YEARS: [usize; 2] = [33, 33];
