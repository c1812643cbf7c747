//! Model files: reading (with spans), checking (names, cycles, ranges) and
//! the compiled [`System`].

pub(crate) mod check;
pub mod dist;
pub mod quantity;
pub(crate) mod spec;
pub mod system;

use std::path::Path;
use std::sync::Arc;

use crate::error::{Error, ModelErrors, into_model_errors};
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
        let stem = Path::new(file)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or(file);
        let shared = Arc::new(text.to_string());
        let result =
            spec::read(text).and_then(|(spec, mut issues)| match check::check(spec, stem) {
                Ok(sys) if issues.is_empty() => Ok(sys),
                Ok(_) => Err(issues),
                Err(more) => {
                    issues.extend(more);
                    Err(issues)
                }
            });
        result.map_err(|issues| into_model_errors(file, &shared, issues))
    }

    /// Reads and checks a model file.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the file cannot be read, [`Error::Model`] for
    /// problems in the model.
    pub fn from_path(path: impl AsRef<Path>) -> Result<System, Error> {
        let path = path.as_ref();
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: shown.clone(),
            source,
        })?;
        Ok(System::from_str(&shown, &text)?)
    }
}
