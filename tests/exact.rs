//! The analytic engine against brute-force enumeration of all 2^n item
//! states, on random models with shared names, replicas and nested domains.

use fivenines::model::system::{Node, System};
use fivenines::{YEAR_S, analytic};
use proptest::prelude::*;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

/// Writes a random model as TOML text: up to `max_items` items in all.
fn random_model(seed: u64, max_items: usize) -> String {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut t = String::from("name = \"random\"\nsystem = \"top\"\n");
    let mut items = 0;
    let hours =
        |rng: &mut StdRng, lo: f64, hi: f64| format!("\"{:.3}h\"", rng.random_range(lo..hi));

    let n_domains = rng.random_range(0..=3usize.min(max_items - 1));
    for d in 0..n_domains {
        t += &format!(
            "[domain.d{d}]\nmtbf = {}\nmttr = {}\n",
            hours(&mut rng, 50.0, 500.0),
            hours(&mut rng, 1.0, 40.0)
        );
        if d > 0 && rng.random_bool(0.4) {
            t += &format!("within = \"d{}\"\n", rng.random_range(0..d));
        }
        items += 1;
    }
    let mut names = Vec::new();
    let mut c = 0;
    while items < max_items {
        let room = max_items - items;
        let count = rng.random_range(1..=room.min(3));
        t += &format!("[component.c{c}]\n");
        if rng.random_bool(0.5) {
            t += &format!(
                "mtbf = {}\nmttr = {}\n",
                hours(&mut rng, 5.0, 300.0),
                hours(&mut rng, 0.5, 60.0)
            );
        } else {
            t += &format!(
                "availability = {:.6}\nmttr = {}\n",
                rng.random_range(0.5..0.999),
                hours(&mut rng, 0.5, 60.0)
            );
        }
        if count > 1 {
            t += &format!("count = {count}\nneed = {}\n", rng.random_range(1..=count));
        }
        if n_domains > 0 && rng.random_bool(0.7) {
            if count > 1 && rng.random_bool(0.5) {
                let spread: Vec<String> = (0..rng.random_range(1..=n_domains))
                    .map(|k| format!("\"d{k}\""))
                    .collect();
                t += &format!("spread = [{}]\n", spread.join(", "));
            } else {
                t += &format!("domain = \"d{}\"\n", rng.random_range(0..n_domains));
            }
        }
        names.push(format!("c{c}"));
        items += count;
        c += 1;
        if rng.random_bool(0.2) {
            break;
        }
    }
    // Blocks over earlier names: picks repeat across blocks (shared names).
    let n_blocks = rng.random_range(1..=5usize);
    for b in 0..n_blocks {
        let size = rng.random_range(1..=names.len().min(4));
        let mut members: Vec<String> = Vec::new();
        while members.len() < size {
            let m = names[rng.random_range(0..names.len())].clone();
            if !members.contains(&m) {
                members.push(m);
            }
        }
        let list: Vec<String> = members.iter().map(|m| format!("\"{m}\"")).collect();
        let list = list.join(", ");
        t += &format!("[block.b{b}]\n");
        match rng.random_range(0..3) {
            0 => t += &format!("series = [{list}]\n"),
            1 => {
                t += &format!(
                    "parallel = [{list}]\nneed = {}\n",
                    rng.random_range(1..=size)
                )
            }
            _ => t += &format!("standby = [{list}]\n"),
        }
        names.push(format!("b{b}"));
    }
    t.replace(&format!("[block.b{}]", n_blocks - 1), "[block.top]")
}

/// Whether the system is up in state `x` (bit i = item i up).
fn phi(sys: &System, x: u64, memo: &mut [bool]) -> bool {
    for (i, n) in sys.nodes().iter().enumerate() {
        memo[i] = match n {
            Node::Item(it) => x >> it.index() & 1 == 1,
            Node::All(c) => c.iter().all(|k| memo[k.index()]),
            Node::AtLeast { k, of } => of.iter().filter(|c| memo[c.index()]).count() >= *k as usize,
        };
    }
    memo[sys.root().index()]
}

