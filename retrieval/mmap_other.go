//go:build !unix

package retrieval

import (
	"errors"
	"os"
)

// mapFile is not available here: the vectors are read instead.
func mapFile(*os.File, int64, int64) ([]byte, func(), error) {
	return nil, nil, errors.ErrUnsupported
}
