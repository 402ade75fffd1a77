//! Summaries of the trajectories: per year and metric the mean and quantiles, the
//! probabilities of crossing the scenario's thresholds, and how far the median path
//! lies from the deterministic one.
//!
//! Quantiles use the linear interpolation between order statistics that R (type 7) and
//! NumPy use by default: with n values sorted, p → position h = (n − 1) p.

use rayon::prelude::*;
use serde::Serialize;

use super::engine::{Exceedance, MonteCarlo};
use super::plan::{NMETRICS, Plan};
use crate::output::guard;
use crate::output::tables::SUMMARY_COLUMNS;

/// The probabilities of `quantiles.csv`.
pub const PROBS: [f64; 7] = [0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95];

/// The probabilities computed per (year, metric): [`PROBS`], then the bounds of the
/// central 95% interval (for the calibration report).
pub const ALL_PROBS: [f64; 9] = [0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.025, 0.975];

/// One row of `quantiles.csv`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuantileRow {
    /// Year.
    pub year: i32,
    /// Metric (a `summary.csv` column).
    pub metric: &'static str,
    /// Mean over trajectories.
    pub mean: f64,
    /// Quantiles at [`PROBS`].
    pub q: [f64; 7],
    /// Quantiles at 0.025 and 0.975 (not in `quantiles.csv`; for the calibration report).
    pub q95: [f64; 2],
}

/// The name of metric `m` (0-based, `summary.csv` column m + 1).
pub fn metric_name(m: usize) -> &'static str {
    SUMMARY_COLUMNS[m + 1]
}

/// The index of a metric by name.
pub fn metric_index(name: &str) -> Option<usize> {
    SUMMARY_COLUMNS[1..].iter().position(|c| *c == name)
}

/// Bins of the counting pass of [`quantiles_of`].
pub const BINS: usize = 4096;

/// Scratch buffers of [`quantiles_with`], reusable across columns.
#[derive(Debug, Default, Clone)]
pub struct QuantileScratch {
    bins: Vec<u16>,
    first: Vec<u32>,
    mask: Vec<bool>,
    picked: Vec<f32>,
}

/// Quantiles at `probs` (each in [0, 1]) of `v`, exact, in O(n). See [`quantiles_with`].
pub fn quantiles_of(v: &[f32], probs: &[f64]) -> Vec<f64> {
    quantiles_with(v, probs, &mut QuantileScratch::default())
}

/// Equal-width bins between a column's minimum and maximum; the bin of a value is
/// monotone in the value.
#[derive(Debug, Clone, Copy)]
pub struct Bins {
    lo: f32,
    scale: f32,
    top: f32,
    /// Number of bins.
    pub len: usize,
}

impl Bins {
    /// `len` bins over [lo, hi], or `None` when the values do not vary (or are not
    /// finite): every quantile is then `lo`.
    pub fn new(lo: f32, hi: f32, len: usize) -> Option<Bins> {
        // A bin is a u16 ([`Bins::of`]).
        assert!((1..=1 << 16).contains(&len), "{len} bins: 1 to 65,536");
        if lo == hi || !(lo.is_finite() && hi.is_finite()) {
            return None;
        }
        let scale = (len as f64 / (f64::from(hi) - f64::from(lo))) as f32;
        Some(Bins { lo, scale, top: (len - 1) as f32, len })
    }

    /// The bin of `x` (values beyond the range go to the end bins, NaN to the last).
    ///
    /// Clamped to [0, top] in floating point first, so that the conversion needs no
    /// saturation and a loop over values vectorises (issue 16); the same bins as
    /// `((x − lo) × scale).min(top) as u16`.
    #[inline(always)]
    pub fn of(&self, x: f32) -> u16 {
        // `min` maps NaN to `top` and `max` keeps a number: the result is a number in
        // [0, top], top < 65,536.
        let y = ((x - self.lo) * self.scale).min(self.top).max(0.0);
        // SAFETY: `y` is finite and in [0, 65,535], so it fits an i32 (and a u16).
        unsafe { y.to_int_unchecked::<i32>() as u16 }
    }
}

