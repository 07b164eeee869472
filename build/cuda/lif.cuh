// lif.cuh — the balanced LIF network of models/lif on the device (ABI 4,
// rnncuda.h's rnncuda_lif_*; docs/gpu.md, "The LIF network"). Included by
// rnncuda.cu after its helpers (fail, CK, LAUNCH, launched).
//
// One step k is two launches, both one thread per neuron (grid-stride, so
// any launch shape gives the same result):
//
//  1. k_lif_integrate: phases 1–4 of models/lif (its package doc): read and
//     clear ring slot k mod L, add this step's Poisson events J·c, advance V
//     and I by the exact propagators (Rotter & Diesmann 1999) in the CPU's
//     order of operations, threshold, reset, refractoriness; the neuron's
//     spike flag for this step, and (step, index) appended to the chunk's
//     spike buffer by an integer atomic (order fixed on the host by a sort).
//  2. k_lif_gather: phase 5 as a per-target gather over the transposed CSR
//     (the synapses into neuron t sorted by presynaptic neuron j): for every
//     incoming synapse whose source spiked this step, ring[(k + d) mod L][t]
//     += w. The additions into each ring entry happen in increasing j within
//     a step and step after step, exactly the order of models/lif's
//     propagate (spikes in increasing j, each row in turn), so V and I are
//     bit for bit the CPU's and so are the spike trains. A float64
//     atomicAdd over the spiking neurons' rows would add in a scheduling-
//     dependent order (float addition is not associative: trains diverge
//     after the first rounding difference crosses a threshold); integer
//     fixed-point atomics would be deterministic but not the CPU's sums.
//     The price: every step reads all N·K incoming indices (4 B each)
//     instead of only the spiking rows' (rate·dt·N·K).
//  2'. k_lif_push (cfg.atomic = 1, for speed): phase 5 as a push, one warp
//     per spiking neuron, its lanes over the neuron's CSR row, float64
//     atomicAdd into the ring. The order of the additions into one entry is
//     the hardware's, so V and I differ from the CPU's in the last bits and
//     the spike trains eventually diverge; the statistics do not change.
#ifdef RNNCUDA_EMU
static inline int lif_atomic_add(int *p, int v) { return __atomic_fetch_add(p, v, __ATOMIC_RELAXED); }
static inline void lif_atomic_addd(double *p, double v) {
	unsigned long long *u = (unsigned long long *)p, old = __atomic_load_n(u, __ATOMIC_RELAXED), nw;
	do {
		double x;
		memcpy(&x, &old, sizeof x);
		x += v;
		memcpy(&nw, &x, sizeof x);
	} while (!__atomic_compare_exchange_n(u, &old, nw, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED));
}
#define LIF_BLOCKS(n) 1u
#define LIF_THREADS 2u
#define LIF_GRID 1u
#define LIF_WARP 1
#else
#define lif_atomic_add atomicAdd
#define lif_atomic_addd atomicAdd
#define LIF_WARP 32
#define LIF_GRID gridDim.x
#define LIF_BLOCKS(n) (unsigned)(((n) + 255) / 256 < 65535 ? ((n) + 255) / 256 : 65535)
#define LIF_THREADS 256u
#endif

struct rnncuda_lif {
	rnncuda_lif_config c;
	long long steps;               // steps taken (the CPU's Net.Steps)
	double *v, *i, *ring;          // N, N, L×N
	int *ref;                      // N
	unsigned char *spiked;         // N: 1 if the neuron fired in the current step
	long long *tstart;             // N+1: transposed CSR, synapses into each neuron
	int *pre;                      // S: presynaptic neuron of each transposed synapse (increasing within a row)
	double *tw;                    // S or NULL: weights in transposed order
	unsigned short *td;            // S or NULL: delays in transposed order
	long long *rows;               // atomic mode: N+1, the CSR by presynaptic neuron
	int *tgt;                      // atomic mode: S targets
	double *fw;                    // atomic mode: S or NULL weights
	unsigned short *fd;            // atomic mode: S or NULL delays
	int *cur, *curcount;           // atomic mode: this step's spiking neurons (N), two alternating counts
	int *events;                   // chunk×N Poisson counts
	size_t events_cap;             // in ints
	unsigned long long *spk;       // chunk spikes as step<<32 | neuron
	size_t spk_cap;                // in entries
	int *spk_count;                // 1
	unsigned long long *hspk;      // host staging
	size_t hspk_cap;
};

