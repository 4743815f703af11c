//go:build !unix

package retrieval

import "context"

// lockFile is a no-op where advisory file locks are not available; builds
// still never leave a half-written index in place.
func lockFile(context.Context, string) (func(), error) { return func() {}, nil }
