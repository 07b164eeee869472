// leaky.cuh — the leaky rate RNN of the cognitive tasks (models/leaky,
// rules/tasktrain) on the device: an ensemble of E networks, each with its
// own θ, task batch, noise and Adam state; one training window (warm-up,
// recorded epochs, readout, loss, backward, gradient) is six launches and an
// Adam step one more. Included by rnncuda.cu (after its helpers: fail,
// cuda_fail, CK, launched, threads_for).
//
// Every kernel reproduces rules/tasktrain/core.go's order of operations for
// base BPTT (no state mixing), f = ReLU, in float64 (compiled with
// -fmad=false): the forward pre-activation ((W x + b) + 0.1η) + W_in·in, each
// sum from 0 in index order; du = (T⁻¹ v)·dt; the readout
// sigmoid(W_out x[Nin:Nin+Nout]) with fmath.Sigmoid's bits; the loss of
// cogtask.Batch.Loss plus the activity and weight penalties; the backward
// pull gpre = (gdu·(T⁻¹dt))·f′, gu ← (gu − gdu·(T⁻¹dt)) + Σ_i gpre_i W_i·; and
// the gradient sums over the window's rows in order. The noise η of every
// evaluation is uploaded by the host (the CPU draws it), so the device needs
// no generator.

struct LkDims {
	int E, N, K, Q, Nin, No, Nexc, S, W, R, nep, P, dale;
	int steps[RNNCUDA_LEAKY_MAX_EPOCHS], k0[RNNCUDA_LEAKY_MAX_EPOCHS];
	int flo, fhi, rlo, rhi;
	double tau, dt;
};

struct rnncuda_leaky {
	LkDims d;
	double *theta, *grad, *m, *v, *weff, *weffT;
	double *warm, *input, *eta, *tfix, *tout;
	double *X, *FP, *G, *Y, *GZ, *loss;
	int t;
	double b1t, b2t;
	int wcap, rcap; // the warm-up and recorded steps the buffers hold
};

static __device__ double lk_tinv(const LkDims &d, int i) { return i < d.Nexc ? 1 / d.tau : 2 / d.tau; }

// lk_sigmoid is fmath.Sigmoid: 1/(1+e^−x) for x ≥ 0, else eˣ/(1+eˣ), with
// fmath.Exp (the Cephes/FreeBSD reduction x = k ln2 + r and its polynomial).
static __device__ double lk_exp(double x) {
	const double ln2Hi = 6.93147180369123816490e-01, ln2Lo = 1.90821492927058770002e-10, invLn2 = 1.44269504088896338700e+00;
	const double P1 = 1.66666666666666657415e-01, P2 = -2.77777777770155933842e-03, P3 = 6.61375632143793436117e-05,
	             P4 = -1.65339022054652515390e-06, P5 = 4.13813679705723846039e-08;
	if (x != x || x == INFINITY) return x;
	if (x == -INFINITY) return 0;
	if (x > 7.09782712893383973096e+02) return INFINITY;
	if (x < -7.45133219101941108420e+02) return 0;
	if (-1.0 / (1 << 28) < x && x < 1.0 / (1 << 28)) return 1 + x;
	int k = x < 0 ? (int)(invLn2 * x - 0.5) : (int)(invLn2 * x + 0.5);
	double hi = x - (double)k * ln2Hi;
	double lo = (double)k * ln2Lo;
	double r = hi - lo;
	double t = r * r;
	double c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
	double y = 1 - ((lo - (r * c) / (2 - c)) - hi);
	return ldexp(y, k);
}

static __device__ double lk_sigmoid(double x) {
	if (x >= 0) return 1 / (1 + lk_exp(-x));
	double e = lk_exp(x);
	return e / (1 + e);
}

// k_lk_weff writes each model's effective W (|W̃|·sign column under Dale's
// law, else W̃) row-major into weff and transposed into weffT (the forward
// step's coalesced layout: thread i reads column i).
__global__ void k_lk_weff(LkDims d, const double *theta, double *weff, double *weffT) {
	size_t n = (size_t)d.E * d.N * d.N, idx = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
	if (idx >= n) return;
	int m = (int)(idx / ((size_t)d.N * d.N)), ij = (int)(idx % ((size_t)d.N * d.N)), j = ij % d.N;
	double w = theta[(size_t)m * d.P + ij];
	if (d.dale) {
		if (w < 0) w = -w;
		if (j >= d.Nexc) w = -w;
	}
	weff[idx] = w;
	weffT[(size_t)m * d.N * d.N + (size_t)j * d.N + ij / d.N] = w;
}

