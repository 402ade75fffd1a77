//! The uncertain parameters of a scenario and the low/high range each is varied over in
//! a sensitivity analysis, with the source or rationale of the range: [`RANGES`] is the
//! one place these are set. [`Knob`] says how a setting is written into a scenario.
//!
//! A range is given relative to the scenario where the source is a distance (WPP's
//! prediction intervals, ± assumptions) and as absolute values where the source is a
//! pair of observations (active-duty rates of 2018 and 2013, NCO fill rates of 2024 and 2020).
//! A force or automation policy is set from the base year (the scenario's path moved
//! year by year where the setting is relative), so the history before it is untouched.

use crate::data::{YearSeries, interpolate};
use crate::demography::rates::{MortalitySurface, resolve_path};
use crate::demography::{LifeTable, Sex};
use crate::error::{Error, Result};
use crate::output::numbers::{count, decimal, percent, signed};
use crate::run::Inputs;
use crate::scenario::{MigrationSpec, PathSpec, Scenario};
use crate::{AgeVec, NAGES};

/// A parameter (or group of parameters moved together) of a scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Knob {
    /// The TFR path (`fertility.tfr_*`).
    Tfr,
    /// The level of every death rate (`mortality.mx_scale`).
    Mortality,
    /// Net migration (`migration.net_anchors`, or the `scale` of a series).
    Migration,
    /// `force.active_duty_rate`, from the base year.
    ActiveDutyRate,
    /// `force.take_up`.
    TakeUp,
    /// Every branch's `service_months`, moved together from the base year.
    ServiceMonths,
    /// `force.annual_attrition`.
    Attrition,
    /// `force.ncos.decision_continuation`: NCOs staying past the obligated term.
    NcoDecision,
    /// `careerist_continuation` of officers and NCOs, moved together.
    CareeristContinuation,
    /// `force.ncos.fill_rate`.
    NcoFillRate,
    /// `force.cadre.target_share`.
    CadreShare,
    /// `force.cadre.women_share`.
    WomenCadre,
    /// `force.female_volunteer_age_shares`, as the total share of a female cohort.
    FemaleVolunteers,
    /// `automation.soldiers_replaced_per_system`.
    SoldiersPerSystem,
    /// `automation.unit_cost`.
    UnitCost,
    /// `automation.annual_cost_share`.
    OperatingCost,
    /// `automation.fielding_capacity_anchors`, scaled.
    FieldingCapacity,
    /// `automation.service_life_years`.
    ServiceLife,
}

/// Which bound of a WPP prediction interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// Lower bound.
    Lower,
    /// Upper bound.
    Upper,
}

/// How a parameter is moved to one end of its range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Setting {
    /// Set to this value.
    To(f64),
    /// Multiply the scenario's value by this factor.
    Times(f64),
    /// Add this to the scenario's value.
    Plus(f64),
    /// The bound of UN WPP 2024's 80% prediction interval, applied as its distance from
    /// WPP's medium path: year by year for the TFR; for mortality, all death rates are
    /// scaled so that male life expectancy in the analysis year moves by that distance.
    Wpp80(Bound),
}

/// One uncertain parameter: its low and high settings and where the range comes from.
#[derive(Debug, Clone, Copy)]
pub struct Range {
    /// The parameter.
    pub knob: Knob,
    /// Its low setting.
    pub low: Setting,
    /// Its high setting.
    pub high: Setting,
    /// One line: the range and its source or rationale.
    pub source: &'static str,
}

