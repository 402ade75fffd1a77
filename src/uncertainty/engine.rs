//! The Monte Carlo engine: one trajectory of the whole model per (seed, index), run in
//! parallel in fixed blocks of trajectories.
//!
//! ## Reproducibility
//! Trajectory i draws from ChaCha8 keyed by the seed, on stream i, each stochastic
//! component from its own word range of that stream (so switching one component off
//! leaves the others' draws unchanged). Results are written to the slot of trajectory
//! i, and every reduction runs in trajectory order or on integers, so the outputs are
//! byte-identical for any number of threads.
//!
//! ## Kernels
//! A block is projected by the group kernel (`uncertainty::lanes`: eight trajectories at a
//! time in the vector lanes, populations and life tables in single precision; on x86-64
//! where the CPU has AVX2 and FMA, on other architectures with portable lanes and the
//! same results), else by the trajectory kernel (one at a time, the ages in the lanes,
//! double precision), which stays the oracle: the two agree within 5e-5 of each
//! metric's scale (measured 1.9e-5 on net migration, at most 6.6e-7 elsewhere), the
//! automation's whole systems within one (test
//! `the_group_kernel_follows_the_trajectory_kernel`), and the trajectory kernel is held to
//! the reference projection. A failing block is re-run by
//! the trajectory kernel, so the error reported names the same trajectory either way, and
//! a run whose demography does not vary takes it too (it reproduces the deterministic
//! projection bit for bit, so such a run writes the deterministic values).
//!
//! ## Memory
//! A trajectory keeps only the current population. Each year's [`NMETRICS`] metrics are
//! stored as f32 offsets from the deterministic run's values (so a run without variance
//! is exact and f32 rounding applies to the spread, not the level): 39 × 4 bytes per year
//! per trajectory, 11.9 kB for 2025-2100, by blocks of [`BLOCK`] trajectories, each
//! block column-major (see [`Samples`]; the summaries read a year at a time).

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{ChiSquared, Distribution, StandardNormal};
use rayon::prelude::*;

use super::force_path::{ForceState, ForceYear};
use super::lanes::{self, LaneWorkspace};
use super::migration::MAX_DF;
use super::params::{self, apply_mult};
use super::plan::{NMETRICS, Plan};
use super::step::{StepScratch, step_into, sum8};
use super::survival::{LifeScratch, survival_into, survival_perturbed_into};
use crate::AgeVec;
use crate::demography::migration::subtract_departures;
use crate::demography::{Population, Sex, StepInputs, Survival};
use crate::error::{Error, Result};
use crate::scenario::AutomationSpec;

/// Trajectories per block (the unit of parallel work and of the sample layout).
pub const BLOCK: usize = 16;

/// Run options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Number of trajectories (at least 1).
    pub trajectories: usize,
    /// Random seed.
    pub seed: u64,
    /// Worker threads (at least 1).
    pub threads: usize,
}

/// Word offsets of the components within a trajectory's stream.
#[derive(Clone, Copy)]
enum Component {
    Force = 0,
    Fertility = 1,
    Mortality = 2,
    Migration = 3,
}

/// The generator of one component of trajectory `index`.
pub fn component_rng(seed: u64, index: u64, component: u8) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(index);
    rng.set_word_pos(u128::from(component) << 48);
    rng
}

/// Per-year metric samples of every trajectory, as offsets from the deterministic run.
///
/// Stored by blocks of [`BLOCK`] trajectories (the last may be shorter), each block
/// column-major: the value of column c (= year index × [`NMETRICS`] + metric) for the
/// block's trajectory j at `c × len + j`. A year of every metric is then one contiguous
/// run per block, so that the summaries read a year of 10,000 trajectories as 625
/// sequential runs of 2.5 kB rather than 10,000 reads 12 kB apart (issue 16).
#[derive(Debug, Clone)]
pub struct Samples {
    /// Trajectories.
    pub n: usize,
    /// Years per trajectory.
    pub years: usize,
    data: Vec<f32>,
}

impl Samples {
    /// No samples yet, of trajectories of `years` rows (a buffer for [`run_range`]).
    pub fn empty(years: usize) -> Samples {
        Samples { n: 0, years, data: Vec::new() }
    }

    fn cols(&self) -> usize {
        self.years * NMETRICS
    }

    /// The blocks in index order: (first trajectory, trajectories in the block, values).
    fn blocks(&self) -> impl Iterator<Item = (usize, usize, &[f32])> {
        let cols = self.cols();
        self.data.chunks(BLOCK * cols).enumerate().map(move |(b, d)| (b * BLOCK, d.len() / cols, d))
    }

    /// The offsets of trajectory `j` (index within these samples), year-major (year index
    /// × [`NMETRICS`] + metric), into `out`.
    pub fn trajectory(&self, j: usize, out: &mut Vec<f32>) {
        let (cols, b) = (self.cols(), j / BLOCK);
        let block = &self.data[b * BLOCK * cols..((b + 1) * BLOCK * cols).min(self.data.len())];
        let (len, k) = (block.len() / cols, j % BLOCK);
        out.clear();
        out.extend((0..cols).map(|c| block[c * len + k]));
    }

    /// The offsets of column `col` (= year index × [`NMETRICS`] + metric) for every
    /// trajectory in index order, into `out`.
    pub fn column(&self, col: usize, out: &mut Vec<f32>) {
        out.clear();
        for (_, len, d) in self.blocks() {
            out.extend_from_slice(&d[col * len..(col + 1) * len]);
        }
    }

    /// The offsets of every metric of year `t` for every trajectory, metric-major
    /// (`out[m * n + i]` for metric m, trajectory i), from one sweep over the blocks.
    pub fn year(&self, t: usize, out: &mut Vec<f32>) {
        let n = self.n;
        out.clear();
        out.resize(NMETRICS * n, 0.0);
        for (first, len, d) in self.blocks() {
            let year = &d[t * NMETRICS * len..(t + 1) * NMETRICS * len];
            for (m, v) in year.chunks_exact(len).enumerate() {
                let to = &mut out[m * n + first..m * n + first + len];
                // A whole block's run is 64 bytes: copied inline rather than by a call.
                match (<&mut [f32; BLOCK]>::try_from(&mut *to), <&[f32; BLOCK]>::try_from(v)) {
                    (Ok(to), Ok(v)) => *to = *v,
                    _ => to.copy_from_slice(v),
                }
            }
        }
    }

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        self.data.len() * std::mem::size_of::<f32>()
    }
}

/// Counts of trajectories crossing the scenario's thresholds, per year.
#[derive(Debug, Clone, PartialEq)]
pub struct Exceedance {
    /// Gap thresholds.
    pub gap_thresholds: Vec<f64>,
    /// Available-force thresholds.
    pub available_thresholds: Vec<f64>,
    /// Per year: for each gap threshold (gap > x in the year, in any year so far), then
    /// for each available threshold (available < x in the year, in any year so far).
    pub counts: Vec<u64>,
}

