"""NumPy peer for Hayou's ResNet, dense as a reference script would do it: fresh W_l ~ N(0, 1/n)
for every network and block, Y_l = Y_{l-1} + W_l relu(Y_{l-1}) / sqrt(L), forward only.

    python3 bench/peers/hayou_dense.py --samples 64 --width 100 --depth 1000
"""

import numpy as np

import timing


def run(samples, n, L, d=10, batch=16, seed=0):
    rng = np.random.default_rng(seed)
    x = np.ones(d) / np.sqrt(d)
    growth = np.empty(samples)
    for s in range(0, samples, batch):
        b = min(batch, samples - s)
        y = np.einsum("bij,j->bi", rng.standard_normal((b, n, d)) / np.sqrt(d), x)
        p0 = np.linalg.norm(np.maximum(y, 0), axis=1)
        for _ in range(L):
            h = np.maximum(y, 0.0)
            y = y + np.einsum("bij,bj->bi", rng.standard_normal((b, n, n)), h) / np.sqrt(n * L)
        with np.errstate(divide="ignore", invalid="ignore"):
            growth[s : s + b] = np.log(np.linalg.norm(np.maximum(y, 0), axis=1) / p0)
    return growth


if __name__ == "__main__":
    timing.main("numpy-dense-hayou", run, lambda g: {"meanLogGrowth": float(np.nanmean(g))}, {"samples": 64, "width": 100, "depth": 1000}, ())
