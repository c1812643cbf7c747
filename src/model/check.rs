//! From the model as written ([`Spec`]) to a checked [`System`], in phases:
//!
//! 1. [`Names::collect`]: one namespace for components, domains and blocks;
//! 2. [`check_domains`]: `within`, its cycles, each domain's figures;
//! 3. [`check_components`]: figures, placement (`domain`, `spread`,
//!    `count`, `need`) and the item count;
//! 4. [`check_blocks`]: kind-specific keys, members, cycles, the order in
//!    which blocks compile;
//! 5. [`check_root`]: the `system` key;
//! 6. [`compile`]: items, nodes children-first, standby dynamics, then the
//!    findings about the whole system (unused parts, catalog figures,
//!    standby members without a time scale).
//!
//! Phases 1 to 5 collect every problem; compiling starts only when there is
//! none. Every walk here is iterative, so no model file can drive the
//! recursion deep, and every phase is linear in the size of the model (name
//! look-ups are hashed, cycles found in one pass).

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::ops::Range;

use crate::catalog::{self, Profile, Role};
use crate::error::{Issue, suggest};
use crate::model::dist::Distribution;
use crate::model::quantity::{Availability, human_duration};
use crate::model::spec::{BlockSpec, ComponentSpec, Count, RelSpec, Sp, Spec};
use crate::model::system::{
    Block, BlockKind, CatalogUse, Component, ComponentId, Domain, DomainId, Item, ItemId, Node,
    NodeId, Owner, Rates, Standby, System,
};
use crate::value::finding::{Code, Finding};

/// Largest number of basic items (domains plus replicas) in one model:
/// ten times the 100,000-component models the engines are built for. The
/// checked system takes a few hundred bytes an item (its item, nodes and
/// names), so the cap bounds what a hostile file can make us allocate at a
/// few hundred MiB; checking itself allocates nothing per replica, so a
/// file over the cap is refused before any item is built.
pub(crate) const MAX_ITEMS: usize = 1_000_000;

/// Name comparisons spent on "did you mean" hints in one model.
const SUGGEST_BUDGET: usize = 2_000_000;

/// Relative tolerance for a distribution's mean against an explicit
/// `mtbf`/`mttr` in the same component.
const MEAN_TOLERANCE: f64 = 1e-3;

/// What a name in the model stands for (components, domains and blocks
/// share one namespace): the index of its entry in the spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Named {
    Component(usize),
    Domain(usize),
    Block(usize),
}

impl Named {
    fn word(self) -> &'static str {
        match self {
            Named::Component(_) => "component",
            Named::Domain(_) => "domain",
            Named::Block(_) => "block",
        }
    }
}

/// Resolved steady state plus the distributions for simulation.
struct Resolved {
    rates: Rates,
    failure: Option<Distribution>,
    repair: Option<Distribution>,
}

/// Which figures `like` takes: the model's `catalog` key (which the
/// command line's `--catalog` has already replaced), else the default.
fn profile_of(spec: &Spec) -> Profile {
    spec.catalog.as_ref().map_or_else(Profile::default, |p| p.v)
}

/// Checks a spec and compiles it. `default_name` names a model without `name`.
pub(crate) fn check(spec: Spec, default_name: &str) -> Result<System, Vec<Issue>> {
    let mut issues = Vec::new();
    let mut catalog_uses = Vec::new();
    let names = Names::collect(&spec, &mut issues);
    let domains = check_domains(&spec, &names, &mut issues, &mut catalog_uses);
    let components = check_components(&spec, &names, &mut issues, &mut catalog_uses);
    let blocks = check_blocks(&spec, &names, &mut issues, &mut catalog_uses);
    let root = check_root(&spec, &names, &mut issues);
    if !issues.is_empty() || !spec.tainted.is_empty() {
        return Err(issues);
    }
    let root = root.expect("checked above");
    let checked = Checked {
        domains,
        components,
        blocks,
        root,
        catalog_uses,
    };
    compile(&spec, default_name, checked)
}

/// Members a block may list for its duplicates to be found by searching
/// the list rather than with a map.
const SHORT_LIST: usize = 16;

/// Phase 1: every name of the model, with what it stands for and where it
/// is defined.
struct Names<'s> {
    map: HashMap<&'s str, (Named, Range<usize>)>,
    /// "Did you mean" compares a name with every name: a budget of
    /// comparisons keeps a file with thousands of unknown names linear.
    suggestions_left: std::cell::Cell<usize>,
}