/// The uncertain parameters and their ranges. Order is the order of the table in
/// README "Sensitivity"; the analysis sorts by effect.
pub const RANGES: [Range; 18] = [
    Range {
        knob: Knob::Tfr,
        low: Setting::Wpp80(Bound::Lower),
        high: Setting::Wpp80(Bound::Upper),
        source: "UN WPP 2024 probabilistic projection: 80% prediction interval of the TFR, added year by year to the \
                 scenario's path as its distance from WPP's medium",
    },
    Range {
        knob: Knob::Mortality,
        low: Setting::Wpp80(Bound::Upper),
        high: Setting::Wpp80(Bound::Lower),
        source: "UN WPP 2024: 80% prediction interval of male life expectancy in the analysis year; every death rate \
                 scaled to reach it (low mortality = high life expectancy)",
    },
    Range {
        knob: Knob::Migration,
        low: Setting::Plus(-20_000.0),
        high: Setting::Plus(20_000.0),
        source: "Assumption: ±20,000 citizens a year (0.04% of the population) around the scenario's level, \
                 spread by the citizen profile (the nationals' series 2011-2024 without 2020 has a median of \
                 -2,000 and an s.d. of 29,000); on a WPP-series scenario the series ×0.5 to ×1.5",
    },
    Range {
        knob: Knob::ActiveDutyRate,
        low: Setting::To(0.804),
        high: Setting::To(0.915),
        source: "Military Manpower Administration examinations 1999-2025: active-duty share of men examined 80.4% \
                 (2018, the lowest) to 91.5% (2013, the highest), as held from the base year",
    },
    Range {
        knob: Knob::TakeUp,
        low: Setting::Plus(-0.04),
        high: Setting::Plus(0.04),
        source: "Assumption: the calibrated take-up (forcecast backtest --force) ±0.04, which moves the conscript \
                 intake by ±4.3%; no published enlistment rate of the active-duty pool",
    },
    Range {
        knob: Knob::ServiceMonths,
        low: Setting::Plus(-3.0),
        high: Setting::Plus(3.0),
        source: "±3 months on every branch's term from the base year: the size of Defense Reform 2.0's cut \
                 (Army 21 -> 18, Navy 23 -> 20, Air Force 24 -> 21 months)",
    },
    Range {
        knob: Knob::Attrition,
        low: Setting::To(0.0),
        high: Setting::To(0.05),
        source: "Assumption: none to 5% of serving conscripts discharged early each year; no published rate in the \
                 data",
    },
    Range {
        knob: Knob::NcoDecision,
        low: Setting::To(0.195),
        high: Setting::To(0.50),
        source: "NCOs continuing past the 4-year term, for those recruited from the base year: Army long-service \
                 selection rates 19.5% (2007) to 50.7% (2002); about 30% stayed in 2010-2012 (the default)",
    },
    Range {
        knob: Knob::CareeristContinuation,
        low: Setting::Plus(-0.02),
        high: Setting::Plus(0.02),
        source: "Careerists' yearly continuation ±2 points for officers and NCOs recruited from the base year: \
                 the long-service (10+ years) discharges rose 42% from 2020 to 2024 (4,143 to 5,885), about 1.5 \
                 points of continuation",
    },
    Range {
        knob: Knob::NcoFillRate,
        low: Setting::To(0.42),
        high: Setting::To(0.95),
        source: "NCO selection rates (selected / planned), as held from the base year: all services 93.5% (2019) \
                 fell to 51.2% (2024, the default held since); low: the Army's 42% of 2024 for all; high: the \
                 Army's 95% of 2020",
    },
    Range {
        knob: Knob::CadreShare,
        low: Setting::To(0.359),
        high: Setting::To(0.425),
        source: "Cadre share of the force: 35.9% achieved in 2020; 42.5% in the Defense Reform Basic Plan \
                 2014-2030 (40.5% is the 2022-26 plan)",
    },
    Range {
        knob: Knob::WomenCadre,
        low: Setting::To(0.074),
        high: Setting::To(0.153),
        source: "Women's share of cadre accessions, as held from the base year: 7.4% (the share of the cadre in \
                 2020) to MND's 15.3% target for 2027 (10.9% in 2024, the default held since)",
    },
    Range {
        knob: Knob::FemaleVolunteers,
        low: Setting::To(0.0),
        high: Setting::To(0.05),
        source: "Assumption: none (today: women serve only in the cadre) to 5% of each female cohort serving a \
                 conscript's term (the female-volunteers scenario)",
    },
    Range {
        knob: Knob::SoldiersPerSystem,
        low: Setting::To(2.0),
        high: Setting::To(6.0),
        source: "Fielded examples: an unmanned reconnaissance vehicle replaces 4 of a 6-soldier squad (JCS study, \
                 2018); AI surveillance cuts guard troops 50k to 10-20k (Army TIGER+)",
    },
    Range {
        knob: Knob::UnitCost,
        low: Setting::Times(0.64),
        high: Setting::Times(1.26),
        source: "Korean studies put weapons substituting for the shortfall at 3.2-6.3 trillion won a year \
                 (earticle, 2023): ×0.64 to ×1.26 of the ~5 trillion the default implies",
    },
    Range {
        knob: Knob::OperatingCost,
        low: Setting::To(0.05),
        high: Setting::To(0.20),
        source: "Assumption: operating and support cost of 5-20% of the purchase price a year",
    },
    Range {
        knob: Knob::FieldingCapacity,
        low: Setting::Times(0.5),
        high: Setting::Times(2.0),
        source: "Assumption: half to double the fielding ramp (baseline 500 a year in 2026 to 6,000 by 2040)",
    },
    Range {
        knob: Knob::ServiceLife,
        low: Setting::To(10.0),
        high: Setting::To(20.0),
        source: "Assumption: systems retire after 10-20 years",
    },
];

