//! Hostile or broken model files: never a panic, always an answer or an
//! error with a place in the file.

use fivenines::{System, analytic};
use proptest::prelude::*;

const SEEDS: &[&str] = &[
    include_str!("../models/multi-az-three-tier.toml"),
    include_str!("../models/dx-vpn-backup.toml"),
    include_str!("models/good/bridge.toml"),
];

fn check(text: &str) {
    match System::from_str("hostile.toml", text) {
        Ok(sys) => {
            let _ = analytic::evaluate(&sys);
        }
        Err(errors) => {
            assert!(!errors.errors.is_empty());
            for e in &errors.errors {
                assert!(e.line >= 1 && e.column >= 1);
                assert!(e.span.end <= text.len());
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn arbitrary_text(text in ".{0,400}") {
        check(&text);
    }

    #[test]
    fn mutated_models(seed in 0usize..3, edits in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..3, "[ -~\n]{0,6}"), 1..6)) {
        let mut text = SEEDS[seed].to_string();
        for (at, op, piece) in edits {
            let mut i = at.index(text.len() + 1);
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            match op {
                0 => text.insert_str(i, &piece),
                1 => {
                    let mut j = (i + piece.len()).min(text.len());
                    while !text.is_char_boundary(j) {
                        j -= 1;
                    }
                    text.replace_range(i..j, "");
                }
                _ => {
                    let mut j = (i + piece.len()).min(text.len());
                    while !text.is_char_boundary(j) {
                        j -= 1;
                    }
                    text.replace_range(i..j, &piece);
                }
            }
        }
        check(&text);
    }
}

#[test]
fn extreme_values_are_errors_or_numbers() {
    for body in [
        "availability = 1e-400",
        "availability = \"100%\"\nmttr = \"0s\"",
        "mtbf = \"99999999999999999999y\"\nmttr = \"1ms\"",
        "failure = { weibull = { shape = 1e-300, scale = \"1h\" } }\nmttr = \"1h\"",
        "failure = { weibull = { shape = 1e300, scale = \"1h\" } }\nmttr = \"1h\"",
        "failure = { lognormal = { mean = \"1h\", sd = \"99999999y\" } }\nmttr = \"1h\"",
        "availability = 0.5\ncount = 99999999999",
        "availability = 0.5\ncount = 10000\nneed = 5000",
        "availability = nan",
        "availability = inf",
        "mtbf = \"1h\"\nmttr = \"nanh\"",
        "failure = { fixed = \"0s\" }\nmttr = \"1h\"",
        "mtbf = \"1ms\"\nmttr = \"99999999999999y\"",
        "availability = \"99.999999999999999999%\"\nmttr = \"1h\"",
        "availability = \"0.0000000000000000001%\"\nmttr = \"1h\"",
        "repair = { fixed = \"0s\" }\nmtbf = \"1h\"",
    ] {
        let text = format!("system = \"x\"\n[component.x]\n{body}\n");
        check(&text);
        if let Ok(sys) = System::from_str("x.toml", &text) {
            match analytic::evaluate(&sys) {
                Ok(a) => {
                    assert!(
                        (0.0..=1.0).contains(&a.availability),
                        "{body}: {}",
                        a.availability
                    );
                    assert!(a.unavailability.is_finite(), "{body}");
                }
                // Too large for the diagram: a clear error, not a panic.
                Err(e) => assert!(
                    matches!(e, fivenines::Error::DiagramTooLarge { .. }),
                    "{body}: {e}"
                ),
            }
            let cfg = fivenines::SimulationConfig {
                runs: 20,
                ..Default::default()
            };
            if let Ok(s) = fivenines::simulate::simulate(&sys, &cfg, None) {
                assert!((0.0..=1.0).contains(&s.availability.mean), "{body}");
            }
        }
    }
}

#[test]
fn replicas_beyond_the_item_cap_are_refused_before_they_are_built() {
    // 400 components of a million replicas each ask for 4e8 items: refused
    // with one error naming the cap, without building a replica (checking
    // allocates nothing per replica, so this is quick and small).
    let mut text = String::from("system = \"c0\"\n");
    for i in 0..400 {
        text.push_str(&format!(
            "[component.c{i}]\navailability = 0.5\ncount = 1000000\n"
        ));
    }
    let e = System::from_str("big.toml", &text).expect_err("over the item cap");
    assert_eq!(e.errors.len(), 1, "{e}");
    assert_eq!(
        e.errors[0].message,
        "the model has 400000000 items (domains and replicas); at most 1000000 are supported"
    );
    // One past the largest count is out of range, with the range named.
    let e = System::from_str(
        "x.toml",
        "system = \"x\"\n[component.x]\navailability = 0.5\ncount = 1000001\n",
    )
    .expect_err("count over the cap");
    assert_eq!(
        e.errors[0].message,
        "`count` must be a whole number from 1 to 1000000"
    );
}

#[test]
fn a_hundred_thousand_replicas_load() {
    let text = "system = \"x\"\n[domain.a]\navailability = 0.999\n[domain.b]\navailability = 0.999\n\
                [component.x]\navailability = 0.5\ncount = 100000\nneed = 1\nspread = [\"a\", \"b\"]\n";
    let sys = System::from_str("x.toml", text).expect("loads");
    assert_eq!(sys.items().len(), 100_002);
    assert_eq!(sys.components()[0].items.len(), 100_000);
    // Round-robin placement: replica j in domain j mod 2.
    let node = sys.node(sys.components()[0].node);
    let fivenines::model::system::Node::AtLeast { k: 1, of } = node else {
        panic!("{node:?}")
    };
    for (j, leaf) in of.iter().enumerate().take(4) {
        let fivenines::model::system::Node::All(pair) = sys.node(*leaf) else {
            panic!("replica {j} not in a domain")
        };
        assert_eq!(pair[1], sys.domains()[j % 2].node, "replica {j}");
    }
}
