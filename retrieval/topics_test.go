package retrieval

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/quotebot/quotebot/corpus"
)

// TestSeedTopicsStart pins how the seed's topics start: with what the
// statement is about, not with the person who made the visit ("Chinese
// President Xi", which they started with when a title and a name counted as
// a topic).
func TestSeedTopicsStart(t *testing.T) {
	topics := mustIndex(t, mustSeed(t), Config{}).Topics()
	want := []string{"comprehensive strategic partnership", "Belt and Road Initiative", "large-scale infrastructure projects", "digital economy investment"}
	if len(topics) < len(want) || !slices.Equal(topics[:len(want)], want) {
		t.Errorf("topics = %q, want them to start with %q", topics, want)
	}
	for _, tp := range topics {
		if strings.Contains(tp, "Xi") || strings.Contains(tp, "Peru") && !strings.Contains(tp, "-") {
			t.Errorf("topic %q names a person or a country", tp)
		}
	}
}

// TestNotesTopics pins the topics of a folder of ordinary Markdown notes
// (testdata/notes: a holiday policy, a lease, a gardening log and a
// handbook with numbered headings): no fragment of a sentence with its verb
// ("Unused days carry", "lease runs", "may work", "team needs"), the
// handbook's headings without their numbers, and every note named.
func TestNotesTopics(t *testing.T) {
	res, err := corpus.Scan(os.DirFS("../testdata/notes"), corpus.Options{})
	if err != nil {
		t.Fatal(err)
	}
	e := mustIndex(t, res.Docs, Config{})
	topics := e.Topics()
	want := []string{"tomato seedlings", "raspberry canes", "orange marigolds", "Unused days", "parental leave",
		"government deposit scheme", "yearly boiler service", "light bulbs", "Working hours", "Expenses"}
	if !slices.Equal(topics, want) {
		t.Errorf("topics = %q, want %q", topics, want)
	}
	memo := nominalMemo{}
	for _, tp := range topics {
		for _, tok := range tokenize(tp) {
			if f := e.an.nominalOf(memo, tok.word); f.verbForm || tok.word == "may" {
				t.Errorf("topic %q holds the verb %q", tp, tok.word)
			}
		}
	}
	for _, d := range res.Docs {
		named := false
		for _, p := range d.Passages {
			for _, tp := range topics {
				named = named || strings.Contains(p.Text, tp) || p.Section != "" && strings.Contains(p.Section, tp)
			}
		}
		if !named {
			t.Errorf("no topic comes from %s: %q", d.ID, topics)
		}
	}
}

// TestTopicCandidates checks the noun phrases a passage offers as topics:
// verbs that WordNet also lists as nouns stay out, and so do quantities,
// possessors and names cut short.
func TestTopicCandidates(t *testing.T) {
	tests := []struct {
		name, text string
		want, not  []string
	}{
		{"an -s verb after a noun", "The lease runs for twelve months from the first of the month.", []string{"lease"}, []string{"lease runs", "twelve months"}},
		{"a verb after a plural", "Unused days carry over into the next calendar year, up to five.", []string{"Unused days", "next calendar year"}, []string{"Unused days carry"}},
		{"the modal may", "You may work on a public holiday when the support team needs it.", []string{"public holiday", "support team"}, []string{"may work", "support team needs"}},
		{"an -s verb before its object", "Outside office hours the rota covers urgent support requests from customers.", []string{"urgent support requests"}, []string{"rota covers urgent support requests", "covers urgent support requests"}},
		{"an -s noun after an adjective", "They promised joint work on global challenges and regional trade rules.", []string{"global challenges"}, nil},
		{"after a subject pronoun", "Many carers who juggle unconventional shifts lose paid work hours.", []string{"unconventional shifts"}, []string{"juggle unconventional shifts"}},
		{"after to", "The agency will send staff to conduct analytical air sampling near the site.", []string{"analytical air sampling"}, []string{"conduct analytical air sampling"}},
		{"a past tense after a name", "Senator Jones joined local farmers at the county fair on grain prices.", []string{"local farmers"}, []string{"Senator Jones joined local farmers", "joined local farmers"}},
		{"a possessor", "The delegation praised Peru's modern deep-water ports during President Xi Jinping's harbour inspection.", []string{"modern deep-water ports", "harbour inspection"}, []string{"President Xi", "Peru", "Xi Jinping"}},
		{"a name cut short", "Funding comes from the Office of Management and Budget for the regional flood defence works.", nil, []string{"Management and Budget"}},
		{"half a hyphenated word", "Both support an open and non-discriminatory multilateral trading system for all members.", []string{"multilateral trading system"}, []string{"discriminatory multilateral trading system"}},
		{"an -ing compound", "They stressed cooperation on artificial intelligence capacity building for all.", []string{"artificial intelligence capacity building"}, nil},
	}
	a := newAnalyzer()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			var words []string
			cands := a.topicCandidates(tt.text, tokenize(tt.text), nominalMemo{}, func(w string) uint32 {
				words = append(words, w)
				return uint32(len(words) - 1)
			})
			cands.each(func(start, end int, _ []uint32) { got = append(got, tt.text[start:end]) })
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("candidates %q lack %q", got, w)
				}
			}
			for _, w := range tt.not {
				if slices.Contains(got, w) {
					t.Errorf("candidates %q hold %q", got, w)
				}
			}
		})
	}
}

