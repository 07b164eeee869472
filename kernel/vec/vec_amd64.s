#include "textflag.h"

// masktab<> holds four all-ones quadwords then four zeros: the 32 bytes at
// masktab<>+(4−c)·8 are a VMASKMOVPD mask selecting the first c lanes.
DATA masktab<>+0(SB)/8, $-1
DATA masktab<>+8(SB)/8, $-1
DATA masktab<>+16(SB)/8, $-1
DATA masktab<>+24(SB)/8, $-1
DATA masktab<>+32(SB)/8, $0
DATA masktab<>+40(SB)/8, $0
DATA masktab<>+48(SB)/8, $0
DATA masktab<>+56(SB)/8, $0
GLOBL masktab<>(SB), RODATA|NOPTR, $64

// TAILMASKS sets Y14 to the mask of the first min(r,4) lanes and Y15 to the
// mask of the first max(r−4,0) lanes, for a remainder r (0…7) in register
// r; t0, t1, t2 are scratch registers.
#define TAILMASKS(r, t0, t1, t2) \
	MOVQ    $4, t0 \
	CMPQ    r, t0 \
	CMOVQLT r, t0 \
	MOVQ    r, t1 \
	SUBQ    t0, t1 \
	NEGQ    t0 \
	NEGQ    t1 \
	LEAQ    masktab<>+32(SB), t2 \
	VMOVDQU (t2)(t0*8), Y14 \
	VMOVDQU (t2)(t1*8), Y15

// func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
TEXT ·cpuid(SB), NOSPLIT, $0-24
	MOVL eaxArg+0(FP), AX
	MOVL ecxArg+4(FP), CX
	CPUID
	MOVL AX, eax+8(FP)
	MOVL BX, ebx+12(FP)
	MOVL CX, ecx+16(FP)
	MOVL DX, edx+20(FP)
	RET

// func xgetbv() (eax, edx uint32)
TEXT ·xgetbv(SB), NOSPLIT, $0-8
	MOVL $0, CX
	XGETBV
	MOVL AX, eax+0(FP)
	MOVL DX, edx+4(FP)
	RET

// func dotAVX2(a, b []float64) float64
//
// The same arithmetic as dotGeneric. Y0 holds lanes 0–3 and Y1 lanes 4–7;
// each block of eight products (VMULPD, rounded) is added to the lanes
// (VADDPD). The last n mod 8 elements are one more block read with masked
// loads: they land in lanes j mod 8, and the masked-off lanes add
// +0·+0 = +0, which leaves a lane unchanged because a lane that starts at +0
// is never −0 under round-to-nearest. The lanes are then combined in
// registers as ((l0+l4)+(l2+l6)) + ((l1+l5)+(l3+l7)).
TEXT ·dotAVX2(SB), NOSPLIT, $0-56
	MOVQ   a_base+0(FP), SI
	MOVQ   a_len+8(FP), CX
	MOVQ   b_base+24(FP), DI
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	MOVQ   CX, R11
	ANDQ   $-8, R11
	SHLQ   $3, R11
	XORQ   AX, AX
	TESTQ  R11, R11
	JZ     dtail

dloop:
	VMOVUPD (SI)(AX*1), Y2
	VMOVUPD 32(SI)(AX*1), Y3
	VMULPD  (DI)(AX*1), Y2, Y2
	VMULPD  32(DI)(AX*1), Y3, Y3
	VADDPD  Y2, Y0, Y0
	VADDPD  Y3, Y1, Y1
	ADDQ    $64, AX
	CMPQ    AX, R11
	JNE     dloop

dtail:
	ANDQ       $7, CX
	JZ         dreduce
	TAILMASKS(CX, R8, R9, R10)
	VMASKMOVPD (SI)(AX*1), Y14, Y2
	VMASKMOVPD (DI)(AX*1), Y14, Y4
	VMASKMOVPD 32(SI)(AX*1), Y15, Y3
	VMASKMOVPD 32(DI)(AX*1), Y15, Y5
	VMULPD     Y4, Y2, Y2
	VMULPD     Y5, Y3, Y3
	VADDPD     Y2, Y0, Y0
	VADDPD     Y3, Y1, Y1

dreduce:
	VADDPD       Y1, Y0, Y0 // s = [l0+l4, l1+l5, l2+l6, l3+l7]
	VEXTRACTF128 $1, Y0, X1
	VADDPD       X1, X0, X0 // [(l0+l4)+(l2+l6), (l1+l5)+(l3+l7)]
	VPERMILPD    $1, X0, X1
	VADDSD       X1, X0, X0
	VZEROUPPER
	MOVSD        X0, ret+48(FP)
	RET

// func axpyAVX2(alpha float64, x, y []float64)
//
// y[j] += alpha·x[j]: a rounded product then a rounded sum per element, as
// in axpyGeneric.
TEXT ·axpyAVX2(SB), NOSPLIT, $0-56
	MOVSD        alpha+0(FP), X0
	MOVQ         x_base+8(FP), SI
	MOVQ         x_len+16(FP), CX
	MOVQ         y_base+32(FP), DI
	VBROADCASTSD X0, Y0
	MOVQ         CX, DX
	SHRQ         $3, DX
	JZ           axtail

axloop:
	VMULPD  0(SI), Y0, Y1
	VMULPD  32(SI), Y0, Y2
	VADDPD  0(DI), Y1, Y1
	VADDPD  32(DI), Y2, Y2
	VMOVUPD Y1, 0(DI)
	VMOVUPD Y2, 32(DI)
	ADDQ    $64, SI
	ADDQ    $64, DI
	DECQ    DX
	JNZ     axloop