// LK_G is the most trials a forward or backward block steps together: each
// thread loads its weights once per step for all of them (W does not fit
// in shared memory at N = 256 in float64; reading it once per trial row
// would cost a pass over W per row and step). lk_group picks G ≤ LK_G so
// that the block's shared memory stays within 48 KB.
// The forward's per-trial registers (G pre-activations) grow with G, and a
// block of T threads may use at most 65536/T registers each: so G = 16
// for blocks of ≤ 256 threads, 4 for ≤ 512 and 1 above (lk_gmax), each an
// instance with __launch_bounds__ (ptxas: no spills).
#define LK_G 16
#ifdef RNNCUDA_EMU
#define LK_BOUNDS(t)
#else
#define LK_BOUNDS(t) __launch_bounds__(t)
#endif

static int lk_gmax(int threads) { return threads <= 256 ? 16 : threads <= 512 ? 4 : 1; }

static int lk_group(const LkDims &d) {
	int g = 6144 / (d.N + d.Nin); // doubles of shared memory per trial
	int gm = lk_gmax(threads_for(d.N));
	if (g > gm) g = gm;
	if (g > d.S) g = d.S;
	return g < 1 ? 1 : g;
}

static int lk_groups(const LkDims &d) { return (d.S + lk_group(d) - 1) / lk_group(d); }

// k_lk_forward runs G trial rows (block = network m, trials s0..s0+G−1;
// thread = unit i) through the warm-up (untaped) and the recorded epochs,
// writing the states X[k] (k = 0..R, network-major, then k, s, i) and f′ of
// each recorded step into FP. Shared memory: the G states, then the G input
// drives.
template <int GM, int MAXT>
__global__ void LK_BOUNDS(MAXT) k_lk_forward(LkDims d, int G, const double *theta, const double *weffT, const double *warm, const double *input,
                             const double *eta, double *X, double *FP) {
	DYN_SHARED(xs);
	int ng = (d.S + G - 1) / G;
	int m = blockIdx.x / ng, s0 = (blockIdx.x % ng) * G, i = threadIdx.x, N = d.N;
	int gn = d.S - s0 < G ? d.S - s0 : G; // trials of this block
	double *hs = xs + (size_t)G * N;
	bool on = i < N;
	const double *th = theta + (size_t)m * d.P;
	const double *B = th + (size_t)N * N, *Win = B + N;
	const double *We = weffT + (size_t)m * N * N + (on ? i : 0); // W_ij at We[j*N]
	size_t SN = (size_t)d.S * N;
	double *Xm = X + (size_t)m * (d.R + 1) * SN, *FPm = FP + (size_t)m * d.R * SN;
	const double *em = eta + (size_t)m * (d.W + d.R) * SN;
	double tinv = on ? lk_tinv(d, i) : 0, b = on ? B[i] : 0;
	if (on)
		for (int g = 0; g < gn; g++) xs[g * N + i] = 0;
	__syncthreads();
	for (int e = -1; e < d.nep; e++) {
		if (on && i < d.Nin)
			for (int g = 0; g < gn; g++) {
				int s = s0 + g;
				const double *in = e < 0 ? warm + ((size_t)m * d.S + s) * d.K : input + (((size_t)m * d.nep + e) * d.S + s) * d.K;
				double h = 0;
				for (int c = 0; c < d.K; c++) h += in[c] * Win[(size_t)i * d.K + c];
				hs[g * d.Nin + i] = h;
			}
		int T = e < 0 ? d.W : d.steps[e];
		for (int t = 0; t < T; t++) {
			int ev = e < 0 ? t : d.W + d.k0[e] + t; // the evaluation's index in the noise sequence
			double pre[GM];
#pragma unroll
			for (int g = 0; g < GM; g++) pre[g] = 0;
			if (on)
				for (int j = 0; j < N; j++) {
					double w = We[(size_t)j * N];
#pragma unroll
					for (int g = 0; g < GM; g++)
						if (g < gn) pre[g] += xs[g * N + j] * w;
				}
			__syncthreads(); // every thread has read the states
			if (on)
#pragma unroll
				for (int g = 0; g < GM; g++) {
					if (g >= gn) break;
					int s = s0 + g;
					double p = (pre[g] + b) + 0.1 * em[(size_t)ev * SN + (size_t)s * N + i];
					if (i < d.Nin) p += hs[g * d.Nin + i];
					double f = p > 0 ? p : 0;
					double x = xs[g * N + i];
					double next = x + (tinv * (-x + f)) * d.dt;
					xs[g * N + i] = next;
					if (e >= 0) {
						size_t kk = (size_t)d.k0[e] + t;
						FPm[kk * SN + (size_t)s * N + i] = p > 0 ? 1 : 0;
						Xm[(kk + 1) * SN + (size_t)s * N + i] = next;
					}
				}
			__syncthreads();
		}
		if (e < 0 && on)
			for (int g = 0; g < gn; g++) Xm[(size_t)(s0 + g) * N + i] = xs[g * N + i];
	}
}

