//! The cohort-component step of [`crate::demography::step`], rewritten for throughput.
//!
//! Same formula, same clamping, same flows: half the even migrants join at the start and
//! are exposed to mortality, half at the end; births on the mean female exposure; the
//! end-of-interval migrants last, at their age then; a departure larger than an age's
//! population is cut to it. Only the order of the
//! summations differs: `demography::step` accumulates totals one age after another, a
//! chain of dependent additions that dominates its cost; here each total has eight
//! interleaved partial sums, which the compiler vectorises, accumulated in the same pass
//! that computes the values (per sex, one pass for the start population and one for the
//! survivors with the second half of the migrants; the values are not stored and read
//! again to be summed). Results agree with
//! `demography::step` to rounding (tested to 1e-12 relative below and end to end by the
//! zero-variance test in `tests/uncertainty.rs`). The deterministic run keeps using
//! `demography::step`.

use std::ops::Range;

use crate::demography::projection::newborns;
use crate::demography::{Flows, Population, StepInputs};
use crate::{AgeVec, NAGES};

/// Σ v with eight interleaved partial sums, in a fixed order (short dependency chains;
/// vectorises).
#[inline(always)]
pub fn sum8(v: &[f64]) -> f64 {
    let mut acc = [0.0; 8];
    let chunks = v.chunks_exact(8);
    let rest: f64 = chunks.remainder().iter().sum();
    for c in chunks {
        for k in 0..8 {
            acc[k] += c[k];
        }
    }
    reduce8(acc, rest)
}

/// Scratch vectors of [`step_into`].
#[derive(Debug, Clone)]
pub struct StepScratch {
    start: AgeVec,
}

impl Default for StepScratch {
    fn default() -> Self {
        StepScratch { start: AgeVec::zeros() }
    }
}

/// The smallest range of ages holding every non-zero value of `asfr`s (empty at 0..0).
pub fn fertile_range<'a>(asfr: impl IntoIterator<Item = &'a AgeVec>) -> Range<usize> {
    let (mut lo, mut hi) = (NAGES, 0);
    for a in asfr {
        for (x, &v) in a.as_slice().iter().enumerate() {
            if v != 0.0 {
                lo = lo.min(x);
                hi = hi.max(x + 1);
            }
        }
    }
    if lo < hi { lo..hi } else { 0..0 }
}

/// Projects one year: the population at t+1 and the flows over the interval.
pub fn step_fast(pop: &Population, r: &StepInputs<'_>) -> (Population, Flows) {
    let mut next = Population { male: AgeVec::zeros(), female: AgeVec::zeros() };
    let flows = step_into(pop, r, fertile_range([r.asfr]), &mut next, &mut StepScratch::default());
    (next, flows)
}

/// [`step_fast`] writing the population at t+1 into `next` (no allocation, no copy).
/// Births are summed over the ages in `fertile` only, which must hold every age where
/// `r.asfr` is not zero (see [`fertile_range`]).
#[inline(always)]
pub fn step_into(
    pop: &Population,
    r: &StepInputs<'_>,
    fertile: Range<usize>,
    next: &mut Population,
    scratch: &mut StepScratch,
) -> Flows {
    let mut flows = Flows::default();
    let st = scratch.start.as_mut_slice();
    for s in 0..2 {
        let p = pop.sex(s).as_slice();
        let mig = r.migration[s].as_slice();
        let surv = r.survival[s].s.as_slice();
        let n = if s == 0 { next.male.as_mut_slice() } else { next.female.as_mut_slice() };
        // The start population (half the migrants joined) and the migrants applied.
        let [start_total, mut applied] = start_into(p, mig, st);
        // The survivors (Σ before the second half of the migrants: the deaths) and the
        // second half applied.
        let [survived, later] = survive_into(st, surv, mig, n);
        flows.deaths[s] = start_total - survived;
        applied += later;
        flows.net_migration[s] = applied;
    }
    let f = fertile;
    let (f0, f1, fa) = (&pop.female.as_slice()[f.clone()], &next.female.as_slice()[f.clone()], &r.asfr.as_slice()[f]);
    let births = births_of(fa, f0, f1);
    let [m0, f0] = newborns(births, r, &mut flows);
    next.male[0] = m0;
    next.female[0] = f0;
    // Migrants counted at the end of the interval, at their age then.
    for s in 0..2 {
        let n = if s == 0 { next.male.as_mut_slice() } else { next.female.as_mut_slice() };
        flows.net_migration[s] += add_migrants(n, r.end_migration[s].as_slice());
    }
    flows
}

