//! The report: one type that tables and JSON read.
use serde::Serialize;

/// Placeholder.
#[derive(Debug, Serialize)]
pub struct Report {}
