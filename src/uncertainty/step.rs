//! The cohort-component step of [`crate::demography::step`], rewritten for throughput.
//!
//! Same formula, same clamping, same flows: half the even migrants join at the start and
//! are exposed to mortality, half at the end; births on the mean female exposure; the
//! end-of-interval migrants last, at their age then; a departure larger than an age's
//! population is cut to it. Only the order of the
//! summations differs: `demography::step` accumulates totals one age after another, a
//! chain of dependent additions that dominates its cost; here each total has four
//! interleaved partial sums, which the compiler vectorises. Results agree with
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
    // Without this barrier the compiler pairs the accumulators for the final additions
    // and runs the loop in 128-bit halves with shuffles; with it, a chunk is two full
    // 256-bit additions. The arithmetic and its order are unchanged.
    let acc = std::hint::black_box(acc);
    ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7])) + rest
}

/// [`sum8`] of three slices of equal length at once (their chains overlap).
#[inline(always)]
pub fn sum8x3(a: &[f64], b: &[f64], c: &[f64]) -> [f64; 3] {
    let mut acc = [[0.0; 8]; 3];
    let (ca, cb, cc) = (a.chunks_exact(8), b.chunks_exact(8), c.chunks_exact(8));
    let rest = [ca.remainder(), cb.remainder(), cc.remainder()].map(|r| r.iter().sum::<f64>());
    for ((xa, xb), xc) in ca.zip(cb).zip(cc) {
        for k in 0..8 {
            acc[0][k] += xa[k];
            acc[1][k] += xb[k];
            acc[2][k] += xc[k];
        }
    }
    // See [`sum8`].
    let acc = std::hint::black_box(acc);
    [0, 1, 2].map(|i| {
        let a = &acc[i];
        ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7])) + rest[i]
    })
}

/// Scratch vectors of [`step_into`].
#[derive(Debug, Clone)]
pub struct StepScratch {
    start: AgeVec,
    diff: AgeVec,
}

impl Default for StepScratch {
    fn default() -> Self {
        StepScratch { start: AgeVec::zeros(), diff: AgeVec::zeros() }
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
    let (st, df) = (scratch.start.as_mut_slice(), scratch.diff.as_mut_slice());
    for s in 0..2 {
        let p = pop.sex(s).as_slice();
        let mig = r.migration[s].as_slice();
        let surv = r.survival[s].s.as_slice();
        for (((v, d), &px), &m) in st.iter_mut().zip(df.iter_mut()).zip(p).zip(mig) {
            *v = (px + 0.5 * m).max(0.0);
            *d = *v - px;
        }
        let n = if s == 0 { next.male.as_mut_slice() } else { next.female.as_mut_slice() };
        n[0] = 0.0;
        for ((o, &v), &q) in n[1..NAGES - 1].iter_mut().zip(&st[..NAGES - 2]).zip(&surv[..NAGES - 2]) {
            *o = v * q;
        }
        n[NAGES - 1] = (st[NAGES - 2] + st[NAGES - 1]) * surv[NAGES - 2];
        // Σ start, Σ survivors and the migrants applied at the start, in one pass.
        let [start_total, survived, mut applied] = sum8x3(st, n, df);
        flows.deaths[s] = start_total - survived;
        df[0] = 0.0;
        for ((o, d), &m) in n[1..].iter_mut().zip(df[1..].iter_mut()).zip(&mig[1..]) {
            let v = (*o + 0.5 * m).max(0.0);
            *d = v - *o;
            *o = v;
        }
        applied += sum8(df);
        flows.net_migration[s] = applied;
    }
    let f = fertile;
    let (f0, f1, fa) = (&pop.female.as_slice()[f.clone()], &next.female.as_slice()[f.clone()], &r.asfr.as_slice()[f]);
    for (((d, &a), &x0), &x1) in df.iter_mut().zip(fa).zip(f0).zip(f1) {
        *d = a * 0.5 * (x0 + x1);
    }
    let births = sum8(&df[..fa.len()]);
    let [m0, f0] = newborns(births, r, &mut flows);
    next.male[0] = m0;
    next.female[0] = f0;
    // Migrants counted at the end of the interval, at their age then.
    for s in 0..2 {
        let n = if s == 0 { next.male.as_mut_slice() } else { next.female.as_mut_slice() };
        for ((o, d), &m) in n.iter_mut().zip(df.iter_mut()).zip(r.end_migration[s].as_slice()) {
            let v = (*o + m).max(0.0);
            *d = v - *o;
            *o = v;
        }
        flows.net_migration[s] += sum8(df);
    }
    flows
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
