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
        for key in [
            "role",
            "profile",
            "sla_floor",
            "derived_availability",
            "see_also",
            "reasoning",
        ] {
            assert!(e.get(key).is_some(), "{e} lacks {key}");
        }
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
    // Figures from docs/aws-sources.md: Route 53 health checks 30 s (fast:
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

// --- Two profiles (sla, typical) and the data behind them -----------------

use fivenines::catalog::{FigureKind, Profile, Role};

/// A date in a source: `2022-07-25` or `2023-06`.
fn has_date(s: &str) -> bool {
    let b = s.as_bytes();
    (0..b.len().saturating_sub(6)).any(|i| {
        b[i..i + 4].iter().all(u8::is_ascii_digit)
            && b[i + 4] == b'-'
            && b[i + 5..i + 7].iter().all(u8::is_ascii_digit)
            && (b[i] == b'1' || b[i] == b'2')
    })
}

#[test]
fn every_entry_has_a_kind_and_a_dated_source_in_both_profiles() {
    assert!(has_date("ELB SLA (2022-07-25)") && has_date("archived 2023-06"));
    assert!(!has_date("no published figures") && !has_date("99.99%"));
    for profile in Profile::ALL {
        let entries = catalog::entries_in(profile);
        assert!(entries.len() >= 70, "{}", entries.len());
        for e in entries {
            assert_eq!(e.profile, profile);
            assert!(!e.description.is_empty(), "{}", e.id);
            assert!(has_date(&e.source), "{} ({profile}): {}", e.id, e.source);
            for other in &e.see_also {
                assert!(catalog::get(other).is_some(), "{}: see_also {other}", e.id);
            }
        }
    }
}

#[test]
fn no_sla_entry_lacks_a_published_figure() {
    for e in catalog::entries() {
        if e.kind == FigureKind::Sla {
            assert!(
                e.availability.is_some(),
                "{}: an SLA without a figure",
                e.id
            );
            assert_eq!(e.sla_floor, e.availability, "{}", e.id);
            assert_ne!(e.role, Role::Failover, "{}", e.id);
        } else {
            assert_eq!(e.sla_floor, None, "{}", e.id);
        }
    }
}

#[test]
fn typical_figures_are_estimates_with_reasoning_and_a_time_scale() {
    for e in catalog::entries() {
        let t = catalog::get_in(&e.id, Profile::Typical).unwrap();
        let perfect = e.availability.is_some_and(|a| a.unavailability() == 0.0);
        let needs_estimate = e.role != Role::Failover
            && !perfect
            && matches!(e.kind, FigureKind::Sla | FigureKind::Assumption);
        if needs_estimate {
            // Every floor and every assumption has our estimate beside it:
            // a failure rate and a repair time, with the reasoning.
            assert_eq!(t.kind, FigureKind::Estimate, "{} has no typical", e.id);
            assert!(t.mtbf_s.is_some() && t.mttr_s.is_some(), "{}", e.id);
        }
        if t.kind == FigureKind::Estimate {
            let r = t.reasoning.as_deref().unwrap_or_default();
            assert!(r.len() > 20, "{}: reasoning {r:?}", e.id);
            assert_ne!(
                t.source, e.source,
                "{}: typical cites its own sources",
                e.id
            );
        } else {
            assert!(t.reasoning.is_none(), "{}", e.id);
        }
        // A derived availability for entries given as mtbf / mttr.
        match (t.availability, t.mtbf_s, t.mttr_s) {
            (None, Some(u), Some(r)) => {
                let d = t.derived_availability.unwrap().value();
                assert!((d - u / (u + r)).abs() < 1e-15, "{}", e.id);
            }
            _ => assert!(t.derived_availability.is_none(), "{}", e.id),
        }
    }
}

