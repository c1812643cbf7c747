//! The exact analytic engine: steady-state availability, outage frequency
//! and duration, and what each component costs, from one binary decision
//! diagram of the structure function.
//!
//! Pipeline: [`Analyzer::new`] orders the items (depth first from the
//! system, each domain just before the first component it holds) and
//! builds the diagram once; [`Analyzer::evaluate`] runs one bottom-up pass
//! for the probabilities and one top-down pass for the Birnbaum importance
//! of every item, from which the outage frequency
//! `f = sum_i f_i * I_B(i)` and every contribution follow.

mod bdd;
mod dynamic;
mod modules;
mod order;
mod sift;

use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::error::Error;
use crate::markov::{self, Chain, ChainError, Overrides};
use crate::model::dist::Distribution;
use crate::model::quantity::{Availability, YEAR_S, human_duration};
use crate::model::system::{ItemId, Node, NodeId, System};
use crate::value::finding::{self, Code, Finding};
use bdd::{Diagram, FALSE, Manager, TRUE};
use dynamic::{DynamicDiagram, Solved};
use modules::{Modular, Structure};
use order::order_items;

/// Standby blocks up to which each block's importance is found exactly, by
/// forcing it up and down in the whole structure; past it, one diagram with
/// every block as an independent variable gives them all (an approximation,
/// named in the findings).
const BLOCK_VARS_FROM: usize = 64;

/// Largest decision diagram built before giving up (nodes).
pub const MAX_BDD_NODES: usize = 4_000_000;

/// What kind of thing a [`Contributor`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ContributorKind {
    /// A component (all its replicas together).
    Component,
    /// A failure domain.
    Domain,
    /// The takeovers of a standby block (failover delay and failed switches).
    Failover,
}

/// How much one component, domain or standby's failovers cost the system.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Contributor {
    /// The name in the model (`db (failover)` for a standby's takeovers).
    pub name: String,
    /// What it is.
    pub kind: ContributorKind,
    /// Downtime a year, in seconds, that would disappear if it never failed
    /// (improvement potential); for a failover line, the downtime its
    /// takeovers add.
    pub downtime_per_year_s: f64,
    /// Criticality importance `I_B * (1 - A_i) / (1 - A_sys)`: the share of
    /// system unavailability it is responsible for (summed over replicas).
    pub criticality: f64,
    /// Birnbaum importance `P(up | it up) - P(up | it down)` (summed over
    /// replicas; for a failover line, that of the standby block).
    pub birnbaum: f64,
}

/// The analytic figures of a system.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Analytic {
    /// Steady-state availability of the system.
    pub availability: f64,
    /// `1 - availability`, computed directly.
    pub unavailability: f64,
    /// `-log10(unavailability)`; infinite when the system never fails.
    pub nines: f64,
    /// Expected downtime in a 365-day year, seconds.
    pub downtime_per_year_s: f64,
    /// How the figures were computed.
    pub engine: Engine,
    /// States of the standby blocks' Markov chain (with
    /// [`Engine::MarkovChain`]).
    pub markov_states: Option<usize>,
    /// Share of the unavailability that rests on a named approximation
    /// (0 when every figure is exact).
    pub approximate_share: f64,
    /// Unavailability from the structure alone, standby blocks as
    /// parallel (exact).
    pub structural_unavailability: f64,
    /// Unavailability added by standby dynamics (takeovers, detection,
    /// failback): exact with [`Engine::MarkovChain`], first order with
    /// [`Engine::FirstOrder`].
    pub failover_unavailability: f64,
    /// System outages a year; `None` when a component that matters has no
    /// time scale (availability alone).
    pub outages_per_year: Option<f64>,
    /// Mean duration of a system outage, seconds; `None` likewise.
    pub mean_outage_s: Option<f64>,
    /// Items that matter to the system but give availability alone, so that
    /// frequency and duration are unknown.
    pub untimed: Vec<String>,
    /// Every approximation made; empty when the figures are exact.
    pub approximations: Vec<Finding>,
    /// Every component, domain and failover, largest downtime first.
    pub contributors: Vec<Contributor>,
    /// Size of the decision diagram (nodes).
    pub bdd_nodes: usize,
}

/// Which method the exact engine used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Engine {
    /// A decision diagram of the structure: no standby dynamics to model
    /// (exact).
    DecisionDiagram,
    /// Decision diagram and the Markov chain of the standby blocks
    /// (exact for exponential times and delays).
    MarkovChain,
    /// Decision diagram and the first-order takeover penalty (the chain
    /// was too large or could not be solved).
    FirstOrder,
}

impl Engine {
    /// A few words for reports.
    pub fn describe(self) -> &'static str {
        match self {
            Engine::DecisionDiagram => "exact analytic steady state",
            Engine::MarkovChain => {
                "exact analytic steady state (Markov chain of the standby blocks)"
            }
            Engine::FirstOrder => "analytic steady state, first-order failover",
        }
    }
}

/// The exact model of the standby blocks.
struct Exact {
    chain: Chain,
    pi: Vec<f64>,
    dd: DynamicDiagram,
    cofactors: Vec<u32>,
}

struct StandbyModel {
    index: usize,
    members: Vec<Diagram>,
    /// For each member, "some other member is up".
    others: Vec<Diagram>,
    /// The system with the standby block forced up, and forced down.
    /// (`None` when [`BlockVars`] gives every block's importance.)
    forced_up: Option<Diagram>,
    forced_down: Option<Diagram>,
    /// The block's own structure (members as parallel), for its
    /// availability as a variable of [`BlockVars`].
    alone: Option<Diagram>,
    /// For each member, the earlier (inner) standby blocks inside it, as
    /// (position in `Analyzer::standbys`, member with the inner block forced
    /// up, forced down): an inner takeover is an outage of the member.
    inner: Vec<Vec<(usize, Diagram, Diagram)>>,
}

/// A system compiled for analytic evaluation: build once, evaluate often.
///
/// # Examples
///
/// ```
/// use fivenines::{Analyzer, System};
/// let sys = System::from_str("m.toml", r#"
///     system = "two-of-three"
///     [component.node]
///     availability = 0.99
///     count = 3
///     need = 2
///     [block.two-of-three]
///     series = ["node"]
/// "#)?;
/// let report = Analyzer::new(&sys)?.evaluate();
/// assert!((report.availability - 0.999702).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Analyzer<'s> {
    sys: &'s System,
    /// Level of each item in the diagram; `None` for items the system does not use.
    level_of: Vec<Option<u32>>,
    item_at: Vec<ItemId>,
    diagram: Structure,
    standbys: Vec<StandbyModel>,
    /// Every standby block as one variable (when none is nested).
    block_vars: Option<BlockVars>,
    exact: Option<Exact>,
    /// Whether evaluations list contributors (what-if evaluations do not).
    contributors: bool,
    /// Largest standby chain tried (states).
    max_states: usize,
    /// Why the standby blocks fell back to the first order.
    fallback: Option<String>,
}

