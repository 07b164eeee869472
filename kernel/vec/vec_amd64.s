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

// ZROW adds the product of the x block in Z8 and the row at addr to the
// accumulator acc (tmp is scratch): a rounded product, then a rounded sum.
#define ZROW(addr, acc, tmp) \
	VMULPD addr, Z8, tmp \
	VADDPD tmp, acc, acc

// ZROWTAIL is ZROW for the masked last block: lanes outside K1 are neither
// read (no fault past the end of the matrix) nor kept (they are +0).
#define ZROWTAIL(addr, acc, tmp) \
	VMULPD.Z addr, Z8, K1, tmp \
	VADDPD   tmp, acc, acc

// ZFOLD sets the low half y of the accumulator z to
// [l0+l4, l1+l5, l2+l6, l3+l7], the first adds of the lane order.
#define ZFOLD(z, y, tmpy) \
	VEXTRACTF64X4 $1, z, tmpy \
	VADDPD        tmpy, y, y

// QUADREDUCE stores the four row sums whose folded halves are in a, b, c, d
// (Y registers; rows in that order) at addr, with the rest of the lane order
// ((l0+l4)+(l2+l6)) + ((l1+l5)+(l3+l7)) done transposed, as in matVecAVX2
// (Y8–Y11 scratch: VEX instructions reach only the first 16 registers).
#define QUADREDUCE(a, b, c, d, addr) \
	VPERM2F128 $0x20, b, a, Y8 \
	VPERM2F128 $0x31, b, a, Y9 \
	VPERM2F128 $0x20, d, c, Y10 \
	VPERM2F128 $0x31, d, c, Y11 \
	VADDPD     Y9, Y8, Y8 \
	VADDPD     Y11, Y10, Y10 \
	VHADDPD    Y10, Y8, Y8 \
	VPERMPD    $0xD8, Y8, Y8 \
	VMOVUPD    Y8, addr

// func matVecAVX512(dst, a []float64, rows, cols int, x []float64)
//
// dst[i] = row i of the row-major rows×cols matrix a times x, for rows ≥ 8,
// with exactly dotGeneric's arithmetic: one 512-bit register holds a row's
// eight lanes (element j in lane j mod 8), eight rows go at once (eight
// independent accumulation chains), the last cols mod 8 elements are one
// more block read under the mask K1 (masked-off lanes add +0), and the
// lanes are combined as ((l0+l4)+(l2+l6)) + ((l1+l5)+(l3+l7)). Rows left
// after the blocks of eight are recomputed as an overlapping last block.
//
// Row r of a block is addressed from two bases, P = row 0 and Q = row 3,
// with the stride s in R12 and 3s in R13: 0:(P) 1:(P)(s) 2:(P)(2s) 3:(Q)
// 4:(P)(4s) 5:(Q)(2s) 6:(P)(3s·2) 7:(Q)(4s).
TEXT ·matVecAVX512(SB), NOSPLIT, $0-88
	MOVQ dst_base+0(FP), BX
	MOVQ a_base+24(FP), SI
	MOVQ rows+48(FP), CX
	MOVQ cols+56(FP), DX
	MOVQ x_base+64(FP), DI
	MOVQ DX, R12
	SHLQ $3, R12          // s: row stride in bytes
	LEAQ (R12)(R12*2), R13 // 3s
	MOVQ DX, R11
	SHRQ $3, R11          // whole blocks of eight per row
	ANDQ $7, DX           // remainder
	MOVQ $1, AX
	MOVQ DX, CX
	SHLQ CX, AX
	DECQ AX
	KMOVW AX, K1
	MOVQ rows+48(FP), CX

zmblock:
	MOVQ   SI, R9         // P
	LEAQ   (SI)(R13*1), R8 // Q
	MOVQ   DI, AX         // x
	VXORPD Z0, Z0, Z0
	VXORPD Z1, Z1, Z1
	VXORPD Z2, Z2, Z2
	VXORPD Z3, Z3, Z3
	VXORPD Z4, Z4, Z4
	VXORPD Z5, Z5, Z5
	VXORPD Z6, Z6, Z6
	VXORPD Z7, Z7, Z7
	MOVQ   R11, R10
	TESTQ  R10, R10
	JZ     zmtail

