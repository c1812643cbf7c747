//! Sweeps: one or two figures over a range, with availability, downtime,
//! outages and cost at each point, and where a target is crossed.
//!
//! Where only failure and repair figures of components and domains change
//! and the model has no standby blocks, every point re-evaluates the
//! diagram built once with new probabilities (no rebuild); otherwise each
//! point is a fresh exact evaluation.

use serde::Serialize;

use super::{Change, Field, Part, Setting, Study};
use crate::analytic::{Analytic, Analyzer};
use crate::error::Error;
use crate::value::quantity::{Availability, YEAR_S, parse_duration, parse_probability};

/// How the points of a range are spaced.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scale {
    /// Evenly.
    Linear,
    /// Evenly in the logarithm (of the unavailability, for an
    /// availability).
    Log,
}

/// Most points one range may have.
pub const MAX_POINTS: usize = 10_000;

/// One figure and the values it takes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Vary {
    /// The figure.
    pub setting: Setting,
    /// Its values, in order (seconds for durations).
    pub values: Vec<f64>,
    /// How they are spaced (for the crossing's bisection).
    pub scale: Scale,
}

impl Vary {
    /// Parses `KEY=LOW..HIGH[:POINTS][:log|:lin]`:
    /// `component.db.mttr=15m..8h:20`, `block.db.failover=0s..5m`,
    /// `component.web.count=2..8` (every whole number),
    /// `domain.az-a.mtbf=180d..5y:log`, `component.x.availability=99%..99.99%`.
    /// Durations take units; ten points by default (every count);
    /// logarithmic by default when a duration range spans a factor of 10
    /// or more from above zero, linear otherwise.
    ///
    /// ```
    /// use fivenines::study::{Scale, Vary};
    /// let v = Vary::parse("component.db.mttr=1h..100h:3")?;
    /// assert_eq!(v.scale, Scale::Log);
    /// assert_eq!(v.values.len(), 3);
    /// assert!((v.values[1] - 36_000.0).abs() < 1e-6);
    /// let c = Vary::parse("component.web.count=2..5")?;
    /// assert_eq!(c.values, [2.0, 3.0, 4.0, 5.0]);
    /// # Ok::<(), fivenines::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::BadSetting`] naming what was expected.
    pub fn parse(text: &str) -> Result<Vary, Error> {
        let bad = |m: String| Error::BadSetting {
            setting: "vary",
            message: m,
        };
        let (key, range) = text.split_once('=').ok_or_else(|| {
            bad(format!(
                "`{text}` is not KEY=LOW..HIGH (e.g. component.db.mttr=15m..8h:20)"
            ))
        })?;
        let setting = Setting::parse(key.trim())?;
        let mut parts = range.split(':');
        let span = parts.next().unwrap_or_default();
        let (lo, hi) = span
            .split_once("..")
            .ok_or_else(|| bad(format!("`{span}` is not a range LOW..HIGH (e.g. 15m..8h)")))?;
        let value = |s: &str| -> Result<f64, Error> {
            let s = s.trim();
            match setting.field {
                f if f.is_duration() => {
                    parse_duration(s).map_err(|e| bad(format!("`{s}`: {}", e.message)))
                }
                Field::Availability => Availability::parse(s)
                    .map(Availability::value)
                    .map_err(|e| bad(format!("`{s}`: {}", e.message))),
                Field::SwitchSuccess => {
                    parse_probability(s).map_err(|e| bad(format!("`{s}`: {}", e.message)))
                }
                _ => s
                    .parse::<u32>()
                    .ok()
                    .filter(|n| *n >= 1)
                    .map(f64::from)
                    .ok_or_else(|| bad(format!("`{s}`: a count is a whole number from 1"))),
            }
        };
        let (lo, hi) = (value(lo)?, value(hi)?);
        let mut points = None;
        let mut scale = None;
        for p in parts {
            match p.trim() {
                "log" => scale = Some(Scale::Log),
                "lin" | "linear" => scale = Some(Scale::Linear),
                n => {
                    let n: usize = n.parse().ok().filter(|n| (2..=MAX_POINTS).contains(n)).ok_or_else(|| {
                        bad(format!("`:{n}`: expected a number of points from 2 to {MAX_POINTS}, `:log` or `:lin`"))
                    })?;
                    points = Some(n);
                }
            }
        }
        Vary::range(setting, lo, hi, points, scale)
    }