/// (availability, outages a year) by enumeration: every state's probability,
/// and in every up state the rate of each single failure that brings the
/// system down (1 / MTBF of that item).
fn enumerate(sys: &System) -> (f64, f64) {
    let n = sys.items().len();
    assert!(n <= 16);
    let mut memo = vec![false; sys.nodes().len()];
    let (mut a_sys, mut f_sys) = (0.0, 0.0);
    for x in 0..1u64 << n {
        let mut p = 1.0;
        for (i, it) in sys.items().iter().enumerate() {
            let av = it.rates.availability;
            p *= if x >> i & 1 == 1 {
                av.value()
            } else {
                av.unavailability()
            };
        }
        if !phi(sys, x, &mut memo) {
            continue;
        }
        a_sys += p;
        for (i, it) in sys.items().iter().enumerate() {
            if x >> i & 1 == 1 && !phi(sys, x & !(1 << i), &mut memo) {
                f_sys += p / it.rates.mtbf_s.expect("random models have time scales");
            }
        }
    }
    (a_sys, f_sys * YEAR_S)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn engine_equals_enumeration(seed in any::<u64>(), max_items in 1usize..=12) {
        let text = random_model(seed, max_items);
        let sys = System::from_str("random.toml", &text).map_err(|e| TestCaseError::fail(format!("{e:?}\n{text}")))?;
        let a = analytic::evaluate(&sys).unwrap();
        let (a_enum, f_enum) = enumerate(&sys);
        prop_assert!((a.availability - a_enum).abs() < 1e-12, "A {} vs {}\n{}", a.availability, a_enum, text);
        prop_assert!((a.unavailability - (1.0 - a_enum)).abs() < 1e-12);
        let f = a.outages_per_year.expect("time scales given");
        prop_assert!((f - f_enum).abs() <= 1e-12 * YEAR_S.max(1.0) * 1e-3 + 1e-9 * f_enum, "f {} vs {}\n{}", f, f_enum, text);
        prop_assert!((0.0..=1.0).contains(&a.availability));
        // Improvement potential of each single-item component, by enumeration
        // with that item made perfect.
        for c in a.contributors.iter().filter(|c| c.downtime_per_year_s > 0.0) {
            prop_assert!(c.downtime_per_year_s <= a.downtime_per_year_s * (1.0 + 1e-9) + 1e-6);
        }
    }
}

#[test]
fn improvement_potential_matches_enumeration() {
    // A replica group made perfect, checked by enumerating with its items up.
    let text = r#"
        system = "top"
        [domain.az]
        availability = 0.99
        [component.web]
        availability = 0.9
        count = 3
        need = 2
        spread = ["az"]
        [component.db]
        availability = 0.95
        domain = "az"
        [block.top]
        series = ["web", "db"]
    "#;
    let sys = System::from_str("m.toml", text).unwrap();
    let a = analytic::evaluate(&sys).unwrap();
    let web = a.contributors.iter().find(|c| c.name == "web").unwrap();
    // web perfect: top = az * db.
    let want = (0.99 * 0.95 - a.availability) * YEAR_S;
    assert!(
        (web.downtime_per_year_s - want).abs() < 1e-6,
        "{} vs {want}",
        web.downtime_per_year_s
    );
    let az = a.contributors.iter().find(|c| c.name == "az").unwrap();
    // az perfect: top = P(2 of 3 at 0.9) * 0.95.
    let two_of_three = 3.0 * 0.9f64.powi(2) * 0.1 + 0.9f64.powi(3);
    let want = (two_of_three * 0.95 - a.availability) * YEAR_S;
    assert!(
        (az.downtime_per_year_s - want).abs() < 1e-6,
        "{} vs {want}",
        az.downtime_per_year_s
    );
}

/// The benchmark workloads' exact unavailabilities (docs/math.md; published
/// in the benchmark README, computed there by an independent BDD tool).
#[test]
fn bench_workloads_match_published_values() {
    for (file, want) in [
        ("analytic-d1", 9.9999999505e-9),
        ("analytic-d2", 2.2022043848e-5),
        ("analytic-d2-replicas", 2.2022043848e-5),
    ] {
        let sys = System::from_path(format!("benches/models/{file}.toml")).unwrap();
        let a = analytic::evaluate(&sys).unwrap();
        assert!(
            (a.unavailability - want).abs() < 1e-10 * want.max(1e-9) * 10.0,
            "{file}: {} vs {want}",
            a.unavailability
        );
        // d1 closed form: 100 blocks of 10 parallel components at 0.9.
        if file == "analytic-d1" {
            let closed = -(100.0 * (-1e-10f64).ln_1p()).exp_m1();
            assert!(
                (a.unavailability - closed).abs() < 1e-20,
                "{}",
                a.unavailability
            );
        }
    }
}

/// `ln C(n, j)` for `j` in `0..=n`, by the running sum of `ln((n-i)/(i+1))`.
fn ln_binomials(n: usize) -> Vec<f64> {
    let mut out = Vec::with_capacity(n + 1);
    let mut acc = 0.0;
    out.push(acc);
    for i in 0..n {
        acc += ((n - i) as f64).ln() - ((i + 1) as f64).ln();
        out.push(acc);
    }
    out
}

/// `ln` of a sum of `exp(terms)`, by the largest term.
fn log_sum_exp(terms: impl Iterator<Item = f64> + Clone) -> f64 {
    let top = terms.clone().fold(f64::NEG_INFINITY, f64::max);
    if top == f64::NEG_INFINITY {
        return top;
    }
    top + terms.map(|t| (t - top).exp()).sum::<f64>().ln()
}

