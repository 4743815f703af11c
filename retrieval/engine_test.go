package retrieval

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/quotebot/quotebot/corpus"
)

// mustDocs parses documents given as name → text.
func mustDocs(tb testing.TB, files map[string]string) []corpus.Document {
	tb.Helper()
	fsys := fstest.MapFS{}
	for name, text := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(text)}
	}
	docs, err := corpus.Load(fsys, corpus.Options{})
	if err != nil {
		tb.Fatalf("load: %v", err)
	}
	return docs
}

// mustSeed returns the built-in statement.
func mustSeed(tb testing.TB) []corpus.Document {
	tb.Helper()
	docs, err := corpus.Load(corpus.Seed(), corpus.Options{})
	if err != nil {
		tb.Fatalf("load seed: %v", err)
	}
	return docs
}

// mustIndex opens an engine over docs with cfg.
func mustIndex(tb testing.TB, docs []corpus.Document, cfg Config) *Engine {
	tb.Helper()
	e, err := Open(context.Background(), docs, cfg)
	if err != nil {
		tb.Fatalf("open: %v", err)
	}
	return e
}

func mustAnswer(tb testing.TB, e *Engine, q string, top int) Answer {
	tb.Helper()
	a, err := e.Answer(context.Background(), q, top)
	if err != nil {
		tb.Fatalf("answer %q: %v", q, err)
	}
	return a
}

func TestAnswerSeed(t *testing.T) {
	e := mustIndex(t, mustSeed(t), Config{})
	tests := []struct {
		name      string
		q         string
		found     bool
		paragraph int    // of the first passage, when found
		highlight string // a substring of its highlight
	}{
		{"fisheries to fishing industry", "what did they say about fisheries?", true, 7, "cooperation on fishing industry"},
		{"flights", "What about flights between China and Peru?", true, 5, "direct flights"},
		{"multi-word lemma", "Did they mention artificial intelligence?", true, 6, "artificial intelligence"},
		{"runs of white space", "what about  the WTO dispute\nsettlement mechanism ?", true, 11, "dispute settlement mechanism"},
		{"not covered", "What did they say about football?", false, 0, ""},
		{"not covered, two words", "Did they discuss nuclear weapons?", false, 0, ""},
		{"only framing", "what did they say?", false, 0, ""},
		{"empty", "", false, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := mustAnswer(t, e, tt.q, 3)
			if a.Found != tt.found {
				t.Fatalf("found = %v, want %v (%+v)", a.Found, tt.found, a)
			}
			if !tt.found {
				if len(a.Passages) != 0 {
					t.Errorf("not found but %d passages", len(a.Passages))
				}
				if len(a.Topics) == 0 {
					t.Errorf("not found without topics")
				}
				return
			}
			h := a.Passages[0]
			if h.Paragraph != tt.paragraph {
				t.Errorf("paragraph = %d, want %d", h.Paragraph, tt.paragraph)
			}
			if !strings.Contains(h.Highlight, tt.highlight) {
				t.Errorf("highlight %q lacks %q", h.Highlight, tt.highlight)
			}
			if h.Title == "" || h.Date != "Nov 15, 2024" || h.Doc != "china-peru-statement" {
				t.Errorf("citation = %q %q %q", h.Doc, h.Title, h.Date)
			}
		})
	}
}

