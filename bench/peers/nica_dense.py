"""NumPy peer for the notes' figure workload, done densely as the references do it.

Fresh iid N(0,1) weights for every sampled network (batched einsum), ReLU MLP
z0 = W0 x / sqrt(n_in), z_l = sqrt(2/n) W_l relu(z_{l-1}), z_out = W_out z_d / sqrt(n).
Prints one JSON line: {"peer": ..., "samples": N, "depths": [...], "seconds": t, "maxRssMiB": m}.

    python3 bench/peers/nica_dense.py --samples 1024 --depths 1,10,100
"""
import numpy as np

import timing


def run(samples, depth, n=100, n_in=10, n_out=10, batch=64, seed=0):
    rng = np.random.default_rng(seed)
    x = np.ones(n_in)
    out = np.empty(samples)
    for s in range(0, samples, batch):
        b = min(batch, samples - s)
        z = np.einsum("bij,j->bi", rng.standard_normal((b, n, n_in)), x) / np.sqrt(n_in)
        for _ in range(depth):
            h = np.maximum(z, 0.0)
            z = np.einsum("bij,bj->bi", rng.standard_normal((b, n, n)), h) * np.sqrt(2.0 / n)
        zo = np.einsum("bij,bj->bi", rng.standard_normal((b, n_out, n)), z) / np.sqrt(n)
        with np.errstate(divide="ignore"):
            out[s : s + b] = np.log((zo * zo).sum(1))
    return out


if __name__ == "__main__":
    timing.main_depths("numpy-dense", run, 1024)
