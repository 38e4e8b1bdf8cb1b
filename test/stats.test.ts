import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import normalCdf from "@stdlib/stats-base-dists-normal-cdf";
import { describe, expect, it } from "vitest";
import { Rng } from "../src/rng/index.js";
import {
  cumulativeTrapezoid,
  emptySummary,
  histDensity,
  histMerge,
  histogramOf,
  histQuantile,
  kolmogorovQ,
  ksOneSample,
  ksTwoSample,
  merge,
  mergeAll,
  push,
  stats,
  summarize,
  w1ToGridCdf,
  w1TwoSample,
} from "../src/stats/index.js";

const normals = (seed: number, n: number, mu = 0, sd = 1) => {
  const r = new Rng(seed);
  return Float64Array.from({ length: n }, () => mu + sd * r.normal());
};

describe("summaries", () => {
  it("moments match two-pass formulas", () => {
    const x = normals(1, 10000, 3, 2);
    const s = stats(summarize(x));
    const mean = x.reduce((a, b) => a + b, 0) / x.length;
    let m2 = 0;
    let m3 = 0;
    let m4 = 0;
    for (const v of x) {
      m2 += (v - mean) ** 2;
      m3 += (v - mean) ** 3;
      m4 += (v - mean) ** 4;
    }
    const n = x.length;
    expect(s.mean).toBeCloseTo(mean, 12);
    expect(s.variance).toBeCloseTo(m2 / (n - 1), 10);
    expect(s.skewness).toBeCloseTo(m3 / n / (m2 / n) ** 1.5, 8);
    expect(s.excessKurtosis).toBeCloseTo(m4 / n / (m2 / n) ** 2 - 3, 8);
    expect(s.seMean).toBeCloseTo(Math.sqrt(m2 / (n - 1) / n), 12);
  });
  it("merging chunks equals one pass (to rounding), and is exact for counts and extremes", () => {
    const x = normals(2, 9999, -1, 0.5);
    const cuts = [0, 10, 2500, 2501, 9000, 9999];
    const chunks = cuts.slice(0, -1).map((a, i) => summarize(x.subarray(a, cuts[i + 1])));
    const merged = stats(mergeAll(chunks));
    const one = stats(summarize(x));
    for (const k of ["mean", "variance", "skewness", "excessKurtosis"] as const) {
      expect(merged[k]).toBeCloseTo(one[k], 10);
    }
    expect(merged.n).toBe(one.n);
    expect(merged.min).toBe(one.min);
    expect(merged.max).toBe(one.max);
    expect(stats(merge(emptySummary(), summarize(x))).mean).toBe(one.mean);
  });
  it("non-finite values are counted by kind and kept out of the moments", () => {
    const s = emptySummary();
    for (const v of [
      1,
      2,
      Number.NEGATIVE_INFINITY,
      3,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
    ])
      push(s, v);
    const st = stats(s);
    expect(st.count).toBe(7);
    expect(st.n).toBe(3);
    expect([st.negInf, st.posInf, st.nan, st.nonFinite]).toEqual([2, 1, 1, 4]);
    expect(st.mean).toBe(2);
    expect(st.variance).toBe(1);
  });
});

describe("histograms", () => {
  it("densities integrate to the in-range fraction; merge adds counts; quantiles within a bin", () => {
    const x = normals(3, 20000);
    const h = histogramOf(x, -3, 3, 60);
    const d = histDensity(h);
    const mass = d.density.reduce((a, b) => a + b, 0) * d.width;
    expect(mass).toBeCloseTo(1 - (h.underflow + h.overflow) / 20000, 12);
    const h2 = histMerge(
      histogramOf(x.subarray(0, 5000), -3, 3, 60),
      histogramOf(x.subarray(5000), -3, 3, 60),
    );
    expect(h2).toEqual(h);
    const sorted = Float64Array.from(x).sort();
    expect(Math.abs(histQuantile(h, 0.5) - sorted[10000])).toBeLessThan(0.1);
    expect(() => histogramOf(x, 1, 1, 10)).toThrow(/lo < hi/);
  });
});

