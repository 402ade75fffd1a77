//! Cumulative and discounted automation cost (issue 13, item 5) through the real binary:
//! `summary.csv` carries `automation_cost_cumulative` and `automation_cost_npv`, every
//! column parses as a number, the cumulative cost is the running sum of the yearly cost,
//! the present value discounts at `automation.discount_rate` (4.5% by default) to the
//! first projection year, a zero rate gives the cumulative cost, and the Monte Carlo
//! quantiles carry both columns.

mod common;

use std::path::Path;

fn run(args: &[&str], out: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    common::forcecast()
        .args(["run"])
        .args(args)
        .args(["--out", out.to_str().unwrap(), "--no-charts", "-q"])
        .assert()
        .success();
    common::read_csv(&out.join("summary.csv"))
}

/// Every cell of `summary.csv` parses as a finite f64 (the csv crate, no trimming).
fn numbers(h: &[String], rows: &[Vec<String>]) -> Vec<Vec<f64>> {
    rows.iter()
        .map(|r| {
            assert_eq!(r.len(), h.len());
            r.iter()
                .zip(h)
                .map(|(v, c)| {
                    let x: f64 = v.parse().unwrap_or_else(|_| panic!("{c}: {v:?} is not a number"));
                    assert!(x.is_finite(), "{c}: {v}");
                    x
                })
                .collect()
        })
        .collect()
}

fn col(h: &[String], v: &[Vec<f64>], name: &str) -> Vec<f64> {
    let i = h.iter().position(|c| c == name).unwrap_or_else(|| panic!("{name} missing"));
    v.iter().map(|r| r[i]).collect()
}

#[test]
fn summary_has_cumulative_and_discounted_cost() {
    let tmp = tempfile::tempdir().unwrap();
    let (h, rows) = run(&["baseline"], &tmp.path().join("base"));
    let n = h.len();
    assert_eq!(&h[n - 2..], ["automation_cost_cumulative", "automation_cost_npv"]);
    let v = numbers(&h, &rows);
    let (years, cost, cum, npv) = (
        col(&h, &v, "year"),
        col(&h, &v, "automation_cost"),
        col(&h, &v, "automation_cost_cumulative"),
        col(&h, &v, "automation_cost_npv"),
    );
    // Invariant: the running sum of the yearly cost (written to 3 decimals at most, and
    // whole won here: 0.01 won per year of rounding is far above what can accumulate).
    let mut sum = 0.0;
    let mut pv = 0.0;
    for t in 0..years.len() {
        sum += cost[t];
        pv += cost[t] / 1.045_f64.powi(t as i32);
        assert!((cum[t] - sum).abs() <= 0.01 * (t + 1) as f64, "{}: {} vs {sum}", years[t], cum[t]);
        // The default rate: 4.5%, discounted to the first year (relative 1e-12 for the
        // order of operations; the file has three decimals).
        assert!((npv[t] - pv).abs() <= 1e-12 * pv + 0.01, "{}: {} vs {pv}", years[t], npv[t]);
        assert!(npv[t] <= cum[t] + 1e-6);
    }
    assert!(cum[cum.len() - 1] > 0.0, "the baseline buys systems");
    assert!(npv[npv.len() - 1] < 0.5 * cum[cum.len() - 1], "discounting over 75 years more than halves the sum");

    // A zero rate: present value = cumulative cost, byte for byte in the file.
    let dir = tmp.path();
    let file = dir.join("undiscounted.toml");
    std::fs::write(
        &file,
        "description = \"no discounting\"\nextends = \"baseline\"\n[automation]\ndiscount_rate = 0\n",
    )
    .unwrap();
    let (h0, rows0) = run(&[file.to_str().unwrap()], &dir.join("zero"));
    let (ic, iv) = (h0.len() - 2, h0.len() - 1);
    for r in &rows0 {
        assert_eq!(r[ic], r[iv], "year {}", r[0]);
    }
    // The rate changes nothing else.
    for (a, b) in rows.iter().zip(&rows0) {
        assert_eq!(a[..iv], b[..iv]);
    }
}

