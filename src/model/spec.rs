//! The model as written: every value with the byte span it came from.
//!
//! [`read`] walks the TOML document (with spans) into a [`Spec`], checking
//! each key's spelling and each value's type and unit, and collects every
//! problem instead of stopping at the first.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::error::{Issue, suggest};
use crate::model::dist::Distribution;
use crate::model::quantity::{Availability, QuantityError, parse_duration, parse_probability};
use crate::model::system::BlockKind;

/// A value and where it was written.
#[derive(Clone, Debug)]
pub(crate) struct Sp<T> {
    pub v: T,
    pub span: Range<usize>,
}

/// The reliability keys shared by components and domains.
#[derive(Clone, Debug, Default)]
pub(crate) struct RelSpec {
    pub availability: Option<Sp<Availability>>,
    pub mtbf: Option<Sp<f64>>,
    pub mttr: Option<Sp<f64>>,
    pub failure: Option<Sp<Distribution>>,
    pub repair: Option<Sp<Distribution>>,
    pub like: Option<Sp<String>>,
    pub cost_per_month: Option<Sp<f64>>,
    pub description: Option<String>,
}

/// `count = N` or `count = "a..b"`.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Count {
    Fixed(u32),
    Range(u32, u32),
}

#[derive(Clone, Debug)]
pub(crate) struct ComponentSpec {
    pub name: Sp<String>,
    pub rel: RelSpec,
    pub domain: Option<Sp<String>>,
    pub count: Option<Sp<Count>>,
    pub spread: Option<Sp<Vec<Sp<String>>>>,
    pub need: Option<Sp<u32>>,
}

#[derive(Clone, Debug)]
pub(crate) struct DomainSpec {
    pub name: Sp<String>,
    pub rel: RelSpec,
    pub within: Option<Sp<String>>,
}

#[derive(Clone, Debug)]
pub(crate) struct BlockSpec {
    pub name: Sp<String>,
    /// The kind and the span of its key; `None` when no kind key was given.
    pub kind: Option<Sp<BlockKind>>,
    pub members: Vec<Sp<String>>,
    pub need: Option<Sp<u32>>,
    pub failover: Option<Sp<Distribution>>,
    pub switch_success: Option<Sp<f64>>,
    pub detect: Option<Sp<Distribution>>,
    pub revert: Option<Sp<bool>>,
    pub failback: Option<Sp<Distribution>>,
    pub like: Option<Sp<String>>,
}

/// The whole model as written.
#[derive(Clone, Debug, Default)]
pub(crate) struct Spec {
    pub name: Option<Sp<String>>,
    pub description: Option<String>,
    pub system: Option<Sp<String>>,
    pub currency: Option<Sp<String>>,
    /// `catalog = "sla" | "typical"`: which figures `like` takes.
    pub catalog: Option<Sp<crate::catalog::Profile>>,
    pub components: Vec<ComponentSpec>,
    pub domains: Vec<DomainSpec>,
    pub blocks: Vec<BlockSpec>,
    /// Span of the first line, for errors about the file as a whole.
    pub top_span: Range<usize>,
    /// Names of entries whose reading failed: the checker skips them so that
    /// one typo gives one error, not a cascade.
    pub tainted: std::collections::HashSet<String>,
}

use super::quick::{Item, Key, Val};

const TOP_KEYS: &[&str] = &[
    "name",
    "description",
    "system",
    "currency",
    "catalog",
    "component",
    "domain",
    "block",
];
const REL_KEYS: &[&str] = &[
    "availability",
    "mtbf",
    "mttr",
    "failure",
    "repair",
    "like",
    "cost_per_month",
    "description",
];
const COMPONENT_KEYS: &[&str] = &["domain", "count", "spread", "need"];
const DOMAIN_KEYS: &[&str] = &["within"];
const BLOCK_KEYS: &[&str] = &[
    "series",
    "parallel",
    "standby",
    "choose",
    "need",
    "failover",
    "switch_success",
    "detect",
    "revert",
    "failback",
    "like",
    "description",
];

