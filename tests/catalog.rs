//! The catalog: the command, `like` and its override rules, and the notes
//! that say when a figure is an SLA floor.

use assert_cmd::Command;
use fivenines::{System, YEAR_S, analytic, catalog};
use serde_json::Value;

fn fivenines() -> Command {
    let mut c = Command::cargo_bin("fivenines").expect("binary built");
    c.env("NO_COLOR", "1");
    c
}

#[test]
fn catalog_json_lists_entries_with_kind_and_source() {
    let out = fivenines()
        .args(["catalog", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let list = v.as_array().unwrap();
    assert_eq!(list.len(), catalog::entries().len());
    for e in list {
        for key in ["id", "availability", "kind", "source"] {
            assert!(e.get(key).is_some(), "{e} lacks {key}");
        }
        assert!(["sla", "documented", "assumption"].contains(&e["kind"].as_str().unwrap()));
    }
    let alb = list.iter().find(|e| e["id"] == "aws.elb.alb").unwrap();
    assert_eq!(alb["availability"].as_f64(), Some(0.9999));
    assert_eq!(alb["kind"], "sla");
}

#[test]
fn catalog_pattern_filters() {
    let out = fivenines()
        .args(["catalog", "aws.dx", "--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.len() >= 5 && ids.iter().all(|id| id.starts_with("aws.dx")),
        "{ids:?}"
    );
    let out = fivenines()
        .args(["catalog", "no-such-thing"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let out = fivenines().args(["catalog"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("source: ELB SLA") && text.contains("[sla]") && text.contains("[assumption]")
    );
}

#[test]
fn unknown_entry_suggests_the_closest() {
    let out = fivenines()
        .args(["estimate", "tests/models/bad/unknown-entry.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("tests/models/bad/unknown-entry.toml:4:8"),
        "{err}"
    );
    assert!(err.contains("unknown catalog entry `aws.elb.abl`"), "{err}");
    assert!(err.contains("did you mean `aws.elb.alb`"), "{err}");
}

fn eval(text: &str) -> (System, analytic::Analytic) {
    let sys = System::from_str("m.toml", text).unwrap_or_else(|e| panic!("{e:?}"));
    let a = analytic::evaluate(&sys).unwrap();
    (sys, a)
}

#[test]
fn like_fills_and_keys_beside_it_override() {
    // The entry alone: 99.99% and mttr 30 min.
    let (_, a) = eval("system = \"x\"\n[component.x]\nlike = \"aws.elb.alb\"\n");
    assert!((a.unavailability - 1e-4).abs() < 1e-16);
    let f = a.outages_per_year.unwrap();
    let want = 1e-4 / 1800.0 * YEAR_S; // f = q / mttr
    assert!((f - want).abs() < 1e-9 * want, "{f} vs {want}");
    // Our own mttr keeps the entry's availability and changes the time scale.
    let (_, a) = eval("system = \"x\"\n[component.x]\nlike = \"aws.elb.alb\"\nmttr = \"10m\"\n");
    assert!((a.unavailability - 1e-4).abs() < 1e-16);
    assert!((a.outages_per_year.unwrap() - 3.0 * want).abs() < 1e-9 * want);
    // Our own availability wins over the entry's.
    let (_, a) =
        eval("system = \"x\"\n[component.x]\nlike = \"aws.elb.alb\"\navailability = \"99.9%\"\n");
    assert!((a.unavailability - 1e-3).abs() < 1e-15);
    // Our own mtbf: availability from the entry, the repair time derived.
    let (sys, _) =
        eval("system = \"x\"\n[component.x]\nlike = \"aws.elb.alb\"\nmtbf = \"1000h\"\n");
    let r = sys.items()[0].rates;
    assert_eq!(r.mtbf_s, Some(1000.0 * 3600.0));
    assert!((r.availability.value() - 0.9999).abs() < 1e-15);
}

#[test]
fn like_in_a_standby_block_takes_the_failover() {
    let text = "system = \"db\"\n[component.a]\nlike = \"aws.rds.host\"\n[component.b]\nlike = \"aws.rds.host\"\n[block.db]\nstandby = [\"a\", \"b\"]\nlike = \"aws.rds.multi-az.failover\"\n";
    let (sys, a) = eval(text);
    let s = &sys.standbys()[0];
    assert_eq!(s.failover.mean(), 90.0);
    assert_eq!(s.switch_success, 0.99);
    assert!(a.failover_unavailability > 0.0);
    let err = System::from_str("m.toml", &text.replace("standby", "parallel")).unwrap_err();
    assert!(
        err.errors[0].message.contains("applies to standby blocks"),
        "{:?}",
        err.errors[0].message
    );
}

#[test]
fn reports_say_when_a_figure_is_an_sla() {
    let out = fivenines()
        .args([
            "estimate",
            "models/multi-az-three-tier.toml",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let notes: Vec<&str> = v["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert!(
        notes
            .iter()
            .any(|n| n.contains("contractual floor") && n.contains("`alb` (aws.elb.alb)")),
        "{notes:?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.contains("our assumptions") && n.contains("aws.az")),
        "{notes:?}"
    );
    let cat = v["catalog"].as_array().unwrap();
    let alb = cat.iter().find(|c| c["name"] == "alb").unwrap();
    assert_eq!(alb["entry"], "aws.elb.alb");
    assert_eq!(alb["sla_floor"], true);
    let out = fivenines()
        .args(["estimate", "models/multi-az-three-tier.toml"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("an SLA is a contractual floor"));
}

#[test]
fn failover_entries_split_detection_from_the_move() {
    // Figures from docs/aws-facts.md: Route 53 health checks 30 s (fast:
    // 10 s) x failure threshold 3, then the 60 s TTL; DX BGP hold time
    // 90 s, BFD 300 ms x 3; VPN dead peer detection 40 s.
    let e = |id: &str| catalog::get(id).unwrap_or_else(|| panic!("{id}"));
    for (id, detect, failover, revert, failback) in [
        ("aws.route53.failover", 90.0, 60.0, Some(true), Some(0.0)),
        (
            "aws.route53.failover.fast",
            30.0,
            60.0,
            Some(true),
            Some(0.0),
        ),
        ("aws.dx.bgp-failover", 90.0, 0.0, Some(true), Some(0.0)),
        ("aws.dx.bfd-failover", 0.9, 0.0, Some(true), Some(0.0)),
        ("aws.vpn.failover", 40.0, 0.0, None, None),
        ("aws.elb.target-detection", 60.0, 0.0, None, None),
    ] {
        let x = e(id);
        assert_eq!(x.detect_s, Some(detect), "{id}");
        assert_eq!(x.failover_s, Some(failover), "{id}");
        assert_eq!(x.revert, revert, "{id}");
        assert_eq!(x.failback_s, failback, "{id}");
        // Every split says so, and every assumed part is named.
        let note = x.note.as_deref().unwrap_or_default();
        assert!(
            note.contains("assumption") || note.contains("our reading"),
            "{id}: {note}"
        );
    }
    // The database failovers document one figure, detection included.
    for id in [
        "aws.rds.multi-az.failover",
        "aws.rds.multi-az-cluster.failover",
        "aws.aurora.failover",
    ] {
        let x = e(id);
        assert_eq!(x.detect_s, None, "{id}");
        assert!(
            x.note.as_deref().unwrap().contains("includes detection"),
            "{id}"
        );
    }
}

#[test]
fn like_in_a_standby_block_takes_detect_revert_and_failback() {
    let text = "system = \"r\"\n[component.a]\nmtbf = \"1000h\"\nmttr = \"1h\"\n[component.b]\nmtbf = \"1000h\"\nmttr = \"1h\"\n[block.r]\nstandby = [\"a\", \"b\"]\nlike = \"aws.route53.failover\"\n";
    let (sys, _) = eval(text);
    let s = &sys.standbys()[0];
    assert_eq!(
        (
            s.detect.mean(),
            s.failover.mean(),
            s.revert,
            s.failback.mean()
        ),
        (90.0, 60.0, true, 0.0)
    );
    // Keys beside `like` win.
    let (sys, _) = eval(&format!("{text}detect = \"30s\"\nrevert = false\n"));
    let s = &sys.standbys()[0];
    assert_eq!(
        (s.detect.mean(), s.failover.mean(), s.revert),
        (30.0, 60.0, false)
    );
}

#[test]
fn catalog_command_prints_detect_revert_and_failback() {
    let out = fivenines()
        .args(["catalog", "aws.route53.failover"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("detect 90.0 s, failover 60.0 s, revertive, failback 0 s"),
        "{text}"
    );
    let out = fivenines()
        .args(["catalog", "aws.dx.bfd-failover", "--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let e = &v.as_array().unwrap()[0];
    assert_eq!(e["detect_s"].as_f64(), Some(0.9));
    assert_eq!(e["failover_s"].as_f64(), Some(0.0));
    assert_eq!(e["revert"], true);
    assert_eq!(e["failback_s"].as_f64(), Some(0.0));
    let rds = fivenines()
        .args(["catalog", "aws.rds.multi-az.failover", "--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&rds.stdout).unwrap();
    assert!(v[0]["detect_s"].is_null() && v[0]["revert"].is_null());
}
