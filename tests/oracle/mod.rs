//! An independent test oracle for standby (failover) blocks: a
//! continuous-time Markov chain over every item of a small model and every
//! standby block's mode, built from the model file's TOML text by its own
//! reader and solved directly. It shares no code with the library: the
//! model is read with the `toml` crate into structures of its own, the
//! dynamics are written from the text of docs/model.md (section
//! `[block.NAME]`, standby), and the steady state is solved by its own
//! dense elimination.
//!
//! Every delay is exponential (a `failover`, `detect` or `failback` given
//! as a plain duration is taken as an exponential of that mean); a zero
//! delay is instant. Components and domains need `mtbf` and `mttr`
//! (exponential up and down times).
//!
//! Dynamics of one standby block (docs/model.md):
//!
//! - serving member `i` fails: with `detect > 0` the block detects
//!   (down); if `i` is repaired before detection ends, it serves again
//!   (ridden out); otherwise, when detection ends, a takeover from `i`
//!   starts. With `detect = 0` the takeover starts at once.
//! - a takeover from `f` (the member that failed first): the target is the
//!   first member, in the listed order, that is up; none up: all down.
//!   With probability `switch_success` the move to the target starts
//!   (block down for the failover delay; instant when zero), else the
//!   block waits (down) until `f` is repaired, and `f` then serves at once
//!   (at once if `f` is already up).
//! - the target of a move fails during it: a new takeover from the same
//!   `f` (a new switch-success draw, no detection).
//! - all down: the first member to be repaired (first in the listed order
//!   when several come back at once) serves at once.
//! - `revert = true`: whenever member `j` serves while a member listed
//!   before it is up, a move back to the first member up starts; it takes
//!   `failback` (instant when zero), always succeeds, and the block is down
//!   meanwhile. Its target failing during it starts a takeover from that
//!   target, as after a failure of the serving member (no detection).
//! - the block is up exactly while a member serves.
//!
//! A standby block nested in a member of another one is a member like any
//! other: its serving / not serving is that member's up / down. A name used
//! in several places is one physical thing (one item, or one block with
//! one mode).

use std::collections::{HashMap, VecDeque};

/// A 365-day year, seconds (docs/math.md, "Units").
pub const YEAR_S: f64 = 365.0 * 86_400.0;

/// Seconds in a duration such as `"90s"`, `"2m"`, `"5min"`, `"6h"`,
/// `"1y"`, `"1h 30m"`, `"1.5h"` (docs/model.md, "Quantities").
pub fn duration_s(text: &str) -> f64 {
    let chars: Vec<char> = text.chars().collect();
    let mut total = 0.0;
    let mut k = 0;
    let mut terms = 0;
    while k < chars.len() {
        if chars[k].is_whitespace() {
            k += 1;
            continue;
        }
        let start = k;
        while k < chars.len() && (chars[k].is_ascii_digit() || chars[k] == '.') {
            k += 1;
        }
        let number: f64 = chars[start..k]
            .iter()
            .collect::<String>()
            .parse()
            .unwrap_or_else(|_| panic!("oracle: no number in duration {text:?}"));
        while k < chars.len() && chars[k].is_whitespace() {
            k += 1;
        }
        let ustart = k;
        while k < chars.len() && chars[k].is_ascii_alphabetic() {
            k += 1;
        }
        let unit: String = chars[ustart..k].iter().collect();
        let scale = match unit.as_str() {
            "ms" => 1e-3,
            "s" => 1.0,
            "m" | "min" => 60.0,
            "h" => 3_600.0,
            "d" => 86_400.0,
            "w" => 7.0 * 86_400.0,
            "y" => YEAR_S,
            _ => panic!("oracle: unit {unit:?} in duration {text:?}"),
        };
        total += number * scale;
        terms += 1;
    }
    assert!(terms > 0, "oracle: empty duration {text:?}");
    total
}

/// The mean of a delay: a duration string, or `{ exponential = { mean } }`.
fn delay_mean_s(v: &toml::Value) -> f64 {
    match v {
        toml::Value::String(s) => duration_s(s),
        toml::Value::Table(t) => {
            let e = t
                .get("exponential")
                .and_then(|e| e.as_table())
                .unwrap_or_else(|| panic!("oracle: only exponential delays, got {v}"));
            duration_s(e["mean"].as_str().expect("oracle: mean is a duration"))
        }
        _ => panic!("oracle: a delay is a duration or a distribution, got {v}"),
    }
}

