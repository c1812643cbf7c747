//! Charts, the diagram and the review page: every chart to SVG and PNG
//! (the SVG parses as XML and names what it shows; the PNG decodes at the
//! requested size and is not one colour; the same PNG bytes without any
//! system font), the diagram of every model in models/ (every component
//! and block named, edges counted against the model file's own structure),
//! the review page (well-formed, nothing external), and the README's
//! pictures against the script that makes them.
#![cfg(feature = "charts")]

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use fivenines::chart::{self, ImageFormat, OptionPoint, Size, YearDowntime};
use fivenines::study::{Study, Vary, blast, sweep};
use fivenines::{Availability, Report, System, analytic};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn models() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("models"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    v.sort();
    assert!(v.len() >= 10, "models/ holds the example models");
    v
}

fn report(path: &Path, target: Option<&str>) -> (System, Report) {
    let sys = System::from_path(path).unwrap();
    let a = analytic::evaluate(&sys).unwrap();
    let t = target.map(|t| Availability::parse(t).unwrap());
    let r = Report::analytic(&sys, &a, t);
    (sys, r)
}

/// Parses an SVG and returns every text it shows (text nodes and titles).
fn svg_texts(bytes: &[u8]) -> String {
    let text = std::str::from_utf8(bytes).expect("SVG is UTF-8");
    let doc = roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("SVG is not XML: {e}"));
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    let mut out = String::new();
    for n in doc.descendants().filter(|n| n.is_text()) {
        out.push_str(n.text().unwrap_or(""));
        out.push('\n');
    }
    out
}

/// Decodes a PNG: its size and how many distinct colours it has.
fn png_info(bytes: &[u8]) -> (u32, u32, usize) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("a PNG frame");
    let px = info.color_type.samples();
    let colours: HashSet<&[u8]> = buf[..info.buffer_size()].chunks(px).collect();
    (info.width, info.height, colours.len())
}

