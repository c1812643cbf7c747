//! Findings: the approximations, notes and warnings that come with a
//! result, as values.
//!
//! Each [`Finding`] has a [`Severity`], a stable [`Code`] (its JSON
//! spelling, e.g. `"first_order_failover"`, never changes once released),
//! the names it is about, and a text for people. Callers and tests match on
//! the code, not on the text; the text may be reworded.
//!
//! Findings that differ only by the name they are about (one first-order
//! line per standby block of a 5,000-block model) are folded into one by
//! [`group`], which keeps every name.
//!
//! ```
//! use fivenines::value::finding::{Code, Finding, group};
//! let a = Finding::approximation(Code::FirstOrderFailover, Some("db"), "takeovers by the first order");
//! let b = Finding::approximation(Code::FirstOrderFailover, Some("cache"), "takeovers by the first order");
//! let g = group(vec![a, b]);
//! assert_eq!(g.len(), 1);
//! assert_eq!(g[0].subjects, ["db", "cache"]);
//! assert_eq!(g[0].to_string(), "standby blocks `db`, `cache`: takeovers by the first order");
//! ```

use std::fmt;

use serde::Serialize;

/// How a finding bears on the result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// A figure rests on it: the result is approximate in the way named.
    Approximation,
    /// How the model was read where it could be read several ways.
    Note,
    /// Something in the model is probably not what its author meant.
    Warning,
}

/// What a finding is, as a stable code.
///
/// The JSON spelling is the snake-case name (`FirstOrderFailover` →
/// `"first_order_failover"`); [`Code::as_str`] gives it too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Code {
    // Analytic engine.
    /// The standby blocks could not be solved as a Markov chain (too many
    /// states, or a member without a time scale): the first order is used.
    FirstOrderFallback,
    /// A standby block's takeovers by the first-order approximation.
    FirstOrderFailover,
    /// The first-order failover penalty exceeded 1 and was capped.
    FirstOrderCapped,
    /// Contributors of a large model are not re-evaluated one by one.
    LargeModelContributors,
    /// Standby blocks' importance from one diagram with each block an
    /// independent variable (many blocks).
    BlockImportance,
    // Markov chain.
    /// Non-exponential failure or repair times taken by their means.
    ChainMeans,
    /// A delay represented by exponential phases (Erlang fit).
    ErlangFit,
    // Simulation.
    /// Runs start in steady state.
    SteadyStateStart,
    /// Runs start after a warm-up, or from the chain's stationary state.
    StartState,
    /// Percentiles read off a log histogram.
    HistogramPercentiles,
    /// A failed switch is decided when the takeover starts.
    SwitchDecidedAtStart,
    // Model.
    /// A `choose` block evaluated at its first member.
    ChoiceFirstMember,
    /// A `count` range evaluated at its lower end.
    CountRangeLowerEnd,
    /// Published SLAs used as availabilities: the result is a floor.
    SlaFloors,
    /// Catalog figures that are our assumptions.
    CatalogAssumptions,
    /// Which catalog profile (`sla` or `typical`) `like` took its figures
    /// from.
    CatalogProfile,
    /// A part of the model the system does not use.
    Unused,
    /// Components or domains held down or perfect (what-if).
    WhatIf,
    /// Anything else (text only).
    Other,
}

