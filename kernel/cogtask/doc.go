// Package cogtask generates the trials of the cognitive task battery of Yang
// et al. (Nat. Neurosci. 2019) as Soo, Goudar & Wang (NeurIPS 2023) build
// them in their reference code (github.com/wmws2/temporalskip,
// functions/func_standardtasks.py: construct_ringinput, construct_trialA/B/C,
// trainA/B/C, evalA/B/C), and scores a network's readout on them. It is pure
// data: seeded, no file system, identical natively and under js/wasm (bumps
// use kernel/fmath.Exp; decoding uses math.Sin/Cos/Atan2/Mod, which are pure
// Go on every target).
//
// Channels. Input 0 is fixation, 1–32 and 33–64 the two modality rings, 65+k
// the rule one-hot with k the task's index in Names; output 0 is fixation and
// 1–32 the response ring. Ring unit k prefers the angle 2πk/32; a bump at
// angle a is exp(−½(8d/π)²) with d the circular distance; the target ring is
// 0.8·bump + 0.05, a stimulus ring carries 0.8·bump (the reference computes
// (0.8·bump + 0.05) − 0.05, reproduced).
//
// Time. Every length is an int(x/dt) truncation (dt in seconds): short =
// int(0.5/dt), long = int(1/dt), test (response) = int(0.5/dt), jitter =
// int(0.1/dt), wait (grace) = int(0.2/dt). A trial starts with an unrecorded
// warm-up of long steps with only the rule input, then the recorded epochs
// of its structure:
//
//	A (go, rtgo, anti, rtanti, dm1, dm2, ctxdm1, ctxdm2, multsendm):
//	    fixation (short), stimulus (short), response (test)
//	B (dlygo, dlyanti): fixation, stimulus, delay (long), response
//	C (dlydm1, dlydm2, ctxdlydm1, ctxdlydm2, multsendlydm, dms, dnms, dmc,
//	   dnmc): fixation, stimulus 1, delay (long), stimulus 2 (short), response
//
// The delay reuses the fixation epoch's input. The rt tasks keep fixation on
// and show the stimulus only during the response. In training, every epoch
// but the warm-up and the response is jittered: one draw per epoch per batch,
// an integer in [T−J, T+J) (TensorFlow's uniform int); evaluation never
// jitters.
//
// Targets. Fixation epochs: (0.85, 0.05, …, 0.05); response: (0.05, ring);
// non-match trials of dms/dnms/dmc/dnmc: (0.85, 0, …, 0).
//
// Loss (trainA/B/C): the mean squared error over the fixation window
// [wait, R − test) and over the response window [R − test + wait, R), R the
// recorded length, each a mean over its steps, trials and all 33 channels,
// added (the trainer adds the activity and weight penalties).
//
// Performance (evalA/B/C): the response ring is decoded by the population
// vector, angle = mod(atan2(Σ y sin φ/(Σy + 1e-5) + 1e-5, Σ y cos φ/(Σy + 1e-5)
// + 1e-5), 2π), for every step of the response window and compared with the
// decoded target (correct within 0.2π); fixation must be > 0.5 over the
// fixation window and < 0.5 over the response window. With fix1, fix2, res the
// batch means, the score is fix1·w + fix2·res·(1 − w) with w = 2/3 (A), 4/5
// (B), 5/6 (C); a C batch with non-match trials uses evalC's other formula:
// fix1·5/6 + (Σ[fix held ∧ non-match] + Σ[fix released ∧ match]·res)/n/6 with
// res the angle accuracy over match trials only.
//
// Quirks of the reference, reproduced by default; Options.Corrected fixes
// them:
//   - dnms is built exactly like dms and dnmc like dmc (only the rule input
//     differs), so the "non-match" tasks answer the match; corrected, they
//     respond (at the second stimulus) on non-match and fixate on match.
//   - dmc's "first stimulus in the second half" non-match branch draws
//     angle1 = U·π/2 + π + π (never wrapped: it is the first half again) and
//     angle2 in the second half; corrected, angle1 = U·π/2 + π, angle2 = U·π/2.
//   - a C batch with only non-match trials scores res = 0/0 = NaN (and the
//     whole score NaN); corrected, res = 1 (no trial to get wrong).
//
// Random order. Each trial draws its numbers in the order of the reference
// (modality, angle, coherences, …) from the given kernel/rng stream; the
// jitter draws follow all trials of the batch.
package cogtask