struct LifParams {
	int N, NE, L, D, refMax, delta;
	double rest, reset, th, p11, p22E, p22I, p21E, p21I, extE, extI, wE, wI, pj;
};

static LifParams lif_params(const rnncuda_lif *n) {
	const rnncuda_lif_config &c = n->c;
	LifParams p = {c.neurons, c.excitatory, c.slots, c.delay, c.refractory, c.delta,
	               c.v_rest, c.v_reset, c.v_th, c.p11, c.p22_exc, c.p22_inh, c.p21_exc, c.p21_inh,
	               c.ext_exc, c.ext_inh, c.w_exc, c.w_inh, c.poisson_j};
	return p;
}

// k_lif_integrate runs phases 1–4 of step k (chunk step ks) for every neuron,
// as models/lif's integrateExp / integrateDelta term by term.
__global__ void k_lif_integrate(LifParams p, long long k, int ks, double *V, double *I, int *ref, double *ring,
                                const int *events, unsigned char *spiked, unsigned long long *spk, int cap, int *count,
                                int *cur, int *curcount) {
	double *slot = ring + (size_t)(k % p.L) * p.N;
	for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < p.N; i += LIF_GRID * blockDim.x) {
		double in = slot[i];
		if (events && events[i] > 0) in += (double)(p.pj * (double)events[i]);
		bool exc = i < p.NE;
		double p22 = exc ? p.p22E : p.p22I, q = 1 - p22, ext = exc ? p.extE : p.extI;
		double v = V[i];
		if (p.delta) {
			if (ref[i] > 0) {
				ref[i]--;
			} else {
				v = p.rest + (double)(p22 * (v - p.rest)) + (double)(q * ext) + in;
			}
		} else {
			double isyn = I[i];
			if (ref[i] > 0) {
				ref[i]--;
			} else {
				double p21 = exc ? p.p21E : p.p21I;
				v = p.rest + (double)(p22 * (v - p.rest)) + (double)(p21 * isyn) + (double)(q * ext);
			}
			I[i] = (double)(p.p11 * isyn) + in;
		}
		unsigned char fired = 0;
		if (v >= p.th) {
			v = p.reset;
			ref[i] = p.refMax;
			fired = 1;
			int at = lif_atomic_add(count, 1);
			if (at < cap) spk[at] = ((unsigned long long)ks << 32) | (unsigned)i;
			if (cur) cur[lif_atomic_add(curcount + (ks & 1), 1)] = i;
		}
		V[i] = v;
		spiked[i] = fired;
		slot[i] = 0;
	}
}

// k_lif_gather is phase 5 of step k: every neuron t collects the weights of
// this step's spikes into the ring slots of their delays, in increasing
// presynaptic order (see the file comment).
__global__ void k_lif_gather(LifParams p, long long k, const long long *tstart, const int *pre, const double *tw,
                             const unsigned short *td, const unsigned char *spiked, double *ring) {
	for (int t = blockIdx.x * blockDim.x + threadIdx.x; t < p.N; t += LIF_GRID * blockDim.x) {
		for (long long s = tstart[t], e = tstart[t + 1]; s < e; s++) {
			int j = pre[s];
			if (!spiked[j]) continue;
			double w = tw ? tw[s] : (j < p.NE ? p.wE : p.wI);
			int d = td ? (int)td[s] : p.D;
			double *r = ring + (size_t)((k + d) % p.L) * p.N + t;
			*r += w;
		}
	}
}

// k_lif_push is phase 5 of step k (chunk step ks) by float64 atomics: one
// warp per neuron that fired, its lanes over the neuron's row (cfg.atomic).
__global__ void k_lif_push(LifParams p, long long k, int ks, const long long *rows, const int *tgt, const double *fw,
                           const unsigned short *fd, const int *cur, int *curcount, double *ring) {
	const int nspk = curcount[ks & 1];
	const int g = blockIdx.x * blockDim.x + threadIdx.x;
	if (g == 0) curcount[(ks + 1) & 1] = 0; // the next step's count, unused until this launch ends
	const int lane = g % LIF_WARP, nwarps = (int)(LIF_GRID * blockDim.x) / LIF_WARP;
	for (int q = g / LIF_WARP; q < nspk; q += nwarps) {
		const int j = cur[q];
		const double wj = j < p.NE ? p.wE : p.wI;
		for (long long s = rows[j] + lane; s < rows[j + 1]; s += LIF_WARP) {
			double w = fw ? fw[s] : wj;
			int d = fd ? (int)fd[s] : p.D;
			lif_atomic_addd(ring + (size_t)((k + d) % p.L) * p.N + tgt[s], w);
		}
	}
}

