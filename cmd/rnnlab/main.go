// Command rnnlab trains, runs and evaluates recurrent networks natively:
// reconstructions of dynamical systems (series runs) and every other kind
// of run in the registry (rules/run, rules/kinds), each kind with its own
// command.
//
// Usage:
//
//	rnnlab train    [--config run.json] [--out DIR] [--resume] [flags]
//	rnnlab train    --config DIR/sweep.json --run N
//	rnnlab sweep    --grid grid.json --out DIR [--jobs N] [--slurm [--submit]] [--gather]
//	rnnlab generate --checkpoint CKPT [--steps N] [--out traj.npy]
//	rnnlab eval     --checkpoint CKPT [--json FILE]
//	rnnlab analyze  --checkpoint CKPT [--json FILE] [--plot FILE.png]
//	rnnlab wfdb     --record PATH [--channels 0,1] [--start s --end s] [--out x.npy|x.csv]
//	rnnlab serve    [--addr 127.0.0.1:8080] [--dir DIR]
//	rnnlab config   [--recipe lorenz63|ecg|ecg-gtf|ecg-dend] (prints a recipe's config)
//	rnnlab kinds    (the kinds of run and their commands)
//	rnnlab <kind command> [--config run.json] [--out DIR] [--resume] [flags]
//	rnnlab version  (or --version: the module version and VCS revision)
//
// Run `rnnlab <command> --help` for the flags of each command; docs/config.md
// documents the config file.
//
// Exit status (one convention for every command, applied in run):
//
//	0    success (also --help and --version)
//	1    a failure while working: a file that cannot be read or written,
//	     malformed data, a diverged or non-finite run, a network error
//	2    a usage or validation error: an unknown command or flag, a flag
//	     value out of range, a config or grid that is not valid; nothing
//	     was done
//	130  training interrupted by SIGINT (Ctrl-C) after saving its checkpoint
//	143  training interrupted by SIGTERM (kill, scancel, a Slurm time
//	     limit) after saving its checkpoint: continue with --resume
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/rnnlab/rnnlab/rules/recipe"
)

// userError is an error whose message is complete advice for the user
// (exit status 1).
func errorf(format string, args ...any) error { return userError{fmt.Sprintf(format, args...)} }

type userError struct{ msg string }

func (e userError) Error() string { return e.msg }

// usageError is a usage or validation error: the command line or a config
// the user wrote asks for something impossible, and nothing was done (exit
// status 2). Any command returns one (usageError{err}) to get status 2.
type usageError struct{ error }

// flagError is a usageError about a flag: run prints it once, followed by
// a one-line hint to the command's --help. flagErrorf makes one.
type flagError struct{ error }

// interruptedError ends a training run stopped by a signal after it saved
// its checkpoint: the exit status is 128 + the signal's number (130 for
// SIGINT, 143 for SIGTERM), as a shell reports a process the signal killed.
type interruptedError struct {
	sig os.Signal
	msg string
}

func (e interruptedError) Error() string { return e.msg }

func (e interruptedError) status() int {
	if s, ok := e.sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 130
}

// helpRequest is what parseFlags returns for -h/--help: run prints the
// command's usage to stdout and exits 0.
type helpRequest struct{ fs *flag.FlagSet }

func (helpRequest) Error() string { return flag.ErrHelp.Error() }
func (helpRequest) Unwrap() error { return flag.ErrHelp }

// command is one subcommand: its synopsis (for --help) and its function.
type command struct {
	name, args, summary string
	run                 func(args []string, stdout, stderr io.Writer) error
}