/// What a setting is applied against: the data, the year whose life expectancy the
/// mortality range is matched in, and the projection's years.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The scenario's inputs.
    pub inputs: &'a Inputs,
    /// The analysis year.
    pub year: i32,
}

impl Knob {
    /// The scenario key (as in a scenario file).
    pub fn key(self) -> &'static str {
        match self {
            Knob::Tfr => "fertility.tfr",
            Knob::Mortality => "mortality.mx_scale",
            Knob::Migration => "migration.net_anchors",
            Knob::ActiveDutyRate => "force.active_duty_rate",
            Knob::TakeUp => "force.take_up",
            Knob::ServiceMonths => "force.<branch>.service_months",
            Knob::Attrition => "force.annual_attrition",
            Knob::NcoDecision => "force.ncos.decision_continuation",
            Knob::CareeristContinuation => "force.<corps>.careerist_continuation",
            Knob::NcoFillRate => "force.ncos.fill_rate",
            Knob::CadreShare => "force.cadre.target_share",
            Knob::WomenCadre => "force.cadre.women_share",
            Knob::FemaleVolunteers => "force.female_volunteer_age_shares",
            Knob::SoldiersPerSystem => "automation.soldiers_replaced_per_system",
            Knob::UnitCost => "automation.unit_cost",
            Knob::OperatingCost => "automation.annual_cost_share",
            Knob::FieldingCapacity => "automation.fielding_capacity_anchors",
            Knob::ServiceLife => "automation.service_life_years",
        }
    }

    /// The unit of the number [`Knob::describe_base`] and [`Knob::apply`] give (for
    /// tables a program reads: `sensitivity.csv`).
    pub fn unit(self, s: &Scenario) -> &'static str {
        match self {
            Knob::Tfr => "children per woman",
            Knob::Mortality => "years (male life expectancy at birth)",
            Knob::Migration => match s.migration {
                MigrationSpec::Anchors(_) | MigrationSpec::Citizens { .. } => "persons per year",
                MigrationSpec::Series { .. } => "factor on the series",
            },
            Knob::ServiceMonths => "months (Army; every branch moves by the same amount)",
            Knob::ActiveDutyRate
            | Knob::TakeUp
            | Knob::Attrition
            | Knob::NcoDecision
            | Knob::CareeristContinuation
            | Knob::NcoFillRate
            | Knob::CadreShare
            | Knob::WomenCadre
            | Knob::FemaleVolunteers
            | Knob::OperatingCost => "share (0-1)",
            Knob::SoldiersPerSystem => "soldiers per system",
            Knob::UnitCost => "currency units per system",
            Knob::FieldingCapacity => "systems per year",
            Knob::ServiceLife => "years",
        }
    }

    /// A short label for tables and chart axes.
    pub fn label(self) -> &'static str {
        match self {
            Knob::Tfr => "Fertility (TFR)",
            Knob::Mortality => "Mortality",
            Knob::Migration => "Net migration",
            Knob::ActiveDutyRate => "Active-duty rate",
            Knob::TakeUp => "Conscript take-up",
            Knob::ServiceMonths => "Service length",
            Knob::Attrition => "Conscript attrition",
            Knob::NcoDecision => "NCOs staying after the term",
            Knob::CareeristContinuation => "Careerists' continuation",
            Knob::NcoFillRate => "NCO fill rate",
            Knob::CadreShare => "Cadre share of target",
            Knob::WomenCadre => "Women in the cadre",
            Knob::FemaleVolunteers => "Female volunteers",
            Knob::SoldiersPerSystem => "Soldiers per system",
            Knob::UnitCost => "System unit cost",
            Knob::OperatingCost => "Operating cost",
            Knob::FieldingCapacity => "Fielding capacity",
            Knob::ServiceLife => "System service life",
        }
    }

    /// The scenario's own value, described.
    pub fn describe_base(self, s: &Scenario, ctx: &Context<'_>) -> Result<Described> {
        self.describe(s, ctx)
    }

    /// Returns the scenario with this parameter moved by `setting`, and the new value
    /// described. Values are clamped to what a scenario file accepts.
    pub fn apply(self, s: &Scenario, setting: Setting, ctx: &Context<'_>) -> Result<(Scenario, Described)> {
        let mut v = s.clone();
        v.name = format!("{}[{}]", s.name, self.key());
        let scalar = |x: f64| -> Result<f64> {
            match setting {
                Setting::To(t) => Ok(t),
                Setting::Times(f) => Ok(x * f),
                Setting::Plus(d) => Ok(x + d),
                Setting::Wpp80(_) => Err(unsupported(self, setting)),
            }
        };
        let prob = |x: f64| scalar(x).map(|y| y.clamp(0.0, 1.0));
        match self {
            Knob::Tfr => {
                let path = yearly_tfr(s, ctx.inputs)?;
                let shifted: Vec<(i32, f64)> = match setting {
                    Setting::Plus(d) => path.iter().map(|&(y, t)| (y, (t + d).max(0.0))).collect(),
                    Setting::Wpp80(b) => {
                        let (lo, med) = (tfr_series(ctx.inputs, b)?, tfr_series_named(ctx.inputs, "medium")?);
                        path.iter()
                            .map(|&(y, t)| {
                                let d = match (lo.get(y), med.get(y)) {
                                    (Some(a), Some(m)) => a - m,
                                    _ => 0.0,
                                };
                                (y, (t + d).max(0.0))
                            })
                            .collect()
                    }
                    _ => return Err(unsupported(self, setting)),
                };
                v.fertility.tfr = PathSpec::Anchors(shifted);
            }
            Knob::Mortality => {
                let scale = match setting {
                    Setting::Wpp80(b) => {
                        let shift = wpp_e0_shift(ctx.inputs, ctx.year, b)?;
                        mx_scale_for_e0_shift(&ctx.inputs.mortality, ctx.year, s.mortality.mx_scale, shift)
                    }
                    _ => scalar(s.mortality.mx_scale)?,
                };
                v.mortality.mx_scale = scale.clamp(0.1, 10.0);
            }
            Knob::Migration => {
                v.migration = match (&s.migration, setting) {
                    (MigrationSpec::Anchors(a), Setting::Plus(d)) => {
                        MigrationSpec::Anchors(a.iter().map(|&(y, x)| (y, x + d)).collect())
                    }
                    (MigrationSpec::Anchors(a), Setting::To(t)) => {
                        MigrationSpec::Anchors(a.iter().map(|&(y, _)| (y, t)).collect())
                    }
                    (MigrationSpec::Anchors(a), Setting::Times(f)) => {
                        MigrationSpec::Anchors(a.iter().map(|&(y, x)| (y, x * f)).collect())
                    }
                    (MigrationSpec::Series { name, scale }, Setting::Plus(d) | Setting::To(d)) => {
                        MigrationSpec::Series { name: name.clone(), scale: scale * (1.0 + 0.5 * d.signum()) }
                    }
                    (MigrationSpec::Series { name, scale }, Setting::Times(f)) => {
                        MigrationSpec::Series { name: name.clone(), scale: scale * f }
                    }
                    // The nationals' series is a level: moved as net totals on it.
                    (MigrationSpec::Citizens { scale }, Setting::Plus(d)) => {
                        MigrationSpec::Anchors(vec![(s.base_year, scale * citizen_level(ctx.inputs)? + d)])
                    }
                    (MigrationSpec::Citizens { .. }, Setting::To(t)) => MigrationSpec::Anchors(vec![(s.base_year, t)]),
                    (MigrationSpec::Citizens { scale }, Setting::Times(f)) => {
                        MigrationSpec::Citizens { scale: scale * f }
                    }
                    (_, Setting::Wpp80(_)) => return Err(unsupported(self, setting)),
                };
            }
            Knob::ActiveDutyRate => {
                let now = policy_now(s.force.active_duty_rate.as_ref(), s, ctx, active_rate);
                v.force.active_duty_rate = Some(vec![(s.base_year, prob(now)?)]);
            }
            Knob::TakeUp => v.force.take_up = prob(s.force.take_up)?,
            Knob::ServiceMonths => {
                for b in ctx.inputs.data.force.structure().branch_slots() {
                    let sched = *ctx.inputs.data.force.schedule(b);
                    let now = policy_now(s.force.branches[b.0].service_months.as_ref(), s, ctx, |_, _| sched.after);
                    v.force.branches[b.0].service_months = Some(vec![(s.base_year, scalar(now)?.clamp(1.0, 60.0))]);
                }
            }
            Knob::Attrition => v.force.annual_attrition = prob(s.force.annual_attrition)?,
            Knob::NcoDecision => {
                let k = last_corps(ctx);
                let d = crate::force::CadreDefaults::of(&ctx.inputs.data.force).decision[k];
                let now = policy_now(s.force.cadre.corps[k].decision_continuation.as_ref(), s, ctx, |_, _| d);
                v.force.cadre.corps[k].decision_continuation = Some(vec![(s.base_year, prob(now)?)]);
            }
            Knob::CareeristContinuation => {
                let defaults = crate::force::CadreDefaults::of(&ctx.inputs.data.force);
                for (i, c) in v.force.cadre.corps.iter_mut().enumerate() {
                    let d = defaults.careerist[i];
                    let now = policy_now(c.careerist_continuation.as_ref(), s, ctx, |_, _| d);
                    // Never 1 (no careerist would ever leave): at most the top of the
                    // force calibration's range, as the plan's retention lever.
                    // (A scenario already above the cap keeps its own value.)
                    let cap = crate::plan::MAX_CAREERIST_CONTINUATION.max(now.min(1.0));
                    let x = prob(now)?.min(cap);
                    c.careerist_continuation = Some(vec![(s.base_year, x)]);
                }
            }
            Knob::NcoFillRate => {
                let k = last_corps(ctx);
                let key = s.force.cadre.corps[k].key.clone();
                let now = policy_now(s.force.cadre.corps[k].fill_rate.as_ref(), s, ctx, |d, y| {
                    series_at(d, "fill_rate", &key, y)
                });
                v.force.cadre.corps[k].fill_rate = Some(vec![(s.base_year, prob(now)?)]);
            }
            Knob::CadreShare => {
                let now = policy_now(s.force.cadre.target_share.as_ref(), s, ctx, |d, y| {
                    series_at(d, "cadre_share", "all", y)
                });
                v.force.cadre.target_share = Some(vec![(s.base_year, prob(now)?)]);
            }
            Knob::WomenCadre => {
                let now = policy_now(s.force.cadre.women_share.as_ref(), s, ctx, |d, y| {
                    series_at(d, "women_cadre_share", "all", y)
                });
                v.force.cadre.women_share = Some(vec![(s.base_year, prob(now)?.min(0.9))]);
            }
            Knob::FemaleVolunteers => {
                let now = &s.force.female_volunteer_age_shares;
                let total: f64 = now.iter().map(|a| a.1).sum();
                let target = scalar(total)?.clamp(0.0, 1.0);
                v.force.female_volunteer_age_shares = if total > 0.0 {
                    now.iter().map(|&(a, x)| (a, x * target / total)).collect()
                } else {
                    // The female-volunteers scenario's pattern: 40% of the volunteers at
                    // 20, 40% at 21, 20% at 22.
                    vec![(20, 0.4 * target), (21, 0.4 * target), (22, 0.2 * target)]
                };
            }
            Knob::SoldiersPerSystem => {
                v.automation.soldiers_replaced_per_system =
                    scalar(s.automation.soldiers_replaced_per_system)?.clamp(0.01, 1.0e4);
            }
            Knob::UnitCost => {
                let a = &s.automation;
                let path = yearly(s, |y| a.unit_cost_at(s.base_year, y), |c| scalar(c).map(|x| x.clamp(0.0, 1.0e13)))?;
                v.automation.unit_cost = Some(path);
            }
            Knob::OperatingCost => {
                v.automation.annual_cost_share = scalar(s.automation.annual_cost_share)?.clamp(0.0, 10.0);
            }
            Knob::FieldingCapacity => {
                let f = match setting {
                    Setting::Times(f) => f,
                    _ => return Err(unsupported(self, setting)),
                };
                let a = &s.automation;
                let path = yearly(s, |y| a.capacity_at(s.base_year, y), |c| Ok((c * f).clamp(0.0, 1.0e7)))?;
                v.automation.fielding_capacity = Some(path);
            }
            Knob::ServiceLife => {
                // Whole years, as a scenario writes them (the ranges' settings are whole).
                v.automation.service_life_years =
                    scalar(s.automation.service_life_years as f64)?.clamp(1.0, 100.0).round() as usize;
            }
        }
        let described = self.describe(&v, ctx)?;
        Ok((v, described))
    }

    /// Describes the parameter's value in a scenario, as text and as a number with its
    /// unit.
    fn describe(self, s: &Scenario, ctx: &Context<'_>) -> Result<Described> {
        let y = ctx.year;
        let unit = self.unit(s);
        let num = |text: String, value: f64| Ok(Described { text, value, unit });
        match self {
            Knob::Tfr => {
                let path = yearly_tfr(s, ctx.inputs)?;
                let t = path.iter().find(|p| p.0 == y).map_or(f64::NAN, |p| p.1);
                num(format!("{} in {y}", decimal(t, 2)), t)
            }
            Knob::Mortality => {
                let e0 = e0_male(&ctx.inputs.mortality, y, s.mortality.mx_scale);
                let text = format!("male e0 {} (mx ×{})", decimal(e0, 1), decimal(s.mortality.mx_scale, 2));
                num(text, e0)
            }
            Knob::Migration => match &s.migration {
                MigrationSpec::Anchors(a) => {
                    let x = interpolate(a, f64::from(y));
                    num(format!("{} a year", signed(x)), x)
                }
                MigrationSpec::Series { name, scale } => num(format!("{name} ×{}", decimal(*scale, 2)), *scale),
                MigrationSpec::Citizens { scale } => {
                    let x = scale * citizen_level(ctx.inputs)?;
                    num(format!("{} a year (nationals' series)", signed(x)), x)
                }
            },
            Knob::ActiveDutyRate => {
                let x = policy_now(s.force.active_duty_rate.as_ref(), s, ctx, active_rate);
                num(format!("{} of men examined", percent(x)), x)
            }
            Knob::TakeUp => num(percent(s.force.take_up), s.force.take_up),
            Knob::ServiceMonths => {
                let first = crate::force::Branch(0);
                let sched = *ctx.inputs.data.force.schedule(first);
                let x = policy_now(s.force.branches[0].service_months.as_ref(), s, ctx, |_, _| sched.after);
                let label = ctx.inputs.data.force.structure().branch_label(first).to_string();
                num(format!("{label} {} months", decimal(x, 1)), x)
            }
            Knob::Attrition => num(format!("{} a year", percent(s.force.annual_attrition)), s.force.annual_attrition),
            Knob::NcoDecision => {
                let k = last_corps(ctx);
                let d = crate::force::CadreDefaults::of(&ctx.inputs.data.force).decision[k];
                let x = policy_now(s.force.cadre.corps[k].decision_continuation.as_ref(), s, ctx, |_, _| d);
                num(format!("{} stay", percent(x)), x)
            }
            Knob::CareeristContinuation => {
                let k = last_corps(ctx);
                let d = crate::force::CadreDefaults::of(&ctx.inputs.data.force).careerist[k];
                let x = policy_now(s.force.cadre.corps[k].careerist_continuation.as_ref(), s, ctx, |_, _| d);
                let label = ctx.inputs.data.force.structure().corps[k].label.clone();
                num(format!("{label} {} a year", percent_fine(x)), x)
            }
            Knob::NcoFillRate => {
                let k = last_corps(ctx);
                let key = s.force.cadre.corps[k].key.clone();
                let x = policy_now(s.force.cadre.corps[k].fill_rate.as_ref(), s, ctx, |d, y| {
                    series_at(d, "fill_rate", &key, y)
                });
                num(percent(x), x)
            }
            Knob::CadreShare => {
                let x = policy_now(s.force.cadre.target_share.as_ref(), s, ctx, |d, y| {
                    series_at(d, "cadre_share", "all", y)
                });
                num(format!("{} of the target", percent(x)), x)
            }
            Knob::WomenCadre => {
                let x = policy_now(s.force.cadre.women_share.as_ref(), s, ctx, |d, y| {
                    series_at(d, "women_cadre_share", "all", y)
                });
                num(format!("{} of accessions", percent(x)), x)
            }
            Knob::FemaleVolunteers => {
                let total: f64 = s.force.female_volunteer_age_shares.iter().map(|a| a.1).sum();
                let text = if total > 0.0 { format!("{} of each cohort", percent(total)) } else { "none".into() };
                num(text, total)
            }
            Knob::SoldiersPerSystem => {
                let k = s.automation.soldiers_replaced_per_system;
                num(format!("{} soldiers", decimal(k, if k.fract() == 0.0 { 0 } else { 1 })), k)
            }
            Knob::UnitCost => {
                // The price of one system in whole currency units ("1,000,000,000 won"), as
                // the scenario writes it: totals are in trillions, and a system's price in
                // trillions would read 0.00.
                let c = s.automation.unit_cost_at(s.base_year, y.max(s.base_year));
                num(format!("{} {}", count(c), crate::output::numbers::currency_word(&s.automation.currency)), c)
            }
            Knob::OperatingCost => {
                num(format!("{} a year", percent(s.automation.annual_cost_share)), s.automation.annual_cost_share)
            }
            Knob::FieldingCapacity => {
                let c = s.automation.capacity_at(s.base_year, y.max(s.base_year));
                num(format!("{} a year", count(c)), c)
            }
            Knob::ServiceLife => {
                let life = s.automation.service_life_years as f64;
                num(format!("{} years", decimal(life, 0)), life)
            }
        }
    }
}

