//! Building a model in code, key by key as in a model file.
//!
//! [`ModelBuilder`] writes the model file it stands for (see
//! [`ModelBuilder::to_toml`]) and reads it with [`System::from_str`], so a
//! model built in code means exactly what the same file means, with the same
//! checks and the same error messages.
//!
//! # Examples
//!
//! ```
//! use fivenines::{ModelBuilder, BlockBuilder, analytic};
//!
//! let sys = ModelBuilder::new("two web servers behind an ALB")
//!     .domain("az-a", |d| d.like("aws.az"))
//!     .domain("az-b", |d| d.like("aws.az"))
//!     .component("alb", |c| c.like("aws.elb.alb"))
//!     .component("web", |c| c.like("aws.ec2.instance").count(2).spread(["az-a", "az-b"]))
//!     .block("app", BlockBuilder::series(["alb", "web"]))
//!     .system("app")
//!     .build()?;
//! let a = analytic::evaluate(&sys)?;
//! assert!(a.availability > 0.999 && a.availability < 0.9999);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use toml::{Table, Value};

use crate::error::ModelErrors;
use crate::model::system::System;

/// The keys of one component or domain, as in `[component.NAME]`.
#[derive(Clone, Debug, Default)]
pub struct PartBuilder {
    table: Table,
}

impl PartBuilder {
    fn set(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.table.insert(key.to_string(), value.into());
        self
    }

    /// `availability`: `"99.95%"`, `"0.9995"` or `"3.3 nines"`.
    pub fn availability(self, a: &str) -> Self {
        self.set("availability", a)
    }

    /// `mtbf`, a duration with its unit: `"1000h"`.
    pub fn mtbf(self, d: &str) -> Self {
        self.set("mtbf", d)
    }

    /// `mttr`, a duration with its unit: `"4h"`.
    pub fn mttr(self, d: &str) -> Self {
        self.set("mttr", d)
    }

    /// `failure = { weibull = { shape, scale } }`.
    pub fn weibull_failures(self, shape: f64, scale: &str) -> Self {
        self.set(
            "failure",
            dist(
                "weibull",
                [("shape", Value::from(shape)), ("scale", Value::from(scale))],
            ),
        )
    }

    /// `repair = { lognormal = { mean, sd } }`.
    pub fn lognormal_repairs(self, mean: &str, sd: &str) -> Self {
        self.set(
            "repair",
            dist(
                "lognormal",
                [("mean", Value::from(mean)), ("sd", Value::from(sd))],
            ),
        )
    }

    /// `repair = { fixed = "30m" }`.
    pub fn fixed_repairs(self, d: &str) -> Self {
        let mut t = Table::new();
        t.insert("fixed".to_string(), Value::from(d));
        self.set("repair", t)
    }

    /// `like`: start from a catalog entry (`fivenines catalog` lists them).
    pub fn like(self, entry: &str) -> Self {
        self.set("like", entry)
    }

    /// `domain`: the component is down whenever this domain is.
    pub fn domain(self, domain: &str) -> Self {
        self.set("domain", domain)
    }

    /// `within`: nest a domain in another (an AZ within a region).
    pub fn within(self, domain: &str) -> Self {
        self.set("within", domain)
    }

    /// `count`: identical, independent replicas.
    pub fn count(self, n: u32) -> Self {
        self.set("count", i64::from(n))
    }

    /// `spread`: replica j in domain j mod len.
    pub fn spread<'a>(self, domains: impl IntoIterator<Item = &'a str>) -> Self {
        let list: Vec<Value> = domains.into_iter().map(Value::from).collect();
        self.set("spread", list)
    }

    /// `need`: at least K of the replicas up.
    pub fn need(self, k: u32) -> Self {
        self.set("need", i64::from(k))
    }

    /// `cost_per_month`, per replica, in the model's currency.
    pub fn cost_per_month(self, cost: f64) -> Self {
        self.set("cost_per_month", cost)
    }
}

fn dist<const N: usize>(kind: &str, params: [(&str, Value); N]) -> Table {
    let mut p = Table::new();
    for (k, v) in params {
        p.insert(k.to_string(), v);
    }
    let mut t = Table::new();
    t.insert(kind.to_string(), Value::Table(p));
    t
}

/// The keys of one block, as in `[block.NAME]`.
#[derive(Clone, Debug)]
pub struct BlockBuilder {
    table: Table,
}

