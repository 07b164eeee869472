/*
 * stub.c — librnncuda.so without CUDA: the same soname and symbols as
 * rnncuda.cu (rnncuda.h), compiled with the C compiler, and every call
 * reports RNNCUDA_ERR_NO_DEVICE. CI links the Go bindings built with
 * -tags cuda against it, so their tests build, run and skip cleanly on a
 * machine without a GPU (docs/gpu.md).
 */
#include <stddef.h>

#include "rnncuda.h"

static const char msg[] = "rnncuda: this is the stub library (build/cuda/stub.c): no CUDA device; "
                          "build the real one with `make cuda` on a machine with nvcc";

static int none(void) { return RNNCUDA_ERR_NO_DEVICE; }

int rnncuda_abi_version(void) { return RNNCUDA_ABI_VERSION; }
int rnncuda_is_real(void) { return 0; }
const char *rnncuda_error(void) { return msg; }

int rnncuda_device_count(int *count) {
	if (count) *count = 0;
	return none();
}
int rnncuda_device_info(int device, rnncuda_info *info) { (void)device, (void)info; return none(); }
int rnncuda_set_device(int device) { (void)device; return none(); }

int rnncuda_ens_create(const rnncuda_config *cfg, rnncuda_ens **out) {
	(void)cfg;
	if (out) *out = NULL;
	return none();
}
void rnncuda_ens_free(rnncuda_ens *ens) { (void)ens; }
int rnncuda_ens_param_count(const rnncuda_ens *ens) { (void)ens; return 0; }
int rnncuda_ens_set_params(rnncuda_ens *ens, const double *theta) { (void)ens, (void)theta; return none(); }
int rnncuda_ens_get_params(rnncuda_ens *ens, double *theta) { (void)ens, (void)theta; return none(); }
int rnncuda_ens_get_grad(rnncuda_ens *ens, double *grad) { (void)ens, (void)grad; return none(); }
int rnncuda_ens_set_series(rnncuda_ens *ens, const double *series, int rows) { (void)ens, (void)series, (void)rows; return none(); }
int rnncuda_ens_window(rnncuda_ens *ens, const int *starts, double *loss) { (void)ens, (void)starts, (void)loss; return none(); }
int rnncuda_ens_adam(rnncuda_ens *ens, double lr, int rectified) { (void)ens, (void)lr, (void)rectified; return none(); }
int rnncuda_ens_get_adam(rnncuda_ens *ens, double *m, double *v, int *t) { (void)ens, (void)m, (void)v, (void)t; return none(); }
int rnncuda_ens_set_adam(rnncuda_ens *ens, const double *m, const double *v, int t) { (void)ens, (void)m, (void)v, (void)t; return none(); }
int rnncuda_ens_rollout(rnncuda_ens *ens, const double *z0, int rollouts, int steps, double *out) {
	(void)ens, (void)z0, (void)rollouts, (void)steps, (void)out;
	return none();
}
int rnncuda_tape_begin(rnncuda_ens *ens) { (void)ens; return none(); }
int rnncuda_tape_forward(rnncuda_ens *ens, int k, const double *x, double *dst) { (void)ens, (void)k, (void)x, (void)dst; return none(); }
int rnncuda_tape_backward(rnncuda_ens *ens, int k, const double *g, double *gx) { (void)ens, (void)k, (void)g, (void)gx; return none(); }
int rnncuda_tape_gradient(rnncuda_ens *ens, double *grad) { (void)ens, (void)grad; return none(); }

int rnncuda_lif_create(const rnncuda_lif_config *cfg, const long long *row_start, const int *target,
                       const double *weight, const unsigned short *delay, rnncuda_lif **out) {
	(void)cfg, (void)row_start, (void)target, (void)weight, (void)delay;
	if (out) *out = NULL;
	return none();
}
void rnncuda_lif_free(rnncuda_lif *net) { (void)net; }
int rnncuda_lif_set_state(rnncuda_lif *net, long long steps, const double *v, const double *i, const int *ref, const double *ring) {
	(void)net, (void)steps, (void)v, (void)i, (void)ref, (void)ring;
	return none();
}
int rnncuda_lif_get_state(rnncuda_lif *net, long long *steps, double *v, double *i, int *ref, double *ring) {
	(void)net, (void)steps, (void)v, (void)i, (void)ref, (void)ring;
	return none();
}
int rnncuda_lif_run(rnncuda_lif *net, int steps, const int *events, int *counts, int *spikes, int spikes_cap, int *total) {
	(void)net, (void)steps, (void)events, (void)counts, (void)spikes, (void)spikes_cap, (void)total;
	return none();
}