/// Checks a chart in both formats: names in the SVG, size and colours of
/// the PNG.
/// With `FIVENINES_KEEP_CHARTS=DIR`, the charts are also written there to
/// be looked at.
fn check_both(tag: &str, draw: impl Fn(ImageFormat, Size) -> Vec<u8>, names: &[&str]) {
    let svg = draw(ImageFormat::Svg, Size::DEFAULT);
    if let Some(dir) = std::env::var_os("FIVENINES_KEEP_CHARTS") {
        let dir = PathBuf::from(dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{tag}.svg")), &svg).unwrap();
        std::fs::write(
            dir.join(format!("{tag}.png")),
            draw(ImageFormat::Png, Size::DEFAULT),
        )
        .unwrap();
    }
    let texts = svg_texts(&svg);
    for n in names {
        assert!(texts.contains(n), "SVG does not show {n:?}:\n{texts}");
    }
    let size = Size {
        width: 640,
        height: 400,
    };
    let png = draw(ImageFormat::Png, size);
    let (w, h, colours) = png_info(&png);
    assert_eq!((w, h), (640, 400));
    assert!(colours > 8, "PNG nearly blank: {colours} colours");
    // Deterministic.
    assert_eq!(png, draw(ImageFormat::Png, size));
}

#[test]
fn contributors_chart_names_parts_and_marks_budget() {
    let (_, r) = report(
        &root().join("models/multi-az-three-tier.toml"),
        Some("99.99%"),
    );
    let top: Vec<String> = r
        .contributors
        .iter()
        .take(3)
        .map(|c| c.name.clone())
        .collect();
    let mut names: Vec<&str> = top.iter().map(String::as_str).collect();
    names.push("budget of 99.99%");
    names.push("(h)");
    check_both(
        "contributors",
        |f, s| chart::contributors(&r, f, s).unwrap(),
        &names,
    );
}

#[test]
fn options_and_cost_charts() {
    // Costs, so that the cost chart has points: three options of a small
    // model with different redundancy and price.
    let model = |count: u32, cost: f64| {
        format!(
            "name = \"web x{count}\"\nsystem = \"app\"\n[component.web]\navailability = \"99.5%\"\nmttr = \"2h\"\ncount = {count}\ncost_per_month = {cost}\n[component.db]\navailability = \"99.99%\"\nmttr = \"1h\"\ncost_per_month = 100\n[block.app]\nseries = [\"web\", \"db\"]\n"
        )
    };
    let target = Availability::parse("99.98%").unwrap();
    let reports: Vec<(String, Report)> = [(1, 50.0), (2, 50.0), (3, 50.0)]
        .iter()
        .map(|&(n, c)| {
            let sys = System::from_str("m.toml", &model(n, c)).unwrap();
            let a = analytic::evaluate(&sys).unwrap();
            (
                format!("web-x{n}"),
                Report::analytic(&sys, &a, Some(target)),
            )
        })
        .collect();
    let opts: Vec<OptionPoint<'_>> = reports
        .iter()
        .map(|(l, r)| OptionPoint {
            label: l,
            report: r,
        })
        .collect();
    check_both(
        "options",
        |f, s| chart::options(&opts, None, f, s).unwrap(),
        &[
            "web-x1",
            "web-x2",
            "web-x3",
            "target 99.98%",
            "150 USD/month",
        ],
    );
    // web x1 misses 99.98%; x2 and x3 meet it: x2 is the cheapest.
    assert!(!reports[0].1.target_met() && reports[1].1.target_met());
    check_both(
        "cost",
        |f, s| chart::cost(&opts, f, s).unwrap(),
        &[
            "Pareto front",
            "cheapest meeting 99.98%: web-x2",
            "USD a month",
        ],
    );
    // Without any cost: a clear error, not an empty chart.
    let (_, plain) = report(&root().join("models/dx-only.toml"), None);
    let none = [OptionPoint {
        label: "dx-only",
        report: &plain,
    }];
    assert!(matches!(
        chart::cost(&none, ImageFormat::Svg, Size::DEFAULT),
        Err(chart::ChartError::Empty(_))
    ));
}

#[test]
fn sweep_line_marks_crossing_and_heat_map() {
    let sys = System::from_path(root().join("models/multi-az-three-tier.toml")).unwrap();
    let study = Study::new(sys);
    let a = analytic::evaluate(study.base()).unwrap();
    // A target between the ends of the range, so that it is crossed.
    let vary = [Vary::parse("component.alb.mttr=1m..10h:12").unwrap()];
    let lo = sweep(&study, &vary, None).unwrap();
    let ends = (
        lo.points.first().unwrap().availability,
        lo.points.last().unwrap().availability,
    );
    let mid = (ends.0 + ends.1) / 2.0;
    assert!(a.availability > 0.0);
    let s = sweep(&study, &vary, Some(Availability::new(mid).unwrap())).unwrap();
    assert_eq!(s.crossing.len(), 1, "the target is crossed once");
    check_both(
        "sweep",
        |f, sz| chart::sweep(&s, f, sz).unwrap(),
        &["component.alb.mttr", "meets the target below", "log scale"],
    );
    let two = [
        Vary::parse("component.alb.mttr=1m..10h:5").unwrap(),
        Vary::parse("block.db.failover=30s..5m:4").unwrap(),
    ];
    let s2 = sweep(&study, &two, Some(Availability::new(mid).unwrap())).unwrap();
    check_both(
        "sweep-heat",
        |f, sz| chart::sweep(&s2, f, sz).unwrap(),
        &["component.alb.mttr", "block.db.failover", "target crossing"],
    );
}

#[test]
fn downtime_chart_marks_percentiles_and_budget() {
    // A made-up histogram: 1,000 years, log bins from 1 min to 10 h.
    let edges: Vec<f64> = (0..=10)
        .map(|i| 60.0 * 10f64.powf(i as f64 * 0.26))
        .collect();
    let counts = vec![30, 80, 150, 200, 180, 120, 80, 50, 30, 20];
    let d = YearDowntime {
        name: "synthetic".into(),
        edges_s: edges,
        counts,
        zero_years: 60,
        p50_s: 1500.0,
        p90_s: 7000.0,
        p99_s: 20_000.0,
        budget: Some((3153.6, "99.99%".into())),
        p_meet: Some(0.62),
    };
    check_both(
        "downtime",
        |f, s| chart::downtime(&d, f, s).unwrap(),
        &[
            "p50 25.0 min",
            "p90",
            "p99",
            "budget of 99.99%",
            "P(meeting 99.99%) = 62%",
        ],
    );
    let mut bad = d.clone();
    bad.counts.pop();
    assert!(chart::downtime(&bad, ImageFormat::Svg, Size::DEFAULT).is_err());
}

/// The edges the diagram draws for the model file, counted from its text:
/// one into and one out of the system, n − 1 in a series of n members, 2n
/// in a parallel or standby block of n, a choice drawn at its first member,
/// every use of a block drawn again.
fn expected_edges(model: &toml::Table) -> (usize, Vec<String>) {
    let blocks = model
        .get("block")
        .and_then(|b| b.as_table())
        .cloned()
        .unwrap_or_default();
    fn walk(name: &str, blocks: &toml::Table) -> usize {
        let Some(b) = blocks.get(name).and_then(|b| b.as_table()) else {
            return 0; // a component
        };
        let members = |k: &str| {
            b.get(k).and_then(|v| v.as_array()).map(|a| {
                a.iter()
                    .map(|m| m.as_str().unwrap().to_string())
                    .collect::<Vec<_>>()
            })
        };
        if let Some(m) = members("series") {
            m.len().saturating_sub(1) + m.iter().map(|x| walk(x, blocks)).sum::<usize>()
        } else if let Some(m) = members("parallel").or_else(|| members("standby")) {
            2 * m.len() + m.iter().map(|x| walk(x, blocks)).sum::<usize>()
        } else if let Some(m) = members("choose") {
            walk(&m[0], blocks)
        } else {
            panic!("block {name} without members")
        }
    }
    let system = model["system"].as_str().unwrap();
    let names = model
        .get("component")
        .and_then(|c| c.as_table())
        .into_iter()
        .flat_map(|t| t.keys().cloned())
        .chain(blocks.keys().cloned())
        .collect();
    (2 + walk(system, &blocks), names)
}

#[test]
fn diagram_of_every_model_names_everything_and_draws_its_edges() {
    for path in models() {
        let text = std::fs::read_to_string(&path).unwrap();
        let model: toml::Table = toml::from_str(&text).unwrap();
        let sys = System::from_path(&path).unwrap();
        let svg = chart::diagram_svg(&sys);
        let shown = svg_texts(svg.as_bytes());
        let (edges, names) = expected_edges(&model);
        for n in &names {
            assert!(
                shown.contains(n.as_str()),
                "{}: diagram does not name {n}",
                path.display()
            );
        }
        assert_eq!(
            svg.matches("class=\"edge\"").count(),
            edges,
            "{}: edges drawn",
            path.display()
        );
        // The PNG is the same drawing at the diagram's size.
        let png = chart::diagram(&sys, ImageFormat::Png).unwrap();
        let (w, _, colours) = png_info(&png);
        let width: f64 = svg
            .split("width=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(w, width as u32);
        assert!(colours > 8);
        check_dot(
            &path.display().to_string(),
            &model,
            &chart::diagram_dot(&sys),
        );
    }
}

/// A DOT token: a quoted string (unescaped), a bare word, or punctuation.
#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Quoted(String),
    Word(String),
    Punct(&'static str),
}

/// Splits DOT text into tokens, failing on an unterminated string, a raw
/// line break inside one, or an unknown escape.
fn dot_tokens(dot: &str) -> Result<Vec<Tok>, String> {
    let mut out = Vec::new();
    let mut it = dot.chars().peekable();
    while let Some(c) = it.next() {
        match c {
            c if c.is_whitespace() => {}
            '"' => {
                let mut s = String::new();
                loop {
                    match it.next() {
                        None => return Err(format!("unterminated string {s:?}")),
                        Some('"') => break,
                        Some('\n') => return Err(format!("raw line break in {s:?}")),
                        Some('\\') => match it.next() {
                            Some('"') => s.push('"'),
                            Some('\\') => s.push('\\'),
                            Some('n') => s.push('\n'),
                            other => return Err(format!("escape \\{other:?} in {s:?}")),
                        },
                        Some(c) => s.push(c),
                    }
                }
                out.push(Tok::Quoted(s));
            }
            '-' if it.peek() == Some(&'>') => {
                it.next();
                out.push(Tok::Punct("->"));
            }
            '{' => out.push(Tok::Punct("{")),
            '}' => out.push(Tok::Punct("}")),
            '[' => out.push(Tok::Punct("[")),
            ']' => out.push(Tok::Punct("]")),
            ';' => out.push(Tok::Punct(";")),
            ',' => out.push(Tok::Punct(",")),
            '=' => out.push(Tok::Punct("=")),
            c if c.is_alphanumeric() || c == '_' || c == '.' => {
                let mut w = c.to_string();
                while let Some(&d) = it.peek() {
                    if d.is_alphanumeric() || d == '_' || d == '.' {
                        w.push(d);
                        it.next();
                    } else {
                        break;
                    }
                }
                out.push(Tok::Word(w));
            }
            c => return Err(format!("unexpected {c:?}")),
        }
    }
    Ok(out)
}

/// The names the system reaches in a model file (components, items and
/// domains used as members; blocks), a `choose` at its first member.
fn reached(model: &toml::Table) -> (Vec<String>, Vec<String>) {
    let blocks = model
        .get("block")
        .and_then(|b| b.as_table())
        .cloned()
        .unwrap_or_default();
    fn walk(name: &str, blocks: &toml::Table, parts: &mut Vec<String>, used: &mut Vec<String>) {
        let Some(b) = blocks.get(name).and_then(|b| b.as_table()) else {
            if !parts.iter().any(|p| p == name) {
                parts.push(name.to_string());
            }
            return;
        };
        if !used.iter().any(|u| u == name) {
            used.push(name.to_string());
        }
        for key in ["series", "parallel", "standby", "choose"] {
            if let Some(m) = b.get(key).and_then(|v| v.as_array()) {
                let m: Vec<&str> = m.iter().map(|x| x.as_str().unwrap()).collect();
                let m = if key == "choose" { &m[..1] } else { &m[..] };
                for x in m {
                    walk(x, blocks, parts, used);
                }
            }
        }
    }
    let (mut parts, mut used) = (Vec::new(), Vec::new());
    walk(
        model["system"].as_str().unwrap(),
        &blocks,
        &mut parts,
        &mut used,
    );
    (parts, used)
}

/// Checks DOT text against the model file it was drawn from, without
/// Graphviz: it tokenizes (strings escaped, no raw line break), braces
/// balance, every node is declared before an edge uses it and only once,
/// node ids keep apart from the model's names, the edges are as many as
/// the model's structure gives with each block drawn once, and every
/// component, item and block the system reaches is named (a node's label,
/// a cluster's header).
fn check_dot(what: &str, model: &toml::Table, dot: &str) {
    let toks = dot_tokens(dot).unwrap_or_else(|e| panic!("{what}: DOT does not tokenize: {e}"));
    assert_eq!(toks[0], Tok::Word("digraph".into()), "{what}");
    assert!(matches!(toks[1], Tok::Quoted(_)), "{what}");
    assert_eq!(toks[2], Tok::Punct("{"), "{what}");
    let mut depth = 0i32;
    let mut declared: HashSet<String> = HashSet::new();
    let mut labels: Vec<(String, String)> = Vec::new();
    let mut clusters: Vec<String> = Vec::new();
    let mut edges = 0;
    let mut i = 2;
    // An attribute list from `[` to `]`: its key = value pairs.
    let attrs = |i: &mut usize| -> Vec<(String, String)> {
        let mut out = Vec::new();
        assert_eq!(toks[*i], Tok::Punct("["), "{what}");
        *i += 1;
        while toks[*i] != Tok::Punct("]") {
            let key = match &toks[*i] {
                Tok::Word(w) => w.clone(),
                t => panic!("{what}: attribute name {t:?}"),
            };
            assert_eq!(toks[*i + 1], Tok::Punct("="), "{what}: {key}");
            let value = match &toks[*i + 2] {
                Tok::Word(w) | Tok::Quoted(w) => w.clone(),
                t => panic!("{what}: value {t:?}"),
            };
            out.push((key, value));
            *i += 3;
            if toks[*i] == Tok::Punct(",") {
                *i += 1;
            }
        }
        *i += 1;
        out
    };
    while i < toks.len() {
        match &toks[i] {
            Tok::Punct("{") => {
                depth += 1;
                i += 1;
            }
            Tok::Punct("}") => {
                depth -= 1;
                assert!(depth >= 0, "{what}: unbalanced braces");
                i += 1;
            }
            Tok::Punct(";") => i += 1,
            Tok::Word(w) if w == "subgraph" => {
                let Tok::Quoted(id) = &toks[i + 1] else {
                    panic!("{what}: subgraph id")
                };
                assert!(id.starts_with("cluster_"), "{what}: {id}");
                i += 2;
            }
            Tok::Word(w) if ["node", "graph", "edge"].contains(&w.as_str()) => {
                i += 1;
                attrs(&mut i);
            }
            Tok::Word(key) if toks[i + 1] == Tok::Punct("=") => {
                // A graph attribute (inside a cluster: its header).
                if key == "label"
                    && let Tok::Quoted(v) = &toks[i + 2]
                {
                    clusters.push(v.clone());
                }
                i += 3;
            }
            Tok::Quoted(a) if toks[i + 1] == Tok::Punct("->") => {
                let Tok::Quoted(b) = &toks[i + 2] else {
                    panic!("{what}: edge to {:?}", toks[i + 2])
                };
                for n in [a, b] {
                    assert!(
                        declared.contains(n),
                        "{what}: edge uses {n:?} before declaring it"
                    );
                }
                edges += 1;
                i += 3;
                if toks.get(i) == Some(&Tok::Punct("[")) {
                    attrs(&mut i);
                }
            }
            Tok::Quoted(id) => {
                assert!(declared.insert(id.clone()), "{what}: {id:?} declared twice");
                i += 1;
                let a = if toks.get(i) == Some(&Tok::Punct("[")) {
                    attrs(&mut i)
                } else {
                    Vec::new()
                };
                let label = a.iter().find(|(k, _)| k == "label").map(|(_, v)| v.clone());
                if id != "in" && id != "out" && !id.starts_with("p:") {
                    labels.push((
                        id.clone(),
                        label.unwrap_or_else(|| panic!("{what}: {id} without a label")),
                    ));
                }
            }
            t => panic!("{what}: unexpected {t:?}"),
        }
    }
    assert_eq!(depth, 0, "{what}: unbalanced braces");
    assert!(
        declared.contains("in") && declared.contains("out"),
        "{what}"
    );
    let (parts, blocks) = reached(model);
    // Each block drawn once: one into and one out of the system, n − 1
    // in a series of n, 2n in a parallel or standby block of n.
    let table = model
        .get("block")
        .and_then(|b| b.as_table())
        .cloned()
        .unwrap_or_default();
    let expected = 2 + blocks
        .iter()
        .map(|b| {
            let b = table[b].as_table().unwrap();
            let n = |k: &str| b.get(k).and_then(|v| v.as_array()).map(Vec::len);
            if let Some(n) = n("series") {
                n.saturating_sub(1)
            } else if let Some(n) = n("parallel").or_else(|| n("standby")) {
                2 * n
            } else {
                0 // a choice: drawn at its member
            }
        })
        .sum::<usize>();
    assert_eq!(edges, expected, "{what}: DOT edges");
    let components: HashSet<String> = model
        .get("component")
        .and_then(|c| c.as_table())
        .map(|t| t.keys().cloned().collect())
        .unwrap_or_default();
    for p in &parts {
        let id = if components.contains(p) {
            format!("c:{p}")
        } else {
            format!("i:{p}")
        };
        let label = labels
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, l)| l)
            .unwrap_or_else(|| panic!("{what}: no node {id:?} for {p:?}"));
        assert!(
            label.starts_with(p.as_str()),
            "{what}: {id:?} labelled {label:?}"
        );
    }
    for b in &blocks {
        assert!(
            clusters.iter().any(|c| c.starts_with(&format!("{b}: "))),
            "{what}: no cluster headed {b:?}: {clusters:?}"
        );
    }
    // Nothing else: every node labelled is a part the system reaches.
    assert_eq!(labels.len(), parts.len(), "{what}: {labels:?}");
}

