package wordnet

import (
	"strings"
	"testing"
)

// BenchmarkLoad measures what Default costs on first use: opening the
// embedded file in place.
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := open(embedded); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecode measures Decode, which copies and validates the whole
// file; Default does not.
func BenchmarkDecode(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(embedded)))
	for b.Loop() {
		if _, err := Decode(strings.NewReader(embedded)); err != nil {
			b.Fatal(err)
		}
	}
}

// perOp reports the time per item of a benchmark that handles n items per
// iteration.
func perOp(b *testing.B, n int, unit string) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/"+unit)
}

// benchEach runs f on each of words per iteration.
func benchEach(b *testing.B, words []string, unit string, f func(string)) {
	b.ReportAllocs()
	for b.Loop() {
		for _, w := range words {
			f(w)
		}
	}
	perOp(b, len(words), unit)
}

var benchWords = strings.Fields("the fisheries ministers agreed on trade flights fishing geese ran economic cooperation between china and peru were signed prime ministers xyzzy")

func BenchmarkLemmas(b *testing.B) {
	l := Default()
	benchEach(b, benchWords, "word", func(w string) { l.Lemmas(w) })
}

// benchInflected are inflected forms only, so that every look-up goes
// through morphy's exception lists and rules of detachment.
var benchInflected = strings.Fields("fisheries ministers agreed flights geese ran signed boxesful taxes churches leaves better happiest studied running")

func BenchmarkMorphy(b *testing.B) {
	l := Default()
	benchEach(b, benchInflected, "word", func(w string) { l.Lemmas(w) })
}

var benchLemmas = strings.Fields("fishery fish trade commerce economy economic agreement run pact usa cooperation minister")

func BenchmarkRelated(b *testing.B) {
	l := Default()
	benchEach(b, benchLemmas, "lemma", func(w string) { l.Related(w) })
}

// BenchmarkLookups runs the look-ups of the analyzer's phrase and topic
// steps (IsPhrasePrefix, IsLemma, IsNoun, TagCount) on words and phrases,
// half of them absent.
func BenchmarkLookups(b *testing.B) {
	l := Default()
	phrases := []string{"free", "free trade", "prime", "prime minister", "united", "united states", "fishery", "xyzzy", "trade agreement", "the"}
	b.ReportAllocs()
	sink := 0
	for b.Loop() {
		for _, p := range phrases {
			if l.IsPhrasePrefix(p) {
				sink++
			}
			if l.IsLemma(p) {
				sink++
			}
			if l.IsNoun(p) {
				sink++
			}
			sink += l.TagCount(p)
		}
	}
	perOp(b, 4*len(phrases), "lookup")
	_ = sink
}
