#include "textflag.h"

// rowmask<> holds four all-ones quadwords then four zeros: the 32 bytes at
// rowmask<>+(4−c)·8 are a VMASKMOVPD mask selecting the first c lanes.
DATA rowmask<>+0(SB)/8, $-1
DATA rowmask<>+8(SB)/8, $-1
DATA rowmask<>+16(SB)/8, $-1
DATA rowmask<>+24(SB)/8, $-1
DATA rowmask<>+32(SB)/8, $0
DATA rowmask<>+40(SB)/8, $0
DATA rowmask<>+48(SB)/8, $0
DATA rowmask<>+56(SB)/8, $0
GLOBL rowmask<>(SB), RODATA|NOPTR, $64

// ROWHALF updates four entries at byte offset off+AX of the row (SI), with
// the update input (DX), the product input (DI) and the mask bytes at
// selo+R14 (R8; VPMOVSXBQ widens 0 and −1 to 0 and all ones), and adds the
// four products to acc. Y8–Y13 hold s, c, keep, lr, gc, −gc.
//   d  = w + s·xu                     (rounded product, rounded sum)
//   v  = max(min(c·xu, gc), −gc)      (VMINPD, VMAXPD)
//   m  = w·keep + lr·v
//   w' = sel ? m : d                  (VBLENDVPD on the mask's sign bit)
//   acc += w'·xn
#define ROWHALF(off, selo, acc) \
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
	VPMOVSXBQ selo(R8)(R14*1), Y7 \
	VBLENDVPD Y7, Y6, Y4, Y4 \
	VMOVUPD   Y4, off(SI)(AX*1) \
	VMULPD    off(DI)(AX*1), Y4, Y4 \
	VADDPD    Y4, acc, acc

// ROWTAILHALF is ROWHALF on the entries that the mask in Y15 selects (masked
// loads and store; the mask bytes are read whole: sel is padded); the other
// lanes read +0 and add w'·0 = ±0 to acc, which
// leaves it unchanged (a lane that starts at +0 is never −0).
#define ROWTAILHALF(off, selo, acc) \
	VMASKMOVPD off(SI)(AX*1), Y15, Y2 \
	VMASKMOVPD off(DX)(AX*1), Y15, Y3 \
	VMULPD     Y8, Y3, Y4 \
	VADDPD     Y4, Y2, Y4 \
	VMULPD     Y9, Y3, Y5 \
	VMINPD     Y12, Y5, Y5 \
	VMAXPD     Y13, Y5, Y5 \
	VMULPD     Y11, Y5, Y5 \
	VMULPD     Y10, Y2, Y6 \
	VADDPD     Y5, Y6, Y6 \
	VPMOVSXBQ  selo(R8)(R14*1), Y7 \
	VBLENDVPD  Y7, Y6, Y4, Y4 \
	VMASKMOVPD Y4, Y15, off(SI)(AX*1) \
	VMASKMOVPD off(DI)(AX*1), Y15, Y7 \
	VMULPD     Y7, Y4, Y4 \
	VADDPD     Y4, acc, acc

// func plasticRowAVX2(w, xu, xn []float64, sel []int8, k *rowConsts)
//
// plasticRow's arithmetic on the whole row: Y0 holds lanes 0–3 and Y1
// lanes 4–7 of the product, as in kernel/vec's dotAVX2, stored to k.lanes;
// the last len mod 8 entries are one more block read and written with
// masked loads and stores.
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
	VXORPD       Y0, Y0, Y0
	VXORPD       Y1, Y1, Y1
	MOVQ         CX, R10
	ANDQ         $7, R10
	ANDQ         $-8, CX
	SHLQ         $3, CX
	XORQ         AX, AX
	XORQ         R14, R14
	TESTQ        CX, CX
	JZ           tail

loop:
	ROWHALF(0, 0, Y0)
	ROWHALF(32, 4, Y1)
	ADDQ $64, AX
	ADDQ $8, R14
	CMPQ AX, CX
	JNE  loop