/// A parameter's value in a scenario: as people read it, and as a number with its unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Described {
    /// For tables and charts read by people ("Army 18.0 months", "51.2%").
    pub text: String,
    /// The number (a share as a fraction, money in currency units).
    pub value: f64,
    /// The number's unit.
    pub unit: &'static str,
}

/// A scenario's policy moved year by year: `value(year)` as the scenario resolves it for
/// every year from the base year to the end, each passed through `change`, as one anchor
/// a year (exact for any path and default).
fn yearly(
    s: &Scenario,
    value: impl Fn(i32) -> f64,
    change: impl Fn(f64) -> Result<f64>,
) -> Result<crate::scenario::spec::PolicyPath> {
    (s.base_year..=s.end_year).map(|y| Ok((y, change(value(y))?))).collect()
}

/// A policy's value in the analysis year: the scenario's path where it acts, else the
/// sourced default (`default(data, year)`).
fn policy_now(
    change: Option<&crate::scenario::spec::PolicyPath>,
    s: &Scenario,
    ctx: &Context<'_>,
    default: impl Fn(&crate::data::force::ForceData, f64) -> f64,
) -> f64 {
    let y = f64::from(ctx.year.max(s.base_year));
    crate::force::policy::at(change, f64::from(s.base_year), y, |t| default(&ctx.inputs.data.force, t))
}

