//! `optimize`: branch and bound gives the exhaustive search's answer on
//! generated models (proptest), and the CLI's contract.

use fivenines::System;
use fivenines::study::Study;
use fivenines::study::optimize::{Goal, Method, optimize_by};
use proptest::prelude::*;

/// A model with a `choose` block and count ranges, from generated figures.
fn model(lbs: &[(f64, f64)], tiers: &[(f64, u32, u32, u32, f64)]) -> String {
    let mut s = String::from(
        "system = \"service\"\n[domain.az-a]\navailability = 0.999\n[domain.az-b]\navailability = 0.998\n",
    );
    let mut lb_names = Vec::new();
    for (i, (a, cost)) in lbs.iter().enumerate() {
        s.push_str(&format!(
            "[component.lb{i}]\navailability = {a}\ncost_per_month = {cost}\n"
        ));
        lb_names.push(format!("\"lb{i}\""));
    }
    s.push_str(&format!("[block.lb]\nchoose = [{}]\n", lb_names.join(", ")));
    let mut series = vec!["\"lb\"".to_string()];
    for (i, (a, lo, hi, need, cost)) in tiers.iter().enumerate() {
        s.push_str(&format!(
            "[component.t{i}]\navailability = {a}\ncount = \"{lo}..{hi}\"\nneed = {need}\nspread = [\"az-a\", \"az-b\"]\ncost_per_month = {cost}\n"
        ));
        series.push(format!("\"t{i}\""));
    }
    s.push_str(&format!(
        "[block.service]\nseries = [{}]\n",
        series.join(", ")
    ));
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
    #[test]
    fn branch_and_bound_equals_exhaustive(
        lbs in proptest::collection::vec((0.99f64..0.99999, 5.0f64..50.0), 1..3),
        tiers in proptest::collection::vec((0.9f64..0.999, 1u32..3, 0u32..5, 1.0f64..100.0), 1..4),
        target in 0.99f64..0.999999,
        budget in proptest::option::of(100.0f64..2000.0),
        with_target in any::<bool>(),
    ) {
        let tiers: Vec<(f64, u32, u32, u32, f64)> = tiers
            .iter()
            .map(|&(a, need, extra, cost)| (a, need, need + extra, need, cost))
            .collect();
        let text = model(&lbs, &tiers);
        let study = Study::new(System::from_str("m.toml", &text).unwrap());
        let goal = Goal {
            target: if with_target || budget.is_none() {
                Some(fivenines::Availability::new(target).unwrap())
            } else {
                None
            },
            budget,
        };
        let all = optimize_by(&study, goal, Method::Exhaustive).unwrap();
        let bb = optimize_by(&study, goal, Method::BranchAndBound).unwrap();
        prop_assert!(all.exhaustive && !bb.exhaustive);
        prop_assert_eq!(all.evaluated as u64, all.space);
        match (&all.best, &bb.best) {
            (None, None) => {}
            (Some(a), Some(b)) => {
                // The same optimum (ties between designs of equal figures
                // may pick either).
                prop_assert_eq!(a.cost_per_month, b.cost_per_month, "{:?} vs {:?}", a, b);
                prop_assert!((a.availability - b.availability).abs() <= 1e-15, "{:?} vs {:?}", a, b);
            }
            (a, b) => prop_assert!(false, "exhaustive {:?}, branch and bound {:?}\n{}", a, b, text),
        }
    }
}

#[test]
fn a_billion_designs_answer_with_few_evaluations() {
    // Nine tiers of 1..10 replicas: 10^9 designs.
    let tiers: Vec<(f64, u32, u32, u32, f64)> = (0..9)
        .map(|i| (0.95 + 0.004 * i as f64, 1, 10, 1, 10.0 + 7.0 * i as f64))
        .collect();
    let text = model(&[(0.9999, 20.0)], &tiers);
    let study = Study::new(System::from_str("m.toml", &text).unwrap());
    let goal = Goal {
        target: Some(fivenines::Availability::parse("99.9%").unwrap()),
        budget: None,
    };
    let o = optimize_by(&study, goal, Method::Auto).unwrap();
    assert_eq!(o.space, 1_000_000_000);
    assert!(!o.exhaustive);
    let best = o.best.expect("a design meets 99.9%");
    assert!(best.availability >= 0.999);
    // One replica fewer of any tier misses the target, or costs nothing less.
    for (name, choice) in &best.choices {
        if let fivenines::study::optimize::Choice::Count(n) = choice
            && *n > 1
        {
            let mut changes = Vec::new();
            for (k, v) in &best.choices {
                let c = match v {
                    fivenines::study::optimize::Choice::Count(m) => {
                        if k == name {
                            *m - 1
                        } else {
                            *m
                        }
                    }
                    fivenines::study::optimize::Choice::Member(_) => continue,
                };
                changes.push(fivenines::study::Change::Set(
                    fivenines::study::Setting::parse(&format!("component.{k}.count")).unwrap(),
                    f64::from(c),
                ));
            }
            let a = study.evaluate(&changes).unwrap();
            assert!(
                a.availability < 0.999,
                "{name} one fewer still meets: {best:?}"
            );
        }
    }
    eprintln!("10^9 designs: {} evaluated", o.evaluated);
    assert!(o.evaluated < 1_000_000, "{}", o.evaluated);
}