/// Σ a (x0 + x1) / 2 over the ages of the three slices (of equal length), as [`sum8`]
/// sums the values: the births of a year from the rates and the women at both ends.
#[inline(always)]
fn births_of(a: &[f64], x0: &[f64], x1: &[f64]) -> f64 {
    let len = a.len();
    let (x0, x1) = (&x0[..len], &x1[..len]);
    let whole = len - len % 8;
    let mut acc = [0.0; 8];
    for c in (0..whole).step_by(8) {
        let (a, x0, x1) = (&a[c..c + 8], &x0[c..c + 8], &x1[c..c + 8]);
        for k in 0..8 {
            acc[k] += a[k] * 0.5 * (x0[k] + x1[k]);
        }
    }
    let mut rest = [0.0; 8];
    for x in whole..len {
        rest[x - whole] = a[x] * 0.5 * (x0[x] + x1[x]);
    }
    reduce8(acc, rest[..len - whole].iter().sum())
}

/// The migrants `m` added to `n` (a population cut to zero where they would take it
/// below), returning the number added, as [`sum8`] sums it.
#[inline(always)]
fn add_migrants(n: &mut [f64], m: &[f64]) -> f64 {
    let (n, m) = (&mut n[..NAGES], &m[..NAGES]);
    let whole = NAGES - NAGES % 8;
    let mut acc = [0.0; 8];
    for c in (0..whole).step_by(8) {
        let (o, m) = (&mut n[c..c + 8], &m[c..c + 8]);
        for k in 0..8 {
            let v = (o[k] + m[k]).max(0.0);
            acc[k] += v - o[k];
            o[k] = v;
        }
    }
    let mut rest = [0.0; 8];
    for x in whole..NAGES {
        let v = (n[x] + m[x]).max(0.0);
        rest[x - whole] = v - n[x];
        n[x] = v;
    }
    reduce8(acc, rest[..NAGES - whole].iter().sum())
}

/// [`sum8`]'s final additions: the partial sums pairwise, then the rest.
#[inline(always)]
fn reduce8(acc: [f64; 8], rest: f64) -> f64 {
    // Without this barrier the compiler pairs the accumulators for the final additions
    // and runs the loop in 128-bit halves with shuffles; with it, a chunk is two full
    // 256-bit additions. The arithmetic and its order are unchanged.
    let acc = std::hint::black_box(acc);
    ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7])) + rest
}

/// The start population of one sex, st = max(p + m/2, 0), into `st`: [Σ st, Σ (st − p)]
/// (each as [`sum8`] sums it).
#[inline(always)]
fn start_into(p: &[f64], mig: &[f64], st: &mut [f64]) -> [f64; 2] {
    let (p, mig, st) = (&p[..NAGES], &mig[..NAGES], &mut st[..NAGES]);
    let mut acc = [[0.0; 8]; 2];
    let whole = NAGES - NAGES % 8;
    for c in (0..whole).step_by(8) {
        let (v, px, m) = (&mut st[c..c + 8], &p[c..c + 8], &mig[c..c + 8]);
        for k in 0..8 {
            v[k] = (px[k] + 0.5 * m[k]).max(0.0);
            acc[0][k] += v[k];
            acc[1][k] += v[k] - px[k];
        }
    }
    let mut rest = [[0.0; 8]; 2];
    for x in whole..NAGES {
        st[x] = (p[x] + 0.5 * mig[x]).max(0.0);
        rest[0][x - whole] = st[x];
        rest[1][x - whole] = st[x] - p[x];
    }
    let r = NAGES - whole;
    [0, 1].map(|i| reduce8(acc[i], rest[i][..r].iter().sum()))
}