impl std::fmt::Debug for Analyzer<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analyzer")
            .field("system", &self.sys.system())
            .field("levels", &self.item_at.len())
            .field("bdd_nodes", &self.diagram.len())
            .field("bdd_siftings", &self.diagram.sifted())
            .finish()
    }
}

/// Contributors, largest downtime first; figures equal to 12 significant
/// digits (two symmetric parts, whose sums differ only by rounding) by
/// name, so the order does not depend on the variable order. (The
/// downtime is rounded before comparing, which keeps the order total.)
fn sort_largest_first(contributors: &mut Vec<Contributor>) {
    let round = |v: f64| -> f64 { format!("{v:.11e}").parse().unwrap_or(v) };
    // The rounded key once per contributor, not once per comparison.
    let mut keyed: Vec<(f64, Contributor)> = contributors
        .drain(..)
        .map(|c| (round(c.downtime_per_year_s), c))
        .collect();
    keyed.sort_by(|(kx, x), (ky, y)| ky.total_cmp(kx).then_with(|| x.name.cmp(&y.name)));
    contributors.extend(keyed.into_iter().map(|(_, c)| c));
}

/// Evaluates a system with the exact engine (builds and evaluates once).
///
/// # Errors
///
/// [`Error::DiagramTooLarge`] when the decision diagram would exceed
/// [`MAX_BDD_NODES`].
pub fn evaluate(sys: &System) -> Result<Analytic, Error> {
    Ok(Analyzer::new(sys)?.evaluate())
}

impl<'s> Analyzer<'s> {
    /// Orders the items and builds the decision diagrams.
    ///
    /// # Errors
    ///
    /// [`Error::DiagramTooLarge`] when a diagram would exceed [`MAX_BDD_NODES`].
    pub fn new(sys: &'s System) -> Result<Self, Error> {
        Self::with_state_limit(sys, markov::MAX_STATES)
    }

    /// As [`Analyzer::new`], with at most `max_states` states in the
    /// standby blocks' Markov chain before falling back to the first-order
    /// penalty (0: always the first order; to compare the two).
    ///
    /// # Errors
    ///
    /// As [`Analyzer::new`].
    pub fn with_state_limit(sys: &'s System, max_states: usize) -> Result<Self, Error> {
        let (level_of, item_at) = order_items(sys);
        let levels = item_at.len();
        // ITE recursion goes at most one frame per level: give deep models
        // a stack to match.
        let used = sys.used_nodes();
        let dynamic = sys
            .standbys()
            .iter()
            .any(|s| !s.is_ideal() && used[s.node.0 as usize]);
        let too_large = || Error::DiagramTooLarge {
            limit: MAX_BDD_NODES,
        };
        type Built = (Structure, Vec<StandbyModel>, Option<BlockVars>);
        let build = || -> Result<Built, Error> {
            if !dynamic {
                // No standby dynamics: independent modules apart.
                let modular =
                    Modular::build(sys, &level_of, MAX_BDD_NODES).ok_or_else(too_large)?;
                return Ok((Structure::Modules(modular), Vec::new(), None));
            }
            // Without nesting, one diagram with every block as a variable
            // gives every block's importance (linear); nested blocks need
            // the system rebuilt with each forced up and down.
            let nodes = sys.nodes();
            let mut is_block = vec![false; nodes.len()];
            for s in sys.standbys() {
                if !s.is_ideal() && used[s.node.0 as usize] {
                    is_block[s.node.0 as usize] = true;
                }
            }
            let mut below = vec![false; nodes.len()];
            for (i, n) in nodes.iter().enumerate() {
                below[i] = n
                    .children()
                    .iter()
                    .any(|c| is_block[c.0 as usize] || below[c.0 as usize]);
            }
            let nested = sys.standbys().iter().any(|s| {
                is_block[s.node.0 as usize]
                    && s.members
                        .iter()
                        .any(|c| is_block[c.0 as usize] || below[c.0 as usize])
            });
            // Forcing every block up and down is exact but costs a build of
            // the system per block: past BLOCK_VARS_FROM blocks, one
            // diagram with every block as a variable (named where it is
            // used).
            let dynamic_blocks = sys
                .standbys()
                .iter()
                .filter(|s| !s.is_ideal() && used[s.node.0 as usize])
                .count();
            let vars = !nested && dynamic_blocks > BLOCK_VARS_FROM;
            std::thread::scope(|scope| {
                // The blocks-as-variables diagram shares nothing with the
                // main one: built on a thread of its own meanwhile.
                let block_vars = if vars {
                    let blocks: Vec<NodeId> = sys
                        .standbys()
                        .iter()
                        .filter(|s| !s.is_ideal() && used[s.node.0 as usize])
                        .map(|s| s.node)
                        .collect();
                    let is_block = &is_block;
                    let level_of = &level_of;
                    Some(
                        std::thread::Builder::new()
                            .stack_size(builder_stack(levels))
                            .spawn_scoped(scope, move || {
                                BlockVars::build(sys, level_of, is_block, &blocks)
                            })
                            .map_err(|e| Error::Resource {
                                what: "cannot start the diagram builder's thread",
                                message: e.to_string(),
                            })?,
                    )
                } else {
                    None
                };
                let (diagram, standbys) = build_main(sys, &level_of, &used, vars)?;
                let block_vars = match block_vars {
                    None => None,
                    Some(h) => Some(
                        h.join()
                            .map_err(|_| Error::Resource {
                                what: "the diagram builder's thread",
                                message: "it stopped without a result".to_string(),
                            })?
                            .ok_or_else(too_large)?,
                    ),
                };
                Ok((Structure::Whole(diagram), standbys, block_vars))
            })
        };
        let (diagram, standbys, block_vars) = if levels > 2_000 {
            std::thread::scope(|scope| {
                std::thread::Builder::new()
                    .stack_size(builder_stack(levels))
                    .spawn_scoped(scope, build)
                    .map_err(|e| Error::Resource {
                        what: "cannot start the diagram builder's thread",
                        message: e.to_string(),
                    })?
                    .join()
                    .map_err(|_| Error::Resource {
                        what: "the diagram builder's thread",
                        message: "it stopped without a result".to_string(),
                    })?
            })?
        } else {
            build()?
        };
        let (exact, fallback) = if standbys.is_empty() {
            (None, None)
        } else {
            match Self::exact_model(sys, &item_at, &Overrides::default(), max_states) {
                Ok(e) => (Some(e), None),
                Err(why) => (None, Some(why)),
            }
        };
        Ok(Analyzer {
            sys,
            level_of,
            item_at,
            diagram,
            standbys,
            block_vars,
            exact,
            fallback,
            contributors: true,
            max_states,
        })
    }