/// DOT with names that need escaping or look like the DOT's own ids.
#[test]
fn dot_of_hostile_names_is_well_formed() {
    let text = "system = \"top\"\n[component.\"in\"]\navailability = \"99%\"\n[component.\"two\\nlines\"]\navailability = \"99%\"\nmttr = \"1h\"\ncount = 3\nneed = 2\n[component.\"out\"]\navailability = \"99.9%\"\n[component.\"p:1\"]\navailability = \"99.9%\"\n[block.\"q \\\"x\\\" \\\\\"]\nseries = [\"in\", \"two\\nlines\", \"p:1\"]\n[block.top]\nparallel = [\"q \\\"x\\\" \\\\\", \"out\"]\n";
    let model: toml::Table = toml::from_str(text).unwrap();
    assert!(
        model["block"]
            .as_table()
            .unwrap()
            .contains_key("q \"x\" \\")
    );
    let sys = System::from_str("odd.toml", text).unwrap();
    let dot = chart::diagram_dot(&sys);
    check_dot("odd.toml", &model, &dot);
    // 2 + parallel of 2 (4) + series of 3 (2).
    assert_eq!(dot.matches(" -> ").count(), 8);
}

#[test]
fn diagram_draws_stacks_labels_domains_and_shared_parts() {
    let sys = System::from_str(
        "m.toml",
        r#"
        system = "app"
        [domain.az-a]
        availability = "99.99%"
        mttr = "1h"
        [domain.az-b]
        availability = "99.99%"
        mttr = "1h"
        [component.dns]
        availability = "99.99%"
        mttr = "1h"
        [component.web]
        availability = "99.9%"
        mttr = "1h"
        count = 3
        need = 2
        spread = ["az-a", "az-b"]
        [component.db1]
        availability = "99.9%"
        mttr = "1h"
        domain = "az-a"
        [component.db2]
        availability = "99.9%"
        mttr = "1h"
        domain = "az-b"
        [block.db]
        standby = ["db1", "db2"]
        failover = "90s"
        [block.front]
        parallel = ["dns", "web"]
        need = 2
        [block.app]
        series = ["dns", "front", "db"]
        "#,
    )
    .unwrap();
    let svg = chart::diagram_svg(&sys);
    let t = svg_texts(svg.as_bytes());
    for s in [
        "2 of 3 replicas",
        "failover 90.0 s",
        "primary",
        "db: standby, 1 of 2",
        "front: 2 of 2",
        "failure domain az-a",
        "failure domain az-b",
        "one part drawn in several places",
        "dns: one component, drawn 2 times",
    ] {
        assert!(t.contains(s), "diagram lacks {s:?}:\n{t}");
    }
    // 2 + series of 3 (2) + parallel of 2 (4) + standby of 2 (4).
    assert_eq!(svg.matches("class=\"edge\"").count(), 12);
    // The replica group is drawn as a stack: two boxes behind the front one.
    assert_eq!(svg.matches("class=\"replica\"").count(), 2);
}