zmloop:
	VMOVUPD (AX), Z8
	ZROW((R9), Z0, Z9)
	ZROW((R9)(R12*1), Z1, Z10)
	ZROW((R9)(R12*2), Z2, Z11)
	ZROW((R8), Z3, Z12)
	ZROW((R9)(R12*4), Z4, Z13)
	ZROW((R8)(R12*2), Z5, Z14)
	ZROW((R9)(R13*2), Z6, Z15)
	ZROW((R8)(R12*4), Z7, Z9)
	ADDQ    $64, AX
	ADDQ    $64, R9
	ADDQ    $64, R8
	DECQ    R10
	JNZ     zmloop

zmtail:
	TESTQ    DX, DX
	JZ       zmreduce
	VMOVUPD.Z (AX), K1, Z8
	ZROWTAIL((R9), Z0, Z9)
	ZROWTAIL((R9)(R12*1), Z1, Z10)
	ZROWTAIL((R9)(R12*2), Z2, Z11)
	ZROWTAIL((R8), Z3, Z12)
	ZROWTAIL((R9)(R12*4), Z4, Z13)
	ZROWTAIL((R8)(R12*2), Z5, Z14)
	ZROWTAIL((R9)(R13*2), Z6, Z15)
	ZROWTAIL((R8)(R12*4), Z7, Z9)

zmreduce:
	ZFOLD(Z0, Y0, Y9)
	ZFOLD(Z1, Y1, Y9)
	ZFOLD(Z2, Y2, Y9)
	ZFOLD(Z3, Y3, Y9)
	ZFOLD(Z4, Y4, Y9)
	ZFOLD(Z5, Y5, Y9)
	ZFOLD(Z6, Y6, Y9)
	ZFOLD(Z7, Y7, Y9)
	QUADREDUCE(Y0, Y1, Y2, Y3, (BX))
	QUADREDUCE(Y4, Y5, Y6, Y7, 32(BX))

	SUBQ $8, CX
	JZ   zmdone
	LEAQ (SI)(R12*8), SI
	ADDQ $64, BX
	CMPQ CX, $8
	JGE  zmblock

	// 1…7 rows left: move the block back by 8−CX rows.
	MOVQ  $8, R10
	SUBQ  CX, R10
	MOVQ  R10, AX
	IMULQ R12, AX
	SUBQ  AX, SI
	SHLQ  $3, R10
	SUBQ  R10, BX
	MOVQ  $8, CX
	JMP   zmblock

zmdone:
	VZEROUPPER
	RET

// NEXTROWBLOCK ends a block of h rows of the matrix-product kernels: with
// CX rows left, it advances SI (a, row stride R12) and BX (dst, row stride
// R11) by h rows and jumps to rows while h or more remain; when 1…h−1
// remain it moves the block back to end at the last row (the overlapping
// rows are recomputed with the same values) and jumps to rows; at 0 it
// jumps to done. AX and R10 are scratch.
#define NEXTROWBLOCK(h, rows, done) \
	SUBQ  $h, CX \
	JZ    done \
	LEAQ  (SI)(R12*h), SI \
	LEAQ  (BX)(R11*h), BX \
	CMPQ  CX, $h \
	JGE   rows \
	MOVQ  $h, R10 \
	SUBQ  CX, R10 \
	MOVQ  R10, AX \
	IMULQ R12, AX \
	SUBQ  AX, SI \
	MOVQ  R10, AX \
	IMULQ R11, AX \
	SUBQ  AX, BX \
	MOVQ  $h, CX \
	JMP   rows

// BROW adds A[row, j] (a float64 at addr, broadcast) times the block of
// B's row j in Z8 to the accumulator acc: a rounded product, a rounded sum.
#define BROW(addr, acc, tmp) \
	VMULPD.BCST addr, Z8, tmp \
	VADDPD      tmp, acc, acc

