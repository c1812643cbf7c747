//! The analytic workloads of README.md ("Performance"): d1 (1000 components),
//! d2 (the same over 3 shared AZs), d2 with replica groups. Each is measured
//! in three steps: read and check the model, build the decision diagram, and
//! evaluate (availability, outage frequency and the importance of every
//! component).
//!
//! Then the shapes that used to be quadratic: a replica group with 9,990 of
//! 10,000 needed (a band of 11 counts a level), and a 2,000-level nesting
//! of alternating series and parallel blocks written both ways round
//! (inner block first, or the block's own component first).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use fivenines::{Analyzer, System};

#[path = "common/sys100k.rs"]
mod sys100k;

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

/// A replica group of 10,000 needing 9,990.
fn k_of_n_model() -> String {
    "system = \"r\"\n[component.r]\nmtbf = \"1999h\"\nmttr = \"1h\"\ncount = 10000\nneed = 9990\n"
        .to_string()
}

/// `b_i = series/parallel [b_{i+1}, c_i]`, alternating; `inner_first`
/// lists the inner block before the block's own component.
fn chain_model(levels: usize, inner_first: bool) -> String {
    let mut t = String::from("system = \"b0\"\n");
    for i in 0..=levels {
        t += &format!(
            "[component.c{i}]\nmtbf = \"{}h\"\nmttr = \"1h\"\n",
            500 + i % 7
        );
    }
    for i in 0..levels {
        let inner = if i + 1 < levels {
            format!("b{}", i + 1)
        } else {
            format!("c{levels}")
        };
        let kind = if i % 2 == 0 { "series" } else { "parallel" };
        let own = format!("c{i}");
        let (x, y) = if inner_first {
            (inner, own)
        } else {
            (own, inner)
        };
        t += &format!("[block.b{i}]\n{kind} = [\"{x}\", \"{y}\"]\n");
    }
    t
}

fn shapes(c: &mut Criterion) {
    let mut g = c.benchmark_group("analytic");
    for (name, text) in [
        ("k-of-n-10000-9990", k_of_n_model()),
        ("chain-2000-inner-first", chain_model(2000, true)),
        ("chain-2000-own-first", chain_model(2000, false)),
    ] {
        let sys = System::from_str(name, &text).expect("valid");
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

/// Standby blocks end to end (read, check, build the diagrams, build and
/// solve the Markov chain, evaluate with every contributor): the shipped
/// models whose standby blocks the chain solves, and the two published
/// cases of docs/math.md. The chain's size is printed.
fn standby(c: &mut Criterion) {
    let mut g = c.benchmark_group("standby");
    let dir = env!("CARGO_MANIFEST_DIR");
    for name in [
        "multi-az-three-tier",
        "dx-two-locations-vpn",
        "transit-gateway-hub",
        "route53-multi-region",
    ] {
        let path = format!("{dir}/models/{name}.toml");
        let text = std::fs::read_to_string(&path).expect("model");
        let sys = System::from_str(&path, &text).expect("valid");
        let a = Analyzer::new(&sys).expect("builds").evaluate();
        eprintln!(
            "{name}: engine {:?}, {} Markov states, {} diagram nodes",
            a.engine,
            a.markov_states.unwrap_or(0),
            a.bdd_nodes
        );
        g.bench_function(format!("{name}/end-to-end"), |b| {
            b.iter(|| {
                let sys = System::from_str(&path, black_box(&text)).expect("valid");
                Analyzer::new(&sys).expect("builds").evaluate()
            })
        });
    }
    g.finish();
}

/// `estimate` on sys100k end to end (read, check, build, evaluate with
/// every contributor): 1,000 cells x 100 components over 3 AZs, 5,000
/// standby pairs (the Markov chain is refused, the first order used).
fn scale(c: &mut Criterion) {
    let mut g = c.benchmark_group("estimate");
    g.sample_size(10);
    let text = sys100k::sys100k_toml(1_000);
    g.bench_function("sys100k", |b| {
        b.iter(|| {
            let sys = System::from_str("sys100k.toml", black_box(&text)).expect("valid");
            Analyzer::new(&sys).expect("builds").evaluate()
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    // No plots: figures print as text, and a machine without fonts (a
    // fresh CI image) does not abort in the plotting backend.
    config = Criterion::default().without_plots();
    targets = analytic, shapes, standby, scale
}
criterion_main!(benches);
