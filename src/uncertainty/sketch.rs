//! Monte Carlo summaries in one pass and constant memory: a mergeable quantile sketch
//! per (year, metric) column.
//!
//! ## The sketch
//! A stack of sorted buffers (a compactor per level, as in the Manku-Rajagopalan-Lindsay
//! and KLL sketches): an item at level h stands for 2^h samples. Samples enter level 0;
//! when a level holds at least 2 [`K`] items, it is compacted: of its sorted items (the
//! largest one stays behind when their number is odd) every other one, starting at the
//! first or the second, moves up a level with twice the weight. Weights always add up
//! to the number of samples.
//!
//! A compaction at level h moves the count of items at or below any value by at most
//! 2^h, so the rank of any value in the sketch differs from its rank among the samples
//! by at most Σ 2^h over the compactions made ([`Sketch::rank_error`], which the sketch
//! counts exactly). Each compaction at level h takes at least 2 K · 2^h samples' weight,
//! so with n samples at most H = ⌊log2(n / 2K)⌋ + 1 levels compact and the error is at
//! most ε n with **ε = H / 2K** ([`rank_error_bound`]): with K = 256, ε ≤ 0.98% at 10,000
//! trajectories, 1.6% at 100,000, 2.1% at 1,000,000. That is the guarantee; which of the
//! two halves a compaction keeps is drawn (a fixed generator per column, so the result
//! is reproducible), so the errors of successive compactions mostly cancel and the
//! errors measured are far smaller (README, "Speed and memory").
//!
//! ## Reproducibility
//! The trajectories are run in chunks of [`CHUNK`] in index order; each column's samples
//! of a chunk are sorted and fed to its sketch, chunk after chunk, and the compaction
//! coin of a column is a generator keyed by the seed and the column. Which thread ran
//! which trajectory or column changes nothing, so the outputs are byte-identical for any
//! number of threads. Means are summed in f64 chunk after chunk (as the three-pass mode
//! of [`super::streaming`] does).
//!
//! ## Memory
//! Each level holds fewer than 2 K items between chunks: at most (H + 1) · 2K · 4 bytes
//! per column (18 kB at 100,000 trajectories, 24 kB at 1,000,000), and one chunk of samples
//! (1,024 trajectories, 12 MB for 2025-2100).

use rayon::prelude::*;

use super::engine::{self, Exceedance, Options};
use super::plan::{NMETRICS, Plan};
use super::summary::{ALL_PROBS, QuantileRow, row, sum_of};
use crate::error::Result;

/// Half the compaction threshold: a level is compacted when it holds 2 K items.
pub const K: usize = 256;

/// Trajectories run at once in a sketch run.
pub const CHUNK: usize = 1024;

/// The guaranteed rank error ε of a sketch of `n` samples (see the module notes): for any
/// value, |rank in the sketch − rank among the samples| ≤ ε n.
pub fn rank_error_bound(n: usize) -> f64 {
    let levels = if n < 2 * K { 0 } else { (n as f64 / (2 * K) as f64).log2().floor() as usize + 1 };
    levels as f64 / (2 * K) as f64
}

/// A mergeable quantile sketch of f32 samples (see the module notes).
#[derive(Debug, Clone)]
pub struct Sketch {
    levels: Vec<Vec<f32>>,
    n: u64,
    /// Σ 2^h over the compactions made: the largest possible rank error.
    error: u64,
    coin: u64,
    scratch: Vec<f32>,
    carry: Vec<f32>,
}

/// SplitMix64: the compaction coins.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The unsigned key of `x` whose order is `f32::total_cmp`'s.
#[inline]
fn key_of(x: f32) -> u32 {
    let b = x.to_bits();
    if b >> 31 == 1 { !b } else { b | 0x8000_0000 }
}

