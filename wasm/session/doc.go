// Package session is the page's live training run, without any browser
// code: the state a URL hash describes (State), the recipe, model, data and
// trainer it builds (rules/recipe, the same code `rnnlab train` runs),
// training under a time budget per frame (a step, an evaluation or a first
// free run longer than a frame is suspended at the frame's deadline and
// resumed in the next, with the same bits: frames.go), evaluation by the
// long-horizon metrics, the trajectories, raster and analysis the views
// draw, and import and export of checkpoints and trajectories in the
// native command's formats. The lab widget (site/lab) drives a Session
// from ebiten's frame loop; tests drive it natively and under js/wasm.
//
// The shipped ECG (ecg100.npy) is derived from PhysioNet's MIT-BIH
// Arrhythmia Database, record 100 (Moody & Mark, IEEE Eng. Med. Biol. 2001;
// Goldberger et al., Circulation 2000), under the Open Data Commons
// Attribution License v1.0; build/ecgexcerpt makes it.
package session
