#!/usr/bin/env python3
"""κ-measure Sampler A in NumPy: the reference for bench/src/kappa.bench.ts.

The same algorithm as @parabolic/kappa's sampleKappa (spec heat-ball §6.1), written the way a NumPy user would
(vectorised over a batch, preallocated buffers, Generator(PCG64) ziggurat normals and exponentials):

    G ~ N(0, I_d) (count × d), q = |G|², A = q/2 + E′, W = E, ς = exp(−2(A + W)/d)/(4π), ζ = 2√(ςA/q)·G

For each --dims entry it refills a batch of --batch-elements/d samples repeatedly for --seconds (best of
--repeats) and prints one JSON line {"bench": "kappa", "backend": "numpy", "dim", "batch", "value" (samples/s,
wall), "perCpuSecond", "wallMs", "cpuMs", "numpy"}; also the d+2-normals baseline as "kappa-normals". Prints a
single {"skipped": reason} line when numpy is missing. Run with /usr/bin/python3 and OPENBLAS_NUM_THREADS=1.
"""
import argparse
import json
import math
import sys
import time


def timed(fill, seconds, per_call, repeats):
    for _ in range(3):  # warm-up
        fill()
    best = None
    for _ in range(repeats):
        count = 0
        wall0, cpu0 = time.perf_counter(), time.process_time()
        while time.perf_counter() - wall0 < seconds:
            fill()
            count += per_call
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        rate = count / wall
        if best is None or rate > best[0]:
            best = (rate, count / cpu if cpu > 0 else None, wall, cpu)
    return best


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dims", default="2,256,4096")
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch-elements", type=int, default=262144)
    args = parser.parse_args()
    try:
        import numpy as np
    except ImportError as error:
        print(json.dumps({"skipped": f"numpy is not importable: {error}"}))
        return 0
    gen = np.random.Generator(np.random.PCG64(20240611))
    inv4pi = 1.0 / (4.0 * math.pi)
    for d in [int(x) for x in args.dims.split(",")]:
        n = max(16, args.batch_elements // d)
        g = np.empty((n, d))
        q = np.empty(n)
        a = np.empty(n)
        w = np.empty(n)
        sig = np.empty(n)
        f = np.empty(n)
        tmp = np.empty(n)

        def kappa():
            gen.standard_normal(out=g)
            np.einsum("ij,ij->i", g, g, out=q)
            gen.standard_exponential(out=a)
            np.multiply(q, 0.5, out=tmp)
            np.add(a, tmp, out=a)  # A = q/2 + E'
            gen.standard_exponential(out=w)  # W
            np.add(a, w, out=tmp)
            np.multiply(tmp, -2.0 / d, out=tmp)
            np.exp(tmp, out=sig)
            np.multiply(sig, inv4pi, out=sig)
            np.multiply(sig, a, out=f)
            np.divide(f, q, out=f)
            np.sqrt(f, out=f)
            np.multiply(f, 2.0, out=f)
            np.multiply(g, f[:, None], out=g)  # zeta

        normals = np.empty((n, d + 2))

        def baseline():
            gen.standard_normal(out=normals)

        for name, fill in (("kappa", kappa), ("kappa-normals", baseline)):
            rate, per_cpu, wall, cpu = timed(fill, args.seconds, n, args.repeats)
            print(json.dumps({
                "bench": name, "backend": "numpy", "dim": d, "batch": n, "value": rate, "unit": "samples/s",
                "perCpuSecond": per_cpu, "wallMs": wall * 1000, "cpuMs": cpu * 1000, "numpy": np.__version__,
                "generator": "PCG64",
            }), flush=True)
        # sanity: E[ς] vs the closed form (1/4π)(d/(d+2))^{d/2+2}
        kappa()
        expected = inv4pi * (d / (d + 2)) ** (d / 2 + 2)
        print(json.dumps({"bench": "kappa-check", "backend": "numpy", "dim": d, "meanSigma": float(sig.mean()),
                          "closedForm": expected}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
