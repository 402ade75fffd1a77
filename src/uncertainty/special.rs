//! Special functions for the calibration: log-gamma, the regularised incomplete beta
//! function and the Student-t distribution's CDF and quantile.
//!
//! ## Reference
//! Lanczos approximation of Γ with g = 7, n = 9 (the coefficients published by
//! P. Godfrey; accuracy ~1e-15). Incomplete beta by its continued fraction evaluated
//! with the modified Lentz method (Abramowitz & Stegun 26.5.8; Lentz 1976). Student-t:
//! F(t) = 1 − ½ I_{ν/(ν+t²)}(ν/2, ½) for t ≥ 0 (A&S 26.7.1).

/// Two-sided 80% standard normal quantile, Φ⁻¹(0.9).
pub const Z80: f64 = 1.281_551_565_544_600_4;
/// Two-sided 95% standard normal quantile, Φ⁻¹(0.975).
pub const Z95: f64 = 1.959_963_984_540_054;

const LANCZOS: [f64; 9] = [
    0.999_999_999_999_809_9,
    676.520_368_121_885_1,
    -1_259.139_216_722_402_8,
    771.323_428_777_653_1,
    -176.615_029_162_140_6,
    12.507_343_278_686_905,
    -0.138_571_095_265_720_12,
    9.984_369_578_019_572e-6,
    1.505_632_735_149_311_6e-7,
];

