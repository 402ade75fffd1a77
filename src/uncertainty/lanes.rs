//! The Monte Carlo's demography with trajectories in the vector lanes (issue 16), for
//! x86-64 CPUs with AVX2 and FMA.
//!
//! [`super::engine`]'s trajectory kernel projects one trajectory at a time with the ages in
//! the vector lanes: every total over ages ends in a horizontal sum, the life table's
//! products over ages are serial chains, and the scalar parts (a₀, the migration spread's
//! level, the newborns) run once per trajectory-year. Here a group of [`L`] trajectories is
//! projected together, the value of age x for the group's trajectory l at `[x][l]`: every
//! operation of the cohort step, the life table and the migration spread is one
//! full-width vector operation on one age of the group, totals over ages are running sums
//! per lane (no horizontal sums), and the life table's products advance eight trajectories
//! at once.
//!
//! The operations are written with explicit AVX2 vectors ([`W`], [`V`]): written as loops
//! over the lanes, the compiler unrolled them and vectorised the loop over ages instead,
//! with a gather per value (measured: no faster than the trajectory kernel).
//!
//! ## Precision and the reference
//! The populations, the fertility rates, the survival ratios and the migrants are single
//! precision ([`W`]: eight trajectories in one AVX2 register), as issue 16 proposed: the
//! cohort step, the migration spread and the life table are then one instruction per
//! age for the eight trajectories instead of two, and their data half the size. The life
//! table's rates are `survival_perturbed_into`'s single-precision rates bit for bit; its
//! survival ratios and e₀ are formed from them with the same operations in the same order,
//! in single precision (e₀ widened to double; 1 − m/2 fused, which rounds the same). The
//! population totals add blocks of eight ages summed in single precision in double
//! precision, and the flows (births, deaths, net migrants) are sums of each age's own
//! flow, not differences of two totals of 25 million (which single precision would carry
//! to ±2 persons). The trajectory kernel (double precision) stays
//! the oracle, itself held to the reference projection (`demography::step`, `LifeTable`);
//! a test holds the two kernels together on every sample of Korea's, Taiwan's and the UN
//! medium's baselines within 5e-5 of each metric's scale (measured: 1.9e-5 on net
//! migration, the migrants each age actually receives once its population is rounded,
//! at most 6.6e-7 on every other metric), the automation's whole systems within one system.
//!
//! The force models step together too, in the force lanes ([`crate::force::LaneState`]:
//! the scalar step's operations in its order in each lane, so the same bits), on the
//! group's populations as they are; the automation stays per trajectory
//! ([`super::force_path`]). Where the group's starting force states differ in shape (never
//! for a plan's calibrated set), each force model steps alone on its lane's population
//! gathered into a [`Population`].

use super::engine::{BlockSink, Paths, draw_paths, force_draw, metrics_row};
use super::force_path::{AutomationYear, ForceState};
use super::params::apply_mult;
use super::plan::Plan;
use super::survival::{LifeScratch, survival_into, survival_perturbed_into};
use crate::demography::lifetable::a0;
use crate::demography::migration::MAX_DEPARTURE_SHARE;
use crate::demography::{Population, Sex, Survival};
use crate::error::{Error, Result};
use crate::scenario::AutomationSpec;
use crate::{AgeVec, NAGES};

/// Trajectories per group: eight singles, one AVX2 register (eight doubles, two registers,
/// where a value is kept in double precision).
pub use crate::simd::L;
#[cfg(any(test, not(target_arch = "x86_64")))]
use crate::simd::portable::W as Wp;
use crate::simd::{Lane, Lane32, V, W, ZERO, ZERO32};
#[cfg(target_arch = "x86_64")]
use std::arch::x86_64::*;

/// Ages × lanes, in single precision.
type Ages = [Lane32; NAGES];

/// One value per age, in single precision (the plan's inputs the group kernel reads).
type Row = [f32; NAGES];