// TestAnswerInvariants checks what every answer promises, whatever the
// question: verbatim text, highlights made of the text's own sentences,
// scores in order, at most top passages, and "passages": [] in JSON.
func TestAnswerInvariants(t *testing.T) {
	docs := mustSeed(t)
	byID := map[string]corpus.Passage{}
	for _, p := range docs[0].Passages {
		byID[p.ID] = p
	}
	e := mustIndex(t, docs, Config{})
	for _, q := range []string{"fisheries", "trade and cooperation between China and Peru", "football", "WTO", "digital", "?", "the the the"} {
		for _, top := range []int{1, 2, 3, 10} {
			a := mustAnswer(t, e, q, top)
			if len(a.Passages) > top {
				t.Errorf("%q top %d: %d passages", q, top, len(a.Passages))
			}
			for i, h := range a.Passages {
				p, ok := byID[h.ID]
				if !ok || p.Text != h.Text {
					t.Errorf("%q: passage %q is not verbatim from the corpus", q, h.ID)
				}
				for _, s := range h.Spans {
					if !strings.Contains(h.Highlight, h.Text[s.Start:s.End]) {
						t.Errorf("%q: span %v not in highlight", q, s)
					}
				}
				if !strings.Contains(h.Text, strings.Split(h.Highlight, " ")[0]) || h.Highlight == "" {
					t.Errorf("%q: highlight %q not from text", q, h.Highlight)
				}
				if i > 0 && h.Score > a.Passages[i-1].Score {
					t.Errorf("%q: scores out of order", q)
				}
			}
			b, _ := json.Marshal(a)
			if !strings.Contains(string(b), `"passages":[`) {
				t.Errorf("%q: JSON %s lacks a passages array", q, b)
			}
		}
	}
}

// TestExpansionNeverOutranksExact puts the question's own word and a
// WordNet relative of it in two passages: the exact one must rank first,
// and the relative must still be found when it is alone.
func TestExpansionNeverOutranksExact(t *testing.T) {
	tests := []struct {
		name, q, exact, related string
	}{
		{"derived form", "fisheries",
			"The ministers reviewed the fisheries of the southern coast.",
			"The ministers spoke about fishing rights and fishing quotas and the fishing fleet."},
		{"synonym", "pact",
			"Both sides signed the pact on Monday.",
			"Both sides signed the treaty on Monday, and the treaty enters into force in May."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs := mustDocs(t, map[string]string{"a.txt": tt.exact + "\n\n" + tt.related + "\n\nThe weather was fine all week.\n"})
			e := mustIndex(t, docs, Config{})
			a := mustAnswer(t, e, tt.q, 3)
			if !a.Found || a.Passages[0].Text != tt.exact {
				t.Fatalf("first passage = %+v, want the exact match", a.Passages)
			}
			alone := mustIndex(t, mustDocs(t, map[string]string{"a.txt": tt.related + "\n\nThe weather was fine all week.\n"}), Config{})
			// Alone, the related passage answers: quoted for a derived
			// form, and offered as the closest passage for a synonym
			// (the documents do not say it in those words).
			a = mustAnswer(t, alone, tt.q, 3)
			shown := a.Passages
			if !a.Found {
				shown = a.Closest
			}
			if len(shown) == 0 || shown[0].Text != tt.related {
				t.Fatalf("related passage alone: %+v", a)
			}
		})
	}
}

// TestSmallCorpus asks for more passages than the collection holds, which
// chromem-go refuses unless the engine caps it.
func TestSmallCorpus(t *testing.T) {
	e := mustIndex(t, mustDocs(t, map[string]string{"one.txt": "Title: One\n\nThe council approved the new library budget.\n"}), Config{})
	a := mustAnswer(t, e, "library budget", 10)
	if !a.Found || len(a.Passages) != 1 || a.Passages[0].Paragraph != 1 {
		t.Fatalf("answer = %+v", a)
	}
}

