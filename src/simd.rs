//! Eight values per vector: the vector types of the Monte Carlo's group kernel
//! ([`crate::uncertainty`]'s lanes, where each lane is one trajectory) and of the force
//! model's lanes ([`crate::force::model`]): [`V`], eight doubles, and [`W`], eight
//! singles (the group kernel's populations and life tables).
//!
//! On x86-64, [`V`] is two AVX2 registers and [`W`] one: only to be built and used inside
//! functions compiled for AVX2 and FMA (the engine checks the CPU before it runs a group).
//! Elsewhere (and in tests, to compare) they are eight values lane by lane with the same
//! IEEE operations, so that results agree bit for bit across machines.
//!
//! Every operation is one IEEE operation per lane, the lanes independent: a computation
//! written with [`V`] or [`W`] gives in each lane the bits the same scalar expressions give
//! (max, min and the clamps as `f64::max`, `f64::min` and `f64::clamp` take them for values
//! that are not NaN; [`W::widen`] and [`W::narrow`] as `f64::from` and `as f32`).

/// Lanes per vector.
pub const L: usize = 8;

/// Whether this x86-64 CPU has AVX2 and FMA, which the AVX2 vectors need (checked once per
/// call site before entering a function compiled for them).
#[cfg(target_arch = "x86_64")]
pub(crate) fn avx2_fma() -> bool {
    std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma")
}

/// One value per lane.
pub type Lane = [f64; L];

/// A lane of zeros.
pub const ZERO: Lane = [0.0; L];

/// One single-precision value per lane.
pub type Lane32 = [f32; L];

