//! Standby (failover) blocks against an independent oracle: a CTMC over the
//! items and the blocks' modes (tests/oracle/mod.rs), which reads the model
//! text itself and shares no code with the library.
//!
//! 1. The oracle is validated first: the two exact values published in
//!    docs/math.md ("Where each breaks"), a static model against its closed form, and small
//!    chains written out by hand.
//! 2. The analytic engine must then match it on a grid of standby models:
//!    unavailability within 1e-6 relative, outages a year within 1e-4.
//! 3. The simulation's 95% CI must contain the oracle's unavailability.

mod oracle;

use fivenines::simulate::{self, SimulationConfig};
use fivenines::{System, analytic};
use oracle::{Model, Solution, Solver, YEAR_S};

const HOUR: f64 = 3_600.0;
/// The oracle's state budget: dense elimination is O(n^3) in time and
/// O(n^2) in memory (the nested model has 5,410 states: 234 MB, 2.5 s).
const MAX_STATES: usize = 6_000;
/// The engine must match the oracle this closely.
const U_TOL: f64 = 1e-6;
const F_TOL: f64 = 1e-4;

fn exact(text: &str) -> Solution {
    Model::parse(text).solve(MAX_STATES)
}

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs()
}

// ---------------------------------------------------------------------
// Models
// ---------------------------------------------------------------------

fn exp(mean: &str) -> String {
    format!("{{ exponential = {{ mean = \"{mean}\" }} }}")
}

/// Two standby pairs across the same two AZs (docs/math.md):
/// a load balancer pair and a DB pair, one member of each per AZ.
fn two_pairs(az_mtbf: &str, failover: &str) -> String {
    format!(
        r#"name = "two standby pairs across two AZs"
system = "app"

[domain.az-a]
mtbf = "{az_mtbf}"
mttr = "6h"

[domain.az-b]
mtbf = "{az_mtbf}"
mttr = "6h"

[component.lb-a]
mtbf = "5y"
mttr = "2h"
domain = "az-a"

[component.lb-b]
mtbf = "5y"
mttr = "2h"
domain = "az-b"

[component.db-a]
mtbf = "1y"
mttr = "3h"
domain = "az-a"

[component.db-b]
mtbf = "1y"
mttr = "3h"
domain = "az-b"

[block.lb]
standby = ["lb-a", "lb-b"]
failover = {f}

[block.db]
standby = ["db-a", "db-b"]
failover = {f}
switch_success = 0.98

[block.app]
series = ["lb", "db"]
"#,
        f = exp(failover)
    )
}

/// Members `(name, mtbf, mttr)`, in the listed order of preference.
fn standby_of(members: &[(&str, &str, &str)], extra: &str) -> String {
    let mut t = String::from("name = \"standby\"\nsystem = \"s\"\n\n");
    for (name, mtbf, mttr) in members {
        t += &format!("[component.{name}]\nmtbf = \"{mtbf}\"\nmttr = \"{mttr}\"\n\n");
    }
    let list: Vec<String> = members.iter().map(|(n, ..)| format!("\"{n}\"")).collect();
    t += &format!("[block.s]\nstandby = [{}]\n{extra}", list.join(", "));
    t
}

/// Three members, the least reliable preferred (docs/math.md).
fn three_members_worked() -> String {
    standby_of(
        &[
            ("m1", "1000h", "2h"),
            ("m2", "8000h", "2h"),
            ("m3", "8000h", "2h"),
        ],
        &format!("failover = {}\nswitch_success = 0.99\n", exp("90s")),
    )
}

/// Four non-identical members for the permutation grid.
const FOUR: [(&str, &str, &str); 4] = [
    ("a", "1000h", "2h"),
    ("b", "4000h", "3h"),
    ("c", "8000h", "1h"),
    ("d", "2500h", "4h"),
];

fn permutations(n: usize) -> Vec<Vec<usize>> {
    if n == 0 {
        return vec![vec![]];
    }
    let mut out = Vec::new();
    for p in permutations(n - 1) {
        for k in 0..=p.len() {
            let mut q = p.clone();
            q.insert(k, n - 1);
            out.push(q);
        }
    }
    out.sort();
    out
}

