package reservoir

import (
	"math"

	"github.com/rnnlab/rnnlab/kernel/dataset"
	"github.com/rnnlab/rnnlab/kernel/rng"
)

// series is the comparison's Lorenz-63 series and its three parts (rows of
// 3, z-scored by the training part's statistics).
type series struct {
	all              []float64
	train, val, test []float64
	dt               float64
}

// lorenz integrates Lorenz-63 (RK4 at step dt) from (1, 1, 1) + 0.1·N(0, I)
// drawn by the seed, as the tutorial's generate_lorenz_trajectory does,
// drops the first transient time units, keeps steps samples and z-scores
// them with the training part's mean and standard deviation (the
// tutorial's LorenzDataset normalisation, so no statistic of the
// validation or test part leaks into training).
func lorenz(s *Spec) *series {
	r := rng.New(s.Seed)
	x0 := []float64{1 + 0.1*r.Norm(), 1 + 0.1*r.Norm(), 1 + 0.1*r.Norm()}
	x := dataset.Generate(dataset.NewLorenz63(), x0, s.Dt, s.Steps, int(math.Round(s.Transient/s.Dt)), 1)
	train, val, _ := s.parts()
	mean, sd := dataset.ZScore(append([]float64(nil), x[:train*3]...), 3)
	for t := 0; t < s.Steps; t++ {
		for j := 0; j < 3; j++ {
			x[t*3+j] = (x[t*3+j] - mean[j]) / sd[j]
		}
	}
	return &series{all: x, train: x[:train*3], val: x[train*3 : (train+val)*3], test: x[(train+val)*3:], dt: s.Dt}
}