/// A single-precision lane of zeros.
pub const ZERO32: Lane32 = [0.0; L];

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::{L, Lane, Lane32, ZERO, ZERO32};
    use std::arch::x86_64::*;
    use std::ops::{Add, Div, Mul, Sub};

    /// Eight doubles in two AVX2 registers (see the module notes).
    #[derive(Clone, Copy)]
    pub struct V(pub(crate) __m256d, pub(crate) __m256d);

    /// Both halves of `a` and `b` through `f`.
    macro_rules! both {
        ($f:ident, $a:expr, $b:expr) => {
            V(unsafe { $f($a.0, $b.0) }, unsafe { $f($a.1, $b.1) })
        };
    }

    // SAFETY (every `unsafe` below): AVX2 and FMA are available where a `V` is built and
    // used (see the module notes); loads and stores stay within the `Lane` they name.
    impl V {
        #[inline(always)]
        pub fn splat(x: f64) -> V {
            let v = unsafe { _mm256_set1_pd(x) };
            V(v, v)
        }
        #[inline(always)]
        pub fn load(x: &Lane) -> V {
            unsafe { V(_mm256_loadu_pd(x.as_ptr()), _mm256_loadu_pd(x.as_ptr().add(4))) }
        }
        #[inline(always)]
        pub fn store(self, to: &mut Lane) {
            unsafe {
                _mm256_storeu_pd(to.as_mut_ptr(), self.0);
                _mm256_storeu_pd(to.as_mut_ptr().add(4), self.1);
            }
        }
        #[inline(always)]
        pub fn get(self) -> Lane {
            let mut out = ZERO;
            self.store(&mut out);
            out
        }
        /// max(self, 0) as `f64::max` takes it (a NaN gives 0).
        #[inline(always)]
        pub fn nonneg(self) -> V {
            self.max(V::splat(0.0))
        }
        /// max(self, y) for y not NaN, as `f64::max` takes it.
        #[inline(always)]
        pub fn max(self, y: V) -> V {
            both!(_mm256_max_pd, self, y)
        }
        /// min(self, y) for values not NaN.
        #[inline(always)]
        pub fn min(self, y: V) -> V {
            both!(_mm256_min_pd, self, y)
        }
        /// `self.clamp(0.0, 1.0)` exactly, a NaN and a −0 included: the instructions
        /// return their second operand when the comparison fails, so the bound goes first.
        #[inline(always)]
        pub fn clamp01(self) -> V {
            V::splat(1.0).min(V::splat(0.0).max(self))
        }
        /// A mask of the lanes where `mask[l]` (for [`V::select`]).
        #[inline(always)]
        pub fn mask(mask: [bool; L]) -> V {
            let mut bits = [0_i64; L];
            for (b, &m) in bits.iter_mut().zip(&mask) {
                *b = if m { -1 } else { 0 };
            }
            let p = bits.as_ptr().cast::<__m256i>();
            unsafe { V(_mm256_castsi256_pd(_mm256_loadu_si256(p)), _mm256_castsi256_pd(_mm256_loadu_si256(p.add(1)))) }
        }
        /// The mask of the lanes where self > y (false where either is NaN).
        #[inline(always)]
        pub fn gt(self, y: V) -> V {
            unsafe { V(_mm256_cmp_pd::<_CMP_GT_OQ>(self.0, y.0), _mm256_cmp_pd::<_CMP_GT_OQ>(self.1, y.1)) }
        }
        /// The mask of the lanes where self == y (false where either is NaN).
        #[inline(always)]
        pub fn eq(self, y: V) -> V {
            unsafe { V(_mm256_cmp_pd::<_CMP_EQ_OQ>(self.0, y.0), _mm256_cmp_pd::<_CMP_EQ_OQ>(self.1, y.1)) }
        }
        /// Lane l of `yes` where `mask` (from [`V::mask`], [`V::gt`] or [`V::eq`]) holds
        /// it, else of `self`.
        #[inline(always)]
        pub fn select(self, yes: V, mask: V) -> V {
            unsafe { V(_mm256_blendv_pd(self.0, yes.0, mask.0), _mm256_blendv_pd(self.1, yes.1, mask.1)) }
        }
    }

    macro_rules! op {
        ($trait:ident, $f:ident, $intrinsic:ident) => {
            impl $trait for V {
                type Output = V;
                #[inline(always)]
                fn $f(self, y: V) -> V {
                    both!($intrinsic, self, y)
                }
            }
        };
    }
    op!(Add, add, _mm256_add_pd);
    op!(Sub, sub, _mm256_sub_pd);
    op!(Mul, mul, _mm256_mul_pd);
    op!(Div, div, _mm256_div_pd);

    /// Eight singles in one AVX2 register (see the module notes).
    #[derive(Clone, Copy)]
    pub struct W(pub(crate) __m256);

    impl W {
        #[inline(always)]
        pub fn splat(x: f32) -> W {
            W(unsafe { _mm256_set1_ps(x) })
        }
        #[inline(always)]
        pub fn load(x: &Lane32) -> W {
            W(unsafe { _mm256_loadu_ps(x.as_ptr()) })
        }
        #[inline(always)]
        pub fn store(self, to: &mut Lane32) {
            unsafe { _mm256_storeu_ps(to.as_mut_ptr(), self.0) }
        }
        #[cfg_attr(not(test), allow(dead_code))]
        #[inline(always)]
        pub fn get(self) -> Lane32 {
            let mut out = ZERO32;
            self.store(&mut out);
            out
        }
        /// max(self, 0) as `f32::max` takes it (a NaN gives 0).
        #[inline(always)]
        pub fn nonneg(self) -> W {
            self.max(W::splat(0.0))
        }
        /// max(self, y) for y not NaN, as `f32::max` takes it.
        #[inline(always)]
        pub fn max(self, y: W) -> W {
            W(unsafe { _mm256_max_ps(self.0, y.0) })
        }
        /// min(self, y) for values not NaN.
        #[inline(always)]
        pub fn min(self, y: W) -> W {
            W(unsafe { _mm256_min_ps(self.0, y.0) })
        }
        /// self × a + b with one rounding (`f32::mul_add`).
        #[inline(always)]
        pub fn mul_add(self, a: W, b: W) -> W {
            W(unsafe { _mm256_fmadd_ps(self.0, a.0, b.0) })
        }
        /// Each lane in double precision (exact).
        #[inline(always)]
        pub fn widen(self) -> V {
            unsafe {
                V(_mm256_cvtps_pd(_mm256_castps256_ps128(self.0)), _mm256_cvtps_pd(_mm256_extractf128_ps::<1>(self.0)))
            }
        }
        /// Each lane of `v` rounded to the nearest single (ties to even), as `as f32`.
        #[inline(always)]
        pub fn narrow(v: V) -> W {
            W(unsafe { _mm256_set_m128(_mm256_cvtpd_ps(v.1), _mm256_cvtpd_ps(v.0)) })
        }
    }

    macro_rules! op32 {
        ($trait:ident, $f:ident, $intrinsic:ident) => {
            impl $trait for W {
                type Output = W;
                #[inline(always)]
                fn $f(self, y: W) -> W {
                    W(unsafe { $intrinsic(self.0, y.0) })
                }
            }
        };
    }
    op32!(Add, add, _mm256_add_ps);
    op32!(Sub, sub, _mm256_sub_ps);
    op32!(Mul, mul, _mm256_mul_ps);
    op32!(Div, div, _mm256_div_ps);
}
#[cfg(target_arch = "x86_64")]
pub use avx2::{V, W};

/// Eight doubles, lane by lane: the same IEEE operations as the AVX2 vectors (max and min
/// of values not NaN, a NaN cut to 0 by `nonneg`), so results agree bit for bit across
/// machines.
#[cfg(any(test, not(target_arch = "x86_64")))]
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
pub(crate) mod portable {
    use super::{L, Lane, Lane32};
    use std::ops::{Add, Div, Mul, Sub};

