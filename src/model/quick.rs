//! A quick reader for the plain TOML most model files are written in.
//!
//! [`each`] reads a document made only of what model files usually hold
//! (key/value pairs and `[kind.name]` headers, one a line; basic strings
//! without escapes, `true`/`false`, plain decimal integers and floats, and
//! one-level arrays of those; comments and blank lines) as a stream of
//! items, one table at a time, with the values and spans the `toml` crate
//! would give, and gives up (`None`) on anything else: other syntax,
//! anything TOML forbids (duplicate keys and tables, control characters, a
//! lone carriage return) or anything it is unsure of.
//! [`super::spec::read`] then reads the text with the `toml` crate, so
//! that every error and every unusual construct comes from the one full
//! parser, with its messages and positions. Large generated models
//! (thousands of blocks) read several times faster this way, in a fraction
//! of the memory (one table's values at a time).
//!
//! The tests assemble the items into a document and hold it to the `toml`
//! crate's, spans included, on every model in the repository and on
//! damaged variants of them.

use std::borrow::Cow;
use std::ops::Range;

use rustc_hash::FxHashSet;
use toml::Spanned;
use toml::de::{DeArray, DeValue};

pub(crate) type Key<'i> = Spanned<Cow<'i, str>>;
pub(crate) type Val<'i> = Spanned<DeValue<'i>>;

/// Keys a table may hold for a repeated one to be found by searching its
/// pairs (past that, a set).
const FEW_KEYS: usize = 16;

/// What a plain document holds, in the order it is written.
pub(crate) enum Item<'i, 'b> {
    /// A key/value pair before the first header.
    Top(Key<'i>, Val<'i>),
    /// A `[kind.name]` table: its header's two keys and span, and its
    /// key/value pairs in the order written.
    Table {
        kind: Key<'i>,
        name: Key<'i>,
        // Read by the tests only (the assembled document's spans).
        #[cfg_attr(not(test), allow(dead_code))]
        header: Range<usize>,
        body: &'b [(Key<'i>, Val<'i>)],
    },
}

/// Hands `each` the items of `text` in the order written, one table at a
/// time (so that reading a model holds one table's values at once, not
/// the whole document's: about 6 MB for SCRAM's 6,000-gate telecom tree),
/// when `text` is valid TOML of the plain kind above; `None` as soon as
/// anything else is met (invalid TOML included) or `each` says `None`,
/// items already handed over included: the caller then reads the text
/// again with the `toml` crate. Together the items are the document the
/// `toml` crate's [`DeTable::parse_recoverable`] gives, spans included
/// (the tests assemble them and compare).
pub(crate) fn each<'i>(
    text: &'i str,
    mut each: impl FnMut(Item<'i, '_>) -> Option<()>,
) -> Option<()> {
    let mut p = Quick {
        text,
        b: text.as_bytes(),
        at: 0,
    };
    // Names already given: top-level keys (a header may not reuse one as
    // its kind), and each kind's tables (no table twice). Quick keys are
    // borrowed from the text (no escapes). Hashed: a hostile file may hold
    // millions of keys.
    let mut top: FxHashSet<&'i str> = FxHashSet::default();
    let mut tables: FxHashSet<(&'i str, &'i str)> = FxHashSet::default();
    // The table being read: its header, and its pairs so far (the buffer
    // is reused from table to table). A table's keys are told apart by
    // searching its pairs while they are few, and with `keys` past that.
    let mut current: Option<(Key<'i>, Key<'i>, Range<usize>)> = None;
    let mut body: Vec<(Key<'i>, Val<'i>)> = Vec::new();
    let mut keys: FxHashSet<&'i str> = FxHashSet::default();
    let borrowed = |k: &Key<'i>| match k.get_ref() {
        Cow::Borrowed(s) => Some(*s),
        Cow::Owned(_) => None,
    };
    loop {
        p.blank();
        let Some(c) = p.peek() else { break };
        match c {
            b'#' | b'\n' | b'\r' => {}
            b'[' => {
                let start = p.at;
                p.at += 1;
                if p.peek() == Some(b'[') {
                    return None;
                }
                p.blank();
                let kind = p.key()?;
                p.blank();
                p.eat(b'.')?;
                p.blank();
                let name = p.key()?;
                p.blank();
                p.eat(b']')?;
                let (k, n) = (borrowed(&kind)?, borrowed(&name)?);
                if top.contains(&k) || !tables.insert((k, n)) {
                    return None;
                }
                if let Some(table) = current.take() {
                    hand_table(&mut each, table, &body)?;
                    body.clear();
                    if !keys.is_empty() {
                        // Dropped, not cleared: clearing costs its capacity.
                        keys = FxHashSet::default();
                    }
                }
                current = Some((kind, name, start..p.at));
            }
            _ => {
                let key = p.key()?;
                p.blank();
                p.eat(b'=')?;
                p.blank();
                let value = p.value(true)?;
                let k = borrowed(&key)?;
                if current.is_some() {
                    let again = if body.len() < FEW_KEYS {
                        body.iter().any(|(b, _)| b.get_ref() == k)
                    } else {
                        if keys.is_empty() {
                            keys.extend(body.iter().filter_map(|(b, _)| borrowed(b)));
                        }
                        !keys.insert(k)
                    };
                    if again {
                        return None;
                    }
                    body.push((key, value));
                } else {
                    if !top.insert(k) {
                        return None;
                    }
                    each(Item::Top(key, value))?;
                }
            }
        }
        // The end of the line: blanks, a comment, a newline or the end.
        p.blank();
        p.comment()?;
        p.newline()?;
    }
    if let Some(table) = current {
        hand_table(&mut each, table, &body)?;
    }
    Some(())
}

