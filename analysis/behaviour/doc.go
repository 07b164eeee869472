// Package behaviour names what a long free-running trajectory of a
// reconstructed system does, as plain functions over row-major T×n series
// (x[t·n+i] is dimension i at time t), judged against the data it should
// reproduce:
//
//   - Classify: the asymptotic dynamics of the trajectory's last tenth —
//     diverged, a fixed point, periodic with period P (an exact cycle), or
//     aperiodic (sustained, with no period up to MaxPeriod: chaos,
//     quasi-periodicity or a cycle longer than that);
//   - AnalyseBeats: for beat-like signals such as the ECG, the beats of the
//     first coordinate x₁ (its cycles at its own scale) and which of them
//     carry an R peak (a peak reaching the data's R-peak level), the R-peak
//     rate per 1000 steps, and the beat-to-beat variability as coefficients
//     of variation of the R–R intervals and of the R amplitudes (the
//     standard heart-rate-variability and amplitude measures; Task Force of
//     the ESC and NASPE 1996, Circulation 93:1043).
//
// These are descriptive diagnostics, not the divergences of
// analysis/metric: a model can have a fair D_stsp and still have lost its R
// peaks, and the counts say so in numbers.
package behaviour
