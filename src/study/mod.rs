//! The study layer: a model's variants as values, evaluated by either
//! engine. It is the one place above both engines (with `report`), so
//! what-if, blast radius, sweeps and comparisons of options live here.
//!
//! A [`Study`] holds a checked model; a variant is a list of [`Change`]s:
//! components or domains held down or perfect, a figure set (MTBF, MTTR,
//! availability, a standby block's delays or switch success), a `count`,
//! a `choose` block's member. [`Study::system`] applies them and gives a
//! [`System`] for any engine; [`Study::evaluate`] evaluates it exactly.
//!
//! ```
//! use fivenines::System;
//! use fivenines::study::{Change, Study};
//! let sys = System::from_str("m.toml", r#"
//!     system = "pair"
//!     [domain.az-a]
//!     availability = "99.9%"
//!     [component.a]
//!     availability = "99%"
//!     domain = "az-a"
//!     [component.b]
//!     availability = "99%"
//!     [block.pair]
//!     parallel = ["a", "b"]
//! "#)?;
//! let study = Study::new(sys);
//! // With az-a down, only b is left.
//! let down = study.evaluate(&[Change::Down("az-a".into())])?;
//! assert!((down.availability - 0.99).abs() < 1e-12);
//! // With a perfect, the pair never fails.
//! let up = study.evaluate(&[Change::Up("a".into())])?;
//! assert!((up.availability - (1.0 - 0.001 * 0.01)).abs() < 1e-12);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod blast;
pub mod optimize;
pub mod paired;
pub mod sweep;

use std::collections::HashSet;

use crate::analytic::{Analytic, Analyzer};
use crate::error::{Error, suggest};
use crate::model::spec::{Count, Sp};
use crate::model::system::{ItemId, Node, NodeId, System};
use crate::value::quantity::Availability;

pub use blast::{Blast, BlastItem, CutSet, blast};
pub use sweep::{Crossing, Scale, Sweep, SweepPoint, Vary, sweep};

/// What a figure change applies to: `component`, `domain` or `block`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// A component (every replica of it).
    Component,
    /// A failure domain.
    Domain,
    /// A block (standby delays and switch success).
    Block,
}

/// Which figure a [`Setting`] changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// Mean time between failures, seconds (the repair time is kept).
    Mtbf,
    /// Mean time to repair, seconds (the MTBF is kept).
    Mttr,
    /// Steady-state availability (the repair time is kept, the MTBF
    /// derived, as `availability` + `mttr` in a model file).
    Availability,
    /// Number of replicas of a component.
    Count,
    /// A standby block's failover delay, seconds (its shape kept).
    Failover,
    /// A standby block's detection delay, seconds.
    Detect,
    /// A standby block's failback delay, seconds.
    Failback,
    /// A standby block's switch success probability.
    SwitchSuccess,
}

impl Field {
    fn parse(s: &str) -> Option<Field> {
        Some(match s {
            "mtbf" => Field::Mtbf,
            "mttr" => Field::Mttr,
            "availability" => Field::Availability,
            "count" => Field::Count,
            "failover" => Field::Failover,
            "detect" => Field::Detect,
            "failback" => Field::Failback,
            "switch_success" => Field::SwitchSuccess,
            _ => return None,
        })
    }

    /// The key's spelling in a model file.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Mtbf => "mtbf",
            Field::Mttr => "mttr",
            Field::Availability => "availability",
            Field::Count => "count",
            Field::Failover => "failover",
            Field::Detect => "detect",
            Field::Failback => "failback",
            Field::SwitchSuccess => "switch_success",
        }
    }

    /// Whether values are durations in seconds.
    pub fn is_duration(self) -> bool {
        matches!(
            self,
            Field::Mtbf | Field::Mttr | Field::Failover | Field::Detect | Field::Failback
        )
    }
}

/// One figure of one part: `component.db.mttr`, `block.db.failover`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Setting {
    /// Component, domain or block.
    pub part: Part,
    /// Its name in the model.
    pub name: String,
    /// The figure.
    pub field: Field,
}

