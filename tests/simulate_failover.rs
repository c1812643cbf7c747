//! Standby dynamics in the simulation (docs/model.md): detection
//! (`detect`), revertive service (`revert`) and the move back (`failback`),
//! against closed forms derived here and against a continuous-time Markov
//! chain of the same rules solved directly; plus random streams keyed
//! unambiguously and the confidence interval's sanity.
//!
//! Tolerance: a simulated mean must lie within 1.7 half-widths of its 95%
//! confidence interval from the exact figure (about 3.3 standard errors, a
//! 1-in-1000 miss by chance), and the half-width must be a few percent of
//! the figure at most, so that a wrong rule (a detection not ridden out, a
//! move back for free) lands far outside.

use fivenines::simulate::{self, SimulationConfig};
use fivenines::{Simulation, System, YEAR_S, analytic};

const HOUR: f64 = 3600.0;
const MINUTE: f64 = 60.0;

fn model(text: &str) -> System {
    System::from_str("test.toml", text).unwrap_or_else(|e| panic!("{e:?}"))
}

fn run(sys: &System, runs: u64, seed: u64) -> Simulation {
    let cfg = SimulationConfig {
        runs,
        seed,
        ..SimulationConfig::default()
    };
    let mut sim = simulate::simulate(sys, &cfg, None).unwrap();
    fivenines::study::cross_check(sys, &mut sim);
    sim
}

/// The simulated unavailability agrees with `exact` (see the module doc);
/// `max_rel_hw` bounds the CI's relative half-width.
fn assert_unavailability(what: &str, s: &Simulation, exact: f64, max_rel_hw: f64) {
    let [lo, hi] = s.unavailability.ci95;
    let mean = s.unavailability.mean;
    let hw = (hi - lo) / 2.0;
    println!(
        "{what}: exact U {exact:.5e}, simulated {mean:.5e} [{lo:.5e}, {hi:.5e}] ({:+.2}%)",
        100.0 * (mean - exact) / exact
    );
    assert!(
        hw < max_rel_hw * exact,
        "{what}: CI half-width {hw:e} is too wide to test anything"
    );
    assert!(
        (mean - exact).abs() <= 1.7 * hw,
        "{what}: simulated {mean:e} [{lo:e}, {hi:e}] vs exact {exact:e}"
    );
    assert!(s.ci_reliable, "{what}: {} outages seen", s.outages_seen);
}

/// Outages a year agree with `exact` within `rel`.
fn assert_outages(what: &str, s: &Simulation, exact_per_year: f64, rel: f64) {
    let got = s.outages.mean * YEAR_S / s.mission_s;
    println!("{what}: outages a year exact {exact_per_year:.3}, simulated {got:.3}");
    assert!(
        (got - exact_per_year).abs() < rel * exact_per_year,
        "{what}: {got} outages a year vs {exact_per_year}"
    );
}

/// A primary `p` (exponential up time of mean `m_h` hours, repair `repair`)
/// backed by a member that never fails, with the standby keys `keys`.
fn perfect_backup(m_h: f64, repair: &str, keys: &str) -> System {
    model(&format!(
        "system = \"pair\"\n\
         [component.p]\nmtbf = \"{m_h}h\"\n{repair}\n\
         [component.b]\navailability = \"100%\"\n\
         [block.pair]\nstandby = [\"p\", \"b\"]\n{keys}\n"
    ))
}

#[test]
fn detection_rides_out_short_repairs_exponential() {
    // Only p fails; revert with an instant failback brings service back to
    // p as soon as it is repaired, so every failure of p hits the serving
    // member. Detection D fixed, takeover instant: a failure costs
    // min(R, D) with R ~ Exp(r): E = r (1 - e^(-D/r)); the share ridden
    // out is P(R < D) = 1 - e^(-D/r), one half with D = r ln 2.
    let (m, r) = (100.0 * HOUR, 1.0 * HOUR);
    let d = r * 2f64.ln();
    let sys = perfect_backup(
        100.0,
        "mttr = \"1h\"",
        &format!("detect = \"{d}s\"\nrevert = true\nfailback = \"0s\""),
    );
    let s = run(&sys, 4_000, 11);
    let per_failure = r * (1.0 - (-d / r).exp());
    assert!((per_failure - 0.5 * HOUR).abs() < 1e-9);
    assert_unavailability(
        "ride-out, exponential repair",
        &s,
        per_failure / (m + r),
        0.02,
    );
    // Every failure of p is one outage, at rate 1 / (m + r).
    assert_outages("ride-out, exponential repair", &s, YEAR_S / (m + r), 0.02);
    let mean_outage = s.mean_outage_s.unwrap();
    assert!(
        (mean_outage - per_failure).abs() < 0.03 * per_failure,
        "mean outage {mean_outage} s vs {per_failure} s (not ridden out: {d} s)"
    );
}