#[test]
fn the_audit_corrections_are_in_the_catalog() {
    let a = |id: &str| catalog::get(id).unwrap().availability.unwrap().value();
    // Transit Gateway at the last AWS text's 99.95%; CloudFront an SLA.
    assert_eq!(a("aws.tgw"), 0.9995);
    assert_eq!(catalog::get("aws.tgw").unwrap().kind, FigureKind::Sla);
    assert_eq!(
        catalog::get("aws.cloudfront").unwrap().kind,
        FigureKind::Sla
    );
    // Two DX connections at one location: no SLA.
    assert_eq!(
        catalog::get("aws.dx.one-location-two-connections")
            .unwrap()
            .kind,
        FigureKind::Assumption
    );
    // The single-AZ ALB is for Local Zones and Outposts.
    assert!(
        catalog::get("aws.elb.alb.single-az")
            .unwrap()
            .description
            .contains("Local Zone")
    );
    // Region and AZ repair times follow the post-event summaries.
    assert_eq!(
        catalog::get("aws.region").unwrap().mttr_s,
        Some(7.0 * 3600.0)
    );
    assert_eq!(catalog::get("aws.az").unwrap().mttr_s, Some(5.0 * 3600.0));
    let region = catalog::get("aws.region").unwrap();
    for event in [
        "2017",
        "2021-12-07",
        "2023-06-13",
        "2024-07-30",
        "2025-10-19",
    ] {
        assert!(region.source.contains(event), "{event}");
    }
    // The regional DX path, from the 2021-09-02 Tokyo event.
    let dx = catalog::get("aws.dx.region").unwrap();
    assert_eq!((dx.role, dx.mttr_s), (Role::Domain, Some(6.2 * 3600.0)));
    assert!(dx.source.contains("2021-09-02"));
    // Aurora failover: the User Guide's bound (sla) and the usual 30 s (typical).
    let f = |id: &str, p| catalog::get_in(id, p).unwrap().failover_s;
    assert_eq!(f("aws.aurora.failover", Profile::Sla), Some(60.0));
    assert_eq!(f("aws.aurora.failover", Profile::Typical), Some(30.0));
    // VPN dead peer detection: both documented defaults named.
    let vpn = catalog::get("aws.vpn.failover")
        .unwrap()
        .note
        .clone()
        .unwrap();
    assert!(vpn.contains("40 s") && vpn.contains("30 s"), "{vpn}");
    // RDS host: planned patching and unplanned failures, apart and together.
    let planned = catalog::get("aws.rds.host.planned").unwrap();
    let unplanned = catalog::get("aws.rds.host.unplanned").unwrap();
    let both = catalog::get("aws.rds.host").unwrap();
    let rate = |e: &catalog::Entry| 1.0 / e.mtbf_s.unwrap();
    assert!((rate(planned) + rate(unplanned) - rate(both)).abs() < 1e-3 * rate(both));
    // Notes against double counting.
    assert!(
        catalog::get("aws.vgw")
            .unwrap()
            .note
            .as_deref()
            .unwrap()
            .contains("Double counting")
    );
    assert!(
        catalog::get("aws.ec2.region")
            .unwrap()
            .note
            .as_deref()
            .unwrap()
            .contains("aws.az")
    );
    // Guidance: the alternatives point at each other.
    let multi = catalog::get("aws.rds.multi-az").unwrap();
    assert!(multi.see_also.iter().any(|s| s == "aws.rds.host"));
    assert!(
        multi
            .note
            .as_deref()
            .unwrap()
            .contains("contract for the whole deployment")
    );
    let bgp = catalog::get("aws.dx.bgp-failover")
        .unwrap()
        .note
        .clone()
        .unwrap();
    assert!(
        bgp.contains("multipath") && bgp.contains("parallel"),
        "{bgp}"
    );
    // The additions.
    for id in [
        "aws.elasticache",
        "aws.elasticache.single-az",
        "aws.elasticache.failover",
        "aws.memorydb",
        "aws.memorydb.multi-region",
        "aws.dax",
        "aws.aurora.instance",
        "aws.aurora.single-az",
        "aws.aurora.global",
        "aws.aurora.global.switchover",
        "aws.aurora.global.failover",
        "aws.dynamodb.global",
        "aws.api-gateway",
        "aws.cloudfront",
        "aws.global-accelerator",
        "aws.efs",
        "aws.efs.one-zone",
        "aws.ebs.volume",
        "aws.ecs.task",
        "aws.nat-gateway",
        "aws.network-firewall",
        "aws.waf",
        "aws.kms",
        "aws.route53.arc",
    ] {
        assert!(catalog::get(id).is_some(), "missing {id}");
    }
    assert_eq!(a("aws.kms"), 0.99999);
    assert_eq!(a("aws.elasticache"), 0.9999);
    assert_eq!(a("aws.elasticache.single-az"), 0.995);
    assert_eq!(a("aws.memorydb.multi-region"), 0.99999);
    assert_eq!(a("aws.efs.one-zone"), 0.999);
    assert_eq!(a("aws.waf"), 0.9995);
    // EBS: the published 0.1-0.2% annual failure rate, pessimistic end.
    let ebs = catalog::get("aws.ebs.volume").unwrap();
    assert!((365.0 * 86400.0 / ebs.mtbf_s.unwrap() - 0.002).abs() < 1e-12);
}