// func matMulAVX512(dst, a, b []float64, n, m, k int)
//
// dst = a·b (row-major n×m times m×k), for n ≥ 8 and k ≥ 1, with exactly
// matMulGeneric's arithmetic. A block of eight rows of dst by eight columns
// is eight 512-bit accumulators (one per row, column c in lane c mod 8);
// for j = 0…m−1 the block of row j of b is loaded once and each row's
// A[i,j] is broadcast against it, so every element adds its products in
// increasing j. The last k mod 8 columns are loaded and stored under the
// mask K1 (no access past the ends of b and dst). Rows left after the
// blocks of eight are recomputed as an overlapping last block, which
// rewrites those rows with the same values.
//
// Registers: SI a's row block, DI b, BX dst's row block, CX rows left,
// R12 a's row stride s, R13 3s, R11 the row stride of b and dst (8k), DX
// the byte offset of the column block; R9 and R8 address a's rows 0 and 3
// of the block (advancing one element per j), AX b's row j, R10 counts j.
TEXT ·matMulAVX512(SB), NOSPLIT, $0-96
	MOVQ dst_base+0(FP), BX
	MOVQ a_base+24(FP), SI
	MOVQ b_base+48(FP), DI
	MOVQ n+72(FP), CX
	MOVQ m+80(FP), R12
	SHLQ $3, R12
	LEAQ (R12)(R12*2), R13
	MOVQ k+88(FP), R11
	MOVQ R11, DX
	ANDQ $7, DX
	MOVQ $1, AX
	MOVQ CX, R10       // keep n while CL holds the shift
	MOVQ DX, CX
	SHLQ CX, AX
	DECQ AX
	KMOVW AX, K3       // the mask of the last k mod 8 columns
	MOVQ  $0xff, AX
	KMOVW AX, K2       // a whole block
	MOVQ  R10, CX
	SHLQ  $3, R11

mmrows:
	XORQ DX, DX

mmcols:
	KMOVW K2, K1
	LEAQ  64(DX), AX
	CMPQ  AX, R11
	JLE   mmmasked
	KMOVW K3, K1

mmmasked:
	MOVQ   SI, R9
	LEAQ   (SI)(R13*1), R8
	LEAQ   (DI)(DX*1), AX
	VXORPD Z0, Z0, Z0
	VXORPD Z1, Z1, Z1
	VXORPD Z2, Z2, Z2
	VXORPD Z3, Z3, Z3
	VXORPD Z4, Z4, Z4
	VXORPD Z5, Z5, Z5
	VXORPD Z6, Z6, Z6
	VXORPD Z7, Z7, Z7
	MOVQ   m+80(FP), R10
	TESTQ  R10, R10
	JZ     mmstore

mmj:
	VMOVUPD.Z (AX), K1, Z8
	BROW((R9), Z0, Z9)
	BROW((R9)(R12*1), Z1, Z10)
	BROW((R9)(R12*2), Z2, Z11)
	BROW((R8), Z3, Z12)
	BROW((R9)(R12*4), Z4, Z13)
	BROW((R8)(R12*2), Z5, Z14)
	BROW((R9)(R13*2), Z6, Z15)
	BROW((R8)(R12*4), Z7, Z9)
	ADDQ      $8, R9
	ADDQ      $8, R8
	ADDQ      R11, AX
	DECQ      R10
	JNZ       mmj

mmstore:
	LEAQ    (BX)(DX*1), R9
	LEAQ    (R11)(R11*2), R10
	LEAQ    (R9)(R10*1), R8
	VMOVUPD Z0, K1, (R9)
	VMOVUPD Z1, K1, (R9)(R11*1)
	VMOVUPD Z2, K1, (R9)(R11*2)
	VMOVUPD Z3, K1, (R8)
	VMOVUPD Z4, K1, (R9)(R11*4)
	VMOVUPD Z5, K1, (R8)(R11*2)
	VMOVUPD Z6, K1, (R9)(R10*2)
	VMOVUPD Z7, K1, (R8)(R11*4)
	ADDQ    $64, DX
	CMPQ    DX, R11
	JLT     mmcols

	NEXTROWBLOCK(8, mmrows, mmdone)

mmdone:
	VZEROUPPER
	RET