func TestOpenErrors(t *testing.T) {
	empty, err := corpus.Parse("empty.txt", []byte("Title: Nothing\n"), corpus.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Open(context.Background(), []corpus.Document{empty}, Config{})
	if err != ErrNoPassages {
		t.Fatalf("Open(no passages) = %v, want ErrNoPassages", err)
	}
}

func TestTopics(t *testing.T) {
	e := mustIndex(t, mustSeed(t), Config{})
	topics := e.Topics()
	if len(topics) < 5 || len(topics) > maxTopics {
		t.Fatalf("topics = %q", topics)
	}
	var text string
	for _, p := range allPassages(e) {
		text += " " + strings.ToLower(p.Text)
	}
	for _, tp := range topics {
		if !strings.Contains(text, strings.ToLower(tp)) {
			t.Errorf("topic %q is not quoted from the document", tp)
		}
		words := tokenize(tp)
		if isStopword(words[0].word) || isStopword(words[len(words)-1].word) {
			t.Errorf("topic %q starts or ends with a stop word", tp)
		}
	}
	for _, want := range []string{"Belt and Road Initiative", "fishing industry", "dispute settlement mechanism"} {
		if !slices.Contains(topics, want) {
			t.Errorf("topics %q lack %q", topics, want)
		}
	}
}

// TestTopicsSkipShortPassages checks that a signature or a date line, too
// short to say what a document covers, names no topic.
func TestTopicsSkipShortPassages(t *testing.T) {
	doc := "The harbour authority will dredge the northern shipping channel next spring.\n\n" +
		"The ferry terminal gets a new passenger waiting hall with heated seating.\n\n" +
		"MARGARET HOLLOWAY\n\nTHE HARBOUR OFFICE, April 2, 2025.\n"
	e := mustIndex(t, mustDocs(t, map[string]string{"notice.txt": doc}), Config{})
	topics := e.Topics()
	if len(topics) != 2 {
		t.Fatalf("topics = %q, want one for each of the two sentences of content", topics)
	}
	for _, tp := range topics {
		if strings.Contains(tp, "HOLLOWAY") || strings.Contains(tp, "OFFICE") {
			t.Errorf("topic %q comes from the signature", tp)
		}
	}
}

// TestNumberedReferences asks for the parts of a numbered document by
// number: the part asked for is quoted, not every part of its kind, a
// number the document lacks is not covered, and an abbreviation on either
// side still finds the part.
func TestNumberedReferences(t *testing.T) {
	charter := strings.Join([]string{
		"Title: Charter of the Riverside Rowing Club",
		"",
		"Article 1. Every member may speak at the general assembly.",
		"Article 2. The general assembly meets twice a year, in spring and in autumn.",
		"Article 12. Votes are taken by a show of hands unless a member asks for a secret ballot.",
		"Sec. 4. The treasurer keeps the accounts, as section 21 of the sports statute requires.",
		"Boats may be booked a week ahead; juniors row with a coach.",
	}, "\n")
	e := mustIndex(t, mustDocs(t, map[string]string{"charter.txt": charter}), Config{})
	tests := []struct {
		q         string
		found     bool
		paragraph int
	}{
		{"what does Article 2 say?", true, 2},
		{"article 12", true, 3},
		{"Article 1", true, 1},
		{"Article 7", false, 0},
		{"section 4", true, 4},
		{"sec 21", true, 4},
		{"Art. 12?", true, 3},
		{"how are votes taken?", true, 3},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			a := mustAnswer(t, e, tt.q, 3)
			wantFirst(t, a, tt.found, tt.paragraph)
		})
	}
}