fn probability(v: &toml::Value) -> f64 {
    match v {
        toml::Value::Float(x) => *x,
        toml::Value::Integer(x) => *x as f64,
        toml::Value::String(s) => {
            let p = s.trim().strip_suffix('%').expect("oracle: `99%` or 0.99");
            p.trim().parse::<f64>().unwrap() / 100.0
        }
        _ => panic!("oracle: a probability, got {v}"),
    }
}

/// One thing that fails and is repaired (a domain or a replica).
#[derive(Debug)]
struct Item {
    fail_rate: f64,
    repair_rate: f64,
    /// The domain item it sits in.
    parent: Option<usize>,
}

#[derive(Debug)]
enum Node {
    /// A component: at least `need` of its replicas (items) up.
    Group {
        replicas: Vec<usize>,
        need: usize,
    },
    Series(Vec<usize>),
    Parallel {
        members: Vec<usize>,
        need: usize,
    },
    /// The standby block of that index.
    Standby(usize),
}

#[derive(Debug)]
struct Standby {
    members: Vec<usize>,
    /// Exponential rates; `None`: instant.
    failover: Option<f64>,
    success: f64,
    detect: Option<f64>,
    revert: bool,
    failback: Option<f64>,
}

/// A standby block's mode (member indices in the listed order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Mode {
    Serving(u8),
    /// The serving member failed; not yet noticed.
    Detecting(u8),
    /// A takeover towards `target`; `from` failed first.
    Moving {
        target: u8,
        from: u8,
    },
    /// `revert`: moving back to `target`.
    FailingBack(u8),
    /// After a failed switch: down until `from` is repaired.
    Waiting(u8),
    AllDown,
}

/// A model read from its TOML text.
#[derive(Debug)]
pub struct Model {
    items: Vec<Item>,
    nodes: Vec<Node>,
    standbys: Vec<Standby>,
    /// Standby blocks, inner ones first.
    order: Vec<usize>,
    system: usize,
}

fn rates(t: &toml::Table, what: &str) -> (f64, f64) {
    let get = |k: &str| {
        duration_s(
            t.get(k)
                .and_then(|v| v.as_str())
                .unwrap_or_else(|| panic!("oracle: {what} needs `{k}` (a duration)")),
        )
    };
    (1.0 / get("mtbf"), 1.0 / get("mttr"))
}

fn names(v: &toml::Value) -> Vec<String> {
    v.as_array()
        .expect("oracle: a list of names")
        .iter()
        .map(|x| x.as_str().expect("oracle: a name").to_string())
        .collect()
}