impl<'s> Names<'s> {
    /// Registers every domain, component and block; reports duplicates.
    fn collect(spec: &'s Spec, issues: &mut Vec<Issue>) -> Names<'s> {
        let mut names = Names {
            map: HashMap::with_capacity_and_hasher(
                spec.domains.len() + spec.components.len() + spec.blocks.len(),
                Default::default(),
            ),
            suggestions_left: std::cell::Cell::new(SUGGEST_BUDGET),
        };
        for (i, d) in spec.domains.iter().enumerate() {
            names.register(&d.name, Named::Domain(i), issues);
        }
        for (i, c) in spec.components.iter().enumerate() {
            names.register(&c.name, Named::Component(i), issues);
        }
        for (i, b) in spec.blocks.iter().enumerate() {
            names.register(&b.name, Named::Block(i), issues);
        }
        names
    }

    fn register(&mut self, name: &'s Sp<String>, named: Named, issues: &mut Vec<Issue>) {
        if let Some((prev, span)) = self.map.get(name.v.as_str()) {
            issues.push(
                Issue::new(
                    name.span.clone(),
                    format!("duplicate name `{}`: already a {}", name.v, prev.word()),
                    "defined again here",
                )
                .also(span.clone(), "first defined here")
                .help("components, domains and blocks share one namespace; rename one of them"),
            );
        } else {
            self.map.insert(name.v.as_str(), (named, name.span.clone()));
        }
    }

    /// What `name` stands for; an unknown name is reported, with a hint
    /// naming `wanted` ("domain", "component or block").
    fn lookup(&self, name: &Sp<String>, issues: &mut Vec<Issue>, wanted: &str) -> Option<Named> {
        if let Some((named, _)) = self.map.get(name.v.as_str()) {
            return Some(*named);
        }
        let near = match self.suggestions_left.get().checked_sub(self.map.len()) {
            Some(left) => {
                self.suggestions_left.set(left);
                suggest(&name.v, self.map.keys().copied())
            }
            None => None,
        };
        let hint = near.unwrap_or_else(|| {
            let kinds: Vec<String> = wanted
                .split(" or ")
                .map(|k| format!("[{k}.{}]", name.v))
                .collect();
            format!("define it as {}", kinds.join(" or "))
        });
        issues.push(
            Issue::new(
                name.span.clone(),
                format!("unknown name `{}`", name.v),
                format!("no {wanted} has this name"),
            )
            .help(hint),
        );
        None
    }

    /// Like [`lookup`](Self::lookup), for a name that must be a domain.
    fn domain(&self, name: &Sp<String>, issues: &mut Vec<Issue>) -> Option<usize> {
        match self.lookup(name, issues, "domain") {
            Some(Named::Domain(d)) => Some(d),
            Some(k) => {
                issues.push(
                    Issue::new(
                        name.span.clone(),
                        format!("`{}` is a {}, not a domain", name.v, k.word()),
                        "not a domain",
                    )
                    .help("define failure domains as [domain.NAME]"),
                );
                None
            }
            None => None,
        }
    }
}

/// Phase 2's result: the domains' nesting and figures.
struct CheckedDomains {
    /// The enclosing domain of each domain.
    within: Vec<Option<usize>>,
    /// Each domain's figures (`None` where they have a problem).
    resolved: Vec<Option<Resolved>>,
}

/// Phase 2: `within` (names and cycles) and each domain's figures.
fn check_domains(
    spec: &Spec,
    names: &Names<'_>,
    issues: &mut Vec<Issue>,
    catalog_uses: &mut Vec<CatalogUse>,
) -> CheckedDomains {
    let nd = spec.domains.len();
    let mut within: Vec<Option<usize>> = vec![None; nd];
    for (i, d) in spec.domains.iter().enumerate() {
        if let Some(w) = &d.within {
            match names.lookup(w, issues, "domain") {
                Some(Named::Domain(j)) => within[i] = Some(j),
                Some(k) => issues.push(Issue::new(
                    w.span.clone(),
                    format!("`within` must name a domain; `{}` is a {}", w.v, k.word()),
                    "not a domain",
                )),
                None => {}
            }
        }
    }
    within_cycles(spec, &within, issues);
    let resolved = spec
        .domains
        .iter()
        .map(|d| figures(spec, &d.name, &d.rel, Role::Domain, issues, catalog_uses))
        .collect();
    CheckedDomains { within, resolved }
}

/// Reports cycles of `within`, linear: follows each chain until a domain
/// already settled (0 new, 1 on this walk, 2 settled).
fn within_cycles(spec: &Spec, within: &[Option<usize>], issues: &mut Vec<Issue>) {
    let mut state = vec![0u8; within.len()];
    for start in 0..within.len() {
        let mut path = Vec::new();
        let mut cur = Some(start);
        while let Some(d) = cur {
            match state[d] {
                0 => {
                    state[d] = 1;
                    path.push(d);
                    cur = within[d];
                }
                1 => {
                    // A cycle: from d's first place on this walk to here.
                    let from = path.iter().position(|&x| x == d).expect("on this walk");
                    let mut names: Vec<&str> = path[from..]
                        .iter()
                        .map(|&k| spec.domains[k].name.v.as_str())
                        .collect();
                    names.push(&spec.domains[d].name.v);
                    let last = *path.last().expect("non-empty");
                    let w = spec.domains[last]
                        .within
                        .as_ref()
                        .expect("within was resolved");
                    issues.push(
                        Issue::new(
                            w.span.clone(),
                            format!("domains nest in a cycle: {}", names.join(" within ")),
                            "closes the cycle",
                        )
                        .help("a domain cannot be within itself; remove one `within`"),
                    );
                    break;
                }
                _ => break,
            }
        }
        for d in path {
            state[d] = 2;
        }
    }
}

/// The figures of a component or domain, from its keys and its catalog
/// entry. An entry whose reading failed (tainted) is not resolved (that
/// would only repeat the error), but an unknown `like` is reported now.
fn figures(
    spec: &Spec,
    name: &Sp<String>,
    rel: &RelSpec,
    role: Role,
    issues: &mut Vec<Issue>,
    catalog_uses: &mut Vec<CatalogUse>,
) -> Option<Resolved> {
    if spec.tainted.contains(&name.v) {
        if let Some(like) = &rel.like {
            lookup_entry(like, role, profile_of(spec), issues);
        }
        return None;
    }
    apply_like(rel, role, profile_of(spec), &name.v, issues, catalog_uses)
        .and_then(|rel| resolve(&rel, &name.v, &name.span, issues))
}

/// Phase 3's result: each component's figures and placement.
struct CheckedComponents {
    /// `None` where the component has a problem.
    resolved: Vec<Option<(Resolved, Placement)>>,
    /// Domains plus replicas.
    item_count: usize,
    /// How the model was read where it could be read more than one way.
    notes: Vec<Finding>,
}

/// Phase 3: each component's figures and placement, and the item count
/// against [`MAX_ITEMS`].
fn check_components(
    spec: &Spec,
    names: &Names<'_>,
    issues: &mut Vec<Issue>,
    catalog_uses: &mut Vec<CatalogUse>,
) -> CheckedComponents {
    let mut resolved = Vec::with_capacity(spec.components.len());
    let mut notes = Vec::new();
    let mut item_count = spec.domains.len();
    for c in &spec.components {
        let res = figures(spec, &c.name, &c.rel, Role::Component, issues, catalog_uses);
        let placement = place(c, names, issues, &mut notes);
        if let Some(p) = &placement {
            item_count = item_count.saturating_add(p.count as usize);
        }
        resolved.push(res.zip(placement));
    }
    if item_count > MAX_ITEMS {
        issues.push(Issue::new(
            spec.top_span.clone(),
            format!("the model has {item_count} items (domains and replicas); at most {MAX_ITEMS} are supported"),
            "model too large",
        ));
    }
    CheckedComponents {
        resolved,
        item_count,
        notes,
    }
}

/// Phase 4's result: each block's members and catalog entry, and the
/// order in which blocks compile (members first).
struct CheckedBlocks {
    members: Vec<Vec<Named>>,
    like: Vec<Option<&'static catalog::Entry>>,
    order: Vec<usize>,
}

/// Phase 4: each block's keys, `like` and members; cycles of blocks.
fn check_blocks(
    spec: &Spec,
    names: &Names<'_>,
    issues: &mut Vec<Issue>,
    catalog_uses: &mut Vec<CatalogUse>,
) -> CheckedBlocks {
    let nb = spec.blocks.len();
    let mut members: Vec<Vec<Named>> = vec![Vec::new(); nb];
    let mut block_like: Vec<Option<&'static catalog::Entry>> = vec![None; nb];
    for (i, b) in spec.blocks.iter().enumerate() {
        // Every problem in one pass: a block with an unknown key or a bad
        // value still has its other keys checked.
        check_block_keys(b, spec.tainted.contains(&b.name.v), issues);
        if let Some(like) = &b.like {
            let standby = b.kind.as_ref().is_some_and(|k| k.v == BlockKind::Standby);
            if !standby {
                issues.push(
                    Issue::new(like.span.clone(), "`like` in a block applies to standby blocks (a failover timing)", "not a standby block")
                        .help("components and domains take `like` for their figures; a standby block for its failover"),
                );
            } else if let Some(entry) = lookup_entry(like, Role::Failover, profile_of(spec), issues)
            {
                block_like[i] = Some(entry);
                catalog_uses.push(CatalogUse {
                    name: b.name.v.clone(),
                    entry: entry.id.clone(),
                    kind: entry.kind,
                    sla_floor: false,
                    source: entry.source.clone(),
                });
            }
        }
        // A short list is searched (no map to allocate for each of
        // thousands of blocks); both find the latest earlier listing.
        let mut seen: HashMap<&str, &Sp<String>> = HashMap::default();
        let short = b.members.len() <= SHORT_LIST;
        for (j, m) in b.members.iter().enumerate() {
            let earlier = if short {
                b.members[..j].iter().rev().find(|p| p.v == m.v)
            } else {
                seen.insert(m.v.as_str(), m)
            };
            if let Some(first) = earlier {
                issues.push(
                    Issue::new(m.span.clone(), format!("`{}` is listed twice in block `{}`", m.v, b.name.v), "listed again")
                        .also(first.span.clone(), "first listed here")
                        .help("a name is one physical thing: listing it twice adds no redundancy; use `count` on a component for replicas"),
                );
                continue;
            }
            match names.lookup(m, issues, "component or block") {
                Some(Named::Domain(_)) => {
                    issues.push(
                        Issue::new(m.span.clone(), format!("`{}` is a domain, not a block member", m.v), "a domain")
                            .help(format!("place components in it with domain = \"{}\"; members are components, replica groups or blocks", m.v)),
                    );
                }
                Some(k) => members[i].push(k),
                None => {}
            }
        }
    }
    let order = block_order(&spec.blocks, &members, issues);
    CheckedBlocks {
        members,
        like: block_like,
        order,
    }
}

/// Phase 5: what `system` names (a block or a component).
fn check_root(spec: &Spec, names: &Names<'_>, issues: &mut Vec<Issue>) -> Option<Named> {
    match &spec.system {
        Some(s) => match names.lookup(s, issues, "block or component") {
            Some(Named::Domain(_)) => {
                issues.push(Issue::new(
                    s.span.clone(),
                    format!(
                        "`system` must name a block or component; `{}` is a domain",
                        s.v
                    ),
                    "a domain",
                ));
                None
            }
            k => k,
        },
        None => {
            issues.push(
                Issue::new(
                    spec.top_span.clone(),
                    "missing `system`: which block or component is evaluated?",
                    "no `system` key in this file",
                )
                .help("add a top-level line such as system = \"app\""),
            );
            None
        }
    }
}

/// Everything phases 2 to 5 found, for a model without problems.
struct Checked {
    domains: CheckedDomains,
    components: CheckedComponents,
    blocks: CheckedBlocks,
    root: Named,
    catalog_uses: Vec<CatalogUse>,
}

/// The node table under construction: nodes are pushed children-first.
#[derive(Default)]
struct Nodes(Vec<Node>);

impl Nodes {
    fn push(&mut self, n: Node) -> NodeId {
        self.0.push(n);
        NodeId(self.0.len() as u32 - 1)
    }
}

/// Phase 6: items, then nodes children-first, then the findings about the
/// whole system. Fails only for a standby block whose dynamics need a time
/// scale that a member lacks.
fn compile(spec: &Spec, default_name: &str, checked: Checked) -> Result<System, Vec<Issue>> {
    let Checked {
        domains:
            CheckedDomains {
                within,
                resolved: mut domain_res,
            },
        components:
            CheckedComponents {
                resolved: mut comp_res,
                item_count,
                mut notes,
            },
        blocks:
            CheckedBlocks {
                members,
                like: block_like,
                order,
            },
        root,
        catalog_uses,
    } = checked;
    let nd = spec.domains.len();
    let mut items: Vec<Item> = Vec::with_capacity(item_count);
    let mut nodes = Nodes(Vec::with_capacity(2 * item_count + spec.blocks.len()));
    let mut domains: Vec<Domain> = Vec::with_capacity(nd);
    for (i, d) in spec.domains.iter().enumerate() {
        let r = domain_res[i].take().expect("checked above");
        items.push(Item {
            name: d.name.v.clone(),
            owner: Owner::Domain(DomainId(i as u32)),
            rates: r.rates,
            failure: r.failure,
            repair: r.repair,
        });
        domains.push(Domain {
            name: d.name.v.clone(),
            item: ItemId(i as u32),
            within: within[i],
            node: NodeId(u32::MAX),
            cost_per_month: d.rel.cost_per_month.as_ref().map(|c| c.v),
        });
    }
    // Domain nodes, outermost first (iterative: resolve each chain from the top).
    for start in 0..nd {
        let mut chain = vec![start];
        while let Some(w) = within[*chain.last().expect("non-empty")] {
            if domains[w].node.0 != u32::MAX {
                break;
            }
            chain.push(w);
        }
        for &d in chain.iter().rev() {
            if domains[d].node.0 != u32::MAX {
                continue;
            }
            let own = nodes.push(Node::Item(domains[d].item));
            domains[d].node = match within[d] {
                Some(w) => nodes.push(Node::All(vec![own, domains[w].node])),
                None => own,
            };
        }
    }
    let mut components: Vec<Component> = Vec::with_capacity(spec.components.len());
    for (ci, c) in spec.components.iter().enumerate() {
        let (r, p) = comp_res[ci].take().expect("checked above");
        let n = p.count as usize;
        let mut leaves = Vec::with_capacity(n);
        let mut ids = Vec::with_capacity(n);
        for j in 0..n {
            let id = ItemId(items.len() as u32);
            items.push(Item {
                name: if n == 1 {
                    c.name.v.clone()
                } else {
                    format!("{}[{j}]", c.name.v)
                },
                owner: Owner::Component {
                    component: ComponentId(ci as u32),
                    replica: j as u32,
                },
                rates: r.rates,
                failure: r.failure,
                repair: r.repair,
            });
            ids.push(id);
            let own = nodes.push(Node::Item(id));
            leaves.push(match p.domain_of(j) {
                Some(d) => nodes.push(Node::All(vec![own, domains[d].node])),
                None => own,
            });
        }
        let node = if n == 1 {
            leaves[0]
        } else {
            nodes.push(Node::AtLeast {
                k: p.need,
                of: leaves,
            })
        };
        components.push(Component {
            name: c.name.v.clone(),
            items: ids,
            need: p.need,
            node,
            cost_per_month: c.rel.cost_per_month.as_ref().map(|c| c.v),
        });
    }
    let nb = spec.blocks.len();
    let mut block_nodes: Vec<NodeId> = vec![NodeId(u32::MAX); nb];
    let mut standbys = Vec::new();
    let node_of = |k: Named, block_nodes: &[NodeId]| match k {
        Named::Component(i) => components[i].node,
        Named::Block(i) => block_nodes[i],
        Named::Domain(i) => domains[i].node,
    };
    for &bi in &order {
        let b = &spec.blocks[bi];
        let kind = b.kind.as_ref().expect("checked above").v;
        let kids: Vec<NodeId> = members[bi]
            .iter()
            .map(|&k| node_of(k, &block_nodes))
            .collect();
        let need = b.need.as_ref().map_or(1, |n| n.v);
        let node = match kind {
            BlockKind::Series => nodes.push(Node::All(kids.clone())),
            BlockKind::Parallel if need as usize == kids.len() => {
                nodes.push(Node::All(kids.clone()))
            }
            BlockKind::Parallel | BlockKind::Standby => nodes.push(Node::AtLeast {
                k: need,
                of: kids.clone(),
            }),
            BlockKind::Choose => {
                notes.push(Finding::note(
                    Code::ChoiceFirstMember,
                    Some(&b.name.v),
                    format!(
                        "a choice, evaluated at its first member `{}`",
                        b.members[0].v
                    ),
                ));
                kids[0]
            }
        };
        block_nodes[bi] = node;
        if kind == BlockKind::Standby {
            standbys.push(standby(b, node, kids, block_like[bi]));
        }
    }
    let blocks = spec
        .blocks
        .iter()
        .zip(&block_nodes)
        .map(|(b, &node)| Block {
            name: b.name.v.clone(),
            kind: b.kind.as_ref().expect("checked above").v,
            node,
        })
        .collect();
    let root = node_of(root, &block_nodes);
    let system_name = spec.system.as_ref().expect("checked above").v.clone();

    let mut sys = System {
        name: spec
            .name
            .as_ref()
            .map_or_else(|| default_name.to_string(), |n| n.v.clone()),
        description: spec.description.clone(),
        system: system_name,
        currency: spec
            .currency
            .as_ref()
            .map_or_else(|| "USD".to_string(), |c| c.v.clone()),
        root,
        items,
        nodes: nodes.0,
        components,
        domains,
        blocks,
        standbys,
        notes,
        warnings: Vec::new(),
        catalog_uses,
        catalog_profile: profile_of(spec),
        origin: None,
    };
    // The other options of a `choose` are alternatives, not forgotten parts.
    let alternatives: HashSet<&str> = spec
        .blocks
        .iter()
        .filter(|b| b.kind.as_ref().is_some_and(|k| k.v == BlockKind::Choose))
        .flat_map(|b| b.members.iter().map(|m| m.v.as_str()))
        .collect();
    sys.warnings = unused_warnings(&sys, &alternatives);
    sys.notes.extend(catalog_notes(&sys));
    check_standby_time_scales(&sys, &spec.blocks)?;
    Ok(sys)
}

/// A standby block's dynamics: its keys, else its catalog entry's, else
/// an instant, always successful failover.
fn standby(
    b: &BlockSpec,
    node: NodeId,
    members: Vec<NodeId>,
    like: Option<&'static catalog::Entry>,
) -> Standby {
    Standby {
        name: b.name.v.clone(),
        node,
        member_names: b.members.iter().map(|m| m.v.clone()).collect(),
        members,
        failover: b
            .failover
            .as_ref()
            .map(|f| f.v)
            .or_else(|| like.and_then(|e| e.failover()))
            .unwrap_or(Distribution::Fixed(0.0)),
        switch_success: b
            .switch_success
            .as_ref()
            .map(|s| s.v)
            .or_else(|| like.and_then(|e| e.switch_success))
            .unwrap_or(1.0),
        detect: b
            .detect
            .as_ref()
            .map(|f| f.v)
            .or_else(|| like.and_then(|e| e.detect()))
            .unwrap_or(Distribution::Fixed(0.0)),
        revert: b
            .revert
            .as_ref()
            .map(|r| r.v)
            .or_else(|| like.and_then(|e| e.revert))
            .unwrap_or(false),
        failback: b
            .failback
            .as_ref()
            .map(|f| f.v)
            .or_else(|| like.and_then(|e| e.failback()))
            .unwrap_or(Distribution::Fixed(0.0)),
    }
}

/// Looks up `like` and fills the keys not written beside it from the
/// catalog entry. Written keys win; the entry's figures fill in, availability
/// first, then mttr, then mtbf, while fewer than two of availability, mean
/// up time and mean repair time are known.
fn apply_like(
    rel: &RelSpec,
    role: Role,
    profile: Profile,
    name: &str,
    issues: &mut Vec<Issue>,
    uses: &mut Vec<CatalogUse>,
) -> Option<RelSpec> {
    let Some(like) = &rel.like else {
        return Some(rel.clone());
    };
    let entry = lookup_entry(like, role, profile, issues)?;
    let mut out = rel.clone();
    let span = like.span.clone();
    let sp = |v: f64| Sp {
        v,
        span: span.clone(),
    };
    let mut known = [
        rel.availability.is_some(),
        rel.mtbf.is_some() || rel.failure.is_some(),
        rel.mttr.is_some() || rel.repair.is_some(),
    ];
    let count = |k: &[bool; 3]| k.iter().filter(|x| **x).count();
    let mut availability_from_entry = false;
    if let Some(a) = entry.availability
        && !known[0]
        && count(&known) < 2
    {
        out.availability = Some(Sp {
            v: a,
            span: span.clone(),
        });
        known[0] = true;
        availability_from_entry = true;
    }
    let perfect = out
        .availability
        .as_ref()
        .is_some_and(|a| a.v.unavailability() == 0.0);
    if let Some(r) = entry.mttr_s
        && !known[2]
        && count(&known) < 2
        && !perfect
    {
        out.mttr = Some(sp(r));
        known[2] = true;
    }
    if let Some(m) = entry.mtbf_s
        && !known[1]
        && count(&known) < 2
    {
        out.mtbf = Some(sp(m));
    }
    uses.push(CatalogUse {
        name: name.to_string(),
        entry: entry.id.clone(),
        kind: entry.kind,
        sla_floor: availability_from_entry && entry.is_sla(),
        source: entry.source.clone(),
    });
    Some(out)
}

/// The catalog entry named by `like`, of the right role, with the figures
/// of `profile`.
fn lookup_entry(
    like: &Sp<String>,
    role: Role,
    profile: Profile,
    issues: &mut Vec<Issue>,
) -> Option<&'static catalog::Entry> {
    let Some(entry) = catalog::get_in(&like.v, profile) else {
        let near: Vec<String> = catalog::closest(&like.v, 3)
            .iter()
            .map(|id| format!("`{id}`"))
            .collect();
        let help = if near.is_empty() {
            format!(
                "no catalog entry is close to `{}`: `fivenines catalog` lists every entry; for a service it does not have, give the figures yourself (availability, mttr)",
                like.v
            )
        } else {
            format!(
                "did you mean {}? `fivenines catalog` lists every entry",
                near.join(", ")
            )
        };
        issues.push(
            Issue::new(
                like.span.clone(),
                format!("unknown catalog entry `{}`", like.v),
                "not in the catalog",
            )
            .help(help),
        );
        return None;
    };
    if entry.role != role {
        issues.push(
            Issue::new(
                like.span.clone(),
                format!(
                    "catalog entry `{}` is for a {}, not a {}",
                    entry.id,
                    entry.role.table(),
                    role.table()
                ),
                "wrong kind of entry",
            )
            .help(format!("{}: {}", entry.id, entry.description)),
        );
        return None;
    }
    Some(entry)
}

