//! The cheapest design that meets a target (or the most available within a
//! budget), over a model's `count` ranges and `choose` blocks.
//!
//! Small spaces (at most [`EXHAUSTIVE`] designs) are searched exhaustively.
//! Larger ones by branch and bound, which rests on two facts: with `need`
//! fixed, one more replica never lowers the availability, and never lowers
//! the cost. A branch is cut when even its largest counts miss the target
//! (or cannot beat the best availability found), or when its smallest
//! counts already cost more than the best design found (or than the
//! budget); along the last range the smallest count that meets the target
//! is found by bisection. The answer is the same as the exhaustive
//! search's (a test checks it on generated models); the runners-up and the
//! Pareto front are those of the designs evaluated.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::{Change, Field, Part, Setting, Study};
use crate::analytic::Analyzer;
use crate::error::Error;
use crate::value::quantity::Availability;

/// Spaces of at most this many designs are searched exhaustively.
pub const EXHAUSTIVE: u64 = 20_000;

/// A choice for one dimension: a count or a chosen member.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Choice {
    /// A component's count.
    Count(u32),
    /// A `choose` block's member.
    Member(String),
}

/// One design and its figures.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Design {
    /// Each `count` range's component and each `choose` block, with its
    /// value.
    pub choices: BTreeMap<String, Choice>,
    /// Steady-state availability (exact unless `approximate`).
    pub availability: f64,
    /// Monthly cost of the parts the system uses (0 when none has a cost).
    pub cost_per_month: f64,
    /// Whether the availability rests on approximations (first-order
    /// failover, Erlang fits); `estimate` on the design names them.
    pub approximate: bool,
}

/// What to optimise.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Goal {
    /// The availability to meet: the cheapest design that meets it.
    pub target: Option<Availability>,
    /// The most a design may cost a month: with a target, the cheapest
    /// design that meets it within the budget; alone, the most available
    /// design within it.
    pub budget: Option<f64>,
}

/// The result of an optimisation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Optimum {
    /// The model's name.
    pub name: String,
    /// The best design; `None` when none meets the goal.
    pub best: Option<Design>,
    /// The next best designs that meet the goal (up to five), best first.
    pub runners_up: Vec<Design>,
    /// The designs evaluated that no other evaluated design beats on both
    /// cost and availability, cheapest first.
    pub pareto: Vec<Design>,
    /// Designs evaluated.
    pub evaluated: usize,
    /// Designs in the space.
    pub space: u64,
    /// Whether every design was evaluated (else branch and bound).
    pub exhaustive: bool,
}

/// One dimension of the space.
#[derive(Clone, Debug)]
enum Dim {
    Count { name: String, lo: u32, hi: u32 },
    Choose { name: String, members: Vec<String> },
}

impl Dim {
    fn size(&self) -> u64 {
        match self {
            Dim::Count { lo, hi, .. } => u64::from(hi - lo + 1),
            Dim::Choose { members, .. } => members.len() as u64,
        }
    }
}

struct Search<'a> {
    study: &'a Study,
    dims: Vec<Dim>,
    memo: HashMap<Vec<u32>, (f64, f64, bool)>,
}

impl Search<'_> {
    /// Availability, cost and whether approximate of the design whose
    /// dimension values are `x` (counts, or member indices).
    fn eval(&mut self, x: &[u32]) -> Result<(f64, f64, bool), Error> {
        if let Some(r) = self.memo.get(x) {
            return Ok(*r);
        }
        let changes = self.changes(x);
        let sys = self.study.system(&changes)?;
        let a = Analyzer::new(&sys)?.without_contributors().evaluate();
        let r = (
            a.availability,
            sys.cost_per_month().unwrap_or(0.0),
            !a.approximations.is_empty(),
        );
        self.memo.insert(x.to_vec(), r);
        Ok(r)
    }

    /// Monthly cost of a design (a build of the model, no evaluation).
    fn cost(&mut self, x: &[u32]) -> Result<f64, Error> {
        if let Some(r) = self.memo.get(x) {
            return Ok(r.1);
        }
        let changes = self.changes(x);
        Ok(self.study.system(&changes)?.cost_per_month().unwrap_or(0.0))
    }

    fn changes(&self, x: &[u32]) -> Vec<Change> {
        self.dims
            .iter()
            .zip(x)
            .map(|(d, &v)| match d {
                Dim::Count { name, .. } => Change::Set(
                    Setting {
                        part: Part::Component,
                        name: name.clone(),
                        field: Field::Count,
                    },
                    f64::from(v),
                ),
                Dim::Choose { name, members } => Change::Choose {
                    block: name.clone(),
                    member: members[v as usize].clone(),
                },
            })
            .collect()
    }

    fn design(&self, x: &[u32], r: (f64, f64, bool)) -> Design {
        let choices = self
            .dims
            .iter()
            .zip(x)
            .map(|(d, &v)| match d {
                Dim::Count { name, .. } => (name.clone(), Choice::Count(v)),
                Dim::Choose { name, members } => {
                    (name.clone(), Choice::Member(members[v as usize].clone()))
                }
            })
            .collect();
        Design {
            choices,
            availability: r.0,
            cost_per_month: r.1,
            approximate: r.2,
        }
    }

    fn low(&self, d: usize) -> u32 {
        match &self.dims[d] {
            Dim::Count { lo, .. } => *lo,
            Dim::Choose { .. } => 0,
        }
    }

    fn high(&self, d: usize) -> u32 {
        match &self.dims[d] {
            Dim::Count { hi, .. } => *hi,
            Dim::Choose { members, .. } => members.len() as u32 - 1,
        }
    }
}