/// P(more than `m - k` of `m` replicas down), each down with probability
/// `q` (up with `a`), summed in log space: the unavailability of "at least
/// `k` of `m` up". One when `m < k`.
fn binomial_down_tail(m: usize, k: usize, a: f64, q: f64) -> f64 {
    if m < k {
        return 1.0;
    }
    let lc = ln_binomials(m);
    let (la, lq) = (a.ln(), q.ln());
    log_sum_exp((m - k + 1..=m).map(|j| lc[j] + j as f64 * lq + (m - j) as f64 * la)).exp()
}

/// P(exactly `j` of `m` down).
fn binomial_pmf_down(m: usize, j: usize, a: f64, q: f64) -> f64 {
    let lc = ln_binomials(m);
    (lc[j] + j as f64 * q.ln() + (m - j) as f64 * a.ln()).exp()
}

fn rel_close(got: f64, want: f64, tol: f64, what: &str) {
    assert!(
        (got - want).abs() <= tol * want.abs(),
        "{what}: {got:e} vs {want:e} (relative {:e})",
        (got - want).abs() / want.abs()
    );
}

/// A replica group of `count` with `need`, spread over `domains` domains
/// (none when zero).
fn replica_model(count: usize, need: usize, domains: usize) -> String {
    let mut t = String::from("system = \"r\"\n");
    for d in 0..domains {
        t += &format!(
            "[domain.z{d}]\nmtbf = \"{}h\"\nmttr = \"2h\"\n",
            5000 + 1000 * d
        );
    }
    t += &format!(
        "[component.r]\nmtbf = \"1999h\"\nmttr = \"1h\"\ncount = {count}\nneed = {need}\n"
    );
    if domains > 0 {
        let list: Vec<String> = (0..domains).map(|d| format!("\"z{d}\"")).collect();
        t += &format!("spread = [{}]\n", list.join(", "));
    }
    t
}

fn item_aq(sys: &System, name: &str) -> (f64, f64) {
    let it = sys.items().iter().find(|i| i.name == name).unwrap();
    (
        it.rates.availability.value(),
        it.rates.availability.unavailability(),
    )
}

#[test]
fn k_of_n_10000_need_9990_is_the_binomial_tail() {
    // The reduced diagram is a band of 11 counts a level; the threshold
    // used to fill all 9,991 and overflow.
    let (n, k) = (10_000, 9_990);
    let sys = System::from_str("m.toml", &replica_model(n, k, 0)).unwrap();
    let analyzer = fivenines::Analyzer::new(&sys).unwrap();
    assert!(
        analyzer.bdd_nodes() <= n * (n - k + 1) + 2,
        "{}",
        analyzer.bdd_nodes()
    );
    let a = analyzer.evaluate();
    let (ar, qr) = item_aq(&sys, "r[0]");
    // q = 1/2000: 5 down on average, the tail beyond 10 is about 1.4%.
    let want = binomial_down_tail(n, k, ar, qr);
    assert!(want > 1e-3 && want < 0.1, "{want}");
    rel_close(a.unavailability, want, 1e-9, "unavailability");
    rel_close(1.0 - a.availability, want, 1e-9, "availability");
    // Outages: each replica's failures that find exactly 10 of the other
    // 9,999 down (Birnbaum importance), n replicas at 1/(MTBF+MTTR) each.
    let f_item = 1.0 / (2000.0 * 3600.0);
    let f_want = n as f64 * f_item * binomial_pmf_down(n - 1, n - k, ar, qr) * YEAR_S;
    rel_close(a.outages_per_year.unwrap(), f_want, 1e-9, "outages a year");
}

#[test]
fn k_of_n_10000_need_9990_spread_over_two_domains() {
    // Conditioning on the domains: with one down, its 5,000 replicas are
    // down and 9,990 of the other 5,000 cannot be up.
    let (n, k) = (10_000, 9_990);
    let sys = System::from_str("m.toml", &replica_model(n, k, 2)).unwrap();
    let analyzer = fivenines::Analyzer::new(&sys).unwrap();
    assert!(analyzer.bdd_nodes() <= n * (n - k + 1) + 100);
    let a = analyzer.evaluate();
    let (ar, qr) = item_aq(&sys, "r[0]");
    let (a0, q0) = item_aq(&sys, "z0");
    let (a1, q1) = item_aq(&sys, "z1");
    let want = q0 * q1
        + a0 * a1 * binomial_down_tail(n, k, ar, qr)
        + a0 * q1 * binomial_down_tail(n / 2, k, ar, qr)
        + q0 * a1 * binomial_down_tail(n / 2, k, ar, qr);
    rel_close(a.unavailability, want, 1e-9, "unavailability");
}

