package format

import (
	"bytes"
	"encoding/binary"
	"math"
	"strings"
	"testing"
)

func testData() Data {
	return Data{
		Dim: 3, Docs: 10, Tokens: 99,
		Words:   []string{"the", "cat", "sat"},
		Vectors: []int8{1, 2, 3, -4, 5, -6, 127, 0, -127},
		Scales:  []float32{0.5, 0.25, 0.125},
		DF:      []uint32{9, 2, 1},
	}
}

func TestWriteParseHeader(t *testing.T) {
	var buf bytes.Buffer
	d := testData()
	if err := Write(&buf, d); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	h, err := ParseHeader(b)
	if err != nil {
		t.Fatal(err)
	}
	if want := (Header{Dim: 3, Words: 3, Slots: 4, Docs: 10, Tokens: 99, BlobLen: 9}); h != want {
		t.Fatalf("header = %+v, want %+v", h, want)
	}
	l := h.Layout()
	le := binary.LittleEndian
	for i, w := range d.Words {
		start, end := le.Uint32(b[l.Offsets+4*uint64(i):]), le.Uint32(b[l.Offsets+4*uint64(i)+4:])
		if got := string(b[l.Blob+uint64(start) : l.Blob+uint64(end)]); got != w {
			t.Errorf("word %d = %q, want %q", i, got, w)
		}
		if got := math.Float32frombits(le.Uint32(b[l.Scales+4*uint64(i):])); got != d.Scales[i] {
			t.Errorf("scale %d = %v, want %v", i, got, d.Scales[i])
		}
		if got := le.Uint32(b[l.DF+4*uint64(i):]); got != d.DF[i] {
			t.Errorf("df %d = %d, want %d", i, got, d.DF[i])
		}
		found := false
		for s := Hash(w) & (h.Slots - 1); ; s = (s + 1) & (h.Slots - 1) {
			e := le.Uint32(b[l.Slots+4*uint64(s):])
			if e == 0 {
				break
			}
			if e == uint32(i)+1 {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("word %q is not on its probe sequence", w)
		}
	}
	for i, v := range d.Vectors {
		if got := int8(b[l.Vectors+uint64(i)]); got != v {
			t.Errorf("vector value %d = %d, want %d", i, got, v)
		}
	}
}

func TestWriteRejects(t *testing.T) {
	dup := testData()
	dup.Words[2] = "the"
	short := testData()
	short.Scales = short.Scales[:2]
	for name, d := range map[string]Data{"duplicate word": dup, "missing scale": short} {
		if err := Write(&bytes.Buffer{}, d); err == nil {
			t.Errorf("%s: Write succeeded, want an error", name)
		}
	}
}

func TestParseHeaderRejects(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, testData()); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	tests := map[string][]byte{
		"empty":                 nil,
		"bad magic":             append([]byte("QBWVEC99"), good[8:]...),
		"truncated":             good[:len(good)-1],
		"trailing byte":         append(bytes.Clone(good), 0),
		"zero dimension":        fileOf(Header{Dim: 0, Words: 0, Slots: 1}),
		"slots not power of 2":  fileOf(Header{Dim: 1, Words: 1, Slots: 3}),
		"slots not above words": fileOf(Header{Dim: 1, Words: 2, Slots: 2}),
	}
	if _, err := ParseHeader(fileOf(Header{Dim: 1, Words: 1, Slots: 2})); err != nil {
		t.Fatalf("fileOf makes files ParseHeader rejects: %v", err)
	}
	for name, b := range tests {
		if _, err := ParseHeader(b); err == nil {
			t.Errorf("%s: ParseHeader succeeded, want an error", name)
		}
	}
}

// fileOf returns a zero-filled file with header h and the length h implies.
func fileOf(h Header) []byte {
	b := make([]byte, h.Layout().End)
	copy(b, Magic)
	le := binary.LittleEndian
	le.PutUint32(b[8:], h.Dim)
	le.PutUint32(b[12:], h.Words)
	le.PutUint32(b[16:], h.Slots)
	return b
}

func TestSlotsFor(t *testing.T) {
	for n, want := range map[int]uint32{0: 1, 1: 2, 3: 4, 4: 8, 6: 8, 7: 16, 70773: 131072} {
		if got := SlotsFor(n); got != want {
			t.Errorf("SlotsFor(%d) = %d, want %d", n, got, want)
		}
	}
}

func TestQuantize(t *testing.T) {
	tests := []struct {
		name string
		v    []float32
		want []int8
	}{
		{"largest magnitude becomes 127", []float32{0.5, -1, 0.25}, []int8{64, -127, 32}},
		{"negative largest", []float32{-2, 1}, []int8{-127, 64}},
		{"zero vector", []float32{0, 0}, []int8{0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := make([]int8, len(tt.v))
			scale := Quantize(tt.v, got)
			if !bytes.Equal(int8Bytes(got), int8Bytes(tt.want)) {
				t.Errorf("Quantize(%v) = %v, want %v", tt.v, got, tt.want)
			}
			var norm float64
			for _, q := range got {
				norm += float64(scale) * float64(q) * float64(scale) * float64(q)
			}
			if wantNorm := map[bool]float64{true: 0, false: 1}[strings.HasPrefix(tt.name, "zero")]; math.Abs(norm-wantNorm) > 1e-6 {
				t.Errorf("|scale·q|² = %v, want %v", norm, wantNorm)
			}
		})
	}
}

func int8Bytes(v []int8) []byte {
	b := make([]byte, len(v))
	for i, x := range v {
		b[i] = byte(x)
	}
	return b
}
