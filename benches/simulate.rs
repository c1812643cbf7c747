//! The Monte Carlo workloads of README.md ("Performance"): sys10 (about 175
//! events a run) and sys100 (about 1745), one simulated year a run, on one
//! thread and on two; and sys100k (1,000 cells x 100 components, about
//! 2x10^5 events a run) on one thread, on the default engine (the sweep)
//! and on the event engine. Throughput is in runs per second.

#[path = "common/sys100k.rs"]
mod sys100k;

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use fivenines::System;
use fivenines::simulate::{self, Engine, SimulationConfig};

fn load(name: &str) -> System {
    System::from_path(format!(
        "{}/benches/models/{name}.toml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("bench model")
}

fn monte_carlo(c: &mut Criterion) {
    let mut g = c.benchmark_group("simulate");
    g.sample_size(10);
    for (name, runs) in [("sys10", 20_000u64), ("sys100", 8_000)] {
        let sys = load(name);
        g.throughput(Throughput::Elements(runs));
        for threads in [1usize, 2] {
            let cfg = SimulationConfig {
                runs,
                threads: Some(threads),
                ..SimulationConfig::default()
            };
            g.bench_function(format!("{name}/{threads}-thread"), |b| {
                b.iter(|| simulate::simulate(black_box(&sys), &cfg, None).expect("runs"))
            });
        }
    }
    // sys100k: a dozen runs a sample, one thread (runs/s per core; the
    // model's compilation, about a run's time, is in every sample).
    let big = System::from_str("sys100k.toml", &sys100k::sys100k_toml(1_000)).expect("sys100k");
    let runs = 12u64;
    g.throughput(Throughput::Elements(runs));
    let cfg = SimulationConfig {
        runs,
        threads: Some(1),
        ..SimulationConfig::default()
    };
    g.bench_function("sys100k/1-thread", |b| {
        b.iter(|| simulate::simulate(black_box(&big), &cfg, None).expect("runs"))
    });
    // The same runs on the event engine (the same figures, bit for bit):
    // the sweep's gain, measured in the same session.
    let events = SimulationConfig {
        engine: Engine::Events,
        ..cfg.clone()
    };
    g.bench_function("sys100k/1-thread/events", |b| {
        b.iter(|| simulate::simulate(black_box(&big), &events, None).expect("runs"))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    // No plots: figures print as text, and a machine without fonts (a
    // fresh CI image) does not abort in the plotting backend.
    config = Criterion::default().without_plots();
    targets = monte_carlo
}
criterion_main!(benches);
