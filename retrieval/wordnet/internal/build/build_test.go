package build_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/quotebot/quotebot/retrieval/wordnet"
	"github.com/quotebot/quotebot/retrieval/wordnet/internal/build"
)

// mini is a hand-written database in WordNet's file layout; its synset
// offsets are labels, not byte offsets, which Build does not rely on.
const mini = "testdata/mini"

// mustBuild builds the database in dir and decodes the result.
func mustBuild(tb testing.TB, dir string) *wordnet.Lexicon {
	tb.Helper()
	var buf bytes.Buffer
	if err := build.Build(dir, &buf); err != nil {
		tb.Fatalf("Build(%s): %v", dir, err)
	}
	l, err := wordnet.Decode(&buf)
	if err != nil {
		tb.Fatalf("Decode(Build(%s)): %v", dir, err)
	}
	return l
}

func TestBuildRelated(t *testing.T) {
	l := mustBuild(t, mini)
	r := func(lemma string, kind wordnet.Kind, weight float32) wordnet.Relation {
		return wordnet.Relation{Lemma: lemma, Kind: kind, Weight: weight}
	}
	tests := []struct {
		name  string
		lemma string
		want  []wordnet.Relation
	}{
		{"synonyms weighted by sense rank, none from sense 4", "dog", []wordnet.Relation{
			r("canis familiaris", wordnet.Synonym, 0.6),
			r("domestic dog", wordnet.Synonym, 0.6),
			r("frump", wordnet.Synonym, 0.3),
			r("cad", wordnet.Synonym, 0.2),
		}},
		{"sense 1 of the other lemma", "pawl", []wordnet.Relation{r("dog", wordnet.Synonym, 0.6)}},
		{"lowercased collocation", "canis familiaris", []wordnet.Relation{
			r("dog", wordnet.Synonym, 0.6),
			r("domestic dog", wordnet.Synonym, 0.6),
		}},
		{"derivation noun to verb", "barker", []wordnet.Relation{r("bark", wordnet.Derived, 0.8)}},
		{"derivation verb to noun", "bark", []wordnet.Relation{r("barker", wordnet.Derived, 0.8)}},
		{"pertainym both ways", "economic", []wordnet.Relation{
			r("economically", wordnet.Pertainym, 0.8),
			r("economy", wordnet.Pertainym, 0.8),
		}},
		{"pertainym reverse only", "economy", []wordnet.Relation{r("economic", wordnet.Pertainym, 0.8)}},
		{"adjective marker stripped", "chosen", []wordnet.Relation{r("elect", wordnet.Synonym, 0.6)}},
		{"five-word synonym dropped", "usa", nil},
		{"no relations", "goose", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := l.Related(tt.lemma); !slices.Equal(got, tt.want) {
				t.Errorf("Related(%q) = %v, want %v", tt.lemma, got, tt.want)
			}
		})
	}
}

func TestBuildTaxonomy(t *testing.T) {
	l := mustBuild(t, mini)
	r := func(lemma string, kind wordnet.Kind) wordnet.Relation {
		return wordnet.Relation{Lemma: lemma, Kind: kind, Weight: 0.15}
	}
	syn := wordnet.Relation{Kind: wordnet.Synonym, Weight: 0.6}
	tests := []struct {
		name  string
		lemma string
		want  []wordnet.Relation
	}{
		{"hypernyms and hyponyms of sense 1 only, no names, no instances", "troops", []wordnet.Relation{
			{Lemma: "soldiery", Kind: syn.Kind, Weight: syn.Weight},
			r("force", wordnet.Hypernym),
			r("garrison", wordnet.Hyponym),
			r("personnel", wordnet.Hypernym),
		}},
		{"hyponym pointer read from the broader end", "force", []wordnet.Relation{
			{Lemma: "personnel", Kind: syn.Kind, Weight: syn.Weight},
			r("soldiery", wordnet.Hyponym),
			r("troops", wordnet.Hyponym),
		}},
		{"hypernym of a specific word", "garrison", []wordnet.Relation{
			r("soldiery", wordnet.Hypernym),
			r("troops", wordnet.Hypernym),
		}},
		{"verb hypernym", "whisper", []wordnet.Relation{r("utter", wordnet.Hypernym)}},
		{"verb hyponym", "utter", []wordnet.Relation{r("whisper", wordnet.Hyponym)}},
		{"a name has no broader word", "japan", nil},
		{"a name is no narrower word", "island", nil},
		{"a name's synset links no words", "rough riders", nil},
		{"too general for hyponyms", "agent", nil},
		{"the narrower words still have it", "agenta", []wordnet.Relation{r("agent", wordnet.Hypernym)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := l.Related(tt.lemma); !slices.Equal(got, tt.want) {
				t.Errorf("Related(%q) = %v, want %v", tt.lemma, got, tt.want)
			}
		})
	}
	// worker has 12 hyponym synsets of 3 words each: the first
	// MaxHyponyms words in pointer and word order are kept.
	var hyponyms []string
	for _, rel := range l.Related("worker") {
		if rel.Kind == wordnet.Hyponym {
			hyponyms = append(hyponyms, rel.Lemma)
		}
	}
	if len(hyponyms) != 24 || !slices.Contains(hyponyms, "workhz") || slices.Contains(hyponyms, "workix") {
		t.Errorf("hyponyms of worker = %q, want the 24 words of its first 8 hyponym synsets", hyponyms)
	}
}

