//! The shipped models: the table in models/README.md is current, every
//! model runs under both engines, and the facts users rely on hold.

use assert_cmd::Command;
use fivenines::{System, analytic};

fn fivenines() -> Command {
    Command::cargo_bin("fivenines").expect("binary built")
}

fn model_files() -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir("models")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().and_then(|e| e.to_str()) == Some("toml"))
        .map(|p| p.display().to_string())
        .collect();
    files.sort();
    files
}

fn availability(file: &str) -> f64 {
    let sys = System::from_path(file).unwrap();
    analytic::evaluate(&sys).unwrap().availability
}

/// `compare` of every shipped model, run beside the README so that its
/// links are the bare file names, with the catalog profile given.
fn compare_markdown(profile: &str) -> String {
    let names: Vec<String> = model_files()
        .iter()
        .map(|f| f.trim_start_matches("models/").to_string())
        .collect();
    let out = fivenines()
        .current_dir("models")
        .arg("compare")
        .args(names)
        .args(["--format", "markdown", "--catalog", profile])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The text between `<!-- NAME:start -->` and `<!-- NAME:end -->`.
fn between<'a>(readme: &'a str, name: &str) -> &'a str {
    let start_marker = format!("<!-- {name}:start -->\n");
    let start = readme.find(&start_marker).expect("start marker") + start_marker.len();
    let end = readme
        .find(&format!("<!-- {name}:end -->"))
        .expect("end marker");
    &readme[start..end]
}

#[test]
fn models_readme_table_is_current() {
    // Both columns of the README: what AWS promises (the SLA floors) and
    // what we expect (the typical estimates), each the command's output.
    let readme = std::fs::read_to_string("models/README.md").unwrap();
    for (marker, profile) in [("table", "sla"), ("typical", "typical")] {
        assert_eq!(
            between(&readme, marker),
            compare_markdown(profile),
            "models/README.md is stale: replace its `{marker}` table with the output of\n  cd models && cargo run --release -- compare *.toml --format markdown --catalog {profile}"
        );
    }
    for file in model_files() {
        let name = std::path::Path::new(&file)
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            readme.contains(&format!("[`{name}`]")),
            "{name} is not in models/README.md"
        );
    }
}

#[test]
fn every_model_runs_under_both_engines() {
    let files = model_files();
    assert!(files.len() >= 17, "{} models", files.len());
    for f in files {
        let out = fivenines().args(["estimate", &f]).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "estimate {f}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.stderr.is_empty(),
            "estimate {f} warns: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let out = fivenines()
            .args(["simulate", &f, "--runs", "2000", "--quiet"])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "simulate {f}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn dx_with_a_vpn_backup_beats_dx_alone() {
    assert!(availability("models/dx-vpn-backup.toml") > availability("models/dx-only.toml"));
    assert!(
        availability("models/dx-two-connections-one-location-vpn.toml")
            > availability("models/dx-two-connections-one-location.toml")
    );
    assert!(
        availability("models/dx-two-locations-vpn.toml")
            > availability("models/dx-two-locations.toml")
    );
}

#[test]
fn two_dx_locations_beat_two_connections_at_one_location() {
    assert!(
        availability("models/dx-two-locations.toml")
            > availability("models/dx-two-connections-one-location.toml")
    );
    assert!(
        availability("models/dx-two-locations-vpn.toml")
            > availability("models/dx-two-connections-one-location-vpn.toml")
    );
}

#[test]
fn the_s3_chain_is_weaker_than_any_of_its_links() {
    let text = std::fs::read_to_string("models/s3-endpoint-chain.toml").unwrap();
    let chain = availability("models/s3-endpoint-chain.toml");
    let links = [
        "onprem-dns",
        "vpn",
        "interface-endpoint",
        "nlb",
        "proxy",
        "gateway-endpoint",
        "s3",
    ];
    for link in links {
        let alone = text.replace("system = \"chain\"", &format!("system = \"{link}\""));
        let sys = System::from_str("link.toml", &alone).unwrap();
        let a = analytic::evaluate(&sys).unwrap().availability;
        assert!(chain < a, "chain {chain} is not below link {link} ({a})");
    }
}

#[test]
fn route53_multi_region_beats_one_region() {
    assert!(
        availability("models/route53-multi-region.toml")
            > availability("models/multi-az-three-tier.toml")
    );
}

#[test]
fn the_transit_gateway_is_a_top_contributor_of_the_hub() {
    let sys = System::from_path("models/transit-gateway-hub.toml").unwrap();
    let a = analytic::evaluate(&sys).unwrap();
    let top: Vec<&str> = a
        .contributors
        .iter()
        .take(3)
        .map(|c| c.name.as_str())
        .collect();
    assert!(top.contains(&"tgw"), "top contributors: {top:?}");
}
