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

/// Most floating-point work (a lower bound, see [`SolveError::TooCostly`])
/// of a chain's factorisation: a few seconds on one core. The direct solve
/// of a 20,000-state chain whose states form a grid of many dimensions
/// (every combination of a dozen items) needs about 3e11 by that bound and
/// took two minutes; the largest chain of the shipped models needs 4e7.
pub const MAX_FACTOR_WORK: f64 = 5e9;

/// Chains from this many states on have their factorisation's work bounded
/// first (the symbolic analysis costs about 10 microseconds a state;
/// below this, even a dense factorisation is about a second).
const CHECK_WORK_FROM: usize = 2_000;

/// Why a chain could not be solved.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SolveError {
    /// The factorisation failed (a singular system: the chain has several
    /// closed classes).
    #[error("the Markov chain could not be solved: {0}")]
    Singular(String),
    /// Factoring the chain would take more than [`MAX_FACTOR_WORK`]
    /// floating-point operations (a lower bound; see `docs/math.md`): a
    /// chain whose states form a high-dimensional grid fills in almost
    /// completely, and a direct solve would run for minutes.
    #[error(
        "the Markov chain of {states} states is too costly to solve exactly: factoring it takes at least {work:.1e} floating-point operations (limit {MAX_FACTOR_WORK:.0e})"
    )]
    TooCostly {
        /// States of the chain.
        states: usize,
        /// The lower bound on the work.
        work: f64,
    },
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
/// # Examples
///
/// ```
/// // Up for a year on average, down for two hours.
/// let (fail, repair) = (1.0 / 31_536_000.0, 1.0 / 7200.0);
/// let pi = fivenines::markov::stationary(2, &[(0, 1, fail), (1, 0, repair)])?;
/// assert!((pi[1] - fail / (fail + repair)).abs() < 1e-18);
/// # Ok::<(), fivenines::markov::SolveError>(())
/// ```
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
    if n >= CHECK_WORK_FROM
        && let Some(work) = factor_work_bound(n, transitions)
        && work > MAX_FACTOR_WORK
    {
        return Err(SolveError::TooCostly { states: n, work });
    }
    // Pinning state 0 keeps the matrix as sparse as the chain (a row of
    // ones for the normalisation would make every column's ordering
    // dense); it needs state 0 recurrent, so a failure falls back.
    match solve(n, transitions, true) {
        Ok(pi) => Ok(pi),
        Err(_) => solve(n, transitions, false),
    }
}

/// A lower bound on the floating-point work of factoring the chain's
/// matrix: the symbolic Cholesky factor of the symmetrised pattern under
/// the approximate minimum degree order has `nnz` entries, and the work of
/// a factor with column counts `c_j` is at least `sum c_j^2 >= nnz^2 / n`.
/// `None` when the symbolic analysis fails.
fn factor_work_bound(n: usize, transitions: &[(u32, u32, f64)]) -> Option<f64> {
    use faer::sparse::SymbolicSparseColMatRef;
    use faer::sparse::linalg::cholesky::{SymmetricOrdering, factorize_symbolic_cholesky};
    // Upper triangle of A + A^T with the diagonal, by column, sorted.
    let mut pairs: Vec<(u32, u32)> = transitions
        .iter()
        .filter(|t| t.0 != t.1)
        .map(|&(i, j, _)| (i.min(j), i.max(j)))
        .chain((0..n as u32).map(|i| (i, i)))
        .map(|(r, c)| (c, r))
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    let mut col_ptr = vec![0usize; n + 1];
    for &(c, _) in &pairs {
        col_ptr[c as usize + 1] += 1;
    }
    for c in 0..n {
        col_ptr[c + 1] += col_ptr[c];
    }
    let row_idx: Vec<usize> = pairs.iter().map(|&(_, r)| r as usize).collect();
    let a = SymbolicSparseColMatRef::new_checked(n, n, &col_ptr, None, &row_idx);
    let sym = factorize_symbolic_cholesky(
        a,
        faer::Side::Upper,
        SymmetricOrdering::Amd,
        Default::default(),
    )
    .ok()?;
    let nnz = sym.len_val() as f64;
    Some(nnz * nnz / n as f64)
}