    /// Builds and solves the standby blocks' chain and the diagram on top
    /// of it; says why not when it cannot.
    fn exact_model(
        sys: &System,
        order: &[ItemId],
        ov: &Overrides,
        max_states: usize,
    ) -> Result<Exact, String> {
        let chain = Chain::build(sys, ov, max_states).map_err(|e| match e {
            ChainError::TooLarge { limit } => {
                format!("the standby blocks' Markov chain exceeds {limit} states")
            }
            ChainError::Untimed(i) => format!(
                "`{}` in a standby block gives availability alone",
                sys.item(i).name
            ),
        })?;
        let pi = chain
            .stationary()
            .map_err(|e| format!("the standby blocks' Markov chain: {e}"))?;
        let run = || DynamicDiagram::build(sys, &chain, order, MAX_BDD_NODES);
        let dd = if order.len() > 2_000 {
            std::thread::scope(|scope| {
                std::thread::Builder::new()
                    .stack_size(16 * 1024 * 1024 + order.len() * 1024)
                    .spawn_scoped(scope, run)
                    .ok()
                    .and_then(|h| h.join().ok())
                    .flatten()
            })
        } else {
            run()
        }
        .ok_or_else(|| {
            format!("the diagram with the standby blocks on top exceeds {MAX_BDD_NODES} nodes")
        })?;
        let cofactors = dd.cofactors(&chain);
        Ok(Exact {
            chain,
            pi,
            dd,
            cofactors,
        })
    }

    /// The exact model again with what-if changes (same diagram).
    fn resolve(&self, ex: &Exact, ov: &Overrides) -> Option<Solved> {
        let (a, q) = self.static_probabilities(ex, ov);
        if ov.ideal_blocks.iter().any(|&b| b) {
            // Other dynamics: a new chain.
            let chain = Chain::build(self.sys, ov, self.max_states).ok()?;
            let pi = chain.stationary().ok()?;
            let cofactors = ex.dd.cofactors(&chain);
            return Some(ex.dd.evaluate(self.sys, &chain, &pi, &cofactors, &a, &q));
        }
        // Perfect items: the same states without their failures.
        let perfect: Vec<bool> = ex
            .chain
            .classes
            .iter()
            .map(|c| {
                c.items
                    .iter()
                    .any(|i| ov.perfect_items.get(i.0 as usize).copied().unwrap_or(false))
            })
            .collect();
        let chain = ex.chain.without_failures(&perfect);
        let pi = chain.stationary().ok()?;
        Some(ex.dd.evaluate(self.sys, &chain, &pi, &ex.cofactors, &a, &q))
    }

    /// Availability and unavailability of the static items of `ex`.
    fn static_probabilities(&self, ex: &Exact, ov: &Overrides) -> (Vec<f64>, Vec<f64>) {
        ex.dd
            .static_items
            .iter()
            .map(|&i| {
                if ov.perfect_items.get(i.0 as usize).copied().unwrap_or(false) {
                    (1.0, 0.0)
                } else {
                    let av = self.sys.item(i).rates.availability;
                    (av.value(), av.unavailability())
                }
            })
            .unzip()
    }

    /// Number of nodes of the system's decision diagram.
    pub fn bdd_nodes(&self) -> usize {
        self.diagram.len()
    }

    /// How many times the diagram's variables were reordered by sifting
    /// while it was built: 0 unless a part of the structure outgrew both
    /// candidate orders (past 262,144 nodes; see ARCHITECTURE.md).
    ///
    /// ```
    /// use fivenines::{analytic::Analyzer, model::system::System};
    /// let sys = System::from_str("m.toml", "system = \"a\"\n[component.a]\navailability = 0.999\n")?;
    /// assert_eq!(Analyzer::new(&sys)?.bdd_siftings(), 0);
    /// # Ok::<(), fivenines::Error>(())
    /// ```
    pub fn bdd_siftings(&self) -> usize {
        self.diagram.sifted()
    }

