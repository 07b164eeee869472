package ethereal

import "fmt"

// Export appends the network's whole dynamic state to dst and returns it:
// per layer (plastic, i2h, i2o) Fast, Bias, PlastMasked, PlastOther,
// ForgetMasked, X, XPrev; then H, HPrev, Z, the previous characters and T.
// The masks and sizes are functions of the Config and are not stored.
func (n *Net) Export(dst []float64) []float64 {
	n.Flush()
	for _, l := range n.Layers() {
		dst = append(dst, l.Fast...)
		dst = append(dst, l.Bias...)
		dst = append(dst, l.PlastMasked, l.PlastOther, l.ForgetMasked)
		dst = append(dst, l.X...)
		dst = append(dst, l.XPrev...)
	}
	dst = append(dst, n.H...)
	dst = append(dst, n.HPrev...)
	dst = append(dst, n.Z...)
	for _, p := range n.prev {
		dst = append(dst, float64(p))
	}
	return append(dst, float64(n.T))
}

// StateLen is the length of Export's output.
func (n *Net) StateLen() int {
	s := 0
	for _, l := range n.Layers() {
		s += len(l.Fast) + len(l.Bias) + 3 + len(l.X) + len(l.XPrev)
	}
	return s + len(n.H) + len(n.HPrev) + len(n.Z) + len(n.prev) + 1
}

// Import restores a state written by Export for the same Config.
func (n *Net) Import(s []float64) error {
	if len(s) != n.StateLen() {
		return fmt.Errorf("ethereal: state has %d values, want %d for this configuration", len(s), n.StateLen())
	}
	n.pending = false
	take := func(dst []float64) { s = s[copy(dst, s):] }
	for _, l := range n.Layers() {
		take(l.Fast)
		take(l.Bias)
		l.PlastMasked, l.PlastOther, l.ForgetMasked = s[0], s[1], s[2]
		s = s[3:]
		take(l.X)
		take(l.XPrev)
	}
	take(n.H)
	take(n.HPrev)
	take(n.Z)
	for b := range n.prev {
		n.prev[b] = int(s[b])
	}
	n.T = int(s[len(n.prev)])
	return nil
}
