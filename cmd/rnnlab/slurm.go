package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// sbatchScript is the job-array script of a sweep; bin is the absolute
// path of rnnlab and dir, cwd absolute paths.
//
// A task runs `rnnlab train --run N` in the background and waits for it.
// Ahead of the time limit Slurm sends USR1 to the batch shell (--signal=B:…);
// the shell passes it on as SIGTERM, rnnlab saves its checkpoint and exits
// with 143, and the shell requeues the task (--requeue allows it), whose
// next start resumes the run (train --run resumes an interrupted run). A
// SIGTERM from scancel is passed on the same way, but the task is not
// requeued: the user meant it to stop. USR1 rather than TERM tells the two
// apart. The log is appended to (--open-mode=append) across requeues.
func sbatchScript(bin, dir, cwd string, runs int) string {
	q := shellQuote
	return fmt.Sprintf(`#!/bin/bash
# rnnlab sweep: one array task per run (%[4]d runs). Each task trains run
# $SLURM_ARRAY_TASK_ID of %[2]s/sweep.json into %[2]s/runs/NNN/; a task whose
# run already finished exits at once, an interrupted one resumes.
# %[8]d s before the time limit Slurm sends USR1: the run saves its
# checkpoint and the task is requeued to resume it. scancel saves and stops.
# Collect the table with: %[1]s sweep --out %[2]s --gather
#SBATCH --job-name=rnnlab-sweep
#SBATCH --array=0-%[5]d
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=1
#SBATCH --output=%[2]s/logs/%%A_%%a.out
#SBATCH --open-mode=append
#SBATCH --chdir=%[3]s
#SBATCH --requeue
#SBATCH --signal=B:USR1@%[8]d
set -u
pid=
requeue=0
trap '[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null' TERM INT
trap 'requeue=1; [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null' USR1
%[6]s train --config %[7]s --run "$SLURM_ARRAY_TASK_ID" --quiet &
pid=$!
# wait returns early when a trapped signal arrives: wait again until
# rnnlab, which is saving its checkpoint, has exited.
while :; do
	wait "$pid"
	status=$?
	kill -0 "$pid" 2>/dev/null || break
done
if [ "$status" -eq 143 ] && [ "$requeue" -eq 1 ]; then
	echo "rnnlab sweep: task $SLURM_ARRAY_TASK_ID saved its run ahead of the time limit; requeueing job $SLURM_JOB_ID to resume it"
	scontrol requeue "$SLURM_JOB_ID"
fi
exit "$status"
`, bin, dir, cwd, runs, runs-1, q(bin), q(filepath.Join(dir, sweepFile)), slurmSignalLead)
}

func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '/' || r == '.' || r == '-' || r == '_' || r == '+' || r == ':' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// rnnlabBinary is the absolute path of the running rnnlab (RNNLAB_BIN
// overrides it, e.g. for tests that run inside a test binary).
func rnnlabBinary() (string, error) {
	if b := os.Getenv("RNNLAB_BIN"); b != "" {
		return filepath.Abs(b)
	}
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	if r, err := filepath.EvalSymlinks(exe); err == nil {
		exe = r
	}
	return filepath.Abs(exe)
}

// writeSbatch writes DIR/sweep.sbatch and creates DIR/logs (Slurm does not
// create the directory of --output).
func writeSbatch(d *sweepDoc) (string, error) {
	bin, err := rnnlabBinary()
	if err != nil {
		return "", err
	}
	dir, err := filepath.Abs(d.dir)
	if err != nil {
		return "", err
	}
	cwd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	if strings.ContainsAny(dir+cwd, " \t\n") {
		return "", errorf("the sweep directory %q (or the working directory) contains a space, which #SBATCH lines cannot hold: choose another --out", dir)
	}
	if err := os.MkdirAll(filepath.Join(dir, "logs"), 0o755); err != nil {
		return "", err
	}
	path := filepath.Join(dir, "sweep.sbatch")
	text := sbatchScript(bin, dir, cwd, len(d.Runs))
	if err := writeAtomic(path, func(w io.Writer) error { _, err := io.WriteString(w, text); return err }); err != nil {
		return "", err
	}
	return path, os.Chmod(path, 0o755)
}

// ---- results ---------------------------------------------------------------

type sweepResult struct {
	State   string // missing, interrupted, finished, diverged
	Metrics Metrics
}
