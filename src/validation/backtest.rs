//! The population back-test: start from WPP's estimate of a past year, project with the
//! rates WPP observed, and compare with what WPP estimated happened.
//!
//! ## What is projected
//! - Base: WPP 2024 5-year age-sex estimates of the start year (1 July, all residents),
//!   graduated to single ages ([`crate::demography::base`]: spline on the cumulative for
//!   5-9 … 95-99, births of the five previous years for 0-4, open group 100+ kept).
//! - Fertility: WPP's estimated TFR × WPP's annual percent-ASFR pattern of each year
//!   (series `wpp-estimate`), graduated to single ages as in every run.
//! - Mortality: WPP's 5-year-period mx, graduated and log-linear in time (as every run),
//!   then multiplied each interval by the factor that reproduces WPP's estimated annual
//!   life expectancy at birth by sex (mean of the two calendar years the interval
//!   straddles). The 5-year periods smooth single years away (the 2020-2025 period holds
//!   the COVID-19 deaths of 2022, which log-linear interpolation spreads back over
//!   2018-2020); WPP's annual e0 restores the level of each year, the periods the age shape.
//! - Sex ratio at birth: WPP's estimate.
//! - Net migration: WPP's estimated total of each year, spread over age and sex by one of
//!   three patterns ([`MigrationPattern`]); from 2023 on, WPP's single-age figures.
//!   - `residual` (the default): WPP's own age-sex pattern of each 5-year period,
//!     estimated from its population estimates, births and life tables by the residual
//!     method ([`residual`]: Preston, Heuveline & Guillot 2001, ch. 8; UN Manual VI,
//!     1970). Each interval t → t+1 takes the pattern of the period holding it (2015-2020
//!     for the intervals after 2020) at the pattern's own level, plus WPP's yearly total
//!     minus that level spread in proportion to the population, so each year's total is
//!     WPP's. (Multiplying the pattern by the ratio of totals instead is unstable: in
//!     2005-2010 the net −60,000 is the sum of cohort figures whose sizes add to 635,000,
//!     and the yearly ratio would run from −2.4 to 3.2, flipping the pattern's sign; it
//!     gives a largest 2020 group error of 3.9% against 2.2%.) **Circular in part**: the
//!     pattern is fitted to the estimates of 2005-2020 the back-test is compared with, so
//!     with it every 2020 group agrees by construction up to smoothing and the model's
//!     yearly mortality, the cohorts born after 2000 included.
//!   - `population`: in proportion to the population by age and sex at the start of each
//!     interval. It uses no age information from the later estimates, so its 2020 groups
//!     are an independent test; it misses the cohort-specific moves in WPP's estimates
//!     (the men born 1976-80 rise between 1995 and 2000 and fall by 2005: men 40-44 in
//!     2020 come out +8.6%; women 75-79 −6.6%).
//!   - `wpp2023`: the model's own spreading of a net total
//!     ([`crate::demography::migration`]): arrivals by the shares of WPP's 2023-2032
//!     single-age arrivals (the only single-age figures in the data), departures by the
//!     Rogers-Castro schedule on the population. It concentrates arrivals on ages 18-26
//!     as the labour migration of the 2020s does; applied to the +270,000-310,000 a year
//!     WPP estimates for 2011-2015 it puts 18% too many men and 19% too many women aged
//!     25-29 into 2020, while WPP's own estimates spread that inflow over ages 20-70.
//!
//! The step function, life tables and rates are the model's own: the back-test runs
//! [`crate::run::project`] on a scenario built by [`scenario`].
//!
//! ## What is compared (and what is independent)
//! WPP estimates population only every 5 years (1 July), so the annual projection is
//! checked against total population, 15-64 and each 5-year group by sex in those years.
//! Births and deaths are annual: the model's mid-year-to-mid-year flows are turned into
//! calendar years as ½(flow over y−1 → y) + ½(flow over y → y+1).
//! Independent of the residual pattern's fit: births and deaths each year (WPP's fertility
//! and mortality applied to the projected population), the total population (migration
//! totals are WPP's yearly figures, not the residual's), and — with the `population`
//! pattern only — the groups aged 0-19 at the end, born during the back-test.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::residual;
use crate::data::CountryData;
use crate::data::country::POP_GROUPS;
use crate::demography::{Flows, LifeTable, Population, Sex, rates};
use crate::error::{Error, Result};
use crate::run::{self, Inputs};
use crate::scenario::{
    AutomationSpec, BasePopulationSource, FertilitySpec, ForceSpec, MigrationSpec, MortalitySpec, PathSpec, Scenario,
};
use crate::{AgeVec, NAGES};

