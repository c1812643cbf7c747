//! Quantities of the model file: availabilities, probabilities and durations.
//!
//! Availabilities keep their unavailability computed *directly* from the
//! decimal text, so `"99.9999999%"` has an unavailability of exactly
//! `1e-9` (to double precision) instead of the few digits `1 - a` would keep.

use std::fmt;

/// Seconds in a year: 365 days of 24 hours.
pub const YEAR_S: f64 = 365.0 * 24.0 * 3600.0;
/// Seconds in a day.
pub const DAY_S: f64 = 24.0 * 3600.0;

/// A steady-state availability in (0, 1], stored with its unavailability
/// computed without cancellation.
///
/// # Examples
///
/// ```
/// use fivenines::Availability;
/// let a = Availability::parse("99.99%")?;
/// assert!((a.nines() - 4.0).abs() < 1e-9);
/// assert_eq!(Availability::parse("0.9999")?, a);
/// assert_eq!(Availability::parse("4 nines")?, a);
/// # Ok::<(), fivenines::QuantityError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Availability {
    a: f64,
    q: f64,
}

/// Why a quantity could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct QuantityError {
    /// What was wrong, and what was expected.
    pub message: String,
    /// A hint on how to write it, when there is one.
    pub help: Option<String>,
}

impl QuantityError {
    fn new(message: impl Into<String>, help: Option<&str>) -> Self {
        QuantityError {
            message: message.into(),
            help: help.map(str::to_string),
        }
    }
}

const AVAILABILITY_HELP: &str = "write an availability as a fraction such as 0.9995, a percentage such as \"99.95%\", or \"4 nines\"";

impl Availability {
    /// Never fails: availability 1, unavailability 0.
    pub const PERFECT: Availability = Availability { a: 1.0, q: 0.0 };

    /// An availability from its value in (0, 1].
    ///
    /// # Errors
    ///
    /// Values outside (0, 1] and non-finite values.
    pub fn new(a: f64) -> Result<Self, QuantityError> {
        if !(a > 0.0 && a <= 1.0) {
            return Err(QuantityError::new(
                format!("availability {a} is outside (0, 1]"),
                Some(AVAILABILITY_HELP),
            ));
        }
        Ok(Availability { a, q: 1.0 - a })
    }

    /// An availability from its unavailability `q` in [0, 1).
    ///
    /// # Errors
    ///
    /// Values outside [0, 1) and non-finite values.
    pub fn from_unavailability(q: f64) -> Result<Self, QuantityError> {
        if !(0.0..1.0).contains(&q) {
            return Err(QuantityError::new(
                format!("unavailability {q} is outside [0, 1)"),
                None,
            ));
        }
        Ok(Availability { a: 1.0 - q, q })
    }

    /// Parses `"99.95%"`, `"0.9995"` or `"3.3 nines"`.
    ///
    /// # Errors
    ///
    /// Text that is none of these, or a value outside (0, 1].
    pub fn parse(text: &str) -> Result<Self, QuantityError> {
        let t = text.trim();
        if let Some(n) = t.strip_suffix("nines").or_else(|| t.strip_suffix("nine")) {
            let n: f64 = n.trim().parse().map_err(|_| {
                QuantityError::new(
                    format!("`{text}` is not a number of nines"),
                    Some(AVAILABILITY_HELP),
                )
            })?;
            if !(n.is_finite() && n > 0.0) {
                return Err(QuantityError::new(
                    format!(
                        "`{text}`: the number of nines must be a finite number above 0 (0 nines is an availability of 0)"
                    ),
                    Some(AVAILABILITY_HELP),
                ));
            }
            if n.fract() == 0.0 && n <= 15.0 {
                // Whole nines: the same double as the decimal spelling.
                let digits = "9".repeat(n as usize);
                return Availability::parse(&format!("0.{digits}"));
            }
            return Availability::from_unavailability(10f64.powf(-n));
        }
        let (digits, percent) = match t.strip_suffix('%') {
            Some(d) => (d.trim(), true),
            None => (t, false),
        };
        let Some((a, q)) = decimal_and_complement(digits, if percent { 2 } else { 0 }) else {
            return Err(QuantityError::new(
                format!("`{text}` is not an availability"),
                Some(AVAILABILITY_HELP),
            ));
        };
        if !(a > 0.0 && a <= 1.0) || q < 0.0 {
            // A bare 99.95 is a percentage without its sign; a bare 1.5 is
            // not likely to mean 1.5% (down 98.5% of the time): then say
            // the range instead of guessing.
            let hint = if !percent && (50.0..=100.0).contains(&a) {
                format!("did you mean \"{digits}%\"?")
            } else if !percent && a > 1.0 {
                format!(
                    "an availability is a fraction in (0, 1] such as 0.995, or a percentage such as \"99.5%\"; {digits} is neither (as a percentage, \"{digits}%\" would be down {}% of the time)",
                    sig3(100.0 - a)
                )
            } else {
                AVAILABILITY_HELP.to_string()
            };
            return Err(QuantityError {
                message: format!(
                    "availability `{text}` is outside (0, 1] (0% excluded, 100% allowed)"
                ),
                help: Some(hint),
            });
        }
        Ok(Availability { a, q })
    }

