package corpus_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/quotebot/quotebot/corpus"
)

func TestSplitSentences(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{name: "empty", text: "", want: nil},
		{name: "only space", text: " \t\n ", want: nil},
		{name: "two sentences", text: "The sun rose. The birds sang.", want: []string{"The sun rose.", "The birds sang."}},
		{name: "leading and trailing space trimmed", text: "  One.   Two.  ", want: []string{"One.", "Two."}},
		{name: "no trailing punctuation", text: "It started. It never ended", want: []string{"It started.", "It never ended"}},
		{name: "question and exclamation marks", text: "Why? Because we can! So we did.", want: []string{"Why?", "Because we can!", "So we did."}},
		{name: "titles Mr. and Dr.", text: "Mr. Smith met Dr. Jones. They talked.", want: []string{"Mr. Smith met Dr. Jones.", "They talked."}},
		{name: "e.g. and i.e.", text: "Bring fruit, e.g. Apples, i.e. Something sweet. Then eat.", want: []string{"Bring fruit, e.g. Apples, i.e. Something sweet.", "Then eat."}},
		{name: "U.S. before a capital", text: "The U.S. President spoke. He left.", want: []string{"The U.S. President spoke.", "He left."}},
		{name: "initials", text: "J. R. R. Tolkien wrote it. It sold well.", want: []string{"J. R. R. Tolkien wrote it.", "It sold well."}},
		{name: "decimal number", text: "Trade grew 3.5 percent. Prices fell 0.2 percent.", want: []string{"Trade grew 3.5 percent.", "Prices fell 0.2 percent."}},
		{name: "sentence ending in a number", text: "It grew by 3.5. Then it fell.", want: []string{"It grew by 3.5.", "Then it fell."}},
		{name: "straight quote after the period", text: `He said "Go home." Then he left.`, want: []string{`He said "Go home."`, "Then he left."}},
		{name: "curly quote after the period", text: "He said “Go home.” Then he left.", want: []string{"He said “Go home.”", "Then he left."}},
		{name: "bracket after the period", text: "It rained. (Briefly.) Then the sun came.", want: []string{"It rained.", "(Briefly.)", "Then the sun came."}},
		{name: "next sentence opens with a quote", text: `It ended. "Good," she said.`, want: []string{"It ended.", `"Good," she said.`}},
		{name: "lower case after a period does not split", text: "See fig. three for details.", want: []string{"See fig. three for details."}},
		{name: "digit starts a sentence", text: "They agreed. 2024 was the year.", want: []string{"They agreed.", "2024 was the year."}},
		{name: "ellipsis", text: "Wait… What happened?", want: []string{"Wait…", "What happened?"}},
		{name: "period without space", text: "Visit example.com. It works.", want: []string{"Visit example.com.", "It works."}},
		{name: "line break between sentences", text: "First line.\nSecond line.", want: []string{"First line.", "Second line."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spans := corpus.SplitSentences(tt.text)
			var got []string
			for _, s := range spans {
				if s.Start < 0 || s.End > len(tt.text) || s.Start > s.End {
					t.Fatalf("span %v outside text of length %d", s, len(tt.text))
				}
				got = append(got, tt.text[s.Start:s.End])
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("SplitSentences(%q)\n got %q\nwant %q", tt.text, got, tt.want)
			}
			checkSpans(t, tt.text, spans)
		})
	}
}

func TestParseLongParagraph(t *testing.T) {
	const (
		s1   = "China and Peru signed a protocol."      // 33 bytes
		s2   = "They will explore new opportunities."   // 36 bytes
		s3   = "Mr. Smith, e.g., agreed to it in 2024." // 38 bytes
		s4   = "Fisheries matter!"                      // 17 bytes
		s5   = "Is it done?"                            // 11 bytes
		long = "This single sentence is much longer than the tiny limit that the test sets for passages."
	)
	tests := []struct {
		name  string
		para  string
		limit int
		want  []string // the pieces, parts 1..n of paragraph 1
	}{
		{
			name:  "under the limit stays whole",
			para:  strings.Join([]string{s1, s2}, " "),
			limit: 70,
			want:  []string{s1 + " " + s2},
		},
		{
			name:  "exactly at the limit stays whole",
			para:  strings.Join([]string{s1, s2}, " "),
			limit: len(s1) + 1 + len(s2),
			want:  []string{s1 + " " + s2},
		},
		{
			name:  "cut greedily at sentence boundaries",
			para:  strings.Join([]string{s1, s2, s3, s4, s5}, " "),
			limit: 60,
			want:  []string{s1, s2, s3 + " " + s4, s5},
		},
		{
			name:  "a piece fills up to the limit exactly",
			para:  strings.Join([]string{s1, s2, s3, s4, s5}, " "),
			limit: len(s1) + 1 + len(s2),
			want:  []string{s1 + " " + s2, s3 + " " + s4 + " " + s5},
		},
		{
			name:  "every sentence its own piece",
			para:  strings.Join([]string{s1, s2, s3}, " "),
			limit: 40,
			want:  []string{s1, s2, s3},
		},
		{
			name:  "a sentence longer than the limit stays whole",
			para:  strings.Join([]string{s1, long, s5}, " "),
			limit: 50,
			want:  []string{s1, long, s5},
		},
		{
			name:  "a long first sentence stays whole",
			para:  strings.Join([]string{long, s4, s5}, " "),
			limit: 40,
			want:  []string{long, s4 + " " + s5},
		},
		{
			name:  "no sentence boundary at all",
			para:  long + " and " + long,
			limit: 40,
			want:  []string{long + " and " + long},
		},
		{
			name:  "default limit keeps a paragraph of the seed whole",
			para:  strings.Repeat(s1+" ", 40) + s5,
			limit: 0,
			want:  []string{strings.Repeat(s1+" ", 40) + s5},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte("Title: Long\n\n" + tt.para + "\n\nAfter.\n")
			doc, err := corpus.Parse("long.txt", data, corpus.Options{MaxPassageChars: tt.limit})
			if err != nil {
				t.Fatal(err)
			}
			checkDocument(t, "long.txt", data, corpus.Options{MaxPassageChars: tt.limit}, doc)
			if len(doc.Passages) != len(tt.want)+1 {
				t.Fatalf("got %d passages %q, want %d pieces and the next paragraph", len(doc.Passages), texts(doc.Passages), len(tt.want))
			}
			pieces, next := doc.Passages[:len(tt.want)], doc.Passages[len(tt.want)]
			if got := texts(pieces); !slices.Equal(got, tt.want) {
				t.Errorf("pieces:\n got %q\nwant %q", got, tt.want)
			}
			limit := tt.limit
			if limit == 0 {
				limit = corpus.DefaultMaxPassageChars
			}
			for i, p := range pieces {
				if p.Paragraph != 1 || p.Part != i+1 {
					t.Errorf("piece %d is paragraph %d part %d, want paragraph 1 part %d", i, p.Paragraph, p.Part, i+1)
				}
				if len(p.Text) > limit && len(p.Sentences) != 1 {
					t.Errorf("piece %d is %d bytes > %d and has %d sentences", i, len(p.Text), limit, len(p.Sentences))
				}
			}
			if joined := strings.Join(texts(pieces), " "); joined != tt.para {
				t.Errorf("pieces joined:\n%q\nwant the paragraph\n%q", joined, tt.para)
			}
			if next.Paragraph != 2 || next.Part != 1 || next.Text != "After." {
				t.Errorf("next passage is paragraph %d part %d %q, want paragraph 2 part 1 %q", next.Paragraph, next.Part, next.Text, "After.")
			}
		})
	}
}

