//! Contributors are what disappears when a part never fails: checked by
//! re-evaluating a rewritten model file, not the engine's own what-if.
//!
//! For every model in `models/`: each component and domain is made perfect
//! (its figures replaced by `availability = "100%"`), and each standby
//! block's switch made instant and always successful (`failover`,
//! `detect`, `failback` of `"0s"`, `switch_success = 1`); the drop in
//! downtime must equal that part's `downtime_per_year_s`
//! (docs/math.md, "Contributors").

use fivenines::{ContributorKind, System, analytic};
use toml::{Table, Value};

const RELIABILITY_KEYS: &[&str] = &["availability", "mtbf", "mttr", "failure", "repair", "like"];

fn downtime(text: &str) -> f64 {
    let sys = System::from_str("m.toml", text).expect("the rewritten model is valid");
    analytic::evaluate(&sys).unwrap().downtime_per_year_s
}

fn rewrite(table: &Table, kind: &str, name: &str, edit: impl Fn(&mut Table)) -> String {
    let mut t = table.clone();
    let entry = t
        .get_mut(kind)
        .and_then(Value::as_table_mut)
        .and_then(|k| k.get_mut(name))
        .and_then(Value::as_table_mut)
        .unwrap_or_else(|| panic!("{kind}.{name} in the file"));
    edit(entry);
    toml::to_string(&t).unwrap()
}

fn perfect(entry: &mut Table) {
    for k in RELIABILITY_KEYS {
        entry.remove(*k);
    }
    entry.insert("availability".into(), Value::from("100%"));
}

fn instant(entry: &mut Table) {
    for k in ["failover", "detect", "failback"] {
        entry.insert(k.into(), Value::from("0s"));
    }
    entry.insert("switch_success".into(), Value::from(1.0));
}

#[test]
fn every_contributor_is_the_drop_when_it_never_fails() {
    let mut checked = 0;
    let mut standby_lines = 0;
    let mut files: Vec<_> = std::fs::read_dir("models")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let table: Table = text.parse().unwrap();
        let sys = System::from_str("m.toml", &text).unwrap();
        let base = analytic::evaluate(&sys).unwrap();
        let members: Vec<String> = sys
            .standbys()
            .iter()
            .flat_map(|s| s.member_names.clone())
            .collect();
        for c in &base.contributors {
            let (kind, name, edit): (&str, String, fn(&mut Table)) = match c.kind {
                ContributorKind::Component => ("component", c.name.clone(), perfect),
                ContributorKind::Domain => ("domain", c.name.clone(), perfect),
                ContributorKind::Failover => (
                    "block",
                    c.name.trim_end_matches(" (failover)").to_string(),
                    instant,
                ),
            };
            let after = downtime(&rewrite(&table, kind, &name, edit));
            let drop = base.downtime_per_year_s - after;
            let tol = 1e-9 * base.downtime_per_year_s + 1e-9;
            assert!(
                (c.downtime_per_year_s - drop).abs() <= tol,
                "{}: `{}` shows {} s a year, re-evaluated drop {} s",
                path.display(),
                c.name,
                c.downtime_per_year_s,
                drop
            );
            checked += 1;
            if c.kind == ContributorKind::Failover || members.contains(&c.name) {
                standby_lines += 1;
            }
        }
    }
    assert!(checked > 100, "{checked}");
    assert!(standby_lines > 20, "{standby_lines}");
}

/// The example: in the Route 53 model an RDS takeover inside a
/// region is visible in the contributors (it was 128 ms a year when the
/// line held only the takeovers' own first-order term).
#[test]
fn a_failover_inside_a_standby_member_shows_what_it_costs() {
    let text = std::fs::read_to_string("models/route53-multi-region.toml").unwrap();
    let sys = System::from_str("m.toml", &text).unwrap();
    let a = analytic::evaluate(&sys).unwrap();
    let line = a
        .contributors
        .iter()
        .find(|c| c.name == "east-db (failover)")
        .unwrap();
    let table: Table = text.parse().unwrap();
    let after = downtime(&rewrite(&table, "block", "east-db", instant));
    assert!(
        line.downtime_per_year_s > 1.0,
        "{}",
        line.downtime_per_year_s
    );
    assert!((a.downtime_per_year_s - after - line.downtime_per_year_s).abs() < 1e-6);
}
