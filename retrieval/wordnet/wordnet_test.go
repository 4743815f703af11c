package wordnet_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/quotebot/quotebot/retrieval/wordnet"
	"github.com/quotebot/quotebot/retrieval/wordnet/internal/format"
)

func TestLemmas(t *testing.T) {
	l := wordnet.Default()
	tests := []struct {
		name string
		word string
		want []string
	}{
		{"noun ies to y", "fisheries", []string{"fishery"}},
		{"noun s", "flights", []string{"flight"}},
		{"lemma itself first, then verb ing", "fishing", []string{"fishing", "fish"}},
		{"noun exception", "geese", []string{"goose"}},
		{"verb exception", "ran", []string{"run"}},
		{"exception and verb rules", "axes", []string{"ax", "axis", "axe"}},
		{"noun and verb bases", "leaves", []string{"leaf", "leave"}},
		{"lemma and verb exception", "saw", []string{"saw", "see"}},
		{"adjective and adverb exceptions", "better", []string{"better", "good", "well"}},
		{"noun ending in ss is not detached", "boss", []string{"boss"}},
		{"self-listed exception blocks adjective rule", "customer", []string{"customer"}},
		{"noun ful", "boxesful", []string{"boxful"}},
		{"plain lemma", "economy", []string{"economy"}},
		{"collocation lemma", "prime minister", []string{"prime minister"}},
		{"collocation by words", "prime ministers", []string{"prime minister"}},
		{"collocation exception", "attorneys general", []string{"attorney general"}},
		{"unknown word", "xyzzy", nil},
		{"unknown plural", "xyzzies", nil},
		{"empty", "", nil},
		{"uppercase is not lowercased", "Geese", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := l.Lemmas(tt.word); !slices.Equal(got, tt.want) {
				t.Errorf("Lemmas(%q) = %q, want %q", tt.word, got, tt.want)
			}
		})
	}
}

// relation returns the relation of lemma to target, or false.
func relation(l *wordnet.Lexicon, lemma, target string) (wordnet.Relation, bool) {
	for _, r := range l.Related(lemma) {
		if r.Lemma == target {
			return r, true
		}
	}
	return wordnet.Relation{}, false
}

func TestRelated(t *testing.T) {
	l := wordnet.Default()
	tests := []struct {
		name   string
		lemma  string
		target string
		kind   wordnet.Kind
		weight float32
	}{
		{"noun to verb it derives from", "fishery", "fish", wordnet.Derived, 0.8},
		{"gerund noun to verb", "fishing", "fish", wordnet.Derived, 0.8},
		{"verb sense 2 to noun", "fish", "fishery", wordnet.Derived, 0.4},
		{"verb to noun", "agree", "agreement", wordnet.Derived, 0.8},
		{"noun to verb", "agreement", "agree", wordnet.Derived, 0.8},
		{"first-sense synonym", "pact", "treaty", wordnet.Synonym, 0.6},
		{"synonym of abbreviation", "usa", "united states", wordnet.Synonym, 0.6},
		{"second-sense synonym", "usa", "united states army", wordnet.Synonym, 0.3},
		{"commerce synonym", "commerce", "commercialism", wordnet.Synonym, 0.6},
		{"noun to its relational adjective", "commerce", "commercial", wordnet.Pertainym, 0.8},
		{"adjective to noun", "economic", "economy", wordnet.Pertainym, 0.8},
		{"noun to adjective", "economy", "economic", wordnet.Pertainym, 0.8},
		{"adverb to adjective", "economically", "economic", wordnet.Pertainym, 0.8},
		{"collocation synonym", "prime minister", "premier", wordnet.Synonym, 0.6},
		{"broader word", "troop", "army unit", wordnet.Hypernym, 0.15},
		{"broader word of a plural lemma", "troops", "personnel", wordnet.Hypernym, 0.15},
		{"narrower word", "troops", "garrison", wordnet.Hyponym, 0.15},
		{"narrower noun", "pollution", "water pollution", wordnet.Hyponym, 0.15},
		{"broader verb", "whisper", "talk", wordnet.Hypernym, 0.15},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ok := relation(l, tt.lemma, tt.target)
			if !ok {
				t.Fatalf("Related(%q) = %v, want it to contain %q", tt.lemma, l.Related(tt.lemma), tt.target)
			}
			if r.Kind != tt.kind || r.Weight != tt.weight {
				t.Errorf("Related(%q) has %q as %v %.3f, want %v %.3f", tt.lemma, tt.target, r.Kind, r.Weight, tt.kind, tt.weight)
			}
		})
	}
}