tail:
	TESTQ R10, R10
	JZ    done
	// The first min(r, 4) entries, then the next max(r−4, 0).
	MOVQ    $4, R11
	CMPQ    R10, R11
	CMOVQLT R10, R11
	MOVQ    R10, R12
	SUBQ    R11, R12
	NEGQ    R11
	NEGQ    R12
	LEAQ    rowmask<>+32(SB), R13
	VMOVDQU (R13)(R11*8), Y15
	ROWTAILHALF(0, 0, Y0)
	VMOVDQU (R13)(R12*8), Y15
	ROWTAILHALF(32, 4, Y1)

done:
	VMOVUPD Y0, 48(R9)
	VMOVUPD Y1, 80(R9)
	VZEROUPPER
	RET

// ROWHALFPLAIN and ROWTAILHALFPLAIN are ROWHALF and ROWTAILHALF for a row
// without forgetting (keep = 1: w·1 = w) and without a clamp (gc = +Inf:
// the min and max return their argument), with those three operations left
// out: m = w + lr·(c·xu).
#define ROWHALFPLAIN(off, selo, acc) \
	VMOVUPD   off(SI)(AX*1), Y2 \
	VMOVUPD   off(DX)(AX*1), Y3 \
	VMULPD    Y8, Y3, Y4 \
	VADDPD    Y4, Y2, Y4 \
	VMULPD    Y9, Y3, Y5 \
	VMULPD    Y11, Y5, Y5 \
	VADDPD    Y5, Y2, Y6 \
	VPMOVSXBQ selo(R8)(R14*1), Y7 \
	VBLENDVPD Y7, Y6, Y4, Y4 \
	VMOVUPD   Y4, off(SI)(AX*1) \
	VMULPD    off(DI)(AX*1), Y4, Y4 \
	VADDPD    Y4, acc, acc

#define ROWTAILHALFPLAIN(off, selo, acc) \
	VMASKMOVPD off(SI)(AX*1), Y15, Y2 \
	VMASKMOVPD off(DX)(AX*1), Y15, Y3 \
	VMULPD     Y8, Y3, Y4 \
	VADDPD     Y4, Y2, Y4 \
	VMULPD     Y9, Y3, Y5 \
	VMULPD     Y11, Y5, Y5 \
	VADDPD     Y5, Y2, Y6 \
	VPMOVSXBQ  selo(R8)(R14*1), Y7 \
	VBLENDVPD  Y7, Y6, Y4, Y4 \
	VMASKMOVPD Y4, Y15, off(SI)(AX*1) \
	VMASKMOVPD off(DI)(AX*1), Y15, Y7 \
	VMULPD     Y7, Y4, Y4 \
	VADDPD     Y4, acc, acc

// func plasticRowPlainAVX2(w, xu, xn []float64, sel []int8, k *rowConsts)
//
// plasticRowAVX2 without forgetting and clamp (the PLAIN macros).
TEXT ·plasticRowPlainAVX2(SB), NOSPLIT, $0-104
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
	VXORPD       Y0, Y0, Y0
	VXORPD       Y1, Y1, Y1
	MOVQ         CX, R10
	ANDQ         $7, R10
	ANDQ         $-8, CX
	SHLQ         $3, CX
	XORQ         AX, AX
	XORQ         R14, R14
	TESTQ        CX, CX
	JZ           ptail

ploop:
	ROWHALFPLAIN(0, 0, Y0)
	ROWHALFPLAIN(32, 4, Y1)
	ADDQ $64, AX
	ADDQ $8, R14
	CMPQ AX, CX
	JNE  ploop

ptail:
	TESTQ R10, R10
	JZ    pdone
	// The first min(r, 4) entries, then the next max(r−4, 0).
	MOVQ    $4, R11
	CMPQ    R10, R11
	CMOVQLT R10, R11
	MOVQ    R10, R12
	SUBQ    R11, R12
	NEGQ    R11
	NEGQ    R12
	LEAQ    rowmask<>+32(SB), R13
	VMOVDQU (R13)(R11*8), Y15
	ROWTAILHALFPLAIN(0, 0, Y0)
	VMOVDQU (R13)(R12*8), Y15
	ROWTAILHALFPLAIN(32, 4, Y1)

pdone:
	VMOVUPD Y0, 48(R9)
	VMOVUPD Y1, 80(R9)
	VZEROUPPER
	RET