    /// The same analysis for `sys`, a copy of this analyzer's system with
    /// other figures (availabilities, failure and repair times) but the
    /// same structure, without building the diagram again; `None` when the
    /// model has standby blocks (their chain or penalties depend on the
    /// figures: build a new analyzer). Contributors are left out.
    pub(crate) fn rebind<'t>(&self, sys: &'t System) -> Option<Analyzer<'t>> {
        if !self.standbys.is_empty()
            || self.exact.is_some()
            || sys.items().len() != self.sys.items().len()
            || sys.nodes().len() != self.sys.nodes().len()
        {
            return None;
        }
        Some(Analyzer {
            sys,
            level_of: self.level_of.clone(),
            item_at: self.item_at.clone(),
            diagram: self.diagram.clone(),
            block_vars: None,
            standbys: Vec::new(),
            exact: None,
            contributors: false,
            max_states: self.max_states,
            fallback: self.fallback.clone(),
        })
    }

    /// Leaves contributors out of later evaluations (what-if and sweep
    /// points need only the system's figures).
    pub(crate) fn without_contributors(mut self) -> Self {
        self.contributors = false;
        self
    }

    /// Evaluates with the model's own availabilities.
    pub fn evaluate(&self) -> Analytic {
        let a: Vec<f64> = self
            .item_at
            .iter()
            .map(|&i| self.sys.item(i).rates.availability.value())
            .collect();
        let q: Vec<f64> = self
            .item_at
            .iter()
            .map(|&i| self.sys.item(i).rates.availability.unavailability())
            .collect();
        self.evaluate_with(&a, &q)
    }

    fn evaluate_with(&self, a: &[f64], q: &[f64]) -> Analytic {
        if let Some(ex) = &self.exact {
            return self.evaluate_exact(ex, a, q);
        }
        let sys = self.sys;
        let pass = self.diagram.forward(a, q);
        let (a_struct, q_struct) = self.diagram.root_probabilities(&pass);
        let mut birnbaum = vec![0.0; self.item_at.len()];
        self.diagram.birnbaum(a, q, &pass, &mut birnbaum);

        // Outage frequency of the structure: sum f_i * I_B(i).
        let mut f_struct = Some(0.0);
        let mut untimed = Vec::new();
        for (l, &item) in self.item_at.iter().enumerate() {
            if birnbaum[l] <= 0.0 {
                continue;
            }
            match sys.item(item).rates.frequency() {
                Some(f) => f_struct = f_struct.map(|s| s + f * birnbaum[l]),
                None => {
                    f_struct = None;
                    untimed.push(sys.item(item).name.clone());
                }
            }
        }

        // Standby takeovers, first order.
        let mut approximations = Vec::new();
        if let Some(why) = &self.fallback {
            approximations.push(Finding::approximation(
                Code::FirstOrderFallback,
                None,
                format!("{why}: standby blocks fall back to the first-order approximation"),
            ));
            if self.block_vars.is_some() {
                approximations.push(Finding::approximation(
                    Code::BlockImportance,
                    None,
                    format!(
                        "importance of the {} standby blocks from one diagram in which each block is a variable of its own availability, its members' domains taken as up (more than {BLOCK_VARS_FROM} blocks: forcing each up and down would rebuild the system once per block); a block's correlation with the rest through shared domains is left out",
                        self.standbys.len()
                    ),
                ));
            }
            if self.contributors && !self.what_if_affordable() {
                approximations.push(Finding::approximation(
                    Code::LargeModelContributors,
                    None,
                    format!(
                        "contributors of this large model ({} items, {} standby blocks): a component's or domain's line is its structural part only, a failover line its block's own first-order term (not re-evaluated)",
                        self.item_at.len(),
                        self.standbys.len()
                    ),
                ));
            }
        }
        let (q_failover, f_failover, penalties) = self.first_order(a, q);
        let mut contributors = Vec::new();
        for (st, p) in self.standbys.iter().zip(&penalties) {
            let s = &sys.standbys()[st.index];
            approximations.push(Finding::approximation(Code::FirstOrderFailover, Some(&s.name), format!(
                "takeovers (detection {}, failover {}, switch success {}{}) by the first-order approximation (members mostly up and independent, delays short beside times between failures, outages exponential unless fixed, detection at its mean); `simulate` gives the exact dynamics",
                s.detect.describe(),
                s.failover.describe(),
                s.switch_success,
                if s.revert {
                    format!(", revertive with failback {}", s.failback.describe())
                } else {
                    ", non-revertive".to_string()
                }
            )));
            if !self.contributors {
                continue;
            }
            // What disappears with an instant, always successful switch,
            // nested blocks' effects included: the model evaluated again
            // (exactly, when the chain then fits).
            // A large model keeps each block's own term (re-evaluating
            // it once per part would be quadratic).
            let gain = if self.what_if_affordable() {
                self.what_if(|m| {
                    let sb = &mut m.standbys[st.index];
                    sb.failover = Distribution::Fixed(0.0);
                    sb.detect = Distribution::Fixed(0.0);
                    sb.failback = Distribution::Fixed(0.0);
                    sb.switch_success = 1.0;
                })
                .map_or(0.0, |u| (q_struct + q_failover - u).max(0.0))
            } else {
                p.unavailability
            };
            contributors.push(Contributor {
                name: format!("{} (failover)", s.name),
                kind: ContributorKind::Failover,
                downtime_per_year_s: gain * YEAR_S,
                criticality: 0.0,
                birnbaum: p.birnbaum,
            });
        }
        let unavailability = (q_struct + q_failover).min(1.0);
        let availability = (a_struct - q_failover).max(0.0);
        if q_struct + q_failover > 1.0 {
            approximations.push(Finding::approximation(
                Code::FirstOrderCapped,
                None,
                "the first-order failover penalty exceeds 1 and was capped",
            ));
        }
        // Components and domains.
        let crit = |l: usize| {
            if unavailability > 0.0 {
                birnbaum[l] * q[l] / unavailability
            } else {
                0.0
            }
        };
        // What disappears when the items at `levels` never fail: the
        // structure's part, and the takeovers' when there are standby blocks.
        let affordable = self.what_if_affordable();
        // Several levels of a whole diagram: only the band between them
        // is evaluated again.
        let needs_index = self.contributors
            && (self.standbys.is_empty() || !affordable)
            && sys.components().iter().any(|c| c.items.len() > 1);
        let band = match (self.diagram.whole(), self.diagram.whole_pass(&pass)) {
            (Some(d), Some(p)) if needs_index => Some((d, d.index(a.len(), a, q), p)),
            _ => None,
        };
        let improvement = |levels: &[usize]| -> f64 {
            if levels.len() == 1 && (self.standbys.is_empty() || !affordable) {
                return q[levels[0]] * birnbaum[levels[0]];
            }
            if self.standbys.is_empty() || !affordable {
                if let Some((d, idx, p)) = &band {
                    return d.gain_without(idx, levels, a, q, p).max(0.0);
                }
                let mut a2 = a.to_vec();
                let mut q2 = q.to_vec();
                for &l in levels {
                    a2[l] = 1.0;
                    q2[l] = 0.0;
                }
                let p2 = self.diagram.forward(&a2, &q2);
                return (q_struct - self.diagram.root_probabilities(&p2).1).max(0.0);
            }
            // With standby blocks: the model evaluated again with these
            // items perfect (exactly, when the chain then fits).
            let after = self.what_if(|m| {
                for &l in levels {
                    let item = &mut m.items[self.item_at[l].0 as usize];
                    item.rates.availability = Availability::PERFECT;
                    item.rates.mtbf_s = Some(f64::INFINITY);
                    item.rates.mttr_s = None;
                    item.failure = None;
                    item.repair = None;
                }
            });
            after.map_or(0.0, |u| (q_struct + q_failover - u).max(0.0))
        };
        for c in sys.components().iter().filter(|_| self.contributors) {
            let levels: Vec<usize> = c
                .items
                .iter()
                .filter_map(|i| self.level_of[i.0 as usize].map(|l| l as usize))
                .collect();
            if levels.is_empty() {
                continue;
            }
            contributors.push(Contributor {
                name: c.name.clone(),
                kind: ContributorKind::Component,
                downtime_per_year_s: improvement(&levels) * YEAR_S,
                criticality: levels.iter().map(|&l| crit(l)).sum(),
                birnbaum: levels.iter().map(|&l| birnbaum[l]).sum(),
            });
        }
        for d in sys.domains().iter().filter(|_| self.contributors) {
            if let Some(l) = self.level_of[d.item.0 as usize] {
                let l = l as usize;
                contributors.push(Contributor {
                    name: d.name.clone(),
                    kind: ContributorKind::Domain,
                    downtime_per_year_s: improvement(&[l]) * YEAR_S,
                    criticality: crit(l),
                    birnbaum: birnbaum[l],
                });
            }
        }
        if !self.standbys.is_empty() {
            // With takeovers (and for the failover lines), the share of
            // the downtime that would go.
            for c in &mut contributors {
                c.criticality = if unavailability > 0.0 {
                    c.downtime_per_year_s / YEAR_S / unavailability
                } else {
                    0.0
                };
            }
        }
        sort_largest_first(&mut contributors);

        let f_total = f_struct.map(|f| f + f_failover);
        let (outages_per_year, mean_outage_s) = match f_total {
            Some(f) if f > 0.0 => (Some(f * YEAR_S), Some(unavailability / f)),
            Some(_) => (Some(0.0), None),
            None => (None, None),
        };
        Analytic {
            availability,
            unavailability,
            nines: crate::model::quantity::nines(unavailability),
            downtime_per_year_s: unavailability * YEAR_S,
            engine: if self.standbys.is_empty() {
                Engine::DecisionDiagram
            } else {
                Engine::FirstOrder
            },
            markov_states: None,
            approximate_share: if unavailability > 0.0 {
                (q_failover / unavailability).min(1.0)
            } else {
                0.0
            },
            structural_unavailability: q_struct,
            failover_unavailability: q_failover,
            outages_per_year,
            mean_outage_s,
            untimed,
            approximations: finding::group(approximations),
            contributors,
            bdd_nodes: self.diagram.len(),
        }
    }

    /// The exact evaluation: the standby blocks' chain under the diagram
    /// (see [`dynamic`]). `a` and `q` are by level of the static diagram.
    fn evaluate_exact(&self, ex: &Exact, a: &[f64], q: &[f64]) -> Analytic {
        let sys = self.sys;
        let none = Overrides::default();
        let (sa, sq) = self.static_probabilities(ex, &none);
        let base = ex
            .dd
            .evaluate(sys, &ex.chain, &ex.pi, &ex.cofactors, &sa, &sq);
        let unavailability = base.unavailability.clamp(0.0, 1.0);
        let availability = base.availability.clamp(0.0, 1.0);
        let q_struct = self
            .diagram
            .root_probabilities(&self.diagram.forward(a, q))
            .1;
        let q_failover = (unavailability - q_struct).max(0.0);
        let n_items = sys.items().len();
        let static_level: FxHashMap<ItemId, usize> = ex
            .dd
            .static_items
            .iter()
            .enumerate()
            .map(|(k, &i)| (i, k))
            .collect();
        let crit = |improvement: f64| {
            if unavailability > 0.0 {
                improvement / unavailability
            } else {
                0.0
            }
        };
        // What disappears when `items` never fail.
        let improvement = |items: &[ItemId]| -> (f64, f64) {
            let static_only = items.iter().all(|i| static_level.contains_key(i));
            if static_only && items.len() == 1 {
                let k = static_level[&items[0]];
                let b = base.birnbaum[k];
                return (sq[k] * b, b);
            }
            let mut perfect = vec![false; n_items];
            for i in items {
                perfect[i.0 as usize] = true;
            }
            let ov = Overrides {
                perfect_items: perfect,
                ideal_blocks: Vec::new(),
            };
            let after = if static_only {
                let (a2, q2) = self.static_probabilities(ex, &ov);
                ex.dd
                    .evaluate(sys, &ex.chain, &ex.pi, &ex.cofactors, &a2, &q2)
            } else {
                match self.resolve(ex, &ov) {
                    Some(s) => s,
                    None => return (0.0, 0.0),
                }
            };
            let gain = (base.unavailability - after.unavailability).max(0.0);
            let q_items: f64 = items
                .iter()
                .map(|i| sys.item(*i).rates.availability.unavailability())
                .sum();
            let b = if static_only {
                items.iter().map(|i| base.birnbaum[static_level[i]]).sum()
            } else if q_items > 0.0 {
                gain / q_items
            } else {
                0.0
            };
            (gain, b)
        };
        let used = sys.used_items();
        let mut contributors = Vec::new();
        for c in sys.components().iter().filter(|_| self.contributors) {
            let items: Vec<ItemId> = c
                .items
                .iter()
                .copied()
                .filter(|i| used[i.0 as usize])
                .collect();
            if items.is_empty() {
                continue;
            }
            let (gain, b) = improvement(&items);
            contributors.push(Contributor {
                name: c.name.clone(),
                kind: ContributorKind::Component,
                downtime_per_year_s: gain * YEAR_S,
                criticality: crit(gain),
                birnbaum: b,
            });
        }
        for d in sys.domains().iter().filter(|_| self.contributors) {
            if !used[d.item.0 as usize] {
                continue;
            }
            let (gain, b) = improvement(&[d.item]);
            contributors.push(Contributor {
                name: d.name.clone(),
                kind: ContributorKind::Domain,
                downtime_per_year_s: gain * YEAR_S,
                criticality: crit(gain),
                birnbaum: b,
            });
        }
        let mut failover_lines = 0.0;
        let block_b = if self.contributors {
            self.block_birnbaums(a, q)
        } else {
            Vec::new()
        };
        for (st, &block_b) in self
            .standbys
            .iter()
            .zip(&block_b)
            .filter(|_| self.contributors)
        {
            let sb = &sys.standbys()[st.index];
            let mut ideal = vec![false; sys.standbys().len()];
            ideal[st.index] = true;
            let ov = Overrides {
                perfect_items: Vec::new(),
                ideal_blocks: ideal,
            };
            let gain = self
                .resolve(ex, &ov)
                .map_or(0.0, |s| (base.unavailability - s.unavailability).max(0.0));
            failover_lines += gain;
            contributors.push(Contributor {
                name: format!("{} (failover)", sb.name),
                kind: ContributorKind::Failover,
                downtime_per_year_s: gain * YEAR_S,
                criticality: crit(gain),
                birnbaum: block_b,
            });
        }
        sort_largest_first(&mut contributors);
        let untimed: Vec<String> = base
            .untimed
            .iter()
            .map(|i| sys.item(*i).name.clone())
            .collect();
        let f = base.f_static + base.f_dynamic;
        let (outages_per_year, mean_outage_s) = if !untimed.is_empty() {
            (None, None)
        } else if f > 0.0 {
            (Some(f * YEAR_S), Some(unavailability / f))
        } else {
            (Some(0.0), None)
        };
        let approximations = finding::group(ex.chain.approximations.clone());
        let approximate_share = if approximations.is_empty() || unavailability <= 0.0 {
            0.0
        } else {
            (failover_lines / unavailability).min(1.0)
        };
        Analytic {
            availability,
            unavailability,
            nines: crate::model::quantity::nines(unavailability),
            downtime_per_year_s: unavailability * YEAR_S,
            engine: Engine::MarkovChain,
            markov_states: Some(ex.chain.len()),
            approximate_share,
            structural_unavailability: q_struct,
            failover_unavailability: q_failover,
            outages_per_year,
            mean_outage_s,
            untimed,
            approximations,
            contributors,
            bdd_nodes: ex.dd.diagram.len(),
        }
    }

    /// Whether contributors of the first-order fallback can be found by
    /// evaluating changed copies of the model (one per part): for models
    /// of moderate size.
    fn what_if_affordable(&self) -> bool {
        self.item_at.len() * self.standbys.len().max(1) <= 20_000
    }

    /// The unavailability of a changed copy of the model, by a fresh
    /// analysis without contributors (`None` if it cannot be evaluated).
    fn what_if(&self, change: impl FnOnce(&mut System)) -> Option<f64> {
        let mut m = self.sys.clone();
        change(&mut m);
        let mut an = Analyzer::with_state_limit(&m, self.max_states).ok()?;
        an.contributors = false;
        Some(an.evaluate().unavailability)
    }

    /// The structural Birnbaum importance of every standby block (in
    /// `self.standbys` order): the system's unavailability with the block
    /// down less that with it up.
    fn block_birnbaums(&self, a: &[f64], q: &[f64]) -> Vec<f64> {
        if let Some(bv) = &self.block_vars {
            // Each block's own availability, its members' domains taken as
            // up: a domain is shared (it appears elsewhere in the structure
            // too), and counting it once per block, as if each block had a
            // copy, would multiply it by the number of blocks.
            let (mut a2, mut q2) = (a.to_vec(), q.to_vec());
            for (l, &it) in self.item_at.iter().enumerate() {
                if matches!(
                    self.sys.item(it).owner,
                    crate::model::system::Owner::Domain(_)
                ) {
                    a2[l] = 1.0;
                    q2[l] = 0.0;
                }
            }
            let block_a: Vec<(f64, f64)> = self
                .standbys
                .iter()
                .map(|st| match &st.alone {
                    Some(d) => d.root_probabilities(&d.forward(&a2, &q2)),
                    None => (1.0, 0.0),
                })
                .collect();
            return bv.birnbaums(a, q, &block_a);
        }
        self.standbys
            .iter()
            .map(|st| {
                let (Some(up), Some(down)) = (&st.forced_up, &st.forced_down) else {
                    return 0.0;
                };
                let (_, q_up) = up.root_probabilities(&up.forward(a, q));
                let (_, q_down) = down.root_probabilities(&down.forward(a, q));
                (q_down - q_up).max(0.0)
            })
            .collect()
    }

    /// The first-order penalties of every standby block, inner first:
    /// total unavailability and outage frequency added, and each block's
    /// penalty.
    fn first_order(&self, a: &[f64], q: &[f64]) -> (f64, f64, Vec<Penalty>) {
        let (mut dq, mut df) = (0.0, 0.0);
        let mut dynamics: Vec<Dynamics> = Vec::with_capacity(self.standbys.len());
        let mut penalties = Vec::with_capacity(self.standbys.len());
        let critical = self.block_birnbaums(a, q);
        for (st, &critical) in self.standbys.iter().zip(&critical) {
            let p = self.takeover_penalty(st, a, q, &dynamics, critical);
            dq += p.unavailability;
            df += p.frequency;
            dynamics.push(p.block);
            penalties.push(p);
        }
        (dq, df, penalties)
    }

    /// The first-order takeover penalty of one standby block
    /// (docs/math.md, "The first-order fallback"). `inner`
    /// holds the dynamics of the standby blocks already evaluated (inner
    /// ones come first).
    fn takeover_penalty(
        &self,
        st: &StandbyModel,
        a: &[f64],
        q: &[f64],
        inner: &[Dynamics],
        critical: f64,
    ) -> Penalty {
        let s = &self.sys.standbys()[st.index];
        // Member steady state: failure frequency, mean up time, and the rate
        // of its failures that find another member up (a takeover).
        // A failure of item j takes member i down at rate f_j * I_B(j; i);
        // another member is then up with probability P(others | x_j = 0)
        // = P(others) - a_j * I_B(j; others): exact for shared domains (a
        // region failure that takes every member down starts no takeover).
        // An inner standby's takeover is also an outage of the member, at
        // its rate times its importance within the member.
        // Each takeover costs c * E[d] + (1 - c) * (the outage that started
        // it): a failed switch leaves the block down until that is over.
        struct M {
            up: f64,
            /// Availability of the member.
            avail: f64,
            /// Block outages a second while it serves.
            outages: f64,
            /// Block downtime a second while it serves.
            cost: f64,
            /// Successful takeovers a second while it serves (each is
            /// followed by a move back with `revert`).
            away: f64,
        }
        let c = s.switch_success;
        let d = s.failover.mean();
        let detect = s.detect.mean();
        // One failure of the serving member, with another member up: its
        // outage R is ridden out when shorter than the detection time D
        // (the block is down for it), otherwise a takeover follows D.
        let per_failure = |r: Outage| -> (f64, f64, f64) {
            let (p_long, e_min, e_excess) = r.against(detect);
            let cost = e_min + p_long * (c * d + (1.0 - c) * e_excess);
            // Every failure is a block outage, except with instant
            // detection and failover: then only failed switches are.
            let outage = if detect > 0.0 || d > 0.0 {
                1.0
            } else {
                1.0 - c
            };
            (cost, outage, p_long * c)
        };
        let members: Vec<M> = st
            .members
            .iter()
            .zip(&st.others)
            .zip(&st.inner)
            .map(|((dm, o), inside)| {
                let pass = dm.forward(a, q);
                let (am, _) = dm.root_probabilities(&pass);
                // Sparse: a member's diagram holds few of the levels.
                let b = dm.birnbaum_sparse(a, q, &pass);
                let opass = o.forward(a, q);
                let (p_others, _) = o.root_probabilities(&opass);
                let bo: FxHashMap<u32, f64> = o.birnbaum_sparse(a, q, &opass).into_iter().collect();
                let (mut f, mut outages, mut cost, mut away) = (0.0, 0.0, 0.0, 0.0);
                for &(l, bl) in &b {
                    let l = l as usize;
                    if bl <= 0.0 {
                        continue;
                    }
                    let item = self.sys.item(self.item_at[l]);
                    if q[l] <= 0.0 {
                        continue;
                    }
                    let fj = item.rates.frequency().unwrap_or(0.0) * bl;
                    let bol = bo.get(&(l as u32)).copied().unwrap_or(0.0);
                    let t = fj * (p_others - a[l] * bol).max(0.0);
                    f += fj;
                    let (k, o, w) = per_failure(Outage::of(
                        item.repair.as_ref(),
                        item.rates.mttr_s.unwrap_or(0.0),
                    ));
                    cost += t * k;
                    outages += t * o;
                    away += t * w;
                }
                for (k, up, down) in inside {
                    let (_, q_up) = up.root_probabilities(&up.forward(a, q));
                    let (_, q_down) = down.root_probabilities(&down.forward(a, q));
                    let importance = (q_down - q_up).max(0.0);
                    let dy = &inner[*k];
                    if dy.outages <= 0.0 || importance <= 0.0 {
                        continue;
                    }
                    let fj = dy.outages * importance;
                    let t = fj * p_others;
                    f += fj;
                    let mean = dy.down / dy.outages;
                    let r = match dy.fixed {
                        // Successful takeovers last the fixed delay, failed
                        // switches (a share 1 - c) a repair.
                        Some((v, c_inner)) if c_inner < 1.0 => Outage::Mix {
                            p_fixed: c_inner,
                            fixed: v,
                            mean: ((mean - c_inner * v) / (1.0 - c_inner)).max(0.0),
                        },
                        Some((v, _)) => Outage::Fixed(v),
                        None => Outage::Exponential(mean),
                    };
                    let (k, o, w) = per_failure(r);
                    cost += t * k;
                    outages += t * o;
                    away += t * w;
                }
                let up = if f > 0.0 { am / f } else { f64::INFINITY };
                M {
                    up,
                    avail: am,
                    outages,
                    cost,
                    away,
                }
            })
            .collect();
        // Who serves: with `revert`, the first member up (members taken as
        // independent); without, each in proportion to its mean up time.
        let shares: Vec<f64> = if s.revert {
            let mut all_down_before = 1.0;
            let raw: Vec<f64> = members
                .iter()
                .map(|m| {
                    let share = m.avail * all_down_before;
                    all_down_before *= 1.0 - m.avail;
                    share
                })
                .collect();
            let total: f64 = raw.iter().sum();
            raw.iter()
                .map(|r| if total > 0.0 { r / total } else { 0.0 })
                .collect()
        } else {
            let total_up: f64 = members.iter().map(|m| m.up).filter(|u| u.is_finite()).sum();
            members
                .iter()
                .map(|m| {
                    if m.up.is_finite() && total_up > 0.0 {
                        m.up / total_up
                    } else {
                        0.0
                    }
                })
                .collect()
        };
        let failback = s.failback.mean();
        let mut block = Dynamics::default();
        let last = members.len().saturating_sub(1);
        for (i, (m, share)) in members.iter().zip(&shares).enumerate() {
            block.down += share * m.cost;
            block.outages += share * m.outages;
            if s.revert && failback > 0.0 && i < last {
                // Each takeover away is undone by a move back.
                block.down += share * m.away * failback;
                block.outages += share * m.away;
            }
        }
        block.fixed = match s.failover {
            Distribution::Fixed(v) if v > 0.0 && detect == 0.0 && !s.revert => Some((v, c)),
            _ => None,
        };
        Penalty {
            unavailability: block.down * critical,
            frequency: block.outages * critical,
            birnbaum: critical,
            block,
        }
    }
}