/// Runs the binary with `args` and returns its status.
fn run(args: &[&str], env: &[(&str, &Path)]) -> std::process::ExitStatus {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_fivenines"));
    cmd.args(args).current_dir(root());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.status
}

#[test]
fn png_bytes_do_not_depend_on_system_fonts() {
    let dir = tempfile::tempdir().unwrap();
    let empty = tempfile::tempdir().unwrap();
    let fc = empty.path().join("fonts.conf");
    std::fs::write(&fc, "<?xml version=\"1.0\"?>\n<fontconfig></fontconfig>\n").unwrap();
    let commands: [(&str, Vec<&str>); 4] = [
        (
            "estimate",
            vec![
                "estimate",
                "models/multi-az-three-tier.toml",
                "--target",
                "99.99%",
                "--chart",
            ],
        ),
        (
            "compare",
            vec![
                "compare",
                "models/dx-only.toml",
                "models/dx-vpn-backup.toml",
                "--target",
                "99.9%",
                "--chart",
            ],
        ),
        (
            "sweep",
            vec![
                "sweep",
                "models/multi-az-three-tier.toml",
                "--vary",
                "block.db.failover=0s..5m:5",
                "--chart",
            ],
        ),
        (
            "diagram",
            vec!["diagram", "models/dx-two-locations-vpn.toml", "-o"],
        ),
    ];
    for (name, args) in commands {
        let plain = dir.path().join(format!("{name}-plain.png"));
        let bare = dir.path().join(format!("{name}-bare.png"));
        let mut a = args.clone();
        let p = plain.to_str().unwrap();
        a.push(p);
        run(&a, &[]);
        let mut b = args.clone();
        let q = bare.to_str().unwrap();
        b.push(q);
        run(
            &b,
            &[
                ("FONTCONFIG_FILE", fc.as_path()),
                ("FONTCONFIG_PATH", empty.path()),
                ("XDG_DATA_HOME", empty.path()),
                ("HOME", empty.path()),
            ],
        );
        let (x, y) = (
            std::fs::read(&plain).unwrap(),
            std::fs::read(&bare).unwrap(),
        );
        assert!(png_info(&x).2 > 8, "{name}: blank");
        assert_eq!(x, y, "{name}: PNG differs without system fonts");
    }
}

