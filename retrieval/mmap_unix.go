//go:build unix

package retrieval

import (
	"os"
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

// mapping is a whole snapshot file mapped read-only. The strings and
// arrays a loaded Engine uses point into it (getRaw, secReader.strings),
// and chromem-go keeps the vectors there. The snapshot is only ever
// replaced by a rename, never written in place, so the mapped bytes do not
// change under a reader, even once the file is replaced or removed.
//
// Go cannot see that those pointers lead to the mapping, so it must never
// be unmapped while anything may still read them. It is released only by a
// cleanup once the mapping (held by the Engine) is unreachable, and even
// then not unmapped: its pages are replaced in place by anonymous zero pages
// (MAP_FIXED), so the file and the memory its pages took are given back at
// once, while a pointer that were somehow still held would read zeros
// rather than fault. Only the address range stays reserved, which costs no
// memory. The Engine itself copies what it returns (see Answer), so nothing
// it gives out points into the mapping.
type mapping struct {
	data []byte
}

// newMapping maps the first size bytes of f read-only.
func newMapping(f *os.File, size int64) (*mapping, error) {
	if size <= 0 || int64(int(size)) != size {
		return nil, unix.EINVAL
	}
	data, err := unix.Mmap(int(f.Fd()), 0, int(size), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return nil, err
	}
	m := &mapping{data: data}
	runtime.AddCleanup(m, releaseMapping, data)
	return m, nil
}

// releaseMapping replaces the pages of data, a mapping nothing uses any
// more, by anonymous zero pages (see mapping); when that fails it leaves the
// mapping as it is, which is safe too.
func releaseMapping(data []byte) {
	unix.MmapPtr(-1, 0, unsafe.Pointer(unsafe.SliceData(data)), uintptr(len(data)),
		unix.PROT_READ, unix.MAP_PRIVATE|unix.MAP_ANON|unix.MAP_FIXED)
}
