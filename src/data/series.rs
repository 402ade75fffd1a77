//! Yearly series: values indexed by calendar year, and anchor-point paths.

use serde::Serialize;

/// Values for consecutive years starting at `first`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YearSeries {
    /// First year.
    pub first: i32,
    /// One value per year.
    pub values: Vec<f64>,
}

impl YearSeries {
    /// The value for a year, if the series covers it.
    pub fn get(&self, year: i32) -> Option<f64> {
        let i = usize::try_from(year - self.first).ok()?;
        self.values.get(i).copied()
    }

    /// Last year covered.
    pub fn last(&self) -> i32 {
        self.first + self.values.len() as i32 - 1
    }

    /// Builds a series from `(year, value)` points that must be consecutive years.
    pub fn from_points(points: Vec<(i32, f64)>) -> Option<YearSeries> {
        YearSeries::consecutive(points).ok()
    }

    /// Like [`YearSeries::from_points`], saying what is wrong: the first missing or
    /// repeated year (`"no row for 2050 (rows run from 2023 to 2100)"`).
    pub fn consecutive(mut points: Vec<(i32, f64)>) -> Result<YearSeries, String> {
        points.sort_by_key(|p| p.0);
        let (Some(first), Some(last)) = (points.first().map(|p| p.0), points.last().map(|p| p.0)) else {
            return Err("no rows".into());
        };
        for (i, w) in points.windows(2).enumerate() {
            if w[1].0 == w[0].0 {
                return Err(format!("two rows for {}", w[0].0));
            }
            if w[1].0 != first + i as i32 + 1 {
                return Err(format!("no row for {} (rows run from {first} to {last})", w[0].0 + 1));
            }
        }
        Ok(YearSeries { first, values: points.into_iter().map(|p| p.1).collect() })
    }

    /// Builds a series for `first..=last` from anchors (linear between, flat outside).
    pub fn from_anchors(anchors: &[(i32, f64)], first: i32, last: i32) -> YearSeries {
        YearSeries { first, values: (first..=last).map(|y| interpolate(anchors, f64::from(y))).collect() }
    }
}

/// Linear interpolation through `(year, value)` anchors sorted by year, held flat
/// before the first and after the last. An empty list gives 0.
pub fn interpolate(anchors: &[(i32, f64)], t: f64) -> f64 {
    let Some(first) = anchors.first() else { return 0.0 };
    if t <= f64::from(first.0) {
        return first.1;
    }
    for w in anchors.windows(2) {
        let (y0, v0) = (f64::from(w[0].0), w[0].1);
        let (y1, v1) = (f64::from(w[1].0), w[1].1);
        if t <= y1 {
            return v0 + (v1 - v0) * (t - y0) / (y1 - y0);
        }
    }
    anchors[anchors.len() - 1].1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpolation_is_linear_and_flat_outside() {
        let a = [(2018, 620_000.0), (2022, 500_000.0)];
        assert_eq!(interpolate(&a, 2010.0), 620_000.0);
        assert_eq!(interpolate(&a, 2020.0), 560_000.0);
        assert_eq!(interpolate(&a, 2050.0), 500_000.0);
        let s = YearSeries::from_anchors(&a, 2017, 2023);
        assert_eq!(s.get(2019), Some(590_000.0));
        assert_eq!(s.get(2024), None);
    }

    #[test]
    fn consecutive_names_the_missing_or_repeated_year() {
        let pts = |ys: &[i32]| ys.iter().map(|&y| (y, 1.0)).collect::<Vec<_>>();
        assert_eq!(
            YearSeries::consecutive(pts(&[2051, 2049, 2052, 2048])).unwrap_err(),
            "no row for 2050 (rows run from 2048 to 2052)"
        );
        assert_eq!(YearSeries::consecutive(pts(&[2048, 2049, 2049])).unwrap_err(), "two rows for 2049");
        assert_eq!(YearSeries::consecutive(pts(&[2049, 2048])).unwrap().first, 2048);
        assert!(YearSeries::consecutive(Vec::new()).is_err());
    }
}