axtail:
	ANDQ    $7, CX
	CMPQ    CX, $4
	JLT     axrest
	VMULPD  0(SI), Y0, Y1
	VADDPD  0(DI), Y1, Y1
	VMOVUPD Y1, 0(DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	SUBQ    $4, CX

axrest:
	VZEROUPPER
	TESTQ CX, CX
	JZ    axdone

axscalar:
	MOVSD (SI), X1
	MULSD X0, X1
	ADDSD (DI), X1
	MOVSD X1, (DI)
	ADDQ  $8, SI
	ADDQ  $8, DI
	DECQ  CX
	JNZ   axscalar

axdone:
	RET

// ROWBLOCK adds one block of eight products of the row at rowreg (byte
// offset AX) to the accumulators lo and hi; x is in Y8, Y9.
#define ROWBLOCK(rowreg, lo, hi) \
	VMULPD (rowreg)(AX*1), Y8, Y10 \
	VMULPD 32(rowreg)(AX*1), Y9, Y11 \
	VADDPD Y10, lo, lo \
	VADDPD Y11, hi, hi

// ROWTAIL adds the masked last block of the row at rowreg (byte offset AX);
// the masked x tail is in Y12, Y13 and the masks in Y14, Y15.
#define ROWTAIL(rowreg, lo, hi) \
	VMASKMOVPD (rowreg)(AX*1), Y14, Y10 \
	VMASKMOVPD 32(rowreg)(AX*1), Y15, Y11 \
	VMULPD     Y12, Y10, Y10 \
	VMULPD     Y13, Y11, Y11 \
	VADDPD     Y10, lo, lo \
	VADDPD     Y11, hi, hi

// func matVecAVX2(dst, a []float64, rows, cols int, x []float64)
//
// dst[i] = row i of the row-major rows×cols matrix a times x, for rows ≥ 4,
// each row with exactly dotAVX2's arithmetic. Rows go four at a time, whose
// eight accumulators are independent chains that hide the latency of VADDPD;
// the four results are reduced together in registers (VPERM2F128, VHADDPD,
// VPERMPD perform the adds of the lane order, only transposed). When rows is
// not a multiple of four the last block is moved back to end at the last
// row: the overlapping rows are recomputed with the same arithmetic and so
// rewritten with the same values.
TEXT ·matVecAVX2(SB), NOSPLIT, $0-88
	MOVQ dst_base+0(FP), BX
	MOVQ a_base+24(FP), SI
	MOVQ rows+48(FP), CX
	MOVQ cols+56(FP), DX
	MOVQ x_base+64(FP), DI
	MOVQ DX, R12
	SHLQ $3, R12     // row stride in bytes
	MOVQ DX, R11
	ANDQ $-8, R11
	SHLQ $3, R11     // bytes in whole blocks of eight
	ANDQ $7, DX      // remainder
	JZ   mvblock

	TAILMASKS(DX, R13, AX, R8)
	LEAQ       (DI)(R11*1), R8
	VMASKMOVPD (R8), Y14, Y12
	VMASKMOVPD 32(R8), Y15, Y13

mvblock:
	LEAQ   (SI)(R12*1), R8
	LEAQ   (R8)(R12*1), R9
	LEAQ   (R9)(R12*1), R10
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	XORQ   AX, AX
	TESTQ  R11, R11
	JZ     mvtail

mvloop:
	VMOVUPD (DI)(AX*1), Y8
	VMOVUPD 32(DI)(AX*1), Y9
	ROWBLOCK(SI, Y0, Y1)
	ROWBLOCK(R8, Y2, Y3)
	ROWBLOCK(R9, Y4, Y5)
	ROWBLOCK(R10, Y6, Y7)
	ADDQ    $64, AX
	CMPQ    AX, R11
	JNE     mvloop

mvtail:
	TESTQ DX, DX
	JZ    mvreduce
	ROWTAIL(SI, Y0, Y1)
	ROWTAIL(R8, Y2, Y3)
	ROWTAIL(R9, Y4, Y5)
	ROWTAIL(R10, Y6, Y7)

mvreduce:
	// s_r = lo_r + hi_r = [l0+l4, l1+l5, l2+l6, l3+l7] of row r.
	VADDPD Y1, Y0, Y0
	VADDPD Y3, Y2, Y2
	VADDPD Y5, Y4, Y4
	VADDPD Y7, Y6, Y6
	// t_r = [s_r0+s_r2, s_r1+s_r3], two rows per register.
	VPERM2F128 $0x20, Y2, Y0, Y8
	VPERM2F128 $0x31, Y2, Y0, Y9
	VPERM2F128 $0x20, Y6, Y4, Y10
	VPERM2F128 $0x31, Y6, Y4, Y11
	VADDPD     Y9, Y8, Y8       // [t00, t01, t10, t11]
	VADDPD     Y11, Y10, Y10    // [t20, t21, t30, t31]
	VHADDPD    Y10, Y8, Y8      // [t00+t01, t20+t21, t10+t11, t30+t31]
	VPERMPD    $0xD8, Y8, Y8    // rows 0, 1, 2, 3
	VMOVUPD    Y8, (BX)

	SUBQ $4, CX
	JZ   mvdone
	LEAQ (R10)(R12*1), SI
	ADDQ $32, BX
	CMPQ CX, $4
	JGE  mvblock

	// 1…3 rows left: move the block back by 4−CX rows.
	MOVQ  $4, R13
	SUBQ  CX, R13
	MOVQ  R13, AX
	IMULQ R12, AX
	SUBQ  AX, SI
	SHLQ  $3, R13
	SUBQ  R13, BX
	MOVQ  $4, CX
	JMP   mvblock

mvdone:
	VZEROUPPER
	RET