// TestHeadingTopic checks which headings name a topic, without their
// numbers, which are only numbers, and which name none.
func TestHeadingTopic(t *testing.T) {
	tests := []struct {
		heading, want string
		kind          headingKind
	}{
		{"I. Regional Architecture and Security", "Regional Architecture and Security", headingNamed},
		{"III. 21st-Century Challenges", "21st-Century Challenges", headingNamed},
		{"1. Working hours", "Working hours", headingNamed},
		{"Sec. 3. Definitions.", "Definitions", headingNamed},
		{"Article IV — Jurisdiction", "Jurisdiction", headingNamed},
		{"§ 2 Freedom of Investigation", "Freedom of Investigation", headingNamed},
		{"(b) Support for Caregivers", "Support for Caregivers", headingNamed},
		{"Trade", "Trade", headingNamed},
		{"Article IV", "", headingNumbered},
		{"Sec. 3.", "", headingNumbered},
		{"4", "", headingNumbered},
		{"IV.", "", headingNumbered},
		{"Frequently Asked Questions", "", headingOther},
		{"Here’s what you need to know", "", headingOther},
		{"Signed at Washington, on 1 December 1959", "", headingOther},
		{"Biden-Harris Administration Leadership to Tackle Plastic Pollution", "", headingOther},
		{"JOSEPH R. BIDEN JR", "", headingOther},
		{"Michael Dell", "", headingOther},
		{"Introduction", "", headingOther},
	}
	a := newAnalyzer()
	for _, tt := range tests {
		t.Run(tt.heading, func(t *testing.T) {
			got, kind := a.headingTopic(tt.heading)
			if got != tt.want || kind != tt.kind {
				t.Errorf("headingTopic(%q) = %q, %d; want %q, %d", tt.heading, got, kind, tt.want, tt.kind)
			}
		})
	}
}

// TestTopicsFromHeadings checks that a document with headings is named by
// them, numbers removed, and that a section headed by a number alone is
// named by its best noun phrase.
func TestTopicsFromHeadings(t *testing.T) {
	doc := strings.Join([]string{
		"# Club rules",
		"## 1. Membership fees",
		"Every member pays the annual subscription by the end of March, and new members pay a joining fee.",
		"Members over seventy pay half the subscription, and junior members pay nothing at all.",
		"## 2. Boat storage",
		"Private boats stay in the lower shed on numbered racks, and each rack carries a yearly charge.",
		"## Article 3",
		"The committee keeps a waiting list for mooring berths on the river pontoon, served in order of application.",
		"## Frequently asked questions",
		"Visitors may row in club boats twice a season with a qualified cox aboard the boat.",
	}, "\n\n")
	e := mustIndex(t, mustDocs(t, map[string]string{"rules.md": doc}), Config{})
	topics := e.Topics()
	for _, want := range []string{"Membership fees", "Boat storage"} {
		if !slices.Contains(topics, want) {
			t.Errorf("topics %q lack the heading %q", topics, want)
		}
	}
	for _, tp := range topics {
		if strings.Contains(tp, "Article") || strings.Contains(tp, "1.") || strings.Contains(tp, "Frequently") {
			t.Errorf("topic %q is a number label or a heading that names no topic", tp)
		}
		if strings.Contains(tp, "subscription") || strings.Contains(tp, "racks") {
			t.Errorf("topic %q comes from a section its heading already names", tp)
		}
	}
	if !slices.ContainsFunc(topics, func(tp string) bool {
		return strings.Contains(tp, "berths") || strings.Contains(tp, "pontoon") || strings.Contains(tp, "waiting list")
	}) {
		t.Errorf("topics %q lack a phrase of the section headed Article 3", topics)
	}
	if !slices.ContainsFunc(topics, func(tp string) bool { return strings.Contains(tp, "club boats") || strings.Contains(tp, "cox") }) {
		t.Errorf("topics %q lack a phrase of the questions' section", topics)
	}
}

// TestTopicsTakeTurns checks that when documents offer more topics than a
// reply names, every document gets some, the larger first.
func TestTopicsTakeTurns(t *testing.T) {
	mk := func(doc string, n, score int) []topic {
		var ts []topic
		for i := range n {
			ts = append(ts, topic{text: doc + string(rune('a'+i)), score: float64(score - i)})
		}
		return ts
	}
	docs := [][]topic{mk("x", 8, 100), mk("y", 3, 10), mk("z", 12, 50)}
	for d := range docs {
		for i := range docs[d] {
			docs[d][i].order = d*100 + i
		}
	}
	got := takeTurns(docs, []int{8, 3, 12}, 10)
	var names []string
	for _, tp := range got {
		names = append(names, tp.text)
	}
	want := []string{"xa", "xb", "xc", "ya", "yb", "yc", "za", "zb", "zc", "zd"}
	if !slices.Equal(names, want) {
		t.Errorf("takeTurns = %q, want %q", names, want)
	}
}
