//! Loop over redundancy options in code: how many web servers, how many
//! AZs, and which database, with their monthly cost.
//!
//!     cargo run --release --example redundancy_options

use fivenines::model::quantity::human_duration;
use fivenines::{BlockBuilder, ModelBuilder, analytic};

#[derive(Clone, Copy, Debug)]
enum Database {
    SingleAz,
    MultiAz,
}

fn stack(azs: usize, web: u32, db: Database) -> ModelBuilder {
    let zones: Vec<String> = (0..azs)
        .map(|i| format!("az-{}", (b'a' + i as u8) as char))
        .collect();
    let spread: Vec<&str> = zones.iter().map(String::as_str).collect();
    let mut m = ModelBuilder::new(&format!("{web} web servers in {azs} AZs, {db:?} database"))
        .domain("region", |d| d.like("aws.region").cost_per_month(0.0));
    for z in &zones {
        m = m.domain(z, |d| d.like("aws.az").within("region"));
    }
    m = m
        .component("alb", |c| {
            c.like("aws.elb.alb").domain("region").cost_per_month(25.0)
        })
        .component("web", |c| {
            c.like("aws.ec2.instance")
                .count(web)
                .spread(spread.iter().copied())
                .cost_per_month(70.0)
        });
    m = match db {
        Database::SingleAz => m.component("db", |c| {
            c.like("aws.rds.single-az")
                .domain("az-a")
                .cost_per_month(180.0)
        }),
        Database::MultiAz => m
            .component("db-primary", |c| {
                c.like("aws.rds.host").domain("az-a").cost_per_month(180.0)
            })
            .component("db-standby", |c| {
                c.like("aws.rds.host").domain("az-b").cost_per_month(180.0)
            })
            .block(
                "db",
                BlockBuilder::standby(["db-primary", "db-standby"])
                    .like("aws.rds.multi-az.failover"),
            ),
    };
    m.block("stack", BlockBuilder::series(["alb", "web", "db"]))
        .system("stack")
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!(
        "{:<44} {:>12} {:>14} {:>12}",
        "option", "availability", "downtime/year", "USD/month"
    );
    for db in [Database::SingleAz, Database::MultiAz] {
        for azs in [2, 3] {
            for web in [2, 3, 4, 6] {
                let sys = stack(azs, web, db).build()?;
                let a = analytic::evaluate(&sys)?;
                println!(
                    "{:<44} {:>11.4}% {:>14} {:>12.0}",
                    sys.name(),
                    100.0 * a.availability,
                    human_duration(a.downtime_per_year_s),
                    sys.cost_per_month().unwrap_or(0.0)
                );
            }
        }
    }
    println!(
        "\n(exact analytic steady state; catalog figures, SLAs are floors; costs are illustrative)"
    );
    Ok(())
}
