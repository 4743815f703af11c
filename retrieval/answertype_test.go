package retrieval

import (
	"strings"
	"testing"
)

func TestQuestionType(t *testing.T) {
	tests := []struct {
		q    string
		want answerType
	}{
		{"when did the storm hit?", timeAnswer},
		{"So, when is the report due?", timeAnswer},
		{"tell me when they signed it", timeAnswer},
		{"what year was the treaty signed?", timeAnswer},
		{"In what year did it start?", timeAnswer},
		{"by when must agencies report?", timeAnswer},
		{"what's the deadline for the survey?", timeAnswer},
		{"how long ago did this happen?", timeAnswer},
		{"how much did the city spend?", quantityAnswer},
		{"How many stations are there?", quantityAnswer},
		{"how far does the zone reach?", quantityAnswer},
		{"how long is the border?", quantityAnswer},
		{"what share of workers are women?", quantityAnswer},
		{"what is the total cost?", quantityAnswer},
		{"the grants — how much were they?", quantityAnswer},
		{"what happens when a member leaves?", untyped},
		{"what did they say about fisheries?", untyped},
		{"how will the plan be funded?", untyped},
		{"how do members settle disputes?", untyped},
		{"is the share price mentioned?", untyped},
		{"", untyped},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			if got := questionType(tt.q); got != tt.want {
				t.Errorf("questionType(%q) = %v, want %v", tt.q, got, tt.want)
			}
		})
	}
}

func TestHasAnswerOf(t *testing.T) {
	tests := []struct {
		name string
		text string
		typ  answerType
		want bool
	}{
		{"month and day", "The meeting was held on December 31 in Paris.", timeAnswer, true},
		{"day and month", "Signed on 5 January by both parties.", timeAnswer, true},
		{"month and year", "The plan was released in March 2024.", timeAnswer, true},
		{"year alone", "By 2030 the agency will stop buying them.", timeAnswer, true},
		{"weekday", "The council met on Monday.", timeAnswer, true},
		{"within days", "Within 60 days of this order, the agency shall report.", timeAnswer, true},
		{"written delay", "within thirty (30) days the parties shall meet.", timeAnswer, true},
		{"days after", "It takes effect two years after notice is given.", timeAnswer, true},
		{"ordinal day of month", "Done this first day of December.", timeAnswer, true},
		{"year range", "Children born in 2025-2028 qualify.", timeAnswer, true},
		{"month name as verb", "They may act on it.", timeAnswer, false},
		{"no time", "The agency shall continue to monitor the site.", timeAnswer, false},
		{"law number is no year", "Public Law 102-477 applies.", timeAnswer, false},
		{"section number is no year", "See section 1990 of the code.", timeAnswer, false},
		{"code with slash", "Regulation 2019/904 applies.", timeAnswer, false},

		{"dollars", "The agency is investing $275 in grants.", quantityAnswer, true},
		{"percent sign", "Over 90% of plastic comes from fossil fuels.", quantityAnswer, true},
		{"magnitude", "They gave 6.25 billion to the program.", quantityAnswer, true},
		{"number and noun", "The treaty has 12 signatories.", quantityAnswer, true},
		{"written number", "More than three in four households struggled.", quantityAnswer, true},
		{"list label in parentheses", "(iii) the Secretary shall consult (2) the states.", quantityAnswer, false},
		{"numbered paragraph", "1. The parties agree to meet.", quantityAnswer, false},
		{"article reference", "Article 102 applies to members.", quantityAnswer, false},
		{"sec reference", "Sec. 3 federal implementation.", quantityAnswer, false},
		{"section with letter", "pursuant to section 4(b) of the act", quantityAnswer, false},
		{"public law", "Public Law 102-477 programs continue.", quantityAnswer, false},
		{"usc reference", "under 17 U.S.C. § 105 works", quantityAnswer, false},
		{"year before noun", "By 2030 emissions will fall.", quantityAnswer, false},
		{"no number", "The agencies shall cooperate.", quantityAnswer, false},
		{"untyped question", "It costs $5.", untyped, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := hasAnswerOf(tt.text, tt.typ); got != tt.want {
				t.Errorf("hasAnswerOf(%q, %v) = %v, want %v", tt.text, tt.typ, got, tt.want)
			}
		})
	}
}

// TestHasAnswerOfBounded: only the first maxAnswerScan bytes are read.
func TestHasAnswerOfBounded(t *testing.T) {
	text := strings.Repeat("The parties agree. ", maxAnswerScan/10) + "It costs $5."
	if hasAnswerOf(text, quantityAnswer) {
		t.Fatal("a sum past maxAnswerScan bytes was read")
	}
}

// TestAnswerTypeOrders: of two passages that match a question's words
// alike, the one holding a sum comes first when the question asks "how
// much", and the documents' own ranking stands when it asks nothing typed.
func TestAnswerTypeOrders(t *testing.T) {
	e := mustIndex(t, mustDocs(t, map[string]string{"d.txt": "The city grant for libraries was announced.\n\n" +
		"The city grant for libraries was $40 after a long debate among council members.\n"}), Config{})
	for _, tt := range []struct {
		want  answerType
		first int
	}{
		{untyped, 1},
		{quantityAnswer, 2},
	} {
		q, err := e.newQuery(t.Context(), "city grant for libraries", false)
		if err != nil {
			t.Fatal(err)
		}
		q.want = tt.want
		cands, err := e.rank(t.Context(), q)
		if err != nil {
			t.Fatal(err)
		}
		if len(cands) != 2 {
			t.Fatalf("%d candidates, want 2", len(cands))
		}
		if got := e.passages.paragraph(cands[0].idx); got != tt.first {
			t.Errorf("want %v: first ¶%d (scores %.3f, %.3f), want ¶%d", tt.want, got, cands[0].score, cands[1].score, tt.first)
		}
	}
}

func BenchmarkHasAnswerOf(b *testing.B) {
	text := strings.Repeat("(iii) the Secretary of Labor shall, in consultation with the States, consider actions under section 4(b). ", 14)
	for b.Loop() {
		hasAnswerOf(text, quantityAnswer)
		hasAnswerOf(text, timeAnswer)
	}
}