#[test]
fn detection_with_fixed_repairs() {
    // Repairs of exactly 30 min: a 1 h detection rides every failure out
    // (30 min down each); a 15 min detection then a 10 min takeover costs
    // 25 min each. Only the number of failures is random.
    let (m, rho) = (100.0 * HOUR, 30.0 * MINUTE);
    let repair = "repair = { fixed = \"30m\" }";
    for (keys, per_failure) in [
        ("detect = \"1h\"\nfailover = \"2h\"\nrevert = true", rho),
        (
            "detect = \"15m\"\nfailover = \"10m\"\nrevert = true",
            25.0 * MINUTE,
        ),
    ] {
        let sys = perfect_backup(100.0, repair, keys);
        let s = run(&sys, 2_000, 12);
        let what = format!("fixed repairs, {}", keys.replace('\n', ", "));
        assert_unavailability(&what, &s, per_failure / (m + rho), 0.02);
        assert_outages(&what, &s, YEAR_S / (m + rho), 0.02);
        let mean_outage = s.mean_outage_s.unwrap();
        assert!(
            (mean_outage - per_failure).abs() < 1e-3 * per_failure,
            "{what}: every outage lasts {per_failure} s (but those cut by a mission's ends), mean {mean_outage} s"
        );
    }
}

/// Revert with a failback: primary up time Exp(1/lambda), repair Exp(1/mu),
/// backup perfect, switch success 1, no detection; the takeover and the
/// move back last `f` and `b`, fixed, or exponential with those means.
/// States: serving p (mean 1/lambda), then X: moving to the backup (mean f,
/// down); p is up at its end with probability q (fixed f:
/// mu/(lambda+mu) (1 - e^{-(lambda+mu) f}); exponential:
/// mu/(lambda+mu+1/f)); otherwise the backup serves until p is repaired
/// (mean 1/mu, up); then F: the move back (down), cut short by a failure
/// of p (probability 1 - e^{-lambda b}, or lambda/(lambda+1/b)), which
/// starts X again. X is visited N = 1/P(F completes) times per cycle.
/// Returns (unavailability, outages per second).
fn revert_closed_form(lambda: f64, mu: f64, f: f64, b: f64, exponential: bool) -> (f64, f64) {
    let (q, completes, in_failback) = if exponential {
        let beta = 1.0 / b;
        (
            mu / (lambda + mu + 1.0 / f),
            beta / (lambda + beta),
            1.0 / (lambda + beta),
        )
    } else {
        (
            mu / (lambda + mu) * (1.0 - (-(lambda + mu) * f).exp()),
            (-lambda * b).exp(),
            (1.0 - (-lambda * b).exp()) / lambda,
        )
    };
    let n = 1.0 / completes;
    let down = n * (f + in_failback);
    let length = n * (f + (1.0 - q) / mu + in_failback) + 1.0 / lambda;
    // One outage when p fails while serving, one more per move back that
    // starts after the backup served.
    let outages = 1.0 + n * (1.0 - q);
    (down / length, outages / length)
}

