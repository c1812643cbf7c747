//! The exact engine takes a fixed delay as an Erlang fit (4 exponential
//! phases of the same mean): its error, measured against the simulation,
//! which plays fixed delays exactly. Where detection meets outages about
//! as long as itself, the delay's shape matters most.

use fivenines::simulate::{SimulationConfig, simulate};
use fivenines::{System, analytic};

/// Relative gap between the exact engine and a long simulation, and the
/// simulation's relative 95% half-width.
fn gap(text: &str, runs: u64) -> (f64, f64, Vec<fivenines::Finding>) {
    let sys = System::from_str("m.toml", text).unwrap();
    let a = analytic::evaluate(&sys).unwrap();
    let cfg = SimulationConfig {
        runs,
        seed: 11,
        ..SimulationConfig::default()
    };
    let s = simulate(&sys, &cfg, None).unwrap();
    let u = s.unavailability.mean;
    let hw = (s.unavailability.ci95[1] - s.unavailability.ci95[0]) / 2.0;
    (a.unavailability / u - 1.0, hw / u, a.approximations)
}

#[test]
fn fixed_failover_of_the_multi_az_model() {
    let text = std::fs::read_to_string("models/multi-az-three-tier.toml").unwrap();
    let (gap, hw, approx) = gap(&text, 40_000);
    println!("multi-az-three-tier: Erlang-4 fit vs simulation {gap:+.4} (CI ±{hw:.4})");
    assert!(
        approx
            .iter()
            .any(|a| a.code == fivenines::Code::ErlangFit
                && a.detail.contains("4 exponential phases"))
    );
    // The 90 s failover is short beside everything else: its shape cannot
    // show; the engine must sit inside the simulation's interval.
    assert!(hw < 0.03, "{hw}");
    assert!(gap.abs() <= hw, "{gap} outside ±{hw}");
}

#[test]
fn fixed_detection_against_outages_as_long_as_itself() {
    // Outages of exponential mean 60 s against a fixed 60 s detection:
    // ridden out with probability 1 - e^-1 (fixed) but 1 - (5/4)^-4 with
    // 4 phases. The fit moves the cost of a failure from
    // 60 (1 - e^-1) + 30 e^-1 = 48.9 s to 60 (1 - 0.4096) + 30 x 0.4096
    // = 47.7 s: about 2.5% low.
    let text = r#"
        system = "pair"
        [component.a]
        mtbf = "30d"
        repair = { exponential = { mean = "60s" } }
        [component.b]
        mtbf = "30d"
        repair = { exponential = { mean = "60s" } }
        [block.pair]
        standby = ["a", "b"]
        detect = "60s"
        failover = "30s"
    "#;
    let (gap, hw, approx) = gap(text, 200_000);
    println!(
        "detect 60 s fixed vs 60 s outages: Erlang-4 fit vs simulation {gap:+.4} (CI ±{hw:.4})"
    );
    assert!(
        approx
            .iter()
            .any(|a| a.code == fivenines::Code::ErlangFit && a.detail.contains("detection"))
    );
    assert!(hw < 0.01, "{hw}");
    assert!(gap < 0.0 && gap > -0.05, "{gap} (CI ±{hw})");
}