/// The life table's rates of one age for the eight lanes: m = min(m̂ e^{b d}, 0.999)
/// and 1 / (1 + m/2), in single precision with the operations of
/// [`super::special::exp_fast_f32`] and `survival_perturbed_into`.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn rates32(m_hat: f32, b: f32, d: &[f32; L]) -> (W, W) {
    const LOG2E: f32 = std::f32::consts::LOG2_E;
    const LN2_HI: f32 = 0.693_145_75;
    const LN2_LO: f32 = 1.428_606_8e-6;
    const SHIFTER: f32 = 12_582_912.0;
    // SAFETY: AVX2 and FMA are available where the group kernel runs (see [`V`]).
    unsafe {
        let s = _mm256_set1_ps;
        let x = _mm256_mul_ps(s(b), _mm256_loadu_ps(d.as_ptr()));
        let x = _mm256_min_ps(_mm256_max_ps(x, s(-87.0)), s(87.0));
        let t = _mm256_fmadd_ps(x, s(LOG2E), s(SHIFTER));
        let n = _mm256_sub_ps(t, s(SHIFTER));
        let r = _mm256_fmadd_ps(n, s(-LN2_LO), _mm256_fmadd_ps(n, s(-LN2_HI), x));
        let mut p = s(1.0 / 720.0);
        for c in [1.0 / 120.0, 1.0 / 24.0, 1.0 / 6.0, 0.5, 1.0, 1.0] {
            p = _mm256_fmadd_ps(p, r, s(c));
        }
        // 2^n: n + 127 in the exponent field (the shifter's bits less its own, in one add).
        let bits = _mm256_add_epi32(_mm256_castps_si256(t), _mm256_set1_epi32(127 - SHIFTER.to_bits() as i32));
        let e = _mm256_mul_ps(p, _mm256_castsi256_ps(_mm256_slli_epi32::<23>(bits)));
        let m = _mm256_min_ps(_mm256_mul_ps(s(m_hat), e), s(0.999));
        // 1 + m/2 in one rounding either way (m/2 is exact).
        let q = _mm256_div_ps(s(1.0), _mm256_fmadd_ps(s(0.5), m, s(1.0)));
        (W(m), W(q))
    }
}

/// [`rates32`] lane by lane (other architectures; tested bit for bit against it).
#[cfg(any(test, not(target_arch = "x86_64")))]
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
#[inline(always)]
fn rates32_portable(m_hat: f32, b: f32, d: &[f32; L]) -> (Wp, Wp) {
    let (mut m, mut q) = ([0.0; L], [0.0; L]);
    for l in 0..L {
        let v = (m_hat * super::special::exp_fast_f32(b * d[l])).min(0.999);
        m[l] = v;
        q[l] = 1.0 / (1.0 + 0.5 * v);
    }
    (Wp(m), Wp(q))
}
#[cfg(not(target_arch = "x86_64"))]
use rates32_portable as rates32;

/// Populations of a group: `[sex][age][lane]`.
struct Pop {
    s: [Ages; 2],
}

/// A group's survival: ratios by age and newborn survival (per sex, per lane), and e₀
/// in double precision.
struct Surv {
    s: [Ages; 2],
    newborn: [Lane32; 2],
    e0: [Lane; 2],
}

/// The plan's inputs the cohort step and the migration spread read, in single precision
/// (each the nearest single to the plan's double).
struct Singles {
    /// `Plan::migration` and `Plan::migration_end` per interval and sex.
    migration: Vec<[Row; 2]>,
    end: Vec<[Row; 2]>,
    /// `Plan::departure_intensity` and the migration deviation's profile, per sex.
    departure: [Row; 2],
    profile: [Row; 2],
    /// The citizen profile's rate and intensity (zeros without a citizen base).
    rate: Row,
    intensity: Row,
}

/// The nearest singles to `v`'s ages.
fn row(v: &AgeVec) -> Row {
    let mut out = [0.0; NAGES];
    for (o, &x) in out.iter_mut().zip(v.as_slice()) {
        *o = x as f32;
    }
    out
}

impl Singles {
    fn new(plan: &Plan) -> Singles {
        let sexes = |v: &[AgeVec; 2]| [row(&v[0]), row(&v[1])];
        let zero = AgeVec::zeros();
        let citizens = plan.citizens.as_ref().map(|c| &c.profile);
        Singles {
            migration: plan.migration.iter().map(sexes).collect(),
            end: plan.migration_end.iter().map(sexes).collect(),
            departure: sexes(&plan.departure_intensity),
            profile: sexes(&plan.components.migration.profile),
            rate: row(citizens.map_or(&zero, |c| &c.rate)),
            intensity: row(citizens.map_or(&zero, |c| &c.intensity)),
        }
    }
}

