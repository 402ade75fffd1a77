//! Spreading a net migration total over age and sex.
//!
//! A scenario may ask for a net total N of migrants a year (`[migration] net_anchors`),
//! and WPP gives only totals for the years before its single-age table (1950-2022). A
//! total is spread by a [`MigrationProfile`], separately for the two signs, so that the
//! result is defined whatever the data's own net total does (WPP's Korean net falls
//! towards zero and turns negative around 2087: dividing its age-sex figures by their
//! sum, as forcecast once did, made the factor explode and flip sign):
//!
//! - N ≥ 0, arrivals: A_{s,x} = N · a_{s,x}, with arrival shares a summing to 1.
//! - N < 0, departures in proportion to the population at risk:
//!   D_{s,x} = |N| · e_{s,x} R_{s,x}(t) / Σ e R, with e an age-sex departure intensity and
//!   R the population at risk: the smaller of the cohorts aged x and x − 1 at t (half the
//!   departures leave from each), none at age 0 ([`at_risk`]).
//!   Departures at an age are a rate of that age's population, so no cohort can be
//!   emptied; if a request would take more than [`MAX_DEPARTURE_SHARE`] of any age-sex
//!   cell in a year the run stops with an error instead of cutting silently.
//!
//! The net total is met exactly: the step adds half the migrants at the start of the
//! interval and half at its end, and with these vectors its cut at zero never binds
//! (the projection checks this every year, [`crate::run::project_population`]).
//!
//! ## The profiles (`MigrationProfile::from_data`)
//! - Arrival shares a: the positive parts of WPP 2024's single-age net migration
//!   (medium variant, `wpp2024_net_migration_single_age_sex_2023_2100.csv`) by sex and
//!   age, summed over the table's first [`PROFILE_YEARS`] years (2023-2032 for Korea)
//!   and normalised to sum to 1: for Korea 50% men, 75% of all arrivals at ages 18-26,
//!   12% children under 15. The same shares spread the Monte Carlo's migration
//!   deviations ([`crate::uncertainty::migration::arrival_profile`]).
//! - Departure intensity e: the Rogers-Castro model migration schedule with the
//!   fundamental parameters of Rogers & Castro's simplified basic standard schedule
//!   ([`ROGERS_CASTRO`]), the same for both sexes: a rate of leaving by age for the
//!   population at risk, highest at 23-24 (young adults leaving to study or work), with
//!   a childhood component (children leave with their parents) and a floor at every age.
//!   Only its shape matters: the level is set by the requested total.
//!
//!   WPP's negative parts are not used for departures: in Korea they are foreign
//!   workers going home after a stay (ages 27-60 above all), who are not in a citizen
//!   base. Used as an intensity on citizens (share ÷ base population) they concentrate
//!   departures on the same few ages year after year; at −200,000 a year that takes more
//!   than half of the men aged 28 by 2086, where the Rogers-Castro schedule carries
//!   −200,000 a year to 2100.
//!
//! Both are stand-ins for a citizen profile from the registration, which can replace
//! [`MigrationProfile::from_data`] alone.
//!
//! ## Reference
//! Rogers, A. & Castro, L. J. (1981), *Model Migration Schedules*, IIASA Research Report
//! RR-81-30 (the 7-parameter schedule and its fundamental parameters).

use crate::data::CountryData;
use crate::demography::Population;
use crate::output::numbers::count;
use crate::{AgeVec, NAGES};

/// Years of WPP's single-age table, from its first, over which the arrival shares are
/// summed.
pub const PROFILE_YEARS: i32 = 10;

/// Largest share of an age-sex cell's population that may leave in one year.
pub const MAX_DEPARTURE_SHARE: f64 = 0.5;

/// The 7-parameter Rogers-Castro model migration schedule:
/// m(x) = a1·exp(−α1·x) + a2·exp(−α2·(x − μ2) − exp(−λ2·(x − μ2))) + c.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RogersCastro {
    /// Level of the childhood component.
    pub a1: f64,
    /// Rate of descent of the childhood component.
    pub alpha1: f64,
    /// Level of the labour-force component.
    pub a2: f64,
    /// Rate of descent of the labour-force component.
    pub alpha2: f64,
    /// Position of the labour-force component (years).
    pub mu2: f64,
    /// Rate of ascent of the labour-force component.
    pub lambda2: f64,
    /// Constant level at every age.
    pub c: f64,
}

/// The fundamental parameters of Rogers & Castro's (1981) simplified basic standard
/// schedule (as in the `migest` R package's `rc9.fund`).
pub const ROGERS_CASTRO: RogersCastro =
    RogersCastro { a1: 0.02, alpha1: 0.1, a2: 0.06, alpha2: 0.1, mu2: 20.0, lambda2: 0.4, c: 0.003 };

impl RogersCastro {
    /// The schedule at single ages 0..=100 (100 for the open group).
    pub fn rates(&self) -> AgeVec {
        AgeVec::from_fn(|x, _| {
            let x = x as f64;
            let labour = -self.alpha2 * (x - self.mu2) - (-self.lambda2 * (x - self.mu2)).exp();
            self.a1 * (-self.alpha1 * x).exp() + self.a2 * labour.exp() + self.c
        })
    }
}