#[test]
fn chart_file_extension_is_checked_before_work() {
    let out = Command::new(env!("CARGO_BIN_EXE_fivenines"))
        .args(["estimate", "models/dx-only.toml", "--chart", "x.jpg"])
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains(".svg or .png"));
}

/// Checks the review page: well-formed, nothing external, and the parts.
fn check_page(html: &str, must: &[&str]) {
    let doc = roxmltree::Document::parse_with_options(
        html,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        },
    )
    .unwrap_or_else(|e| panic!("page is not well-formed: {e}"));
    assert_eq!(doc.root_element().tag_name().name(), "html");
    let lower = html.to_ascii_lowercase();
    for bad in [
        "http:", "https:", "<script", " src=", "url(", "@import", "<link", "<img", "<iframe",
    ] {
        assert!(
            !lower.contains(bad),
            "page references something external: {bad}"
        );
    }
    let texts: String = doc
        .descendants()
        .filter(|n| n.is_text())
        .map(|n| n.text().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    for m in must {
        assert!(texts.contains(m), "page lacks {m:?}");
    }
    assert!(doc.descendants().filter(|n| n.has_tag_name("svg")).count() >= 2);
}

#[test]
fn review_page_is_self_contained_and_complete() {
    let path = root().join("models/multi-az-three-tier.toml");
    let (sys, r) = report(&path, Some("99.99%"));
    let b = blast(&Study::new(sys.clone())).unwrap();
    let html = chart::review_page(&chart::Review {
        file: "models/multi-az-three-tier.toml",
        system: &sys,
        report: &r,
        blast: Some(&b),
        simulation: None,
    });
    let mut must: Vec<String> = vec![
        "Design review".into(),
        "missed".into(),
        "Single points of failure".into(),
        "Figures from the catalog".into(),
        "Approximations and notes".into(),
    ];
    must.extend(b.single_points_of_failure.iter().cloned());
    must.extend(r.catalog.iter().map(|c| c.entry.clone()));
    must.extend(r.catalog.iter().map(|c| c.source.clone()));
    must.extend(r.findings.iter().map(|f| f.code.as_str().to_string()));
    assert!(!b.single_points_of_failure.is_empty() && !r.catalog.is_empty());
    let must: Vec<&str> = must.iter().map(String::as_str).collect();
    check_page(&html, &must);

    // The command writes the same page and says the target was missed.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("review.html");
    let status = run(
        &[
            "report",
            "models/multi-az-three-tier.toml",
            "--target",
            "99.99%",
            "-o",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(status.code(), Some(1));
    let written = std::fs::read_to_string(&out).unwrap();
    check_page(&written, &must);
}

#[test]
fn review_page_of_every_model_is_well_formed() {
    for path in models() {
        let (sys, r) = report(&path, None);
        let b = blast(&Study::new(sys.clone())).ok();
        let html = chart::review_page(&chart::Review {
            file: &path.display().to_string(),
            system: &sys,
            report: &r,
            blast: b.as_ref(),
            simulation: None,
        });
        check_page(&html, &[sys.name()]);
    }
}

/// The README's pictures are what scripts/charts.sh makes now.
#[test]
fn readme_pictures_match_the_script() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new("sh")
        .arg(root().join("scripts/charts.sh"))
        .arg(dir.path())
        .env("FIVENINES", env!("CARGO_BIN_EXE_fivenines"))
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "scripts/charts.sh: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let mut checked = 0;
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let p = entry.unwrap().path();
        let name = p.file_name().unwrap().to_str().unwrap().to_string();
        let committed = root().join("docs/img").join(&name);
        assert!(
            readme.contains(&format!("docs/img/{name}")),
            "README does not show docs/img/{name}"
        );
        assert_eq!(
            std::fs::read(&p).unwrap(),
            std::fs::read(&committed).unwrap_or_default(),
            "docs/img/{name} is not what scripts/charts.sh makes now: run `sh scripts/charts.sh`"
        );
        checked += 1;
    }
    assert!(checked >= 6, "the script makes one picture of each kind");
}