/// Default first year of the back-test.
pub const DEFAULT_FROM: i32 = 2000;
/// Default last compared year.
pub const DEFAULT_TO: i32 = 2020;

/// One model-versus-observed figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// Year (1 July for stocks, calendar year for births and deaths).
    pub year: i32,
    /// What is compared, e.g. `population_total`, `population_male_20_24`, `births`.
    pub metric: String,
    /// The model's value (persons).
    pub model: f64,
    /// WPP's estimate (persons).
    pub observed: f64,
}

impl Comparison {
    /// 100 × (model − observed) / observed.
    pub fn error_pct(&self) -> f64 {
        if self.observed == 0.0 { 0.0 } else { 100.0 * (self.model - self.observed) / self.observed }
    }
}

/// The year a series peaks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Peak {
    /// Year of the highest value.
    pub year: i32,
    /// The highest value.
    pub value: f64,
    /// False when the highest value is at the last year (the peak may lie later).
    pub reached: bool,
}

/// The result of a back-test.
#[derive(Debug, Clone)]
pub struct Backtest {
    /// Start year (the base).
    pub from: i32,
    /// Last compared year.
    pub to: i32,
    /// Last projected year: the last year of observed inputs (WPP estimates of births end
    /// there), so that the peaks can be seen beyond `to`.
    pub horizon: i32,
    /// How migrants before 2023 were spread over age and sex.
    pub pattern: MigrationPattern,
    /// Population at 1 July of `from..=horizon`.
    pub population: Vec<Population>,
    /// Flows over `t → t+1`, `t = from..=horizon`.
    pub flows: Vec<Flows>,
    /// Every comparison, in the order written to `backtest.csv`.
    pub rows: Vec<Comparison>,
    /// Model births by calendar year `from+1..=horizon`.
    pub births: Vec<(i32, f64)>,
    /// WPP's estimated births by calendar year `from+1..=horizon`.
    pub births_observed: Vec<(i32, f64)>,
    /// Peak of the total population over `from..=horizon`.
    pub peak_total: Peak,
    /// Peak of the population aged 15-64 over `from..=horizon`.
    pub peak_15_64: Peak,
    /// Turning points the country's `force_and_context_facts.csv` publishes (rows whose
    /// unit is `year` and whose figure names a population peak), as `figure: value
    /// (source)`. Empty for a country without them; the report then names none.
    pub published_peaks: Vec<String>,
    /// The country's display name (`country.toml`), named in the chart's subtitle.
    pub country: String,
}

impl Backtest {
    /// The comparisons of one metric.
    pub fn metric<'a>(&'a self, metric: &'a str) -> impl Iterator<Item = &'a Comparison> + 'a {
        self.rows.iter().filter(move |c| c.metric == metric)
    }

    /// The comparison with the largest absolute error among rows that `keep` selects.
    pub fn worst(&self, keep: impl Fn(&Comparison) -> bool) -> Option<&Comparison> {
        self.rows.iter().filter(|c| keep(c)).max_by(|a, b| a.error_pct().abs().total_cmp(&b.error_pct().abs()))
    }
}

/// Metric name of a 5-year group: `population_male_20_24`, `population_female_100_plus`.
pub fn group_metric(sex: &str, g: usize) -> String {
    if g == POP_GROUPS - 1 {
        format!("population_{sex}_{}_plus", 5 * g)
    } else {
        format!("population_{sex}_{}_{}", 5 * g, 5 * g + 4)
    }
}