// evalSets are the evaluation sets with what each must score, at the
// figures measured for the three-way answer (README.md, "Evaluation"): the
// least share of answerable questions whose first passage shown, quoted or
// closest, is right; the most confident-wrong replies; and the least
// no-answer accuracy. They catch regressions on documents the pipeline was
// not built around.
var evalSets = []struct {
	set, corpus                string
	first, confWrong, noAnswer float64
}{
	{"../testdata/seed-questions.jsonl", "", 1, 0, 1},
	{"../testdata/eval/plastic-pollution-strategy.jsonl", "../testdata/docs/plastic-pollution", 0.66, 0, 0.83},
	{"../testdata/eval/us-new-zealand-joint-statement.jsonl", "../testdata/docs/us-new-zealand", 0.57, 0, 0.66},
	{"../testdata/eval/us-india-joint-statement.jsonl", "../testdata/docs/us-india-joint-statement", 0.48, 0, 1},
	{"../testdata/eval/east-palestine-executive-order.jsonl", "../testdata/docs/east-palestine-executive-order", 0.37, 0, 0.66},
	{"../testdata/eval/antarctic-treaty.jsonl", "../testdata/docs/antarctic-treaty", 0.35, 0.06, 0.81},
	{"../testdata/eval/caregivers-executive-order.jsonl", "../testdata/docs/caregivers-executive-order", 0.36, 0.063, 0.6},
	{"../testdata/eval/trump-accounts-faq.jsonl", "../testdata/docs/trump-accounts-faq", 0.32, 0.08, 0.6},
	// The held-out sets: written blind and never tuned on.
	{"../testdata/eval/us-spain-joint-declaration.jsonl", "../testdata/docs/us-spain-joint-declaration", 0.36, 0.026, 0.66},
	{"../testdata/eval/meat-poultry-action-plan.jsonl", "../testdata/docs/meat-poultry-action-plan", 0.38, 0.05, 0.66},
	{"../testdata/eval/state-partners-faq.jsonl", "../testdata/docs/state-partners-faq", 0.27, 0.052, 0.8},
	{"../testdata/eval/outer-space-treaty.jsonl", "../testdata/docs/outer-space-treaty", 0.37, 0, 1},
	// The same questions with a typo in their longest word.
	{"../testdata/eval/typos/seed-questions.jsonl", "", 0.85, 0, 1},
	{"../testdata/eval/typos/plastic-pollution-strategy.jsonl", "../testdata/docs/plastic-pollution", 0.6, 0, 0.83},
	{"../testdata/eval/typos/us-new-zealand-joint-statement.jsonl", "../testdata/docs/us-new-zealand", 0.42, 0.032, 0.83},
	{"../testdata/eval/typos/us-india-joint-statement.jsonl", "../testdata/docs/us-india-joint-statement", 0.28, 0, 1},
	{"../testdata/eval/typos/east-palestine-executive-order.jsonl", "../testdata/docs/east-palestine-executive-order", 0.3, 0.032, 0.66},
}

func TestEvalSets(t *testing.T) {
	for _, es := range evalSets {
		t.Run(filepath.Base(es.set), func(t *testing.T) {
			docs := mustSeed(t)
			if es.corpus != "" {
				res, err := corpus.Scan(os.DirFS(es.corpus), corpus.Options{})
				if err != nil {
					t.Fatal(err)
				}
				docs = res.Docs
			}
			f, err := os.Open(es.set)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			set, err := ReadEvalSet(f)
			if err != nil {
				t.Fatal(err)
			}
			e := mustIndex(t, docs, Config{})
			res, m, err := Evaluate(context.Background(), e.Answer, set)
			if err != nil {
				t.Fatal(err)
			}
			t.Log(m)
			if m.First < es.first || m.ConfWrong > es.confWrong || m.NoAnswer < es.noAnswer {
				for _, r := range res {
					if !r.Correct() || r.ConfidentWrong() {
						t.Logf("wrong: %q found=%v rank=%d closest=%d", r.Question.Q, r.Answer.Found, r.Rank, r.ClosestRank)
					}
				}
				t.Errorf("%s, want first ≥ %.3f, confwrong ≤ %.3f and noanswer ≥ %.3f", m, es.first, es.confWrong, es.noAnswer)
			}
		})
	}
}

func TestHighlight(t *testing.T) {
	text := "The council met on Monday. The library budget was approved. The library will open longer hours. The pool closes in May for repairs."
	e := mustIndex(t, mustDocs(t, map[string]string{"m.txt": text + "\n\nThe weather was fine.\n\nNothing else happened.\n"}), Config{})
	tests := []struct {
		name string
		q    string
		want []string // highlighted sentences, in order
	}{
		{"one sentence", "library budget", []string{"The library budget was approved."}},
		{"first of equals only", "library", []string{"The library budget was approved."}},
		{"two topics, two sentences", "library budget and pool repairs", []string{"The library budget was approved.", "The pool closes in May for repairs."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := mustAnswer(t, e, tt.q, 1)
			if !a.Found {
				t.Fatalf("not found: %+v", a)
			}
			h := a.Passages[0]
			var got []string
			for _, s := range h.Spans {
				got = append(got, h.Text[s.Start:s.End])
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Fatalf("highlight %q, want %q", got, tt.want)
			}
			if h.Highlight != strings.Join(tt.want, " ") {
				t.Fatalf("Highlight %q", h.Highlight)
			}
		})
	}
}

