package build

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quotebot/quotebot/retrieval/wordvec/internal/format"
	"github.com/quotebot/quotebot/retrieval/wordvec/internal/sgns"
)

// testSources writes a two-synset WordNet and a two-article GCIDE to
// temporary directories. The synset "hermit" has an empty gloss, so its
// headword never occurs in a training sentence.
func testSources(t *testing.T) Sources {
	t.Helper()
	src := Sources{WordNet: t.TempDir(), GCIDE: t.TempDir()}
	wn := map[string]string{
		"data.noun": "00000001 03 n 02 cat 0 house_cat 0 000 | a small furry animal; \"the cat sat\"\n" +
			"00000002 03 n 01 hermit 0 000 | \n",
		"data.verb": "00000003 30 v 01 sit 0 000 | be seated like a cat\n",
		"data.adj":  "",
		"data.adv":  "",
	}
	for name, text := range wn {
		write(t, filepath.Join(src.WordNet, name), []byte(text))
	}
	articles := []string{
		"Cat \\Cat\\, n.\n   A small furry animal that sits.\n   [1913 Webster]\n",
		"Sit \\Sit\\, v. i.\n   To rest like a cat.\n   [1913 Webster]\n",
	}
	var index strings.Builder
	off := 0
	for i, a := range articles {
		index.WriteString(string(rune('a'+i)) + "\t" + b64(off) + "\t" + b64(len(a)) + "\n")
		off += len(a)
	}
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write([]byte(strings.Join(articles, "")))
	zw.Close()
	write(t, filepath.Join(src.GCIDE, "gcide.dict.dz"), z.Bytes())
	write(t, filepath.Join(src.GCIDE, "gcide.index"), []byte(index.String()))
	return src
}

