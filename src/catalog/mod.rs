//! The built-in AWS component catalog: published SLAs, documented timings
//! and our assumptions, each with its kind and source. The catalog is data
//! (`src/catalog/aws.toml`, compiled in), read once.
//!
//! A model uses an entry with `like = "aws.elb.alb"`; keys given beside
//! `like` override the entry's.
//!
//! Every entry has two [`Profile`]s: `sla`, the published floor (or a
//! documented timing, or our assumption where nothing is published), and
//! `typical`, our estimate of real behaviour (a failure rate and a repair
//! time with their reasoning and public sources). A model picks one with
//! the top-level key `catalog = "typical"`, the command line with
//! `--catalog typical`; the default is `sla`.
//!
//! The catalog also holds, as data for request-based features, the
//! default health checks of the load balancers and Route 53
//! ([`health_checks`]) and the SLA service-credit tiers ([`credit_tiers`]).
//!
//! # Examples
//!
//! ```
//! use fivenines::catalog::{self, FigureKind};
//! let alb = catalog::get("aws.elb.alb").expect("in the catalog");
//! assert_eq!(alb.kind, FigureKind::Sla);
//! assert_eq!(alb.availability.map(|a| a.to_string()).as_deref(), Some("99.99%"));
//! assert!(catalog::search("aws.dx").len() >= 4);
//!
//! // The same entry, as we expect it to behave (an estimate).
//! let ec2 = catalog::get_in("aws.ec2.instance", catalog::Profile::Typical).unwrap();
//! assert_eq!(ec2.kind, FigureKind::Estimate);
//! assert!(ec2.reasoning.is_some());
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
    /// Our estimate of real behaviour (the `typical` profile), with its
    /// reasoning and the public sources it rests on.
    Estimate,
}

impl FigureKind {
    /// `sla`, `documented`, `assumption` or `estimate`.
    pub fn as_str(self) -> &'static str {
        match self {
            FigureKind::Sla => "sla",
            FigureKind::Documented => "documented",
            FigureKind::Assumption => "assumption",
            FigureKind::Estimate => "estimate",
        }
    }
}

/// Which figures of each entry a model uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Profile {
    /// The published floor: SLA commitments (contractual floors, not
    /// measured availabilities), documented timings, and our assumptions
    /// where nothing is published. The default: every figure can be checked
    /// against a text AWS publishes.
    #[default]
    Sla,
    /// Our best estimate of real behaviour: failure rates and repair times
    /// from post-event summaries, documented timings and published
    /// figures, each with its reasoning. Estimates, not commitments.
    Typical,
}

impl Profile {
    /// Both profiles, `sla` first.
    pub const ALL: [Profile; 2] = [Profile::Sla, Profile::Typical];

    /// `sla` or `typical`.
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Sla => "sla",
            Profile::Typical => "typical",
        }
    }

    /// Reads `sla` or `typical`.
    ///
    /// # Examples
    ///
    /// ```
    /// use fivenines::catalog::Profile;
    /// assert_eq!(Profile::parse("typical"), Some(Profile::Typical));
    /// assert_eq!(Profile::parse("floor"), None);
    /// ```
    pub fn parse(s: &str) -> Option<Profile> {
        match s {
            "sla" => Some(Profile::Sla),
            "typical" => Some(Profile::Typical),
            _ => None,
        }
    }
}

/// The note a report carries when a model takes figures from the catalog:
/// which profile, and what its figures are.
pub fn profile_note(profile: Profile) -> &'static str {
    match profile {
        Profile::Sla => {
            "catalog profile `sla`: published figures (SLA floors, documented timings) and our assumptions where nothing is published; `--catalog typical` gives our estimates of real behaviour"
        }
        Profile::Typical => {
            "catalog profile `typical`: our estimates of real behaviour (failure rates and repair times from post-event summaries and documented timings, each with its reasoning: `fivenines catalog --catalog typical`), not commitments. `--catalog sla` gives the published floors"
        }
    }
}

impl std::fmt::Display for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
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
    /// The profile these figures are from.
    pub profile: Profile,
    /// The published SLA availability of the entry, whatever the profile
    /// (`None` where AWS publishes none).
    pub sla_floor: Option<Availability>,
    /// mtbf / (mtbf + mttr), for entries given as mean up and repair times
    /// (`None` when the entry gives an availability, or is a failover).
    pub derived_availability: Option<Availability>,
    /// Why the `typical` figures are what they are (typical profile, where
    /// they differ from the published ones).
    pub reasoning: Option<String>,
    /// Related entries: alternatives, and the parts to use with it.
    pub see_also: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalog {
    entry: Vec<RawEntry>,
    health_check: Vec<HealthCheck>,
    credit_tier: Vec<CreditTiers>,
}

