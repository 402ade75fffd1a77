//! Net migration of a citizen base (the resident registration): its level from KOSTAT's
//! series of Korean nationals' net migration, its age pattern from the registration's
//! own cohort changes, both as rates of the population at each age so that no cohort can
//! be emptied.
//!
//! ## Level (`CitizenLevel`)
//! The default net total is the median of the nationals' net international migration
//! (90-day rule) over [`LEVEL_YEARS`] = 2011-2024, leaving out [`LEVEL_EXCLUDED`] = 2020:
//! **−2,000 a year** for Korea (13 years; mean −6,300, s.d. 29,000). Why these years: the
//! series was revised in 2010 and 2000-2008 were published under the older methodology
//! (and an era of heavy emigration, −70,000 to −96,000 a year, that has not returned); 2020
//! is a one-off +241,000 of nationals coming home at the start of COVID-19. The median
//! rather than the mean because 2022 (−80,000) is a single outlying year. (Assumption:
//! the recent decade's median carries on.)
//!
//! Naturalisations (+10,000 to +14,000 a year, MOJ) and loss of nationality (−26,494 in
//! 2024, −25,002 in 2025) are *not* added (assumption): neither is migration in the
//! 90-day series, most who lose their nationality have lived abroad for years and left the
//! registration when they reported emigrating, and the registration's own residual below
//! (which contains both) totals −5,900 over ages 1-64 in June 2024 - June 2025 (age 1 at
//! age 2's rate, see below; the pattern on the 2025 population, `pattern_total`): between
//! the series' median (−2,000) and the median plus both flows (−16,000), and well inside
//! the series' year-to-year spread, so the data cannot tell the choices apart.
//!
//! ## Age pattern (`CitizenProfile::rate`)
//! The registration counts citizens at 30 June 2024 and 30 June 2025 by single age (both
//! sexes). The cohort aged x − 1 in 2024 is aged x in 2025; what its survivors (the
//! model's own mortality of the interval 2024 → 2025, each sex weighted by its share of
//! the cohort in the 2025 table) do not explain is its net migration plus registration
//! changes. Divided by the cohort in 2024 that is a net rate ρ(x), recorded at the age at
//! the end of the interval:
//! - ages 2-13: net arrivals, +0.43% at 2 falling to +0.01% at 13 (children coming home
//!   with their parents);
//! - ages 14-34: net departures, −0.02% to −0.10% (−0.10% at 18: study and work abroad);
//! - ages 41-59: net departures of −0.03% to −0.07%.
//!
//! Age 1 takes age 2's rate: its own residual (+4.3%) is births registered late, not
//! migration. Above [`LAST_AGE`] = 64 the rate is 0 (assumption): there the residual follows
//! the mortality model's error, not migration (+0.1% to +0.45% a year at 65-81, −0.4% to
//! −3.9% at 84+, the sign pattern of death rates a little too high, then too low). The
//! raw rates are smoothed by a centred moving average over [`SMOOTH_AGES`] = 5 ages (the
//! window shrinks at the ends of 1-64). Both sexes take the same rate (assumption: the
//! registration by sex exists for 2025 only; KOSTAT's one published split, 2019's net
//! +16,000 men and +3,000 women, is one year of the series).
//!
//! ## Spreading a net total N over age and sex (`CitizenProfile::spread`)
//! With R the population at risk of [`at_risk`] (the smaller of the cohorts aged x and
//! x − 1 at t: half the migrants move at the start of the interval and half at its end):
//!
//! m(s, x) = (ρ(x) + k · g(x)) · R(s, x),  k = (N − Σ ρ R) / Σ g R,
//!
//! so the registration's pattern is kept and the difference between N and what the
//! pattern gives on the current population is spread by the intensity g. Both terms are
//! rates of the population at each age: the level stays defined when N is near 0 (no
//! division by N, unlike scaling a signed age profile to its total), and the total is
//! met exactly. g is the Rogers-Castro model schedule of [`crate::demography::migration`]
//! (childhood component, labour-force peak at 23-24, a floor at every age; assumption:
//! where nationals' flows vary from year to year, the ages that move; KOSTAT's reports
//! put 48% of 2022's net outflow and 56% of 2023's at ages 20-29, g puts 34% of a
//! deviation there on the 2025 population). A request that would take more than
//! [`MAX_DEPARTURE_SHARE`] of an age in a year is refused. The Monte Carlo adds its
//! deviation by the same intensity: z_t · g(x) · R(s, x) ([`crate::uncertainty::migration`]).