/// Reads `mtbf` / `mttr` / `availability` / distributions into rates.
fn resolve(
    rel: &RelSpec,
    name: &str,
    name_span: &std::ops::Range<usize>,
    issues: &mut Vec<Issue>,
) -> Option<Resolved> {
    let before = issues.len();
    // Means from distributions, checked against explicit values.
    let from = |explicit: &Option<Sp<f64>>,
                dist: &Option<Sp<Distribution>>,
                key: &str,
                dkey: &str,
                issues: &mut Vec<Issue>|
     -> Option<Sp<f64>> {
        match (explicit, dist) {
            (Some(e), Some(d)) => {
                let m = d.v.mean();
                if (m - e.v).abs() > MEAN_TOLERANCE * e.v {
                    issues.push(
                        Issue::new(d.span.clone(), format!("`{dkey}` has mean {} but `{key}` is {}", human_duration(m), human_duration(e.v)), "conflicting mean")
                            .also(e.span.clone(), format!("`{key}` given here"))
                            .help(format!("the distribution's mean is the {key}: give one of them, or make them agree")),
                    );
                }
                Some(e.clone())
            }
            (Some(e), None) => Some(e.clone()),
            (None, Some(d)) => Some(Sp {
                v: d.v.mean(),
                span: d.span.clone(),
            }),
            (None, None) => None,
        }
    };
    let mtbf = from(&rel.mtbf, &rel.failure, "mtbf", "failure", issues);
    let mttr = from(&rel.mttr, &rel.repair, "mttr", "repair", issues);
    let rates = match (&rel.availability, &mtbf, &mttr) {
        (Some(a), None, None) => Rates {
            availability: a.v,
            mtbf_s: if a.v.unavailability() == 0.0 {
                Some(f64::INFINITY)
            } else {
                None
            },
            mttr_s: None,
        },
        (Some(a), None, Some(r)) => Rates {
            availability: a.v,
            mtbf_s: Some(r.v * a.v.value() / a.v.unavailability()),
            mttr_s: Some(r.v),
        },
        (Some(a), Some(m), None) => {
            if a.v.unavailability() == 0.0 {
                issues.push(
                    Issue::new(m.span.clone(), "a component that never fails (availability 100%) has no mean time between failures", "conflicts with 100%")
                        .also(a.span.clone(), "availability 100%"),
                );
            }
            Rates {
                availability: a.v,
                mtbf_s: Some(m.v),
                mttr_s: Some(m.v * a.v.unavailability() / a.v.value()),
            }
        }
        (Some(a), Some(m), Some(r)) => {
            issues.push(
                Issue::new(a.span.clone(), format!("`{name}` gives availability, mean up time and mean repair time: one too many"), "over-determined")
                    .also(m.span.clone(), "mean up time")
                    .also(r.span.clone(), "mean repair time")
                    .help("give two of them (availability = mtbf / (mtbf + mttr)); a `failure` or `repair` distribution counts as mtbf or mttr"),
            );
            return None;
        }
        (None, Some(m), Some(r)) => match Availability::from_unavailability(r.v / (m.v + r.v)) {
            Ok(availability) => Rates {
                availability,
                mtbf_s: Some(m.v),
                mttr_s: Some(r.v),
            },
            Err(_) => {
                // A zero mean up time (a `fixed = "0s"` failure), or a repair
                // so long beside it that the availability rounds to 0.
                issues.push(
                    Issue::new(m.span.clone(), format!("`{name}` is never up: its mean up time is 0 or negligible beside its repair time"), "availability 0")
                        .also(r.span.clone(), "mean repair time")
                        .help("availability must be above 0: check the units of mtbf and mttr"),
                );
                return None;
            }
        },
        (None, Some(m), None) => {
            issues.push(
                Issue::new(m.span.clone(), format!("`{name}` has a mean up time but no repair time"), "needs mttr")
                    .help("add mttr = \"4h\" (or a `repair` distribution), or give `availability` instead"),
            );
            return None;
        }
        (None, None, Some(r)) => {
            issues.push(
                Issue::new(r.span.clone(), format!("`{name}` has a repair time but no mean up time or availability"), "needs mtbf or availability")
                    .help("add mtbf = \"1000h\" (or a `failure` distribution), or availability = \"99.9%\""),
            );
            return None;
        }
        (None, None, None) => {
            issues.push(
                Issue::new(
                    name_span.clone(),
                    format!("`{name}` has no availability, mtbf or mttr"),
                    "missing reliability figures",
                )
                .help("give availability = \"99.95%\", or mtbf and mttr, or availability and mttr"),
            );
            return None;
        }
    };
    if rel.mtbf.as_ref().is_some_and(|m| m.v <= 0.0)
        || rel.mttr.as_ref().is_some_and(|m| m.v <= 0.0)
    {
        return None; // reported when read
    }
    if issues.len() > before {
        return None;
    }
    let perfect = rates.availability.unavailability() == 0.0;
    let timed = rates.has_time_scale() && !perfect;
    let failure = timed.then(|| {
        rel.failure.as_ref().map_or(
            Distribution::Exponential {
                mean: rates.mtbf_s.expect("timed"),
            },
            |d| d.v,
        )
    });
    let repair = timed.then(|| {
        rel.repair.as_ref().map_or(
            Distribution::Exponential {
                mean: rates.mttr_s.expect("timed"),
            },
            |d| d.v,
        )
    });
    Some(Resolved {
        rates,
        failure,
        repair,
    })
}

