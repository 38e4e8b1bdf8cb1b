"""NumPy peer of the reduced Hayou engine (the same algorithm, vectorised over networks): given the past,
W_l phi(Y) =d ||phi(Y)|| sqrt(gain / n) g with g ~ N(0, I), so one layer is
    Y += ||phi(Y)|| sqrt(gain / (n L)) g
for every network of a batch at once. ReLU, one input, Y_0 ~ N(0, I) (||x||^2 / n_in = 1), observable
ln(||phi(Y_L)|| / ||phi(Y_0)||).

    python3 bench/peers/hayou_reduced.py --samples 10000 --width 100 --depth 1000
"""

import numpy as np

import timing


def run(samples, n, L, gain=1.0, batch=2000, seed=0):
    rng, parts = timing.batches(samples, batch, seed)
    out = np.empty(samples)
    scale = np.sqrt(gain / (n * L))
    for s, m in parts:
        y = rng.standard_normal((m, n))
        h = np.empty_like(y)
        g = np.empty_like(y)
        norms = np.empty(m)
        np.maximum(y, 0, out=h)
        n0 = np.sqrt(np.einsum("ij,ij->i", h, h))
        for _ in range(L):
            np.maximum(y, 0, out=h)
            np.einsum("ij,ij->i", h, h, out=norms)
            np.sqrt(norms, out=norms)
            norms *= scale
            rng.standard_normal(out=g)
            g *= norms[:, None]
            y += g
        np.maximum(y, 0, out=h)
        with np.errstate(divide="ignore", invalid="ignore"):
            out[s : s + m] = np.log(np.sqrt(np.einsum("ij,ij->i", h, h)) / n0)
    return out


if __name__ == "__main__":
    timing.main("numpy-reduced-hayou", run, lambda g: {"meanLogPostNormGrowth": float(np.nanmean(np.where(np.isfinite(g), g, np.nan)))}, {"samples": 10000, "width": 100, "depth": 1000}, ())
