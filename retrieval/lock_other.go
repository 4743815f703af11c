//go:build !unix

package retrieval

// lockFile is a no-op where advisory file locks are not available; builds
// still never leave a half-written index in place.
func lockFile(string) (func(), error) { return func() {}, nil }
