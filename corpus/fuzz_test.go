package corpus_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/quotebot/quotebot/corpus"
)

// fuzzNames are the names each fuzz input is parsed under, one per format.
var fuzzNames = []string{"doc.txt", "doc.md", "doc.html"}

// addFixtures adds every file under testdata/parse and the seed statement
// to the fuzz corpus.
func addFixtures(f *testing.F, add func(data []byte)) {
	f.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "parse", "*"))
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		add(data)
	}
	seed, err := fs.ReadFile(corpus.Seed(), "china-peru-statement.txt")
	if err != nil {
		f.Fatal(err)
	}
	add(seed)
}

// FuzzParse parses any bytes as text, Markdown and HTML: it must never
// panic, must fail only on invalid UTF-8 (with ErrNotUTF8), and every
// document must keep the invariants of checkDocument (among them: no control
// character in any passage, title or date).
func FuzzParse(f *testing.F) {
	addFixtures(f, func(data []byte) { f.Add(data, uint16(0)) })
	for _, s := range []string{
		"",
		"\n\n\n",
		"Title:\nDate:\n",
		"Title: T\r\nDate: D\r\n\r\nA.  B.\r\n",
		"\uFEFF\uFEFFx",
		"Mr. A. B. C. D. E. F. G. H.",
		"a\u00a0\u0085b\u2028c",
		"# \n===\n---\n```\n",
		"> > - * [a](b) ![c](d) `e` **f** _g_ ~~h~~ <i>j</i> \\*k\\*",
		"<p>a<br>b</p><li>c<div>d</div></li><script>x</script>",
		"<title></title><h1></h1><time datetime=\"x\">y</time>",
		"1. a\n2) b\n- c\n• d\n+ e",
		"One. Two. Three. Four. Five. Six. Seven. Eight. Nine. Ten.",
		"Title: \x1b]0;t\x07\n\n\x1b[31mred\x1b[0m\u009b\u202eB\u2066.\f\x7f\x00",
		"---\ntitle: \"a\\e[1m\\x9b\"\n---\n<p>&#27;[2J&#x8d;&#8238;</p>",
	} {
		f.Add([]byte(s), uint16(5))
	}
	f.Fuzz(func(t *testing.T, data []byte, limit uint16) {
		opts := corpus.Options{MaxPassageChars: int(limit)}
		for _, name := range fuzzNames {
			doc, err := corpus.Parse(name, data, opts)
			if !utf8.Valid(data) {
				if !errors.Is(err, corpus.ErrNotUTF8) {
					t.Fatalf("Parse(%s) of invalid UTF-8: error %v, want ErrNotUTF8", name, err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("Parse(%s) of valid UTF-8: %v", name, err)
			}
			checkDocument(t, name, data, opts, doc)
		}
	})
}

// FuzzSplitSentences checks that the spans of any text, valid UTF-8 or not,
// are ordered, trimmed, non-overlapping and cover every non-space byte.
func FuzzSplitSentences(f *testing.F) {
	for _, s := range []string{
		"", " ", "Mr. Smith went. He left.", "3.5 percent. Then", `"Go." He went.`,
		"He said “Go.” Then.", "Why? Because! So…", "U.S. e.g. i.e. J. R. R.", "a.\xbb B", ".\xe2\x80 X",
		"x . . . Y", "  trailing space.  ", "no end",
	} {
		f.Add(s)
	}
	addFixtures(f, func(data []byte) { f.Add(string(data)) })
	f.Fuzz(func(t *testing.T, text string) {
		checkSpans(t, text, corpus.SplitSentences(text))
	})
}