impl Model {
    /// Reads a model: `system`, components (`mtbf`, `mttr`, `domain`,
    /// `count`, `need`, `spread`), domains (`mtbf`, `mttr`, `within`) and
    /// blocks (`series`, `parallel` + `need`, `standby` + `failover`,
    /// `switch_success`, `detect`, `revert`, `failback`). Anything else
    /// stops the oracle: it must not silently ignore part of a model.
    pub fn parse(text: &str) -> Model {
        let doc: toml::Table = text.parse().expect("oracle: valid TOML");
        for k in doc.keys() {
            assert!(
                [
                    "name",
                    "description",
                    "system",
                    "component",
                    "domain",
                    "block"
                ]
                .contains(&k.as_str()),
                "oracle: top-level key `{k}`"
            );
        }
        let empty = toml::Table::new();
        let section = |k: &str| doc.get(k).and_then(|v| v.as_table()).unwrap_or(&empty);
        let domains = section("domain");
        let components = section("component");
        let blocks = section("block");

        // Domains are items; `within` is resolved after all are numbered.
        let mut items: Vec<Item> = Vec::new();
        let mut domain_item: HashMap<&str, usize> = HashMap::new();
        for (name, d) in domains {
            let d = d.as_table().unwrap();
            for k in d.keys() {
                assert!(
                    ["mtbf", "mttr", "within"].contains(&k.as_str()),
                    "oracle: domain key `{k}`"
                );
            }
            let (fail_rate, repair_rate) = rates(d, name);
            domain_item.insert(name, items.len());
            items.push(Item {
                fail_rate,
                repair_rate,
                parent: None,
            });
        }
        for (name, d) in domains {
            if let Some(w) = d.get("within") {
                let w = w.as_str().unwrap();
                items[domain_item[name.as_str()]].parent = Some(domain_item[w]);
            }
        }

        // Every name gets a node index: components first, then blocks.
        let mut node_of: HashMap<&str, usize> = HashMap::new();
        for (i, name) in components.keys().chain(blocks.keys()).enumerate() {
            assert!(
                node_of.insert(name, i).is_none(),
                "oracle: duplicate name `{name}`"
            );
        }
        let mut nodes = Vec::new();
        for (name, c) in components {
            let c = c.as_table().unwrap();
            for k in c.keys() {
                assert!(
                    ["mtbf", "mttr", "domain", "count", "need", "spread"].contains(&k.as_str()),
                    "oracle: component key `{k}`"
                );
            }
            let (fail_rate, repair_rate) = rates(c, name);
            let count = c.get("count").map_or(1, |v| v.as_integer().unwrap()) as usize;
            let need = c.get("need").map_or(1, |v| v.as_integer().unwrap()) as usize;
            let spread: Vec<usize> = match (c.get("spread"), c.get("domain")) {
                (Some(s), None) => names(s).iter().map(|d| domain_item[d.as_str()]).collect(),
                (None, Some(d)) => vec![domain_item[d.as_str().unwrap()]],
                (None, None) => vec![],
                _ => panic!("oracle: `spread` and `domain` together"),
            };
            let mut replicas = Vec::new();
            for j in 0..count {
                replicas.push(items.len());
                items.push(Item {
                    fail_rate,
                    repair_rate,
                    parent: (!spread.is_empty()).then(|| spread[j % spread.len()]),
                });
            }
            nodes.push(Node::Group { replicas, need });
        }
        let mut standbys = Vec::new();
        for (name, b) in blocks {
            let b = b.as_table().unwrap();
            let member_nodes = |v: &toml::Value| -> Vec<usize> {
                names(v)
                    .iter()
                    .map(|m| {
                        *node_of
                            .get(m.as_str())
                            .unwrap_or_else(|| panic!("oracle: unknown member `{m}` of `{name}`"))
                    })
                    .collect()
            };
            let allowed: &[&str] = if b.contains_key("standby") {
                &[
                    "standby",
                    "failover",
                    "switch_success",
                    "detect",
                    "revert",
                    "failback",
                ]
            } else if b.contains_key("parallel") {
                &["parallel", "need"]
            } else {
                &["series"]
            };
            for k in b.keys() {
                assert!(allowed.contains(&k.as_str()), "oracle: block key `{k}`");
            }
            let node = if let Some(m) = b.get("series") {
                Node::Series(member_nodes(m))
            } else if let Some(m) = b.get("parallel") {
                Node::Parallel {
                    members: member_nodes(m),
                    need: b.get("need").map_or(1, |v| v.as_integer().unwrap()) as usize,
                }
            } else if let Some(m) = b.get("standby") {
                let rate = |k: &str| {
                    b.get(k).and_then(|v| {
                        let mean = delay_mean_s(v);
                        (mean > 0.0).then(|| 1.0 / mean)
                    })
                };
                standbys.push(Standby {
                    members: member_nodes(m),
                    failover: rate("failover"),
                    success: b.get("switch_success").map_or(1.0, probability),
                    detect: rate("detect"),
                    revert: b.get("revert").is_some_and(|v| v.as_bool().unwrap()),
                    failback: rate("failback"),
                });
                Node::Standby(standbys.len() - 1)
            } else {
                panic!("oracle: block `{name}` is neither series, parallel nor standby");
            };
            nodes.push(node);
        }
        let system = node_of[doc["system"].as_str().expect("oracle: `system`")];
        assert!(items.len() <= 64, "oracle: at most 64 items");

        // Standby blocks in post-order: every standby block inside a
        // member of another comes before it. Iterative depth-first search.
        let mut order = Vec::new();
        let mut seen = vec![false; nodes.len()];
        for root in 0..nodes.len() {
            let mut stack = vec![(root, false)];
            while let Some((n, done)) = stack.pop() {
                if done {
                    if let Node::Standby(s) = nodes[n] {
                        order.push(s);
                    }
                    continue;
                }
                if seen[n] {
                    continue;
                }
                seen[n] = true;
                stack.push((n, true));
                let children: &[usize] = match &nodes[n] {
                    Node::Group { .. } => &[],
                    Node::Series(m) | Node::Parallel { members: m, .. } => m,
                    Node::Standby(s) => &standbys[*s].members,
                };
                for &c in children {
                    if !seen[c] {
                        stack.push((c, false));
                    }
                }
            }
        }
        Model {
            items,
            nodes,
            standbys,
            order,
            system,
        }
    }