/// The typical profile of an entry, where it differs from the published one.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTypical {
    availability: Option<String>,
    mtbf: Option<String>,
    mttr: Option<String>,
    failover: Option<String>,
    switch_success: Option<String>,
    detect: Option<String>,
    reasoning: String,
    source: String,
}

/// Default health-check settings of a service, as published.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HealthCheck {
    /// `alb`, `nlb`, `route53`, `route53.fast`.
    pub id: String,
    /// What is checked.
    pub description: String,
    /// Seconds between checks.
    pub interval_s: f64,
    /// Seconds a check waits for an answer (`None`: not one published value).
    pub timeout_s: Option<f64>,
    /// Consecutive successes to mark a target healthy.
    pub healthy_threshold: Option<u32>,
    /// Consecutive failures to mark it unhealthy.
    pub unhealthy_threshold: u32,
    /// What happens beyond the thresholds (fail open, DNS), and caveats.
    pub note: String,
    /// Where the figures come from, with the date of the text.
    pub source: String,
}

impl HealthCheck {
    /// Time to notice a dead target: interval x unhealthy threshold, seconds.
    pub fn detect_s(&self) -> f64 {
        self.interval_s * f64::from(self.unhealthy_threshold)
    }
}

/// One step of an SLA's service-credit schedule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreditTier {
    /// The credit applies when the monthly uptime is below this, percent.
    pub below_percent: f64,
    /// Credit, percent of the month's charges.
    pub credit_percent: f64,
}

/// The service-credit schedule of one SLA.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreditTiers {
    /// The service and the commitment the schedule belongs to.
    pub service: String,
    /// The steps, highest threshold first (empty where the SLA pays credits
    /// another way: see `note`).
    pub tiers: Vec<CreditTier>,
    /// How the credit is paid when not as these steps, and caveats.
    pub note: Option<String>,
    /// Where the schedule comes from, with the date of the text.
    pub source: String,
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
    #[serde(default)]
    see_also: Vec<String>,
    typical: Option<RawTypical>,
}

fn yes() -> bool {
    true
}

struct Parsed {
    sla: Vec<Entry>,
    typical: Vec<Entry>,
    health: Vec<HealthCheck>,
    credits: Vec<CreditTiers>,
}

fn parse_all(text: &str) -> Result<Parsed, String> {
    let raw: RawCatalog = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut sla = Vec::new();
    let mut typical = Vec::new();
    for r in raw.entry {
        let published = parse_entry(&r)?;
        let mut t = published.clone();
        t.profile = Profile::Typical;
        if let Some(ty) = &r.typical {
            let ctx = |e: QuantityError| format!("{} (typical): {}", r.id, e.message);
            let dur =
                |s: &Option<String>| s.as_deref().map(parse_duration).transpose().map_err(ctx);
            let steady = ty.availability.is_some() || ty.mtbf.is_some() || ty.mttr.is_some();
            if steady {
                // A typical steady state replaces the published one whole:
                // mixing an SLA availability with an estimated repair time
                // is what gave the absurd failure rates.
                t.availability = ty
                    .availability
                    .as_deref()
                    .map(Availability::parse)
                    .transpose()
                    .map_err(ctx)?;
                t.mtbf_s = dur(&ty.mtbf)?;
                t.mttr_s = dur(&ty.mttr)?;
            }
            if ty.failover.is_some() {
                t.failover_s = dur(&ty.failover)?;
            }
            if ty.detect.is_some() {
                t.detect_s = dur(&ty.detect)?;
            }
            if let Some(p) = &ty.switch_success {
                t.switch_success = Some(parse_probability(p).map_err(ctx)?);
            }
            t.kind = FigureKind::Estimate;
            t.confirmed = true;
            t.source = ty.source.clone();
            t.reasoning = Some(ty.reasoning.clone());
            t.derived_availability = derived(&t);
        }
        sla.push(published);
        typical.push(t);
    }
    Ok(Parsed {
        sla,
        typical,
        health: raw.health_check,
        credits: raw.credit_tier,
    })
}

/// mtbf / (mtbf + mttr) for an entry given as times only.
fn derived(e: &Entry) -> Option<Availability> {
    match (e.availability, e.mtbf_s, e.mttr_s) {
        (None, Some(u), Some(r)) if u + r > 0.0 => Availability::new(u / (u + r)).ok(),
        _ => None,
    }
}

