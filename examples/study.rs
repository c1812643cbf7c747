//! The study layer from code: what-if, blast radius and a sweep of one
//! model, as values (no model text written or parsed again for figures).
//!
//!     cargo run --release --example study

use fivenines::System;
use fivenines::model::quantity::human_duration;
use fivenines::study::{Change, Study, Vary, blast, sweep};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/models/multi-az-three-tier.toml"
    );
    let study = Study::new(System::from_path(path)?);

    // What-if: an AZ down for good, and a database that never fails.
    let base = study.evaluate(&[])?;
    let az_down = study.evaluate(&[Change::Down("az-a".into())])?;
    let db_perfect = study.evaluate(&[
        Change::Up("db-primary".into()),
        Change::Up("db-standby".into()),
    ])?;
    println!("as built           {:.5}%", base.availability * 100.0);
    println!("az-a down          {:.5}%", az_down.availability * 100.0);
    println!("database perfect   {:.5}%", db_perfect.availability * 100.0);

    // Blast radius: single points of failure and pairs.
    let b = blast(&study)?;
    println!(
        "single points of failure: {}",
        b.single_points_of_failure.join(", ")
    );
    for c in b.cut_sets.iter().take(3) {
        println!(
            "  {} together: {} a year",
            c.names.join(" + "),
            human_duration(c.downtime_per_year_s)
        );
    }

    // A sweep of the database failover delay.
    let s = sweep(&study, &[Vary::parse("block.db.failover=30s..5m:4")?], None)?;
    for p in &s.points {
        println!(
            "failover {:>9}: downtime {} a year",
            human_duration(p.value),
            human_duration(p.downtime_per_year_s)
        );
    }
    Ok(())
}