impl Exceedance {
    /// Counters per year.
    pub fn width(&self) -> usize {
        2 * (self.gap_thresholds.len() + self.available_thresholds.len())
    }
}

/// Everything a run produced.
#[derive(Debug, Clone)]
pub struct MonteCarlo {
    /// The options.
    pub options: Options,
    /// Metric samples.
    pub samples: Samples,
    /// Threshold counts.
    pub exceedance: Exceedance,
}

/// A trajectory's drawn paths: TFR (one value per year, one more than the intervals),
/// the mortality deviation k of each interval, and the migration deviation of each year
/// and of each interval.
pub(super) struct Paths {
    pub(super) tfr: Vec<f64>,
    pub(super) mort: Vec<f64>,
    mig_year: Vec<f64>,
    pub(super) mig: Vec<f64>,
}

impl Paths {
    pub(super) fn new(plan: &Plan) -> Paths {
        let t = plan.len();
        Paths { tfr: vec![0.0; t + 1], mort: vec![0.0; t], mig_year: vec![0.0; t + 1], mig: vec![0.0; t] }
    }
}

/// Scratch space of one worker, reused across its trajectories.
struct Workspace {
    paths: Paths,
    asfr: AgeVec,
    migv: [AgeVec; 2],
    pops: [Population; 2],
    both: AgeVec,
    surv: [Survival; 2],
    lt_scratch: LifeScratch,
    step_scratch: StepScratch,
    automation: AutomationSpec,
    state: ForceState,
    /// When set, the smallest cohort (one sex, one age below [`CHECKED_AGES`]) of the
    /// last trajectory run in any year ([`smallest_cohort`]; a diagnostic, not computed
    /// in runs: a serial scan of 180 cohorts took a tenth of the engine's time).
    smallest: Option<f64>,
    /// When set, the population at 1 July of every year of the trajectory is kept here
    /// ([`populations`]).
    kept: Option<Vec<Population>>,
    /// The group kernel's buffers (allocated on first use).
    lanes: Option<Box<LaneWorkspace>>,
}

/// Ages whose smallest cohort a trajectory records (0-89): above, cohorts empty out by
/// dying.
pub const CHECKED_AGES: usize = 90;

impl Workspace {
    fn new(plan: &Plan) -> Workspace {
        Workspace {
            paths: Paths::new(plan),
            asfr: AgeVec::zeros(),
            migv: [AgeVec::zeros(); 2],
            pops: [plan.base.clone(), plan.base.clone()],
            both: AgeVec::zeros(),
            surv: [
                Survival { s: AgeVec::zeros(), newborn: 0.0, e0: 0.0 },
                Survival { s: AgeVec::zeros(), newborn: 0.0, e0: 0.0 },
            ],
            lt_scratch: LifeScratch::default(),
            step_scratch: StepScratch::default(),
            automation: plan.automation.clone(),
            state: ForceState::default(),
            smallest: None,
            kept: None,
            lanes: None,
        }
    }
}

fn normal<R: Rng>(rng: &mut R) -> f64 {
    StandardNormal.sample(rng)
}

/// Draws the TFR, mortality and migration deviations of a trajectory into `ws`.
#[inline(always)]
pub(super) fn draw_paths(plan: &Plan, seed: u64, index: u64, ws: &mut Paths) -> Result<()> {
    let c = &plan.components;
    let base = plan.years[0];
    let last = base + plan.len() as i32; // end + 1
    // TFR: AR(1) deviation, bounded below.
    ws.tfr.copy_from_slice(&plan.tfr_path);
    if c.tfr.innovation_sd > 0.0 {
        let mut rng = component_rng(seed, index, Component::Fertility as u8);
        let mut eps = 0.0;
        for y in plan.tfr_start..=last {
            eps = c.tfr.ar1 * eps + c.tfr.innovation_sd * normal(&mut rng);
            if y >= base {
                let i = (y - base) as usize;
                let path = plan.tfr_path[i];
                ws.tfr[i] = (path + eps).max(c.tfr.floor.min(path));
            }
        }
    }
    // Mortality: random walk in k with the trajectory's drift error; interval t is
    // evaluated at t + 1.
    ws.mort.fill(0.0);
    if c.mortality_sd > 0.0 {
        let mut rng = component_rng(seed, index, Component::Mortality as u8);
        let drift = c.mortality_drift_sd * normal(&mut rng);
        let mut k = 0.0;
        for y in plan.mort_start..=last {
            k += drift + c.mortality_sd * normal(&mut rng);
            if y > base {
                ws.mort[(y - base - 1) as usize] = k;
            }
        }
    }
    // Migration: w_y λ z_y, z an AR(1) with unit innovations, λ² ~ ν/χ²_ν.
    ws.mig.fill(0.0);
    let m = &c.migration;
    if m.scale.iter().any(|w| *w > 0.0) {
        let mut rng = component_rng(seed, index, Component::Migration as u8);
        let lambda = if m.tail_df >= MAX_DF {
            1.0
        } else {
            let chi = ChiSquared::new(m.tail_df)
                .map_err(|e| Error::Consistency(format!("chi-squared with {} d.f.: {e}", m.tail_df)))?;
            let x: f64 = chi.sample(&mut rng);
            (m.tail_df / x.max(1e-300)).sqrt()
        };
        ws.mig_year.fill(0.0);
        let mut z = 0.0;
        for y in plan.mig_start..=last {
            z = m.ar1 * z + normal(&mut rng);
            if y >= base {
                ws.mig_year[(y - base) as usize] = m.scale_at(y) * lambda * z;
            }
        }
        for i in 0..plan.len() {
            ws.mig[i] = 0.5 * (ws.mig_year[i] + ws.mig_year[i + 1]);
        }
    }
    Ok(())
}

/// Where a trajectory's yearly metrics go: trajectory `j` of a block of `len` (offsets
/// from the deterministic run, years × [`NMETRICS`] values, laid out as [`Samples`]
/// says), and the block's threshold counts.
pub(super) struct BlockSink<'a> {
    plan: &'a Plan,
    chunk: &'a mut [f32],
    counts: &'a mut [u64],
    /// Trajectories in the block (the stride of a column, see [`Samples`]).
    len: usize,
    pub(super) j: usize,
}

