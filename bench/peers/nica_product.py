"""NumPy peer of the exact O(d) sampler (log-gaussian.md 1.3), vectorised over samples.

    python3 bench/peers/nica_product.py --samples 32768 --depths 1,10,100
"""
import argparse
import json
import resource
import time

import numpy as np


def run(samples, depth, n=100, n_out=10, seed=0):
    rng = np.random.default_rng(seed)
    g = np.log(rng.chisquare(n, samples) / n)
    b = rng.binomial(n, 0.5, (samples, depth))
    x = np.where(b > 0, 2 * rng.standard_gamma(np.maximum(b, 1) / 2), 0.0)
    with np.errstate(divide="ignore"):
        g += np.log(2 * x / n).sum(1)
    return g + np.log(rng.chisquare(n_out, samples))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--samples", type=int, default=32768)
    p.add_argument("--depths", default="1,10,100")
    a = p.parse_args()
    depths = [int(d) for d in a.depths.split(",")]
    t = time.perf_counter()
    means = [float(np.mean(run(a.samples, d))) for d in depths]
    dt = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"peer": "numpy-product", "samples": a.samples, "depths": depths, "seconds": dt, "maxRssMiB": rss, "meanLogOutNorm2": means}))


if __name__ == "__main__":
    main()
