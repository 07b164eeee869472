#include "textflag.h"

// func sigmoidsAVX2(dst, src []float64, c *[52]float64)
//
// Four lanes per iteration of fmath.Sigmoids' fast path:
//   a = −|v|; k = int(a·(1/ln2) − 0.5) (toward zero); hi = a − k·ln2Hi;
//   lo = k·ln2Lo; r = hi − lo; t = r·r;
//   c = r − t·(P1 + t·(P2 + t·(P3 + t·(P4 + t·P5))));
//   y = 1 − ((lo − r·c/(2 − c)) − hi); e = y·2^k;
//   out = (v < 0 ? e : 1)/(1 + e),
// each operation rounded on its own, as the scalar code. The constants are
// rows of four lanes at c + 32·i: 1/ln2, 0.5, ln2Hi, ln2Lo, P1…P5, 2, 1, the
// sign bit, 1023.
TEXT ·sigmoidsAVX2(SB), NOSPLIT, $0-56
	MOVQ dst_base+0(FP), DI
	MOVQ src_base+24(FP), SI
	MOVQ src_len+32(FP), CX
	MOVQ c+48(FP), DX
	SHRQ $2, CX
	JZ   done

loop:
	VMOVUPD     (SI), Y0         // v
	VORPD       352(DX), Y0, Y1  // a = −|v|
	VMULPD      0(DX), Y1, Y2    // a·(1/ln2)
	VSUBPD      32(DX), Y2, Y2   // − 0.5
	VCVTTPD2DQY Y2, X3           // k (int32)
	VCVTDQ2PD   X3, Y4           // float64(k)
	VMULPD      64(DX), Y4, Y5   // k·ln2Hi
	VSUBPD      Y5, Y1, Y5       // hi
	VMULPD      96(DX), Y4, Y6   // lo
	VSUBPD      Y6, Y5, Y4       // r = hi − lo
	VMULPD      Y4, Y4, Y2       // t
	VMULPD      256(DX), Y2, Y1  // t·P5
	VADDPD      224(DX), Y1, Y1  // P4 + ·
	VMULPD      Y1, Y2, Y1
	VADDPD      192(DX), Y1, Y1  // P3 + ·
	VMULPD      Y1, Y2, Y1
	VADDPD      160(DX), Y1, Y1  // P2 + ·
	VMULPD      Y1, Y2, Y1
	VADDPD      128(DX), Y1, Y1  // P1 + ·
	VMULPD      Y1, Y2, Y1
	VSUBPD      Y1, Y4, Y1       // c = r − ·
	VMULPD      Y1, Y4, Y2       // r·c
	VMOVUPD     288(DX), Y7
	VSUBPD      Y1, Y7, Y7       // 2 − c
	VDIVPD      Y7, Y2, Y2       // r·c/(2 − c)
	VSUBPD      Y2, Y6, Y2       // lo − ·
	VSUBPD      Y5, Y2, Y2       // · − hi
	VMOVUPD     320(DX), Y8      // 1
	VSUBPD      Y2, Y8, Y2       // y = 1 − ·
	VPMOVSXDQ   X3, Y9           // k as quadwords
	VPADDQ      384(DX), Y9, Y9  // k + 1023
	VPSLLQ      $52, Y9, Y9      // 2^k
	VMULPD      Y9, Y2, Y2       // e
	VADDPD      Y8, Y2, Y10      // 1 + e
	VBLENDVPD   Y0, Y2, Y8, Y11  // v < 0 ? e : 1
	VDIVPD      Y10, Y11, Y11
	VMOVUPD     Y11, (DI)
	ADDQ        $32, SI
	ADDQ        $32, DI
	DECQ        CX
	JNZ         loop
	VZEROUPPER

done:
	RET
