// rnncuda.cu — the CUDA kernels of librnncuda.so (ABI: rnncuda.h,
// docs/gpu.md). Written for correctness first: float64 throughout, one
// thread per latent unit, one block per (model, window), and the CPU path's
// order of operations reproduced term by term — forward sums in
// kernel/vec.Dot's eight-lane order, the state cotangent W^T g summed in
// increasing row order like vec.MatMul, the deferred weight gradient
// Σ g⊗φ and the common terms summed over the Backward calls in their order
// and the rows in increasing order (models/plrnn/tape.go), the basis
// gradients through the same sorted-threshold difference arrays as
// plrnn.Dendritic.VJP. Built with -fmad=false so no product is fused into
// an addition (docs/design.md, Determinism).
//
// Dendritic PLRNN (Brenner et al., ICML 2022, eqs. 4, 6):
//   z' = A⊙z + W φ(z) + h,  φ_i(z) = Σ_b α_b relu(z_i − H_ib) [− Σ_b α_b relu(z_i)],
// evaluated as φ_i = z_i·cumA_ik − cumAT_ik with k the number of thresholds
// of unit i below z_i (the prefix sums of α and α·H in threshold order).
// BPTT with sparse teacher forcing (Mikhaeil, Monfared & Durstewitz,
// NeurIPS 2022): every τ steps the first N latents are replaced by the data.
//
// Shallow PLRNN (Hess et al., ICML 2023, eq. 8 and Sec. 4; plrnn.Shallow):
//   z' = A⊙z + W1 relu(W2 z + h2) + h1, clipped: z' = A⊙z + W1 (relu(W2 z + h2) − relu(W2 z)) + h1,
// with L hidden units; its kernels reproduce plrnn.Shallow's step and the
// shallow tape (models/plrnn/tape.go) in the same way (the "shallow PLRNN"
// section below).

#include <cuda_runtime.h> // build/cuda/emu/cuda_runtime.h when built for the CPU emulator (RNNCUDA_EMU)
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rnncuda.h"

// Launch and dynamic shared memory as macros, so the CPU emulator
// (build/cuda/emu) can compile this file unchanged.
#ifndef RNNCUDA_EMU
#define LAUNCH(kernel, grid, block, shared, ...) kernel<<<(grid), (block), (shared)>>>(__VA_ARGS__)
#define DYN_SHARED(name) extern __shared__ double name[]
#endif

static __thread char last_error[512];

static int fail(int code, const char *fmt, ...) {
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(last_error, sizeof last_error, fmt, ap);
	va_end(ap);
	return code;
}

static int cuda_fail(cudaError_t e, const char *what) {
	if (e == cudaErrorNoDevice || e == cudaErrorInsufficientDriver)
		return fail(RNNCUDA_ERR_NO_DEVICE, "rnncuda: %s: no usable CUDA device (%s)", what, cudaGetErrorString(e));
	if (e == cudaErrorMemoryAllocation)
		return fail(RNNCUDA_ERR_MEMORY, "rnncuda: %s: out of device memory (%s)", what, cudaGetErrorString(e));
	return fail(RNNCUDA_ERR_CUDA, "rnncuda: %s: %s", what, cudaGetErrorString(e));
}

#define CK(call, what)                                   \
	do {                                             \
		cudaError_t e_ = (call);                 \
		if (e_ != cudaSuccess) return cuda_fail(e_, what); \
	} while (0)

extern "C" int rnncuda_abi_version(void) { return RNNCUDA_ABI_VERSION; }
extern "C" int rnncuda_is_real(void) { return 1; }
extern "C" const char *rnncuda_error(void) { return last_error; }

extern "C" int rnncuda_device_count(int *count) {
	int n = 0;
	cudaError_t e = cudaGetDeviceCount(&n);
	if (count) *count = 0;
	if (e != cudaSuccess) return cuda_fail(e, "cudaGetDeviceCount");
	if (n == 0) return fail(RNNCUDA_ERR_NO_DEVICE, "rnncuda: no CUDA device");
	if (count) *count = n;
	return RNNCUDA_OK;
}

extern "C" int rnncuda_device_info(int device, rnncuda_info *info) {
	int n = 0;
	int rc = rnncuda_device_count(&n);
	if (rc != RNNCUDA_OK) return rc;
	if (device < 0 || device >= n) return fail(RNNCUDA_ERR_ARG, "rnncuda: device %d out of range (%d devices)", device, n);
	if (!info) return fail(RNNCUDA_ERR_ARG, "rnncuda: device_info: info is NULL");
	cudaDeviceProp p;
	CK(cudaGetDeviceProperties(&p, device), "cudaGetDeviceProperties");
	memset(info, 0, sizeof *info);
	strncpy(info->name, p.name, sizeof info->name - 1);
	info->memory = p.totalGlobalMem;
	info->major = p.major;
	info->minor = p.minor;
	info->multiprocessors = p.multiProcessorCount;
	return RNNCUDA_OK;
}

extern "C" int rnncuda_set_device(int device) {
	int n = 0;
	int rc = rnncuda_device_count(&n);
	if (rc != RNNCUDA_OK) return rc;
	if (device < 0 || device >= n) return fail(RNNCUDA_ERR_ARG, "rnncuda: device %d out of range (%d devices)", device, n);
	CK(cudaSetDevice(device), "cudaSetDevice");
	return RNNCUDA_OK;
}

// ---------------------------------------------------------------------------
// The ensemble context.

struct rnncuda_ens {
	rnncuda_config c;
	int P;                   // parameters per model
	int offW, offH, offAl, offTh;
	int offW1, offW2, offH1, offH2; // the shallow PLRNN's blocks
	double *theta, *grad;    // E×P
	double *am, *av;         // Adam moments, E×P
	int at;                  // Adam steps
	double b1t, b2t;
	// The window's precision R (cfg.single: float, else double): the
	// buffers below hold R; θ, its gradient, the optimizer and the loss
	// are float64 always.
	size_t rs;               // sizeof(R)
	void *thetaR;            // E×P: θ in R (aliases theta for double)
	void *cumA, *cumAT;      // E×M×(B+1)
	void *sth;               // E×M×B
	int *ord;                // E×M×B
	void *sumAlpha;          // E
	void *series;            // E×rows×N
	int rows;
	int *starts;             // E×S
	void *z, *phi;           // E×T×S×M: recorded inputs and φ by slot
	int *kk;                 // E×T×S×M: active bases by slot
	void *g, *v;             // E×T×S×M: cotangents and W^T g by call
	void *zbN;               // E×T×S×N: the observed part of each slot's prediction
	void *io;                // E×S×M staging for the tape
	void *pre, *act;         // shallow, E×T×S×L: W2 z and the hidden activity by slot
	void *gsv, *qh;          // shallow, E×T×S×L: d⊙W1ᵀg and 1[W2 z + h2 > 0]⊙W1ᵀg by call
	double *loss;            // E
	int *order;              // T: the slot of each Backward call (device)
	int *horder;             // host copy
	int ncalls;
	int prepared;
};

static void ens_release(rnncuda_ens *e) {
	void *ps[] = {e->theta, e->grad, e->am, e->av, e->cumA, e->cumAT, e->sth, e->ord, e->sumAlpha,
	              e->series, e->starts, e->z, e->phi, e->kk, e->g, e->v, e->zbN, e->io, e->loss, e->order,
	              e->pre, e->act, e->gsv, e->qh};
	for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++)
		if (ps[i]) cudaFree(ps[i]);
	if (e->thetaR && e->thetaR != e->theta) cudaFree(e->thetaR);
	free(e->horder);
	free(e);
}

extern "C" void rnncuda_ens_free(rnncuda_ens *e) {
	if (e) ens_release(e);
}

extern "C" int rnncuda_ens_param_count(const rnncuda_ens *e) { return e ? e->P : 0; }

