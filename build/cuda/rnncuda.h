/*
 * rnncuda.h — the C ABI of librnncuda.so, rnnlab's own CUDA library
 * (docs/gpu.md). Two implementations share this header and the soname
 * librnncuda.so: rnncuda.cu (nvcc, the real kernels) and stub.c (plain C,
 * every call reports RNNCUDA_ERR_NO_DEVICE), so the Go bindings built with
 * -tags cuda link and test against either.
 *
 * Model: an ensemble of E independent dendritic PLRNNs (Brenner et al.,
 * ICML 2022, eqs. 4 and 6) with M latents and B bases (or vanilla or
 * shallow PLRNNs, see the kinds below), no external inputs,
 * each trained by BPTT on its own series with an identity observation of the
 * first N latents and sparse teacher forcing every tau steps (Mikhaeil et
 * al., NeurIPS 2022), windows of T steps, S windows a step. All arithmetic is
 * float64 and reproduces the CPU path's order of operations (no fused
 * multiply-add: compiled with -fmad=false), see docs/gpu.md for the
 * tolerance policy; cfg.single computes the window in float32 instead.
 *
 * Parameters of one model: P = M + M*M + M + B + M*B doubles, in the order
 * of plrnn.Dendritic's Layout (A, W, h, alpha, H; C is empty for K = 0); the
 * ensemble's parameters are E such vectors back to back (E*P doubles). All
 * arrays are row-major float64 (int for window starts) in host memory.
 *
 * Every call returns RNNCUDA_OK or an error code; rnncuda_error() then
 * describes the last error of the calling thread.
 */
#ifndef RNNCUDA_H
#define RNNCUDA_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RNNCUDA_ABI_VERSION 4 /* 2: the shallow PLRNN (RNNCUDA_SHALLOW, rnncuda_config.hidden); 3: the leaky RNN;
                                 4: the LIF network (rnncuda_lif_*) */

enum {
	RNNCUDA_OK = 0,
	RNNCUDA_ERR_NO_DEVICE = 1, /* no CUDA device or driver (or the stub library) */
	RNNCUDA_ERR_ARG = 2,       /* an argument is out of range; rnncuda_error names it */
	RNNCUDA_ERR_CUDA = 3,      /* a CUDA call failed; rnncuda_error has its message */
	RNNCUDA_ERR_MEMORY = 4     /* device memory could not be allocated */
};

/* The model families of an ensemble: the dendritic PLRNN (P = M + M*M + M
 * + B + M*B: A, W, h, alpha, H), the vanilla PLRNN z' = A⊙z + W relu(z)
 * + h (Durstewitz 2017; P = M + M*M + M: A, W, h; bases must be 0) and the
 * shallow PLRNN z' = A⊙z + W1 relu(W2 z + h2) + h1, or its clipped form
 * z' = A⊙z + W1 (relu(W2 z + h2) − relu(W2 z)) + h1 (Hess et al., ICML 2023,
 * eq. 8 and Sec. 4; L hidden units, P = M + M*L + L*M + M + L: A, W1, W2,
 * h1, h2 as plrnn.Shallow's Layout; bases and project must be 0). */
enum { RNNCUDA_DENDRITIC = 1, RNNCUDA_VANILLA = 2, RNNCUDA_SHALLOW = 3 };

typedef struct {
	char name[256];
	size_t memory;      /* bytes of global memory */
	int major, minor;   /* compute capability */
	int multiprocessors;
} rnncuda_info;