impl BlockSink<'_> {
    #[inline(always)]
    pub(super) fn emit(&mut self, i: usize, row: &[f64; NMETRICS], max_gap: f64, min_available: f64) {
        let det = &self.plan.det[i];
        for (m, v) in row.iter().enumerate() {
            self.chunk[(i * NMETRICS + m) * self.len + self.j] = (v - det[m]) as f32;
        }
        self.count(i, row, max_gap, min_available);
    }

    /// Year `i`'s metrics of the trajectories `j0..j0 + n` of the block (n ≤ [`lanes::L`]),
    /// `cols[m][l]` metric m of trajectory j0 + l, as [`BlockSink::emit`] writes them one
    /// trajectory at a time (the same values; a whole group's eight as one vector per
    /// metric). Only inlined into a function compiled for AVX2 and FMA on x86-64.
    #[inline(always)]
    pub(super) fn emit_group(&mut self, i: usize, j0: usize, n: usize, cols: &[crate::simd::Lane; NMETRICS]) {
        use crate::simd::{V, W};
        let det = &self.plan.det[i];
        for (m, c) in cols.iter().enumerate() {
            let at = (i * NMETRICS + m) * self.len + j0;
            let out = &mut self.chunk[at..at + n];
            if let Ok(out) = <&mut crate::simd::Lane32>::try_from(&mut *out) {
                W::narrow(V::load(c) - V::splat(det[m])).store(out);
            } else {
                for (o, v) in out.iter_mut().zip(c) {
                    *o = (v - det[m]) as f32;
                }
            }
        }
    }

    /// Adds a trajectory's year `i` (its metrics `row`, largest gap and smallest force
    /// available so far) to the block's threshold counts.
    #[inline(always)]
    pub(super) fn count(&mut self, i: usize, row: &[f64; NMETRICS], max_gap: f64, min_available: f64) {
        let spec = &self.plan.components.spec;
        let width = 2 * (spec.gap_thresholds.len() + spec.available_thresholds.len());
        let c = &mut self.counts[i * width..(i + 1) * width];
        let (gap, avail) = (row[19], row[17]);
        let mut k = 0;
        for x in &spec.gap_thresholds {
            c[k] += u64::from(gap > *x);
            c[k + 1] += u64::from(max_gap > *x);
            k += 2;
        }
        for x in &spec.available_thresholds {
            c[k] += u64::from(avail < *x);
            c[k + 1] += u64::from(min_available < *x);
            k += 2;
        }
    }
}

/// A year's [`NMETRICS`] metrics: the demography's first (total, working-age and old
/// population, births, deaths, net migration, TFR, e0 of men and of women, men aged 20),
/// then the force and automation's.
#[inline(always)]
pub(super) fn metrics_row(demography: &[f64; 10], fy: &ForceYear) -> [f64; NMETRICS] {
    let f = &fy.force;
    let force = [
        f.eligible_men,
        f.intake,
        f.female_volunteers,
        f.conscripts,
        f.cadre,
        f.cadre_accessions,
        f.cadre_shortfall,
        f.available,
        f.target,
        f.gap,
        f.gap,
        fy.systems_needed,
        fy.systems_fielded,
        fy.systems_bought,
        fy.cost,
        fy.density_per_10k,
        fy.uncovered_gap,
        f.men_turning_20,
        f.corps[0],
        f.corps[1],
        f.conscripts_by_branch[0],
        f.conscripts_by_branch[1],
        f.conscripts_by_branch[2],
        f.conscripts_by_branch[3],
        f.alternative_service_intake,
        f.cadre_accessions,
        f.cadre_separations,
        fy.cost_cumulative,
        fy.cost_npv,
    ];
    let mut row = [0.0; NMETRICS];
    row[..10].copy_from_slice(demography);
    row[10..].copy_from_slice(&force);
    row
}

/// Trajectory `index`'s force parameters: the calibrated vector it takes (an index into
/// `plan.force_set`), then the explicit draws, from its force stream in that order.
pub fn force_draw(plan: &Plan, seed: u64, index: u64) -> (usize, params::ForceDraw) {
    let mut rng = component_rng(seed, index, Component::Force as u8);
    let k = plan.force_set.pick(&mut rng);
    (k, params::draw(&plan.components.spec.force, &plan.force, &mut rng))
}

