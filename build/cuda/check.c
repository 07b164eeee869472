/*
 * check.c — the device check without Go (docs/gpu.md): links librnncuda.so,
 * compares it with the CPU path's results in cmd/internal/cuda/testdata/
 * device_golden.bin (written by TestDeviceGolden) at the tolerance 1e-12,
 * (the dendritic ensemble, and the shallow one where the file has its "sh_"
 * arrays), and times one training step (window + RAdam) of the dendritic
 * ensemble and of a shallow one (rnnlab's default model). The fallback
 * of build/cuda/device_check.sh where the Go test binary cannot run there.
 *
 *   cc -std=c99 -O2 -Ibuild/cuda -o check build/cuda/check.c -Lbuild/cuda/lib -lrnncuda -lm
 *   LD_LIBRARY_PATH=build/cuda/lib ./check cmd/internal/cuda/testdata/device_golden.bin [models [reps]]
 *
 * Exit status 0: every comparison within tolerance; 1: a difference; 2: no
 * device or an error.
 */
#define _POSIX_C_SOURCE 199309L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rnncuda.h"

#define TOL 1e-12
#define MAXA 32

static struct {
	char name[17];
	int32_t type;
	int64_t n;
	void *data;
} arr[MAXA];
static int narr;

static int load(const char *path) {
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return -1;
	}
	char magic[4];
	if (fread(magic, 1, 4, f) != 4 || memcmp(magic, "RNNG", 4) != 0) {
		fprintf(stderr, "%s: not a golden file (no RNNG header)\n", path);
		fclose(f);
		return -1;
	}
	while (narr < MAXA) {
		memset(arr[narr].name, 0, sizeof arr[narr].name);
		if (fread(arr[narr].name, 1, 16, f) != 16) break;
		if (fread(&arr[narr].type, 4, 1, f) != 1 || fread(&arr[narr].n, 8, 1, f) != 1) break;
		size_t sz = arr[narr].type == 1 ? 4 : 8;
		arr[narr].data = malloc(arr[narr].n * sz + 1);
		if (fread(arr[narr].data, sz, arr[narr].n, f) != (size_t)arr[narr].n) break;
		narr++;
	}
	fclose(f);
	return 0;
}

static void *find(const char *name, int64_t *n) {
	for (int i = 0; i < narr; i++)
		if (strcmp(arr[i].name, name) == 0) {
			if (n) *n = arr[i].n;
			return arr[i].data;
		}
	return NULL;
}

/* get is find for an array the file must have. */
static void *get(const char *name, int64_t *n) {
	void *p = find(name, n);
	if (!p) {
		fprintf(stderr, "golden file has no array %s\n", name);
		exit(2);
	}
	return p;
}

/* The golden array prefix+name. */
static void *getp(const char *prefix, const char *name, int64_t *n) {
	char full[17];
	snprintf(full, sizeof full, "%s%s", prefix, name);
	return get(full, n);
}

/* compare: per model, max|got-want| <= TOL * max|want| (cuda.Compare). */
static int compare(const char *what, const double *got, const double *want, int64_t n, int models) {
	int64_t per = n / models;
	double worst = 0;
	int bad = 0;
	for (int m = 0; m < models; m++) {
		double scale = 0, maxd = 0;
		for (int64_t i = m * per; i < (m + 1) * per; i++) {
			if (!isfinite(got[i])) bad = 1;
			if (fabs(want[i]) > scale) scale = fabs(want[i]);
			if (fabs(got[i] - want[i]) > maxd) maxd = fabs(got[i] - want[i]);
		}
		double rel = maxd == 0 ? 0 : maxd / scale;
		if (rel > worst) worst = rel;
		if (!(maxd <= TOL * scale)) bad = 1;
	}
	printf("%-28s largest relative difference to the CPU %.3g (tolerance %.0g): %s\n", what, worst, TOL, bad ? "FAIL" : "ok");
	return bad;
}

static int ck(int rc, const char *what) {
	if (rc != RNNCUDA_OK) {
		fprintf(stderr, "%s: %s (code %d)\n", what, rnncuda_error(), rc);
		exit(2);
	}
	return rc;
}

static double now(void) {
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + 1e-9 * t.tv_nsec;
}