use serde::Serialize;

use super::migration::{MAX_DEPARTURE_SHARE, ROGERS_CASTRO, at_risk};
use super::rates::MortalitySurface;
use super::{Population, Sex, Survival};
use crate::data::CountryData;
use crate::data::nationals::{NationalsMigration, files};
use crate::error::{Error, Result};
use crate::output::numbers::count;
use crate::{AgeVec, NAGES};

/// Years of the nationals' series the level is taken over.
pub const LEVEL_YEARS: (i32, i32) = (2011, 2024);
/// Years left out of the level (2020: the COVID-19 return).
pub const LEVEL_EXCLUDED: &[i32] = &[2020];
/// The registration dates whose cohort changes give the age pattern (1 July 2024 →
/// 1 July 2025, the interval of the mortality used).
pub const PATTERN_DATES: (&str, &str) = ("2024-06-30", "2025-06-30");
/// Oldest age with a rate from the registration (0 above).
pub const LAST_AGE: usize = 64;
/// Width of the moving average smoothing the raw rates (ages, odd).
pub const SMOOTH_AGES: usize = 5;

/// The default net total and the series it comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CitizenLevel {
    /// The years and values the level is the median of.
    pub values: Vec<(i32, f64)>,
    /// Median of `values`: the default net total, persons a year.
    pub median: f64,
    /// Mean of `values`.
    pub mean: f64,
    /// Sample standard deviation of `values`.
    pub sd: f64,
}

/// The citizen age pattern, intensity and level.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CitizenProfile {
    /// The registration's raw residual by age at the end of the interval (persons, both
    /// sexes; age 0 is not observed).
    #[serde(skip)]
    pub residual: AgeVec,
    /// Net rate ρ by age (per person at risk, both sexes alike), smoothed.
    #[serde(skip)]
    pub rate: AgeVec,
    /// Intensity g of the level adjustment and of the Monte Carlo's deviations.
    #[serde(skip)]
    pub intensity: AgeVec,
    /// Σ ρ R on the registration of the later pattern date (persons a year).
    pub pattern_total: f64,
    /// The default net total; `None` for a country without a nationals' series (a
    /// scenario then gives its totals, `[migration] net_anchors`).
    pub level: Option<CitizenLevel>,
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 { v[n / 2] } else { 0.5 * (v[n / 2 - 1] + v[n / 2]) }
}