impl Setting {
    /// Parses `PART.NAME.FIELD` (`component.web.count`,
    /// `domain.az-a.mtbf`, `block.db.failover`); NAME may contain dots.
    ///
    /// # Errors
    ///
    /// [`Error::BadSetting`] naming what was expected.
    pub fn parse(key: &str) -> Result<Setting, Error> {
        let bad = |m: String| Error::BadSetting {
            setting: "vary",
            message: m,
        };
        let (part, rest) = key.split_once('.').ok_or_else(|| {
            bad(format!(
                "`{key}` is not of the form PART.NAME.FIELD (e.g. component.db.mttr)"
            ))
        })?;
        let (name, field) = rest.rsplit_once('.').ok_or_else(|| {
            bad(format!(
                "`{key}` is not of the form PART.NAME.FIELD (e.g. component.db.mttr)"
            ))
        })?;
        let part = match part {
            "component" => Part::Component,
            "domain" => Part::Domain,
            "block" => Part::Block,
            _ => {
                return Err(bad(format!(
                    "`{part}` in `{key}`: expected component, domain or block"
                )));
            }
        };
        let field = Field::parse(field).ok_or_else(|| {
            bad(format!(
                "`{field}` in `{key}`: expected mtbf, mttr, availability, count (components), failover, detect, failback or switch_success (standby blocks)"
            ))
        })?;
        let ok = match part {
            Part::Component => matches!(
                field,
                Field::Mtbf | Field::Mttr | Field::Availability | Field::Count
            ),
            Part::Domain => matches!(field, Field::Mtbf | Field::Mttr | Field::Availability),
            Part::Block => matches!(
                field,
                Field::Failover | Field::Detect | Field::Failback | Field::SwitchSuccess
            ),
        };
        if !ok {
            return Err(bad(format!(
                "`{key}`: a {} has no figure `{}` to vary",
                part_word(part),
                field.as_str()
            )));
        }
        Ok(Setting {
            part,
            name: name.to_string(),
            field,
        })
    }

    /// `component.db.mttr`.
    pub fn key(&self) -> String {
        format!(
            "{}.{}.{}",
            part_word(self.part),
            self.name,
            self.field.as_str()
        )
    }
}

fn part_word(p: Part) -> &'static str {
    match p {
        Part::Component => "component",
        Part::Domain => "domain",
        Part::Block => "block",
    }
}

/// One change of a variant.
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    /// The component (every replica), one replica (`web[1]`) or domain is
    /// down for good.
    Down(String),
    /// The component (every replica), one replica or domain never fails.
    Up(String),
    /// A figure set to a value (seconds for durations, a count, an
    /// availability or probability in [0, 1]).
    Set(Setting, f64),
    /// A `choose` block evaluated at this member.
    Choose {
        /// The `choose` block.
        block: String,
        /// Its member to use.
        member: String,
    },
}

/// A model and the variants of it to evaluate.
#[derive(Clone, Debug)]
pub struct Study {
    base: System,
    /// Each `choose` block and its members, in the listed order.
    choices: Vec<(String, Vec<String>)>,
    /// Each component with a `count` range, and the range.
    ranges: Vec<(String, u32, u32)>,
}

impl Study {
    /// A study of a checked model.
    pub fn new(base: System) -> Study {
        let (mut choices, mut ranges) = (Vec::new(), Vec::new());
        if let Some(o) = &base.origin
            && let Ok((spec, _)) = crate::model::spec::read(&o.text)
        {
            for b in &spec.blocks {
                if b.kind.as_ref().map(|k| k.v) == Some(crate::model::system::BlockKind::Choose) {
                    choices.push((
                        b.name.v.clone(),
                        b.members.iter().map(|m| m.v.clone()).collect(),
                    ));
                }
            }
            for c in &spec.components {
                if let Some(Sp {
                    v: Count::Range(lo, hi),
                    ..
                }) = &c.count
                {
                    ranges.push((c.name.v.clone(), *lo, *hi));
                }
            }
        }
        Study {
            base,
            choices,
            ranges,
        }
    }

    /// The `choose` blocks and their members, in the listed order (the
    /// first is what every command evaluates by default).
    pub fn choices(&self) -> &[(String, Vec<String>)] {
        &self.choices
    }

    /// The components with a `count` range (`count = "1..4"`): name, low
    /// and high end.
    pub fn count_ranges(&self) -> &[(String, u32, u32)] {
        &self.ranges
    }

    /// The model as written.
    pub fn base(&self) -> &System {
        &self.base
    }

