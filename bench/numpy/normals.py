#!/usr/bin/env python3
"""Random-variate throughput in NumPy: the reference for bench/src/normals.bench.ts.

Fills a 65 536-element float64 buffer in place, repeatedly for --seconds each, with
numpy.random.Generator(PCG64) standard_normal (ziggurat), standard_exponential (ziggurat) and standard_gamma(2.5),
and prints one JSON line per method: {"bench": "normals", "backend": "numpy", "kind", "value" (M variates/s, wall),
"perCpuSecond", "wallMs", "cpuMs", "numpy"}. Prints a single {"skipped": reason} line when numpy is missing.
Run with /usr/bin/python3 (Debian python3-numpy) and OPENBLAS_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE.
"""
import argparse
import json
import sys
import time


def measure(fill, seconds, size):
    for _ in range(20):  # warm-up
        fill()
    count = 0
    wall0, cpu0 = time.perf_counter(), time.process_time()
    while time.perf_counter() - wall0 < seconds:
        fill()
        count += size
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    return count, wall, cpu


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=1.5)
    parser.add_argument("--size", type=int, default=65536)
    parser.add_argument("--kinds", default="normals,exponentials,gamma")
    args = parser.parse_args()
    try:
        import numpy as np
    except ImportError as error:  # Debian python3-numpy may still be installing
        print(json.dumps({"skipped": f"numpy is not importable: {error}"}))
        return 0
    gen = np.random.Generator(np.random.PCG64(20240611))
    buf = np.empty(args.size, dtype=np.float64)
    fills = {
        "normals": lambda: gen.standard_normal(out=buf),
        "exponentials": lambda: gen.standard_exponential(out=buf),
        "gamma": lambda: gen.standard_gamma(2.5, out=buf),
    }
    for kind in args.kinds.split(","):
        count, wall, cpu = measure(fills[kind], args.seconds, args.size)
        record = {
            "bench": "normals",
            "backend": "numpy",
            "kind": kind,
            "shape": 2.5 if kind == "gamma" else None,
            "bufferLength": args.size,
            "value": count / wall / 1e6,
            "unit": "M variates/s",
            "perCpuSecond": count / cpu / 1e6 if cpu > 0 else None,
            "wallMs": wall * 1000,
            "cpuMs": cpu * 1000,
            "numpy": np.__version__,
            "generator": "PCG64",
        }
        print(json.dumps(record), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