impl Code {
    /// The stable JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::FirstOrderFallback => "first_order_fallback",
            Code::FirstOrderFailover => "first_order_failover",
            Code::FirstOrderCapped => "first_order_capped",
            Code::LargeModelContributors => "large_model_contributors",
            Code::BlockImportance => "block_importance",
            Code::ChainMeans => "chain_means",
            Code::ErlangFit => "erlang_fit",
            Code::SteadyStateStart => "steady_state_start",
            Code::StartState => "start_state",
            Code::HistogramPercentiles => "histogram_percentiles",
            Code::SwitchDecidedAtStart => "switch_decided_at_start",
            Code::ChoiceFirstMember => "choice_first_member",
            Code::CountRangeLowerEnd => "count_range_lower_end",
            Code::SlaFloors => "sla_floors",
            Code::CatalogAssumptions => "catalog_assumptions",
            Code::CatalogProfile => "catalog_profile",
            Code::Unused => "unused",
            Code::WhatIf => "what_if",
            Code::Other => "other",
        }
    }

    /// What the names of a finding with this code are (`standby`, plural
    /// `standby blocks`), when it is about named things.
    fn subject(self) -> (&'static str, &'static str) {
        match self {
            Code::FirstOrderFailover | Code::ErlangFit => ("standby", "standby blocks"),
            Code::ChoiceFirstMember => ("block", "blocks"),
            Code::CountRangeLowerEnd => ("component", "components"),
            _ => ("", ""),
        }
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One approximation, note or warning.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// Approximation, note or warning.
    pub severity: Severity,
    /// The stable code.
    pub code: Code,
    /// The names it is about (blocks, components), in the order met;
    /// empty when it is about the whole result.
    pub subjects: Vec<String>,
    /// What it says, without the names.
    pub detail: String,
}

/// How many names the text lists before "and N more".
const LISTED: usize = 3;

impl Finding {
    /// A finding about `subject` (or about the whole result).
    pub fn new(
        severity: Severity,
        code: Code,
        subject: Option<&str>,
        detail: impl Into<String>,
    ) -> Self {
        Finding {
            severity,
            code,
            subjects: subject.map(str::to_string).into_iter().collect(),
            detail: detail.into(),
        }
    }

    /// An approximation.
    pub fn approximation(code: Code, subject: Option<&str>, detail: impl Into<String>) -> Self {
        Finding::new(Severity::Approximation, code, subject, detail)
    }

    /// A note.
    pub fn note(code: Code, subject: Option<&str>, detail: impl Into<String>) -> Self {
        Finding::new(Severity::Note, code, subject, detail)
    }

    /// A warning.
    pub fn warning(code: Code, subject: Option<&str>, detail: impl Into<String>) -> Self {
        Finding::new(Severity::Warning, code, subject, detail)
    }

    /// The text for people: the names (the first few, and how many more),
    /// then the detail.
    pub fn text(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (one, many) = self.code.subject();
        match self.subjects.len() {
            0 => f.write_str(&self.detail),
            1 if one.is_empty() => write!(f, "`{}`: {}", self.subjects[0], self.detail),
            1 => write!(f, "{one} `{}`: {}", self.subjects[0], self.detail),
            n => {
                if !many.is_empty() {
                    write!(f, "{many} ")?;
                }
                let shown: Vec<String> = self
                    .subjects
                    .iter()
                    .take(LISTED)
                    .map(|s| format!("`{s}`"))
                    .collect();
                f.write_str(&shown.join(", "))?;
                if n > LISTED {
                    write!(f, " and {} more ({n} in all)", n - LISTED)?;
                }
                write!(f, ": {}", self.detail)
            }
        }
    }
}

/// Folds findings that say the same thing about different names into one
/// (keeping every name, in the order met); the order of first appearance
/// is kept.
pub fn group(findings: Vec<Finding>) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::with_capacity(findings.len());
    let mut at: std::collections::HashMap<(Severity, Code, String), usize> =
        std::collections::HashMap::new();
    for f in findings {
        let key = (f.severity, f.code, f.detail.clone());
        match at.get(&key) {
            Some(&i) if !f.subjects.is_empty() && !out[i].subjects.is_empty() => {
                for s in f.subjects {
                    if !out[i].subjects.contains(&s) {
                        out[i].subjects.push(s);
                    }
                }
            }
            Some(&i) if f.subjects.is_empty() && out[i].subjects.is_empty() => {}
            _ => {
                at.insert(key, out.len());
                out.push(f);
            }
        }
    }
    out
}

/// The texts of findings, for the JSON arrays of strings
/// (`approximations`, `notes`, `warnings`).
pub fn texts(findings: &[Finding]) -> Vec<String> {
    findings.iter().map(Finding::to_string).collect()
}