describe("Kolmogorov-Smirnov", () => {
  it("Kolmogorov Q matches known values", () => {
    expect(kolmogorovQ(1.3581)).toBeCloseTo(0.05, 4);
    expect(kolmogorovQ(1.6276)).toBeCloseTo(0.01, 4);
  });
  it("p-values are uniform under the null (fixed seeds) and small under a 5% scale change", () => {
    const ps = Array.from(
      { length: 200 },
      (_, i) => ksOneSample(normals(100 + i, 500), (v) => normalCdf(v, 0, 1)).pValue,
    );
    const below = ps.filter((p) => p < 0.1).length;
    expect(Math.abs(below - 20)).toBeLessThan(5 * Math.sqrt(200 * 0.1 * 0.9));
    expect(ksOneSample(normals(7, 50000, 0, 1.05), (v) => normalCdf(v, 0, 1)).pValue).toBeLessThan(1e-6);
    expect(ksTwoSample(normals(8, 50000), normals(9, 50000, 0, 1.05)).pValue).toBeLessThan(1e-3);
    expect(ksTwoSample(normals(8, 50000), normals(9, 40000)).pValue).toBeGreaterThan(0.001);
  });
  it("two-sample statistic handles ties and -inf atoms", () => {
    const a = [Number.NEGATIVE_INFINITY, 0, 1, 1, 2];
    const b = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, 1, 2];
    // F_a jumps: -inf:0.2, 0:0.4, 1:0.8, 2:1; F_b: -inf:0.5, 1:0.75, 2:1 -> sup |.| = 0.3 at -inf
    expect(ksTwoSample(a, b).statistic).toBeCloseTo(0.3, 12);
  });
});

describe("Wasserstein-1", () => {
  it("two-sample W1 of a shift equals the shift; known small case", () => {
    const x = normals(10, 1000);
    expect(
      w1TwoSample(
        x,
        x.map((v) => v + 0.7),
      ),
    ).toBeCloseTo(0.7, 12);
    expect(w1TwoSample([0, 1], [0, 3])).toBeCloseTo(1, 12);
    expect(w1TwoSample([0, Number.NEGATIVE_INFINITY], [0, 1])).toBe(Number.POSITIVE_INFINITY);
  });
  it("W1 to a gridded CDF: E|X - Y| for a point mass against U(0, 1)", () => {
    const grid = Float64Array.from({ length: 101 }, (_, i) => i / 100);
    const F = cumulativeTrapezoid(grid, new Float64Array(101).fill(1));
    // W1(delta_a, U(0,1)) = a^2/2 + (1-a)^2/2
    expect(w1ToGridCdf([0.3], grid, F)).toBeCloseTo(0.045 + 0.245, 12);
    // Samples from the law itself: W1 -> 0 like n^-1/2.
    const r = new Rng(3);
    expect(
      w1ToGridCdf(
        Array.from({ length: 20000 }, () => r.uniform()),
        grid,
        F,
      ),
    ).toBeLessThan(0.01);
  });
});

describe("architecture", () => {
  it("the core (everything but src/node) uses no Node APIs, so it runs in browser workers", () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const f of readdirSync(dir)) {
        const p = join(dir, f);
        if (statSync(p).isDirectory()) {
          if (f !== "node") walk(p);
        } else if (p.endsWith(".ts") && /from "node:|require\(|process\./.test(readFileSync(p, "utf8")))
          offenders.push(p);
      }
    };
    walk(new URL("../src", import.meta.url).pathname);
    expect(offenders).toEqual([]);
  });
});

/** Random arrays with ties, +-0, +-inf and NaN (a linear congruential stream: reproducible). */
function awkwardArrays(): Float64Array[] {
  let s = 2024;
  const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const pool = [0, -0, Infinity, -Infinity, NaN, 1, -1, 1e300, -1e-300];
  const out: Float64Array[] = [];
  for (const n of [0, 1, 2, 3, 5, 24, 25, 63, 64, 65, 100, 1000, 4097, 50_000, 150_000]) {
    for (const kind of ["normal", "ties", "awkward", "sorted", "reversed", "constant", "crowded"]) {
      const a = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const u = next();
        a[i] =
          kind === "ties"
            ? Math.floor(u * 7) - 3
            : kind === "awkward"
              ? u < 0.3
                ? pool[Math.floor(next() * pool.length)]
                : Math.tan(Math.PI * (u - 0.5))
              : kind === "constant"
                ? -0
                : kind === "crowded"
                  ? u < 0.6
                    ? 0.5
                    : u - 0.5
                  : Math.log(u) * (next() < 0.5 ? -1 : 1);
      }
      if (kind === "sorted") a.sort();
      if (kind === "reversed") a.sort().reverse();
      out.push(a);
    }
  }
  return out;
}

