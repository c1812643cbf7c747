//! The checked, compiled model that every engine reads.

use std::ops::Range;
use std::sync::Arc;

use crate::error::{Error, Issue, into_model_errors};
use crate::model::dist::Distribution;
use crate::model::quantity::Availability;
use crate::value::finding::Finding;

/// Index of a basic item (a domain or one replica of a component) in
/// [`System::items`]. Only a [`System`] makes them, so that an id always
/// names an item of the system it came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ItemId(pub(crate) u32);

impl ItemId {
    /// The position of the item in [`System::items`].
    ///
    /// # Examples
    ///
    /// ```
    /// let sys = fivenines::System::from_str("x.toml", "system = \"x\"\n[component.x]\navailability = \"99%\"\n")?;
    /// let id = sys.components()[0].items[0];
    /// assert_eq!(sys.items()[id.index()].name, "x");
    /// # Ok::<(), fivenines::ModelErrors>(())
    /// ```
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Index of a node of the structure in [`System::nodes`]. Only a
/// [`System`] makes them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub(crate) u32);

impl NodeId {
    /// The position of the node in [`System::nodes`] (children come
    /// before their parents).
    ///
    /// # Examples
    ///
    /// ```
    /// let sys = fivenines::System::from_str("x.toml", "system = \"x\"\n[component.x]\navailability = \"99%\"\n")?;
    /// assert_eq!(sys.root().index(), sys.nodes().len() - 1);
    /// # Ok::<(), fivenines::ModelErrors>(())
    /// ```
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// The steady state of one item, and its time scale when known.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rates {
    /// Steady-state availability.
    pub availability: Availability,
    /// Mean up time, seconds (infinite for an item that never fails);
    /// `None` when the model gave availability alone.
    pub mtbf_s: Option<f64>,
    /// Mean repair time, seconds; `None` when unknown (availability alone,
    /// or an item that never fails and has no repair time).
    pub mttr_s: Option<f64>,
}

impl Rates {
    /// Failures per second in steady state, `1 / (MTBF + MTTR)`; zero for an
    /// item that never fails; `None` without a time scale.
    pub fn frequency(&self) -> Option<f64> {
        let q = self.availability.unavailability();
        if q == 0.0 {
            return Some(0.0);
        }
        match (self.mtbf_s, self.mttr_s) {
            (Some(m), Some(r)) => Some(1.0 / (m + r)),
            _ => None,
        }
    }

