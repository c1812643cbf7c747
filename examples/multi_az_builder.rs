//! Build the multi-AZ three-tier stack in code, as the model file reads.
//!
//!     cargo run --example multi_az_builder

use fivenines::model::quantity::human_duration;
use fivenines::{BlockBuilder, ModelBuilder, analytic};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let model = ModelBuilder::new("Multi-AZ three-tier, built in code")
        .domain("region", |d| d.like("aws.region"))
        .domain("az-a", |d| d.like("aws.az").within("region"))
        .domain("az-b", |d| d.like("aws.az").within("region"))
        .component("alb", |c| c.like("aws.elb.alb").domain("region"))
        .component("web", |c| {
            c.like("aws.ec2.instance").count(4).spread(["az-a", "az-b"])
        })
        .component("internal-alb", |c| c.like("aws.elb.alb").domain("region"))
        .component("app", |c| {
            c.like("aws.ec2.instance").count(4).spread(["az-a", "az-b"])
        })
        .component("db-primary", |c| c.like("aws.rds.host").domain("az-a"))
        .component("db-standby", |c| c.like("aws.rds.host").domain("az-b"))
        .block(
            "db",
            BlockBuilder::standby(["db-primary", "db-standby"]).like("aws.rds.multi-az.failover"),
        )
        .block(
            "app-stack",
            BlockBuilder::series(["alb", "web", "internal-alb", "app", "db"]),
        )
        .system("app-stack");

    let sys = model.build()?;
    let a = analytic::evaluate(&sys)?;
    println!("{}", sys.name());
    println!(
        "  availability {:.5}% ({:.2} nines), {} of downtime a year, {:.2} outages a year",
        100.0 * a.availability,
        a.nines,
        human_duration(a.downtime_per_year_s),
        a.outages_per_year.unwrap_or(f64::NAN)
    );
    for c in a.contributors.iter().take(4) {
        println!(
            "  {:<14} {} a year",
            c.name,
            human_duration(c.downtime_per_year_s)
        );
    }
    println!("\nThe model file it stands for:\n\n{}", model.to_toml());
    Ok(())
}