fn parse_entry(r: &RawEntry) -> Result<Entry, String> {
    let ctx = |e: QuantityError| format!("{}: {}", r.id, e.message);
    let dur = |s: &Option<String>| s.as_deref().map(parse_duration).transpose().map_err(ctx);
    let availability = r
        .availability
        .as_deref()
        .map(Availability::parse)
        .transpose()
        .map_err(ctx)?;
    let mut e = Entry {
        availability,
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
        id: r.id.clone(),
        role: r.role,
        description: r.description.clone(),
        kind: r.kind,
        confirmed: r.confirmed,
        source: r.source.clone(),
        note: r.note.clone(),
        profile: Profile::Sla,
        sla_floor: if r.kind == FigureKind::Sla {
            availability
        } else {
            None
        },
        derived_availability: None,
        reasoning: None,
        see_also: r.see_also.clone(),
    };
    e.derived_availability = derived(&e);
    Ok(e)
}

fn parsed() -> &'static Parsed {
    static PARSED: OnceLock<Parsed> = OnceLock::new();
    PARSED.get_or_init(|| parse_all(AWS).expect("the built-in catalog is checked by its tests"))
}

/// Every entry with its published figures (the `sla` profile), in
/// catalog order.
pub fn entries() -> &'static [Entry] {
    &parsed().sla
}

/// Every entry with the figures of `profile`, in catalog order.
pub fn entries_in(profile: Profile) -> &'static [Entry] {
    match profile {
        Profile::Sla => &parsed().sla,
        Profile::Typical => &parsed().typical,
    }
}

/// The entry with this id, published figures (the `sla` profile).
pub fn get(id: &str) -> Option<&'static Entry> {
    get_in(id, Profile::Sla)
}

/// The entry with this id, with the figures of `profile`.
pub fn get_in(id: &str, profile: Profile) -> Option<&'static Entry> {
    entries_in(profile).iter().find(|e| e.id == id)
}

/// The default health checks (ALB, NLB, Route 53), as published.
///
/// # Examples
///
/// ```
/// let alb = fivenines::catalog::health_checks().iter().find(|h| h.id == "alb").unwrap();
/// assert_eq!(alb.detect_s(), 60.0); // 30 s x 2
/// ```
pub fn health_checks() -> &'static [HealthCheck] {
    &parsed().health
}

/// The SLA service-credit schedules, as published.
///
/// # Examples
///
/// ```
/// let tiers = fivenines::catalog::credit_tiers();
/// assert!(tiers.iter().any(|t| t.service.starts_with("EC2")));
/// ```
pub fn credit_tiers() -> &'static [CreditTiers] {
    &parsed().credits
}

/// Entries whose id or description contains `pattern` (case-insensitive);
/// `*` matches any run of characters; published figures.
pub fn search(pattern: &str) -> Vec<&'static Entry> {
    search_in(pattern, Profile::Sla)
}

/// As [`search`], with the figures of `profile`.
pub fn search_in(pattern: &str, profile: Profile) -> Vec<&'static Entry> {
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
    entries_in(profile)
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
        let e = parse_all(AWS).unwrap().sla;
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
    fn profiles_differ_where_a_typical_table_is_given() {
        let p = parse_all(AWS).unwrap();
        assert_eq!(p.sla.len(), p.typical.len());
        for (s, t) in p.sla.iter().zip(&p.typical) {
            assert_eq!(s.id, t.id);
            assert_eq!((s.profile, t.profile), (Profile::Sla, Profile::Typical));
            // The published floor is the same whatever the profile.
            assert_eq!(s.sla_floor, t.sla_floor, "{}", s.id);
            if t.kind == FigureKind::Estimate {
                assert!(t.reasoning.is_some(), "{}", t.id);
            } else {
                assert_eq!(s.availability, t.availability, "{}", s.id);
                assert_eq!(s.mtbf_s, t.mtbf_s, "{}", s.id);
            }
        }
        // A typical steady state replaces the published one whole.
        let ec2 = p
            .typical
            .iter()
            .find(|e| e.id == "aws.ec2.instance")
            .unwrap();
        assert_eq!(ec2.availability, None);
        assert_eq!(
            (ec2.mtbf_s, ec2.mttr_s),
            (Some(365.0 * 86400.0), Some(900.0))
        );
        let want = 365.0 * 86400.0 / (365.0 * 86400.0 + 900.0);
        assert!((ec2.derived_availability.unwrap().value() - want).abs() < 1e-15);
        assert_eq!(ec2.sla_floor.map(|a| a.value()), Some(0.995));
        assert_eq!(Profile::default(), Profile::Sla);
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
        // Entries added since: found as themselves.
        assert_eq!(closest("aws.elasticache", 1), vec!["aws.elasticache"]);
        assert_eq!(closest("aws.efs", 1), vec!["aws.efs"]);
        for nothing in ["aws.opensearch", "aws.sqs", "aws.redshift"] {
            assert!(
                closest(nothing, 3).is_empty(),
                "{nothing}: {:?}",
                closest(nothing, 3)
            );
        }
    }
}