/// Whether design `a` (availability, cost) is better than `b` for `goal`.
fn better(goal: Goal, a: (f64, f64), b: (f64, f64)) -> bool {
    if goal.target.is_some() {
        a.1 < b.1 || (a.1 == b.1 && a.0 > b.0)
    } else {
        a.0 > b.0 || (a.0 == b.0 && a.1 < b.1)
    }
}

fn meets(goal: Goal, a: f64) -> bool {
    goal.target.is_none_or(|t| a >= t.value())
}

fn feasible(goal: Goal, a: f64, cost: f64) -> bool {
    meets(goal, a) && goal.budget.is_none_or(|b| cost <= b)
}

/// The best design of the study's model for `goal` (see the module
/// documentation for the method).
///
/// ```
/// use fivenines::{Availability, System};
/// use fivenines::study::{Study, optimize::{Goal, optimize}};
/// let sys = System::from_str("m.toml", r#"
///     system = "web"
///     [component.web]
///     availability = "99%"
///     count = "1..6"
///     cost_per_month = 70
/// "#)?;
/// let goal = Goal { target: Some(Availability::parse("99.999%")?), budget: None };
/// let o = optimize(&Study::new(sys), goal)?;
/// let best = o.best.expect("three replicas reach five nines");
/// assert_eq!(best.cost_per_month, 210.0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`Error::BadSetting`] when the goal is empty or the model has no
/// `count` range or `choose` block; errors of [`Study::system`].
pub fn optimize(study: &Study, goal: Goal) -> Result<Optimum, Error> {
    optimize_by(study, goal, Method::Auto)
}

/// How to search.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// Exhaustive up to [`EXHAUSTIVE`] designs, else branch and bound.
    Auto,
    /// Every design.
    Exhaustive,
    /// Branch and bound, whatever the size.
    BranchAndBound,
}