    /// The model with `changes` applied.
    ///
    /// # Errors
    ///
    /// [`Error::BadSetting`] for a name that is not in the model (with a
    /// suggestion), a figure the part does not have (availability alone
    /// has no MTBF to change), or a value out of range;
    /// [`Error::Model`] when a changed count or choice makes the model
    /// invalid (a `need` above the new count).
    pub fn system(&self, changes: &[Change]) -> Result<System, Error> {
        let mut counts: Vec<(String, u32)> = Vec::new();
        let mut choices: Vec<(String, String)> = Vec::new();
        for ch in changes {
            match ch {
                Change::Set(s, v) if s.field == Field::Count => {
                    self.component(&s.name, "vary")?;
                    if !(v.fract() == 0.0 && *v >= 1.0 && *v <= f64::from(u32::MAX)) {
                        return Err(Error::BadSetting {
                            setting: "vary",
                            message: format!(
                                "{}: a count is a whole number from 1, not {v}",
                                s.key()
                            ),
                        });
                    }
                    counts.push((s.name.clone(), *v as u32));
                }
                Change::Choose { block, member } => {
                    self.choice(block, member)?;
                    choices.push((block.clone(), member.clone()));
                }
                _ => {}
            }
        }
        let mut sys = if counts.is_empty() && choices.is_empty() {
            self.base.clone()
        } else {
            self.respec(&counts, &choices)?
        };
        let mut down: Vec<ItemId> = Vec::new();
        for ch in changes {
            match ch {
                Change::Down(name) => down.extend(self.items_of(&sys, name, "down")?),
                Change::Up(name) => {
                    for it in self.items_of(&sys, name, "up")? {
                        let item = &mut sys.items[it.0 as usize];
                        item.rates.availability = Availability::PERFECT;
                        item.rates.mtbf_s = Some(f64::INFINITY);
                        item.rates.mttr_s = None;
                        item.failure = None;
                        item.repair = None;
                    }
                }
                Change::Set(s, v) if s.field != Field::Count => {
                    let known = match s.part {
                        Part::Component => sys.components.iter().any(|c| c.name == s.name),
                        Part::Domain => sys.domains.iter().any(|d| d.name == s.name),
                        Part::Block => sys.standbys.iter().any(|b| b.name == s.name),
                    };
                    if !known {
                        let what = match s.part {
                            Part::Component => "component",
                            Part::Domain => "domain",
                            Part::Block => "standby block",
                        };
                        return Err(self.unknown(&s.name, "vary", what));
                    }
                    set_figure(&mut sys, s, *v)?
                }
                _ => {}
            }
        }
        if !down.is_empty() {
            hold_down(&mut sys, &down);
        }
        Ok(sys)
    }

    /// The exact evaluation of the model with `changes` applied
    /// (contributors included).
    ///
    /// # Errors
    ///
    /// As [`Study::system`], and [`Error::DiagramTooLarge`].
    pub fn evaluate(&self, changes: &[Change]) -> Result<Analytic, Error> {
        let sys = self.system(changes)?;
        Ok(Analyzer::new(&sys)?.evaluate())
    }

    /// The model re-read with counts and choices set.
    fn respec(
        &self,
        count_names: &[(String, u32)],
        choice_names: &[(String, String)],
    ) -> Result<System, Error> {
        let origin = self.base.origin.as_ref().ok_or_else(|| Error::BadSetting {
            setting: "vary",
            message: "counts and choices need the model's text".to_string(),
        })?;
        let profile = self.base.catalog_profile();
        let adjust = |spec: &mut crate::model::spec::Spec| {
            // The catalog profile the model was read with (`--catalog`).
            let span = spec.catalog.as_ref().map_or(0..0, |c| c.span.clone());
            spec.catalog = Some(Sp { v: profile, span });
            for (name, n) in count_names {
                if let Some(c) = spec.components.iter_mut().find(|c| &c.name.v == name) {
                    let span = c.name.span.clone();
                    c.count = Some(Sp {
                        v: Count::Fixed(*n),
                        span,
                    });
                }
            }
            for (name, member) in choice_names {
                if let Some(b) = spec.blocks.iter_mut().find(|b| &b.name.v == name)
                    && let Some(i) = b.members.iter().position(|m| &m.v == member)
                {
                    let m = b.members.remove(i);
                    b.members.insert(0, m);
                }
            }
        };
        System::from_str_adjusted(&origin.file, &origin.text, &adjust).map_err(Error::Model)
    }

