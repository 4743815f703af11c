package retrieval

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/quotebot/quotebot/corpus"
)

// TestDocuments: the engine lists each document once, in the order Open was
// given them, with its passages counted (a split paragraph counts each
// piece), and Document returns one document's passages in order.
func TestDocuments(t *testing.T) {
	long := strings.Repeat("The parties shall cooperate on fisheries research. ", 4)
	fsys := fstest.MapFS{
		"a-minutes.txt": {Data: []byte("Title: Minutes\nDate: May 1, 2024\n\nThe board met at noon.\n\n" + long + "\n\nThe meeting closed.\n")},
		"b-notes.md":    {Data: []byte("---\ntitle: Notes\nurl: https://example.org/notes\n---\n\n# Trade\n\nTariffs fall next year.\n")},
	}
	docs, err := corpus.Load(fsys, corpus.Options{MaxPassageChars: 120})
	if err != nil {
		t.Fatal(err)
	}
	e := mustIndex(t, docs, Config{})

	want := []DocInfo{
		{ID: "a-minutes", Title: "Minutes", Date: "May 1, 2024", Passages: 4},
		{ID: "b-notes", Title: "Notes", URL: "https://example.org/notes", Passages: 1},
	}
	if got := e.Documents(); !slices.Equal(got, want) {
		t.Errorf("Documents() = %+v, want %+v", got, want)
	}

	tests := []struct {
		id         string
		ok         bool
		paragraphs []int // of the passages, in order
	}{
		{"a-minutes", true, []int{1, 2, 2, 3}},
		{"b-notes", true, []int{1}},
		{"c-missing", false, nil},
		{"", false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			d, ok := e.Document(tt.id)
			if ok != tt.ok {
				t.Fatalf("Document(%q) ok = %v, want %v", tt.id, ok, tt.ok)
			}
			var got []int
			for _, p := range d.Passages {
				if p.DocID != tt.id {
					t.Errorf("passage of %q in document %q", p.DocID, tt.id)
				}
				got = append(got, p.Paragraph)
			}
			if !slices.Equal(got, tt.paragraphs) {
				t.Errorf("paragraphs %v, want %v", got, tt.paragraphs)
			}
			if ok && d.ID != tt.id {
				t.Errorf("DocInfo.ID = %q", d.ID)
			}
			// The slice is capped: appending to it cannot overwrite the
			// next document's passages.
			if ok && cap(d.Passages) != len(d.Passages) {
				t.Errorf("cap %d > len %d", cap(d.Passages), len(d.Passages))
			}
		})
	}
}

// BenchmarkDocuments measures listing the documents of 100,000 passages in
// 1,000 documents, which the page does on every visit without a question.
func BenchmarkDocuments(b *testing.B) {
	var ps []corpus.Passage
	for i := range 100_000 {
		id := fmt.Sprintf("doc-%04d", i/100)
		ps = append(ps, corpus.Passage{DocID: id, Title: id, Paragraph: i%100 + 1})
	}
	e := &Engine{passages: newPassageTable(ps)}
	b.ReportAllocs()
	for b.Loop() {
		if len(e.Documents()) != 1000 {
			b.Fatal("wrong count")
		}
	}
}
