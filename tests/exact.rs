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
            Node::Item(it) => x >> it.0 & 1 == 1,
            Node::All(c) => c.iter().all(|k| memo[k.0 as usize]),
            Node::AtLeast { k, of } => {
                of.iter().filter(|c| memo[c.0 as usize]).count() >= *k as usize
            }
        };
    }
    memo[sys.root().0 as usize]
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

/// The benchmark workloads' exact unavailabilities (bench README, computed
/// there by an independent BDD tool).
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