    /// The availability, in (0, 1].
    pub fn value(self) -> f64 {
        self.a
    }

    /// The unavailability `1 - A`, computed without cancellation.
    pub fn unavailability(self) -> f64 {
        self.q
    }

    /// `-log10(1 - A)`; infinite for a perfect availability.
    pub fn nines(self) -> f64 {
        nines(self.q)
    }
}

impl fmt::Display for Availability {
    /// As a percentage without trailing zeros: `99.95%`, `99.9999%`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&trim_percent(&format_percent(self.a, self.q)))
    }
}

/// `99.9500%` -> `99.95%`, `90.00%` -> `90%`.
pub fn trim_percent(s: &str) -> String {
    match s.strip_suffix('%') {
        Some(num) if num.contains('.') && !num.contains(' ') => {
            format!("{}%", num.trim_end_matches('0').trim_end_matches('.'))
        }
        _ => s.to_string(),
    }
}

/// `-log10(q)`: the nines of an unavailability (infinite when `q` is 0).
pub fn nines(q: f64) -> f64 {
    if q <= 0.0 { f64::INFINITY } else { -q.log10() }
}

/// An availability as a percentage with enough digits to show its nines:
/// `99.9950%`, `99.99999%`. Beyond 14 decimals it is written as its
/// complement in percentage points, `100% - 1.00e-23%` (an unavailability
/// of 1e-25); an availability too small for the decimals, in exponent form
/// (`1.00e-298%`).
pub fn format_percent(a: f64, q: f64) -> String {
    format_percent_digits(a, q, percent_digits(q))
}

/// Decimals that show two significant digits of the unavailability.
fn percent_digits(q: f64) -> usize {
    if q <= 0.0 {
        return 2;
    }
    ((-(q * 100.0).log10()).floor() as i64 + 2).clamp(2, 14) as usize
}

fn format_percent_digits(a: f64, q: f64, digits: usize) -> String {
    if q <= 0.0 {
        return "100%".to_string();
    }
    let s = format!("{:.*}%", digits, a * 100.0);
    if s.starts_with("100.") {
        // Rounding reached 100% although q > 0: the complement, in
        // percentage points like the 100% it is taken from.
        format!("100% - {:.2e}%", q * 100.0)
    } else if a > 0.0 && s.trim_start_matches(['0', '.']) == "%" {
        format!("{:.2e}%", a * 100.0)
    } else {
        s
    }
}

/// A mean availability and its confidence interval as percentages with
/// the same number of decimals, enough that the two bounds differ when
/// they differ (never `99.989% to 99.989%`). Each argument is `(a, q)`.
pub fn format_percent_ci(mean: (f64, f64), lo: (f64, f64), hi: (f64, f64)) -> [String; 3] {
    let mut digits = [mean, lo, hi]
        .iter()
        .map(|&(_, q)| percent_digits(q))
        .max()
        .unwrap_or(2);
    loop {
        let out = [mean, lo, hi].map(|(a, q)| format_percent_digits(a, q, digits));
        if out[1] != out[2] || lo.0 == hi.0 || digits >= 14 {
            return out;
        }
        digits += 1;
    }
}

/// A number in exponent form with four significant digits (`1.013e-4`),
/// or `0`.
pub fn format_sci(x: f64) -> String {
    if x == 0.0 {
        "0".to_string()
    } else {
        format!("{x:.3e}")
    }
}

