//! The `sys100k` bench model: 1,000 cells × 100 components over three AZs
//! in one region, written as model-file text (about 5 MB).
//!
//! A cell is 30 replica groups (3 replicas spread over the AZs, at least
//! 2 of 3 up: 90 components) in series with 5 standby pairs (primary and
//! standby in different AZs, 60 s failover: 10 components); the system is
//! the series of the cells. Every component fails about once a year
//! (MTBF 8,760 h) and is repaired in 4 h. Shared by the criterion benches
//! and `examples/sys100k.rs` (which writes it to stdout for the CLI).

use std::fmt::Write as _;

/// The model text for `cells` cells (1,000 for the bench model).
pub fn sys100k_toml(cells: usize) -> String {
    let mut s = String::with_capacity(cells * 5_500);
    let _ = writeln!(
        s,
        "name = \"bench sys100k: {cells} cells x 100 components over 3 AZs\"\nsystem = \"sys\"\n"
    );
    s.push_str("[domain.region]\nmtbf = \"43800h\"\nmttr = \"4h\"\n\n");
    for az in 0..3 {
        let _ = writeln!(
            s,
            "[domain.az{az}]\nmtbf = \"17520h\"\nmttr = \"4h\"\nwithin = \"region\"\n"
        );
    }
    let mut top = Vec::with_capacity(cells);
    for c in 0..cells {
        let mut members = Vec::with_capacity(35);
        for g in 0..30 {
            let _ = writeln!(
                s,
                "[component.c{c}-g{g}]\nmtbf = \"8760h\"\nmttr = \"4h\"\ncount = 3\nneed = 2\nspread = [\"az0\", \"az1\", \"az2\"]\n"
            );
            members.push(format!("\"c{c}-g{g}\""));
        }
        for k in 0..5 {
            let (a, b) = (k % 3, (k + 1) % 3);
            let _ = writeln!(
                s,
                "[component.c{c}-s{k}-a]\nmtbf = \"8760h\"\nmttr = \"4h\"\ndomain = \"az{a}\"\n\n[component.c{c}-s{k}-b]\nmtbf = \"8760h\"\nmttr = \"4h\"\ndomain = \"az{b}\"\n\n[block.c{c}-s{k}]\nstandby = [\"c{c}-s{k}-a\", \"c{c}-s{k}-b\"]\nfailover = \"60s\"\n"
            );
            members.push(format!("\"c{c}-s{k}\""));
        }
        let _ = writeln!(s, "[block.c{c}]\nseries = [{}]\n", members.join(", "));
        top.push(format!("\"c{c}\""));
    }
    let _ = writeln!(s, "[block.sys]\nseries = [{}]", top.join(", "));
    s
}
