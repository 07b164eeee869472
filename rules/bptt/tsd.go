package bptt

// tsdActive reports whether TSD applies to this step (set, and past the
// warm start).
func (t *Trainer) tsdActive() bool { return t.zfree != nil && t.step >= t.Cfg.TSDFrom }

// tsdHorizon is the length of the distillation's free-running chains.
func (t *Trainer) tsdHorizon() int {
	if h := t.Cfg.TSDHorizon; h > 0 && h < t.Cfg.SeqLen {
		return h
	}
	return t.Cfg.SeqLen
}

// tsdInput is the state the distillation's free chain steps from to reach
// step k: its own previous state, or at a restart (k−1 a positive multiple
// of the horizon) the teacher-forced target, a stop-gradient constant.
func (t *Trainer) tsdInput(k int) []float64 {
	SM := t.Cfg.Batch * t.Model.Dim()
	if k > 1 && (k-1)%t.tsdHorizon() == 0 {
		return t.ztgt[(k-1)*SM : k*SM]
	}
	return t.zfree[(k-1)*SM : k*SM]
}

// TSDLoss is the temporal self-distillation penalty of the last Forward.
func (t *Trainer) TSDLoss() float64 { return t.lastTSD }

// tsdForward computes the TSD penalty on the loaded batch. The targets are
// the teacher-forced states z_k (a stop-gradient copy).
func (t *Trainer) tsdForward() float64 {
	if !t.tsdActive() {
		return 0
	}
	T, S := t.Cfg.SeqLen, t.Cfg.Batch
	M := t.Model.Dim()
	SM := S * M
	if !t.frozen {
		copy(t.ztgt, t.z)
	}
	scale := t.Cfg.TSDLambda / float64(T*SM)
	var pen float64
	switch t.Cfg.TSD {
	case "distill":
		copy(t.zfree[:SM], t.z[:SM])
		for k := 1; k <= T; k++ {
			t.tape.Forward(T+k-1, t.zfree[k*SM:(k+1)*SM], t.tsdInput(k), nil)
			for i, v := range t.zfree[k*SM : (k+1)*SM] {
				d := v - t.ztgt[k*SM+i]
				pen += float64(d * d)
			}
		}
	case "smooth":
		for k := 1; k <= T; k++ {
			for i, v := range t.zbar[k*SM : (k+1)*SM] {
				d := v - t.ztgt[(k-1)*SM+i]
				pen += float64(d * d)
			}
		}
	}
	return scale * pen
}
