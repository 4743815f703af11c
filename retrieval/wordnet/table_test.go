package wordnet

import (
	"sort"
	"strings"
	"testing"
)

// The oracles below answer the hash-table look-ups by binary search over
// the sorted lists, the way the lexicon answered them before it stored
// hash tables; the tests require both to agree.

func (l *Lexicon) searchLemma(s string) int {
	i := sort.Search(l.n, func(i int) bool { return l.lemma(i) >= s })
	if i < l.n && l.lemma(i) == s {
		return i
	}
	return -1
}

func (l *Lexicon) searchPrefix(words string) bool {
	p := words + " "
	i := sort.Search(l.n, func(i int) bool { return l.lemma(i) >= p })
	return i < l.n && strings.HasPrefix(l.lemma(i), p)
}

func (l *Lexicon) searchException(form string) int {
	n := l.excOff.len() - 1
	i := sort.Search(n, func(i int) bool { return span(l.excOff, l.excText, i) >= form })
	if i < n && span(l.excOff, l.excText, i) == form {
		return i
	}
	return -1
}

// checkLookups requires every look-up of s to agree with the oracles and
// the results of Lemmas to be lemmas.
func checkLookups(t *testing.T, l *Lexicon, s string) {
	t.Helper()
	short := s
	if len(short) > 40 {
		short = short[:40] + "…"
	}
	if got, want := l.find(s), l.searchLemma(s); got != want {
		t.Errorf("find(%q) = %d, binary search finds %d", short, got, want)
	}
	if got, want := l.IsPhrasePrefix(s), l.searchPrefix(s); got != want {
		t.Errorf("IsPhrasePrefix(%q) = %v, binary search says %v", short, got, want)
	}
	if got, want := l.findException(s), l.searchException(s); got != want {
		t.Errorf("findException(%q) = %d, binary search finds %d", short, got, want)
	}
	for _, b := range l.Lemmas(s) {
		if l.searchLemma(b) < 0 {
			t.Errorf("Lemmas(%q) contains %q, not a lemma", short, b)
		}
	}
	if rs := l.Related(s); len(rs) > 0 && l.searchLemma(s) < 0 {
		t.Errorf("Related(%q) = %v for a word that is not a lemma", short, rs)
	}
	if l.Senses(s) > 0 != (l.searchLemma(s) >= 0) {
		t.Errorf("Senses(%q) = %d, binary search finds %d", short, l.Senses(s), l.searchLemma(s))
	}
	l.TagCount(s)
	l.IsNoun(s)
	l.IsAdjective(s)
}

// TestHashTablesFindEveryKey requires the stored hash tables to find every
// lemma, exception form and phrase prefix at its place, and to reject
// near misses of each (one byte more, one less, uppercase, a trailing
// space), agreeing with binary search over the sorted lists.
func TestHashTablesFindEveryKey(t *testing.T) {
	l := Default()
	prefixes := 0
	for i := range l.n {
		s := l.lemma(i)
		if got := l.find(s); got != i {
			t.Fatalf("find(%q) = %d, want %d", s, got, i)
		}
		for k := 1; k < len(s); k++ {
			if s[k] == ' ' {
				prefixes++
				if !l.IsPhrasePrefix(s[:k]) {
					t.Fatalf("IsPhrasePrefix(%q) = false; %q starts with it", s[:k], s)
				}
			}
		}
		if i%7 != 0 {
			continue // the near misses of a sample suffice
		}
		for _, miss := range []string{s + "q", s[:len(s)-1], strings.ToUpper(s), s + " ", " " + s, s + "\x00"} {
			if got, want := l.find(miss), l.searchLemma(miss); got != want {
				t.Fatalf("find(%q) = %d, binary search finds %d", miss, got, want)
			}
			if got, want := l.IsPhrasePrefix(miss), l.searchPrefix(miss); got != want {
				t.Fatalf("IsPhrasePrefix(%q) = %v, binary search says %v", miss, got, want)
			}
		}
	}
	if prefixes == 0 {
		t.Fatal("no multi-word lemmas")
	}
	for i := range l.excOff.len() - 1 {
		s := span(l.excOff, l.excText, i)
		if got := l.findException(s); got != i {
			t.Fatalf("findException(%q) = %d, want %d", s, got, i)
		}
		for _, miss := range []string{s + "q", s[:len(s)-1], strings.ToUpper(s)} {
			if got, want := l.findException(miss), l.searchException(miss); got != want {
				t.Fatalf("findException(%q) = %d, binary search finds %d", miss, got, want)
			}
		}
	}
}

// oddStrings are look-ups a caller might pass by mistake or on hostile
// input; none may crash or disagree with binary search.
var oddStrings = []string{
	"",
	" ",
	"  ",
	"a  b",
	"\x00",
	"\xff\xfe",
	"café",
	"naïve",
	"東京",
	"fish\u00a0market",
	"prime ministers ",
	"united states of",
	"united states of america",
	strings.Repeat("s", 1<<20),
	strings.Repeat("ful", 1000),
	strings.Repeat("free trade ", 1000),
}

func TestOddLookups(t *testing.T) {
	l := Default()
	for _, s := range oddStrings {
		checkLookups(t, l, s)
	}
	var zero Lexicon
	for _, s := range oddStrings {
		if zero.IsLemma(s) || zero.IsPhrasePrefix(s) || zero.Lemmas(s) != nil || zero.Related(s) != nil || zero.Senses(s) != 0 {
			t.Errorf("the zero Lexicon knows %q", s)
		}
	}
}

func FuzzLookups(f *testing.F) {
	for _, s := range oddStrings[:len(oddStrings)-3] {
		f.Add(s)
	}
	for _, s := range []string{"fisheries", "geese", "boxesful", "attorneys general", "prime ministers", "free"} {
		f.Add(s)
	}
	l := Default()
	f.Fuzz(func(t *testing.T, s string) {
		checkLookups(t, l, s)
	})
}