// TestRelatedExcludes pins what the formula leaves out.
func TestRelatedExcludes(t *testing.T) {
	l := wordnet.Default()
	tests := []struct {
		name   string
		lemma  string
		target string
	}{
		// {cad, ..., dog} is sense 4 and {pawl, ..., dog} sense 6 of "dog";
		// synonyms stop at sense 3.
		{"synonym of the fourth sense", "dog", "cad"},
		{"synonym of the sixth sense", "dog", "pawl"},
		// WordNet 3.0 has no synset holding both; {trade} is a hyponym of {commerce}.
		{"hyponym is not a synonym", "commerce", "trade"},
		{"lemma itself", "usa", "usa"},
		// Instance pointers are not read: a city is no kind of Paris.
		{"instance of a name", "city", "paris"},
		{"name to its class", "paris", "city"},
		// {person} has hundreds of hyponyms: too general to expand downward.
		{"hyponym of a general word", "person", "worker"},
		// Hypernyms come from sense 1 only: {flight} sense 1 is a trip by
		// air, the flight of stairs is a later sense.
		{"hypernym of a later sense", "flight", "stairway"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if r, ok := relation(l, tt.lemma, tt.target); ok {
				t.Errorf("Related(%q) contains %+v", tt.lemma, r)
			}
		})
	}
	if r, ok := relation(l, "pawl", "dog"); !ok || r.Weight != 0.6 {
		t.Errorf("Related(pawl) has dog as %+v, %v; want a 0.6 synonym (first sense of pawl)", r, ok)
	}
}

func TestRelatedUnknown(t *testing.T) {
	l := wordnet.Default()
	for _, w := range []string{"", "xyzzy", "fisheries", "Economy", "free  trade"} {
		if got := l.Related(w); got != nil {
			t.Errorf("Related(%q) = %v, want nil", w, got)
		}
	}
}