/// Stack of a diagram builder's thread: `ite` recurses once a level.
fn builder_stack(levels: usize) -> usize {
    16 * 1024 * 1024 + levels * 1024
}

/// The whole diagram of a structure with dynamic standby blocks, and each
/// block's member diagrams (with the system rebuilt with the block forced
/// up and down unless `vars`: then [`BlockVars`] gives its importance).
fn build_main(
    sys: &System,
    level_of: &[Option<u32>],
    used: &[bool],
    vars: bool,
) -> Result<(Diagram, Vec<StandbyModel>), Error> {
    let mut m = Manager::new(MAX_BDD_NODES);
    let memo = build_nodes(sys, &mut m, level_of, used, None);
    let root = memo[sys.root().0 as usize];
    let diagram = m.compact(root);
    let mut standbys = Vec::new();
    let mut forced: Vec<(Vec<u32>, Vec<u32>)> = Vec::new();
    for (index, s) in sys.standbys().iter().enumerate() {
        if s.is_ideal() || !used[s.node.0 as usize] {
            continue;
        }
        // Each member, and for each member "some other member is up".
        let members: Vec<Diagram> = s
            .members
            .iter()
            .map(|n| m.compact(memo[n.0 as usize]))
            .collect();
        let others: Vec<Diagram> = (0..s.members.len())
            .map(|i| {
                let rest: Vec<u32> = s
                    .members
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i)
                    .map(|(_, n)| memo[n.0 as usize])
                    .collect();
                let any = m.at_least(1, &rest);
                m.compact(any)
            })
            .collect();
        if vars {
            standbys.push(StandbyModel {
                index,
                members,
                others,
                forced_up: None,
                forced_down: None,
                alone: Some(m.compact(memo[s.node.0 as usize])),
                inner: vec![Vec::new(); s.members.len()],
            });
            continue;
        }
        let up = build_nodes(sys, &mut m, level_of, used, Some((s.node, &memo, TRUE)));
        let down = build_nodes(sys, &mut m, level_of, used, Some((s.node, &memo, FALSE)));
        // Standby blocks are in block order, inner before outer: an
        // earlier one lies inside a member when forcing it changes
        // the member.
        let inner = s
            .members
            .iter()
            .map(|n| {
                let n = n.0 as usize;
                forced
                    .iter()
                    .enumerate()
                    .filter(|(_, (u, d)): &(usize, &(Vec<u32>, Vec<u32>))| u[n] != d[n])
                    .map(|(k, (u, d))| (k, m.compact(u[n]), m.compact(d[n])))
                    .collect()
            })
            .collect();
        standbys.push(StandbyModel {
            index,
            members,
            others,
            forced_up: Some(m.compact(up[sys.root().0 as usize])),
            forced_down: Some(m.compact(down[sys.root().0 as usize])),
            alone: None,
            inner,
        });
        forced.push((up, down));
    }
    if m.overflowed() {
        return Err(Error::DiagramTooLarge {
            limit: MAX_BDD_NODES,
        });
    }
    Ok((diagram, standbys))
}

