//! Text that reaches a terminal: names from a model file are escaped (no
//! control character, bidirectional override or invisible character is
//! printed raw) and padded by display width (CJK characters take two
//! columns).

use std::borrow::Cow;

use unicode_width::UnicodeWidthStr;

/// Whether a character must not reach a terminal raw: control characters
/// (an ANSI escape would colour the terminal, a newline would break a
/// table), bidirectional controls (which reorder the text around them),
/// and characters that print nothing (zero-width spaces and joiners,
/// soft hyphens, byte-order marks, tags), which make two different names
/// look identical.
pub fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{061C}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{180B}'..='\u{180F}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{FFF0}'..='\u{FFFB}'
                | '\u{E0000}'..='\u{E0FFF}'
        )
}

/// `s` with every hidden character written as an escape: `\n`, `\t`,
/// `\r`, or `\u{1b}` (Rust's notation). Borrowed when there is nothing to
/// escape.
///
/// # Examples
///
/// ```
/// use fivenines::text::escape;
/// assert_eq!(escape("web"), "web");
/// assert_eq!(escape("a\u{1b}[31mb"), "a\\u{1b}[31mb");
/// assert_eq!(escape("web\u{200b}"), "web\\u{200b}");
/// assert_eq!(escape("two\nlines"), "two\\nlines");
/// ```
pub fn escape(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_hidden) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if is_hidden(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// `s` without its hidden characters: what a person sees.
pub(crate) fn visible(s: &str) -> String {
    s.chars().filter(|c| !is_hidden(*c)).collect()
}

/// A copy of a source text safe to show in a snippet: every hidden
/// character except newline, carriage return and tab is replaced by a
/// visible one of the same UTF-8 length (`?`, `¿`, `�`), so byte offsets,
/// character columns and lines are unchanged.
pub(crate) fn sanitize_source(text: &str) -> Cow<'_, str> {
    let hidden = |c: char| is_hidden(c) && !matches!(c, '\n' | '\r' | '\t');
    if !text.chars().any(hidden) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| {
                if !hidden(c) {
                    return c;
                }
                match c.len_utf8() {
                    1 => '?',
                    2 => '\u{BF}',
                    3 => '\u{FFFD}',
                    _ => '\u{1F6AB}',
                }
            })
            .collect(),
    )
}

/// Columns `s` takes on a terminal (wide characters count two).
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// `s` escaped and padded with spaces to `columns` display columns (left
/// aligned); never truncated.
///
/// # Examples
///
/// ```
/// use fivenines::text::pad;
/// assert_eq!(pad("ab", 4), "ab  ");
/// assert_eq!(pad("数据库", 8), "数据库  "); // three wide characters: six columns
/// ```
pub fn pad(s: &str, columns: usize) -> String {
    let s = escape(s);
    let w = width(&s);
    format!("{s}{}", " ".repeat(columns.saturating_sub(w)))
}

/// A count with thousands separators: `39,950`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_controls_and_invisibles() {
        assert_eq!(escape("\u{1b}[31mred"), "\\u{1b}[31mred");
        assert_eq!(escape("a\u{202e}b"), "a\\u{202e}b");
        assert_eq!(escape("a\u{200b}"), "a\\u{200b}");
        assert_eq!(escape("x\u{7f}"), "x\\u{7f}");
        assert_eq!(escape("数据库"), "数据库");
        assert!(matches!(escape("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn sanitized_source_keeps_offsets_and_columns() {
        let t = "a = \"\u{1b}[31m\u{202e}x\u{200b}\"\nb = 1\n";
        let s = sanitize_source(t);
        assert_eq!(s.len(), t.len());
        assert_eq!(s.chars().count(), t.chars().count());
        assert!(!s.contains('\u{1b}') && !s.contains('\u{202e}') && !s.contains('\u{200b}'));
        assert_eq!(s.lines().count(), 2);
    }

    #[test]
    fn pads_by_display_width() {
        assert_eq!(width("数据库"), 6);
        assert_eq!(pad("数据库", 8).len(), "数据库".len() + 2);
        assert_eq!(pad("a\nb", 6), "a\\nb  ");
        assert_eq!(pad("toolong", 3), "toolong");
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(39_950), "39,950");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