/// The corps the recruiting and retention ranges act on: the country's last-declared one
/// (Korea's NCOs, whose recruiting is short; Taiwan's volunteers, its only corps).
fn last_corps(ctx: &Context<'_>) -> usize {
    ctx.inputs.data.force.structure().corps.len() - 1
}

fn series_at(d: &crate::data::force::ForceData, key: &str, branch: &str, t: f64) -> f64 {
    let p = d.series(key, branch);
    if p.is_empty() { 0.0 } else { interpolate(&p, t) }
}

fn active_rate(d: &crate::data::force::ForceData, t: f64) -> f64 {
    crate::force::model::active_rate_default(d, t)
}

/// A small share as a percentage with two decimals (`0.005` → `0.50%`).
fn percent_fine(x: f64) -> String {
    format!("{}%", decimal(x * 100.0, 2))
}

/// The level of the nationals' series (`series = "citizens"`), persons a year.
fn citizen_level(inputs: &Inputs) -> Result<f64> {
    let path = inputs.data.dir.join(crate::data::nationals::files::FACTS);
    let n = inputs.data.nationals.as_ref().ok_or_else(|| {
        Error::data(&path, None, "", "citizen migration needs this table (the nationals' migration series)")
    })?;
    Ok(crate::demography::citizen_migration::CitizenLevel::from_series(&n.migration, &path)?.median)
}

