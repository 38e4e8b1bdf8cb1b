"""NumPy peer of the reduced engine for Marion's res-3 (Gaussian iid weights N(0, 1/d), the same algorithm
vectorised over a batch of networks): forward u = ||h||/sqrt(d) g, s = relu(u), t = ||s||/sqrt(d) g',
h += alpha t; backward by Gaussian conditioning, V^T p = s (t.p)/||s||^2 + (I - P_s) ||p||/sqrt(d) g'',
then q = 1{u > 0} V^T p and W^T q the same way given W h = u; p += alpha W^T q. Fig 2's workload
(d = 100, L = 1000, beta = 1/2, x ~ U[0,1)^64, y ~ U[0,1)); reports the mean of ln ||h_L||/||h_0||.

    python3 bench/peers/marion_reduced.py --samples 2000 --width 100 --depth 1000
"""

import numpy as np

import timing


def cond_t(rng, a, b, v, d):
    """M^T v for the Gaussian M (entries N(0, 1/d)) conditioned on M a = b, for a batch (rows)."""
    g = rng.standard_normal(v.shape) * (np.linalg.norm(v, axis=1, keepdims=True) / np.sqrt(d))
    aa = np.einsum("ij,ij->i", a, a)[:, None]
    safe = np.where(aa > 0, aa, 1.0)
    c = (np.einsum("ij,ij->i", b, v)[:, None] - np.einsum("ij,ij->i", a, g)[:, None]) / safe
    return np.where(aa > 0, a * c + g, g)


def run(samples, d, L, beta=0.5, n_in=64, batch=100, seed=0):
    rng, parts = timing.batches(samples, batch, seed)
    alpha = L**-beta
    out = np.empty(samples)
    for s, m in parts:
        x = rng.random((m, n_in))
        y = rng.random((m, 1))
        h = np.einsum("bij,bj->bi", rng.standard_normal((m, d, n_in)), x) / np.sqrt(n_in)
        B = rng.standard_normal((m, 1, d)) / np.sqrt(d)
        h0 = h.copy()
        hs = np.empty((L, m, d))
        us = np.empty((L, m, d))
        ts = np.empty((L, m, d))
        for k in range(L):
            hs[k] = h
            u = rng.standard_normal((m, d)) * (np.linalg.norm(h, axis=1, keepdims=True) / np.sqrt(d))
            us[k] = u
            sk = np.maximum(u, 0.0)
            t = rng.standard_normal((m, d)) * (np.linalg.norm(sk, axis=1, keepdims=True) / np.sqrt(d))
            ts[k] = t
            h = h + alpha * t
        p = 2.0 * B[:, 0, :] * (np.einsum("bj,bj->b", B[:, 0, :], h)[:, None] - y)
        for k in range(L - 1, -1, -1):
            sk = np.maximum(us[k], 0.0)
            q = cond_t(rng, sk, ts[k], p, d) * (us[k] > 0)
            p = p + alpha * cond_t(rng, hs[k], us[k], q, d)
        out[s : s + m] = np.log(np.linalg.norm(h, axis=1) / np.linalg.norm(h0, axis=1))
    return out


if __name__ == "__main__":
    timing.main("numpy-reduced-marion", run, lambda g: {"meanLogNormRatio": float(g.mean())}, {"samples": 2000, "width": 100, "depth": 1000})