    #[derive(Clone, Copy, Debug, PartialEq)]
    pub struct V(pub Lane);

    /// `f` on each lane of `a` and `b`.
    #[inline(always)]
    fn zip(a: V, b: V, f: impl Fn(f64, f64) -> f64) -> V {
        let mut o = a.0;
        for (o, y) in o.iter_mut().zip(b.0) {
            *o = f(*o, y);
        }
        V(o)
    }

    /// 1 where `c`, else 0 (a mask; [`V::select`] reads any non-zero as set).
    #[inline(always)]
    fn flag(c: bool) -> f64 {
        if c { 1.0 } else { 0.0 }
    }

    impl V {
        #[inline(always)]
        pub fn splat(x: f64) -> V {
            V([x; L])
        }
        #[inline(always)]
        pub fn load(x: &Lane) -> V {
            V(*x)
        }
        #[inline(always)]
        pub fn store(self, to: &mut Lane) {
            *to = self.0;
        }
        #[inline(always)]
        pub fn get(self) -> Lane {
            self.0
        }
        #[inline(always)]
        pub fn nonneg(self) -> V {
            V(self.0.map(|x| x.max(0.0)))
        }
        #[inline(always)]
        pub fn max(self, y: V) -> V {
            zip(self, y, f64::max)
        }
        #[inline(always)]
        pub fn min(self, y: V) -> V {
            zip(self, y, f64::min)
        }
        #[inline(always)]
        pub fn clamp01(self) -> V {
            V(self.0.map(|x| x.clamp(0.0, 1.0)))
        }
        #[inline(always)]
        pub fn mask(mask: [bool; L]) -> V {
            V(mask.map(flag))
        }
        #[inline(always)]
        pub fn gt(self, y: V) -> V {
            zip(self, y, |a, b| flag(a > b))
        }
        #[inline(always)]
        pub fn eq(self, y: V) -> V {
            zip(self, y, |a, b| flag(a == b))
        }
        #[inline(always)]
        pub fn select(self, yes: V, mask: V) -> V {
            let mut o = self.0;
            for ((o, y), m) in o.iter_mut().zip(yes.0).zip(mask.0) {
                if m != 0.0 {
                    *o = y;
                }
            }
            V(o)
        }
    }

    /// The four arithmetic operators of the lanes type `$t`, lane by lane through `$zip`.
    macro_rules! ops {
        ($t:ident, $zip:ident) => {
            ops!($t, $zip, Add, add, +);
            ops!($t, $zip, Sub, sub, -);
            ops!($t, $zip, Mul, mul, *);
            ops!($t, $zip, Div, div, /);
        };
        ($t:ident, $zip:ident, $trait:ident, $f:ident, $op:tt) => {
            impl $trait for $t {
                type Output = $t;
                #[inline(always)]
                fn $f(self, y: $t) -> $t {
                    $zip(self, y, |a, b| a $op b)
                }
            }
        };
    }
    ops!(V, zip);

    #[derive(Clone, Copy, Debug, PartialEq)]
    pub struct W(pub Lane32);

    /// `f` on each lane of `a` and `b`.
    #[inline(always)]
    fn zip32(a: W, b: W, f: impl Fn(f32, f32) -> f32) -> W {
        let mut o = a.0;
        for (o, y) in o.iter_mut().zip(b.0) {
            *o = f(*o, y);
        }
        W(o)
    }

    impl W {
        #[inline(always)]
        pub fn splat(x: f32) -> W {
            W([x; L])
        }
        #[inline(always)]
        pub fn load(x: &Lane32) -> W {
            W(*x)
        }
        #[inline(always)]
        pub fn store(self, to: &mut Lane32) {
            *to = self.0;
        }
        #[cfg_attr(not(test), allow(dead_code))]
        #[inline(always)]
        pub fn get(self) -> Lane32 {
            self.0
        }
        #[inline(always)]
        pub fn nonneg(self) -> W {
            W(self.0.map(|x| x.max(0.0)))
        }
        #[inline(always)]
        pub fn max(self, y: W) -> W {
            zip32(self, y, f32::max)
        }
        #[inline(always)]
        pub fn min(self, y: W) -> W {
            zip32(self, y, f32::min)
        }
        #[inline(always)]
        pub fn mul_add(self, a: W, b: W) -> W {
            let mut o = self.0;
            for ((o, a), b) in o.iter_mut().zip(a.0).zip(b.0) {
                *o = o.mul_add(a, b);
            }
            W(o)
        }
        #[inline(always)]
        pub fn widen(self) -> V {
            V(self.0.map(f64::from))
        }
        #[inline(always)]
        pub fn narrow(v: V) -> W {
            W(v.0.map(|x| x as f32))
        }
    }
    ops!(W, zip32);
}
#[cfg(not(target_arch = "x86_64"))]
pub use portable::{V, W};

