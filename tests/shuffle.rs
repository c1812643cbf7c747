//! Shuffling the members of every series and parallel block (standby
//! order and `spread` are meaningful and stay) leaves every result the
//! same and the decision diagram within 2x, on every shipped and bench
//! model. The test rewrites the model text itself.

use fivenines::{Analyzer, System};

/// A small deterministic generator (no seed shared with the library).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

fn shuffled(text: &str, seed: u64) -> String {
    let mut doc: toml::Table = text.parse().expect("model parses as TOML");
    let mut rng = Lcg(seed);
    if let Some(toml::Value::Table(blocks)) = doc.get_mut("block") {
        for (_, b) in blocks.iter_mut() {
            for key in ["series", "parallel"] {
                if let Some(toml::Value::Array(a)) = b.get_mut(key) {
                    for i in (1..a.len()).rev() {
                        a.swap(i, rng.next(i + 1));
                    }
                }
            }
        }
    }
    toml::to_string(&doc).expect("serialises")
}

fn models() -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for dir in ["models", "benches/models", "benches/scram/models"] {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        for e in std::fs::read_dir(&dir).expect("model directory") {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "toml") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn close(x: f64, y: f64, what: &str) {
    let tol = 1e-12 * x.abs().max(y.abs()).max(1e-300);
    assert!((x - y).abs() <= tol.max(1e-15), "{what}: {x} vs {y}");
}

#[test]
fn shuffled_members_leave_results_and_sizes() {
    let mut checked = 0;
    for path in models() {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.display().to_string();
        let Ok(sys) = System::from_str(&name, &text) else {
            panic!("{name} does not load");
        };
        let base_an = Analyzer::new(&sys).unwrap();
        let base = base_an.evaluate();
        for seed in [1u64, 2] {
            let t2 = shuffled(&text, seed);
            let sys2 = System::from_str(&name, &t2).unwrap();
            let an = Analyzer::new(&sys2).unwrap();
            let r = an.evaluate();
            close(
                base.availability,
                r.availability,
                &format!("{name} availability"),
            );
            close(
                base.unavailability,
                r.unavailability,
                &format!("{name} unavailability"),
            );
            let (a, b) = (base_an.bdd_nodes() as f64, an.bdd_nodes() as f64);
            assert!(a <= 2.0 * b && b <= 2.0 * a, "{name}: {a} vs {b} nodes");
            assert_eq!(base.contributors.len(), r.contributors.len(), "{name}");
            for c in &base.contributors {
                let d = r
                    .contributors
                    .iter()
                    .find(|d| d.name == c.name)
                    .unwrap_or_else(|| panic!("{name}: {} missing", c.name));
                close(
                    c.downtime_per_year_s,
                    d.downtime_per_year_s,
                    &format!("{name} {}", c.name),
                );
                close(
                    c.birnbaum,
                    d.birnbaum,
                    &format!("{name} {} birnbaum", c.name),
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 40, "{checked} shuffles checked");
}