    fn unknown(&self, name: &str, setting: &'static str, what: &str) -> Error {
        let names = self
            .base
            .components
            .iter()
            .map(|c| c.name.as_str())
            .chain(self.base.domains.iter().map(|d| d.name.as_str()))
            .chain(self.base.blocks.iter().map(|b| b.name.as_str()));
        let hint = suggest(name, names)
            .map(|s| format!(" ({s})"))
            .unwrap_or_default();
        Error::BadSetting {
            setting,
            message: format!("the model has no {what} `{name}`{hint}"),
        }
    }

    fn component(&self, name: &str, setting: &'static str) -> Result<usize, Error> {
        self.base
            .components
            .iter()
            .position(|c| c.name == name)
            .ok_or_else(|| self.unknown(name, setting, "component"))
    }

    fn choice(&self, block: &str, member: &str) -> Result<(), Error> {
        let (_, members) = self
            .choices
            .iter()
            .find(|(b, _)| b == block)
            .ok_or_else(|| self.unknown(block, "choose", "`choose` block"))?;
        if members.iter().any(|m| m == member) {
            return Ok(());
        }
        Err(Error::BadSetting {
            setting: "choose",
            message: format!(
                "`{member}` is not a member of choose block `{block}` ({})",
                members.join(", ")
            ),
        })
    }

    /// The items of a component (every replica) or a domain (its own item).
    fn items_of(
        &self,
        sys: &System,
        name: &str,
        setting: &'static str,
    ) -> Result<Vec<ItemId>, Error> {
        if let Some(c) = sys.components.iter().find(|c| c.name == name) {
            return Ok(c.items.clone());
        }
        if let Some(d) = sys.domains.iter().find(|d| d.name == name) {
            return Ok(vec![d.item]);
        }
        // One replica of a group: `web[1]`.
        if name.ends_with(']')
            && let Some(c) = sys.components.iter().find(|c| {
                c.items.len() > 1
                    && name.starts_with(&c.name)
                    && name[c.name.len()..].starts_with('[')
            })
            && let Some(&i) = c
                .items
                .iter()
                .find(|i| sys.items[i.0 as usize].name == name)
        {
            return Ok(vec![i]);
        }
        if sys.blocks.iter().any(|b| b.name == name) {
            return Err(Error::BadSetting {
                setting,
                message: format!("`{name}` is a block: --{setting} takes components and domains"),
            });
        }
        Err(self.unknown(name, setting, "component or domain"))
    }
}

/// Puts the exact engine's figure beside a simulation's: fills
/// `sim.analytic` with the analytic availability and whether it lies inside
/// the simulation's 95% confidence interval of the unavailability. Leaves it
/// empty when the exact engine cannot evaluate the model (too large).
///
/// The engines do not call each other, so this lives in the study layer,
/// above both; `fivenines simulate` calls it after
/// [`crate::simulate::simulate`] (`report::cross_check` is the same
/// function).
///
/// # Examples
///
/// ```
/// use fivenines::{System, simulate, study};
/// let sys = System::from_str("m.toml", "system = \"x\"\n[component.x]\nmtbf = \"1000h\"\nmttr = \"4h\"\n")?;
/// let cfg = simulate::SimulationConfig { runs: 2_000, ..Default::default() };
/// let mut sim = simulate::simulate(&sys, &cfg, None)?;
/// assert!(sim.analytic.is_none());
/// study::cross_check(&sys, &mut sim);
/// let check = sim.analytic.expect("a small model evaluates exactly");
/// assert!((check.availability - 1000.0 / 1004.0).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn cross_check(sys: &System, sim: &mut crate::simulate::Simulation) {
    sim.analytic = crate::analytic::evaluate(sys)
        .ok()
        .map(|a| crate::simulate::CrossCheck {
            availability: a.availability,
            unavailability: a.unavailability,
            inside_ci95: inside(sim.unavailability.ci95, a.unavailability),
            approximate: !a.approximations.is_empty(),
        });
}

/// Whether an unavailability lies in a confidence interval of the
/// unavailability. Availabilities near 1 cannot be compared: 1 - 1e-18 is
/// 1.0 in double precision.
fn inside(ci: [f64; 2], u: f64) -> bool {
    ci[0] <= u && u <= ci[1]
}