impl CitizenLevel {
    /// The level of the module documentation from the nationals' series. Err: the series
    /// has fewer than 3 years in [`LEVEL_YEARS`].
    pub fn from_series(m: &NationalsMigration, table: &std::path::Path) -> Result<CitizenLevel> {
        let values = NationalsMigration::values(&m.net, LEVEL_YEARS.0, LEVEL_YEARS.1, LEVEL_EXCLUDED);
        if values.len() < 3 {
            return Err(Error::data(
                table,
                None,
                "ref_date",
                format!(
                    "the citizen migration level needs the nationals' net migration for at least 3 years of {}-{}; found {}",
                    LEVEL_YEARS.0,
                    LEVEL_YEARS.1,
                    values.len()
                ),
            ));
        }
        let mut v: Vec<f64> = values.iter().map(|p| p.1).collect();
        let n = v.len() as f64;
        let mean = v.iter().sum::<f64>() / n;
        let sd = (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
        Ok(CitizenLevel { median: median(&mut v), mean, sd, values })
    }
}

impl CitizenProfile {
    /// Derives the profile of the module documentation from the country's nationals'
    /// series, registration tables and mortality. Err: a table or date is missing.
    pub fn derive(data: &CountryData, mortality: &MortalitySurface) -> Result<CitizenProfile> {
        let facts = data.dir.join(files::FACTS);
        let Some(n) = data.nationals.as_ref() else {
            // No nationals' series nor registration change (Taiwan): no pattern and no
            // default level; a scenario's net total is spread by the intensity g alone.
            return Ok(CitizenProfile {
                residual: AgeVec::zeros(),
                rate: AgeVec::zeros(),
                intensity: ROGERS_CASTRO.rates(),
                pattern_total: 0.0,
                level: None,
            });
        };
        let level = Some(CitizenLevel::from_series(&n.migration, &facts)?);
        let reg = data.dir.join(files::REGISTRATION);
        let date = |d: &str| {
            n.registration.by_date.get(d).ok_or_else(|| {
                Error::data(
                    &reg,
                    None,
                    "reference_date",
                    format!(
                        "citizen migration's age pattern needs the registration of {d}; the table has no rows for it"
                    ),
                )
            })
        };
        let (p0, p1) = (date(PATTERN_DATES.0)?, date(PATTERN_DATES.1)?);
        let year1: i32 = PATTERN_DATES.1[..4].parse().unwrap_or(0);
        // The projection evaluates interval t → t+1 at t + 1.
        let mx = mortality.at(f64::from(year1));
        let surv = [Survival::from_mx(&mx[0], Sex::Male), Survival::from_mx(&mx[1], Sex::Female)];
        let (m, f) = (&data.base.male, &data.base.female);
        let mut residual = AgeVec::zeros();
        let mut raw = AgeVec::zeros();
        for x in 1..NAGES {
            let both = m[x] + f[x];
            let share = if both > 0.0 { m[x] / both } else { 0.5 };
            let s = share * surv[0].s[x - 1] + (1.0 - share) * surv[1].s[x - 1];
            let cohort = if x == NAGES - 1 { p0[x - 1] + p0[x] } else { p0[x - 1] };
            residual[x] = p1[x] - cohort * s;
            raw[x] = if cohort > 0.0 { residual[x] / cohort } else { 0.0 };
        }
        // Age 1: births registered late, not migration; it takes age 2's rate.
        raw[1] = raw[2];
        let mut rate = AgeVec::zeros();
        let h = SMOOTH_AGES / 2;
        for x in 1..=LAST_AGE {
            let (lo, hi) = (x.saturating_sub(h).max(1), (x + h).min(LAST_AGE));
            rate[x] = (lo..=hi).map(|a| raw[a]).sum::<f64>() / (hi - lo + 1) as f64;
        }
        let intensity = ROGERS_CASTRO.rates();
        let pop1 = Population {
            male: AgeVec::from_fn(|x, _| p1[x] * share_of(m, f, x)),
            female: AgeVec::from_fn(|x, _| p1[x] * (1.0 - share_of(m, f, x))),
        };
        let mut p = CitizenProfile { residual, rate, intensity, pattern_total: 0.0, level };
        p.pattern_total = p.totals(&pop1).0;
        Ok(p)
    }

    /// (Σ ρ R, Σ g R) on the population at risk of `pop`.
    pub fn totals(&self, pop: &Population) -> (f64, f64) {
        self.totals_at_risk(&at_risk(pop))
    }

    /// [`Self::totals`] from the population at risk `r` itself.
    #[inline(always)]
    fn totals_at_risk(&self, r: &[AgeVec; 2]) -> (f64, f64) {
        let (rate, intensity) = (self.rate.as_slice(), self.intensity.as_slice());
        let [m, f] = r.each_ref().map(|v| v.as_slice());
        (dot(rate, m) + dot(rate, f), dot(intensity, m) + dot(intensity, f))
    }

    /// Σ g R: persons a unit deviation rate moves on `pop` (see [`Self::spread_with_deviation`]).
    pub fn weight(&self, pop: &Population) -> f64 {
        self.totals(pop).1
    }

