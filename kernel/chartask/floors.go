package chartask

import (
	"github.com/rnnlab/rnnlab/kernel/fmath"
)

// KeyRecallFloors returns the exact per-character cross-entropies (nats,
// averaged within each sequence, then over sequences) of the Bayes predictor
// of key recall that sees only the current and previous character
// (noMemory ≈ 0.998) and that sees the whole history (full ≈ 0.570).
//
// The task has 5·6·2 = 60 equally likely sequences; the predictor's
// conditional probability of the next character given a context is the
// count-weighted frequency over all sequences and positions, and each
// sequence's loss is the mean of −log p over its predicted characters.
func KeyRecallFloors() (noMemory, full float64) {
	k := NewKeyRecall()
	var seqs [][]int
	for z1 := 1; z1 <= 5; z1++ {
		for _, key := range keyChars {
			for z2 := 1; z2 <= 2; z2++ {
				seqs = append(seqs, k.build(nil, z1, key, z2))
			}
		}
	}
	last2 := func(s []int, i int) string {
		if i == 0 {
			return k.cs.Decode(s[:1])
		}
		return k.cs.Decode(s[i-1 : i+1])
	}
	history := func(s []int, i int) string { return k.cs.Decode(s[:i+1]) }
	return floor(seqs, last2), floor(seqs, history)
}

func floor(seqs [][]int, context func(s []int, i int) string) float64 {
	counts := map[string]map[int]float64{}
	for _, s := range seqs {
		for i := 0; i+1 < len(s); i++ {
			c := context(s, i)
			if counts[c] == nil {
				counts[c] = map[int]float64{}
			}
			counts[c][s[i+1]]++
		}
	}
	var total float64
	for _, s := range seqs {
		var l float64
		for i := 0; i+1 < len(s); i++ {
			d := counts[context(s, i)]
			var z float64
			for _, v := range d {
				z += v
			}
			l -= fmath.Log(d[s[i+1]] / z)
		}
		total += l / float64(len(s)-1)
	}
	return total / float64(len(seqs))
}

// IsRecall reports whether position i+1 of a key-recall sequence s is the
// recalled key (the character after '!'), the one the accuracy counts.
func IsRecall(cs *Charset, s []int, i int) bool {
	bang, _ := cs.Index('!')
	return i+1 < len(s) && s[i] == bang
}
