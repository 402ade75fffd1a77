//! Exact Monte Carlo summaries in bounded memory, for library callers whose runs' samples
//! would not fit a budget and who need exact quantiles. `forcecast run` beyond its
//! budget ([`SAMPLE_BUDGET`]) uses the one-pass [`super::sketch`] instead, at a third of
//! the compute, with quantiles within a stated rank error.
//!
//! A trajectory's draws depend only on the seed and its index, so it can be run again
//! and give the same values. Such a run keeps no samples: it runs the trajectories
//! three times, [`CHUNK`] at a time:
//! 1. each (year, metric) column's minimum, maximum and sum, and the threshold counts;
//! 2. per column, counts in [`BINS`] equal-width bins over that range, which locate
//!    the bins holding the order statistics the quantiles need;
//! 3. the values falling in those bins, which are then sorted.
//!
//! The quantiles are exact and identical to those of a run that keeps every sample
//! (tested); means agree to rounding (they are summed chunk by chunk). Memory is one
//! chunk of samples (67 MB), the bin counts (34 MB) and the picked values; time is
//! three runs of the trajectories.

use std::ops::Range;

use rayon::prelude::*;

use super::engine::{self, Exceedance, Options};
use super::plan::{NMETRICS, Plan};
use super::summary::{
    ALL_PROBS, BINS, Bins, QuantileRow, counts_to_first_ranks, quantiles_from_picked, range_and_sum, row, wanted_bins,
};
use crate::error::Result;

/// Trajectories run at once in a bounded-memory run.
pub const CHUNK: usize = 8192;

/// Sample bytes above which a run keeps no samples: `forcecast run` then summarises with
/// quantile sketches ([`super::sketch`]); 1 GiB, 90,565 trajectories of 2025-2100.
pub const SAMPLE_BUDGET: usize = 1 << 30;

/// Passes over the trajectories a run of `trajectories` with `bytes_per_trajectory`
/// takes under `budget`: 1 keeping every sample, 3 in bounded memory.
pub fn passes(trajectories: usize, bytes_per_trajectory: usize, budget: usize) -> u64 {
    if trajectories.saturating_mul(bytes_per_trajectory) > budget { 3 } else { 1 }
}

/// What a bounded-memory run produced.
#[derive(Debug, Clone)]
pub struct Streamed {
    /// `quantiles.csv` rows, as [`super::summary::quantiles`] gives them.
    pub quantiles: Vec<QuantileRow>,
    /// Threshold counts.
    pub exceedance: Exceedance,
    /// Largest number of bytes held by samples, bin counts and picked values at once.
    pub peak_bytes: usize,
}

