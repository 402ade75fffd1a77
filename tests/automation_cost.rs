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
