//! The study layer's workloads: a 1,000-point sweep of the d2 bench model
//! (one AZ's availability; the diagram is built once and re-evaluated), the
//! same sweep with a diagram built at each point (the baseline), a blast
//! radius of the multi-AZ model, and `optimize` over 10^9 designs.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use fivenines::System;
use fivenines::study::optimize::{Goal, optimize};
use fivenines::study::{Change, Study, Vary, blast, sweep};

fn study(c: &mut Criterion) {
    let mut g = c.benchmark_group("study");
    g.sample_size(10);
    let d2 = format!(
        "{}/benches/models/analytic-d2.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    let s = Study::new(System::from_path(&d2).expect("bench model"));
    let vary = Vary::parse("domain.az0.availability=99%..99.999%:1000:log").expect("range");
    g.bench_function("sweep-d2-1000-points", |b| {
        b.iter(|| sweep(black_box(&s), std::slice::from_ref(&vary), None).expect("sweeps"))
    });
    g.bench_function("sweep-d2-1000-points-rebuilt", |b| {
        b.iter(|| {
            for &v in &vary.values {
                black_box(
                    s.evaluate(&[Change::Set(vary.setting.clone(), v)])
                        .expect("evaluates"),
                );
            }
        })
    });
    let multi = format!(
        "{}/models/multi-az-three-tier.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    let m = Study::new(System::from_path(&multi).expect("model"));
    g.bench_function("blast-multi-az", |b| {
        b.iter(|| blast(black_box(&m)).expect("blast"))
    });
    let mut text = String::from("system = \"service\"\n");
    let mut series = Vec::new();
    for i in 0..9 {
        text.push_str(&format!(
            "[component.t{i}]\navailability = {}\ncount = \"1..10\"\ncost_per_month = {}\n",
            0.95 + 0.004 * i as f64,
            10 + 7 * i
        ));
        series.push(format!("\"t{i}\""));
    }
    text.push_str(&format!(
        "[block.service]\nseries = [{}]\n",
        series.join(", ")
    ));
    let o = Study::new(System::from_str("billion.toml", &text).expect("model"));
    let goal = Goal {
        target: Some(fivenines::Availability::parse("99.9%").expect("target")),
        budget: None,
    };
    g.bench_function("optimize-1e9-designs", |b| {
        b.iter(|| optimize(black_box(&o), goal).expect("optimizes"))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    // No plots: figures print as text, and a machine without fonts (a
    // fresh CI image) does not abort in the plotting backend.
    config = Criterion::default().without_plots();
    targets = study
}
criterion_main!(benches);
