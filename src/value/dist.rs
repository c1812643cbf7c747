//! Failure, repair and failover time distributions.

use statrs::function::gamma::gamma;

/// A distribution of a positive duration, in seconds.
///
/// Only its mean matters to the analytic engine (renewal theory); the Monte
/// Carlo engine samples it.
///
/// # Examples
///
/// ```
/// use fivenines::Distribution;
/// let d = Distribution::Weibull { shape: 1.0, scale: 3600.0 };
/// assert!((d.mean() - 3600.0).abs() < 1e-9);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Distribution {
    /// Exponential with the given mean (seconds).
    Exponential {
        /// Mean, in seconds.
        mean: f64,
    },
    /// Weibull with shape `k` and scale `lambda` (seconds).
    Weibull {
        /// Shape `k` (> 0); 1 is exponential, > 1 wears out.
        shape: f64,
        /// Scale `lambda`, in seconds.
        scale: f64,
    },
    /// Log-normal with the given mean and standard deviation (seconds).
    Lognormal {
        /// Mean, in seconds.
        mean: f64,
        /// Standard deviation, in seconds.
        sd: f64,
    },
    /// Always the same duration (seconds).
    Fixed(f64),
}

impl Distribution {
    /// The mean, in seconds.
    pub fn mean(&self) -> f64 {
        match *self {
            Distribution::Exponential { mean } => mean,
            Distribution::Weibull { shape, scale } => scale * gamma(1.0 + 1.0 / shape),
            Distribution::Lognormal { mean, .. } => mean,
            Distribution::Fixed(d) => d,
        }
    }

    /// The same shape with mean `mean` (seconds): scale (Weibull) or mean
    /// and standard deviation (log-normal, keeping the coefficient of
    /// variation) multiplied alike.
    ///
    /// ```
    /// use fivenines::Distribution;
    /// let d = Distribution::Lognormal { mean: 10.0, sd: 5.0 }.with_mean(20.0);
    /// assert_eq!(d, Distribution::Lognormal { mean: 20.0, sd: 10.0 });
    /// ```
    pub fn with_mean(self, mean: f64) -> Distribution {
        let old = self.mean();
        let f = if old > 0.0 { mean / old } else { 0.0 };
        match self {
            Distribution::Exponential { .. } => Distribution::Exponential { mean },
            Distribution::Weibull { shape, scale } if old > 0.0 => Distribution::Weibull {
                shape,
                scale: scale * f,
            },
            Distribution::Lognormal { sd, .. } if old > 0.0 => {
                Distribution::Lognormal { mean, sd: sd * f }
            }
            _ => Distribution::Fixed(mean),
        }
    }

    /// A short description with units, for reports: `weibull(shape 1.5, scale 1000 h)`.
    pub fn describe(&self) -> String {
        use crate::value::quantity::human_duration as h;
        match *self {
            Distribution::Exponential { mean } => format!("exponential(mean {})", h(mean)),
            Distribution::Weibull { shape, scale } => {
                format!("weibull(shape {shape}, scale {})", h(scale))
            }
            Distribution::Lognormal { mean, sd } => {
                format!("lognormal(mean {}, sd {})", h(mean), h(sd))
            }
            Distribution::Fixed(d) => format!("fixed({})", h(d)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weibull_mean_closed_form() {
        // Gamma(1 + 1/2) = sqrt(pi)/2
        let d = Distribution::Weibull {
            shape: 2.0,
            scale: 10.0,
        };
        assert!((d.mean() - 10.0 * std::f64::consts::PI.sqrt() / 2.0).abs() < 1e-12);
    }
}
