package retrieval

import (
	"reflect"
	"testing"

	"github.com/quotebot/quotebot/corpus"
)

// allPassages is every passage of e, through passageTable.passage.
func allPassages(e *Engine) []corpus.Passage {
	out := make([]corpus.Passage, e.Len())
	for i := range out {
		out[i] = e.passages.passage(i)
	}
	return out
}

// TestPassageTable checks that the table of passages gives back each
// passage as it was, one document per run of passages that share their
// document's fields, and each single field as passage does.
func TestPassageTable(t *testing.T) {
	doc := func(id, title string) corpus.Passage {
		return corpus.Passage{DocID: id, Title: title, Date: "2024-01-02", URL: "https://example.org/" + id}
	}
	var ps []corpus.Passage
	for i, d := range []corpus.Passage{doc("a", "A"), doc("a", "A"), doc("b", "B"), doc("b", "B again"), doc("a", "A")} {
		d.ID, d.Paragraph, d.Part = string(rune('p'+i)), i+1, i%2+1
		d.Text, d.Section, d.Context = "One. Two three.", "Section", "Context"
		d.Sentences = []corpus.Span{{Start: 0, End: 4}, {Start: 5, End: 15}}[:i%3]
		ps = append(ps, d)
	}
	tab := newPassageTable(ps)
	if tab.len() != len(ps) || len(tab.docIDs) != 4 {
		t.Fatalf("%d passages in %d documents, want %d in 4", tab.len(), len(tab.docIDs), len(ps))
	}
	for i, want := range ps {
		got := tab.passage(i)
		if len(want.Sentences) == 0 {
			want.Sentences = []corpus.Span{}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("passage %d = %+v, want %+v", i, got, want)
		}
		if tab.docID(i) != want.DocID || tab.paragraph(i) != want.Paragraph || tab.text(i) != want.Text {
			t.Errorf("passage %d: fields %q %d %q differ", i, tab.docID(i), tab.paragraph(i), tab.text(i))
		}
	}
}
