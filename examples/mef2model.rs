//! Converts an Open-PSA MEF fault tree (the XML that SCRAM and other PSA
//! tools read) into a fivenines model file, by the usual duality:
//!
//! | fault tree (failures) | model (availability) |
//! |---|---|
//! | basic event, probability `p` | component, `availability = 1 - p` (exact decimal) |
//! | `or` | `series` |
//! | `and` | `parallel` |
//! | `atleast` `min = k` of `n` | `parallel` with `need = n - k + 1` |
//! | `define-CCF-group` | not supported (refused with a message) |
//!
//! The system's unavailability is then the top event's probability.
//!
//! ```text
//! cargo run --release --example mef2model -- TREE.xml [BASIC-EVENTS.xml ...] > model.toml
//! ```
//!
//! Several files are read as one model (SCRAM's inputs often keep the
//! basic events apart). Gate formulas may nest; nested formulas become
//! blocks named `GATE.1`, `GATE.2`, ... The top gate is the one gate no
//! other gate uses (there must be exactly one). Anything outside the subset
//! (`not`, `xor`, house events, parameters, expressions other than
//! `float`, CCF groups) is refused with exit status 2 and says what and
//! where.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::process::ExitCode;

/// A formula: an operator over arguments.
#[derive(Clone, Debug)]
enum Formula {
    Ref(String),
    /// Operator (`and`, `or`, `atleast k`) and arguments.
    Op(Op, Vec<Formula>),
}

#[derive(Clone, Copy, Debug)]
enum Op {
    And,
    Or,
    AtLeast(usize),
}

#[derive(Default)]
struct Mef {
    gates: BTreeMap<String, Formula>,
    /// Gate names in the order defined.
    gate_order: Vec<String>,
    /// Basic events and their probability as written.
    events: BTreeMap<String, String>,
}

fn fail(file: &str, doc: &roxmltree::Document, node: roxmltree::Node, what: String) -> String {
    let pos = doc.text_pos_at(node.range().start);
    format!("{file}:{}:{}: {what}", pos.row, pos.col)
}

fn read_formula(
    file: &str,
    doc: &roxmltree::Document,
    n: roxmltree::Node,
) -> Result<Formula, String> {
    let tag = n.tag_name().name();
    let args = || -> Result<Vec<Formula>, String> {
        n.children()
            .filter(|c| c.is_element())
            .map(|c| read_formula(file, doc, c))
            .collect()
    };
    match tag {
        "gate" | "basic-event" | "event" => match n.attribute("name") {
            Some(name) => Ok(Formula::Ref(name.to_string())),
            None => Err(fail(file, doc, n, format!("<{tag}> without a name"))),
        },
        "and" => Ok(Formula::Op(Op::And, args()?)),
        "or" => Ok(Formula::Op(Op::Or, args()?)),
        "atleast" => {
            let k = n
                .attribute("min")
                .and_then(|v| v.parse::<usize>().ok())
                .ok_or_else(|| fail(file, doc, n, "<atleast> needs a whole `min`".to_string()))?;
            Ok(Formula::Op(Op::AtLeast(k), args()?))
        }
        other => Err(fail(
            file,
            doc,
            n,
            format!(
                "<{other}> is outside the subset this converter reads (basic events with <float>, <and>, <or>, <atleast>)"
            ),
        )),
    }
}

fn read_file(file: &str, text: &str, mef: &mut Mef) -> Result<(), String> {
    let doc = roxmltree::Document::parse(text).map_err(|e| format!("{file}: {e}"))?;
    for n in doc.descendants().filter(|n| n.is_element()) {
        match n.tag_name().name() {
            "define-gate" => {
                let name = n
                    .attribute("name")
                    .ok_or_else(|| fail(file, &doc, n, "<define-gate> without a name".into()))?;
                let body: Vec<_> = n
                    .children()
                    .filter(|c| {
                        c.is_element() && !matches!(c.tag_name().name(), "label" | "attributes")
                    })
                    .collect();
                let [f] = body.as_slice() else {
                    return Err(fail(
                        file,
                        &doc,
                        n,
                        format!("gate `{name}` must hold one formula"),
                    ));
                };
                if mef
                    .gates
                    .insert(name.to_string(), read_formula(file, &doc, *f)?)
                    .is_some()
                {
                    return Err(fail(file, &doc, n, format!("gate `{name}` defined twice")));
                }
                mef.gate_order.push(name.to_string());
            }
            "define-basic-event" => {
                let name = n.attribute("name").ok_or_else(|| {
                    fail(file, &doc, n, "<define-basic-event> without a name".into())
                })?;
                let value = n.children().find(|c| {
                    c.is_element() && !matches!(c.tag_name().name(), "label" | "attributes")
                });
                let p = match value {
                    Some(v) if v.tag_name().name() == "float" => v
                        .attribute("value")
                        .ok_or_else(|| fail(file, &doc, v, "<float> without a value".into()))?,
                    Some(v) => {
                        return Err(fail(
                            file,
                            &doc,
                            v,
                            format!(
                                "basic event `{name}`: <{}> is not a <float> probability",
                                v.tag_name().name()
                            ),
                        ));
                    }
                    None => {
                        return Err(fail(
                            file,
                            &doc,
                            n,
                            format!("basic event `{name}` has no probability"),
                        ));
                    }
                };
                mef.events.insert(name.to_string(), p.trim().to_string());
            }
            tag @ ("define-CCF-group" | "define-house-event" | "define-parameter" | "not"
            | "xor" | "nand" | "nor" | "iff" | "imply" | "define-event-tree"
            | "constant" | "house-event") => {
                return Err(fail(
                    file,
                    &doc,
                    n,
                    format!(
                        "<{tag}> is outside the subset this converter reads (basic events with <float>, <and>, <or>, <atleast>)"
                    ),
                ));
            }
            _ => {}
        }
    }
    Ok(())
}