#[test]
fn health_check_defaults_and_credit_tiers_are_data() {
    let hc = |id: &str| {
        catalog::health_checks()
            .iter()
            .find(|h| h.id == id)
            .unwrap_or_else(|| panic!("{id}"))
    };
    let alb = hc("alb");
    assert_eq!(
        (
            alb.interval_s,
            alb.timeout_s,
            alb.healthy_threshold,
            alb.unhealthy_threshold
        ),
        (30.0, Some(5.0), Some(5), 2)
    );
    assert!(alb.note.contains("fails open"));
    // The ALB detection entry is the health check's interval x threshold.
    assert_eq!(
        catalog::get("aws.elb.target-detection").unwrap().detect_s,
        Some(alb.detect_s())
    );
    assert_eq!(hc("nlb").detect_s(), 60.0);
    assert_eq!(
        catalog::get("aws.route53.failover").unwrap().detect_s,
        Some(hc("route53").detect_s())
    );
    assert_eq!(
        catalog::get("aws.route53.failover.fast").unwrap().detect_s,
        Some(hc("route53.fast").detect_s())
    );
    for h in catalog::health_checks() {
        assert!(has_date(&h.source), "{}", h.id);
    }
    let tiers = catalog::credit_tiers();
    for want in ["EC2", "ELB", "RDS", "S3", "DynamoDB", "Lambda", "Route 53"] {
        assert!(tiers.iter().any(|t| t.service.contains(want)), "{want}");
    }
    for t in tiers {
        assert!(has_date(&t.source), "{}", t.service);
        assert!(!t.tiers.is_empty() || t.note.is_some(), "{}", t.service);
        // Lower uptime, larger credit; 100% below 95%.
        for w in t.tiers.windows(2) {
            assert!(w[0].below_percent > w[1].below_percent, "{}", t.service);
            assert!(w[0].credit_percent < w[1].credit_percent, "{}", t.service);
        }
        if let Some(last) = t.tiers.last() {
            assert_eq!((last.below_percent, last.credit_percent), (95.0, 100.0));
        }
    }
    let ec2 = tiers.iter().find(|t| t.service.starts_with("EC2")).unwrap();
    assert_eq!(ec2.tiers[1].credit_percent, 30.0);
}

fn shipped_models() -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir("models")
        .unwrap()
        .map(|e| e.unwrap().path().display().to_string())
        .filter(|p| p.ends_with(".toml"))
        .collect();
    files.sort();
    files
}

#[test]
fn no_shipped_model_under_typical_has_a_part_failing_more_than_monthly() {
    for f in shipped_models() {
        let sys = System::from_path_in(&f, Some(Profile::Typical)).unwrap();
        assert_eq!(sys.catalog_profile(), Profile::Typical);
        for item in sys.items() {
            let per_year = item.rates.frequency().unwrap_or(0.0) * YEAR_S;
            assert!(
                per_year <= 12.0,
                "{f}: `{}` fails {per_year:.1} times a year under typical",
                item.name
            );
        }
        // The report says which profile, and what its figures are.
        assert!(
            sys.notes()
                .iter()
                .any(|n| n.code == fivenines::Code::CatalogProfile
                    && n.detail.contains("catalog profile `typical`")
                    && n.detail.contains("estimates")),
            "{f}: {:?}",
            sys.notes()
        );
    }
}

#[test]
fn under_sla_the_notes_say_the_figures_are_floors() {
    for f in shipped_models() {
        let sys = System::from_path(&f).unwrap();
        assert_eq!(sys.catalog_profile(), Profile::Sla, "{f}");
        assert!(!sys.catalog_uses().is_empty(), "{f} uses the catalog");
        assert!(
            sys.notes()
                .iter()
                .any(|n| n.code == fivenines::Code::CatalogProfile
                    && n.detail.contains("catalog profile `sla`")
                    && n.detail.contains("floors")),
            "{f}: {:?}",
            sys.notes()
        );
    }
}

#[test]
fn dx_variants_under_typical_follow_the_aws_resiliency_order() {
    // AWS Direct Connect resiliency recommendations: Maximum (separate
    // connections at two locations, two each) > High (one at each of two
    // locations) > Development and Test (two at one location).
    let a = |f: &str| {
        let sys = System::from_path_in(f, Some(Profile::Typical)).unwrap();
        analytic::evaluate(&sys).unwrap().availability
    };
    let maximum = a("models/dx-maximum-resiliency.toml");
    let high = a("models/dx-two-locations.toml");
    let dev = a("models/dx-two-connections-one-location.toml");
    let one = a("models/dx-only.toml");
    assert!(
        maximum > high && high > dev && dev > one,
        "{maximum} {high} {dev} {one}"
    );
    // The VPN covers the regional DX path: every DX design gains from it.
    for (alone, with_vpn) in [
        ("dx-only", "dx-vpn-backup"),
        ("dx-two-locations", "dx-two-locations-vpn"),
        (
            "dx-two-connections-one-location",
            "dx-two-connections-one-location-vpn",
        ),
    ] {
        let (x, y) = (
            a(&format!("models/{alone}.toml")),
            a(&format!("models/{with_vpn}.toml")),
        );
        assert!(y > x, "{with_vpn} {y} vs {alone} {x}");
    }
    // The DX models place their locations within the regional path.
    for f in shipped_models().iter().filter(|f| f.contains("/dx-")) {
        let text = std::fs::read_to_string(f).unwrap();
        assert!(text.contains("like = \"aws.dx.region\""), "{f}");
    }
}

