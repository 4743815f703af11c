package wordvec

import (
	"bytes"
	"math"
	"slices"
	"testing"

	"github.com/quotebot/quotebot/retrieval/wordvec/internal/format"
)

// testTable returns a table of four words with 2-dimensional vectors:
// "north" and "up" point the same way, "east" is orthogonal to them and
// "south" is opposite. Docs is 100; df is 100, 10, 1 and 50.
func testTable(tb testing.TB) *Table {
	tb.Helper()
	d := format.Data{
		Dim: 2, Docs: 100, Tokens: 1000,
		Words:   []string{"north", "east", "south", "up"},
		Vectors: []int8{0, 127, 127, 0, 0, -127, 0, 64},
		DF:      []uint32{100, 10, 1, 50},
	}
	for i := range d.Words {
		d.Scales = append(d.Scales, format.Quantize([]float32{float32(d.Vectors[2*i]), float32(d.Vectors[2*i+1])}, d.Vectors[2*i:2*i+2]))
	}
	var buf bytes.Buffer
	if err := format.Write(&buf, d); err != nil {
		tb.Fatal(err)
	}
	t, err := Open(buf.Bytes())
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

func TestLookup(t *testing.T) {
	tb := testTable(t)
	tests := []struct {
		word string
		id   ID
		ok   bool
	}{
		{"north", 0, true},
		{"east", 1, true},
		{"up", 3, true},
		{"North", 0, false},
		{"west", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		id, ok := tb.Lookup(tt.word)
		if id != tt.id || ok != tt.ok {
			t.Errorf("Lookup(%q) = %d, %v; want %d, %v", tt.word, id, ok, tt.id, tt.ok)
		}
		if ok && tb.Word(id) != tt.word {
			t.Errorf("Word(%d) = %q, want %q", id, tb.Word(id), tt.word)
		}
	}
	if tb.Len() != 4 || tb.Dim() != 2 || tb.Docs() != 100 {
		t.Errorf("Len, Dim, Docs = %d, %d, %d; want 4, 2, 100", tb.Len(), tb.Dim(), tb.Docs())
	}
}

func TestSimilarity(t *testing.T) {
	tb := testTable(t)
	tests := []struct {
		a, b string
		want float32
		ok   bool
	}{
		{"north", "up", 1, true},
		{"north", "north", 1, true},
		{"north", "east", 0, true},
		{"north", "south", -1, true},
		{"north", "west", 0, false},
		{"west", "north", 0, false},
	}
	for _, tt := range tests {
		got, ok := tb.Similarity(tt.a, tt.b)
		if ok != tt.ok || math.Abs(float64(got-tt.want)) > 1e-6 {
			t.Errorf("Similarity(%q, %q) = %v, %v; want %v, %v", tt.a, tt.b, got, ok, tt.want, tt.ok)
		}
	}
	v, scale, ok := tb.Vector("up")
	if !ok || !slices.Equal(v, []int8{0, 127}) || math.Abs(float64(scale)-1.0/127) > 1e-9 {
		t.Errorf(`Vector("up") = %v, %v, %v; want [0 127], 1/127, true (quantised to full scale)`, v, scale, ok)
	}
	if _, _, ok := tb.Vector("west"); ok {
		t.Error(`Vector("west") found a word the table lacks`)
	}
}

func TestIDF(t *testing.T) {
	tb := testTable(t)
	tests := []struct {
		word string
		want float64
		ok   bool
	}{
		{"north", 0, true},
		{"east", math.Log(10), true},
		{"south", math.Log(100), true},
		{"west", 0, false},
	}
	for _, tt := range tests {
		got, ok := tb.IDF(tt.word)
		if ok != tt.ok || math.Abs(float64(got)-tt.want) > 1e-6 {
			t.Errorf("IDF(%q) = %v, %v; want %v, %v", tt.word, got, ok, tt.want, tt.ok)
		}
	}
}

func TestMean(t *testing.T) {
	tb := testTable(t)
	tests := []struct {
		name    string
		words   []string
		weights []float32
		want    []float32
		n       int
	}{
		{"unweighted", []string{"north", "east"}, nil, []float32{0.5, 0.5}, 2},
		{"weighted", []string{"north", "east"}, []float32{3, 1}, []float32{0.25, 0.75}, 2},
		{"unit vectors, not raw ones", []string{"up", "east"}, nil, []float32{0.5, 0.5}, 2},
		{"unknown words skipped", []string{"west", "north", "nowhere"}, []float32{5, 1, 5}, []float32{0, 1}, 1},
		{"non-positive weights skipped", []string{"north", "east"}, []float32{0, -1}, []float32{0, 0}, 0},
		{"no words", nil, nil, []float32{0, 0}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := []float32{9, 9}
			n := tb.Mean(tt.words, tt.weights, out)
			if n != tt.n || math.Abs(float64(out[0]-tt.want[0])) > 1e-6 || math.Abs(float64(out[1]-tt.want[1])) > 1e-6 {
				t.Errorf("Mean(%q, %v) = %v, %d; want %v, %d", tt.words, tt.weights, out, n, tt.want, tt.n)
			}
		})
	}
	for name, call := range map[string]func(){
		"short out":        func() { tb.Mean([]string{"north"}, nil, make([]float32, 1)) },
		"too few weights":  func() { tb.Mean([]string{"north", "east"}, []float32{1}, make([]float32, 2)) },
		"too many weights": func() { tb.Mean(nil, []float32{1}, make([]float32, 2)) },
	} {
		if !panics(call) {
			t.Errorf("Mean with %s did not panic", name)
		}
	}
}

func panics(f func()) (did bool) {
	defer func() { did = recover() != nil }()
	f()
	return false
}

func TestNearest(t *testing.T) {
	tb := testTable(t)
	tests := []struct {
		word string
		k    int
		want []string
	}{
		{"north", 3, []string{"up", "east", "south"}},
		{"north", 1, []string{"up"}},
		{"north", 10, []string{"up", "east", "south"}},
		{"south", 2, []string{"east", "north"}},
		{"north", 0, nil},
		{"west", 2, nil},
	}
	for _, tt := range tests {
		if got := tb.Nearest(tt.word, tt.k); !slices.Equal(got, tt.want) {
			t.Errorf("Nearest(%q, %d) = %q, want %q", tt.word, tt.k, got, tt.want)
		}
	}
}

func TestOpenRejects(t *testing.T) {
	good := testTable(t).data
	for name, b := range map[string][]byte{
		"empty":     nil,
		"truncated": good[:len(good)-1],
		"bad magic": append([]byte("XXXXXXXX"), good[8:]...),
	} {
		if _, err := Open(b); err == nil {
			t.Errorf("%s: Open succeeded, want an error", name)
		}
	}
}

func TestDot8(t *testing.T) {
	for n := range 20 { // below, at and above the 8-element step
		a, b := make([]int8, n), make([]int8, n)
		var want int32
		for i := range n {
			a[i], b[i] = int8(-128+37*i), int8(127-53*i)
			want += int32(a[i]) * int32(b[i])
		}
		if got := dot8(a, b); got != want {
			t.Errorf("dot8 of length %d = %d, want %d", n, got, want)
		}
	}
}
