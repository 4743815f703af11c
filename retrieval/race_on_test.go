//go:build race

package retrieval

// raceEnabled is true under the race detector, where sync.Pool drops a
// share of what it is given on purpose, so allocation counts differ.
const raceEnabled = true