static int check_config(const rnncuda_config *c) {
	if (!c) return fail(RNNCUDA_ERR_ARG, "rnncuda: config is NULL");
	if (c->kind != RNNCUDA_DENDRITIC && c->kind != RNNCUDA_VANILLA && c->kind != RNNCUDA_SHALLOW)
		return fail(RNNCUDA_ERR_ARG, "rnncuda: model kind %d is not supported (RNNCUDA_DENDRITIC = 1, RNNCUDA_VANILLA = 2, RNNCUDA_SHALLOW = 3)", c->kind);
	if (c->kind == RNNCUDA_VANILLA && (c->bases != 0 || c->clipped != 0))
		return fail(RNNCUDA_ERR_ARG, "rnncuda: the vanilla PLRNN has no bases and no clipped form (bases = %d, clipped = %d, need 0, 0)", c->bases, c->clipped);
	if (c->kind == RNNCUDA_SHALLOW) {
		if (c->bases != 0 || c->project != 0)
			return fail(RNNCUDA_ERR_ARG, "rnncuda: the shallow PLRNN has no bases and no W diagonal to project (bases = %d, project = %d, need 0, 0)", c->bases, c->project);
		if (c->hidden < 1 || c->hidden > 4096) return fail(RNNCUDA_ERR_ARG, "rnncuda: hidden = %d, need 1..4096 for the shallow PLRNN", c->hidden);
	} else if (c->hidden != 0) {
		return fail(RNNCUDA_ERR_ARG, "rnncuda: hidden = %d, need 0 (only the shallow PLRNN, kind 3, has hidden units)", c->hidden);
	}
	if (c->clipped != 0 && c->clipped != 1) return fail(RNNCUDA_ERR_ARG, "rnncuda: clipped = %d, need 0 or 1", c->clipped);
	if (c->models < 1) return fail(RNNCUDA_ERR_ARG, "rnncuda: models = %d, need >= 1", c->models);
	if (c->latents < 1 || c->latents > 1024) return fail(RNNCUDA_ERR_ARG, "rnncuda: latents = %d, need 1..1024", c->latents);
	if (c->kind == RNNCUDA_DENDRITIC && (c->bases < 1 || c->bases > 1024)) return fail(RNNCUDA_ERR_ARG, "rnncuda: bases = %d, need 1..1024", c->bases);
	if (c->batch < 1) return fail(RNNCUDA_ERR_ARG, "rnncuda: batch = %d, need >= 1", c->batch);
	if (c->steps < 1) return fail(RNNCUDA_ERR_ARG, "rnncuda: steps = %d, need >= 1", c->steps);
	if (c->observed < 1 || c->observed > c->latents) return fail(RNNCUDA_ERR_ARG, "rnncuda: observed = %d, need 1..latents (%d)", c->observed, c->latents);
	if (c->interval < 1) return fail(RNNCUDA_ERR_ARG, "rnncuda: interval = %d, need >= 1", c->interval);
	if (c->single != 0 && c->single != 1) return fail(RNNCUDA_ERR_ARG, "rnncuda: single = %d, need 0 (float64) or 1 (float32)", c->single);
	size_t sh = c->kind != RNNCUDA_DENDRITIC ? 0 : ((size_t)c->latents * (3 * (size_t)c->bases + 2) + 1) * sizeof(double) + (size_t)c->latents * c->bases;
	if (sh > 48 * 1024) return fail(RNNCUDA_ERR_ARG, "rnncuda: latents × bases too large for the basis-gradient kernel's shared memory ((M·(3B+2)+1)·8 + M·B = %zu > 49152 bytes)", sh);
	return RNNCUDA_OK;
}