func TestPassageIDs(t *testing.T) {
	const base = "Title: IDs\n\nFirst paragraph.\n\nSecond paragraph.\n\nThird paragraph.\n"
	ids := func(t *testing.T, name, text string, opts corpus.Options) []string {
		t.Helper()
		doc, err := corpus.Parse(name, []byte(text), opts)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, p := range doc.Passages {
			out = append(out, p.ID)
		}
		return out
	}
	want := ids(t, "doc.txt", base, corpus.Options{})
	if len(want) != 3 {
		t.Fatalf("base document has %d passages, want 3", len(want))
	}
	tests := []struct {
		name    string
		file    string
		text    string
		changed []bool // per passage: whether its ID differs from the base's
	}{
		{name: "same input, same IDs", file: "doc.txt", text: base, changed: []bool{false, false, false}},
		{name: "CRLF and rewrapping keep IDs", file: "doc.txt", text: "Title: IDs\r\n\r\nFirst\r\nparagraph.\r\n\r\nSecond paragraph.\r\n\r\nThird   paragraph.\r\n", changed: []bool{false, false, false}},
		{name: "a changed title keeps IDs", file: "doc.txt", text: strings.Replace(base, "IDs", "Other", 1), changed: []bool{false, false, false}},
		{name: "one changed paragraph changes only its ID", file: "doc.txt", text: strings.Replace(base, "Second", "Changed", 1), changed: []bool{false, true, false}},
		{name: "another document name changes every ID", file: "other.txt", text: base, changed: []bool{true, true, true}},
		{name: "same name in a subfolder changes every ID", file: "sub/doc.txt", text: base, changed: []bool{true, true, true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ids(t, tt.file, tt.text, corpus.Options{})
			if len(got) != len(tt.changed) {
				t.Fatalf("got %d passages, want %d", len(got), len(tt.changed))
			}
			for i := range got {
				if changed := got[i] != want[i]; changed != tt.changed[i] {
					t.Errorf("passage %d: ID %s vs base %s: changed = %v, want %v", i, got[i], want[i], changed, tt.changed[i])
				}
			}
		})
	}

	t.Run("identical paragraphs get different IDs", func(t *testing.T) {
		got := ids(t, "dup.txt", "Same words.\n\nOther words.\n\nSame words.\n\nSame words.\n", corpus.Options{})
		seen := map[string]bool{}
		for i, id := range got {
			if seen[id] {
				t.Errorf("passage %d repeats ID %s; all IDs %q", i, id, got)
			}
			seen[id] = true
		}
	})
	t.Run("identical pieces of split paragraphs get different IDs", func(t *testing.T) {
		got := ids(t, "dup.txt", "Same words here. Same words here. Same words here.\n", corpus.Options{MaxPassageChars: 20})
		if len(got) != 3 || got[0] == got[1] || got[1] == got[2] || got[0] == got[2] {
			t.Errorf("IDs %q, want 3 different", got)
		}
	})
}

// TestParseLongWrappedBlockAllocations guards against joining the lines of a
// hard-wrapped block one by one, which copies the paragraph once per line
// and made a 100 KB block of short lines take seconds.
func TestParseLongWrappedBlockAllocations(t *testing.T) {
	const lines = 2000
	data := []byte(strings.Repeat("word word word\n", lines))
	var n int
	allocs := testing.AllocsPerRun(5, func() {
		doc, err := corpus.Parse("long.txt", data, corpus.Options{MaxPassageChars: len(data) * 2})
		if err != nil {
			t.Fatal(err)
		}
		n = len(doc.Passages)
	})
	if n != 1 {
		t.Fatalf("got %d passages, want the block as 1", n)
	}
	if allocs > lines/4 {
		t.Errorf("Parse of a %d-line block made %.0f allocations, want fewer than %d", lines, allocs, lines/4)
	}
}