/// The back-test scenario: WPP estimates as base, WPP's rates (estimates to 2023),
/// `from..=end`. [`project`] replaces its migration before 2023 by the chosen pattern.
pub fn scenario(country: &str, from: i32, end: i32) -> Scenario {
    Scenario {
        name: format!("backtest-{from}"),
        description: format!("Back-test: WPP {from} estimates projected with WPP's observed rates"),
        files: vec![PathBuf::from("(forcecast backtest)")],
        country: country.to_string(),
        base_population: BasePopulationSource::WppEstimates,
        base_year: from,
        end_year: end,
        fertility: FertilitySpec {
            // The estimate to 2023 (the medium variant only after, for the last half-year).
            tfr: PathSpec::Series("wpp-medium".into()),
            srb: PathSpec::Series("wpp".into()),
        },
        mortality: MortalitySpec { series: "wpp-medium".into(), mx_scale: 1.0 },
        migration: MigrationSpec::Series { name: "wpp-medium".into(), scale: 1.0 },
        force: ForceSpec::default(),
        automation: AutomationSpec::default(),
        locations: Default::default(),
        uncertainty: Default::default(),
        plan: Default::default(),
        unset: Default::default(),
    }
}

/// Checks the years of a back-test against the data: `from` must be a WPP estimate year,
/// `to` after it and no later than the last year of observed births.
pub fn check_years(data: &CountryData, from: i32, to: i32) -> Result<i32> {
    let horizon = data.births.last();
    if !data.pop5.iter().any(|p| p.year == from) {
        let years: Vec<String> = data.pop5.iter().map(|p| p.year.to_string()).collect();
        return Err(Error::Usage(format!(
            "--from {from}: the back-test starts from a year of WPP's population estimates ({})",
            years.join(", ")
        )));
    }
    if to <= from || to > horizon {
        return Err(Error::Usage(format!(
            "--to {to}: must be after --from ({from}) and no later than {horizon}, the last year of observed births"
        )));
    }
    Ok(horizon)
}

/// Loads the country data for a back-test from `<scenarios_dir>/data/<country>/`.
pub fn load(country: &str, scenarios_dir: &Path) -> Result<Inputs> {
    if !crate::scenario::valid_name(country) {
        return Err(Error::Usage(format!(
            "--country `{}`: not a country folder name (ASCII letters, digits, `-` and `_`; built-in: korea, taiwan)",
            crate::error::escape(country)
        )));
    }
    let data = CountryData::load(&crate::embedded::data_dir(scenarios_dir, country))?;
    let mortality = rates::MortalitySurface::from_data(&data);
    Ok(Inputs { data, mortality })
}

/// How WPP's yearly net-migration totals before 2023 are spread over age and sex (from
/// 2023 on WPP's own single-age, single-sex figures are used).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MigrationPattern {
    /// WPP's own age-sex pattern of each 5-year period, estimated by the residual method
    /// ([`residual`]), with WPP's yearly total (the default).
    Residual,
    /// In proportion to the population by age and sex at the start of each interval.
    Population,
    /// As the model spreads any net total: WPP's 2023-2032 arrival shares for arrivals,
    /// the Rogers-Castro schedule on the population for departures.
    Wpp2023,
}

impl MigrationPattern {
    /// The name used on the command line and in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            MigrationPattern::Residual => "residual",
            MigrationPattern::Population => "population",
            MigrationPattern::Wpp2023 => "wpp2023",
        }
    }

    /// The pattern of a command-line name (`proportional` is another name for `population`).
    pub fn from_name(name: &str) -> Option<MigrationPattern> {
        match name {
            "residual" => Some(MigrationPattern::Residual),
            "population" | "proportional" => Some(MigrationPattern::Population),
            "wpp2023" => Some(MigrationPattern::Wpp2023),
            _ => None,
        }
    }
}