/// A DB standby pair inside each of two region stacks; the stacks are the
/// members of a standby block (DNS failover between regions).
fn nested() -> String {
    format!(
        r#"name = "nested standby"
system = "global"

[domain.r1]
mtbf = "2y"
mttr = "8h"

[domain.r2]
mtbf = "2y"
mttr = "8h"

[component.app1]
mtbf = "3000h"
mttr = "1h"
domain = "r1"

[component.db1a]
mtbf = "1y"
mttr = "3h"
domain = "r1"

[component.db1b]
mtbf = "1y"
mttr = "3h"
domain = "r1"

[component.db2a]
mtbf = "1y"
mttr = "3h"
domain = "r2"

[component.db2b]
mtbf = "1y"
mttr = "3h"
domain = "r2"

[block.db1]
standby = ["db1a", "db1b"]
failover = {f1}
switch_success = 0.98

[block.db2]
standby = ["db2a", "db2b"]
failover = {f1}
switch_success = 0.98

[block.stack1]
series = ["app1", "db1"]

[block.stack2]
series = ["db2"]

[block.global]
standby = ["stack1", "stack2"]
failover = {f2}
switch_success = 0.95
"#,
        f1 = exp("1m"),
        f2 = exp("5m")
    )
}

/// `b` is a member of two standby blocks (one physical thing).
fn shared_between_standbys() -> String {
    format!(
        r#"name = "a member shared by two standby blocks"
system = "both"

[component.a]
mtbf = "2000h"
mttr = "2h"

[component.b]
mtbf = "5000h"
mttr = "4h"

[component.c]
mtbf = "3000h"
mttr = "1h"

[block.s1]
standby = ["a", "b"]
failover = {f}
switch_success = 0.99

[block.s2]
standby = ["c", "b"]
failover = {f}
switch_success = 0.97

[block.both]
series = ["s1", "s2"]
"#,
        f = exp("2m")
    )
}

/// `db-b` is the standby's backup and, in the same AZ, feeds a reporting
/// path of its own; the system needs both paths.
fn shared_with_static_block() -> String {
    format!(
        r#"name = "a standby member shared with a parallel block"
system = "all"

[domain.az-a]
mtbf = "1y"
mttr = "6h"

[domain.az-b]
mtbf = "1y"
mttr = "6h"

[component.db-a]
mtbf = "2000h"
mttr = "3h"
domain = "az-a"

[component.db-b]
mtbf = "2000h"
mttr = "3h"
domain = "az-b"

[component.replica]
mtbf = "1000h"
mttr = "2h"
domain = "az-a"

[block.db]
standby = ["db-a", "db-b"]
failover = {f}
switch_success = 0.98

[block.reporting]
parallel = ["db-b", "replica"]

[block.all]
series = ["db", "reporting"]
"#,
        f = exp("90s")
    )
}

/// A 2-of-3 replica group in one region as the primary, a DR site in
/// another region as the backup.
fn replica_group_dr() -> String {
    format!(
        r#"name = "2 of 3 replicas with a DR site"
system = "svc"

[domain.region-a]
mtbf = "2y"
mttr = "6h"

[domain.region-b]
mtbf = "2y"
mttr = "6h"

[component.app]
mtbf = "2000h"
mttr = "4h"
count = 3
need = 2
domain = "region-a"

[component.dr]
mtbf = "4000h"
mttr = "2h"
domain = "region-b"

[block.svc]
standby = ["app", "dr"]
failover = {f}
switch_success = 0.95
"#,
        f = exp("15m")
    )
}

/// The flaky primary: MTBF 2000 h preferred over a backup of 20,000 h.
fn flaky_primary() -> String {
    standby_of(
        &[("primary", "2000h", "2h"), ("backup", "20000h", "2h")],
        &format!("failover = {}\nswitch_success = 0.99\n", exp("2m")),
    )
}

/// A pair with detection and/or revert.
fn detect_revert(detect: Option<&str>, failback: Option<&str>) -> String {
    let mut extra = format!("failover = {}\nswitch_success = 0.99\n", exp("1m"));
    if let Some(d) = detect {
        extra += &format!("detect = {}\n", exp(d));
    }
    if let Some(fb) = failback {
        extra += "revert = true\n";
        extra += &if fb == "0s" {
            "failback = \"0s\"\n".to_string()
        } else {
            format!("failback = {}\n", exp(fb))
        };
    }
    standby_of(&[("a", "1000h", "2h"), ("b", "3000h", "4h")], &extra)
}