    /// Whether outage frequency and duration can be derived.
    pub fn has_time_scale(&self) -> bool {
        self.frequency().is_some()
    }
}

/// Index of a component in [`System::components`]. Only a [`System`]
/// makes them, so an id always indexes its own system's components.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ComponentId(pub(crate) u32);

impl ComponentId {
    /// The position of the component in [`System::components`].
    ///
    /// # Examples
    ///
    /// ```
    /// use fivenines::model::system::Owner;
    /// let sys = fivenines::System::from_str("x.toml", "system = \"x\"\n[component.x]\navailability = \"99%\"\n")?;
    /// let Owner::Component { component, replica } = sys.items()[0].owner else { unreachable!() };
    /// assert_eq!((sys.components()[component.index()].name.as_str(), replica), ("x", 0));
    /// # Ok::<(), fivenines::ModelErrors>(())
    /// ```
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Index of a shared failure domain in [`System::domains`]. Only a
/// [`System`] makes them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DomainId(pub(crate) u32);

impl DomainId {
    /// The position of the domain in [`System::domains`].
    ///
    /// # Examples
    ///
    /// ```
    /// use fivenines::model::system::Owner;
    /// let sys = fivenines::System::from_str(
    ///     "x.toml",
    ///     "system = \"x\"\n[domain.az]\navailability = \"99.9%\"\n[component.x]\navailability = \"99%\"\ndomain = \"az\"\n",
    /// )?;
    /// let Owner::Domain(d) = sys.items()[0].owner else { unreachable!() };
    /// assert_eq!(sys.domains()[d.index()].name, "az");
    /// # Ok::<(), fivenines::ModelErrors>(())
    /// ```
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// What an item is part of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owner {
    /// Replica `replica` (0-based) of a component.
    Component {
        /// The component.
        component: ComponentId,
        /// Replica number, 0-based.
        replica: u32,
    },
    /// A shared failure domain.
    Domain(DomainId),
}

/// A basic item: fails and is repaired independently of every other item.
#[derive(Clone, Debug)]
pub struct Item {
    /// `web` for a single component, `web[2]` for its third replica, or the domain's name.
    pub name: String,
    /// What it belongs to.
    pub owner: Owner,
    /// Steady state and time scale.
    pub rates: Rates,
    /// Up-time distribution for simulation (`None` for an item that never
    /// fails or has no time scale).
    pub failure: Option<Distribution>,
    /// Repair-time distribution for simulation (`None` likewise).
    pub repair: Option<Distribution>,
}

/// A node of the structure: a boolean function of the items.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    /// Up when the item is up.
    Item(ItemId),
    /// Up when every child is up.
    All(Vec<NodeId>),
    /// Up when at least `k` children are up.
    AtLeast {
        /// How many must be up.
        k: u32,
        /// The children.
        of: Vec<NodeId>,
    },
}

impl Node {
    /// The children of this node.
    pub fn children(&self) -> &[NodeId] {
        match self {
            Node::Item(_) => &[],
            Node::All(c) | Node::AtLeast { of: c, .. } => c,
        }
    }
}

/// A named component: one item, or a group of replicas.
#[derive(Clone, Debug)]
pub struct Component {
    /// Its name in the model.
    pub name: String,
    /// Its replicas (one item when there is no `count`).
    pub items: Vec<ItemId>,
    /// How many replicas must be up.
    pub need: u32,
    /// The node standing for the component (with its domains).
    pub node: NodeId,
    /// Cost per month of one replica, in the model's currency.
    pub cost_per_month: Option<f64>,
}

/// A named failure domain.
#[derive(Clone, Debug)]
pub struct Domain {
    /// Its name in the model.
    pub name: String,
    /// Its own item.
    pub item: ItemId,
    /// The enclosing domain, if any (index into [`System::domains`]).
    pub within: Option<usize>,
    /// Up when it and every enclosing domain are up.
    pub node: NodeId,
    /// Cost per month, in the model's currency.
    pub cost_per_month: Option<f64>,
}

/// The kind of a named block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockKind {
    /// All members up.
    Series,
    /// At least `need` members up.
    Parallel,
    /// One member serves at a time, with failover.
    Standby,
    /// A choice for `optimize`: evaluated at its first member.
    Choose,
}

impl BlockKind {
    /// The key that gives a block this kind in a model file (`series`,
    /// `parallel`, `standby`, `choose`).
    ///
    /// # Examples
    ///
    /// ```
    /// use fivenines::model::system::BlockKind;
    /// assert_eq!(BlockKind::Standby.key(), "standby");
    /// ```
    pub fn key(self) -> &'static str {
        match self {
            BlockKind::Series => "series",
            BlockKind::Parallel => "parallel",
            BlockKind::Standby => "standby",
            BlockKind::Choose => "choose",
        }
    }
}

/// A named block.
#[derive(Clone, Debug)]
pub struct Block {
    /// Its name in the model.
    pub name: String,
    /// Its kind.
    pub kind: BlockKind,
    /// Its node.
    pub node: NodeId,
}

/// The dynamics of a standby block beyond its structure.
#[derive(Clone, Debug)]
pub struct Standby {
    /// The block's name.
    pub name: String,
    /// The block's node (structurally: at least one member up).
    pub node: NodeId,
    /// Member names, in order of preference.
    pub member_names: Vec<String>,
    /// Member nodes, in order of preference.
    pub members: Vec<NodeId>,
    /// How long a takeover takes (the block is down meanwhile).
    pub failover: Distribution,
    /// Probability that a takeover succeeds.
    pub switch_success: f64,
    /// How long a failure of the serving member goes unnoticed (the block
    /// is down meanwhile); a member back within it is ridden out, with no
    /// takeover. `Fixed(0)` when instant.
    pub detect: Distribution,
    /// Whether service moves back to a preferred member once it is up.
    pub revert: bool,
    /// How long a move back takes (the block is down meanwhile); only with
    /// `revert`.
    pub failback: Distribution,
}

