//! [`ForceState::step`] for eight trajectories at once (issue 16): the Monte Carlo's
//! group kernel projects eight trajectories' populations together, and their force
//! models step together here, each value of the scalar step a vector of the eight
//! trajectories' ([`crate::simd::V`]).
//!
//! Every lane performs the scalar step's operations in the scalar step's order (the same
//! sums over years of service, the same products, the same clamps), so each lane's year
//! is the scalar step's bit for bit: the lanes only run eight of the scalar step's
//! dependency chains (the running sums over years of service) side by side. A test in the
//! Monte Carlo (`the_force_lanes_step_as_the_scalar_step`) holds them to it on every
//! metric of the shipped scenarios.
//!
//! Only the parts that differ between trajectories are lanes (stocks, past intakes, the
//! drawn deviations, the population); the plan's paths are the same for all.
//!
//! The calibrated force parameter set steps its design points on the history through
//! the same lanes, eight points on one population ([`LanePop`] for [`Population`];
//! `Setup::evaluate_lanes`, held bit for bit to one point at a time by
//! `design_points_in_the_lanes_evaluate_as_one_at_a_time`).

use super::{ForcePlan, ForceState, ForceYear, MAX_BRANCHES, MAX_CORPS, liable};
use crate::demography::Population;
use crate::simd::{L, Lane, Lane32, V, W, ZERO};

/// The populations at 1 July the lanes step on, by age: each lane's own ([`Each`]), or
/// one population for all lanes (the history the calibration steps every design point
/// on).
pub trait LanePop {
    /// Men of age `a` (< `NAGES`), per lane.
    fn male(&self, a: usize) -> V;
    /// Women of age `a` (< `NAGES`), per lane.
    fn female(&self, a: usize) -> V;
}

/// Each lane's population: men and women by age, `[a][l]`, in single precision (the
/// Monte Carlo's group kernel's), read exactly as doubles.
pub struct Each<'a>(pub &'a [Lane32], pub &'a [Lane32]);

impl LanePop for Each<'_> {
    #[inline(always)]
    fn male(&self, a: usize) -> V {
        W::load(&self.0[a]).widen()
    }
    #[inline(always)]
    fn female(&self, a: usize) -> V {
        W::load(&self.1[a]).widen()
    }
}

impl LanePop for Population {
    #[inline(always)]
    fn male(&self, a: usize) -> V {
        V::splat(self.male[a])
    }
    #[inline(always)]
    fn female(&self, a: usize) -> V {
        V::splat(self.female[a])
    }
}

// No closure or iterator adapter below takes a `V`: a closure is compiled on its own,
// without the target features of the AVX2 function the step is inlined into, and would
// call each vector operation instead of inlining it. Sums over a range start from −0, as
// `Iterator::sum` of `f64` does.

/// Σ over the ages `a` of `ages` of the men (women with `female`) of age a weighted by
/// `w(a)`, from −0 (a weight is a scalar: `w` takes no vector).
#[inline(always)]
fn weighted<P: LanePop + ?Sized>(pop: &P, female: bool, ages: &[(usize, f64)], w: impl Fn(usize, f64) -> f64) -> V {
    let mut acc = V::splat(-0.0);
    for &(a, s) in ages {
        let x = if a >= crate::NAGES {
            V::splat(0.0)
        } else if female {
            pop.female(a)
        } else {
            pop.male(a)
        };
        acc = acc + V::splat(w(a, s)) * x;
    }
    acc
}

/// `ratio(a, b)` of the scalar step: a / b where b > 0, else 1.
#[inline(always)]
fn ratio(a: V, b: V) -> V {
    V::splat(1.0).select(a / b, b.gt(V::splat(0.0)))
}

/// `shifted(p, shift)`: p where the shift is 0, else p + shift clamped to [0, 1].
#[inline(always)]
fn shifted(p: V, shift: V) -> V {
    (p + shift).clamp01().select(p, shift.eq(V::splat(0.0)))
}

/// The running sums of [`super::Flows`] for eight lanes.
#[derive(Clone, Copy)]
struct Flows {
    continuing: V,
    separations: V,
    long: V,
}

