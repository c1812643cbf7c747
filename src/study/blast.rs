//! Blast radius: what each component and domain takes down with it.
//!
//! For every component (each replica of a replica group on its own) and
//! domain the system uses: the availability while
//! it is down for good (risk achievement: the model evaluated exactly with
//! it held down), whether its loss alone takes the system down (a single
//! point of failure: the structure with it down and everything else up),
//! and the minimal cut sets of order 2 (pairs whose joint loss takes the
//! system down while neither alone does), largest expected joint downtime
//! first.

use serde::Serialize;

use super::{Change, Study, parts, structure_up};
use crate::analytic::Analyzer;
use crate::error::Error;
use crate::value::quantity::YEAR_S;

/// At most this many parts get a what-if evaluation each.
pub const MAX_PARTS: usize = 2_000;
/// Pairs are enumerated while parts² × nodes stays under this.
const MAX_PAIR_WORK: usize = 400_000_000;

/// One component or domain and what its loss does.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BlastItem {
    /// Its name.
    pub name: String,
    /// `component`, `replica` (one replica of a replica group, named
    /// `web[0]`) or `domain`.
    pub kind: &'static str,
    /// Its own steady-state unavailability (domains above it not counted).
    pub unavailability: f64,
    /// The system's availability while it is down for good (exact).
    pub availability_when_down: f64,
    /// Whether its loss alone takes the system down.
    pub single_point_of_failure: bool,
    /// Expected downtime a year it causes as a single point of failure
    /// (its own unavailability × a year, seconds); 0 otherwise.
    pub downtime_per_year_s: f64,
}

/// A minimal cut set: parts whose joint loss takes the system down.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CutSet {
    /// The parts' names.
    pub names: Vec<String>,
    /// Probability that all are down at once in steady state (their items
    /// are independent, so the product of their own unavailabilities).
    pub probability: f64,
    /// That probability as time a year, seconds.
    pub downtime_per_year_s: f64,
}

/// The blast radius of every part of a model.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Blast {
    /// The model's name.
    pub name: String,
    /// The block or component evaluated.
    pub system: String,
    /// The system's availability with nothing held down.
    pub availability: f64,
    /// Names of the single points of failure, most downtime first.
    pub single_points_of_failure: Vec<String>,
    /// Minimal cut sets of order 2, most joint downtime first.
    pub cut_sets: Vec<CutSet>,
    /// Whether the pairs were enumerated (`false` for models too large:
    /// parts² × structure nodes over 4×10⁸).
    pub pairs_enumerated: bool,
    /// Every part, single points of failure first, then by availability
    /// when down (lowest first).
    pub items: Vec<BlastItem>,
}

/// The blast radius of every component and domain of the study's model.
///
/// ```
/// use fivenines::System;
/// use fivenines::study::{Study, blast};
/// let sys = System::from_str("m.toml", r#"
///     system = "app"
///     [component.lb]
///     availability = "99.99%"
///     [component.a]
///     availability = "99%"
///     [component.b]
///     availability = "99%"
///     [block.pair]
///     parallel = ["a", "b"]
///     [block.app]
///     series = ["lb", "pair"]
/// "#)?;
/// let b = blast(&Study::new(sys))?;
/// assert_eq!(b.single_points_of_failure, ["lb"]);
/// assert_eq!(b.cut_sets[0].names, ["a", "b"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`Error::BadSetting`] for a model with more than [`MAX_PARTS`]
/// components and domains; [`Error::DiagramTooLarge`].
pub fn blast(study: &Study) -> Result<Blast, Error> {
    let sys = study.base();
    let ps = parts(sys);
    if ps.len() > MAX_PARTS {
        return Err(Error::BadSetting {
            setting: "blast",
            message: format!(
                "the model has {} components and domains in use; blast evaluates the model once for each, at most {MAX_PARTS}",
                ps.len()
            ),
        });
    }
    let base = Analyzer::new(sys)?.without_contributors().evaluate();
    let n_items = sys.items().len();
    let q_own: Vec<f64> = ps
        .iter()
        .map(|(_, _, items)| {
            items
                .iter()
                .map(|i| sys.item(*i).rates.availability.unavailability())
                .product()
        })
        .collect();
    let mut down = vec![false; n_items];
    let mut spof = vec![false; ps.len()];
    for (p, (_, _, items)) in ps.iter().enumerate() {
        for i in items {
            down[i.0 as usize] = true;
        }
        spof[p] = !structure_up(sys, &down);
        for i in items {
            down[i.0 as usize] = false;
        }
    }
    let mut items = Vec::with_capacity(ps.len());
    for (p, (name, kind, _)) in ps.iter().enumerate() {
        let changed = study.system(&[Change::Down(name.clone())])?;
        let a = Analyzer::new(&changed)?.without_contributors().evaluate();
        items.push(BlastItem {
            name: name.clone(),
            kind,
            unavailability: q_own[p],
            availability_when_down: a.availability,
            single_point_of_failure: spof[p],
            downtime_per_year_s: if spof[p] { q_own[p] * YEAR_S } else { 0.0 },
        });
    }
    let pairs_enumerated = ps.len() * ps.len() * sys.nodes().len() <= MAX_PAIR_WORK;
    let mut cut_sets = Vec::new();
    if pairs_enumerated {
        for x in 0..ps.len() {
            if spof[x] {
                continue;
            }
            for i in &ps[x].2 {
                down[i.0 as usize] = true;
            }
            for y in x + 1..ps.len() {
                if spof[y] {
                    continue;
                }
                for i in &ps[y].2 {
                    down[i.0 as usize] = true;
                }
                if !structure_up(sys, &down) {
                    let probability = q_own[x] * q_own[y];
                    cut_sets.push(CutSet {
                        names: vec![ps[x].0.clone(), ps[y].0.clone()],
                        probability,
                        downtime_per_year_s: probability * YEAR_S,
                    });
                }
                for i in &ps[y].2 {
                    down[i.0 as usize] = false;
                }
            }
            for i in &ps[x].2 {
                down[i.0 as usize] = false;
            }
        }
    }
    cut_sets.sort_by(|a, b| {
        b.probability
            .total_cmp(&a.probability)
            .then_with(|| a.names.cmp(&b.names))
    });
    items.sort_by(|a, b| {
        b.single_point_of_failure
            .cmp(&a.single_point_of_failure)
            .then_with(|| b.downtime_per_year_s.total_cmp(&a.downtime_per_year_s))
            .then_with(|| {
                a.availability_when_down
                    .total_cmp(&b.availability_when_down)
            })
            .then_with(|| a.name.cmp(&b.name))
    });
    let single_points_of_failure = items
        .iter()
        .filter(|i| i.single_point_of_failure)
        .map(|i| i.name.clone())
        .collect();
    Ok(Blast {
        name: sys.name().to_string(),
        system: sys.system().to_string(),
        availability: base.availability,
        single_points_of_failure,
        cut_sets,
        pairs_enumerated,
        items,
    })
}