/// The system with every standby block replaced by a free variable: the
/// Birnbaum importance of that variable is the block's structural
/// importance, `P(up | block up) - P(up | block down)` (the rest of the
/// structure as it is), for every block from one pass. Exact when no block
/// lies inside another's member.
struct BlockVars {
    diagram: Diagram,
    /// Level of this diagram -> level of the item in the main one (`None`:
    /// a block).
    item_level: Vec<Option<u32>>,
    /// Each block's level here (in `Analyzer::standbys` order).
    block_level: Vec<u32>,
}

impl BlockVars {
    fn build(
        sys: &System,
        level_of: &[Option<u32>],
        is_block: &[bool],
        blocks: &[NodeId],
    ) -> Option<BlockVars> {
        let nodes = sys.nodes();
        let seq = order::order_leaves(sys, is_block);
        let mut node_level = vec![u32::MAX; nodes.len()];
        let mut item_at_level: FxHashMap<u32, u32> = FxHashMap::default();
        let mut item_level = Vec::with_capacity(seq.len());
        for (g, n) in seq.iter().enumerate() {
            match sys.node(*n) {
                Node::Item(it) => {
                    item_at_level.insert(it.0, g as u32);
                    item_level.push(Some(level_of[it.0 as usize]?));
                }
                _ => {
                    node_level[n.0 as usize] = g as u32;
                    item_level.push(None);
                }
            }
        }
        // What the root reaches without entering a block.
        let mut reached = vec![false; nodes.len()];
        reached[sys.root().0 as usize] = true;
        for i in (0..nodes.len()).rev() {
            if reached[i] && !is_block[i] {
                for c in nodes[i].children() {
                    reached[c.0 as usize] = true;
                }
            }
        }
        let mut m = Manager::new(MAX_BDD_NODES);
        let mut memo = vec![FALSE; nodes.len()];
        for (i, node) in nodes.iter().enumerate() {
            if !reached[i] {
                continue;
            }
            memo[i] = if is_block[i] {
                m.var(node_level[i])
            } else {
                match node {
                    Node::Item(it) => m.var(*item_at_level.get(&it.0)?),
                    _ => gate(&mut m, node, &memo),
                }
            };
        }
        if m.overflowed() {
            return None;
        }
        let diagram = m.compact(memo[sys.root().0 as usize]);
        let block_level = blocks.iter().map(|b| node_level[b.0 as usize]).collect();
        Some(BlockVars {
            diagram,
            item_level,
            block_level,
        })
    }