/// A mean and its confidence interval in exponent form, with enough
/// significant digits that the two bounds differ when they differ.
pub fn format_sci_ci(mean: f64, lo: f64, hi: f64) -> [String; 3] {
    let mut digits = 3;
    loop {
        let f = |x: f64| {
            if x == 0.0 {
                "0".to_string()
            } else {
                format!("{x:.digits$e}")
            }
        };
        let out = [f(mean), f(lo), f(hi)];
        if out[1] != out[2] || lo == hi || digits >= 15 {
            return out;
        }
        digits += 1;
    }
}

/// Nines with two decimals; never `-0.00` (an availability near 0 has 0
/// nines).
pub fn format_nines(nines: f64) -> String {
    if !nines.is_finite() {
        return "inf".to_string();
    }
    format!("{:.2}", if nines.abs() < 0.005 { 0.0 } else { nines })
}

/// A share as a percentage with three significant digits and no trailing
/// zeros: `5%`, `0.5%`, `1e-5%`... written `1.00e-5%` below 0.0001%.
pub fn format_share(p: f64) -> String {
    format!("{}%", sig3_short(100.0 * p))
}

/// A share as a whole percentage from 1% up (`5%`, `32%`), with three
/// significant digits below (`0.512%`), and `0%` for none: the share of a
/// figure that rests on an approximation.
///
/// # Examples
///
/// ```
/// use fivenines::model::quantity::format_share_coarse;
/// assert_eq!(format_share_coarse(0.0456), "5%");
/// assert_eq!(format_share_coarse(0.005), "0.500%");
/// assert_eq!(format_share_coarse(0.0), "0%");
/// ```
pub fn format_share_coarse(share: f64) -> String {
    let p = share * 100.0;
    if p == 0.0 || p >= 1.0 {
        format!("{p:.0}%")
    } else {
        format!("{}%", sig3(p))
    }
}

/// Three significant digits without trailing zeros: `0.5`, `20`, `100`
/// (exponent form, as [`sig3`], far from 1).
///
/// # Examples
///
/// ```
/// use fivenines::model::quantity::sig3_short;
/// assert_eq!(sig3_short(0.5), "0.5");
/// assert_eq!(sig3_short(20.0), "20");
/// assert_eq!(sig3_short(1.25), "1.25");
/// ```
pub fn sig3_short(x: f64) -> String {
    let s = sig3(x);
    if s.contains('.') && !s.contains('e') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// Parses a probability, `0.99` or `"99%"`, in [0, 1].
///
/// # Errors
///
/// Text that is not a number or a percentage, or a value outside [0, 1].
pub fn parse_probability(text: &str) -> Result<f64, QuantityError> {
    let t = text.trim();
    let (digits, scale) = match t.strip_suffix('%') {
        Some(d) => (d.trim(), 2),
        None => (t, 0),
    };
    let help =
        Some("write a probability as a fraction such as 0.99 or a percentage such as \"99%\"");
    match decimal_and_complement(digits, scale) {
        Some((p, _)) if (0.0..=1.0).contains(&p) => Ok(p),
        Some(_) => Err(QuantityError::new(
            format!("probability `{text}` is outside [0, 1]"),
            help,
        )),
        None => Err(QuantityError::new(
            format!("`{text}` is not a probability"),
            help,
        )),
    }
}

/// Reads a plain decimal number (`123`, `0.9995`, `9.995e-1`) divided by
/// `10^extra_scale`, and returns it together with `1 - value`, both computed
/// from the exact decimal digits.
fn decimal_and_complement(text: &str, extra_scale: i32) -> Option<(f64, f64)> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    let (t, negative) = match t.strip_prefix('-') {
        Some(rest) => (rest, true),
        None => (t.strip_prefix('+').unwrap_or(t), false),
    };
    let (mantissa, exponent) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], t[i + 1..].parse::<i32>().ok()?),
        None => (t, 0),
    };
    let (int_part, frac_part) = match mantissa.split_once('.') {
        Some((i, f)) => (i, f),
        None => (mantissa, ""),
    };
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    let all_digits = |s: &str| s.chars().all(|c| c.is_ascii_digit() || c == '_');
    if !all_digits(int_part) || !all_digits(frac_part) {
        return None;
    }
    // Shift the decimal exponent rather than divide, so "99.99%" is the
    // same double as 0.9999.
    let value: f64 = format!(
        "{mantissa}e{}",
        i64::from(exponent) - i64::from(extra_scale)
    )
    .replace('_', "")
    .parse()
    .ok()?;
    let value = if negative { -value } else { value };
    if !value.is_finite() {
        return None;
    }
    // Exact complement: value = m / 10^s with integer m.
    let digits: String = format!("{int_part}{frac_part}").replace('_', "");
    let digits = digits.trim_start_matches('0');
    let scale = frac_part.replace('_', "").len() as i32 - exponent + extra_scale;
    let complement = if negative || digits.len() > 36 || !(0..=36).contains(&scale) {
        1.0 - value
    } else {
        let m: u128 = if digits.is_empty() {
            0
        } else {
            digits.parse().ok()?
        };
        let one = 10u128.pow(scale as u32);
        if m <= one {
            (one - m) as f64 / one as f64
        } else {
            -((m - one) as f64 / one as f64)
        }
    };
    Some((value, complement))
}