// BROW2 adds A[row, j] (at addr, broadcast into Y10) times the block of B's
// row j in Y8, Y9 to the accumulators lo, hi.
#define BROW2(addr, lo, hi) \
	VBROADCASTSD addr, Y10 \
	VMULPD       Y8, Y10, Y11 \
	VMULPD       Y9, Y10, Y12 \
	VADDPD       Y11, lo, lo \
	VADDPD       Y12, hi, hi

// BROW1 is BROW2 for a column tail of at most four: the low half only.
#define BROW1(addr, lo) \
	VBROADCASTSD addr, Y10 \
	VMULPD       Y8, Y10, Y11 \
	VADDPD       Y11, lo, lo

// func matMulAVX2(dst, a, b []float64, n, m, k, add int)
//
// matMulAVX512 on 256-bit registers, for n ≥ 4 and k ≥ 1: blocks of four
// rows by eight columns (two accumulators per row), the column block's
// masks in Y14, Y15 (all ones but at the last k mod 8 columns), rows left
// over recomputed as an overlapping last block. Registers as there.
// With add ≠ 0 the accumulators start from dst instead of +0 (dst += A·B,
// MatMulAdd); n must then be a multiple of four, since an overlapping last
// block would add its rows twice. A column tail of at most four columns
// runs only the low halves (the high ones are masked off entirely).
TEXT ·matMulAVX2(SB), NOSPLIT, $0-104
	MOVQ dst_base+0(FP), BX
	MOVQ a_base+24(FP), SI
	MOVQ b_base+48(FP), DI
	MOVQ n+72(FP), CX
	MOVQ m+80(FP), R12
	SHLQ $3, R12
	LEAQ (R12)(R12*2), R13
	MOVQ k+88(FP), R11
	SHLQ $3, R11

m2rows:
	XORQ DX, DX

m2cols:
	MOVQ R11, R10
	SUBQ DX, R10
	SHRQ $3, R10      // columns left
	MOVQ $8, AX
	CMPQ R10, AX
	CMOVQGT AX, R10   // this block's width, 1…8
	TAILMASKS(R10, AX, R8, R9)
	MOVQ   add+96(FP), R10
	TESTQ  R10, R10
	JNZ    m2load
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	JMP    m2init

m2load:
	LEAQ       (BX)(DX*1), R9
	LEAQ       (R11)(R11*2), R10
	LEAQ       (R9)(R10*1), R8
	VMASKMOVPD (R9), Y14, Y0
	VMASKMOVPD 32(R9), Y15, Y1
	VMASKMOVPD (R9)(R11*1), Y14, Y2
	VMASKMOVPD 32(R9)(R11*1), Y15, Y3
	VMASKMOVPD (R9)(R11*2), Y14, Y4
	VMASKMOVPD 32(R9)(R11*2), Y15, Y5
	VMASKMOVPD (R8), Y14, Y6
	VMASKMOVPD 32(R8), Y15, Y7

m2init:
	MOVQ   SI, R9
	LEAQ   (SI)(R13*1), R8
	LEAQ   (DI)(DX*1), AX
	MOVQ   R11, R10
	SUBQ   DX, R10
	CMPQ   R10, $64
	JLT    m2masked     // a column tail: masked loads of B
	MOVQ   m+80(FP), R10
	TESTQ  R10, R10
	JZ     m2store

m2jfull:                // a whole block of eight columns: plain loads
	VMOVUPD    (AX), Y8
	VMOVUPD    32(AX), Y9
	BROW2((R9), Y0, Y1)
	BROW2((R9)(R12*1), Y2, Y3)
	BROW2((R9)(R12*2), Y4, Y5)
	BROW2((R8), Y6, Y7)
	ADDQ       $8, R9
	ADDQ       $8, R8
	ADDQ       R11, AX
	DECQ       R10
	JNZ        m2jfull
	JMP        m2store

m2masked:
	CMPQ   R10, $32
	MOVQ   m+80(FP), R10
	JLE    m2half0      // at most four columns: the low half only
	TESTQ  R10, R10
	JZ     m2store