    /// The values from `lo` to `hi`: `points` of them (ten by default;
    /// every whole number for a count), spaced by `scale` (see
    /// [`Vary::parse`] for the default).
    ///
    /// # Errors
    ///
    /// [`Error::BadSetting`] for a log scale that reaches zero, or too many
    /// points.
    pub fn range(
        setting: Setting,
        lo: f64,
        hi: f64,
        points: Option<usize>,
        scale: Option<Scale>,
    ) -> Result<Vary, Error> {
        let bad = |m: String| Error::BadSetting {
            setting: "vary",
            message: format!("{}: {m}", setting.key()),
        };
        if setting.field == Field::Count && points.is_none() {
            let (a, b) = (lo.min(hi) as u64, lo.max(hi) as u64);
            if (b - a) as usize >= MAX_POINTS {
                return Err(bad(format!("more than {MAX_POINTS} counts")));
            }
            let mut values: Vec<f64> = (a..=b).map(|n| n as f64).collect();
            if lo > hi {
                values.reverse();
            }
            return Ok(Vary {
                setting,
                values,
                scale: Scale::Linear,
            });
        }
        let n = points.unwrap_or(10);
        let avail = setting.field == Field::Availability;
        // Log spacing works on the unavailability of an availability.
        let (x0, x1) = if avail {
            (1.0 - lo, 1.0 - hi)
        } else {
            (lo, hi)
        };
        let scale = scale.unwrap_or(
            if setting.field.is_duration() && x0.min(x1) > 0.0 && x0.max(x1) / x0.min(x1) >= 10.0 {
                Scale::Log
            } else {
                Scale::Linear
            },
        );
        if scale == Scale::Log && !(x0 > 0.0 && x1 > 0.0) {
            return Err(bad(if avail {
                "a log scale needs availabilities below 100%".to_string()
            } else {
                "a log scale needs values above zero (use `:lin`)".to_string()
            }));
        }
        let mut v = Vary {
            setting,
            values: Vec::new(),
            scale,
        };
        v.values = (0..n)
            .map(|i| v.between(lo, hi, i as f64 / (n - 1) as f64))
            .collect();
        if v.setting.field == Field::Count {
            v.values = v.values.iter().map(|x| x.round()).collect();
            v.values.dedup();
        }
        Ok(v)
    }

    /// The value between `a` and `b` at fraction `t`, on this scale.
    fn between(&self, a: f64, b: f64, t: f64) -> f64 {
        let avail = self.setting.field == Field::Availability;
        let (x0, x1) = if avail { (1.0 - a, 1.0 - b) } else { (a, b) };
        let x = match self.scale {
            Scale::Linear => x0 + (x1 - x0) * t,
            Scale::Log => (x0.ln() + (x1.ln() - x0.ln()) * t).exp(),
        };
        if avail { 1.0 - x } else { x }
    }
}

/// The figures at one point of a sweep.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SweepPoint {
    /// The first figure's value (seconds for durations).
    pub value: f64,
    /// The second figure's value, in a two-figure sweep.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value2: Option<f64>,
    /// Steady-state availability.
    pub availability: f64,
    /// `1 - availability`, computed directly.
    pub unavailability: f64,
    /// Expected downtime in a 365-day year, seconds.
    pub downtime_per_year_s: f64,
    /// System outages a year (`None` without a time scale).
    pub outages_per_year: Option<f64>,
    /// Monthly cost of the parts the system uses, if any has a cost.
    pub cost_per_month: Option<f64>,
    /// Whether the target is met, with a target.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meets_target: Option<bool>,
    /// Whether the figures rest on approximations (first-order failover,
    /// Erlang fits); they are named by `estimate` on the same variant.
    pub approximate: bool,
}

/// Where the target is crossed along the first figure.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Crossing {
    /// The second figure's value (two-figure sweeps).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value2: Option<f64>,
    /// The first figure's value where the availability equals the target
    /// (by bisection, to 10⁻⁶ of the bracket; for a count, the first count
    /// that meets it).
    pub value: f64,
    /// Whether the target is met above (`true`) or below that value, as
    /// the first figure grows.
    pub meets_above: bool,
    /// The two sweep points it lies between.
    pub between: [f64; 2],
}

/// A sweep's result.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Sweep {
    /// The model's name.
    pub name: String,
    /// The block or component evaluated.
    pub system: String,
    /// The figures varied (`component.db.mttr`), first then second.
    pub keys: Vec<String>,
    /// The target, if one was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<f64>,
    /// Every point: the first figure varies fastest.
    pub points: Vec<SweepPoint>,
    /// Where the target is crossed (empty without a target or crossing).
    pub crossing: Vec<Crossing>,
    /// Exact evaluations made (points and bisection steps).
    pub evaluations: usize,
    /// Whether the points re-used one diagram (figures only, no standby
    /// blocks) rather than building one each.
    pub reused_diagram: bool,
}