/// Largest replica count (and `need`) accepted: the item cap
/// ([`MAX_ITEMS`](crate::model::check::MAX_ITEMS)), so that one component
/// may hold every replica a model can have; the item cap is what bounds the
/// memory a file can ask for.
pub(crate) const MAX_COUNT: u32 = 1_000_000;

/// Parses the TOML text into a [`Spec`], collecting every problem. The spec
/// comes back even with problems (entries read in part), so that checking can
/// report what else is wrong; it is `Err` only for invalid TOML.
pub(crate) fn read(text: &str) -> Result<(Spec, Vec<Issue>), Vec<Issue>> {
    // Plain models quickly, a table at a time; anything else (errors
    // included) by the toml crate, which gives every message.
    if let Some(read) = read_quick(text) {
        return Ok(read);
    }
    read_full(text)
}

/// A fresh spec of `text` (its vectors grow as they fill: room reserved
/// ahead from a count of the headers read no faster).
fn new_spec(text: &str) -> Spec {
    let first_line = text.find('\n').unwrap_or(text.len());
    Spec {
        top_span: 0..first_line,
        ..Spec::default()
    }
}

/// [`read`] through [`quick::each`](super::quick::each): `None` when the
/// text is not of the plain kind (the toml crate then reads it).
fn read_quick(text: &str) -> Option<(Spec, Vec<Issue>)> {
    let mut r = Reader::default();
    let mut spec = new_spec(text);
    super::quick::each(text, |item| {
        match item {
            Item::Top(key, val) => r.top_key(&mut spec, &key, &val),
            Item::Table {
                kind, name, body, ..
            } => {
                let kind = Kind::of(kind.get_ref())?;
                r.entry(&mut spec, kind, &name, body.iter().map(|(k, v)| (k, v)));
            }
        }
        Some(())
    })?;
    Some((spec, r.issues))
}

/// [`read`] through the `toml` crate's document.
fn read_full(text: &str) -> Result<(Spec, Vec<Issue>), Vec<Issue>> {
    let (doc, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        return Err(errors
            .iter()
            .map(|e| {
                let span = e.span().unwrap_or(0..0);
                Issue::new(
                    span,
                    format!("invalid TOML: {}", e.message().trim()),
                    "here",
                )
                .help("see the TOML syntax at toml.io; every model is one TOML file")
            })
            .collect());
    }
    let mut r = Reader::default();
    let mut spec = new_spec(text);
    let doc = doc.into_inner();
    for (key, val) in doc.iter() {
        let Some(kind) = Kind::of(key.get_ref()) else {
            r.top_key(&mut spec, key, val);
            continue;
        };
        let k = kind.key();
        let Some(entries) = r.table(val, &format!("[{k}.NAME] tables")) else {
            continue;
        };
        let body_what = format!("a table of {k} keys");
        for (name, body) in entries.iter() {
            if let Some(body) = r.table(body, &body_what) {
                r.entry(&mut spec, kind, name, body.iter());
            }
        }
    }
    Ok((spec, r.issues))
}

/// The kinds of `[kind.name]` tables.
#[derive(Clone, Copy)]
enum Kind {
    Component,
    Domain,
    Block,
}

impl Kind {
    fn of(key: &str) -> Option<Kind> {
        match key {
            "component" => Some(Kind::Component),
            "domain" => Some(Kind::Domain),
            "block" => Some(Kind::Block),
            _ => None,
        }
    }

    fn key(self) -> &'static str {
        match self {
            Kind::Component => "component",
            Kind::Domain => "domain",
            Kind::Block => "block",
        }
    }
}

#[derive(Default)]
struct Reader {
    issues: Vec<Issue>,
}

impl Reader {
    fn push(&mut self, issue: Issue) {
        self.issues.push(issue);
    }