// k_lk_readout: thread per (model, recorded row r = k·S + s, channel q):
// y = sigmoid(Σ_j x[Nin+j] W_out[q,j]) and the readout cotangent
// gz = gy·(y(1 − y)), gy of Batch.Loss (2/cnt·(y − target) in each window).
__global__ void k_lk_readout(LkDims d, const double *theta, const double *X, const double *tfix, const double *tout,
                             double *Y, double *GZ) {
	size_t RSQ = (size_t)d.R * d.S * d.Q, idx = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
	if (idx >= RSQ * d.E) return;
	int m = (int)(idx / RSQ);
	size_t rq = idx % RSQ, r = rq / d.Q;
	int q = (int)(rq % d.Q), k = (int)(r / d.S), s = (int)(r % d.S);
	size_t SN = (size_t)d.S * d.N;
	const double *Wout = theta + (size_t)m * d.P + (size_t)d.N * d.N + d.N + (size_t)d.Nin * d.K + (size_t)q * d.No;
	const double *o = X + (size_t)m * (d.R + 1) * SN + SN + r * d.N + d.Nin;
	double a = 0;
	for (int j = 0; j < d.No; j++) a += o[j] * Wout[j];
	double y = lk_sigmoid(a);
	double gy = 0;
	if (k >= d.flo && k < d.fhi) {
		double cnt = (double)((size_t)(d.fhi - d.flo) * d.S * d.Q);
		gy += (2 / cnt) * (y - tfix[((size_t)m * d.S + s) * d.Q + q]);
	}
	if (k >= d.rlo && k < d.rhi) {
		double cnt = (double)((size_t)(d.rhi - d.rlo) * d.S * d.Q);
		gy += (2 / cnt) * (y - tout[((size_t)m * d.S + s) * d.Q + q]);
	}
	Y[idx] = y;
	GZ[idx] = gy * (y * (1 - y));
}

// k_lk_loss: one thread per model, the loss in the CPU's order (serial
// sums): the two windows' mean squared errors, 1e-5·mean|x| over the
// recorded states, 1e-5·mean|W̃|.
__global__ void k_lk_loss(LkDims d, const double *theta, const double *X, const double *Y, const double *tfix,
                          const double *tout, double *loss) {
	int m = blockIdx.x * blockDim.x + threadIdx.x;
	if (m >= d.E) return;
	const double *Ym = Y + (size_t)m * d.R * d.S * d.Q;
	double L = 0;
	for (int w = 0; w < 2; w++) {
		int lo = w ? d.rlo : d.flo, hi = w ? d.rhi : d.fhi;
		const double *tg = (w ? tout : tfix) + (size_t)m * d.S * d.Q;
		double cnt = (double)((size_t)(hi - lo) * d.S * d.Q), sum = 0;
		for (int t = lo; t < hi; t++)
			for (int s = 0; s < d.S; s++)
				for (int q = 0; q < d.Q; q++) {
					double e = Ym[((size_t)t * d.S + s) * d.Q + q] - tg[(size_t)s * d.Q + q];
					sum += e * e;
				}
		L = w ? L + sum / cnt : sum / cnt;
	}
	size_t SN = (size_t)d.S * d.N, n = (size_t)d.R * SN;
	const double *xs = X + (size_t)m * (d.R + 1) * SN + SN;
	double act = 0;
	for (size_t i = 0; i < n; i++) act = xs[i] < 0 ? act - xs[i] : act + xs[i];
	L += 1e-5 * (act / (double)n);
	const double *W = theta + (size_t)m * d.P;
	double ws = 0;
	for (size_t i = 0; i < (size_t)d.N * d.N; i++) ws = W[i] < 0 ? ws - W[i] : ws + W[i];
	L += 1e-5 * (ws / (double)((size_t)d.N * d.N));
	loss[m] = L;
}

// k_lk_gstate: thread per (model, recorded row, unit): G = dL/dX[k+1], the
// activity penalty's ±1e-5/cnt plus, on the readout units, Σ_q gz_q W_out[q,j].
__global__ void k_lk_gstate(LkDims d, const double *theta, const double *X, const double *GZ, double *G) {
	size_t SN = (size_t)d.S * d.N, RSN = (size_t)d.R * SN, idx = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
	if (idx >= RSN * d.E) return;
	int m = (int)(idx / RSN);
	size_t ri = idx % RSN, r = ri / d.N;
	int i = (int)(ri % d.N);
	double ap = 1e-5 / (double)RSN, v = X[(size_t)m * (d.R + 1) * SN + SN + ri];
	double g = v > 0 ? ap : (v < 0 ? -ap : 0);
	if (i >= d.Nin && i < d.Nin + d.No) {
		const double *Wout = theta + (size_t)m * d.P + (size_t)d.N * d.N + d.N + (size_t)d.Nin * d.K + (i - d.Nin);
		const double *gz = GZ + ((size_t)m * d.R * d.S + r) * d.Q;
		double o = 0;
		for (int q = 0; q < d.Q; q++) o += gz[q] * Wout[(size_t)q * d.No];
		g += o;
	}
	G[idx] = g;
}

