//! The years the outputs quote (`--years`) and the pyramid draws (`--pyramid-years`):
//! parsing and validation. Without the options the defaults are unchanged: key years
//! 2030, 2040, 2050, 2070 ([`crate::analysis::compare::KEY_YEARS`]), pyramid years 2050
//! and 2070, and the fan chart's probabilities quoted for 2030, 2035, 2040 and 2050.

use crate::error::{Error, Result};

/// Most years a pyramid draws besides the base year: each is an outline in its own
/// colour, and more than four outlines over one another can no longer be told apart.
pub const PYRAMID_MAX: usize = 4;

/// Most key years: the key-years table has one row per metric and year (11 metrics), so
/// twelve years make a 132-row table, as long as a briefing table can usefully be.
pub const KEY_MAX: usize = 12;

/// The chart and key years of a run, comparison or report.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChartYears {
    /// `--years`: the key years (key-years tables, fan-chart probabilities); `None`
    /// keeps each output's default.
    pub key: Option<Vec<i32>>,
    /// `--pyramid-years`: the years drawn as outlines over the base year's pyramid;
    /// `None` keeps 2050 and 2070.
    pub pyramid: Option<Vec<i32>>,
}

/// Parses a comma-separated list of years given to `flag`: whole years, ascending,
/// without repeats, at most `max`.
pub fn parse(flag: &str, text: &str, max: usize) -> Result<Vec<i32>> {
    let usage = |why: String| Error::Usage(format!("{flag} {}: {why}", crate::error::escape(text)));
    let mut years = Vec::new();
    for part in text.split(',').map(str::trim) {
        let y: i32 = part.parse().map_err(|_| {
            usage(format!("`{}` is not a year; give years such as 2030,2040,2050", crate::error::escape(part)))
        })?;
        if let Some(&last) = years.last() {
            if y == last {
                return Err(usage(format!("{y} is given twice; give each year once")));
            }
            if y < last {
                return Err(usage(format!("{y} comes after {last}; give the years in ascending order")));
            }
        }
        years.push(y);
    }
    if years.len() > max {
        return Err(usage(format!("{} years; give at most {max}", years.len())));
    }
    Ok(years)
}

/// Checks that every year of `years` (given to `flag`) lies in the projection of
/// scenario `name` (`first` to `last`); `after_first` when the first year itself is
/// not allowed (the pyramid always draws the base year).
pub fn check_range(flag: &str, years: &[i32], name: &str, (first, last): (i32, i32), after_first: bool) -> Result<()> {
    let lo = if after_first { first + 1 } else { first };
    if let Some(y) = years.iter().find(|&&y| y < lo || y > last) {
        let name = crate::error::escape(name);
        return Err(Error::Usage(if after_first && *y == first {
            format!("{flag}: {y} is the base year of {name}, always drawn; give years after it, from {lo} to {last}")
        } else {
            format!("{flag}: {y} is outside the projection of {name} ({first}-{last}); give years from {lo} to {last}")
        }));
    }
    Ok(())
}

impl ChartYears {
    /// Parses the two options (either may be absent).
    pub fn parse(key: Option<&str>, pyramid: Option<&str>) -> Result<ChartYears> {
        Ok(ChartYears {
            key: key.map(|t| parse("--years", t, KEY_MAX)).transpose()?,
            pyramid: pyramid.map(|t| parse("--pyramid-years", t, PYRAMID_MAX)).transpose()?,
        })
    }

    /// Checks the years against one scenario's projection, `first` to `last`.
    pub fn check(&self, name: &str, first: i32, last: i32) -> Result<()> {
        if let Some(k) = &self.key {
            check_range("--years", k, name, (first, last), false)?;
        }
        if let Some(p) = &self.pyramid {
            check_range("--pyramid-years", p, name, (first, last), true)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_refuses() {
        assert_eq!(parse("--years", "2030, 2040,2050", 12).unwrap(), vec![2030, 2040, 2050]);
        let e = |t: &str| parse("--years", t, 3).unwrap_err().to_string();
        assert!(
            e("2040,2030").contains("2030 comes after 2040; give the years in ascending order"),
            "{}",
            e("2040,2030")
        );
        assert!(e("2030,2030").contains("2030 is given twice"));
        assert!(e("2030,x").contains("`x` is not a year"));
        assert!(e("2030,").contains("`` is not a year"));
        assert!(e("2030,2031,2032,2033").contains("4 years; give at most 3"));
        let y = ChartYears::parse(Some("2030"), Some("2025,2050")).unwrap();
        assert!(y.check("baseline", 2025, 2100).unwrap_err().to_string().contains(
            "--pyramid-years: 2025 is the base year of baseline, always drawn; give years after it, from 2026 to 2100"
        ));
        let y = ChartYears::parse(Some("2030,2110"), None).unwrap();
        assert!(y.check("baseline", 2025, 2100).unwrap_err().to_string().contains("--years: 2110 is outside"));
        assert!(ChartYears::default().check("b", 2025, 2030).is_ok());
    }
}