/// Minimum and maximum of `v` (NaN ignored, as `f32::min` ignores it).
pub fn range_of(v: &[f32]) -> (f32, f32) {
    let (lo, hi, _) = range_and_sum::<false>(v);
    (lo, hi)
}

/// Minimum, maximum and (if `SUM`) [`sum_of`] of `v` in one pass: eight lanes of
/// minima and maxima (a single running minimum is a dependency chain that does not
/// vectorise), and the sum's four partial sums in the very order of [`sum_of`].
#[inline(always)]
pub(crate) fn range_and_sum<const SUM: bool>(v: &[f32]) -> (f32, f32, f64) {
    let (mut lo, mut hi) = ([f32::INFINITY; 8], [f32::NEG_INFINITY; 8]);
    let mut acc = [0.0_f64; 4];
    let chunks = v.chunks_exact(8);
    let rest = chunks.remainder();
    for c in chunks {
        for k in 0..8 {
            lo[k] = lo[k].min(c[k]);
            hi[k] = hi[k].max(c[k]);
        }
        if SUM {
            // Elements 8i + k then 8i + 4 + k: the order of four-element chunks.
            for k in 0..4 {
                acc[k] += f64::from(c[k]);
            }
            for k in 0..4 {
                acc[k] += f64::from(c[4 + k]);
            }
        }
    }
    for (k, &x) in rest.iter().enumerate() {
        lo[k] = lo[k].min(x);
        hi[k] = hi[k].max(x);
    }
    let sum = if SUM {
        // A remainder of four or more: its first four still go to the partial sums.
        let (four, tail) = rest.split_at(if rest.len() >= 4 { 4 } else { 0 });
        for (a, &x) in acc.iter_mut().zip(four) {
            *a += f64::from(x);
        }
        let tail: f64 = tail.iter().map(|&x| f64::from(x)).sum();
        (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
    } else {
        0.0
    };
    let lo = lo.iter().fold(f32::INFINITY, |a, &x| a.min(x));
    let hi = hi.iter().fold(f32::NEG_INFINITY, |a, &x| a.max(x));
    (lo, hi, sum)
}

/// Position h = (n − 1) p and the ranks k = ⌊h⌋ and k + 1 (capped) of quantile p.
fn ranks(n: usize, p: f64) -> (f64, usize, usize) {
    let h = (n - 1) as f64 * p;
    let k = (h.floor() as usize).min(n - 1);
    (h, k, (k + 1).min(n - 1))
}

/// Turns bin counts into, in place, the rank of each bin's smallest value.
pub fn counts_to_first_ranks(first: &mut [u32]) {
    let mut acc = 0u32;
    for f in first.iter_mut() {
        let c = *f;
        *f = acc;
        acc += c;
    }
}

/// The last bin starting at or before rank k (an empty bin shares its start with the
/// next, so this is the non-empty bin holding rank k).
fn bin_of_rank(first: &[u32], k: usize) -> usize {
    first.partition_point(|&f| f as usize <= k) - 1
}

/// The bins (sorted, distinct) holding the order statistics that the quantiles at
/// `probs` of `n` values need, given the first rank of every bin.
pub fn wanted_bins(first: &[u32], n: usize, probs: &[f64]) -> Vec<usize> {
    let mut wanted: Vec<usize> = probs
        .iter()
        .flat_map(|&p| {
            let (_, k, k1) = ranks(n, p);
            [bin_of_rank(first, k), bin_of_rank(first, k1)]
        })
        .collect();
    wanted.sort_unstable();
    wanted.dedup();
    wanted
}

/// The quantiles at `probs` of `n` values from the first rank of every bin, the wanted
/// bins, and every value of the wanted bins, sorted.
pub fn quantiles_from_picked(first: &[u32], n: usize, wanted: &[usize], picked: &[f32], probs: &[f64]) -> Vec<f64> {
    let count = |b: usize| first.get(b + 1).copied().unwrap_or(n as u32) - first[b];
    // Rank within `picked` of the first value of each wanted bin.
    let mut offset = Vec::with_capacity(wanted.len());
    let mut pos = 0;
    for &b in wanted {
        offset.push(pos);
        pos += count(b) as usize;
    }
    let order = |k: usize| {
        let b = bin_of_rank(first, k);
        let w = wanted.binary_search(&b).unwrap_or(0);
        f64::from(picked[offset[w] + (k - first[b] as usize)])
    };
    probs
        .iter()
        .map(|&p| {
            let (h, k, k1) = ranks(n, p);
            let (a, b) = (order(k), order(k1));
            a + (h - k as f64) * (b - a)
        })
        .collect()
}

/// Quantiles at `probs` of `v`: a counting pass over equal-width bins between the
/// minimum and maximum (about one bin per four values, at most [`BINS`]) finds the bin
/// of every order statistic needed; only the values in those bins are then sorted. The
/// bin of a value is monotone in the value, so sorting the picked values orders them
/// across bins too.
pub fn quantiles_with(v: &[f32], probs: &[f64], scratch: &mut QuantileScratch) -> Vec<f64> {
    let (lo, hi) = range_of(v);
    quantiles_in_range(v, lo, hi, probs, scratch)
}

/// [`mean_of`] and [`quantiles_with`] of `v`, the range and the sum from one pass.
#[inline(always)]
pub fn mean_and_quantiles(v: &[f32], probs: &[f64], scratch: &mut QuantileScratch) -> (f64, Vec<f64>) {
    let (lo, hi, sum) = range_and_sum::<true>(v);
    (sum / v.len() as f64, quantiles_in_range(v, lo, hi, probs, scratch))
}

/// [`quantiles_with`] given the minimum and maximum of `v`.
#[inline(always)]
fn quantiles_in_range(v: &[f32], lo: f32, hi: f32, probs: &[f64], scratch: &mut QuantileScratch) -> Vec<f64> {
    let n = v.len();
    if n == 0 {
        return vec![f64::NAN; probs.len()];
    }
    let Some(grid) = Bins::new(lo, hi, (n / 4).clamp(16, BINS)) else {
        return vec![f64::from(lo); probs.len()];
    };
    let QuantileScratch { bins, first, mask, picked } = scratch;
    // Sized, then written: a plain loop over the values, which vectorises.
    bins.resize(n, 0);
    for (b, &x) in bins.iter_mut().zip(v) {
        *b = grid.of(x);
    }
    first.clear();
    first.resize(grid.len, 0);
    for &b in bins.iter() {
        first[usize::from(b)] += 1;
    }
    counts_to_first_ranks(first);
    let wanted = wanted_bins(first, n, probs);
    mask.clear();
    mask.resize(grid.len, false);
    for &b in &wanted {
        mask[b] = true;
    }
    picked.clear();
    picked.extend(v.iter().zip(bins.iter()).filter(|(_, b)| mask[usize::from(**b)]).map(|(x, _)| *x));
    picked.sort_unstable_by(f32::total_cmp);
    quantiles_from_picked(first, n, &wanted, picked, probs)
}

/// Mean of f32 values in f64, in a fixed order (see [`sum_of`]).
pub fn mean_of(v: &[f32]) -> f64 {
    sum_of(v) / v.len() as f64
}

/// Sum of f32 values in f64, in a fixed order (four interleaved partial sums).
pub fn sum_of(v: &[f32]) -> f64 {
    let mut acc = [0.0_f64; 4];
    let chunks = v.chunks_exact(4);
    let rest = chunks.remainder();
    for c in chunks {
        for k in 0..4 {
            acc[k] += f64::from(c[k]);
        }
    }
    let tail: f64 = rest.iter().map(|&x| f64::from(x)).sum();
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}

/// The row of year index `t`, metric `m`, from the mean offset and the offsets at
/// [`ALL_PROBS`] (all relative to the deterministic run).
///
/// The offsets are f32, so the statistics of a quantity that is never negative (every
/// metric but net migration) can come out a hair below zero; that rounding is set to
/// zero here ([`guard::clamp_rounding`]), and anything beyond it is left for the
/// output guard to report.
pub fn row(plan: &Plan, t: usize, m: usize, mean: f64, qs: &[f64]) -> QuantileRow {
    let det = plan.det[t][m];
    let name = metric_name(m);
    let non_negative = guard::Kind::of_column(name).is_some_and(guard::Kind::non_negative);
    let at = |offset: f64| if non_negative { guard::clamp_rounding(det + offset, det) } else { det + offset };
    let mut q = [0.0; 7];
    for (a, b) in q.iter_mut().zip(qs) {
        *a = at(*b);
    }
    QuantileRow { year: plan.years[t], metric: name, mean: at(mean), q, q95: [at(qs[7]), at(qs[8])] }
}

/// Mean and [`PROBS`] quantiles of every (year, metric), in year then metric order. The
/// work is spread over the current rayon pool, a year per task (a year's metrics lie
/// together in every block); the result does not depend on the pool.
pub fn quantiles(plan: &Plan, mc: &MonteCarlo) -> Vec<QuantileRow> {
    let per_year: Vec<Vec<QuantileRow>> = (0..plan.len())
        .into_par_iter()
        .map_init(YearScratch::default, |work, t| year_rows_dispatch(plan, mc, t, work))
        .collect();
    per_year.into_iter().flatten().collect()
}

/// Buffers of [`year_rows`], reused across the years a worker summarises: the year's
/// samples, metric-major, and the quantiles' scratch.
#[derive(Default)]
struct YearScratch(Vec<f32>, QuantileScratch);

/// The rows of year index `t` (every metric).
#[inline(always)]
fn year_rows(plan: &Plan, mc: &MonteCarlo, t: usize, work: &mut YearScratch) -> Vec<QuantileRow> {
    let YearScratch(buf, scratch) = work;
    mc.samples.year(t, buf);
    let n = mc.samples.n;
    // A plain loop, not a closure: a closure is compiled on its own, without the
    // caller's target features.
    let mut rows = Vec::with_capacity(NMETRICS);
    for m in 0..NMETRICS {
        let (mean, qs) = mean_and_quantiles(&buf[m * n..(m + 1) * n], &ALL_PROBS, scratch);
        rows.push(row(plan, t, m, mean, &qs));
    }
    rows
}

/// [`year_rows`] compiled for AVX2: the same operations in the same order (no fused
/// multiply-add: Rust never contracts on its own), so the same rows bit for bit; the
/// range, sum and bin loops run eight lanes wide instead of four.
///
/// # Safety
/// The CPU must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn year_rows_avx2(plan: &Plan, mc: &MonteCarlo, t: usize, work: &mut YearScratch) -> Vec<QuantileRow> {
    year_rows(plan, mc, t, work)
}

