"""NumPy peer of the exact O(d) sampler (log-gaussian.md 1.3), vectorised over samples.

    python3 bench/peers/nica_product.py --samples 32768 --depths 1,10,100
"""
import numpy as np

import timing


def run(samples, depth, n=100, n_out=10, seed=0):
    rng = np.random.default_rng(seed)
    g = np.log(rng.chisquare(n, samples) / n)
    b = rng.binomial(n, 0.5, (samples, depth))
    x = np.where(b > 0, 2 * rng.standard_gamma(np.maximum(b, 1) / 2), 0.0)
    with np.errstate(divide="ignore"):
        g += np.log(2 * x / n).sum(1)
    return g + np.log(rng.chisquare(n_out, samples))


if __name__ == "__main__":
    timing.main_depths("numpy-product", run, 32768)