typedef struct {
	int kind;      /* RNNCUDA_DENDRITIC, RNNCUDA_VANILLA or RNNCUDA_SHALLOW */
	int clipped;   /* 1: the clipped (bounded) dendritic or shallow form (0 for vanilla) */
	int models;    /* E >= 1 */
	int latents;   /* M, 1..1024 */
	int bases;     /* B, 1..1024 (dendritic), 0 (vanilla, shallow) */
	int hidden;    /* L, 1..4096 (shallow), 0 (dendritic, vanilla) */
	int batch;     /* S >= 1 windows a step */
	int steps;     /* T >= 1: the window length, and the tape's slots */
	int observed;  /* N, 1..M: the identity observation's and forcing's width */
	int interval;  /* tau >= 1: sparse forcing every tau steps */
	int project;   /* 1: zero the gradient of W's diagonal (plrnn ProjectGradient; 0 for shallow) */
	int single;    /* 0: float64 throughout; 1: the window and rollouts in float32 (θ, gradient
	                  sums, loss and optimizer stay float64; the tape is float64 only) */
} rnncuda_config;

typedef struct rnncuda_ens rnncuda_ens;

/* The ABI version this library implements (RNNCUDA_ABI_VERSION). */
int rnncuda_abi_version(void);
/* 1 for the real library, 0 for the stub. */
int rnncuda_is_real(void);
/* The last error message of the calling thread ("" if none). */
const char *rnncuda_error(void);

/* Number of CUDA devices; RNNCUDA_ERR_NO_DEVICE (and *count = 0) if none. */
int rnncuda_device_count(int *count);
int rnncuda_device_info(int device, rnncuda_info *info);
/* Select the device that later contexts of this thread use. */
int rnncuda_set_device(int device);

int rnncuda_ens_create(const rnncuda_config *cfg, rnncuda_ens **out);
void rnncuda_ens_free(rnncuda_ens *ens);
/* P, the parameters of one model (0 for a NULL ensemble). */
int rnncuda_ens_param_count(const rnncuda_ens *ens);

/* theta: E*P doubles. Setting θ resets nothing else (optimizer moments stay). */
int rnncuda_ens_set_params(rnncuda_ens *ens, const double *theta);
int rnncuda_ens_get_params(rnncuda_ens *ens, double *theta);
/* The gradient of the last window or tape_gradient, E*P doubles. */
int rnncuda_ens_get_grad(rnncuda_ens *ens, double *grad);

/* Each model's training series: E*rows*N doubles (model-major, then time). */
int rnncuda_ens_set_series(rnncuda_ens *ens, const double *series, int rows);
/*
 * One BPTT window on the device: starts holds E*S window starts (rows of each
 * model's series, 0 <= start <= rows-T-1); forward with sparse teacher
 * forcing, the mean squared error of each model into loss (E doubles, may be
 * NULL), backward through the window and the gradient, kept on the device
 * (rnncuda_ens_get_grad). Equals rules/bptt's SetWindows, Forward, Backward
 * (and ProjectGradient if cfg.project) of each model.
 */
int rnncuda_ens_window(rnncuda_ens *ens, const int *starts, double *loss);
/*
 * One optimizer step of every model on the gradient on the device: Adam
 * (rectified = 0) or RAdam (1) with beta = (0.9, 0.999), eps = 1e-8 and
 * learning rate lr, as kernel/optim.Adam.Update.
 */
int rnncuda_ens_adam(rnncuda_ens *ens, double lr, int rectified);
/* Optimizer state: first and second moments (E*P each) and the step count. */
int rnncuda_ens_get_adam(rnncuda_ens *ens, double *m, double *v, int *t);
int rnncuda_ens_set_adam(rnncuda_ens *ens, const double *m, const double *v, int t);

/*
 * Free-running rollouts: z0 holds E*R initial states (M each); out receives
 * E*R*steps states, the states after steps 1..steps of each rollout.
 */
int rnncuda_ens_rollout(rnncuda_ens *ens, const double *z0, int rollouts, int steps, double *out);

/*
 * The tape (rnnlab's models.Tape) on the device, for a trainer that drives
 * each step itself: tape_begin reads θ for a window (call after set_params);
 * tape_forward records slot k (0 <= k < T) from x (E*S*M) and writes the
 * step's result to dst; tape_backward pulls g (E*S*M) back through slot k
 * into gx; tape_gradient adds nothing but writes the window's parameter
 * gradient (E*P, the sum over the tape_backward calls since the last
 * tape_gradient, in their order) to grad (and keeps it on the device).
 */
