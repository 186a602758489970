#!/usr/bin/env python3
"""Denoising score matching training steps/s in PyTorch: the reference for bench/src/dsm.bench.ts.

Same model, data and loss as the TypeScript side (toolchain.md §4): t ~ U(1e-3, 1), sigma(t) = smin (smax/smin)^t,
z ~ N(0, I), x_t = x0 + sigma z, net(x_t, Fourier(t)) with SiLU, loss = mean ||net + z||^2, backward, Adam(1e-3).
  (a) d = 2, hidden 128 x 3, batch 512, 8-Gaussian ring;  (b) d = 256, hidden 512 x 3, batch 128, uniform [0,1]^d.
Run with /usr/bin/python3 (Debian python3-torch) and OPENBLAS_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE; prints one JSON
line per configuration (or one {"skipped": ...} line when torch is missing).
"""
import argparse
import json
import math
import os
import sys
import time

CONFIGS = {
    "a": {"dim": 2, "hidden": 128, "layers": 3, "batch": 512, "data": "ring8"},
    "b": {"dim": 256, "hidden": 512, "layers": 3, "batch": 128, "data": "uniform"},
}
SIGMA_MIN, SIGMA_MAX, T_MIN = 0.01, 10.0, 1e-3
FOURIER_FREQUENCIES, FOURIER_SCALE = 16, 4.0
RING_RADIUS, RING_STD = 4.0, 0.5


def loaded_blas():
    """Shared libraries with 'blas' in their name that this process has mapped (which BLAS torch really uses)."""
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line}
        return sorted(paths)
    except OSError:
        return []


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--configs", default="a,b")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    try:
        import torch
        import torch.nn.functional as F
    except ImportError as error:
        print(json.dumps({"skipped": f"torch not importable: {error}"}), flush=True)
        return

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)

    class ScoreNet(torch.nn.Module):
        def __init__(self, dim, hidden, layers):
            super().__init__()
            omega = torch.randn(1, FOURIER_FREQUENCIES) * FOURIER_SCALE * 2 * math.pi
            self.register_buffer("omega", omega)
            sizes = [dim + 2 * FOURIER_FREQUENCIES] + [hidden] * layers
            self.hidden = torch.nn.ModuleList(torch.nn.Linear(i, o) for i, o in zip(sizes[:-1], sizes[1:]))
            self.out = torch.nn.Linear(hidden, dim)

        def forward(self, x, t):
            angles = t * self.omega
            h = torch.cat([x, torch.sin(angles), torch.cos(angles)], dim=1)
            for layer in self.hidden:
                h = F.silu(layer(h))
            return self.out(h)

    def sample_data(cfg):
        n, dim = cfg["batch"], cfg["dim"]
        if cfg["data"] == "ring8":
            k = torch.randint(0, 8, (n,))
            angle = k.to(torch.float32) * (2 * math.pi / 8)
            centres = RING_RADIUS * torch.stack([torch.cos(angle), torch.sin(angle)], dim=1)
            return centres + RING_STD * torch.randn(n, dim)
        return torch.rand(n, dim)

    for name in args.configs.split(","):
        cfg = CONFIGS[name]
        net = ScoreNet(cfg["dim"], cfg["hidden"], cfg["layers"])
        optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)

        def step():
            x0 = sample_data(cfg)
            t = T_MIN + (1 - T_MIN) * torch.rand(cfg["batch"], 1)
            sigma = SIGMA_MIN * (SIGMA_MAX / SIGMA_MIN) ** t
            z = torch.randn(cfg["batch"], cfg["dim"])
            loss = (net(x0 + sigma * z, t) + z).pow(2).sum(dim=1).mean()
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            return loss

        for _ in range(args.warmup):
            step()
        steps = 0
        wall0, cpu0 = time.perf_counter(), time.process_time()
        while True:
            loss = step()
            steps += 1
            if time.perf_counter() - wall0 >= args.seconds and steps >= 3:
                break
        wall = time.perf_counter() - wall0
        cpu = time.process_time() - cpu0
        print(json.dumps({
            "config": name, **cfg,
            "implementation": "pytorch", "torch": torch.__version__, "threads": torch.get_num_threads(),
            "blas": [os.path.basename(p) for p in loaded_blas()] or ["(none mapped)"],
            "blasPaths": loaded_blas(),
            "steps": steps, "stepsPerSecond": steps / wall, "stepsPerCpuSecond": steps / cpu if cpu > 0 else None,
            "wallMs": wall * 1000, "cpuMs": cpu * 1000, "loss": float(loss),
        }), flush=True)


if __name__ == "__main__":
    sys.exit(main())