/// Continuations by years of service for eight lanes: one value for all lanes, one per
/// lane, or a row of lanes indexed by years of service.
#[derive(Clone, Copy)]
enum Cont<'a> {
    All(f64),
    Each(V),
    Row(&'a [Lane]),
}

impl Cont<'_> {
    #[inline(always)]
    fn at(&self, y: usize) -> V {
        match self {
            Cont::All(p) => V::splat(*p),
            Cont::Each(p) => *p,
            Cont::Row(r) => V::load(&r[y]),
        }
    }
}

/// [`super::advance`]: moves the survivors of `n[lo..hi]` up one year of service, from
/// the top down, long separations from 10 years of service; the same segments and order.
#[inline(always)]
fn advance(n: &mut [Lane], lo: usize, hi: usize, p: Cont<'_>, flows: &mut Flows) {
    if lo >= hi {
        return;
    }
    let mid = hi.min(10).max(lo);
    advance_part::<true>(n, mid, hi, p, flows);
    advance_part::<false>(n, lo, mid, p, flows);
}

/// [`super::advance_part`] over `n[lo..=hi]` (continuation of `n[y]` at `p.at(y)`).
#[inline(always)]
fn advance_part<const LONG: bool>(n: &mut [Lane], lo: usize, hi: usize, p: Cont<'_>, flows: &mut Flows) {
    let mut y = hi;
    while y > lo {
        y -= 1;
        let v = V::load(&n[y]);
        let stay = v * p.at(y);
        let left = v - stay;
        stay.store(&mut n[y + 1]);
        flows.continuing = flows.continuing + stay;
        flows.separations = flows.separations + left;
        if LONG {
            flows.long = flows.long + left;
        }
    }
}

/// A year of the force model for eight lanes: [`ForceYear`]'s fields.
#[derive(Clone, Copy)]
pub struct LaneYear {
    eligible_men: V,
    men_turning_20: V,
    active_pool: V,
    intake: V,
    female_volunteers: V,
    conscripts_by_branch: [V; MAX_BRANCHES],
    conscripts: V,
    alternative_service_intake: V,
    cadre_men: V,
    corps: [V; MAX_CORPS],
    cadre: V,
    cadre_requirement: f64,
    corps_shortfall: [V; MAX_CORPS],
    cadre_accessions: V,
    cadre_separations: V,
    long_service_separations: V,
    cadre_shortfall: V,
    available: V,
    target: f64,
    gap: V,
}

impl LaneYear {
    /// Each lane's year.
    #[inline(always)]
    pub fn lanes(&self) -> [ForceYear; L] {
        let (eligible_men, men_turning_20, active_pool, intake, female_volunteers) = (
            self.eligible_men.get(),
            self.men_turning_20.get(),
            self.active_pool.get(),
            self.intake.get(),
            self.female_volunteers.get(),
        );
        let mut by_branch = [ZERO; MAX_BRANCHES];
        for (d, v) in by_branch.iter_mut().zip(&self.conscripts_by_branch) {
            v.store(d);
        }
        let (conscripts, alternative_service_intake, cadre_men, cadre) =
            (self.conscripts.get(), self.alternative_service_intake.get(), self.cadre_men.get(), self.cadre.get());
        let (mut corps, mut corps_shortfall) = ([ZERO; MAX_CORPS], [ZERO; MAX_CORPS]);
        for c in 0..MAX_CORPS {
            self.corps[c].store(&mut corps[c]);
            self.corps_shortfall[c].store(&mut corps_shortfall[c]);
        }
        let (cadre_accessions, cadre_separations, long_service_separations, cadre_shortfall) = (
            self.cadre_accessions.get(),
            self.cadre_separations.get(),
            self.long_service_separations.get(),
            self.cadre_shortfall.get(),
        );
        let (available, gap) = (self.available.get(), self.gap.get());
        std::array::from_fn(|l| ForceYear {
            eligible_men: eligible_men[l],
            men_turning_20: men_turning_20[l],
            active_pool: active_pool[l],
            intake: intake[l],
            female_volunteers: female_volunteers[l],
            conscripts_by_branch: std::array::from_fn(|b| by_branch[b][l]),
            conscripts: conscripts[l],
            alternative_service_intake: alternative_service_intake[l],
            cadre_men: cadre_men[l],
            corps: std::array::from_fn(|c| corps[c][l]),
            cadre: cadre[l],
            cadre_requirement: self.cadre_requirement,
            corps_shortfall: std::array::from_fn(|c| corps_shortfall[c][l]),
            cadre_accessions: cadre_accessions[l],
            cadre_separations: cadre_separations[l],
            long_service_separations: long_service_separations[l],
            cadre_shortfall: cadre_shortfall[l],
            available: available[l],
            target: self.target,
            gap: gap[l],
        })
    }
}

