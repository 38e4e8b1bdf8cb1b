"""NumPy peer for Marion's Fig 7 heatmap at deeplimits' default grid, written as a careful NumPy user
would (stronger than the reference's per-entry Python fGn loop): fGn weights for all d^2 entries of a
matrix at once by circulant embedding with a batched FFT, every beta and input as columns of one
matrix (each network reused for all betas, as the reference's `reset_scaling` does), forward and
backward with batched mat-mats. res-3, ReLU, d = 40, n_in = 64, uniform A and B, L = 1000 and 100.

    python3 bench/peers/marion_heatmap.py --hs 0.5 --networks 4
"""
import argparse
import json
import resource
import time

import numpy as np


def fgn_batch(rng, n_paths, N, H):
    m = 1 << int(np.ceil(np.log2(N)))
    M = 2 * m
    k = np.arange(m + 1)
    g = 0.5 * (np.abs(k + 1) ** (2 * H) - 2 * np.abs(k) ** (2 * H) + np.abs(k - 1) ** (2 * H))
    row = np.concatenate([g, g[-2:0:-1]])
    lam = np.maximum(np.fft.fft(row).real, 0.0)
    z = rng.standard_normal((n_paths, M)) + 1j * rng.standard_normal((n_paths, M))
    w = np.fft.fft(np.sqrt(lam / M) * z, axis=1)
    return w.real[:, :N]


def network(rng, H, L, betas, n_inputs, d=40, n_in=64):
    V = fgn_batch(rng, d * d, L, H).T.reshape(L, d, d) / np.sqrt(d)
    W = fgn_batch(rng, d * d, L, H).T.reshape(L, d, d) / np.sqrt(d)
    A = rng.uniform(-np.sqrt(3 / n_in), np.sqrt(3 / n_in), (d, n_in))
    B = rng.uniform(-np.sqrt(3 / d), np.sqrt(3 / d), (1, d))
    x = rng.random((n_in, n_inputs))
    y = rng.random((1, n_inputs))
    alpha = np.repeat(np.asarray(betas, float), n_inputs)
    alpha = L ** -alpha
    h0 = np.tile(A @ x, len(betas))
    h = h0.copy()
    pre = np.empty((L, d, h.shape[1]))
    for k in range(L):
        u = W[k] @ h
        pre[k] = u
        h = h + alpha * (V[k] @ np.maximum(u, 0))
    p = 2 * B.T @ (B @ h - np.tile(y, len(betas)))
    pL = p.copy()
    for k in range(L - 1, -1, -1):
        p = p + alpha * (W[k].T @ ((V[k].T @ p) * (pre[k] > 0)))
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        rel = np.log10(np.linalg.norm(h - h0, axis=0) / np.linalg.norm(h0, axis=0))
        grel = np.log10(np.linalg.norm(p - pL, axis=0) / np.linalg.norm(pL, axis=0))
    return rel, grel


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--hs", default="0.5")
    p.add_argument("--networks", type=int, default=4)
    p.add_argument("--inputs", type=int, default=4)
    a = p.parse_args()
    betas = np.linspace(0, 1.3, 27)
    rng = np.random.default_rng(0)
    t = time.perf_counter()
    hs = [float(v) for v in a.hs.split(",")]
    for H in hs:
        for L in (1000, 100):
            for _ in range(a.networks):
                network(rng, H, L, betas, a.inputs)
    dt = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"peer": "numpy-heatmap", "hs": len(hs), "networks": a.networks, "seconds": dt, "maxRssMiB": rss}))


if __name__ == "__main__":
    main()