/// Evaluates the study's model over one or two figures' ranges.
///
/// ```
/// use fivenines::System;
/// use fivenines::study::{Study, Vary, sweep};
/// let sys = System::from_str("m.toml", r#"
///     system = "web"
///     [component.web]
///     mtbf = "1000h"
///     mttr = "4h"
///     count = 2
/// "#)?;
/// let s = sweep(&Study::new(sys), &[Vary::parse("component.web.count=1..4")?], None)?;
/// let a: Vec<f64> = s.points.iter().map(|p| p.availability).collect();
/// assert!(a.windows(2).all(|w| w[1] > w[0]), "more replicas, more nines");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`Error::BadSetting`] for more than two figures, or as
/// [`Study::system`]; [`Error::DiagramTooLarge`].
pub fn sweep(study: &Study, vary: &[Vary], target: Option<Availability>) -> Result<Sweep, Error> {
    if vary.is_empty() || vary.len() > 2 {
        return Err(Error::BadSetting {
            setting: "vary",
            message: format!("a sweep varies one or two figures, not {}", vary.len()),
        });
    }
    let base = study.base();
    let figures_only = vary
        .iter()
        .all(|v| v.setting.field != Field::Count && v.setting.part != Part::Block);
    let analyzer = if figures_only && base.standbys().is_empty() {
        Some(Analyzer::new(base)?.without_contributors())
    } else {
        None
    };
    let mut evaluations = 0;
    let mut eval = |sys: &crate::System| -> Result<Analytic, Error> {
        evaluations += 1;
        if let Some(an) = &analyzer
            && let Some(re) = an.rebind(sys)
        {
            return Ok(re.evaluate());
        }
        Ok(Analyzer::new(sys)?.without_contributors().evaluate())
    };
    let seconds: Vec<Option<f64>> = vec![None];
    let second_values: Vec<Option<f64>> = match vary.get(1) {
        Some(v) => v.values.iter().map(|x| Some(*x)).collect(),
        None => seconds,
    };
    let mut points = Vec::new();
    let mut crossing = Vec::new();
    for v2 in &second_values {
        let mut row: Vec<SweepPoint> = Vec::new();
        for &v in &vary[0].values {
            let mut changes = vec![Change::Set(vary[0].setting.clone(), v)];
            if let (Some(x), Some(s2)) = (v2, vary.get(1)) {
                changes.push(Change::Set(s2.setting.clone(), *x));
            }
            let sys = study.system(&changes)?;
            let a = eval(&sys)?;
            row.push(SweepPoint {
                value: v,
                value2: *v2,
                availability: a.availability,
                unavailability: a.unavailability,
                downtime_per_year_s: a.unavailability * YEAR_S,
                outages_per_year: a.outages_per_year,
                cost_per_month: sys.cost_per_month(),
                meets_target: target.map(|t| a.unavailability <= t.unavailability()),
                approximate: !a.approximations.is_empty(),
            });
        }
        if let Some(t) = target {
            for w in row.windows(2) {
                let (p, q) = (&w[0], &w[1]);
                if p.meets_target == q.meets_target {
                    continue;
                }
                let meets_above = q.meets_target == Some(true) && q.value > p.value
                    || p.meets_target == Some(true) && p.value > q.value;
                let value = if vary[0].setting.field == Field::Count {
                    if q.meets_target == Some(true) {
                        q.value
                    } else {
                        p.value
                    }
                } else {
                    // Bisection on [0, 1] between the two points, on the
                    // range's scale.
                    let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
                    let p_meets = p.meets_target == Some(true);
                    for _ in 0..40 {
                        if hi - lo <= 1e-6 {
                            break;
                        }
                        let mid = 0.5 * (lo + hi);
                        let x = vary[0].between(p.value, q.value, mid);
                        let mut changes = vec![Change::Set(vary[0].setting.clone(), x)];
                        if let (Some(x2), Some(s2)) = (v2, vary.get(1)) {
                            changes.push(Change::Set(s2.setting.clone(), *x2));
                        }
                        let meets =
                            eval(&study.system(&changes)?)?.unavailability <= t.unavailability();
                        if meets == p_meets {
                            lo = mid;
                        } else {
                            hi = mid;
                        }
                    }
                    vary[0].between(p.value, q.value, 0.5 * (lo + hi))
                };
                crossing.push(Crossing {
                    value2: *v2,
                    value,
                    meets_above,
                    between: [p.value, q.value],
                });
            }
        }
        points.extend(row);
    }
    Ok(Sweep {
        name: base.name().to_string(),
        system: base.system().to_string(),
        keys: vary.iter().map(|v| v.setting.key()).collect(),
        target: target.map(Availability::value),
        points,
        crossing,
        evaluations,
        reused_diagram: analyzer.is_some(),
    })
}