func TestBuildLemmas(t *testing.T) {
	l := mustBuild(t, mini)
	tests := []struct {
		name string
		word string
		want []string
	}{
		{"noun rule", "dogs", []string{"dog"}},
		{"verb rule", "barking", []string{"bark"}},
		{"noun exception", "geese", []string{"goose"}},
		{"exception base not in WordNet", "mice", nil},
		{"adjective exception", "chosener", []string{"chosen"}},
		{"adjective rule", "electest", []string{"elect"}},
		{"exception without WordNet base blocks rules", "elector", nil},
		{"marker is not part of the lemma", "elect(p)", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := l.Lemmas(tt.word); !slices.Equal(got, tt.want) {
				t.Errorf("Lemmas(%q) = %q, want %q", tt.word, got, tt.want)
			}
		})
	}
	for _, tt := range []struct {
		phrase        string
		lemma, isNoun bool
	}{
		{"domestic dog", true, true},
		{"bark", true, false},
		{"elect", true, false},
		{"a b c d e", false, false},
	} {
		if got := l.IsLemma(tt.phrase); got != tt.lemma {
			t.Errorf("IsLemma(%q) = %v, want %v", tt.phrase, got, tt.lemma)
		}
		if got := l.IsNoun(tt.phrase); got != tt.isNoun {
			t.Errorf("IsNoun(%q) = %v, want %v", tt.phrase, got, tt.isNoun)
		}
	}
	if got := l.MaxPhraseWords(); got != 2 {
		t.Errorf("MaxPhraseWords() = %d, want 2 (the five-word lemma is dropped)", got)
	}
}

func TestBuildCounts(t *testing.T) {
	l := mustBuild(t, mini)
	tests := []struct {
		name     string
		lemma    string
		senses   int
		tagCount int
	}{
		{"noun and verb senses and their tags summed", "dog", 5, 48},
		{"verb", "bark", 1, 7},
		{"adjective satellite sense key", "elect", 1, 3},
		{"sense key of a head adjective", "economic", 1, 5},
		{"lemma in cntlist.rev under a noun sense", "usa", 1, 6},
		{"untagged lemma", "chosen", 1, 0},
		{"untagged collocation", "domestic dog", 1, 0},
		{"five-word lemma dropped", "a b c d e", 0, 0},
		{"tagged word no index lists", "accelerating", 0, 0},
		{"sense key form is not a lemma", "a_b_c_d_e", 0, 0},
		{"unknown", "cat", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := l.Senses(tt.lemma); got != tt.senses {
				t.Errorf("Senses(%q) = %d, want %d", tt.lemma, got, tt.senses)
			}
			if got := l.TagCount(tt.lemma); got != tt.tagCount {
				t.Errorf("TagCount(%q) = %d, want %d", tt.lemma, got, tt.tagCount)
			}
		})
	}
	// Every line of cntlist.rev counts, including those of the dropped
	// five-word lemma and of the word no index lists.
	if got := l.TotalTagCount(); got != 92 {
		t.Errorf("TotalTagCount() = %d, want 92", got)
	}
}