/// Where each replica of a component is placed, and `need`. Nothing here
/// is per replica: the domain of replica `j` is computed when compiling,
/// so a file that asks for too many replicas costs nothing to refuse.
struct Placement {
    count: u32,
    domains: Replicas,
    need: u32,
}

/// The domains of a component's replicas.
enum Replicas {
    /// Every replica in this domain, or in none.
    All(Option<usize>),
    /// Round-robin over these (`None` for a name that is not a domain;
    /// only in a model with problems).
    Spread(Vec<Option<usize>>),
}

impl Placement {
    /// The domain of replica `j`.
    fn domain_of(&self, j: usize) -> Option<usize> {
        match &self.domains {
            Replicas::All(d) => *d,
            Replicas::Spread(list) => list[j % list.len()],
        }
    }
}

/// The domain of every replica, and `need`.
fn place(
    c: &ComponentSpec,
    names: &Names<'_>,
    issues: &mut Vec<Issue>,
    notes: &mut Vec<Finding>,
) -> Option<Placement> {
    let before = issues.len();
    let count = match &c.count {
        None => 1,
        Some(Sp {
            v: Count::Fixed(n), ..
        }) => *n,
        Some(Sp {
            v: Count::Range(lo, hi),
            ..
        }) => {
            notes.push(Finding::note(
                Code::CountRangeLowerEnd,
                Some(&c.name.v),
                format!("count range {lo}..{hi}, evaluated at its lower end, {lo}"),
            ));
            *lo
        }
    };
    let domains = match (&c.domain, &c.spread) {
        (Some(d), Some(s)) => {
            issues.push(
                Issue::new(s.span.clone(), format!("`{}` has both `domain` and `spread`", c.name.v), "conflicts with `domain`")
                    .also(d.span.clone(), "`domain` given here")
                    .help("use `domain` for replicas that share one domain, `spread` to place them round-robin"),
            );
            return None;
        }
        (Some(d), None) => Replicas::All(names.domain(d, issues)),
        (None, Some(s)) => {
            if s.v.is_empty() {
                issues.push(Issue::new(
                    s.span.clone(),
                    "`spread` needs at least one domain",
                    "empty list",
                ));
                return None;
            }
            Replicas::Spread(s.v.iter().map(|n| names.domain(n, issues)).collect())
        }
        (None, None) => Replicas::All(None),
    };
    let need = c.need.as_ref().map_or(1, |n| n.v);
    if let Some(n) = &c.need
        && n.v > count
    {
        issues.push(
            Issue::new(
                n.span.clone(),
                format!(
                    "`need = {}` but `{}` has only {count} replica(s)",
                    n.v, c.name.v
                ),
                "more than the count",
            )
            .help("`need` is how many of the `count` replicas must be up: 1 <= need <= count"),
        );
    }
    if issues.len() > before {
        return None;
    }
    Some(Placement {
        count,
        domains,
        need,
    })
}