/// Sorts `v` in `f32::total_cmp` order: a least-significant-digit radix sort on the
/// keys of [`key_of`], a byte per pass (passes where every key has the same byte are
/// skipped), with `tmp` as the second buffer. Four linear passes instead of a comparison
/// sort's log2 n: the sketch run sorts every column of every chunk.
pub fn radix_sort(v: &mut [f32], tmp: &mut Vec<f32>) {
    let n = v.len();
    if n < 64 {
        v.sort_unstable_by(f32::total_cmp);
        return;
    }
    let mut counts = [[0u32; 256]; 4];
    for &x in v.iter() {
        let k = key_of(x);
        for (d, c) in counts.iter_mut().enumerate() {
            c[((k >> (8 * d)) & 0xFF) as usize] += 1;
        }
    }
    tmp.clear();
    tmp.resize(n, 0.0);
    let mut in_v = true;
    for (d, c) in counts.iter().enumerate() {
        if c.iter().any(|&k| k as usize == n) {
            continue;
        }
        let mut start = [0u32; 256];
        let mut acc = 0;
        for (s, &k) in start.iter_mut().zip(c.iter()) {
            *s = acc;
            acc += k;
        }
        let (src, dst): (&[f32], &mut [f32]) = if in_v { (&*v, tmp.as_mut_slice()) } else { (tmp.as_slice(), &mut *v) };
        for &x in src {
            let b = ((key_of(x) >> (8 * d)) & 0xFF) as usize;
            dst[start[b] as usize] = x;
            start[b] += 1;
        }
        in_v = !in_v;
    }
    if !in_v {
        v.copy_from_slice(tmp);
    }
}

