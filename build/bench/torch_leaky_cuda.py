"""PyTorch CUDA peer of rnnlab's BenchmarkLeakyEnsembleStep (cmd/internal/cuda).

An ensemble of E leaky rate networks (models/leaky: N units, inputs to
int(0.4N), readout sigmoid(W_out u[Nin:2Nin]) of 33 channels, K = 85 inputs
constant per epoch) trained as ONE batched model: parameters (E, N, N) etc.,
states (E, S, N), torch.bmm per step; W warm-up steps without gradient,
then T recorded steps on autograd's tape, OU noise drawn on the device each
step, loss = two masked mean squared errors + 1e-5 mean|u| + 1e-5 mean|W| per
network (summed over the ensemble, so each network gets its own gradient),
Adam (lr 0.1/N, eps 1e-7). The issue's shape: 100 networks, N = 256,
batch 64, 200 warm-up + 300 recorded steps (task "go" at dt = 5 ms).

    python3 build/bench/torch_leaky_cuda.py --models 100 --units 256 --batch 64 --warm 200 --steps 300

prints "torch-leaky E=100 N=256 S=64 T=300+200 float32 cuda ms/step … us/model-step …"
(the median of --reps timed steps after --warmup untimed ones, synchronised).
--device cpu runs the same script on the CPU (a smoke test).
"""
import argparse
import statistics
import time

import torch


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", type=int, default=100)
    ap.add_argument("--units", type=int, default=256)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--warm", type=int, default=200)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--float64", action="store_true")
    ap.add_argument("--device", default="cuda")
    a = ap.parse_args()
    dev = torch.device(a.device)
    dt_ = torch.float64 if a.float64 else torch.float32
    E, N, S, T, W, K, Q = a.models, a.units, a.batch, a.steps, a.warm, 85, 33
    nin = int(0.4 * N)
    dt, tau = 0.005, 0.1
    tinv = torch.full((N,), 1 / tau, dtype=dt_, device=dev)
    tinv[int(0.8 * N):] = 2 / tau
    Wr = (torch.randn(E, N, N, dtype=dt_, device=dev) / N).requires_grad_()
    b = torch.randn(E, 1, N, dtype=dt_, device=dev).requires_grad_()
    Win = torch.randn(E, nin, K, dtype=dt_, device=dev).requires_grad_()
    Wout = torch.randn(E, Q, nin, dtype=dt_, device=dev).requires_grad_()
    opt = torch.optim.Adam([Wr, b, Win, Wout], lr=0.1 / N, eps=1e-7)
    in1 = torch.rand(E, S, K, dtype=dt_, device=dev)
    in2 = torch.rand(E, S, K, dtype=dt_, device=dev)
    tgt = 0.05 + 0.8 * torch.rand(E, S, Q, dtype=dt_, device=dev)
    e1, e2 = 1 - dt / tau, (2 * dt / tau) ** 0.5
    half, wait = T // 2, T // 10
    WrT = lambda: Wr.transpose(1, 2)

    def run(u, eta, h, steps, rec):
        wt = WrT()
        for _ in range(steps):
            du = tinv * (-u + torch.relu(torch.bmm(u, wt) + b + 0.1 * eta + h)) * dt
            eta = e1 * eta + e2 * torch.randn_like(eta)
            u = u + du
            if rec is not None:
                rec.append(u)
        return u, eta

    def pad(h):
        return torch.nn.functional.pad(h, (0, N - nin))

    def step():
        u = torch.zeros(E, S, N, dtype=dt_, device=dev)
        eta = torch.randn(E, S, N, dtype=dt_, device=dev)
        with torch.no_grad():
            u, eta = run(u, eta, pad(torch.bmm(in1, Win.transpose(1, 2))), W, None)
        rec = []
        u, eta = run(u, eta, pad(torch.bmm(in1, Win.transpose(1, 2))), half, rec)
        u, eta = run(u, eta, pad(torch.bmm(in2, Win.transpose(1, 2))), T - half, rec)
        X = torch.stack(rec, 1)  # E,T,S,N
        y = torch.sigmoid(torch.matmul(X[..., nin:2 * nin], Wout.transpose(1, 2).unsqueeze(1)))  # E,T,S,Q
        t = tgt.unsqueeze(1)
        loss = ((y[:, wait:half] - t) ** 2).mean((1, 2, 3)) + ((y[:, half + wait:] - t) ** 2).mean((1, 2, 3))
        loss = loss + 1e-5 * X.abs().mean((1, 2, 3)) + 1e-5 * Wr.abs().mean((1, 2))
        opt.zero_grad()
        loss.sum().backward()
        opt.step()

    def sync():
        if dev.type == "cuda":
            torch.cuda.synchronize()

    for _ in range(a.warmup):
        step()
    sync()
    ts = []
    for _ in range(a.reps):
        t0 = time.perf_counter()
        step()
        sync()
        ts.append(time.perf_counter() - t0)
    ms = 1000 * statistics.median(ts)
    print(f"torch-leaky E={E} N={N} S={S} T={T}+{W} {'float64' if a.float64 else 'float32'} {dev.type} "
          f"ms/step {ms:.1f} us/model-step {1000 * ms / E:.1f}")


if __name__ == "__main__":
    main()
