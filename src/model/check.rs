//! From the model as written ([`Spec`]) to a checked [`System`]: names,
//! cycles, ranges, and the structure compiled into nodes.
//!
//! Every walk here is iterative, so no model file can drive the recursion
//! deep.

use std::collections::HashMap;

use crate::catalog::{self, Role};
use crate::error::{Issue, suggest};
use crate::model::dist::Distribution;
use crate::model::quantity::{Availability, human_duration};
use crate::model::spec::{self, BlockSpec, ComponentSpec, Count, RelSpec, Sp, Spec};
use crate::model::system::{
    Block, BlockKind, CatalogUse, Component, Domain, Item, ItemId, Node, NodeId, Owner, Rates,
    Standby, System,
};

/// Largest number of basic items (domains plus replicas) in one model.
pub(crate) const MAX_ITEMS: usize = 1_000_000;

/// Name comparisons spent on "did you mean" hints in one model.
const SUGGEST_BUDGET: usize = 2_000_000;

/// Relative tolerance for a distribution's mean against an explicit
/// `mtbf`/`mttr` in the same component.
const MEAN_TOLERANCE: f64 = 1e-3;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Component(usize),
    Domain(usize),
    Block(usize),
}

impl Kind {
    fn word(self) -> &'static str {
        match self {
            Kind::Component(_) => "component",
            Kind::Domain(_) => "domain",
            Kind::Block(_) => "block",
        }
    }
}

/// Resolved steady state plus the distributions for simulation.
struct Resolved {
    rates: Rates,
    failure: Option<Distribution>,
    repair: Option<Distribution>,
}