    /// Whether each item is up, its own state and every enclosing domain's.
    fn effective(&self, mask: u64) -> Vec<bool> {
        (0..self.items.len())
            .map(|i| {
                let mut k = Some(i);
                while let Some(j) = k {
                    if mask & (1 << j) == 0 {
                        return false;
                    }
                    k = self.items[j].parent;
                }
                true
            })
            .collect()
    }

    /// Whether node `n` is up, given the items and the standby modes.
    fn node_up(&self, n: usize, eff: &[bool], modes: &[Mode]) -> bool {
        match &self.nodes[n] {
            Node::Group { replicas, need } => replicas.iter().filter(|&&r| eff[r]).count() >= *need,
            Node::Series(m) => m.iter().all(|&c| self.node_up(c, eff, modes)),
            Node::Parallel { members, need } => {
                members
                    .iter()
                    .filter(|&&c| self.node_up(c, eff, modes))
                    .count()
                    >= *need
            }
            Node::Standby(s) => matches!(modes[*s], Mode::Serving(_)),
        }
    }

    /// A takeover of block `s` from member `from` (docs/model.md):
    /// the branches it leads to, with their probabilities.
    fn takeover(&self, s: usize, from: u8, up: &[bool]) -> Vec<(f64, Mode)> {
        let b = &self.standbys[s];
        let Some(target) = up.iter().position(|&u| u) else {
            return vec![(1.0, Mode::AllDown)];
        };
        let target = target as u8;
        let moved = match b.failover {
            Some(_) => Mode::Moving { target, from },
            None => Mode::Serving(target),
        };
        let failed = if up[from as usize] {
            Mode::Serving(from)
        } else {
            Mode::Waiting(from)
        };
        let mut out = vec![(b.success, moved)];
        if b.success < 1.0 {
            out.push((1.0 - b.success, failed));
        }
        out
    }

    /// One instantaneous reaction of block `s` in mode `m` to its members'
    /// states; `None` when the mode is stable.
    fn react(&self, s: usize, m: Mode, up: &[bool]) -> Option<Vec<(f64, Mode)>> {
        let b = &self.standbys[s];
        let first_up = up.iter().position(|&u| u).map(|j| j as u8);
        match m {
            Mode::Serving(i) if !up[i as usize] => Some(if b.detect.is_some() {
                vec![(1.0, Mode::Detecting(i))]
            } else {
                self.takeover(s, i, up)
            }),
            Mode::Serving(i) if b.revert && first_up.is_some_and(|f| f < i) => {
                let t = first_up.unwrap();
                Some(vec![(
                    1.0,
                    match b.failback {
                        Some(_) => Mode::FailingBack(t),
                        None => Mode::Serving(t),
                    },
                )])
            }
            Mode::Detecting(i) if up[i as usize] => Some(vec![(1.0, Mode::Serving(i))]),
            Mode::Moving { target, from } if !up[target as usize] => {
                Some(self.takeover(s, from, up))
            }
            Mode::FailingBack(t) if !up[t as usize] => Some(self.takeover(s, t, up)),
            Mode::Waiting(f) if up[f as usize] => Some(vec![(1.0, Mode::Serving(f))]),
            Mode::AllDown => first_up.map(|j| vec![(1.0, Mode::Serving(j))]),
            _ => None,
        }
    }

    /// Block `s` reacts until its mode is stable.
    fn settle_block(&self, s: usize, m: Mode, up: &[bool], depth: u32) -> Vec<(f64, Mode)> {
        assert!(depth < 32, "oracle: block {s} does not settle");
        match self.react(s, m, up) {
            None => vec![(1.0, m)],
            Some(branches) => branches
                .into_iter()
                .flat_map(|(p, m2)| {
                    self.settle_block(s, m2, up, depth + 1)
                        .into_iter()
                        .map(move |(q, m3)| (p * q, m3))
                })
                .collect(),
        }
    }

