package dataset

// goldenLorenz holds the bits of the first and last value of
// Lorenz63Data(1000, 0.01, 7).
var goldenLorenz = [2]uint64{0xbfe4a251e4c5b07e, 0x3fef6dfaf6d84636}
