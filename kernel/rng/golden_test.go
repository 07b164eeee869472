package rng

// goldenRNG holds the first Uint64 and two Norm bit patterns of New(1).
var goldenRNG = []uint64{0x8707a01d6329783f, 0xbff09f68825e9df3, 0x3fdcd99e50473ec5}