/// [`super::Intake`] for eight lanes.
struct Intake {
    eligible: V,
    pool: V,
    men: V,
    women: V,
    alt: V,
    cadre_men: V,
}

/// The state of eight trajectories' force models ([`ForceState`]'s fields as lanes).
#[derive(Default)]
pub struct LaneState {
    active_shift: Lane,
    take_up: Lane,
    decision_shift: [Lane; MAX_CORPS],
    capacity_mult: [Lane; MAX_CORPS],
    intakes: [Vec<Lane>; MAX_BRANCHES],
    stock: [Vec<Lane>; MAX_CORPS],
    next_year: i32,
    quota_star: [Lane; MAX_CORPS],
    young_men0: Lane,
    fill0: [Lane; MAX_CORPS],
    women0: Lane,
    cadre_men: Option<Lane>,
    base_split: Option<[(Lane, Lane); MAX_BRANCHES]>,
    // Each corps' careerist table (`Careerists::table`) by lane, and the row of a year
    // the tables do not cover.
    careerists: [Vec<Lane>; MAX_CORPS],
    row: Vec<Lane>,
    // Each lane's careerist shifts (for that row) and a scalar table to build from.
    careerist_shift: [Lane; MAX_CORPS],
    scratch: super::Careerists,
}

impl LaneState {
    /// Loads lane l from `starts[l]` with the deviations `adjusts[l]` (as
    /// `ForceState::clone_from` then setting `adjust`). False, and the lanes not usable,
    /// where the states differ in shape (lengths of their histories and stocks, which
    /// optional parts they hold, the next year): the caller then steps each alone.
    pub fn load(&mut self, plan: &ForcePlan, starts: [&ForceState; L], adjusts: &[super::Adjust; L]) -> bool {
        let s0 = starts[0];
        let same = starts.iter().all(|s| {
            s.next_year == s0.next_year
                && s.cadre_men.is_some() == s0.cadre_men.is_some()
                && s.base_split.is_some() == s0.base_split.is_some()
                && (0..MAX_BRANCHES).all(|b| s.intakes[b].len() == s0.intakes[b].len())
                && (0..MAX_CORPS).all(|c| s.stock[c].len() == s0.stock[c].len())
        });
        if !same {
            return false;
        }
        self.next_year = s0.next_year;
        for b in 0..MAX_BRANCHES {
            self.intakes[b].clear();
            self.intakes[b].resize(s0.intakes[b].len(), ZERO);
        }
        for c in 0..MAX_CORPS {
            self.stock[c].clear();
            self.stock[c].resize(s0.stock[c].len(), ZERO);
        }
        self.cadre_men = s0.cadre_men.map(|_| ZERO);
        self.base_split = s0.base_split.map(|_| [(ZERO, ZERO); MAX_BRANCHES]);
        for (l, (s, a)) in starts.iter().zip(adjusts).enumerate() {
            self.active_shift[l] = a.active_shift;
            self.take_up[l] = a.take_up.unwrap_or(plan.take_up);
            for b in 0..MAX_BRANCHES {
                for (d, &v) in self.intakes[b].iter_mut().zip(&s.intakes[b]) {
                    d[l] = v;
                }
            }
            for c in 0..MAX_CORPS {
                for (d, &v) in self.stock[c].iter_mut().zip(&s.stock[c]) {
                    d[l] = v;
                }
                self.decision_shift[c][l] = a.decision_shift[c];
                self.capacity_mult[c][l] = a.capacity_mult[c];
                self.careerist_shift[c][l] = a.careerist_shift[c];
                self.quota_star[c][l] = s.quota_star[c];
                self.fill0[c][l] = s.fill0[c];
            }
            self.young_men0[l] = s.young_men0;
            self.women0[l] = s.women0;
            if let (Some(d), Some(v)) = (&mut self.cadre_men, s.cadre_men) {
                d[l] = v;
            }
            if let (Some(d), Some(v)) = (&mut self.base_split, s.base_split) {
                for b in 0..MAX_BRANCHES {
                    d[b].0[l] = v[b].0;
                    d[b].1[l] = v[b].1;
                }
            }
            // The careerist tables as the scalar step builds them for this lane.
            self.scratch.key = None;
            self.scratch.refresh(plan, a);
            for c in 0..plan.nc {
                let t = &self.scratch.table[c];
                if l == 0 {
                    self.careerists[c].clear();
                    self.careerists[c].resize(t.len(), ZERO);
                } else if self.careerists[c].len() != t.len() {
                    return false;
                }
                for (d, &v) in self.careerists[c].iter_mut().zip(t) {
                    d[l] = v;
                }
            }
        }
        true
    }