// commandTable lists the commands in the order of the usage text. (A
// function, not a variable: the commands call run, which reads the table.)
func commandTable() []command {
	cs := []command{
		{"train", "[--config run.json] [--out DIR] [--resume] [flags]  |  --config DIR/sweep.json --run N",
			"train a model (Lorenz-63 by default, or your .npy/.npz/.csv series or WFDB record; any kind of run with a run file)", cmdTrain},
	}
	cs = append(cs, kindCommands()...)
	return append(cs, []command{
		{"generate", "--checkpoint CKPT [--steps N] [--out traj.npy]",
			"run a trained model freely and write the trajectory as .npy", cmdGenerate},
		{"eval", "--checkpoint CKPT [--json FILE] [--plot FILE.png]",
			"evaluate a checkpoint: a series run's long-horizon metrics (D_stsp, D_H, PE) on held-out data, any other kind's own evaluation", cmdEval},
		{"analyze", "--checkpoint CKPT [--json FILE] [--plot FILE.png]",
			"Lyapunov spectrum, dimensions, fixed points and cycles of a checkpoint", cmdAnalyze},
		{"wfdb", "--record PATH [--channels 0,1] [--start s --end s] [--out x.npy|x.csv]",
			"show a PhysioNet (WFDB) record's header, or convert its signals to .npy/.csv", cmdWFDB},
		{"ablate", "--config run.json [--seeds N] [--out DIR]",
			"the regularizer grid (none, MAR, TSD, ALN, all) over seeds, in parallel: table and plot", cmdAblate},
		{"sweep", "--grid grid.json --out DIR [--jobs N] [--slurm [--submit]] [--gather]",
			"a grid of runs (models, regularizers, seeds, any config key): here in parallel or as a Slurm job array", cmdSweep},
		{"serve", "[--addr 127.0.0.1:8080] [--dir DIR]",
			"serve the in-browser lab and its pages (the site built by make site) on http://127.0.0.1:8080/", cmdServe},
		{"config", "[--recipe lorenz63|ecg|ecg-gtf|ecg-dend] | --kind NAME",
			"print a recipe's config, or a kind's default run file, as JSON (a starting point for --config)", cmdConfig},
		{"kinds", "", "list the kinds of run (series, task, …) and the command of each", cmdKinds},
		{"version", "", "print the module version and VCS revision of this binary", cmdVersion},
	}...)
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes one command and returns the process exit status (see the
// package comment): every command's error is mapped to its status here.
func run(args []string, stdout, stderr io.Writer) (status int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "rnnlab: internal error: %v\n(this is a bug in rnnlab; please report it with the command you ran)\n", r)
			status = 1
		}
	}()
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 && name == "help" {
			return run([]string{args[1], "--help"}, stdout, stderr)
		}
		usage(stdout)
		return 0
	case "-version", "--version":
		name = "version"
	}
	commands := commandTable()
	var cmd *command
	for i := range commands {
		if commands[i].name == name {
			cmd = &commands[i]
		}
	}
	if cmd == nil {
		hint := ""
		var names []string
		for _, c := range commands {
			names = append(names, c.name)
		}
		if n, ok := recipe.Nearest(name, names); ok {
			hint = fmt.Sprintf(" (did you mean %q?)", n)
		}
		fmt.Fprintf(stderr, "rnnlab: unknown command %q%s\nrun 'rnnlab --help' for the commands\n", name, hint)
		return 2
	}
	err := cmd.run(args[1:], stdout, stderr)
	var help helpRequest
	var intr interruptedError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &help):
		commandHelp(stdout, *cmd, help.fs)
		return 0
	case errors.As(err, new(flagError)):
		fmt.Fprintf(stderr, "rnnlab %s: %v\nrun 'rnnlab %s --help' for its flags\n", name, err, name)
		return 2
	case errors.As(err, new(usageError)):
		fmt.Fprintf(stderr, "rnnlab %s: %v\n", name, err)
		return 2
	case errors.As(err, &intr):
		fmt.Fprintf(stderr, "rnnlab %s: %v\n", name, err)
		return intr.status()
	default:
		fmt.Fprintf(stderr, "rnnlab %s: %v\n", name, err)
		return 1
	}
}