    /// Net rates by sex and age that make up `net` on `pop` (see the module notes),
    /// with the population at risk. Err: nobody is at risk.
    fn rates(&self, net: f64, pop: &Population) -> std::result::Result<(AgeVec, [AgeVec; 2]), String> {
        if !net.is_finite() {
            return Err(format!("the net total {net} is not a finite number"));
        }
        // The population at risk once, for the totals and the result.
        let risk = at_risk(pop);
        let (t0, g) = self.totals_at_risk(&risk);
        if g.is_nan() || g <= 0.0 {
            return Err(format!("nobody is at risk of migrating, so a net total of {} cannot be spread", count(net)));
        }
        let k = (net - t0) / g;
        Ok((self.rate + self.intensity * k, risk))
    }

    /// Net migrants by sex and age that make up the net total `net` for the population
    /// `pop` at the start of the interval. Err: why the total cannot be spread.
    pub fn spread(&self, net: f64, pop: &Population) -> std::result::Result<[AgeVec; 2], String> {
        let (rate, risk) = self.rates(net, pop)?;
        for x in 0..NAGES {
            if rate[x] < -MAX_DEPARTURE_SHARE && (risk[0][x] > 0.0 || risk[1][x] > 0.0) {
                return Err(format!(
                    "a net total of {} would take {:.2}% of the citizens aged {x} at risk in a year; at most {:.0}% of \
                     an age may leave in a year",
                    count(net),
                    -100.0 * rate[x],
                    100.0 * MAX_DEPARTURE_SHARE
                ));
            }
        }
        Ok([rate.component_mul(&risk[0]), rate.component_mul(&risk[1])])
    }