    /// A top-level key other than the tables' kinds.
    fn top_key(&mut self, spec: &mut Spec, key: &Key<'_>, val: &Val<'_>) {
        match key.get_ref().as_ref() {
            "name" => spec.name = self.string(val, "a string"),
            "description" => spec.description = self.string(val, "a string").map(|s| s.v),
            "system" => spec.system = self.string(val, "the name of a block or component"),
            "currency" => spec.currency = self.string(val, "a currency code such as \"USD\""),
            "catalog" => {
                const WHAT: &str = "the catalog profile, \"sla\" or \"typical\"";
                if let Some(s) = self.string(val, WHAT) {
                    match crate::catalog::Profile::parse(&s.v) {
                        Some(p) => spec.catalog = Some(Sp { v: p, span: s.span }),
                        None => self.push(
                            Issue::new(
                                s.span,
                                format!("unknown catalog profile `{}`", s.v),
                                format!("expected {WHAT}"),
                            )
                            .help("\"sla\": published floors (the default); \"typical\": our estimates of real behaviour"),
                        ),
                    }
                }
            }
            k => match Kind::of(k) {
                // Not a table: the error the table's reading gives.
                Some(kind) => {
                    self.table(val, &format!("[{}.NAME] tables", kind.key()));
                }
                None => self.unknown_key(key, TOP_KEYS, "at the top level"),
            },
        }
    }