#define ALLOC(field, n, type)                                                        \
	do {                                                                         \
		cudaError_t e_ = cudaMalloc((void **)&e->field, (size_t)(n) * sizeof(type)); \
		if (e_ != cudaSuccess) {                                             \
			int rc_ = cuda_fail(e_, "allocating " #field);                \
			ens_release(e);                                              \
			return rc_;                                                  \
		}                                                                    \
		cudaMemset(e->field, 0, (size_t)(n) * sizeof(type));                 \
	} while (0)

extern "C" int rnncuda_ens_create(const rnncuda_config *cfg, rnncuda_ens **out) {
	if (!out) return fail(RNNCUDA_ERR_ARG, "rnncuda: ens_create: out is NULL");
	*out = NULL;
	int rc = check_config(cfg);
	if (rc != RNNCUDA_OK) return rc;
	int n = 0;
	rc = rnncuda_device_count(&n);
	if (rc != RNNCUDA_OK) return rc;
	rnncuda_ens *e = (rnncuda_ens *)calloc(1, sizeof *e);
	if (!e) return fail(RNNCUDA_ERR_MEMORY, "rnncuda: out of host memory");
	e->c = *cfg;
	const size_t E = cfg->models, M = cfg->latents, B = cfg->bases, S = cfg->batch, T = cfg->steps, N = cfg->observed;
	const int shallow = cfg->kind == RNNCUDA_SHALLOW;
	const size_t L = shallow ? cfg->hidden : 0;
	const size_t Mp = shallow ? 0 : M; // the dendritic and vanilla tapes' φ, k and v (none for shallow)
	e->offW = M;
	e->offH = M + M * M;
	e->offAl = 2 * M + M * M;
	e->offTh = 2 * M + M * M + B;
	e->offW1 = M; // plrnn.Shallow's Layout: A, W1 (M×L), W2 (L×M), h1, h2
	e->offW2 = M + M * L;
	e->offH1 = M + 2 * M * L;
	e->offH2 = 2 * M + 2 * M * L;
	e->P = shallow ? 2 * M + 2 * M * L + L : 2 * M + M * M + (cfg->kind == RNNCUDA_DENDRITIC ? B + M * B : 0);
	e->b1t = e->b2t = 1;
	e->horder = (int *)calloc(T, sizeof(int));
	if (!e->horder) {
		free(e);
		return fail(RNNCUDA_ERR_MEMORY, "rnncuda: out of host memory");
	}
	ALLOC(theta, E * e->P, double);
	ALLOC(grad, E * e->P, double);
	ALLOC(am, E * e->P, double);
	ALLOC(av, E * e->P, double);
	const size_t rs = e->rs = cfg->single ? sizeof(float) : sizeof(double);
	if (cfg->single) ALLOC(thetaR, E * e->P * rs, char);
	else e->thetaR = e->theta;
	ALLOC(cumA, E * M * (B + 1) * rs, char);
	ALLOC(cumAT, E * M * (B + 1) * rs, char);
	ALLOC(sth, E * M * B * rs, char);
	ALLOC(ord, E * M * B, int);
	ALLOC(sumAlpha, E * rs, char);
	ALLOC(starts, E * S, int);
	ALLOC(z, E * T * S * M * rs, char);
	ALLOC(phi, E * T * S * Mp * rs, char);
	ALLOC(kk, E * T * S * Mp, int);
	ALLOC(g, E * T * S * M * rs, char);
	ALLOC(v, E * T * S * Mp * rs, char);
	if (shallow) {
		ALLOC(pre, E * T * S * L * rs, char);
		ALLOC(act, E * T * S * L * rs, char);
		ALLOC(gsv, E * T * S * L * rs, char);
		ALLOC(qh, E * T * S * L * rs, char);
	}
	ALLOC(zbN, E * T * S * N * rs, char);
	ALLOC(io, E * S * M * rs, char);
	ALLOC(loss, E, double);
	ALLOC(order, T, int);
	*out = e;
	return RNNCUDA_OK;
}

static int need(rnncuda_ens *e, const void *p, const char *fn, const char *arg) {
	if (!e) return fail(RNNCUDA_ERR_ARG, "rnncuda: %s: ensemble is NULL", fn);
	if (!p) return fail(RNNCUDA_ERR_ARG, "rnncuda: %s: %s is NULL", fn, arg);
	return RNNCUDA_OK;
}

extern "C" int rnncuda_ens_set_params(rnncuda_ens *e, const double *theta) {
	int rc = need(e, theta, "set_params", "theta");
	if (rc) return rc;
	CK(cudaMemcpy(e->theta, theta, (size_t)e->c.models * e->P * sizeof(double), cudaMemcpyHostToDevice), "set_params");
	e->prepared = 0;
	return RNNCUDA_OK;
}

extern "C" int rnncuda_ens_get_params(rnncuda_ens *e, double *theta) {
	int rc = need(e, theta, "get_params", "theta");
	if (rc) return rc;
	CK(cudaMemcpy(theta, e->theta, (size_t)e->c.models * e->P * sizeof(double), cudaMemcpyDeviceToHost), "get_params");
	return RNNCUDA_OK;
}

extern "C" int rnncuda_ens_get_grad(rnncuda_ens *e, double *grad) {
	int rc = need(e, grad, "get_grad", "grad");
	if (rc) return rc;
	CK(cudaMemcpy(grad, e->grad, (size_t)e->c.models * e->P * sizeof(double), cudaMemcpyDeviceToHost), "get_grad");
	return RNNCUDA_OK;
}

extern "C" int rnncuda_ens_set_series(rnncuda_ens *e, const double *series, int rows) {
	int rc = need(e, series, "set_series", "series");
	if (rc) return rc;
	if (rows < e->c.steps + 1) return fail(RNNCUDA_ERR_ARG, "rnncuda: set_series: %d rows is shorter than one window (%d + 1)", rows, e->c.steps);
	if (e->series) cudaFree(e->series);
	e->series = NULL;
	size_t n = (size_t)e->c.models * rows * e->c.observed;
	CK(cudaMalloc((void **)&e->series, n * e->rs), "allocating the series");
	if (e->c.single) {
		float *f = (float *)malloc(n * sizeof(float));
		if (!f) return fail(RNNCUDA_ERR_MEMORY, "rnncuda: set_series: out of host memory");
		for (size_t i = 0; i < n; i++) f[i] = (float)series[i];
		cudaError_t ce = cudaMemcpy(e->series, f, n * sizeof(float), cudaMemcpyHostToDevice);
		free(f);
		CK(ce, "set_series");
	} else {
		CK(cudaMemcpy(e->series, series, n * sizeof(double), cudaMemcpyHostToDevice), "set_series");
	}
	e->rows = rows;
	return RNNCUDA_OK;
}

// ---------------------------------------------------------------------------
// Device code.

struct Dims {
	int E, M, B, S, T, N, tau, P, offW, offH, offAl, offTh, clipped, project, rows;
	int wsh;     // 1: the step kernels keep W in shared memory (M·M + M doubles fit in 48 KiB;
	             // shallow: W1 and W2, M + L + 2·M·L doubles)
	int vanilla; // the vanilla PLRNN: φ = relu, no bases
	int shallow; // the shallow PLRNN: L hidden units, blocks at offW1, offW2, offH1, offH2
	int L, offW1, offW2, offH1, offH2;
};

static Dims dims(const rnncuda_ens *e) {
	Dims d;
	d.E = e->c.models, d.M = e->c.latents, d.B = e->c.bases, d.S = e->c.batch, d.T = e->c.steps;
	d.N = e->c.observed, d.tau = e->c.interval, d.P = e->P;
	d.offW = e->offW, d.offH = e->offH, d.offAl = e->offAl, d.offTh = e->offTh;
	d.clipped = e->c.clipped, d.project = e->c.project, d.rows = e->rows;
	d.wsh = ((size_t)d.M * d.M + d.M) * sizeof(double) <= 48 * 1024;
	d.vanilla = e->c.kind == RNNCUDA_VANILLA;
	d.shallow = e->c.kind == RNNCUDA_SHALLOW;
	d.L = e->c.hidden;
	d.offW1 = e->offW1, d.offW2 = e->offW2, d.offH1 = e->offH1, d.offH2 = e->offH2;
	if (d.shallow) d.wsh = ((size_t)d.M + d.L + 2 * (size_t)d.M * d.L) * sizeof(double) <= 48 * 1024;
	return d;
}

// Tape index of (model e, slot or call k, row s, unit i).
__device__ __forceinline__ size_t tix(const Dims &d, int e, int k, int s, int i) {
	return (((size_t)e * d.T + k) * d.S + s) * d.M + i;
}

// dot8 is kernel/vec.Dot of a (stride as) and b: element j goes to lane j mod 8, each lane starts
// at +0, and the lanes are combined as ((l0+l4)+(l2+l6))+((l1+l5)+(l3+l7)).
template <typename R>
__device__ R dot8(const R *a, int as, const R *b, int n) {
	R l0 = 0, l1 = 0, l2 = 0, l3 = 0, l4 = 0, l5 = 0, l6 = 0, l7 = 0; // registers, not a local array
	int j = 0;
	for (; j + 8 <= n; j += 8) {
		l0 += a[j * as] * b[j];
		l1 += a[(j + 1) * as] * b[j + 1];
		l2 += a[(j + 2) * as] * b[j + 2];
		l3 += a[(j + 3) * as] * b[j + 3];
		l4 += a[(j + 4) * as] * b[j + 4];
		l5 += a[(j + 5) * as] * b[j + 5];
		l6 += a[(j + 6) * as] * b[j + 6];
		l7 += a[(j + 7) * as] * b[j + 7];
	}
	switch (n - j) { // the tail: element j still goes to lane j mod 8
	case 7: l6 += a[(j + 6) * as] * b[j + 6]; // fall through
	case 6: l5 += a[(j + 5) * as] * b[j + 5]; // fall through
	case 5: l4 += a[(j + 4) * as] * b[j + 4]; // fall through
	case 4: l3 += a[(j + 3) * as] * b[j + 3]; // fall through
	case 3: l2 += a[(j + 2) * as] * b[j + 2]; // fall through
	case 2: l1 += a[(j + 1) * as] * b[j + 1]; // fall through
	case 1: l0 += a[j * as] * b[j];
	}
	return ((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7));
}

// The threshold tables of plrnn.Dendritic.prepare: per unit, the bases in
// increasing order of threshold (ties by index, insertion sort), the sorted
// thresholds and the prefix sums of α and α·H in that order.
template <typename R>
__global__ void k_tables(Dims d, const R *theta, R *cumA, R *cumAT, R *sth, int *ord, R *sumAlpha) {
	int e = blockIdx.x, i = threadIdx.x;
	if (d.vanilla) return; // no bases, no tables
	const R *th = theta + (size_t)e * d.P;
	const R *al = th + d.offAl;
	if (i == 0) {
		R s = 0;
		for (int b = 0; b < d.B; b++) s += al[b];
		sumAlpha[e] = s;
	}
	if (i >= d.M) return;
	const R *H = th + d.offTh + (size_t)i * d.B;
	int *o = ord + ((size_t)e * d.M + i) * d.B;
	R *st = sth + ((size_t)e * d.M + i) * d.B;
	R *ca = cumA + ((size_t)e * d.M + i) * (d.B + 1), *cat = cumAT + ((size_t)e * d.M + i) * (d.B + 1);
	for (int b = 0; b < d.B; b++) o[b] = b;
	for (int a = 1; a < d.B; a++)
		for (int c = a; c > 0 && (H[o[c]] < H[o[c - 1]] || (H[o[c]] == H[o[c - 1]] && o[c] < o[c - 1])); c--) {
			int t = o[c];
			o[c] = o[c - 1];
			o[c - 1] = t;
		}
	ca[0] = 0, cat[0] = 0;
	for (int k = 0; k < d.B; k++) {
		int b = o[k];
		st[k] = H[b];
		ca[k + 1] = ca[k] + al[b];
		cat[k + 1] = cat[k] + al[b] * H[b];
	}
}

// phi_unit returns φ_i(z) and sets *q to the number of active bases.
template <typename R>
__device__ __forceinline__ R phi_unit(const Dims &d, int e, int i, R z, const R *cumA, const R *cumAT,
                                           const R *sth, const R *sumAlpha, int *q) {
	if (d.vanilla) { // relu (plrnn.Vanilla): +0 for z ≤ 0, and k = 1[z > 0]
		*q = z > 0;
		return z > 0 ? z : (R)0;
	}
	const R *st = sth + ((size_t)e * d.M + i) * d.B;
	int k = 0;
	while (k < d.B && st[k] < z) k++;
	*q = k;
	size_t j = ((size_t)e * d.M + i) * (d.B + 1) + k;
	R s = z * cumA[j] - cumAT[j];
	if (d.clipped && z > 0) s -= sumAlpha[e] * z;
	return s;
}

// load_w copies model e's W into shared memory at w (after the M Rs
// of φ), transposed when transpose is set, if it fits (d.wsh); every thread
// of the block must call it.
template <typename R>
__device__ void load_w(const Dims &d, int e, const R *theta, R *w, int transpose) {
	if (!d.wsh) return;
	const R *W = theta + (size_t)e * d.P + d.offW;
	for (int x = threadIdx.x; x < d.M * d.M; x += blockDim.x) {
		int i = x / d.M, j = x % d.M;
		w[transpose ? j * d.M + i : x] = W[x];
	}
	__syncthreads();
}

// The shared memory of a step kernel: φ or g (M Rs), then W if it fits.
template <typename R>
static size_t step_shared(const Dims &d) {
	return ((size_t)d.M + (d.wsh ? (size_t)d.M * d.M : 0)) * sizeof(R);
}

// One step of row (e, s) for unit i: φ into sh (shared, M), returns
// (A_i z_i + (W φ)_i) + h_i, W read from shared memory (transposed, after
// φ) when d.wsh. Every thread of the block must call it.
template <typename R>
__device__ R step_unit(const Dims &d, int e, int i, R z, R *sh, const R *theta, const R *cumA,
                            const R *cumAT, const R *sth, const R *sumAlpha, R *phi_out, int *kk_out) {
	R out = 0;
	if (i < d.M) {
		int q;
		R p = phi_unit(d, e, i, z, cumA, cumAT, sth, sumAlpha, &q);
		sh[i] = p;
		if (phi_out) *phi_out = p;
		if (kk_out) *kk_out = q;
	}
	__syncthreads();
	if (i < d.M) {
		const R *th = theta + (size_t)e * d.P;
		R nl = d.wsh ? dot8(sh + d.M + i, d.M, sh, d.M) : dot8(th + d.offW + (size_t)i * d.M, 1, sh, d.M);
		out = (th[i] * z + nl) + th[d.offH + i];
	}
	__syncthreads();
	return out;
}

template <typename R>
__device__ __forceinline__ R xdata(const Dims &d, const R *series, const int *starts, int e, int k, int s, int i) {
	return series[((size_t)e * d.rows + starts[e * d.S + s] + k) * d.N + i];
}

// The teacher-forced forward pass of a whole window, block (e, s).
template <typename R>
__global__ void k_window_forward(Dims d, const R *theta, const R *cumA, const R *cumAT, const R *sth,
                                 const R *sumAlpha, const R *series, const int *starts, R *z, R *phi,
                                 int *kk, R *zbN) {
	DYN_SHARED(shraw);
	R *sh = (R *)shraw;
	int e = blockIdx.x / d.S, s = blockIdx.x % d.S, i = threadIdx.x;
	load_w(d, e, theta, sh + d.M, 1);
	R zi = 0;
	if (i < d.N) zi = xdata(d, series, starts, e, 0, s, i);
	for (int k = 1; k <= d.T; k++) {
		size_t t = tix(d, e, k - 1, s, i < d.M ? i : 0);
		if (i < d.M) z[t] = zi;
		R zb = step_unit(d, e, i, zi, sh, theta, cumA, cumAT, sth, sumAlpha, i < d.M ? phi + t : NULL, i < d.M ? kk + t : NULL);
		if (i < d.N) zbN[(((size_t)e * d.T + k - 1) * d.S + s) * d.N + i] = zb;
		zi = zb;
		if (k % d.tau == 0 && i < d.N) zi = xdata(d, series, starts, e, k, s, i);
	}
}

// The mean squared error of each model, summed over steps, rows and
// observed units in that order (rules/bptt Trainer.Forward).
template <typename R>
__global__ void k_loss(Dims d, const R *series, const int *starts, const R *zbN, double *loss) {
	int e = blockIdx.x * blockDim.x + threadIdx.x;
	if (e >= d.E) return;
	double sse = 0; // float64 even for R = float
	for (int k = 1; k <= d.T; k++)
		for (int s = 0; s < d.S; s++)
			for (int i = 0; i < d.N; i++) {
				R r = zbN[(((size_t)e * d.T + k - 1) * d.S + s) * d.N + i] - xdata(d, series, starts, e, k, s, i);
				sse += (double)r * (double)r;
			}
	loss[e] = sse / (double)((long long)d.T * d.S * d.N);
}

// Backward through one recorded slot for row (e, s): gp is the cotangent of
// the step's output (unit i's entry); writes g and v = W^T g to the tape at
// call c and returns unit i's state cotangent A_i g_i + φ'_i v_i.
template <typename R>
__device__ R back_unit(const Dims &d, int e, int s, int i, int slot, int c, R gp, R *sh, const R *theta,
                            const R *cumA, const R *sumAlpha, const R *z, const int *kk, R *g, R *v) {
	R out = 0;
	if (i < d.M) {
		sh[i] = gp;
		g[tix(d, e, c, s, i)] = gp;
	}
	__syncthreads();
	if (i < d.M) {
		const R *th = theta + (size_t)e * d.P;
		const R *W = d.wsh ? sh + d.M : th + d.offW;
		R vi = 0;
		for (int j = 0; j < d.M; j++) vi += sh[j] * W[(size_t)j * d.M + i];
		v[tix(d, e, c, s, i)] = vi;
		size_t t = tix(d, e, slot, s, i);
		R zi = z[t];
		R a = d.vanilla ? (R)(kk[t] ? 1 : 0) : cumA[((size_t)e * d.M + i) * (d.B + 1) + kk[t]]; // vanilla: step01(z)
		if (d.clipped && zi > 0) a -= sumAlpha[e];
		out = th[i] * gp + a * vi;
	}
	__syncthreads();
	return out;
}

// BPTT through the window, block (e, s): calls c = 0 … T−1 visit slots
// T−1 … 0 (rules/bptt Trainer.Backward).
template <typename R>
__global__ void k_window_backward(Dims d, const R *theta, const R *cumA, const R *sumAlpha,
                                  const R *series, const int *starts, const R *z, const int *kk,
                                  const R *zbN, R *g, R *v) {
	DYN_SHARED(shraw);
	R *sh = (R *)shraw;
	int e = blockIdx.x / d.S, s = blockIdx.x % d.S, i = threadIdx.x;
	load_w(d, e, theta, sh + d.M, 0);
	R scale = (R)(2 / (double)((long long)d.T * d.S * d.N));
	R gz = 0;
	for (int k = d.T; k >= 1; k--) {
		R gp = gz;
		if (k % d.tau == 0 && i < d.N) gp = 0;
		R gobs = 0;
		if (i < d.N) gobs = scale * (zbN[(((size_t)e * d.T + k - 1) * d.S + s) * d.N + i] - xdata(d, series, starts, e, k, s, i));
		gp += gobs;
		gz = back_unit(d, e, s, i, k - 1, d.T - k, gp, sh, theta, cumA, sumAlpha, z, kk, g, v);
	}
}

// The gradients of A, W and h: one thread per element, summed over the
// calls in order and the rows in increasing order, from +0.
template <typename R>
__global__ void k_grad_dense(Dims d, int ncalls, const int *order, const R *z, const R *phi, const R *g,
                             double *grad) {
	int per = 2 * d.M + d.M * d.M;
	size_t id = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
	if (id >= (size_t)d.E * per) return;
	int e = id / per, p = id % per;
	double acc = 0; // float64 products and sums even for R = float
	if (p < d.M) { // A: Σ g_i z_i
		int i = p;
		for (int c = 0; c < ncalls; c++)
			for (int s = 0; s < d.S; s++) acc += (double)g[tix(d, e, c, s, i)] * (double)z[tix(d, e, order[c], s, i)];
		grad[(size_t)e * d.P + i] = 0 + acc;
	} else if (p < d.M + d.M * d.M) { // W: Σ g_i φ_j
		int ij = p - d.M, i = ij / d.M, j = ij % d.M;
		if (d.project && i == j) {
			grad[(size_t)e * d.P + d.offW + ij] = 0;
			return;
		}
		for (int c = 0; c < ncalls; c++)
			for (int s = 0; s < d.S; s++) acc += (double)g[tix(d, e, c, s, i)] * (double)phi[tix(d, e, order[c], s, j)];
		grad[(size_t)e * d.P + d.offW + ij] = 0 + acc;
	} else { // h: Σ g_i
		int i = p - d.M - d.M * d.M;
		for (int c = 0; c < ncalls; c++)
			for (int s = 0; s < d.S; s++) acc += (double)g[tix(d, e, c, s, i)];
		grad[(size_t)e * d.P + d.offH + i] = 0 + acc;
	}
}

// The gradients of α and the thresholds H (plrnn.Dendritic.basisGradient),
// block e: per call, unit i gathers v and v·z of its rows at its sorted
// position k into difference arrays, whose suffix sums S0, S1 give
// gα_b += S1 − H_ib·S0 (units in increasing order) and gH_ib −= α_b·S0;
// the clipped form subtracts Σ v·z over positive z from every gα_b.
template <typename R>
__global__ void k_grad_basis(Dims d, int ncalls, const int *order, const double *theta, const int *ordb, const R *z,
                             const int *kk, const R *v, double *grad) {
	DYN_SHARED(sh); // float64 sums even for R = float; theta is the float64 θ
	const int M = d.M, B = d.B, nb1 = B + 1;
	double *d0 = sh, *d1 = sh + M * nb1, *cb = sh + 2 * M * nb1, *clip = cb + M * B;
	unsigned char *flag = (unsigned char *)(clip + 1);
	int e = blockIdx.x, t = threadIdx.x;
	const double *th = theta + (size_t)e * d.P;
	const double *al = th + d.offAl;
	double *gth = grad + (size_t)e * d.P + d.offTh;
	if (t < M)
		for (int b = 0; b < B; b++) gth[t * B + b] = 0;
	double gal = 0;
	for (int c = 0; c < ncalls; c++) {
		int slot = order[c];
		if (t < M) {
			int i = t;
			double *a0 = d0 + i * nb1, *a1 = d1 + i * nb1;
			for (int q = 0; q < nb1; q++) a0[q] = 0, a1[q] = 0;
			for (int s = 0; s < d.S; s++) {
				size_t x = tix(d, e, slot, s, i);
				double vi = v[tix(d, e, c, s, i)], zi = z[x];
				int q = kk[x];
				a0[q] += vi;
				a1[q] += vi * zi;
			}
			const int *o = ordb + ((size_t)e * M + i) * B;
			const double *H = th + d.offTh + (size_t)i * B;
			double s0 = 0, s1 = 0;
			for (int q = B - 1; q >= 0; q--) {
				s0 += a0[q + 1];
				s1 += a1[q + 1];
				int b = o[q];
				if (s0 == 0 && s1 == 0) {
					flag[i * B + b] = 0;
					continue;
				}
				flag[i * B + b] = 1;
				cb[i * B + b] = s1 - H[b] * s0;
				gth[i * B + b] -= al[b] * s0;
			}
		}
		if (t == 0) {
			double cl = 0;
			if (d.clipped)
				for (int s = 0; s < d.S; s++)
					for (int i = 0; i < M; i++) {
						double zi = z[tix(d, e, slot, s, i)];
						if (zi > 0) cl += (double)v[tix(d, e, c, s, i)] * zi;
					}
			*clip = cl;
		}
		__syncthreads();
		if (t < B) {
			for (int i = 0; i < M; i++)
				if (flag[i * B + t]) gal += cb[i * B + t];
			if (*clip != 0) gal -= *clip;
		}
		__syncthreads();
	}
	if (t < B) grad[(size_t)e * d.P + d.offAl + t] = 0 + gal;
	if (t < M)
		for (int b = 0; b < B; b++) gth[t * B + b] = 0 + gth[t * B + b];
}

// Adam / RAdam (kernel/optim.Adam.Update) over all E·P parameters.
__global__ void k_adam(size_t n, double *theta, const double *g, double *m, double *v, double b1, double b2, double c1,
                       double c2, double lrRect, double lr, int adaptive, double eps) {
	size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
	if (i >= n) return;
	double gi = g[i];
	m[i] = b1 * m[i] + (1 - b1) * gi;
	v[i] = b2 * v[i] + ((1 - b2) * gi) * gi;
	double mh = m[i] / c1;
	if (adaptive) {
		double vh = sqrt(v[i] / c2);
		theta[i] -= lrRect * mh / (vh + eps);
	} else {
		theta[i] -= lr * mh;
	}
}

// One step of the tape for row (e, s) at slot k: x on the tape, result to io.
template <typename R>
__global__ void k_tape_forward(Dims d, int k, const R *theta, const R *cumA, const R *cumAT,
                               const R *sth, const R *sumAlpha, const R *z, R *phi, int *kk, R *io) {
	DYN_SHARED(shraw);
	R *sh = (R *)shraw;
	int e = blockIdx.x / d.S, s = blockIdx.x % d.S, i = threadIdx.x;
	load_w(d, e, theta, sh + d.M, 1);
	size_t t = tix(d, e, k, s, i < d.M ? i : 0);
	R zi = i < d.M ? z[t] : 0;
	R out = step_unit(d, e, i, zi, sh, theta, cumA, cumAT, sth, sumAlpha, i < d.M ? phi + t : NULL, i < d.M ? kk + t : NULL);
	if (i < d.M) io[((size_t)e * d.S + s) * d.M + i] = out;
}

// Backward of the tape for row (e, s) through slot k, the cotangent at call
// c on the tape, the state cotangent to io.
template <typename R>
__global__ void k_tape_backward(Dims d, int k, int c, const R *theta, const R *cumA, const R *sumAlpha,
                                const R *z, const int *kk, R *g, R *v, R *io) {
	DYN_SHARED(shraw);
	R *sh = (R *)shraw;
	int e = blockIdx.x / d.S, s = blockIdx.x % d.S, i = threadIdx.x;
	load_w(d, e, theta, sh + d.M, 0);
	R gp = i < d.M ? g[tix(d, e, c, s, i)] : 0;
	R out = back_unit(d, e, s, i, k, c, gp, sh, theta, cumA, sumAlpha, z, kk, g, v);
	if (i < d.M) io[((size_t)e * d.S + s) * d.M + i] = out;
}

// Free-running rollouts, block (e, r).
template <typename R>
__global__ void k_rollout(Dims d, int nr, int steps, const R *theta, const R *cumA, const R *cumAT,
                          const R *sth, const R *sumAlpha, const R *z0, R *out) {
	DYN_SHARED(shraw);
	R *sh = (R *)shraw;
	int e = blockIdx.x / nr, r = blockIdx.x % nr, i = threadIdx.x;
	load_w(d, e, theta, sh + d.M, 1);
	R zi = i < d.M ? z0[((size_t)e * nr + r) * d.M + i] : 0;
	for (int k = 0; k < steps; k++) {
		zi = step_unit(d, e, i, zi, sh, theta, cumA, cumAT, sth, sumAlpha, (R *)NULL, (int *)NULL);
		if (i < d.M) out[(((size_t)e * nr + r) * steps + k) * d.M + i] = zi;
	}
}

// ---------------------------------------------------------------------------
// The shallow PLRNN (Hess et al., ICML 2023, eq. 8 and Sec. 4): the step of
// plrnn.Shallow and the shallow tape of models/plrnn/tape.go, operation for
// operation. One block per (model, row); thread t owns hidden units t, t +
// blockDim, … and latents t, t + blockDim, …, so any L and M run.

// Index of (model e, slot or call k, row s, hidden unit l) in the E×T×S×L arrays.
__device__ __forceinline__ size_t hix(const Dims &d, int e, int k, int s, int l) {
	return (((size_t)e * d.T + k) * d.S + s) * d.L + l;
}

// The shared memory of a shallow step kernel: the state or its cotangent (M
// Rs), the hidden layer (L), then W1 and W2 (2·M·L) if they fit (d.wsh).
template <typename R>
static size_t sh_shared(const Dims &d) {
	return ((size_t)d.M + d.L + (d.wsh ? 2 * (size_t)d.M * d.L : 0)) * sizeof(R);
}

// sh_load_w copies model e's W1 and W2 into shared memory at w (W1's M·L,
// then W2's L·M), if they fit (d.wsh): transposed for the forward pass, so
// that the threads read rows of W2 (hidden unit l) and of W1 (latent i) at
// unit stride across the block, as they are for the backward pass, whose
// sums run down columns. Every thread of the block must call it.
template <typename R>
__device__ void sh_load_w(const Dims &d, int e, const R *theta, R *w, int transpose) {
	if (!d.wsh) return;
	const R *th = theta + (size_t)e * d.P;
	const R *W1 = th + d.offW1, *W2 = th + d.offW2;
	const int M = d.M, L = d.L;
	R *w1 = w, *w2 = w + (size_t)M * L;
	for (int x = threadIdx.x; x < M * L; x += blockDim.x) {
		int i = x / L, l = x % L; // W1[i][l]
		w1[transpose ? l * M + i : x] = W1[x];
		int h = x / M, j = x % M; // W2[h][j]
		w2[transpose ? j * L + h : x] = W2[x];
	}
	__syncthreads();
}

// sh_step advances one row of model e by a step in place: zs (shared, M)
// holds z on entry and z' on return, hs (shared, L) receives the hidden
// activity, and pre, act (global, L, or NULL) record W2 z and the activity
// for the tape. The order of operations is plrnn.Shallow's: s_l = (W2 z)_l
// in kernel/vec.Dot's eight-lane order (vec.MatVec), a_l = s_l + h2_l,
// act_l = relu(a_l) [− relu(s_l) when clipped], then z'_i = (A_i z_i +
// (W1 act)_i) + h1_i with (W1 act)_i in the same order (Shallow.Step and
// core.finish). Every thread of the block must call it; it begins and ends
// at a barrier, and thread t writes the latents it owns.
template <typename R>
__device__ void sh_step(const Dims &d, int e, R *zs, R *hs, const R *w, const R *theta, R *pre, R *act) {
	const R *th = theta + (size_t)e * d.P;
	const int M = d.M, L = d.L;
	__syncthreads(); // zs is complete
	for (int l = threadIdx.x; l < L; l += blockDim.x) {
		R s = d.wsh ? dot8(w + (size_t)M * L + l, L, zs, M) : dot8(th + d.offW2 + (size_t)l * M, 1, zs, M);
		R a = s + th[d.offH2 + l];
		R ra = a > 0 ? a : (R)0;
		R v = d.clipped ? ra - (s > 0 ? s : (R)0) : ra;
		hs[l] = v;
		if (pre) pre[l] = s, act[l] = v;
	}
	__syncthreads();
	for (int i = threadIdx.x; i < M; i += blockDim.x) {
		R nl = d.wsh ? dot8(w + i, M, hs, L) : dot8(th + d.offW1 + (size_t)i * L, 1, hs, L);
		zs[i] = (th[i] * zs[i] + nl) + th[d.offH1 + i];
	}
	__syncthreads();
}

// sh_back pulls the cotangent of row (e, s)'s step at slot k back at call c
// (shallowTape.Backward): gsh (shared, M) holds g on entry and the state
// cotangent on return. v_l = (W1ᵀ g)_l summed over i in increasing order
// from +0 (vec.MatMul), q_l = 1[s_l + h2_l > 0]·v_l (h2's gradient term),
// u_l = d_l·v_l with d_l = 1[s_l + h2_l > 0] [− 1[s_l > 0] when clipped],
// then gsh_i = A_i g_i + (W2ᵀ u)_i, the sum over l in increasing order from
// +0. u and q go to the tape at call c. Every thread of the block must call
// it; it begins and ends at a barrier.
template <typename R>
__device__ void sh_back(const Dims &d, int e, int s, int k, int c, R *gsh, R *hs, const R *w, const R *theta,
                        const R *pre, R *gsv, R *qh) {
	const R *th = theta + (size_t)e * d.P;
	const int M = d.M, L = d.L;
	const R *W1 = d.wsh ? w : th + d.offW1;
	const R *W2 = d.wsh ? w + (size_t)M * L : th + d.offW2;
	__syncthreads(); // gsh is complete
	for (int l = threadIdx.x; l < L; l += blockDim.x) {
		R v = 0;
		for (int i = 0; i < M; i++) v += gsh[i] * W1[(size_t)i * L + l];
		R sl = pre[hix(d, e, k, s, l)];
		R on = sl + th[d.offH2 + l] > 0 ? (R)1 : (R)0;
		qh[hix(d, e, c, s, l)] = on * v;
		R dl = d.clipped ? on - (sl > 0 ? (R)1 : (R)0) : on;
		R u = dl * v;
		hs[l] = u;
		gsv[hix(d, e, c, s, l)] = u;
	}
	__syncthreads();
	for (int i = threadIdx.x; i < M; i += blockDim.x) {
		R t = 0;
		for (int l = 0; l < L; l++) t += hs[l] * W2[(size_t)l * M + i];
		gsh[i] = th[i] * gsh[i] + t;
	}
	__syncthreads();
}

// The teacher-forced forward pass of a whole window, block (e, s), as
// k_window_forward.
template <typename R>
__global__ void k_sh_window_forward(Dims d, const R *theta, const R *series, const int *starts, R *z, R *pre, R *act, R *zbN) {
	DYN_SHARED(shraw);
	R *zs = (R *)shraw, *hs = zs + d.M, *w = hs + d.L;
	int e = blockIdx.x / d.S, s = blockIdx.x % d.S;
	sh_load_w(d, e, theta, w, 1);
	for (int i = threadIdx.x; i < d.M; i += blockDim.x) zs[i] = i < d.N ? xdata(d, series, starts, e, 0, s, i) : (R)0;
	for (int k = 1; k <= d.T; k++) {
		for (int i = threadIdx.x; i < d.M; i += blockDim.x) z[tix(d, e, k - 1, s, i)] = zs[i];
		sh_step(d, e, zs, hs, w, theta, pre + hix(d, e, k - 1, s, 0), act + hix(d, e, k - 1, s, 0));
		for (int i = threadIdx.x; i < d.N; i += blockDim.x) {
			zbN[(((size_t)e * d.T + k - 1) * d.S + s) * d.N + i] = zs[i];
			if (k % d.tau == 0) zs[i] = xdata(d, series, starts, e, k, s, i);
		}
	}
}

// BPTT through the window, block (e, s): calls c = 0 … T−1 visit slots
// T−1 … 0, the cotangents formed as in k_window_backward.
template <typename R>
__global__ void k_sh_window_backward(Dims d, const R *theta, const R *series, const int *starts, const R *pre, const R *zbN,
                                     R *g, R *gsv, R *qh) {
	DYN_SHARED(shraw);
	R *gsh = (R *)shraw, *hs = gsh + d.M, *w = hs + d.L;
	int e = blockIdx.x / d.S, s = blockIdx.x % d.S;
	sh_load_w(d, e, theta, w, 0);
	R scale = (R)(2 / (double)((long long)d.T * d.S * d.N));
	for (int i = threadIdx.x; i < d.M; i += blockDim.x) gsh[i] = 0;
	for (int k = d.T; k >= 1; k--) {
		for (int i = threadIdx.x; i < d.M; i += blockDim.x) {
			R gp = gsh[i];
			if (k % d.tau == 0 && i < d.N) gp = 0;
			R gobs = 0;
			if (i < d.N) gobs = scale * (zbN[(((size_t)e * d.T + k - 1) * d.S + s) * d.N + i] - xdata(d, series, starts, e, k, s, i));
			gp += gobs;
			gsh[i] = gp;
			g[tix(d, e, d.T - k, s, i)] = gp;
		}
		sh_back(d, e, s, k - 1, d.T - k, gsh, hs, w, theta, pre, gsv, qh);
	}
}

// The gradient of every parameter of the shallow PLRNN, one thread per
// element: gA = Σ g⊙z, gW1 = Σ g⊗act, gW2 = Σ u⊗z, gh1 = Σ g, gh2 = Σ q,
// each summed from +0 over the calls in order and the rows in increasing
// order (the tape's backCommon, outerSum and h2 accumulation).
template <typename R>
__global__ void k_sh_grad(Dims d, int ncalls, const int *order, const R *z, const R *act, const R *g, const R *gsv,
                          const R *qh, double *grad) {
	size_t id = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
	if (id >= (size_t)d.E * d.P) return;
	int e = id / d.P, p = id % d.P;
	const int M = d.M, L = d.L;
	double acc = 0; // float64 products and sums even for R = float
	if (p < d.offW1) { // A
		int i = p;
		for (int c = 0; c < ncalls; c++)
			for (int s = 0; s < d.S; s++) acc += (double)g[tix(d, e, c, s, i)] * (double)z[tix(d, e, order[c], s, i)];
	} else if (p < d.offW2) { // W1[i][l]
		int x = p - d.offW1, i = x / L, l = x % L;
		for (int c = 0; c < ncalls; c++)
			for (int s = 0; s < d.S; s++) acc += (double)g[tix(d, e, c, s, i)] * (double)act[hix(d, e, order[c], s, l)];
	} else if (p < d.offH1) { // W2[l][j]
		int x = p - d.offW2, l = x / M, j = x % M;
		for (int c = 0; c < ncalls; c++)
			for (int s = 0; s < d.S; s++) acc += (double)gsv[hix(d, e, c, s, l)] * (double)z[tix(d, e, order[c], s, j)];
	} else if (p < d.offH2) { // h1
		int i = p - d.offH1;
		for (int c = 0; c < ncalls; c++)
			for (int s = 0; s < d.S; s++) acc += (double)g[tix(d, e, c, s, i)];
	} else { // h2
		int l = p - d.offH2;
		for (int c = 0; c < ncalls; c++)
			for (int s = 0; s < d.S; s++) acc += (double)qh[hix(d, e, c, s, l)];
	}
	grad[id] = 0 + acc;
}

// One step of the tape for row (e, s) at slot k: x on the tape, result to io.
template <typename R>
__global__ void k_sh_tape_forward(Dims d, int k, const R *theta, const R *z, R *pre, R *act, R *io) {
	DYN_SHARED(shraw);
	R *zs = (R *)shraw, *hs = zs + d.M, *w = hs + d.L;
	int e = blockIdx.x / d.S, s = blockIdx.x % d.S;
	sh_load_w(d, e, theta, w, 1);
	for (int i = threadIdx.x; i < d.M; i += blockDim.x) zs[i] = z[tix(d, e, k, s, i)];
	sh_step(d, e, zs, hs, w, theta, pre + hix(d, e, k, s, 0), act + hix(d, e, k, s, 0));
	for (int i = threadIdx.x; i < d.M; i += blockDim.x) io[((size_t)e * d.S + s) * d.M + i] = zs[i];
}

// Backward of the tape for row (e, s) through slot k, the cotangent at call
// c on the tape, the state cotangent to io.
template <typename R>
__global__ void k_sh_tape_backward(Dims d, int k, int c, const R *theta, const R *pre, const R *g, R *gsv, R *qh, R *io) {
	DYN_SHARED(shraw);
	R *gsh = (R *)shraw, *hs = gsh + d.M, *w = hs + d.L;
	int e = blockIdx.x / d.S, s = blockIdx.x % d.S;
	sh_load_w(d, e, theta, w, 0);
	for (int i = threadIdx.x; i < d.M; i += blockDim.x) gsh[i] = g[tix(d, e, c, s, i)];
	sh_back(d, e, s, k, c, gsh, hs, w, theta, pre, gsv, qh);
	for (int i = threadIdx.x; i < d.M; i += blockDim.x) io[((size_t)e * d.S + s) * d.M + i] = gsh[i];
}

// Free-running rollouts of the shallow PLRNN, block (e, r).
template <typename R>
__global__ void k_sh_rollout(Dims d, int nr, int steps, const R *theta, const R *z0, R *out) {
	DYN_SHARED(shraw);
	R *zs = (R *)shraw, *hs = zs + d.M, *w = hs + d.L;
	int e = blockIdx.x / nr, r = blockIdx.x % nr;
	sh_load_w(d, e, theta, w, 1);
	for (int i = threadIdx.x; i < d.M; i += blockDim.x) zs[i] = z0[((size_t)e * nr + r) * d.M + i];
	for (int k = 0; k < steps; k++) {
		sh_step(d, e, zs, hs, w, theta, (R *)NULL, (R *)NULL);
		for (int i = threadIdx.x; i < d.M; i += blockDim.x) out[(((size_t)e * nr + r) * steps + k) * d.M + i] = zs[i];
	}
}

// ---------------------------------------------------------------------------
// Host entry points.

static int threads_for(int n) {
	int t = (n + 31) / 32 * 32;
	return t < 32 ? 32 : t;
}

// The threads of a shallow step block: one per latent or hidden unit,
// whichever are more, at most 1024 (the kernels stride over the rest).
static int sh_threads(const Dims &d) {
	int t = threads_for(d.M > d.L ? d.M : d.L);
	return t > 1024 ? 1024 : t;
}

static int launched(const char *what) {
	cudaError_t e = cudaGetLastError();
	if (e != cudaSuccess) return cuda_fail(e, what);
	return RNNCUDA_OK;
}

// k_to_float rounds θ to the float copy the float32 window computes with.
__global__ void k_to_float(size_t n, const double *x, float *y) {
	size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
	if (i < n) y[i] = (float)x[i];
}

template <typename R>
static void launch_tables(rnncuda_ens *e, const Dims &d) {
	LAUNCH(k_tables<R>, d.E, threads_for(d.M), 0, d, (const R *)e->thetaR, (R *)e->cumA, (R *)e->cumAT, (R *)e->sth, e->ord, (R *)e->sumAlpha);
}

static int prepare(rnncuda_ens *e) {
	Dims d = dims(e);
	if (e->c.single) {
		size_t n = (size_t)d.E * d.P;
		LAUNCH(k_to_float, (unsigned)((n + 255) / 256), 256, 0, n, e->theta, (float *)e->thetaR);
		int rc = launched("float conversion kernel");
		if (rc) return rc;
	}
	if (d.shallow) { // no tables
		e->prepared = 1;
		return RNNCUDA_OK;
	}
	if (e->c.single) launch_tables<float>(e, d);
	else launch_tables<double>(e, d);
	int rc = launched("threshold tables kernel");
	if (rc) return rc;
	e->prepared = 1;
	return RNNCUDA_OK;
}

static size_t basis_shared(const Dims &d) {
	return (size_t)d.M * (3 * (size_t)d.B + 2) * sizeof(double) + sizeof(double) + (size_t)d.M * d.B;
}

template <typename R>
static int gradient_impl(rnncuda_ens *e) {
	Dims d = dims(e);
	int per = 2 * d.M + d.M * d.M;
	size_t n = (size_t)d.E * per;
	CK(cudaMemcpy(e->order, e->horder, (size_t)e->ncalls * sizeof(int), cudaMemcpyHostToDevice), "tape order");
	if (d.shallow) {
		n = (size_t)d.E * d.P;
		LAUNCH(k_sh_grad<R>, (unsigned)((n + 255) / 256), 256, 0, d, e->ncalls, e->order, (const R *)e->z, (const R *)e->act,
		       (const R *)e->g, (const R *)e->gsv, (const R *)e->qh, e->grad);
		int rc = launched("shallow gradient kernel");
		if (rc) return rc;
		e->ncalls = 0;
		return RNNCUDA_OK;
	}
	LAUNCH(k_grad_dense<R>, (unsigned)((n + 255) / 256), 256, 0, d, e->ncalls, e->order, (const R *)e->z, (const R *)e->phi, (const R *)e->g, e->grad);
	int rc = launched("dense gradient kernel");
	if (rc) return rc;
	if (d.vanilla) {
		e->ncalls = 0;
		return RNNCUDA_OK;
	}
	int bt = threads_for(d.M > d.B ? d.M : d.B);
	LAUNCH(k_grad_basis<R>, d.E, bt, basis_shared(d), d, e->ncalls, e->order, e->theta, e->ord, (const R *)e->z, e->kk, (const R *)e->v, e->grad);
	rc = launched("basis gradient kernel");
	if (rc) return rc;
	e->ncalls = 0;
	return RNNCUDA_OK;
}

static int gradient(rnncuda_ens *e) { return e->c.single ? gradient_impl<float>(e) : gradient_impl<double>(e); }

template <typename R>
static int window_impl(rnncuda_ens *e, const Dims &d) {
	int bt = threads_for(d.M), rc;
	size_t sh = step_shared<R>(d);
	if (d.shallow) {
		bt = sh_threads(d), sh = sh_shared<R>(d);
		LAUNCH(k_sh_window_forward<R>, d.E * d.S, bt, sh, d, (const R *)e->thetaR, (const R *)e->series, e->starts, (R *)e->z,
		       (R *)e->pre, (R *)e->act, (R *)e->zbN);
		if ((rc = launched("shallow window forward kernel"))) return rc;
		LAUNCH(k_loss<R>, (d.E + 127) / 128, 128, 0, d, (const R *)e->series, e->starts, (const R *)e->zbN, e->loss);
		if ((rc = launched("loss kernel"))) return rc;
		LAUNCH(k_sh_window_backward<R>, d.E * d.S, bt, sh, d, (const R *)e->thetaR, (const R *)e->series, e->starts,
		       (const R *)e->pre, (const R *)e->zbN, (R *)e->g, (R *)e->gsv, (R *)e->qh);
		return launched("shallow window backward kernel");
	}
	LAUNCH(k_window_forward<R>, d.E * d.S, bt, sh, d, (const R *)e->thetaR, (const R *)e->cumA, (const R *)e->cumAT, (const R *)e->sth,
	       (const R *)e->sumAlpha, (const R *)e->series, e->starts, (R *)e->z, (R *)e->phi, e->kk, (R *)e->zbN);
	if ((rc = launched("window forward kernel"))) return rc;
	LAUNCH(k_loss<R>, (d.E + 127) / 128, 128, 0, d, (const R *)e->series, e->starts, (const R *)e->zbN, e->loss);
	if ((rc = launched("loss kernel"))) return rc;
	LAUNCH(k_window_backward<R>, d.E * d.S, bt, sh, d, (const R *)e->thetaR, (const R *)e->cumA, (const R *)e->sumAlpha, (const R *)e->series,
	       e->starts, (const R *)e->z, e->kk, (const R *)e->zbN, (R *)e->g, (R *)e->v);
	return launched("window backward kernel");
}

extern "C" int rnncuda_ens_window(rnncuda_ens *e, const int *starts, double *loss) {
	int rc = need(e, starts, "window", "starts");
	if (rc) return rc;
	if (!e->series) return fail(RNNCUDA_ERR_ARG, "rnncuda: window: no series loaded (call rnncuda_ens_set_series)");
	Dims d = dims(e);
	for (int j = 0; j < d.E * d.S; j++)
		if (starts[j] < 0 || starts[j] > e->rows - d.T - 1)
			return fail(RNNCUDA_ERR_ARG, "rnncuda: window: start %d of model %d, window %d outside 0..%d", starts[j], j / d.S, j % d.S, e->rows - d.T - 1);
	CK(cudaMemcpy(e->starts, starts, (size_t)d.E * d.S * sizeof(int), cudaMemcpyHostToDevice), "window starts");
	rc = prepare(e);
	if (rc) return rc;
	rc = e->c.single ? window_impl<float>(e, d) : window_impl<double>(e, d);
	if (rc) return rc;
	for (int c = 0; c < d.T; c++) e->horder[c] = d.T - 1 - c;
	e->ncalls = d.T;
	if ((rc = gradient(e))) return rc;
	if (loss) CK(cudaMemcpy(loss, e->loss, (size_t)d.E * sizeof(double), cudaMemcpyDeviceToHost), "window loss");
	else CK(cudaDeviceSynchronize(), "window");
	return RNNCUDA_OK;
}

extern "C" int rnncuda_ens_adam(rnncuda_ens *e, double lr, int rectified) {
	if (!e) return fail(RNNCUDA_ERR_ARG, "rnncuda: adam: ensemble is NULL");
	if (!(lr > 0)) return fail(RNNCUDA_ERR_ARG, "rnncuda: adam: learning rate %g must be positive", lr);
	const double b1 = 0.9, b2 = 0.999, eps = 1e-8;
	e->at++;
	e->b1t = e->b1t * b1;
	e->b2t = e->b2t * b2;
	double c1 = 1 - e->b1t, c2 = 1 - e->b2t;
	int adaptive = 1;
	double rect = 1.0;
	if (rectified) {
		double rhoInf = 2 / (1 - b2) - 1;
		double rho = rhoInf - (2 * ((double)e->at * e->b2t)) / c2;
		if (rho > 4) {
			volatile double num = ((rho - 4) * (rho - 2)) * rhoInf; // volatile: no contraction on any host
			volatile double den = ((rhoInf - 4) * (rhoInf - 2)) * rho;
			rect = sqrt(num / den);
		} else {
			adaptive = 0;
		}
	}
	size_t n = (size_t)e->c.models * e->P;
	LAUNCH(k_adam, (unsigned)((n + 255) / 256), 256, 0, n, e->theta, e->grad, e->am, e->av, b1, b2, c1, c2, lr * rect, lr, adaptive, eps);
	int rc = launched("adam kernel");
	if (rc) return rc;
	e->prepared = 0;
	CK(cudaDeviceSynchronize(), "adam");
	return RNNCUDA_OK;
}

extern "C" int rnncuda_ens_get_adam(rnncuda_ens *e, double *m, double *v, int *t) {
	int rc = need(e, m, "get_adam", "m");
	if (rc) return rc;
	if (!v || !t) return fail(RNNCUDA_ERR_ARG, "rnncuda: get_adam: v or t is NULL");
	size_t n = (size_t)e->c.models * e->P * sizeof(double);
	CK(cudaMemcpy(m, e->am, n, cudaMemcpyDeviceToHost), "get_adam");
	CK(cudaMemcpy(v, e->av, n, cudaMemcpyDeviceToHost), "get_adam");
	*t = e->at;
	return RNNCUDA_OK;
}

extern "C" int rnncuda_ens_set_adam(rnncuda_ens *e, const double *m, const double *v, int t) {
	int rc = need(e, m, "set_adam", "m");
	if (rc) return rc;
	if (!v || t < 0) return fail(RNNCUDA_ERR_ARG, "rnncuda: set_adam: v is NULL or t = %d < 0", t);
	size_t n = (size_t)e->c.models * e->P * sizeof(double);
	CK(cudaMemcpy(e->am, m, n, cudaMemcpyHostToDevice), "set_adam");
	CK(cudaMemcpy(e->av, v, n, cudaMemcpyHostToDevice), "set_adam");
	e->at = t;
	e->b1t = e->b2t = 1;
	for (int k = 0; k < t; k++) e->b1t = e->b1t * 0.9, e->b2t = e->b2t * 0.999;
	return RNNCUDA_OK;
}

template <typename R>
static cudaError_t rollout_impl(rnncuda_ens *e, const Dims &d, const double *z0, int nr, int steps, double *out) {
	size_t nz = (size_t)d.E * nr * d.M, no = nz * steps;
	R *hz = NULL, *hout = NULL, *dz = NULL, *dout = NULL;
	cudaError_t ce = cudaSuccess;
	if (sizeof(R) != sizeof(double)) { // float: convert on the host
		hz = (R *)malloc(nz * sizeof(R));
		hout = (R *)malloc(no * sizeof(R));
		if (!hz || !hout) ce = cudaErrorMemoryAllocation;
		for (size_t i = 0; hz && i < nz; i++) hz[i] = (R)z0[i];
	}
	if (ce == cudaSuccess) ce = cudaMalloc((void **)&dz, nz * sizeof(R));
	if (ce == cudaSuccess) ce = cudaMalloc((void **)&dout, no * sizeof(R));
	if (ce == cudaSuccess) ce = cudaMemcpy(dz, hz ? (const void *)hz : (const void *)z0, nz * sizeof(R), cudaMemcpyHostToDevice);
	if (ce == cudaSuccess && d.shallow) {
		LAUNCH(k_sh_rollout<R>, d.E * nr, sh_threads(d), sh_shared<R>(d), d, nr, steps, (const R *)e->thetaR, (const R *)dz, dout);
		ce = cudaGetLastError();
	} else if (ce == cudaSuccess) {
		LAUNCH(k_rollout<R>, d.E * nr, threads_for(d.M), step_shared<R>(d), d, nr, steps, (const R *)e->thetaR, (const R *)e->cumA,
		       (const R *)e->cumAT, (const R *)e->sth, (const R *)e->sumAlpha, dz, dout);
		ce = cudaGetLastError();
	}
	if (ce == cudaSuccess) ce = cudaMemcpy(hout ? (void *)hout : (void *)out, dout, no * sizeof(R), cudaMemcpyDeviceToHost);
	for (size_t i = 0; ce == cudaSuccess && hout && i < no; i++) out[i] = (double)hout[i];
	if (dz) cudaFree(dz);
	if (dout) cudaFree(dout);
	free(hz);
	free(hout);
	return ce;
}

extern "C" int rnncuda_ens_rollout(rnncuda_ens *e, const double *z0, int nr, int steps, double *out) {
	int rc = need(e, z0, "rollout", "z0");
	if (rc) return rc;
	if (!out) return fail(RNNCUDA_ERR_ARG, "rnncuda: rollout: out is NULL");
	if (nr < 1 || steps < 1) return fail(RNNCUDA_ERR_ARG, "rnncuda: rollout: rollouts = %d and steps = %d must be >= 1", nr, steps);
	Dims d = dims(e);
	if ((rc = prepare(e))) return rc;
	cudaError_t ce = e->c.single ? rollout_impl<float>(e, d, z0, nr, steps, out) : rollout_impl<double>(e, d, z0, nr, steps, out);
	if (ce != cudaSuccess) return cuda_fail(ce, "rollout");
	return RNNCUDA_OK;
}

static int tape_double(rnncuda_ens *e, const char *fn) {
	if (!e) return fail(RNNCUDA_ERR_ARG, "rnncuda: %s: ensemble is NULL", fn);
	if (e->c.single) return fail(RNNCUDA_ERR_ARG, "rnncuda: %s: the tape is float64 only (create the ensemble with single = 0)", fn);
	return RNNCUDA_OK;
}

extern "C" int rnncuda_tape_begin(rnncuda_ens *e) {
	int rc = tape_double(e, "tape_begin");
	if (rc) return rc;
	e->ncalls = 0;
	return prepare(e);
}

// copy_slot moves one slot (E blocks of S×M, at stride T·S·M on the device).
static cudaError_t copy_slot(rnncuda_ens *e, void *devp, int k, const double *host, double *hostOut) {
	size_t row = (size_t)e->c.batch * e->c.latents * sizeof(double);
	size_t pitch = row * e->c.steps;
	double *base = (double *)devp + (size_t)k * e->c.batch * e->c.latents;
	if (host) return cudaMemcpy2D(base, pitch, host, row, row, e->c.models, cudaMemcpyHostToDevice);
	return cudaMemcpy2D(hostOut, row, base, pitch, row, e->c.models, cudaMemcpyDeviceToHost);
}

extern "C" int rnncuda_tape_forward(rnncuda_ens *e, int k, const double *x, double *dst) {
	int rc = need(e, x, "tape_forward", "x");
	if (rc || (rc = tape_double(e, "tape_forward"))) return rc;
	if (!dst) return fail(RNNCUDA_ERR_ARG, "rnncuda: tape_forward: dst is NULL");
	Dims d = dims(e);
	if (k < 0 || k >= d.T) return fail(RNNCUDA_ERR_ARG, "rnncuda: tape_forward: slot %d outside 0..%d", k, d.T - 1);
	if (!e->prepared && (rc = prepare(e))) return rc;
	CK(copy_slot(e, e->z, k, x, NULL), "tape_forward upload");
	if (d.shallow) LAUNCH(k_sh_tape_forward<double>, d.E * d.S, sh_threads(d), sh_shared<double>(d), d, k, e->theta, (const double *)e->z,
	                      (double *)e->pre, (double *)e->act, (double *)e->io);
	else LAUNCH(k_tape_forward<double>, d.E * d.S, threads_for(d.M), step_shared<double>(d), d, k, e->theta, (const double *)e->cumA, (const double *)e->cumAT,
	       (const double *)e->sth, (const double *)e->sumAlpha, (const double *)e->z, (double *)e->phi, e->kk, (double *)e->io);
	if ((rc = launched("tape forward kernel"))) return rc;
	CK(cudaMemcpy(dst, e->io, (size_t)d.E * d.S * d.M * sizeof(double), cudaMemcpyDeviceToHost), "tape_forward download");
	return RNNCUDA_OK;
}

extern "C" int rnncuda_tape_backward(rnncuda_ens *e, int k, const double *g, double *gx) {
	int rc = need(e, g, "tape_backward", "g");
	if (rc || (rc = tape_double(e, "tape_backward"))) return rc;
	if (!gx) return fail(RNNCUDA_ERR_ARG, "rnncuda: tape_backward: gx is NULL");
	Dims d = dims(e);
	if (k < 0 || k >= d.T) return fail(RNNCUDA_ERR_ARG, "rnncuda: tape_backward: slot %d outside 0..%d", k, d.T - 1);
	if (e->ncalls >= d.T) return fail(RNNCUDA_ERR_ARG, "rnncuda: tape_backward: more than %d Backward calls since the last gradient", d.T);
	int c = e->ncalls;
	CK(copy_slot(e, e->g, c, g, NULL), "tape_backward upload");
	if (d.shallow) LAUNCH(k_sh_tape_backward<double>, d.E * d.S, sh_threads(d), sh_shared<double>(d), d, k, c, e->theta,
	                      (const double *)e->pre, (const double *)e->g, (double *)e->gsv, (double *)e->qh, (double *)e->io);
	else LAUNCH(k_tape_backward<double>, d.E * d.S, threads_for(d.M), step_shared<double>(d), d, k, c, e->theta, (const double *)e->cumA,
	       (const double *)e->sumAlpha, (const double *)e->z, e->kk, (double *)e->g, (double *)e->v, (double *)e->io);
	if ((rc = launched("tape backward kernel"))) return rc;
	CK(cudaMemcpy(gx, e->io, (size_t)d.E * d.S * d.M * sizeof(double), cudaMemcpyDeviceToHost), "tape_backward download");
	e->horder[c] = k;
	e->ncalls = c + 1;
	return RNNCUDA_OK;
}

extern "C" int rnncuda_tape_gradient(rnncuda_ens *e, double *grad) {
	int rc = need(e, grad, "tape_gradient", "grad");
	if (rc || (rc = tape_double(e, "tape_gradient"))) return rc;
	if (e->ncalls == 0) {
		CK(cudaMemset(e->grad, 0, (size_t)e->c.models * e->P * sizeof(double)), "tape_gradient");
	} else if ((rc = gradient(e))) {
		return rc;
	}
	return rnncuda_ens_get_grad(e, grad);
}
#include "lif.cuh" // the LIF network (ABI 4)