/// Picks the widest instruction set the CPU offers for [`year_rows`].
fn year_rows_dispatch(plan: &Plan, mc: &MonteCarlo, t: usize, work: &mut YearScratch) -> Vec<QuantileRow> {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2 (checked just above).
        return unsafe { year_rows_avx2(plan, mc, t, work) };
    }
    year_rows(plan, mc, t, work)
}

/// One row of `probabilities.csv`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProbabilityRow {
    /// Year.
    pub year: i32,
    /// `force_gap` or `force_available`.
    pub metric: &'static str,
    /// `above` (gap > threshold) or `below` (available < threshold).
    pub condition: &'static str,
    /// Threshold (persons).
    pub threshold: f64,
    /// Share of trajectories meeting the condition in the year.
    pub probability: f64,
    /// Share meeting it in at least one year from the base year to this one.
    pub probability_by_year: f64,
}

/// The probability rows, year by year.
pub fn probabilities(plan: &Plan, e: &Exceedance, trajectories: usize) -> Vec<ProbabilityRow> {
    let w = e.width();
    let n = trajectories as f64;
    let mut out = Vec::with_capacity(plan.len() * w / 2);
    for (t, &year) in plan.years.iter().enumerate() {
        let c = &e.counts[t * w..(t + 1) * w];
        let conds = e
            .gap_thresholds
            .iter()
            .map(|x| ("force_gap", "above", *x))
            .chain(e.available_thresholds.iter().map(|x| ("force_available", "below", *x)));
        for (k, (metric, condition, threshold)) in conds.enumerate() {
            out.push(ProbabilityRow {
                year,
                metric,
                condition,
                threshold,
                probability: c[2 * k] as f64 / n,
                probability_by_year: c[2 * k + 1] as f64 / n,
            });
        }
    }
    out
}

