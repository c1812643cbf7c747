//! Errors and findings are values: callers match on variants and codes,
//! not on message text (docs/model.md, "Findings and their codes").

use fivenines::simulate::SimulationConfig;
use fivenines::{Code, Error, Severity, System, analytic, simulate};

fn sys(text: &str) -> System {
    System::from_str("m.toml", text).unwrap()
}

#[test]
fn simulation_settings_out_of_range_are_bad_settings() {
    let s = sys("system = \"x\"\n[component.x]\nmtbf = \"1000h\"\nmttr = \"4h\"\n");
    let cases: [(SimulationConfig, &str); 3] = [
        (
            SimulationConfig {
                runs: 0,
                ..SimulationConfig::default()
            },
            "runs",
        ),
        (
            SimulationConfig {
                mission_s: 0.0,
                ..SimulationConfig::default()
            },
            "mission",
        ),
        (
            SimulationConfig {
                precision: Some(1.5),
                ..SimulationConfig::default()
            },
            "precision",
        ),
    ];
    for (cfg, want) in cases {
        match simulate::simulate(&s, &cfg, None) {
            Err(e @ Error::BadSetting { setting, .. }) => {
                assert_eq!(setting, want);
                assert_eq!(e.code(), "bad_setting");
            }
            other => panic!("{want}: expected BadSetting, got {other:?}"),
        }
    }
}

#[test]
fn simulating_an_item_without_time_scale_points_at_it() {
    let text = "system = \"pair\"\n[component.a]\navailability = \"99.9%\"\n[component.b]\nmtbf = \"1000h\"\nmttr = \"1h\"\n[block.pair]\nparallel = [\"a\", \"b\"]\n";
    let s = sys(text);
    let e = simulate::simulate(
        &s,
        &SimulationConfig {
            runs: 10,
            ..SimulationConfig::default()
        },
        None,
    )
    .unwrap_err();
    let Error::Model(errors) = e else {
        panic!("a model error at the component, got {e:?}")
    };
    assert_eq!(errors.errors.len(), 1);
    let err = &errors.errors[0];
    assert_eq!((err.line, err.column), (2, 12), "{err:?}");
    assert!(err.help.is_some());
}

#[test]
fn findings_have_codes_and_fold_across_blocks() {
    // Two standby blocks sharing an AZ with different members: the chain
    // is solved (so no first-order findings), and each block's fixed
    // failover is an Erlang fit: one finding naming both blocks.
    let text = r#"
system = "sys"
[domain.az]
mtbf = "8760h"
mttr = "4h"
[component.a1]
mtbf = "2000h"
mttr = "2h"
domain = "az"
[component.a2]
mtbf = "2000h"
mttr = "2h"
[component.b1]
mtbf = "2000h"
mttr = "2h"
domain = "az"
[component.b2]
mtbf = "2000h"
mttr = "2h"
[block.a]
standby = ["a1", "a2"]
failover = "60s"
[block.b]
standby = ["b1", "b2"]
failover = "60s"
[block.sys]
series = ["a", "b"]
[component.spare]
availability = "99%"
"#;
    let s = sys(text);
    let a = analytic::evaluate(&s).unwrap();
    let fits: Vec<_> = a
        .approximations
        .iter()
        .filter(|f| f.code == Code::ErlangFit)
        .collect();
    assert_eq!(fits.len(), 1, "{:?}", a.approximations);
    assert_eq!(fits[0].subjects, ["a", "b"]);
    assert_eq!(fits[0].severity, Severity::Approximation);
    assert!(fits[0].to_string().starts_with("standby blocks `a`, `b`: "));
    assert!(
        !a.approximations
            .iter()
            .any(|f| f.code == Code::FirstOrderFailover)
    );
    // The unused component is a warning with its code.
    assert_eq!(s.warnings().len(), 1);
    assert_eq!(s.warnings()[0].code, Code::Unused);
    assert_eq!(s.warnings()[0].severity, Severity::Warning);
}