/// The age-sex distribution of arrivals and the age-sex intensity of departures.
#[derive(Debug, Clone, PartialEq)]
pub struct MigrationProfile {
    /// First and last year of WPP's table the arrival shares were summed over.
    pub arrival_years: (i32, i32),
    /// Arrival shares by sex (male, female) and age, summing to 1; `None` when the data
    /// hold no net arrivals at any age.
    pub arrivals: Option<[AgeVec; 2]>,
    /// Relative departure intensity by sex and age (a rate for the population at risk;
    /// only its shape matters).
    pub departures: [AgeVec; 2],
}

impl MigrationProfile {
    /// The profiles of the module documentation: arrival shares from WPP's single-age net
    /// migration, departure intensity from [`ROGERS_CASTRO`].
    pub fn from_data(data: &CountryData) -> MigrationProfile {
        let first = data.mig_age.first().map_or(0, |m| m.0);
        let mut pos = [AgeVec::zeros(), AgeVec::zeros()];
        let mut last = first;
        for (y, m, f) in data.mig_age.iter().filter(|m| m.0 < first + PROFILE_YEARS) {
            last = *y;
            for (s, v) in [m, f].into_iter().enumerate() {
                for x in 0..NAGES {
                    pos[s][x] += v[x].max(0.0);
                }
            }
        }
        let total = pos[0].sum() + pos[1].sum();
        let arrivals = (total > 0.0).then(|| [pos[0] / total, pos[1] / total]);
        let rc = ROGERS_CASTRO.rates();
        MigrationProfile { arrival_years: (first, last), arrivals, departures: [rc, rc] }
    }

    /// Net migrants by sex and age that make up the net total `net` for a population
    /// `pop` at the start of the interval. Err: why the total cannot be spread.
    pub fn spread(&self, net: f64, pop: &Population) -> Result<[AgeVec; 2], String> {
        if net == 0.0 {
            return Ok([AgeVec::zeros(), AgeVec::zeros()]);
        }
        if !net.is_finite() {
            return Err(format!("the net total {net} is not a finite number"));
        }
        if net > 0.0 {
            let (a, b) = self.arrival_years;
            let Some(arr) = &self.arrivals else {
                return Err(format!(
                    "WPP's single-age net migration of {a}-{b} has no arrivals at any age to spread {net:.0} arrivals by"
                ));
            };
            return Ok([arr[0] * net, arr[1] * net]);
        }
        let mut out = [AgeVec::zeros(), AgeVec::zeros()];
        if !subtract_departures(-net, &self.departures, pop, &mut out) {
            return Err(format!("nobody is left at the ages people leave from, so {} cannot leave", count(-net)));
        }
        let risk = at_risk(pop);
        for (s, sex) in ["men", "women"].into_iter().enumerate() {
            let p = &risk[s];
            for x in 0..NAGES {
                if -out[s][x] > MAX_DEPARTURE_SHARE * p[x] {
                    return Err(format!(
                        "{} departures a year would take {} {sex} aged {x}, {:.2}% of the {} at risk there; \
                         at most {:.0}% of an age may leave in a year",
                        count(-net),
                        count(-out[s][x]),
                        -100.0 * out[s][x] / p[x],
                        count(p[x]),
                        100.0 * MAX_DEPARTURE_SHARE
                    ));
                }
            }
        }
        Ok(out)
    }
}

/// The population at risk of leaving at each age over an interval: half of an age's
/// departures leave at the start (from the cohort aged x at t) and half at the end (from
/// the cohort aged x − 1 at t, then aged x), so the risk is the smaller of the two and no
/// half can take more than its cohort holds. Age 0 is not at risk: its end-of-interval
/// cohort is born during the interval (with no births, e.g. a TFR of 0, it is empty).
pub fn at_risk(pop: &Population) -> [AgeVec; 2] {
    let mut r = [AgeVec::zeros(); 2];
    at_risk_into(pop, &mut r);
    r
}

/// [`at_risk`] written into `out` (the Monte Carlo forms it together with its dot
/// products: `citizen_migration::at_risk_with_dots`).
#[inline(always)]
pub fn at_risk_into(pop: &Population, out: &mut [AgeVec; 2]) {
    for (s, r) in out.iter_mut().enumerate() {
        let (p, r) = (pop.sex(s).as_slice(), r.as_mut_slice());
        r[0] = 0.0;
        for x in 1..NAGES {
            r[x] = p[x].min(p[x - 1]);
        }
    }
}