// ---------------------------------------------------------------------
// 1. The oracle against published values, closed forms and hand chains
// ---------------------------------------------------------------------

/// Agrees with a published value to its printed significant digits: within
/// half a unit of the last digit.
fn assert_printed(what: &str, got: f64, printed: f64, digits: i32) {
    let unit = 10f64.powi(printed.abs().log10().floor() as i32 - (digits - 1));
    assert!(
        (got - printed).abs() <= 0.5 * unit,
        "{what}: oracle {got:.8e}, published {printed:e} ({digits} digits)"
    );
}

#[test]
fn oracle_reproduces_the_published_two_pairs() {
    // docs/math.md: AZs MTBF 2 y; U = 2.18003e-5 and 1.87698
    // outages a year.
    let s = exact(&two_pairs("2y", "2m"));
    println!("two pairs: {s:?}");
    assert_printed("U", s.unavailability, 2.18003e-5, 6);
    assert_printed("outages", s.outages_per_year, 1.87698, 6);
}

#[test]
fn oracle_reproduces_the_published_three_members() {
    // docs/math.md: U = 9.93576e-6 and 1.94493 outages a year.
    let s = exact(&three_members_worked());
    println!("three members: {s:?}");
    assert_printed("U", s.unavailability, 9.93576e-6, 6);
    assert_printed("outages", s.outages_per_year, 1.94493, 6);
}

#[test]
fn oracle_solvers_agree() {
    // GTH (no subtractions) against Gaussian elimination with pivoting.
    for text in [
        two_pairs("2y", "2m"),
        three_members_worked(),
        replica_group_dr(),
        detect_revert(Some("30s"), Some("2m")),
    ] {
        let m = Model::parse(&text);
        let g = m.solve_with(MAX_STATES, Solver::Gth);
        let l = m.solve_with(MAX_STATES, Solver::Lu);
        assert_eq!(g.states, l.states);
        assert!(
            rel(g.unavailability, l.unavailability) < 1e-9,
            "{g:?} vs {l:?}"
        );
        assert!(
            rel(g.outages_per_year, l.outages_per_year) < 1e-9,
            "{g:?} vs {l:?}"
        );
    }
}

/// Two AZs; a web pair and a DB pair, one of each per AZ; a DNS component.
fn static_model(kind: &str) -> String {
    format!(
        r#"system = "app"

[domain.az-a]
mtbf = "4380h"
mttr = "6h"

[domain.az-b]
mtbf = "1y"
mttr = "4h"

[component.web-a]
mtbf = "2000h"
mttr = "3h"
domain = "az-a"

[component.web-b]
mtbf = "3000h"
mttr = "2h"
domain = "az-b"

[component.db-a]
mtbf = "1y"
mttr = "5h"
domain = "az-a"

[component.db-b]
mtbf = "1y"
mttr = "5h"
domain = "az-b"

[component.dns]
mtbf = "5y"
mttr = "1h"

[block.web]
{kind} = ["web-a", "web-b"]

[block.db]
{kind} = ["db-a", "db-b"]

[block.app]
series = ["dns", "web", "db"]
"#
    )
}

