//! Errors: [`Error`] for the library, [`ModelErrors`] for everything wrong in
//! a model file (each a [`ModelError`] that points into the file).

use std::ops::Range;
use std::sync::Arc;

use miette::{LabeledSpan, SourceSpan};

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
    /// The model's decision diagram grew past its limit: the model is too
    /// large for the exact engine (`simulate` still works).
    #[error(
        "the model's decision diagram exceeds {limit} nodes; it is too large for the exact engine (use `simulate`)"
    )]
    DiagramTooLarge {
        /// The limit on diagram nodes that was reached.
        limit: usize,
    },
    /// An item the evaluation needs a time scale for gives availability
    /// alone (no MTBF or MTTR). Models read from a file report this as a
    /// [`Error::Model`] pointing at the item instead.
    #[error("{kind} `{name}` gives availability alone: {needed_for} needs a time scale; {help}")]
    NoTimeScale {
        /// `component` or `domain`.
        kind: &'static str,
        /// Its name.
        name: String,
        /// What needs the time scale (`a simulation`, ...).
        needed_for: &'static str,
        /// How to fix it.
        help: &'static str,
    },
    /// A setting of the evaluation is out of range (the simulation's
    /// mission, runs, precision, ...).
    #[error("{setting}: {message}")]
    BadSetting {
        /// The setting, as the command line spells it (`runs`, `mission`,
        /// `precision`, ...).
        setting: &'static str,
        /// What is wrong and what was expected.
        message: String,
    },
    /// The operating system refused a resource the evaluation needs
    /// (worker threads, a large stack for a deep model).
    #[error("{what}: {message}")]
    Resource {
        /// What could not be had.
        what: &'static str,
        /// What the system said.
        message: String,
    },
}

impl Error {
    /// A stable code for the kind of error, as in the CLI's JSON error
    /// object (`"code"`): `io`, `model`, `diagram_too_large`,
    /// `no_time_scale`, `bad_setting` or `resource`.
    ///
    /// ```
    /// use fivenines::{Error, System};
    /// let e = System::from_reader("m.toml", "system = \"nope\"\n".as_bytes()).unwrap_err();
    /// assert!(matches!(e, Error::Model(_)));
    /// assert_eq!(e.code(), "model");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            Error::Io { .. } => "io",
            Error::Model(_) => "model",
            Error::DiagramTooLarge { .. } => "diagram_too_large",
            Error::NoTimeScale { .. } => "no_time_scale",
            Error::BadSetting { .. } => "bad_setting",
            Error::Resource { .. } => "resource",
        }
    }
}

/// One problem in a model file, with the place it points to.
///
/// Names and text from the file are escaped in `message` and `help`
/// (control, bidirectional and invisible characters written as `\u{..}`),
/// and the snippet shows such characters as `?` or `�`.
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
    source_code: Option<ModelSource>,
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
            crate::text::escape(&self.file),
            self.line,
            self.column,
            self.message
        )
    }
}

/// The text of a model file as miette shows it: hidden characters made
/// visible (same byte lengths), and the column of the snippet's header
/// counted in characters, as in [`ModelError::short`], not in bytes.
#[derive(Debug, Clone)]
struct ModelSource {
    name: String,
    text: Arc<String>,
}

impl miette::SourceCode for ModelSource {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let inner =
            self.text
                .as_str()
                .read_span(span, context_lines_before, context_lines_after)?;
        let start = inner.span().offset();
        let byte_column = inner.column();
        let column = start
            .checked_sub(byte_column)
            .and_then(|line_start| self.text.get(line_start..start))
            .map_or(byte_column, |s| s.chars().count());
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line(),
            column,
            inner.line_count(),
        )))
    }
}

/// All the problems found in one model file. Nothing is evaluated from a
/// model with an error.
#[derive(Debug, Clone, thiserror::Error, miette::Diagnostic)]
#[error("{}: {} in the model; nothing was evaluated", crate::text::escape(.file), plural(.errors.len()))]
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
        format!("{} errors", crate::text::thousands(n))
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

/// Lines longer than this (in bytes) are not shown in a snippet: the
/// message and its `file:line:column` stand alone.
const MAX_SNIPPET_LINE: usize = 1_000;

/// Ties issues to their file, sorted by position. Linear in the size of the
/// text plus the number of issues (after sorting them).
pub(crate) fn into_model_errors(
    file: &str,
    text: &Arc<String>,
    mut issues: Vec<Issue>,
) -> ModelErrors {
    issues.sort_by_key(|i| (i.span.start, i.span.end));
    issues.dedup_by(|a, b| a.span == b.span && a.message == b.message);
    let shown = match crate::text::sanitize_source(text) {
        std::borrow::Cow::Borrowed(_) => Arc::clone(text),
        std::borrow::Cow::Owned(s) => Arc::new(s),
    };
    let source = ModelSource {
        name: crate::text::escape(file).into_owned(),
        text: shown,
    };
    let mut locator = Locator::new(text);
    let clamp = |span: &Range<usize>| {
        let s = floor_boundary(text, span.start);
        let e = floor_boundary(text, span.end.max(s));
        s..e
    };
    let errors = issues
        .into_iter()
        .map(|i| {
            let primary = clamp(&i.span);
            let (line, column) = locator.locate(primary.start);
            let mut spans = vec![(primary.clone(), i.label.as_str(), true)];
            for (span, label) in &i.also {
                spans.push((clamp(span), label.as_str(), false));
            }
            // A snippet of a very long line is unreadable (and miette cannot
            // pad past 65,535 columns): then the message stands alone.
            let snippet = spans.iter().all(|(s, _, _)| {
                locator.line_len_at(s.start) <= MAX_SNIPPET_LINE
                    && locator.line_len_at(s.end) <= MAX_SNIPPET_LINE
            });
            let labels = if snippet {
                spans
                    .iter()
                    .map(|(s, label, primary)| {
                        let label = Some(crate::text::escape(label).into_owned());
                        let span = SourceSpan::from(s.clone());
                        if *primary {
                            LabeledSpan::new_primary_with_span(label, span)
                        } else {
                            LabeledSpan::new_with_span(label, span)
                        }
                    })
                    .collect()
            } else {
                Vec::new()
            };
            ModelError {
                message: crate::text::escape(&i.message).into_owned(),
                file: file.to_string(),
                line,
                column,
                span: primary,
                source_code: snippet.then(|| source.clone()),
                labels,
                help: i.help.map(|h| crate::text::escape(&h).into_owned()),
            }
        })
        .collect();
    ModelErrors {
        file: file.to_string(),
        errors,
    }
}