/// Sets one figure of a component, domain or standby block.
fn set_figure(sys: &mut System, s: &Setting, v: f64) -> Result<(), Error> {
    let bad = |m: String| Error::BadSetting {
        setting: "vary",
        message: format!("{}: {m}", s.key()),
    };
    if !v.is_finite() {
        return Err(bad(format!("{v} is not a finite value")));
    }
    let items: Vec<ItemId> = match s.part {
        Part::Component => sys
            .components
            .iter()
            .find(|c| c.name == s.name)
            .map(|c| c.items.clone())
            .ok_or_else(|| bad("no such component".to_string()))?,
        Part::Domain => sys
            .domains
            .iter()
            .find(|d| d.name == s.name)
            .map(|d| vec![d.item])
            .ok_or_else(|| bad("no such domain".to_string()))?,
        Part::Block => {
            let st = sys
                .standbys
                .iter_mut()
                .find(|b| b.name == s.name)
                .ok_or_else(|| bad("no such standby block".to_string()))?;
            match s.field {
                Field::Failover | Field::Detect | Field::Failback if v < 0.0 => {
                    return Err(bad(format!("a delay cannot be negative ({v} s)")));
                }
                Field::Failover => st.failover = st.failover.with_mean(v),
                Field::Detect => st.detect = st.detect.with_mean(v),
                Field::Failback => st.failback = st.failback.with_mean(v),
                Field::SwitchSuccess if (0.0..=1.0).contains(&v) => st.switch_success = v,
                Field::SwitchSuccess => {
                    return Err(bad(format!("a probability is in [0, 1], not {v}")));
                }
                _ => return Err(bad("not a figure of a standby block".to_string())),
            }
            return Ok(());
        }
    };
    for it in items {
        let item = &mut sys.items[it.0 as usize];
        let r = &mut item.rates;
        let (mtbf, mttr) = match s.field {
            Field::Mtbf => {
                let mttr = r.mttr_s.ok_or_else(|| {
                    bad("it gives availability alone: give it an `mttr` to vary its MTBF".into())
                })?;
                if v <= 0.0 {
                    return Err(bad(format!("an MTBF is positive, not {v} s")));
                }
                (v, mttr)
            }
            Field::Mttr => {
                let mtbf = r.mtbf_s.filter(|m| m.is_finite()).ok_or_else(|| {
                    bad("it gives availability alone (or never fails): give it an `mtbf` to vary its MTTR".into())
                })?;
                if v <= 0.0 {
                    return Err(bad(format!("an MTTR is positive, not {v} s")));
                }
                (mtbf, v)
            }
            Field::Availability => {
                if !(v > 0.0 && v <= 1.0) {
                    return Err(bad(format!("an availability is in (0, 1], not {v}")));
                }
                match r.mttr_s {
                    Some(mttr) if v < 1.0 => (mttr * v / (1.0 - v), mttr),
                    _ => {
                        r.availability = Availability::new(v).map_err(|e| bad(e.message))?;
                        if v == 1.0 {
                            r.mtbf_s = Some(f64::INFINITY);
                            item.failure = None;
                            item.repair = None;
                        }
                        continue;
                    }
                }
            }
            _ => return Err(bad("not a figure of a component or domain".to_string())),
        };
        r.availability =
            Availability::from_unavailability(mttr / (mtbf + mttr)).map_err(|e| bad(e.message))?;
        r.mtbf_s = Some(mtbf);
        r.mttr_s = Some(mttr);
        item.failure = Some(
            item.failure
                .map_or(crate::Distribution::Exponential { mean: mtbf }, |d| {
                    d.with_mean(mtbf)
                }),
        );
        item.repair = Some(
            item.repair
                .map_or(crate::Distribution::Exponential { mean: mttr }, |d| {
                    d.with_mean(mttr)
                }),
        );
    }
    Ok(())
}

