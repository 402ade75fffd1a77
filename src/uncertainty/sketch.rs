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
//! (4,096 trajectories, 49 MB for 2025-2100). The buffers an insertion works in (the
//! sorted keys, the merged level, the items moving up) belong to the worker, not to the
//! column: 3,000 columns each keeping their own took 30 MB.
//!
//! ## Cost
//! Per sample, a sketch run adds a radix sort (four linear passes) and the sample's share
//! of merging into the levels. A level takes part in a merge once per chunk whatever
//! the chunk's size, so larger chunks share that cost over more samples: 4,096 rather
//! than 1,024 trajectories per chunk cut the sorting and sketching of 100,000
//! trajectories from 1.8 s to 1.25 s (wall, 2 threads; README, "Speed and memory").

use rayon::prelude::*;

use super::engine::{self, Exceedance, Options};
use super::plan::{NMETRICS, Plan};
use super::summary::{ALL_PROBS, QuantileRow, row, sum_of};
use crate::error::Result;

/// Half the compaction threshold: a level is compacted when it holds 2 K items.
pub const K: usize = 256;

/// Trajectories run at once in a sketch run (see "Cost" and "Memory" above).
pub const CHUNK: usize = 4096;

/// The guaranteed rank error ε of a sketch of `n` samples (see the module notes): for any
/// value, |rank in the sketch − rank among the samples| ≤ ε n.
pub fn rank_error_bound(n: usize) -> f64 {
    let levels = if n < 2 * K { 0 } else { (n as f64 / (2 * K) as f64).log2().floor() as usize + 1 };
    levels as f64 / (2 * K) as f64
}

/// A mergeable quantile sketch of f32 samples (see the module notes), kept as the
/// samples' order keys (`key_of`: a total order on the f32 values, kept as u32).
#[derive(Debug, Clone)]
pub struct Sketch {
    levels: Vec<Vec<u32>>,
    n: u64,
    /// Σ 2^h over the compactions made: the largest possible rank error.
    error: u64,
    coin: u64,
}

/// SplitMix64: the compaction coins.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The unsigned key of `x` whose order is `f32::total_cmp`'s (equal keys, equal bits).
#[inline]
fn key_of(x: f32) -> u32 {
    let b = x.to_bits();
    if b >> 31 == 1 { !b } else { b | 0x8000_0000 }
}

/// The value of key `k` ([`key_of`]'s inverse).
#[inline]
fn value_of(k: u32) -> f32 {
    f32::from_bits(if k >> 31 == 1 { k & 0x7FFF_FFFF } else { !k })
}

/// Sorts keys in ascending order: a least-significant-digit radix sort, a byte per pass
/// (passes over a byte every key shares are skipped), with `tmp` as the second buffer.
/// Four linear passes instead of a comparison sort's log2 n: the sketch run sorts every
/// column of every chunk.
///
/// Most columns' keys share their high bytes in a few values, and a histogram or scatter
/// into one bucket after another is a chain of dependent increments. So the histograms
/// are counted in two copies (even and odd keys), and each pass scatters two streams at
/// once: the first half of the keys forward from each bucket's start, the second half
/// backward from its end (still stable: the first half's keys precede the second's).
pub fn radix_sort(v: &mut [u32], tmp: &mut Vec<u32>) {
    let n = v.len();
    if n < 64 {
        v.sort_unstable();
        return;
    }
    let mut counts = [[[0u32; 256]; 4]; 2];
    let (mut or, mut and) = (0u32, !0u32);
    let mut count = |copy: &mut [[u32; 256]; 4], k: u32| {
        or |= k;
        and &= k;
        for (d, c) in copy.iter_mut().enumerate() {
            c[((k >> (8 * d)) & 0xFF) as usize] += 1;
        }
    };
    let pairs = v.chunks_exact(2);
    if let [k] = pairs.remainder() {
        count(&mut counts[0], *k);
    }
    for p in pairs {
        for (copy, &k) in counts.iter_mut().zip(p) {
            count(copy, k);
        }
    }
    let varying = or ^ and;
    set_len(tmp, n);
    let mut in_v = true;
    for d in 0..4 {
        let shift = 8 * d;
        if (varying >> shift) & 0xFF == 0 {
            continue;
        }
        let (mut front, mut back) = ([0u32; 256], [0u32; 256]);
        let mut acc = 0;
        for b in 0..256 {
            front[b] = acc;
            acc += counts[0][d][b] + counts[1][d][b];
            back[b] = acc;
        }
        let (src, dst): (&[u32], &mut [u32]) = if in_v { (&*v, tmp.as_mut_slice()) } else { (tmp.as_slice(), &mut *v) };
        let (lo, hi) = src.split_at(n / 2);
        let digit = |k: u32| ((k >> shift) & 0xFF) as usize;
        for (&x, &y) in lo.iter().zip(hi.iter().rev()) {
            let (bx, by) = (digit(x), digit(y));
            dst[front[bx] as usize] = x;
            front[bx] += 1;
            back[by] -= 1;
            dst[back[by] as usize] = y;
        }
        if hi.len() > lo.len() {
            let y = hi[0];
            back[digit(y)] -= 1;
            dst[back[digit(y)] as usize] = y;
        }
        in_v = !in_v;
    }
    if !in_v {
        v.copy_from_slice(tmp);
    }
}

/// Merges two sorted key slices into `out` (replacing its contents), without a branch
/// on which side is smaller.
fn merge_sorted(a: &[u32], b: &[u32], out: &mut Vec<u32>) {
    set_len(out, a.len() + b.len());
    let (mut i, mut j, mut k) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        let take_a = x <= y;
        out[k] = if take_a { x } else { y };
        i += usize::from(take_a);
        j += usize::from(!take_a);
        k += 1;
    }
    let rest = a.len() - i;
    out[k..k + rest].copy_from_slice(&a[i..]);
    out[k + rest..].copy_from_slice(&b[j..]);
}

