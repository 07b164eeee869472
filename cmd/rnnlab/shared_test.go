package main

import (
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/internal/shareddata"
)

// TestMain prints how many tests were skipped for want of ../shared/data
// (and fails them under CI=true): internal/shareddata.
func TestMain(m *testing.M) { shareddata.Main(m) }

// sharedRecord returns the path of a WFDB record under ../shared/data
// ("ecg/100" for ecg/100.hea and its signal file), skipping the test where
// its header is missing (failing it under CI=true).
func sharedRecord(t *testing.T, name string) string {
	t.Helper()
	hea := shareddata.Need(t, strings.Split(name+".hea", "/")...)
	return strings.TrimSuffix(hea, ".hea")
}