func usage(w io.Writer) {
	fmt.Fprint(w, "rnnlab trains, runs and evaluates recurrent networks: reconstructions of dynamical systems and the other kinds of run ('rnnlab kinds').\n\nCommands:\n")
	for _, c := range commandTable() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Run 'rnnlab <command> --help' for a command's flags; 'rnnlab --version' for the build.
Exit status: 0 success, 1 a failure (files, data, numerics), 2 a usage or
validation error, 130/143 training interrupted by SIGINT/SIGTERM and saved.
`)
}

// commandHelp prints a command's usage and flags.
func commandHelp(w io.Writer, c command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "Usage: rnnlab %s %s\n\n%s.\n", c.name, c.args, strings.ToUpper(c.summary[:1])+c.summary[1:])
	if fs != nil {
		n := 0
		fs.VisitAll(func(*flag.Flag) { n++ })
		if n > 0 {
			fmt.Fprint(w, "\nFlags:\n")
			fs.SetOutput(w)
			fs.PrintDefaults()
			fs.SetOutput(io.Discard)
		}
	}
}

// cmdVersion prints the module version and the VCS revision the binary
// was built from, as the Go toolchain recorded them.
func cmdVersion(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("version", stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	fmt.Fprintln(stdout, versionLine())
	return nil
}

func versionLine() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "rnnlab (no build information) " + runtime.Version()
	}
	mod := bi.Main.Path
	if mod == "" {
		mod = "github.com/rnnlab/rnnlab"
	}
	ver := bi.Main.Version
	if ver == "" {
		ver = "(unknown version)"
	}
	vcs := map[string]string{}
	for _, s := range bi.Settings {
		vcs[s.Key] = s.Value
	}
	rev := "revision unknown (built without VCS information)"
	if r := vcs["vcs.revision"]; r != "" {
		rev = vcs["vcs"] + " " + r
		if t := vcs["vcs.time"]; t != "" {
			rev += " " + t
		}
		if vcs["vcs.modified"] == "true" {
			rev += " (modified)"
		}
	}
	return fmt.Sprintf("rnnlab %s %s, %s, %s %s/%s", mod, ver, rev, bi.GoVersion, runtime.GOOS, runtime.GOARCH)
}

// ---- flags -------------------------------------------------------------------

// newFlagSet returns a flag set that reports errors instead of exiting and
// prints nothing itself: run prints a parse error once with a hint, and
// --help to stdout.
func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("rnnlab "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parseFlags parses a command's flags. Errors are flagErrors (status 2,
// with the hint); -h/--help is a helpRequest.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return helpRequest{fs}
		}
		return flagError{err}
	}
	if fs.NArg() > 0 {
		return flagError{fmt.Errorf("unexpected argument %q (flags come as --name value)", fs.Arg(0))}
	}
	return nil
}

// Rules for flags (docs/decisions.md, "Flags"): a flag the user typed is
// applied or refused with a message naming it, whatever its value; whether
// it was typed is asked of flagsGiven, never read from a sentinel value, so
// 0 or "" typed on the command line is a value like any other.

// flagsGiven is the set of flags the command line set (flag.Visit).
func flagsGiven(fs *flag.FlagSet) map[string]bool {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	return given
}

// flagErrorf is a flagError about --name: "--name <message>".
func flagErrorf(name, format string, args ...any) error {
	return flagError{fmt.Errorf("--%s %s", name, fmt.Sprintf(format, args...))}
}

// intAtLeast refuses an integer flag below lo.
func intAtLeast(name string, v, lo int) error {
	if v < lo {
		return flagErrorf(name, "%d: must be ≥ %d", v, lo)
	}
	return nil
}

// floatIn refuses a float flag outside [lo, hi] (either bound may be
// infinite), NaN and infinities included.
func floatIn(name string, v, lo, hi float64) error {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return flagErrorf(name, "%g: must be a finite number", v)
	case v < lo || v > hi:
		switch {
		case math.IsInf(hi, 1):
			return flagErrorf(name, "%g: must be ≥ %g", v, lo)
		case math.IsInf(lo, -1):
			return flagErrorf(name, "%g: must be ≤ %g", v, hi)
		}
		return flagErrorf(name, "%g: must lie in [%g, %g]", v, lo, hi)
	}
	return nil
}

// floatPositive refuses a float flag that is not a finite number > 0.
func floatPositive(name string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) || v <= 0 {
		return flagErrorf(name, "%g: must be a finite number > 0", v)
	}
	return nil
}

// notEmpty refuses a string flag typed with an empty value.
func notEmpty(given map[string]bool, name, v string) error {
	if given[name] && v == "" {
		return flagErrorf(name, "needs a value")
	}
	return nil
}

// exclusive refuses two flags typed together that say the same thing in
// two ways (so neither silently wins).
func exclusive(given map[string]bool, a, b string) error {
	if given[a] && given[b] {
		return flagError{fmt.Errorf("--%s and --%s exclude each other: give one", a, b)}
	}
	return nil
}

// when is err if the condition holds (typically: the flag was typed), else nil.
func when(cond bool, err error) error {
	if cond {
		return err
	}
	return nil
}

// firstError returns the first non-nil error: the checks of a command's
// flags are listed in one call.
func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