// k_lk_backward pulls the cotangents of G trial rows (as k_lk_forward's
// blocks) back through the recorded epochs (last first; the state
// cotangent gu carries across epochs), overwriting G with the
// pre-activation cotangents.
__global__ void k_lk_backward(LkDims d, int Gr, const double *weff, const double *FP, double *G) {
	DYN_SHARED(gp);
	int ng = (d.S + Gr - 1) / Gr;
	int m = blockIdx.x / ng, s0 = (blockIdx.x % ng) * Gr, i = threadIdx.x, N = d.N;
	int gn = d.S - s0 < Gr ? d.S - s0 : Gr;
	bool on = i < N;
	size_t SN = (size_t)d.S * N;
	const double *We = weff + (size_t)m * N * N + (on ? i : 0); // column i: W_ji at We[j*N]
	double *Gm = G + (size_t)m * d.R * SN + (size_t)s0 * N;
	const double *FPm = FP + (size_t)m * d.R * SN + (size_t)s0 * N;
	double c = on ? lk_tinv(d, i) * d.dt : 0;
	double gu[LK_G];
#pragma unroll
	for (int g = 0; g < LK_G; g++) gu[g] = 0;
	for (int e = d.nep - 1; e >= 0; e--)
		for (int t = d.steps[e] - 1; t >= 0; t--) {
			size_t kk = (size_t)d.k0[e] + t;
			if (on)
#pragma unroll
				for (int g = 0; g < LK_G; g++) {
					if (g >= gn) break;
					size_t o = kk * SN + (size_t)g * N + i;
					gu[g] += Gm[o];
					double gv = gu[g] * c;
					double q = gv * FPm[o];
					gu[g] -= gv;
					gp[g * N + i] = q;
					Gm[o] = q;
				}
			__syncthreads();
			if (on)
				for (int j = 0; j < N; j++) {
					double w = We[(size_t)j * N];
#pragma unroll
					for (int g = 0; g < LK_G; g++)
						if (g < gn) gu[g] += gp[g * N + j] * w;
				}
			__syncthreads();
		}
}

// k_lk_gradW: the gradient of W, one block a 64×64 tile of (i, j) of one
// network, 256 threads with 4×4 outputs each: Σ_rows G_i X_j over the
// window's rows in order (tiles of 16 rows through shared memory), then
// ±1e-5/N² (sign of W̃) + its Dale map, as core.go.
#define LK_TILE 64
#define LK_ROWS 16
__global__ void k_lk_gradW(LkDims d, const double *theta, const double *X, const double *G, double *grad) {
	DYN_SHARED(sh); // LK_ROWS×LK_TILE of G, then of X
	double *gs = sh, *xsh = sh + LK_ROWS * LK_TILE;
	int N = d.N, nt = (N + LK_TILE - 1) / LK_TILE;
	int m = blockIdx.x / (nt * nt), tile = blockIdx.x % (nt * nt);
	int i0 = (tile / nt) * LK_TILE, j0 = (tile % nt) * LK_TILE;
	int tid = threadIdx.x, ti = tid / 16, tj = tid % 16;
	size_t SN = (size_t)d.S * N, rows = (size_t)d.R * d.S;
	const double *Xm = X + (size_t)m * (d.R + 1) * SN, *Gm = G + (size_t)m * d.R * SN;
	double acc[4][4];
	for (int u = 0; u < 4; u++)
		for (int v = 0; v < 4; v++) acc[u][v] = 0;
	for (size_t r0 = 0; r0 < rows; r0 += LK_ROWS) {
		for (int k = tid; k < LK_ROWS * LK_TILE; k += blockDim.x) {
			int rr = k / LK_TILE, cc = k % LK_TILE;
			size_t r = r0 + rr;
			bool ok = r < rows;
			gs[rr * LK_TILE + cc] = ok && i0 + cc < N ? Gm[r * N + i0 + cc] : 0;
			xsh[rr * LK_TILE + cc] = ok && j0 + cc < N ? Xm[r * N + j0 + cc] : 0;
		}
		__syncthreads();
		int nr = rows - r0 < LK_ROWS ? (int)(rows - r0) : LK_ROWS;
		for (int rr = 0; rr < nr; rr++)
			for (int u = 0; u < 4; u++) {
				double a = gs[rr * LK_TILE + ti * 4 + u];
				for (int v = 0; v < 4; v++) acc[u][v] += a * xsh[rr * LK_TILE + tj * 4 + v];
			}
		__syncthreads();
	}
	const double *th = theta + (size_t)m * d.P;
	double wp = 1e-5 / (double)(N * N);
	for (int u = 0; u < 4; u++)
		for (int v = 0; v < 4; v++) {
			int i = i0 + ti * 4 + u, j = j0 + tj * 4 + v;
			if (i >= N || j >= N) continue;
			double w = th[i * N + j], g = 0, a = acc[u][v];
			if (w > 0) g += wp;
			else if (w < 0) g -= wp;
			if (d.dale) { // leaky.Net.WeightGrad: a·sign(W̃), sign(0) = 0, negated on inhibitory columns
				if (w < 0) a = -a;
				else if (!(w > 0)) a = 0;
				if ((w > 0 || w < 0) && j >= d.Nexc) a = -a;
			}
			grad[(size_t)m * d.P + i * N + j] = g + a;
		}
}

