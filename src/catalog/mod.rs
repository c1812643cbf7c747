//! The built-in AWS component catalog: published SLAs, documented timings
//! and our assumptions, each with its kind and source. The catalog is data
//! (`src/catalog/aws.toml`, compiled in), read once.
//!
//! A model uses an entry with `like = "aws.elb.alb"`; keys given beside
//! `like` override the entry's.
//!
//! # Examples
//!
//! ```
//! use fivenines::catalog::{self, FigureKind};
//! let alb = catalog::get("aws.elb.alb").expect("in the catalog");
//! assert_eq!(alb.kind, FigureKind::Sla);
//! assert_eq!(alb.availability.map(|a| a.to_string()).as_deref(), Some("99.99%"));
//! assert!(catalog::search("aws.dx").len() >= 4);
//! ```

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::value::dist::Distribution;
use crate::value::quantity::{Availability, QuantityError, parse_duration, parse_probability};

const AWS: &str = include_str!("aws.toml");

/// What kind of figure an entry's availability or timing is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FigureKind {
    /// A published SLA commitment: a contractual floor, not a measured availability.
    Sla,
    /// A timing from the provider's documentation.
    Documented,
    /// No published figure: ours, to be replaced by your own.
    Assumption,
}

impl FigureKind {
    /// `sla`, `documented` or `assumption`.
    pub fn as_str(self) -> &'static str {
        match self {
            FigureKind::Sla => "sla",
            FigureKind::Documented => "documented",
            FigureKind::Assumption => "assumption",
        }
    }
}

/// What an entry describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A component (`[component.NAME]`).
    Component,
    /// A failure domain (`[domain.NAME]`).
    Domain,
    /// The failover timing of a standby block (`[block.NAME]` with `standby`).
    Failover,
}

impl Role {
    /// The model table the entry belongs in.
    pub fn table(self) -> &'static str {
        match self {
            Role::Component => "component",
            Role::Domain => "domain",
            Role::Failover => "standby block",
        }
    }
}

/// One catalog entry.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Entry {
    /// Its name, used with `like`: `aws.elb.alb`.
    pub id: String,
    /// What it is for.
    pub role: Role,
    /// What it is.
    pub description: String,
    /// Steady-state availability, if the entry gives one.
    pub availability: Option<Availability>,
    /// Mean up time, seconds.
    pub mtbf_s: Option<f64>,
    /// Mean repair time, seconds.
    pub mttr_s: Option<f64>,
    /// Failover delay, seconds (failover entries).
    pub failover_s: Option<f64>,
    /// Probability a failover succeeds (failover entries).
    pub switch_success: Option<f64>,
    /// Time to notice a failure of the serving member, seconds (failover
    /// entries).
    pub detect_s: Option<f64>,
    /// Whether service goes back to the preferred member (failover entries).
    pub revert: Option<bool>,
    /// Interruption of a move back, seconds (failover entries with revert).
    pub failback_s: Option<f64>,
    /// The kind of the headline figure (availability, or the failover timing).
    pub kind: FigureKind,
    /// Whether the primary text was seen (`false`: a secondary source).
    pub confirmed: bool,
    /// Where the figure comes from.
    pub source: String,
    /// Which parts are our assumptions, and caveats.
    pub note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalog {
    entry: Vec<RawEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    id: String,
    role: Role,
    description: String,
    availability: Option<String>,
    mtbf: Option<String>,
    mttr: Option<String>,
    failover: Option<String>,
    switch_success: Option<String>,
    detect: Option<String>,
    revert: Option<bool>,
    failback: Option<String>,
    kind: FigureKind,
    #[serde(default = "yes")]
    confirmed: bool,
    source: String,
    note: Option<String>,
}

fn yes() -> bool {
    true
}

