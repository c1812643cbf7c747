//! Model files: reading (with spans), checking (names, cycles, ranges) and
//! the compiled [`System`].

pub(crate) mod check;
mod quick;
pub(crate) mod spec;
pub mod system;

/// Failure, repair and failover time distributions (they live in
/// [`crate::value::dist`], below the model and the catalog).
pub use crate::value::dist;
/// Quantities of the model file (they live in [`crate::value::quantity`],
/// below the model and the catalog).
pub use crate::value::quantity;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use crate::error::{Error, Issue, ModelErrors, into_model_errors};
use system::Origin;
pub use system::System;

impl System {
    /// Reads and checks a model from TOML text. `file` names it in error
    /// messages (and names the model when it has no `name`).
    ///
    /// # Examples
    ///
    /// ```
    /// let sys = fivenines::System::from_str("example.toml", r#"
    ///     system = "pair"
    ///     [component.a]
    ///     availability = "99%"
    ///     [component.b]
    ///     availability = "99%"
    ///     [block.pair]
    ///     parallel = ["a", "b"]
    /// "#)?;
    /// assert_eq!(sys.system(), "pair");
    /// # Ok::<(), fivenines::ModelErrors>(())
    /// ```
    ///
    /// # Errors
    ///
    /// Every problem in the model, each with its place in the text.
    #[allow(clippy::should_implement_trait)]
    pub fn from_str(file: &str, text: &str) -> Result<System, ModelErrors> {
        System::from_str_in(file, text, None)
    }

    /// As [`System::from_str`], with the catalog profile `like` takes:
    /// `Some` replaces the model's `catalog` key (as `--catalog` does),
    /// `None` keeps it.
    ///
    /// # Examples
    ///
    /// ```
    /// use fivenines::catalog::Profile;
    /// let text = "system = \"x\"\n[component.x]\nlike = \"aws.ec2.instance\"\n";
    /// let sla = fivenines::System::from_str_in("m.toml", text, None)?;
    /// let typical = fivenines::System::from_str_in("m.toml", text, Some(Profile::Typical))?;
    /// assert_eq!(sla.catalog_profile(), Profile::Sla);
    /// assert!(typical.items()[0].rates.availability.value() > sla.items()[0].rates.availability.value());
    /// # Ok::<(), fivenines::ModelErrors>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`System::from_str`].
    pub fn from_str_in(
        file: &str,
        text: &str,
        profile: Option<crate::catalog::Profile>,
    ) -> Result<System, ModelErrors> {
        System::from_shared_in(file, Arc::new(text.to_string()), profile)
    }

    /// [`System::from_str_in`] of text already owned (not copied again).
    fn from_shared_in(
        file: &str,
        text: Arc<String>,
        profile: Option<crate::catalog::Profile>,
    ) -> Result<System, ModelErrors> {
        System::from_shared_adjusted(file, text, &|spec| {
            if let Some(p) = profile {
                let span = spec.catalog.as_ref().map_or(0..0, |c| c.span.clone());
                spec.catalog = Some(spec::Sp { v: p, span });
            }
        })
    }

    /// As [`System::from_str`], with the model as written changed by
    /// `adjust` before it is checked (the catalog profile of `--catalog`;
    /// the study layer's counts and choices).
    pub(crate) fn from_str_adjusted(
        file: &str,
        text: &str,
        adjust: &dyn Fn(&mut spec::Spec),
    ) -> Result<System, ModelErrors> {
        System::from_shared_adjusted(file, Arc::new(text.to_string()), adjust)
    }

    /// [`System::from_str_adjusted`] of text already owned.
    fn from_shared_adjusted(
        file: &str,
        shared: Arc<String>,
        adjust: &dyn Fn(&mut spec::Spec),
    ) -> Result<System, ModelErrors> {
        let stem = Path::new(file)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or(file);
        let text: &str = &shared;
        let result = spec::read(text).and_then(|(mut spec, mut issues)| {
            adjust(&mut spec);
            let origin = Origin {
                file: file.to_string(),
                text: Arc::clone(&shared),
                components: spec
                    .components
                    .iter()
                    .map(|c| c.name.span.clone())
                    .collect(),
                domains: spec.domains.iter().map(|d| d.name.span.clone()).collect(),
            };
            match check::check(spec, stem) {
                Ok(mut sys) if issues.is_empty() => {
                    sys.origin = Some(Arc::new(origin));
                    Ok(sys)
                }
                Ok(_) => Err(issues),
                Err(more) => {
                    issues.extend(more);
                    Err(issues)
                }
            }
        });
        result.map_err(|issues| into_model_errors(file, &shared, issues))
    }

    /// Reads and checks a model file (at most [`MAX_MODEL_BYTES`]).
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the file cannot be read or is too large,
    /// [`Error::Model`] for problems in the model (text that is not UTF-8
    /// included, at its place).
    pub fn from_path(path: impl AsRef<Path>) -> Result<System, Error> {
        System::from_path_in(path, None)
    }