/// Runs trajectory `index` into its column of `sink`.
#[inline(always)]
fn trajectory(plan: &Plan, seed: u64, index: u64, ws: &mut Workspace, sink: &mut BlockSink<'_>) -> Result<()> {
    let (k, draw) = force_draw(plan, seed, index);
    draw.apply(&plan.automation, &mut ws.automation);
    draw_paths(plan, seed, index, &mut ws.paths)?;
    let profile = &plan.components.migration.profile;
    let Workspace {
        paths: Paths { tfr, mort, mig, .. },
        asfr: asfr_buf,
        migv,
        pops,
        both,
        surv,
        lt_scratch,
        step_scratch,
        automation,
        state,
        smallest,
        kept,
        ..
    } = ws;
    if let Some(k) = kept.as_mut() {
        k.clear();
    }
    if let Some(s) = smallest.as_mut() {
        *s = f64::INFINITY;
    }
    pops[0].clone_from(&plan.base);
    state.start(plan.force_set.start(k), draw.adjust(plan.force_set.adjust(k), &plan.components.spec.force));
    let (mut max_gap, mut min_available) = (f64::NEG_INFINITY, f64::INFINITY);
    for i in 0..plan.len() {
        let year = plan.years[i];
        let asfr: &AgeVec = if tfr[i] == plan.tfr_path[i] && tfr[i + 1] == plan.tfr_path[i + 1] {
            &plan.asfr[i]
        } else {
            let (w0, w1) = (0.5 * tfr[i], 0.5 * tfr[i + 1]);
            // Only fertile ages: the buffer is zero elsewhere from its creation.
            let f = plan.fertile.clone();
            let (p0, p1) = (&plan.pattern[i].as_slice()[f.clone()], &plan.pattern[i + 1].as_slice()[f.clone()]);
            for ((o, &a), &b) in asfr_buf.as_mut_slice()[f].iter_mut().zip(p0).zip(p1) {
                *o = a * w0 + b * w1;
            }
            asfr_buf
        };
        let d = mort[i];
        if d == 0.0 {
            survival_into(&plan.mx[i][0], Sex::Male, &mut surv[0], lt_scratch);
            survival_into(&plan.mx[i][1], Sex::Female, &mut surv[1], lt_scratch);
        } else {
            for (s, sex) in Sex::BOTH.into_iter().enumerate() {
                let (m, m32, b32) = (&plan.mx[i][s], &plan.mx32[i][s], &plan.b32[s]);
                survival_perturbed_into(m, m32, b32, d, sex, &mut surv[s], lt_scratch);
            }
        }
        let (dm, departures) = (mig[i], plan.departures[i]);
        let migration: &[AgeVec; 2] = if let Some(c) = &plan.citizens {
            // A citizen base: the net total and the deviation (a rate) on the trajectory's
            // own population ([`crate::demography::citizen_migration`]).
            c.profile.spread_with_deviation(c.net[i], dm, &pops[i % 2], migv).map_err(|e| Error::Numeric {
                year,
                sex: "-".into(),
                age: 0,
                quantity: format!("net migration of trajectory {index}: {e}"),
                value: c.net[i],
            })?;
            migv
        } else if dm == 0.0 && departures == 0.0 {
            &plan.migration[i]
        } else {
            for s in 0..2 {
                for ((o, &a), &p) in
                    migv[s].as_mut_slice().iter_mut().zip(plan.migration[i][s].as_slice()).zip(profile[s].as_slice())
                {
                    *o = a + p * dm;
                }
            }
            // The trajectory's own population at the start of the interval (see below).
            subtract_departures(departures, &plan.departure_intensity, &pops[i % 2], migv);
            migv
        };
        let inputs = StepInputs {
            asfr,
            srb: plan.srb[i],
            survival: [&surv[0], &surv[1]],
            migration: [&migration[0], &migration[1]],
            end_migration: [&plan.migration_end[i][0], &plan.migration_end[i][1]],
        };
        let (cur, nxt) = {
            let [a, b] = pops;
            if i % 2 == 0 { (&*a, b) } else { (&*b, a) }
        };
        let flows = step_into(cur, &inputs, plan.fertile.clone(), nxt, step_scratch);
        if let Some(s) = smallest.as_mut() {
            for v in [&nxt.male, &nxt.female] {
                *s = v.as_slice()[..CHECKED_AGES].iter().fold(*s, |a, &b| a.min(b));
            }
        }
        // A non-finite value anywhere in the new population shows in its flows.
        let change = flows.births() - flows.deaths() + flows.net_migration();
        if !change.is_finite() {
            return Err(Error::Numeric {
                year: year + 1,
                sex: "-".into(),
                age: 0,
                quantity: format!("population change of trajectory {index}"),
                value: change,
            });
        }
        let cap = apply_mult(plan.capacity[i], draw.fielding_capacity);
        let policy = super::force_path::AutomationYear {
            capacity: cap,
            unit_cost: plan.unit_cost[i],
            civilians: plan.civilians[i],
        };
        let fy = state.year(i, year, cur, &plan.force_plan, automation, policy);
        if let Some(k) = kept.as_mut() {
            k.push(cur.clone());
        }
        let f = &fy.force;
        for ((o, &a), &b) in both.as_mut_slice().iter_mut().zip(cur.male.as_slice()).zip(cur.female.as_slice()) {
            *o = a + b;
        }
        let b = both.as_slice();
        let (young, working, old) = (sum8(&b[..15]), sum8(&b[15..65]), sum8(&b[65..]));
        let demography = [
            (young + working) + old,
            working,
            old,
            flows.births(),
            flows.deaths(),
            flows.net_migration(),
            0.5 * (tfr[i] + tfr[i + 1]),
            surv[0].e0,
            surv[1].e0,
            cur.male[20],
        ];
        let row = metrics_row(&demography, &fy);
        max_gap = max_gap.max(f.gap);
        min_available = min_available.min(f.available);
        sink.emit(i, &row, max_gap, min_available);
    }
    Ok(())
}

/// The smallest cohort (persons of one sex and one age below [`CHECKED_AGES`]) in any
/// year after the base of trajectory `index`: the same trajectory as in a run with this
/// seed. For tests and diagnostics (no cohort may be emptied).
pub fn smallest_cohort(plan: &Plan, seed: u64, index: u64) -> Result<f64> {
    let mut ws = Workspace::new(plan);
    ws.smallest = Some(f64::INFINITY);
    let spec = &plan.components.spec;
    let width = 2 * (spec.gap_thresholds.len() + spec.available_thresholds.len());
    let (mut chunk, mut counts) = (vec![0.0_f32; plan.len() * NMETRICS], vec![0u64; plan.len() * width]);
    let mut sink = BlockSink { plan, chunk: &mut chunk, counts: &mut counts, len: 1, j: 0 };
    trajectory(plan, seed, index, &mut ws, &mut sink)?;
    Ok(ws.smallest.unwrap_or(f64::INFINITY))
}

/// The population at 1 July of every year (base year first) of trajectory `index`: the
/// same trajectory as in a run with this seed, so that `forcecast plan` can evaluate
/// candidate force policies on the populations a run of its plan would project (the
/// levers do not change the population).
pub fn populations(plan: &Plan, seed: u64, index: u64) -> Result<Vec<Population>> {
    let mut ws = Workspace::new(plan);
    ws.kept = Some(Vec::with_capacity(plan.len()));
    let spec = &plan.components.spec;
    let width = 2 * (spec.gap_thresholds.len() + spec.available_thresholds.len());
    let (mut chunk, mut counts) = (vec![0.0_f32; plan.len() * NMETRICS], vec![0u64; plan.len() * width]);
    let mut sink = BlockSink { plan, chunk: &mut chunk, counts: &mut counts, len: 1, j: 0 };
    trajectory(plan, seed, index, &mut ws, &mut sink)?;
    Ok(ws.kept.unwrap_or_default())
}

/// The populations at 1 July of every year (base year first) of trajectories
/// `first..first + n` (n ≤ 8, a group), projected by the kernel a run takes for them (the
/// group kernel where the run's blocks take it, else the trajectory kernel), so
/// that they are the very populations of a run with this seed: `forcecast plan` evaluates
/// force policies on them and its shares must be the run's exactly.
pub fn populations_of(plan: &Plan, seed: u64, first: usize, n: usize) -> Result<Vec<Vec<Population>>> {
    assert!((1..=lanes::L).contains(&n), "a group of 1 to {} trajectories", lanes::L);
    #[cfg(target_arch = "x86_64")]
    let group = crate::simd::avx2_fma();
    #[cfg(not(target_arch = "x86_64"))]
    let group = true;
    if group && demography_varies(plan) {
        let spec = &plan.components.spec;
        let width = 2 * (spec.gap_thresholds.len() + spec.available_thresholds.len());
        let (mut chunk, mut counts) = (vec![0.0_f32; n * plan.len() * NMETRICS], vec![0u64; plan.len() * width]);
        let mut sink = BlockSink { plan, chunk: &mut chunk, counts: &mut counts, len: n, j: 0 };
        let mut ws = LaneWorkspace::new(plan);
        ws.kept = Some(vec![Vec::with_capacity(plan.len()); n]);
        #[cfg(target_arch = "x86_64")]
        // SAFETY: the CPU supports AVX2 and FMA (checked above).
        let done = unsafe { run_group_avx2(plan, seed, first, n, &mut ws, &mut sink) };
        #[cfg(not(target_arch = "x86_64"))]
        let done = lanes::run_group(plan, seed, first, n, 0, &mut ws, &mut sink);
        // A failure: the trajectory kernel reports it, as a run would.
        if done.is_ok() {
            return Ok(ws.kept.unwrap_or_default());
        }
    }
    (first..first + n).map(|i| populations(plan, seed, i as u64)).collect()
}

