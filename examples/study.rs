//! The study layer from code: what-if, blast radius and a sweep of one
//! model, as values (no model text written or parsed again for figures).
//!
//!     cargo run --release --example study

use fivenines::model::quantity::human_duration;
use fivenines::simulate::SimulationConfig;
use fivenines::study::optimize::{Goal, optimize};
use fivenines::study::paired::paired;
use fivenines::study::{Change, Setting, Study, Vary, blast, sweep};
use fivenines::{Availability, System};

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

    // Is a 2 h repair of the primary database really worse than 1 h, or is
    // it noise? The same missions for both (common random numbers).
    let slower = study.system(&[Change::Set(
        Setting::parse("component.db-primary.mttr")?,
        7200.0,
    )])?;
    let cfg = SimulationConfig {
        runs: 5_000,
        ..SimulationConfig::default()
    };
    let p = paired(&[study.base(), &slower], &cfg, None)?;
    if let Some(d) = &p.options[1].difference_s {
        println!(
            "2 h repair: {:+.0} s a year ({:+.0} to {:+.0}; {:.1}x narrower than independent runs)",
            d.mean, d.ci95[0], d.ci95[1], d.narrower
        );
    }

    // The cheapest design of a small web tier that meets 99.99%: how many
    // servers (2 to 8) and which load balancer.
    let tier = System::from_str(
        "tier.toml",
        r#"
system = "service"
[domain.az-a]
like = "aws.az"
[domain.az-b]
like = "aws.az"
[component.alb]
like = "aws.elb.alb"
cost_per_month = 25
[component.nlb]
like = "aws.elb.nlb"
cost_per_month = 20
[block.lb]
choose = ["alb", "nlb"]
[component.web]
like = "aws.ec2.instance"
count = "2..8"
need = 2
spread = ["az-a", "az-b"]
cost_per_month = 70
[block.service]
series = ["lb", "web"]
"#,
    )?;
    let goal = Goal {
        target: Some(Availability::parse("99.95%")?),
        budget: None,
    };
    let o = optimize(&Study::new(tier), goal)?;
    match &o.best {
        Some(b) => println!(
            "cheapest meeting 99.95%: {:?} at {:.0} a month ({} of {} designs evaluated)",
            b.choices, b.cost_per_month, o.evaluated, o.space
        ),
        None => println!("no design meets 99.95%"),
    }
    Ok(())
}
