//! Number formatting for axis ticks and labels: thousands separators, scaled units,
//! years without separators, ages with an open top group, category names.

/// How an axis writes its tick labels.
#[derive(Debug, Clone, PartialEq)]
pub enum TickFormat {
    /// Calendar years: `2050` (no separator).
    Year,
    /// Counts divided by `divisor` with thousands separators and the fewest decimals
    /// (at most two) that write the tick exactly: with `divisor = 1000.0`, 250,000 is
    /// written `250`. `abs` writes magnitudes only (pyramids, where men are drawn as
    /// negative values). Say the unit in the axis label, e.g. "persons (thousands)".
    Count {
        /// Divide values by this before writing them (1, 1,000 or 1,000,000).
        divisor: f64,
        /// Write |value|.
        abs: bool,
    },
    /// Ages in years; the value `open` is written as `open+` (e.g. `100+`).
    Age {
        /// The open age group.
        open: f64,
    },
    /// Category names at integer positions 0, 1, 2, … (tornado charts); other ticks are blank.
    Categories(Vec<String>),
}

impl TickFormat {
    /// Counts in thousands.
    pub fn thousands() -> Self {
        TickFormat::Count { divisor: 1e3, abs: false }
    }

    /// Counts in millions.
    pub fn millions() -> Self {
        TickFormat::Count { divisor: 1e6, abs: false }
    }

    /// The smallest span an axis of this format should have for its tick labels to
    /// differ: a tenth of one unit as written (`divisor / 10` for counts, so an axis in
    /// trillions spans at least 0.1 trillion, ticked 0, 0.02, 0.04, …; 0 otherwise).
    /// Ticks are written with at most two decimals, so over a narrower span (0 to 1 won
    /// on an axis in trillions) every label reads `0`.
    pub fn min_span(&self) -> f64 {
        match self {
            TickFormat::Count { divisor, .. } => divisor.abs().max(f64::MIN_POSITIVE) / 10.0,
            _ => 0.0,
        }
    }

    /// Writes one tick value.
    pub fn tick(&self, v: f64) -> String {
        match self {
            // A tick between two years has no year of its own: unlabelled, so that a
            // short span never reads `2015 2015 2015`.
            TickFormat::Year if (v - v.round()).abs() > 1e-6 => String::new(),
            TickFormat::Year => format!("{:.0}", v + 0.0),
            TickFormat::Count { divisor, abs } => {
                let x = v / divisor;
                short(if *abs { x.abs() } else { x })
            }
            TickFormat::Age { open } => {
                if (v - open).abs() < 1e-9 {
                    format!("{open:.0}+")
                } else {
                    format!("{:.0}", v + 0.0)
                }
            }
            TickFormat::Categories(names) => {
                let i = v.round();
                if (v - i).abs() > 1e-6 || i < 0.0 {
                    return String::new();
                }
                names.get(i as usize).cloned().unwrap_or_default()
            }
        }
    }
}

/// Writes `x` with thousands separators and exactly `decimals` decimals: `231,614`,
/// `1,234.5`. Negative zero is written as zero.
pub fn grouped(x: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, x.abs());
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s.as_str(), None),
    };
    let mut out = String::with_capacity(s.len() + int.len() / 3 + 1);
    let zero = s.bytes().all(|b| b == b'0' || b == b'.');
    if x < 0.0 && !zero {
        out.push('-');
    }
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// Writes `x` with thousands separators and the fewest decimals (0 to 2) that keep its
/// value to 1e-6: `2.5`, `5`, `12,000`.
pub fn short(x: f64) -> String {
    let d = (0..=2).find(|&d| ((x * 10f64.powi(d as i32)).round() / 10f64.powi(d as i32) - x).abs() < 1e-6);
    grouped(x, d.unwrap_or(2))
}

/// Rounds `x` up to a "nice" number 1, 2, 2.5, 5 × 10^k (for axis tops and tick steps).
pub fn nice_ceil(x: f64) -> f64 {
    if x <= 0.0 || !x.is_finite() {
        return 1.0;
    }
    let p = 10f64.powf(x.log10().floor());
    let m = x / p;
    let n = [1.0, 2.0, 2.5, 5.0, 10.0].into_iter().find(|&n| m <= n + 1e-9).unwrap_or(10.0);
    n * p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands() {
        assert_eq!(grouped(231_614.4, 0), "231,614");
        assert_eq!(grouped(-1_234_567.0, 0), "-1,234,567");
        assert_eq!(grouped(999.0, 0), "999");
        assert_eq!(grouped(1_000.25, 1), "1,000.2");
        assert_eq!(grouped(-0.0, 0), "0");
        assert_eq!(grouped(-0.2, 0), "0");
    }

    #[test]
    fn ticks() {
        assert_eq!(TickFormat::thousands().tick(250_000.0), "250");
        assert_eq!(TickFormat::millions().tick(2_500_000.0), "2.5");
        assert_eq!(TickFormat::Count { divisor: 1.0, abs: true }.tick(-12_000.0), "12,000");
        assert_eq!(TickFormat::Year.tick(2050.0), "2050");
        assert_eq!(TickFormat::Year.tick(2015.25), "");
        assert_eq!(TickFormat::Year.tick(2015.5), "");
        assert_eq!(TickFormat::Age { open: 100.0 }.tick(100.0), "100+");
        assert_eq!(TickFormat::Age { open: 100.0 }.tick(90.0), "90");
        let c = TickFormat::Categories(vec!["a".into(), "b".into()]);
        assert_eq!((c.tick(1.0), c.tick(0.5), c.tick(2.0)), ("b".into(), String::new(), String::new()));
    }

    #[test]
    fn nice() {
        assert_eq!(nice_ceil(0.9), 1.0);
        assert_eq!(nice_ceil(1.7), 2.0);
        assert_eq!(nice_ceil(2.2), 2.5);
        assert_eq!(nice_ceil(61.0), 100.0);
        assert_eq!(nice_ceil(480.0), 500.0);
    }
}