func TestIsLemma(t *testing.T) {
	l := wordnet.Default()
	tests := []struct {
		phrase string
		want   bool
	}{
		{"trade", true},
		{"free trade", true},
		{"prime minister", true},
		{"united states", true},
		{"united states of america", true},
		{"u.s.", true},
		{"fisheries", false},
		{"united  states", false},
		{"United States", false},
		{"united_states", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := l.IsLemma(tt.phrase); got != tt.want {
			t.Errorf("IsLemma(%q) = %v, want %v", tt.phrase, got, tt.want)
		}
	}
}

func TestIsNoun(t *testing.T) {
	l := wordnet.Default()
	tests := []struct {
		lemma string
		want  bool
	}{
		{"fish", true},
		{"fishery", true},
		{"free trade", true},
		{"economic", false},
		{"agree", false},
		{"economically", false},
		{"fisheries", false},
	}
	for _, tt := range tests {
		if got := l.IsNoun(tt.lemma); got != tt.want {
			t.Errorf("IsNoun(%q) = %v, want %v", tt.lemma, got, tt.want)
		}
	}
}

func TestIsAdjective(t *testing.T) {
	l := wordnet.Default()
	tests := []struct {
		lemma string
		want  bool
	}{
		{"economic", true},
		{"circular", true},
		{"fishery", false},
		{"agree", false},
	}
	for _, tt := range tests {
		if got := l.IsAdjective(tt.lemma); got != tt.want {
			t.Errorf("IsAdjective(%q) = %v, want %v", tt.lemma, got, tt.want)
		}
	}
}

// TestSensesAndTagCount pins the counts of WordNet 3.0 for a few lemmas and
// that the tag count separates generic words from topical ones.
// TestIsName pins what WordNet 3.0 says about well-known words.
func TestIsName(t *testing.T) {
	l := wordnet.Default()
	tests := []struct {
		lemma string
		want  bool
		why   string
	}{
		{"peru", true, "the country"},
		{"china", true, "sense 1 the country, sense 2 the porcelain"},
		{"burma", true, "the country"},
		{"myanmar", true, "the country, never tagged"},
		{"paris", true, "the city"},
		{"nato", true, "written NATO"},
		{"un", true, "written UN"},
		{"pacific", true, "the ocean, tagged more often than the adjective"},
		{"people's republic of china", true, "capitalised collocation"},
		{"mainland china", true, "a capitalised word after the first"},
		{"united states", true, "the country"},
		{"may", true, "the month: WordNet has no modal verbs"},
		{"turkey", false, "sense 1 the bird"},
		{"fishery", false, "common noun"},
		{"trade", false, "common noun and verb"},
		{"bill", false, "sense 1 a statute in draft"},
		{"mark", false, "sense 1 a grade"},
		{"march", false, "the month, but the verb's sense 1 is tagged more often"},
		{"english", false, "the language, but the adjective is tagged more often"},
		{"earth", false, "its synset writes both Earth and earth"},
		{"x-ray", false, "a lone capital letter"},
		{"obama", false, "not in WordNet 3.0"},
		{"Peru", false, "not lowercase, so not a lemma"},
		{"", false, "empty"},
	}
	for _, tt := range tests {
		if got := l.IsName(tt.lemma); got != tt.want {
			t.Errorf("IsName(%q) = %v, want %v (%s)", tt.lemma, got, tt.want, tt.why)
		}
	}
}

// TestRarelyNoun pins which lemmas WordNet 3.0 tags mostly in another part
// of speech than the noun, and IsVerb beside it.
func TestRarelyNoun(t *testing.T) {
	l := wordnet.Default()
	tests := []struct {
		lemma      string
		rare, verb bool
		why        string
	}{
		{"run", true, true, "268 verb tags, 29 noun"},
		{"carry", true, true, "157 verb tags, 1 noun"},
		{"join", true, true, "no noun tags"},
		{"need", true, true, "244 verb tags, 98 noun: more than twice"},
		{"necessary", true, false, "mostly an adjective"},
		{"support", false, true, "84 verb tags, 43 noun: not more than twice"},
		{"request", false, true, "a noun often enough"},
		{"work", false, true, "261 verb tags, 212 noun"},
		{"water", false, true, "mostly a noun"},
		{"lease", false, true, "2 and 2"},
		{"showcase", false, false, "only a noun in WordNet 3.0"},
		{"juggle", false, true, "never tagged at all"},
		{"quickly", true, false, "no noun sense"},
		{"obama", false, false, "not in WordNet 3.0"},
	}
	for _, tt := range tests {
		if got := l.RarelyNoun(tt.lemma); got != tt.rare {
			t.Errorf("RarelyNoun(%q) = %v, want %v (%s)", tt.lemma, got, tt.rare, tt.why)
		}
		if got := l.IsVerb(tt.lemma); got != tt.verb {
			t.Errorf("IsVerb(%q) = %v, want %v", tt.lemma, got, tt.verb)
		}
	}
}

func TestSensesAndTagCount(t *testing.T) {
	const (
		generic = 250 // tag counts of common, topic-neutral words are above this
		topical = 100 // those of topical words at most this
	)
	l := wordnet.Default()
	tests := []struct {
		name             string
		lemma            string
		senses           int
		minTags, maxTags int
	}{
		{"generic verb with noun senses", "make", 51, generic, 2000},
		{"generic verb", "give", 45, generic, 1000},
		{"generic noun and verb", "change", 20, generic, 500},
		{"generic adjective", "many", 1, generic, 500},
		{"most tagged lemma", "be", 14, 10000, 20000},
		{"topical noun and verb", "tax", 5, 10, topical},
		{"topical noun", "football", 2, 1, topical},
		{"untagged topical noun", "fishery", 1, 0, 0},
		{"untagged noun", "infrastructure", 2, 0, 0},
		{"tagged adjective", "nuclear", 4, 1, topical},
		{"most senses", "break", 75, 1, 500},
		{"collocation", "prime minister", 2, 1, topical},
		{"inflected form", "fisheries", 0, 0, 0},
		{"unknown", "xyzzy", 0, 0, 0},
		{"uppercase", "Make", 0, 0, 0},
		{"empty", "", 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := l.Senses(tt.lemma); got != tt.senses {
				t.Errorf("Senses(%q) = %d, want %d", tt.lemma, got, tt.senses)
			}
			if got := l.TagCount(tt.lemma); got < tt.minTags || got > tt.maxTags {
				t.Errorf("TagCount(%q) = %d, want it in [%d, %d]", tt.lemma, got, tt.minTags, tt.maxTags)
			}
		})
	}
	if got := l.TotalTagCount(); got != 258691 {
		t.Errorf("TotalTagCount() = %d, want 258691, the sum of WordNet 3.0's cntlist.rev", got)
	}
}