/// How far the median path lies from the deterministic path, per metric.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MedianDistance {
    /// Metric.
    pub metric: &'static str,
    /// Largest |p50 − deterministic| over the years.
    pub max_abs: f64,
    /// Largest |p50 − deterministic| / |deterministic| over the years with a non-zero
    /// deterministic value (none when it is zero throughout).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_relative: Option<f64>,
    /// The year of that largest relative distance.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_relative_year: Option<i32>,
    /// Largest |p50 − deterministic| / (p75 − p25): the distance in interquartile ranges
    /// (none when the metric never varies).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_iqr_share: Option<f64>,
}

/// The median-vs-deterministic distance of every metric.
pub fn median_distance(plan: &Plan, rows: &[QuantileRow]) -> Vec<MedianDistance> {
    (0..NMETRICS)
        .map(|m| {
            let mut out = MedianDistance {
                metric: metric_name(m),
                max_abs: 0.0,
                max_relative: None,
                max_relative_year: None,
                max_iqr_share: None,
            };
            for (t, det) in plan.det.iter().enumerate() {
                let r = &rows[t * NMETRICS + m];
                let d = (r.q[3] - det[m]).abs();
                out.max_abs = out.max_abs.max(d);
                if det[m] != 0.0 {
                    let rel = d / det[m].abs();
                    if out.max_relative.is_none_or(|v| rel > v) {
                        out.max_relative = Some(rel);
                        out.max_relative_year = Some(r.year);
                    }
                }
                let iqr = r.q[4] - r.q[2];
                if iqr > 0.0 {
                    let share = d / iqr;
                    out.max_iqr_share = Some(out.max_iqr_share.map_or(share, |v: f64| v.max(share)));
                }
            }
            out
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_match_type_7() {
        // numpy.quantile([1..10], [.05, .5, .9]) = 1.45, 5.5, 9.1
        let v: Vec<f32> = (1..=10).rev().map(|x| x as f32).collect();
        let q = quantiles_of(&v, &[0.05, 0.5, 0.9]);
        assert!((q[0] - 1.45).abs() < 1e-6 && (q[1] - 5.5).abs() < 1e-6 && (q[2] - 9.1).abs() < 1e-6, "{q:?}");
        assert_eq!(quantiles_of(&[3.0], &PROBS), vec![3.0; 7]);
        assert_eq!(quantiles_of(&[2.0; 50], &PROBS), vec![2.0; 7]);
        assert_eq!(quantiles_of(&[0.0, 1.0], &[0.0, 1.0]), vec![0.0, 1.0]);
    }

    #[test]
    fn quantiles_agree_with_a_full_sort() {
        // Clustered values with outliers, so that most mass shares a few bins.
        let v: Vec<f32> = (0..1001)
            .map(|i| if i % 97 == 0 { 1e6 * i as f32 } else { ((i * 7919) % 1009) as f32 * 0.37 - 50.0 })
            .collect();
        let mut sorted = v.clone();
        sorted.sort_by(f32::total_cmp);
        let q = quantiles_of(&v, &PROBS);
        for (p, got) in PROBS.iter().zip(q) {
            let h = 1000.0 * p;
            let k = h as usize;
            let want = f64::from(sorted[k]) + (h - k as f64) * f64::from(sorted[(k + 1).min(1000)] - sorted[k]);
            assert!((got - want).abs() < 1e-9, "p {p}: {got} vs {want}");
        }
    }

    fn by_sorting(v: &[f32], p: f64) -> f64 {
        let mut sorted = v.to_vec();
        sorted.sort_by(f32::total_cmp);
        let n = sorted.len();
        let h = (n - 1) as f64 * p;
        let k = h as usize;
        let (a, b) = (f64::from(sorted[k]), f64::from(sorted[(k + 1).min(n - 1)]));
        a + (h - k as f64) * (b - a)
    }

    proptest::proptest! {
        #[test]
        fn quantiles_equal_sorting_for_any_size_and_ties(
            v in proptest::collection::vec(proptest::prop_oneof![-1e4f32..1e4, 0.0f32..3.0, proptest::strategy::Just(7.0f32)], 1..3000),
        ) {
            let q = quantiles_of(&v, &ALL_PROBS);
            for (p, got) in ALL_PROBS.iter().zip(q) {
                let want = by_sorting(&v, *p);
                proptest::prop_assert!((got - want).abs() <= 1e-12 * want.abs().max(1.0), "p {}: {} vs {}", p, got, want);
            }
        }
    }

    /// The one-pass range and sum equal the separate folds bit for bit, at every length
    /// around the vector widths (the four-element remainder of the sum included).
    #[test]
    fn one_pass_range_and_sum_equal_the_separate_folds() {
        let v: Vec<f32> = (0..61).map(|i| ((i * 7919) % 1009) as f32 * 0.37 - 150.0 + 1e-3 * i as f32).collect();
        for len in 0..v.len() {
            let w = &v[..len];
            let want_sum = {
                let mut acc = [0.0_f64; 4];
                let chunks = w.chunks_exact(4);
                let tail: f64 = chunks.remainder().iter().map(|&x| f64::from(x)).sum();
                for c in chunks {
                    for k in 0..4 {
                        acc[k] += f64::from(c[k]);
                    }
                }
                (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
            };
            let want_lo = w.iter().fold(f32::INFINITY, |a, &x| a.min(x));
            let want_hi = w.iter().fold(f32::NEG_INFINITY, |a, &x| a.max(x));
            let (lo, hi, sum) = range_and_sum::<true>(w);
            assert_eq!(
                (lo.to_bits(), hi.to_bits(), sum.to_bits()),
                (want_lo.to_bits(), want_hi.to_bits(), want_sum.to_bits()),
                "length {len}"
            );
            assert_eq!(sum_of(w).to_bits(), want_sum.to_bits(), "length {len}");
            assert_eq!(range_of(w), (want_lo, want_hi), "length {len}");
        }
        // NaN is ignored, as by f32::min.
        assert_eq!(range_of(&[1.0, f32::NAN, -2.0]), (-2.0, 1.0));
    }

    /// The clamped bin equals the saturating one it replaced, across and beyond the
    /// range, and NaN goes to the last bin.
    #[test]
    fn bins_equal_the_saturating_conversion() {
        let g = Bins::new(-3.5, 120.25, 4096).expect("a range");
        for i in -2000..20000 {
            let x = i as f32 * 0.00731 - 4.0;
            let old = ((x - g.lo) * g.scale).min(g.top) as u16;
            assert_eq!(g.of(x), old, "{x}");
        }
        for x in [f32::INFINITY, f32::NEG_INFINITY, f32::MAX, -f32::MAX, 120.25, -3.5] {
            assert_eq!(g.of(x), ((x - g.lo) * g.scale).min(g.top) as u16, "{x}");
        }
        assert_eq!(g.of(f32::NAN), 4095);
    }
}