    /// Corps `c`'s careerist continuations by years of service 0..=top in `year`
    /// (`Careerists::row` for each lane).
    #[inline(always)]
    fn row(&mut self, plan: &ForcePlan, c: usize, year: i32, top: usize) -> &[Lane] {
        let from = i64::from(plan.last) - i64::from(year) + 1;
        if from >= 0 && (from as usize) + top < self.careerists[c].len() {
            let from = from as usize;
            return &self.careerists[c][from..=from + top];
        }
        self.row.clear();
        for y in 0..=top {
            let p = plan.careerist[c][plan.idx(year - y as i32 - 1)];
            let mut v = ZERO;
            for (v, &shift) in v.iter_mut().zip(&self.careerist_shift[c]) {
                *v = super::shifted(p, shift);
            }
            self.row.push(v);
        }
        &self.row
    }

    /// Writes lane `l` into `state` (loaded from it or from a state of its shape): what
    /// the steps change (the stocks, past intakes, the next year, the cadre's men and the
    /// base year's split).
    pub fn store_lane(&self, l: usize, state: &mut ForceState) {
        state.next_year = self.next_year;
        for b in 0..MAX_BRANCHES {
            state.intakes[b].clear();
            state.intakes[b].extend(self.intakes[b].iter().map(|v| v[l]));
        }
        for c in 0..MAX_CORPS {
            state.stock[c].clear();
            state.stock[c].extend(self.stock[c].iter().map(|v| v[l]));
        }
        state.cadre_men = self.cadre_men.map(|v| v[l]);
        state.base_split = self.base_split.map(|s| std::array::from_fn(|b| (s[b].0[l], s[b].1[l])));
    }

    /// Sets each lane's active-duty shift (what [`super::Adjust::historical`] leaves out):
    /// from the base year on, as the scalar state's full deviations act.
    pub fn set_active_shift(&mut self, adjusts: &[super::Adjust; L]) {
        for (d, a) in self.active_shift.iter_mut().zip(adjusts) {
            *d = a.active_shift;
        }
    }

