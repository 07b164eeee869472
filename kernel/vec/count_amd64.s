#include "textflag.h"

// cbmask<> holds four all-ones quadwords then four zeros: the 32 bytes at
// cbmask<>+(4−r)·8 select the first r lanes.
DATA cbmask<>+0(SB)/8, $-1
DATA cbmask<>+8(SB)/8, $-1
DATA cbmask<>+16(SB)/8, $-1
DATA cbmask<>+24(SB)/8, $-1
DATA cbmask<>+32(SB)/8, $0
DATA cbmask<>+40(SB)/8, $0
DATA cbmask<>+48(SB)/8, $0
DATA cbmask<>+56(SB)/8, $0
GLOBL cbmask<>(SB), RODATA|NOPTR, $64

// func countBelowAVX2(dst []int32, z, table []float64, stride, width int)
//
// countBelowGeneric for width ≥ 1: z[i] broadcast in Y0 is compared with
// four entries of row i at a time (VCMPPD GT_OQ: z > t, false for a NaN),
// the all-ones lanes subtracted from the count lanes in Y1 (−1 each); the
// last width mod 4 entries are read with a masked load and their compare
// ANDed with the mask (Y15); the four lanes are summed at the end of the row.
TEXT ·countBelowAVX2(SB), NOSPLIT, $0-88
	MOVQ    dst_base+0(FP), DI
	MOVQ    z_base+24(FP), SI
	MOVQ    z_len+32(FP), CX
	MOVQ    table_base+48(FP), BX
	MOVQ    stride+72(FP), R8
	SHLQ    $3, R8
	MOVQ    width+80(FP), R9
	MOVQ    R9, R10
	SHRQ    $2, R9          // whole blocks of four
	ANDQ    $3, R10         // the tail, 0…3
	MOVQ    $4, AX
	SUBQ    R10, AX
	LEAQ    cbmask<>(SB), DX
	VMOVDQU (DX)(AX*8), Y15 // the tail's mask
	TESTQ   CX, CX
	JZ      cbdone

cbrow:
	VBROADCASTSD (SI), Y0
	VPXOR        Y1, Y1, Y1
	MOVQ         BX, AX
	MOVQ         R9, DX
	TESTQ        DX, DX
	JZ           cbtail

cbblock:
	VCMPPD $0x1e, (AX), Y0, Y2
	VPSUBQ Y2, Y1, Y1
	ADDQ   $32, AX
	DECQ   DX
	JNZ    cbblock

cbtail:
	TESTQ      R10, R10
	JZ         cbsum
	VMASKMOVPD (AX), Y15, Y3
	VCMPPD     $0x1e, Y3, Y0, Y2
	VPAND      Y15, Y2, Y2
	VPSUBQ     Y2, Y1, Y1

cbsum:
	VEXTRACTI128 $1, Y1, X2
	VPADDQ       X2, X1, X1
	VPSHUFD      $0x4e, X1, X2
	VPADDQ       X2, X1, X1
	VMOVQ        X1, AX
	MOVL         AX, (DI)
	ADDQ         $4, DI
	ADDQ         $8, SI
	ADDQ         R8, BX
	DECQ         CX
	JNZ          cbrow

cbdone:
	VZEROUPPER
	RET

// func countBelowTAVX2(dst []int32, z, table []float64, stride, width int)
//
// countBelowTGeneric for the first len(z) &^ 3 units: four units' z in Y0,
// compared (VCMPPD GT_OQ: z > t, false for a NaN) with row q of the table
// at their columns, four rows per iteration, then one at a time; the
// all-ones lanes are subtracted from the count lanes in Y1 (−1 each), and
// the four 64-bit counts are packed to 32 bits and stored.
TEXT ·countBelowTAVX2(SB), NOSPLIT, $0-88
	MOVQ dst_base+0(FP), DI
	MOVQ z_base+24(FP), SI
	MOVQ z_len+32(FP), CX
	SHRQ $2, CX             // blocks of four units
	JZ   cbtdone
	MOVQ table_base+48(FP), BX
	MOVQ stride+72(FP), R8
	SHLQ $3, R8
	LEAQ (R8)(R8*2), R11    // 3·stride
	MOVQ width+80(FP), R9

cbtblock:
	VMOVUPD (SI), Y0
	VPXOR   Y1, Y1, Y1
	VPXOR   Y3, Y3, Y3
	MOVQ    BX, AX
	MOVQ    R9, DX
	SHRQ    $2, DX
	JZ      cbtrest

cbtfour:
	VCMPPD $0x1e, (AX), Y0, Y2
	VCMPPD $0x1e, (AX)(R8*1), Y0, Y4
	VPSUBQ Y2, Y1, Y1
	VPSUBQ Y4, Y3, Y3
	VCMPPD $0x1e, (AX)(R8*2), Y0, Y2
	VCMPPD $0x1e, (AX)(R11*1), Y0, Y4
	VPSUBQ Y2, Y1, Y1
	VPSUBQ Y4, Y3, Y3
	LEAQ   (AX)(R8*4), AX
	DECQ   DX
	JNZ    cbtfour

cbtrest:
	MOVQ R9, DX
	ANDQ $3, DX
	JZ   cbtstore

cbtone:
	VCMPPD $0x1e, (AX), Y0, Y2
	VPSUBQ Y2, Y1, Y1
	ADDQ   R8, AX
	DECQ   DX
	JNZ    cbtone

cbtstore:
	VPADDQ  Y3, Y1, Y1
	VPSHUFD $0x08, Y1, Y1   // per 128-bit half: the low dwords of its two counts first
	VPERMQ  $0x08, Y1, Y1   // the four counts in the low 128 bits
	VMOVDQU X1, (DI)
	ADDQ    $16, DI
	ADDQ    $32, SI
	ADDQ    $32, BX
	DECQ    CX
	JNZ     cbtblock

cbtdone:
	VZEROUPPER
	RET