// k_lk_grad: thread per (model, parameter other than W, which k_lk_gradW
// does): the window's gradient in the CPU's order — b: Σ_rows G_i; W_in: Σ over epochs (last first) and trials of
// (Σ_t G_i)·in_c (zero terms skipped); W_out: Σ_rows gz_q x[Nin+j].
__global__ void k_lk_grad(LkDims d, const double *theta, const double *X, const double *G, const double *GZ,
                          const double *input, double *grad) {
	size_t idx = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
	int N = d.N, nW = N * N, nrest = d.P - nW;
	if (idx >= (size_t)d.E * nrest) return;
	int m = (int)(idx / nrest), p = nW + (int)(idx % nrest);
	size_t SN = (size_t)d.S * N, rows = (size_t)d.R * d.S;
	const double *Xm = X + (size_t)m * (d.R + 1) * SN, *Gm = G + (size_t)m * d.R * SN;
	const double *th = theta + (size_t)m * d.P;
	double g = 0;
	int nWin = d.Nin * d.K;
	if (p < nW) { // not reached: k_lk_gradW
		int i = p / N, j = p % N;
		double w = th[p], wp = 1e-5 / (double)nW;
		if (w > 0) g += wp;
		else if (w < 0) g -= wp;
		double a = 0;
		for (size_t r = 0; r < rows; r++) a += Gm[r * N + i] * Xm[r * N + j];
		if (d.dale) { // leaky.Net.WeightGrad: a·sign(W̃), sign(0) = 0, negated on inhibitory columns
			if (w < 0) a = -a;
			else if (!(w > 0)) a = 0;
			if ((w > 0 || w < 0) && j >= d.Nexc) a = -a;
		}
		g += a;
	} else if (p < nW + N) {
		int i = p - nW;
		for (size_t r = 0; r < rows; r++) g += Gm[r * N + i];
	} else if (p < nW + N + nWin) {
		int i = (p - nW - N) / d.K, c = (p - nW - N) % d.K;
		for (int e = d.nep - 1; e >= 0; e--)
			for (int s = 0; s < d.S; s++) {
				double h = 0;
				for (int t = 0; t < d.steps[e]; t++) h += Gm[((size_t)d.k0[e] + t) * SN + (size_t)s * N + i];
				double v = input[(((size_t)m * d.nep + e) * d.S + s) * d.K + c];
				if (h != 0 && v != 0) g += h * v;
			}
	} else {
		int qj = p - nW - N - nWin, q = qj / d.No, j = qj % d.No;
		const double *gz = GZ + (size_t)m * rows * d.Q;
		for (size_t r = 0; r < rows; r++) g += gz[r * d.Q + q] * Xm[SN + r * N + d.Nin + j];
	}
	grad[(size_t)m * d.P + p] = g;
}

// k_lk_adam is tasktrain.Adam.Update (TensorFlow's Adam, ε on √v).
__global__ void k_lk_adam(size_t n, double *theta, const double *g, double *m, double *v, double lrt, double c1, double c2) {
	size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
	if (i >= n) return;
	double gi = g[i];
	m[i] += (gi - m[i]) * c1;
	v[i] += (gi * gi - v[i]) * c2;
	theta[i] -= (lrt * m[i]) / (sqrt(v[i]) + 1e-7);
}

// ---------------------------------------------------------------------------
// Host entry points of the leaky ensemble.

static void lk_release(rnncuda_leaky *l) {
	double **bufs[] = {&l->theta, &l->grad, &l->m, &l->v, &l->weff, &l->weffT, &l->warm, &l->input, &l->eta,
	                   &l->tfix,  &l->tout, &l->X,    &l->FP, &l->G,   &l->Y,    &l->GZ,    &l->loss};
	for (double **b : bufs)
		if (*b) cudaFree(*b), *b = NULL;
}

extern "C" void rnncuda_leaky_free(rnncuda_leaky *l) {
	if (!l) return;
	lk_release(l);
	free(l);
}

extern "C" int rnncuda_leaky_param_count(const rnncuda_leaky *l) { return l ? l->d.P : 0; }