/// The survivors of the start population `st` at their age at t+1 (none at 0; the open
/// group holds those of the last two ages), then the second half of the migrants `mig`
/// (ages 1 and over) applied, into `n`: [Σ survivors, Σ migrants applied] (each as
/// [`sum8`] sums it, the second over all ages with 0 at age 0).
#[inline(always)]
fn survive_into(st: &[f64], surv: &[f64], mig: &[f64], n: &mut [f64]) -> [f64; 2] {
    let (st, surv, mig, n) = (&st[..NAGES], &surv[..NAGES], &mig[..NAGES], &mut n[..NAGES]);
    let open = NAGES - 1;
    // Survivors at age j of the start population at j − 1 (the open group: see below).
    let survivors = |j: usize| if j == open { (st[j - 1] + st[j]) * surv[j - 1] } else { st[j - 1] * surv[j - 1] };
    let mut acc = [[0.0; 8]; 2];
    let whole = NAGES - NAGES % 8;
    // Age 0: no survivors, nothing applied (adds 0 to the first partial sums).
    n[0] = 0.0;
    acc[0][0] += 0.0;
    acc[1][0] += 0.0;
    for j in 1..8 {
        let s = survivors(j);
        let v = (s + 0.5 * mig[j]).max(0.0);
        acc[0][j] += s;
        acc[1][j] += v - s;
        n[j] = v;
    }
    for c in (8..whole).step_by(8) {
        let (o, q, m) = (&mut n[c..c + 8], &surv[c - 1..c + 7], &mig[c..c + 8]);
        let x = &st[c - 1..c + 7];
        for k in 0..8 {
            let s = x[k] * q[k];
            let v = (s + 0.5 * m[k]).max(0.0);
            acc[0][k] += s;
            acc[1][k] += v - s;
            o[k] = v;
        }
    }
    let mut rest = [[0.0; 8]; 2];
    for j in whole..NAGES {
        let s = survivors(j);
        let v = (s + 0.5 * mig[j]).max(0.0);
        rest[0][j - whole] = s;
        rest[1][j - whole] = v - s;
        n[j] = v;
    }
    let r = NAGES - whole;
    [0, 1].map(|i| reduce8(acc[i], rest[i][..r].iter().sum()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demography::{Sex, Survival, step};
    use proptest::prelude::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1.0)
    }

    proptest! {
        #[test]
        fn agrees_with_the_reference_step(
            level in 0.1f64..5.0,
            tfr in 0.0f64..3.0,
            mig in -3000.0f64..3000.0,
            size in 1.0f64..1.0e6,
        ) {
            let mut pop = Population { male: AgeVec::zeros(), female: AgeVec::zeros() };
            let mut mx = AgeVec::zeros();
            let mut asfr = AgeVec::zeros();
            let mut m = AgeVec::zeros();
            for x in 0..NAGES {
                let shape = 1.0 + ((x * 37) % 11) as f64 / 10.0;
                pop.male[x] = size * shape;
                pop.female[x] = size * (2.2 - shape / 2.0);
                mx[x] = (0.0003 * level * (0.09 * x as f64).exp()).min(0.99);
                m[x] = mig * (((x * 13) % 7) as f64 - 3.0) / 3.0;
                if (15..50).contains(&x) {
                    asfr[x] = tfr / 35.0;
                }
            }
            let s = [Survival::from_mx(&mx, Sex::Male), Survival::from_mx(&mx, Sex::Female)];
            let end = m * 0.7;
            let r = StepInputs {
                asfr: &asfr,
                srb: 1.05,
                survival: [&s[0], &s[1]],
                migration: [&m, &m],
                end_migration: [&end, &m],
            };
            let (a, fa) = step(&pop, &r);
            let (b, fb) = step_fast(&pop, &r);
            for x in 0..NAGES {
                prop_assert!(close(a.male[x], b.male[x]) && close(a.female[x], b.female[x]), "age {}", x);
            }
            for k in 0..2 {
                prop_assert!(close(fa.births[k], fb.births[k]));
                prop_assert!((fa.deaths[k] - fb.deaths[k]).abs() <= 1e-9 * a.total().max(1.0));
                prop_assert!((fa.net_migration[k] - fb.net_migration[k]).abs() <= 1e-9 * a.total().max(1.0));
            }
        }
    }
}
