// Package kinds registers every kind of run rnnlab has (package rules/run):
// the command and the page import it, so both offer the same kinds. Adding
// a family is one import line here.
package kinds

import (
	_ "github.com/rnnlab/rnnlab/rules/plastic"   // plastic, hebbian: online learning with fast weights (DFA, per-step backprop, BPTT); differentiable plasticity
	_ "github.com/rnnlab/rnnlab/rules/recipe"    // series: reconstruct a dynamical system from a series (PLRNNs, CT-RNN)
	_ "github.com/rnnlab/rnnlab/rules/reservoir" // reservoir: compare a CT-RNN, an E/I network and LIF reservoirs on Lorenz-63 (rnnlab compare)
	_ "github.com/rnnlab/rnnlab/rules/reward"    // reward: DNMS learned by Miconi's reward-modulated rule or node perturbation
	_ "github.com/rnnlab/rnnlab/rules/spiking"   // spiking: a balanced LIF network live (raster, rates; g, drive, p, N tunable)
	_ "github.com/rnnlab/rnnlab/rules/tasktrain" // task: train leaky rate RNNs on cognitive tasks (BPTT, CD, SCTT, DASC)
)