extern "C" int rnncuda_leaky_create(const rnncuda_leaky_config *c, rnncuda_leaky **out) {
	if (!out) return fail(RNNCUDA_ERR_ARG, "rnncuda: leaky_create: out is NULL");
	*out = NULL;
	if (!c) return fail(RNNCUDA_ERR_ARG, "rnncuda: leaky_create: config is NULL");
	int count = 0;
	cudaError_t ce = cudaGetDeviceCount(&count);
	if (ce != cudaSuccess) return cuda_fail(ce, "leaky_create");
	if (count == 0) return fail(RNNCUDA_ERR_NO_DEVICE, "rnncuda: leaky_create: no CUDA device");
	if (c->models < 1) return fail(RNNCUDA_ERR_ARG, "rnncuda: leaky_create: models = %d, need >= 1", c->models);
	if (c->units < 5 || c->units > 1024) return fail(RNNCUDA_ERR_ARG, "rnncuda: leaky_create: units = %d, need 5..1024", c->units);
	if (c->inputs < 1 || c->outputs < 1) return fail(RNNCUDA_ERR_ARG, "rnncuda: leaky_create: inputs = %d, outputs = %d, need >= 1", c->inputs, c->outputs);
	if (c->nin < 0 || c->nout < 0 || c->nin + c->nout > c->units || c->nexc < 0 || c->nexc > c->units)
		return fail(RNNCUDA_ERR_ARG, "rnncuda: leaky_create: nin = %d, nout = %d, nexc = %d do not fit %d units", c->nin, c->nout, c->nexc, c->units);
	if (c->activation != RNNCUDA_LEAKY_RELU)
		return fail(RNNCUDA_ERR_ARG, "rnncuda: leaky_create: activation %d: only ReLU (RNNCUDA_LEAKY_RELU) runs on the device", c->activation);
	if (c->trials < 1 || c->warmup < 0) return fail(RNNCUDA_ERR_ARG, "rnncuda: leaky_create: trials = %d, warmup = %d, need >= 1, >= 0", c->trials, c->warmup);
	if (c->epochs < 1 || c->epochs > RNNCUDA_LEAKY_MAX_EPOCHS)
		return fail(RNNCUDA_ERR_ARG, "rnncuda: leaky_create: epochs = %d, need 1..%d", c->epochs, RNNCUDA_LEAKY_MAX_EPOCHS);
	if (!(c->tau > 0) || !(c->dt > 0)) return fail(RNNCUDA_ERR_ARG, "rnncuda: leaky_create: tau = %g, dt = %g, need > 0", c->tau, c->dt);
	LkDims d = {};
	d.E = c->models, d.N = c->units, d.K = c->inputs, d.Q = c->outputs, d.Nin = c->nin, d.No = c->nout, d.Nexc = c->nexc;
	d.S = c->trials, d.W = c->warmup, d.nep = c->epochs, d.dale = c->dale != 0, d.tau = c->tau, d.dt = c->dt;
	for (int e = 0; e < d.nep; e++) {
		if (c->steps[e] < 1) return fail(RNNCUDA_ERR_ARG, "rnncuda: leaky_create: steps[%d] = %d, need >= 1", e, c->steps[e]);
		d.steps[e] = c->steps[e], d.k0[e] = d.R, d.R += c->steps[e];
	}
	if (c->fix_lo < 0 || c->fix_lo > c->fix_hi || c->fix_hi > d.R || c->resp_lo < 0 || c->resp_lo > c->resp_hi || c->resp_hi > d.R)
		return fail(RNNCUDA_ERR_ARG, "rnncuda: leaky_create: loss windows [%d,%d) and [%d,%d) outside 0..%d recorded steps", c->fix_lo,
		            c->fix_hi, c->resp_lo, c->resp_hi, d.R);
	d.flo = c->fix_lo, d.fhi = c->fix_hi, d.rlo = c->resp_lo, d.rhi = c->resp_hi;
	d.P = d.N * d.N + d.N + d.Nin * d.K + d.Q * d.No;
	rnncuda_leaky *l = (rnncuda_leaky *)calloc(1, sizeof *l);
	if (!l) return fail(RNNCUDA_ERR_MEMORY, "rnncuda: leaky_create: out of host memory");
	l->d = d, l->b1t = 1, l->b2t = 1, l->wcap = d.W, l->rcap = d.R;
	size_t E = d.E, SN = (size_t)d.S * d.N, P = d.P;
	struct {
		double **p;
		size_t n;
		const char *what;
	} al[] = {{&l->theta, E * P, "theta"}, {&l->grad, E * P, "gradient"}, {&l->m, E * P, "Adam m"}, {&l->v, E * P, "Adam v"},
	          {&l->weff, E * d.N * d.N, "effective W"}, {&l->weffT, E * d.N * d.N, "effective Wᵀ"}, {&l->warm, E * d.S * d.K, "warm-up input"},
	          {&l->input, E * d.nep * d.S * d.K, "epoch inputs"}, {&l->eta, E * (d.W + d.R) * SN, "noise"},
	          {&l->tfix, E * d.S * d.Q, "fixation target"}, {&l->tout, E * d.S * d.Q, "response target"},
	          {&l->X, E * (d.R + 1) * SN, "states"}, {&l->FP, E * d.R * SN, "f'"}, {&l->G, E * d.R * SN, "cotangents"},
	          {&l->Y, E * d.R * d.S * d.Q, "readout"}, {&l->GZ, E * d.R * d.S * d.Q, "readout cotangents"}, {&l->loss, E, "loss"}};
	for (auto &a : al) {
		cudaError_t e = cudaMalloc((void **)a.p, (a.n ? a.n : 1) * sizeof(double));
		if (e != cudaSuccess) {
			int rc = cuda_fail(e, a.what);
			rnncuda_leaky_free(l);
			return rc;
		}
		cudaMemset(*a.p, 0, (a.n ? a.n : 1) * sizeof(double));
	}
	*out = l;
	return RNNCUDA_OK;
}