    /// [`ForceState::step`] for the eight lanes, on their populations at 1 July of `year`
    /// (`pop`, at least up to `ForcePlan::ages_read`).
    #[inline(always)]
    pub fn step<P: LanePop + ?Sized>(&mut self, plan: &ForcePlan, year: i32, pop: &P) -> LaneYear {
        debug_assert_eq!(year, self.next_year);
        self.next_year = year + 1;
        let i = plan.idx(year);
        let next = plan.idx(year + 1);
        let zero = V::splat(0.0);
        let mut out = LaneYear {
            eligible_men: zero,
            men_turning_20: zero,
            active_pool: zero,
            intake: zero,
            female_volunteers: zero,
            conscripts_by_branch: [zero; MAX_BRANCHES],
            conscripts: zero,
            alternative_service_intake: zero,
            cadre_men: zero,
            corps: [zero; MAX_CORPS],
            cadre: zero,
            cadre_requirement: 0.0,
            corps_shortfall: [zero; MAX_CORPS],
            cadre_accessions: zero,
            cadre_separations: zero,
            long_service_separations: zero,
            cadre_shortfall: zero,
            available: zero,
            target: plan.target[i],
            gap: zero,
        };
        let mut accessions_men = zero;
        let mut ym = V::splat(-0.0);
        for a in 20..=29 {
            ym = ym + pop.male(a);
        }
        let women = plan.women_share[i];
        let requirement = |idx: usize, c: usize| plan.target[idx] * plan.cadre_share[idx] * plan.corps_share[c];
        for c in 0..plan.nc {
            let mut total = V::splat(-0.0);
            for v in &self.stock[c] {
                total = total + V::load(v);
            }
            out.corps[c] = total;
            out.corps_shortfall[c] = (V::splat(requirement(i, c)) - total).nonneg();
            let (t, m, early) = (plan.obligated[c], plan.max_years[c], plan.early[c]);
            let top = self.stock[c].len() - 1;
            let m = m.min(top);
            let mut flows = Flows { continuing: zero, separations: zero, long: zero };
            let nt = V::load(&self.stock[c][top]);
            let stay = nt * zero;
            let left = nt - stay;
            flows.continuing = flows.continuing + stay;
            flows.separations = flows.separations + left;
            if top >= 10 {
                flows.long = flows.long + left;
            }
            let mut n = std::mem::take(&mut self.stock[c]);
            advance(&mut n, m, top, Cont::All(0.0), &mut flows);
            if t < m {
                let row = self.row(plan, c, year, top);
                advance(&mut n, t, m, Cont::Row(row), &mut flows);
            }
            if t >= 1 && t - 1 < m {
                let p = V::splat(plan.decision[c][plan.idx(year - t as i32)]);
                let d = shifted(p, V::load(&self.decision_shift[c]));
                advance(&mut n, t - 1, t, Cont::Each(d), &mut flows);
            }
            advance(&mut n, 0, t.saturating_sub(1).min(m), Cont::All(early), &mut flows);
            let Flows { continuing, separations, long } = flows;
            let planned = if year < plan.base_year {
                plan.history_target[next] * plan.history_cadre_share[next] * plan.corps_share[c]
            } else {
                requirement(next, c)
            };
            let quota = (V::splat(planned) - continuing).nonneg();
            let capacity = V::load(&self.capacity_mult[c])
                * V::splat(plan.capacity0[c])
                * V::load(&self.quota_star[c])
                * ratio(V::splat(plan.fill[c][i]), V::load(&self.fill0[c]))
                * ratio(ym, V::load(&self.young_men0))
                * (V::splat(1.0) - V::load(&self.women0))
                / V::splat(1.0 - women);
            let acc = quota.min(capacity);
            acc.store(&mut n[0]);
            self.stock[c] = n;
            out.cadre_accessions = out.cadre_accessions + acc;
            out.cadre_separations = out.cadre_separations + separations;
            out.long_service_separations = out.long_service_separations + long;
            out.cadre_shortfall = out.cadre_shortfall + (quota - acc);
            accessions_men = accessions_men + acc * V::splat(1.0 - women);
        }
        let men_now = accessions_men.get();
        let cadre_men = V::load(&self.cadre_men.replace(men_now).unwrap_or(men_now));
        out.cadre = V::splat(-0.0);
        for &v in &out.corps[..plan.nc] {
            out.cadre = out.cadre + v;
        }
        out.cadre_requirement = (0..plan.nc).map(|c| requirement(i, c)).sum();
        // Conscripts.
        let d = super::IntakePolicies {
            active_rate: plan.active_rate[i],
            allocations: plan.allocations[i],
            female_scale: plan.female_scale[i],
            shares: std::array::from_fn(|b| if b < plan.nb { plan.intake_share[b][i] } else { 0.0 }),
        };
        let shift = V::load(&self.active_shift);
        let Intake { eligible, pool, men, women: vols, alt, cadre_men: cadre_liable } =
            self.intake(plan, pop, year, cadre_men, d, shift);
        out.eligible_men = eligible;
        out.men_turning_20 = V::splat(0.5) * (pop.male(19) + pop.male(20));
        out.active_pool = pool;
        out.female_volunteers = vols;
        out.intake = men + vols;
        out.alternative_service_intake = alt;
        out.cadre_men = cadre_liable;
        let mut by_branch = [zero; MAX_BRANCHES];
        for (v, &share) in by_branch.iter_mut().zip(&d.shares) {
            *v = out.intake * V::splat(share);
        }
        if year == plan.base_year && plan.first < plan.base_year {
            let d = plan.base_defaults;
            let Intake { pool: pool_h, men: men_h, women: vols_h, alt: alt_h, .. } =
                self.intake(plan, pop, year, cadre_men, d, zero);
            let half = V::splat(0.5);
            let mut split = [(ZERO, ZERO); MAX_BRANCHES];
            for b in 0..MAX_BRANCHES {
                let hist = (men_h + vols_h) * V::splat(d.shares[b]);
                split[b] = (hist.get(), by_branch[b].get());
                by_branch[b] = half * (hist + by_branch[b]);
            }
            self.base_split = Some(split);
            out.active_pool = half * (pool_h + pool);
            out.female_volunteers = half * (vols_h + vols);
            out.intake = half * (men_h + vols_h + men + vols);
            out.alternative_service_intake = half * (alt_h + alt);
        }
        let tabled = plan.tabled(year, self.base_split.is_some());
        for b in 0..plan.nb {
            self.intakes[b].push(by_branch[b].get());
            let hist = &self.intakes[b];
            let t = hist.len() - 1;
            if tabled && t >= plan.lookback {
                let (weights, attrition) = plan.serving_row(year, b);
                let n = weights.len();
                let intakes = &hist[t + 1 - n..t + 1];
                let mut stock = zero;
                for k in 0..n {
                    stock = stock + V::load(&intakes[n - 1 - k]) * V::splat(weights[k]) * V::splat(attrition[k]);
                }
                out.conscripts_by_branch[b] = stock;
                continue;
            }
            let mut stock = zero;
            for k in 0..=plan.lookback.min(t) {
                let y = year - k as i32;
                let served = match &self.base_split {
                    Some(split) if y == plan.base_year => {
                        let [before, after] = &plan.base_weights[b];
                        V::load(&split[b].0) * V::splat(before[k]) + V::load(&split[b].1) * V::splat(after[k])
                    }
                    _ => V::load(&hist[t - k]) * V::splat(plan.weights[b][plan.idx(y)][k]),
                };
                stock = stock + served * V::splat(plan.attrition_pow[k]);
            }
            out.conscripts_by_branch[b] = stock;
        }
        out.conscripts = V::splat(-0.0);
        for &v in &out.conscripts_by_branch {
            out.conscripts = out.conscripts + v;
        }
        out.available = out.conscripts + out.cadre;
        out.gap = (V::splat(out.target) - out.available).nonneg();
        out
    }