    /// Every block's importance, with the items' `a`, `q` by main level
    /// and each block's own availability and unavailability (its members
    /// as parallel), in block order.
    fn birnbaums(&self, a: &[f64], q: &[f64], blocks: &[(f64, f64)]) -> Vec<f64> {
        let (mut ga, mut gq): (Vec<f64>, Vec<f64>) = self
            .item_level
            .iter()
            .map(|l| match l {
                Some(l) => (a[*l as usize], q[*l as usize]),
                None => (1.0, 0.0),
            })
            .unzip();
        for (k, &l) in self.block_level.iter().enumerate() {
            if let (Some(&(ba, bq)), Some(slot)) = (blocks.get(k), ga.get_mut(l as usize)) {
                *slot = ba;
                gq[l as usize] = bq;
            }
        }
        let pass = self.diagram.forward(&ga, &gq);
        let mut b = vec![0.0; ga.len()];
        self.diagram.birnbaum(&ga, &gq, &pass, &mut b);
        self.block_level
            .iter()
            .map(|&l| b.get(l as usize).copied().unwrap_or(0.0).max(0.0))
            .collect()
    }
}

/// Outages of a standby block caused by its takeovers.
#[derive(Clone, Copy, Debug, Default)]
struct Dynamics {
    /// Fraction of time the block is down from takeovers.
    down: f64,
    /// Takeover outages per second.
    outages: f64,
    /// The duration of a successful takeover, when fixed, and the
    /// switch success (the rest last a repair).
    fixed: Option<(f64, f64)>,
}

