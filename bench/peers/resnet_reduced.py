"""NumPy peer of the reduced engine for the log-Gaussian ResNet (the same algorithm, vectorised over
networks): W v =d ||v|| g, so one layer is
    z = alpha z + lambda sqrt(gain / n) ||relu(z)|| g
for every network of a batch at once (gain 2, the preset lnr-resnet); z_0 = g_0 (x = (1, ..., 1)), and
G = ln(||z_d||^2 / n) - ln(||x||^2 / n_in).

    python3 bench/peers/resnet_reduced.py --samples 10000 --width 100 --depth 100 --alpha2 0.5
"""
import argparse
import json
import resource
import time

import numpy as np


def run(samples, n, d, alpha2, gain=2.0, batch=2000, seed=0):
    rng = np.random.default_rng(seed)
    alpha, lam = np.sqrt(alpha2), np.sqrt(1 - alpha2)
    out = np.empty(samples)
    for s in range(0, samples, batch):
        m = min(batch, samples - s)
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


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--samples", type=int, default=10000)
    p.add_argument("--width", type=int, default=100)
    p.add_argument("--depth", type=int, default=100)
    p.add_argument("--alpha2", type=float, default=0.5)
    a = p.parse_args()
    t = time.perf_counter()
    g = run(a.samples, a.width, a.depth, a.alpha2)
    dt = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"peer": "numpy-reduced-resnet", "samples": a.samples, "seconds": dt, "maxRssMiB": rss, "meanG": float(g.mean())}))


if __name__ == "__main__":
    main()
