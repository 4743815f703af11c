package retrieval

import (
	"os"
	"strconv"
)

// Experiment knobs; removed before merging.
func envF(k string, d float64) float64 {
	if v, err := strconv.ParseFloat(os.Getenv(k), 64); err == nil {
		return v
	}
	return d
}
func envBool(k string, d bool) bool {
	if v := os.Getenv(k); v != "" {
		return v == "1"
	}
	return d
}

var wvWeight = envF("QB_WV", 1)