/// Kind-specific keys of a block. `tainted`: reading the block found a
/// problem already (perhaps a misspelt kind), so a missing kind is not
/// reported again.
fn check_block_keys(b: &BlockSpec, tainted: bool, issues: &mut Vec<Issue>) {
    let Some(kind) = &b.kind else {
        if tainted {
            return;
        }
        issues.push(
            Issue::new(b.name.span.clone(), format!("block `{}` has no kind", b.name.v), "no series, parallel, standby or choose")
                .help("give exactly one of series = [...], parallel = [...], standby = [...], choose = [...]"),
        );
        return;
    };
    if b.members.is_empty() {
        return; // reported when read
    }
    if let Some(n) = &b.need {
        if kind.v != BlockKind::Parallel {
            issues.push(
                Issue::new(
                    n.span.clone(),
                    format!("`need` applies to parallel blocks, not to {}", kind.v.key()),
                    "not for this kind",
                )
                .also(kind.span.clone(), "block kind"),
            );
        } else if n.v as usize > b.members.len() {
            issues.push(
                Issue::new(
                    n.span.clone(),
                    format!(
                        "`need = {}` but block `{}` has {} member(s)",
                        n.v,
                        b.name.v,
                        b.members.len()
                    ),
                    "more than the members",
                )
                .help("need is how many members must be up: 1 <= need <= number of members"),
            );
        }
    }
    if kind.v != BlockKind::Standby {
        for (key, span) in [
            ("failover", b.failover.as_ref().map(|f| f.span.clone())),
            (
                "switch_success",
                b.switch_success.as_ref().map(|s| s.span.clone()),
            ),
            ("detect", b.detect.as_ref().map(|f| f.span.clone())),
            ("revert", b.revert.as_ref().map(|f| f.span.clone())),
            ("failback", b.failback.as_ref().map(|f| f.span.clone())),
        ] {
            if let Some(span) = span {
                issues.push(
                    Issue::new(span, format!("`{key}` applies to standby blocks, not to {}", kind.v.key()), "not for this kind")
                        .also(kind.span.clone(), "block kind")
                        .help("a parallel block is active-active; use standby = [...] for active-standby with failover"),
                );
            }
        }
    }
}

