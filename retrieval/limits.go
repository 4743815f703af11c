package retrieval

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Bounds of the work one question costs. A question is whatever anyone can
// send through a web form, a chat message or a script, so every step that
// works per character, per word, per candidate or per term has a bound here,
// chosen so that the worst question within MaxQuestionLen costs a few
// milliseconds and a few megabytes however it is written (long unknown
// words, many of them, repeated, in any script, or punctuation alone).
// BenchmarkWorstQuestion measures that, within the limit and beyond it.

// MaxQuestionLen is the longest question answered, in characters (Unicode
// code points) once the white space around it is trimmed. A thousand
// characters hold a long question with a pasted sentence or two of
// context; what is longer is a page, not a question. Every surface applies
// it: Answer returns ErrQuestionTooLong, the HTTP API and page answer 413,
// the chat bots reply that the question is too long, and `ask` exits 2.
const MaxQuestionLen = 1000

// ErrQuestionTooLong is returned, wrapped, by Answer and CheckQuestion for a
// question longer than MaxQuestionLen characters.
var ErrQuestionTooLong = errors.New("the question is longer than 1,000 characters")

// CheckQuestion returns an error wrapping ErrQuestionTooLong when question,
// without the white space around it, is longer than MaxQuestionLen
// characters, and nil otherwise. It costs one pass over the text.
func CheckQuestion(question string) error {
	if len(question) <= MaxQuestionLen { // never more characters than bytes
		return nil
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(question)); n > MaxQuestionLen {
		return fmt.Errorf("%w (it has %d)", ErrQuestionTooLong, n)
	}
	return nil
}

// Bounds of the analysis of a question (see newQuery).
const (
	// maxQueryWords caps the distinct content words a question is searched
	// for, so a pasted paragraph costs no more than a long question.
	maxQueryWords = 64
	// maxQuerySlots caps all the terms searched for: the words, the numbered
	// references, and the multi-word lemmas and names' initials found among
	// them.
	maxQuerySlots = 2 * maxQueryWords
)

// Bounds of spelling correction (see spell.go). One correction costs up to
// 53n+25 dictionary look-ups for a word of n letters (its one-edit
// variants) and an edit distance to each word of the documents of about its
// length, so both the length and the number of corrections are capped.
const (
	// minCorrectLen: shorter words are left alone, having too many
	// neighbours to guess from.
	minCorrectLen = 4
	// maxCorrectLen: longer words are left alone. Words of English and of
	// official documents are shorter ("telecommunications" has 18
	// letters); a longer string is a name, a code or noise.
	maxCorrectLen = 24
	// longWordLen: from this length two edits are allowed.
	longWordLen = 8
	// maxEditDist is the most edits a correction may make.
	maxEditDist = 2
	// maxCorrections caps the words of one question that are corrected: a
	// question with more unknown words than this is not made of typos.
	maxCorrections = 8
	// maxWordsScanned caps the words of the documents compared with the
	// question's unknown words, over the whole question, which bounds
	// correction on a huge vocabulary.
	maxWordsScanned = 1 << 18
)

// Bounds of the analyzer's memory (see analyzer.info).
const (
	// maxCachedWords bounds the word cache; it is cleared when full.
	maxCachedWords = 1 << 17
	// maxCachedWordLen: longer words, in bytes, are analysed each time
	// rather than cached, so questions full of long made-up words cannot
	// fill the cache with megabytes of them.
	maxCachedWordLen = 32
)

// checkEvery is how many steps of an inner loop (words compared, variants
// looked up) run between two looks at the context, so a question being
// answered stops soon after its asker goes away, at a negligible cost.
const checkEvery = 256

// stopped returns ctx's error once every checkEvery calls with the step
// count i, and nil otherwise.
func stopped(ctx context.Context, i int) error {
	if i%checkEvery != 0 {
		return nil
	}
	return ctx.Err()
}
