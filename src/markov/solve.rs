//! The stationary distribution of a finite continuous-time Markov chain.
//!
//! `pi Q = 0` with `sum pi = 1`, solved directly: the transposed generator
//! with one balance equation replaced by the normalisation, factored by
//! faer's sparse LU (fill-reducing column order, partial pivoting), then
//! refined while the residual shrinks. Rates in our chains span from one a
//! decade to one a second; refinement brings the balance residual to the
//! rounding level of the largest flows.

use faer::prelude::Solve;
use faer::sparse::{SparseColMat, Triplet};

/// Why a chain could not be solved.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SolveError {
    /// The factorisation failed (a singular system: the chain has several
    /// closed classes).
    #[error("the Markov chain could not be solved: {0}")]
    Singular(String),
    /// The solution is not a probability vector to working precision.
    #[error("the Markov chain's solution did not converge (residual {residual:.1e})")]
    NotConverged {
        /// Largest balance residual relative to the largest flow.
        residual: f64,
    },
}

/// Stationary distribution of the chain on `n` states with the given
/// transitions `(from, to, rate)`, rates per second, `from != to`.
/// Duplicated pairs are summed. State 0 should be a likely one (its
/// balance equation is the one replaced).
///
/// # Errors
///
/// [`SolveError`] when the chain has more than one closed class or the
/// solution does not settle.
pub fn stationary(n: usize, transitions: &[(u32, u32, f64)]) -> Result<Vec<f64>, SolveError> {
    if n == 0 {
        return Ok(Vec::new());
    }
    if n == 1 {
        return Ok(vec![1.0]);
    }
    // Out-rates of each state (the diagonal is -out).
    let mut out = vec![0.0; n];
    for &(i, _, r) in transitions {
        out[i as usize] += r;
    }
    // A = Q^T with row 0 replaced by ones: A[j][i] = q(i, j).
    let mut trip: Vec<Triplet<usize, usize, f64>> = Vec::with_capacity(transitions.len() + 2 * n);
    for &(i, j, r) in transitions {
        if j != 0 && r != 0.0 {
            trip.push(Triplet::new(j as usize, i as usize, r));
        }
    }
    for (i, &o) in out.iter().enumerate().skip(1) {
        trip.push(Triplet::new(i, i, -o));
    }
    for i in 0..n {
        trip.push(Triplet::new(0, i, 1.0));
    }
    let a = SparseColMat::<usize, f64>::try_new_from_triplets(n, n, &trip)
        .map_err(|e| SolveError::Singular(format!("{e:?}")))?;
    let lu = a
        .sp_lu()
        .map_err(|e| SolveError::Singular(format!("{e:?}")))?;
    let mut b = faer::Mat::<f64>::zeros(n, 1);
    b[(0, 0)] = 1.0;
    let x = lu.solve(&b);
    let mut pi: Vec<f64> = (0..n).map(|i| x[(i, 0)]).collect();
    if pi.iter().any(|v| !v.is_finite()) {
        return Err(SolveError::Singular("non-finite solution".to_string()));
    }
    // Iterative refinement on the same factorisation.
    let scale = out.iter().copied().fold(0.0, f64::max).max(f64::MIN_POSITIVE);
    let residual = |pi: &[f64]| -> Vec<f64> {
        let mut r = vec![0.0; n];
        for &(i, j, rate) in transitions {
            let flow = pi[i as usize] * rate;
            r[j as usize] += flow;
            r[i as usize] -= flow;
        }
        r[0] = 1.0 - pi.iter().sum::<f64>();
        r
    };
    let norm = |r: &[f64]| {
        r.iter()
            .enumerate()
            .map(|(i, v)| if i == 0 { v.abs() } else { v.abs() / scale })
            .fold(0.0, f64::max)
    };
    let mut r = residual(&pi);
    let mut best = norm(&r);
    for _ in 0..4 {
        if best < 1e-15 {
            break;
        }
        // The refinement solves A d = r, where A's rows 1.. are the balance
        // equations: their residual is -(pi Q)_j.
        let mut rb = faer::Mat::<f64>::zeros(n, 1);
        for (i, v) in r.iter().enumerate() {
            rb[(i, 0)] = if i == 0 { *v } else { -*v };
        }
        let d = lu.solve(&rb);
        let next: Vec<f64> = (0..n).map(|i| pi[i] + d[(i, 0)]).collect();
        let r2 = residual(&next);
        let n2 = norm(&r2);
        if !(n2 < best) {
            break;
        }
        pi = next;
        r = r2;
        best = n2;
    }
    if best > 1e-9 {
        return Err(SolveError::NotConverged { residual: best });
    }
    // Round-off can leave tiny negatives on states of probability ~0.
    for v in &mut pi {
        if *v < 0.0 {
            *v = 0.0;
        }
    }
    let total: f64 = pi.iter().sum();
    for v in &mut pi {
        *v /= total;
    }
    Ok(pi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_state_chain() {
        // Up -> down at l, down -> up at m: pi = (m, l) / (l + m).
        let (l, m) = (1.0 / (8760.0 * 3600.0), 1.0 / 7200.0);
        let pi = stationary(2, &[(0, 1, l), (1, 0, m)]).unwrap();
        let q = l / (l + m);
        assert!((pi[1] - q).abs() < 1e-15 * q.max(1e-300) * 10.0, "{} vs {q}", pi[1]);
        assert!((pi[0] + pi[1] - 1.0).abs() < 1e-15);
    }

    #[test]
    fn birth_death_chain_matches_closed_form() {
        // M/M/1/K-like chain with ratio rho: pi_i proportional to rho^i.
        let n = 30;
        let (up, down) = (2e-6, 3e-2);
        let mut t = Vec::new();
        for i in 0..n - 1 {
            t.push((i as u32, i as u32 + 1, up));
            t.push((i as u32 + 1, i as u32, down));
        }
        let pi = stationary(n, &t).unwrap();
        let rho: f64 = up / down;
        let z: f64 = (0..n).map(|i| rho.powi(i as i32)).sum();
        for (i, p) in pi.iter().enumerate().take(6) {
            let want = rho.powi(i as i32) / z;
            assert!((p - want).abs() <= 1e-12 * want, "state {i}: {p} vs {want}");
        }
    }

    #[test]
    fn duplicated_transitions_are_summed() {
        let pi = stationary(2, &[(0, 1, 1.0), (0, 1, 1.0), (1, 0, 1.0)]).unwrap();
        assert!((pi[1] - 2.0 / 3.0).abs() < 1e-14);
    }
}
