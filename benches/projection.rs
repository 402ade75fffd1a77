//! Speed of one deterministic baseline run, 2025 → 2100.
//!
//! `cargo bench --bench projection` reports:
//! - `projection_alone`: rates, life tables, the 76-interval projection, force and
//!   automation models, from inputs already loaded (target: under 5 ms);
//! - `full_run`: reading the scenario and every data table, projecting, and writing
//!   summary.csv/json, population.csv, manifest.json and every chart (target: under 1 s).

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use forcecast::output::{WriteOptions, write_projection};
use forcecast::{run, scenario};

fn scenarios() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

fn bench(c: &mut Criterion) {
    let dir = scenarios();
    let path = scenario::locate("baseline", &dir).expect("baseline exists");
    let s = scenario::load(&path, &dir).expect("baseline valid");
    let inputs = run::load_inputs(&s, &dir).expect("inputs load");
    c.bench_function("projection_alone", |b| b.iter(|| run::project(black_box(&s), black_box(&inputs)).expect("runs")));

    let tmp = tempfile::tempdir().expect("tempdir");
    let mut g = c.benchmark_group("full_run");
    g.sample_size(10);
    g.bench_function("baseline_with_csv_json_and_charts", |b| {
        b.iter(|| {
            let s = scenario::load(&path, &dir).expect("valid");
            let inputs = run::load_inputs(&s, &dir).expect("inputs");
            let p = run::project(&s, &inputs).expect("runs");
            write_projection(&p, &inputs, &tmp.path().join("baseline"), WriteOptions::default()).expect("writes")
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    // No plots: criterion's plotting would look for system fonts, which this project
    // deliberately does without.
    config = Criterion::default().without_plots();
    targets = bench
}
criterion_main!(benches);