/// Subtracts `departures` persons from `out`, spread over sex and age in proportion to
/// the population at risk e_{s,x} R_{s,x} (`intensity` e, R = [`at_risk`] of `pop`).
/// Returns false, leaving `out` unchanged, when nobody is at risk. The deterministic
/// projection and every Monte Carlo trajectory spread departures by this one formula.
pub fn subtract_departures(departures: f64, intensity: &[AgeVec; 2], pop: &Population, out: &mut [AgeVec; 2]) -> bool {
    let risk = at_risk(pop);
    let weight = intensity[0].dot(&risk[0]) + intensity[1].dot(&risk[1]);
    if weight.is_nan() || weight <= 0.0 {
        return false;
    }
    let k = departures / weight;
    for (s, o) in out.iter_mut().enumerate() {
        for ((o, &e), &r) in o.as_mut_slice().iter_mut().zip(intensity[s].as_slice()).zip(risk[s].as_slice()) {
            *o -= k * e * r;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile() -> MigrationProfile {
        let mut arr = [AgeVec::zeros(), AgeVec::zeros()];
        arr[0][20] = 0.75;
        arr[1][20] = 0.25;
        let mut dep = [AgeVec::zeros(), AgeVec::zeros()];
        dep[0][30] = 1.0e-6;
        dep[1][30] = 2.0e-6;
        MigrationProfile { arrival_years: (2023, 2032), arrivals: Some(arr), departures: dep }
    }

    fn pop(v: f64) -> Population {
        Population { male: AgeVec::from_element(v), female: AgeVec::from_element(v) }
    }

    #[test]
    fn arrivals_follow_the_shares_and_departures_the_population_at_risk() {
        let p = profile();
        let a = p.spread(1000.0, &pop(1.0e5)).expect("arrivals");
        assert_eq!((a[0][20], a[1][20], a[0].sum() + a[1].sum()), (750.0, 250.0, 1000.0));
        let mut q = pop(1.0e5);
        // Women aged 29 and 30 (both cohorts passing through age 30): intensity 2 ×
        // population at risk 3 = 6 to the men's 1.
        q.female[29] = 3.0e5;
        q.female[30] = 3.0e5;
        let d = p.spread(-700.0, &q).expect("departures");
        assert!((d[0][30] + 100.0).abs() < 1e-9 && (d[1][30] + 600.0).abs() < 1e-9, "{} {}", d[0][30], d[1][30]);
        assert!((d[0].sum() + d[1].sum() + 700.0).abs() < 1e-9);
    }

    /// With no births (age 0 empty) and an empty cohort beside a full one, departures
    /// come only from ages whose both cohorts are populated, so the step can apply them.
    #[test]
    fn departures_never_come_from_a_cohort_that_is_not_there() {
        let mut p = Population { male: AgeVec::from_element(1.0e5), female: AgeVec::from_element(1.0e5) };
        p.male[0] = 0.0;
        p.female[0] = 0.0;
        p.male[29] = 0.0; // men aged 29 at t are men aged 30 at the end of the interval
        let r = at_risk(&p);
        assert_eq!((r[0][0], r[0][1], r[0][29], r[0][30], r[0][31]), (0.0, 0.0, 0.0, 0.0, 1.0e5));
        let mut profile = profile();
        profile.departures[0] = AgeVec::from_element(1.0e-6);
        let d = profile.spread(-1000.0, &p).expect("departures");
        assert_eq!((d[0][0], d[0][1], d[0][29], d[0][30]), (0.0, 0.0, 0.0, 0.0));
        assert!((d[0].sum() + d[1].sum() + 1000.0).abs() < 1e-9);
    }

    #[test]
    fn departures_beyond_half_an_age_are_refused() {
        let p = profile();
        // Women aged 30 take two thirds of the departures: 75,000 would take 50,000 of
        // their 100,000 (allowed), 76,000 more than half.
        assert!(p.spread(-75_000.0, &pop(1.0e5)).is_ok());
        let err = p.spread(-76_000.0, &pop(1.0e5)).expect_err("too many");
        assert!(err.contains("women aged 30") && err.contains("at most 50%"), "{err}");
    }

    #[test]
    fn missing_arrivals_are_an_error_only_when_needed() {
        let p = MigrationProfile { arrivals: None, ..profile() };
        assert!(p.spread(0.0, &pop(1.0)).is_ok());
        assert!(p.spread(-1.0, &pop(1.0e5)).is_ok());
        assert!(p.spread(1.0, &pop(1.0)).expect_err("no arrivals").contains("no arrivals"));
    }

    #[test]
    fn nobody_at_risk_is_an_error() {
        let err = profile().spread(-1.0, &pop(0.0)).expect_err("nobody");
        assert!(err.contains("nobody"), "{err}");
    }

    /// Rogers & Castro's fundamental schedule: the labour-force peak lies at
    /// μ2 + ln(λ2/α2)/λ2 = 20 + ln 4 / 0.4 ≈ 23.5, and the schedule tends to c = 0.003 at
    /// old ages (a2·exp(−α2·80) = 2e-5 at 100).
    #[test]
    fn rogers_castro_peaks_in_the_early_twenties() {
        let m = ROGERS_CASTRO.rates();
        let peak = (0..NAGES).max_by(|&a, &b| m[a].total_cmp(&m[b])).expect("ages");
        assert!((23..=24).contains(&peak), "peak at {peak}");
        assert!((m[100] - 0.003).abs() < 5e-5, "{}", m[100]);
        // The childhood component: a1 + a2·exp(α2·μ2 − exp(λ2·μ2)) + c at age 0.
        assert!((m[0] - 0.023).abs() < 1e-6, "{}", m[0]);
    }
}
