package vec

// peakFMA512 and peakFMA256 are the peak probes of BenchmarkPeak (see
// peak_amd64.s): n iterations of 12 independent fused multiply-adds.
func peakFMA512(n int)
func peakFMA256(n int)

// hasFMA reports CPUID leaf 1 ECX bit 12 (FMA3), for the 256-bit probe.
func hasFMA() bool {
	_, _, ecx1, _ := cpuid(1, 0)
	return useAVX2 && ecx1&(1<<12) != 0
}
