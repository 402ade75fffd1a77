//! Numbers in words for tables and sentences: persons with thousands separators, money
//! in billions or trillions, signed differences and percentages. Charts format their
//! ticks with [`super::charts::format`]; this module builds on its `grouped`.

use super::charts::format::grouped;

/// The minus sign used in prose and tables (U+2212, which does not break from its number).
pub const MINUS: &str = "\u{2212}";

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

/// Money in words: `5.1 trillion won`, `640 billion won`, `12,000 won`.
pub fn money(x: f64, currency: &str) -> String {
    let word = currency_word(currency);
    let a = x.abs();
    if a >= 1e12 {
        format!("{} trillion {word}", decimal(x / 1e12, if a >= 1e14 { 0 } else { 1 }))
    } else if a >= 1e9 {
        format!("{} billion {word}", decimal(x / 1e9, if a >= 1e11 { 0 } else { 1 }))
    } else if a >= 1e6 {
        format!("{} million {word}", decimal(x / 1e6, if a >= 1e8 { 0 } else { 1 }))
    } else {
        format!("{} {word}", count(x))
    }
}

/// Money in billions, for table cells whose header says "billion won": `5,123`.
pub fn billions(x: f64) -> String {
    let b = x / 1e9;
    if b.abs() >= 10.0 { count(b) } else { decimal(b, 2) }
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
        assert_eq!(money(5.123e12, "KRW"), "5.1 trillion won");
        assert_eq!(money(6.4e11, "KRW"), "640 billion won");
        assert_eq!(money(1.5e9, "USD"), "1.5 billion USD");
        assert_eq!(money(6.4e8, "KRW"), "640 million won");
        assert_eq!(billions(5.123e12), "5,123");
        assert_eq!(billions(1.5e9), "1.50");
    }
}
