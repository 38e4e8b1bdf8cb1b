"""NumPy peer for Hayou's ResNet, dense as a reference script would do it: fresh W_l ~ N(0, 1/n)
for every network and block, Y_l = Y_{l-1} + W_l relu(Y_{l-1}) / sqrt(L), forward only.

    python3 bench/peers/hayou_dense.py --samples 64 --width 100 --depth 1000
"""
import argparse
import json
import resource
import time

import numpy as np


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


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--samples", type=int, default=64)
    p.add_argument("--width", type=int, default=100)
    p.add_argument("--depth", type=int, default=1000)
    a = p.parse_args()
    t = time.perf_counter()
    g = run(a.samples, a.width, a.depth)
    dt = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"peer": "numpy-dense-hayou", "samples": a.samples, "seconds": dt, "maxRssMiB": rss, "meanLogGrowth": float(np.nanmean(g))}))


if __name__ == "__main__":
    main()