/// The duration units, as the help and error messages list them.
pub const DURATION_UNITS: &str = "ms (msec, millisecond), s (sec, second), m (min, minute), h (hr, hour), d (day), w (wk, week), y (yr, year = 365 d); plurals too, any case except `M`";

/// Seconds in one `unit`, or why it is not one. Units are matched without
/// regard to case, singular or plural, except `M` alone: minutes or
/// months? Months are not a unit (their length varies).
fn unit_seconds(unit: &str) -> Result<f64, String> {
    if unit == "M" {
        return Err("`M` is ambiguous (minutes or months?): write `m` or `min` for minutes; for months, days such as `30d`".to_string());
    }
    let lower = unit.to_ascii_lowercase();
    Ok(match lower.as_str() {
        "ms" | "msec" | "msecs" | "millisecond" | "milliseconds" => 1e-3,
        "s" | "sec" | "secs" | "second" | "seconds" => 1.0,
        "m" | "min" | "mins" | "minute" | "minutes" => 60.0,
        "h" | "hr" | "hrs" | "hour" | "hours" => 3600.0,
        "d" | "day" | "days" => DAY_S,
        "w" | "wk" | "wks" | "week" | "weeks" => 7.0 * DAY_S,
        "y" | "yr" | "yrs" | "year" | "years" => YEAR_S,
        "mo" | "mon" | "mons" | "month" | "months" => {
            return Err(format!(
                "`{unit}`: months vary in length; write days (`30d`) or hours (`730h`)"
            ));
        }
        _ => return Err(format!("unknown unit `{unit}`")),
    })
}

/// Parses a duration with units: `"90s"`, `"15m"`, `"4h"`, `"30d"`, `"1y"`,
/// `"1h 30m"`, `"1.5h"`, `"250ms"`, `"2w"`, and the long forms `"4 hours"`,
/// `"2 days"`, `"1 minute"` (units: [`DURATION_UNITS`]). Returns seconds.
/// A bare number is an error: units are never guessed.
///
/// # Examples
///
/// ```
/// assert_eq!(fivenines::parse_duration("1h 30m")?, 5400.0);
/// assert_eq!(fivenines::parse_duration("1 hour 30 minutes")?, 5400.0);
/// assert_eq!(fivenines::parse_duration("1H")?, 3600.0);
/// assert_eq!(fivenines::parse_duration("1y")?, 365.0 * 86400.0);
/// assert!(fivenines::parse_duration("90").is_err());
/// assert!(fivenines::parse_duration("1M").is_err()); // minutes or months?
/// # Ok::<(), fivenines::QuantityError>(())
/// ```
///
/// # Errors
///
/// Text without a unit, an unknown or ambiguous unit, or a negative or
/// non-finite value.
pub fn parse_duration(text: &str) -> Result<f64, QuantityError> {
    let help = format!(
        "write a duration with a unit: \"90s\", \"15m\", \"4h\", \"4 hours\", \"30d\", \"1y\", \"1h 30m\"; units: {DURATION_UNITS}"
    );
    let bad = |msg: String| QuantityError {
        message: msg,
        help: Some(help.clone()),
    };
    let t = text.trim();
    if t.is_empty() {
        return Err(bad("empty duration".to_string()));
    }
    if t.starts_with('-') {
        return Err(bad(format!("`{text}`: a duration cannot be negative")));
    }
    let mut rest = t;
    let mut total = 0.0;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if num_len == 0 {
            return Err(bad(format!("`{text}` is not a duration")));
        }
        let number: f64 = rest[..num_len].parse().map_err(|_| {
            bad(format!(
                "`{}` in `{text}` is not a number",
                &rest[..num_len]
            ))
        })?;
        rest = rest[num_len..].trim_start();
        let unit_len = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        if unit_len == 0 {
            return Err(bad(format!("`{text}` has a number without a unit")));
        }
        let unit = &rest[..unit_len];
        let factor = unit_seconds(unit).map_err(|why| bad(format!("{why} in `{text}`")))?;
        total += number * factor;
        rest = rest[unit_len..].trim_start();
    }
    if !total.is_finite() {
        return Err(bad(format!("`{text}` is too long a duration")));
    }
    Ok(total)
}

