//! Evaluate a shipped model with both engines.
//!
//!     cargo run --release --example evaluate_model [models/FILE.toml]

use fivenines::model::quantity::human_duration;
use fivenines::{Availability, Report, System, analytic, simulate};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "models/multi-az-three-tier.toml".to_string());
    let sys = System::from_path(&path)?;

    // Exact steady state, with a target.
    let a = analytic::evaluate(&sys)?;
    let report = Report::analytic(&sys, &a, Some(Availability::parse("99.99%")?));
    println!("{} ({})", report.name, path);
    println!(
        "  exact: availability {:.6}%, {:.2} nines, {} of downtime a year",
        100.0 * report.availability,
        report.nines,
        human_duration(report.downtime_per_year_s)
    );
    if let Some(t) = &report.target {
        println!("  target 99.99%: {}", if t.met { "met" } else { "missed" });
    }
    println!("  top contributors:");
    for c in report.contributors.iter().take(3) {
        println!(
            "    {:<20} {} a year",
            c.name,
            human_duration(c.downtime_per_year_s)
        );
    }
    for note in &report.findings.approximations {
        println!("  approximation: {note}");
    }

    // What a year looks like: 20,000 simulated years.
    let cfg = simulate::SimulationConfig {
        runs: 20_000,
        ..Default::default()
    };
    let sim = simulate::simulate(&sys, &cfg, None)?;
    let [lo, hi] = sim.availability.ci95;
    println!(
        "  simulated: mean availability {:.6}% (95% CI {:.6}% to {:.6}%)",
        100.0 * sim.availability.mean,
        100.0 * lo,
        100.0 * hi
    );
    println!(
        "  downtime in a year: median {}, 99th percentile {}, worst of {} years {}",
        human_duration(sim.downtime_s.p50),
        human_duration(sim.downtime_s.p99),
        sim.runs,
        human_duration(sim.downtime_s.max)
    );
    Ok(())
}
