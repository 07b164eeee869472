// Package view holds the ebiten drawing components of the site's lab
// widget: Attractor3D (true and generated trajectories in 3-D, with fixed
// and cycle points), TimeSeries (one panel per observed dimension),
// LatentUnit (one latent unit over time), Raster (spike events) and
// LossPlot (log-scale loss with D_stsp and D_H), plus the small in-canvas
// controls (Button, ProgressBar) and a bitmap text helper.
//
// Components take plain data — row-major []float64 trajectories of T rows
// and N columns, and the session package's Point, Spike and Eval values —
// and know nothing of training. Each draws into a rectangle of the
// destination image; the ones that are expensive to tessellate cache their
// layer in an offscreen image keyed by the data's version and the camera.
//
// The components build only for GOOS=js (ebiten needs cgo and X11 natively
// on Linux); the pure math they use lives in the subpackage geom, which is
// tested natively.
package view