/// [`lanes::run_group`] of trajectories `first..first + n` into column 0 of `sink`,
/// compiled for AVX2 and FMA.
///
/// # Safety
/// The CPU must support AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn run_group_avx2(
    plan: &Plan,
    seed: u64,
    first: usize,
    n: usize,
    ws: &mut LaneWorkspace,
    sink: &mut BlockSink<'_>,
) -> Result<()> {
    lanes::run_group(plan, seed, first, n, 0, ws, sink)
}

/// Runs the trajectories of one block, writing their samples and threshold counts: in
/// groups of [`lanes::L`] unless `kernel` is [`Kernel::Trajectory`] (only where the CPU
/// has AVX2 and FMA, from [`run_block_avx2`]), else (and to report a failure) one at a
/// time.
#[inline(always)]
fn run_block(
    plan: &Plan,
    seed: u64,
    first: usize,
    chunk: &mut [f32],
    counts: &mut [u64],
    ws: &mut Workspace,
    kernel: Kernel,
) -> Result<()> {
    let len = chunk.len() / (plan.len() * NMETRICS);
    let mut sink = BlockSink { plan, chunk, counts, len, j: 0 };
    if kernel != Kernel::Trajectory && demography_varies(plan) {
        let lanes = ws.lanes.get_or_insert_with(|| Box::new(LaneWorkspace::new(plan)));
        lanes.scalar_force = kernel == Kernel::GroupScalarForce;
        let mut result = Ok(());
        for j0 in (0..len).step_by(lanes::L) {
            let n = (len - j0).min(lanes::L);
            result = lanes::run_group(plan, seed, first + j0, n, j0, lanes, &mut sink);
            if result.is_err() {
                break;
            }
        }
        if result.is_ok() {
            return Ok(());
        }
    }
    // A failure: the block again, trajectory by trajectory, so that the error reported is
    // the first trajectory's (and its counts are not added twice).
    sink.counts.fill(0);
    for j in 0..len {
        sink.j = j;
        trajectory(plan, seed, (first + j) as u64, ws, &mut sink)?;
    }
    Ok(())
}

/// [`run_block`] compiled for AVX2 and FMA. The trajectory kernel compiled so performs
/// the same operations in the same order as compiled for any CPU (Rust never fuses a
/// multiply and an add on its own; the explicit `mul_add`s of
/// [`exp_fast_f32`](super::special::exp_fast_f32) are single-rounding everywhere), so its
/// results are identical bit for bit (tested below); only the vector width of the age
/// loops changes. Unless `kernel` is [`Kernel::Trajectory`], the group kernel ([`lanes`],
/// which needs AVX2 here).
///
/// # Safety
/// The CPU must support AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn run_block_avx2(
    plan: &Plan,
    seed: u64,
    first: usize,
    chunk: &mut [f32],
    counts: &mut [u64],
    ws: &mut Workspace,
    kernel: Kernel,
) -> Result<()> {
    run_block(plan, seed, first, chunk, counts, ws, kernel)
}

/// Which kernel projects the trajectories (outputs agree to rounding; see the module notes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Kernel {
    /// Groups of trajectories in the vector lanes where the CPU has AVX2 and FMA, else
    /// one trajectory at a time.
    #[default]
    Auto,
    /// One trajectory at a time, the ages in the vector lanes: the group kernel's oracle.
    Trajectory,
    /// The group kernel with each trajectory's force model stepped alone, not in the
    /// force lanes ([`crate::force::LaneState`]): their oracle (the same bits).
    GroupScalarForce,
}

/// Picks the kernel and the widest instruction set the CPU offers for [`run_block`]: on
/// x86-64 the group kernel needs AVX2 and FMA (without them, the trajectory kernel runs);
/// elsewhere it runs on portable lanes with the same results.
fn run_block_dispatch(
    plan: &Plan,
    seed: u64,
    first: usize,
    chunk: &mut [f32],
    counts: &mut [u64],
    ws: &mut Workspace,
    kernel: Kernel,
) -> Result<()> {
    #[cfg(target_arch = "x86_64")]
    {
        if crate::simd::avx2_fma() {
            // SAFETY: the CPU supports AVX2 and FMA (checked just above).
            return unsafe { run_block_avx2(plan, seed, first, chunk, counts, ws, kernel) };
        }
        run_block(plan, seed, first, chunk, counts, ws, Kernel::Trajectory)
    }
    #[cfg(not(target_arch = "x86_64"))]
    run_block(plan, seed, first, chunk, counts, ws, kernel)
}

/// Physical memory in bytes (Linux: `MemTotal` of /proc/meminfo), if known.
fn physical_memory() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024.0)
}

/// Whether a trajectory's population can differ from the deterministic projection (a
/// deviation of fertility, mortality or migration is drawn; as [`draw_paths`] decides).
/// Where it cannot, the trajectory kernel runs: it reproduces the deterministic
/// projection bit for bit, so a run without variance writes the deterministic values.
fn demography_varies(plan: &Plan) -> bool {
    let c = &plan.components;
    c.tfr.innovation_sd > 0.0 || c.mortality_sd > 0.0 || c.migration.scale.iter().any(|w| *w > 0.0)
}

/// A pool of `threads` workers (at least one).
pub fn pool(threads: usize) -> Result<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
        .map_err(|e| Error::Usage(format!("cannot start {threads} worker threads: {e}")))
}

/// Bytes of samples one trajectory of `years` summary rows keeps.
pub fn bytes_per_trajectory(years: usize) -> usize {
    years * NMETRICS * std::mem::size_of::<f32>()
}

/// The exceedance counters of `plan`'s thresholds, all zero.
pub fn exceedance(plan: &Plan) -> Exceedance {
    let spec = &plan.components.spec;
    let mut e = Exceedance {
        gap_thresholds: spec.gap_thresholds.clone(),
        available_thresholds: spec.available_thresholds.clone(),
        counts: Vec::new(),
    };
    e.counts = vec![0; plan.len() * e.width()];
    e
}

/// Runs every trajectory on a pool of `options.threads` workers, keeping every sample.
/// `progress` is called with the number of trajectories each finished block held.
pub fn run(plan: &Plan, options: Options, progress: &(dyn Fn(u64) + Sync)) -> Result<MonteCarlo> {
    run_on(plan, options, &pool(options.threads)?, progress)
}