#[test]
fn revert_costs_failover_plus_failback() {
    // Realistic: p fails every 1000 h, 4 h repairs, 90 s takeover, 30 s
    // move back: about f + b = 120 s of downtime per failure of p, in two
    // outages (the takeover, then the move back).
    let (lambda, mu) = (1.0 / (1000.0 * HOUR), 1.0 / (4.0 * HOUR));
    let sys = perfect_backup(
        1000.0,
        "mttr = \"4h\"",
        "failover = \"90s\"\nrevert = true\nfailback = \"30s\"",
    );
    let s = run(&sys, 20_000, 13);
    let (u, rate) = revert_closed_form(lambda, mu, 90.0, 30.0, false);
    let naive = 120.0 / (1000.0 * HOUR + 4.0 * HOUR);
    assert!((u - naive).abs() < 0.01 * naive, "{u} vs f + b: {naive}");
    assert_unavailability("revert, realistic", &s, u, 0.03);
    assert_outages("revert, realistic", &s, rate * YEAR_S, 0.03);
    let mean_outage = s.mean_outage_s.unwrap();
    assert!(
        (mean_outage - 60.0).abs() < 0.02 * 60.0,
        "two outages of f = 90 s and b = 30 s: mean {mean_outage} s"
    );

    // Extreme, so that every branch is taken often: p fails every 10 h and
    // is repaired in 1 h (exponential), the takeover takes 30 min and the
    // move back 1 h (p fails during it one time in ten).
    let (lambda, mu) = (1.0 / (10.0 * HOUR), 1.0 / HOUR);
    let sys = perfect_backup(
        10.0,
        "mttr = \"1h\"",
        "failover = \"30m\"\nrevert = true\nfailback = \"1h\"",
    );
    let s = run(&sys, 2_000, 14);
    let (u, rate) = revert_closed_form(lambda, mu, 30.0 * MINUTE, HOUR, false);
    assert_unavailability("revert, extreme", &s, u, 0.01);
    assert_outages("revert, extreme", &s, rate * YEAR_S, 0.01);
}

#[test]
fn absent_keys_and_explicit_defaults_give_identical_runs() {
    // detect "0s", revert false and a failback without revert change
    // nothing, draw for draw.
    let base = "system = \"pair\"\n\
        [component.a]\nmtbf = \"300h\"\nmttr = \"5h\"\n\
        [component.b]\nmtbf = \"200h\"\nmttr = \"3h\"\n\
        [block.pair]\nstandby = [\"a\", \"b\"]\nfailover = \"5m\"\nswitch_success = 0.9\n";
    let plain = run(&model(base), 2_000, 15);
    let explicit = run(
        &model(&format!(
            "{base}detect = \"0s\"\nrevert = false\nfailback = \"1h\"\n"
        )),
        2_000,
        15,
    );
    assert_eq!(plain.unavailability, explicit.unavailability);
    assert_eq!(plain.downtime_s, explicit.downtime_s);
    assert_eq!(plain.outages, explicit.outages);
    assert!(plain.unavailability.mean > 0.0);
}

// --- A CTMC of the standby rules ---------------------------------------

/// Timings of a standby block for the CTMC: rates of exponential delays,
/// `None` for instant.
#[derive(Clone, Copy)]
struct Dynamics {
    detect: Option<f64>,
    failover: Option<f64>,
    failback: Option<f64>,
    success: f64,
    revert: bool,
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Mode {
    Serving(usize),
    Detecting(usize),
    Moving { target: usize, from: usize },
    Failback(usize),
    Waiting(usize),
    NoneUp,
}

/// The rules of docs/model.md, written out as the mode a block goes to
/// (with probabilities) given its members' states.
struct Rules {
    n: usize,
    d: Dynamics,
}

impl Rules {
    fn first_up(&self, up: &[bool]) -> Option<usize> {
        (0..self.n).find(|&j| up[j])
    }

    /// The block serves `j`: with revert, a move back to the first member
    /// up when one is listed before `j`.
    fn serve(&self, up: &[bool], j: usize) -> Mode {
        match self.first_up(up) {
            Some(i) if self.d.revert && i < j => match self.d.failback {
                None => Mode::Serving(i),
                Some(_) => Mode::Failback(i),
            },
            _ => Mode::Serving(j),
        }
    }

