//! Plain values below every other layer: quantities (availabilities,
//! probabilities, durations and their formatting), time distributions, and
//! targets with their verdicts.
//!
//! This module imports nothing else of the crate, so the model, the catalog,
//! both engines and the report can all use it without depending on each
//! other. The old paths (`model::quantity`, `model::dist`,
//! `report::Target`, `report::Verdict`) re-export these.

pub mod dist;
pub mod finding;
pub mod quantity;
pub mod target;
