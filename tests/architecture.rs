//! Dependency directions that hold (ARCHITECTURE.md, "Dependency
//! directions"): the engines import neither each other nor the report
//! layer, the catalog does not import the model, and `value` imports no
//! other module of the crate.
//!
//! The check reads the source files and looks for `crate::<module>` paths
//! (in `use` lines and inline paths alike) and for `super::` paths that
//! climb out of a module; root re-exports (`crate::Report`,
//! `crate::Analyzer`, ...) are named too, so they cannot be a back door.

use std::fs;
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, recursively.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// The text without comments (`//` to the end of the line), so that doc
/// comments may name other layers.
fn strip_comments(text: &str) -> String {
    text.lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The source code of a file, without comments.
fn code(path: &Path) -> String {
    strip_comments(&fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

/// Whether `text` has `pattern` followed by something other than an
/// identifier character (so `crate::report` does not match
/// `crate::reporting`, and `crate::Report` does not match `crate::Reports`).
fn mentions(text: &str, pattern: &str) -> bool {
    text.match_indices(pattern).any(|(i, _)| {
        text[i + pattern.len()..]
            .chars()
            .next()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_'))
    })
}

/// Fails listing every file under `src/<dir>` that mentions one of
/// `forbidden`.
fn assert_imports_none(dir: &str, forbidden: &[&str]) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(dir);
    let files = sources(&root);
    assert!(!files.is_empty(), "no sources under {}", root.display());
    let mut found = Vec::new();
    for path in files {
        let text = code(&path);
        for f in forbidden {
            if mentions(&text, f) {
                found.push(format!("{} uses `{f}`", path.display()));
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// Paths into the report layer, including its root re-exports.
const REPORT: &[&str] = &["crate::report", "crate::Report"];
/// Paths into the analytic engine, including its root re-exports.
const ANALYTIC: &[&str] = &[
    "crate::analytic",
    "crate::Analytic",
    "crate::Analyzer",
    "crate::Contributor",
    "crate::ContributorKind",
];
/// Paths into the Monte Carlo engine, including its root re-exports.
const SIMULATE: &[&str] = &[
    "crate::simulate",
    "crate::Simulation",
    "crate::Config",
    "crate::SimulationConfig",
];

/// Paths into the study layer (above both engines).
const STUDY: &[&str] = &["crate::study"];

fn all(groups: &[&[&'static str]]) -> Vec<&'static str> {
    groups.iter().flat_map(|g| g.iter().copied()).collect()
}

#[test]
fn the_analytic_engine_imports_neither_the_simulation_nor_the_report() {
    assert_imports_none("analytic", &all(&[SIMULATE, REPORT, STUDY]));
}

#[test]
fn the_simulation_imports_neither_the_analytic_engine_nor_the_report() {
    assert_imports_none("simulate", &all(&[ANALYTIC, REPORT, STUDY]));
}

#[test]
fn the_markov_chain_imports_no_engine_and_no_report() {
    assert_imports_none("markov", &all(&[ANALYTIC, SIMULATE, REPORT, STUDY]));
}

#[test]
fn the_catalog_does_not_import_the_model() {
    assert_imports_none(
        "catalog",
        &all(&[
            &[
                "crate::model",
                "crate::System",
                "crate::builder",
                "crate::ModelBuilder",
            ],
            ANALYTIC,
            SIMULATE,
            REPORT,
        ]),
    );
}

#[test]
fn the_model_imports_no_engine_and_no_report() {
    assert_imports_none(
        "model",
        &all(&[ANALYTIC, SIMULATE, REPORT, STUDY, &["crate::markov"]]),
    );
}

#[test]
fn the_study_layer_does_not_import_the_report() {
    assert_imports_none("study", REPORT);
}

#[test]
fn values_import_nothing_else_of_the_crate() {
    assert_imports_none(
        "value",
        &all(&[
            &[
                "crate::model",
                "crate::catalog",
                "crate::markov",
                "crate::error",
                "crate::System",
                "super::super",
            ],
            ANALYTIC,
            SIMULATE,
            REPORT,
        ]),
    );
}

#[test]
fn climbing_out_of_a_module_with_super_is_not_used() {
    // `super::super::report` would dodge the checks above.
    for dir in [
        "analytic", "simulate", "markov", "catalog", "model", "value", "study",
    ] {
        assert_imports_none(dir, &["super::super"]);
    }
}

#[test]
fn the_scanner_sees_what_it_looks_for() {
    assert!(mentions("use crate::report::Target;", "crate::report"));
    assert!(mentions("x: crate::report\n", "crate::report"));
    assert!(!mentions("use crate::reporting;", "crate::report"));
    assert!(!mentions("use crate::Reports;", "crate::Report"));
    let doc = "/// See [`crate::report::Target`].\nfn f() {}\n";
    assert!(!mentions(&strip_comments(doc), "crate::report"));
    assert!(mentions(
        &strip_comments("use crate::report; // x"),
        "crate::report"
    ));
}