    /// Service leaves `from`, which failed first.
    fn takeover(&self, up: &[bool], from: usize) -> Vec<(f64, Mode)> {
        let Some(target) = self.first_up(up) else {
            return vec![(1.0, Mode::NoneUp)];
        };
        let ok = match self.d.failover {
            None => self.serve(up, target),
            Some(_) => Mode::Moving { target, from },
        };
        let failed = if up[from] {
            self.serve(up, from)
        } else {
            Mode::Waiting(from)
        };
        vec![(self.d.success, ok), (1.0 - self.d.success, failed)]
    }

    /// The block's reaction to its members' new states.
    fn react(&self, up: &[bool], m: Mode) -> Vec<(f64, Mode)> {
        match m {
            Mode::Serving(i) if !up[i] => match self.d.detect {
                None => self.takeover(up, i),
                Some(_) => vec![(1.0, Mode::Detecting(i))],
            },
            Mode::Serving(i) => vec![(1.0, self.serve(up, i))],
            Mode::Detecting(i) if up[i] => vec![(1.0, self.serve(up, i))],
            Mode::Moving { target, from } if !up[target] => self.takeover(up, from),
            Mode::Failback(target) if !up[target] => self.takeover(up, target),
            Mode::Waiting(from) if up[from] => vec![(1.0, self.serve(up, from))],
            Mode::NoneUp => match self.first_up(up) {
                Some(j) => vec![(1.0, self.serve(up, j))],
                None => vec![(1.0, Mode::NoneUp)],
            },
            _ => vec![(1.0, m)],
        }
    }

