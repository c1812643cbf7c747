//! The converted SCRAM benchmark models (benches/scram/models, made by
//! examples/mef2model.rs) give SCRAM's own top-event probability, to the
//! six significant digits SCRAM 0.16.2 prints
//! (`scram --bdd --probability 1 --importance 1 INPUT`, the
//! `probability` of its `sum-of-products`; benches/scram/README.md).

use fivenines::{Analyzer, System};

const SCRAM: &[(&str, &str)] = &[
    ("200_event", "0.559854"),
    ("telecom", "0.258132"),
    ("baobab1", "1.2823e-06"),
    ("baobab2", "0.0208686"),
    ("chinese", "0.00456932"),
    ("das9201", "0.0134237"),
    ("das9204", "2.16942e-11"),
    ("edf9202", "0.781302"),
    ("edfpa15b", "0.362737"),
    ("edfpa15o", "0.362956"),
    ("elf9601", "0.0966291"),
    ("ftr10", "0.448677"),
    ("isp9604", "0.142751"),
    ("jbd9601", "0.755091"),
];

#[test]
fn top_probability_as_scram_prints_it() {
    for (name, printed) in SCRAM {
        let path = format!(
            "{}/benches/scram/models/{name}.toml",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(&path).expect("bench model");
        let sys = System::from_str(&path, &text).expect("loads");
        let q = Analyzer::new(&sys)
            .expect("builds")
            .evaluate()
            .unavailability;
        let want: f64 = printed.parse().unwrap();
        // Six significant digits: within half a unit of the sixth.
        let digits = printed
            .trim_start_matches(['0', '.'])
            .split('e')
            .next()
            .unwrap();
        let sig = digits.chars().filter(char::is_ascii_digit).count() as i32;
        let unit = 10f64.powi(want.abs().log10().floor() as i32 - (sig - 1));
        assert!(
            (q - want).abs() <= 0.5 * unit * (1.0 + 1e-9),
            "{name}: fivenines {q:e}, scram prints {printed}"
        );
    }
}
