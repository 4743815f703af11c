package retrieval

import (
	"context"
	"slices"
	"strings"
)

// Misspellings. People type fast in chat: "infrastucture", "fisheris". A
// question word that neither WordNet nor the documents know is read as the
// word it most likely misspells: a word of the documents one edit away (two
// for long words), else an English word one edit away whose forms or
// relatives the documents use. Words WordNet or the documents know are never
// changed, so a correct question is never rewritten.

// speller corrects the words of one question, within the question's budget
// of corrections and of words compared (maxCorrections, maxWordsScanned),
// and stops when its context ends.
type speller struct {
	e       *Engine
	ctx     context.Context
	left    int // corrections still allowed
	scanned int // words of the documents compared so far
}

func (e *Engine) newSpeller(ctx context.Context) *speller {
	return &speller{e: e, ctx: ctx, left: maxCorrections}
}

// correct returns the word a question word probably misspells, and whether
// there is one; the error is the context's when it ended.
func (s *speller) correct(word string, forms []string) (string, bool, error) {
	e := s.e
	n := len(word)
	if n < minCorrectLen || n > maxCorrectLen || s.left == 0 || !isLowerASCII(word) || len(e.an.lex.Lemmas(word)) > 0 {
		return "", false, nil
	}
	for _, f := range forms {
		if e.lex.df(f) > 0 {
			return "", false, nil
		}
	}
	s.left--
	maxDist := 1
	if n >= longWordLen {
		maxDist = maxEditDist
	}
	w, ok, err := s.nearestWord(word, maxDist)
	if err != nil || ok {
		return w, ok, err
	}
	return s.nearestEnglish(word)
}

// nearestEnglish returns the English word one edit away from word that the
// documents bear on most: its forms occur in them, else its WordNet
// relatives do; ties go to the word WordNet saw tagged most, then to the
// first in alphabetical order.
func (s *speller) nearestEnglish(word string) (string, bool, error) {
	e := s.e
	best, bestScore := "", 0
	i := 0
	var err error
	edits1(word, func(c string) bool {
		if i++; stopped(s.ctx, i) != nil {
			err = s.ctx.Err()
			return false
		}
		lemmas := e.an.lex.Lemmas(c)
		if len(lemmas) == 0 {
			return true
		}
		score := 0
		for _, l := range lemmas {
			if e.lex.df(l) > 0 {
				score = max(score, 3)
			}
			for _, r := range e.an.lex.Related(l) {
				if !r.Kind.Taxonomic() && e.lex.df(r.Lemma) > 0 {
					score = max(score, 2)
					break
				}
			}
			score = max(score, 1)
		}
		score = score<<24 | min(e.an.lex.TagCount(lemmas[0]), 1<<24-1)
		if score > bestScore || (score == bestScore && c < best) {
			best, bestScore = c, score
		}
		return true
	})
	if err != nil {
		return "", false, err
	}
	// A neighbour the documents do not bear on at all is no better guess
	// than the word as typed.
	return best, bestScore >= 2<<24, nil
}

// edits1 calls yield with each lower-case ASCII string one deletion,
// transposition, substitution or insertion away from word (53n+25 of them
// for n letters, some alike), until yield returns false.
func edits1(word string, yield func(string) bool) {
	const letters = "abcdefghijklmnopqrstuvwxyz"
	buf := make([]byte, 0, len(word)+1)
	emit := func(parts ...string) bool {
		buf = buf[:0]
		for _, p := range parts {
			buf = append(buf, p...)
		}
		return yield(string(buf))
	}
	for i := 0; i <= len(word); i++ {
		head, tail := word[:i], word[i:]
		if tail != "" && !emit(head, tail[1:]) {
			return
		}
		if len(tail) > 1 && !emit(head, tail[1:2], tail[:1], tail[2:]) {
			return
		}
		for j := range len(letters) {
			c := letters[j : j+1]
			if tail != "" && c[0] != tail[0] && !emit(head, c, tail[1:]) {
				return
			}
			if !emit(head, c, tail) {
				return
			}
		}
	}
}

func isLowerASCII(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r < 'a' || r > 'z' }) < 0
}

// nearestWord returns the word of the documents closest to word within
// maxDist edits, and whether there is one; ties go to the word in more
// passages, then to the first in alphabetical order. It compares at most
// what is left of the question's maxWordsScanned.
func (s *speller) nearestWord(word string, maxDist int) (string, bool, error) {
	ix := s.e.lex
	best, bestDist, bestDF := "", maxDist+1, 0
	for n := len(word) - maxDist; n <= len(word)+maxDist; n++ {
		for _, w := range ix.wordsByLen[n] {
			if s.scanned++; s.scanned > maxWordsScanned {
				return best, best != "", nil
			}
			if err := stopped(s.ctx, s.scanned); err != nil {
				return "", false, err
			}
			d := editDistance(word, w, maxDist)
			if d > maxDist {
				continue
			}
			df := ix.df(w)
			if d < bestDist || (d == bestDist && (df > bestDF || (df == bestDF && w < best))) {
				best, bestDist, bestDF = w, d, df
			}
		}
	}
	return best, best != "", nil
}

// indexWords lists the plain words among the index's terms (not stems,
// phrases or the terms of initials and references) by length, for
// nearestWord.
func (ix *lexIndex) indexWords() {
	ix.wordsByLen = map[int][]string{}
	for term := range ix.ids {
		if isLowerASCII(term) {
			ix.wordsByLen[len(term)] = append(ix.wordsByLen[len(term)], term)
		}
	}
	for _, ws := range ix.wordsByLen {
		slices.Sort(ws)
	}
}

// editDistance is the optimal-string-alignment distance between two ASCII
// strings (insertions, deletions, substitutions and adjacent
// transpositions), or maxDist+1 when it exceeds maxDist. It fills only the
// band of cells within maxDist of the diagonal, and stops at the first row
// whose every cell exceeds maxDist, so it costs O(len(a)·maxDist).
func editDistance(a, b string, maxDist int) int {
	inf := maxDist + 1
	if d := len(a) - len(b); d > maxDist || -d > maxDist {
		return inf
	}
	// Rows of up to maxCorrectLen+maxEditDist letters live on the stack.
	var rows [3][maxCorrectLen + maxEditDist + 1]int
	prev2, prev, cur := rows[0][:0], rows[1][:0], rows[2][:0]
	if len(b) < len(rows[0]) {
		prev2, prev, cur = prev2[:len(b)+1], prev[:len(b)+1], cur[:len(b)+1]
	} else {
		prev2, prev, cur = make([]int, len(b)+1), make([]int, len(b)+1), make([]int, len(b)+1)
	}
	for j := range prev {
		prev[j] = min(j, inf)
	}
	for i := 1; i <= len(a); i++ {
		lo, hi := max(1, i-maxDist), min(len(b), i+maxDist)
		cur[0] = min(i, inf)
		if lo > 1 {
			cur[lo-1] = inf // outside the band
		}
		rowMin := inf
		if lo == 1 {
			rowMin = cur[0]
		}
		for j := lo; j <= hi; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			rowMin = min(rowMin, cur[j])
		}
		if hi < len(b) {
			cur[hi+1] = inf // outside the band, read by the next row
		}
		if rowMin > maxDist {
			return inf
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[len(b)], inf)
}
