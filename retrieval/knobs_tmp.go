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
var alwaysAnswer = envBool("QB_ALWAYS", false)
var wvWeight = envF("QB_WV", 0)

var (
	weightCoverage = envF("QB_WCOV", 0.5)
	weightLexical  = envF("QB_WLEX", 0.3)
	weightDense    = envF("QB_WDEN", 0.2)
)