/// The findings of one result, by severity.
///
/// In JSON (flattened into the report) it is four keys: `approximations`,
/// `notes` and `warnings` as arrays of texts (as before findings had
/// codes), and `findings`, every one of them as an object with `severity`,
/// `code`, `subjects` and `text`.
///
/// ```
/// use fivenines::value::finding::{Code, Finding, Findings};
/// let mut f = Findings::default();
/// f.notes.push(Finding::note(Code::ChoiceFirstMember, Some("db"), "a choice, evaluated at its first member `rds`"));
/// let v = serde_json::to_value(&f)?;
/// assert_eq!(v["notes"][0], "block `db`: a choice, evaluated at its first member `rds`");
/// assert_eq!(v["findings"][0]["code"], "choice_first_member");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Findings {
    /// What the figures rest on; empty when they are exact.
    pub approximations: Vec<Finding>,
    /// How the model was read where it could be read several ways.
    pub notes: Vec<Finding>,
    /// Parts of the model that are probably not what was meant.
    pub warnings: Vec<Finding>,
}

impl Findings {
    /// Every finding: approximations, then notes, then warnings.
    pub fn iter(&self) -> impl Iterator<Item = &Finding> {
        self.approximations
            .iter()
            .chain(&self.notes)
            .chain(&self.warnings)
    }

    /// Whether any finding has this code.
    pub fn has(&self, code: Code) -> bool {
        self.iter().any(|f| f.code == code)
    }
}

impl Serialize for Findings {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Findings", 4)?;
        st.serialize_field("approximations", &texts(&self.approximations))?;
        st.serialize_field("notes", &texts(&self.notes))?;
        st.serialize_field("warnings", &texts(&self.warnings))?;
        let all: Vec<FindingJson<'_>> = self.iter().map(FindingJson::from).collect();
        st.serialize_field("findings", &all)?;
        st.end()
    }
}

/// A finding as JSON: its code, severity, names and text.
#[derive(Debug, Clone, Serialize)]
pub struct FindingJson<'a> {
    /// Approximation, note or warning.
    pub severity: Severity,
    /// The stable code.
    pub code: Code,
    /// Every name it is about.
    pub subjects: &'a [String],
    /// The text for people.
    pub text: String,
}

impl<'a> From<&'a Finding> for FindingJson<'a> {
    fn from(f: &'a Finding) -> Self {
        FindingJson {
            severity: f.severity,
            code: f.code,
            subjects: &f.subjects,
            text: f.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_subject_reads_as_before() {
        let f = Finding::approximation(
            Code::ErlangFit,
            Some("db"),
            "failover fixed(90 s) as 4 phases",
        );
        assert_eq!(
            f.to_string(),
            "standby `db`: failover fixed(90 s) as 4 phases"
        );
        assert_eq!(Code::ErlangFit.as_str(), "erlang_fit");
    }

    #[test]
    fn many_subjects_are_counted() {
        let fs: Vec<Finding> = (0..5000)
            .map(|i| {
                Finding::approximation(Code::FirstOrderFailover, Some(&format!("s{i}")), "same")
            })
            .collect();
        let g = group(fs);
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].subjects.len(), 5000);
        assert_eq!(
            g[0].to_string(),
            "standby blocks `s0`, `s1`, `s2` and 4997 more (5000 in all): same"
        );
    }

    #[test]
    fn different_details_and_severities_stay_apart() {
        let g = group(vec![
            Finding::approximation(Code::FirstOrderFailover, Some("a"), "x"),
            Finding::approximation(Code::FirstOrderFailover, Some("b"), "y"),
            Finding::note(Code::Other, None, "x"),
            Finding::note(Code::Other, None, "x"),
            Finding::warning(Code::Other, None, "x"),
        ]);
        assert_eq!(g.len(), 4);
        assert_eq!(g[2].severity, Severity::Note);
        assert_eq!(g[3].severity, Severity::Warning);
    }

    #[test]
    fn json_code_is_snake_case() {
        let f = Finding::warning(Code::Unused, None, "component `x` is not used");
        let v = serde_json::to_value(FindingJson::from(&f)).unwrap();
        assert_eq!(v["code"], "unused");
        assert_eq!(v["severity"], "warning");
        assert_eq!(v["text"], "component `x` is not used");
    }
}