/// Checks a spec and compiles it. `default_name` names a model without `name`.
pub(crate) fn check(spec: Spec, default_name: &str) -> Result<System, Vec<Issue>> {
    let mut issues = Vec::new();

    // 1. Names: one namespace for components, domains and blocks.
    let mut names: HashMap<&str, (Kind, std::ops::Range<usize>)> = HashMap::new();
    fn register<'a>(
        names: &mut HashMap<&'a str, (Kind, std::ops::Range<usize>)>,
        name: &'a Sp<String>,
        kind: Kind,
        issues: &mut Vec<Issue>,
    ) {
        if let Some((prev, span)) = names.get(name.v.as_str()) {
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
            names.insert(name.v.as_str(), (kind, name.span.clone()));
        }
    }
    for (i, d) in spec.domains.iter().enumerate() {
        register(&mut names, &d.name, Kind::Domain(i), &mut issues);
    }
    for (i, c) in spec.components.iter().enumerate() {
        register(&mut names, &c.name, Kind::Component(i), &mut issues);
    }
    for (i, b) in spec.blocks.iter().enumerate() {
        register(&mut names, &b.name, Kind::Block(i), &mut issues);
    }
    // "Did you mean" compares a name with every name: a budget of
    // comparisons keeps a file with thousands of unknown names linear.
    let suggestions_left = std::cell::Cell::new(SUGGEST_BUDGET);
    let lookup = |name: &Sp<String>, issues: &mut Vec<Issue>, wanted: &str| -> Option<Kind> {
        match names.get(name.v.as_str()) {
            Some((k, _)) => Some(*k),
            None => {
                let near = match suggestions_left.get().checked_sub(names.len()) {
                    Some(left) => {
                        suggestions_left.set(left);
                        suggest(&name.v, names.keys().copied())
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
        }
    };

    // 2. Domains: `within`, cycles, steady state.
    let nd = spec.domains.len();
    let mut within: Vec<Option<usize>> = vec![None; nd];
    for (i, d) in spec.domains.iter().enumerate() {
        if let Some(w) = &d.within {
            match lookup(w, &mut issues, "domain") {
                Some(Kind::Domain(j)) => within[i] = Some(j),
                Some(k) => issues.push(Issue::new(
                    w.span.clone(),
                    format!("`within` must name a domain; `{}` is a {}", w.v, k.word()),
                    "not a domain",
                )),
                None => {}
            }
        }
    }
    // Cycle check over `within`, linear: follow each chain until a domain
    // already settled (0 new, 1 on this walk, 2 settled).
    let mut state = vec![0u8; nd];
    for start in 0..nd {
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
    let mut domain_res: Vec<Option<Resolved>> = Vec::with_capacity(nd);
    let mut catalog_uses: Vec<CatalogUse> = Vec::new();
    let tainted = |name: &str| spec.tainted.contains(name);
    for d in &spec.domains {
        domain_res.push(if tainted(&d.name.v) {
            // Its figures are incomplete: no resolving (that would only
            // repeat the error), but an unknown `like` is reported now.
            if let Some(like) = &d.rel.like {
                lookup_entry(like, Role::Domain, &mut issues);
            }
            None
        } else {
            apply_like(
                &d.rel,
                Role::Domain,
                &d.name.v,
                &mut issues,
                &mut catalog_uses,
            )
            .and_then(|rel| resolve(&rel, &d.name.v, &d.name.span, &mut issues))
        });
    }

    // 3. Components: placement, counts, steady state.
    let mut comp_res: Vec<Option<(Resolved, Placement)>> =
        Vec::with_capacity(spec.components.len());
    let mut notes = Vec::new();
    let mut item_count = nd;
    for c in &spec.components {
        let res = if tainted(&c.name.v) {
            if let Some(like) = &c.rel.like {
                lookup_entry(like, Role::Component, &mut issues);
            }
            None
        } else {
            apply_like(
                &c.rel,
                Role::Component,
                &c.name.v,
                &mut issues,
                &mut catalog_uses,
            )
            .and_then(|rel| resolve(&rel, &c.name.v, &c.name.span, &mut issues))
        };
        let placement = place(c, &lookup, &mut issues, &mut notes);
        if let Some(p) = &placement {
            item_count += p.domains.len();
        }
        comp_res.push(res.zip(placement));
    }
    if item_count > MAX_ITEMS {
        issues.push(Issue::new(
            spec.top_span.clone(),
            format!("the model has {item_count} items (domains and replicas); at most {MAX_ITEMS} are supported"),
            "model too large",
        ));
    }

    // 4. Blocks: members, kind-specific keys, cycles.
    let nb = spec.blocks.len();
    let mut members: Vec<Vec<Kind>> = vec![Vec::new(); nb];
    let mut block_like: Vec<Option<&'static catalog::Entry>> = vec![None; nb];
    for (i, b) in spec.blocks.iter().enumerate() {
        // Every problem in one pass: a block with an unknown key or a bad
        // value still has its other keys checked.
        {
            check_block_keys(b, tainted(&b.name.v), &mut issues);
            if let Some(like) = &b.like {
                let standby = b
                    .kind
                    .as_ref()
                    .is_some_and(|k| k.v == spec::BlockKind::Standby);
                if !standby {
                    issues.push(
                        Issue::new(like.span.clone(), "`like` in a block applies to standby blocks (a failover timing)", "not a standby block")
                            .help("components and domains take `like` for their figures; a standby block for its failover"),
                    );
                } else if let Some(entry) = lookup_entry(like, Role::Failover, &mut issues) {
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
        }
        let mut seen: HashMap<&str, &Sp<String>> = HashMap::new();
        for m in &b.members {
            if let Some(first) = seen.insert(m.v.as_str(), m) {
                issues.push(
                    Issue::new(m.span.clone(), format!("`{}` is listed twice in block `{}`", m.v, b.name.v), "listed again")
                        .also(first.span.clone(), "first listed here")
                        .help("a name is one physical thing: listing it twice adds no redundancy; use `count` on a component for replicas"),
                );
                continue;
            }
            match lookup(m, &mut issues, "component or block") {
                Some(Kind::Domain(_)) => {
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
    let order = block_order(&spec.blocks, &members, &mut issues);

    // 5. The system.
    let root_kind = match &spec.system {
        Some(s) => match lookup(s, &mut issues, "block or component") {
            Some(Kind::Domain(_)) => {
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
    };

    if !issues.is_empty() || !spec.tainted.is_empty() {
        return Err(issues);
    }

    // 6. Compile: items, then nodes children-first.
    let mut items: Vec<Item> = Vec::with_capacity(item_count);
    let mut nodes: Vec<Node> = Vec::new();
    let push_node = |nodes: &mut Vec<Node>, n: Node| {
        nodes.push(n);
        NodeId(nodes.len() as u32 - 1)
    };
    let mut domains: Vec<Domain> = Vec::with_capacity(nd);
    for (i, d) in spec.domains.iter().enumerate() {
        let r = domain_res[i].take().expect("checked above");
        items.push(Item {
            name: d.name.v.clone(),
            owner: Owner::Domain(i),
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
            let own = push_node(&mut nodes, Node::Item(domains[d].item));
            domains[d].node = match within[d] {
                Some(w) => push_node(&mut nodes, Node::All(vec![own, domains[w].node])),
                None => own,
            };
        }
    }
    let mut components: Vec<Component> = Vec::with_capacity(spec.components.len());
    for (ci, c) in spec.components.iter().enumerate() {
        let (r, p) = comp_res[ci].take().expect("checked above");
        let n = p.domains.len();
        let mut leaves = Vec::with_capacity(n);
        let mut ids = Vec::with_capacity(n);
        for (j, dom) in p.domains.iter().enumerate() {
            let id = ItemId(items.len() as u32);
            items.push(Item {
                name: if n == 1 {
                    c.name.v.clone()
                } else {
                    format!("{}[{j}]", c.name.v)
                },
                owner: Owner::Component {
                    component: ci,
                    replica: j as u32,
                },
                rates: r.rates,
                failure: r.failure,
                repair: r.repair,
            });
            ids.push(id);
            let own = push_node(&mut nodes, Node::Item(id));
            leaves.push(match dom {
                Some(d) => push_node(&mut nodes, Node::All(vec![own, domains[*d].node])),
                None => own,
            });
        }
        let node = if n == 1 {
            leaves[0]
        } else {
            push_node(
                &mut nodes,
                Node::AtLeast {
                    k: p.need,
                    of: leaves,
                },
            )
        };
        components.push(Component {
            name: c.name.v.clone(),
            items: ids,
            need: p.need,
            node,
            cost_per_month: c.rel.cost_per_month.as_ref().map(|c| c.v),
        });
    }
    let mut block_nodes: Vec<NodeId> = vec![NodeId(u32::MAX); nb];
    let mut blocks = Vec::with_capacity(nb);
    let mut standbys = Vec::new();
    let node_of = |k: Kind, block_nodes: &[NodeId]| match k {
        Kind::Component(i) => components[i].node,
        Kind::Block(i) => block_nodes[i],
        Kind::Domain(i) => domains[i].node,
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
            spec::BlockKind::Series => push_node(&mut nodes, Node::All(kids.clone())),
            spec::BlockKind::Parallel if need as usize == kids.len() => {
                push_node(&mut nodes, Node::All(kids.clone()))
            }
            spec::BlockKind::Parallel | spec::BlockKind::Standby => push_node(
                &mut nodes,
                Node::AtLeast {
                    k: need,
                    of: kids.clone(),
                },
            ),
            spec::BlockKind::Choose => {
                notes.push(format!(
                    "block `{}`: a choice, evaluated at its first member `{}`",
                    b.name.v, b.members[0].v
                ));
                kids[0]
            }
        };
        block_nodes[bi] = node;
        if kind == spec::BlockKind::Standby {
            standbys.push(Standby {
                name: b.name.v.clone(),
                node,
                member_names: b.members.iter().map(|m| m.v.clone()).collect(),
                members: kids,
                failover: b
                    .failover
                    .as_ref()
                    .map(|f| f.v)
                    .or_else(|| block_like[bi].and_then(|e| e.failover()))
                    .unwrap_or(Distribution::Fixed(0.0)),
                switch_success: b
                    .switch_success
                    .as_ref()
                    .map(|s| s.v)
                    .or_else(|| block_like[bi].and_then(|e| e.switch_success))
                    .unwrap_or(1.0),
                detect: b
                    .detect
                    .as_ref()
                    .map(|f| f.v)
                    .or_else(|| block_like[bi].and_then(|e| e.detect()))
                    .unwrap_or(Distribution::Fixed(0.0)),
                revert: b
                    .revert
                    .as_ref()
                    .map(|r| r.v)
                    .or_else(|| block_like[bi].and_then(|e| e.revert))
                    .unwrap_or(false),
                failback: b
                    .failback
                    .as_ref()
                    .map(|f| f.v)
                    .or_else(|| block_like[bi].and_then(|e| e.failback()))
                    .unwrap_or(Distribution::Fixed(0.0)),
            });
        }
    }
    for (bi, b) in spec.blocks.iter().enumerate() {
        blocks.push(Block {
            name: b.name.v.clone(),
            kind: match b.kind.as_ref().expect("checked above").v {
                spec::BlockKind::Series => BlockKind::Series,
                spec::BlockKind::Parallel => BlockKind::Parallel,
                spec::BlockKind::Standby => BlockKind::Standby,
                spec::BlockKind::Choose => BlockKind::Choose,
            },
            node: block_nodes[bi],
        });
    }
    let root = node_of(root_kind.expect("checked above"), &block_nodes);
    let system_name = spec.system.as_ref().expect("checked above").v.clone();

    let mut sys = System {
        name: spec.name.map_or_else(|| default_name.to_string(), |n| n.v),
        description: spec.description,
        system: system_name,
        currency: spec.currency.map_or_else(|| "USD".to_string(), |c| c.v),
        root,
        items,
        nodes,
        components,
        domains,
        blocks,
        standbys,
        notes,
        warnings: Vec::new(),
        catalog_uses,
        origin: None,
    };
    // The other options of a `choose` are alternatives, not forgotten parts.
    let alternatives: std::collections::HashSet<&str> = spec
        .blocks
        .iter()
        .filter(|b| {
            b.kind
                .as_ref()
                .is_some_and(|k| k.v == spec::BlockKind::Choose)
        })
        .flat_map(|b| b.members.iter().map(|m| m.v.as_str()))
        .collect();
    sys.warnings = unused_warnings(&sys, &alternatives);
    sys.notes.extend(catalog_notes(&sys));
    check_standby_time_scales(&sys, &spec.blocks)?;
    Ok(sys)
}

/// Looks up `like` and fills the keys not written beside it from the
/// catalog entry. Written keys win; the entry's figures fill in, availability
/// first, then mttr, then mtbf, while fewer than two of availability, mean
/// up time and mean repair time are known.
fn apply_like(
    rel: &RelSpec,
    role: Role,
    name: &str,
    issues: &mut Vec<Issue>,
    uses: &mut Vec<CatalogUse>,
) -> Option<RelSpec> {
    let Some(like) = &rel.like else {
        return Some(rel.clone());
    };
    let entry = lookup_entry(like, role, issues)?;
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

/// The catalog entry named by `like`, of the right role.
fn lookup_entry(
    like: &Sp<String>,
    role: Role,
    issues: &mut Vec<Issue>,
) -> Option<&'static catalog::Entry> {
    let Some(entry) = catalog::get(&like.v) else {
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

/// Resolves a name reference, reporting unknown names.
type Lookup<'a> = dyn Fn(&Sp<String>, &mut Vec<Issue>, &str) -> Option<Kind> + 'a;

/// The domain of every replica, and `need`.
fn place(
    c: &ComponentSpec,
    lookup: &Lookup<'_>,
    issues: &mut Vec<Issue>,
    notes: &mut Vec<String>,
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
            notes.push(format!(
                "component `{}`: count range {lo}..{hi}, evaluated at its lower end, {lo}",
                c.name.v
            ));
            *lo
        }
    };
    let as_domain = |name: &Sp<String>, issues: &mut Vec<Issue>| -> Option<usize> {
        match lookup(name, issues, "domain") {
            Some(Kind::Domain(d)) => Some(d),
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
    };
    let domains: Vec<Option<usize>> = match (&c.domain, &c.spread) {
        (Some(d), Some(s)) => {
            issues.push(
                Issue::new(s.span.clone(), format!("`{}` has both `domain` and `spread`", c.name.v), "conflicts with `domain`")
                    .also(d.span.clone(), "`domain` given here")
                    .help("use `domain` for replicas that share one domain, `spread` to place them round-robin"),
            );
            return None;
        }
        (Some(d), None) => {
            let d = as_domain(d, issues);
            vec![d; count as usize]
        }
        (None, Some(s)) => {
            if s.v.is_empty() {
                issues.push(Issue::new(
                    s.span.clone(),
                    "`spread` needs at least one domain",
                    "empty list",
                ));
                return None;
            }
            let list: Vec<Option<usize>> = s.v.iter().map(|n| as_domain(n, issues)).collect();
            (0..count as usize).map(|j| list[j % list.len()]).collect()
        }
        (None, None) => vec![None; count as usize],
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
    Some(Placement { domains, need })
}

struct Placement {
    domains: Vec<Option<usize>>,
    need: u32,
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
        if kind.v != spec::BlockKind::Parallel {
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
    if kind.v != spec::BlockKind::Standby {
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
fn block_order(blocks: &[BlockSpec], members: &[Vec<Kind>], issues: &mut Vec<Issue>) -> Vec<usize> {
    let n = blocks.len();
    // The block members of each block.
    let children: Vec<Vec<usize>> = members
        .iter()
        .map(|ms| {
            ms.iter()
                .filter_map(|k| match k {
                    Kind::Block(j) => Some(*j),
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
fn catalog_notes(sys: &System) -> Vec<String> {
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
    let sla = list(&|u| u.sla_floor);
    if !sla.is_empty() {
        out.push(format!(
            "published SLAs used as availabilities: {sla}; an SLA is a contractual floor, not a measured availability, so the result is a pessimistic bound"
        ));
    }
    let assumed = list(&|u| u.kind == catalog::FigureKind::Assumption);
    if !assumed.is_empty() {
        out.push(format!(
            "catalog figures that are our assumptions: {assumed}; see `fivenines catalog` and replace them with your own"
        ));
    }
    out
}

/// Parts of the model the system does not depend on.
fn unused_warnings(sys: &System, alternatives: &std::collections::HashSet<&str>) -> Vec<String> {
    let used = sys.used_nodes();
    let mut out = Vec::new();
    let mut unused = |kind: &str, name: &str, node: NodeId| {
        if !used[node.0 as usize] && !alternatives.contains(name) {
            out.push(format!(
                "{kind} `{name}` is not used by system `{}`",
                sys.system
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
            out.push(format!(
                "domain `{}` is not used by system `{}`",
                d.name, sys.system
            ));
        }
    }
    out
}

/// A standby block with a failover delay or switch failures needs the time
/// scale of its members (the takeover rate depends on it).
fn check_standby_time_scales(sys: &System, blocks: &[BlockSpec]) -> Result<(), Vec<Issue>> {
    let mut issues = Vec::new();
    for s in &sys.standbys {
        if s.is_ideal() {
            continue;
        }
        let spec = blocks
            .iter()
            .find(|b| b.name.v == s.name)
            .expect("standby comes from a block");
        for (m, name) in s.members.iter().zip(&s.member_names) {
            if let Some(item) = first_untimed_item(sys, *m) {
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

/// The first item under `node` with availability alone.
pub(crate) fn first_untimed_item(sys: &System, node: NodeId) -> Option<ItemId> {
    let mut stack = vec![node];
    let mut seen = vec![false; sys.nodes.len()];
    while let Some(n) = stack.pop() {
        if std::mem::replace(&mut seen[n.0 as usize], true) {
            continue;
        }
        match sys.node(n) {
            Node::Item(i) if !sys.item(*i).rates.has_time_scale() => return Some(*i),
            Node::Item(_) => {}
            other => stack.extend(other.children().iter().copied()),
        }
    }
    None
}