func write(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// b64 encodes a number below 64² as dictd does.
func b64(n int) string {
	const digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	return string(digits[n/64]) + string(digits[n%64])
}

var testConfig = Config{
	MinCount: 1,
	Train:    sgns.Params{Dim: 8, Window: 2, Negative: 2, Epochs: 2, Sample: 1, Alpha: 0.025, Seed: 1, HeadSpan: 5},
}

func TestBuild(t *testing.T) {
	src := testSources(t)
	var a, b bytes.Buffer
	st, err := Build(src, testConfig, &a, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Build(src, testConfig, &b, nil); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two builds from the same sources differ")
	}
	h, words := dfs(t, a.Bytes()) // word → df
	if st.Entries != 5 || h.Docs != 5 || st.Bytes != a.Len() || int(h.Words) != st.Words {
		t.Errorf("stats %+v, header %+v: want 5 entries and matching sizes", st, h)
	}
	if _, ok := words["hermit"]; ok {
		t.Error(`"hermit", in no training sentence, has a vector`)
	}
	for w, df := range map[string]uint32{"cat": 4, "house_cat": 1, "furry": 2, "sit": 2, "sits": 1} {
		if words[w] != df {
			t.Errorf("df(%q) = %d, want %d", w, words[w], df)
		}
	}
	l := h.Layout()
	first := a.Bytes()[l.Blob : l.Blob+uint64(binary.LittleEndian.Uint32(a.Bytes()[l.Offsets+4:]))]
	if string(first) != "cat" {
		t.Errorf("word 0 is %q, want the most frequent, cat", first)
	}
}

// writeThesaurus writes a one-meaning Aiksaurus thesaurus to a temporary
// directory: "cat", "moggy" (in no dictionary) and "tom cat" (not a
// WordNet lemma, so split into words), titled cat/moggy.
func writeThesaurus(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	u16 := func(b []byte, v ...uint16) []byte {
		for _, x := range append(v, 0xffff) {
			b = binary.BigEndian.AppendUint16(b, x)
		}
		return b
	}
	var words []byte
	for _, w := range []string{"cat", "moggy", "tom:cat"} {
		words = u16(append(append(words, w...), 0), 0)
	}
	write(t, filepath.Join(dir, "words.dat"), words)
	write(t, filepath.Join(dir, "meanings.dat"), u16(nil, 0, 1, 0, 1, 2))
	return dir
}

// dfs returns each word of a built file and its df.
func dfs(t *testing.T, b []byte) (format.Header, map[string]uint32) {
	t.Helper()
	h, err := format.ParseHeader(b)
	if err != nil {
		t.Fatal(err)
	}
	words := map[string]uint32{}
	l := h.Layout()
	le := binary.LittleEndian
	for i := range int(h.Words) {
		start, end := le.Uint32(b[l.Offsets+4*uint64(i):]), le.Uint32(b[l.Offsets+4*uint64(i)+4:])
		words[string(b[l.Blob+uint64(start):l.Blob+uint64(end)])] = le.Uint32(b[l.DF+4*uint64(i):])
	}
	return h, words
}

func TestBuildMissingSources(t *testing.T) {
	src := testSources(t)
	src.GCIDE = t.TempDir()
	if _, err := Build(src, testConfig, &bytes.Buffer{}, nil); err == nil {
		t.Error("Build without GCIDE succeeded, want an error")
	}
}

// writeDing writes a one-article Ding dictionary to a temporary directory:
// "cat" with the synonyms "moggy" (in no other dictionary) and "tom cat"
// (not a WordNet lemma, so split into words).
func writeDing(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	a := "cat /kˈat/\nKatze <fem>\n   Synonyms: {moggy}, {tom cat}\n"
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write([]byte(a))
	zw.Close()
	write(t, filepath.Join(dir, "freedict-eng-deu.dict.dz"), z.Bytes())
	write(t, filepath.Join(dir, "freedict-eng-deu.index"), []byte("cat\tA\t"+b64(len(a))[1:]+"\n"))
	return dir
}

// TestBuildOptionalSources checks the thesaurus and Ding switches: off,
// the source is not read; on, its words ("moggy", in no dictionary, and
// "tom" of the non-lemma "tom cat") are trained but its entries are not
// documents of the IDF.
func TestBuildOptionalSources(t *testing.T) {
	tests := []struct {
		name  string
		dir   func(*Sources) *string
		on    func(*Config)
		write func(*testing.T) string
	}{
		{
			name:  "thesaurus",
			dir:   func(s *Sources) *string { return &s.Aiksaurus },
			on:    func(c *Config) { c.Thesaurus = Related{Use: true, MaxWords: 10} },
			write: writeThesaurus,
		},
		{
			name:  "Ding",
			dir:   func(s *Sources) *string { return &s.Ding },
			on:    func(c *Config) { c.Ding = Related{Use: true, MaxWords: 10} },
			write: writeDing,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := testSources(t)
			*tt.dir(&src) = filepath.Join(t.TempDir(), "absent")
			var off bytes.Buffer
			if _, err := Build(src, testConfig, &off, nil); err != nil {
				t.Fatalf("off, absent: %v", err)
			}
			on := testConfig
			tt.on(&on)
			if _, err := Build(src, on, &bytes.Buffer{}, nil); err == nil {
				t.Error("on but absent: Build succeeded, want an error")
			}
			*tt.dir(&src) = tt.write(t)
			var with bytes.Buffer
			st, err := Build(src, on, &with, nil)
			if err != nil {
				t.Fatal(err)
			}
			_, offWords := dfs(t, off.Bytes())
			h, words := dfs(t, with.Bytes())
			if st.Related != 1 || st.Entries != 5 || h.Docs != 5 {
				t.Errorf("%d related entries, %d entries, %d documents; want 1, 5 and 5", st.Related, st.Entries, h.Docs)
			}
			if _, ok := offWords["moggy"]; ok {
				t.Error(`off: "moggy" has a vector`)
			}
			for w, df := range map[string]uint32{"moggy": 0, "tom": 0, "cat": 4} {
				if got, ok := words[w]; !ok || got != df {
					t.Errorf("on: df(%q) = %d (in the file: %v), want %d", w, got, ok, df)
				}
			}
			if _, ok := words["tom_cat"]; ok {
				t.Error(`"tom cat", not a WordNet lemma, became one token`)
			}
		})
	}
}
