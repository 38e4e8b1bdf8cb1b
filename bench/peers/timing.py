"""What the NumPy peers share: the command line of a (samples, width, depth) workload, the timing, and
the JSON line the bench reads (peer, samples, seconds, peak memory, a statistic to compare)."""
import argparse
import json
import resource
import time


def best_of(repeat, f):
    """The result of f() and the least of `repeat` timings of it (seconds)."""
    best = float("inf")
    for _ in range(max(1, repeat)):
        t = time.perf_counter()
        out = f()
        best = min(best, time.perf_counter() - t)
    return out, best


def main(peer, run, statistic, defaults, extra=()):
    """Parse --samples/--width/--depth (and `extra` float options), time run(samples, width, depth,
    *extra) (the best of --repeat runs), print the JSON line; `statistic` maps the result to
    {name: value}."""
    p = argparse.ArgumentParser()
    for name, value in {**defaults}.items():
        p.add_argument(f"--{name}", type=type(value), default=value)
    p.add_argument("--repeat", type=int, default=1)
    a = vars(p.parse_args())
    out, seconds = best_of(a["repeat"], lambda: run(a["samples"], a["width"], a["depth"], *[a[e] for e in extra]))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"peer": peer, "samples": a["samples"], "seconds": seconds, "maxRssMiB": rss, **statistic(out)}))


def main_depths(peer, run, samples):
    """The notes' figure workload: time run(samples, depth) for each of --depths (the best of --repeat
    runs), print the JSON line with the mean of each (ln ||z_out||^2)."""
    p = argparse.ArgumentParser()
    p.add_argument("--samples", type=int, default=samples)
    p.add_argument("--depths", default="1,10,100")
    p.add_argument("--repeat", type=int, default=1)
    a = p.parse_args()
    depths = [int(d) for d in a.depths.split(",")]
    means, seconds = best_of(a.repeat, lambda: [float(run(a.samples, d).mean()) for d in depths])
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"peer": peer, "samples": a.samples, "depths": depths, "seconds": seconds, "maxRssMiB": rss, "meanLogOutNorm2": means}))


def batches(samples, batch, seed):
    """The generator of a vectorised run and the (start, size) of each of its batches."""
    import numpy as np

    return np.random.default_rng(seed), [(s, min(batch, samples - s)) for s in range(0, samples, batch)]
