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
            let cfg = fivenines::Config {
                runs: 20,
                ..Default::default()
            };
            if let Ok(s) = fivenines::simulate::simulate(&sys, &cfg, None) {
                assert!((0.0..=1.0).contains(&s.availability.mean), "{body}");
            }
        }
    }
}