int rnncuda_tape_begin(rnncuda_ens *ens);
int rnncuda_tape_forward(rnncuda_ens *ens, int k, const double *x, double *dst);
int rnncuda_tape_backward(rnncuda_ens *ens, int k, const double *g, double *gx);
int rnncuda_tape_gradient(rnncuda_ens *ens, double *grad);

/*
 * The LIF network of models/lif (ABI 4): N leaky integrate-and-fire neurons
 * (the first `excitatory` of them excitatory) with current-based exponential
 * (or delta) synapses, delays and refractoriness, integrated exactly; one
 * step is models/lif's five phases (its package doc) in its order of
 * float64 operations, so V, I and the spike trains equal the CPU's for the
 * same connectivity, state and Poisson counts (docs/gpu.md). The
 * propagators are computed by the caller (kernel/fmath) and passed in.
 */
typedef struct {
	int neurons;        /* N >= 1 */
	int excitatory;     /* N_E, 0..N */
	long long synapses; /* S, the length of target (and weight, delay) */
	int slots;          /* L = max delay + 1, 2..65536: the ring buffer's slots */
	int delay;          /* D, 1..L-1: every synapse's delay when delay is NULL */
	int refractory;     /* round(t_ref/dt) steps */
	int delta;          /* 1: delta synapses (tau_syn = 0): spikes jump V; 0: exponential */
	int atomic;         /* 0: spike propagation by the deterministic per-target gather (the CPU's bits);
	                       1: by float64 atomics over the spiking rows (faster, order not reproducible) */
	double v_rest, v_reset, v_th;
	double p11, p22_exc, p22_inh, p21_exc, p21_inh; /* e^{-h/tau_syn}, e^{-h/tau_m}, P21 */
	double ext_exc, ext_inh;                        /* constant drive (mV) */
	double w_exc, w_inh;                            /* J and -gJ when weight is NULL */
	double poisson_j;                               /* the weight of one external Poisson event */
} rnncuda_lif_config;

typedef struct rnncuda_lif rnncuda_lif;

/*
 * Upload the connectivity, CSR by presynaptic neuron as models/lif.Net:
 * row_start (N+1, from 0 to S), target (S), weight (S doubles or NULL: w_exc
 * or w_inh by the source's population) and delay (S steps or NULL: cfg.delay).
 * The library transposes it to rows by target (for the deterministic gather,
 * docs/gpu.md). The state starts at zero: set it with lif_set_state.
 */
int rnncuda_lif_create(const rnncuda_lif_config *cfg, const long long *row_start, const int *target,
                       const double *weight, const unsigned short *delay, rnncuda_lif **out);
void rnncuda_lif_free(rnncuda_lif *net);
/* State: the step count, V, I (N each), the refractory counts (N) and the ring buffer (L*N, slot k mod L for step k). */
int rnncuda_lif_set_state(rnncuda_lif *net, long long steps, const double *v, const double *i, const int *ref, const double *ring);
int rnncuda_lif_get_state(rnncuda_lif *net, long long *steps, double *v, double *i, int *ref, double *ring);
/*
 * Run `steps` steps on the device (two launches a step). events holds
 * steps*N external Poisson counts (step-major; NULL: none), each count c
 * adding poisson_j*c to the neuron's input of that step. counts receives the
 * spikes of each step (steps ints), spikes their neurons (increasing within a
 * step, steps after each other), *total their number; more than spikes_cap
 * spikes is an error after the steps have run (steps*N never overflows).
 */
int rnncuda_lif_run(rnncuda_lif *net, int steps, const int *events, int *counts, int *spikes, int spikes_cap, int *total);

#ifdef __cplusplus
}
#endif
#endif
