package retrieval

import (
	"regexp"
	"strconv"
)

// citedParagraph matches a question that asks for a paragraph by the number
// answers cite it with ("¶8", "paragraph 8", "what does para. 8 say"), once
// NormalizeQuestion has removed the chat framing.
var citedParagraph = regexp.MustCompile(`(?i)^(?:(?:what(?:'s| is)? in|what (?:does|did)|show(?: me)?|read(?: me)?|quote)\s+)?(¶\s*|(?:paragraph|para|par)\.?\s*)(\d{1,4})(?:\s+(?:say|says|said))?$`)

// paragraphRef returns the paragraph number a normalized question asks for
// by citation, if that is all it asks. "paragraph 8" is read that way only
// when the documents do not number paragraphs themselves ("under paragraph 8
// of the rules"); "¶8" always is.
func (e *Engine) paragraphRef(q string) (int, bool) {
	m := citedParagraph.FindStringSubmatch(q)
	if m == nil {
		return 0, false
	}
	if m[1][0] != "¶"[0] {
		if _, used := e.lex.usedRef(refKind("paragraph") + m[2]); used {
			return 0, false
		}
	}
	n, err := strconv.Atoi(m[2])
	return n, err == nil && n > 0
}

// citedAnswer answers a question for paragraph n: every passage numbered n
// (a long paragraph is several passages; several documents may have one),
// in document order, at most top.
func (e *Engine) citedAnswer(ans Answer, n, top int) Answer {
	for i := range e.passages.len() {
		if len(ans.Passages) == top {
			break
		}
		if e.passages.paragraph(i) == n {
			ans.Passages = append(ans.Passages, e.hit(query{}, candidate{idx: i, score: 1}))
		}
	}
	ans.Found = len(ans.Passages) > 0
	if !ans.Found {
		ans.Topics = e.Topics()
	}
	return ans
}