/// As [`optimize`], with the search method chosen.
///
/// # Errors
///
/// As [`optimize`].
pub fn optimize_by(study: &Study, goal: Goal, method: Method) -> Result<Optimum, Error> {
    if goal.target.is_none() && goal.budget.is_none() {
        return Err(Error::BadSetting {
            setting: "optimize",
            message: "give a target (--target), a budget (--budget) or both".to_string(),
        });
    }
    let mut dims: Vec<Dim> = study
        .choices()
        .iter()
        .map(|(name, members)| Dim::Choose {
            name: name.clone(),
            members: members.clone(),
        })
        .collect();
    dims.extend(
        study
            .count_ranges()
            .iter()
            .map(|(name, lo, hi)| Dim::Count {
                name: name.clone(),
                lo: *lo,
                hi: *hi,
            }),
    );
    if dims.is_empty() {
        return Err(Error::BadSetting {
            setting: "optimize",
            message: "the model has no `count` range (count = \"1..4\") and no `choose` block: there is nothing to choose".to_string(),
        });
    }
    let space = dims
        .iter()
        .map(Dim::size)
        .fold(1u64, |a, b| a.saturating_mul(b));
    let mut s = Search {
        study,
        dims,
        memo: HashMap::new(),
    };
    let exhaustive = match method {
        Method::Auto => space <= EXHAUSTIVE,
        Method::Exhaustive => true,
        Method::BranchAndBound => false,
    };
    let n = s.dims.len();
    if exhaustive {
        let mut x: Vec<u32> = (0..n).map(|d| s.low(d)).collect();
        'designs: loop {
            s.eval(&x)?;
            // The next design, in odometer order.
            let mut d = n;
            while d > 0 {
                d -= 1;
                if x[d] < s.high(d) {
                    x[d] += 1;
                    for (e, v) in x.iter_mut().enumerate().skip(d + 1) {
                        *v = s.low(e);
                    }
                    continue 'designs;
                }
            }
            break;
        }
    } else {
        // Choose blocks come first (outer loops), counts after; the last
        // dimension is a count when there is one.
        let mut best: Option<(f64, f64)> = None;
        let mut x: Vec<u32> = Vec::with_capacity(n);
        branch(&mut s, goal, &mut x, &mut best)?;
    }
    // Rank what was evaluated.
    type Figures = (f64, f64, bool);
    let mut all: Vec<(Vec<u32>, Figures)> = s.memo.iter().map(|(k, v)| (k.clone(), *v)).collect();
    all.sort_by(|a, b| a.0.cmp(&b.0));
    let mut ok: Vec<&(Vec<u32>, Figures)> = all
        .iter()
        .filter(|(_, r)| feasible(goal, r.0, r.1))
        .collect();
    ok.sort_by(|a, b| {
        let (ra, rb) = ((a.1.0, a.1.1), (b.1.0, b.1.1));
        if better(goal, ra, rb) {
            std::cmp::Ordering::Less
        } else if better(goal, rb, ra) {
            std::cmp::Ordering::Greater
        } else {
            a.0.cmp(&b.0)
        }
    });
    let best = ok.first().map(|(x, r)| s.design(x, *r));
    let runners_up = ok
        .iter()
        .skip(1)
        .take(5)
        .map(|(x, r)| s.design(x, *r))
        .collect();
    let mut by_cost = all.clone();
    by_cost.sort_by(|a, b| {
        a.1.1
            .total_cmp(&b.1.1)
            .then_with(|| b.1.0.total_cmp(&a.1.0))
            .then_with(|| a.0.cmp(&b.0))
    });
    let mut pareto = Vec::new();
    let mut top = f64::NEG_INFINITY;
    for (x, r) in &by_cost {
        if r.0 > top {
            top = r.0;
            pareto.push(s.design(x, *r));
        }
    }
    Ok(Optimum {
        name: study.base().name().to_string(),
        best,
        runners_up,
        pareto,
        evaluated: s.memo.len(),
        space,
        exhaustive,
    })
}

/// Branch and bound: choose blocks first (every combination), then the
/// counts under each combination.
fn branch(
    s: &mut Search<'_>,
    goal: Goal,
    x: &mut Vec<u32>,
    best: &mut Option<(f64, f64)>,
) -> Result<(), Error> {
    let d = x.len();
    if d < s.dims.len() && matches!(s.dims[d], Dim::Choose { .. }) {
        for v in s.low(d)..=s.high(d) {
            x.push(v);
            branch(s, goal, x, best)?;
            x.pop();
        }
        return Ok(());
    }
    if d == s.dims.len() {
        let r = s.eval(x)?;
        record(goal, best, r);
        return Ok(());
    }
    // The counts from here on. Cost is linear in them: the cost at the
    // smallest counts and what one more replica of each adds (a build of
    // the model, no evaluation).
    let n = s.dims.len();
    let lows: Vec<u32> = (d..n).map(|e| s.low(e)).collect();
    let base = [x.as_slice(), &lows].concat();
    let c0 = s.cost(&base)?;
    let mut unit = Vec::with_capacity(n - d);
    for e in d..n {
        let mut y = base.clone();
        if y[e] < s.high(e) {
            y[e] += 1;
            unit.push((s.cost(&y)? - c0).max(0.0));
        } else {
            unit.push(0.0);
        }
    }
    let counts = Counts {
        from: d,
        c0,
        lows,
        unit,
    };
    if goal.target.is_some() {
        greedy(s, goal, &base, &counts, best)?;
    }
    let mut y = base.clone();
    counts_branch(s, goal, &counts, &mut y, d, best)
}

fn record(goal: Goal, best: &mut Option<(f64, f64)>, r: (f64, f64, bool)) {
    if feasible(goal, r.0, r.1) && best.is_none_or(|b| better(goal, (r.0, r.1), b)) {
        *best = Some((r.0, r.1));
    }
}