#[cfg(all(test, target_arch = "x86_64"))]
mod tests {
    use super::*;

    /// The portable lanes (other architectures) give the AVX2 vectors' results bit for bit
    /// on values of every sign and size (0 and NaN cut by `nonneg`), comparisons and
    /// selections included.
    #[test]
    fn portable_lanes_agree_with_avx2() {
        if !avx2_fma() {
            return;
        }
        let (x, y) = (
            [-2.5, 0.0, 1.0e-300, f64::NAN, 4.0, -0.0, 1.0e300, 0.1],
            [3.0, -1.0e10, 7.25, 1.0, 4.0, 2.0, 1.0e-10, 0.3],
        );
        let (a, b) = (V::load(&x), V::load(&y));
        let (pa, pb) = (portable::V(x), portable::V(y));
        let mask = [true, false, false, true, false, true, true, false];
        let pairs = [
            ((a + b).get(), (pa + pb).0),
            ((a - b).get(), (pa - pb).0),
            ((a * b).get(), (pa * pb).0),
            ((b / a).get(), (pb / pa).0),
            (a.nonneg().get(), pa.nonneg().0),
            (b.max(V::splat(-1.0)).get(), pb.max(portable::V::splat(-1.0)).0),
            (b.min(V::splat(2.0)).get(), pb.min(portable::V::splat(2.0)).0),
            (
                (b * V::splat(0.2) - V::splat(0.5)).clamp01().get(),
                (pb * portable::V::splat(0.2) - portable::V::splat(0.5)).clamp01().0,
            ),
            // NaN and −0 as `f64::clamp` keeps them.
            (a.clamp01().get(), x.map(|x| x.clamp(0.0, 1.0))),
            (pa.clamp01().0, x.map(|x| x.clamp(0.0, 1.0))),
            (a.select(b, V::mask(mask)).get(), pa.select(pb, portable::V::mask(mask)).0),
            (a.select(b, a.gt(b)).get(), pa.select(pb, pa.gt(pb)).0),
            (a.select(b, a.eq(b)).get(), pa.select(pb, pa.eq(pb)).0),
        ];
        for (k, (got, want)) in pairs.iter().enumerate() {
            assert_eq!(got.map(f64::to_bits), want.map(f64::to_bits), "operation {k}: {got:?} vs {want:?}");
        }
    }

    /// The same for the single-precision lanes, their widening and narrowing included
    /// (a double halfway between two singles, one beyond the singles' range, NaN).
    #[test]
    fn portable_single_lanes_agree_with_avx2() {
        if !avx2_fma() {
            return;
        }
        let (x, y) = (
            [-2.5_f32, 0.0, 1.0e-30, f32::NAN, 4.0, -0.0, 3.0e38, 0.1],
            [3.0, -1.0e10, 7.25, 1.0, 4.0, 2.0, 1.0e-10, 0.3],
        );
        let (a, b) = (W::load(&x), W::load(&y));
        let (pa, pb) = (portable::W(x), portable::W(y));
        let pairs = [
            ((a + b).get(), (pa + pb).0),
            ((a - b).get(), (pa - pb).0),
            ((a * b).get(), (pa * pb).0),
            ((b / a).get(), (pb / pa).0),
            (a.nonneg().get(), pa.nonneg().0),
            (b.max(W::splat(-1.0)).get(), pb.max(portable::W::splat(-1.0)).0),
            (b.min(W::splat(2.0)).get(), pb.min(portable::W::splat(2.0)).0),
            (a.mul_add(b, W::splat(0.1)).get(), pa.mul_add(pb, portable::W::splat(0.1)).0),
        ];
        for (k, (got, want)) in pairs.iter().enumerate() {
            assert_eq!(got.map(f32::to_bits), want.map(f32::to_bits), "operation {k}: {got:?} vs {want:?}");
        }
        assert_eq!(a.widen().get().map(f64::to_bits), x.map(|v| f64::from(v).to_bits()));
        assert_eq!(pa.widen().0.map(f64::to_bits), x.map(|v| f64::from(v).to_bits()));
        let d = [1.0 + f64::EPSILON * 2.0_f64.powi(28), 1.0e39, -1.0e-50, f64::NAN, 0.1, -7.3e5, 1.0 / 3.0, 2.0e-40];
        let want = d.map(|v| (v as f32).to_bits());
        assert_eq!(W::narrow(V::load(&d)).get().map(f32::to_bits), want);
        assert_eq!(portable::W::narrow(portable::V(d)).0.map(f32::to_bits), want);
    }
}