#[test]
fn oracle_static_model_matches_the_closed_form() {
    // (mtbf, mttr) in hours: az-a, az-b, web-a, web-b, db-a, db-b, dns.
    let y = 8760.0;
    let parts = [
        (4380.0, 6.0),
        (y, 4.0),
        (2000.0, 3.0),
        (3000.0, 2.0),
        (y, 5.0),
        (y, 5.0),
        (5.0 * y, 1.0),
    ];
    let avail: Vec<f64> = parts.iter().map(|(m, r)| m / (m + r)).collect();
    // Condition on the two AZs (docs/math.md, Shannon
    // expansion): given them, everything else is independent.
    let a_sys = |p: &[f64]| {
        let mut a = 0.0;
        for (za, pa) in [(1.0, p[0]), (0.0, 1.0 - p[0])] {
            for (zb, pb) in [(1.0, p[1]), (0.0, 1.0 - p[1])] {
                let web = 1.0 - (1.0 - za * p[2]) * (1.0 - zb * p[3]);
                let db = 1.0 - (1.0 - za * p[4]) * (1.0 - zb * p[5]);
                a += pa * pb * web * db;
            }
        }
        a * p[6]
    };
    let u = 1.0 - a_sys(&avail);
    // f_sys = sum_i f_i I_B(i), I_B(i) = A(p_i = 1) - A(p_i = 0).
    let mut f = 0.0;
    for i in 0..parts.len() {
        let mut hi = avail.clone();
        hi[i] = 1.0;
        let mut lo = avail.clone();
        lo[i] = 0.0;
        let f_i = 1.0 / ((parts[i].0 + parts[i].1) * HOUR);
        f += f_i * (a_sys(&hi) - a_sys(&lo));
    }
    let f = f * YEAR_S;
    // Perfect instant switching is parallel (docs/math.md).
    for kind in ["parallel", "standby"] {
        let s = exact(&static_model(kind));
        println!("static ({kind}): {s:?}; closed form U {u:e}, {f} outages a year");
        assert!(rel(s.unavailability, u) < 1e-8, "{kind}: U {s:?} vs {u:e}");
        assert!(rel(s.outages_per_year, f) < 1e-9, "{kind}: f {s:?} vs {f}");
    }
}

/// Stationary distribution of a small generator given by its off-diagonal
/// rates, by Gauss-Jordan elimination: written apart from the oracle.
fn small_chain(n: usize, rates: &[(usize, usize, f64)]) -> Vec<f64> {
    let mut q = vec![vec![0.0; n]; n];
    for &(i, j, r) in rates {
        q[i][j] += r;
        q[i][i] -= r;
    }
    // Rows: balance equations sum_i pi_i q[i][j] = 0 for j < n-1; sum = 1.
    let mut a: Vec<Vec<f64>> = (0..n)
        .map(|j| {
            let mut row: Vec<f64> = (0..n).map(|i| q[i][j]).collect();
            row.push(0.0);
            row
        })
        .collect();
    a[n - 1] = vec![1.0; n + 1];
    for c in 0..n {
        let p = (c..n)
            .max_by(|&x, &y| a[x][c].abs().total_cmp(&a[y][c].abs()))
            .unwrap();
        a.swap(c, p);
        let pivot = a[c].clone();
        for (r, row) in a.iter_mut().enumerate() {
            if r != c {
                let f = row[c] / pivot[c];
                for (x, y) in row.iter_mut().zip(&pivot) {
                    *x -= f * y;
                }
            }
        }
    }
    (0..n).map(|i| a[i][n] / a[i][i]).collect()
}

/// Unavailability and outages a year of a hand-written chain.
fn chain_figures(n: usize, rates: &[(usize, usize, f64)], up: &[bool]) -> (f64, f64) {
    let pi = small_chain(n, rates);
    let u: f64 = (0..n).filter(|&i| !up[i]).map(|i| pi[i]).sum();
    let f: f64 = rates
        .iter()
        .filter(|&&(i, j, _)| up[i] && !up[j])
        .map(|&(i, _, r)| pi[i] * r)
        .sum();
    (u, f * YEAR_S)
}

