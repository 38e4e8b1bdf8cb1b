"""NumPy peer of the NTK product engine (docs/theory/ntk.md §2), the same algorithm vectorised over
networks: forward chi-squares of Bin(n, 1/2) degrees, the readout's eta, then the backward recursion
    B_{l-1} = f^2 / N_{l-1} + (g / n) B_l chi2_{m_{l-1} - 1},   K = sum_l s_l^2 B_l + s_d^2 T / n.
ReLU MLP, gain 2, x = (1, ..., 1) (c = 1).

    python3 bench/peers/ntk_product.py --samples 10000 --width 100 --depth 100
"""

import numpy as np

import timing


def chi2(rng, k):
    """chi2 with k >= 0 degrees (0 where k = 0), vectorised."""
    return np.where(k > 0, 2 * rng.standard_gamma(np.maximum(k, 1) / 2), 0.0)


def run(samples, n, d, gain=2.0, seed=0):
    rng = np.random.default_rng(seed)
    m = rng.binomial(n, 0.5, (samples, d))
    P = chi2(rng, m)
    factors = (gain / n) * P
    s2 = np.concatenate([np.ones((samples, 1)), np.cumprod(factors, axis=1)], axis=1)  # s_l^2, l = 0..d
    post = s2[:, :d] * P
    Q = s2[:, d] * rng.chisquare(n, samples)
    eta2 = rng.standard_normal(samples) ** 2
    f2 = Q * eta2 / n
    B = (eta2 + rng.chisquare(n - 1, samples)) / n
    K = Q / n + s2[:, d] * B
    X = chi2(rng, m - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        for i in range(d - 1, -1, -1):
            B = f2 / post[:, i] + (gain / n) * B * X[:, i]
            K += s2[:, i] * B
    return np.where((m == 0).any(axis=1), 0.0, K)


if __name__ == "__main__":
    timing.main("numpy-product-ntk", run, lambda k: {"meanNtk": float(k.mean())}, {"samples": 10000, "width": 100, "depth": 100})