/// The duration of a member's outage, for the detection arithmetic.
#[derive(Clone, Copy, Debug)]
enum Outage {
    Fixed(f64),
    Exponential(f64),
    /// Fixed with probability `p_fixed`, else exponential.
    Mix {
        p_fixed: f64,
        fixed: f64,
        mean: f64,
    },
}

impl Outage {
    /// From a repair distribution: fixed stays fixed, anything else is
    /// taken as exponential with its mean.
    fn of(repair: Option<&Distribution>, mean: f64) -> Outage {
        match repair {
            Some(Distribution::Fixed(v)) => Outage::Fixed(*v),
            _ => Outage::Exponential(mean),
        }
    }

    /// Against a detection time `dt` (its mean): `P(R > dt)`,
    /// `E[min(R, dt)]` and `E[R - dt | R > dt]`.
    fn against(self, dt: f64) -> (f64, f64, f64) {
        match self {
            Outage::Fixed(r) => {
                if r > dt {
                    (1.0, dt, r - dt)
                } else {
                    (0.0, r, 0.0)
                }
            }
            Outage::Mix {
                p_fixed,
                fixed,
                mean,
            } => {
                let (a, b, c) = Outage::Fixed(fixed).against(dt);
                let (x, y, z) = Outage::Exponential(mean).against(dt);
                let p = p_fixed * a + (1.0 - p_fixed) * x;
                let excess = if p > 0.0 {
                    (p_fixed * a * c + (1.0 - p_fixed) * x * z) / p
                } else {
                    0.0
                };
                (p, p_fixed * b + (1.0 - p_fixed) * y, excess)
            }
            Outage::Exponential(r) => {
                if dt <= 0.0 || r <= 0.0 {
                    (if r > 0.0 { 1.0 } else { 0.0 }, 0.0, r)
                } else {
                    let p = (-dt / r).exp();
                    (p, r * (1.0 - p), r)
                }
            }
        }
    }
}

/// What a standby block's takeovers cost the system.
struct Penalty {
    unavailability: f64,
    frequency: f64,
    birnbaum: f64,
    block: Dynamics,
}

/// Builds the diagram of every used node, children first (node ids are a
/// topological order). With `forced = (node, base, constant)`, that node is
/// replaced by the constant and only its ancestors are rebuilt.
fn build_nodes(
    sys: &System,
    m: &mut Manager,
    level_of: &[Option<u32>],
    used: &[bool],
    forced: Option<(NodeId, &[u32], u32)>,
) -> Vec<u32> {
    let n = sys.nodes().len();
    let mut memo = vec![FALSE; n];
    let mut changed = vec![false; n];
    for (i, node) in sys.nodes().iter().enumerate() {
        if !used[i] {
            continue;
        }
        if let Some((target, base, constant)) = forced {
            if target.0 as usize == i {
                memo[i] = constant;
                changed[i] = true;
                continue;
            }
            if !node.children().iter().any(|c| changed[c.0 as usize]) {
                memo[i] = base[i];
                continue;
            }
            changed[i] = true;
        }
        memo[i] = match node {
            Node::Item(it) => m.var(level_of[it.0 as usize].expect("used items have levels")),
            _ => gate(m, node, &memo),
        };
    }
    memo
}

/// The diagram of an all-of or at-least node from its children's (`memo`
/// by node); an all-of is the threshold with k = n, built in level order.
/// Items are the caller's (their variable depends on the diagram).
pub(crate) fn gate(m: &mut Manager, node: &Node, memo: &[u32]) -> u32 {
    let kids: Vec<u32> = node.children().iter().map(|c| memo[c.0 as usize]).collect();
    match node {
        Node::AtLeast { k, .. } => m.at_least(*k as usize, &kids),
        _ => m.at_least(kids.len(), &kids),
    }
}

/// One line on the time scale of a result, for reports.
pub fn describe_outages(a: &Analytic) -> String {
    match (a.outages_per_year, a.mean_outage_s) {
        (Some(f), Some(d)) => format!(
            "{f:.3} outages a year, {} each on average",
            human_duration(d)
        ),
        (Some(_), None) => "no outages".to_string(),
        _ => format!(
            "outage frequency and duration unknown: {} give availability alone",
            a.untimed.join(", ")
        ),
    }
}