#[test]
fn oracle_pair_matches_the_textbook_chain() {
    // Identical members (failure rate l, repair rate m), exponential
    // failover (rate d), switch success c; by symmetry nine states:
    // 0 S2 both up, serving        1 S1 serving, the other down
    // 2 M1 moving to the other, `from` down
    // 3 M2 moving to the other, `from` repaired meanwhile
    // 4 W1 waiting for `from`, the other up
    // 5 W0 waiting for `from`, the other down       6 N all down
    // 7 R1 moving back to `from` itself (its first target failed), the
    //      other down                                8 R2 likewise, both up
    // R differs from M on a failed switch: `from` is then the target.
    let (mtbf, mttr) = (2000.0 * HOUR, 3.0 * HOUR);
    for (failover, c) in [(90.0, 0.99), (600.0, 0.9), (30.0, 1.0)] {
        let (l, m, d) = (1.0 / mtbf, 1.0 / mttr, 1.0 / failover);
        let rates = [
            (0, 1, l),             // the idle member fails
            (0, 2, l * c),         // the serving one fails, the move starts
            (0, 4, l * (1.0 - c)), // ... the switch fails
            (1, 0, m),
            (1, 6, l), // the serving one fails, none up
            (2, 1, d), // the move ends
            (2, 3, m), // `from` is repaired during the move
            (2, 6, l), // the target fails, none up
            (3, 0, d),
            (3, 2, l),             // `from` fails again
            (3, 7, l * c),         // the target fails: a move back to `from`
            (3, 1, l * (1.0 - c)), // ... that fails: `from` serves at once
            (4, 0, m),             // `from` is repaired and serves
            (4, 5, l),
            (5, 1, m), // `from` is repaired and serves
            (5, 4, m),
            (6, 1, 2.0 * m), // the first repaired serves at once
            (7, 1, d),
            (7, 8, m), // the other is repaired
            (7, 6, l), // the target fails, none up
            (8, 0, d),
            (8, 7, l),             // the other fails
            (8, 2, l * c),         // the target (`from`) fails: to the other
            (8, 4, l * (1.0 - c)), // ... that fails: wait for `from`
        ];
        let up = [true, true, false, false, false, false, false, false, false];
        let (u, f) = chain_figures(9, &rates, &up);
        let s = exact(&standby_of(
            &[("a", "2000h", "3h"), ("b", "2000h", "3h")],
            &format!(
                "failover = {}\nswitch_success = {c}\n",
                exp(&format!("{failover}s"))
            ),
        ));
        println!("pair d = {failover} s, c = {c}: oracle {s:?}; hand U {u:e}, {f}");
        assert!(rel(s.unavailability, u) < 1e-9, "U {s:?} vs {u:e}");
        assert!(rel(s.outages_per_year, f) < 1e-9, "f {s:?} vs {f}");
    }
}

#[test]
fn oracle_detection_matches_a_hand_chain() {
    // Identical members, instant perfect takeover, exponential detection
    // (rate k); five states: 0 S2 both up, serving; 1 S1 serving, the other
    // down; 2 D1 detecting, the other up; 3 D0 detecting, the other down;
    // 4 N all down.
    let (l, m, k) = (1.0 / (1500.0 * HOUR), 1.0 / (2.0 * HOUR), 1.0 / 120.0);
    let rates = [
        (0, 1, l),
        (0, 2, l),
        (1, 0, m),
        (1, 3, l),
        (2, 0, m), // ridden out
        (2, 3, l),
        (2, 1, k), // noticed: the other serves at once
        (3, 1, m), // ridden out, the other still down
        (3, 2, m),
        (3, 4, k), // noticed with none up
        (4, 1, 2.0 * m),
    ];
    let (u, f) = chain_figures(5, &rates, &[true, true, false, false, false]);
    let s = exact(&standby_of(
        &[("a", "1500h", "2h"), ("b", "1500h", "2h")],
        &format!("detect = {}\n", exp("2m")),
    ));
    println!("detection: oracle {s:?}; hand U {u:e}, {f}");
    assert!(rel(s.unavailability, u) < 1e-9, "U {s:?} vs {u:e}");
    assert!(rel(s.outages_per_year, f) < 1e-9, "f {s:?} vs {f}");
}

