//! Policies as paths in time. A scenario's path acts from its first anchor year and
//! never before the base year; before then the sourced default (the history, then the
//! default's last value) applies. Yearly flows read a policy at their model year (1 July
//! of year t); conscript terms read it at the enlistment date, so the serving keep the
//! terms they enlisted under.

use crate::data::interpolate;
use crate::scenario::spec::PolicyPath;

/// A policy for the yearly flows of `first..=last`: `change` where it acts, else `default`.
pub fn yearly(
    change: Option<&PolicyPath>,
    base_year: i32,
    first: i32,
    last: i32,
    default: impl Fn(i32) -> f64,
) -> Vec<f64> {
    (first..=last).map(|y| at(change, f64::from(base_year), f64::from(y), |_| default(y))).collect()
}

/// A policy at time `t` (same clock as the anchors' years), acting from `from` on.
pub fn at(change: Option<&PolicyPath>, from: f64, t: f64, default: impl Fn(f64) -> f64) -> f64 {
    match change {
        Some(c) if !c.is_empty() && t >= from && t >= f64::from(c[0].0) => interpolate(c, t),
        _ => default(t),
    }
}

/// A default path from data points, held flat outside them; `fallback` when there are none.
pub fn from_points(points: &[(i32, f64)], fallback: f64) -> impl Fn(f64) -> f64 + '_ {
    move |t| if points.is_empty() { fallback } else { interpolate(points, t) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_never_acts_before_its_year_or_the_base_year() {
        let change = vec![(2028, 21.0)];
        let v = yearly(Some(&change), 2025, 2023, 2030, |_| 18.0);
        assert_eq!(v, vec![18.0, 18.0, 18.0, 18.0, 18.0, 21.0, 21.0, 21.0]);
        // Anchors before the base year (Defense Reform 2.0's target) act from the base year.
        let target = vec![(2018, 620_000.0), (2022, 500_000.0)];
        let v = yearly(Some(&target), 2025, 2019, 2026, |_| 1.0);
        assert_eq!(v[..6], [1.0; 6]);
        assert_eq!(v[6..], [500_000.0, 500_000.0]);
    }
}
