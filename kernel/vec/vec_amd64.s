#include "textflag.h"

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
// The same arithmetic as dotGeneric: Y0 holds lanes 0–3 and Y1 lanes 4–7;
// each block of eight products (VMULPD, rounded) is added to the lanes
// (VADDPD); the tail adds element j to lane j mod 8 in scalar code; the lanes
// are combined as ((l0+l4)+(l2+l6)) + ((l1+l5)+(l3+l7)).
TEXT ·dotAVX2(SB), NOSPLIT, $64-56
	MOVQ a_base+0(FP), SI
	MOVQ a_len+8(FP), CX
	MOVQ b_base+24(FP), DI
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	MOVQ CX, DX
	SHRQ $3, DX
	JZ   spill

loop:
	VMOVUPD 0(SI), Y2
	VMOVUPD 32(SI), Y3
	VMULPD  0(DI), Y2, Y2
	VMULPD  32(DI), Y3, Y3
	VADDPD  Y2, Y0, Y0
	VADDPD  Y3, Y1, Y1
	ADDQ    $64, SI
	ADDQ    $64, DI
	DECQ    DX
	JNZ     loop

spill:
	VMOVUPD Y0, 0(SP)
	VMOVUPD Y1, 32(SP)
	VZEROUPPER
	ANDQ $7, CX
	XORQ AX, AX

tail:
	CMPQ  AX, CX
	JGE   combine
	MOVSD (SI)(AX*8), X2
	MULSD (DI)(AX*8), X2
	ADDSD (SP)(AX*8), X2
	MOVSD X2, (SP)(AX*8)
	INCQ  AX
	JMP   tail

combine:
	MOVSD 0(SP), X0
	ADDSD 32(SP), X0
	MOVSD 16(SP), X2
	ADDSD 48(SP), X2
	ADDSD X2, X0
	MOVSD 8(SP), X1
	ADDSD 40(SP), X1
	MOVSD 24(SP), X3
	ADDSD 56(SP), X3
	ADDSD X3, X1
	ADDSD X1, X0
	MOVSD X0, ret+48(FP)
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
	ANDQ $7, CX
	CMPQ CX, $4
	JLT  axrest
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

// Row r's tail step: lane AX of row r (spilled at off(SP)) += row[AX]·x[AX].
#define TAILROW(rowreg, off) \
	MOVSD (rowreg)(AX*8), X9 \
	MULSD X8, X9 \
	ADDSD off(SP)(R12*8), X9 \
	MOVSD X9, off(SP)(R12*8)

// Combine the eight spilled lanes at off(SP) as
// ((l0+l4)+(l2+l6)) + ((l1+l5)+(l3+l7)) and store the result at dstoff(BX).
#define COMBINE(off, dstoff) \
	MOVSD off+0(SP), X0 \
	ADDSD off+32(SP), X0 \
	MOVSD off+16(SP), X2 \
	ADDSD off+48(SP), X2 \
	ADDSD X2, X0 \
	MOVSD off+8(SP), X1 \
	ADDSD off+40(SP), X1 \
	MOVSD off+24(SP), X3 \
	ADDSD off+56(SP), X3 \
	ADDSD X3, X1 \
	ADDSD X1, X0 \
	MOVSD X0, dstoff(BX)

// func matVec4AVX2(dst, a []float64, cols int, x []float64)
//
// Four rows of a row-major matrix (starting at a, row stride cols) times x,
// each row with exactly dotAVX2's arithmetic; the four rows' eight
// accumulators are independent, which hides the latency of VADDPD.
TEXT ·matVec4AVX2(SB), NOSPLIT, $256-80
	MOVQ dst_base+0(FP), BX
	MOVQ a_base+24(FP), SI
	MOVQ cols+48(FP), CX
	MOVQ x_base+56(FP), DI
	LEAQ (SI)(CX*8), R8
	LEAQ (R8)(CX*8), R9
	LEAQ (R9)(CX*8), R10
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	MOVQ CX, DX
	SHRQ $3, DX
	JZ   mvspill

mvloop:
	VMOVUPD 0(DI), Y8
	VMOVUPD 32(DI), Y9
	VMULPD  0(SI), Y8, Y10
	VMULPD  32(SI), Y9, Y11
	VMULPD  0(R8), Y8, Y12
	VMULPD  32(R8), Y9, Y13
	VADDPD  Y10, Y0, Y0
	VADDPD  Y11, Y1, Y1
	VADDPD  Y12, Y2, Y2
	VADDPD  Y13, Y3, Y3
	VMULPD  0(R9), Y8, Y10
	VMULPD  32(R9), Y9, Y11
	VMULPD  0(R10), Y8, Y12
	VMULPD  32(R10), Y9, Y13
	VADDPD  Y10, Y4, Y4
	VADDPD  Y11, Y5, Y5
	VADDPD  Y12, Y6, Y6
	VADDPD  Y13, Y7, Y7
	ADDQ    $64, SI
	ADDQ    $64, R8
	ADDQ    $64, R9
	ADDQ    $64, R10
	ADDQ    $64, DI
	DECQ    DX
	JNZ     mvloop

mvspill:
	// A remainder of four or more: elements 8k … 8k+3 belong to lanes 0–3,
	// so one more four-wide step into the low accumulators; the scalar tail
	// then continues at lane 4.
	XORQ R11, R11
	MOVQ CX, DX
	ANDQ $7, DX
	CMPQ DX, $4
	JLT  mvspill2
	VMOVUPD 0(DI), Y8
	VMULPD  0(SI), Y8, Y10
	VMULPD  0(R8), Y8, Y11
	VMULPD  0(R9), Y8, Y12
	VMULPD  0(R10), Y8, Y13
	VADDPD  Y10, Y0, Y0
	VADDPD  Y11, Y2, Y2
	VADDPD  Y12, Y4, Y4
	VADDPD  Y13, Y6, Y6
	ADDQ    $32, SI
	ADDQ    $32, R8
	ADDQ    $32, R9
	ADDQ    $32, R10
	ADDQ    $32, DI
	MOVQ    $4, R11
	SUBQ    $4, CX

mvspill2:
	VMOVUPD Y0, 0(SP)
	VMOVUPD Y1, 32(SP)
	VMOVUPD Y2, 64(SP)
	VMOVUPD Y3, 96(SP)
	VMOVUPD Y4, 128(SP)
	VMOVUPD Y5, 160(SP)
	VMOVUPD Y6, 192(SP)
	VMOVUPD Y7, 224(SP)
	VZEROUPPER
	ANDQ $7, CX
	XORQ AX, AX

mvtail:
	CMPQ  AX, CX
	JGE   mvcombine
	MOVQ  AX, R12
	ADDQ  R11, R12
	MOVSD (DI)(AX*8), X8
	TAILROW(SI, 0)
	TAILROW(R8, 64)
	TAILROW(R9, 128)
	TAILROW(R10, 192)
	INCQ  AX
	JMP   mvtail

mvcombine:
	COMBINE(0, 0)
	COMBINE(64, 8)
	COMBINE(128, 16)
	COMBINE(192, 24)
	RET