/// [`run`] with the given kernel (for benchmarks and tests of the kernels).
pub fn run_with(plan: &Plan, options: Options, kernel: Kernel) -> Result<MonteCarlo> {
    run_on_with(plan, options, &pool(options.threads)?, &|_| {}, kernel)
}

/// [`run`] on a pool the caller already holds (with `options.threads` workers).
pub fn run_on(
    plan: &Plan,
    options: Options,
    pool: &rayon::ThreadPool,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<MonteCarlo> {
    run_on_with(plan, options, pool, progress, Kernel::Auto)
}

fn run_on_with(
    plan: &Plan,
    options: Options,
    pool: &rayon::ThreadPool,
    progress: &(dyn Fn(u64) + Sync),
    kernel: Kernel,
) -> Result<MonteCarlo> {
    let n = options.trajectories;
    if n == 0 {
        return Err(Error::Usage("--trajectories must be at least 1".into()));
    }
    let mut exceedance = exceedance(plan);
    let mut samples = Samples::empty(plan.len());
    run_range(plan, options.seed, 0..n, pool, &mut exceedance, progress, &mut samples, kernel)?;
    Ok(MonteCarlo { options, samples, exceedance })
}

/// Runs trajectories `range` (their indices fix their draws) on `pool` with `kernel`
/// ([`Kernel::Auto`] but to compare the kernels): their samples
/// (in index order, laid out as [`Samples`] says) into `samples`, and their threshold
/// counts added to `exceedance`. The memory of `samples` is reused: a run in chunks fills
/// one buffer again and again rather than taking fresh pages from the system each time.
#[allow(clippy::too_many_arguments)]
pub fn run_range(
    plan: &Plan,
    seed: u64,
    range: std::ops::Range<usize>,
    pool: &rayon::ThreadPool,
    exceedance: &mut Exceedance,
    progress: &(dyn Fn(u64) + Sync),
    samples: &mut Samples,
    kernel: Kernel,
) -> Result<()> {
    let n = range.len();
    let t = plan.len();
    let cols = t * NMETRICS;
    let total = n.checked_mul(cols).ok_or_else(|| Error::Usage(format!("{n} trajectories are too many")))?;
    // Refuse runs whose samples would take most of the machine's memory (they would
    // swap or be killed part-way), then probe that the samples fit, then take zeroed
    // memory from the system (no memset: the workers touch the pages as they fill them,
    // in parallel).
    let bytes = total as f64 * 4.0;
    if let Some(ram) = physical_memory() {
        if bytes > 0.75 * ram {
            return Err(Error::Usage(format!(
                "{n} trajectories need {:.1} GB for the samples ({:.1} kB each), more than three quarters of \
                 this machine's {:.1} GB of memory; run at most {} trajectories",
                bytes / 1e9,
                bytes / n as f64 / 1e3,
                ram / 1e9,
                (0.75 * ram / (bytes / n as f64)).floor()
            )));
        }
    }
    let data = &mut samples.data;
    if data.len() != total {
        if data.capacity() < total {
            // Held memory is released first, then the whole probed (no partial growth).
            *data = Vec::new();
            Vec::<f32>::new().try_reserve_exact(total).map_err(|_| {
                Error::Usage(format!(
                    "{n} trajectories need {:.1} GB for the samples, more than can be allocated",
                    (total * 4) as f64 / 1e9
                ))
            })?;
            *data = vec![0.0_f32; total];
        } else {
            // Every value is written by the trajectories.
            data.resize(total, 0.0);
        }
    }
    samples.n = n;
    samples.years = t;
    let width = exceedance.width();
    let nblocks = n.div_ceil(BLOCK);
    let mut block_counts = vec![0u64; nblocks * t * width];
    let results: Vec<Result<()>> = pool.install(|| {
        data.par_chunks_mut(BLOCK * cols)
            .zip(block_counts.par_chunks_mut(t * width))
            .enumerate()
            .map_init(
                || Workspace::new(plan),
                |ws, (b, (chunk, counts))| {
                    run_block_dispatch(plan, seed, range.start + b * BLOCK, chunk, counts, ws, kernel)?;
                    progress((chunk.len() / cols) as u64);
                    Ok(())
                },
            )
            .collect()
    });
    // The first failing block in index order, whatever thread saw it first.
    results.into_iter().collect::<Result<Vec<()>>>()?;
    for block in block_counts.chunks(t * width) {
        for (a, b) in exceedance.counts.iter_mut().zip(block) {
            *a += b;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{run, scenario};

    fn plan_of(name: &str) -> Plan {
        let dir = std::path::Path::new("scenarios");
        let s = scenario::load(&dir.join(format!("{name}.toml")), dir).unwrap();
        let inputs = run::load_inputs(&s, dir).unwrap();
        let det = run::project(&s, &inputs).unwrap();
        Plan::new(&s, &inputs, &det).unwrap()
    }

    /// The samples and threshold counts of the `len` trajectories from `first` with `kernel`.
    fn block(
        plan: &Plan,
        seed: u64,
        first: usize,
        len: usize,
        ws: &mut Workspace,
        kernel: Kernel,
    ) -> Result<(Vec<f32>, Vec<u64>)> {
        let spec = &plan.components.spec;
        let width = 2 * (spec.gap_thresholds.len() + spec.available_thresholds.len());
        let (mut chunk, mut counts) = (vec![0.0_f32; len * plan.len() * NMETRICS], vec![0u64; plan.len() * width]);
        run_block_dispatch(plan, seed, first, &mut chunk, &mut counts, ws, kernel)?;
        Ok((chunk, counts))
    }

    /// The fast engine held to the reference: trajectories of Korea's and Taiwan's
    /// baselines (four seeds and indices, every stochastic component on) re-projected
    /// with the reference step (`demography::step`) and life table (`LifeTable`, f64,
    /// the Lee-Carter multipliers exp(b d) in double precision), on the same draws and
    /// the same migration spread. Every cohort of every year 2025-2100 agrees within
    /// 1e-6 of the cohort (of 1e6 persons for cohorts smaller than that) and every total
    /// within 1e-6: the single-precision multipliers of the fast life table (relative
    /// error below 3e-7 a year) are the only difference, and it accumulates over the
    /// years. Measured: largest 2.8e-7 on a cohort, 2.4e-7 on a total (12 persons in
    /// 50 million).
    #[test]
    fn the_fast_engine_follows_the_double_precision_reference() {
        use crate::demography::{LifeTable, StepInputs, step};
        let (mut worst_cohort, mut worst_total) = (0.0_f64, 0.0_f64);
        for name in ["baseline", "taiwan-baseline"] {
            let plan = plan_of(name);
            let c = plan.citizens.as_ref().expect("a citizen base");
            let lc = &plan.components;
            let b = [0, 1].map(|s| lc.lee_carter.b[s] * lc.mortality_sex_scale[s]);
            for (seed, index) in [(1_u64, 0_u64), (7, 17), (2024, 123), (99, 4567)] {
                let fast = populations(&plan, seed, index).unwrap();
                let mut paths = Paths::new(&plan);
                draw_paths(&plan, seed, index, &mut paths).unwrap();
                assert!(paths.mort.iter().any(|d| *d != 0.0) && paths.mig.iter().any(|z| *z != 0.0));
                let mut pop = plan.base.clone();
                let mut migv = [AgeVec::zeros(); 2];
                for i in 0..plan.len() {
                    let got = &fast[i];
                    for (a, r) in [(&got.male, &pop.male), (&got.female, &pop.female)] {
                        for x in 0..crate::NAGES {
                            let e = (a[x] - r[x]).abs() / r[x].max(1.0e6);
                            worst_cohort = worst_cohort.max(e);
                        }
                    }
                    worst_total = worst_total.max((got.total() - pop.total()).abs() / pop.total());
                    let tfr = &paths.tfr;
                    let asfr = if tfr[i] == plan.tfr_path[i] && tfr[i + 1] == plan.tfr_path[i + 1] {
                        plan.asfr[i]
                    } else {
                        plan.pattern[i] * (0.5 * tfr[i]) + plan.pattern[i + 1] * (0.5 * tfr[i + 1])
                    };
                    let d = paths.mort[i];
                    let surv = [0, 1].map(|s| {
                        let m = AgeVec::from_fn(|x, _| {
                            let v = plan.mx[i][s][x] * (b[s][x] * d).exp();
                            if x + 1 < crate::NAGES { v.min(0.999) } else { v }
                        });
                        Survival::from_table(&LifeTable::new(&m, Sex::BOTH[s]))
                    });
                    c.profile.spread_with_deviation(c.net[i], paths.mig[i], &pop, &mut migv).unwrap();
                    let inputs = StepInputs {
                        asfr: &asfr,
                        srb: plan.srb[i],
                        survival: [&surv[0], &surv[1]],
                        migration: [&migv[0], &migv[1]],
                        end_migration: [&plan.migration_end[i][0], &plan.migration_end[i][1]],
                    };
                    pop = step(&pop, &inputs).0;
                }
            }
        }
        eprintln!("fast engine against the reference: cohorts {worst_cohort:e}, totals {worst_total:e}");
        assert!(worst_cohort <= 1e-6, "largest cohort error {worst_cohort:e}");
        assert!(worst_total <= 1e-6, "largest total error {worst_total:e}");
    }

    /// The trajectory kernel compiled for AVX2 and FMA (where the CPU has them) and for any
    /// CPU give the same samples bit for bit.
    #[test]
    fn vectorised_and_portable_kernels_agree_bit_for_bit() {
        let dir = std::path::Path::new("scenarios");
        let s = scenario::load(&dir.join("baseline.toml"), dir).unwrap();
        let inputs = run::load_inputs(&s, dir).unwrap();
        let det = run::project(&s, &inputs).unwrap();
        let plan = Plan::new(&s, &inputs, &det).unwrap();
        let spec = &plan.components.spec;
        let (cols, width) = (plan.len() * NMETRICS, 2 * (spec.gap_thresholds.len() + spec.available_thresholds.len()));
        let mut out = [(vec![0.0_f32; BLOCK * cols], vec![0u64; plan.len() * width]), (Vec::new(), Vec::new())];
        out[1] = out[0].clone();
        let mut ws = Workspace::new(&plan);
        let [(best, best_counts), (portable, portable_counts)] = &mut out;
        run_block_dispatch(&plan, 11, 3 * BLOCK, best, best_counts, &mut ws, Kernel::Trajectory).unwrap();
        run_block(&plan, 11, 3 * BLOCK, portable, portable_counts, &mut ws, Kernel::Trajectory).unwrap();
        assert!(best.iter().any(|v| *v != 0.0), "the trajectories vary");
        let differ = best.iter().zip(portable.iter()).filter(|(a, b)| a.to_bits() != b.to_bits()).count();
        assert_eq!(differ, 0, "{differ} of {} samples differ", best.len());
        assert_eq!(best_counts, portable_counts);
    }

    /// The group kernel ([`lanes`], single precision) held to the trajectory kernel
    /// (double precision, itself held to the reference step above): every sample of blocks
    /// of Korea's, Taiwan's and the UN-medium baselines (every stochastic component on, and
    /// Korea's with mortality fixed; a whole block and one of 7 trajectories, so a group is
    /// partly filled), and the threshold counts.
    ///
    /// The stated tolerance: every metric within 5e-5 of its scale (the largest size it
    /// takes in the block) beyond the samples' own f32 rounding, except where the
    /// automation's whole systems (⌈gap / k⌉) round the other way, a gap lying within
    /// rounding of a multiple of k: systems needed, fielded and bought then differ by at
    /// most one, and the cost, density and uncovered gap they carry differ only in such a
    /// trajectory, from that year on. Threshold counts within one trajectory.
    /// Measured: net migration 1.9e-5 of its scale (1.2 persons of 65,780: the migrants of
    /// each age are what the single-precision population receives), every other metric
    /// below 6.7e-7; whole systems one apart in 12 of 92 trajectories; counts equal.
    #[test]
    fn the_group_kernel_follows_the_trajectory_kernel() {
        // Metrics fed by the whole systems (SUMMARY_COLUMNS without `year`): systems
        // needed, fielded, bought, their cost and density, the uncovered gap, the
        // cumulative and discounted cost.
        const SYSTEMS: [usize; 3] = [21, 22, 23];
        const BY_SYSTEMS: [usize; 8] = [21, 22, 23, 24, 25, 26, 37, 38];
        let (mut worst, mut worst_metric, mut worst_other) = (0.0_f64, 0, 0.0_f64);
        let (mut flipped, mut trajectories, mut most) = (0usize, 0usize, 0.0_f64);
        let mut without_citizens = 0;
        for (name, fixed_mortality) in
            [("baseline", false), ("taiwan-baseline", false), ("wpp2024-medium", false), ("baseline", true)]
        {
            let mut plan = plan_of(name);
            if fixed_mortality {
                // Fertility and migration vary, mortality does not: every lane's life
                // table is the unperturbed one.
                plan.components.mortality_sd = 0.0;
            }
            without_citizens += usize::from(plan.citizens.is_none());
            let years = plan.len();
            for (seed, first, len) in [(5_u64, 2 * BLOCK, BLOCK), (2024, 7 * BLOCK, 7)] {
                let mut ws = Workspace::new(&plan);
                let (group, group_counts) = block(&plan, seed, first, len, &mut ws, Kernel::Auto).unwrap();
                let (one, one_counts) = block(&plan, seed, first, len, &mut ws, Kernel::Trajectory).unwrap();
                assert!(group.iter().any(|v| *v != 0.0), "{name}: the trajectories vary");
                // Samples are offsets from the deterministic value, at [year][metric][trajectory].
                let level = |v: &[f32], t: usize, m: usize, j: usize| {
                    plan.det[t][m] + f64::from(v[(t * NMETRICS + m) * len + j])
                };
                let mut scale = [0.0_f64; NMETRICS];
                for t in 0..years {
                    for (m, sc) in scale.iter_mut().enumerate() {
                        for j in 0..len {
                            *sc = sc.max(level(&one, t, m, j).abs());
                        }
                    }
                }
                for j in 0..len {
                    trajectories += 1;
                    let mut off = false;
                    for t in 0..years {
                        for m in 0..NMETRICS {
                            let (a, b) = (level(&group, t, m, j), level(&one, t, m, j));
                            let ulp =
                                f64::from(f32::EPSILON) * (a - plan.det[t][m]).abs().max((b - plan.det[t][m]).abs());
                            let excess = ((a - b).abs() - ulp).max(0.0) / scale[m].max(1.0);
                            if excess <= 5e-5 {
                                if !BY_SYSTEMS.contains(&m) && m != 5 {
                                    worst_other = worst_other.max(excess);
                                }
                                if excess > worst && !BY_SYSTEMS.contains(&m) {
                                    (worst, worst_metric) = (excess, m);
                                }
                                continue;
                            }
                            // Only where the systems differ, this year or before.
                            let systems = SYSTEMS.contains(&m);
                            assert!(
                                systems || (off && BY_SYSTEMS.contains(&m)),
                                "{name}, year {t}, metric {m}, trajectory {j}: {a} vs {b}"
                            );
                            if systems {
                                off = true;
                                most = most.max((a - b).abs());
                                assert!(
                                    (a - b).abs() <= 1.0,
                                    "{name}, year {t}, metric {m}, trajectory {j}: {a} vs {b}"
                                );
                            }
                        }
                    }
                    flipped += usize::from(off);
                }
                for (a, b) in group_counts.iter().zip(&one_counts) {
                    assert!(a.abs_diff(*b) <= 1, "{name}: threshold counts {a} vs {b}");
                }
            }
        }
        assert_eq!(without_citizens, 1, "one plan spreads migrants without a citizen base");
        eprintln!(
            "group kernel against the trajectory kernel: largest {worst:e} of the scale (metric {worst_metric}; \
             {worst_other:e} but net migration), \
             other whole systems in {flipped} of {trajectories} trajectories (by at most {most})"
        );
    }

    /// `populations_of` keeps the populations the run projects: a partly filled group's
    /// men aged 20 give the run's samples bit for bit, its totals the run's within the
    /// rounding of their sums (the run adds blocks of ages in single precision), on
    /// Korea's and the UN-medium baselines.
    #[test]
    fn kept_populations_are_the_runs() {
        for name in ["baseline", "wpp2024-medium"] {
            let plan = plan_of(name);
            let (seed, first, n) = (31_u64, 9 * BLOCK + 3, 5);
            let mut ws = Workspace::new(&plan);
            let (samples, _) = block(&plan, seed, first, n, &mut ws, Kernel::Auto).unwrap();
            let kept = populations_of(&plan, seed, first, n).unwrap();
            assert_eq!(kept.len(), n);
            for (j, years) in kept.iter().enumerate() {
                assert_eq!(years.len(), plan.len());
                for (t, pop) in years.iter().enumerate() {
                    let sample = |m: usize| samples[(t * NMETRICS + m) * n + j];
                    let men20 = (pop.male[20] - plan.det[t][9]) as f32;
                    assert_eq!(men20.to_bits(), sample(9).to_bits(), "{name}, year {t}, trajectory {j}");
                    let total = plan.det[t][0] + f64::from(sample(0));
                    assert!(
                        (pop.total() - total).abs() <= 1e-6 * total,
                        "{name}, year {t}: {} vs {total}",
                        pop.total()
                    );
                }
            }
        }
    }

    /// The force lanes ([`crate::force::LaneState`]) step each trajectory's force model
    /// as the scalar step does, bit for bit: every sample and threshold count of blocks of
    /// Korea's, Taiwan's and the UN-medium baselines (a whole block and a partly filled
    /// group) equals the group kernel's with each force model stepped alone.
    #[test]
    fn the_force_lanes_step_as_the_scalar_step() {
        for name in ["baseline", "taiwan-baseline", "wpp2024-medium"] {
            let plan = plan_of(name);
            for (seed, first, len) in [(9_u64, 3 * BLOCK, BLOCK), (77, 5 * BLOCK, 13)] {
                let mut ws = Workspace::new(&plan);
                let (lanes, lanes_counts) = block(&plan, seed, first, len, &mut ws, Kernel::Auto).unwrap();
                let used = ws.lanes.as_ref().map_or(0, |w| w.force_lane_groups);
                assert_eq!(used, len.div_ceil(lanes::L) as u64, "{name}: every group in the force lanes");
                let (alone, alone_counts) = block(&plan, seed, first, len, &mut ws, Kernel::GroupScalarForce).unwrap();
                assert!(alone.iter().any(|v| *v != 0.0), "{name}: the trajectories vary");
                for (c, (a, b)) in lanes.iter().zip(&alone).enumerate() {
                    let (t, m, j) = (c / len / NMETRICS, (c / len) % NMETRICS, c % len);
                    assert_eq!(a.to_bits(), b.to_bits(), "{name}, year {t}, metric {m}, trajectory {j}: {a} vs {b}");
                }
                assert_eq!(lanes_counts, alone_counts, "{name}: threshold counts");
            }
        }
    }

    /// A failure inside a group is reported as the trajectory kernel reports it: the
    /// block is re-run one trajectory at a time, so the error names the block's first
    /// failing trajectory (here a net migration total that is not a number).
    #[test]
    fn a_failing_group_reports_the_trajectory_kernels_error() {
        let mut plan = plan_of("baseline");
        plan.citizens.as_mut().expect("a citizen base").net[5] = f64::NAN;
        let mut ws = Workspace::new(&plan);
        let mut run = |kernel| block(&plan, 3, 4 * BLOCK, BLOCK, &mut ws, kernel).unwrap_err().to_string();
        let (group, one) = (run(Kernel::Auto), run(Kernel::Trajectory));
        assert_eq!(group, one);
        assert!(group.contains(&format!("trajectory {}", 4 * BLOCK)), "{group}");
    }
}
