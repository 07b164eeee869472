package lyap_test

import (
	"fmt"

	"github.com/rnnlab/rnnlab/analysis/lyap"
	"github.com/rnnlab/rnnlab/kernel/dataset"
	"github.com/rnnlab/rnnlab/kernel/ode"
)

// The Lyapunov spectrum of Lorenz-63, through the RK4 map with h = 0.01,
// per unit time.
func ExampleSpectrum() {
	const h = 0.01
	m := ode.NewRK4(dataset.NewLorenz63(), h)
	l, err := lyap.Spectrum(m, []float64{1, 1, 20}, 100000, &lyap.Settings{Dt: h, Transient: 2000})
	if err != nil {
		panic(err)
	}
	fmt.Printf("λ = %.2f %.2f %.2f, D_KY = %.2f\n", l[0], l[1], l[2], lyap.KaplanYorke(l))
	// Output: λ = 0.91 0.00 -14.58, D_KY = 2.06
}
