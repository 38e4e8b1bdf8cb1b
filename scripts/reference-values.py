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

print(json.dumps({"lgammaComplex": lgamma, "gMoments": moments}, indent=1))