/// Merges two sorted slices into `out` (cleared first).
fn merge_sorted(a: &[f32], b: &[f32], out: &mut Vec<f32>) {
    out.clear();
    out.reserve(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i].total_cmp(&b[j]).is_le() {
            out.push(a[i]);
            i += 1;
        } else {
            out.push(b[j]);
            j += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
}

impl Sketch {
    /// An empty sketch whose compaction coins are keyed by `key`.
    pub fn new(key: u64) -> Sketch {
        let mut coin = key;
        splitmix(&mut coin);
        Sketch { levels: Vec::new(), n: 0, error: 0, coin, scratch: Vec::new(), carry: Vec::new() }
    }

    /// Samples seen.
    pub fn len(&self) -> u64 {
        self.n
    }

    /// Whether no sample was seen.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The largest possible difference between a value's rank in the sketch and among
    /// the samples (Σ 2^h over the compactions made).
    pub fn rank_error(&self) -> u64 {
        self.error
    }

    /// Bytes held by the levels (not counting the scratch buffers).
    pub fn bytes(&self) -> usize {
        self.levels.iter().map(|l| l.capacity() * 4).sum()
    }

    /// Adds samples sorted in `f32::total_cmp` order.
    pub fn insert_sorted(&mut self, batch: &[f32]) {
        debug_assert!(batch.windows(2).all(|w| w[0].total_cmp(&w[1]).is_le()));
        self.n += batch.len() as u64;
        self.carry.clear();
        self.carry.extend_from_slice(batch);
        let mut h = 0;
        loop {
            if self.levels.len() == h {
                self.levels.push(Vec::new());
            }
            merge_sorted(&self.levels[h], &self.carry, &mut self.scratch);
            if self.scratch.len() < 2 * K {
                let level = &mut self.levels[h];
                level.clear();
                level.reserve_exact(self.scratch.len());
                level.extend_from_slice(&self.scratch);
                return;
            }
            // Compact: every other item moves up; an odd one out (the largest) stays.
            let even = self.scratch.len() & !1;
            let start = (splitmix(&mut self.coin) & 1) as usize;
            self.carry.clear();
            self.carry.extend(self.scratch[..even].iter().skip(start).step_by(2));
            let level = &mut self.levels[h];
            level.clear();
            level.extend_from_slice(&self.scratch[even..]);
            self.error += 1 << h;
            h += 1;
        }
    }

    /// Quantiles at `probs` with the interpolation of [`super::summary`] (R type 7) on
    /// the sketch's weighted items: exact while no compaction was made (fewer than 2K
    /// samples), else within the rank error.
    pub fn quantiles(&self, probs: &[f64]) -> Vec<f64> {
        if self.n == 0 {
            return vec![f64::NAN; probs.len()];
        }
        let mut items: Vec<(f32, u64)> = Vec::new();
        for (h, level) in self.levels.iter().enumerate() {
            items.extend(level.iter().map(|&v| (v, 1u64 << h)));
        }
        items.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        // End (exclusive) of each item's rank range.
        let mut ends = Vec::with_capacity(items.len());
        let mut acc = 0;
        for (_, w) in &items {
            acc += w;
            ends.push(acc);
        }
        let order = |k: u64| f64::from(items[ends.partition_point(|&e| e <= k).min(items.len() - 1)].0);
        let n = self.n;
        probs
            .iter()
            .map(|&p| {
                let h = (n - 1) as f64 * p;
                let k = (h.floor() as u64).min(n - 1);
                let (a, b) = (order(k), order((k + 1).min(n - 1)));
                a + (h - k as f64) * (b - a)
            })
            .collect()
    }
}

/// What a sketch run produced.
#[derive(Debug, Clone)]
pub struct Sketched {
    /// `quantiles.csv` rows, as [`super::summary::quantiles`] gives them.
    pub quantiles: Vec<QuantileRow>,
    /// Threshold counts.
    pub exceedance: Exceedance,
    /// Largest rank error of any column's sketch, as a share of the trajectories
    /// (at most [`rank_error_bound`]).
    pub rank_error: f64,
    /// Largest number of bytes held by one chunk of samples and the sketches at once.
    pub peak_bytes: usize,
}

/// The sketch key of column `c` under `seed`.
fn key(seed: u64, c: usize) -> u64 {
    seed.rotate_left(17) ^ (c as u64).wrapping_mul(0xD6E8_FEB8_6659_FD93)
}

/// Runs `options.trajectories` trajectories `chunk` at a time, once, and summarises
/// them with one [`Sketch`] per (year, metric) column.
pub fn run(plan: &Plan, options: Options, chunk: usize, progress: &(dyn Fn(u64) + Sync)) -> Result<Sketched> {
    let n = options.trajectories;
    if n == 0 {
        return Err(crate::error::Error::Usage("--trajectories must be at least 1".into()));
    }
    let pool = engine::pool(options.threads)?;
    let (years, cols) = (plan.len(), plan.len() * NMETRICS);
    let chunk = chunk.max(1);
    let chunk_bytes = chunk.min(n) * engine::bytes_per_trajectory(years);
    let mut sketches: Vec<Sketch> = (0..cols).map(|c| Sketch::new(key(options.seed, c))).collect();
    let mut sum = vec![0.0_f64; cols];
    let mut exceedance = engine::exceedance(plan);
    let mut peak_bytes = 0;
    let mut start = 0;
    while start < n {
        let r = start..(start + chunk).min(n);
        start = r.end;
        let samples = engine::run_range(plan, options.seed, r, &pool, &mut exceedance, progress)?;
        let len = samples.n;
        pool.install(|| {
            sketches.par_chunks_mut(NMETRICS).zip(sum.par_chunks_mut(NMETRICS)).enumerate().for_each_init(
                || (Vec::new(), Vec::new()),
                |(buf, tmp), (t, (year, sums))| {
                    samples.year(t, buf);
                    for (m, (s, total)) in year.iter_mut().zip(sums.iter_mut()).enumerate() {
                        let v = &mut buf[m * len..(m + 1) * len];
                        *total += sum_of(v);
                        radix_sort(v, tmp);
                        s.insert_sorted(v);
                    }
                },
            )
        });
        let held: usize = sketches.iter().map(Sketch::bytes).sum();
        peak_bytes = peak_bytes.max(chunk_bytes + held);
    }
    let rank_error = sketches.iter().map(Sketch::rank_error).max().unwrap_or(0) as f64 / n as f64;
    let quantiles = pool.install(|| {
        sketches
            .par_iter()
            .enumerate()
            .map(|(c, s)| row(plan, c / NMETRICS, c % NMETRICS, sum[c] / n as f64, &s.quantiles(&ALL_PROBS)))
            .collect()
    });
    Ok(Sketched { quantiles, exceedance, rank_error, peak_bytes })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact_rank_range(sorted: &[f32], v: f64) -> (usize, usize) {
        let below = sorted.partition_point(|&x| f64::from(x) < v);
        let at_or_below = sorted.partition_point(|&x| f64::from(x) <= v);
        (below, at_or_below)
    }

    #[test]
    fn exact_below_the_first_compaction() {
        let v: Vec<f32> = (0..(2 * K - 1)).map(|i| ((i * 7919) % 1013) as f32 * 0.5).collect();
        let mut s = Sketch::new(3);
        let mut sorted = v.clone();
        sorted.sort_by(f32::total_cmp);
        s.insert_sorted(&sorted);
        assert_eq!(s.rank_error(), 0);
        let want = super::super::summary::quantiles_of(&v, &ALL_PROBS);
        assert_eq!(s.quantiles(&ALL_PROBS), want);
    }

    #[test]
    fn rank_error_within_the_bound() {
        // 100,000 samples of a skewed distribution in chunks of 1,000, fed sorted.
        let n = 100_000;
        let v: Vec<f32> = (0..n).map(|i| ((i as u64 * 2_654_435_761) % 1_000_003) as f32).map(|x| x * x).collect();
        let mut s = Sketch::new(11);
        for c in v.chunks(1000) {
            let mut c = c.to_vec();
            c.sort_by(f32::total_cmp);
            s.insert_sorted(&c);
        }
        assert_eq!(s.len(), n as u64);
        assert!(s.rank_error() as f64 <= rank_error_bound(n) * n as f64, "{}", s.rank_error());
        let mut sorted = v;
        sorted.sort_by(f32::total_cmp);
        for (p, q) in ALL_PROBS.iter().zip(s.quantiles(&ALL_PROBS)) {
            let (lo, hi) = exact_rank_range(&sorted, q);
            let want = p * (n - 1) as f64;
            let miss = if want < lo as f64 {
                lo as f64 - want
            } else if want > hi as f64 {
                want - hi as f64
            } else {
                0.0
            };
            assert!(miss <= s.rank_error() as f64 + 1.0, "p {p}: rank {lo}-{hi} vs {want}");
        }
        // Levels stay below 2K items each.
        assert!(s.levels.iter().all(|l| l.len() < 2 * K));
    }

    proptest::proptest! {
        #[test]
        fn radix_sort_orders_as_total_cmp(
            v in proptest::collection::vec(proptest::prop_oneof![
                proptest::num::f32::ANY,
                -1e4f32..1e4,
                proptest::strategy::Just(-0.0f32),
                proptest::strategy::Just(0.0f32),
            ], 0..700),
        ) {
            let mut want = v.clone();
            want.sort_by(f32::total_cmp);
            let mut got = v;
            radix_sort(&mut got, &mut Vec::new());
            let (a, b): (Vec<u32>, Vec<u32>) = (got.iter().map(|x| x.to_bits()).collect(), want.iter().map(|x| x.to_bits()).collect());
            proptest::prop_assert_eq!(a, b);
        }
    }

    #[test]
    fn the_bound_grows_with_the_levels() {
        assert_eq!(rank_error_bound(2 * K - 1), 0.0);
        assert_eq!(rank_error_bound(10_000), 5.0 / 512.0);
        assert_eq!(rank_error_bound(100_000), 8.0 / 512.0);
        assert_eq!(rank_error_bound(1_000_000), 11.0 / 512.0);
    }
}
