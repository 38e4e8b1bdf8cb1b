"""What the NumPy peers share: the command line of a (samples, width, depth) workload, the timing, and
the JSON line the bench reads (peer, samples, seconds, peak memory, a statistic to compare)."""
import argparse
import json
import resource
import time


def main(peer, run, statistic, defaults, extra=()):
    """Parse --samples/--width/--depth (and `extra` float options), time run(samples, width, depth,
    *extra), print the JSON line; `statistic` maps the result to {name: value}."""
    p = argparse.ArgumentParser()
    for name, value in {**defaults}.items():
        p.add_argument(f"--{name}", type=type(value), default=value)
    a = vars(p.parse_args())
    t = time.perf_counter()
    out = run(a["samples"], a["width"], a["depth"], *[a[e] for e in extra])
    seconds = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"peer": peer, "samples": a["samples"], "seconds": seconds, "maxRssMiB": rss, **statistic(out)}))


def main_depths(peer, run, samples):
    """The notes' figure workload: time run(samples, depth) for each of --depths, print the JSON line
    with the mean of each (ln ||z_out||^2)."""
    p = argparse.ArgumentParser()
    p.add_argument("--samples", type=int, default=samples)
    p.add_argument("--depths", default="1,10,100")
    a = p.parse_args()
    depths = [int(d) for d in a.depths.split(",")]
    t = time.perf_counter()
    means = [float(run(a.samples, d).mean()) for d in depths]
    seconds = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"peer": peer, "samples": a.samples, "depths": depths, "seconds": seconds, "maxRssMiB": rss, "meanLogOutNorm2": means}))


def batches(samples, batch, seed):
    """The generator of a vectorised run and the (start, size) of each of its batches."""
    import numpy as np

    return np.random.default_rng(seed), [(s, min(batch, samples - s)) for s in range(0, samples, batch)]