    /// The `[kind.name]` table of keys `body`, read into `spec`.
    fn entry<'a, 'i: 'a>(
        &mut self,
        spec: &mut Spec,
        kind: Kind,
        name: &Key<'_>,
        body: impl Iterator<Item = (&'a Key<'i>, &'a Val<'i>)>,
    ) {
        let name = Sp {
            v: name.get_ref().to_string(),
            span: name.span(),
        };
        let before = self.issues.len();
        let read = match kind {
            Kind::Component => {
                spec.components.push(self.component(name, body));
                &spec.components[spec.components.len() - 1].name
            }
            Kind::Domain => {
                spec.domains.push(self.domain(name, body));
                &spec.domains[spec.domains.len() - 1].name
            }
            Kind::Block => {
                spec.blocks.push(self.block(name, body));
                &spec.blocks[spec.blocks.len() - 1].name
            }
        };
        if self.issues.len() > before {
            spec.tainted.insert(read.v.clone());
        }
    }

    fn expected(&mut self, val: &Val<'_>, what: &str) {
        let found = val.get_ref().type_str();
        self.push(Issue::new(
            val.span(),
            format!("expected {what}, found {}", article(found)),
            format!("expected {what}"),
        ));
    }

    fn quantity_error(&mut self, span: Range<usize>, key: &str, e: QuantityError) {
        self.push(
            Issue::new(span, format!("`{key}`: {}", e.message), "this value").help_opt(e.help),
        );
    }

    fn unknown_key(
        &mut self,
        key: &Spanned<std::borrow::Cow<'_, str>>,
        allowed: &[&str],
        place: &str,
    ) {
        let k: &str = key.get_ref();
        let hint = if let Some(hint) = misplaced_key_hint(k, place) {
            hint.to_string()
        } else if ["name", "system", "currency", "catalog"].contains(&k) && !allowed.contains(&k) {
            format!(
                "`{k}` is a top-level key: in TOML it must come before the first [table] header"
            )
        } else {
            suggest(k, allowed.iter().copied())
                .unwrap_or_else(|| format!("the keys allowed {place} are: {}", allowed.join(", ")))
        };
        self.push(
            Issue::new(
                key.span(),
                format!("unknown key `{k}` {place}"),
                "unknown key",
            )
            .help(hint),
        );
    }

    fn table<'a, 'i>(&mut self, val: &'a Val<'i>, what: &str) -> Option<&'a DeTable<'i>> {
        match val.get_ref() {
            DeValue::Table(t) => Some(t),
            _ => {
                self.expected(val, what);
                None
            }
        }
    }

    fn string(&mut self, val: &Val<'_>, what: &str) -> Option<Sp<String>> {
        match val.get_ref() {
            DeValue::String(s) => Some(Sp {
                v: s.to_string(),
                span: val.span(),
            }),
            _ => {
                self.expected(val, what);
                None
            }
        }
    }

    fn boolean(&mut self, val: &Val<'_>) -> Option<Sp<bool>> {
        match val.get_ref() {
            DeValue::Boolean(v) => Some(Sp {
                v: *v,
                span: val.span(),
            }),
            _ => {
                self.expected(val, "true or false");
                None
            }
        }
    }

    fn string_list(&mut self, val: &Val<'_>, what: &str) -> Option<Sp<Vec<Sp<String>>>> {
        match val.get_ref() {
            DeValue::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items.iter() {
                    out.push(self.string(item, what)?);
                }
                Some(Sp {
                    v: out,
                    span: val.span(),
                })
            }
            _ => {
                self.expected(val, "a list of names, such as [\"a\", \"b\"]");
                None
            }
        }
    }

    fn number(&mut self, val: &Val<'_>, key: &str) -> Option<Sp<f64>> {
        let v = match val.get_ref() {
            DeValue::Integer(i) => i64::from_str_radix(&i.as_str().replace('_', ""), i.radix())
                .ok()
                .map(|n| n as f64),
            DeValue::Float(f) => f.as_str().replace('_', "").parse::<f64>().ok(),
            _ => {
                self.expected(val, "a number");
                return None;
            }
        };
        match v {
            Some(v) if v.is_finite() => Some(Sp {
                v,
                span: val.span(),
            }),
            _ => {
                self.push(Issue::new(
                    val.span(),
                    format!("`{key}` must be a finite number"),
                    "not finite",
                ));
                None
            }
        }
    }

    fn positive_int(&mut self, val: &Val<'_>, key: &str) -> Option<Sp<u32>> {
        let DeValue::Integer(i) = val.get_ref() else {
            self.expected(val, "a whole number");
            return None;
        };
        match i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()) {
            Ok(n) if (1..=i64::from(MAX_COUNT)).contains(&n) => Some(Sp {
                v: n as u32,
                span: val.span(),
            }),
            _ => {
                self.push(Issue::new(
                    val.span(),
                    format!("`{key}` must be a whole number from 1 to {MAX_COUNT}"),
                    "out of range",
                ));
                None
            }
        }
    }

    /// The raw text of a scalar, for quantities that accept both numbers
    /// and strings (availability, probability).
    fn scalar_text(&mut self, val: &Val<'_>, what: &str) -> Option<String> {
        match val.get_ref() {
            DeValue::String(s) => Some(s.to_string()),
            DeValue::Float(f) => Some(f.as_str().to_string()),
            DeValue::Integer(i) if i.radix() == 10 => Some(i.as_str().to_string()),
            _ => {
                self.expected(val, what);
                None
            }
        }
    }

    fn availability(&mut self, val: &Val<'_>, key: &str) -> Option<Sp<Availability>> {
        let text = self.scalar_text(val, "an availability such as 0.9995 or \"99.95%\"")?;
        match Availability::parse(&text) {
            Ok(a) => Some(Sp {
                v: a,
                span: val.span(),
            }),
            Err(e) => {
                self.quantity_error(val.span(), key, e);
                None
            }
        }
    }

    fn probability(&mut self, val: &Val<'_>, key: &str) -> Option<Sp<f64>> {
        let text = self.scalar_text(val, "a probability such as 0.99 or \"99%\"")?;
        match parse_probability(&text) {
            Ok(p) => Some(Sp {
                v: p,
                span: val.span(),
            }),
            Err(e) => {
                self.quantity_error(val.span(), key, e);
                None
            }
        }
    }

    fn duration(&mut self, val: &Val<'_>, key: &str) -> Option<Sp<f64>> {
        match val.get_ref() {
            DeValue::String(s) => match parse_duration(s) {
                Ok(d) => Some(Sp {
                    v: d,
                    span: val.span(),
                }),
                Err(e) => {
                    self.quantity_error(val.span(), key, e);
                    None
                }
            },
            DeValue::Integer(_) | DeValue::Float(_) => {
                let raw = match val.get_ref() {
                    DeValue::Integer(i) => i.as_str().to_string(),
                    DeValue::Float(f) => f.as_str().to_string(),
                    _ => String::new(),
                };
                self.push(
                    Issue::new(
                        val.span(),
                        format!("`{key}`: a duration needs a unit; a bare number is never guessed"),
                        "no unit",
                    )
                    .help(format!("write it as a string with its unit, e.g. \"{raw}h\", \"{raw}m\" or \"{raw}s\"")),
                );
                None
            }
            _ => {
                self.expected(val, "a duration such as \"4h\"");
                None
            }
        }
    }

    /// `{ exponential = { mean = "2h" } }` and friends; with
    /// `allow_duration`, a plain duration string means `fixed`.
    fn distribution(
        &mut self,
        val: &Val<'_>,
        key: &str,
        allow_duration: bool,
    ) -> Option<Sp<Distribution>> {
        const KINDS: &[&str] = &["exponential", "weibull", "lognormal", "fixed"];
        let help = "write one of { exponential = { mean = \"2h\" } }, { weibull = { shape = 1.5, scale = \"1000h\" } }, { lognormal = { mean = \"8h\", sd = \"4h\" } }, { fixed = \"30m\" }";
        let span = val.span();
        let table = match val.get_ref() {
            DeValue::Table(t) => t,
            DeValue::String(_) if allow_duration => {
                let d = self.duration(val, key)?;
                return Some(Sp {
                    v: Distribution::Fixed(d.v),
                    span,
                });
            }
            _ => {
                let found = val.get_ref().type_str();
                self.push(
                    Issue::new(
                        span,
                        format!(
                            "`{key}`: expected a distribution table, found {}",
                            article(found)
                        ),
                        "expected a distribution",
                    )
                    .help(help),
                );
                return None;
            }
        };
        if table.len() != 1 {
            self.push(
                Issue::new(
                    span,
                    format!(
                        "`{key}`: a distribution has exactly one kind, found {}",
                        table.len()
                    ),
                    "one kind expected",
                )
                .help(help),
            );
            return None;
        }
        let (kind, body) = table.iter().next()?;
        let kind_name: &str = kind.get_ref();
        let dist = match kind_name {
            "fixed" => Distribution::Fixed(self.duration(body, "fixed")?.v),
            "exponential" | "weibull" | "lognormal" => {
                let params = self.table(body, &format!("a table of {kind_name} parameters"))?;
                let allowed: &[&str] = match kind_name {
                    "exponential" => &["mean"],
                    "weibull" => &["shape", "scale"],
                    _ => &["mean", "sd"],
                };
                let mut got: [Option<Sp<f64>>; 2] = [None, None];
                let mut ok = true;
                for (pk, pv) in params.iter() {
                    let p: &str = pk.get_ref();
                    match allowed.iter().position(|a| *a == p) {
                        Some(i) => {
                            got[i] = if p == "shape" {
                                self.number(pv, p)
                            } else {
                                self.duration(pv, p)
                            };
                            ok &= got[i].is_some();
                        }
                        None => {
                            self.unknown_key(
                                pk,
                                allowed,
                                &format!("in a {kind_name} distribution"),
                            );
                            ok = false;
                        }
                    }
                }
                if !ok {
                    return None;
                }
                for (i, a) in allowed.iter().enumerate() {
                    if got[i].is_none() {
                        self.push(Issue::new(
                            body.span(),
                            format!("{kind_name} distribution is missing `{a}`"),
                            format!("`{a}` missing"),
                        ));
                        return None;
                    }
                }
                let g = |i: usize| got[i].as_ref().map_or(0.0, |s| s.v);
                let positive = |r: &mut Self, i: usize, name: &str| {
                    if let Some(s) = &got[i]
                        && s.v <= 0.0
                    {
                        r.push(Issue::new(
                            s.span.clone(),
                            format!("{kind_name} `{name}` must be greater than 0"),
                            "must be > 0",
                        ));
                        return false;
                    }
                    true
                };
                match kind_name {
                    "exponential" => {
                        if !positive(self, 0, "mean") {
                            return None;
                        }
                        Distribution::Exponential { mean: g(0) }
                    }
                    "weibull" => {
                        if !(positive(self, 0, "shape") & positive(self, 1, "scale")) {
                            return None;
                        }
                        Distribution::Weibull {
                            shape: g(0),
                            scale: g(1),
                        }
                    }
                    _ => {
                        if !(positive(self, 0, "mean") & positive(self, 1, "sd")) {
                            return None;
                        }
                        Distribution::Lognormal {
                            mean: g(0),
                            sd: g(1),
                        }
                    }
                }
            }
            _ => {
                let hint =
                    suggest(kind_name, KINDS.iter().copied()).unwrap_or_else(|| help.to_string());
                self.push(
                    Issue::new(
                        kind.span(),
                        format!("unknown distribution `{kind_name}`"),
                        "unknown distribution",
                    )
                    .help(hint),
                );
                return None;
            }
        };
        if !dist.mean().is_finite() {
            self.push(
                Issue::new(
                    span,
                    format!("`{key}`: this distribution's mean is not finite"),
                    "infinite mean",
                )
                .help("check the shape: a Weibull shape near 0 has an infinite mean"),
            );
            return None;
        }
        Some(Sp { v: dist, span })
    }

    /// Reads a reliability key into `rel`; returns false when `key` is not one.
    fn rel_key(&mut self, rel: &mut RelSpec, key: &str, val: &Val<'_>) -> bool {
        match key {
            "availability" => rel.availability = self.availability(val, key),
            "mtbf" | "mttr" => {
                let d = self.duration(val, key);
                if let Some(d) = &d
                    && d.v <= 0.0
                {
                    self.push(Issue::new(
                        d.span.clone(),
                        format!("`{key}` must be longer than 0"),
                        "must be > 0",
                    ));
                }
                if key == "mtbf" {
                    rel.mtbf = d;
                } else {
                    rel.mttr = d;
                }
            }
            "failure" => rel.failure = self.distribution(val, key, false),
            "repair" => rel.repair = self.distribution(val, key, false),
            "like" => {
                rel.like = self.string(val, "the name of a catalog entry, such as \"aws.elb.alb\"")
            }
            "cost_per_month" => {
                rel.cost_per_month = self.number(val, key);
                if let Some(c) = &rel.cost_per_month
                    && c.v < 0.0
                {
                    self.push(Issue::new(
                        c.span.clone(),
                        "`cost_per_month` must not be negative",
                        "negative",
                    ));
                }
            }
            "description" => rel.description = self.string(val, "a string").map(|s| s.v),
            _ => return false,
        }
        true
    }

    fn component<'a, 'i: 'a>(
        &mut self,
        name: Sp<String>,
        body: impl Iterator<Item = (&'a Key<'i>, &'a Val<'i>)>,
    ) -> ComponentSpec {
        let mut c = ComponentSpec {
            name,
            rel: RelSpec::default(),
            domain: None,
            count: None,
            spread: None,
            need: None,
        };
        for (key, val) in body {
            let k: &str = key.get_ref();
            if self.rel_key(&mut c.rel, k, val) {
                continue;
            }
            match k {
                "domain" => c.domain = self.string(val, "the name of a domain"),
                "spread" => c.spread = self.string_list(val, "a domain name"),
                "need" => c.need = self.positive_int(val, k),
                "count" => c.count = self.count(val),
                _ => {
                    let allowed: Vec<&str> =
                        REL_KEYS.iter().chain(COMPONENT_KEYS).copied().collect();
                    self.unknown_key(key, &allowed, "in a component");
                }
            }
        }
        c
    }

    fn count(&mut self, val: &Val<'_>) -> Option<Sp<Count>> {
        match val.get_ref() {
            DeValue::String(s) => {
                let parsed = s.split_once("..").and_then(|(a, b)| {
                    Some((a.trim().parse::<u32>().ok()?, b.trim().parse::<u32>().ok()?))
                });
                match parsed {
                    Some((a, b)) if 1 <= a && a <= b && b <= MAX_COUNT => Some(Sp {
                        v: Count::Range(a, b),
                        span: val.span(),
                    }),
                    _ => {
                        self.push(
                            Issue::new(val.span(), format!("`count` range `{s}` is not of the form \"LOW..HIGH\" with 1 <= LOW <= HIGH <= {MAX_COUNT}"), "bad range")
                                .help("write a replica count as a whole number (count = 3) or a range that `fivenines optimize` searches (count = \"1..4\"; other commands use its lower end)"),
                        );
                        None
                    }
                }
            }
            _ => self.positive_int(val, "count").map(|n| Sp {
                v: Count::Fixed(n.v),
                span: n.span,
            }),
        }
    }

    fn domain<'a, 'i: 'a>(
        &mut self,
        name: Sp<String>,
        body: impl Iterator<Item = (&'a Key<'i>, &'a Val<'i>)>,
    ) -> DomainSpec {
        let mut d = DomainSpec {
            name,
            rel: RelSpec::default(),
            within: None,
        };
        for (key, val) in body {
            let k: &str = key.get_ref();
            if self.rel_key(&mut d.rel, k, val) {
                continue;
            }
            match k {
                "within" => d.within = self.string(val, "the name of the enclosing domain"),
                _ => {
                    let allowed: Vec<&str> = REL_KEYS.iter().chain(DOMAIN_KEYS).copied().collect();
                    self.unknown_key(key, &allowed, "in a domain");
                }
            }
        }
        d
    }

    fn block<'a, 'i: 'a>(
        &mut self,
        name: Sp<String>,
        body: impl Iterator<Item = (&'a Key<'i>, &'a Val<'i>)>,
    ) -> BlockSpec {
        let mut b = BlockSpec {
            name,
            kind: None,
            members: Vec::new(),
            need: None,
            failover: None,
            switch_success: None,
            detect: None,
            revert: None,
            failback: None,
            like: None,
        };
        for (key, val) in body {
            let k: &str = key.get_ref();
            let kind = match k {
                "series" => Some(BlockKind::Series),
                "parallel" => Some(BlockKind::Parallel),
                "standby" => Some(BlockKind::Standby),
                "choose" => Some(BlockKind::Choose),
                _ => None,
            };
            if let Some(kind) = kind {
                if let Some(prev) = &b.kind {
                    self.push(
                        Issue::new(key.span(), format!("block `{}` has two kinds: `{}` and `{k}`", b.name.v, prev.v.key()), "second kind")
                            .also(prev.span.clone(), "first kind")
                            .help("a block is exactly one of series, parallel, standby or choose; nest blocks to combine them"),
                    );
                    continue;
                }
                b.kind = Some(Sp {
                    v: kind,
                    span: key.span(),
                });
                if let Some(list) = self.string_list(val, "a member name") {
                    if list.v.is_empty() {
                        self.push(Issue::new(
                            list.span.clone(),
                            format!("`{k}` needs at least one member"),
                            "empty list",
                        ));
                    }
                    b.members = list.v;
                }
                continue;
            }
            match k {
                "need" => b.need = self.positive_int(val, k),
                "failover" => b.failover = self.distribution(val, k, true),
                "switch_success" => b.switch_success = self.probability(val, k),
                "detect" => b.detect = self.distribution(val, k, true),
                "failback" => b.failback = self.distribution(val, k, true),
                "revert" => b.revert = self.boolean(val),
                "like" => {
                    b.like = self.string(
                        val,
                        "the name of a failover entry, such as \"aws.rds.multi-az.failover\"",
                    )
                }
                "description" => {
                    self.string(val, "a string");
                }
                _ => self.unknown_key(key, BLOCK_KEYS, "in a block"),
            }
        }
        b
    }
}

