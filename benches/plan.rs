//! Speed of `forcecast plan` (issue 14).
//!
//! `cargo bench --bench plan` reports:
//! - `plan/baseline_all_levers`: the deterministic least-cost plan of the baseline with every
//!   lever that applies (service, active, cadre, civilians, automation), no frontier, no
//!   alternatives, from inputs already loaded: the population projection and the search
//!   (target of the issue: under 10 s);
//! - `plan/evaluation`: one candidate plan evaluated by the force, automation and cost
//!   models on the population projected once (a random path of every lever each time, so
//!   the caches seldom answer);
//! - `plan/evaluation_1000_trajectories`: one candidate evaluated on 1,000 stored Monte
//!   Carlo trajectories (the probabilistic goal's unit of work).

use std::cell::Cell;
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use forcecast::plan::{self, Choice, Context, EFFORT, Lever, Problem, Space};
use forcecast::{run, scenario};

fn scenarios() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

fn problem() -> Problem {
    let levers = Lever::ALL.into_iter().filter(|l| *l != Lever::Women).collect();
    Problem { target: None, from: 2030, levers, budget_per_year: None }
}

/// A random path of every lever that keeps its change limit (splitmix64 on `state`).
fn random_choice(spaces: &[Space], state: &Cell<u64>) -> Choice {
    let next = || {
        let mut z = state.get().wrapping_add(0x9E37_79B9_7F4A_7C15);
        state.set(z);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    spaces
        .iter()
        .map(|sp| {
            let top = sp.values.len() - 1;
            let mut cur = 0usize;
            (0..sp.periods)
                .map(|_| {
                    let up = (next() % (sp.max_step as u64 + 1)) as usize;
                    let down = (next() % (sp.max_step as u64 + 1)) as usize;
                    cur = (cur + up).saturating_sub(down).min(top);
                    cur
                })
                .collect()
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let dir = scenarios();
    let path = scenario::locate("baseline", &dir).expect("baseline exists");
    let s = scenario::load(&path, &dir).expect("baseline valid");
    let inputs = run::load_inputs(&s, &dir).expect("inputs load");
    let pr = problem();

    let mut g = c.benchmark_group("plan");
    g.sample_size(10).measurement_time(Duration::from_secs(40));
    g.bench_function("baseline_all_levers", |b| {
        b.iter(|| {
            let mut ctx = Context::new(black_box(&s), &inputs).expect("projects");
            plan::solve(&mut ctx, &pr, EFFORT, &[], &|_| {}).expect("solves")
        })
    });
    g.finish();

    let ctx = Context::new(&s, &inputs).expect("projects");
    let spaces = ctx.spaces(&pr).expect("grids");
    let state = Cell::new(1);
    let mut g = c.benchmark_group("plan");
    g.bench_function("evaluation", |b| {
        b.iter_batched(
            || random_choice(&spaces, &state),
            |choice| ctx.score(&pr, &spaces, &choice).expect("evaluates"),
            criterion::BatchSize::SmallInput,
        )
    });
    let traj = plan::mc::Trajectories::new(&ctx, &pr, 0.9, 1000, 20250630, 2).expect("trajectories");
    g.sample_size(10);
    g.bench_function("evaluation_1000_trajectories", |b| {
        b.iter_batched(
            || ctx.detail(&pr, &spaces, &random_choice(&spaces, &state)).expect("evaluates"),
            |d| traj.evaluate(&ctx, &pr, &spaces, &d).expect("evaluates"),
            criterion::BatchSize::SmallInput,
        )
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