// wantFirst fails the test unless a is found as wanted and, when found,
// quotes paragraph first.
func wantFirst(t *testing.T, a Answer, found bool, paragraph int) {
	t.Helper()
	if a.Found != found {
		t.Fatalf("found = %v, want %v: %+v", a.Found, found, a.Passages)
	}
	if found && a.Passages[0].Paragraph != paragraph {
		t.Fatalf("first paragraph %d, want %d", a.Passages[0].Paragraph, paragraph)
	}
	// A reply that does not quote may name the closest passage it must
	// offer first.
	if !found && paragraph > 0 && (len(a.Closest) == 0 || a.Closest[0].Paragraph != paragraph) {
		t.Fatalf("closest %+v, want paragraph %d first", a.Closest, paragraph)
	}
}

// minutes are council minutes nobody tuned anything on, for the tests of
// the found decision.
var minutes = strings.Join([]string{
	"Title: Riverside Council minutes",
	"Date: Mar 3, 2025",
	"",
	"The council approved the library budget for the coming year, including longer opening hours on weekends.",
	"Members discussed the repair of the swimming pool, which will close in May for six weeks.",
	"The mayor reported that the new bus routes to the hospital will start in September.",
	"A resident asked about noise from the construction site near the school; the council will ask the builder to respect quiet hours.",
	"The council agreed to plant two hundred trees along the river path this autumn.",
	"The next meeting will take place on April 7.",
	"The regional airport will offer aviation courses to students from the college.",
	"The Office of Emergency Management will test the flood sirens in June.",
	"The council asked the FAA to review the night routes over the east side.",
	"The college presented its nuclear medicine research to the council.",
}, "\n")

// TestFoundDecision checks the found/not-found rule on the minutes: a
// question is answered when the best passage holds most of its informative
// content, whatever the words that frame it.
func TestFoundDecision(t *testing.T) {
	e := mustIndex(t, mustDocs(t, map[string]string{"minutes.txt": minutes}), Config{})
	tests := []struct {
		name      string
		q         string
		found     bool
		paragraph int
	}{
		{"all words present", "library budget", true, 1},
		{"framed question", "what did they say about the swimming pool?", true, 2},
		{"inflected form", "when do the new buses start?", true, 3},
		{"derived form", "anything on tree planting?", true, 5},
		{"generic words around the topic", "what will they do about noise?", true, 4},
		// Its synonym covers half of the question at most, under quoteCoverage:
		// offered as the closest passage (see TestPartialEvidence).
		{"multi-word lemma through its synonym", "what about air travel?", false, 7},
		{"acronym of a name in the text", "anything from OEM?", true, 8},
		{"acronym typed in lower case", "oem", true, 8},
		{"name of an acronym in the text", "what about the Federal Aviation Administration?", true, 9},
		{"absent topic", "what did they say about football?", false, 0},
		// Closest passage offered, not quoted: the budget passage shares
		// "budget" and stands out (see TestClosestPassage).
		{"absent topic with a common word", "did they talk about the football budget for the stadium?", false, 0},
		{"absent topics only", "any news on tax rates and parking fines?", false, 0},
		{"multi-word lemma absent, one of its words present", "what about nuclear weapons?", false, 0},
		{"the same word in a lemma present", "anything on nuclear medicine?", true, 10},
		{"only framing", "what did they say?", false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := mustAnswer(t, e, tt.q, 3)
			wantFirst(t, a, tt.found, tt.paragraph)
			if !tt.found && (len(a.Passages) != 0 || len(a.Closest) == 0 && len(a.Topics) == 0) {
				t.Fatalf("not found should quote nothing, and list topics unless it gives the closest passage: %+v", a)
			}
		})
	}
}

