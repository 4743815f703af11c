//go:build unix

package retrieval

import (
	"os"
	"syscall"
)

// mapFile maps size bytes of f from off read-only and returns them and the
// function that unmaps them. The snapshot is only ever replaced by a rename,
// never written in place, so the mapped bytes do not change under a reader.
func mapFile(f *os.File, off, size int64) ([]byte, func(), error) {
	page := int64(os.Getpagesize())
	start := off / page * page
	m, err := syscall.Mmap(int(f.Fd()), start, int(off-start+size), syscall.PROT_READ, syscall.MAP_PRIVATE)
	if err != nil {
		return nil, nil, err
	}
	return m[off-start:], func() { syscall.Munmap(m) }, nil
}
