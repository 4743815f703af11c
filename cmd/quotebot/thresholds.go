package main

import (
	"fmt"
	"io"

	"github.com/quotebot/quotebot/retrieval"
)

// calibrateHint is the one line that ask prints and serve logs when the
// answer thresholds were not calibrated for the configured embedder (a
// network embedder without thresholds saved in its index); "" when they
// were.
func calibrateHint(eng *retrieval.Engine) string {
	if eng.Calibrated() {
		return ""
	}
	return fmt.Sprintf("the answer thresholds are the built-in embedder's, not fitted for %s; run quotebot calibrate --save to fit them", eng.EmbedderID())
}

// thresholdsInForce says which thresholds eng decides with and where they
// came from, for eval -v.
func thresholdsInForce(eng *retrieval.Engine, db string) string {
	th, saved := eng.Thresholds()
	from := "the built-in defaults, calibrated for the built-in embedder"
	switch {
	case saved:
		from = fmt.Sprintf("calibrated for %s, saved with the index in %s", eng.EmbedderID(), db)
	case !eng.Calibrated():
		from = fmt.Sprintf("the built-in defaults: none are saved for %s in %s (run quotebot calibrate --save)", eng.EmbedderID(), db)
	}
	return fmt.Sprintf("thresholds: quote=%.2f closest=%.2f stand_out=%.2f (%s)", th.Quote, th.Closest, th.StandOut, from)
}

// warnFallback is the onFallback of ask and eval: one warning line on w.
func warnFallback(w io.Writer, command string) func(error) {
	return func(err error) {
		fmt.Fprintf(w, "quotebot %s: warning: the embedder failed, answering without it: %v\n", command, err)
	}
}