/// The count dimensions under one combination of choices.
struct Counts {
    /// First count dimension.
    from: usize,
    /// Cost with every count at its low end.
    c0: f64,
    /// Low ends.
    lows: Vec<u32>,
    /// Cost of one more replica, per count dimension.
    unit: Vec<f64>,
}

impl Counts {
    fn cost(&self, y: &[u32]) -> f64 {
        self.c0
            + (self.from..y.len())
                .map(|e| self.unit[e - self.from] * f64::from(y[e] - self.lows[e - self.from]))
                .sum::<f64>()
    }
}

/// A first design that meets the target: from the smallest counts, one
/// more replica where it buys the most availability per unit of cost,
/// until the target is met.
fn greedy(
    s: &mut Search<'_>,
    goal: Goal,
    base: &[u32],
    c: &Counts,
    best: &mut Option<(f64, f64)>,
) -> Result<(), Error> {
    let mut y = base.to_vec();
    let mut r = s.eval(&y)?;
    record(goal, best, r);
    while !meets(goal, r.0) {
        let mut pick: Option<(f64, usize, (f64, f64, bool))> = None;
        for e in c.from..y.len() {
            if y[e] >= s.high(e) {
                continue;
            }
            y[e] += 1;
            let t = s.eval(&y)?;
            y[e] -= 1;
            let gain = (t.0 - r.0) / c.unit[e - c.from].max(1e-9);
            if pick.is_none_or(|p| gain > p.0) {
                pick = Some((gain, e, t));
            }
        }
        let Some((_, e, t)) = pick else { break };
        y[e] += 1;
        r = t;
        record(goal, best, r);
    }
    Ok(())
}

/// Branch and bound over count dimension `d` onwards (`y` holds the
/// design; dimensions from `d` are at their low ends on entry).
fn counts_branch(
    s: &mut Search<'_>,
    goal: Goal,
    c: &Counts,
    y: &mut Vec<u32>,
    d: usize,
    best: &mut Option<(f64, f64)>,
) -> Result<(), Error> {
    let n = y.len();
    // What any completion may still spend: up to the best design's cost
    // (when the cheapest is sought) and the budget.
    let spend = |best: &Option<(f64, f64)>| -> f64 {
        let mut cap = goal.budget.unwrap_or(f64::INFINITY);
        if goal.target.is_some()
            && let Some(b) = best
        {
            cap = cap.min(b.1);
        }
        cap
    };
    // The most available completion within what may be spent: each count
    // as high as the money left allows on its own (availability grows
    // with every count, so nothing within the cap does better).
    let top = |s: &Search<'_>, y: &[u32], cap: f64| -> Option<Vec<u32>> {
        let left = cap - c.cost(y);
        if left < 0.0 {
            return None;
        }
        let mut z = y.to_vec();
        for e in d..n {
            let u = c.unit[e - c.from];
            let more = if u > 0.0 {
                ((left / u).floor().min(f64::from(s.high(e) - y[e]))) as u32
            } else {
                s.high(e) - y[e]
            };
            z[e] = y[e] + more;
        }
        Some(z)
    };
    let Some(z) = top(s, y, spend(best)) else {
        return Ok(());
    };
    let hi = s.eval(&z)?;
    record(goal, best, hi);
    if !meets(goal, hi.0) {
        return Ok(());
    }
    if goal.target.is_none()
        && let Some(b) = *best
        && hi.0 < b.0
    {
        return Ok(());
    }
    if d == n - 1 {
        if goal.target.is_some() {
            // The smallest count that meets the target, by bisection.
            let (mut a, mut b) = (y[d], z[d]);
            while a < b {
                let m = a + (b - a) / 2;
                y[d] = m;
                let r = s.eval(y)?;
                record(goal, best, r);
                if meets(goal, r.0) {
                    b = m;
                } else {
                    a = m + 1;
                }
            }
            y[d] = a;
            let r = s.eval(y)?;
            record(goal, best, r);
        }
        // Without a target `z` (the most replicas the budget allows) is
        // the best here, and recorded.
        y[d] = c.lows[d - c.from];
        return Ok(());
    }
    let lo = y[d];
    for v in lo..=s.high(d) {
        y[d] = v;
        if c.cost(y) > spend(best) {
            break;
        }
        counts_branch(s, goal, c, y, d + 1, best)?;
    }
    y[d] = lo;
    Ok(())
}
