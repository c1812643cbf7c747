//! The `fivenines` binary end to end: worked numbers of docs/math.md
//! written as model files, exit statuses, JSON keys, and every error class of
//! the model contract.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn fivenines() -> Command {
    let mut cmd = Command::cargo_bin("fivenines").expect("binary built");
    cmd.env("NO_COLOR", "1");
    cmd
}

/// Runs `estimate --format json` on a file and returns the parsed JSON.
fn estimate_json(path: &str, extra: &[&str]) -> (Value, i32) {
    let out = fivenines()
        .args(["estimate", path, "--format", "json"])
        .args(extra)
        .output()
        .expect("runs");
    let code = out.status.code().expect("exit code");
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{path}: not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (json, code)
}

fn num(v: &Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} is not a number: {v}"))
}

fn close(got: f64, want: f64, tol: f64, what: &str) {
    assert!(
        (got - want).abs() <= tol,
        "{what}: got {got:.15e}, want {want:.15e} (tolerance {tol:e})"
    );
}

#[test]
fn bridge_of_five() {
    let (j, code) = estimate_json("tests/models/good/bridge.toml", &[]);
    assert_eq!(code, 0);
    close(
        num(&j, "availability"),
        0.97848,
        1e-12,
        "bridge availability",
    );
    close(
        num(&j, "unavailability"),
        1.0 - 0.97848,
        1e-12,
        "bridge unavailability",
    );
    // Availability alone: no time scale, so no frequency or duration.
    assert!(j["outages_per_year"].is_null());
    assert!(j["mean_outage_s"].is_null());
    // The bridge component c3 has Birnbaum importance
    // P(sys | c3 up) - P(sys | c3 down) = (1 - q^2)^2 - (1 - (1 - p^2)^2).
    let (p, q) = (0.9f64, 0.1f64);
    let want = (1.0 - q * q).powi(2) - (1.0 - (1.0 - p * p).powi(2));
    let c3 = j["contributors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "c3")
        .unwrap();
    close(
        num(c3, "birnbaum"),
        want,
        1e-12,
        "Birnbaum of the bridge's middle",
    );
}

#[test]
fn two_of_three() {
    let (j, _) = estimate_json("tests/models/good/two-of-three.toml", &[]);
    close(num(&j, "availability"), 0.999702, 1e-12, "2 of 3 at 0.99");
    close(
        num(&j, "nines"),
        -(1.0f64 - 0.999702).log10(),
        1e-9,
        "nines",
    );
}

#[test]
fn ten_in_series() {
    let (j, _) = estimate_json("tests/models/good/ten-series.toml", &[]);
    close(
        num(&j, "availability"),
        0.990044880209748,
        1e-12,
        "ten in series at 0.999",
    );
    // Series of identical parts: every failure brings the system down, so
    // f_sys = sum_i f_i * prod_{j != i} A_j with f_i = 1 / (MTBF + MTTR).
    let a: f64 = 0.999;
    let mttr = 3600.0;
    let mtbf = mttr * a / (1.0 - a);
    let f_i = 1.0 / (mtbf + mttr);
    let f_sys = 10.0 * f_i * a.powi(9) * 365.0 * 86400.0;
    close(
        num(&j, "outages_per_year"),
        f_sys,
        1e-9 * f_sys,
        "outages a year",
    );
    let q_sys = 1.0 - a.powi(10);
    close(
        num(&j, "mean_outage_s"),
        q_sys / (f_sys / (365.0 * 86400.0)),
        1e-6,
        "mean outage",
    );
    close(
        num(&j, "downtime_per_year_s"),
        q_sys * 365.0 * 86400.0,
        1e-6,
        "downtime a year",
    );
}

#[test]
fn shared_az_is_exact_and_differs_from_the_naive_product() {
    let (j, _) = estimate_json("tests/models/good/shared-az.toml", &[]);
    let (az, web) = (0.999f64, 0.99f64);
    // Condition on the AZ: up only when the AZ is up and one web server is.
    let exact = az * (1.0 - (1.0 - web).powi(2));
    // Napkin: each path is web * az, paths independent.
    let naive = 1.0 - (1.0 - web * az).powi(2);
    let got = num(&j, "availability");
    close(got, exact, 1e-12, "shared AZ");
    // The napkin is off by the amount the enumeration says, far beyond 1e-12.
    assert!((naive - got).abs() > 9e-4, "naive {naive} vs exact {got}");
    close(naive - got, naive - exact, 1e-12, "napkin error");
}

#[test]
fn exit_status_follows_the_target() {
    let m = "tests/models/good/two-of-three.toml"; // 0.999702
    for (target, code) in [
        ("99.9%", 0),
        ("0.999", 0),
        ("3 nines", 0),
        ("99.99%", 1),
        ("4 nines", 1),
        ("0.9999", 1),
    ] {
        let (j, got) = estimate_json(m, &["--target", target]);
        assert_eq!(got, code, "target {target}");
        assert_eq!(
            j["target"]["met"],
            Value::Bool(code == 0),
            "target {target}"
        );
    }
    let out = fivenines()
        .args(["estimate", m, "--target", "99.9"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean \"99.9%\""));
}

#[test]
fn json_has_the_contract_keys() {
    let (j, _) = estimate_json("models/dx-vpn-backup.toml", &["--target", "99.99%"]);
    for key in [
        "name",
        "system",
        "availability",
        "unavailability",
        "nines",
        "downtime_per_year_s",
        "outages_per_year",
        "mean_outage_s",
        "approximations",
        "target",
        "contributors",
    ] {
        assert!(j.get(key).is_some(), "missing key {key}");
    }
    assert!(num(&j["target"], "availability") == 0.9999);
    // The RDS pair is solved as a Markov chain; its fixed 90 s failover
    // is an Erlang fit, named, with the share of the downtime resting on it.
    assert_eq!(j["engine"], "markov_chain");
    assert!(j["markov_states"].as_u64().unwrap() > 10);
    let approx = j["approximations"].as_array().unwrap();
    assert!(
        approx
            .iter()
            .any(|a| a.as_str().unwrap().contains("exponential phases")),
        "the Erlang fit of the fixed failover is named: {approx:?}"
    );
    // The same finding as an object with its stable code, naming the block.
    let findings = j["findings"].as_array().unwrap();
    let fit = findings
        .iter()
        .find(|f| f["code"] == "erlang_fit")
        .expect("an erlang_fit finding");
    assert_eq!(fit["severity"], "approximation");
    assert_eq!(fit["subjects"], serde_json::json!(["link"]));
    assert!(approx.contains(&fit["text"]), "{fit} in {approx:?}");
    assert!(
        findings
            .iter()
            .any(|f| f["code"] == "sla_floors" && f["severity"] == "note")
    );
    // The share is that of the failover lines among the contributors (the
    // fixed delays are what the fit approximates). With the DX connection
    // at its 95% SLA floor it fails over about 111 times a year, so the
    // share is large (it was under 20% with the old assumed connection).
    let share = num(&j, "approximate_share");
    let contributors = j["contributors"].as_array().unwrap();
    let failover_lines: f64 = contributors
        .iter()
        .filter(|c| c["kind"] == "failover")
        .map(|c| num(c, "downtime_per_year_s"))
        .sum();
    let want = failover_lines / num(&j, "downtime_per_year_s");
    assert!(share > 0.0 && share < 1.0, "{share}");
    assert!((share - want).abs() < 1e-9, "{share} vs {want}");
    for c in contributors {
        for key in ["name", "downtime_per_year_s", "criticality", "birnbaum"] {
            assert!(c.get(key).is_some(), "contributor lacks {key}");
        }
    }
    let d: Vec<f64> = contributors
        .iter()
        .map(|c| num(c, "downtime_per_year_s"))
        .collect();
    assert!(d.windows(2).all(|w| w[0] >= w[1]), "largest first: {d:?}");
    // Without a target there is no target key, and exact models have no approximations.
    let (j, _) = estimate_json("tests/models/good/two-of-three.toml", &[]);
    assert!(j.get("target").is_none());
    assert_eq!(j["approximations"], Value::Array(vec![]));
}

#[test]
fn table_names_units_and_approximations() {
    let out = fivenines()
        .args([
            "estimate",
            "models/multi-az-three-tier.toml",
            "--target",
            "99.99%",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    for needle in [
        "availability",
        "nines",
        "downtime a year",
        "365-day year",
        "outages a year",
        "mean outage",
        "MISSED",
        "Top contributors",
        "with approximations (6% of the downtime rests on them)",
        "as 4 exponential phases",
    ] {
        assert!(text.contains(needle), "table lacks {needle:?}:\n{text}");
    }
}

#[test]
fn every_shipped_model_estimates() {
    let mut n = 0;
    for entry in std::fs::read_dir("models").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        n += 1;
        let (j, code) = estimate_json(path.to_str().unwrap(), &[]);
        assert_eq!(code, 0, "{}", path.display());
        let a = num(&j, "availability");
        assert!(a > 0.0 && a < 1.0, "{}: {a}", path.display());
    }
    assert!(n >= 3, "models/ has {n} models");
}

#[test]
fn nines_table() {
    let out = fivenines().args(["nines"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find(|l| l.starts_with("99.999% "))
        .expect("five nines row");
    for cell in ["5.00", "5.26 min", "26.3 s", "6.05 s", "864 ms"] {
        assert!(line.contains(cell), "{line} lacks {cell}");
    }
    let out = fivenines().args(["nines", "99.95%"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("4.38 h") && text.contains("43.2 s"), "{text}");
    let out = fivenines().args(["nines", "120%"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn help_teaches_by_example() {
    for args in [
        vec!["--help"],
        vec!["estimate", "--help"],
        vec!["nines", "--help"],
    ] {
        let out = fivenines().args(&args).output().unwrap();
        assert!(out.status.success());
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("Examples:"),
            "{args:?}"
        );
    }
    let out = fivenines().args(["estimate"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "missing file is a usage error");
}

/// One bad model: exit 2, `file:line:col` and the message on stderr, nothing on stdout.
fn bad(file: &str, line_col: &str, message: &str) {
    let path = format!("tests/models/bad/{file}");
    assert!(Path::new(&path).exists());
    let out = fivenines().args(["estimate", &path]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{file}: {err}");
    assert!(out.stdout.is_empty(), "{file}: something was evaluated");
    let place = format!("{path}:{line_col}");
    assert!(err.contains(&place), "{file}: stderr lacks {place}:\n{err}");
    assert!(
        err.contains(message),
        "{file}: stderr lacks {message:?}:\n{err}"
    );
    assert!(!err.contains("panicked"), "{file}: {err}");
}

#[test]
fn invalid_toml() {
    bad("syntax.toml", "3:13", "invalid TOML");
}

#[test]
fn unknown_name_with_suggestion() {
    bad("unknown-name.toml", "8:11", "unknown name `web-tire`");
    bad("unknown-name.toml", "8:11", "did you mean `web-tier`?");
    bad("unknown-name.toml", "8:23", "unknown name `db`");
}

#[test]
fn duplicate_name() {
    bad(
        "duplicate-name.toml",
        "6:8",
        "duplicate name `x`: already a component",
    );
}

#[test]
fn cycle() {
    bad("cycle.toml", "10:18", "blocks form a cycle: a -> b -> a");
}

#[test]
fn value_out_of_range() {
    bad("out-of-range.toml", "4:16", "outside (0, 1]");
}

#[test]
fn missing_field() {
    bad(
        "missing-field.toml",
        "4:8",
        "has a repair time but no mean up time or availability",
    );
}

#[test]
fn conflicting_field() {
    bad("conflicting-field.toml", "4:16", "one too many");
}

#[test]
fn duration_without_unit() {
    bad("no-unit.toml", "4:8", "a duration needs a unit");
}

#[test]
fn several_errors_are_all_reported() {
    bad("several.toml", "5:8", "a duration needs a unit");
    bad("several.toml", "8:1", "unknown key `availabilty`");
    bad("several.toml", "11:21", "unknown name `nowhere`");
    let out = fivenines()
        .args(["estimate", "tests/models/bad/several.toml"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("several.toml: 3 errors in the model; nothing was evaluated")
    );
}

#[test]
fn missing_file() {
    let out = fivenines()
        .args(["estimate", "no/such/model.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read no/such/model.toml"));
}

#[test]
fn domain_cycle() {
    bad(
        "domain-cycle.toml",
        "10:10",
        "domains nest in a cycle: a within b within c within a",
    );
}

#[test]
fn a_long_chain_of_domains_is_fast_and_exact() {
    // 20,000 nested domains: iterative checks, one path of 20,001 items.
    let n = 20_000;
    let mut text =
        String::from("system = \"x\"\n[component.x]\navailability = \"99%\"\ndomain = \"d0\"\n");
    for i in 0..n {
        text += &format!("[domain.d{i}]\navailability = \"99.999999%\"\n");
        if i + 1 < n {
            text += &format!("within = \"d{}\"\n", i + 1);
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chain.toml");
    std::fs::write(&path, text).unwrap();
    let (j, code) = estimate_json(path.to_str().unwrap(), &[]);
    assert_eq!(code, 0);
    // Everything in series: q = 1 - 0.99 * (1 - 1e-8)^n.
    let want = 1.0 - 0.99 * (n as f64 * (-1e-8f64).ln_1p()).exp();
    close(num(&j, "unavailability"), want, 1e-12, "long chain");
}

/// Writes `text` as `name` in a fresh directory; the directory lives as long
/// as the returned guard.
fn temp_model(name: &str, text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    let shown = path.to_str().unwrap().to_string();
    (dir, shown)
}

/// Rough edges 2: locating 20,000 errors is linear (it took 46 s), and only
/// the first 50 are printed in full, the rest counted.
#[test]
fn thousands_of_errors_are_fast_and_capped() {
    let n = 20_000;
    let mut text = String::from("system = \"c0\"\n");
    for i in 0..n {
        text += &format!("[component.c{i}]\navailability = \"x{i}\"\n");
    }
    let (_dir, path) = temp_model("many.toml", &text);
    let started = std::time::Instant::now();
    let out = fivenines().args(["estimate", &path]).output().unwrap();
    let elapsed = started.elapsed().as_secs_f64();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(elapsed < 15.0, "20,000 errors took {elapsed:.1} s");
    assert_eq!(err.matches("  × ").count(), 50, "50 errors in full");
    assert!(err.contains("... and 19,950 more"), "{err}");
    assert!(err.contains("20,000 errors in the model"), "{err}");
    // The last one shown is the 50th, at its own line.
    assert!(
        err.contains(&format!("{path}:101:16: `availability`")),
        "{err}"
    );

    // 20,000 unknown names on one line of 170,000 characters: no snippet of
    // that line (it made the renderer panic), no quadratic suggestions.
    let names: Vec<String> = (0..n).map(|i| format!("\"n{i}\"")).collect();
    let mut text = format!(
        "system = \"b\"\n[block.b]\nseries = [{}]\n",
        names.join(", ")
    );
    for i in 0..n {
        text += &format!("[component.m{i}]\navailability = \"99%\"\n");
    }
    let (_dir, path) = temp_model("long-line.toml", &text);
    let started = std::time::Instant::now();
    let out = fivenines().args(["estimate", &path]).output().unwrap();
    let elapsed = started.elapsed().as_secs_f64();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(elapsed < 15.0, "20,000 unknown names took {elapsed:.1} s");
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        err.contains(&format!("{path}:3:11: unknown name `n0`")),
        "{err}"
    );
    assert!(err.contains("... and 19,950 more"), "{err}");
}

/// Rough edges 12: after non-ASCII text, the header and the snippet give
/// the same column, counted in characters.
#[test]
fn line_and_column_count_characters() {
    let (_dir, path) = temp_model(
        "accents.toml",
        "system = \"b\"\n[component.\"dé\"]\navailability = \"99%\"\n[block.b]\nseries = [\"dé\", \"nope\"]\n",
    );
    let out = fivenines().args(["estimate", &path]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    // `"nope"` starts at character 17 of line 5 (byte 18: é is two bytes).
    assert!(
        err.contains(&format!("{path}:5:17: unknown name `nope`")),
        "{err}"
    );
    assert!(err.contains(&format!("[{path}:5:17]")), "{err}");
    assert!(!err.contains(":5:18"), "{err}");
}

/// Rough edges 3: a model is at most 16 MiB (`/dev/zero` read until memory
/// ran out), and `-` reads standard input.
#[test]
fn model_size_is_capped_and_dash_reads_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.toml");
    let line = "# a comment line that makes the file large\n";
    std::fs::write(&big, line.repeat((17 << 20) / line.len())).unwrap();
    for path in [big.to_str().unwrap(), "/dev/zero"] {
        if !Path::new(path).exists() {
            continue;
        }
        let out = fivenines().args(["estimate", path]).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{path}: {err}");
        assert!(
            err.contains(&format!("cannot read {path}: larger than 16 MiB")),
            "{path}: {err}"
        );
        assert!(out.stdout.is_empty());
    }
    let text = std::fs::read("tests/models/good/two-of-three.toml").unwrap();
    let out = fivenines()
        .args(["estimate", "-", "--format", "json"])
        .write_stdin(text)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    close(
        num(&j, "availability"),
        0.999702,
        1e-12,
        "2 of 3 from stdin",
    );
    // An error in standard input is placed like any other.
    let out = fivenines()
        .args(["estimate", "-"])
        .write_stdin("system = \"x\"\n[component.x]\navailability = 2\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("<stdin>:3:16: `availability`"));
}

/// Rough edges 14: UTF-16 and binary files get a place and a hint, not
/// "stream did not contain valid UTF-8".
#[test]
fn files_that_are_not_utf8_text_say_what_they_are() {
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(
            "system = \"x\"\n"
                .encode_utf16()
                .flat_map(|u| u.to_le_bytes()),
        )
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, Vec<u8>, &str, &str); 3] = [
        (
            "utf16.toml",
            utf16,
            "1:1: this file looks like UTF-16 text",
            "iconv -f UTF-16",
        ),
        (
            "latin1.toml",
            b"system = \"x\"\nname = \"caf\xe9\"\n".to_vec(),
            "2:12: not UTF-8 text: byte 0xe9",
            "UTF-8",
        ),
        (
            "binary.toml",
            b"system = \"x\"\n\0\x01\x02".to_vec(),
            "2:1: a NUL byte: this is not a text file",
            "binary file",
        ),
    ];
    for (name, bytes, place_message, hint) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let path = path.to_str().unwrap();
        let out = fivenines().args(["estimate", path]).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert!(
            err.contains(&format!("{path}:{place_message}")),
            "{name}: {err}"
        );
        assert!(err.contains(hint), "{name}: {err}");
        assert!(!err.contains("stream did not contain valid UTF-8"), "{err}");
    }
}

/// Rough edges 13: long unit names are accepted in a model; `M` is refused
/// as ambiguous, with the accepted units listed.
#[test]
fn duration_units_in_a_model() {
    let model = |mttr: &str| {
        format!("system = \"x\"\n[component.x]\navailability = \"99.9%\"\nmttr = \"{mttr}\"\n")
    };
    let mut means = Vec::new();
    for mttr in ["4h", "4 hours", "4hrs", "4H", "240 minutes", "240 Min"] {
        let (_dir, path) = temp_model("m.toml", &model(mttr));
        let (j, code) = estimate_json(&path, &[]);
        assert_eq!(code, 0, "{mttr}");
        means.push(num(&j, "mean_outage_s"));
    }
    assert!(
        means.iter().all(|m| (m - 14400.0).abs() < 1e-6),
        "{means:?}"
    );
    let (_dir, path) = temp_model("m.toml", &model("4M"));
    let out = fivenines().args(["estimate", &path]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(err.contains(":4:8: `mttr`: `M` is ambiguous"), "{err}");
    assert!(err.contains("h (hr, hour)"), "{err}");
    let out = fivenines()
        .args([
            "simulate",
            "models/dx-vpn-backup.toml",
            "--mission",
            "2 Days",
            "--runs",
            "500",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(num(&j, "mission_s"), 2.0 * 86400.0);
}

/// Rough edges 1: when the 95% CI straddles the target the verdict is
/// "inconclusive" and the exit status 3, whatever the seed (it flipped
/// between met and missed with the seed); met and missed need the whole CI.
#[test]
fn simulate_verdict_is_inconclusive_when_the_ci_straddles_the_target() {
    // Exact availability 1000/1004: the target sits on the true value.
    let (_dir, path) = temp_model(
        "one.toml",
        "system = \"x\"\n[component.x]\nmtbf = \"1000h\"\nmttr = \"4h\"\n",
    );
    let target = "0.99601593625";
    let target_q = 4.0 / 1004.0;
    for seed in ["1", "2", "3", "4"] {
        let out = fivenines()
            .args(["simulate", &path, "--runs", "2000", "--seed", seed])
            .args(["--target", target, "--format", "json"])
            .output()
            .unwrap();
        let j: Value = serde_json::from_slice(&out.stdout).unwrap();
        let ci = &j["unavailability"]["ci95"];
        let (lo, hi) = (ci[0].as_f64().unwrap(), ci[1].as_f64().unwrap());
        assert!(lo <= target_q && target_q <= hi, "seed {seed}: {lo}..{hi}");
        assert_eq!(out.status.code(), Some(3), "seed {seed}");
        assert_eq!(j["target"]["verdict"], "inconclusive", "seed {seed}");
        assert_eq!(j["target"]["met"], false, "seed {seed}");
    }
    let out = fivenines()
        .args(["simulate", &path, "--runs", "2000", "--target", target])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        text.contains("INCONCLUSIVE (the 95% CI of the availability"),
        "{text}"
    );
    assert!(text.contains("--precision 0."), "{text}");
    for (target, code, verdict) in [("99%", 0, "met"), ("99.9%", 1, "missed")] {
        let out = fivenines()
            .args(["simulate", &path, "--runs", "2000", "--target", target])
            .args(["--format", "json"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(code), "{target}");
        let j: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(j["target"]["verdict"], verdict, "{target}");
        assert_eq!(j["target"]["met"], code == 0, "{target}");
    }
    let help = fivenines().args(["simulate", "--help"]).output().unwrap();
    assert!(String::from_utf8_lossy(&help.stdout).contains("3 inconclusive"));
    // The exact engine never says inconclusive.
    let (j, _) = estimate_json(
        "tests/models/good/two-of-three.toml",
        &["--target", "99.99%"],
    );
    assert_eq!(j["target"]["verdict"], "missed");
}

/// Rough edges 4: `--threads` beyond the cores is capped with a note (10,000
/// threads took 62 s); `--max-runs` below `--runs` is an error, and
/// `--max-runs` below the default first round is honoured, not overridden.
#[test]
fn threads_are_capped_and_max_runs_is_honoured() {
    let (_dir, path) = temp_model(
        "one.toml",
        "system = \"x\"\n[component.x]\nmtbf = \"1000h\"\nmttr = \"4h\"\n",
    );
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let started = std::time::Instant::now();
    let out = fivenines()
        .args([
            "simulate",
            &path,
            "--runs",
            "2000",
            "--threads",
            "10000",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(started.elapsed().as_secs_f64() < 20.0);
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!(
            "note: --threads 10000 is more than the {cores} cores of this machine: using {cores}"
        )),
        "{err}"
    );
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["threads"], cores);

    let run = |args: &[&str]| {
        fivenines()
            .args(["simulate", &path, "--format", "json"])
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&["--precision", "1%", "--runs", "10000", "--max-runs", "5000"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--max-runs 5000 is below --runs 10000"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Without --precision, --max-runs has no effect: refused, not ignored.
    let out = run(&["--max-runs", "5000"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--precision"));
    // Below the default 10,000 runs of the first round: honoured.
    let out = run(&["--precision", "0.1%", "--max-runs", "5000"]);
    assert_eq!(out.status.code(), Some(0));
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["runs"], 5000);
    assert_eq!(j["precision"]["reached"], false);
}

/// Rough edges 14: messages that were wrong or unplaced.
#[test]
fn argument_and_refusal_messages() {
    // simulate refusing an availability-only component: placed, and English.
    let (_dir, path) = temp_model(
        "s3.toml",
        "system = \"s3\"\n[component.s3]\navailability = \"99.9%\"\n",
    );
    let out = fivenines().args(["simulate", &path]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        err.contains(&format!(
            "{path}:2:12: component `s3` gives availability alone"
        )),
        "{err}"
    );
    let out = fivenines().args(["estimate", &path]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("`s3` gives availability alone"), "{text}");

    let usage = |args: &[&str], want: &str| {
        let out = fivenines().args(args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: {err}");
        assert!(
            !err.contains("use '--"),
            "{args:?}: clap's tip does not work: {err}"
        );
    };
    usage(
        &["simulate", &path, "--precision", "0%"],
        "the precision must be above 0% and below 100%",
    );
    usage(&["nines", "-1 nines"], "must be a finite number above 0");
    usage(&["nines", "0 nines"], "must be a finite number above 0");
    usage(
        &["simulate", &path, "--runs", "-5"],
        "`-5` is not a whole number of at least 1",
    );
    usage(
        &["simulate", &path, "--runs", "0"],
        "`0` is not a whole number of at least 1",
    );
    usage(&["simulate", &path, "--seed", "-5"], "`-5` is not a seed");
    usage(
        &["simulate", &path, "--mission", "-1h"],
        "a duration cannot be negative",
    );
    usage(&["estimate", &path, "--target", "-1 nines"], "above 0");
}

/// Rough edges 8: under `--format json` an error is a JSON object on stdout
/// too (with every problem placed); warnings name their file.
#[test]
fn json_errors_and_warnings_with_their_file() {
    let out = fivenines()
        .args([
            "estimate",
            "tests/models/bad/several.toml",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let j: Value = serde_json::from_slice(&out.stdout).expect("a JSON error object");
    assert_eq!(j["error"]["kind"], "model");
    let problems = j["error"]["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 3);
    assert_eq!(problems[0]["file"], "tests/models/bad/several.toml");
    assert_eq!(
        (problems[0]["line"].as_u64(), problems[0]["column"].as_u64()),
        (Some(5), Some(8))
    );
    assert!(
        problems[0]["message"]
            .as_str()
            .unwrap()
            .contains("a duration needs a unit")
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("several.toml:5:8"));
    for args in [
        vec!["estimate", "no/such.toml", "--format", "json"],
        vec![
            "compare",
            "models/dx-only.toml",
            "no/such.toml",
            "--format",
            "json",
        ],
        vec![
            "simulate",
            "tests/models/good/two-of-three.toml",
            "--format",
            "json",
        ],
    ] {
        let out = fivenines().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let j: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: {e}: {}", String::from_utf8_lossy(&out.stdout)));
        assert!(j["error"]["message"].is_string(), "{args:?}");
    }
    // Without --format json, stdout stays empty.
    let out = fivenines()
        .args(["estimate", "no/such.toml"])
        .output()
        .unwrap();
    assert!(out.stdout.is_empty());

    // Warnings under compare say which file they are about.
    let unused = "system = \"x\"\n[component.x]\navailability = \"99%\"\n[component.spare]\navailability = \"99%\"\n";
    let (_a, first) = temp_model("first.toml", unused);
    let (_b, second) = temp_model("second.toml", unused);
    let out = fivenines()
        .args(["compare", &first, &second])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    for file in [&first, &second] {
        assert!(
            err.contains(&format!("warning: {file}: component `spare` is not used")),
            "{err}"
        );
    }
}

/// Rough edges 9: stdout is buffered (the d2 bench model's 209 kB report
/// took 8,048 `write` calls; checked under strace where it runs), and a
/// closed pipe exits 0 quietly.
#[test]
fn output_is_buffered_and_a_closed_pipe_is_quiet() {
    let bin = assert_cmd::cargo::cargo_bin("fivenines");
    let model = "benches/models/analytic-d2.toml";
    let mut child = std::process::Command::new(&bin)
        .args(["estimate", model, "--format", "json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away at once, like `| head -0`
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let trace = std::process::Command::new("strace")
        .args(["-f", "-c", "-e", "trace=write", "-o", "/dev/stderr"])
        .arg(&bin)
        .args(["estimate", model, "--format", "json"])
        .output();
    let Ok(trace) = trace else {
        return; // no strace here
    };
    let report = String::from_utf8_lossy(&trace.stderr);
    let Some(calls) = report
        .lines()
        .find(|l| l.trim_end().ends_with(" write"))
        .and_then(|l| l.split_whitespace().nth(3))
        .and_then(|n| n.parse::<u64>().ok())
    else {
        return; // strace cannot trace in this sandbox
    };
    assert!(trace.stdout.len() > 200_000);
    assert!(
        calls < 100,
        "{calls} write calls for {} bytes",
        trace.stdout.len()
    );
}

/// Rough edges 6: names with control characters are escaped in tables,
/// warnings and errors (an ANSI escape coloured the terminal, a newline
/// broke the table, a right-to-left override reordered it), and wide (CJK)
/// names are padded by display width.
#[test]
fn hostile_and_wide_names_are_escaped_and_aligned() {
    let model = r#"name = "evil\u001b[2J name"
system = "all"
[component."red\u001b[31m"]
mtbf = "1000h"
mttr = "4h"
[component."two\nlines"]
mtbf = "2000h"
mttr = "4h"
[component."abc\u202Edef"]
mtbf = "3000h"
mttr = "4h"
[component."数据库"]
mtbf = "4000h"
mttr = "4h"
[component."spare\u001b[0m"]
availability = "99%"
[block.all]
series = ["red\u001b[31m", "two\nlines", "abc\u202Edef", "数据库"]
"#;
    let (_dir, path) = temp_model("names.toml", model);
    let out = fivenines().args(["estimate", &path]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    for s in [&text, &err] {
        assert!(!s.contains('\u{1b}') && !s.contains('\u{202e}'), "{s}");
    }
    assert!(text.starts_with("evil\\u{1b}[2J name\n"), "{text}");
    assert!(
        err.contains("component `spare\\u{1b}[0m` is not used"),
        "{err}"
    );
    let rows: Vec<&str> = text.lines().filter(|l| l.contains(" component ")).collect();
    assert_eq!(rows.len(), 4, "one line per contributor:\n{text}");
    for name in ["red\\u{1b}[31m", "two\\nlines", "abc\\u{202e}def", "数据库"] {
        assert!(rows.iter().any(|r| r.contains(name)), "{name} in\n{text}");
    }
    // The kind column starts at the same display column on every row.
    let column = |row: &str| {
        let at = row.find(" component ").unwrap();
        fivenines::text::width(&row[..at])
    };
    let first = column(rows[0]);
    assert!(
        rows.iter().all(|r| column(r) == first),
        "misaligned:\n{text}"
    );

    // Errors escape too, in the message and in the snippet.
    let bad = "system = \"x\"\n[block.x]\nseries = [\"a\\u001b[31m\"]\n";
    let (_dir, path) = temp_model("bad-names.toml", bad);
    let out = fivenines().args(["estimate", &path]).output().unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(err.contains("unknown name `a\\u{1b}[31m`"), "{err}");
    assert!(!err.contains('\u{1b}'), "{err}");
    // The table of a comparison aligns wide file names.
    let (_dir, wide) = temp_model(
        "数据库.toml",
        "system = \"x\"\n[component.x]\navailability = \"99%\"\n",
    );
    let out = fivenines()
        .args(["compare", &wide, "tests/models/good/bridge.toml"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let at = |needle: &str| {
        let line = text.lines().find(|l| l.contains(needle)).unwrap();
        fivenines::text::width(&line[..line.find('%').unwrap()])
    };
    assert_eq!(at("数据库"), at("bridge"), "{text}");
}

/// Rough edges 7: figures that printed wrong: `-0.00` nines, `0%`,
/// percentage points unmarked, `0.000e0`, `asked 0.00%`, `1 runs`,
/// `0 runs/s`.
#[test]
fn numbers_print_right() {
    let stdout = |args: &[&str]| {
        let out = fivenines().args(args).output().unwrap();
        assert!(out.status.code().is_some_and(|c| c <= 1), "{args:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let t = stdout(&["nines", "1e-300"]);
    assert!(!t.contains("-0.00") && t.contains("1.00e-298%"), "{t}");
    assert!(t.lines().nth(1).unwrap().contains(" 0.00 "), "{t}");
    let t = stdout(&["nines", "25 nines"]);
    assert!(t.contains("100% - 1.00e-23%"), "{t}");
    let (_dir, perfect) = temp_model(
        "perfect.toml",
        "system = \"x\"\n[component.x]\navailability = \"100%\"\n",
    );
    let t = stdout(&["estimate", &perfect]);
    assert!(!t.contains("0.000e0"), "{t}");
    assert!(
        t.lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["unavailability", "0"]),
        "{t}"
    );
    let (_dir, one) = temp_model(
        "one.toml",
        "system = \"x\"\n[component.x]\nmtbf = \"1000h\"\nmttr = \"4h\"\n",
    );
    let t = stdout(&["simulate", &one, "--runs", "1"]);
    assert!(t.contains("Monte Carlo: 1 run of 365 d each"), "{t}");
    assert!(!t.contains(" 0 runs/s") && t.contains(" runs/s in "), "{t}");
    let t = stdout(&[
        "simulate",
        &one,
        "--runs",
        "2000",
        "--precision",
        "0.0000001%",
        "--max-runs",
        "2000",
    ]);
    assert!(t.contains("(asked 1.00e-7%)"), "{t}");
}

/// Runs `estimate` on a model that must be refused; returns stderr.
fn refused(text: &str) -> (String, String) {
    let (dir, path) = temp_model("m.toml", text);
    let out = fivenines().args(["estimate", &path]).output().unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{err}");
    drop(dir);
    (err, path)
}

/// Rough edges 10: `domain` in a block says that blocks have no domain and
/// how to place the members, not that `domain` is a top-level key.
#[test]
fn domain_in_a_block_explains_where_domains_go() {
    let (err, path) = refused(
        "system = \"b\"\n[component.x]\navailability = \"99%\"\n[domain.az]\navailability = \"99.9%\"\n[block.b]\nparallel = [\"x\"]\ndomain = \"az\"\n",
    );
    assert!(
        err.contains(&format!("{path}:8:1: unknown key `domain` in a block")),
        "{err}"
    );
    assert!(err.contains("blocks have no domain"), "{err}");
    assert!(
        err.contains("`domain = \"...\"` to each component"),
        "{err}"
    );
    assert!(!err.contains("top-level key"), "{err}");
    // A real top-level key in a table still gets the TOML explanation.
    let (err, _) = refused("[component.x]\navailability = \"99%\"\nsystem = \"x\"\n");
    assert!(err.contains("`system` is a top-level key"), "{err}");
}

/// Rough edges 11: `availability = 1.5` says the range instead of
/// suggesting "1.5%"; `like` suggests entries that share words, or says
/// nothing is close; a name that differs only by a zero-width space is
/// shown with its escape.
#[test]
fn suggestions_that_help() {
    let (err, _) = refused("system = \"x\"\n[component.x]\navailability = 1.5\n");
    assert!(!err.contains("did you mean \"1.5%\""), "{err}");
    assert!(err.contains("a fraction in (0, 1]"), "{err}");
    let (err, _) = refused("system = \"x\"\n[component.x]\navailability = 99.95\n");
    assert!(err.contains("did you mean \"99.95%\""), "{err}");

    // (aws.elasticache is in the catalog now: a service it still lacks.)
    let (err, _) = refused("system = \"x\"\n[component.x]\nlike = \"aws.sqs\"\n");
    assert!(
        err.contains("no catalog entry is close to `aws.sqs`"),
        "{err}"
    );
    assert!(!err.contains("aws.elb"), "unrelated suggestion: {err}");
    let (err, _) = refused("system = \"x\"\n[component.x]\nlike = \"aws.rds.multiaz\"\n");
    assert!(err.contains("did you mean `aws.rds.multi-az`"), "{err}");

    let (err, _) = refused(
        "system = \"b\"\n[component.\"web\\u200b\"]\navailability = \"99%\"\n[block.b]\nseries = [\"web\"]\n",
    );
    assert!(err.contains("did you mean `web\\u{200b}`?"), "{err}");
    assert!(err.contains("differ only in invisible characters"), "{err}");
}

/// Rough edges 15: every problem of a file in one pass: a block with an
/// unknown key still has its `like` checked, and a component with a bad
/// value still has its `like` looked up.
#[test]
fn all_problems_in_one_pass() {
    let (err, path) = refused(
        "system = \"b\"\n[component.x]\navailability = \"99%\"\n[component.y]\navailability = \"99%\"\n[block.b]\nparallel = [\"x\", \"y\"]\nlike = \"aws.rds.multi-az.failover\"\nfailovr = \"30s\"\n[component.z]\navailability = 1.5\nlike = \"aws.nowhere\"\n",
    );
    for (place, message) in [
        ("8:8", "`like` in a block applies to standby blocks"),
        ("9:1", "unknown key `failovr` in a block"),
        (
            "11:16",
            "`availability`: availability `1.5` is outside (0, 1]",
        ),
        ("12:8", "unknown catalog entry `aws.nowhere`"),
    ] {
        assert!(
            err.contains(&format!("{path}:{place}: {message}")),
            "{place}: {err}"
        );
    }
    assert!(err.contains("4 errors in the model"), "{err}");
    // A misspelt kind is one error, not two ("unknown key" and "no kind").
    let (err, _) = refused(
        "system = \"b\"\n[component.x]\navailability = \"99%\"\n[block.b]\nparalel = [\"x\"]\n",
    );
    assert!(err.contains("did you mean `parallel`?"), "{err}");
    assert!(err.contains("1 error in the model"), "{err}");
}

/// Rough edges 16: what the docs promise holds.
#[test]
fn docs_promises_hold() {
    // Every report has `catalog` and `warnings`: simulate too.
    let (_dir, path) = temp_model(
        "m.toml",
        "system = \"x\"\n[component.x]\nlike = \"aws.ec2.instance\"\nmttr = \"1h\"\n[component.spare]\navailability = \"99%\"\n",
    );
    let out = fivenines()
        .args(["simulate", &path, "--runs", "500", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["catalog"][0]["entry"], "aws.ec2.instance", "{j}");
    assert!(
        j["warnings"][0]
            .as_str()
            .unwrap()
            .contains("`spare` is not used"),
        "{j}"
    );

    // The help's `&& echo meets` example meets its target.
    let help = fivenines().args(["estimate", "--help"]).output().unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    let example = help
        .lines()
        .find(|l| l.contains("&& echo meets"))
        .expect("the example");
    let args: Vec<&str> = example
        .split("&&")
        .next()
        .unwrap()
        .split_whitespace()
        .skip(1)
        .collect();
    let out = fivenines().args(&args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "`{example}` does not meet its target"
    );

    // Markdown links keep the directory of the path given.
    let out = fivenines()
        .args(["compare", "models/dx-only.toml", "--format", "markdown"])
        .output()
        .unwrap();
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(
        md.contains("[`models/dx-only.toml`](models/dx-only.toml)"),
        "{md}"
    );

    // `optimize` is a command now, and no document calls it planned;
    // catalog's exit status 1 is documented.
    let readme = std::fs::read_to_string("README.md").unwrap();
    let model_md = std::fs::read_to_string("docs/model.md").unwrap();
    for line in readme.lines().chain(model_md.lines()) {
        assert!(
            !(line.contains("optimize") && line.contains("planned")),
            "a document still calls optimize planned: {line}"
        );
    }
    assert!(readme.contains("`fivenines optimize FILE"));
    assert!(readme.contains("exit status 1 when no entry matches"));
    let out = fivenines().args(["optimize", "--help"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    // Without a file it is a usage error.
    let out = fivenines().args(["optimize"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// `--engine`: the sweep (the default) and the event engine give the same
/// JSON, byte for byte, on a model with standby failover (a warm-up start:
/// route53-multi-region) and on one with a chain start
/// (multi-az-three-tier); an unknown engine is a usage error.
#[test]
fn both_engines_give_the_same_json() {
    let root = env!("CARGO_MANIFEST_DIR");
    for model in ["route53-multi-region", "multi-az-three-tier"] {
        let path = format!("{root}/models/{model}.toml");
        let run = |extra: &[&str]| {
            let out = fivenines()
                .args(["simulate", &path, "--runs", "3000", "--seed", "5"])
                .args(["--threads", "1", "--format", "json"])
                .args(extra)
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(0), "{model} {extra:?}");
            out.stdout
        };
        let default = run(&[]);
        let sweep = run(&["--engine", "sweep"]);
        let events = run(&["--engine", "events"]);
        assert_eq!(default, sweep, "{model}");
        assert_eq!(sweep, events, "{model}");
        let j: Value = serde_json::from_slice(&sweep).unwrap();
        assert!(
            j["outages_seen"].as_u64().unwrap_or(0) > 100,
            "{model}: {j}"
        );
    }
    let out = fivenines()
        .args(["simulate", "models/dx-only.toml", "--engine", "fast"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("sweep"));
}

/// A standby chain whose factorisation would fill in almost completely
/// (19,972 states, every combination of a dozen items: two minutes of LU)
/// is refused at once: the estimate answers by the first-order
/// approximation and says why, and the answer is a number, not a hang.
#[test]
fn a_chain_too_costly_to_factor_falls_back_and_says_so() {
    let (j, code) = estimate_json("tests/models/grid-chain-standby.toml", &[]);
    assert_eq!(code, 0);
    assert_eq!(j["engine"], "first_order");
    let fallback = j["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "first_order_fallback")
        .expect("the fallback is named");
    let text = fallback["text"].as_str().unwrap();
    assert!(
        text.contains("19972 states") && text.contains("too costly"),
        "{text}"
    );
    let u = num(&j, "unavailability");
    assert!(u > 0.0 && u < 1e-2, "{u}");
}