/// The largest char boundary at or before `offset` (and within the text).
fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Line and column of byte offsets, from a table of line starts built once
/// (binary search). Offsets asked in increasing order cost only the
/// characters between them, so locating every issue of a file is linear in
/// its size.
struct Locator<'a> {
    text: &'a str,
    /// Byte offset where each line starts.
    starts: Vec<usize>,
    /// The last offset located, its line and column (0-based, in characters).
    last: (usize, usize, usize),
}

impl<'a> Locator<'a> {
    fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        Locator {
            text,
            starts,
            last: (0, 0, 0),
        }
    }

    /// 0-based line of a byte offset.
    fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset) - 1
    }

    /// Bytes in the line holding `offset`, without its newline.
    fn line_len_at(&self, offset: usize) -> usize {
        let line = self.line_of(offset.min(self.text.len()));
        let end = self.starts.get(line + 1).map_or(self.text.len(), |s| s - 1);
        end - self.starts[line]
    }

    /// 1-based line and column (in characters) of a byte offset.
    fn locate(&mut self, offset: usize) -> (usize, usize) {
        let offset = floor_boundary(self.text, offset);
        let line = self.line_of(offset);
        let (last_offset, last_line, last_column) = self.last;
        let column = if line == last_line && last_offset <= offset {
            last_column + self.text[last_offset..offset].chars().count()
        } else {
            self.text[self.starts[line]..offset].chars().count()
        };
        self.last = (offset, line, column);
        (line + 1, column + 1)
    }
}

/// 1-based line and column (in characters) of a byte offset.
#[cfg(test)]
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    Locator::new(text).locate(offset)
}

/// The closest of `candidates` to `name`, as a "did you mean" hint (ties go
/// to the first in alphabetical order, so hints do not depend on hashing).
/// When the two differ only in characters that print nothing, the hint
/// says so (the names are escaped when printed, which shows them).
pub(crate) fn suggest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let score = strsim::jaro_winkler(name, c);
        if score > 0.8 && best.is_none_or(|(s, b)| score > s || (score == s && c < b)) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| {
        if crate::text::visible(c) == crate::text::visible(name) {
            format!(
                "did you mean `{c}`? The two names differ only in invisible characters (shown as \\u{{..}} escapes)"
            )
        } else {
            format!("did you mean `{c}`?")
        }
    })
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

    /// The incremental locator agrees with counting from the start, for
    /// offsets in order, out of order, inside characters and past the end.
    #[test]
    fn locator_agrees_with_a_scan_from_the_start() {
        let t = "a = 1\nbé = \"数据\" # x\n\nlast line é\n";
        let naive = |offset: usize| {
            let offset = floor_boundary(t, offset);
            let before = &t[..offset];
            let line = before.matches('\n').count() + 1;
            let start = before.rfind('\n').map_or(0, |i| i + 1);
            (line, before[start..].chars().count() + 1)
        };
        let mut loc = Locator::new(t);
        let mut offsets: Vec<usize> = (0..=t.len() + 2).collect();
        offsets.extend((0..t.len()).rev().step_by(3));
        for o in offsets {
            assert_eq!(loc.locate(o), naive(o), "offset {o}");
        }
        assert_eq!(loc.line_len_at(0), 5);
        assert_eq!(loc.line_len_at(t.len()), 0);
    }

    #[test]
    fn messages_escape_hidden_characters() {
        let text = Arc::new("x = 1\n".to_string());
        let issue = Issue::new(0..1, "unknown name `a\u{1b}[31m`", "here")
            .help("did you mean `b\u{202e}`?");
        let errors = into_model_errors("m\n.toml", &text, vec![issue]);
        let e = &errors.errors[0];
        assert_eq!(e.message, "unknown name `a\\u{1b}[31m`");
        assert_eq!(e.help.as_deref(), Some("did you mean `b\\u{202e}`?"));
        assert!(e.short().starts_with("m\\n.toml:1:1: "), "{}", e.short());
        assert!(!errors.to_string().contains('\n'));
    }

    #[test]
    fn invisible_differences_are_named() {
        let hint = suggest("web\u{200b}", ["web", "db"]).unwrap();
        assert!(
            hint.contains("differ only in invisible characters"),
            "{hint}"
        );
        assert_eq!(
            suggest("webb", ["web", "db"]).as_deref(),
            Some("did you mean `web`?")
        );
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
