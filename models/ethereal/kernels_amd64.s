#include "textflag.h"

// ROWHALF updates four entries at byte offset off+AX of the row (SI), with
// the update input (DX), the product input (DI) and the masks (R8), and adds
// the four products to acc. Y8–Y13 hold s, c, keep, lr, gc, −gc.
//   d  = w + s·xu                     (rounded product, rounded sum)
//   v  = max(min(c·xu, gc), −gc)      (VMINPD, VMAXPD)
//   m  = w·keep + lr·v
//   w' = sel ? m : d                  (VBLENDVPD on the mask's sign bit)
//   acc += w'·xn
#define ROWHALF(off, acc) \
	VMOVUPD   off(SI)(AX*1), Y2 \
	VMOVUPD   off(DX)(AX*1), Y3 \
	VMULPD    Y8, Y3, Y4 \
	VADDPD    Y4, Y2, Y4 \
	VMULPD    Y9, Y3, Y5 \
	VMINPD    Y12, Y5, Y5 \
	VMAXPD    Y13, Y5, Y5 \
	VMULPD    Y11, Y5, Y5 \
	VMULPD    Y10, Y2, Y6 \
	VADDPD    Y5, Y6, Y6 \
	VMOVUPD   off(R8)(AX*1), Y7 \
	VBLENDVPD Y7, Y6, Y4, Y4 \
	VMOVUPD   Y4, off(SI)(AX*1) \
	VMULPD    off(DI)(AX*1), Y4, Y4 \
	VADDPD    Y4, acc, acc

// func plasticRowAVX2(w, xu, xn []float64, sel []uint64, k *rowConsts)
//
// plasticRow's arithmetic on the first len(w) &^ 7 entries: Y0 holds lanes
// 0–3 and Y1 lanes 4–7 of the product, as in kernel/vec's dotAVX2; they
// start from k.lanes and are stored back there.
TEXT ·plasticRowAVX2(SB), NOSPLIT, $0-104
	MOVQ         w_base+0(FP), SI
	MOVQ         w_len+8(FP), CX
	MOVQ         xu_base+24(FP), DX
	MOVQ         xn_base+48(FP), DI
	MOVQ         sel_base+72(FP), R8
	MOVQ         k+96(FP), R9
	VBROADCASTSD 0(R9), Y8
	VBROADCASTSD 8(R9), Y9
	VBROADCASTSD 16(R9), Y10
	VBROADCASTSD 24(R9), Y11
	VBROADCASTSD 32(R9), Y12
	VBROADCASTSD 40(R9), Y13
	VMOVUPD      48(R9), Y0
	VMOVUPD      80(R9), Y1
	ANDQ         $-8, CX
	SHLQ         $3, CX
	XORQ         AX, AX
	TESTQ        CX, CX
	JZ           done

loop:
	ROWHALF(0, Y0)
	ROWHALF(32, Y1)
	ADDQ $64, AX
	CMPQ AX, CX
	JNE  loop

done:
	VMOVUPD Y0, 48(R9)
	VMOVUPD Y1, 80(R9)
	VZEROUPPER
	RET
