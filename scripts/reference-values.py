"""Generate high-precision reference values for tests (run by hand; never at run time).

    python3 scripts/reference-values.py > test/fixtures/reference-values.json

Needs mpmath. Values: complex log-gamma on Re z > 0, and exact moments of G for the ReLU MLP
(log-gaussian.md 1.4) computed with 30-digit arithmetic.
"""
import json
import mpmath as mp

mp.mp.dps = 30

lgamma = []
for x in [0.5, 1, 1.5, 3.7, 5, 50, 250]:
    for y in [0, 0.004, 0.5, 3, 17.25, 40, 120]:
        v = mp.loggamma(mp.mpc(x, y))
        lgamma.append({"x": x, "y": y, "re": float(v.real), "im": float(v.imag)})

def g_moments(widths, gain=2):
    d = len(widths) - 1
    nd = widths[d]
    mean = mp.digamma(mp.mpf(nd) / 2) + mp.log(2) - mp.log(nd)
    var = mp.psi(1, mp.mpf(nd) / 2)
    for n in widths[:d]:
        alive = 1 - mp.mpf(2) ** (-n)
        e = e2 = et = mp.mpf(0)
        for j in range(1, n + 1):
            w = mp.binomial(n, j) * mp.mpf(2) ** (-n) / alive
            p = mp.digamma(mp.mpf(j) / 2)
            e += w * p
            e2 += w * p * p
            et += w * mp.psi(1, mp.mpf(j) / 2)
        mean += e + mp.log(2) + mp.log(mp.mpf(gain) / n)
        var += et + e2 - e * e
    return float(mean), float(var)

moments = []
for widths in [[100] * 2, [100] * 11, [100] * 101, [4] * 4, [20, 400], [400, 20], [10, 30, 50, 7]]:
    m, v = g_moments(widths)
    moments.append({"widths": widths, "mean": m, "variance": v})


# erfi and its inverse (appended: rerun the whole script to refresh the fixtures)
erfi_vals = []
for x in [1e-10, 1e-3, 0.1, 0.5, 1, 1.7, 2.5, 3.9, 4.99, 5.01, 6, 6.99, 7.01, 8, 12, 20, 26]:
    erfi_vals.append({"x": x, "erfi": float(mp.erfi(x))})
erfi_inv = []
for y in [1e-12, 1e-6, 0.01, 0.3, 1, 3, 10, 1e3, 1e6, 1e20, 1e100, 1e300]:
    yy = mp.mpf(y)
    lo, hi = mp.mpf(0), mp.mpf(30)
    for _ in range(160):  # bisection: erfi is increasing
        mid = (lo + hi) / 2
        if mp.erfi(mid) < yy:
            lo = mid
        else:
            hi = mid
    z = (lo + hi) / 2
    erfi_inv.append({"y": y, "z": float(z)})

print(json.dumps({"lgammaComplex": lgamma, "gMoments": moments, "erfi": erfi_vals, "erfiInv": erfi_inv}, indent=1))