/// `1 - p` from the decimal digits of `p`, exactly (to 36 digits).
fn complement(p: &str) -> Option<String> {
    let (mantissa, exp) = match p.find(['e', 'E']) {
        Some(i) => (&p[..i], p[i + 1..].parse::<i32>().ok()?),
        None => (p, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if !(int.chars().chain(frac.chars()).all(|c| c.is_ascii_digit()))
        || (int.is_empty() && frac.is_empty())
    {
        return None;
    }
    let digits = format!("{int}{frac}");
    let digits = digits.trim_start_matches('0');
    let scale = frac.len() as i32 - exp;
    if digits.len() > 36 || !(0..=36).contains(&scale) {
        return None;
    }
    let m: u128 = if digits.is_empty() {
        0
    } else {
        digits.parse().ok()?
    };
    let one = 10u128.pow(scale as u32);
    if m > one {
        return None;
    }
    let c = one - m;
    if scale == 0 {
        return Some(c.to_string());
    }
    let s = format!("{c:0>width$}", width = scale as usize + 1);
    let (i, f) = s.split_at(s.len() - scale as usize);
    let f = f.trim_end_matches('0');
    Some(if f.is_empty() {
        i.to_string()
    } else {
        format!("{i}.{f}")
    })
}

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""))
}

fn convert(mef: &Mef) -> Result<String, String> {
    // Gates referenced by others; the top is the one that is not.
    let mut used = BTreeSet::new();
    fn refs<'a>(f: &'a Formula, out: &mut BTreeSet<&'a str>) {
        match f {
            Formula::Ref(n) => {
                out.insert(n.as_str());
            }
            Formula::Op(_, args) => args.iter().for_each(|a| refs(a, out)),
        }
    }
    for f in mef.gates.values() {
        refs(f, &mut used);
    }
    let tops: Vec<&String> = mef
        .gate_order
        .iter()
        .filter(|g| !used.contains(g.as_str()))
        .collect();
    let top = match tops.as_slice() {
        [t] => (*t).clone(),
        [] => return Err("no top gate (every gate is used by another: a cycle?)".into()),
        many => {
            return Err(format!(
                "{} top gates ({}); the converter takes a tree with one",
                many.len(),
                many.iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    };
    for r in &used {
        if !mef.gates.contains_key(*r) && !mef.events.contains_key(*r) {
            return Err(format!(
                "`{r}` is used but defined neither as a gate nor as a basic event"
            ));
        }
    }
    for g in mef.gates.keys() {
        if mef.events.contains_key(g) {
            return Err(format!("`{g}` is both a gate and a basic event"));
        }
    }
    let mut out = String::new();
    writeln!(
        out,
        "# Converted from an Open-PSA MEF fault tree by examples/mef2model.rs."
    )
    .unwrap();
    writeln!(
        out,
        "# Top event probability = this system's unavailability."
    )
    .unwrap();
    writeln!(out, "name = {}", quote(&top)).unwrap();
    writeln!(out, "system = {}", quote(&top)).unwrap();
    writeln!(out).unwrap();
    // Only what the top reaches.
    let mut reach = BTreeSet::new();
    let mut stack = vec![top.as_str()];
    while let Some(g) = stack.pop() {
        if !reach.insert(g) {
            continue;
        }
        if let Some(f) = mef.gates.get(g) {
            let mut r = BTreeSet::new();
            refs(f, &mut r);
            stack.extend(r);
        }
    }
    for (name, p) in &mef.events {
        if !reach.contains(name.as_str()) {
            continue;
        }
        let a = complement(p).ok_or_else(|| {
            format!("basic event `{name}`: probability `{p}` is not a decimal in [0, 1]")
        })?;
        if a.trim_start_matches(['0', '.']).is_empty() {
            return Err(format!(
                "basic event `{name}` has probability 1 (always failed): not expressible as an availability"
            ));
        }
        writeln!(out, "[component.{}]\navailability = \"{a}\"\n", quote(name)).unwrap();
    }
    // Gates: single-argument formulas pass through to their argument.
    fn emit(name: &str, f: &Formula, out: &mut String, next: &mut usize) -> Result<String, String> {
        let (op, args) = match f {
            Formula::Ref(r) => return Ok(r.clone()),
            Formula::Op(op, args) => (*op, args),
        };
        let mut members = Vec::new();
        for a in args {
            let m = match a {
                Formula::Ref(r) => r.clone(),
                nested => {
                    *next += 1;
                    let sub = format!("{name}.{next}");
                    emit(&sub, nested, out, next)?
                }
            };
            members.push(m);
        }
        let n = members.len();
        let mut seen = BTreeSet::new();
        let dup = members.iter().any(|m| !seen.insert(m.clone()));
        if dup {
            match op {
                // Idempotent: a repeated argument changes nothing.
                Op::And | Op::Or => {
                    let mut s = BTreeSet::new();
                    members.retain(|m| s.insert(m.clone()));
                }
                Op::AtLeast(_) => {
                    return Err(format!("gate `{name}`: <atleast> lists an argument twice"));
                }
            }
        }
        let list = members
            .iter()
            .map(|m| quote(m))
            .collect::<Vec<_>>()
            .join(", ");
        if members.len() == 1 && !matches!(op, Op::AtLeast(k) if k != 1) {
            return Ok(members.pop().expect("one member"));
        }
        match op {
            Op::Or => writeln!(out, "[block.{}]\nseries = [{list}]\n", quote(name)).unwrap(),
            Op::And => writeln!(out, "[block.{}]\nparallel = [{list}]\n", quote(name)).unwrap(),
            Op::AtLeast(k) => {
                if k == 0 || k > n {
                    return Err(format!(
                        "gate `{name}`: <atleast min=\"{k}\"> over {n} arguments"
                    ));
                }
                writeln!(
                    out,
                    "[block.{}]\nparallel = [{list}]\nneed = {}\n",
                    quote(name),
                    n - k + 1
                )
                .unwrap();
            }
        }
        Ok(name.to_string())
    }
    // Pass-through gates need resolving before anything lists them.
    let mut alias: BTreeMap<String, String> = BTreeMap::new();
    let mut blocks = String::new();
    for g in mef.gate_order.iter().filter(|g| reach.contains(g.as_str())) {
        let mut next = 0;
        let as_written = emit(g, &mef.gates[g], &mut blocks, &mut next)?;
        if as_written != *g {
            alias.insert(g.clone(), as_written);
        }
    }
    if alias.is_empty() {
        out.push_str(&blocks);
        return Ok(out);
    }
    // Rewrite with aliases resolved (chains of pass-throughs too).
    let resolve = |mut n: String| {
        while let Some(t) = alias.get(&n) {
            n = t.clone();
        }
        n
    };
    let mut mef2 = Mef::default();
    for g in &mef.gate_order {
        if alias.contains_key(g) {
            continue;
        }
        fn subst(f: &Formula, r: &dyn Fn(String) -> String) -> Formula {
            match f {
                Formula::Ref(n) => Formula::Ref(r(n.clone())),
                Formula::Op(op, a) => Formula::Op(*op, a.iter().map(|x| subst(x, r)).collect()),
            }
        }
        mef2.gates.insert(g.clone(), subst(&mef.gates[g], &resolve));
        mef2.gate_order.push(g.clone());
    }
    let top2 = resolve(top.clone());
    if !mef2.gates.contains_key(&top2) {
        return Err(format!("the top gate `{top}` is a single basic event"));
    }
    mef2.events = mef.events.clone();
    let mut text = convert(&mef2)?;
    // Keep the original top name on the model.
    if top2 != top {
        text = text.replacen(
            &format!("name = {}", quote(&top2)),
            &format!("name = {}", quote(&top)),
            1,
        );
    }
    Ok(text)
}

fn main() -> ExitCode {
    let files: Vec<String> = std::env::args().skip(1).collect();
    if files.is_empty() || files.iter().any(|f| f == "-h" || f == "--help") {
        eprintln!("usage: mef2model TREE.xml [MORE.xml ...] > model.toml");
        return ExitCode::from(2);
    }
    let mut mef = Mef::default();
    for f in &files {
        let text = match std::fs::read_to_string(f) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: {f}: {e}");
                return ExitCode::from(2);
            }
        };
        if let Err(e) = read_file(f, &text, &mut mef) {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    }
    match convert(&mef) {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::complement;

    #[test]
    fn complements() {
        assert_eq!(complement("0.000072").as_deref(), Some("0.999928"));
        assert_eq!(complement("1e-3").as_deref(), Some("0.999"));
        assert_eq!(complement("0").as_deref(), Some("1"));
        assert_eq!(complement("0.5").as_deref(), Some("0.5"));
        assert_eq!(complement("1.5"), None);
    }
}
