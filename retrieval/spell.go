package retrieval

import (
	"slices"
	"strings"
)

// Misspellings. People type fast in chat: "infrastucture", "fisheris". A
// question word that neither WordNet nor the documents know is read as the
// word it most likely misspells: a word of the documents one edit away (two
// for long words), else an English word one edit away whose forms or
// relatives the documents use. Words WordNet or the documents know are never
// changed, so a correct question is never rewritten.

// Bounds of spelling correction.
const (
	minCorrectLen   = 4       // shorter words are left alone: too many neighbours
	longWordLen     = 8       // from this length two edits are allowed
	maxWordsScanned = 1 << 18 // bounds the cost of one word on a huge vocabulary
)

// correct returns the word a question word probably misspells, and whether
// there is one.
func (e *Engine) correct(word string, forms []string) (string, bool) {
	n := len([]rune(word))
	if n < minCorrectLen || !isLowerASCII(word) || len(e.an.lex.Lemmas(word)) > 0 {
		return "", false
	}
	for _, f := range forms {
		if e.lex.df(f) > 0 {
			return "", false
		}
	}
	maxDist := 1
	if n >= longWordLen {
		maxDist = 2
	}
	if w, ok := e.lex.nearestWord(word, maxDist); ok {
		return w, true
	}
	return e.nearestEnglish(word)
}

// nearestEnglish returns the English word one edit away from word that the
// documents bear on most: its forms occur in them, else its WordNet
// relatives do; ties go to the word WordNet saw tagged most, then to the
// first in alphabetical order.
func (e *Engine) nearestEnglish(word string) (string, bool) {
	best, bestScore := "", 0
	for _, c := range edits1(word) {
		lemmas := e.an.lex.Lemmas(c)
		if len(lemmas) == 0 {
			continue
		}
		score := 0
		for _, l := range lemmas {
			if e.lex.df(l) > 0 {
				score = max(score, 3)
			}
			for _, r := range e.an.lex.Related(l) {
				if e.lex.df(r.Lemma) > 0 {
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
	}
	// A neighbour the documents do not bear on at all is no better guess
	// than the word as typed.
	return best, bestScore >= 2<<24
}

// edits1 returns the lower-case ASCII strings one deletion, transposition,
// substitution or insertion away from word.
func edits1(word string) []string {
	const letters = "abcdefghijklmnopqrstuvwxyz"
	var out []string
	for i := 0; i <= len(word); i++ {
		head, tail := word[:i], word[i:]
		if tail != "" {
			out = append(out, head+tail[1:])
		}
		if len(tail) > 1 {
			out = append(out, head+string(tail[1])+string(tail[0])+tail[2:])
		}
		for _, c := range letters {
			if tail != "" && byte(c) != tail[0] {
				out = append(out, head+string(c)+tail[1:])
			}
			out = append(out, head+string(c)+tail)
		}
	}
	return out
}

func isLowerASCII(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r < 'a' || r > 'z' }) < 0
}

// nearestWord returns the word of the documents closest to word within
// maxDist edits, and whether there is one; ties go to the word in more
// passages, then to the first in alphabetical order.
func (ix *lexIndex) nearestWord(word string, maxDist int) (string, bool) {
	best, bestDist, bestDF := "", maxDist+1, 0
	scanned := 0
	for n := len(word) - maxDist; n <= len(word)+maxDist; n++ {
		for _, w := range ix.wordsByLen[n] {
			if scanned++; scanned > maxWordsScanned {
				return best, best != ""
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
	return best, best != ""
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
// transpositions), or maxDist+1 when it exceeds maxDist.
func editDistance(a, b string, maxDist int) int {
	if d := len(a) - len(b); d > maxDist || -d > maxDist {
		return maxDist + 1
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
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
		if rowMin > maxDist {
			return maxDist + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[len(b)], maxDist+1)
}