m2j:
	VMASKMOVPD (AX), Y14, Y8
	VMASKMOVPD 32(AX), Y15, Y9
	BROW2((R9), Y0, Y1)
	BROW2((R9)(R12*1), Y2, Y3)
	BROW2((R9)(R12*2), Y4, Y5)
	BROW2((R8), Y6, Y7)
	ADDQ       $8, R9
	ADDQ       $8, R8
	ADDQ       R11, AX
	DECQ       R10
	JNZ        m2j
	JMP        m2store

m2half0:
	TESTQ R10, R10
	JZ    m2store

m2half:
	VMASKMOVPD (AX), Y14, Y8
	BROW1((R9), Y0)
	BROW1((R9)(R12*1), Y2)
	BROW1((R9)(R12*2), Y4)
	BROW1((R8), Y6)
	ADDQ       $8, R9
	ADDQ       $8, R8
	ADDQ       R11, AX
	DECQ       R10
	JNZ        m2half

m2store:
	LEAQ       (BX)(DX*1), R9
	LEAQ       (R11)(R11*2), R10
	LEAQ       (R9)(R10*1), R8
	VMASKMOVPD Y0, Y14, (R9)
	VMASKMOVPD Y1, Y15, 32(R9)
	VMASKMOVPD Y2, Y14, (R9)(R11*1)
	VMASKMOVPD Y3, Y15, 32(R9)(R11*1)
	VMASKMOVPD Y4, Y14, (R9)(R11*2)
	VMASKMOVPD Y5, Y15, 32(R9)(R11*2)
	VMASKMOVPD Y6, Y14, (R8)
	VMASKMOVPD Y7, Y15, 32(R8)
	ADDQ       $64, DX
	CMPQ       DX, R11
	JLT        m2cols

	NEXTROWBLOCK(4, m2rows, m2done)

m2done:
	VZEROUPPER
	RET

// func matTMulAddAVX2(dst, a, b []float64, n, m, k, lda int)
//
// dst += aᵀ·b for the first n rows of dst (n×k), a positive multiple of
// four, with row-major a (m rows of lda ≥ n entries) and b (m×k), k ≥ 1,
// with exactly matTMulAddGeneric's arithmetic: the blocks, masks and
// accumulators of matMulAVX2's accumulating form, but the four rows'
// multipliers a[j, i…i+3] are adjacent in row j of a (offsets 0, 8, 16, 24
// from R9, which steps by a's row stride lda·8 in R12), so the product
// Σ_j a_jᵀ b_j of rows gathered one after another needs no transposed copy.
TEXT ·matTMulAddAVX2(SB), NOSPLIT, $0-104
	MOVQ dst_base+0(FP), BX
	MOVQ a_base+24(FP), SI
	MOVQ b_base+48(FP), DI
	MOVQ n+72(FP), CX
	MOVQ lda+96(FP), R12
	SHLQ $3, R12
	MOVQ k+88(FP), R11
	SHLQ $3, R11

tnrows:
	XORQ DX, DX

tncols:
	MOVQ       R11, R10
	SUBQ       DX, R10
	SHRQ       $3, R10    // columns left
	MOVQ       $8, AX
	CMPQ       R10, AX
	CMOVQGT    AX, R10    // this block's width, 1…8
	TAILMASKS(R10, AX, R8, R9)
	LEAQ       (BX)(DX*1), R9
	LEAQ       (R11)(R11*2), R10
	LEAQ       (R9)(R10*1), R8
	VMASKMOVPD (R9), Y14, Y0
	VMASKMOVPD 32(R9), Y15, Y1
	VMASKMOVPD (R9)(R11*1), Y14, Y2
	VMASKMOVPD 32(R9)(R11*1), Y15, Y3
	VMASKMOVPD (R9)(R11*2), Y14, Y4
	VMASKMOVPD 32(R9)(R11*2), Y15, Y5
	VMASKMOVPD (R8), Y14, Y6
	VMASKMOVPD 32(R8), Y15, Y7
	MOVQ       SI, R9
	LEAQ       (DI)(DX*1), AX
	MOVQ       m+80(FP), R10
	TESTQ      R10, R10
	JZ         tnstore
	MOVQ       R11, R8
	SUBQ       DX, R8
	CMPQ       R8, $64
	JLT        tntail     // a column tail: masked loads of b

