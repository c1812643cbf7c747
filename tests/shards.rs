//! `simulate --shard I/N --out FILE` and `merge`: the merged report equals
//! one run's, figure for figure; parts of other runs, missing shards and
//! conflicting duplicates are refused with exit status 2; and the Slurm
//! script and the Kubernetes manifest in deploy/ run as written.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

const MODEL: &str = "models/dx-vpn-backup.toml";
/// 23 chunks of 500 runs, the last one short.
const RUNS: &str = "11200";

fn bin() -> Command {
    Command::cargo_bin("fivenines").unwrap()
}

fn ok(out: &Output) {
    assert!(
        out.status.success(),
        "status {:?}\nstdout {}\nstderr {}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The single run's JSON report.
fn single(extra: &[&str]) -> String {
    let out = bin()
        .args([
            "simulate",
            MODEL,
            "--runs",
            RUNS,
            "--format",
            "json",
            "--threads",
            "1",
        ])
        .args(extra)
        .output()
        .unwrap();
    assert!(out.status.code() != Some(2), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

/// Writes the parts of `n` shards into `dir` with the given options, on 1
/// and 2 threads in turn.
fn shard(dir: &Path, n: u64, extra: &[&str]) -> Vec<PathBuf> {
    shard_on(dir, n, extra, false)
}

fn shard_on(dir: &Path, n: u64, extra: &[&str], one_thread: bool) -> Vec<PathBuf> {
    (0..n)
        .map(|i| {
            let out = dir.join(format!("part-{i}.json"));
            let threads = if one_thread { 1 } else { 1 + i % 2 }.to_string();
            let o = bin()
                .args(["simulate", MODEL, "--runs", RUNS, "--threads", &threads])
                .args(extra)
                .args(["--shard", &format!("{i}/{n}"), "--out"])
                .arg(&out)
                .output()
                .unwrap();
            ok(&o);
            out
        })
        .collect()
}

fn merge(parts: &[PathBuf], format: &str) -> Output {
    bin()
        .args(["merge", "--format", format])
        .args(parts)
        .output()
        .unwrap()
}

/// The JSON report without its `threads` (the shards ran on 1 and 2).
fn figures(json: &str) -> String {
    let mut v: serde_json::Value = serde_json::from_str(json).unwrap();
    assert!(v["runs"].as_u64().is_some(), "{json}");
    v["threads"] = serde_json::Value::Null;
    serde_json::to_string_pretty(&v).unwrap()
}

#[test]
fn merged_shards_equal_one_run() {
    let target = ["--target", "99.99%"];
    let whole = single(&target);
    let parsed: serde_json::Value = serde_json::from_str(&whole).unwrap();
    assert_eq!(parsed["runs"], 11_200);
    assert!(parsed["p_meets_target"].is_number());
    for n in [1, 3, 4, 7] {
        let dir = tempfile::tempdir().unwrap();
        let parts = shard(dir.path(), n, &target);
        let out = merge(&parts, "json");
        assert_ne!(out.status.code(), Some(2), "{out:?}");
        assert_eq!(
            figures(&String::from_utf8(out.stdout).unwrap()),
            figures(&whole),
            "{n} shards"
        );
        // Byte for byte when every part ran on one thread, as the single run.
        if n == 4 {
            let one = shard_on(dir.path(), n, &target, true);
            let out = merge(&one, "json");
            assert_eq!(String::from_utf8(out.stdout).unwrap(), whole);
            // The table too, apart from its timing line.
            let table = |o: Output| {
                String::from_utf8(o.stdout)
                    .unwrap()
                    .lines()
                    .filter(|l| !l.contains("runs/s"))
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            let single_table = bin()
                .args(["simulate", MODEL, "--runs", RUNS, "--threads", "1"])
                .args(target)
                .output()
                .unwrap();
            assert_eq!(table(merge(&one, "table")), table(single_table));
        }
    }
}

#[test]
fn parts_of_other_runs_and_missing_shards_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let parts = shard(dir.path(), 3, &[]);
    let refused = |parts: &[PathBuf], want: &str| {
        let out = merge(parts, "table");
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(want), "{want}: {err}");
        // And as JSON on stdout under --format json.
        let out = merge(parts, "json");
        assert_eq!(out.status.code(), Some(2));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(v["error"]["message"].as_str().unwrap().contains(want));
    };
    refused(&parts[..2], "1 of the 3 shards missing: 2");
    // Another seed.
    let other = dir.path().join("other");
    std::fs::create_dir(&other).unwrap();
    let seed7 = shard(&other, 3, &["--seed", "7"]);
    refused(
        &[parts[0].clone(), seed7[1].clone(), parts[2].clone()],
        "seed",
    );
    // Another model.
    let o = bin()
        .args([
            "simulate",
            "models/dx-only.toml",
            "--runs",
            RUNS,
            "--shard",
            "1/3",
            "--out",
        ])
        .arg(other.join("model.json"))
        .output()
        .unwrap();
    ok(&o);
    refused(
        &[parts[0].clone(), other.join("model.json"), parts[2].clone()],
        "model",
    );
    // Another plan.
    let four = shard(&other, 4, &[]);
    refused(&[parts[0].clone(), four[1].clone()], "shard plan");
    // The same part twice is taken once; a different part for one shard
    // is refused.
    let out = merge(&[&parts[..], &[parts[1].clone()]].concat(), "json");
    ok(&out);
    let mut edited: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&parts[1]).unwrap()).unwrap();
    edited["stats"]["max_longest"] = serde_json::json!(1.0);
    let forged = dir.path().join("forged.json");
    std::fs::write(&forged, serde_json::to_string(&edited).unwrap()).unwrap();
    refused(&[&parts[..], &[forged]].concat(), "statistics differ");
    // Not a part at all.
    refused(&[PathBuf::from(MODEL)], "not a fivenines part file");
    // --shard with --precision, and a bad shard.
    for args in [
        &["--shard", "0/2", "--out", "x.json", "--precision", "5%"][..],
        &["--shard", "2/2", "--out", "x.json"][..],
        &["--shard", "0/2"][..],
    ] {
        let out = bin().args(["simulate", MODEL]).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}

/// The Slurm script: `bash -n`, then each array task as Slurm would run it
/// (SLURM_ARRAY_TASK_ID set), and the parts merge into the single run.
#[test]
fn slurm_array_script_runs_and_merges() {
    let script = "deploy/slurm.sh";
    let check = std::process::Command::new("bash")
        .args(["-n", script])
        .output()
        .unwrap();
    ok(&check);
    let dir = tempfile::tempdir().unwrap();
    let parts_dir = dir.path().join("parts");
    let exe = assert_cmd::cargo::cargo_bin("fivenines");
    for i in 0..3 {
        let out = std::process::Command::new("bash")
            .args([script, MODEL, RUNS, "20261125"])
            .env("SLURM_ARRAY_TASK_ID", i.to_string())
            .env("SLURM_CPUS_PER_TASK", "1")
            .env("SHARDS", "3")
            .env("PARTS", &parts_dir)
            .env("FIVENINES", &exe)
            .output()
            .unwrap();
        ok(&out);
    }
    let parts: Vec<PathBuf> = (0..3)
        .map(|i| parts_dir.join(format!("part-{i}.json")))
        .collect();
    let out = merge(&parts, "json");
    ok(&out);
    assert_eq!(String::from_utf8(out.stdout).unwrap(), single(&[]));
}

/// A minimal YAML reader for the manifest's subset: block mappings and
/// sequences, indentation by two spaces, plain or quoted scalars. Returns
/// the scalar at a path of keys and sequence indices; fails on anything
/// outside the subset (tabs, odd indentation, flow collections).
fn yaml_lines(text: &str) -> Vec<(usize, String)> {
    let mut lines = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let body = raw.trim_end();
        if body.trim_start().is_empty() || body.trim_start().starts_with('#') {
            continue;
        }
        assert!(!raw.contains('\t'), "line {}: a tab", n + 1);
        let indent = body.len() - body.trim_start().len();
        assert_eq!(indent % 2, 0, "line {}: odd indentation", n + 1);
        let content = body.trim_start();
        assert!(
            content.starts_with("- ") || content.contains(": ") || content.ends_with(':'),
            "line {}: neither `key: value` nor `- item`: {content}",
            n + 1
        );
        lines.push((indent, content.to_string()));
    }
    lines
}

fn unquote(s: &str) -> String {
    let s = s.trim();
    if s.len() >= 2 && s.starts_with('\'') && s.ends_with('\'') {
        s[1..s.len() - 1].replace("''", "'")
    } else if s.len() >= 2 && s.starts_with('"') && s.ends_with('"') {
        s[1..s.len() - 1].to_string()
    } else {
        s.to_string()
    }
}

/// The Kubernetes manifest parses (by the subset reader above, and by
/// PyYAML where python3 has it), and its container command, run with
/// JOB_COMPLETION_INDEX set as the Job controller sets it, writes parts that
/// merge into the single run.
#[test]
fn k8s_indexed_job_runs_and_merges() {
    let text = std::fs::read_to_string("deploy/k8s-indexed-job.yaml").unwrap();
    let lines = yaml_lines(&text);
    let value_of = |key: &str| {
        lines
            .iter()
            .find_map(|(_, l)| l.strip_prefix(&format!("{key}: ")).map(unquote))
            .unwrap_or_else(|| panic!("no {key}"))
    };
    assert_eq!(value_of("kind"), "Job");
    assert_eq!(value_of("completionMode"), "Indexed");
    let completions = value_of("completions");
    // The container's env (name/value pairs) and its command (a sequence).
    let mut env: Vec<(String, String)> = Vec::new();
    for w in lines.windows(2) {
        if let (Some(name), Some(value)) = (
            w[0].1.strip_prefix("- name: "),
            w[1].1.strip_prefix("value: "),
        ) {
            env.push((name.to_string(), unquote(value)));
        }
    }
    let at = lines
        .iter()
        .position(|(_, l)| l == "command:")
        .expect("a command");
    let depth = lines[at].0;
    let command: Vec<String> = lines[at + 1..]
        .iter()
        .take_while(|(i, l)| *i > depth && l.starts_with("- "))
        .map(|(_, l)| unquote(&l[2..]))
        .collect();
    assert_eq!(command[..2], ["/bin/sh".to_string(), "-c".to_string()]);
    let get = |k: &str| env.iter().find(|(n, _)| n == k).unwrap().1.clone();
    assert_eq!(get("SHARDS"), completions, "SHARDS is the completions");
    // PyYAML agrees, where it is installed.
    let py = std::process::Command::new("python3")
        .args([
            "-c",
            "import sys, yaml, json; d = yaml.safe_load(open(sys.argv[1])); print(json.dumps(d['spec']['template']['spec']['containers'][0]['command']))",
            "deploy/k8s-indexed-job.yaml",
        ])
        .output();
    if let Ok(out) = py
        && out.status.success()
    {
        let parsed: Vec<String> = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(parsed, command);
    }
    // Run the command as each pod would, on a small plan.
    let dir = tempfile::tempdir().unwrap();
    let exe = assert_cmd::cargo::cargo_bin("fivenines");
    let path = format!(
        "{}:{}",
        exe.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let parts_dir = dir.path().join("parts");
    for i in 0..3 {
        let mut cmd = std::process::Command::new(&command[0]);
        cmd.args(&command[1..]);
        for (k, v) in &env {
            cmd.env(k, v);
        }
        let out = cmd
            .env("MODEL", MODEL)
            .env("RUNS", RUNS)
            .env("SEED", "20261125")
            .env("SHARDS", "3")
            .env("PARTS", &parts_dir)
            .env("JOB_COMPLETION_INDEX", i.to_string())
            .env("PATH", &path)
            .output()
            .unwrap();
        ok(&out);
    }
    let parts: Vec<PathBuf> = (0..3)
        .map(|i| parts_dir.join(format!("part-{i}.json")))
        .collect();
    let out = merge(&parts, "json");
    ok(&out);
    assert_eq!(
        figures(&String::from_utf8(out.stdout).unwrap()),
        figures(&single(&[]))
    );
}
