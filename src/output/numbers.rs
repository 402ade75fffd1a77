//! Numbers in words for tables and sentences: persons with thousands separators, money
//! in trillions, signed differences and percentages. Charts format their
//! ticks with [`super::charts::format`]; this module builds on its `grouped`.

use super::charts::format::grouped;

/// The minus sign used in prose and tables (U+2212, which does not break from its number).
pub const MINUS: &str = "\u{2212}";

/// "1 trajectory", "2 trajectories", "10,000 trajectories".
pub fn trajectories(n: usize) -> String {
    format!("{} {}", count(n as f64), if n == 1 { "trajectory" } else { "trajectories" })
}

/// Fewest trajectories for which the 5th and 95th percentiles (type 7: position
/// (n − 1) p) are not interpolated between the two smallest or the two largest draws:
/// below it a "90% range" or a probability is a count of a handful of draws.
pub const FEW_TRAJECTORIES: usize = 21;

/// A count rounded to a whole number with thousands separators: `231,614`.
pub fn count(x: f64) -> String {
    with_minus(grouped(x.round(), 0))
}

/// A count with a sign: `+12,000`, `−3,500`, `0`.
pub fn signed(x: f64) -> String {
    let r = x.round();
    if r > 0.0 { format!("+{}", grouped(r, 0)) } else { count(r) }
}

/// A number with `decimals` decimals and thousands separators.
pub fn decimal(x: f64, decimals: usize) -> String {
    with_minus(grouped(x, decimals))
}

/// `x` with at most `decimals` decimals and no trailing zeros (0.512, 18, 1000000000;
/// never "-0").
pub fn trimmed(x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.') } else { &s };
    if s == "-0" { "0".into() } else { s.to_string() }
}

/// A share as a percentage with up to one decimal: `0.849` → `84.9%`, `0.05` → `5%`.
pub fn percent(share: f64) -> String {
    let p = share * 100.0;
    if (p - p.round()).abs() < 0.05 { format!("{}%", count(p)) } else { format!("{}%", decimal(p, 1)) }
}

/// How a currency code is written after an amount (`KRW` → `won`).
pub fn currency_word(currency: &str) -> &str {
    match currency {
        "KRW" => "won",
        other => other,
    }
}

/// Money in words, always in trillions so that a page never mixes units (issue 13,
/// item 5): `5.1 trillion won`, `0.64 trillion won`, `123 trillion won`.
pub fn money(x: f64, currency: &str) -> String {
    format!("{} trillion {}", trillions(x), currency_word(currency))
}

/// Money in trillions, for table cells whose header says "trillion won": three
/// significant figures down to a hundredth, `0` for nothing: `15.0`, `910`, `0.64`.
pub fn trillions(x: f64) -> String {
    let t = x / 1e12;
    let a = t.abs();
    if x == 0.0 {
        "0".into()
    } else if a >= 100.0 {
        count(t)
    } else if a >= 1.0 {
        decimal(t, 1)
    } else {
        decimal(t, 2)
    }
}

/// A difference in trillions with its sign: `+1.2`, `−0.35`, `0`.
pub fn signed_trillions(x: f64) -> String {
    let s = trillions(x);
    if x > 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0') { format!("+{s}") } else { s }
}

/// Replaces a leading ASCII hyphen (from `grouped`) by the minus sign.
fn with_minus(s: String) -> String {
    match s.strip_prefix('-') {
        Some(rest) => format!("{MINUS}{rest}"),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words() {
        assert_eq!(count(231_614.4), "231,614");
        assert_eq!(count(-3_500.0), "\u{2212}3,500");
        assert_eq!(signed(12_000.2), "+12,000");
        assert_eq!(signed(-0.3), "0");
        assert_eq!(percent(0.849), "84.9%");
        assert_eq!(percent(0.05), "5%");
        // One unit throughout: trillions, whatever the size.
        assert_eq!(money(5.123e12, "KRW"), "5.1 trillion won");
        assert_eq!(money(6.4e11, "KRW"), "0.64 trillion won");
        assert_eq!(money(9.108e14, "KRW"), "911 trillion won");
        assert_eq!(money(1.5e12, "USD"), "1.5 trillion USD");
        assert_eq!(money(0.0, "KRW"), "0 trillion won");
        assert_eq!(trillions(1.5e13), "15.0");
        assert_eq!(trillions(1.0e9), "0.00");
        assert_eq!(signed_trillions(-3.5e11), "\u{2212}0.35");
        assert_eq!(signed_trillions(1.2e12), "+1.2");
        assert_eq!(signed_trillions(0.0), "0");
    }
}