static void lif_release(rnncuda_lif *n) {
	void *ps[] = {n->v, n->i, n->ring, n->ref, n->spiked, n->tstart, n->pre, n->tw, n->td, n->events, n->spk, n->spk_count,
	              n->rows, n->tgt, n->fw, n->fd, n->cur, n->curcount};
	for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++)
		if (ps[i]) cudaFree(ps[i]);
	free(n->hspk);
	free(n);
}

extern "C" void rnncuda_lif_free(rnncuda_lif *n) {
	if (n) lif_release(n);
}

static int lif_check(const rnncuda_lif_config *c) {
	if (!c) return fail(RNNCUDA_ERR_ARG, "rnncuda: lif_create: config is NULL");
	if (c->neurons < 1) return fail(RNNCUDA_ERR_ARG, "rnncuda: lif neurons = %d, need >= 1", c->neurons);
	if (c->excitatory < 0 || c->excitatory > c->neurons)
		return fail(RNNCUDA_ERR_ARG, "rnncuda: lif excitatory = %d, need 0..neurons (%d)", c->excitatory, c->neurons);
	if (c->synapses < 0) return fail(RNNCUDA_ERR_ARG, "rnncuda: lif synapses = %lld, need >= 0", c->synapses);
	if (c->slots < 2 || c->slots > 65536) return fail(RNNCUDA_ERR_ARG, "rnncuda: lif slots = %d, need 2..65536 (max delay + 1)", c->slots);
	if (c->delay < 1 || c->delay >= c->slots) return fail(RNNCUDA_ERR_ARG, "rnncuda: lif delay = %d, need 1..slots-1 (%d)", c->delay, c->slots - 1);
	if (c->refractory < 0) return fail(RNNCUDA_ERR_ARG, "rnncuda: lif refractory = %d steps, need >= 0", c->refractory);
	if (c->delta != 0 && c->delta != 1) return fail(RNNCUDA_ERR_ARG, "rnncuda: lif delta = %d, need 0 (exponential) or 1 (delta synapses)", c->delta);
	if (c->atomic != 0 && c->atomic != 1) return fail(RNNCUDA_ERR_ARG, "rnncuda: lif atomic = %d, need 0 (deterministic gather) or 1 (atomic push)", c->atomic);
	return RNNCUDA_OK;
}