/// Keys that belong to another kind of entry, with what to write instead.
fn misplaced_key_hint(key: &str, place: &str) -> Option<&'static str> {
    Some(match (place, key) {
        ("in a block", "domain" | "spread" | "within") => {
            "blocks have no domain: a block is up or down with its members. To place the members in a domain, give `domain = \"...\"` to each component (or `spread = [...]` to a replicated one)"
        }
        ("in a component", "within") => {
            "`within` nests a domain in another; place a component in a domain with `domain = \"...\"`"
        }
        ("in a domain", "domain") => "a domain sits inside another with `within = \"...\"`",
        ("in a component" | "in a domain", "series" | "parallel" | "standby" | "choose") => {
            "structure goes in a block: [block.NAME] with series, parallel, standby or choose = [...]"
        }
        _ => return None,
    })
}

fn article(type_str: &str) -> String {
    match type_str.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => format!("an {type_str}"),
        _ => format!("a {type_str}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reading as comparable text: the spec (its tainted names sorted)
    /// and the issues sorted by place, as the report sorts them.
    fn shown(read: &(Spec, Vec<Issue>)) -> String {
        let (spec, issues) = read;
        let mut spec = spec.clone();
        let mut tainted: Vec<String> = spec.tainted.drain().collect();
        tainted.sort();
        let mut issues = issues.clone();
        issues.sort_by(|a, b| {
            (a.span.start, a.span.end, &a.message).cmp(&(b.span.start, b.span.end, &b.message))
        });
        format!("{spec:?}\n{tainted:?}\n{issues:?}")
    }

    /// The quick reading, when there is one, is the full one's exactly.
    fn agrees(text: &str) -> bool {
        let Some(quick) = read_quick(text) else {
            return false;
        };
        let full = read_full(text).unwrap_or_else(|_| panic!("read invalid TOML: {text:?}"));
        assert_eq!(shown(&quick), shown(&full), "{text:?}");
        true
    }

    #[test]
    fn quick_and_full_readings_agree_on_every_model() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut quick = 0;
        let mut all = 0;
        for dir in [
            "models",
            "benches/models",
            "benches/scram/models",
            "tests/models/bad",
            "tests/models/good",
        ] {
            for e in std::fs::read_dir(root.join(dir)).unwrap() {
                let p = e.unwrap().path();
                if p.extension().is_some_and(|x| x == "toml") {
                    all += 1;
                    quick += usize::from(agrees(&std::fs::read_to_string(&p).unwrap()));
                }
            }
        }
        assert!(quick > 20, "{quick} of {all} read quickly");
    }

    #[test]
    fn quick_and_full_readings_agree_on_damaged_models() {
        // Kinds interleaved (the full reading takes them kind by kind),
        // problems of every sort; then damaged at every byte.
        let text = "name = \"m\"\nsystem = \"top\"\nsystme = \"x\"\n\
                    [component.a]\navailability = \"99%\"\ncount = 2\nbogus = 1\n\
                    [block.top]\nparallel = [\"a\", \"b\", \"z\"]\nneed = 0\n\
                    [component.b]\nmtbf = \"10h\"\nmttr = 5\n\
                    [domain.az]\navailability = 2\n\
                    [block.e]\nseries = []\nfailover = \"x\"\n\
                    [component.c]\n";
        assert!(agrees(text));
        let bad = [
            "", "\"", "[", "]", "=", "#", "\n", " ", ",", "x", "0", "1", "%",
        ];
        let mut quick = 0;
        for i in 0..=text.len() {
            for b in bad {
                let mut rest = i;
                if b.is_empty() {
                    if i == text.len() {
                        continue;
                    }
                    rest += 1;
                }
                quick += usize::from(agrees(&format!("{}{b}{}", &text[..i], &text[rest..])));
                quick += usize::from(agrees(&format!("{}{b}{}", &text[..i], &text[i..])));
            }
        }
        assert!(quick > 500, "{quick} damaged texts read quickly");
    }
}
