package bot

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/quotebot/quotebot/corpus"
)

func TestSegments(t *testing.T) {
	text := "One. Two two. Three."
	tests := []struct {
		name  string
		spans []corpus.Span
		want  []Segment
	}{
		{"no highlight", nil, []Segment{{Text: text}}},
		{"middle", []corpus.Span{{Start: 5, End: 13}}, []Segment{{Text: "One. "}, {Text: "Two two.", Bold: true}, {Text: " Three."}}},
		{"first and last", []corpus.Span{{Start: 0, End: 4}, {Start: 14, End: 20}}, []Segment{{Text: "One.", Bold: true}, {Text: " Two two. "}, {Text: "Three.", Bold: true}}},
		{"whole", []corpus.Span{{Start: 0, End: 20}}, []Segment{{Text: text, Bold: true}}},
		{"out of range ignored", []corpus.Span{{Start: 5, End: 99}}, []Segment{{Text: text}}},
		{"overlap ignored", []corpus.Span{{Start: 5, End: 13}, {Start: 10, End: 20}}, []Segment{{Text: "One. "}, {Text: "Two two.", Bold: true}, {Text: " Three."}}},
		{"empty span ignored", []corpus.Span{{Start: 3, End: 3}}, []Segment{{Text: text}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Segments(Hit{Text: text, Spans: tt.spans})
			if len(got) != len(tt.want) {
				t.Fatalf("Segments = %+v, want %+v", got, tt.want)
			}
			var joined strings.Builder
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("segment %d = %+v, want %+v", i, got[i], tt.want[i])
				}
				joined.WriteString(got[i].Text)
			}
			if joined.String() != text {
				t.Errorf("segments join to %q", joined.String())
			}
		})
	}
}

func TestCitation(t *testing.T) {
	tests := []struct {
		name string
		hit  Hit
		want string
	}{
		{"full", Hit{Title: "Joint statement", Date: "Nov 15, 2024", Paragraph: 7}, "Joint statement · Nov 15, 2024 · ¶7"},
		{"no date", Hit{Title: "Minutes", Paragraph: 2}, "Minutes · ¶2"},
		{"doc id when no title", Hit{Doc: "minutes-2024", Paragraph: 1}, "minutes-2024 · ¶1"},
		{"section", Hit{Title: "Joint statement", Date: "Nov 15, 2024", Section: "Trade", Paragraph: 10}, "Joint statement · Nov 15, 2024 · Trade · ¶10"},
		{"section without date", Hit{Title: "Treaty", Section: "Article IV", Paragraph: 20, URL: "https://example.org/t"}, "Treaty · Article IV · ¶20"},
		{"title alone", Hit{Title: "Treaty"}, "Treaty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Citation(tt.hit); got != tt.want {
				t.Errorf("Citation = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCut(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  int
		want string
	}{
		{"fits", "Short text.", 20, "Short text."},
		{"at a sentence", "First sentence here. Second sentence is longer than the room left.", 40, "First sentence here. …"},
		{"at a space", "one two three four five six seven", 20, "one two three …"},
		{"no space", strings.Repeat("x", 30), 10, strings.Repeat("x", 7) + "…"},
		{"multibyte not split", "ééééééééé", 8, "éé…"},
		{"too small", "abcdef", 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Cut(tt.in, tt.max)
			if got != tt.want {
				t.Errorf("Cut(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
			}
			if len(got) > tt.max || !utf8.ValidString(got) {
				t.Errorf("Cut(%q, %d) = %q: %d bytes or invalid UTF-8", tt.in, tt.max, got, len(got))
			}
		})
	}
}

func TestNotCoveredAndUsage(t *testing.T) {
	if got := NotCovered(nil); got != "The documents do not cover that." {
		t.Errorf("NotCovered(nil) = %q", got)
	}
	if got := NotCovered([]string{"trade", "fishing industry"}); !strings.HasSuffix(got, "They cover: trade, fishing industry.") {
		t.Errorf("NotCovered = %q", got)
	}
	u := Usage("/ask", []string{"trade"})
	if !strings.Contains(u, "/ask what did they say about fisheries?") || !strings.Contains(u, "Topics covered: trade.") {
		t.Errorf("Usage = %q", u)
	}
}

func TestAnswererFunc(t *testing.T) {
	var a Answerer = AnswererFunc(func(_ context.Context, q string, top int) (Answer, error) {
		return Answer{Question: q, Found: top == 2}, nil
	})
	got, err := a.Answer(context.Background(), "q", 2)
	if err != nil || got.Question != "q" || !got.Found {
		t.Fatalf("AnswererFunc = %+v, %v", got, err)
	}
}

// TestTooLongNamesTheLimit keeps the reply in step with the constant.
func TestTooLongNamesTheLimit(t *testing.T) {
	want := fmt.Sprintf("over %d,%03d characters", MaxQuestionLen/1000, MaxQuestionLen%1000)
	if !strings.Contains(TooLong, want) {
		t.Fatalf("TooLong = %q, want it to say %q", TooLong, want)
	}
}