/// Projects WPP's estimate of `from` to `end` with WPP's rates (estimates to 2023,
/// medium variant after) and the model's step; returns the populations `from..=end` and
/// the flows of each interval `t → t+1`, `t = from..=end`.
pub fn project(
    inputs: &Inputs,
    from: i32,
    end: i32,
    pattern: MigrationPattern,
    rescale_e0: bool,
) -> Result<(Vec<Population>, Vec<Flows>)> {
    let data = &inputs.data;
    let s = scenario("", from, end);
    let base = run::base_population(&s, inputs)?;
    run::guard(&base, from, "base population")?;
    let mut rates = rates::build(&s, data, &inputs.mortality, from, end)?;
    let age_from = data.mig_age.first().map(|m| m.0).unwrap_or(i32::MAX);
    let estimate = data.mig_total.get("estimate");
    let periods = if pattern == MigrationPattern::Residual { residual::estimate(data)? } else { Vec::new() };
    let mut pops = vec![base];
    let mut flows = Vec::with_capacity(rates.len());
    for r in rates.iter_mut() {
        let start = pops.last().expect("starts with the base").clone();
        if rescale_e0 {
            for (s, sex) in Sex::BOTH.into_iter().enumerate() {
                let e0 = |y: i32| {
                    data.e0
                        .get("estimate")
                        .and_then(|(m, f)| if s == 0 { m.get(y) } else { f.get(y) })
                        .or_else(|| data.e0.get("medium").and_then(|(m, f)| if s == 0 { m.get(y) } else { f.get(y) }))
                };
                if let (Some(a), Some(b)) = (e0(r.year), e0(r.year + 1)) {
                    r.mx[s] = scale_to_e0(&r.mx[s], sex, 0.5 * (a + b));
                }
            }
        }
        if pattern != MigrationPattern::Wpp2023 && r.year < age_from {
            let total = start.total();
            let period = residual::period_for(&periods, r.year);
            let year = |y: i32| -> Result<(AgeVec, AgeVec)> {
                let m = estimate.and_then(|e| e.get(y)).ok_or_else(|| {
                    Error::data(&data.dir, None, "migration", format!("no estimated net migration total for {y}"))
                })?;
                match (pattern, period) {
                    (MigrationPattern::Residual, Some(p)) => {
                        // The residual pattern at its own level; WPP's departure from it in
                        // this year, spread in proportion to the population.
                        let d = (m - (p.yearly[0].sum() + p.yearly[1].sum())) / total;
                        Ok((p.yearly[0] + start.male * d, p.yearly[1] + start.female * d))
                    }
                    _ => Ok((start.male * (m / total), start.female * (m / total))),
                }
            };
            // Years before the single-age table take the pattern here, spread evenly over
            // the interval; a year of the table keeps its end-of-interval figures from
            // the rates ([`rates::IntervalMigration::end`]).
            let mut fixed = [AgeVec::zeros(), AgeVec::zeros()];
            for y in [r.year, r.year + 1].into_iter().filter(|&y| y < age_from) {
                let (m, f) = year(y)?;
                fixed[0] += m * 0.5;
                fixed[1] += f * 0.5;
            }
            r.migration.fixed = fixed;
            r.migration.proportional = 0.0;
            r.migration.net = 0.0;
        } else if r.year < age_from {
            // `wpp2023`: WPP's total of each year before the table, spread by the model's
            // profiles (the rates spread it around the residual pattern instead).
            let mut net = 0.0;
            for y in [r.year, r.year + 1].into_iter().filter(|&y| y < age_from) {
                net += 0.5
                    * estimate.and_then(|e| e.get(y)).ok_or_else(|| {
                        Error::data(&data.dir, None, "migration", format!("no estimated net migration total for {y}"))
                    })?;
            }
            r.migration.fixed = [AgeVec::zeros(), AgeVec::zeros()];
            r.migration.proportional = 0.0;
            r.migration.net = net;
        }
        let survival = [r.survival()];
        let (p, f, _) = run::project_population(&start, std::slice::from_ref(r), &survival)?;
        pops.push(p.into_iter().nth(1).expect("one step gives two populations"));
        flows.push(f[0]);
    }
    pops.pop(); // the population at end + 1
    Ok((pops, flows))
}

/// Multiplies every single-age mx by the factor that gives life expectancy `e0`
/// (bisection on the log of the factor; rates below the open group are kept below 1).
pub fn scale_to_e0(mx: &AgeVec, sex: Sex, e0: f64) -> AgeVec {
    let scaled = |k: f64| {
        let mut m = *mx * k;
        for x in 0..NAGES - 1 {
            m[x] = m[x].min(0.999);
        }
        m
    };
    let (mut lo, mut hi) = (-8.0_f64, 4.0_f64);
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        // e0 falls as mortality rises.
        if LifeTable::new(&scaled(mid.exp()), sex).e0() > e0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    scaled((0.5 * (lo + hi)).exp())
}

