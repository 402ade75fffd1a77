//! Defaults of the force model that are not read from the country's data: each is either
//! calibrated by `forcecast backtest --force` (README "Force calibration") or marked as an
//! assumption. Index 0 is officers, 1 NCOs ([`super::Corps`]).

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

/// Share continuing past the obligated term. Officers: CALIBRATED (`backtest --force`),
/// officer RMS 0.5% 2019-2023, but NOT IDENTIFIED: the officer stock was flat and starts
/// at its profile's steady state, so any value from 0.30 to 0.95 fits within 0.5 point;
/// a weak prior (0.5 ± 0.1, an ASSUMPTION: `calibration::OFFICER_PRIORS`) picks the value.
/// NCOs: the sourced ~30% who stay long-term after the 4-year term (2010-2012) is the
/// data default; this value is used only when the data lack it.
pub const DECISION_CONTINUATION: [f64; 2] = [0.481, 0.30];

/// Careerists' yearly continuation. CALIBRATED (`backtest --force`) to the officer and
/// NCO stocks 2019-2023 (RMS 0.5% and 2.5%), the 2025 NCO shortfall and the mean
/// long-service (10+ years) discharges of 2020 and 2024 (4,143 and 5,885). NOT
/// IDENTIFIED: sets within 0.5 point of the best objective RMS span 0.85-0.995 (officers;
/// a weak prior of 0.955 ± 0.02 picks the value) and 0.874-0.995 (NCOs).
pub const CAREERIST_CONTINUATION: [f64; 2] = [0.9619, 0.9134];

/// Recruiting capacity in the model's first year (2019) as a multiple of the accessions
/// that sustain the observed stock under the profile. Officers: 1, ASSUMPTION (their
/// stock was flat 2019-2023). NCOs: CALIBRATED (`backtest --force`) to the NCO stocks
/// 2019-2023, which grew to 2022 while the fill rate fell: 1.074 (sets within 0.5 point
/// of the best objective RMS: 0.975-1.26).
pub const CAPACITY: [f64; 2] = [1.0, 1.074];

/// Most completed years of service. ASSUMPTION: NCOs enter at about 21 and the oldest
/// ranks retire at 53-55; officers at about 23 and retire by 56 (colonels and above).
pub const MAX_YEARS: [usize; 2] = [33, 33];

/// Troop target: Defense Reform 2.0, 620,000 (2018) to 500,000 (2022)
/// (2020 Defence White Paper p.56).
pub const TARGET: &[(i32, f64)] = &[(2018, 620_000.0), (2022, 500_000.0)];
