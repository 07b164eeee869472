"""PyTorch peer of rnnlab's BenchmarkTrainStepSizes (rules/bptt).

One BPTT training step of a dendritic PLRNN (Brenner et al., ICML 2022, eq. 3-4)
exactly as the rnnlab benchmark runs it: M latents, B = 20 bases, identity
observation of the first N = 3 latents, T = 200 steps, a batch of S windows,
sparse teacher forcing every tau = 25 steps (the first N latents replaced by
the data), mean squared error, RAdam. float32 (or --float64) on one thread,
as a researcher would run the reference code on one core.

    /usr/bin/python3 build/bench/torch_step.py --latents 200 --batch 16

prints one line: "torch M=200 S=16 float32 ms/step 82.8" (the median of
--reps timed steps after --warmup untimed ones).
"""
import argparse
import statistics
import sys
import time

import torch


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--latents", type=int, default=22)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--bases", type=int, default=20)
    ap.add_argument("--seqlen", type=int, default=200)
    ap.add_argument("--tau", type=int, default=25)
    ap.add_argument("--reps", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--float64", action="store_true")
    a = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(1)
    dt = torch.float64 if a.float64 else torch.float32
    M, B, S, T, N = a.latents, a.bases, a.batch, a.seqlen, 3

    rows = 4000
    t = torch.arange(rows, dtype=dt)
    data = torch.stack([torch.sin(0.05 * (1 + i) * t + i) for i in range(N)], 1)

    A = torch.nn.Parameter(torch.full((M,), 0.9, dtype=dt))
    W = torch.nn.Parameter(torch.randn(M, M, dtype=dt) / M)
    h = torch.nn.Parameter(torch.zeros(M, dtype=dt))
    alpha = torch.nn.Parameter(torch.rand(B, dtype=dt) / B)
    H = torch.nn.Parameter(torch.rand(M, B, dtype=dt) * 4 - 2)
    with torch.no_grad():
        W.fill_diagonal_(0)
    opt = torch.optim.RAdam([A, W, h, alpha, H], lr=1e-4)

    def step():
        starts = torch.randint(0, rows - T - 1, (S,))
        idx = starts[:, None] + torch.arange(T + 1)[None, :]
        x = data[idx]  # S x (T+1) x N
        z = torch.zeros(S, M, dtype=dt)
        z = torch.cat([x[:, 0], z[:, N:]], 1)
        loss = 0.0
        for k in range(1, T + 1):
            phi = (alpha * torch.relu(z[:, :, None] - H)).sum(-1)
            z = A * z + phi @ W.T + h
            loss = loss + ((z[:, :N] - x[:, k]) ** 2).mean()
            if k % a.tau == 0:
                z = torch.cat([x[:, k], z[:, N:]], 1)
        loss = loss / T
        opt.zero_grad()
        loss.backward()
        opt.step()

    for _ in range(a.warmup):
        step()
    times, cpu = [], []
    for _ in range(a.reps):
        c0 = time.process_time()
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    prec = "float64" if a.float64 else "float32"
    # stderr: the CPU time of the timed steps (user + system), beside wall time
    print(f"torch cpu ms/step {1e3 * statistics.median(cpu):.3f}", file=sys.stderr)
    print(f"torch M={M} S={S} {prec} ms/step {1e3 * statistics.median(times):.3f}")


if __name__ == "__main__":
    main()