    /// Every standby block, inner ones first, reacts to the items and to
    /// the blocks inside it: the settled states, with probabilities.
    fn settle(&self, mask: u64, modes: Vec<Mode>) -> Vec<(f64, Vec<Mode>)> {
        let eff = self.effective(mask);
        let mut branches = vec![(1.0, modes)];
        for &s in &self.order {
            let mut next = Vec::new();
            for (p, modes) in branches {
                let up: Vec<bool> = self.standbys[s]
                    .members
                    .iter()
                    .map(|&n| self.node_up(n, &eff, &modes))
                    .collect();
                for (q, m) in self.settle_block(s, modes[s], &up, 0) {
                    let mut modes = modes.clone();
                    modes[s] = m;
                    next.push((p * q, modes));
                }
            }
            branches = next;
        }
        branches
    }

    /// Every event out of a settled state: (rate, settled next state).
    fn events(&self, mask: u64, modes: &[Mode]) -> Vec<(f64, u64, Vec<Mode>)> {
        let mut out = Vec::new();
        for (i, item) in self.items.iter().enumerate() {
            let up = mask & (1 << i) != 0;
            let rate = if up { item.fail_rate } else { item.repair_rate };
            let mask2 = mask ^ (1 << i);
            for (p, m2) in self.settle(mask2, modes.to_vec()) {
                out.push((rate * p, mask2, m2));
            }
        }
        let eff = self.effective(mask);
        for (s, b) in self.standbys.iter().enumerate() {
            let (rate, after) = match modes[s] {
                Mode::Detecting(i) => {
                    let up: Vec<bool> = b
                        .members
                        .iter()
                        .map(|&n| self.node_up(n, &eff, modes))
                        .collect();
                    (b.detect.unwrap(), self.takeover(s, i, &up))
                }
                Mode::Moving { target, .. } => {
                    (b.failover.unwrap(), vec![(1.0, Mode::Serving(target))])
                }
                Mode::FailingBack(t) => (b.failback.unwrap(), vec![(1.0, Mode::Serving(t))]),
                _ => continue,
            };
            for (p, m) in after {
                let mut modes2 = modes.to_vec();
                modes2[s] = m;
                for (q, m2) in self.settle(mask, modes2) {
                    out.push((rate * p * q, mask, m2));
                }
            }
        }
        out
    }

    /// Builds the chain by breadth-first search from the state with every
    /// item up and every standby block on its first member, and solves it.
    pub fn solve(&self, max_states: usize) -> Solution {
        self.solve_with(max_states, Solver::Gth)
    }

    /// As [`Model::solve`], with the chosen linear solver.
    pub fn solve_with(&self, max_states: usize, solver: Solver) -> Solution {
        let all_up = if self.items.len() == 64 {
            u64::MAX
        } else {
            (1u64 << self.items.len()) - 1
        };
        let start = self.settle(all_up, vec![Mode::Serving(0); self.standbys.len()]);
        assert_eq!(start.len(), 1, "oracle: the start state is certain");
        let mut states: Vec<(u64, Vec<Mode>)> = vec![(all_up, start[0].1.clone())];
        let mut index: HashMap<(u64, Vec<Mode>), usize> = HashMap::new();
        index.insert(states[0].clone(), 0);
        let mut rows: Vec<Vec<(usize, f64)>> = Vec::new();
        let mut queue = VecDeque::from([0usize]);
        while let Some(i) = queue.pop_front() {
            let (mask, modes) = states[i].clone();
            let mut row: Vec<(usize, f64)> = Vec::new();
            for (rate, mask2, modes2) in self.events(mask, &modes) {
                if rate == 0.0 {
                    continue;
                }
                let key = (mask2, modes2);
                let j = match index.get(&key) {
                    Some(&j) => j,
                    None => {
                        let j = states.len();
                        assert!(j < max_states, "oracle: more than {max_states} states");
                        index.insert(key.clone(), j);
                        states.push(key);
                        queue.push_back(j);
                        j
                    }
                };
                if j != i {
                    row.push((j, rate));
                }
            }
            if rows.len() <= i {
                rows.resize(i + 1, Vec::new());
            }
            rows[i] = row;
        }
        let n = states.len();
        let mut q = vec![0.0; n * n];
        for (i, row) in rows.iter().enumerate() {
            for &(j, r) in row {
                q[i * n + j] += r;
            }
        }
        let pi = match solver {
            Solver::Gth => gth(q, n),
            Solver::Lu => lu_stationary(q, n),
        };
        let up: Vec<bool> = states
            .iter()
            .map(|(mask, modes)| self.node_up(self.system, &self.effective(*mask), modes))
            .collect();
        let mut unavailability = 0.0;
        let mut failure_rate = 0.0;
        for i in 0..n {
            if !up[i] {
                unavailability += pi[i];
                continue;
            }
            for &(j, r) in &rows[i] {
                if !up[j] {
                    failure_rate += pi[i] * r;
                }
            }
        }
        Solution {
            states: n,
            unavailability,
            outages_per_year: failure_rate * YEAR_S,
        }
    }
}

