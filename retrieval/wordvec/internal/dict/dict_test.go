package dict

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestTokens(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"lowercase and punctuation", "Hello, World!", []string{"hello", "world"}},
		{"hyphen splits", "radio-controlled aircraft", []string{"radio", "controlled", "aircraft"}},
		{"possessive dropped", "the King's men", []string{"the", "king", "men"}},
		{"contraction kept", "don't", []string{"don't"}},
		{"quotes trimmed", "'quoted' words", []string{"quoted", "words"}},
		{"digits kept", "in 1913 at 5th", []string{"in", "1913", "at", "5th"}},
		{"non-ASCII letters", "Café NAÏVE", []string{"café", "naïve"}},
		{"only punctuation", " -- ; ' ", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Tokens(nil, tt.in); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Tokens(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestJoin(t *testing.T) {
	tests := map[string]string{
		"prime_minister":            "prime_minister",
		"Radio-controlled_aircraft": "radio_controlled_aircraft",
		"Drone":                     "drone",
		"--":                        "",
	}
	for in, want := range tests {
		if got := Join(in); got != want {
			t.Errorf("Join(%q) = %q, want %q", in, got, want)
		}
	}
}

// synsetLine is a data.noun line in WordNet 3.0's format, with two lemmas
// (one a collocation with an adjective marker), a pointer and a gloss with
// an example.
const synsetLine = `04264485 06 n 02 drone 0 pilotless_aircraft(a) 0 001 @ 02691156 n 0000 | an aircraft without a pilot that is operated by remote control; "the drone flew low"  `

func TestParseSynset(t *testing.T) {
	got, err := parseSynset(synsetLine)
	if err != nil {
		t.Fatal(err)
	}
	want := Entry{
		Heads:  []string{"drone", "pilotless_aircraft"},
		Senses: [][]string{Tokens(nil, `an aircraft without a pilot that is operated by remote control the drone flew low`)},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parseSynset = %+v, want %+v", got, want)
	}
	for _, bad := range []string{"00001740 03 n 01 entity 0 000", "00001740 03 n zz entity 0 000 | x", "00001740 03 n 05 entity 0 000 | x"} {
		if _, err := parseSynset(bad); err == nil {
			t.Errorf("parseSynset(%q) succeeded, want an error", bad)
		}
	}
}

func TestWordNet(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"data.noun": "  1 This software and database is being provided\n" + synsetLine + "\n",
		"data.verb": "01234567 30 v 01 fly 0 000 | travel through the air\n",
		"data.adj":  "",
		"data.adv":  "",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var heads []string
	if err := WordNet(dir, func(e Entry) { heads = append(heads, e.Heads...) }); err != nil {
		t.Fatal(err)
	}
	if want := []string{"drone", "pilotless_aircraft", "fly"}; !reflect.DeepEqual(heads, want) {
		t.Errorf("heads = %q, want %q", heads, want)
	}
	lemmas, err := WordNetLemmas(dir)
	if err != nil || !lemmas["pilotless_aircraft"] || len(lemmas) != 3 {
		t.Errorf("WordNetLemmas = %v, %v; want the 3 lemmas", lemmas, err)
	}
	if err := WordNet(t.TempDir(), func(Entry) {}); err == nil {
		t.Error("WordNet on an empty directory succeeded, want an error")
	}
}

// article is a GCIDE article with every kind of markup parseArticle
// cleans: two headwords with pronunciations, a part of speech, a
// multi-line etymology with accent codes, numbered senses, a cross
// reference, an inline citation, a quotation with a right-aligned author
// and source tags.
const article = `Colour \Col"our\, Color \Col"or\, n. [OE. colour, F. couleur, L.
   color; akin to celare to hide, cf. c[ae]lum, ['e]clat.]
   1. The hue of a thing; as, a gay colour. --Shak.
      [1913 Webster]

            Give color to my pale cheek.
                                                  --Shak.
      [1913 Webster]

   2. (Law) An apparent right; {un*col"or*ed} pretence.
      (b) A flag or badge. [Obs.]
      [1913 Webster]
`

func TestParseArticle(t *testing.T) {
	got := parseArticle(article, nil)
	want := Entry{
		Heads: []string{"colour", "color"},
		Senses: [][]string{
			Tokens(nil, "The hue of a thing; as, a gay colour."),
			Tokens(nil, "(Law) An apparent right; uncolored pretence. A flag or badge."),
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parseArticle =\n%q\nwant\n%q", got, want)
	}
}

func TestParseArticleMultiWordHead(t *testing.T) {
	const a = "Prime minister \\Prime min\"is*ter\\, n.\n   The head of a government.\n   [1913 Webster]\n"
	if got := parseArticle(a, map[string]bool{"prime_minister": true}); !reflect.DeepEqual(got.Heads, []string{"prime_minister"}) {
		t.Errorf("a WordNet lemma: heads = %q, want [prime_minister]", got.Heads)
	}
	got := parseArticle(a, nil)
	if len(got.Heads) != 0 || strings.Join(got.Senses[0], " ") != "prime minister the head of a government" {
		t.Errorf("not a WordNet lemma: %q, want no heads and the words opening the sense", got)
	}
}

func TestDecodeAccents(t *testing.T) {
	tests := map[string]string{
		"caf['e]":        "cafe",
		"dr[=a]n":        "dran",
		"[ae]sthetic":    "aesthetic",
		"p[aum]r":        "par",
		"l[i^]ke":        "like",
		"[Obs.] [I] [R]": "[Obs.] [I] [R]",
		"[1913 Webster]": "[1913 Webster]",
		"unclosed [=a":   "unclosed [=a",
	}
	for in, want := range tests {
		if got := decodeAccents(in); got != want {
			t.Errorf("decodeAccents(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDropBrackets(t *testing.T) {
	tests := map[string]string{
		"a [b [c] d] e": "a   e",
		"no brackets":   "no brackets",
		"open [ only":   "open   only",
	}
	for in, want := range tests {
		if got := dropBrackets(in); got != want {
			t.Errorf("dropBrackets(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDecode64(t *testing.T) {
	tests := map[string]int{"A": 0, "/": 63, "BA": 64, "CJ38I": 2*64*64*64*64 + 9*64*64*64 + 55*64*64 + 60*64 + 8}
	for in, want := range tests {
		if got, err := decode64(in); err != nil || got != want {
			t.Errorf("decode64(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "a-b", "AAAAAAAAA"} {
		if _, err := decode64(bad); err == nil {
			t.Errorf("decode64(%q) succeeded, want an error", bad)
		}
	}
}

// writeGCIDE writes a dictd dictionary of the given articles to dir: the
// gzip-compressed text, an information entry and an index in which the
// first article is listed under two words.
func writeGCIDE(t *testing.T, dir string, articles ...string) {
	t.Helper()
	writeDictd(t, dir, "gcide", articles...)
}

// writeDictd writes base.index and base.dict.dz to dir: an information
// entry, then articles, the first also indexed under a second word.
func writeDictd(t *testing.T, dir, base string, articles ...string) {
	t.Helper()
	info := "00-database-info\n   The dictionary.\n"
	text := info + strings.Join(articles, "")
	var index strings.Builder
	index.WriteString("00-database-info\tA\t" + enc64(len(info)) + "\n")
	off := len(info)
	for i, a := range articles {
		index.WriteString("w" + enc64(i) + "\t" + enc64(off) + "\t" + enc64(len(a)) + "\n")
		if i == 0 {
			index.WriteString("alias\t" + enc64(off) + "\t" + enc64(len(a)) + "\n")
		}
		off += len(a)
	}
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write([]byte(text))
	zw.Close()
	if err := os.WriteFile(filepath.Join(dir, base+".dict.dz"), z.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, base+".index"), []byte(index.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

func enc64(n int) string {
	const digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	s := string(digits[n%64])
	for n /= 64; n > 0; n /= 64 {
		s = string(digits[n%64]) + s
	}
	return s
}

func TestGCIDE(t *testing.T) {
	dir := t.TempDir()
	writeGCIDE(t, dir, article, "Hue \\Hue\\, n.\n   Color; tint.\n   [1913 Webster]\n")
	var heads []string
	if err := GCIDE(dir, nil, func(e Entry) { heads = append(heads, e.Heads...) }); err != nil {
		t.Fatal(err)
	}
	if want := []string{"colour", "color", "hue"}; !reflect.DeepEqual(heads, want) {
		t.Errorf("heads = %q, want %q (each article once, no information entry)", heads, want)
	}
	if err := os.WriteFile(filepath.Join(dir, "gcide.index"), []byte("word\tZZZZ\tBA\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := GCIDE(dir, nil, func(Entry) {}); err == nil {
		t.Error("GCIDE with an index span past the end succeeded, want an error")
	}
}