    /// The block's timer runs out.
    fn timer(&self, up: &[bool], m: Mode) -> Option<(f64, Vec<(f64, Mode)>)> {
        match m {
            Mode::Detecting(i) => Some((self.d.detect?, self.takeover(up, i))),
            Mode::Moving { target, .. } => {
                Some((self.d.failover?, vec![(1.0, self.serve(up, target))]))
            }
            Mode::Failback(target) => Some((self.d.failback?, vec![(1.0, self.serve(up, target))])),
            _ => None,
        }
    }
}

/// Steady state of a standby block over independent members with
/// exponential up and repair times (`rates[k] = (lambda, mu)`): the
/// block's unavailability and its outages per second.
fn standby_ctmc(rates: &[(f64, f64)], d: Dynamics) -> (f64, f64) {
    let n = rates.len();
    let rules = Rules { n, d };
    let mut modes = vec![Mode::NoneUp];
    for i in 0..n {
        modes.extend([Mode::Serving(i), Mode::Detecting(i), Mode::Failback(i)]);
        modes.push(Mode::Waiting(i));
        for j in 0..n {
            modes.push(Mode::Moving { target: i, from: j });
        }
    }
    let ups: Vec<Vec<bool>> = (0..1u32 << n)
        .map(|bits| (0..n).map(|k| bits & (1 << k) != 0).collect())
        .collect();
    let states: Vec<(usize, Mode)> = (0..ups.len())
        .flat_map(|u| modes.iter().map(move |&m| (u, m)))
        .collect();
    let index = |u: usize, m: Mode| states.iter().position(|&x| x == (u, m)).unwrap();
    let ns = states.len();
    let mut q = vec![vec![0.0; ns]; ns];
    for (i, &(u, m)) in states.iter().enumerate() {
        let mut add = |rate: f64, u2: usize, to: Vec<(f64, Mode)>| {
            for (p, m2) in to {
                let j = index(u2, m2);
                if j != i {
                    q[i][j] += rate * p;
                    q[i][i] -= rate * p;
                }
            }
        };
        for (k, &(lambda, mu)) in rates.iter().enumerate() {
            let u2 = u ^ (1 << k);
            let rate = if ups[u][k] { lambda } else { mu };
            add(rate, u2, rules.react(&ups[u2], m));
        }
        if let Some((rate, to)) = rules.timer(&ups[u], m) {
            add(rate, u, to);
        }
    }
    // Only the states reached from "all up, the first member serving":
    // the others (a move with an instant failover, ...) may form closed
    // classes of their own.
    let mut reached = vec![false; ns];
    let mut stack = vec![index(ups.len() - 1, Mode::Serving(0))];
    reached[stack[0]] = true;
    while let Some(i) = stack.pop() {
        for j in 0..ns {
            if q[i][j] > 0.0 && !reached[j] {
                reached[j] = true;
                stack.push(j);
            }
        }
    }
    let keep: Vec<usize> = (0..ns).filter(|&i| reached[i]).collect();
    let sub: Vec<Vec<f64>> = keep
        .iter()
        .map(|&i| keep.iter().map(|&j| q[i][j]).collect())
        .collect();
    let mut pi = vec![0.0; ns];
    for (k, p) in stationary(&sub).into_iter().enumerate() {
        pi[keep[k]] = p;
    }
    let is_up = |m: Mode| matches!(m, Mode::Serving(_));
    let mut unavailability = 0.0;
    let mut outages = 0.0;
    for (i, &(_, m)) in states.iter().enumerate() {
        if !is_up(m) {
            unavailability += pi[i];
            continue;
        }
        for (j, &(_, m2)) in states.iter().enumerate() {
            if j != i && !is_up(m2) {
                outages += pi[i] * q[i][j];
            }
        }
    }
    (unavailability, outages)
}

/// pi Q = 0, sum pi = 1, by Gaussian elimination with partial pivoting.
fn stationary(q: &[Vec<f64>]) -> Vec<f64> {
    let n = q.len();
    let mut a: Vec<Vec<f64>> = (0..n).map(|r| (0..n).map(|c| q[c][r]).collect()).collect();
    let mut b = vec![0.0; n];
    a[n - 1] = vec![1.0; n];
    b[n - 1] = 1.0;
    for col in 0..n {
        let piv = (col..n)
            .max_by(|&x, &y| a[x][col].abs().total_cmp(&a[y][col].abs()))
            .unwrap();
        a.swap(col, piv);
        b.swap(col, piv);
        assert!(a[col][col] != 0.0, "a singular chain");
        for r in 0..n {
            if r != col && a[r][col] != 0.0 {
                let f = a[r][col] / a[col][col];
                let pivot = a[col].clone();
                for (x, p) in a[r].iter_mut().zip(&pivot).skip(col) {
                    *x -= f * p;
                }
                b[r] -= f * b[col];
            }
        }
    }
    (0..n).map(|i| b[i] / a[i][i]).collect()
}

/// A standby block over members with exponential up and repair times
/// (`(mtbf_h, mttr_h)`), with exponential delays of the given means
/// (minutes; `None` for absent keys).
fn ctmc_model(members: &[(f64, f64)], keys: &str) -> System {
    let mut text = String::from("system = \"s\"\n");
    let mut names = Vec::new();
    for (k, (m, r)) in members.iter().enumerate() {
        text += &format!("[component.m{k}]\nmtbf = \"{m}h\"\nmttr = \"{r}h\"\n");
        names.push(format!("\"m{k}\""));
    }
    text += &format!("[block.s]\nstandby = [{}]\n{keys}\n", names.join(", "));
    model(&text)
}

fn exp(key: &str, mean_min: f64) -> String {
    format!("{key} = {{ exponential = {{ mean = \"{mean_min}m\" }} }}\n")
}

fn rates(members: &[(f64, f64)]) -> Vec<(f64, f64)> {
    members
        .iter()
        .map(|&(m, r)| (1.0 / (m * HOUR), 1.0 / (r * HOUR)))
        .collect()
}

#[test]
fn ctmc_agrees_with_the_closed_forms() {
    // The chain itself checked: the revert pair with a perfect backup and
    // exponential delays, against the renewal argument above.
    let (lambda, mu, f, b) = (0.1, 0.5, 1.0, 2.0);
    let d = Dynamics {
        detect: None,
        failover: Some(1.0 / f),
        failback: Some(1.0 / b),
        success: 1.0,
        revert: true,
    };
    let (u, rate) = standby_ctmc(&[(lambda, mu), (0.0, 1.0)], d);
    let (want_u, want_rate) = revert_closed_form(lambda, mu, f, b, true);
    assert!((u - want_u).abs() < 1e-9 * want_u, "{u} vs {want_u}");
    assert!(
        (rate - want_rate).abs() < 1e-9 * want_rate,
        "{rate} vs {want_rate}"
    );
    // Exponential detection, instant takeover: a failure costs
    // E[min(R, D)] = 1 / (mu + delta), and p fails at rate
    // 1 / (1/lambda + 1/mu).
    let delta = 0.7;
    let d = Dynamics {
        detect: Some(delta),
        failover: None,
        failback: None,
        ..d
    };
    let (u, _) = standby_ctmc(&[(lambda, mu), (0.0, 1.0)], d);
    let want = (1.0 / (mu + delta)) / (1.0 / lambda + 1.0 / mu);
    assert!((u - want).abs() < 1e-9 * want, "{u} vs {want}");
    // Without revert or delays it is the parallel pair.
    let plain = Dynamics {
        detect: None,
        failover: None,
        failback: None,
        success: 1.0,
        revert: false,
    };
    let (u, _) = standby_ctmc(&[(0.1, 1.0), (0.2, 1.5)], plain);
    let want = (0.1 / 1.1) * (0.2 / 1.7);
    assert!((u - want).abs() < 1e-12, "{u} vs {want}");
}

#[test]
fn detect_failover_failback_pair_matches_ctmc() {
    // Both members fail; every delay exponential; switch success 0.9.
    let members = [(200.0, 4.0), (300.0, 6.0)];
    let keys = format!(
        "{}{}{}switch_success = 0.9\nrevert = true\n",
        exp("detect", 20.0),
        exp("failover", 10.0),
        exp("failback", 5.0)
    );
    let sys = ctmc_model(&members, &keys);
    let d = Dynamics {
        detect: Some(1.0 / (20.0 * MINUTE)),
        failover: Some(1.0 / (10.0 * MINUTE)),
        failback: Some(1.0 / (5.0 * MINUTE)),
        success: 0.9,
        revert: true,
    };
    let (u, rate) = standby_ctmc(&rates(&members), d);
    let s = run(&sys, 8_000, 21);
    assert_unavailability("pair, detect + failover + failback", &s, u, 0.02);
    assert_outages(
        "pair, detect + failover + failback",
        &s,
        rate * YEAR_S,
        0.02,
    );
}

#[test]
fn non_revertive_detection_matches_ctmc() {
    // Identical members (which one serves at the start does not matter).
    let members = [(50.0, 5.0), (50.0, 5.0)];
    let keys = format!(
        "{}{}switch_success = 0.8\n",
        exp("detect", 30.0),
        exp("failover", 10.0)
    );
    let sys = ctmc_model(&members, &keys);
    let d = Dynamics {
        detect: Some(1.0 / (30.0 * MINUTE)),
        failover: Some(1.0 / (10.0 * MINUTE)),
        failback: None,
        success: 0.8,
        revert: false,
    };
    let (u, rate) = standby_ctmc(&rates(&members), d);
    let s = run(&sys, 4_000, 22);
    assert_unavailability("pair, non-revertive detection", &s, u, 0.02);
    assert_outages("pair, non-revertive detection", &s, rate * YEAR_S, 0.02);
}

#[test]
fn three_members_revert_matches_ctmc() {
    // Moves back to the first member up, not interrupted by a still more
    // preferred member coming up; a failed target restarts the move;
    // failures frequent enough that every branch is taken.
    let members = [(20.0, 2.0), (40.0, 3.0), (60.0, 4.0)];
    let keys = format!(
        "{}{}switch_success = 0.95\nrevert = true\n",
        exp("failover", 15.0),
        exp("failback", 60.0)
    );
    let sys = ctmc_model(&members, &keys);
    let d = Dynamics {
        detect: None,
        failover: Some(1.0 / (15.0 * MINUTE)),
        failback: Some(1.0 / HOUR),
        success: 0.95,
        revert: true,
    };
    let (u, rate) = standby_ctmc(&rates(&members), d);
    let s = run(&sys, 2_000, 23);
    assert_unavailability("three members, revert", &s, u, 0.02);
    assert_outages("three members, revert", &s, rate * YEAR_S, 0.02);

    // The same with a detection and an instant failback.
    let keys = format!(
        "{}{}switch_success = 0.95\nrevert = true\nfailback = \"0s\"\n",
        exp("detect", 20.0),
        exp("failover", 15.0)
    );
    let sys = ctmc_model(&members, &keys);
    let d = Dynamics {
        detect: Some(1.0 / (20.0 * MINUTE)),
        failback: None,
        ..d
    };
    let (u, rate) = standby_ctmc(&rates(&members), d);
    let s = run(&sys, 2_000, 24);
    assert_unavailability("three members, detect, instant failback", &s, u, 0.02);
    assert_outages(
        "three members, detect, instant failback",
        &s,
        rate * YEAR_S,
        0.02,
    );
}

// --- Random streams and the confidence interval ---------------------------

#[test]
fn a_component_named_like_a_replica_has_its_own_stream() {
    // `p[1]` and replica 1 of `p` (same figures): with one shared stream
    // they would fail and recover together, and the block would be down
    // with probability q^2 instead of q^3.
    let sys = model(
        "system = \"any\"\n\
         [component.\"p[1]\"]\nmtbf = \"100h\"\nmttr = \"10h\"\n\
         [component.p]\nmtbf = \"100h\"\nmttr = \"10h\"\ncount = 2\n\
         [block.any]\nparallel = [\"p[1]\", \"p\"]\n",
    );
    let exact = analytic::evaluate(&sys).unwrap().unavailability;
    let q: f64 = 10.0 / 110.0;
    assert!((exact - q.powi(3)).abs() < 1e-15, "{exact}");
    let s = run(&sys, 2_000, 31);
    assert_eq!(s.stream_version, simulate::STREAM_VERSION);
    assert_eq!(simulate::STREAM_VERSION, 3);
    assert_unavailability("p[1] beside p (count 2)", &s, exact, 0.05);
    let check = s.analytic.unwrap();
    assert!(check.inside_ci95 && !check.approximate);
}

#[test]
fn a_zero_interval_does_not_contain_a_tiny_unavailability() {
    // Components failing once in 1e9 years, twice over in parallel: the
    // exact unavailability is about 1e-28, and a year's simulation sees no
    // outage at all: its interval [0, 0] must not claim to contain it,
    // and the report must say the interval is unreliable.
    let sys = model(
        "system = \"both\"\n\
         [component.a]\nmtbf = \"1000000000y\"\nmttr = \"1h\"\n\
         [component.b]\nmtbf = \"1000000000y\"\nmttr = \"1h\"\n\
         [block.both]\nparallel = [\"a\", \"b\"]\n",
    );
    let s = run(&sys, 1_000, 32);
    assert_eq!(s.unavailability.ci95, [0.0, 0.0]);
    assert_eq!(s.outages_seen, 0);
    assert!(!s.ci_reliable);
    let check = s.analytic.unwrap();
    assert!(check.unavailability > 0.0 && check.unavailability < 1e-25);
    assert_eq!(check.availability, 1.0, "1 - 1e-28 rounds to 1");
    assert!(
        !check.inside_ci95,
        "U = {:e} is not inside [0, 0]",
        check.unavailability
    );
}

#[test]
fn few_outages_make_the_interval_unreliable() {
    // One failure a year per run on average, 20 runs: about 20 outages;
    // 200 runs: about 200.
    let sys = model("system = \"x\"\n[component.x]\nmtbf = \"1y\"\nmttr = \"4h\"\n");
    let few = run(&sys, 20, 33);
    assert!(few.outages_seen < simulate::MIN_OUTAGES_FOR_CI);
    assert!(!few.ci_reliable);
    let many = run(&sys, 200, 33);
    assert!(many.outages_seen >= simulate::MIN_OUTAGES_FOR_CI);
    assert!(many.ci_reliable);
    // Outages seen: those that start in a mission plus those in progress
    // at a start.
    let started = (many.outages.mean * many.runs as f64).round() as u64;
    assert!(many.outages_seen >= started && many.outages_seen <= started + many.runs);
}

#[test]
fn the_table_says_when_the_interval_is_unreliable() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("rare.toml");
    std::fs::write(
        &file,
        "system = \"x\"\n[component.x]\nmtbf = \"100y\"\nmttr = \"4h\"\n",
    )
    .unwrap();
    let simulate = |format: &str| {
        assert_cmd::Command::cargo_bin("fivenines")
            .unwrap()
            .args([
                "simulate",
                file.to_str().unwrap(),
                "--runs",
                "500",
                "--quiet",
            ])
            .args(["--format", format])
            .output()
            .unwrap()
    };
    let out = simulate("table");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("CI UNRELIABLE") && text.contains("fewer than 50"),
        "{text}"
    );
    let out = simulate("json");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ci_reliable"], false);
    // About 5 outages in 500 years.
    let seen = v["outages_seen"].as_u64().unwrap();
    assert!(seen < 20, "{seen}");
}