fn parse(text: &str) -> Result<Vec<Entry>, String> {
    let raw: RawCatalog = toml::from_str(text).map_err(|e| e.to_string())?;
    raw.entry
        .into_iter()
        .map(|r| {
            let ctx = |e: QuantityError| format!("{}: {}", r.id, e.message);
            let dur =
                |s: &Option<String>| s.as_deref().map(parse_duration).transpose().map_err(ctx);
            Ok(Entry {
                availability: r
                    .availability
                    .as_deref()
                    .map(Availability::parse)
                    .transpose()
                    .map_err(ctx)?,
                mtbf_s: dur(&r.mtbf)?,
                mttr_s: dur(&r.mttr)?,
                failover_s: dur(&r.failover)?,
                detect_s: dur(&r.detect)?,
                revert: r.revert,
                failback_s: dur(&r.failback)?,
                switch_success: r
                    .switch_success
                    .as_deref()
                    .map(parse_probability)
                    .transpose()
                    .map_err(ctx)?,
                id: r.id,
                role: r.role,
                description: r.description,
                kind: r.kind,
                confirmed: r.confirmed,
                source: r.source,
                note: r.note,
            })
        })
        .collect()
}

/// Every entry, in catalog order.
pub fn entries() -> &'static [Entry] {
    static ENTRIES: OnceLock<Vec<Entry>> = OnceLock::new();
    ENTRIES.get_or_init(|| parse(AWS).expect("the built-in catalog is checked by its tests"))
}

/// The entry with this id.
pub fn get(id: &str) -> Option<&'static Entry> {
    entries().iter().find(|e| e.id == id)
}

/// Entries whose id or description contains `pattern` (case-insensitive);
/// `*` matches any run of characters.
pub fn search(pattern: &str) -> Vec<&'static Entry> {
    let p = pattern.to_lowercase();
    let parts: Vec<&str> = p.split('*').collect();
    let matches = |s: &str| {
        let s = s.to_lowercase();
        let mut at = 0;
        for part in &parts {
            match s[at..].find(part) {
                Some(i) => at += i + part.len(),
                None => return false,
            }
        }
        true
    };
    entries()
        .iter()
        .filter(|e| matches(&e.id) || matches(&e.description))
        .collect()
}

/// How close an id written in a model is to a catalog id, in [0, 1]: the
/// better of the whole ids compared (without the common `aws.` prefix,
/// which made every `aws.el...` look alike) and their words compared one
/// by one (`aws.rds.multiaz` has the words of `aws.rds.multi-az`).
pub(crate) fn closeness(written: &str, id: &str) -> f64 {
    let strip = |s: &str| {
        let s = s.trim().to_lowercase();
        s.strip_prefix("aws.").map(str::to_string).unwrap_or(s)
    };
    let (w, e) = (strip(written), strip(id));
    let whole = strsim::jaro_winkler(&w, &e);
    let words = |s: &str| -> Vec<String> {
        s.split(['.', '-', '_', ' '])
            .filter(|x| !x.is_empty())
            .map(str::to_string)
            .collect()
    };
    let (ww, ew) = (words(&w), words(&e));
    if ww.is_empty() || ew.is_empty() {
        return whole;
    }
    let word = |a: &str, b: &str| {
        strsim::jaro_winkler(a, b).max(strsim::normalized_damerau_levenshtein(a, b))
    };
    let by_word = ww
        .iter()
        .map(|a| ew.iter().map(|b| word(a, b)).fold(0.0, f64::max))
        .sum::<f64>()
        / ww.len() as f64;
    whole.max(by_word)
}

/// Closeness from which an entry is suggested.
const CLOSE: f64 = 0.85;

/// The ids close to `id`, best first, at most `n`, for "did you mean"
/// hints; empty when nothing is close (then say so rather than suggest
/// unrelated entries).
pub fn closest(id: &str, n: usize) -> Vec<&'static str> {
    let mut scored: Vec<(f64, &'static str)> = entries()
        .iter()
        .map(|e| (closeness(id, &e.id), e.id.as_str()))
        .filter(|(s, _)| *s >= CLOSE)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored.into_iter().take(n).map(|(_, id)| id).collect()
}

impl Entry {
    /// Whether the entry's availability is a published SLA floor.
    pub fn is_sla(&self) -> bool {
        self.kind == FigureKind::Sla && self.availability.is_some()
    }

    /// The failover delay as a distribution (fixed).
    pub fn failover(&self) -> Option<Distribution> {
        self.failover_s.map(Distribution::Fixed)
    }

