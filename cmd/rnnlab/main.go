// Command rnnlab trains, runs and evaluates recurrent models of dynamical
// systems natively.
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
//
// Run `rnnlab <command> -h` for the flags of each command; docs/config.md
// documents the config file.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

// userError is an error whose message is complete advice for the user.
type userError struct{ msg string }

func (e userError) Error() string { return e.msg }

func errorf(format string, args ...any) error { return userError{fmt.Sprintf(format, args...)} }

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes one command and returns the process exit status: 0 on
// success, 1 on a failure, 2 on a usage error.
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
	var err error
	switch args[0] {
	case "train":
		err = cmdTrain(args[1:], stdout, stderr)
	case "generate":
		err = cmdGenerate(args[1:], stdout, stderr)
	case "eval":
		err = cmdEval(args[1:], stdout, stderr)
	case "analyze":
		err = cmdAnalyze(args[1:], stdout, stderr)
	case "wfdb":
		err = cmdWFDB(args[1:], stdout, stderr)
	case "ablate":
		err = cmdAblate(args[1:], stdout, stderr)
	case "sweep":
		err = cmdSweep(args[1:], stdout, stderr)
	case "serve":
		err = cmdServe(args[1:], stdout, stderr)
	case "config":
		err = cmdConfig(args[1:], stdout, stderr)
	case "help", "-h", "--help":
		usage(stdout)
		return 0
	default:
		fmt.Fprintf(stderr, "rnnlab: unknown command %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, new(usageError)):
		fmt.Fprintf(stderr, "rnnlab %s: %v\n", args[0], err)
		return 2
	default:
		fmt.Fprintf(stderr, "rnnlab %s: %v\n", args[0], err)
		return 1
	}
}

type usageError struct{ error }

func usage(w io.Writer) {
	fmt.Fprint(w, `rnnlab trains, runs and evaluates recurrent models of dynamical systems.

Commands:
  train     train a model (Lorenz-63 by default, or your .npy/.npz series)
  generate  run a trained model freely and write the trajectory as .npy
  eval      long-horizon metrics (D_stsp, D_H, PE) of a checkpoint on held-out data
  analyze   Lyapunov spectrum, dimensions, fixed points and cycles of a checkpoint
  wfdb      show a PhysioNet (WFDB) record's header, or convert its signals to .npy/.csv
  ablate    the regularizer grid (none, MAR, TSD, ALN, all) over seeds, in parallel: table and plot
  sweep     a grid of runs (models, regularizers, seeds, any config key): here in parallel or as a Slurm job array
  serve     serve the in-browser lab and its pages (the site built by make site) on http://127.0.0.1:8080/
  config    print a recipe's config as JSON (--recipe ecg; a starting point for --config)

Run 'rnnlab <command> -h' for a command's flags.
`)
}

// newFlagSet returns a flag set that reports errors instead of exiting.
func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("rnnlab "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected argument %q (flags come as --name value)", fs.Arg(0))}
	}
	return nil
}