/// Runs the back-test `from → to` on loaded inputs.
pub fn run(inputs: &Inputs, from: i32, to: i32, pattern: MigrationPattern) -> Result<Backtest> {
    let data = &inputs.data;
    let horizon = check_years(data, from, to)?;
    let (population, flows) = project(inputs, from, horizon, pattern, true)?;
    let mut rows = Vec::new();
    let pop_at = |y: i32| -> &Population { &population[(y - from) as usize] };

    // Population in WPP's estimate years.
    for p5 in data.pop5.iter().filter(|p| p.year > from && p.year <= to) {
        let model = pop_at(p5.year);
        let obs_total: f64 = p5.male.iter().chain(p5.female.iter()).sum();
        rows.push(Comparison {
            year: p5.year,
            metric: "population_total".into(),
            model: model.total(),
            observed: obs_total,
        });
        let obs_15_64: f64 = (3..13).map(|g| p5.male[g] + p5.female[g]).sum();
        rows.push(Comparison {
            year: p5.year,
            metric: "population_15_64".into(),
            model: model.between(15, 64),
            observed: obs_15_64,
        });
        for (sex, v, obs) in [("male", &model.male, &p5.male), ("female", &model.female, &p5.female)] {
            for (g, &o) in obs.iter().enumerate() {
                let hi = if g == POP_GROUPS - 1 { 100 } else { 5 * g + 4 };
                let m: f64 = (5 * g..=hi).map(|a| v[a]).sum();
                rows.push(Comparison { year: p5.year, metric: group_metric(sex, g), model: m, observed: o });
            }
        }
    }

    // Births and deaths by calendar year.
    let cal = |y: i32, f: &dyn Fn(usize) -> f64| 0.5 * (f((y - 1 - from) as usize) + f((y - from) as usize));
    let mut births = Vec::new();
    let mut births_observed = Vec::new();
    // An interval's births (1 July t to 1 July t+1, at the mean TFR of years t and t+1)
    // are split between its two calendar halves in proportion to each calendar year's
    // TFR, which keeps the interval's total: a one-year dip (Taiwan's 2010, the Year of
    // the Tiger) then stays in its calendar year instead of being spread over three.
    let tfr = data.tfr.get("medium");
    let half = |i: usize, y: i32| -> f64 {
        let t = |y: i32| tfr.and_then(|s| s.get(y));
        let start = from + i as i32;
        match (t(y), t(start), t(start + 1)) {
            (Some(c), Some(a), Some(b)) if a + b > 0.0 => 0.5 * flows[i].births() * c / (0.5 * (a + b)),
            _ => 0.5 * flows[i].births(),
        }
    };
    for y in from + 1..=horizon {
        let b = half((y - 1 - from) as usize, y) + half((y - from) as usize, y);
        births.push((y, b));
        births_observed.extend(data.births.get(y).map(|o| (y, o)));
        if y <= to {
            if let Some(obs) = data.births.get(y) {
                rows.push(Comparison { year: y, metric: "births".into(), model: b, observed: obs });
            }
        }
    }
    for y in from + 1..=to {
        if let Some(obs) = data.deaths.get(y) {
            let d = cal(y, &|i| flows[i].deaths());
            rows.push(Comparison { year: y, metric: "deaths".into(), model: d, observed: obs });
        }
    }

    let peak = |f: &dyn Fn(&Population) -> f64| -> Peak {
        let (i, v) = population.iter().map(f).enumerate().max_by(|a, b| a.1.total_cmp(&b.1)).unwrap_or((0, f64::NAN));
        Peak { year: from + i as i32, value: v, reached: i + 1 < population.len() }
    };
    let peak_total = peak(&|p| p.total());
    let peak_15_64 = peak(&|p| p.between(15, 64));
    let bt = Backtest {
        from,
        to,
        horizon,
        pattern,
        population,
        flows,
        rows,
        births,
        births_observed,
        peak_total,
        peak_15_64,
        published_peaks: published_peaks(&data.facts),
        country: data.name.clone(),
    };
    crate::output::guard::backtest(&bt)?;
    Ok(bt)
}