/// Scratch space of one worker for [`run_group`], reused across its groups.
pub struct LaneWorkspace {
    paths: Vec<Paths>,
    automation: Vec<AutomationSpec>,
    state: Vec<ForceState>,
    draws: Vec<super::params::ForceDraw>,
    pops: [Box<Pop>; 2],
    /// Half the fertility rates ([`fertility`]).
    asfr: Box<Ages>,
    surv: Box<Surv>,
    /// Rates m and 1 / (1 + m/2) of the perturbed life table, per age and lane.
    m: Box<Ages>,
    r: Box<Ages>,
    singles: Singles,
    /// A year's metrics of the group, `[metric][lane]` (for `BlockSink::emit_group`).
    cols: [Lane; super::plan::NMETRICS],
    /// Each lane's population at 1 July of the year at the ages the force model reads
    /// (`ForcePlan::ages_read`; the older ages are not kept up to date).
    gathered: Vec<Population>,
    /// The group's force models in the force lanes.
    force: crate::force::LaneState,
    /// Groups whose force models ran in the force lanes (for the tests).
    pub(super) force_lane_groups: u64,
    /// Each force model stepped alone, not in the force lanes (their oracle).
    pub(super) scalar_force: bool,
    /// When set, each lane's population at 1 July of every year is kept here (widened
    /// to double precision exactly), as the trajectory kernel keeps one trajectory's.
    pub(super) kept: Option<Vec<Vec<Population>>>,
    one: Survival,
    lt_scratch: LifeScratch,
}

impl LaneWorkspace {
    /// Buffers for `plan`.
    pub fn new(plan: &Plan) -> LaneWorkspace {
        let ages = || Box::new([ZERO32; NAGES]);
        let pop = || Box::new(Pop { s: [[ZERO32; NAGES]; 2] });
        LaneWorkspace {
            paths: (0..L).map(|_| Paths::new(plan)).collect(),
            automation: vec![plan.automation.clone(); L],
            state: vec![ForceState::default(); L],
            draws: Vec::with_capacity(L),
            pops: [pop(), pop()],
            asfr: ages(),
            surv: Box::new(Surv { s: [[ZERO32; NAGES]; 2], newborn: [ZERO32; 2], e0: [ZERO; 2] }),
            m: ages(),
            r: ages(),
            singles: Singles::new(plan),
            cols: [ZERO; super::plan::NMETRICS],
            gathered: vec![plan.base.clone(); L],
            force: crate::force::LaneState::default(),
            force_lane_groups: 0,
            scalar_force: false,
            kept: None,
            one: Survival { s: AgeVec::zeros(), newborn: 0.0, e0: 0.0 },
            lt_scratch: LifeScratch::default(),
        }
    }
}

/// Σ over the ages `range` of m + f, per lane: single-precision sums of up to eight
/// ages added in double precision (a rounding of at most a few persons in a total).
#[inline(always)]
fn sum_both(p: &Pop, range: std::ops::Range<usize>) -> Lane {
    let mut acc = V::splat(0.0);
    for (m, f) in p.s[0][range.clone()].chunks(8).zip(p.s[1][range].chunks(8)) {
        let mut part = W::splat(0.0);
        for (m, f) in m.iter().zip(f) {
            part = part + (W::load(m) + W::load(f));
        }
        acc = acc + part.widen();
    }
    acc.get()
}

