//! Markov chains of the standby blocks' dynamics, below both engines.
//!
//! [`chain::Chain`] builds the continuous-time Markov chain of the items
//! that standby blocks depend on and the blocks' modes
//! (docs/model.md); [`solve::stationary`] solves it. The analytic
//! engine conditions its decision diagram on the chain's states; the
//! simulation draws each mission's starting state from the same
//! stationary distribution.

pub mod chain;
pub mod solve;

pub use chain::{Chain, ChainError, Direction, MAX_STATES, Mode, Overrides};
pub use solve::{MAX_FACTOR_WORK, SolveError, stationary};
