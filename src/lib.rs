//! # fivenines
//!
//! Availability and downtime of a system from the reliability of its parts:
//! published SLAs or MTBF/MTTR, composed in series, parallel, k of n and
//! standby, with shared failure domains (availability zones, regions)
//! accounted for exactly.
//!
//! The pipeline:
//!
//! 1. [`System::from_path`] / [`System::from_str`] read a model file (TOML)
//!    and check it: every problem is a [`ModelError`] pointing into the file.
//! 2. [`analytic::evaluate`] (or [`Analyzer`] to build once and evaluate
//!    often) computes the exact steady state from a binary decision diagram:
//!    availability, nines, downtime a year, outage frequency and duration,
//!    and what each component costs.
//! 3. [`simulate::simulate`] runs parallel, reproducible Monte Carlo over
//!    missions: the distribution of yearly downtime, percentiles, the chance
//!    of meeting a target, with failover delays played out exactly.
//! 4. [`Report`] (and [`Simulation`]) gather the figures that tables and
//!    JSON print.
//! 5. `chart` (feature `charts`, on by default) draws them: contributors,
//!    options, cost against nines, sweeps, a year's downtime, the model as
//!    a reliability block diagram, and the design-review page.
//!
//! Models can use the built-in AWS [`catalog`] (`like = "aws.elb.alb"`), and
//! [`ModelBuilder`] builds a model in code, key by key as in a file.
//!
//! # Example
//!
//! ```
//! use fivenines::{System, analytic};
//!
//! let sys = System::from_str("link.toml", r#"
//!     name = "Direct Connect with a VPN backup"
//!     system = "link"
//!
//!     [component.dx]
//!     availability = "99.9%"
//!     mttr = "4h"
//!
//!     [component.vpn]
//!     availability = "99.95%"
//!     mttr = "1h"
//!
//!     [block.link]
//!     parallel = ["dx", "vpn"]
//! "#)?;
//! let a = analytic::evaluate(&sys)?;
//! // Two independent links: both must be down.
//! assert!((a.unavailability - 0.001 * 0.0005).abs() < 1e-15);
//! assert!(a.outages_per_year.is_some());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]
#![deny(missing_debug_implementations)]

pub mod analytic;
pub mod builder;
pub mod catalog;
#[cfg(feature = "charts")]
pub mod chart;
pub mod error;
pub mod markov;
pub mod model;
pub mod report;
pub mod simulate;
pub mod study;
pub mod text;
pub mod value;

pub use analytic::{Analytic, Analyzer, Contributor, ContributorKind};
pub use builder::{BlockBuilder, ModelBuilder, PartBuilder};
pub use error::{Error, ModelError, ModelErrors};
pub use model::system::System;
pub use report::Report;
#[allow(deprecated)]
pub use simulate::Config;
pub use simulate::{Simulation, SimulationConfig};
pub use value::dist::Distribution;
pub use value::finding::{Code, Finding, Findings, Severity};
pub use value::quantity::{Availability, QuantityError, YEAR_S, parse_duration, parse_probability};