/// Holds items down for good: they count as the constant "down" (their own
/// item nodes stay, unused), and the structure is simplified above them (an all-of with a member down is
/// down; an at-least loses the member). A standby block loses the members
/// that are down for good: a member that can never serve changes nothing
/// in the dynamics of the others (docs/model.md, "Standby dynamics"), and
/// a block with no member left is down. Children come before parents in
/// the node list, so one forward pass settles every node.
pub(crate) fn hold_down(sys: &mut System, items: &[ItemId]) {
    let down: HashSet<ItemId> = items.iter().copied().collect();
    // Constant value of each node, when it has one.
    let mut constant: Vec<Option<bool>> = vec![None; sys.nodes.len()];
    for i in 0..sys.nodes.len() {
        let replaced = match &sys.nodes[i] {
            // The item's own node stays (the engines map items to their
            // nodes); its parents stop using it.
            Node::Item(it) => {
                if down.contains(it) {
                    constant[i] = Some(false);
                }
                None
            }
            Node::All(ch) => {
                if ch.iter().any(|c| constant[c.0 as usize] == Some(false)) {
                    constant[i] = Some(false);
                    Some(Node::AtLeast { k: 1, of: vec![] })
                } else if ch.iter().any(|c| constant[c.0 as usize].is_some()) {
                    let rest: Vec<_> = ch
                        .iter()
                        .copied()
                        .filter(|c| constant[c.0 as usize].is_none())
                        .collect();
                    if rest.is_empty() {
                        constant[i] = Some(true);
                    }
                    Some(Node::All(rest))
                } else {
                    None
                }
            }
            Node::AtLeast { k, of } => {
                if of.iter().any(|c| constant[c.0 as usize].is_some()) {
                    let ups = of
                        .iter()
                        .filter(|c| constant[c.0 as usize] == Some(true))
                        .count() as u32;
                    let rest: Vec<_> = of
                        .iter()
                        .copied()
                        .filter(|c| constant[c.0 as usize].is_none())
                        .collect();
                    let k = k.saturating_sub(ups);
                    if k == 0 {
                        constant[i] = Some(true);
                        Some(Node::All(vec![]))
                    } else if k as usize > rest.len() {
                        constant[i] = Some(false);
                        Some(Node::AtLeast { k: 1, of: vec![] })
                    } else {
                        Some(Node::AtLeast { k, of: rest })
                    }
                } else {
                    None
                }
            }
        };
        if let Some(n) = replaced {
            sys.nodes[i] = n;
        }
    }
    // A system that is one held item: a constant node of its own (no
    // children, so the order holds at the end of the list).
    if constant[sys.root.0 as usize] == Some(false)
        && matches!(sys.nodes[sys.root.0 as usize], Node::Item(_))
    {
        sys.nodes.push(Node::AtLeast { k: 1, of: vec![] });
        sys.root = NodeId((sys.nodes.len() - 1) as u32);
    }
    for st in &mut sys.standbys {
        let keep: Vec<bool> = st
            .members
            .iter()
            .map(|m| constant[m.0 as usize] != Some(false))
            .collect();
        if keep.iter().all(|&k| k) {
            continue;
        }
        let mut names = Vec::new();
        let mut members = Vec::new();
        for ((n, m), k) in st.member_names.iter().zip(&st.members).zip(&keep) {
            if *k {
                names.push(n.clone());
                members.push(*m);
            }
        }
        st.member_names = names;
        st.members = members;
    }
    sys.standbys.retain(|st| !st.members.is_empty());
}

/// Whether the system is up with exactly the items in `down` down and
/// every other item up (the structure alone, standby blocks as parallel).
pub(crate) fn structure_up(sys: &System, down: &[bool]) -> bool {
    let mut up = vec![false; sys.nodes.len()];
    for (i, n) in sys.nodes.iter().enumerate() {
        up[i] = match n {
            Node::Item(it) => !down[it.0 as usize],
            Node::All(ch) => ch.iter().all(|c| up[c.0 as usize]),
            Node::AtLeast { k, of } => {
                of.iter().filter(|c| up[c.0 as usize]).count() >= *k as usize
            }
        };
    }
    up[sys.root.0 as usize]
}

/// The parts a blast radius looks at: every domain and component the
/// system uses, each replica of a replica group on its own (`web[0]`,
/// kind `replica`), with their items.
pub(crate) fn parts(sys: &System) -> Vec<(String, &'static str, Vec<ItemId>)> {
    let used = sys.used_items();
    let mut out = Vec::new();
    for d in &sys.domains {
        if used[d.item.0 as usize] {
            out.push((d.name.clone(), "domain", vec![d.item]));
        }
    }
    for c in &sys.components {
        if c.items.len() == 1 {
            if used[c.items[0].0 as usize] {
                out.push((c.name.clone(), "component", c.items.clone()));
            }
            continue;
        }
        for &i in &c.items {
            if used[i.0 as usize] {
                out.push((sys.items[i.0 as usize].name.clone(), "replica", vec![i]));
            }
        }
    }
    out
}