/// The linear solver for the stationary distribution.
#[derive(Clone, Copy, Debug)]
pub enum Solver {
    /// Grassmann-Taksar-Heyman elimination: no subtractions.
    Gth,
    /// Gaussian elimination with partial pivoting on `Q^T pi = 0`, one
    /// equation replaced by `sum pi = 1`.
    Lu,
}

/// The oracle's answer.
#[derive(Clone, Copy, Debug)]
pub struct Solution {
    /// Reachable states of the chain.
    pub states: usize,
    /// Long-run fraction of time the system is down.
    pub unavailability: f64,
    /// System up-to-down transitions a 365-day year, long run.
    pub outages_per_year: f64,
}

/// Stationary distribution of an irreducible chain from its off-diagonal
/// rates (row-major `n x n`, diagonal ignored) by GTH elimination.
fn gth(mut a: Vec<f64>, n: usize) -> Vec<f64> {
    for k in (1..n).rev() {
        let s: f64 = a[k * n..k * n + k].iter().sum();
        assert!(s > 0.0, "oracle: the chain is not irreducible");
        let (top, rest) = a.split_at_mut(k * n);
        let row_k = &rest[..k];
        for i in 0..k {
            let f = top[i * n + k];
            if f == 0.0 {
                continue;
            }
            let f = f / s;
            top[i * n + k] = f;
            let row_i = &mut top[i * n..i * n + k];
            for (x, y) in row_i.iter_mut().zip(row_k) {
                *x += f * y;
            }
        }
    }
    let mut x = vec![0.0; n];
    x[0] = 1.0;
    for j in 1..n {
        x[j] = (0..j).map(|i| x[i] * a[i * n + j]).sum();
    }
    let total: f64 = x.iter().sum();
    x.iter().map(|v| v / total).collect()
}

/// Stationary distribution by Gaussian elimination with partial pivoting:
/// `Q^T pi = 0` with the last equation replaced by `sum pi = 1`.
fn lu_stationary(rates: Vec<f64>, n: usize) -> Vec<f64> {
    // a = Q^T, with Q's diagonal the negated row sums.
    let mut a = vec![0.0; n * n];
    for i in 0..n {
        let mut out = 0.0;
        for j in 0..n {
            if i != j {
                a[j * n + i] = rates[i * n + j];
                out += rates[i * n + j];
            }
        }
        a[i * n + i] = -out;
    }
    let mut b = vec![0.0; n];
    for j in 0..n {
        a[(n - 1) * n + j] = 1.0;
    }
    b[n - 1] = 1.0;
    for col in 0..n {
        let piv = (col..n)
            .max_by(|&x, &y| a[x * n + col].abs().total_cmp(&a[y * n + col].abs()))
            .unwrap();
        if piv != col {
            for j in 0..n {
                a.swap(col * n + j, piv * n + j);
            }
            b.swap(col, piv);
        }
        let p = a[col * n + col];
        assert!(p != 0.0, "oracle: singular system");
        let pivot_row: Vec<f64> = a[col * n + col..col * n + n].to_vec();
        for r in col + 1..n {
            let f = a[r * n + col] / p;
            if f == 0.0 {
                continue;
            }
            for (x, y) in a[r * n + col..r * n + n].iter_mut().zip(&pivot_row) {
                *x -= f * y;
            }
            b[r] -= f * b[col];
        }
    }
    let mut x = vec![0.0; n];
    for r in (0..n).rev() {
        let s: f64 = (r + 1..n).map(|j| a[r * n + j] * x[j]).sum();
        x[r] = (b[r] - s) / a[r * n + r];
    }
    x
}
