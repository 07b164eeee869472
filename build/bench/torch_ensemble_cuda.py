"""PyTorch CUDA peer of rnnlab's BenchmarkEnsembleStep (cmd/internal/cuda).

One BPTT training step of an ensemble of E independent dendritic PLRNNs
(Brenner et al., ICML 2022, eq. 4) run as ONE batched model on the GPU, as a
researcher would vectorise a seed sweep: parameters with a leading model
dimension (A: E×M, W: E×M×M, h: E×M, alpha: E×B, H: E×M×B), each model with
its own series and windows, identity observation of the first N = 3 latents,
T = 200 steps, a batch of S windows per model, sparse teacher forcing every
tau = 25 steps, mean squared error per model (summed over models, so each
model's gradient is its own), W's diagonal gradient zeroed, RAdam.

    python3 build/bench/torch_ensemble_cuda.py --models 1000 --latents 22 \
        --bases 20 --seqlen 200 --batch 16 [--float64] [--compile]

prints one line per run, e.g.
    "torch-cuda E=1000 M=22 B=20 T=200 S=16 float32 ms/step 41.2 us/model-step 41.2"
(the median of --reps timed steps after --warmup untimed ones, synchronised).
"""
import argparse
import statistics
import sys
import time

import torch


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", type=int, default=1000)
    ap.add_argument("--latents", type=int, default=22)
    ap.add_argument("--bases", type=int, default=20)
    ap.add_argument("--seqlen", type=int, default=200)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--tau", type=int, default=25)
    ap.add_argument("--rows", type=int, default=4000)
    ap.add_argument("--reps", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--float64", action="store_true")
    ap.add_argument("--compile", action="store_true", help="torch.compile the step's loss")
    ap.add_argument("--device", default="cuda", help="cuda, or cpu for a smoke test of the script")
    a = ap.parse_args()
    if a.device == "cuda" and not torch.cuda.is_available():
        print("torch-cuda: no CUDA device visible to PyTorch", file=sys.stderr)
        sys.exit(2)
    dev = torch.device(a.device)
    sync = torch.cuda.synchronize if a.device == "cuda" else (lambda: None)
    torch.manual_seed(1)
    dt = torch.float64 if a.float64 else torch.float32
    E, M, B, S, T, N, R = a.models, a.latents, a.bases, a.batch, a.seqlen, 3, a.rows

    t = torch.arange(R, dtype=dt, device=dev)
    f = 0.05 * (1 + torch.arange(N, dtype=dt, device=dev))[None, :] * (1 + 0.01 * (torch.arange(E, device=dev) % 17).to(dt))[:, None]
    ph = (torch.arange(N, device=dev)[None, :] + torch.arange(E, device=dev)[:, None]).to(dt)
    data = torch.sin(f[:, None, :] * t[None, :, None] + ph[:, None, :]) + 0.3 * torch.sin(0.31 * f[:, None, :] * t[None, :, None])  # E×R×N

    A = torch.nn.Parameter(torch.full((E, M), 0.9, dtype=dt, device=dev))
    W = torch.nn.Parameter(torch.randn(E, M, M, dtype=dt, device=dev) / M)
    h = torch.nn.Parameter(torch.zeros(E, M, dtype=dt, device=dev))
    alpha = torch.nn.Parameter(torch.rand(E, B, dtype=dt, device=dev) / B)
    H = torch.nn.Parameter(torch.rand(E, M, B, dtype=dt, device=dev) * 4 - 2)
    with torch.no_grad():
        W.diagonal(dim1=1, dim2=2).zero_()
    opt = torch.optim.RAdam([A, W, h, alpha, H], lr=1e-4)
    eye = torch.eye(M, dtype=torch.bool, device=dev)

    def loss_fn(x):
        # x: E×S×(T+1)×N; z: E×S×M
        z = torch.cat([x[:, :, 0], torch.zeros(E, S, M - N, dtype=dt, device=dev)], -1)
        loss = 0.0
        for k in range(1, T + 1):
            phi = (alpha[:, None, None, :] * torch.relu(z[..., None] - H[:, None])).sum(-1)  # E×S×M
            z = A[:, None] * z + torch.einsum("esj,eij->esi", phi, W) + h[:, None]
            loss = loss + ((z[..., :N] - x[:, :, k]) ** 2).mean(dim=(1, 2)).sum()
            if k % a.tau == 0:
                z = torch.cat([x[:, :, k], z[..., N:]], -1)
        return loss / T

    lf = torch.compile(loss_fn) if a.compile else loss_fn

    def step():
        starts = torch.randint(0, R - T - 1, (E, S), device=dev)
        idx = starts[..., None] + torch.arange(T + 1, device=dev)  # E×S×(T+1)
        x = torch.gather(data[:, None].expand(E, S, R, N), 2, idx[..., None].expand(E, S, T + 1, N))
        loss = lf(x)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        W.grad.masked_fill_(eye, 0)
        opt.step()

    for _ in range(a.warmup):
        step()
    sync()
    times = []
    for _ in range(a.reps):
        t0 = time.perf_counter()
        step()
        sync()
        times.append(time.perf_counter() - t0)
    ms = 1e3 * statistics.median(times)
    prec = "float64" if a.float64 else "float32"
    comp = " compiled" if a.compile else ""
    print(f"torch-cuda E={E} M={M} B={B} T={T} S={S} {prec}{comp} ms/step {ms:.3f} us/model-step {1e3 * ms / E:.3f} ({torch.cuda.get_device_name() if a.device == 'cuda' else 'cpu'})")


if __name__ == "__main__":
    main()
