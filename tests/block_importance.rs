//! Standby blocks' importance in the first-order fallback: up to 64 blocks
//! each is forced up and down in the whole structure (exact); past 64, one
//! diagram with every block a variable gives them all. The two must agree
//! on the same kind of block: a cell's failover line in a 12-cell model
//! (60 blocks, forced) and in a 13-cell model (65 blocks, variables) differ
//! only by what the extra cell does to the rest, well under 1%. (With every
//! other block at a placeholder probability of 1/2, a block's importance
//! was once 0.5^64.)

#[path = "../benches/common/sys100k.rs"]
mod sys100k;

use fivenines::{Code, ContributorKind, System, analytic};

fn failover_line(cells: usize) -> (f64, f64, bool) {
    let sys = System::from_str("cells.toml", &sys100k::sys100k_toml(cells)).unwrap();
    let a = analytic::evaluate(&sys).unwrap();
    let vars = a
        .approximations
        .iter()
        .any(|f| f.code == Code::BlockImportance);
    let c = a
        .contributors
        .iter()
        .find(|c| c.kind == ContributorKind::Failover && c.name == "c0-s0 (failover)")
        .expect("the first block's failover line");
    (c.downtime_per_year_s, c.birnbaum, vars)
}

#[test]
fn block_variables_agree_with_forcing_each_block() {
    let (forced, b_forced, v12) = failover_line(12);
    let (vars, b_vars, v13) = failover_line(13);
    assert!(!v12 && v13, "12 cells force, 13 cells use variables");
    assert!(b_forced > 0.99 && b_vars > 0.99, "{b_forced} {b_vars}");
    assert!(
        (vars - forced).abs() <= 0.01 * forced,
        "failover line {vars} s (variables) against {forced} s (forced)"
    );
}
