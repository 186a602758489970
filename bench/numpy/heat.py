#!/usr/bin/env python3
"""Heat-ball gradient-form score estimator in NumPy: the reference for bench/src/heat.bench.ts.

The same computation as @parabolic/heat's estimateScoreBatch(method "gradient") on the 2-D sparse/dense mixture
(weights 0.7/0.2/0.1, means (0,0), (4,3), (-4,3), sigma 0.35) in heat coordinates, written the way a NumPy user
would (vectorised over centres x samples):

  kappa samples (Sampler A): G ~ N(0, I_d), A = |G|^2/2 + E', W = E, sig = exp(-2(A+W)/d)/(4 pi),
                             zeta = 2 sqrt(sig A)/|G| G
  ball points:               y = y0 + r zeta, s = s0 - r^2 sig
  field:                     psi = log sum_k w_k N(y; mu_k, (sigma_k^2 + 2s) I), grad psi
  estimate:                  S = sum_i softmax(psi)_i grad psi_i

Prints one JSON line {"bench": "heat-score", "backend": "numpy", "dim", "samples", "centres", "value"
(score estimates/s, wall), "perCpuSecond", "wallMs", "cpuMs", "numpy"} (best of --repeats), or {"skipped": reason}
when numpy is missing. Run with /usr/bin/python3 and OPENBLAS_NUM_THREADS=1.
"""
import argparse
import json
import math
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=1024)
    parser.add_argument("--centres", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--t", type=float, default=0.3)
    parser.add_argument("--r-frac", type=float, default=0.125)
    args = parser.parse_args()
    try:
        import numpy as np
    except ImportError as error:
        print(json.dumps({"skipped": f"numpy is not importable: {error}"}))
        return 0

    d = 2
    weights = np.array([0.7, 0.2, 0.1])
    means = np.array([[0.0, 0.0], [4.0, 3.0], [-4.0, 3.0]])
    variances = np.full(3, 0.35 ** 2)
    log_w = np.log(weights)
    gen = np.random.Generator(np.random.PCG64(20240611))
    s0 = (math.exp(2 * args.t) - 1) / 2
    M, N = args.centres, args.samples
    # centres: draws from w(., s0)
    comp = gen.choice(3, size=M, p=weights)
    y0 = means[comp] + np.sqrt(variances[comp] + 2 * s0)[:, None] * gen.standard_normal((M, d))
    r = math.sqrt(args.r_frac * s0)
    inv4pi = 1.0 / (4.0 * math.pi)
    half_d_log_2pi = 0.5 * d * math.log(2 * math.pi)

    def estimate():
        g = gen.standard_normal((M, N, d))
        q = np.einsum("mnd,mnd->mn", g, g)
        a = 0.5 * q + gen.standard_exponential((M, N))
        w = gen.standard_exponential((M, N))
        sig = np.exp(-2.0 / d * (a + w)) * inv4pi
        zeta = (2.0 * np.sqrt(sig * a / q))[..., None] * g
        y = y0[:, None, :] + r * zeta  # (M, N, d)
        s = s0 - r * r * sig  # (M, N)
        v = variances[:, None, None] + 2.0 * s[None]  # (K, M, N)
        diff = y[None] - means[:, None, None, :]  # (K, M, N, d)
        quad = np.einsum("kmnd,kmnd->kmn", diff, diff)
        logc = log_w[:, None, None] - half_d_log_2pi - 0.5 * d * np.log(v) - 0.5 * quad / v
        mx = logc.max(axis=0)
        e = np.exp(logc - mx)
        tot = e.sum(axis=0)
        psi = mx + np.log(tot)  # (M, N)
        post = e / tot  # (K, M, N)
        grad = -np.einsum("kmn,kmnd->mnd", post / v, diff)  # (M, N, d)
        lw = psi - psi.max(axis=1, keepdims=True)
        wt = np.exp(lw)
        wt /= wt.sum(axis=1, keepdims=True)
        return np.einsum("mn,mnd->md", wt, grad)

    for _ in range(3):
        estimate()
    best = None
    for _ in range(args.repeats):
        count = 0
        wall0, cpu0 = time.perf_counter(), time.process_time()
        while time.perf_counter() - wall0 < args.seconds:
            estimate()
            count += M
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        rate = count / wall
        if best is None or rate > best[0]:
            best = (rate, count / cpu if cpu > 0 else None, wall, cpu)
    # sanity: relative error of the last batch against the exact score
    est = estimate()
    v0 = variances[:, None] + 2 * s0
    diff0 = y0[None] - means[:, None, :]
    logc0 = log_w[:, None] - half_d_log_2pi - 0.5 * d * np.log(v0) - 0.5 * np.einsum("kmd,kmd->km", diff0, diff0) / v0
    p0 = np.exp(logc0 - logc0.max(axis=0))
    p0 /= p0.sum(axis=0)
    exact = -np.einsum("km,kmd->md", p0 / v0, diff0)
    rel = float(np.sqrt(((est - exact) ** 2).sum() / (exact ** 2).sum()))
    print(json.dumps({
        "bench": "heat-score", "backend": "numpy", "dim": d, "samples": N, "centres": M,
        "value": best[0], "perCpuSecond": best[1], "wallMs": best[2] * 1000, "cpuMs": best[3] * 1000,
        "unit": "score estimates/s", "relErrorLastBatch": rel, "numpy": np.__version__,
    }))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
