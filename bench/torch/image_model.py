#!/usr/bin/env python3
"""DSM training steps/s of the 16x16 image score networks in PyTorch: the reference for
bench/src/image-model.bench.ts (the same architectures as @parabolic/score's createImageScoreNetwork).

conv : stem 3x3 conv C->F; `depth` residual blocks h += conv2(silu(FiLM(conv1(silu(h))))); head 3x3 conv F->C of silu(h).
mixer: p x p patches -> linear embed F; blocks: h += tokenMLP(LN(h)) (along tokens), h += channelMLP(FiLM(LN(h)));
       head linear on LN(h) -> p*p*C, unpatchify.
Time: u = t on [0, 1] -> [u, sin(pi k u), cos(pi k u)], k = 1..8 -> silu(Linear -> F); FiLM = Linear F -> 2F per block.
DSM: x0 ~ U[0,1]^256, t ~ U(1e-3, 1), sigma = 0.01 * 1000^t, x_t = x0 + sigma z, loss = mean sigma^2 ||s + z/sigma||^2,
Adam(1e-3). Prints one JSON line per architecture (or {"skipped": ...}).
Run: OPENBLAS_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/torch/image_model.py --archs conv,mixer
"""
import argparse
import json
import math
import sys
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--archs", default="conv,mixer")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    try:
        import torch
        import torch.nn as nn
        import torch.nn.functional as F
    except ImportError as error:
        print(json.dumps({"skipped": f"torch not importable: {error}"}), flush=True)
        return 0
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    H = W = 16
    C = 1
    FREQS = 8

    def time_features(t):
        u = t.reshape(-1, 1)
        k = torch.arange(1, FREQS + 1, dtype=torch.float32).reshape(1, -1) * math.pi
        return torch.cat([u, torch.sin(u * k), torch.cos(u * k)], dim=1)

    class Conv(nn.Module):
        def __init__(self, features=32, depth=3):
            super().__init__()
            f = features
            self.f = f
            self.time = nn.Linear(1 + 2 * FREQS, f)
            self.stem = nn.Conv2d(C, f, 3, padding=1)
            self.conv1 = nn.ModuleList(nn.Conv2d(f, f, 3, padding=1) for _ in range(depth))
            self.film = nn.ModuleList(nn.Linear(f, 2 * f) for _ in range(depth))
            self.conv2 = nn.ModuleList(nn.Conv2d(f, f, 3, padding=1) for _ in range(depth))
            self.head = nn.Conv2d(f, C, 3, padding=1)

        def forward(self, x, t):
            b = x.shape[0]
            e = F.silu(self.time(time_features(t)))
            h = self.stem(x.reshape(b, H, W, C).permute(0, 3, 1, 2))
            for c1, film, c2 in zip(self.conv1, self.film, self.conv2):
                z = c1(F.silu(h))
                gamma, beta = film(e).reshape(b, 2 * self.f, 1, 1).chunk(2, dim=1)
                z = z * (1 + gamma) + beta
                h = h + c2(F.silu(z))
            return self.head(F.silu(h)).permute(0, 2, 3, 1).reshape(b, H * W * C)

    class Mixer(nn.Module):
        def __init__(self, features=48, depth=4, patch=4):
            super().__init__()
            f, p = features, patch
            self.f, self.p = f, p
            self.t = (H // p) * (W // p)
            self.time = nn.Linear(1 + 2 * FREQS, f)
            self.embed = nn.Linear(p * p * C, f)
            self.tok1 = nn.ModuleList(nn.Linear(self.t, 2 * self.t) for _ in range(depth))
            self.tok2 = nn.ModuleList(nn.Linear(2 * self.t, self.t) for _ in range(depth))
            self.film = nn.ModuleList(nn.Linear(f, 2 * f) for _ in range(depth))
            self.ch1 = nn.ModuleList(nn.Linear(f, 2 * f) for _ in range(depth))
            self.ch2 = nn.ModuleList(nn.Linear(2 * f, f) for _ in range(depth))
            self.head = nn.Linear(f, p * p * C)

        def forward(self, x, t):
            b, p = x.shape[0], self.p
            e = F.silu(self.time(time_features(t)))
            tokens = x.reshape(b, H // p, p, W // p, p, C).permute(0, 1, 3, 2, 4, 5).reshape(b, self.t, p * p * C)
            h = self.embed(tokens)
            for t1, t2, film, c1, c2 in zip(self.tok1, self.tok2, self.film, self.ch1, self.ch2):
                z = F.layer_norm(h, (self.f,)).transpose(1, 2)
                h = h + t2(F.silu(t1(z))).transpose(1, 2)
                gamma, beta = film(e).reshape(b, 1, 2 * self.f).chunk(2, dim=2)
                u = F.layer_norm(h, (self.f,)) * (1 + gamma) + beta
                h = h + c2(F.silu(c1(u)))
            out = self.head(F.layer_norm(h, (self.f,)))
            return out.reshape(b, H // p, W // p, p, p, C).permute(0, 1, 3, 2, 4, 5).reshape(b, H * W * C)

    for arch in args.archs.split(","):
        net = Conv() if arch == "conv" else Mixer()
        params = sum(p.numel() for p in net.parameters())
        optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
        n = args.batch

        def step():
            x0 = torch.rand(n, H * W * C)
            t = 1e-3 + (1 - 1e-3) * torch.rand(n)
            sigma = (0.01 * 1000.0 ** t).reshape(-1, 1)
            z = torch.randn(n, H * W * C)
            s = net(x0 + sigma * z, t)
            loss = (sigma.square() * (s + z / sigma).square()).sum(dim=1).mean()
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
            "architecture": arch, "parameters": params, "batch": n, "implementation": "pytorch",
            "torch": torch.__version__, "threads": torch.get_num_threads(),
            "steps": steps, "stepsPerSecond": steps / wall, "stepsPerCpuSecond": steps / cpu if cpu > 0 else None,
            "wallMs": wall * 1000, "cpuMs": cpu * 1000, "loss": float(loss),
        }), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