    /// The detection time as a distribution (fixed).
    pub fn detect(&self) -> Option<Distribution> {
        self.detect_s.map(Distribution::Fixed)
    }

    /// The failback interruption as a distribution (fixed).
    pub fn failback(&self) -> Option<Distribution> {
        self.failback_s.map(Distribution::Fixed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_parses_and_is_complete() {
        let e = parse(AWS).unwrap();
        let ids: Vec<&str> = e.iter().map(|e| e.id.as_str()).collect();
        for want in [
            "aws.az",
            "aws.region",
            "aws.ec2.instance",
            "aws.elb.alb",
            "aws.elb.nlb",
            "aws.elb.clb",
            "aws.rds.single-az",
            "aws.rds.multi-az",
            "aws.aurora",
            "aws.nat-gateway",
            "aws.igw",
            "aws.vpc-endpoint.gateway",
            "aws.vpc-endpoint.interface",
            "aws.tgw",
            "aws.vpc-peering",
            "aws.vpn.site-to-site",
            "aws.dx.connection",
            "aws.dx.one-location-two-connections",
            "aws.dx.multi-site-non-redundant",
            "aws.dx.multi-site-redundant",
            "aws.route53",
            "aws.s3",
            "aws.dynamodb",
            "aws.cloudfront",
        ] {
            assert!(ids.contains(&want), "missing {want}");
        }
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), ids.len(), "duplicate ids");
        for entry in &e {
            match entry.role {
                Role::Failover => assert!(entry.failover_s.is_some(), "{}", entry.id),
                _ => {
                    // Every component and domain can be simulated: a time scale.
                    let perfect = entry
                        .availability
                        .is_some_and(|a| a.unavailability() == 0.0);
                    let known = [
                        entry.availability.is_some(),
                        entry.mtbf_s.is_some(),
                        entry.mttr_s.is_some(),
                    ];
                    assert!(
                        perfect || known.iter().filter(|k| **k).count() == 2,
                        "{}",
                        entry.id
                    );
                }
            }
            assert!(!entry.source.is_empty());
        }
    }

    #[test]
    fn figures_match_the_fact_sheet() {
        let a = |id: &str| get(id).unwrap().availability.unwrap().value();
        assert_eq!(a("aws.elb.alb"), 0.9999);
        assert_eq!(a("aws.ec2.instance"), 0.995);
        assert_eq!(a("aws.rds.multi-az"), 0.9995);
        assert_eq!(a("aws.vpn.site-to-site"), 0.9995);
        assert_eq!(a("aws.s3"), 0.999);
        assert_eq!(
            get("aws.rds.multi-az.failover").unwrap().failover_s,
            Some(90.0)
        );
        assert_eq!(
            get("aws.route53").unwrap().availability,
            Some(Availability::PERFECT)
        );
    }

    #[test]
    fn search_and_suggest() {
        assert!(
            search("elb")
                .iter()
                .all(|e| e.id.contains("elb") || e.description.to_lowercase().contains("elb"))
        );
        assert!(
            search("aws.dx.*location")
                .iter()
                .any(|e| e.id == "aws.dx.location")
        );
        assert_eq!(closest("aws.elb.abl", 1), vec!["aws.elb.alb"]);
    }

    /// Rough edges 11: suggestions match words, and nothing unrelated is
    /// suggested (`aws.elasticache` suggested three `aws.el...` entries).
    #[test]
    fn suggestions_match_words_or_are_none() {
        assert_eq!(closest("aws.rds.multiaz", 1), vec!["aws.rds.multi-az"]);
        assert_eq!(closest("aws.dynamo", 1), vec!["aws.dynamodb"]);
        assert_eq!(closest("aws.route-53", 1), vec!["aws.route53"]);
        assert_eq!(closest("aws.lamda", 1), vec!["aws.lambda"]);
        assert_eq!(closest("aws.s3.onezone", 1), vec!["aws.s3.one-zone-ia"]);
        for nothing in [
            "aws.elasticache",
            "aws.opensearch",
            "aws.sqs",
            "aws.redshift",
            "aws.efs",
        ] {
            assert!(
                closest(nothing, 3).is_empty(),
                "{nothing}: {:?}",
                closest(nothing, 3)
            );
        }
    }
}