/// Formats seconds in the unit a person reads best, with three significant
/// digits and the unit named: `864 ms`, `52.6 min`, `4.38 h`, `18.3 d`.
pub fn human_duration(seconds: f64) -> String {
    if !seconds.is_finite() {
        return "never".to_string();
    }
    let s = seconds.abs();
    let (v, unit) = if s == 0.0 {
        (0.0, "s")
    } else if s < 1.0 {
        (seconds * 1e3, "ms")
    } else if s < 120.0 {
        (seconds, "s")
    } else if s < 120.0 * 60.0 {
        (seconds / 60.0, "min")
    } else if s < 72.0 * 3600.0 {
        (seconds / 3600.0, "h")
    } else if s < 2.0 * YEAR_S {
        (seconds / DAY_S, "d")
    } else {
        (seconds / YEAR_S, "y")
    };
    format!("{} {unit}", sig3(v))
}

/// Three significant digits, without exponent for ordinary magnitudes.
pub fn sig3(v: f64) -> String {
    if v == 0.0 {
        return "0".to_string();
    }
    if !v.is_finite() {
        return format!("{v}");
    }
    let mag = v.abs().log10().floor() as i32;
    if !(-4..=6).contains(&mag) {
        return format!("{v:.2e}");
    }
    let decimals = (2 - mag).max(0) as usize;
    format!("{v:.decimals$}")
}

impl serde::Serialize for Availability {
    /// Serialises as the plain availability, a number in (0, 1].
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_complement_is_exact() {
        let a = Availability::parse("99.9999999%").unwrap();
        assert!((a.unavailability() - 1e-9).abs() < 1e-24);
        let b = Availability::parse("0.999999999999").unwrap();
        assert!((b.unavailability() - 1e-12).abs() < 1e-27);
        assert_eq!(Availability::parse("100%").unwrap(), Availability::PERFECT);
    }

    #[test]
    fn availability_forms_agree() {
        let x = Availability::parse("99.95%").unwrap();
        let y = Availability::parse("0.9995").unwrap();
        assert_eq!(x, y);
        assert!((x.value() - 0.9995).abs() < 1e-16);
        let n = Availability::parse("3.5 nines").unwrap();
        assert!((n.nines() - 3.5).abs() < 1e-12);
        assert!((Availability::parse("9.995e-1").unwrap().unavailability() - 5e-4).abs() < 1e-18);
    }