#[test]
fn monte_carlo_quantiles_carry_the_new_columns() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("mc");
    common::forcecast()
        .args(["run", "baseline", "--out", out.to_str().unwrap(), "--no-charts", "-q"])
        .args(["--trajectories", "40", "--seed", "7"])
        .assert()
        .success();
    let (h, rows) = common::read_csv(&out.join("quantiles.csv"));
    let metric = h.iter().position(|c| c == "metric").unwrap();
    let p50 = h.iter().position(|c| c == "p50").unwrap();
    let (p05, p95) = (h.iter().position(|c| c == "p05").unwrap(), h.iter().position(|c| c == "p95").unwrap());
    for name in ["automation_cost_cumulative", "automation_cost_npv"] {
        let mine: Vec<&Vec<String>> = rows.iter().filter(|r| r[metric] == name).collect();
        assert_eq!(mine.len(), 76, "{name}: one row per year 2025-2100");
        let mut last = 0.0;
        for r in mine {
            let (lo, mid, hi): (f64, f64, f64) =
                (r[p05].parse().unwrap(), r[p50].parse().unwrap(), r[p95].parse().unwrap());
            assert!(lo <= mid && mid <= hi, "{name} {}: {lo} {mid} {hi}", r[0]);
            // A running sum of non-negative costs never falls, in every trajectory and so
            // in every quantile (up to the f32 storage of the offsets).
            assert!(mid >= last * (1.0 - 1e-6), "{name} {}: median {mid} after {last}", r[0]);
            last = mid;
        }
    }
}

/// A price change in 2040 never reaches back: every year before 2040 is the baseline's,
/// the same systems are bought every year, and the systems bought before 2040 keep their
/// running cost (10% of their own 1e9 a year) while they serve: a step to 0 leaves 2040's
/// cost at exactly that, not 0; a step to 5e9 adds only the new systems at 5e9. (The
/// running cost used to follow the current price: 0 from 2040 with ~52,000 systems in
/// service, and 52.2 trillion instead of 10.4 in 2040 at 5e9.)
#[test]
fn a_unit_cost_change_reaches_only_the_systems_bought_from_its_year() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let (h, base) = run(&["baseline"], &dir.join("base"));
    let runs: Vec<(f64, Vec<Vec<String>>)> = [(0.0, "[[2039, 1e9], [2040, 0]]"), (5.0e9, "[[2040, 5e9]]")]
        .into_iter()
        .map(|(price, path)| {
            let file =
                common::baseline_with(dir, &format!("step{price}"), &format!("[automation]\nunit_cost = {path}\n"));
            let (h2, rows) = run(&[file.to_str().unwrap()], &dir.join(format!("step{price}")));
            assert_eq!(h2, h);
            (price, rows)
        })
        .collect();
    let v = numbers(&h, &base);
    let (years, bought, fielded) =
        (col(&h, &v, "year"), col(&h, &v, "automation_systems_bought"), col(&h, &v, "automation_systems_fielded"));
    let y2040 = years.iter().position(|y| *y == 2040.0).unwrap();
    // The baseline's service life: 15 years (each year's fleet is the last 15 years' buys).
    let life = 15;
    let in_service = |t: usize, from: usize, to: usize| -> f64 {
        (t.saturating_sub(life - 1)..=t).filter(|v| (from..to).contains(v)).map(|v| bought[v]).sum()
    };
    for t in 0..years.len() {
        assert_eq!(in_service(t, 0, years.len()), fielded[t], "{}", years[t]);
    }
    for (price, rows) in &runs {
        let s = numbers(&h, rows);
        for t in 0..y2040 {
            assert_eq!(rows[t], base[t], "unit cost {price}: {} differs", years[t]);
        }
        assert_eq!(col(&h, &s, "automation_systems_bought"), bought, "unit cost {price}");
        let cost = col(&h, &s, "automation_cost");
        for t in y2040..years.len() {
            // The systems bought before 2040 at 1e9 each, those from 2040 at `price`.
            let before = 0.1 * 1.0e9 * in_service(t, 0, y2040);
            let expected = bought[t] * price + before + 0.1 * price * in_service(t, y2040, years.len());
            assert!(
                (cost[t] - expected).abs() <= 1e-9 * expected.max(1.0),
                "{price} {}: {} vs {expected}",
                years[t],
                cost[t]
            );
        }
        // 2040: the 46,930 systems of 2026-2039 in service, 4.69 trillion a year.
        assert!(0.1 * 1.0e9 * in_service(y2040, 0, y2040) > 4.0e12);
    }
}
