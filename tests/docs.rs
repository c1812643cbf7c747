//! The documents' examples, run: the commands in README.md's shell blocks
//! (with the exit status and the output the README shows), and every TOML
//! model in README.md and docs/*.md (a block fenced ```` ```toml fragment ````
//! is part of a model and is not loaded alone; a block fenced
//! ```` ```sh template ```` holds placeholders such as `$i` and is not run).

use std::path::{Path, PathBuf};
use std::process::Command;

use fivenines::System;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// A fenced block: its info string (`sh`, `toml fragment`), its text, the
/// line it starts on, and the prose between the previous block and it.
#[derive(Debug)]
struct Fence {
    info: String,
    body: String,
    line: usize,
    prose_before: String,
}

fn fences(text: &str) -> Vec<Fence> {
    let mut out = Vec::new();
    let mut prose = String::new();
    let mut open: Option<(String, usize, String)> = None;
    for (i, line) in text.lines().enumerate() {
        match &mut open {
            None => match line.strip_prefix("```") {
                Some(info) => open = Some((info.trim().to_string(), i + 1, String::new())),
                None => {
                    prose.push_str(line);
                    prose.push('\n');
                }
            },
            Some((info, start, body)) => {
                if line.trim_start() == "```" {
                    out.push(Fence {
                        info: std::mem::take(info),
                        body: std::mem::take(body),
                        line: *start,
                        prose_before: std::mem::take(&mut prose),
                    });
                    open = None;
                } else {
                    body.push_str(line);
                    body.push('\n');
                }
            }
        }
    }
    assert!(open.is_none(), "an unclosed code block");
    out
}

/// The arguments of a documented command line (`cargo run --release --
/// ARGS` or `fivenines ARGS`), without its trailing `# comment`; `None`
/// for any other line (`cargo test`, `hyperfine ...`).
fn command_args(line: &str) -> Option<Vec<String>> {
    let line = line.trim();
    let rest = line
        .strip_prefix("cargo run --release -- ")
        .or_else(|| line.strip_prefix("fivenines "))?;
    let rest = match rest.find(" #") {
        Some(at) => &rest[..at],
        None => rest,
    };
    assert!(
        !rest.contains(['\'', '"', '$', '|', '>', '<', '*', '\\']),
        "a documented command with shell syntax this test does not read: {line}"
    );
    Some(rest.split_whitespace().map(str::to_string).collect())
}

struct Run {
    status: i32,
    stdout: String,
    stderr: String,
}

/// Most simulated runs a documented command makes in a debug build: the
/// command, its exit status and its verdict are the same, and `cargo test`
/// stays quick (`cargo test --release` runs the documented count).
const DEBUG_MAX_RUNS: u64 = 5_000;