#[test]
fn k_of_n_spread_over_two_domains_conditions_on_them() {
    // need below half: either domain alone can carry the group.
    let (n, k) = (2_000, 995);
    let sys = System::from_str("m.toml", &replica_model(n, k, 2)).unwrap();
    let a = fivenines::Analyzer::new(&sys).unwrap().evaluate();
    let (ar, qr) = item_aq(&sys, "r[0]");
    let (a0, q0) = item_aq(&sys, "z0");
    let (a1, q1) = item_aq(&sys, "z1");
    let half = binomial_down_tail(n / 2, k, ar, qr);
    let want =
        q0 * q1 + a0 * a1 * binomial_down_tail(n, k, ar, qr) + a0 * q1 * half + q0 * a1 * half;
    assert!(half > 1e-6 && half < 0.5, "{half}");
    rel_close(a.unavailability, want, 1e-9, "unavailability");
}

/// `b_i = series/parallel [b_{i+1}, c_i]` (alternating, series outermost),
/// the innermost block over `c_{n-1}` and `c_n`; `inner_first` lists the
/// inner block before the block's own component.
fn alternating_chain(levels: usize, inner_first: bool) -> String {
    let mut t = String::from("system = \"b0\"\n");
    for i in 0..=levels {
        t += &format!(
            "[component.c{i}]\nmtbf = \"{}h\"\nmttr = \"{}h\"\n",
            500 + i % 7,
            1 + i % 3
        );
    }
    for i in 0..levels {
        let inner = if i + 1 < levels {
            format!("b{}", i + 1)
        } else {
            format!("c{levels}")
        };
        let kind = if i % 2 == 0 { "series" } else { "parallel" };
        let (x, y) = if inner_first {
            (inner, format!("c{i}"))
        } else {
            (format!("c{i}"), inner)
        };
        t += &format!("[block.b{i}]\n{kind} = [\"{x}\", \"{y}\"]\n");
    }
    t
}

#[test]
fn alternating_chain_of_10000_levels_either_way_round() {
    let levels = 10_000;
    let mut results = Vec::new();
    for inner_first in [true, false] {
        let sys = System::from_str("chain.toml", &alternating_chain(levels, inner_first)).unwrap();
        let analyzer = fivenines::Analyzer::new(&sys).unwrap();
        // One node a component.
        assert_eq!(
            analyzer.bdd_nodes(),
            levels + 1 + 2,
            "inner first: {inner_first}"
        );
        let a = analyzer.evaluate();
        // Closed form, innermost out, on unavailabilities.
        let q = |i: usize| item_aq(&sys, &format!("c{i}")).1;
        let mut u = q(levels);
        for i in (0..levels).rev() {
            u = if i % 2 == 0 {
                q(i) + u - q(i) * u
            } else {
                q(i) * u
            };
        }
        rel_close(a.unavailability, u, 1e-9, "chain unavailability");
        results.push(a);
    }
    let (x, y) = (&results[0], &results[1]);
    assert_eq!(x.bdd_nodes, y.bdd_nodes);
    rel_close(
        x.unavailability,
        y.unavailability,
        1e-14,
        "same unavailability",
    );
    rel_close(
        x.outages_per_year.unwrap(),
        y.outages_per_year.unwrap(),
        1e-12,
        "same outages",
    );
}

#[test]
fn wide_series_of_mixed_parts_builds_in_linear_time() {
    // 3,000 components and 3,000 two-of-three groups written alternately in
    // one series: moving the groups below the components would make every
    // conjunction copy the components already placed (quadratic).
    let m = 3_000;
    let mut t = String::from("system = \"top\"\n");
    let mut members = Vec::new();
    for i in 0..m {
        t += &format!("[component.c{i}]\nmtbf = \"90000h\"\nmttr = \"1h\"\n");
        t += &format!("[component.g{i}]\nmtbf = \"900h\"\nmttr = \"2h\"\ncount = 3\nneed = 2\n");
        members.push(format!("\"c{i}\", \"g{i}\""));
    }
    t += &format!("[block.top]\nseries = [{}]\n", members.join(", "));
    let sys = System::from_str("wide.toml", &t).unwrap();
    let analyzer = fivenines::Analyzer::new(&sys).unwrap();
    assert!(
        analyzer.bdd_nodes() <= 5 * m + 2,
        "{}",
        analyzer.bdd_nodes()
    );
    let a = analyzer.evaluate();
    let (ac, _) = item_aq(&sys, "c0");
    let (ag, qg) = item_aq(&sys, "g0[0]");
    let group = ag * ag * ag + 3.0 * ag * ag * qg;
    let want = -(m as f64 * (ac * group).ln()).exp_m1();
    rel_close(a.unavailability, want, 1e-9, "wide series");
}
