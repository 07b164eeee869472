package main

import (
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/build/shareddata"
)

// This package has no TestMain of its own here, so that one that does more
// (building the binary once) can be added; it may call shareddata.Summarize
// after m.Run. make test counts the skips either way (RNNLAB_SHARED_SKIPS).

// needSharedRecord returns the path of a WFDB record under ../shared/data
// ("ecg/100" for ecg/100.hea and its signal file), skipping the test where
// its header is missing (failing it under CI=true).
func needSharedRecord(t *testing.T, name string) string {
	t.Helper()
	hea := shareddata.Need(t, strings.Split(name+".hea", "/")...)
	return strings.TrimSuffix(hea, ".hea")
}