func TestBuildNames(t *testing.T) {
	l := mustBuild(t, mini)
	tests := []struct {
		name  string
		lemma string
		want  bool
	}{
		{"capitalised only sense", "usa", true},
		{"capitalised first word of a collocation", "canis familiaris", true},
		{"capitalised later word of a collocation", "mainland china", true},
		{"sense 1 capitalised, sense 2 not", "china", true},
		{"verb sense tagged less often than noun sense 1", "japan", true},
		{"verb sense tagged more often than noun sense 1", "march", false},
		{"sense 1 not capitalised, sense 2 is", "turkey", false},
		{"capitalised member of a lowercase lemma's synset", "dog", false},
		{"same synset also writes it in lower case", "earth", false},
		{"lone capital letter, underscore", "x ray", false},
		{"lone capital letter, hyphen", "x-ray", false},
		{"verb only", "bark", false},
		{"not a lemma", "Japan", false},
		{"unknown", "peru", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := l.IsName(tt.lemma); got != tt.want {
				t.Errorf("IsName(%q) = %v, want %v", tt.lemma, got, tt.want)
			}
		})
	}
}

func TestBuildDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	if err := build.Build(mini, &a); err != nil {
		t.Fatal(err)
	}
	if err := build.Build(mini, &b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two builds of the same database differ")
	}
}

// withFile copies the mini database into a temporary directory, replaces
// one file's content and returns the directory.
func withFile(tb testing.TB, name, content string) string {
	tb.Helper()
	dir := tb.TempDir()
	entries, err := os.ReadDir(mini)
	if err != nil {
		tb.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(mini, e.Name()))
		if err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	if content == "" {
		err = os.Remove(filepath.Join(dir, name))
	} else {
		err = os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644)
	}
	if err != nil {
		tb.Fatal(err)
	}
	return dir
}

func TestBuildErrors(t *testing.T) {
	tests := []struct {
		name     string
		file     string
		content  string // empty removes the file
		wantIs   error
		wantText string
	}{
		{"missing file", "data.verb", "", fs.ErrNotExist, "data.verb"},
		{"index offsets miscounted", "index.verb", "bark v 2 0 2 0 00000010\n", nil, "1 synset offsets, want 2"},
		{"word not in index", "index.verb", "bark v 1 0 1 0 00000099\n", nil, `holds "bark"`},
		{"pointer to missing synset", "data.verb", "00000010 32 v 01 bark 0 001 + 00000099 n 0101 00 | x\n", nil, "missing noun synset 00000099"},
		{"bad word count", "data.adv", "00000030 02 r zz economically 0 000 | x\n", nil, "bad word count"},
		{"exception without base", "noun.exc", "geese\n", nil, "noun.exc: line 1"},
		{"missing cntlist", "cntlist.rev", "", fs.ErrNotExist, "cntlist.rev"},
		{"cntlist line without tag count", "cntlist.rev", "dog%1:05:00:: 1\n", nil, "cntlist.rev: line 1"},
		{"cntlist sense key without lemma", "cntlist.rev", "dog%1:05:00:: 1 42\n%1:05:00:: 1 3\n", nil, "line 2 (\"%1:05:00:: 1 3\"): bad sense key"},
		{"cntlist sense key of no part of speech", "cntlist.rev", "dog%9:05:00:: 1 3\n", nil, "bad sense key"},
		{"cntlist sense key without part of speech", "cntlist.rev", "dog% 1 3\n", nil, "bad sense key"},
		{"cntlist bad tag count", "cntlist.rev", "dog%1:05:00:: 1 -4\n", nil, "tag count"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := build.Build(withFile(t, tt.file, tt.content), &bytes.Buffer{})
			if err == nil {
				t.Fatal("Build succeeded, want an error")
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("Build error %v does not wrap %v", err, tt.wantIs)
			}
			if !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("Build error %q does not mention %q", err, tt.wantText)
			}
		})
	}
}

// FuzzDecode feeds Decode variations of a built lexicon: it must reject
// them with an error or return a lexicon whose look-ups do not crash.
func FuzzDecode(f *testing.F) {
	var buf bytes.Buffer
	if err := build.Build(mini, &buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add(buf.Bytes()[:buf.Len()-1])
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := wordnet.Decode(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, wordnet.ErrFormat) {
				t.Fatalf("Decode error %v does not wrap ErrFormat", err)
			}
			return
		}
		for _, w := range []string{"dogs", "geese", "domestic dog", "domestic", "barking", "electest", "", "\xff"} {
			for _, b := range l.Lemmas(w) {
				l.Related(b)
			}
			l.IsPhrasePrefix(w)
			l.Senses(w)
			l.TagCount(w)
			l.IsName(w)
		}
	})
}