/// Runs the trajectories `first..first + n` (n ≤ [`L`]) together, writing the metrics of
/// trajectory `first + l` to column `j0 + l` of `sink`'s block; their force models in the
/// force lanes ([`crate::force::LaneState`]) unless `ws.scalar_force`. Err: any failure (the
/// caller re-runs the block with the trajectory kernel, which reports it as a run
/// without lanes would).
///
/// On x86-64, only to be called where the CPU supports AVX2 and FMA, inlined into a
/// function compiled for them (the engine sees to both).
#[inline(always)]
pub fn run_group(
    plan: &Plan,
    seed: u64,
    first: usize,
    n: usize,
    j0: usize,
    ws: &mut LaneWorkspace,
    sink: &mut BlockSink<'_>,
) -> Result<()> {
    debug_assert!((1..=L).contains(&n));
    // Lanes beyond n repeat the last trajectory (computed, not written).
    let index = |l: usize| (first + l.min(n - 1)) as u64;
    ws.draws.clear();
    let (mut ks, mut adjusts) = ([0; L], [crate::force::Adjust::default(); L]);
    for l in 0..L {
        let (k, draw) = force_draw(plan, seed, index(l));
        draw.apply(&plan.automation, &mut ws.automation[l]);
        draw_paths(plan, seed, index(l), &mut ws.paths[l])?;
        (ks[l], adjusts[l]) = (k, draw.adjust(plan.force_set.adjust(k), &plan.components.spec.force));
        ws.draws.push(draw);
    }
    // The force models in the force lanes where their starting states have one shape
    // (always, for a plan's calibrated set), else each alone.
    let force_lanes = !ws.scalar_force
        && ws.force.load(&plan.force_plan, std::array::from_fn(|l| plan.force_set.start(ks[l])), &adjusts);
    ws.force_lane_groups += u64::from(force_lanes);
    for (l, state) in ws.state.iter_mut().enumerate() {
        if force_lanes {
            state.start_automation();
        } else {
            state.start(plan.force_set.start(ks[l]), adjusts[l]);
        }
    }
    let p0 = &mut ws.pops[0];
    for s in 0..2 {
        for (row, &v) in p0.s[s].iter_mut().zip(plan.base.sex(s).as_slice()) {
            *row = [v as f32; L];
        }
    }
    if let Some(kept) = ws.kept.as_mut() {
        kept.iter_mut().for_each(Vec::clear);
    }
    let (mut max_gap, mut min_available) = ([f64::NEG_INFINITY; L], [f64::INFINITY; L]);
    // The ages the force model reads (the rest of each gathered population is not used).
    let read = plan.force_plan.ages_read();
    for i in 0..plan.len() {
        let year = plan.years[i];
        fertility(plan, i, &ws.paths, &mut ws.asfr);
        survival(plan, i, ws);
        let [a, b] = &mut ws.pops;
        let (cur, nxt) = if i % 2 == 0 { (&**a, &mut **b) } else { (&**b, &mut **a) };
        let spread = Spread::new(plan, i, &ws.paths, cur, &ws.singles)?;
        let end = &ws.singles.end[i];
        let flows = if plan.citizens.is_some() {
            step::<true>(plan, i, cur, &ws.asfr, &ws.surv, &spread, end, nxt)
        } else {
            step::<false>(plan, i, cur, &ws.asfr, &ws.surv, &spread, end, nxt)
        };
        if let Some(kept) = ws.kept.as_mut() {
            keep(cur, &plan.base, kept);
        }
        // Totals and the force model on the population at 1 July of `year`.
        let (young, working, old) = (sum_both(cur, 0..15), sum_both(cur, 15..65), sum_both(cur, 65..NAGES));
        // (Not `force_lanes.then(|| ..)`: a closure would be compiled without AVX2.)
        let years = if force_lanes {
            Some(ws.force.step(&plan.force_plan, year, &crate::force::model::Each(&cur.s[0], &cur.s[1])).lanes())
        } else {
            for (l, g) in ws.gathered.iter_mut().enumerate().take(n) {
                for (x, (m, f)) in cur.s[0][..read].iter().zip(&cur.s[1][..read]).enumerate() {
                    g.male[x] = f64::from(m[l]);
                    g.female[x] = f64::from(f[l]);
                }
            }
            None
        };
        for l in 0..n {
            let (births, deaths, net) = (flows.births[l], flows.deaths[l], flows.net[l]);
            let change = births - deaths + net;
            if !change.is_finite() {
                return Err(Error::Numeric {
                    year: year + 1,
                    sex: "-".into(),
                    age: 0,
                    quantity: format!("population change of trajectory {}", index(l)),
                    value: change,
                });
            }
            let policy = AutomationYear {
                capacity: apply_mult(plan.capacity[i], ws.draws[l].fielding_capacity),
                unit_cost: plan.unit_cost[i],
                civilians: plan.civilians[i],
            };
            let fy = match &years {
                Some(f) => ws.state[l].automate(i, year, f[l], &ws.automation[l], policy),
                None => ws.state[l].year(i, year, &ws.gathered[l], &plan.force_plan, &ws.automation[l], policy),
            };
            let tfr = &ws.paths[l].tfr;
            let demography = [
                (young[l] + working[l]) + old[l],
                working[l],
                old[l],
                births,
                deaths,
                net,
                0.5 * (tfr[i] + tfr[i + 1]),
                ws.surv.e0[0][l],
                ws.surv.e0[1][l],
                f64::from(cur.s[0][20][l]),
            ];
            let row = metrics_row(&demography, &fy);
            let f = &fy.force;
            max_gap[l] = max_gap[l].max(f.gap);
            min_available[l] = min_available[l].min(f.available);
            sink.count(i, &row, max_gap[l], min_available[l]);
            for (c, v) in ws.cols.iter_mut().zip(row) {
                c[l] = v;
            }
        }
        sink.emit_group(i, j0, n, &ws.cols);
    }
    Ok(())
}