/// Hands `each` the table of header `(kind, name, span)` and pairs `body`.
fn hand_table<'i>(
    each: &mut impl FnMut(Item<'i, '_>) -> Option<()>,
    (kind, name, header): (Key<'i>, Key<'i>, Range<usize>),
    body: &[(Key<'i>, Val<'i>)],
) -> Option<()> {
    each(Item::Table {
        kind,
        name,
        header,
        body,
    })
}

struct Quick<'i> {
    text: &'i str,
    b: &'i [u8],
    at: usize,
}

impl<'i> Quick<'i> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.at).copied()
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        if self.peek() == Some(c) {
            self.at += 1;
            Some(())
        } else {
            None
        }
    }

    /// Spaces and tabs.
    fn blank(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.at += 1;
        }
    }

    /// A comment up to (not including) the end of its line, if one starts
    /// here; `None` for a character TOML forbids in it.
    fn comment(&mut self) -> Option<()> {
        if self.peek() != Some(b'#') {
            return Some(());
        }
        self.at += 1;
        while let Some(c) = self.peek() {
            match c {
                b'\n' | b'\r' => break,
                b'\t' | 0x20..=0x7E | 0x80.. => self.at += 1,
                _ => return None,
            }
        }
        Some(())
    }

    /// A newline (`\n` or `\r\n`) or the end of the text.
    fn newline(&mut self) -> Option<()> {
        match self.peek() {
            None => Some(()),
            Some(b'\n') => {
                self.at += 1;
                Some(())
            }
            Some(b'\r') if self.b.get(self.at + 1) == Some(&b'\n') => {
                self.at += 2;
                Some(())
            }
            _ => None,
        }
    }

    /// Blanks, comments and newlines (inside an array).
    fn space(&mut self) -> Option<()> {
        loop {
            self.blank();
            match self.peek() {
                Some(b'#') => self.comment()?,
                Some(b'\n' | b'\r') => self.newline()?,
                _ => return Some(()),
            }
        }
    }

    /// A bare key or a quoted key without escapes, spanned as the `toml`
    /// crate spans keys (quotes included).
    fn key(&mut self) -> Option<Key<'i>> {
        let start = self.at;
        if self.peek() == Some(b'"') {
            let s = self.basic_string()?;
            return Some(Spanned::new(start..self.at, Cow::Borrowed(s)));
        }
        while matches!(
            self.peek(),
            Some(b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-')
        ) {
            self.at += 1;
        }
        if self.at == start {
            return None;
        }
        Some(Spanned::new(
            start..self.at,
            Cow::Borrowed(&self.text[start..self.at]),
        ))
    }

    /// A one-line basic string without escapes; returns its contents.
    fn basic_string(&mut self) -> Option<&'i str> {
        self.eat(b'"')?;
        let start = self.at;
        // `"""` opens a multi-line string.
        if self.b[start..].starts_with(b"\"\"") {
            return None;
        }
        loop {
            match self.peek()? {
                b'"' => break,
                b'\t' | 0x20..=0x7E | 0x80.. if self.b[self.at] != b'\\' => self.at += 1,
                _ => return None,
            }
        }
        let s = &self.text[start..self.at];
        self.at += 1;
        Some(s)
    }

    /// A value: a string, a boolean, a plain number, or (at the top of a
    /// key's value) an array of those.
    fn value(&mut self, array_allowed: bool) -> Option<Val<'i>> {
        let start = self.at;
        match self.peek()? {
            b'"' => {
                let s = self.basic_string()?;
                Some(Spanned::new(
                    start..self.at,
                    DeValue::String(Cow::Borrowed(s)),
                ))
            }
            b'[' if array_allowed => {
                self.at += 1;
                let mut items = DeArray::new();
                loop {
                    self.space()?;
                    if self.peek() == Some(b']') {
                        break;
                    }
                    items.push(self.value(false)?);
                    self.space()?;
                    match self.peek()? {
                        b',' => self.at += 1,
                        b']' => break,
                        _ => return None,
                    }
                }
                self.at += 1;
                Some(Spanned::new(start..self.at, DeValue::Array(items)))
            }
            b't' | b'f' => {
                let word = self.word();
                let v = match &self.text[start..self.at] {
                    "true" => true,
                    "false" => false,
                    _ => return None,
                };
                word?;
                Some(Spanned::new(start..self.at, DeValue::Boolean(v)))
            }
            b'0'..=b'9' => {
                self.word()?;
                let t = &self.text[start..self.at];
                if !plain_number(t) {
                    return None;
                }
                // The `toml` crate's own reading of the number (its
                // integer and float types have no public constructor).
                let v = DeValue::parse(t).ok()?.into_inner();
                Some(Spanned::new(start..self.at, v))
            }
            _ => None,
        }
    }

    /// Letters, digits and `.`; `None` unless what follows can end a value.
    fn word(&mut self) -> Option<()> {
        while matches!(
            self.peek(),
            Some(b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.')
        ) {
            self.at += 1;
        }
        match self.peek() {
            None | Some(b' ' | b'\t' | b'\n' | b'\r' | b'#' | b',' | b']') => Some(()),
            _ => None,
        }
    }
}