#[test]
fn oracle_revert_matches_a_hand_chain() {
    // a preferred over b, instant perfect takeover, revert with an
    // exponential failback (rate k). Six states:
    // 0 a serving, both up     1 a serving, b down     2 b serving, a down
    // 3 failing back, both up  4 failing back, b down  5 all down
    let (la, ma) = (1.0 / (1000.0 * HOUR), 1.0 / (2.0 * HOUR));
    let (lb, mb) = (1.0 / (3000.0 * HOUR), 1.0 / (4.0 * HOUR));
    let k = 1.0 / 300.0;
    let rates = [
        (0, 2, la), // takeover to b, instant
        (0, 1, lb),
        (1, 0, mb),
        (1, 5, la),
        (2, 3, ma), // a is back: the move back starts
        (2, 5, lb),
        (3, 0, k),
        (3, 2, la), // its target fails: takeover to b, instant
        (3, 4, lb),
        (4, 1, k),
        (4, 3, mb),
        (4, 5, la),
        (5, 1, ma),
        (5, 2, mb),
    ];
    let up = [true, true, true, false, false, false];
    let (u, f) = chain_figures(6, &rates, &up);
    let s = exact(&standby_of(
        &[("a", "1000h", "2h"), ("b", "3000h", "4h")],
        &format!("revert = true\nfailback = {}\n", exp("5m")),
    ));
    println!("revert: oracle {s:?}; hand U {u:e}, {f}");
    assert!(rel(s.unavailability, u) < 1e-9, "U {s:?} vs {u:e}");
    assert!(rel(s.outages_per_year, f) < 1e-9, "f {s:?} vs {f}");
}

#[test]
fn oracle_limits() {
    // A very short detection is no detection; a very short failover is an
    // instant one.
    let none = exact(&detect_revert(None, None));
    let short = exact(&detect_revert(Some("1ms"), None));
    assert!(rel(short.unavailability, none.unavailability) < 1e-4);
    assert!(rel(short.outages_per_year, none.outages_per_year) < 1e-4);
    let members = [("a", "1000h", "2h"), ("b", "3000h", "4h")];
    let instant = exact(&standby_of(&members, "failover = \"0s\"\n"));
    let quick = exact(&standby_of(
        &members,
        &format!("failover = {}\n", exp("1ms")),
    ));
    assert!(rel(quick.unavailability, instant.unavailability) < 1e-3);
    // Instant revert with instant takeovers is still parallel.
    let reverting = exact(&standby_of(
        &members,
        "revert = true\nfailback = \"0s\"\nfailover = \"0s\"\n",
    ));
    let (ua, ub) = (2.0 / 1002.0, 4.0 / 3004.0);
    assert!(rel(reverting.unavailability, ua * ub) < 1e-9);
    assert!(rel(instant.unavailability, ua * ub) < 1e-9);
}

// ---------------------------------------------------------------------
// 2. The analytic engine against the oracle
// ---------------------------------------------------------------------

/// Evaluates every case with both, prints a table, and fails on any case
/// outside the tolerances.
fn compare(group: &str, cases: &[(String, String)]) {
    let mut bad = Vec::new();
    println!("\n{group}");
    println!(
        "{:<34} {:>6} {:>13} {:>13} {:>10} {:>10} {:>10} {:>10}",
        "case", "states", "oracle U", "engine U", "rel U", "oracle f/y", "engine f/y", "rel f"
    );
    for (name, text) in cases {
        let want = exact(text);
        let sys = System::from_str(&format!("{name}.toml"), text)
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        let got = match analytic::evaluate(&sys) {
            Ok(a) => a,
            Err(e) => {
                println!("{name:<34} engine error: {e}");
                bad.push(format!("{name}: engine error {e}"));
                continue;
            }
        };
        let ru = (got.unavailability - want.unavailability) / want.unavailability;
        let f = got.outages_per_year.unwrap_or(f64::NAN);
        let rf = (f - want.outages_per_year) / want.outages_per_year;
        println!(
            "{name:<34} {:>6} {:>13.6e} {:>13.6e} {:>+10.2e} {:>10.5} {:>10.5} {:>+10.2e}",
            want.states, want.unavailability, got.unavailability, ru, want.outages_per_year, f, rf
        );
        // Written so that a NaN fails too.
        if !(ru.abs() <= U_TOL && rf.abs() <= F_TOL) {
            bad.push(format!("{name}: U {ru:+.3e}, outages {rf:+.3e}"));
        }
    }
    assert!(
        bad.is_empty(),
        "{group}: {} of {} cases off the oracle:\n{}",
        bad.len(),
        cases.len(),
        bad.join("\n")
    );
}

/// A control: where today's engine is exact (no standby, or standby with
/// instant perfect switching, which is parallel), it must pass.
#[test]
fn engine_control_exact_cases() {
    compare(
        "control: cases the engine solves exactly today",
        &[
            ("static, parallel pairs".into(), static_model("parallel")),
            (
                "static, instant standby pairs".into(),
                static_model("standby"),
            ),
        ],
    );
}