    /// [`super::intake_with`] for the lanes (k = 0), with the active-duty shift `shift`
    /// (0 for the history's policies) and each lane's take-up.
    #[inline(always)]
    fn intake<P: LanePop + ?Sized>(
        &self,
        plan: &ForcePlan,
        pop: &P,
        year: i32,
        cadre_men: V,
        d: super::IntakePolicies,
        shift: V,
    ) -> Intake {
        let eligible = weighted(pop, false, &plan.enlist_ages, |a, s| s * liable(plan, year, a));
        let cadre_men = match plan.first_liable.or(plan.first_liable_year) {
            None => cadre_men,
            Some(_) => {
                let all = weighted(pop, false, &plan.enlist_ages, |_, s| s);
                let zero = V::splat(0.0);
                zero.select(cadre_men * eligible / all, all.gt(zero))
            }
        };
        let r = V::splat(d.active_rate);
        let rate = (r + shift).clamp01().select(r, shift.eq(V::splat(0.0)));
        let pool = eligible * rate;
        let allocated = V::splat(d.allocations).min(pool);
        let men = V::load(&self.take_up) * (pool - allocated - cadre_men).nonneg();
        let women = V::splat(d.female_scale) * weighted(pop, true, &plan.vol_ages, |_, s| s);
        let supplementary = V::splat(plan.supplementary[plan.idx(year)]).min((V::splat(1.0) - rate).nonneg());
        let alt = allocated + eligible * supplementary;
        Intake { eligible, pool, men, women, alt, cadre_men }
    }
}
