"""NumPy peer of the dense NTK (every weight drawn; forward then backward), vectorised over a batch of
networks with batched mat-vecs: the strongest plain-NumPy NTK a researcher would write without autograd.
ReLU MLP, gain 2, n_in = 10, x = (1, ..., 1), f = the first output; K = sum over weight matrices of
||delta^l||^2 c_l^2 ||h^{l-1}||^2 plus the readout's ||z^d||^2 / n.

    python3 bench/peers/ntk_dense.py --samples 64 --width 100 --depth 100
"""

import numpy as np

import timing


def run(samples, n, d, gain=2.0, n_in=10, batch=16, seed=0):
    rng, parts = timing.batches(samples, batch, seed)
    out = np.empty(samples)
    x = np.ones(n_in)
    for s, b in parts:
        W0 = rng.standard_normal((b, n, n_in))
        Ws = rng.standard_normal((d, b, n, n))
        w = rng.standard_normal((b, n)) / np.sqrt(n)
        zs = [W0 @ x / np.sqrt(n_in)]
        c = np.sqrt(gain / n)
        for l in range(d):
            zs.append(c * np.einsum("bij,bj->bi", Ws[l], np.maximum(zs[-1], 0)))
        K = (zs[d] ** 2).sum(1) / n
        delta = w
        for l in range(d, 0, -1):
            h = np.maximum(zs[l - 1], 0)
            K += c * c * (delta**2).sum(1) * (h**2).sum(1)
            delta = c * (zs[l - 1] > 0) * np.einsum("bij,bi->bj", Ws[l - 1], delta)
        K += (delta**2).sum(1) * (x @ x) / n_in
        out[s : s + b] = K
    return out


if __name__ == "__main__":
    timing.main("numpy-dense-ntk", run, lambda k: {"meanNtk": float(k.mean())}, {"samples": 64, "width": 100, "depth": 100})