/// The population turning points a country's facts publish (see
/// [`Backtest::published_peaks`]).
pub fn published_peaks(facts: &[crate::data::country::Fact]) -> Vec<String> {
    facts
        .iter()
        .filter(|f| f.unit == "year" && f.figure.to_lowercase().contains("population peak"))
        .map(|f| format!("{}: {} ({})", f.figure, f.value, f.source))
        .collect()
}

fn fmt(x: f64) -> String {
    let x = x + 0.0;
    if x == x.trunc() { format!("{x:.0}") } else { format!("{x:.3}") }
}

/// Writes `backtest.csv`: `year,metric,model,observed,error_pct` (persons; error in percent).
pub fn write_csv(bt: &Backtest, path: &Path) -> Result<()> {
    let mut text = String::from("year,metric,model,observed,error_pct\n");
    for c in &bt.rows {
        let _ =
            writeln!(text, "{},{},{},{},{:.4}", c.year, c.metric, fmt(c.model), fmt(c.observed), c.error_pct() + 0.0);
    }
    std::fs::write(path, text).map_err(|e| Error::io(path, e))
}

/// The back-tests with the other population-wide patterns (residual, population) than
/// `bt`'s, for the side-by-side groups of [`report`].
pub fn references(inputs: &Inputs, bt: &Backtest) -> Result<Vec<Backtest>> {
    [MigrationPattern::Residual, MigrationPattern::Population]
        .into_iter()
        .filter(|p| *p != bt.pattern)
        .map(|p| run(inputs, bt.from, bt.to, p))
        .collect()
}

/// The 5-year groups by sex (below the open group) of the last estimate year.
fn groups_of(bt: &Backtest, year: i32) -> impl Iterator<Item = &Comparison> {
    bt.rows.iter().filter(move |c| {
        c.year == year
            && (c.metric.starts_with("population_male_") || c.metric.starts_with("population_female_"))
            && !c.metric.ends_with("_plus")
    })
}

/// "40 of 40 within 5%; largest error population_male_40_44 +8.60% (model …, WPP …)".
fn groups_line(bt: &Backtest, year: i32) -> String {
    let n = groups_of(bt, year).count();
    let within = groups_of(bt, year).filter(|c| c.error_pct().abs() <= 5.0).count();
    let worst = groups_of(bt, year).max_by(|a, b| a.error_pct().abs().total_cmp(&b.error_pct().abs()));
    match worst {
        Some(w) => format!(
            "{within} of {n} within 5%; largest error {} {:+.2}% (model {:.0}, WPP {:.0})",
            w.metric,
            w.error_pct(),
            w.model,
            w.observed
        ),
        None => "none compared".into(),
    }
}