/// Orders usable blocks members-first; reports cycles. Iterative DFS.
fn block_order(
    blocks: &[BlockSpec],
    members: &[Vec<Named>],
    issues: &mut Vec<Issue>,
) -> Vec<usize> {
    let n = blocks.len();
    // The block members of each block.
    let children: Vec<Vec<usize>> = members
        .iter()
        .map(|ms| {
            ms.iter()
                .filter_map(|k| match k {
                    Named::Block(j) => Some(*j),
                    _ => None,
                })
                .collect()
        })
        .collect();
    let mut state = vec![0u8; n]; // 0 new, 1 on the stack, 2 done
    let mut order = Vec::with_capacity(n);
    for start in 0..n {
        if state[start] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        state[start] = 1;
        while let Some(&mut (b, ref mut next)) = stack.last_mut() {
            let Some(&child) = children[b].get(*next) else {
                state[b] = 2;
                order.push(b);
                stack.pop();
                continue;
            };
            *next += 1;
            match state[child] {
                0 => {
                    state[child] = 1;
                    stack.push((child, 0));
                }
                1 => {
                    let from = stack
                        .iter()
                        .position(|(x, _)| *x == child)
                        .expect("on the stack");
                    let mut path: Vec<&str> = stack[from..]
                        .iter()
                        .map(|(x, _)| blocks[*x].name.v.as_str())
                        .collect();
                    path.push(&blocks[child].name.v);
                    let span = blocks[b]
                        .members
                        .iter()
                        .find(|m| m.v == blocks[child].name.v)
                        .map_or_else(|| blocks[b].name.span.clone(), |m| m.span.clone());
                    issues.push(
                        Issue::new(
                            span,
                            format!("blocks form a cycle: {}", path.join(" -> ")),
                            "closes the cycle",
                        )
                        .help("a block cannot contain itself, directly or through other blocks"),
                    );
                }
                _ => {}
            }
        }
    }
    order
}