/// Runs `options.trajectories` trajectories [`CHUNK`] at a time, three times over, and
/// summarises them exactly without keeping their samples.
pub fn run(plan: &Plan, options: Options, chunk: usize, progress: &(dyn Fn(u64) + Sync)) -> Result<Streamed> {
    let n = options.trajectories;
    let pool = engine::pool(options.threads)?;
    let (years, cols) = (plan.len(), plan.len() * NMETRICS);
    let chunk = chunk.max(1);
    let chunks: Vec<Range<usize>> = (0..n).step_by(chunk).map(|a| a..(a + chunk).min(n)).collect();
    let chunk_bytes = chunk.min(n) * engine::bytes_per_trajectory(plan.len());

    // Pass 1: range, sum and threshold counts of every column.
    let mut lo = vec![f32::INFINITY; cols];
    let mut hi = vec![f32::NEG_INFINITY; cols];
    let mut sum = vec![0.0_f64; cols];
    let mut exceedance = engine::exceedance(plan);
    let mut samples = engine::Samples::empty(years);
    for r in &chunks {
        engine::run_range(
            plan,
            options.seed,
            r.clone(),
            &pool,
            &mut exceedance,
            progress,
            &mut samples,
            engine::Kernel::Auto,
        )?;
        let len = samples.n;
        let stats: Vec<[(f32, f32, f64); NMETRICS]> = pool.install(|| {
            (0..years)
                .into_par_iter()
                .map_init(Vec::new, |buf, t| {
                    samples.year(t, buf);
                    std::array::from_fn(|m| {
                        let v = &buf[m * len..(m + 1) * len];
                        range_and_sum::<true>(v)
                    })
                })
                .collect()
        });
        for (c, (a, b, s)) in stats.iter().flatten().enumerate() {
            lo[c] = lo[c].min(*a);
            hi[c] = hi[c].max(*b);
            sum[c] += s;
        }
    }
    let grids: Vec<Option<Bins>> = (0..cols).map(|c| Bins::new(lo[c], hi[c], BINS)).collect();

    // Passes 2 and 3 run the chunks again (their threshold counts were taken in pass 1).
    let again = |r: &std::ops::Range<usize>, samples: &mut engine::Samples| {
        let mut counts = engine::exceedance(plan);
        engine::run_range(plan, options.seed, r.clone(), &pool, &mut counts, progress, samples, engine::Kernel::Auto)
    };

    // Pass 2: bin counts, then the first rank of every bin and the wanted bins.
    let mut first = vec![0u32; cols * BINS];
    for r in &chunks {
        again(r, &mut samples)?;
        let len = samples.n;
        pool.install(|| {
            first.par_chunks_mut(NMETRICS * BINS).enumerate().for_each_init(Vec::new, |buf, (t, hist)| {
                samples.year(t, buf);
                for (m, h) in hist.chunks_mut(BINS).enumerate() {
                    if let Some(g) = grids[t * NMETRICS + m] {
                        for &x in &buf[m * len..(m + 1) * len] {
                            h[usize::from(g.of(x))] += 1;
                        }
                    }
                }
            })
        });
    }
    let wanted: Vec<Vec<usize>> = first
        .par_chunks_mut(BINS)
        .map(|f| {
            counts_to_first_ranks(f);
            wanted_bins(f, n, &ALL_PROBS)
        })
        .collect();
    // One bit per bin: whether a value in it is kept.
    const WORDS: usize = BINS / 64;
    let mut mask = vec![0u64; cols * WORDS];
    for (c, w) in wanted.iter().enumerate() {
        for &b in w {
            mask[c * WORDS + b / 64] |= 1 << (b % 64);
        }
    }

    // Pass 3: the values of the wanted bins.
    let mut picked: Vec<Vec<f32>> = vec![Vec::new(); cols];
    for r in &chunks {
        again(r, &mut samples)?;
        let len = samples.n;
        pool.install(|| {
            picked.par_chunks_mut(NMETRICS).enumerate().for_each_init(Vec::new, |buf, (t, year)| {
                samples.year(t, buf);
                for (m, out) in year.iter_mut().enumerate() {
                    let c = t * NMETRICS + m;
                    let (Some(g), bits) = (grids[c], &mask[c * WORDS..(c + 1) * WORDS]) else { continue };
                    for &x in &buf[m * len..(m + 1) * len] {
                        let b = usize::from(g.of(x));
                        if bits[b / 64] >> (b % 64) & 1 == 1 {
                            out.push(x);
                        }
                    }
                }
            })
        });
    }
    let picked_bytes: usize = picked.iter().map(|p| p.len() * 4).sum();
    let quantiles = pool.install(|| {
        picked
            .par_iter_mut()
            .enumerate()
            .map(|(c, p)| {
                let (t, m) = (c / NMETRICS, c % NMETRICS);
                let qs = match grids[c] {
                    None => vec![f64::from(lo[c]); ALL_PROBS.len()],
                    Some(_) => {
                        p.sort_unstable_by(f32::total_cmp);
                        quantiles_from_picked(&first[c * BINS..(c + 1) * BINS], n, &wanted[c], p, &ALL_PROBS)
                    }
                };
                row(plan, t, m, sum[c] / n as f64, &qs)
            })
            .collect()
    });
    let peak_bytes = chunk_bytes + first.len() * 4 + mask.len() * 8 + picked_bytes;
    Ok(Streamed { quantiles, exceedance, peak_bytes })
}