#[test]
fn the_catalog_flag_and_key_pick_the_profile() {
    let text = "system = \"x\"\n[component.x]\nlike = \"aws.ec2.instance\"\n";
    let typical = format!("catalog = \"typical\"\n{text}");
    let q = |sys: &System| analytic::evaluate(sys).unwrap().outages_per_year.unwrap();
    let sla = System::from_str("m.toml", text).unwrap();
    let key = System::from_str("m.toml", &typical).unwrap();
    assert_eq!(key.catalog_profile(), Profile::Typical);
    // 99.5% with 15 min repairs: 175 outages a year; typical: about one.
    assert!((q(&sla) - 0.005 / 900.0 * YEAR_S).abs() < 1e-6);
    assert!((q(&key) - YEAR_S / (YEAR_S + 900.0)).abs() < 1e-9);
    // The command line wins over the key.
    let back = System::from_str_in("m.toml", &typical, Some(Profile::Sla)).unwrap();
    assert_eq!(back.catalog_profile(), Profile::Sla);
    assert!((q(&back) - q(&sla)).abs() < 1e-9);
    // Every command takes --catalog; reports say which profile they used.
    let out = fivenines()
        .args([
            "estimate",
            "models/dx-only.toml",
            "--catalog",
            "typical",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["catalog_profile"], "typical");
    let out = fivenines()
        .args(["estimate", "models/dx-only.toml", "--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["catalog_profile"], "sla");
    let out = fivenines()
        .args(["estimate", "models/dx-only.toml", "--catalog", "typical"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("catalog profile `typical`"));
    let out = fivenines()
        .args([
            "simulate",
            "models/dx-only.toml",
            "--catalog",
            "typical",
            "--runs",
            "200",
            "--quiet",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        v["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n.as_str().unwrap().contains("catalog profile `typical`"))
    );
    for profile in ["sla", "typical"] {
        let out = fivenines()
            .args(["compare", "models/dx-only.toml", "--catalog", profile])
            .output()
            .unwrap();
        assert!(
            String::from_utf8_lossy(&out.stdout).contains(&format!("Catalog profile: {profile}")),
            "{profile}"
        );
    }
    let out = fivenines()
        .args([
            "catalog",
            "aws.ec2.instance",
            "--catalog",
            "typical",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let e = &v[0];
    assert_eq!(
        (e["profile"].as_str(), e["kind"].as_str()),
        (Some("typical"), Some("estimate"))
    );
    assert!(e["reasoning"].is_string());
    assert_eq!(e["sla_floor"].as_f64(), Some(0.995));
    assert!(e["availability"].is_null() && e["derived_availability"].as_f64().unwrap() > 0.9999);
    // A profile that does not exist: placed, exit 2.
    let out = fivenines()
        .args(["estimate", "-"])
        .write_stdin(format!("catalog = \"floor\"\n{text}"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("<stdin>:1:11") && err.contains("unknown catalog profile `floor`"),
        "{err}"
    );
    let out = fivenines()
        .args(["estimate", "models/dx-only.toml", "--catalog", "floor"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn under_typical_the_rds_sla_entry_and_the_host_pair_agree() {
    // Under `sla` they were 35x apart (4.38 h a year against minutes): the
    // SLA entry is a floor, the pair our model. Under `typical` the entry
    // is what the pair gives: five 90 s failovers a year (7.5 min); the
    // pair adds the 1% of failed switches and both hosts down at once.
    let entry = "system = \"db\"\n[component.db]\nlike = \"aws.rds.multi-az\"\n";
    let pair = "system = \"db\"\n[component.a]\nlike = \"aws.rds.host\"\n[component.b]\nlike = \"aws.rds.host\"\n[block.db]\nstandby = [\"a\", \"b\"]\nlike = \"aws.rds.multi-az.failover\"\n";
    let down = |text: &str| {
        let sys = System::from_str_in("m.toml", text, Some(Profile::Typical)).unwrap();
        analytic::evaluate(&sys).unwrap().downtime_per_year_s
    };
    let (e, p) = (down(entry), down(pair));
    assert!((e - 5.0 * 90.0).abs() < 1.0, "{e}");
    assert!(p > e && p < 2.0 * e, "entry {e} s, pair {p} s");
}
