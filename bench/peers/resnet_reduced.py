"""NumPy peer of the reduced engine for the log-Gaussian ResNet (the same algorithm, vectorised over
networks): W v =d ||v|| g, so one layer is
    z = alpha z + lambda sqrt(gain / n) ||relu(z)|| g
for every network of a batch at once (gain 2, the preset lnr-resnet); z_0 = g_0 (x = (1, ..., 1)), and
G = ln(||z_d||^2 / n) - ln(||x||^2 / n_in).

    python3 bench/peers/resnet_reduced.py --samples 10000 --width 100 --depth 100 --alpha2 0.5
"""

import numpy as np

import timing


def run(samples, n, d, alpha2, gain=2.0, batch=2000, seed=0):
    rng, parts = timing.batches(samples, batch, seed)
    alpha, lam = np.sqrt(alpha2), np.sqrt(1 - alpha2)
    out = np.empty(samples)
    for s, m in parts:
        z = rng.standard_normal((m, n))
        h = np.empty_like(z)
        g = np.empty_like(z)
        scale = np.empty(m)
        for _ in range(d):
            np.maximum(z, 0, out=h)
            np.einsum("ij,ij->i", h, h, out=scale)
            np.sqrt(scale, out=scale)
            scale *= lam * np.sqrt(gain / n)
            rng.standard_normal(out=g)
            g *= scale[:, None]
            z *= alpha
            z += g
        out[s : s + m] = np.log(np.einsum("ij,ij->i", z, z) / n)
    return out


if __name__ == "__main__":
    timing.main("numpy-reduced-resnet", run, lambda g: {"meanG": float(g.mean())}, {"samples": 10000, "width": 100, "depth": 100, "alpha2": 0.5}, ("alpha2",))
