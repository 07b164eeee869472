"""PyTorch peer of rnnlab's BenchmarkTrainStep (rules/tasktrain).

One training step of the leaky rate network of Soo, Goudar & Wang (NeurIPS
2023) as the rnnlab benchmark runs it: N units (inputs to int(0.4N), readout
sigmoid(W_out u[Nin:2Nin]) of 33 channels), K = 85 inputs constant per half,
a batch of S trials, W warm-up steps without gradient, then T recorded steps
on the tape, OU noise per step, loss = two masked mean squared errors +
1e-5 mean|u| + 1e-5 mean|W|, Adam (lr 0.1/N, eps 1e-7). float32 (or
--float64) on one thread, as the issue's reference was measured.

    /usr/bin/python3 build/bench/torch_leaky.py --units 64 --batch 32 --steps 100 --warm 40

prints one line: "torch N=64 S=32 T=100+40 float32 ms/step 14.8 cpu-ms/step 14.6"
(the median wall time of --reps timed steps after --warmup untimed ones, and
the process CPU time per step, which a loaded machine inflates less).
"""
import argparse
import statistics
import time

import torch


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=64)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--warm", type=int, default=40)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--float64", action="store_true")
    a = ap.parse_args()
    torch.set_num_threads(1)
    dt_ = torch.float64 if a.float64 else torch.float32
    N, S, T, W, K, Q = a.units, a.batch, a.steps, a.warm, 85, 33
    nin = int(0.4 * N)
    dt, tau = 0.005, 0.1
    tinv = torch.full((N,), 1 / tau, dtype=dt_)
    tinv[int(0.8 * N):] = 2 / tau
    Wr = (torch.randn(N, N, dtype=dt_) / N).requires_grad_()
    b = torch.randn(N, dtype=dt_).requires_grad_()
    Win = torch.randn(nin, K, dtype=dt_).requires_grad_()
    Wout = torch.randn(Q, nin, dtype=dt_).requires_grad_()
    opt = torch.optim.Adam([Wr, b, Win, Wout], lr=0.1 / N, eps=1e-7)
    in1, in2 = torch.rand(S, K, dtype=dt_), torch.rand(S, K, dtype=dt_)
    tgt = 0.05 + 0.8 * torch.rand(S, Q, dtype=dt_)
    e1, e2 = 1 - dt / tau, (2 * dt / tau) ** 0.5
    half, wait = T // 2, T // 10

    def run(u, eta, h, steps, rec):
        for _ in range(steps):
            du = tinv * (-u + torch.relu(u @ Wr.T + b + 0.1 * eta + h)) * dt
            eta = e1 * eta + e2 * torch.randn_like(eta)
            u = u + du
            if rec is not None:
                rec.append(u)
        return u, eta

    def pad(h):
        return torch.nn.functional.pad(h, (0, N - nin))

    def step():
        u = torch.zeros(S, N, dtype=dt_)
        eta = torch.randn(S, N, dtype=dt_)
        with torch.no_grad():
            u, eta = run(u, eta, pad(in1 @ Win.T), W, None)
        rec = []
        u, eta = run(u, eta, pad(in1 @ Win.T), half, rec)
        u, eta = run(u, eta, pad(in2 @ Win.T), T - half, rec)
        X = torch.stack(rec)  # T,S,N
        y = torch.sigmoid(X[:, :, nin:2 * nin] @ Wout.T)
        loss = ((y[wait:half] - tgt) ** 2).mean() + ((y[half + wait:] - tgt) ** 2).mean()
        loss = loss + 1e-5 * X.abs().mean() + 1e-5 * Wr.abs().mean()
        opt.zero_grad()
        loss.backward()
        opt.step()

    for _ in range(a.warmup):
        step()
    ts = []
    c0 = time.process_time()
    for _ in range(a.reps):
        t0 = time.perf_counter()
        step()
        ts.append(time.perf_counter() - t0)
    cpu = (time.process_time() - c0) / a.reps
    print(f"torch N={N} S={S} T={T}+{W} {'float64' if a.float64 else 'float32'} ms/step {1000 * statistics.median(ts):.1f} cpu-ms/step {1000 * cpu:.1f}")


if __name__ == "__main__":
    main()
