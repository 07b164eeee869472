// cuda_runtime.h for the CPU emulator of rnncuda.cu (RNNCUDA_EMU; make
// cuda-emu, docs/gpu.md). It runs each kernel launch block after block, a
// block as blockDim host threads meeting at __syncthreads on a barrier, with
// the block's dynamic shared memory zeroed, and device memory as host memory.
// It checks the kernels' logic — indices, synchronisation, the order of
// floating-point operations — on a machine without a GPU; it says nothing
// about the device's speed or its own rounding of library functions.
#ifndef RNNCUDA_EMU_CUDA_RUNTIME_H
#define RNNCUDA_EMU_CUDA_RUNTIME_H

#include <barrier>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <thread>
#include <vector>

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline

struct dim3 {
	unsigned x, y, z;
};
inline thread_local dim3 threadIdx, blockIdx, blockDim;
inline thread_local std::barrier<> *emu_bar;
inline thread_local double *emu_sh;

inline void __syncthreads() { emu_bar->arrive_and_wait(); }

#define DYN_SHARED(name) double *name = emu_sh
#define LAUNCH(kernel, grid, block, shared, ...) \
	emu_launch((unsigned)(grid), (unsigned)(block), (size_t)(shared), [=] { kernel(__VA_ARGS__); })

inline void emu_launch(unsigned grid, unsigned block, size_t shared, const std::function<void()> &f) {
	std::vector<double> sh(shared / sizeof(double) + 1);
	for (unsigned b = 0; b < grid; b++) {
		std::fill(sh.begin(), sh.end(), 0.0);
		std::barrier<> bar(block);
		std::vector<std::thread> ts;
		for (unsigned t = 0; t < block; t++)
			ts.emplace_back([&, b, t] {
				threadIdx = {t, 0, 0};
				blockIdx = {b, 0, 0};
				blockDim = {block, 1, 1};
				emu_bar = &bar;
				emu_sh = sh.data();
				f();
			});
		for (auto &t : ts) t.join();
	}
}

typedef enum {
	cudaSuccess = 0,
	cudaErrorMemoryAllocation = 2,
	cudaErrorInsufficientDriver = 35,
	cudaErrorNoDevice = 100
} cudaError_t;
typedef enum { cudaMemcpyHostToDevice = 1, cudaMemcpyDeviceToHost = 2 } cudaMemcpyKind;

struct cudaDeviceProp {
	char name[256];
	size_t totalGlobalMem;
	int major, minor, multiProcessorCount;
};

inline const char *cudaGetErrorString(cudaError_t e) { return e == cudaSuccess ? "no error" : "emulated CUDA error"; }
inline cudaError_t cudaGetDeviceCount(int *n) { *n = 1; return cudaSuccess; }
inline cudaError_t cudaGetDeviceProperties(cudaDeviceProp *p, int) {
	std::memset(p, 0, sizeof *p);
	std::strcpy(p->name, "rnncuda CPU emulator");
	p->totalGlobalMem = (size_t)1 << 30;
	p->multiProcessorCount = 1;
	return cudaSuccess;
}
inline cudaError_t cudaSetDevice(int) { return cudaSuccess; }
inline cudaError_t cudaMalloc(void **p, size_t n) {
	*p = std::calloc(n ? n : 1, 1);
	return *p ? cudaSuccess : cudaErrorMemoryAllocation;
}
inline cudaError_t cudaFree(void *p) { std::free(p); return cudaSuccess; }
inline cudaError_t cudaMemset(void *p, int v, size_t n) { std::memset(p, v, n); return cudaSuccess; }
inline cudaError_t cudaMemcpy(void *d, const void *s, size_t n, cudaMemcpyKind) { std::memcpy(d, s, n); return cudaSuccess; }
inline cudaError_t cudaMemcpy2D(void *d, size_t dp, const void *s, size_t sp, size_t w, size_t h, cudaMemcpyKind) {
	for (size_t r = 0; r < h; r++) std::memcpy((char *)d + r * dp, (const char *)s + r * sp, w);
	return cudaSuccess;
}
inline cudaError_t cudaGetLastError() { return cudaSuccess; }
inline cudaError_t cudaDeviceSynchronize() { return cudaSuccess; }

#endif
