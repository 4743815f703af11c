package wordvec

import "testing"

// benchWords are common general-English words for the benchmarks.
var benchWords = []string{"doctor", "physician", "volcano", "river", "happy", "glad", "kitten", "violin"}

// BenchmarkFirstLookup is the start-up cost: opening the embedded file (a
// header check) and one look-up.
func BenchmarkFirstLookup(b *testing.B) {
	for b.Loop() {
		t, err := Open(embedded)
		if err != nil {
			b.Fatal(err)
		}
		if _, ok := t.Lookup("doctor"); !ok {
			b.Fatal("doctor not found")
		}
	}
}

func BenchmarkLookup(b *testing.B) {
	t := Default()
	i := 0
	for b.Loop() {
		if _, ok := t.Lookup(benchWords[i%len(benchWords)]); !ok {
			b.Fatal("not found")
		}
		i++
	}
}

func BenchmarkLookupMissing(b *testing.B) {
	t := Default()
	for b.Loop() {
		if _, ok := t.Lookup("qwertyuiop"); ok {
			b.Fatal("found")
		}
	}
}

// BenchmarkCosine is the similarity of two words already looked up.
func BenchmarkCosine(b *testing.B) {
	t := Default()
	x, _ := t.Lookup("doctor")
	y, _ := t.Lookup("physician")
	var s float32
	for b.Loop() {
		s += t.Cosine(x, y)
	}
}

// BenchmarkSimilarity includes the two look-ups.
func BenchmarkSimilarity(b *testing.B) {
	t := Default()
	i := 0
	for b.Loop() {
		if _, ok := t.Similarity(benchWords[i%len(benchWords)], benchWords[(i+1)%len(benchWords)]); !ok {
			b.Fatal("not found")
		}
		i++
	}
}

func BenchmarkIDF(b *testing.B) {
	t := Default()
	for b.Loop() {
		t.IDF("volcano")
	}
}

func BenchmarkMean(b *testing.B) {
	t := Default()
	out := make([]float32, t.Dim())
	for b.Loop() {
		t.Mean(benchWords, nil, out)
	}
}

func BenchmarkNearest(b *testing.B) {
	t := Default()
	for b.Loop() {
		t.Nearest("doctor", 10)
	}
}
