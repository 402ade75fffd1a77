//! Monte Carlo benchmarks: the baseline 2025-2100 with the force and automation models.
//!
//! `cargo bench --bench monte_carlo` measures
//! - `engine/1k_1thread`: the trajectories alone (CPU cost per trajectory);
//! - `run/{1k,10k}_2threads`: trajectories plus quantiles, probabilities and the
//!   calibration report (everything `forcecast run --trajectories N` computes, without
//!   loading the data or writing files);
//! - `quantiles/10k_exact`: the exact quantiles of 10,000 kept trajectories alone;
//! - `engine/10k_1thread_trajectory_kernel` against `engine/10k_1thread`: the kernel that
//!   projects one trajectory at a time (the group kernel's oracle) and the default group
//!   kernel (trajectories in the vector lanes), same trajectories, same sitting;
//! - `engine/10k_1thread_scalar_force` against `engine/10k_1thread`: the group kernel with
//!   each trajectory's force model stepped alone, and with them in the force lanes;
//! - `sketch/10k_1thread` against `engine/10k_1thread`: the one-pass sketch run (what
//!   `forcecast run` does beyond the sample budget) and the engine keeping every sample,
//!   so their ratio is the sketches' cost per trajectory.
//!
//! The end-to-end figures in the README (wall time and peak memory, 1k/10k/100k) come
//! from `/usr/bin/time -v target/release/forcecast run baseline --trajectories N
//! --threads 2 --quiet --no-charts --out /tmp/mc`.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use forcecast::uncertainty::{self, Options, engine, plan::Plan, sketch, summary};
use forcecast::{run, scenario};

fn bench(c: &mut Criterion) {
    let dir = Path::new("scenarios");
    let s = scenario::load(&dir.join("baseline.toml"), dir).expect("baseline scenario");
    let inputs = run::load_inputs(&s, dir).expect("inputs");
    let det = run::project(&s, &inputs).expect("deterministic run");
    let plan = Plan::new(&s, &inputs, &det).expect("plan");
    let mut g = c.benchmark_group("monte_carlo");
    g.sample_size(10);
    g.bench_function("engine/1k_1thread", |b| {
        b.iter(|| engine::run(&plan, Options { trajectories: 1_000, seed: 1, threads: 1 }, &|_| {}).unwrap())
    });
    let kept = engine::run(&plan, Options { trajectories: 10_000, seed: 1, threads: 1 }, &|_| {}).unwrap();
    g.bench_function("quantiles/10k_exact", |b| b.iter(|| black_box(summary::quantiles(&plan, &kept))));
    let one = Options { trajectories: 10_000, seed: 1, threads: 1 };
    g.bench_function("engine/10k_1thread", |b| b.iter(|| black_box(engine::run(&plan, one, &|_| {}).unwrap())));
    g.bench_function("engine/10k_1thread_trajectory_kernel", |b| {
        b.iter(|| black_box(engine::run_with(&plan, one, engine::Kernel::Trajectory).unwrap()))
    });
    g.bench_function("engine/10k_1thread_scalar_force", |b| {
        b.iter(|| black_box(engine::run_with(&plan, one, engine::Kernel::GroupScalarForce).unwrap()))
    });
    g.bench_function("sketch/10k_1thread", |b| {
        b.iter(|| black_box(sketch::run(&plan, one, sketch::CHUNK, &|_| {}).unwrap()))
    });
    for n in [1_000, 10_000] {
        g.bench_function(format!("run/{}k_2threads", n / 1000), |b| {
            b.iter(|| {
                let o = uncertainty::run(&s, &inputs, &det, Options { trajectories: n, seed: 1, threads: 2 }, &|_| {});
                black_box(o.unwrap())
            })
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    // Criterion's plots need a system font; the figures are in its text output.
    config = Criterion::default().without_plots();
    targets = bench
}
criterion_main!(benches);