/// ln Γ(x) for x > 0.
pub fn ln_gamma(x: f64) -> f64 {
    if x < 0.5 {
        // Reflection: Γ(x) Γ(1 − x) = π / sin(πx).
        return (std::f64::consts::PI / (std::f64::consts::PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = LANCZOS[0];
    let t = x + 7.5;
    for (i, c) in LANCZOS.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// Continued fraction of the incomplete beta function (modified Lentz).
fn beta_cf(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let mut c = 1.0;
    let mut d = 1.0 - (a + b) * x / (a + 1.0);
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..=500 {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        let even = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
        for coef in [even, -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0))] {
            d = 1.0 + coef * d;
            if d.abs() < TINY {
                d = TINY;
            }
            c = 1.0 + coef / c;
            if c.abs() < TINY {
                c = TINY;
            }
            d = 1.0 / d;
            h *= d * c;
        }
        let last = d * c;
        if (last - 1.0).abs() < 1e-15 {
            break;
        }
    }
    h
}

/// Regularised incomplete beta function I_x(a, b), for a, b > 0 and x in [0, 1].
pub fn inc_beta(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
    if x < (a + 1.0) / (a + b + 2.0) {
        ln_front.exp() * beta_cf(a, b, x) / a
    } else {
        1.0 - ln_front.exp() * beta_cf(b, a, 1.0 - x) / b
    }
}

/// Student-t CDF with `df` degrees of freedom.
pub fn student_t_cdf(t: f64, df: f64) -> f64 {
    let tail = 0.5 * inc_beta(0.5 * df, 0.5, df / (df + t * t));
    if t >= 0.0 { 1.0 - tail } else { tail }
}

/// Student-t quantile for p in (0.5, 1), by bisection on the CDF (deterministic, to
/// ~1e-12). Very large `df` gives the normal quantile.
pub fn student_t_quantile(p: f64, df: f64) -> f64 {
    let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
    while student_t_cdf(hi, df) < p && hi < 1e6 {
        hi *= 2.0;
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if student_t_cdf(mid, df) < p {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo < 1e-13 {
            break;
        }
    }
    0.5 * (lo + hi)
}

/// 1/k! for k = 0..=9, the Taylor coefficients of e^r.
const EXP_COEF: [f64; 10] = [
    1.0,
    1.0,
    1.0 / 2.0,
    1.0 / 6.0,
    1.0 / 24.0,
    1.0 / 120.0,
    1.0 / 720.0,
    1.0 / 5_040.0,
    1.0 / 40_320.0,
    1.0 / 362_880.0,
];

/// e^x for |x| ≤ 700 by range reduction x = n ln 2 + r, |r| ≤ ½ ln 2, and a degree-9
/// Taylor polynomial of e^r (truncation error < 8e-12 relative, far below what a
/// stochastic mortality deviation needs); no branches or library calls, so a loop over
/// ages vectorises. exp_fast(0) is exactly 1.
#[inline]
pub fn exp_fast(x: f64) -> f64 {
    const LOG2E: f64 = std::f64::consts::LOG2_E;
    const LN2_HI: f64 = 0.693_147_180_369_123_8;
    const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;
    // 1.5 · 2^52: adding and subtracting it rounds to the nearest integer.
    const SHIFTER: f64 = 6_755_399_441_055_744.0;
    let x = x.clamp(-700.0, 700.0);
    let t = x * LOG2E + SHIFTER;
    let n = t - SHIFTER;
    let r = (x - n * LN2_HI) - n * LN2_LO;
    let c = &EXP_COEF;
    let p = c[0]
        + r * (c[1]
            + r * (c[2] + r * (c[3] + r * (c[4] + r * (c[5] + r * (c[6] + r * (c[7] + r * (c[8] + r * c[9]))))))));
    // 2^n through the exponent bits: the low bits of t hold n + 1.5·2^52's mantissa.
    let scale = f64::from_bits(((t.to_bits() as i64 - SHIFTER.to_bits() as i64 + 1023) as u64) << 52);
    p * scale
}

/// e^x in single precision for |x| ≤ 87: range reduction as in [`exp_fast`] and a
/// degree-6 Taylor polynomial in fused multiply-adds (relative error < 3e-7; the same
/// result with or without FMA hardware, since each is rounded once). Eight lanes per AVX2 register,
/// for the mortality multipliers exp(b_x (k − k̂)), where an error of 3e-7 amounts to
/// moving k by a hundred-thousandth of a year's innovation. exp_fast_f32(0) is exactly 1.
#[inline]
pub fn exp_fast_f32(x: f32) -> f32 {
    const LOG2E: f32 = std::f32::consts::LOG2_E;
    const LN2_HI: f32 = 0.693_145_75;
    const LN2_LO: f32 = 1.428_606_8e-6;
    // 1.5 · 2^23: adding and subtracting it rounds to the nearest integer.
    const SHIFTER: f32 = 12_582_912.0;
    let x = x.clamp(-87.0, 87.0);
    // Fused multiply-adds: one rounding each, so the result is the same whether the CPU
    // fuses them (FMA) or the library does (`fmaf`), only slower there.
    let t = x.mul_add(LOG2E, SHIFTER);
    let n = t - SHIFTER;
    let r = n.mul_add(-LN2_LO, n.mul_add(-LN2_HI, x));
    let mut p: f32 = 1.0 / 720.0;
    for c in [1.0 / 120.0, 1.0 / 24.0, 1.0 / 6.0, 0.5, 1.0, 1.0] {
        p = p.mul_add(r, c);
    }
    let scale = f32::from_bits(((t.to_bits() as i32 - SHIFTER.to_bits() as i32 + 127) as u32) << 23);
    p * scale
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_fast_f32_matches_exp() {
        assert_eq!(exp_fast_f32(0.0), 1.0);
        for i in -800..=800 {
            let x = i as f32 * 0.01 + 0.003;
            let (a, b) = (f64::from(exp_fast_f32(x)), f64::from(x).exp());
            assert!(((a - b) / b).abs() < 3e-7, "x = {x}: {a} vs {b}");
        }
    }

    #[test]
    fn exp_fast_matches_exp() {
        assert_eq!(exp_fast(0.0), 1.0);
        for i in -4000..=4000 {
            let x = f64::from(i) * 0.01 + 0.003;
            let (a, b) = (exp_fast(x), x.exp());
            assert!(((a - b) / b).abs() < 1e-11, "x = {x}: {a} vs {b}");
        }
    }

    #[test]
    fn ln_gamma_matches_factorials() {
        for (n, f) in [(1.0, 1.0_f64), (5.0, 24.0), (10.0, 362_880.0)] {
            assert!((ln_gamma(n) - f.ln()).abs() < 1e-12, "Γ({n})");
        }
        assert!((ln_gamma(0.5) - std::f64::consts::PI.sqrt().ln()).abs() < 1e-12);
    }

    #[test]
    fn t_quantiles_match_published_table() {
        // Two-sided 80% and 95% critical values (any statistics table, 3 decimals).
        for (df, q90, q975) in [(1.0, 3.078, 12.706), (4.0, 1.533, 2.776), (6.0, 1.440, 2.447), (30.0, 1.310, 2.042)] {
            assert!((student_t_quantile(0.9, df) - q90).abs() < 6e-4, "t(0.9, {df})");
            assert!((student_t_quantile(0.975, df) - q975).abs() < 6e-4, "t(0.975, {df})");
        }
        assert!((student_t_quantile(0.9, 1e6) - Z80).abs() < 1e-5);
        assert!((student_t_quantile(0.975, 1e6) - Z95).abs() < 1e-5);
    }
}