/// Reusable buffers of [`Sketch::insert`], one per worker.
#[derive(Debug, Clone, Default)]
pub struct Feed {
    keys: Vec<u32>,
    tmp: Vec<u32>,
    carry: Vec<u32>,
}

/// Sets `v`'s length to `n` without writing the values it keeps (the caller overwrites
/// them all).
fn set_len(v: &mut Vec<u32>, n: usize) {
    if v.len() < n {
        v.resize(n, 0);
    } else {
        v.truncate(n);
    }
}

impl Sketch {
    /// An empty sketch whose compaction coins are keyed by `key`.
    pub fn new(key: u64) -> Sketch {
        let mut coin = key;
        splitmix(&mut coin);
        Sketch { levels: Vec::new(), n: 0, error: 0, coin }
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

    /// Bytes held by the levels (all a sketch holds between insertions: the buffers of an
    /// insertion are the worker's [`Feed`], shared by every column it feeds).
    pub fn bytes(&self) -> usize {
        self.levels.iter().map(|l| l.capacity() * 4).sum()
    }

    /// Adds samples in any order (sorted here, in `f32::total_cmp` order).
    pub fn insert(&mut self, batch: &[f32], feed: &mut Feed) {
        let Feed { keys, tmp, carry } = feed;
        keys.clear();
        keys.extend(batch.iter().map(|&x| key_of(x)));
        radix_sort(keys, tmp);
        self.insert_keys(keys, tmp, carry);
    }

    /// Adds samples sorted in `f32::total_cmp` order.
    pub fn insert_sorted(&mut self, batch: &[f32]) {
        debug_assert!(batch.windows(2).all(|w| w[0].total_cmp(&w[1]).is_le()));
        let keys: Vec<u32> = batch.iter().map(|&x| key_of(x)).collect();
        self.insert_keys(&keys, &mut Vec::new(), &mut Vec::new());
    }

    /// Adds sorted keys (`merged` and `carry` are scratch buffers).
    fn insert_keys(&mut self, batch: &[u32], merged: &mut Vec<u32>, carry: &mut Vec<u32>) {
        self.n += batch.len() as u64;
        let mut h = 0;
        loop {
            if self.levels.len() == h {
                self.levels.push(Vec::new());
            }
            merge_sorted(&self.levels[h], if h == 0 { batch } else { carry }, merged);
            if merged.len() < 2 * K {
                let level = &mut self.levels[h];
                level.clear();
                level.reserve_exact(merged.len());
                level.extend_from_slice(merged);
                return;
            }
            // Compact: every other item moves up; an odd one out (the largest) stays.
            let even = merged.len() & !1;
            let start = (splitmix(&mut self.coin) & 1) as usize;
            carry.clear();
            carry.extend(merged[..even].chunks_exact(2).map(|p| p[start]));
            let level = &mut self.levels[h];
            level.clear();
            level.extend_from_slice(&merged[even..]);
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
        let mut items: Vec<(u32, u64)> = Vec::new();
        for (h, level) in self.levels.iter().enumerate() {
            items.extend(level.iter().map(|&k| (k, 1u64 << h)));
        }
        items.sort_unstable_by_key(|&(k, _)| k);
        // End (exclusive) of each item's rank range.
        let mut ends = Vec::with_capacity(items.len());
        let mut acc = 0;
        for (_, w) in &items {
            acc += w;
            ends.push(acc);
        }
        let order = |k: u64| f64::from(value_of(items[ends.partition_point(|&e| e <= k).min(items.len() - 1)].0));
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
    let (mut engine_time, mut sketch_time) = (crate::timing::Total::new(), crate::timing::Total::new());
    let mut samples = engine::Samples::empty(years);
    while start < n {
        let r = start..(start + chunk).min(n);
        start = r.end;
        engine_time.time(|| {
            engine::run_range(
                plan,
                options.seed,
                r,
                &pool,
                &mut exceedance,
                progress,
                &mut samples,
                engine::Kernel::Auto,
            )
        })?;
        let len = samples.n;
        sketch_time.time(|| {
            pool.install(|| {
                sketches.par_chunks_mut(NMETRICS).zip(sum.par_chunks_mut(NMETRICS)).enumerate().for_each_init(
                    || (Vec::new(), Feed::default()),
                    |(buf, feed), (t, (year, sums))| {
                        samples.year(t, buf);
                        for (m, (s, total)) in year.iter_mut().zip(sums.iter_mut()).enumerate() {
                            let v = &buf[m * len..(m + 1) * len];
                            *total += sum_of(v);
                            s.insert(v, feed);
                        }
                    },
                )
            })
        });
        let held: usize = sketches.iter().map(Sketch::bytes).sum();
        peak_bytes = peak_bytes.max(chunk_bytes + held);
    }
    engine_time.report("  of which the trajectories");
    sketch_time.report("  of which sorting and sketching");
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
                // Keys sharing their high bytes (the usual column).
                1000.0f32..1000.5,
            ], 0..1500),
        ) {
            let mut want = v.clone();
            want.sort_by(f32::total_cmp);
            let mut got: Vec<u32> = v.iter().map(|&x| key_of(x)).collect();
            radix_sort(&mut got, &mut Vec::new());
            let (a, b): (Vec<u32>, Vec<u32>) = (got.iter().map(|&k| value_of(k).to_bits()).collect(), want.iter().map(|x| x.to_bits()).collect());
            proptest::prop_assert_eq!(a, b);
            for x in v {
                proptest::prop_assert_eq!(value_of(key_of(x)).to_bits(), x.to_bits());
            }
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