// TestSeveralTopics asks about two things at once: each gets its passage,
// whether one passage covers enough of the question or only the two
// together do, and two things the minutes do not mention get nothing.
func TestSeveralTopics(t *testing.T) {
	e := mustIndex(t, mustDocs(t, map[string]string{"minutes.txt": minutes}), Config{})
	tests := []struct {
		q          string
		paragraphs []int // quoted, in any order; nil for not found
	}{
		{"what about the library budget and the swimming pool?", []int{1, 2}},
		{"bus routes and trees", []int{3, 5}},
		{"flood sirens, aviation courses", []int{7, 8}},
		{"library hours, pool repairs and bus routes", []int{1, 2, 3}},
		{"football and parking fines", nil},
		{"the library budget", []int{1}},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			a := mustAnswer(t, e, tt.q, 3)
			var got []int
			for _, p := range a.Passages {
				got = append(got, p.Paragraph)
			}
			slices.Sort(got)
			if a.Found != (tt.paragraphs != nil) || !slices.Equal(got, tt.paragraphs) {
				t.Fatalf("found %v, paragraphs %v; want %v", a.Found, got, tt.paragraphs)
			}
		})
	}
}

// TestCitedParagraph asks for paragraphs by the number answers cite them
// with, and checks that a document which numbers paragraphs itself keeps
// "paragraph 2" for its own references.
func TestCitedParagraph(t *testing.T) {
	e := mustIndex(t, mustDocs(t, map[string]string{"minutes.txt": minutes}), Config{})
	rules := mustIndex(t, mustDocs(t, map[string]string{"rules.txt": "Title: Club rules\n\n" +
		"Members pay their dues in January.\n" +
		"A member may appeal a fine under paragraph 4 of the statute.\n" +
		"The board meets monthly.\n"}), Config{})
	tests := []struct {
		e         *Engine
		q         string
		found     bool
		paragraph int
	}{
		{e, "¶3", true, 3},
		{e, "what does ¶5 say?", true, 5},
		{e, "paragraph 2", true, 2},
		{e, "show me para. 1", true, 1},
		{e, "¶99", false, 0},
		{rules, "¶3", true, 3},
		{rules, "paragraph 4", true, 2}, // the statute's paragraph, cited in ¶2
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			a := mustAnswer(t, tt.e, tt.q, 3)
			if a.Found != tt.found {
				t.Fatalf("found = %v, want %v: %+v", a.Found, tt.found, a.Passages)
			}
			if tt.found && (len(a.Passages) != 1 || a.Passages[0].Paragraph != tt.paragraph) {
				t.Fatalf("passages %+v, want ¶%d alone", a.Passages, tt.paragraph)
			}
			if !tt.found && len(a.Topics) == 0 {
				t.Fatal("not found without topics")
			}
		})
	}
}

// TestLongQuestion refuses a pasted page as a question, and shows that the
// analysis Answer guards would still only use its first maxQueryWords
// content words.
func TestLongQuestion(t *testing.T) {
	e := mustIndex(t, mustSeed(t), Config{})
	q := "fisheries " + strings.Repeat("lorem ipsum dolor sit amet consectetur ", 2000)
	if _, err := e.Answer(context.Background(), q, 3); !errors.Is(err, ErrQuestionTooLong) {
		t.Fatalf("Answer of %d characters: err %v, want ErrQuestionTooLong", len(q), err)
	}
	a, _, err := e.answer(context.Background(), q, 3)
	if err != nil || a.Question != q {
		t.Fatalf("answer without the length check: %v (question echoed: %v)", err, a.Question == q)
	}
	if n := len(mustQuery(t, e, NormalizeQuestion(q)).slots); n > maxQuerySlots {
		t.Fatalf("%d slots for a long question", n)
	}
	many := make([]string, 200)
	for i := range many {
		many[i] = fmt.Sprintf("word%d", i)
	}
	var words int
	for _, s := range mustQuery(t, e, strings.Join(many, " ")).slots {
		if !s.phrase {
			words++
		}
	}
	if words != maxQueryWords {
		t.Fatalf("%d word slots, want %d", words, maxQueryWords)
	}
}