// --- The warm-up start --------------------------------------------------

/// Eight independent non-revertive pairs (a primary that fails often, a
/// backup that fails rarely, so that which member serves matters) in
/// series with 100 plain replicas: the chain of the pairs is too large
/// for an exact draw (the product of eight pair chains), so every mission
/// starts after a warm-up, which runs only the pairs' items; the 100
/// replicas start at its end. Against the exact figure: each pair's CTMC
/// (the pairs share no item, so they are independent) and the replicas'
/// own availability. Missions of 30 days, so that a wrong start shows:
/// starting every pair on its primary adds a takeover a pair in most
/// missions (+67% of the unavailability, measured).
#[test]
fn warm_up_start_matches_the_exact_figure() {
    let pairs = 8;
    let (primary, backup) = ((100.0, 5.0), (2000.0, 5.0));
    let (plain_n, plain_mtbf, plain_mttr) = (100, 10_000.0, 0.5);
    let mut text = String::from("system = \"s\"\n");
    let mut parts = vec!["\"plain\"".to_string()];
    for k in 0..pairs {
        text += &format!(
            "[component.p{k}a]\nmtbf = \"{}h\"\nmttr = \"{}h\"\n\
             [component.p{k}b]\nmtbf = \"{}h\"\nmttr = \"{}h\"\n\
             [block.p{k}]\nstandby = [\"p{k}a\", \"p{k}b\"]\n{}",
            primary.0,
            primary.1,
            backup.0,
            backup.1,
            exp("failover", 60.0)
        );
        parts.push(format!("\"p{k}\""));
    }
    text += &format!(
        "[component.plain]\nmtbf = \"{plain_mtbf}h\"\nmttr = \"{plain_mttr}h\"\ncount = {plain_n}\nneed = {plain_n}\n\
         [block.s]\nseries = [{}]\n",
        parts.join(", ")
    );
    let sys = model(&text);
    let d = Dynamics {
        detect: None,
        failover: Some(1.0 / (60.0 * MINUTE)),
        failback: None,
        success: 1.0,
        revert: false,
    };
    let (u_pair, _) = standby_ctmc(&rates(&[primary, backup]), d);
    let q: f64 = plain_mttr / (plain_mtbf + plain_mttr);
    let exact = 1.0 - (1.0 - u_pair).powi(pairs) * (1.0 - q).powi(plain_n);
    let cfg = SimulationConfig {
        runs: 20_000,
        seed: 41,
        mission_s: 30.0 * 24.0 * HOUR,
        ..SimulationConfig::default()
    };
    let s = simulate::simulate(&sys, &cfg, None).unwrap();
    assert!(
        s.findings
            .approximations
            .iter()
            .any(|a| a.text().contains("warm-up")),
        "the chain should be too large here: {:?}",
        s.findings.approximations
    );
    assert_unavailability("eight pairs after a warm-up", &s, exact, 0.02);
    // The same runs on two threads.
    let two = simulate::simulate(
        &sys,
        &SimulationConfig {
            runs: 2_000,
            threads: Some(2),
            ..cfg.clone()
        },
        None,
    )
    .unwrap();
    let one = simulate::simulate(
        &sys,
        &SimulationConfig {
            runs: 2_000,
            threads: Some(1),
            ..cfg
        },
        None,
    )
    .unwrap();
    assert_eq!(one.unavailability, two.unavailability);
    assert_eq!(one.downtime_s, two.downtime_s);
}