impl Standby {
    /// Whether the standby behaves exactly as a parallel block (instant,
    /// always successful failover, instant detection and failback).
    pub fn is_ideal(&self) -> bool {
        self.failover.mean() == 0.0
            && self.switch_success == 1.0
            && self.detect.mean() == 0.0
            && (!self.revert || self.failback.mean() == 0.0)
    }
}

/// A part of the model whose figures come from a catalog entry (`like`).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct CatalogUse {
    /// The component, domain or block.
    pub name: String,
    /// The catalog entry's id.
    pub entry: String,
    /// The kind of the entry's headline figure.
    pub kind: crate::catalog::FigureKind,
    /// Whether the availability used is a published SLA: a contractual
    /// floor, not a measured availability.
    pub sla_floor: bool,
    /// Where the entry's figure comes from.
    pub source: String,
}

/// A checked model, ready for any engine. Immutable; built by
/// [`System::from_str`](crate::System::from_str) or
/// [`System::from_path`](crate::System::from_path).
#[derive(Clone, Debug)]
pub struct System {
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) system: String,
    pub(crate) currency: String,
    pub(crate) root: NodeId,
    pub(crate) items: Vec<Item>,
    pub(crate) nodes: Vec<Node>,
    pub(crate) components: Vec<Component>,
    pub(crate) domains: Vec<Domain>,
    pub(crate) blocks: Vec<Block>,
    pub(crate) standbys: Vec<Standby>,
    pub(crate) notes: Vec<Finding>,
    pub(crate) warnings: Vec<Finding>,
    pub(crate) catalog_uses: Vec<CatalogUse>,
    /// Which figures `like` took (`catalog` key or `--catalog`).
    pub(crate) catalog_profile: crate::catalog::Profile,
    /// The text the model was read from, to place errors found later.
    pub(crate) origin: Option<Arc<Origin>>,
}

/// Where a model came from: its file name, its text, and where each
/// component and domain is defined, so that an engine that refuses a part
/// can point at it like any model error.
#[derive(Clone, Debug)]
pub(crate) struct Origin {
    pub file: String,
    pub text: Arc<String>,
    /// Span of each component's name, in [`System::components`] order.
    pub components: Vec<Range<usize>>,
    /// Span of each domain's name, in [`System::domains`] order.
    pub domains: Vec<Range<usize>>,
}

impl System {
    /// The error for an item that gives availability alone where
    /// `needed_for` needs a time scale: a model error at the definition of
    /// the item's component or domain when the model came from text, else
    /// [`Error::NoTimeScale`].
    pub(crate) fn no_time_scale(
        &self,
        owner: Owner,
        needed_for: &'static str,
        help: &'static str,
    ) -> Error {
        let (kind, name, span) = match owner {
            Owner::Component { component, .. } => (
                "component",
                &self.components[component.index()].name,
                self.origin
                    .as_ref()
                    .and_then(|o| o.components.get(component.index()).cloned()),
            ),
            Owner::Domain(d) => (
                "domain",
                &self.domains[d.index()].name,
                self.origin
                    .as_ref()
                    .and_then(|o| o.domains.get(d.index()).cloned()),
            ),
        };
        match (&self.origin, span) {
            (Some(o), Some(span)) => Error::Model(into_model_errors(
                &o.file,
                &o.text,
                vec![
                    Issue::new(
                        span,
                        format!(
                            "{kind} `{name}` gives availability alone: {needed_for} needs a time scale"
                        ),
                        "availability alone",
                    )
                    .help(help),
                ],
            )),
            _ => Error::NoTimeScale {
                kind,
                name: name.clone(),
                needed_for,
                help,
            },
        }
    }