extern "C" int rnncuda_leaky_set_shape(rnncuda_leaky *l, const rnncuda_leaky_config *c) {
	if (!l || !c) return fail(RNNCUDA_ERR_ARG, "rnncuda: leaky_set_shape: %s is NULL", l ? "config" : "leaky ensemble");
	if (c->epochs < 1 || c->epochs > RNNCUDA_LEAKY_MAX_EPOCHS || c->warmup < 0)
		return fail(RNNCUDA_ERR_ARG, "rnncuda: leaky_set_shape: epochs = %d, warmup = %d, need 1..%d, >= 0", c->epochs, c->warmup,
		            RNNCUDA_LEAKY_MAX_EPOCHS);
	LkDims d = l->d;
	d.W = c->warmup, d.nep = c->epochs, d.R = 0;
	for (int e = 0; e < d.nep; e++) {
		if (c->steps[e] < 1) return fail(RNNCUDA_ERR_ARG, "rnncuda: leaky_set_shape: steps[%d] = %d, need >= 1", e, c->steps[e]);
		d.steps[e] = c->steps[e], d.k0[e] = d.R, d.R += c->steps[e];
	}
	if (d.R > l->rcap || d.W + d.R > l->wcap + l->rcap || d.nep > l->d.nep)
		return fail(RNNCUDA_ERR_ARG, "rnncuda: leaky_set_shape: %d warm-up + %d recorded steps in %d epochs exceed the %d + %d steps in %d epochs of leaky_create",
		            d.W, d.R, d.nep, l->wcap, l->rcap, l->d.nep);
	if (c->fix_lo < 0 || c->fix_lo > c->fix_hi || c->fix_hi > d.R || c->resp_lo < 0 || c->resp_lo > c->resp_hi || c->resp_hi > d.R)
		return fail(RNNCUDA_ERR_ARG, "rnncuda: leaky_set_shape: loss windows [%d,%d) and [%d,%d) outside 0..%d recorded steps", c->fix_lo,
		            c->fix_hi, c->resp_lo, c->resp_hi, d.R);
	d.flo = c->fix_lo, d.fhi = c->fix_hi, d.rlo = c->resp_lo, d.rhi = c->resp_hi;
	l->d = d;
	return RNNCUDA_OK;
}

static int lk_need(rnncuda_leaky *l, const void *p, const char *fn, const char *arg) {
	if (!l) return fail(RNNCUDA_ERR_ARG, "rnncuda: %s: leaky ensemble is NULL", fn);
	if (!p) return fail(RNNCUDA_ERR_ARG, "rnncuda: %s: %s is NULL", fn, arg);
	return RNNCUDA_OK;
}

extern "C" int rnncuda_leaky_set_params(rnncuda_leaky *l, const double *theta) {
	int rc = lk_need(l, theta, "leaky_set_params", "theta");
	if (rc) return rc;
	CK(cudaMemcpy(l->theta, theta, (size_t)l->d.E * l->d.P * sizeof(double), cudaMemcpyHostToDevice), "leaky_set_params");
	return RNNCUDA_OK;
}

extern "C" int rnncuda_leaky_get_params(rnncuda_leaky *l, double *theta) {
	int rc = lk_need(l, theta, "leaky_get_params", "theta");
	if (rc) return rc;
	CK(cudaMemcpy(theta, l->theta, (size_t)l->d.E * l->d.P * sizeof(double), cudaMemcpyDeviceToHost), "leaky_get_params");
	return RNNCUDA_OK;
}

extern "C" int rnncuda_leaky_get_grad(rnncuda_leaky *l, double *grad) {
	int rc = lk_need(l, grad, "leaky_get_grad", "grad");
	if (rc) return rc;
	CK(cudaMemcpy(grad, l->grad, (size_t)l->d.E * l->d.P * sizeof(double), cudaMemcpyDeviceToHost), "leaky_get_grad");
	return RNNCUDA_OK;
}

static unsigned lk_blocks(size_t n) { return (unsigned)((n + 127) / 128); }