impl BlockBuilder {
    fn kind<'a>(kind: &str, members: impl IntoIterator<Item = &'a str>) -> Self {
        let mut table = Table::new();
        let list: Vec<Value> = members.into_iter().map(Value::from).collect();
        table.insert(kind.to_string(), Value::Array(list));
        BlockBuilder { table }
    }

    /// `series = [...]`: up when all members are up.
    pub fn series<'a>(members: impl IntoIterator<Item = &'a str>) -> Self {
        Self::kind("series", members)
    }

    /// `parallel = [...]`: up when at least `need` (default 1) members are up.
    pub fn parallel<'a>(members: impl IntoIterator<Item = &'a str>) -> Self {
        Self::kind("parallel", members)
    }

    /// `standby = [...]`: one member serves at a time, in this order of preference.
    pub fn standby<'a>(members: impl IntoIterator<Item = &'a str>) -> Self {
        Self::kind("standby", members)
    }

    /// `choose = [...]`: an option for `optimize`, evaluated at its first member.
    pub fn choose<'a>(members: impl IntoIterator<Item = &'a str>) -> Self {
        Self::kind("choose", members)
    }

    /// `need` (parallel blocks).
    pub fn need(mut self, k: u32) -> Self {
        self.table
            .insert("need".to_string(), Value::from(i64::from(k)));
        self
    }

    /// `failover`, a duration (standby blocks): `"90s"`.
    pub fn failover(mut self, d: &str) -> Self {
        self.table.insert("failover".to_string(), Value::from(d));
        self
    }

    /// `switch_success` (standby blocks): `0.99` or `"99%"`.
    pub fn switch_success(mut self, p: f64) -> Self {
        self.table
            .insert("switch_success".to_string(), Value::from(p));
        self
    }

    /// `detect`, a duration (standby blocks): how long a failure of the
    /// serving member goes unnoticed, `"90s"`.
    pub fn detect(mut self, d: &str) -> Self {
        self.table.insert("detect".to_string(), Value::from(d));
        self
    }

    /// `revert` (standby blocks): move back to a preferred member once it is up.
    pub fn revert(mut self, on: bool) -> Self {
        self.table.insert("revert".to_string(), Value::from(on));
        self
    }

    /// `failback`, a duration (standby blocks with `revert`): the
    /// interruption of a move back, `"0s"`.
    pub fn failback(mut self, d: &str) -> Self {
        self.table.insert("failback".to_string(), Value::from(d));
        self
    }

    /// `like`: a failover entry of the catalog (standby blocks).
    pub fn like(mut self, entry: &str) -> Self {
        self.table.insert("like".to_string(), Value::from(entry));
        self
    }
}

/// A model built in code. See the [module documentation](self).
#[derive(Clone, Debug)]
pub struct ModelBuilder {
    top: Table,
    domains: Table,
    components: Table,
    blocks: Table,
}

impl ModelBuilder {
    /// A model with this `name`.
    pub fn new(name: &str) -> Self {
        let mut top = Table::new();
        top.insert("name".to_string(), Value::from(name));
        ModelBuilder {
            top,
            domains: Table::new(),
            components: Table::new(),
            blocks: Table::new(),
        }
    }

    /// `system`: the block or component evaluated.
    pub fn system(mut self, name: &str) -> Self {
        self.top.insert("system".to_string(), Value::from(name));
        self
    }

    /// `description`.
    pub fn description(mut self, text: &str) -> Self {
        self.top
            .insert("description".to_string(), Value::from(text));
        self
    }

    /// `currency` of `cost_per_month`.
    pub fn currency(mut self, code: &str) -> Self {
        self.top.insert("currency".to_string(), Value::from(code));
        self
    }

    /// `[domain.NAME]`.
    pub fn domain(mut self, name: &str, keys: impl FnOnce(PartBuilder) -> PartBuilder) -> Self {
        self.domains.insert(
            name.to_string(),
            Value::Table(keys(PartBuilder::default()).table),
        );
        self
    }

    /// `[component.NAME]`.
    pub fn component(mut self, name: &str, keys: impl FnOnce(PartBuilder) -> PartBuilder) -> Self {
        self.components.insert(
            name.to_string(),
            Value::Table(keys(PartBuilder::default()).table),
        );
        self
    }

    /// `[block.NAME]`.
    pub fn block(mut self, name: &str, block: BlockBuilder) -> Self {
        self.blocks
            .insert(name.to_string(), Value::Table(block.table));
        self
    }

    /// The model file this builder stands for.
    pub fn to_toml(&self) -> String {
        let mut t = self.top.clone();
        for (key, part) in [
            ("domain", &self.domains),
            ("component", &self.components),
            ("block", &self.blocks),
        ] {
            if !part.is_empty() {
                t.insert(key.to_string(), Value::Table(part.clone()));
            }
        }
        toml::to_string(&t).unwrap_or_default()
    }

    /// Checks the model and compiles it.
    ///
    /// # Errors
    ///
    /// Every problem, as for a model file; the places point into
    /// [`to_toml`](Self::to_toml)'s text.
    pub fn build(&self) -> Result<System, ModelErrors> {
        let name = self
            .top
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("model");
        System::from_str(&format!("<built in code: {name}>"), &self.to_toml())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_what_the_file_means() {
        let text = "name = \"pair\"\nsystem = \"pair\"\n[component.a]\navailability = \"99%\"\nmttr = \"1h\"\n[component.b]\navailability = \"99%\"\nmttr = \"1h\"\n[block.pair]\nstandby = [\"a\", \"b\"]\nfailover = \"90s\"\nswitch_success = 0.99\n";
        let from_file = System::from_str("pair.toml", text).unwrap();
        let built = ModelBuilder::new("pair")
            .component("a", |c| c.availability("99%").mttr("1h"))
            .component("b", |c| c.availability("99%").mttr("1h"))
            .block(
                "pair",
                BlockBuilder::standby(["a", "b"])
                    .failover("90s")
                    .switch_success(0.99),
            )
            .system("pair")
            .build()
            .unwrap();
        let x = crate::analytic::evaluate(&from_file).unwrap();
        let y = crate::analytic::evaluate(&built).unwrap();
        assert_eq!(x, y);
    }

    #[test]
    fn errors_come_back_as_model_errors() {
        let err = ModelBuilder::new("bad")
            .component("a", |c| c.availability("120%"))
            .system("a")
            .build()
            .unwrap_err();
        assert_eq!(err.errors.len(), 1);
        assert!(err.errors[0].message.contains("outside (0, 1]"));
    }
}
