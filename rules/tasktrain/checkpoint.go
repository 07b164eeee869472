package tasktrain

import (
	"encoding/hex"
	"fmt"
	"strconv"

	"github.com/rnnlab/rnnlab/kernel/safetensors"
	"github.com/rnnlab/rnnlab/rules/run"
)

// history is what a task run records per round r, at [r·K:] for its K
// networks: performance, response score and loss, and the stage the round
// trained in. (The rule-reversal task has one score: its res is its perf.)
type history struct {
	perf, res, loss []float64
	stage           []int
}

// saveCheckpoint writes a task run: the ensemble's state (θ, Adam, the
// random streams), the schedule's position, the history and the training's
// wall seconds. Both kinds of task trainer (the Yang battery's and the
// rule-reversal task's) write these tensors and keys.
func saveCheckpoint(spec *Spec, st State, h history, wall float64) (*run.Checkpoint, error) {
	K := len(st.Nets)
	P := len(st.Nets[0].Theta)
	R := len(h.stage)
	f64 := func(name string, data []float64, shape ...int) safetensors.Tensor {
		return safetensors.Tensor{Name: name, DType: "F64", Shape: shape, Data: data}
	}
	var theta, m, v []float64
	at, b1, b2 := make([]float64, K), make([]float64, K), make([]float64, K)
	meta := map[string]string{
		"task.stage": strconv.Itoa(st.Stage), "task.stage_round": strconv.Itoa(st.StageRound),
		"task.round": strconv.Itoa(st.Round), "task.networks": strconv.Itoa(K),
		"time.wall_s": strconv.FormatFloat(wall, 'g', -1, 64),
	}
	for i, n := range st.Nets {
		theta = append(theta, n.Theta...)
		m = append(m, n.AdamM...)
		v = append(v, n.AdamV...)
		at[i], b1[i], b2[i] = float64(n.AdamT), n.AdamB1t, n.AdamB2t
		meta["task.rand."+strconv.Itoa(i)] = hex.EncodeToString(n.Rand)
	}
	stages := make([]float64, R)
	for r, s := range h.stage {
		stages[r] = float64(s)
	}
	doc, err := Kind.Encode(spec)
	if err != nil {
		return nil, err
	}
	return &run.Checkpoint{Kind: KindName, Config: doc, Step: st.Round, Meta: meta, Tensors: []safetensors.Tensor{
		f64("theta", theta, K, P), f64("adam.m", m, K, P), f64("adam.v", v, K, P),
		f64("adam.t", at, K), f64("adam.b1t", b1, K), f64("adam.b2t", b2, K),
		f64("crit", []float64{st.Crit}, 1),
		f64("perf", st.Perf, K), f64("res", st.Res, K), f64("loss", st.Loss, K),
		f64("history.perf", append([]float64{}, h.perf...), R, K), f64("history.res", append([]float64{}, h.res...), R, K),
		f64("history.loss", append([]float64{}, h.loss...), R, K), f64("history.stage", stages, R),
	}}, nil
}

// loadCheckpoint reads what saveCheckpoint wrote, for K networks of P
// parameters and a schedule of stageN stages, naming the first key or
// tensor that is missing or of the wrong size.
func loadCheckpoint(ck *run.Checkpoint, K, P, stageN int) (State, history, float64, error) {
	ints := map[string]int{}
	for _, key := range []string{"task.stage", "task.stage_round", "task.round", "task.networks"} {
		n, err := strconv.Atoi(ck.Meta[key])
		if err != nil || n < 0 {
			return State{}, history{}, 0, fmt.Errorf("task checkpoint: metadata %s = %q is not a count", key, ck.Meta[key])
		}
		ints[key] = n
	}
	if ints["task.networks"] != K {
		return State{}, history{}, 0, fmt.Errorf("task checkpoint: holds %d networks, its config (task.networks) %d", ints["task.networks"], K)
	}
	R := ints["task.round"]
	tensors := map[string][]float64{}
	for _, ts := range []struct {
		name string
		size int
	}{{"theta", K * P}, {"adam.m", K * P}, {"adam.v", K * P}, {"adam.t", K}, {"adam.b1t", K}, {"adam.b2t", K},
		{"crit", 1}, {"perf", K}, {"res", K}, {"loss", K},
		{"history.perf", R * K}, {"history.res", R * K}, {"history.loss", R * K}, {"history.stage", R}} {
		d, err := ck.Tensor(ts.name, ts.size)
		if err != nil {
			return State{}, history{}, 0, fmt.Errorf("task checkpoint: %v", err)
		}
		tensors[ts.name] = d
	}
	st := State{Stage: ints["task.stage"], StageRound: ints["task.stage_round"], Round: R, Crit: tensors["crit"][0],
		Perf: tensors["perf"], Res: tensors["res"], Loss: tensors["loss"]}
	for i := 0; i < K; i++ {
		rb, err := hex.DecodeString(ck.Meta["task.rand."+strconv.Itoa(i)])
		if err != nil || len(rb) == 0 {
			return State{}, history{}, 0, fmt.Errorf("task checkpoint: metadata task.rand.%d is not a random-stream state", i)
		}
		st.Nets = append(st.Nets, NetworkState{
			Theta: tensors["theta"][i*P : (i+1)*P], AdamM: tensors["adam.m"][i*P : (i+1)*P], AdamV: tensors["adam.v"][i*P : (i+1)*P],
			AdamT: int(tensors["adam.t"][i]), AdamB1t: tensors["adam.b1t"][i], AdamB2t: tensors["adam.b2t"][i], Rand: rb})
	}
	if st.Stage > stageN {
		return State{}, history{}, 0, fmt.Errorf("task checkpoint: stage %d, but its config has %d stages", st.Stage, stageN)
	}
	h := history{perf: append([]float64(nil), tensors["history.perf"]...),
		res:  append([]float64(nil), tensors["history.res"]...),
		loss: append([]float64(nil), tensors["history.loss"]...)}
	for _, v := range tensors["history.stage"] {
		h.stage = append(h.stage, int(v))
	}
	wall := 0.0
	if w, err := strconv.ParseFloat(ck.Meta["time.wall_s"], 64); err == nil {
		wall = w
	}
	return st, h, wall, nil
}