fn run(args: &[String]) -> Run {
    let mut args = args.to_vec();
    if cfg!(debug_assertions)
        && let Some(i) = args.iter().position(|a| a == "--runs")
        && let Some(n) = args.get(i + 1).and_then(|n| n.parse::<u64>().ok())
    {
        args[i + 1] = n.min(DEBUG_MAX_RUNS).to_string();
    }
    let out = Command::new(env!("CARGO_BIN_EXE_fivenines"))
        .args(&args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("run fivenines");
    Run {
        status: out.status.code().expect("exited"),
        stdout: String::from_utf8(out.stdout).expect("UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8"),
    }
}

fn normalise(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The units of a shown output: each line, with the wrapped continuation
/// lines of a bullet (`  - ...`) joined to it.
fn shown_units(shown: &str) -> Vec<String> {
    let mut units: Vec<String> = Vec::new();
    let mut in_bullet = false;
    for line in shown.lines() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if trimmed.is_empty() {
            in_bullet = false;
            continue;
        }
        if in_bullet && indent >= 4 {
            let last = units.last_mut().expect("a bullet");
            last.push(' ');
            last.push_str(trimmed);
            continue;
        }
        in_bullet = trimmed.starts_with("- ");
        units.push(line.to_string());
    }
    units
}

/// Every unit of `shown` matches a line of `actual`, in order: the unit's
/// pieces between `...` elisions occur in that line in order (whitespace
/// runs count as one space).
fn assert_shown(what: &str, shown: &str, actual: &str) {
    let lines: Vec<String> = actual.lines().map(normalise).collect();
    let mut from = 0;
    for unit in shown_units(shown) {
        let pieces: Vec<String> = unit
            .split("...")
            .map(normalise)
            .filter(|p| !p.is_empty())
            .collect();
        if pieces.is_empty() {
            continue;
        }
        let matches = |line: &str| {
            let mut at = 0;
            pieces.iter().all(|p| match line[at..].find(p.as_str()) {
                Some(i) => {
                    at += i + p.len();
                    true
                }
                None => false,
            })
        };
        match (from..lines.len()).find(|&i| matches(&lines[i])) {
            Some(i) => from = i + 1,
            None => panic!(
                "{what}: the README shows\n  {unit}\nbut the command printed (from line {}):\n{}",
                from + 1,
                lines[from.min(lines.len())..].join("\n")
            ),
        }
    }
}

/// The exit status the prose before a shown output names for its command
/// (`exit status 0`), if any.
fn status_named(prose: &str) -> Option<i32> {
    let at = prose.find("exit status ")? + "exit status ".len();
    prose[at..]
        .chars()
        .next()
        .and_then(|c| c.to_digit(10))
        .map(|d| d as i32)
}

/// The verdict a run with `--target` prints must agree with its exit
/// status: 0 and MET, or 1 and MISSED.
fn check_verdict(what: &str, args: &[String], r: &Run) {
    if !args.iter().any(|a| a == "--target") {
        assert_eq!(r.status, 0, "{what}: exit status\n{}", r.stderr);
        return;
    }
    let met = r.stdout.contains("MET");
    let missed = r.stdout.contains("MISSED");
    match r.status {
        0 => assert!(met && !missed, "{what}: status 0 without MET\n{}", r.stdout),
        1 => assert!(missed, "{what}: status 1 without MISSED\n{}", r.stdout),
        s => panic!("{what}: exit status {s}\n{}\n{}", r.stdout, r.stderr),
    }
}

#[test]
fn readme_commands_run_as_documented() {
    let readme = read("README.md");
    let fences = fences(&readme);
    let mut ran = 0;
    for (i, f) in fences.iter().enumerate() {
        if f.info != "sh" {
            continue;
        }
        let commands: Vec<Vec<String>> = f.body.lines().filter_map(command_args).collect();
        for (j, args) in commands.iter().enumerate() {
            let what = format!("README.md:{} `fivenines {}`", f.line, args.join(" "));
            let r = run(args);
            check_verdict(&what, args, &r);
            ran += 1;
            // A text block right after the shell block shows what its
            // first command prints.
            let Some(shown) = fences.get(i + 1).filter(|n| n.info == "text" && j == 0) else {
                continue;
            };
            if let Some(status) = status_named(&shown.prose_before) {
                assert_eq!(
                    r.status, status,
                    "{what}: the README names exit status {status}"
                );
            }
            assert_shown(&what, &shown.body, &r.stdout);
            // "with `--target X` the same table says MISSED and the exit
            // status is 1": that run too.
            let prose = &shown.prose_before;
            if let Some(at) = prose.find("with `--target ") {
                let rest = &prose[at + "with `--target ".len()..];
                let target = &rest[..rest.find('`').expect("closing backtick")];
                let after = normalise(&rest[target.len()..]);
                assert!(
                    after.starts_with("` the same table says MISSED and the exit status is 1"),
                    "README.md:{}: a sentence about another target this test does not read: {after}",
                    shown.line
                );
                let mut other = args.clone();
                let t = other
                    .iter()
                    .position(|a| a == "--target")
                    .expect("--target")
                    + 1;
                other[t] = target.to_string();
                let r = run(&other);
                let what = format!("README.md:{} `fivenines {}`", shown.line, other.join(" "));
                assert_eq!(r.status, 1, "{what}: exit status\n{}", r.stderr);
                assert!(r.stdout.contains("MISSED"), "{what}:\n{}", r.stdout);
                ran += 1;
            }
        }
    }
    assert!(ran >= 3, "README commands found: {ran}");
}

fn toml_blocks(rel: &str) -> Vec<Fence> {
    fences(&read(rel))
        .into_iter()
        .filter(|f| f.info.split_whitespace().next() == Some("toml"))
        .collect()
}

#[test]
fn documented_models_load() {
    let mut files: Vec<String> = vec!["README.md".to_string()];
    let mut docs: Vec<String> = std::fs::read_dir(root().join("docs"))
        .expect("docs/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .map(|p| format!("docs/{}", Path::new(p.file_name().expect("name")).display()))
        .collect();
    docs.sort();
    files.extend(docs);
    let mut complete = 0;
    for rel in &files {
        for f in toml_blocks(rel) {
            if f.info.split_whitespace().any(|w| w == "fragment") {
                // A fragment is still TOML.
                assert!(
                    f.body.parse::<toml::Table>().is_ok(),
                    "{rel}:{}: a fragment that is not TOML",
                    f.line
                );
                continue;
            }
            let name = format!("{rel}:{}", f.line);
            match System::from_str(&name, &f.body) {
                Ok(sys) => {
                    fivenines::analytic::evaluate(&sys)
                        .unwrap_or_else(|e| panic!("{name}: loads but does not evaluate: {e}"));
                    complete += 1;
                }
                Err(e) => panic!(
                    "{name}: a model in the docs does not load (fence it ```toml fragment if it is part of one):\n{e}"
                ),
            }
        }
    }
    assert!(complete >= 3, "complete models found: {complete}");
}

#[test]
fn fence_reader_and_matcher() {
    let f = fences("a\n```sh\nx\n```\nexit status 1\n```text\ny\n```\n");
    assert_eq!(f.len(), 2);
    assert_eq!((f[0].info.as_str(), f[0].body.as_str()), ("sh", "x\n"));
    assert_eq!(status_named(&f[1].prose_before), Some(1));
    assert_eq!(
        command_args("cargo run --release -- estimate m.toml --target 99%   # why"),
        Some(vec![
            "estimate".into(),
            "m.toml".into(),
            "--target".into(),
            "99%".into()
        ])
    );
    assert_eq!(command_args("cargo test"), None);
    let actual = "head\n  a   1\n  - x, y, z; tail\n";
    assert_shown("ok", "a 1\n  - x, ...; tail\n", actual);
    let wrong = std::panic::catch_unwind(|| assert_shown("bad", "a 2\n", actual));
    assert!(wrong.is_err(), "a figure that differs must fail");
    let order = std::panic::catch_unwind(|| assert_shown("order", "  - x\na 1\n", actual));
    assert!(order.is_err(), "lines out of order must fail");
}