/// With `pinned`, solves the balance equations of states `1..n` with
/// `pi_0 = 1`, then normalises; otherwise replaces state 0's equation by
/// `sum pi = 1`.
fn solve(n: usize, transitions: &[(u32, u32, f64)], pinned: bool) -> Result<Vec<f64>, SolveError> {
    let mut out = vec![0.0; n];
    for &(i, _, r) in transitions {
        out[i as usize] += r;
    }
    // Unknowns: pi_1.. when pinned (index j - 1), pi_0.. otherwise.
    let off = usize::from(pinned);
    let m = n - off;
    let mut trip: Vec<Triplet<usize, usize, f64>> = Vec::with_capacity(transitions.len() + 2 * n);
    let mut rhs = vec![0.0; m];
    for &(i, j, r) in transitions {
        let (i, j) = (i as usize, j as usize);
        if j == 0 || r == 0.0 {
            continue;
        }
        if pinned && i == 0 {
            rhs[j - 1] -= r;
        } else {
            trip.push(Triplet::new(j - off, i - off, r));
        }
    }
    for (i, &o) in out.iter().enumerate().skip(1) {
        trip.push(Triplet::new(i - off, i - off, -o));
    }
    if !pinned {
        for i in 0..n {
            trip.push(Triplet::new(0, i, 1.0));
        }
        rhs[0] = 1.0;
    }
    let a = SparseColMat::<usize, f64>::try_new_from_triplets(m, m, &trip)
        .map_err(|e| SolveError::Singular(format!("{e:?}")))?;
    let lu = a
        .sp_lu()
        .map_err(|e| SolveError::Singular(format!("{e:?}")))?;
    let to_pi = |x: &[f64]| -> Vec<f64> {
        if pinned {
            std::iter::once(1.0).chain(x.iter().copied()).collect()
        } else {
            x.to_vec()
        }
    };
    let solve_vec = |b: &[f64]| -> Vec<f64> {
        let mut bm = faer::Mat::<f64>::zeros(m, 1);
        for (i, v) in b.iter().enumerate() {
            bm[(i, 0)] = *v;
        }
        let x = lu.solve(&bm);
        (0..m).map(|i| x[(i, 0)]).collect()
    };
    // Residual of the equations solved, as `b - A x`.
    let residual = |x: &[f64]| -> Vec<f64> {
        let pi = to_pi(x);
        let mut bal = vec![0.0; n];
        for &(i, j, rate) in transitions {
            let flow = pi[i as usize] * rate;
            bal[j as usize] += flow;
            bal[i as usize] -= flow;
        }
        // A x = b stands for bal_j = 0 (j >= 1) and, unpinned, sum = 1.
        let mut r: Vec<f64> = (off..n).map(|j| -bal[j]).collect();
        if !pinned {
            r[0] = 1.0 - pi.iter().sum::<f64>();
        }
        r
    };
    let mut x = solve_vec(&rhs);
    if x.iter().any(|v| !v.is_finite()) {
        return Err(SolveError::Singular("non-finite solution".to_string()));
    }
    // Size of the largest flow, to judge the residual.
    let scale = |x: &[f64]| {
        let pi = to_pi(x);
        out.iter()
            .zip(&pi)
            .map(|(o, p)| (o * p).abs())
            .fold(f64::MIN_POSITIVE, f64::max)
    };
    let norm = |r: &[f64], x: &[f64]| {
        let sc = scale(x);
        r.iter()
            .enumerate()
            .map(|(i, v)| {
                if !pinned && i == 0 {
                    v.abs()
                } else {
                    v.abs() / sc
                }
            })
            .fold(0.0, f64::max)
    };
    let mut r = residual(&x);
    let mut best = norm(&r, &x);
    for _ in 0..4 {
        if best < 1e-15 {
            break;
        }
        let d = solve_vec(&r);
        let next: Vec<f64> = x.iter().zip(&d).map(|(a, b)| a + b).collect();
        let r2 = residual(&next);
        let n2 = norm(&r2, &next);
        if n2.is_nan() || n2 >= best {
            break;
        }
        x = next;
        r = r2;
        best = n2;
    }
    if best.is_nan() || best > 1e-9 {
        return Err(SolveError::NotConverged { residual: best });
    }
    let mut pi = to_pi(&x);
    let total: f64 = pi.iter().sum();
    // A pinned state that is transient gives nonsense: reject it.
    let negative: f64 = pi.iter().filter(|v| **v < 0.0).map(|v| -v).sum();
    if total.is_nan() || total <= 0.0 || negative > 1e-9 * total {
        return Err(SolveError::Singular("not a probability vector".to_string()));
    }
    for v in &mut pi {
        *v = v.max(0.0) / total;
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
        assert!(
            (pi[1] - q).abs() < 1e-15 * q.max(1e-300) * 10.0,
            "{} vs {q}",
            pi[1]
        );
        assert!((pi[0] + pi[1] - 1.0).abs() < 1e-15);
    }

    /// A birth-death chain on `n` states: up at `up`, down at `down`.
    fn path(n: usize, up: f64, down: f64) -> Vec<(u32, u32, f64)> {
        (0..n as u32 - 1)
            .flat_map(|i| [(i, i + 1, up), (i + 1, i, down)])
            .collect()
    }

    #[test]
    fn birth_death_chain_matches_closed_form() {
        // M/M/1/K-like chain with ratio rho: pi_i proportional to rho^i.
        let n = 30;
        let (up, down) = (2e-6, 3e-2);
        let t = path(n, up, down);
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

    /// `d` independent two-state items as one chain: the `2^d` states form
    /// a hypercube, whose factorisation fills in almost completely. From
    /// 2^14 states the solve is refused (at once) rather than run for
    /// minutes; at 2^11 it is solved, and equals the product form.
    #[test]
    fn a_hypercube_chain_is_refused_when_too_costly() {
        let cube = |d: u32| {
            let (l, m) = (1.0 / (8760.0 * 3600.0), 1.0 / 7200.0);
            let mut t = Vec::new();
            for s in 0u32..1 << d {
                for b in 0..d {
                    let other = s ^ (1 << b);
                    t.push((s, other, if s >> b & 1 == 0 { l } else { m }));
                }
            }
            (t, l / (l + m))
        };
        let (t, _) = cube(14);
        match stationary(1 << 14, &t) {
            Err(SolveError::TooCostly { states, work }) => {
                assert_eq!(states, 1 << 14);
                assert!(work > MAX_FACTOR_WORK, "{work}");
            }
            other => panic!("expected TooCostly, got {:?}", other.map(|p| p.len())),
        }
        let (t, q) = cube(11);
        let pi = stationary(1 << 11, &t).unwrap();
        for s in [0u32, 1, 0b101, (1 << 11) - 1] {
            let down = s.count_ones() as i32;
            let want = q.powi(down) * (1.0 - q).powi(11 - down);
            assert!(
                (pi[s as usize] - want).abs() <= 1e-9 * want,
                "{s}: {} vs {want}",
                pi[s as usize]
            );
        }
    }

    /// A long birth-death chain is cheap to factor whatever its length: not
    /// refused.
    #[test]
    fn a_long_path_chain_is_solved() {
        let n = 20_000;
        let t = path(n, 1e-3, 2e-3);
        assert!(factor_work_bound(n, &t).unwrap() < 1e6);
        let pi = stationary(n, &t).unwrap();
        assert!(
            (pi[0] - 0.5).abs() < 1e-12 && (pi[1] - 0.25).abs() < 1e-12,
            "{} {}",
            pi[0],
            pi[1]
        );
    }
}