#[test]
fn options_page_is_self_contained() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("options.html");
    let files = [
        "scripts/options/one-az.toml",
        "scripts/options/two-az.toml",
        "scripts/options/three-az.toml",
    ];
    let mut args = vec!["compare"];
    args.extend(files);
    args.extend(["--target", "99.99%", "-o", out.to_str().unwrap()]);
    let status = run(&args, &[]);
    assert_eq!(status.code(), Some(1), "one-az misses 99.99%");
    let html = std::fs::read_to_string(&out).unwrap();
    let mut must = vec![
        "Options",
        "Cost against availability",
        "Pareto front",
        "99.99% missed",
        "99.99% met",
    ];
    must.extend(["one-az", "two-az", "three-az"]);
    check_page(&html, &must);
    // Each option's diagram: three diagrams and two charts.
    assert_eq!(html.matches("<svg").count(), 5);
    assert!(!html.contains("#141414"), "no whiskers without --simulate");
    // With --simulate: the simulated table and the whiskers, explained.
    args.extend(["--simulate", "--runs", "400", "--seed", "5"]);
    assert_eq!(run(&args, &[]).code(), Some(1));
    let html = std::fs::read_to_string(&out).unwrap();
    check_page(
        &html,
        &[
            "Simulated",
            "400 simulated years per option, seed 5",
            "from the 99th to the 90th percentile of the downtime in 400 simulated years",
            "400 simulated years (seed 5)",
        ],
    );
    assert_eq!(html.matches("stroke=\"#141414\"").count(), 3 * 3 + 3);
}

/// The chart layer reads results: it runs no engine and no study.
#[test]
fn chart_module_calls_no_engine() {
    fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                sources(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    sources(&root().join("src/chart"), &mut files);
    assert!(files.len() >= 4);
    for f in files {
        let code: String = std::fs::read_to_string(&f)
            .unwrap()
            .lines()
            .map(|l| l.split("//").next().unwrap_or(""))
            .collect::<Vec<_>>()
            .join("\n");
        for bad in [
            "crate::simulate",
            "crate::markov",
            "Analyzer",
            "evaluate(",
            "sweep(&",
            "blast(&",
            "optimize(",
            "crate::cli",
        ] {
            assert!(!code.contains(bad), "{} uses {bad}", f.display());
        }
    }
}

#[test]
fn chart_commands_refuse_bad_input_with_status_2() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "system = \"x\"\n[component.x]\navailability = \"150%\"\n",
    )
    .unwrap();
    let html = dir.path().join("r.html");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["diagram", "models/dx-only.toml"], "needs -o"),
        (
            vec!["diagram", "models/dx-only.toml", "-o", "d.gif"],
            ".svg or .png",
        ),
        (
            vec!["diagram", bad.to_str().unwrap(), "-o", "d.svg"],
            "bad.toml:3",
        ),
        (
            vec![
                "report",
                bad.to_str().unwrap(),
                "-o",
                html.to_str().unwrap(),
            ],
            "bad.toml:3",
        ),
        (
            vec![
                "compare",
                "models/dx-only.toml",
                "--chart",
                "c.svg",
                "--cost",
            ],
            "no option has a cost",
        ),
        (
            vec![
                "sweep",
                "models/dx-only.toml",
                "--vary",
                "component.vgw.mttr=1m..1h",
                "--chart",
                "s.pdf",
            ],
            ".svg or .png",
        ),
    ];
    for (args, says) in cases {
        let out = Command::new(env!("CARGO_BIN_EXE_fivenines"))
            .args(&args)
            .current_dir(root())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
    assert!(!html.exists(), "no page for a bad model");
}

#[test]
fn choice_is_drawn_at_its_evaluated_member() {
    let sys = System::from_str(
        "m.toml",
        "system = \"app\"\n[component.a]\navailability = \"99%\"\n[component.b]\navailability = \"99.9%\"\n[component.c]\navailability = \"99.9%\"\n[block.pick]\nchoose = [\"a\", \"b\"]\n[block.app]\nseries = [\"pick\", \"c\"]\n",
    )
    .unwrap();
    let svg = chart::diagram_svg(&sys);
    let t = svg_texts(svg.as_bytes());
    assert!(
        t.contains("pick: choice, drawn at the member evaluated"),
        "{t}"
    );
    assert!(t.contains("or a choice not evaluated): b"), "{t}");
    // in -> a -> c -> out.
    assert_eq!(svg.matches("class=\"edge\"").count(), 3);
}