tnjfull:
	VMOVUPD (AX), Y8
	VMOVUPD 32(AX), Y9
	BROW2((R9), Y0, Y1)
	BROW2(8(R9), Y2, Y3)
	BROW2(16(R9), Y4, Y5)
	BROW2(24(R9), Y6, Y7)
	ADDQ    R12, R9
	ADDQ    R11, AX
	DECQ    R10
	JNZ     tnjfull
	JMP     tnstore

tntail:
	CMPQ R8, $32
	JLE  tnhalf // at most four columns: the low half only

tnmasked:
	VMASKMOVPD (AX), Y14, Y8
	VMASKMOVPD 32(AX), Y15, Y9
	BROW2((R9), Y0, Y1)
	BROW2(8(R9), Y2, Y3)
	BROW2(16(R9), Y4, Y5)
	BROW2(24(R9), Y6, Y7)
	ADDQ       R12, R9
	ADDQ       R11, AX
	DECQ       R10
	JNZ        tnmasked
	JMP        tnstore

tnhalf:
	VMASKMOVPD (AX), Y14, Y8
	BROW1((R9), Y0)
	BROW1(8(R9), Y2)
	BROW1(16(R9), Y4)
	BROW1(24(R9), Y6)
	ADDQ       R12, R9
	ADDQ       R11, AX
	DECQ       R10
	JNZ        tnhalf

tnstore:
	LEAQ       (BX)(DX*1), R9
	LEAQ       (R11)(R11*2), R10
	LEAQ       (R9)(R10*1), R8
	VMASKMOVPD Y0, Y14, (R9)
	VMASKMOVPD Y1, Y15, 32(R9)
	VMASKMOVPD Y2, Y14, (R9)(R11*1)
	VMASKMOVPD Y3, Y15, 32(R9)(R11*1)
	VMASKMOVPD Y4, Y14, (R9)(R11*2)
	VMASKMOVPD Y5, Y15, 32(R9)(R11*2)
	VMASKMOVPD Y6, Y14, (R8)
	VMASKMOVPD Y7, Y15, 32(R8)
	ADDQ       $64, DX
	CMPQ       DX, R11
	JLT        tncols

	ADDQ $32, SI
	LEAQ (BX)(R11*4), BX
	SUBQ $4, CX
	JNZ  tnrows

	VZEROUPPER
	RET

// func mulAVX2(dst, a, b []float64)
//
// dst[j] = a[j]·b[j]: eight elements per iteration, then four, then scalar.
TEXT ·mulAVX2(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ a_base+24(FP), SI
	MOVQ a_len+32(FP), CX
	MOVQ b_base+48(FP), DX
	MOVQ CX, AX
	SHRQ $3, AX
	JZ   multail

mulloop:
	VMOVUPD 0(SI), Y0
	VMOVUPD 32(SI), Y1
	VMULPD  0(DX), Y0, Y0
	VMULPD  32(DX), Y1, Y1
	VMOVUPD Y0, 0(DI)
	VMOVUPD Y1, 32(DI)
	ADDQ    $64, SI
	ADDQ    $64, DX
	ADDQ    $64, DI
	DECQ    AX
	JNZ     mulloop

multail:
	ANDQ    $7, CX
	CMPQ    CX, $4
	JLT     mulrest
	VMOVUPD 0(SI), Y0
	VMULPD  0(DX), Y0, Y0
	VMOVUPD Y0, 0(DI)
	ADDQ    $32, SI
	ADDQ    $32, DX
	ADDQ    $32, DI
	SUBQ    $4, CX

mulrest:
	VZEROUPPER
	TESTQ CX, CX
	JZ    muldone

mulscalar:
	MOVSD (SI), X0
	MULSD (DX), X0
	MOVSD X0, (DI)
	ADDQ  $8, SI
	ADDQ  $8, DX
	ADDQ  $8, DI
	DECQ  CX
	JNZ   mulscalar

muldone:
	RET