extern "C" int rnncuda_leaky_window(rnncuda_leaky *l, const double *warm, const double *input, const double *eta,
                                    const double *tfix, const double *tout, double *loss) {
	int rc;
	if ((rc = lk_need(l, warm, "leaky_window", "warm_input")) || (rc = lk_need(l, input, "leaky_window", "input")) ||
	    (rc = lk_need(l, tfix, "leaky_window", "target_fix")) ||
	    (rc = lk_need(l, tout, "leaky_window", "target_out")))
		return rc;
	const LkDims &d = l->d;
	size_t E = d.E, SN = (size_t)d.S * d.N;
	CK(cudaMemcpy(l->warm, warm, E * d.S * d.K * sizeof(double), cudaMemcpyHostToDevice), "leaky_window upload");
	CK(cudaMemcpy(l->input, input, E * d.nep * d.S * d.K * sizeof(double), cudaMemcpyHostToDevice), "leaky_window upload");
	if (eta) CK(cudaMemcpy(l->eta, eta, E * (d.W + d.R) * SN * sizeof(double), cudaMemcpyHostToDevice), "leaky_window upload");
	CK(cudaMemcpy(l->tfix, tfix, E * d.S * d.Q * sizeof(double), cudaMemcpyHostToDevice), "leaky_window upload");
	CK(cudaMemcpy(l->tout, tout, E * d.S * d.Q * sizeof(double), cudaMemcpyHostToDevice), "leaky_window upload");
	int th = threads_for(d.N);
	LAUNCH(k_lk_weff, lk_blocks(E * d.N * d.N), 128, 0, d, (const double *)l->theta, l->weff, l->weffT);
	int G = lk_group(d), ng = lk_groups(d), nt = (d.N + LK_TILE - 1) / LK_TILE;
	size_t fsh = (size_t)G * (d.N + d.Nin) * sizeof(double);
	const double *cth = l->theta, *cwT = l->weffT, *cwarm = l->warm, *cin = l->input, *ceta = l->eta;
	if (th <= 256) LAUNCH((k_lk_forward<16, 256>), (unsigned)(E * ng), th, fsh, d, G, cth, cwT, cwarm, cin, ceta, l->X, l->FP);
	else if (th <= 512) LAUNCH((k_lk_forward<4, 512>), (unsigned)(E * ng), th, fsh, d, G, cth, cwT, cwarm, cin, ceta, l->X, l->FP);
	else LAUNCH((k_lk_forward<1, 1024>), (unsigned)(E * ng), th, fsh, d, G, cth, cwT, cwarm, cin, ceta, l->X, l->FP);
	LAUNCH(k_lk_readout, lk_blocks(E * d.R * d.S * d.Q), 128, 0, d, (const double *)l->theta, (const double *)l->X,
	       (const double *)l->tfix, (const double *)l->tout, l->Y, l->GZ);
	LAUNCH(k_lk_loss, lk_blocks(E), 128, 0, d, (const double *)l->theta, (const double *)l->X, (const double *)l->Y,
	       (const double *)l->tfix, (const double *)l->tout, l->loss);
	LAUNCH(k_lk_gstate, lk_blocks(E * d.R * SN), 128, 0, d, (const double *)l->theta, (const double *)l->X, (const double *)l->GZ, l->G);
	LAUNCH(k_lk_backward, (unsigned)(E * ng), th, (size_t)G * d.N * sizeof(double), d, G, (const double *)l->weff, (const double *)l->FP, l->G);
	LAUNCH(k_lk_gradW, (unsigned)(E * nt * nt), 256, 2 * LK_ROWS * LK_TILE * sizeof(double), d, (const double *)l->theta, (const double *)l->X, (const double *)l->G, l->grad);
	LAUNCH(k_lk_grad, lk_blocks(E * (d.P - (size_t)d.N * d.N)), 128, 0, d, (const double *)l->theta, (const double *)l->X, (const double *)l->G,
	       (const double *)l->GZ, (const double *)l->input, l->grad);
	if ((rc = launched("leaky window kernels"))) return rc;
	if (loss) CK(cudaMemcpy(loss, l->loss, E * sizeof(double), cudaMemcpyDeviceToHost), "leaky_window loss");
	else CK(cudaDeviceSynchronize(), "leaky_window");
	return RNNCUDA_OK;
}

extern "C" int rnncuda_leaky_adam(rnncuda_leaky *l, double lr) {
	if (!l) return fail(RNNCUDA_ERR_ARG, "rnncuda: leaky_adam: leaky ensemble is NULL");
	l->t++;
	l->b1t = l->b1t * 0.9;
	l->b2t = l->b2t * 0.999;
	double lrt = (lr * sqrt(1 - l->b2t)) / (1 - l->b1t);
	size_t n = (size_t)l->d.E * l->d.P;
	LAUNCH(k_lk_adam, lk_blocks(n), 128, 0, n, l->theta, (const double *)l->grad, l->m, l->v, lrt, 1 - 0.9, 1 - 0.999);
	int rc = launched("leaky Adam kernel");
	if (rc) return rc;
	CK(cudaDeviceSynchronize(), "leaky_adam");
	return RNNCUDA_OK;
}