/// `simulate --chart` draws the simulation's own histogram: the SVG names
/// the percentiles and the target, the PNG is a real picture, and a
/// mission other than a year is refused before any run.
#[test]
fn simulate_chart_from_the_simulation_histogram() {
    let dir = std::env::temp_dir().join(format!("fivenines-simchart-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let svg = dir.join("d.svg");
    let png = dir.join("d.png");
    for out in [&svg, &png] {
        let status = run(
            &[
                "simulate",
                "models/multi-az-three-tier.toml",
                "--runs",
                "2000",
                "--target",
                "99.95%",
                "-q",
                "--chart",
                out.to_str().unwrap(),
            ],
            &[],
        );
        assert!(status.code().is_some_and(|c| c <= 1));
    }
    let texts = svg_texts(&std::fs::read(&svg).unwrap());
    for want in ["p50", "p90", "p99", "99.95%"] {
        assert!(texts.contains(want), "{want} in {texts}");
    }
    let (w, h, colours) = png_info(&std::fs::read(&png).unwrap());
    assert_eq!((w, h), (960, 540));
    assert!(colours > 8);
    let out = Command::new(env!("CARGO_BIN_EXE_fivenines"))
        .args([
            "simulate",
            "models/multi-az-three-tier.toml",
            "--mission",
            "30d",
            "--chart",
            dir.join("x.svg").to_str().unwrap(),
        ])
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).ok();
}

/// `report --simulate` adds the year's downtime, simulated: the section,
/// its percentiles and the chart, and the page stays self-contained.
#[test]
fn review_page_with_a_simulation() {
    let dir = std::env::temp_dir().join(format!("fivenines-review-sim-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let page = dir.join("review.html");
    let status = run(
        &[
            "report",
            "models/multi-az-three-tier.toml",
            "--target",
            "99.95%",
            "--simulate",
            "--runs",
            "2000",
            "-o",
            page.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(status.code(), Some(0));
    let html = std::fs::read_to_string(&page).unwrap();
    check_page(
        &html,
        &[
            "A year's downtime (simulated)",
            "2000 simulated years",
            "p99",
            "The exact engine gives",
        ],
    );
    // Three charts: diagram, contributors, the year's downtime.
    assert!(html.matches("<svg").count() >= 3);
    std::fs::remove_dir_all(&dir).ok();
}

/// The `<polyline>`s of an SVG drawn in `stroke`: their points.
fn polylines(svg: &str, stroke: &str) -> Vec<Vec<(f64, f64)>> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("polyline") && n.attribute("stroke") == Some(stroke))
        .map(|n| {
            n.attribute("points")
                .unwrap()
                .split_whitespace()
                .map(|p| {
                    let (x, y) = p.split_once(',').unwrap();
                    (x.parse().unwrap(), y.parse().unwrap())
                })
                .collect()
        })
        .collect()
}

/// The x axis of a nines chart as a map from nines to pixels, fitted to
/// its tick labels (`4 (99.99%)` at the tick's x).
fn nines_axis(svg: &str) -> impl Fn(f64) -> f64 {
    let doc = roxmltree::Document::parse(svg).unwrap();
    let ticks: Vec<(f64, f64)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| {
            let t = n.text()?.trim().to_string();
            let (v, rest) = t.split_once(" (")?;
            if !rest.ends_with("%)") {
                return None;
            }
            Some((v.parse().ok()?, n.attribute("x")?.parse().ok()?))
        })
        .collect();
    assert!(ticks.len() >= 3, "tick labels: {ticks:?}");
    let (a, b) = (ticks[0], ticks[ticks.len() - 1]);
    let slope = (b.1 - a.1) / (b.0 - a.0);
    for t in &ticks {
        assert!(
            (a.1 + (t.0 - a.0) * slope - t.1).abs() <= 1.0,
            "axis not linear"
        );
    }
    move |n| a.1 + (n - a.0) * slope
}

/// `compare --simulate --chart`: each bar's whisker runs from the nines of
/// the simulated p99 downtime to those of the p90, as the JSON output of
/// the same command gives them; the labels and the note say so.
#[test]
fn options_chart_whiskers_are_the_simulated_percentiles() {
    let dir = tempfile::tempdir().unwrap();
    let svg_path = dir.path().join("options.svg");
    let png_path = dir.path().join("options.png");
    let files = [
        "scripts/options/one-az.toml",
        "scripts/options/two-az.toml",
        "scripts/options/three-az.toml",
    ];
    let json_of = |chart: &Path| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_fivenines"));
        cmd.arg("compare")
            .args(files)
            .args(["--target", "99.99%", "--simulate", "--runs", "3000"])
            .args(["--seed", "7", "--format", "json", "--chart"])
            .arg(chart)
            .current_dir(root());
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(1), "one-az misses 99.99%");
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let json = json_of(&svg_path);
    let svg = std::fs::read_to_string(&svg_path).unwrap();
    let texts = svg_texts(svg.as_bytes());
    assert!(
        texts.contains("3,000 simulated years (seed 7)"),
        "the note names runs and seed:\n{texts}"
    );
    assert!(texts.contains("simulated p99 to p90"), "legend");
    let px = nines_axis(&svg);
    // The whiskers' horizontal lines, top to bottom (the legend's glyph,
    // at the bottom edge, left out).
    let mut lines: Vec<(f64, f64, f64)> = polylines(&svg, "#141414")
        .into_iter()
        .filter(|p| p.len() == 2 && p[0].1 == p[1].1 && p[0].1 < 500.0)
        .map(|p| (p[0].1, p[0].0.min(p[1].0), p[0].0.max(p[1].0)))
        .collect();
    lines.sort_by(|a, b| a.0.total_cmp(&b.0));
    let options = json.as_array().unwrap();
    assert_eq!(lines.len(), options.len(), "one whisker per option");
    for (o, &(_, lo, hi)) in options.iter().zip(&lines) {
        let sim = &o["simulation"];
        let p90 = sim["p90_s"].as_f64().unwrap();
        let p99 = sim["p99_s"].as_f64().unwrap();
        assert!(p99 >= p90 && p90 > 0.0, "{o}");
        let nines = |d: f64| -(d / fivenines::YEAR_S).log10();
        assert!(
            (px(nines(p99)) - lo).abs() <= 1.5,
            "{}: p99 end at {lo}, expected {}",
            o["file"],
            px(nines(p99))
        );
        assert!(
            (px(nines(p90)) - hi).abs() <= 1.5,
            "{}: p90 end at {hi}, expected {}",
            o["file"],
            px(nines(p90))
        );
        let label = format!(
            "simulated: p90 {}, p99 {} a year",
            fivenines::value::quantity::human_duration(p90),
            fivenines::value::quantity::human_duration(p99)
        );
        assert!(texts.contains(&label), "SVG lacks {label:?}:\n{texts}");
    }
    // The PNG: the same chart, decoded at its size, not blank; the same
    // seed gives the same numbers.
    let again = json_of(&png_path);
    assert_eq!(again, json);
    let (w, h, colours) = png_info(&std::fs::read(&png_path).unwrap());
    assert_eq!((w, h), (960, 540));
    assert!(colours > 8, "PNG nearly blank: {colours} colours");
}

/// A percentile of no downtime has no nines: the whisker runs off the
/// axis as an arrow; with a p99 of none there is no whisker. A simulation
/// of other options is refused.
#[test]
fn options_whiskers_of_years_without_downtime() {
    let (_, r) = report(&root().join("models/dx-only.toml"), Some("99.9%"));
    let opts = [
        OptionPoint {
            label: "a",
            report: &r,
        },
        OptionPoint {
            label: "b",
            report: &r,
        },
    ];
    let option = |p90_s: f64, p99_s: f64| fivenines::study::paired::PairedOption {
        mean_downtime_s: 3600.0,
        ci95: [3000.0, 4200.0],
        p90_s,
        p99_s,
        p_meets_target: None,
        difference_s: None,
    };
    let mut sim = fivenines::study::paired::Paired {
        runs: 100,
        seed: 3,
        mission_s: fivenines::YEAR_S,
        options: vec![option(0.0, 7200.0), option(0.0, 0.0)],
    };
    let svg = String::from_utf8(
        chart::options(&opts, Some(&sim), ImageFormat::Svg, Size::DEFAULT).unwrap(),
    )
    .unwrap();
    let drawn = polylines(&svg, "#141414");
    // Option a: line, p99 cap, arrow head (3 points); option b: nothing;
    // the legend's glyph: 3 lines.
    assert_eq!(
        drawn.iter().filter(|p| p.len() == 3).count(),
        1,
        "{drawn:?}"
    );
    assert_eq!(drawn.len(), 3 + 3, "{drawn:?}");
    let texts = svg_texts(svg.as_bytes());
    assert!(
        texts.contains("simulated: p90 0 s, p99 2.00 h a year"),
        "{texts}"
    );
    sim.options.pop();
    assert!(matches!(
        chart::options(&opts, Some(&sim), ImageFormat::Svg, Size::DEFAULT),
        Err(chart::ChartError::Mismatch(_))
    ));
}

/// A model whose blocks are each used twice, level on level, has 2^18
/// paths: its picture would draw every use and is refused with a clear
/// error at once; its DOT draws each block once and stays small.
#[test]
fn diagram_of_many_reused_blocks_is_refused_and_its_dot_stays_small() {
    let levels = 18;
    let mut text = String::from(&format!("system = \"b{levels}\"\n"));
    text.push_str("[component.c]\navailability = \"99%\"\n[block.b0]\nseries = [\"c\"]\n");
    for i in 0..levels {
        text.push_str(&format!(
            "[component.x{i}]\navailability = \"99%\"\n[component.y{i}]\navailability = \"99%\"\n\
             [block.s{i}]\nseries = [\"b{i}\", \"x{i}\"]\n[block.t{i}]\nseries = [\"b{i}\", \"y{i}\"]\n\
             [block.b{n}]\nparallel = [\"s{i}\", \"t{i}\"]\n",
            n = i + 1
        ));
    }
    let model: toml::Table = toml::from_str(&text).unwrap();
    let sys = System::from_str("reuse.toml", &text).unwrap();
    let t = std::time::Instant::now();
    for f in [ImageFormat::Svg, ImageFormat::Png] {
        match chart::diagram(&sys, f) {
            Err(chart::ChartError::Empty(m)) => assert!(m.contains("--format dot"), "{m}"),
            other => panic!("expected a refusal, got {:?}", other.map(|b| b.len())),
        }
    }
    let dot = chart::diagram_dot(&sys);
    assert!(t.elapsed().as_secs() < 30, "refused quickly");
    check_dot("reuse.toml", &model, &dot);
    // 3 blocks and 2 components a level: one cluster each, not 2^18.
    assert_eq!(dot.matches("subgraph").count(), 3 * levels + 1);
}