/// The table printed by `forcecast backtest`: totals, the 5-year groups of the last
/// estimate year under `bt`'s pattern and each of `refs` side by side, births, deaths,
/// peaks, and what the residual pattern makes circular.
pub fn report(bt: &Backtest, refs: &[Backtest]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Back-test {} -> {}: WPP 2024 estimates as base, WPP observed rates, net migrants by age and sex: {} pattern",
        bt.from,
        bt.to,
        bt.pattern.as_str()
    );
    let _ = writeln!(
        s,
        "{:<6} {:>14} {:>14} {:>8}   {:>12} {:>12} {:>8}",
        "year", "total model", "total WPP", "err %", "15-64 model", "15-64 WPP", "err %"
    );
    let tot: Vec<&Comparison> = bt.metric("population_total").collect();
    let wa: Vec<&Comparison> = bt.metric("population_15_64").collect();
    for (t, w) in tot.iter().zip(&wa) {
        let _ = writeln!(
            s,
            "{:<6} {:>14.0} {:>14.0} {:>+8.2}   {:>12.0} {:>12.0} {:>+8.2}",
            t.year,
            t.model,
            t.observed,
            t.error_pct(),
            w.model,
            w.observed,
            w.error_pct()
        );
    }
    let all: Vec<&Backtest> = std::iter::once(bt).chain(refs).collect();
    if let Some(ly) = bt.metric("population_total").map(|c| c.year).max() {
        let names: Vec<&str> = all.iter().map(|b| b.pattern.as_str()).collect();
        let _ = writeln!(s, "5-year groups by sex in {ly}, model error % by migration pattern ({}):", names.join(", "));
        let head: String = names.iter().map(|n| format!(" {n:>10}")).collect();
        let _ = writeln!(s, "{:<7} {:>10}{head} | {:>10}{head}", "group", "men WPP", "women WPP");
        for g in 0..POP_GROUPS {
            let label = if g == POP_GROUPS - 1 { format!("{}+", 5 * g) } else { format!("{}-{}", 5 * g, 5 * g + 4) };
            let mut line = format!("{label:<7}");
            for sex in ["male", "female"] {
                let metric = group_metric(sex, g);
                let find = |b: &Backtest| b.rows.iter().find(|c| c.year == ly && c.metric == metric).cloned();
                let observed = find(bt).map(|c| c.observed).unwrap_or(f64::NAN);
                if sex == "female" {
                    line.push_str(" |");
                }
                let _ = write!(line, " {observed:>10.0}");
                for b in &all {
                    let _ = write!(line, " {:>+10.2}", find(b).map(|c| c.error_pct()).unwrap_or(f64::NAN));
                }
            }
            let _ = writeln!(s, "{line}");
        }
        for b in &all {
            let _ = writeln!(s, "{} pattern: {}", b.pattern.as_str(), groups_line(b, ly));
        }
        if bt.pattern == MigrationPattern::Residual {
            let young = |b: &Backtest| {
                groups_of(b, ly)
                    .filter(|c| ["_0_4", "_5_9", "_10_14", "_15_19"].iter().any(|e| c.metric.ends_with(e)))
                    .max_by(|a, b| a.error_pct().abs().total_cmp(&b.error_pct().abs()))
                    .map(|c| format!("{} {:+.2}%", c.metric, c.error_pct()))
                    .unwrap_or_default()
            };
            let _ = writeln!(
                s,
                "caution: the residual pattern is estimated from WPP's estimates of {}-{} themselves, so with it the groups of {ly} \
                 agree with WPP partly by construction, those aged 0-19 included (every cohort gets the net migration that carries it \
                 to WPP's next estimate).",
                bt.from + 5,
                ly
            );
            let pop = refs.iter().find(|b| b.pattern == MigrationPattern::Population);
            let _ = writeln!(
                s,
                "independent checks: births and deaths each year (below), the total population (WPP's yearly migration totals){}",
                match pop {
                    Some(b) => format!(
                        ", and the groups aged 0-19 in {ly} with the population pattern, which takes no age information \
                         from WPP's later estimates (largest error {})",
                        young(b)
                    ),
                    None => String::new(),
                }
            );
        }
        let open: Vec<String> = bt
            .rows
            .iter()
            .filter(|c| c.year == ly && c.metric.ends_with("_plus"))
            .map(|c| format!("{} {:+.2}% ({:.0} vs {:.0})", c.metric, c.error_pct(), c.model, c.observed))
            .collect();
        if !open.is_empty() {
            let _ = writeln!(s, "open group in {ly}: {}", open.join(", "));
        }
    }
    for m in ["births", "deaths"] {
        if let Some(w) = bt.worst(|c| c.metric == m) {
            let n = bt.metric(m).count();
            let _ = writeln!(
                s,
                "{m} {}-{} ({n} years): largest error {:+.2}% in {} (model {:.0}, WPP {:.0})",
                bt.from + 1,
                bt.to,
                w.error_pct(),
                w.year,
                w.model,
                w.observed
            );
        }
    }
    let peak = |p: &Peak| {
        if p.reached { format!("{}", p.year) } else { format!("not reached by {}", p.year) }
    };
    let _ = writeln!(
        s,
        "peak of the 15-64 population: {}; peak of the total population: {}; model years {}-{}",
        peak(&bt.peak_15_64),
        peak(&bt.peak_total),
        bt.from,
        bt.horizon
    );
    if !bt.published_peaks.is_empty() {
        let _ = writeln!(s, "published (force_and_context_facts.csv): {}", bt.published_peaks.join("; "));
    }
    s
}