#[test]
fn engine_two_pairs_across_shared_azs() {
    let mut cases = Vec::new();
    for (az, az_name) in [("4380h", "6mo"), ("1y", "1y"), ("5y", "5y")] {
        for failover in ["30s", "2m", "10m"] {
            cases.push((
                format!("two-pairs az {az_name} failover {failover}"),
                two_pairs(az, failover),
            ));
        }
    }
    compare("two standby pairs across shared AZs", &cases);
}

#[test]
fn engine_three_members_every_order() {
    let cases: Vec<(String, String)> = permutations(3)
        .into_iter()
        .map(|p| {
            let members: Vec<_> = p.iter().map(|&i| FOUR[i]).collect();
            let order: Vec<&str> = members.iter().map(|m| m.0).collect();
            (
                format!("three [{}]", order.join(",")),
                standby_of(
                    &members,
                    &format!("failover = {}\nswitch_success = 0.99\n", exp("90s")),
                ),
            )
        })
        .collect();
    compare("three non-identical members, every order", &cases);
}

#[test]
fn engine_four_members_every_order() {
    let cases: Vec<(String, String)> = permutations(4)
        .into_iter()
        .map(|p| {
            let members: Vec<_> = p.iter().map(|&i| FOUR[i]).collect();
            let order: Vec<&str> = members.iter().map(|m| m.0).collect();
            (
                format!("four [{}]", order.join(",")),
                standby_of(
                    &members,
                    &format!("failover = {}\nswitch_success = 0.99\n", exp("90s")),
                ),
            )
        })
        .collect();
    compare("four non-identical members, every order", &cases);
}

#[test]
fn engine_published_cases() {
    compare(
        "the published exact cases",
        &[
            ("two-pairs (published)".into(), two_pairs("2y", "2m")),
            ("three members (published)".into(), three_members_worked()),
        ],
    );
}

#[test]
fn engine_nested_standby() {
    compare("nested standby blocks", &[("nested".into(), nested())]);
}

#[test]
fn engine_shared_standby_member() {
    compare(
        "a standby member shared with another block",
        &[
            ("shared by two standbys".into(), shared_between_standbys()),
            (
                "shared with a parallel block".into(),
                shared_with_static_block(),
            ),
        ],
    );
}

#[test]
fn engine_replica_group_with_dr() {
    compare(
        "a 2-of-3 replica group with a DR site",
        &[("replicas 2/3 + dr".into(), replica_group_dr())],
    );
}

#[test]
fn engine_flaky_primary() {
    compare(
        "the flaky primary",
        &[("flaky primary".into(), flaky_primary())],
    );
}

#[test]
fn engine_detect_and_revert() {
    compare(
        "detect and revert",
        &[
            ("detect 30s".into(), detect_revert(Some("30s"), None)),
            ("revert failback 2m".into(), detect_revert(None, Some("2m"))),
            ("revert failback 0s".into(), detect_revert(None, Some("0s"))),
            (
                "detect 30s, revert failback 2m".into(),
                detect_revert(Some("30s"), Some("2m")),
            ),
            (
                "detect 30s, revert failback 0s".into(),
                detect_revert(Some("30s"), Some("0s")),
            ),
        ],
    );
}

// ---------------------------------------------------------------------
// 3. The simulation against the oracle
// ---------------------------------------------------------------------