    /// As [`System::from_path`], with the catalog profile (see
    /// [`System::from_str_in`]).
    ///
    /// # Errors
    ///
    /// As [`System::from_path`].
    pub fn from_path_in(
        path: impl AsRef<Path>,
        profile: Option<crate::catalog::Profile>,
    ) -> Result<System, Error> {
        let path = path.as_ref();
        let shown = path.display().to_string();
        let file = std::fs::File::open(path).map_err(|source| Error::Io {
            path: shown.clone(),
            source,
        })?;
        // Room for the whole file at once (no regrowth and copies of a
        // large model's text); the reading still stops past the cap.
        let size = file
            .metadata()
            .map_or(0, |m| m.len().min(MAX_MODEL_BYTES + 1) as usize);
        System::read_in(&shown, file, size, profile)
    }

    /// Reads and checks a model from a reader (standard input, say), reading
    /// at most [`MAX_MODEL_BYTES`]. `file` names it in messages.
    ///
    /// # Examples
    ///
    /// ```
    /// let text = "system = \"x\"\n[component.x]\navailability = \"99%\"\n";
    /// let sys = fivenines::System::from_reader("<stdin>", text.as_bytes())?;
    /// assert_eq!(sys.system(), "x");
    /// let zeros = std::io::repeat(0); // endless, like /dev/zero
    /// assert!(fivenines::System::from_reader("zeros", zeros).is_err());
    /// # Ok::<(), fivenines::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`System::from_path`].
    pub fn from_reader(file: &str, reader: impl Read) -> Result<System, Error> {
        System::from_reader_in(file, reader, None)
    }

    /// As [`System::from_reader`], with the catalog profile (see
    /// [`System::from_str_in`]).
    ///
    /// # Errors
    ///
    /// As [`System::from_path`].
    pub fn from_reader_in(
        file: &str,
        reader: impl Read,
        profile: Option<crate::catalog::Profile>,
    ) -> Result<System, Error> {
        System::read_in(file, reader, 0, profile)
    }

    /// [`System::from_reader_in`] with room for `size` bytes to begin with.
    fn read_in(
        file: &str,
        reader: impl Read,
        size: usize,
        profile: Option<crate::catalog::Profile>,
    ) -> Result<System, Error> {
        let mut bytes = Vec::with_capacity(size);
        reader
            .take(MAX_MODEL_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|source| Error::Io {
                path: file.to_string(),
                source,
            })?;
        if bytes.len() as u64 > MAX_MODEL_BYTES {
            return Err(Error::Io {
                path: file.to_string(),
                source: std::io::Error::new(
                    std::io::ErrorKind::FileTooLarge,
                    format!(
                        "larger than {} MiB, the most fivenines reads as a model (is it the right file?)",
                        MAX_MODEL_BYTES >> 20
                    ),
                ),
            });
        }
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                return Err(Error::Model(not_text(
                    file,
                    e.as_bytes(),
                    e.utf8_error().valid_up_to(),
                )));
            }
        };
        if let Some(nul) = text.find('\0') {
            return Err(Error::Model(not_text(file, text.as_bytes(), nul)));
        }
        Ok(System::from_shared_in(file, Arc::new(text), profile)?)
    }
}

/// Largest model read, in bytes (16 MiB): a model file is text a person
/// writes; anything larger is the wrong file (or `/dev/zero`).
pub const MAX_MODEL_BYTES: u64 = 16 << 20;

/// The error for bytes that are not UTF-8 text, at the first bad byte.
fn not_text(file: &str, bytes: &[u8], at: usize) -> ModelErrors {
    let utf16 = bytes.starts_with(&[0xFF, 0xFE])
        || bytes.starts_with(&[0xFE, 0xFF])
        || (bytes.len() >= 2 && (bytes[0] == 0) != (bytes[1] == 0));
    let (message, help) = if utf16 {
        (
            "this file looks like UTF-16 text; a model is UTF-8".to_string(),
            "convert it to UTF-8, e.g. `iconv -f UTF-16 -t UTF-8 model.toml > model-utf8.toml`, or save it as UTF-8 in the editor",
        )
    } else if bytes[at] == 0 {
        (
            "a NUL byte: this is not a text file".to_string(),
            "a model is a TOML text file in UTF-8; is this a binary file?",
        )
    } else {
        (
            format!(
                "not UTF-8 text: byte 0x{:02x} cannot be read as a character",
                bytes[at]
            ),
            "a model is a TOML text file in UTF-8: convert it (e.g. `iconv -f LATIN1 -t UTF-8`), or check that it is not a binary file",
        )
    };
    // Everything before `at` is valid: its offsets are the same in the
    // lossy copy, where the bad byte becomes one replacement character.
    let shown = Arc::new(String::from_utf8_lossy(bytes).into_owned());
    let end = shown[at..].chars().next().map_or(at, |c| at + c.len_utf8());
    let issue = Issue::new(at..end, message, "here").help(help);
    into_model_errors(file, &shown, vec![issue])
}