/* A small deterministic generator for the timing ensemble (splitmix64). */
static uint64_t sm = 1;
static double unif(void) {
	uint64_t z = (sm += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (double)((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
}

static void timing(int E, int reps, int single) {
	const int M = 22, B = 20, S = 16, T = 200, N = 3, rows = 4000;
	rnncuda_config c = {.kind = RNNCUDA_DENDRITIC, .clipped = 0, .models = E, .latents = M, .bases = B, .batch = S,
	                    .steps = T, .observed = N, .interval = 25, .project = 1, .single = single};
	sm = 1;
	rnncuda_ens *e;
	ck(rnncuda_ens_create(&c, &e), "create timing ensemble");
	int P = rnncuda_ens_param_count(e);
	double *th = malloc(sizeof(double) * E * P), *ser = malloc(sizeof(double) * E * rows * N), *loss = malloc(sizeof(double) * E);
	int *st = malloc(sizeof(int) * E * S);
	for (int m = 0; m < E; m++) { /* A ≈ 0.9, small W without diagonal, h = 0, α ~ ±1/√B, H ~ U(−2, 2) */
		double *p = th + (size_t)m * P;
		for (int i = 0; i < M; i++) p[i] = 0.9;
		for (int i = 0; i < M * M; i++) p[M + i] = (i / M == i % M) ? 0 : (unif() - 0.5) * 0.2;
		for (int i = 0; i < M; i++) p[M + M * M + i] = 0;
		for (int b = 0; b < B; b++) p[2 * M + M * M + b] = (2 * unif() - 1) / sqrt(B);
		for (int i = 0; i < M * B; i++) p[2 * M + M * M + B + i] = 4 * unif() - 2;
		for (int t = 0; t < rows; t++)
			for (int i = 0; i < N; i++) ser[((size_t)m * rows + t) * N + i] = sin(0.05 * (1 + i) * (1 + 0.01 * (m % 17)) * t + i + m);
	}
	ck(rnncuda_ens_set_params(e, th), "set params");
	ck(rnncuda_ens_set_series(e, ser, rows), "set series");
	double best = 1e30, sum = 0;
	for (int r = -3; r < reps; r++) {
		for (int j = 0; j < E * S; j++) st[j] = (int)(unif() * (rows - T - 1));
		double t0 = now();
		ck(rnncuda_ens_window(e, st, loss), "window");
		ck(rnncuda_ens_adam(e, 1e-4, 1), "adam");
		double dt = now() - t0;
		if (r >= 0) {
			sum += dt;
			if (dt < best) best = dt;
		}
	}
	printf("c-driver E=%d M=%d B=%d T=%d S=%d %s ms/step %.3f (best %.3f) ns/model-step %.0f\n", E, M, B, T, S,
	       single ? "float32" : "float64",
	       1e3 * sum / reps, 1e3 * best, 1e9 * sum / reps / E);
	rnncuda_ens_free(e);
	free(th), free(ser), free(loss), free(st);
}

/* The shallow ensemble's step: E clipped shallow PLRNNs, M = 3, L = 50
 * (rnnlab's default model), T = 200, batch 16, sparse forcing every 25 steps. */
static void timing_shallow(int E, int reps, int single) {
	const int M = 3, L = 50, S = 16, T = 200, N = 3, rows = 4000;
	rnncuda_config c = {.kind = RNNCUDA_SHALLOW, .clipped = 1, .models = E, .latents = M, .hidden = L, .batch = S,
	                    .steps = T, .observed = N, .interval = 25, .single = single};
	sm = 2;
	rnncuda_ens *e;
	ck(rnncuda_ens_create(&c, &e), "create shallow timing ensemble");
	int P = rnncuda_ens_param_count(e);
	double *th = malloc(sizeof(double) * E * P), *ser = malloc(sizeof(double) * E * rows * N), *loss = malloc(sizeof(double) * E);
	int *st = malloc(sizeof(int) * E * S);
	for (int m = 0; m < E; m++) { /* A ≈ 0.9, W1, W2 ~ ±1/√fan-in, h1 = 0, h2 ~ ±1/√L (plrnn.NewShallow's scales) */
		double *p = th + (size_t)m * P;
		for (int i = 0; i < M; i++) p[i] = 0.9;
		for (int i = 0; i < M * L; i++) p[M + i] = (2 * unif() - 1) / sqrt(L);
		for (int i = 0; i < L * M; i++) p[M + M * L + i] = (2 * unif() - 1) / sqrt(M);
		for (int i = 0; i < M; i++) p[M + 2 * M * L + i] = 0;
		for (int l = 0; l < L; l++) p[2 * M + 2 * M * L + l] = (2 * unif() - 1) / sqrt(L);
		for (int t = 0; t < rows; t++)
			for (int i = 0; i < N; i++) ser[((size_t)m * rows + t) * N + i] = sin(0.05 * (1 + i) * (1 + 0.01 * (m % 17)) * t + i + m);
	}
	ck(rnncuda_ens_set_params(e, th), "set params");
	ck(rnncuda_ens_set_series(e, ser, rows), "set series");
	double sum = 0;
	for (int r = -3; r < reps; r++) {
		for (int j = 0; j < E * S; j++) st[j] = (int)(unif() * (rows - T - 1));
		double t0 = now();
		ck(rnncuda_ens_window(e, st, loss), "window");
		ck(rnncuda_ens_adam(e, 1e-3, 1), "adam");
		if (r >= 0) sum += now() - t0;
	}
	printf("c-driver shallow E=%d M=%d L=%d T=%d S=%d %s ms/step %.3f ns/model-step %.0f model-steps/s %.0f\n", E, M, L, T, S,
	       single ? "float32" : "float64", 1e3 * sum / reps, 1e9 * sum / reps / E, reps * (double)E / sum);
	rnncuda_ens_free(e);
	free(th), free(ser), free(loss), free(st);
}

/* golden_section compares the library with the golden arrays prefix+name:
 * window loss and gradient, one RAdam step, rollouts. */
static int golden_section(const char *prefix, int kind) {
	int32_t *g = getp(prefix, "config", NULL);
	rnncuda_config c = {.kind = kind, .clipped = g[3], .models = g[0], .latents = g[1], .batch = g[4], .steps = g[5],
	                    .observed = g[6], .interval = g[7], .project = g[8], .single = 0};
	if (kind == RNNCUDA_SHALLOW) c.hidden = g[2];
	else c.bases = g[2];
	int rows = g[9], R = g[10], K = g[11], E = c.models;
	if (E > 64) {
		fprintf(stderr, "golden ensemble of %d models: the driver holds at most 64 losses\n", E);
		exit(2);
	}
	rnncuda_ens *e;
	ck(rnncuda_ens_create(&c, &e), "create");
	int64_t np, nr;
	double *theta = getp(prefix, "theta", &np), *lr = getp(prefix, "lr", NULL);
	double *out = malloc(sizeof(double) * np), loss[64];
	double *want_roll = getp(prefix, "rollout", &nr), *roll = malloc(sizeof(double) * nr);
	char what[64];
	const char *name = kind == RNNCUDA_SHALLOW ? "shallow " : "";
	ck(rnncuda_ens_set_params(e, theta), "set params");
	ck(rnncuda_ens_set_series(e, getp(prefix, "series", NULL), rows), "set series");
	ck(rnncuda_ens_window(e, getp(prefix, "starts", NULL), loss), "window");
	snprintf(what, sizeof what, "%swindow loss", name);
	int bad = compare(what, loss, getp(prefix, "loss", NULL), E, E);
	ck(rnncuda_ens_get_grad(e, out), "grad");
	snprintf(what, sizeof what, "%swindow gradient", name);
	bad |= compare(what, out, getp(prefix, "grad", NULL), np, E);
	ck(rnncuda_ens_adam(e, *lr, 1), "adam");
	ck(rnncuda_ens_get_params(e, out), "params");
	snprintf(what, sizeof what, "%sparameters after RAdam", name);
	bad |= compare(what, out, getp(prefix, "radam1", NULL), np, E);
	ck(rnncuda_ens_set_params(e, theta), "set params");
	ck(rnncuda_ens_rollout(e, getp(prefix, "z0", NULL), R, K, roll), "rollout");
	snprintf(what, sizeof what, "%srollout", name);
	bad |= compare(what, roll, want_roll, nr, E);
	rnncuda_ens_free(e);
	free(out), free(roll);
	return bad;
}

int main(int argc, char **argv) {
	if (argc < 2) {
		fprintf(stderr, "usage: %s device_golden.bin [models [reps]]\n", argv[0]);
		return 2;
	}
	int n = 0;
	if (rnncuda_device_count(&n) != RNNCUDA_OK) {
		fprintf(stderr, "no device: %s\n", rnncuda_error());
		return 2;
	}
	rnncuda_info info;
	ck(rnncuda_device_info(0, &info), "device info");
	printf("device: %s (compute %d.%d, %d SMs, %.1f GiB), library ABI %d\n", info.name, info.major, info.minor,
	       info.multiprocessors, info.memory / 1073741824.0, rnncuda_abi_version());
	if (load(argv[1]) != 0) return 2;
	int bad = golden_section("", RNNCUDA_DENDRITIC);
	if (find("sh_config", NULL)) bad |= golden_section("sh_", RNNCUDA_SHALLOW);
	else printf("golden file has no shallow section (sh_*): shallow comparison skipped\n");
	int models = argc > 2 ? atoi(argv[2]) : 1000, reps = argc > 3 ? atoi(argv[3]) : 20;
	if (models > 0) {
		timing(models, reps, 0);
		timing(models, reps, 1);
		timing_shallow(models, reps, 0);
		timing_shallow(models, reps, 1);
	}
	printf("%s\n", bad ? "FAIL" : "PASS");
	return bad;
}
