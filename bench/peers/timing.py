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
