//go:build !unix

package retrieval

import (
	"errors"
	"os"
)

// mapping is not available here: each section is read into memory instead
// (see snapshot.section).
type mapping struct {
	data []byte
}

func newMapping(*os.File, int64) (*mapping, error) {
	return nil, errors.ErrUnsupported
}