/// What the catalog figures are: SLA floors and our assumptions, named.
fn catalog_notes(sys: &System) -> Vec<Finding> {
    let list = |pick: &dyn Fn(&CatalogUse) -> bool| -> String {
        let names: Vec<String> = sys
            .catalog_uses
            .iter()
            .filter(|u| pick(u))
            .map(|u| format!("`{}` ({})", u.name, u.entry))
            .collect();
        names.join(", ")
    };
    let mut out = Vec::new();
    if !sys.catalog_uses.is_empty() {
        out.push(Finding::note(
            Code::CatalogProfile,
            None,
            catalog::profile_note(sys.catalog_profile),
        ));
    }
    let sla = list(&|u| u.sla_floor);
    if !sla.is_empty() {
        out.push(Finding::note(
            Code::SlaFloors,
            None,
            format!(
                "published SLAs used as availabilities: {sla}; an SLA is a contractual floor, not a measured availability, so the result is a pessimistic bound"
            ),
        ));
    }
    let assumed = list(&|u| u.kind == catalog::FigureKind::Assumption);
    if !assumed.is_empty() {
        out.push(Finding::note(
            Code::CatalogAssumptions,
            None,
            format!(
                "catalog figures that are our assumptions: {assumed}; see `fivenines catalog` and replace them with your own"
            ),
        ));
    }
    out
}