    /// The Monte Carlo's migrants: `net` spread on `pop` as [`Self::spread`] does, plus a
    /// deviation of rate `z` spread by the intensity (z · g(x) · R(s, x)), into `out`.
    /// The combined rate of a cell is cut at −[`MAX_DEPARTURE_SHARE`] (so a trajectory
    /// never takes more than that share of an age in a year) instead of failing. Err:
    /// nobody is at risk.
    // Inlined into the Monte Carlo's AVX2 kernel, which calls it every trajectory-year.
    #[inline(always)]
    pub fn spread_with_deviation(
        &self,
        net: f64,
        z: f64,
        pop: &Population,
        out: &mut [AgeVec; 2],
    ) -> std::result::Result<(), String> {
        // The same operations as `rates` then `spread`'s product, element by element and
        // in place: the population at risk goes into `out`, which each age's rate then
        // multiplies (bit for bit the vector expressions, without their temporaries).
        if !net.is_finite() {
            return Err(format!("the net total {net} is not a finite number"));
        }
        let (rate, intensity) = (self.rate.as_slice(), self.intensity.as_slice());
        let [om, of] = out.each_mut().map(|o| o.as_mut_slice());
        let (t_m, g_m) = at_risk_with_dots(pop.male.as_slice(), rate, intensity, om);
        let (t_f, g_f) = at_risk_with_dots(pop.female.as_slice(), rate, intensity, of);
        // As `totals_at_risk` adds them.
        let (t0, g) = (t_m + t_f, g_m + g_f);
        if g.is_nan() || g <= 0.0 {
            return Err(format!("nobody is at risk of migrating, so a net total of {} cannot be spread", count(net)));
        }
        let k = (net - t0) / g;
        let [m, f] = out;
        let (m, f) = (m.as_mut_slice(), f.as_mut_slice());
        let (rate, intensity) = (self.rate.as_slice(), self.intensity.as_slice());
        // Two loops rather than a test of z at every age: each then runs four ages per
        // vector instruction (same operations, same order).
        let ages = m.iter_mut().zip(f.iter_mut()).zip(rate.iter().zip(intensity));
        if z != 0.0 {
            for ((m, f), (&a, &e)) in ages {
                let r = (a + e * k + e * z).max(-MAX_DEPARTURE_SHARE);
                *m *= r;
                *f *= r;
            }
        } else {
            for ((m, f), (&a, &e)) in ages {
                let r = (a + e * k).max(-MAX_DEPARTURE_SHARE);
                *m *= r;
                *f *= r;
            }
        }
        Ok(())
    }
}

/// The population at risk of one sex (as [`super::migration::at_risk_into`] forms it: none at age 0, the
/// smaller of the cohorts x and x − 1 above) into `out`, with its [`dot`] products with
/// `a` and `b`, in one pass (the same values and the same sums, bit for bit).
#[inline(always)]
fn at_risk_with_dots(p: &[f64], a: &[f64], b: &[f64], out: &mut [f64]) -> (f64, f64) {
    let (p, a, b, out) = (&p[..NAGES], &a[..NAGES], &b[..NAGES], &mut out[..NAGES]);
    let whole = NAGES / 8 * 8;
    let mut acc = [[0.0_f64; 8]; 2];
    out[0] = 0.0;
    for x in 1..8 {
        out[x] = p[x].min(p[x - 1]);
    }
    for k in 0..8 {
        acc[0][k] += a[k] * out[k];
        acc[1][k] += b[k] * out[k];
    }
    for c in (8..whole).step_by(8) {
        let (o, now, before) = (&mut out[c..c + 8], &p[c..c + 8], &p[c - 1..c + 7]);
        let (a, b) = (&a[c..c + 8], &b[c..c + 8]);
        for k in 0..8 {
            o[k] = now[k].min(before[k]);
            acc[0][k] += a[k] * o[k];
            acc[1][k] += b[k] * o[k];
        }
    }
    let acc = std::hint::black_box(acc);
    let mut res = [0.0; 2];
    for (r, acc) in res.iter_mut().zip(&acc) {
        for k in 0..4 {
            *r += acc[k] + acc[k + 4];
        }
    }
    for x in whole..NAGES {
        out[x] = p[x].min(p[x - 1]);
        res[0] += a[x] * out[x];
        res[1] += b[x] * out[x];
    }
    (res[0], res[1])
}

/// a · b with nalgebra's `dot` arithmetic, bit for bit (eight partial sums over whole
/// chunks of eight, added into a sum from zero as (0 + 4), (1 + 5), (2 + 6), (3 + 7),
/// then the remainder one by one), with the partial sums fenced from those additions so
/// that the compiler keeps each chunk in two 256-bit vectors rather than shuffling
/// 128-bit halves (the Monte Carlo computes four of these every trajectory-year).
#[inline(always)]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().min(b.len());
    let whole = n / 8 * 8;
    let mut acc = [0.0_f64; 8];
    for (x, y) in a[..whole].chunks_exact(8).zip(b[..whole].chunks_exact(8)) {
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
    let acc = std::hint::black_box(acc);
    let mut res = 0.0;
    for k in 0..4 {
        res += acc[k] + acc[k + 4];
    }
    for k in whole..n {
        res += a[k] * b[k];
    }
    res
}

fn share_of(m: &AgeVec, f: &AgeVec, x: usize) -> f64 {
    let both = m[x] + f[x];
    if both > 0.0 { m[x] / both } else { 0.5 }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile() -> CitizenProfile {
        let mut rate = AgeVec::zeros();
        rate[5] = 0.002;
        rate[20] = -0.001;
        CitizenProfile {
            residual: AgeVec::zeros(),
            rate,
            intensity: AgeVec::from_element(0.01),
            pattern_total: 0.0,
            level: Some(CitizenLevel { values: vec![], median: 0.0, mean: 0.0, sd: 0.0 }),
        }
    }

    fn pop(v: f64) -> Population {
        Population { male: AgeVec::from_element(v), female: AgeVec::from_element(v) }
    }

    /// The pattern is kept and the rest spread by g: on 100,000 per age and sex the
    /// pattern gives 2 × (200 − 100) = +200; a net of −1,800 adds −2,000 over the
    /// 200 cells at risk (ages 1-100, two sexes), −10 a cell.
    /// The dot product of the spread is nalgebra's, bit for bit, on vectors with
    /// values of every magnitude and sign (so that the order of the additions shows).
    #[test]
    fn dot_is_nalgebras_bit_for_bit() {
        for seed in 0..50_u64 {
            let val = |x: usize, k: u64| {
                let h = (x as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(seed * 7919 + k);
                let m = ((h >> 11) % 10_000) as f64 / 10_000.0 - 0.3;
                m * 10f64.powi(((h >> 40) % 9) as i32 - 3)
            };
            let a = AgeVec::from_fn(|x, _| val(x, 1));
            let b = AgeVec::from_fn(|x, _| val(x, 2));
            assert_eq!(dot(a.as_slice(), b.as_slice()).to_bits(), a.dot(&b).to_bits(), "seed {seed}");
        }
    }

    #[test]
    fn a_net_total_keeps_the_pattern_and_is_met_exactly() {
        let p = profile();
        let m = p.spread(-1800.0, &pop(1.0e5)).unwrap();
        assert!((m[0][5] - 190.0).abs() < 1e-9 && (m[1][20] + 110.0).abs() < 1e-9 && (m[0][50] + 10.0).abs() < 1e-9);
        assert_eq!(m[0][0], 0.0);
        assert!((m[0].sum() + m[1].sum() + 1800.0).abs() < 1e-9);
        // A net of 0 (or near it) is as well defined as any other.
        let z = p.spread(0.0, &pop(1.0e5)).unwrap();
        assert!((z[0].sum() + z[1].sum()).abs() < 1e-9 && z[0][5] > 0.0 && z[0][20] < 0.0);
    }

    #[test]
    fn more_than_half_an_age_is_refused_and_a_deviation_is_cut() {
        let p = profile();
        // −0.5 × 200 cells × 1e5 would take exactly half of every age.
        let e = p.spread(-1.02e7, &pop(1.0e5)).unwrap_err();
        assert!(e.contains("at most 50%"), "{e}");
        let mut out = [AgeVec::zeros(); 2];
        p.spread_with_deviation(0.0, -1.0e3, &pop(1.0e5), &mut out).unwrap();
        assert!(out[0].iter().skip(1).all(|v| (*v + 0.5e5).abs() < 1e-6));
        assert!(p.spread(1.0, &pop(0.0)).unwrap_err().contains("nobody"));
    }

    #[test]
    fn the_in_place_spread_is_the_vector_formula_bit_for_bit() {
        let p = profile();
        let pop = Population {
            male: AgeVec::from_fn(|x, _| 1.0e4 + 37.0 * x as f64 - (x % 7) as f64 * 900.0),
            female: AgeVec::from_fn(|x, _| 9.0e3 + 11.0 * (x as f64).powi(2)),
        };
        // The last deviation cuts every age at the largest departure share.
        for (net, z) in [(-1800.0, 0.0), (2500.0, 0.003), (-3.0e5, -0.2), (0.0, -100.0)] {
            let (mut rate, risk) = p.rates(net, &pop).unwrap();
            if z != 0.0 {
                rate += p.intensity * z;
            }
            for x in 0..NAGES {
                rate[x] = rate[x].max(-MAX_DEPARTURE_SHARE);
            }
            let want = [rate.component_mul(&risk[0]), rate.component_mul(&risk[1])];
            let mut out = [AgeVec::from_element(f64::NAN); 2];
            p.spread_with_deviation(net, z, &pop, &mut out).unwrap();
            for s in 0..2 {
                for x in 0..NAGES {
                    assert_eq!(out[s][x].to_bits(), want[s][x].to_bits(), "net {net} z {z} sex {s} age {x}");
                }
            }
        }
    }

    #[test]
    fn the_median_of_the_level_years_leaves_2020_out() {
        use crate::data::nationals::Figure;
        let f = |year, value| Figure { year, value, line: 0 };
        let m = NationalsMigration {
            net: vec![f(2008, -36.0e3), f(2011, 1.0e3), f(2019, 19.0e3), f(2020, 241.0e3), f(2021, -23.0e3)],
            ..Default::default()
        };
        let l = CitizenLevel::from_series(&m, std::path::Path::new("x.csv")).unwrap();
        assert_eq!((l.values.len(), l.median), (3, 1.0e3));
        let few = NationalsMigration { net: vec![f(2020, 1.0)], ..Default::default() };
        assert!(CitizenLevel::from_series(&few, std::path::Path::new("x.csv")).is_err());
    }
}