describe("summaries and quantiles in WebAssembly equal their JavaScript definitions bit for bit", () => {
  it("summarize equals pushing the values one by one (moments, counts, min, max)", async () => {
    const { emptySummary, push, summarize } = await import("../src/stats/index.js");
    for (const a of awkwardArrays()) {
      const js = emptySummary();
      for (const x of a) push(js, x);
      const w = summarize(a);
      for (const key of Object.keys(js) as (keyof typeof js)[])
        expect(Object.is(w[key], js[key]), `${key} n=${a.length}`).toBe(true);
    }
  });
  it("quantiles equal a full sort's type-7 quantiles (NaN ignored, -0 before +0)", async () => {
    const { quantiles } = await import("../src/stats/index.js");
    // The default probabilities and more ranks than the workspace's 64 (a full sort then).
    const many = Array.from({ length: 41 }, (_, i) => i / 40 + (i % 3) * 1e-3).map((p) => Math.min(1, p));
    for (const probs of [[0, 0.001, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 0.999, 1, 1 / 3], many])
      for (const a of awkwardArrays()) {
        const sorted = a.filter((x) => !Number.isNaN(x)).sort();
        const n = sorted.length;
        const got = quantiles(a, probs);
        for (const p of probs) {
          let want = Number.NaN;
          if (n > 0) {
            const h = (n - 1) * p;
            const lo = Math.floor(h);
            const [x, y] = [sorted[lo], sorted[Math.min(n - 1, lo + 1)]];
            want = x === y || h === lo ? x : x + (h - lo) * (y - x);
          }
          expect(Object.is(got[String(p)], want), `p=${p} n=${a.length}: ${got[String(p)]} vs ${want}`).toBe(
            true,
          );
        }
      }
  });
});

describe("the quantiles' bucket pass (assembly/select.ts selectByBuckets)", () => {
  /** Runs the kernel on a, returning the values it wrote over the ranks, or null where it declined. */
  async function bucketPass(a: Float64Array, ranks: number[], buckets: number) {
    const { statsWorkspace, SCRATCH } = await import("../src/stats/workspace.js");
    const w = statsWorkspace(a.length);
    w.data.a.set(a);
    w.small.a.set(ranks);
    const ok = w.k.selectByBuckets(
      w.data.ptr,
      a.length,
      w.small.ptr,
      ranks.length,
      w.buckets.ptr,
      buckets,
      w.scratch.ptr,
      SCRATCH,
    );
    // The values are left in place (the multiset the zero signs are counted from).
    expect(Array.from(w.data.a.subarray(0, a.length))).toEqual(Array.from(a));
    return ok ? Array.from(w.small.a.subarray(0, ranks.length)) : null;
  }
  it("places each rank as a sort would, also with empty buckets, ties at bucket edges and +-inf", async () => {
    let s = 7;
    const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const cases: Float64Array[] = [
      Float64Array.from({ length: 30_000 }, () => Math.tan(Math.PI * (next() - 0.5))),
      Float64Array.from({ length: 20_000 }, () => Math.floor(next() * 1000) / 1000),
      Float64Array.from({ length: 5000 }, (_, i) => (i % 5 === 0 ? (i % 2 ? Infinity : -Infinity) : next())),
    ];
    for (const a of cases) {
      const sorted = Float64Array.from(a).sort();
      const ranks = [
        0,
        1,
        17,
        Math.floor(a.length / 3),
        Math.floor(a.length / 2),
        a.length - 2,
        a.length - 1,
      ];
      for (const buckets of [256, 4096]) {
        const got = await bucketPass(a, ranks, buckets);
        expect(got).not.toBeNull();
        expect(got).toEqual(ranks.map((r) => sorted[r]));
      }
    }
  });
  it("declines ranges it cannot bucket: one value, no finite range, values crowded past the scratch", async () => {
    const ranks = [0, 10, 99];
    expect(await bucketPass(new Float64Array(100).fill(2), ranks, 256)).toBeNull();
    expect(
      await bucketPass(
        Float64Array.from({ length: 100 }, (_, i) => (i % 2 ? Infinity : 1)),
        ranks,
        256,
      ),
    ).toBeNull();
    expect(
      await bucketPass(
        Float64Array.from({ length: 100 }, (_, i) => (i % 2 ? -1e308 : 1e308)),
        ranks,
        256,
      ),
    ).toBeNull();
    const crowded = Float64Array.from({ length: 200_000 }, (_, i) => (i % 3 ? 0.5 : i));
    expect(await bucketPass(crowded, [0, 100_000, 199_999], 4096)).toBeNull();
  });
});

describe("quantiles", () => {
  it("type-7 interpolation like numpy, with -inf kept and NaN ignored", async () => {
    const { quantiles } = await import("../src/stats/index.js");
    expect(quantiles([1, 2, 3, 4], [0, 0.5, 1, 0.25])).toEqual({ "0": 1, "0.5": 2.5, "1": 4, "0.25": 1.75 });
    expect(quantiles([Number.NEGATIVE_INFINITY, 1, 2, Number.NaN], [0, 0.5])).toEqual({
      "0": Number.NEGATIVE_INFINITY,
      "0.5": 1,
    });
  });
});