/// Parts of the model the system does not depend on.
fn unused_warnings(sys: &System, alternatives: &HashSet<&str>) -> Vec<Finding> {
    let used = sys.used_nodes();
    let mut out = Vec::new();
    let mut unused = |kind: &str, name: &str, node: NodeId| {
        if !used[node.0 as usize] && !alternatives.contains(name) {
            out.push(Finding::warning(
                Code::Unused,
                None,
                format!("{kind} `{name}` is not used by system `{}`", sys.system),
            ));
        }
    };
    for c in &sys.components {
        unused("component", &c.name, c.node);
    }
    for b in &sys.blocks {
        unused("block", &b.name, b.node);
    }
    let items = sys.used_items();
    for d in &sys.domains {
        if !items[d.item.0 as usize] {
            out.push(Finding::warning(
                Code::Unused,
                None,
                format!("domain `{}` is not used by system `{}`", d.name, sys.system),
            ));
        }
    }
    out
}

/// A standby block with a failover delay or switch failures needs the time
/// scale of its members (the takeover rate depends on it).
fn check_standby_time_scales(sys: &System, blocks: &[BlockSpec]) -> Result<(), Vec<Issue>> {
    let mut issues = Vec::new();
    if sys.standbys.iter().all(Standby::is_ideal) {
        return Ok(());
    }
    let untimed = first_untimed_items(sys);
    let by_name: HashMap<&str, &BlockSpec> =
        blocks.iter().map(|b| (b.name.v.as_str(), b)).collect();
    for s in &sys.standbys {
        if s.is_ideal() {
            continue;
        }
        let spec = by_name[s.name.as_str()];
        for (m, name) in s.members.iter().zip(&s.member_names) {
            if let Some(item) = untimed[m.0 as usize] {
                let span = spec
                    .members
                    .iter()
                    .find(|x| &x.v == name)
                    .map_or(spec.name.span.clone(), |x| x.span.clone());
                let key_span = spec
                    .failover
                    .as_ref()
                    .map(|f| f.span.clone())
                    .or_else(|| spec.switch_success.as_ref().map(|f| f.span.clone()))
                    .or_else(|| spec.detect.as_ref().map(|f| f.span.clone()))
                    .or_else(|| spec.failback.as_ref().map(|f| f.span.clone()));
                let mut issue = Issue::new(
                    span,
                    format!(
                        "standby `{}` has a failover delay or switch failures, but its member `{name}` has no time scale (`{}` gives availability alone)",
                        s.name, sys.item(item).name
                    ),
                    "no mtbf/mttr",
                )
                .help("the cost of failovers depends on how often members fail: give `mttr` (or `mtbf`) to the components inside");
                if let Some(k) = key_span {
                    issue = issue.also(k, "failover dynamics");
                }
                issues.push(issue);
            }
        }
    }
    if issues.is_empty() {
        Ok(())
    } else {
        Err(issues)
    }
}

/// For every node, the first item under it with availability alone, in
/// depth-first order with the last child first; one pass over the nodes
/// (children come before parents), so checking every standby member costs
/// no more than the structure's size.
fn first_untimed_items(sys: &System) -> Vec<Option<ItemId>> {
    let mut first: Vec<Option<ItemId>> = Vec::with_capacity(sys.nodes.len());
    for node in &sys.nodes {
        let found = match node {
            Node::Item(i) => (!sys.item(*i).rates.has_time_scale()).then_some(*i),
            other => other
                .children()
                .iter()
                .rev()
                .find_map(|c| first[c.0 as usize]),
        };
        first.push(found);
    }
    first
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The issues of a model with a block listing `members`, as
    /// (message, place of the repeat, place shown as the earlier listing).
    fn repeats(members: &[&str]) -> Vec<(String, usize, usize)> {
        let mut names: Vec<&str> = members.to_vec();
        names.sort_unstable();
        names.dedup();
        let mut text = String::from("system = \"top\"\n");
        for n in &names {
            text.push_str(&format!("[component.{n}]\navailability = 0.9\n"));
        }
        let list: Vec<String> = members.iter().map(|m| format!("\"{m}\"")).collect();
        text.push_str(&format!("[block.top]\nparallel = [{}]\n", list.join(", ")));
        let (spec, read) = crate::model::spec::read(&text).unwrap();
        assert!(read.is_empty());
        let issues = check(spec, "m").err().unwrap_or_default();
        let list_at = text.find("parallel = [").unwrap();
        // Positions within the list, in members.
        let index = |at: usize| {
            let before = &text[list_at..at];
            before.matches(',').count()
        };
        issues
            .iter()
            .map(|i| {
                (
                    i.message.clone(),
                    index(i.span.start),
                    index(i.also[0].0.start),
                )
            })
            .collect()
    }

    #[test]
    fn a_member_listed_again_is_found_in_short_and_long_lists() {
        for n in [3usize, SHORT_LIST, SHORT_LIST + 1, 40] {
            // "a" at 0, again at n - 2 and at n - 1; distinct names between.
            let mut members: Vec<String> = vec!["a".to_string()];
            members.extend((1..n - 2).map(|i| format!("c{i}")));
            members.push("a".to_string());
            members.push("a".to_string());
            let members: Vec<&str> = members.iter().map(String::as_str).collect();
            let got = repeats(&members);
            let want = "`a` is listed twice in block `top`".to_string();
            // Each repeat points at the latest earlier listing, whether the
            // list was searched or mapped.
            assert_eq!(
                got,
                vec![(want.clone(), n - 2, 0), (want, n - 1, n - 2)],
                "{n} members"
            );
        }
        assert!(repeats(&["a", "b", "c"]).is_empty());
    }
}
