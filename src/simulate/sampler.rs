//! Sampling durations: ordinary draws and the steady-state residual time.

use rand::{Rng, RngExt};
use rand_distr::{Distribution as _, Exp, Gamma, LogNormal, Weibull};

use crate::model::dist::Distribution;

/// A ready-to-draw duration distribution (seconds).
#[derive(Clone, Debug)]
pub(crate) enum Sampler {
    /// Never happens (an item that never fails).
    Never,
    Fixed(f64),
    Exp(Exp<f64>),
    Weibull {
        dist: Weibull<f64>,
        /// Length-biased draw: `scale * G^(1/shape)`, `G ~ Gamma(1 + 1/shape)`.
        biased: Gamma<f64>,
        scale: f64,
        inv_shape: f64,
    },
    LogNormal {
        dist: LogNormal<f64>,
        /// The length-biased log-normal is log-normal(mu + sigma^2, sigma).
        biased: LogNormal<f64>,
    },
}

impl Sampler {
    /// # Panics
    ///
    /// Never for the distributions a checked model holds (positive means,
    /// shapes and standard deviations).
    pub fn new(d: &Distribution) -> Self {
        match *d {
            Distribution::Fixed(v) => Sampler::Fixed(v),
            Distribution::Exponential { mean } => {
                Sampler::Exp(Exp::new(1.0 / mean).expect("mean > 0"))
            }
            Distribution::Weibull { shape, scale } => Sampler::Weibull {
                dist: Weibull::new(scale, shape).expect("checked > 0"),
                biased: Gamma::new(1.0 + 1.0 / shape, 1.0).expect("shape > 0"),
                scale,
                inv_shape: 1.0 / shape,
            },
            Distribution::Lognormal { mean, sd } => {
                let s2 = (1.0 + (sd / mean).powi(2)).ln();
                let mu = mean.ln() - s2 / 2.0;
                let sigma = s2.sqrt();
                Sampler::LogNormal {
                    dist: LogNormal::new(mu, sigma).expect("sd > 0"),
                    biased: LogNormal::new(mu + s2, sigma).expect("sd > 0"),
                }
            }
        }
    }

    /// One duration.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Sampler::Never => f64::INFINITY,
            Sampler::Fixed(v) => *v,
            Sampler::Exp(e) => e.sample(rng),
            Sampler::Weibull { dist, .. } => dist.sample(rng),
            Sampler::LogNormal { dist, .. } => dist.sample(rng),
        }
    }

    /// The time left in a phase observed at a random instant of a long run
    /// (the equilibrium distribution): a length-biased draw times a uniform.
    pub fn residual<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let u: f64 = rng.random();
        match self {
            Sampler::Never => f64::INFINITY,
            Sampler::Fixed(v) => v * u,
            Sampler::Exp(e) => e.sample(rng),
            Sampler::Weibull {
                biased,
                scale,
                inv_shape,
                ..
            } => scale * biased.sample(rng).powf(*inv_shape) * u,
            Sampler::LogNormal { biased, .. } => biased.sample(rng) * u,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::Xoshiro256PlusPlus;

    /// The mean residual time is E[X^2] / (2 E[X]).
    fn check_residual(d: Distribution, second_moment: f64) {
        let s = Sampler::new(&d);
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        let n = 400_000;
        let mean: f64 = (0..n).map(|_| s.residual(&mut rng)).sum::<f64>() / n as f64;
        let want = second_moment / (2.0 * d.mean());
        assert!((mean - want).abs() < 0.01 * want, "{d:?}: {mean} vs {want}");
        let plain: f64 = (0..n).map(|_| s.sample(&mut rng)).sum::<f64>() / n as f64;
        assert!((plain - d.mean()).abs() < 0.01 * d.mean(), "{d:?}: {plain}");
    }

    #[test]
    fn residual_means() {
        check_residual(Distribution::Fixed(10.0), 100.0);
        check_residual(Distribution::Exponential { mean: 3.0 }, 18.0);
        // Weibull: E[X^2] = scale^2 Gamma(1 + 2/k)
        let g = statrs::function::gamma::gamma(1.0 + 2.0 / 1.5);
        check_residual(
            Distribution::Weibull {
                shape: 1.5,
                scale: 1000.0,
            },
            1e6 * g,
        );
        // Log-normal: E[X^2] = sd^2 + mean^2
        check_residual(Distribution::Lognormal { mean: 8.0, sd: 4.0 }, 80.0);
    }
}