func TestMaxPhraseWords(t *testing.T) {
	if got := wordnet.Default().MaxPhraseWords(); got != 4 {
		t.Errorf("MaxPhraseWords() = %d, want 4", got)
	}
}

func TestKindString(t *testing.T) {
	tests := []struct {
		kind wordnet.Kind
		want string
	}{
		{wordnet.Synonym, "synonym"},
		{wordnet.Derived, "derived"},
		{wordnet.Pertainym, "pertainym"},
		{wordnet.Hypernym, "hypernym"},
		{wordnet.Hyponym, "hyponym"},
		{wordnet.Kind(9), "kind(9)"},
	}
	for _, tt := range tests {
		if got := tt.kind.String(); got != tt.want {
			t.Errorf("Kind(%d).String() = %q, want %q", uint8(tt.kind), got, tt.want)
		}
	}
}

func TestDefaultConcurrent(t *testing.T) {
	const n = 8
	got := make(chan *wordnet.Lexicon, n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			l := wordnet.Default()
			l.Lemmas("fisheries")
			got <- l
		})
	}
	wg.Wait()
	close(got)
	first := <-got
	for l := range got {
		if l != first {
			t.Fatal("Default returned different lexicons")
		}
	}
}

// payload returns the committed lexicon file.
func payload(tb testing.TB) []byte {
	tb.Helper()
	b, err := os.ReadFile("wordnet.bin")
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// TestEmbeddedIsValid checks the committed file the way Decode checks any
// input: Default trusts the embedded copy and reads only its header, so
// this is what rules out a corrupt file panicking a look-up.
func TestEmbeddedIsValid(t *testing.T) {
	l, err := wordnet.Decode(bytes.NewReader(payload(t)))
	if err != nil {
		t.Fatalf("Decode(wordnet.bin): %v", err)
	}
	if l.Len() != wordnet.Default().Len() {
		t.Errorf("Decode(wordnet.bin) has %d lemmas, Default %d", l.Len(), wordnet.Default().Len())
	}
}

// corrupt returns a copy of p with the uint32 at index i of section sec
// set to v.
func corrupt(tb testing.TB, p []byte, sec format.Section, i int, v uint32) []byte {
	tb.Helper()
	h, err := format.ParseHeader(string(p))
	if err != nil {
		tb.Fatal(err)
	}
	at := h.Layout()[sec].Start + 4*uint64(i)
	out := slices.Clone(p)
	binary.LittleEndian.PutUint32(out[at:], v)
	return out
}

// fill returns a copy of p with every uint32 of section sec set to v.
func fill(tb testing.TB, p []byte, sec format.Section, v uint32) []byte {
	tb.Helper()
	h, err := format.ParseHeader(string(p))
	if err != nil {
		tb.Fatal(err)
	}
	span := h.Layout()[sec]
	out := slices.Clone(p)
	for at := span.Start; at < span.End; at += 4 {
		binary.LittleEndian.PutUint32(out[at:], v)
	}
	return out
}

func TestDecodeErrors(t *testing.T) {
	p := payload(t)
	const (
		versionAt  = len(format.Magic)
		maxWordsAt = versionAt + 4
		totalAt    = maxWordsAt + 4
	)
	set := func(at int, v uint32) []byte {
		out := slices.Clone(p)
		binary.LittleEndian.PutUint32(out[at:], v)
		return out
	}
	tests := []struct {
		name  string
		input []byte
	}{
		{"empty", nil},
		{"gzip", []byte("\x1f\x8b\x08\x00")},
		{"wrong magic", append([]byte("NOPE"), p[4:]...)},
		{"wrong version", set(versionAt, format.Version+1)},
		{"phrases too long", set(maxWordsAt, format.MaxPhraseWords+1)},
		{"tag counts beyond the total", set(totalAt, 1)},
		{"truncated", p[:len(p)/2]},
		{"trailing bytes", append(slices.Clone(p), 0)},
		{"empty lemma", corrupt(t, p, format.LemmaOff, 1, 0)},
		{"lemma offsets beyond the text", corrupt(t, p, format.LemmaOff, 1, 1<<31)},
		{"relation to a missing lemma", corrupt(t, p, format.Rels, 0, format.PackRelation(format.MaxTarget, format.Synonym, 1))},
		{"relation of rank 0", corrupt(t, p, format.Rels, 0, format.PackRelation(1, format.Synonym, 0))},
		{"relation offsets beyond the relations", corrupt(t, p, format.RelOff, 1, 1<<31)},
		{"exception base beyond the lemmas", corrupt(t, p, format.Bases, 0, 1<<31)},
		{"lemma table empty", fill(t, p, format.LemmaSlots, 0)},
		{"lemma table without an empty slot", fill(t, p, format.LemmaSlots, format.Entry(0, 0))},
		{"lemma table ID beyond the lemmas", fill(t, p, format.LemmaSlots, format.Entry(0, format.MaxIDs))},
		{"prefix table empty", fill(t, p, format.PrefixSlots, 0)},
		{"prefix table without an empty slot", fill(t, p, format.PrefixSlots, format.Entry(0, 0))},
		{"exception table empty", fill(t, p, format.ExcSlots, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := wordnet.Decode(bytes.NewReader(tt.input))
			if !errors.Is(err, wordnet.ErrFormat) {
				t.Fatalf("Decode() = %v, %v; want an error wrapping ErrFormat", l, err)
			}
		})
	}
}

// TestDecodeNameFlag checks that Decode rejects a name flag on a lemma
// without a noun sense and a part-of-speech mask with a bit between the
// parts of speech and the name flag.
func TestDecodeNameFlag(t *testing.T) {
	p := payload(t)
	h, err := format.ParseHeader(string(p))
	if err != nil {
		t.Fatal(err)
	}
	at := h.Layout()[format.POSMask].Start // lemma 0
	for _, tt := range []struct {
		mask byte
		want string
	}{
		{1<<format.Verb | format.NameFlag, "name without a noun sense"},
		{1<<format.Noun | 1<<format.NumPOS, "bad part-of-speech mask"},
	} {
		out := slices.Clone(p)
		out[at] = tt.mask
		_, err := wordnet.Decode(bytes.NewReader(out))
		if !errors.Is(err, wordnet.ErrFormat) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Decode(mask %#x) = %v, want an ErrFormat saying %q", tt.mask, err, tt.want)
		}
	}
}

func TestIsPhrasePrefix(t *testing.T) {
	l := wordnet.Default()
	tests := []struct {
		words string
		want  bool
	}{
		{"free", true},
		{"united", true},
		{"prime", true},
		{"free trade", false},
		{"fishery", false},
		{"zzzz", false},
	}
	for _, tt := range tests {
		if got := l.IsPhrasePrefix(tt.words); got != tt.want {
			t.Errorf("IsPhrasePrefix(%q) = %v, want %v", tt.words, got, tt.want)
		}
	}
}