fn unsupported(k: Knob, s: Setting) -> Error {
    Error::Consistency(format!("sensitivity range of {} cannot use the setting {s:?}", k.key()))
}

/// The scenario's TFR for every calendar year it uses (base..=end+1).
fn yearly_tfr(s: &Scenario, inputs: &Inputs) -> Result<Vec<(i32, f64)>> {
    let path = resolve_path(&s.fertility.tfr, &inputs.data, "tfr", s.base_year, s.end_year + 1)?;
    Ok(path.values.iter().enumerate().map(|(i, &t)| (path.first + i as i32, t)).collect())
}

fn tfr_series_named<'a>(inputs: &'a Inputs, name: &str) -> Result<&'a YearSeries> {
    inputs.data.tfr.get(name).ok_or_else(|| {
        Error::data(inputs.data.dir.join(crate::data::country::files::TFR), None, "series", missing_series(name))
    })
}

fn tfr_series(inputs: &Inputs, b: Bound) -> Result<&YearSeries> {
    tfr_series_named(inputs, bound_name(b))
}

fn bound_name(b: Bound) -> &'static str {
    match b {
        Bound::Lower => "pi80_lower",
        Bound::Upper => "pi80_upper",
    }
}

fn missing_series(name: &str) -> String {
    format!("no `{name}` series (the sensitivity ranges need WPP's medium variant and 80% interval)")
}