/// Appends each lane's population in `pop` to its list in `kept` (as many lanes as lists),
/// shaped as `like`.
fn keep(pop: &Pop, like: &Population, kept: &mut [Vec<Population>]) {
    for (l, list) in kept.iter_mut().enumerate() {
        let mut p = like.clone();
        for (x, (m, f)) in pop.s[0].iter().zip(&pop.s[1]).enumerate() {
            p.male[x] = f64::from(m[l]);
            p.female[x] = f64::from(f[l]);
        }
        list.push(p);
    }
}

/// Half the group's fertility rates of interval `i` at the fertile ages (zero elsewhere
/// from the buffer's creation; halved for the births on the mean of the female
/// population at the start and at the end): the plan's where a lane's TFR is the path's
/// at both ends, else the two years' patterns scaled by half of each year's TFR (as the
/// trajectory kernel forms them), rounded to single precision.
#[inline(always)]
fn fertility(plan: &Plan, i: usize, paths: &[Paths], out: &mut Ages) {
    let (mut w0, mut w1, mut own) = (ZERO, ZERO, [false; L]);
    for (l, p) in paths.iter().enumerate() {
        w0[l] = 0.5 * p.tfr[i];
        w1[l] = 0.5 * p.tfr[i + 1];
        own[l] = !(p.tfr[i] == plan.tfr_path[i] && p.tfr[i + 1] == plan.tfr_path[i + 1]);
    }
    let (w0, w1, own) = (V::load(&w0), V::load(&w1), V::mask(own));
    let f = plan.fertile.clone();
    let (a, p0, p1) = (
        &plan.asfr[i].as_slice()[f.clone()],
        &plan.pattern[i].as_slice()[f.clone()],
        &plan.pattern[i + 1].as_slice()[f.clone()],
    );
    for (((o, &a), &p0), &p1) in out[f].iter_mut().zip(a).zip(p0).zip(p1) {
        W::narrow(V::splat(0.5) * V::splat(a).select(V::splat(p0) * w0 + V::splat(p1) * w1, own)).store(o);
    }
}

/// The group's survival over interval `i` into `ws.surv`: where a lane's mortality
/// deviation is not zero, the perturbed life table of `survival_perturbed_into` (the same
/// single-precision rates bit for bit) completed in single precision; where it is zero,
/// [`survival_into`]'s rounded to single precision.
#[inline(always)]
fn survival(plan: &Plan, i: usize, ws: &mut LaneWorkspace) {
    let mut d = ZERO;
    for (l, p) in ws.paths.iter().enumerate() {
        d[l] = p.mort[i];
    }
    let open = NAGES - 1;
    let mut d32 = [0.0_f32; L];
    for (o, &x) in d32.iter_mut().zip(&d) {
        *o = x as f32;
    }
    for (s, sex) in Sex::BOTH.into_iter().enumerate() {
        let (mh, mh32, b32) = (&plan.mx[i][s], &plan.mx32[i][s], &plan.b32[s]);
        // Lanes computed one by one: no deviation, or an open group's rate ≤ 0 (the
        // full table, as the trajectory kernel falls back to).
        let mut m_open = ZERO;
        let mut single = [false; L];
        for l in 0..L {
            m_open[l] = mh[open] * f64::from(super::special::exp_fast_f32(b32[open] * d32[l]));
            single[l] = d[l] == 0.0 || m_open[l] <= 0.0;
        }
        if !single.iter().all(|&x| x) {
            let (m, r): (&mut Ages, &mut Ages) = (&mut ws.m, &mut ws.r);
            // Four ages at a time: each age's rates are a chain of about 70 cycles of
            // latency (the exponential's polynomial, then the division), independent of
            // the other ages'; four chains side by side keep the units busy where one
            // chain at a time left them waiting (issue 16). The same operations per age.
            let (m4, r4) = (m[..open].chunks_exact_mut(4), r[..open].chunks_exact_mut(4));
            for (k, (m4, r4)) in m4.zip(r4).enumerate() {
                let x = 4 * k;
                // (Not `array::from_fn`: its closure would be compiled without AVX2.)
                let v = [
                    rates32(mh32[x], b32[x], &d32),
                    rates32(mh32[x + 1], b32[x + 1], &d32),
                    rates32(mh32[x + 2], b32[x + 2], &d32),
                    rates32(mh32[x + 3], b32[x + 3], &d32),
                ];
                for (j, (mv, rv)) in v.into_iter().enumerate() {
                    mv.store(&mut m4[j]);
                    rv.store(&mut r4[j]);
                }
            }
            for x in open / 4 * 4..open {
                let (mv, rv) = rates32(mh32[x], b32[x], &d32);
                mv.store(&mut m[x]);
                rv.store(&mut r[x]);
            }
            finish(m, r, &m_open, sex, &mut ws.surv, s);
        }
        // The survival without a deviation is the same for every such lane: computed once.
        let mut unperturbed = false;
        for l in (0..L).filter(|&l| single[l]) {
            let one = &mut ws.one;
            if d[l] != 0.0 {
                survival_perturbed_into(mh, mh32, b32, d[l], sex, one, &mut ws.lt_scratch);
                unperturbed = false;
            } else if !unperturbed {
                survival_into(mh, sex, one, &mut ws.lt_scratch);
                unperturbed = true;
            }
            for (row, &v) in ws.surv.s[s].iter_mut().zip(one.s.as_slice()) {
                row[l] = v as f32;
            }
            ws.surv.newborn[s][l] = one.newborn as f32;
            ws.surv.e0[s][l] = one.e0;
        }
    }
}