    #[test]
    fn availability_rejects_out_of_range() {
        for bad in [
            "0", "0%", "1.5", "101%", "-0.1", "abc", "", "nines", "0 nines",
        ] {
            assert!(Availability::parse(bad).is_err(), "{bad}");
        }
        let e = Availability::parse("99.95").unwrap_err();
        assert_eq!(e.help.as_deref(), Some("did you mean \"99.95%\"?"));
        // Rough edges 11: 1.5 does not suggest "1.5%"; it says the range.
        let help = Availability::parse("1.5").unwrap_err().help.unwrap();
        assert!(!help.contains("did you mean"), "{help}");
        assert!(
            help.contains("a fraction in (0, 1]") && help.contains("\"99.5%\""),
            "{help}"
        );
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90s").unwrap(), 90.0);
        assert_eq!(parse_duration("15m").unwrap(), 900.0);
        assert_eq!(parse_duration("4h").unwrap(), 14400.0);
        assert_eq!(parse_duration("30d").unwrap(), 30.0 * 86400.0);
        assert_eq!(parse_duration("1y").unwrap(), 8760.0 * 3600.0);
        assert_eq!(parse_duration("1h 30m").unwrap(), 5400.0);
        assert_eq!(parse_duration("1.5h").unwrap(), 5400.0);
        assert_eq!(parse_duration("250ms").unwrap(), 0.25);
        assert_eq!(parse_duration("0s").unwrap(), 0.0);
        for bad in ["90", "", "h", "4 parsecs", "-1h", "1h 30"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    /// Rough edges 13: long forms, plurals and any case, consistently;
    /// `M` (minutes or months?) and months are refused with a reason.
    #[test]
    fn duration_units_long_forms_and_case() {
        for (text, seconds) in [
            ("4 hours", 14400.0),
            ("4hrs", 14400.0),
            ("1 hour", 3600.0),
            ("1H", 3600.0),
            ("1Hr", 3600.0),
            ("4 minutes", 240.0),
            ("1 minute", 60.0),
            ("2 MIN", 120.0),
            ("1m", 60.0),
            ("2 days", 2.0 * DAY_S),
            ("1 Day", DAY_S),
            ("3 seconds", 3.0),
            ("1 sec", 1.0),
            ("250 milliseconds", 0.25),
            ("250 msec", 0.25),
            ("2 weeks", 14.0 * DAY_S),
            ("1 wk", 7.0 * DAY_S),
            ("1 year", YEAR_S),
            ("2 yrs", 2.0 * YEAR_S),
            ("1 hour 30 minutes", 5400.0),
            ("1D 12H", 1.5 * DAY_S),
        ] {
            assert_eq!(parse_duration(text).unwrap(), seconds, "{text}");
        }
        let e = parse_duration("1M").unwrap_err();
        assert!(e.message.contains("ambiguous"), "{}", e.message);
        let e = parse_duration("2 months").unwrap_err();
        assert!(e.message.contains("months vary in length"), "{}", e.message);
        let e = parse_duration("4 parsecs").unwrap_err();
        assert!(
            e.message.contains("unknown unit `parsecs`"),
            "{}",
            e.message
        );
        assert!(e.help.unwrap().contains("h (hr, hour)"));
    }

    #[test]
    fn probabilities() {
        assert_eq!(parse_probability("99%").unwrap(), 0.99);
        assert_eq!(parse_probability("1").unwrap(), 1.0);
        assert!(parse_probability("1.01").is_err());
        assert!(parse_probability("x").is_err());
    }

    /// Rough edges 7: figures that printed wrong or ambiguously.
    #[test]
    fn numbers_print_with_their_unit_and_enough_digits() {
        // 25 nines: the complement in percentage points, marked as such.
        let a = Availability::parse("25 nines").unwrap();
        assert_eq!(a.to_string(), "100% - 1.00e-23%");
        // An availability of 1e-300: not 0%, and 0 nines, not -0.00.
        let tiny = Availability::parse("1e-300").unwrap();
        assert_eq!(tiny.to_string(), "1.00e-298%");
        assert_eq!(format_nines(tiny.nines()), "0.00");
        assert_eq!(format_nines(-0.0), "0.00");
        assert_eq!(format_nines(f64::INFINITY), "inf");
        assert_eq!(format_sci(0.0), "0");
        assert_eq!(format_sci(1.013e-4), "1.013e-4");
        assert_eq!(format_share(1e-9), "1.00e-7%");
        assert_eq!(format_share(0.05), "5%");
        assert_eq!(format_share(0.005), "0.5%");
        // A narrow CI gets the digits that tell its bounds apart.
        let (lo, hi) = (1.0 - 1.0113e-4, 1.0 - 1.0087e-4);
        let [m, l, h] =
            format_percent_ci((1.0 - 1.01e-4, 1.01e-4), (lo, 1.0113e-4), (hi, 1.0087e-4));
        assert_ne!(l, h);
        assert_eq!((l.as_str(), h.as_str()), ("99.98989%", "99.98991%"));
        assert_eq!(m, "99.98990%");
        let [_, l, h] = format_sci_ci(1.0e-4, 1.00001e-4, 1.00002e-4);
        assert_ne!(l, h);
    }

    #[test]
    fn human_units() {
        assert_eq!(human_duration(0.864), "864 ms");
        assert_eq!(human_duration(315.36), "5.26 min");
        assert_eq!(human_duration(3153.6), "52.6 min");
        assert_eq!(human_duration(15768.0), "4.38 h");
        assert_eq!(format_percent(0.9995, 0.0005), "99.950%");
        assert_eq!(format_percent(1.0 - 1e-5, 1e-5), "99.99900%");
        assert_eq!(
            Availability::parse("99.999%").unwrap().to_string(),
            "99.999%"
        );
        assert_eq!(Availability::parse("90%").unwrap().to_string(), "90%");
    }
}
