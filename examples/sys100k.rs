//! Writes the `sys100k` bench model (1,000 cells × 100 components) to
//! stdout, or `N` cells with `-- N`:
//!
//! ```text
//! cargo run --release --example sys100k > /tmp/sys100k.toml
//! cargo run --release -- estimate /tmp/sys100k.toml
//! ```

#[path = "../benches/common/sys100k.rs"]
mod sys100k;

fn main() {
    let cells = std::env::args()
        .nth(1)
        .map(|a| a.parse().expect("N: a number of cells"))
        .unwrap_or(1_000);
    print!("{}", sys100k::sys100k_toml(cells));
}