/// Age segments of the e₀ accumulation, as [`super::survival`] takes them.
const SEG: [usize; 5] = [1, 26, 51, 76, NAGES - 1];

/// 1 − x/2 (the life table's fraction of a year lived by those who die), in one
/// rounding as the unfused form (x/2 is exact).
#[inline(always)]
fn g(x: W) -> W {
    W::splat(-0.5).mul_add(x, W::splat(1.0))
}

/// [`super::survival`]'s `finish` for the group's lanes: the same operations in the same
/// order, in single precision (a₀ and the open group's rate rounded from double).
#[inline(always)]
fn finish(m: &Ages, r: &Ages, m_open: &Lane, sex: Sex, out: &mut Surv, s: usize) {
    let open = NAGES - 1;
    let one = W::splat(1.0);
    let mut a = ZERO32;
    for l in 0..L {
        a[l] = a0(f64::from(m[0][l]), sex) as f32;
    }
    let (a, m0) = (W::load(&a), W::load(&m[0]));
    let l0_big = one / (one + (one - a) * m0);
    let so = &mut out.s[s];
    ((one - a * m0) * W::load(&r[1])).store(&mut so[0]);
    for x in 1..open - 1 {
        (g(W::load(&m[x])) * W::load(&r[x + 1])).store(&mut so[x]);
    }
    let g99 = g(W::load(&m[open - 1]));
    let m_open = W::narrow(V::load(m_open));
    let s99 = g99 / (m_open + g99);
    s99.store(&mut so[open - 1]);
    s99.store(&mut so[open]);
    let mut prod = [one; 4];
    let mut sum = [W::splat(0.0); 4];
    for k in 0..SEG[1] - SEG[0] {
        for j in 0..4 {
            let x = SEG[j] + k;
            if x < SEG[j + 1] {
                let rx = W::load(&r[x]);
                sum[j] = sum[j] + prod[j] * rx;
                prod[j] = prod[j] * (g(W::load(&m[x])) * rx);
            }
        }
    }
    let l1 = (one - a * m0) * l0_big;
    let tail = sum[0] + prod[0] * (sum[1] + prod[1] * (sum[2] + prod[2] * sum[3]));
    let l100 = l1 * prod[0] * prod[1] * prod[2] * prod[3];
    l0_big.store(&mut out.newborn[s]);
    (l0_big + l1 * tail + l100 / m_open).widen().store(&mut out.e0[s]);
}