    /// The model's `name` (the file stem when it has none).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The model's `description`, if any.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// The name of the block or component evaluated (`system = "..."`).
    pub fn system(&self) -> &str {
        &self.system
    }

    /// The currency of `cost_per_month` figures.
    pub fn currency(&self) -> &str {
        &self.currency
    }

    /// The node evaluated.
    pub fn root(&self) -> NodeId {
        self.root
    }

    /// Every basic item (domains first, then component replicas).
    pub fn items(&self) -> &[Item] {
        &self.items
    }

    /// One item.
    pub fn item(&self, id: ItemId) -> &Item {
        &self.items[id.0 as usize]
    }

    /// Every node, children before parents.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// One node.
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.0 as usize]
    }

    /// The named components, in file order.
    pub fn components(&self) -> &[Component] {
        &self.components
    }

    /// The named domains, in file order.
    pub fn domains(&self) -> &[Domain] {
        &self.domains
    }

    /// The named blocks, in file order.
    pub fn blocks(&self) -> &[Block] {
        &self.blocks
    }

    /// The standby blocks and their failover dynamics.
    pub fn standbys(&self) -> &[Standby] {
        &self.standbys
    }

    /// How the model was read where it could be read more than one way
    /// (a `count` range at its lower end, a `choose` at its first member).
    pub fn notes(&self) -> &[Finding] {
        &self.notes
    }

    /// The parts whose figures come from the catalog, in file order.
    pub fn catalog_uses(&self) -> &[CatalogUse] {
        &self.catalog_uses
    }

    /// The catalog profile the model's `like` entries were read with: the
    /// model's `catalog` key, or the one given when loading it, else
    /// [`Profile::Sla`](crate::catalog::Profile::Sla).
    ///
    /// # Examples
    ///
    /// ```
    /// use fivenines::catalog::Profile;
    /// let text = "catalog = \"typical\"\nsystem = \"x\"\n[component.x]\nlike = \"aws.ec2.instance\"\n";
    /// let sys = fivenines::System::from_str("m.toml", text)?;
    /// assert_eq!(sys.catalog_profile(), Profile::Typical);
    /// # Ok::<(), fivenines::ModelErrors>(())
    /// ```
    pub fn catalog_profile(&self) -> crate::catalog::Profile {
        self.catalog_profile
    }

    /// Things worth a look that are not errors (parts the system does not use).
    pub fn warnings(&self) -> &[Finding] {
        &self.warnings
    }

    /// The monthly cost of everything the system uses, in [`currency`](Self::currency),
    /// or `None` when no part has a cost.
    pub fn cost_per_month(&self) -> Option<f64> {
        let used = self.used_items();
        let mut total = None;
        for c in &self.components {
            if let Some(cost) = c.cost_per_month
                && c.items.iter().any(|i| used[i.0 as usize])
            {
                *total.get_or_insert(0.0) += cost * c.items.len() as f64;
            }
        }
        for d in &self.domains {
            if let Some(cost) = d.cost_per_month
                && used[d.item.0 as usize]
            {
                *total.get_or_insert(0.0) += cost;
            }
        }
        total
    }

    /// Which nodes the root depends on (indexed by node).
    pub fn used_nodes(&self) -> Vec<bool> {
        let mut used = vec![false; self.nodes.len()];
        used[self.root.0 as usize] = true;
        // Children have lower indices than parents: one backward sweep.
        for i in (0..self.nodes.len()).rev() {
            if used[i] {
                for c in self.nodes[i].children() {
                    used[c.0 as usize] = true;
                }
            }
        }
        used
    }

    /// Which items the root depends on (indexed by item).
    pub fn used_items(&self) -> Vec<bool> {
        let nodes = self.used_nodes();
        let mut used = vec![false; self.items.len()];
        for (i, n) in self.nodes.iter().enumerate() {
            if let (true, Node::Item(it)) = (nodes[i], n) {
                used[it.0 as usize] = true;
            }
        }
        used
    }
}
