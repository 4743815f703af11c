package retrieval

import (
	"encoding/binary"
	"io"
	"unsafe"
)

// Raw arrays in the snapshot file are little-endian. On a little-endian
// machine (every platform Go ships for but a few) an array is written and
// read as the bytes of the slice that holds it, so loading the vectors is
// one read into their final place; elsewhere each value is converted.

// fixed is the element types of raw arrays.
type fixed interface {
	~uint16 | ~int32 | ~uint32 | ~uint64 | ~float32
}

// littleEndian is true when the machine stores numbers as the file does.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// rawBytes is the memory of s seen as bytes, valid while s is.
func rawBytes[T fixed](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), len(s)*int(unsafe.Sizeof(s[0])))
}

// writeRaw writes s to w as little-endian values.
func writeRaw[T fixed](w io.Writer, s []T) error {
	if littleEndian {
		_, err := w.Write(rawBytes(s))
		return err
	}
	size := int(unsafe.Sizeof(*new(T)))
	buf := make([]byte, 0, 4096)
	for _, x := range s {
		buf = appendLE(buf, x, size)
		if len(buf)+size > cap(buf) {
			if _, err := w.Write(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
	}
	_, err := w.Write(buf)
	return err
}

// readRaw fills s with little-endian values read from r.
func readRaw[T fixed](r io.Reader, s []T) error {
	if _, err := io.ReadFull(r, rawBytes(s)); err != nil {
		return err
	}
	if !littleEndian {
		swapBytes(s)
	}
	return nil
}

func appendLE[T fixed](buf []byte, x T, size int) []byte {
	switch size {
	case 2:
		return binary.LittleEndian.AppendUint16(buf, *(*uint16)(unsafe.Pointer(&x)))
	case 4:
		return binary.LittleEndian.AppendUint32(buf, *(*uint32)(unsafe.Pointer(&x)))
	default:
		return binary.LittleEndian.AppendUint64(buf, *(*uint64)(unsafe.Pointer(&x)))
	}
}

// swapBytes turns little-endian values read in place into native ones.
func swapBytes[T fixed](s []T) {
	b := rawBytes(s)
	switch size := int(unsafe.Sizeof(*new(T))); size {
	case 2:
		for i := 0; i < len(b); i += 2 {
			binary.NativeEndian.PutUint16(b[i:], binary.LittleEndian.Uint16(b[i:]))
		}
	case 4:
		for i := 0; i < len(b); i += 4 {
			binary.NativeEndian.PutUint32(b[i:], binary.LittleEndian.Uint32(b[i:]))
		}
	default:
		for i := 0; i < len(b); i += 8 {
			binary.NativeEndian.PutUint64(b[i:], binary.LittleEndian.Uint64(b[i:]))
		}
	}
}
