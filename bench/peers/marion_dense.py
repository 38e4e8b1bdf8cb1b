"""NumPy peer for Marion's Fig 2 workload, dense as the reference code does it: for every run, fresh
res-3 weights V_k, W_k ~ U(-sqrt(3/d), sqrt(3/d)) materialised for all L blocks, x ~ U[0,1)^64,
y ~ U[0,1), alpha_L = L^-beta; forward h_{k+1} = h_k + alpha V relu(W h_k), loss ||B h_L - y||^2,
backward p_k = p_{k+1} + alpha W^T D V^T p_{k+1}. Reports ||h_L||/||h_0|| and ||p_0||/||p_L||.

    python3 bench/peers/marion_dense.py --runs 16 --width 100 --depth 1000
"""
import argparse
import json
import resource
import time

import numpy as np


def run(runs, d, L, n_in=64, beta=0.5, seed=0):
    rng = np.random.default_rng(seed)
    alpha = L ** -beta
    c = np.sqrt(3.0 / d)
    norm_ratio = np.empty(runs)
    grad_ratio = np.empty(runs)
    for r in range(runs):
        x = rng.random(n_in)
        y = rng.random(1)
        A = rng.uniform(-np.sqrt(3.0 / n_in), np.sqrt(3.0 / n_in), (d, n_in))
        B = rng.uniform(-c, c, (1, d))
        W = rng.uniform(-c, c, (L, d, d))
        V = rng.uniform(-c, c, (L, d, d))
        h = A @ x
        h0 = h
        pre = np.empty((L, d))
        for k in range(L):
            u = W[k] @ h
            pre[k] = u
            h = h + alpha * (V[k] @ np.maximum(u, 0.0))
        p = 2.0 * B.T @ (B @ h - y)
        pL = p
        for k in range(L - 1, -1, -1):
            q = (V[k].T @ p) * (pre[k] > 0)
            p = p + alpha * (W[k].T @ q)
        norm_ratio[r] = np.linalg.norm(h) / np.linalg.norm(h0)
        grad_ratio[r] = np.linalg.norm(p) / np.linalg.norm(pL)
    return norm_ratio, grad_ratio


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=16)
    p.add_argument("--width", type=int, default=100)
    p.add_argument("--depth", type=int, default=1000)
    a = p.parse_args()
    t = time.perf_counter()
    nr, gr = run(a.runs, a.width, a.depth)
    dt = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"peer": "numpy-dense-marion", "samples": a.runs, "seconds": dt, "maxRssMiB": rss,
                      "meanNormRatio": float(nr.mean()), "meanGradNormRatio": float(gr.mean())}))


if __name__ == "__main__":
    main()