/// Simulates `runs` missions of `years` years. The 95% CI of the
/// unavailability, widened by `allowance` (relative, for the start
/// transient of long missions; zero for the one-year checks), must hold
/// the oracle's value, and the mean number of outages a year must be within
/// 6 standard errors (of Poisson counts) plus `allowance` of the oracle's.
fn simulation_check(name: &str, text: &str, runs: u64, years: f64, seed: u64, allowance: f64) {
    let want = exact(text);
    let sys = System::from_str(&format!("{name}.toml"), text).unwrap();
    let t = std::time::Instant::now();
    let cfg = SimulationConfig {
        runs,
        seed,
        mission_s: years * YEAR_S,
        ..SimulationConfig::default()
    };
    let s = simulate::simulate(&sys, &cfg, None).unwrap();
    let [lo, hi] = s.unavailability.ci95;
    let outages = s.outages.mean / years;
    let se_f = (want.outages_per_year / (runs as f64 * years)).sqrt();
    println!(
        "{name}: {runs} runs of {years} y in {:.2} s; oracle U {:.5e}, simulated {:.5e} \
         [{lo:.5e}, {hi:.5e}] ({:+.2}%); outages a year: oracle {:.4}, simulated {:.4} \
         ({:+.2}%, {:+.1} se)",
        t.elapsed().as_secs_f64(),
        want.unavailability,
        s.unavailability.mean,
        100.0 * (s.unavailability.mean - want.unavailability) / want.unavailability,
        want.outages_per_year,
        outages,
        100.0 * (outages - want.outages_per_year) / want.outages_per_year,
        (outages - want.outages_per_year) / se_f
    );
    let u = want.unavailability;
    assert!(
        lo - allowance * u <= u && u <= hi + allowance * u,
        "{name}: oracle U {u:e} outside the simulated CI [{lo:e}, {hi:e}] (mean {:e}, allowance {allowance})",
        s.unavailability.mean
    );
    assert!(
        (outages - want.outages_per_year).abs() <= 6.0 * se_f + allowance * want.outages_per_year,
        "{name}: outages a year: oracle {}, simulated {outages}",
        want.outages_per_year
    );
}

// One-year missions (the default), which docs/model.md says start
// in steady state ("which member serves at its start is drawn as in the
// long run, not fixed to the first one that is up"). Where the member
// that serves in the long run is not the first one up, a simulation that
// starts on the first one is biased on one-year missions: the flaky
// primary and the published three-member case (+37%, as
// docs/math.md says) are the clearest.

#[test]
fn simulation_identical_pair() {
    // Identical members, no domains: which one serves at the start does
    // not matter, so even a start on the first member is unbiased.
    let text = standby_of(
        &[("a", "2000h", "3h"), ("b", "2000h", "3h")],
        &format!("failover = {}\nswitch_success = 0.99\n", exp("90s")),
    );
    simulation_check("identical pair", &text, 200_000, 1.0, 10, 0.0);
}

#[test]
fn simulation_two_pairs() {
    simulation_check("two pairs", &two_pairs("2y", "2m"), 200_000, 1.0, 11, 0.0);
}

#[test]
fn simulation_three_members_published() {
    simulation_check(
        "three members",
        &three_members_worked(),
        200_000,
        1.0,
        12,
        0.0,
    );
}

#[test]
fn simulation_nested() {
    simulation_check("nested", &nested(), 200_000, 1.0, 13, 0.0);
}

#[test]
fn simulation_replica_group_with_dr() {
    simulation_check(
        "replicas 2/3 + dr",
        &replica_group_dr(),
        200_000,
        1.0,
        14,
        0.0,
    );
}

#[test]
fn simulation_flaky_primary() {
    // Expected to fail while missions start on the first member that is up.
    simulation_check("flaky primary", &flaky_primary(), 200_000, 1.0, 15, 0.0);
}

#[test]
fn simulation_detect_and_revert() {
    let text = detect_revert(Some("30s"), Some("2m"));
    simulation_check(
        "detect 30s, revert failback 2m",
        &text,
        200_000,
        1.0,
        16,
        0.0,
    );
}

/// The dynamics apart from the start: 100-year missions dilute a biased
/// start (its effect falls as 1/T) to well under the 2% allowed here, while
/// a wrong dynamics would not fade. Slow (3 to 4 s a case on 2 cores):
/// `cargo test --release -- --ignored`.
#[test]
#[ignore]
fn simulation_long_missions() {
    for (k, (name, text)) in [
        ("two pairs", two_pairs("2y", "2m")),
        ("three members", three_members_worked()),
        ("nested", nested()),
        ("replicas 2/3 + dr", replica_group_dr()),
        ("flaky primary", flaky_primary()),
        ("shared by two standbys", shared_between_standbys()),
        ("shared with a parallel block", shared_with_static_block()),
    ]
    .into_iter()
    .enumerate()
    {
        simulation_check(name, &text, 20_000, 100.0, 100 + k as u64, 0.02);
    }
}