/// `0`, `12`, `0.5`, `12.25`: decimal, no sign, underscore, exponent or
/// leading zero.
fn plain_number(t: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    let (int, frac) = match t.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (t, None),
    };
    digits(int) && (int == "0" || !int.starts_with('0')) && frac.is_none_or(digits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use toml::de::DeTable;

    /// The items assembled into the document they describe.
    fn parse(text: &str) -> Option<Spanned<DeTable<'_>>> {
        let mut root = DeTable::new();
        each(text, |item| {
            match item {
                Item::Top(key, value) => {
                    root.insert(key, value);
                }
                Item::Table {
                    kind,
                    name,
                    header,
                    body,
                } => {
                    if !root.contains_key(kind.get_ref().as_ref()) {
                        let value = Spanned::new(kind.span(), DeValue::Table(DeTable::new()));
                        root.insert(kind.clone(), value);
                    }
                    let DeValue::Table(outer) = root.get_mut(kind.get_ref().as_ref())?.get_mut()
                    else {
                        return None;
                    };
                    let mut t = DeTable::new();
                    for (k, v) in body {
                        t.insert(k.clone(), v.clone());
                    }
                    outer.insert(name, Spanned::new(header, DeValue::Table(t)));
                }
            }
            Some(())
        })?;
        Some(Spanned::new(0..0, root))
    }

    /// The quick reading, when it gives one, is the `toml` crate's exactly
    /// (spans included), and the text is then valid TOML.
    fn agrees(text: &str) -> bool {
        let (slow, errors) = DeTable::parse_recoverable(text);
        match parse(text) {
            Some(quick) => {
                assert!(errors.is_empty(), "read invalid TOML: {text:?}");
                assert_eq!(format!("{quick:?}"), format!("{slow:?}"), "{text:?}");
                true
            }
            None => false,
        }
    }

    fn models() -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        for dir in ["models", "benches/models", "benches/scram/models"] {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                if p.extension().is_some_and(|x| x == "toml") {
                    out.push(p);
                }
            }
        }
        out.sort();
        out
    }

    #[test]
    fn as_the_toml_crate_reads_every_model() {
        let mut quick = 0;
        let all = models();
        for p in &all {
            let text = std::fs::read_to_string(p).unwrap();
            if agrees(&text) {
                quick += 1;
            } else {
                assert!(
                    !p.to_string_lossy().contains("scram"),
                    "SCRAM's converted models are plain: {}",
                    p.display()
                );
            }
        }
        assert!(quick > 14, "{quick} of {} read quickly", all.len());
    }

    #[test]
    fn gives_up_or_agrees_on_damaged_text() {
        // A small model in the plain style, damaged at every byte: each
        // byte removed, and each of a few troublesome characters put in
        // its place and before it.
        let text = "# a model\r\nname = \"m\"\nsystem = \"top\" # the top\n\n\
                    [component.\"a b\"]\navailability = \"99%\"\ncount = 2\n\
                    [component.c]\nmtbf = 10.5\n\t[block.top]\nparallel = [ \"a b\",\n  \"c\", # two\n]\n\
                    need = 1\nrevert = true\n";
        assert!(agrees(text));
        let bad = [
            "", "\"", "'", "[", "]", ".", "=", "#", "\n", "\r", "\t", " ", ",", "\\", "\u{7f}",
            "\u{1}", "x", "0", "_", "é", "[[", "\"\"",
        ];
        let mut quick = 0;
        for i in 0..=text.len() {
            if !text.is_char_boundary(i) {
                continue;
            }
            for b in bad {
                let mut rest = i;
                if b.is_empty() {
                    // Removing the character at i.
                    match text[i..].chars().next() {
                        Some(c) => rest += c.len_utf8(),
                        None => continue,
                    }
                }
                let replaced = format!("{}{b}{}", &text[..i], &text[rest..]);
                quick += usize::from(agrees(&replaced));
                let inserted = format!("{}{b}{}", &text[..i], &text[i..]);
                quick += usize::from(agrees(&inserted));
            }
        }
        assert!(quick > 100, "{quick} damaged texts read quickly");
        // Duplicates, given up on (the toml crate reports them).
        for t in [
            "a = \"1\"\na = \"2\"\n",
            "[block.x]\n[block.x]\n",
            "[block.x]\nneed = 1\nneed = 2\n",
            "block = \"s\"\n[block.x]\n",
        ] {
            assert!(!agrees(t), "{t:?}");
        }
    }

    #[test]
    fn many_keys_are_told_apart_by_a_set() {
        // Tables of few and of many keys (searched, then hashed), a repeat
        // early, late and past the switch: given up on (the toml crate
        // reports it); none: read as the toml crate reads it.
        for n in [3, FEW_KEYS, FEW_KEYS + 1, 200] {
            let keys: Vec<String> = (0..n).map(|i| format!("k{i} = {i}\n")).collect();
            let table = format!("[block.x]\n{}", keys.concat());
            assert!(agrees(&table), "{n} keys");
            for again in [0, n / 2, n - 1] {
                let t = format!("{table}k{again} = 1\n[block.y]\nk0 = 1\n");
                assert!(!agrees(&t), "{n} keys, k{again} again");
            }
            // The set of one table is not the next one's.
            assert!(agrees(&format!("{table}[block.y]\n{}", keys.concat())));
        }
        // Top-level keys by the tens of thousands (a search among them
        // each was quadratic), and one of them again as a header's kind.
        let top: String = (0..50_000).map(|i| format!("t{i} = 1\n")).collect();
        let mut items = 0;
        assert!(
            each(&top, |_| {
                items += 1;
                Some(())
            })
            .is_some()
        );
        assert_eq!(items, 50_000);
        assert!(!agrees(&format!("{top}t49999 = 2\n")));
        assert!(!agrees(&format!("{top}[t7.x]\n")));
    }
}
