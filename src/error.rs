//! Errors: [`Error`] for the library, [`ModelErrors`] for everything wrong in
//! a model file (each a [`ModelError`] that points into the file).

use std::ops::Range;
use std::sync::Arc;

use miette::{LabeledSpan, NamedSource, SourceSpan};

/// Everything that can go wrong in fivenines.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A model file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path as given.
        path: String,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The model has errors; nothing was evaluated.
    #[error(transparent)]
    Model(#[from] ModelErrors),
    /// The model is valid but cannot be evaluated as asked (too large for
    /// the exact engine, no time scale for a figure that needs one, ...).
    #[error("{0}")]
    Evaluation(String),
}

/// One problem in a model file, with the place it points to.
#[derive(Debug, Clone, thiserror::Error, miette::Diagnostic)]
#[error("{message}")]
pub struct ModelError {
    /// What is wrong and what was expected.
    pub message: String,
    /// The file name as given (or `<model>` for a string).
    pub file: String,
    /// 1-based line of the offending text.
    pub line: usize,
    /// 1-based column (in characters) of the offending text.
    pub column: usize,
    /// Byte range of the offending text.
    pub span: Range<usize>,
    #[source_code]
    source_code: NamedSource<Arc<String>>,
    #[label(collection)]
    labels: Vec<LabeledSpan>,
    /// How to fix it, when we know.
    #[help]
    pub help: Option<String>,
}

impl ModelError {
    /// `file:line:column: message`, the short form editors read.
    pub fn short(&self) -> String {
        format!(
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

/// All the problems found in one model file. Nothing is evaluated from a
/// model with an error.
#[derive(Debug, Clone, thiserror::Error, miette::Diagnostic)]
#[error("{file}: {} in the model; nothing was evaluated", plural(.errors.len()))]
pub struct ModelErrors {
    /// The file name as given.
    pub file: String,
    /// Every problem, in the order of the file.
    #[related]
    pub errors: Vec<ModelError>,
}

fn plural(n: usize) -> String {
    if n == 1 {
        "1 error".to_string()
    } else {
        format!("{n} errors")
    }
}

/// A problem found while reading or checking a model, before it is tied to
/// its file.
#[derive(Debug, Clone)]
pub(crate) struct Issue {
    pub span: Range<usize>,
    pub message: String,
    pub label: String,
    pub help: Option<String>,
    /// Further places to show, e.g. where a name was first defined.
    pub also: Vec<(Range<usize>, String)>,
}

impl Issue {
    pub fn new(span: Range<usize>, message: impl Into<String>, label: impl Into<String>) -> Self {
        Issue {
            span,
            message: message.into(),
            label: label.into(),
            help: None,
            also: Vec::new(),
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn help_opt(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    pub fn also(mut self, span: Range<usize>, label: impl Into<String>) -> Self {
        self.also.push((span, label.into()));
        self
    }
}

/// Ties issues to their file, sorted by position.
pub(crate) fn into_model_errors(
    file: &str,
    text: &Arc<String>,
    mut issues: Vec<Issue>,
) -> ModelErrors {
    issues.sort_by_key(|i| (i.span.start, i.span.end));
    issues.dedup_by(|a, b| a.span == b.span && a.message == b.message);
    let errors = issues
        .into_iter()
        .map(|i| {
            let start = i.span.start.min(text.len());
            let end = i.span.end.clamp(start, text.len());
            let (line, column) = line_column(text, start);
            let mut labels = vec![LabeledSpan::new_primary_with_span(
                Some(i.label.clone()),
                SourceSpan::from(start..end),
            )];
            for (span, label) in &i.also {
                let s = span.start.min(text.len());
                let e = span.end.clamp(s, text.len());
                labels.push(LabeledSpan::new_with_span(
                    Some(label.clone()),
                    SourceSpan::from(s..e),
                ));
            }
            ModelError {
                message: i.message,
                file: file.to_string(),
                line,
                column,
                span: start..end,
                source_code: NamedSource::new(file, Arc::clone(text)),
                labels,
                help: i.help,
            }
        })
        .collect();
    ModelErrors {
        file: file.to_string(),
        errors,
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// The closest of `candidates` to `name`, as a "did you mean" hint.
pub(crate) fn suggest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let score = strsim::jaro_winkler(name, c);
        if score > 0.8 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column() {
        let t = "a = 1\nbé = 2\n";
        assert_eq!(line_column(t, 0), (1, 1));
        assert_eq!(line_column(t, 6), (2, 1));
        assert_eq!(line_column(t, 9), (2, 3)); // after the two-byte é
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            suggest("web-tire", ["web-tier", "db"]).as_deref(),
            Some("did you mean `web-tier`?")
        );
        assert_eq!(suggest("zzz", ["web-tier", "db"]), None);
    }
}
