//! The analytic workloads of the benchmark README: d1 (1000 components),
//! d2 (the same over 3 shared AZs), d2 with replica groups. Each is measured
//! in three steps: read and check the model, build the decision diagram, and
//! evaluate (availability, outage frequency and the importance of every
//! component).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use fivenines::{Analyzer, System};

const MODELS: &[&str] = &["analytic-d1", "analytic-d2", "analytic-d2-replicas"];

fn load(name: &str) -> (String, String) {
    let path = format!("{}/benches/models/{name}.toml", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("bench model");
    (path, text)
}

fn analytic(c: &mut Criterion) {
    let mut g = c.benchmark_group("analytic");
    for name in MODELS {
        let (path, text) = load(name);
        g.bench_function(format!("{name}/check"), |b| {
            b.iter(|| System::from_str(&path, black_box(&text)).expect("valid"))
        });
        let sys = System::from_str(&path, &text).expect("valid");
        g.bench_function(format!("{name}/build"), |b| {
            b.iter(|| Analyzer::new(black_box(&sys)).expect("builds"))
        });
        let analyzer = Analyzer::new(&sys).expect("builds");
        g.bench_function(format!("{name}/evaluate"), |b| {
            b.iter(|| black_box(&analyzer).evaluate())
        });
    }
    g.finish();
}

criterion_group!(benches, analytic);
criterion_main!(benches);