/// The analysis years the mortality range can use: those WPP's 80% interval of male life
/// expectancy covers (2024-2100 for WPP 2024), with the medium. `None` when the data
/// have no interval at all (reported by the range itself).
pub fn e0_interval_years(inputs: &Inputs) -> Option<(i32, i32)> {
    let e0 = &inputs.data.e0;
    let span = |name: &str| e0.get(name).map(|(m, _)| (m.first, m.last()));
    let (mut lo, mut hi) = span("medium")?;
    for b in [Bound::Lower, Bound::Upper] {
        let (a, z) = span(bound_name(b))?;
        (lo, hi) = (lo.max(a), hi.min(z));
    }
    Some((lo, hi))
}

/// WPP's male life expectancy at the 80% bound in `year` minus its medium.
fn wpp_e0_shift(inputs: &Inputs, year: i32, b: Bound) -> Result<f64> {
    let get = |name: &str| {
        let file = inputs.data.dir.join(crate::data::country::files::E0);
        let (m, _) =
            inputs.data.e0.get(name).ok_or_else(|| Error::data(&file, None, "series", missing_series(name)))?;
        m.get(year).ok_or_else(|| {
            Error::data(&file, None, "year", format!("no `{name}` life expectancy for {year} (the analysis year)"))
        })
    };
    Ok(get(bound_name(b))? - get("medium")?)
}

/// Male life expectancy at birth of the life table of interval `year` → `year + 1`, with
/// every death rate times `scale` (as the projection applies it).
pub fn e0_male(mortality: &MortalitySurface, year: i32, scale: f64) -> f64 {
    let mx = mortality.at(f64::from(year) + 1.0)[0];
    LifeTable::new(&scaled(&mx, scale), Sex::Male).e0()
}

fn scaled(mx: &AgeVec, scale: f64) -> AgeVec {
    let mut m = *mx;
    for x in 0..NAGES {
        m[x] = if x + 1 < NAGES { (m[x] * scale).min(0.999) } else { m[x] * scale };
    }
    m
}

/// The mortality scale that moves male e0 in `year` by `shift` years from its value at
/// `base_scale` (bisection on ln scale within the scenario limits 0.1-10).
pub fn mx_scale_for_e0_shift(mortality: &MortalitySurface, year: i32, base_scale: f64, shift: f64) -> f64 {
    let target = e0_male(mortality, year, base_scale) + shift;
    let (mut lo, mut hi) = (0.1f64.ln(), 10f64.ln());
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        // e0 falls as the scale rises.
        if e0_male(mortality, year, mid.exp()) > target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    (0.5 * (lo + hi)).exp()
}