/// How a group's net migrants of interval `i` are formed at each age from the population
/// at the start of it, as the trajectory kernel forms them: with a citizen base
/// (`CitizenProfile::spread_with_deviation`), the population at risk R (none at age 0,
/// the smaller of the cohorts x and x − 1 above) times the rate a + e k + e z cut at −50%,
/// k the level that makes the net total add up; otherwise the plan's migrants plus the
/// deviation's profile, less the departures spread by intensity × R
/// (`subtract_departures`).
struct Spread<'a> {
    /// Citizens: rate a and intensity e.
    rate: &'a [f32],
    intensity: &'a [f32],
    /// Citizens: level k plus deviation z per lane.
    kz: W,
    /// The deviation z per lane.
    z: W,
    /// Otherwise: the plan's migrants and the deviation's profile per sex, the deviation
    /// dm, the departures' intensity per sex and their level (departures / Σ e R).
    base: [&'a [f32]; 2],
    profile: [&'a [f32]; 2],
    departure: [&'a [f32]; 2],
    /// Minus the departures' level.
    minus_kd: W,
}

impl<'a> Spread<'a> {
    /// The spread of interval `i` for the group's populations `pop` at its start.
    #[inline(always)]
    fn new(plan: &Plan, i: usize, paths: &[Paths], pop: &Pop, singles: &'a Singles) -> Result<Spread<'a>> {
        let mut dm = ZERO;
        for (l, p) in paths.iter().enumerate() {
            dm[l] = p.mig[i];
        }
        let base = &singles.migration[i];
        let mut out = Spread {
            rate: &singles.rate,
            intensity: &singles.intensity,
            kz: W::splat(0.0),
            z: W::narrow(V::load(&dm)),
            base: [&base[0], &base[1]],
            profile: [&singles.profile[0], &singles.profile[1]],
            departure: [&singles.departure[0], &singles.departure[1]],
            minus_kd: W::splat(0.0),
        };
        if let Some(c) = &plan.citizens {
            let net = c.net[i];
            let [t0, g] = at_risk_dots(pop, [[out.rate, out.rate], [out.intensity, out.intensity]]);
            let mut k = ZERO;
            for l in 0..L {
                if !net.is_finite() || g[l].is_nan() || g[l] <= 0.0 {
                    return Err(Error::Consistency("the net migration cannot be spread".into()));
                }
                k[l] = (net - t0[l]) / g[l];
            }
            out.kz = W::narrow(V::load(&k)) + out.z;
        } else if plan.departures[i] != 0.0 {
            let [w] = at_risk_dots(pop, [out.departure]);
            let mut kd = ZERO;
            for l in 0..L {
                if !(w[l].is_nan() || w[l] <= 0.0) {
                    kd[l] = -plan.departures[i] / w[l];
                }
            }
            out.minus_kd = W::narrow(V::load(&kd));
        }
        Ok(out)
    }

    /// The migrants of sex s at age x, R the population at risk there.
    #[inline(always)]
    fn at<const CITIZENS: bool>(&self, s: usize, x: usize, risk: W) -> W {
        if CITIZENS {
            let rate = W::splat(self.intensity[x]).mul_add(self.kz, W::splat(self.rate[x]));
            risk * rate.max(W::splat(-MAX_DEPARTURE_SHARE as f32))
        } else {
            let known = W::splat(self.profile[s][x]).mul_add(self.z, W::splat(self.base[s][x]));
            (self.minus_kd * W::splat(self.departure[s][x])).mul_add(risk, known)
        }
    }
}

/// Σ w R over both sexes and all ages for each set of weights w (per sex), per lane (R the
/// population at risk of `pop`), summed in single precision.
#[inline(always)]
fn at_risk_dots<const N: usize>(pop: &Pop, w: [[&[f32]; 2]; N]) -> [Lane; N] {
    let mut sums = [W::splat(0.0); N];
    for s in 0..2 {
        let p = &pop.s[s];
        for x in 1..NAGES {
            let risk = W::load(&p[x]).min(W::load(&p[x - 1]));
            for (sum, w) in sums.iter_mut().zip(&w) {
                *sum = *sum + W::splat(w[s][x]) * risk;
            }
        }
    }
    let mut out = [ZERO; N];
    for (o, sum) in out.iter_mut().zip(sums) {
        sum.widen().store(o);
    }
    out
}

/// A group's flows over an interval: both sexes, per lane.
struct Flows {
    births: Lane,
    deaths: Lane,
    net: Lane,
}

/// The cohort-component step of [`super::step::step_into`] for a group, in one pass over
/// the ages per sex, in single precision: half the even migrants join at the start, the
/// start population survives, the second half joins, births on the mean female exposure
/// (women first), the end-of-interval migrants (`end`) last; the migrants formed as
/// [`Spread`] says. The flows are summed as each age's own (its deaths, its migrants
/// joined), not as differences of totals, so their rounding is the size of the flows'.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn step<const CITIZENS: bool>(
    plan: &Plan,
    i: usize,
    pop: &Pop,
    asfr: &Ages,
    surv: &Surv,
    spread: &Spread<'_>,
    end: &[Row; 2],
    next: &mut Pop,
) -> Flows {
    let open = NAGES - 1;
    let fertile = plan.fertile.clone();
    let zero = W::splat(0.0);
    let half = W::splat(0.5);
    let (mut deaths, mut net, mut mig0) = ([zero; 2], [zero; 2], [zero; 2]);
    let mut births = zero;
    for s in [1, 0] {
        let (p, q, n, e) = (&pop.s[s], &surv.s[s], &mut next.s[s], &end[s]);
        let m0 = spread.at::<CITIZENS>(s, 0, zero);
        let p0 = W::load(&p[0]);
        let mut prev = (p0 + half * m0).nonneg();
        let mut applied = prev - p0;
        let (mut died, mut later, mut late) = (zero, zero, zero);
        let mut p_before = p0;
        for x in 1..NAGES {
            let px = W::load(&p[x]);
            let m = spread.at::<CITIZENS>(s, x, px.min(p_before));
            // (m/2 is exact: the fused forms round as px + m/2 and sv + m/2 do.)
            let cur = m.mul_add(half, px).nonneg();
            applied = applied + (cur - px);
            // The open group holds the survivors of the last two ages.
            let at_start = if x == open { prev + cur } else { prev };
            let sv = at_start * W::load(&q[x - 1]);
            died = died + (at_start - sv);
            let v = m.mul_add(half, sv).nonneg();
            later = later + (v - sv);
            if s == 1 && fertile.contains(&x) {
                births = W::load(&asfr[x]).mul_add(px + v, births);
            }
            let w = (v + W::splat(e[x])).nonneg();
            late = late + (w - v);
            w.store(&mut n[x]);
            prev = cur;
            p_before = px;
        }
        deaths[s] = died;
        net[s] = (applied + later) + late;
        mig0[s] = m0;
    }
    // `demography::projection::newborns`, then age 0's end-of-interval migrants.
    let srb = plan.srb[i];
    let male_share = srb / (1.0 + srb);
    let mut born = [zero; 2];
    for s in 0..2 {
        let b = births * W::splat((if s == 0 { male_share } else { 1.0 - male_share }) as f32);
        born[s] = b;
        let survivors = b * W::load(&surv.newborn[s]);
        deaths[s] = deaths[s] + (b - survivors);
        let v = (survivors + half * mig0[s]).nonneg();
        let w = (v + W::splat(end[s][0])).nonneg();
        net[s] = net[s] + ((v - survivors) + (w - v));
        w.store(&mut next.s[s][0]);
    }
    Flows { births: sexes(born), deaths: sexes(deaths), net: sexes(net) }
}

/// The sum of both sexes' values, per lane, in double precision.
#[inline(always)]
fn sexes(x: [W; 2]) -> Lane {
    (x[0].widen() + x[1].widen()).get()
}

#[cfg(all(test, target_arch = "x86_64"))]
mod tests {
    use super::*;

    /// The life table's rates lane by lane (other architectures) are the AVX2 vectors'
    /// bit for bit over the range of mortality deviations.
    #[test]
    fn portable_rates_agree_with_avx2() {
        if !crate::simd::avx2_fma() {
            return;
        }
        let d = [-60.0_f32, -3.5, 0.25, 41.0, -0.01, 7.0, 0.0, -88.5];
        for (m_hat, b) in [(1.0e-5_f32, 0.02_f32), (0.003, -0.01), (0.4, 0.005), (0.9, 0.03)] {
            // SAFETY: the CPU has AVX2 and FMA (checked above).
            let (m, q) = rates32(m_hat, b, &d);
            let (pm, pq) = rates32_portable(m_hat, b, &d);
            assert_eq!(m.get().map(f32::to_bits), pm.0.map(f32::to_bits));
            assert_eq!(q.get().map(f32::to_bits), pq.0.map(f32::to_bits));
        }
    }
}