#define LIF_ALLOC(field, bytes)                                                   \
	do {                                                                          \
		cudaError_t e_ = cudaMalloc((void **)&n->field, (bytes) ? (bytes) : 1);  \
		if (e_ != cudaSuccess) {                                                  \
			int rc_ = cuda_fail(e_, "allocating lif " #field);                  \
			lif_release(n);                                                       \
			free(tpre), free(tw), free(td), free(ts);                            \
			return rc_;                                                           \
		}                                                                         \
	} while (0)

extern "C" int rnncuda_lif_create(const rnncuda_lif_config *cfg, const long long *row_start, const int *target,
                                  const double *weight, const unsigned short *delay, rnncuda_lif **out) {
	if (!out) return fail(RNNCUDA_ERR_ARG, "rnncuda: lif_create: out is NULL");
	*out = NULL;
	int rc = lif_check(cfg);
	if (rc) return rc;
	const int N = cfg->neurons;
	const long long S = cfg->synapses;
	if (!row_start || (S > 0 && !target)) return fail(RNNCUDA_ERR_ARG, "rnncuda: lif_create: row_start or target is NULL");
	if (row_start[0] != 0 || row_start[N] != S)
		return fail(RNNCUDA_ERR_ARG, "rnncuda: lif_create: row_start runs %lld..%lld, need 0..synapses (%lld)", row_start[0], row_start[N], S);
	// The transposed CSR: count the in-degrees, then walk the rows in
	// increasing presynaptic order, so every target's list is sorted by j.
	long long *ts = (long long *)calloc((size_t)N + 1, sizeof(long long));
	int *tpre = (int *)malloc((size_t)(S ? S : 1) * sizeof(int));
	double *tw = weight ? (double *)malloc((size_t)(S ? S : 1) * sizeof(double)) : NULL;
	unsigned short *td = delay ? (unsigned short *)malloc((size_t)(S ? S : 1) * sizeof(unsigned short)) : NULL;
	if (!ts || !tpre || (weight && !tw) || (delay && !td)) {
		free(ts), free(tpre), free(tw), free(td);
		return fail(RNNCUDA_ERR_MEMORY, "rnncuda: lif_create: out of host memory for %lld synapses", S);
	}
	for (int j = 0; j < N; j++) {
		if (row_start[j + 1] < row_start[j]) {
			free(ts), free(tpre), free(tw), free(td);
			return fail(RNNCUDA_ERR_ARG, "rnncuda: lif_create: row_start decreases at neuron %d", j);
		}
		for (long long s = row_start[j]; s < row_start[j + 1]; s++) {
			int t = target[s];
			int d = delay ? delay[s] : cfg->delay;
			if (t < 0 || t >= N || d < 1 || d >= cfg->slots) {
				free(ts), free(tpre), free(tw), free(td);
				return fail(RNNCUDA_ERR_ARG, "rnncuda: lif_create: synapse %lld (neuron %d -> %d, delay %d): target outside 0..%d or delay outside 1..%d",
				            s, j, t, d, N - 1, cfg->slots - 1);
			}
			ts[t + 1]++;
		}
	}
	for (int t = 0; t < N; t++) ts[t + 1] += ts[t];
	{
		long long *fill = (long long *)malloc((size_t)N * sizeof(long long));
		if (!fill) {
			free(ts), free(tpre), free(tw), free(td);
			return fail(RNNCUDA_ERR_MEMORY, "rnncuda: lif_create: out of host memory");
		}
		memcpy(fill, ts, (size_t)N * sizeof(long long));
		for (int j = 0; j < N; j++)
			for (long long s = row_start[j]; s < row_start[j + 1]; s++) {
				long long at = fill[target[s]]++;
				tpre[at] = j;
				if (tw) tw[at] = weight[s];
				if (td) td[at] = delay[s];
			}
		free(fill);
	}
	rnncuda_lif *n = (rnncuda_lif *)calloc(1, sizeof *n);
	if (!n) {
		free(ts), free(tpre), free(tw), free(td);
		return fail(RNNCUDA_ERR_MEMORY, "rnncuda: out of host memory");
	}
	n->c = *cfg;
	const size_t L = (size_t)cfg->slots;
	LIF_ALLOC(v, N * sizeof(double));
	LIF_ALLOC(i, N * sizeof(double));
	LIF_ALLOC(ring, L * N * sizeof(double));
	LIF_ALLOC(ref, N * sizeof(int));
	LIF_ALLOC(spiked, (size_t)N);
	LIF_ALLOC(tstart, ((size_t)N + 1) * sizeof(long long));
	LIF_ALLOC(pre, (size_t)S * sizeof(int));
	if (tw) LIF_ALLOC(tw, (size_t)S * sizeof(double));
	if (td) LIF_ALLOC(td, (size_t)S * sizeof(unsigned short));
	LIF_ALLOC(spk_count, sizeof(int));
	if (cfg->atomic) {
		LIF_ALLOC(rows, ((size_t)N + 1) * sizeof(long long));
		LIF_ALLOC(tgt, (size_t)S * sizeof(int));
		if (weight) LIF_ALLOC(fw, (size_t)S * sizeof(double));
		if (delay) LIF_ALLOC(fd, (size_t)S * sizeof(unsigned short));
		LIF_ALLOC(cur, (size_t)N * sizeof(int));
		LIF_ALLOC(curcount, 2 * sizeof(int));
	}
	cudaError_t e = cudaMemcpy(n->tstart, ts, ((size_t)N + 1) * sizeof(long long), cudaMemcpyHostToDevice);
	if (e == cudaSuccess && S) e = cudaMemcpy(n->pre, tpre, (size_t)S * sizeof(int), cudaMemcpyHostToDevice);
	if (e == cudaSuccess && tw && S) e = cudaMemcpy(n->tw, tw, (size_t)S * sizeof(double), cudaMemcpyHostToDevice);
	if (e == cudaSuccess && td && S) e = cudaMemcpy(n->td, td, (size_t)S * sizeof(unsigned short), cudaMemcpyHostToDevice);
	if (e == cudaSuccess && cfg->atomic) e = cudaMemcpy(n->rows, row_start, ((size_t)N + 1) * sizeof(long long), cudaMemcpyHostToDevice);
	if (e == cudaSuccess && cfg->atomic && S) e = cudaMemcpy(n->tgt, target, (size_t)S * sizeof(int), cudaMemcpyHostToDevice);
	if (e == cudaSuccess && n->fw && S) e = cudaMemcpy(n->fw, weight, (size_t)S * sizeof(double), cudaMemcpyHostToDevice);
	if (e == cudaSuccess && n->fd && S) e = cudaMemcpy(n->fd, delay, (size_t)S * sizeof(unsigned short), cudaMemcpyHostToDevice);
	free(ts), free(tpre), free(tw), free(td);
	if (e != cudaSuccess) {
		lif_release(n);
		return cuda_fail(e, "lif_create: uploading the connectivity");
	}
	if ((e = cudaMemset(n->v, 0, N * sizeof(double))) != cudaSuccess || (e = cudaMemset(n->i, 0, N * sizeof(double))) != cudaSuccess ||
	    (e = cudaMemset(n->ring, 0, L * N * sizeof(double))) != cudaSuccess || (e = cudaMemset(n->ref, 0, N * sizeof(int))) != cudaSuccess) {
		lif_release(n);
		return cuda_fail(e, "lif_create: clearing the state");
	}
	*out = n;
	return RNNCUDA_OK;
}

extern "C" int rnncuda_lif_set_state(rnncuda_lif *n, long long steps, const double *v, const double *i, const int *ref, const double *ring) {
	if (!n || !v || !i || !ref || !ring) return fail(RNNCUDA_ERR_ARG, "rnncuda: lif_set_state: network or an array is NULL");
	if (steps < 0) return fail(RNNCUDA_ERR_ARG, "rnncuda: lif_set_state: steps = %lld, need >= 0", steps);
	const size_t N = (size_t)n->c.neurons, L = (size_t)n->c.slots;
	CK(cudaMemcpy(n->v, v, N * sizeof(double), cudaMemcpyHostToDevice), "lif_set_state V");
	CK(cudaMemcpy(n->i, i, N * sizeof(double), cudaMemcpyHostToDevice), "lif_set_state I");
	CK(cudaMemcpy(n->ref, ref, N * sizeof(int), cudaMemcpyHostToDevice), "lif_set_state ref");
	CK(cudaMemcpy(n->ring, ring, L * N * sizeof(double), cudaMemcpyHostToDevice), "lif_set_state ring");
	n->steps = steps;
	return RNNCUDA_OK;
}

extern "C" int rnncuda_lif_get_state(rnncuda_lif *n, long long *steps, double *v, double *i, int *ref, double *ring) {
	if (!n || !steps || !v || !i || !ref || !ring) return fail(RNNCUDA_ERR_ARG, "rnncuda: lif_get_state: network or an array is NULL");
	const size_t N = (size_t)n->c.neurons, L = (size_t)n->c.slots;
	CK(cudaMemcpy(v, n->v, N * sizeof(double), cudaMemcpyDeviceToHost), "lif_get_state V");
	CK(cudaMemcpy(i, n->i, N * sizeof(double), cudaMemcpyDeviceToHost), "lif_get_state I");
	CK(cudaMemcpy(ref, n->ref, N * sizeof(int), cudaMemcpyDeviceToHost), "lif_get_state ref");
	CK(cudaMemcpy(ring, n->ring, L * N * sizeof(double), cudaMemcpyDeviceToHost), "lif_get_state ring");
	*steps = n->steps;
	return RNNCUDA_OK;
}

static int lif_cmp(const void *a, const void *b) {
	unsigned long long x = *(const unsigned long long *)a, y = *(const unsigned long long *)b;
	return x < y ? -1 : x > y;
}

extern "C" int rnncuda_lif_run(rnncuda_lif *n, int steps, const int *events, int *counts, int *spikes, int spikes_cap, int *total) {
	if (!n || !counts || !spikes || !total) return fail(RNNCUDA_ERR_ARG, "rnncuda: lif_run: network, counts, spikes or total is NULL");
	if (steps < 1) return fail(RNNCUDA_ERR_ARG, "rnncuda: lif_run: steps = %d, need >= 1", steps);
	if (spikes_cap < 0) return fail(RNNCUDA_ERR_ARG, "rnncuda: lif_run: spikes_cap = %d, need >= 0", spikes_cap);
	const size_t N = (size_t)n->c.neurons;
	if (events) {
		size_t need_ev = (size_t)steps * N;
		if (need_ev > n->events_cap) {
			if (n->events) cudaFree(n->events);
			n->events = NULL, n->events_cap = 0;
			CK(cudaMalloc((void **)&n->events, need_ev * sizeof(int)), "lif_run: allocating the Poisson events");
			n->events_cap = need_ev;
		}
		CK(cudaMemcpy(n->events, events, need_ev * sizeof(int), cudaMemcpyHostToDevice), "lif_run: uploading the Poisson events");
	}
	if ((size_t)spikes_cap > n->spk_cap) {
		if (n->spk) cudaFree(n->spk);
		n->spk = NULL, n->spk_cap = 0;
		CK(cudaMalloc((void **)&n->spk, (size_t)(spikes_cap ? spikes_cap : 1) * sizeof(unsigned long long)), "lif_run: allocating the spike buffer");
		n->spk_cap = (size_t)spikes_cap;
	}
	CK(cudaMemset(n->spk_count, 0, sizeof(int)), "lif_run: clearing the spike count");
	if (n->curcount) CK(cudaMemset(n->curcount, 0, 2 * sizeof(int)), "lif_run: clearing the step's spike count");
	LifParams p = lif_params(n);
	int rc;
	const unsigned nb = LIF_BLOCKS(n->c.neurons);
	for (int ks = 0; ks < steps; ks++) {
		long long k = n->steps + ks;
		const int *ev = events ? n->events + (size_t)ks * N : NULL;
		LAUNCH(k_lif_integrate, nb, LIF_THREADS, 0, p, k, ks, n->v, n->i, n->ref, n->ring, ev, n->spiked, n->spk, spikes_cap, n->spk_count,
		       n->cur, n->curcount);
		if (n->c.atomic)
			LAUNCH(k_lif_push, nb, LIF_THREADS, 0, p, k, ks, n->rows, n->tgt, n->fw, n->fd, n->cur, n->curcount, n->ring);
		else
			LAUNCH(k_lif_gather, nb, LIF_THREADS, 0, p, k, n->tstart, n->pre, n->tw, n->td, n->spiked, n->ring);
	}
	if ((rc = launched("lif_run"))) return rc;
	n->steps += steps;
	int cnt = 0;
	CK(cudaMemcpy(&cnt, n->spk_count, sizeof(int), cudaMemcpyDeviceToHost), "lif_run: reading the spike count");
	*total = cnt;
	if (cnt > spikes_cap)
		return fail(RNNCUDA_ERR_ARG, "rnncuda: lif_run: %d spikes in %d steps overflow spikes_cap = %d (the state has advanced; the spike trains of this call are lost: pass a larger buffer or fewer steps)",
		            cnt, steps, spikes_cap);
	if ((size_t)cnt > n->hspk_cap) {
		free(n->hspk);
		n->hspk = (unsigned long long *)malloc((size_t)cnt * sizeof(unsigned long long));
		n->hspk_cap = n->hspk ? (size_t)cnt : 0;
		if (!n->hspk) return fail(RNNCUDA_ERR_MEMORY, "rnncuda: lif_run: out of host memory for %d spikes", cnt);
	}
	if (cnt) CK(cudaMemcpy(n->hspk, n->spk, (size_t)cnt * sizeof(unsigned long long), cudaMemcpyDeviceToHost), "lif_run: downloading the spikes");
	qsort(n->hspk, (size_t)cnt, sizeof(unsigned long long), lif_cmp);
	memset(counts, 0, (size_t)steps * sizeof(int));
	for (int s = 0; s < cnt; s++) {
		counts[n->hspk[s] >> 32]++;
		spikes[s] = (int)(n->hspk[s] & 0xffffffffu);
	}
	return RNNCUDA_OK;
}
