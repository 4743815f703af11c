package retrieval

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Answer types. A question that asks "when" wants a passage that holds a
// time, one that asks "how much" or "how many" a passage that holds a
// quantity; the answer type signal (signals.go) prefers such passages. The
// question's type is read from its interrogative wording, the passage's
// from a small scanner of dates and numbers that skips the document's own
// labels and references ("(iii)", "1.", "Article 102", "§ 105"). Both are
// general English, tied to no document.

// answerType is the kind of answer a question's wording asks for.
type answerType uint8

const (
	// untyped questions ask for no particular kind of answer; the signal
	// is 0 for all their candidates and costs nothing.
	untyped answerType = iota
	// timeAnswer: a date, a year, a weekday or a delay ("within 30 days").
	timeAnswer
	// quantityAnswer: a sum, a share, a measure or a count.
	quantityAnswer
)

func (t answerType) String() string {
	switch t {
	case timeAnswer:
		return "time"
	case quantityAnswer:
		return "quantity"
	}
	return "none"
}

var (
	// typeLeadIn is what people put before the interrogative of a
	// question ("so", "tell me", "do you know", "in").
	typeLeadIn = `^(?:(?:so|and|but|also|then|well|ok|okay|hey|hi|hello|please|quick question)[\s,:!]+|` +
		`(?:(?:can|could|would) you (?:please )?)?(?:tell|show) me |do you know |(?:any|an) idea |` +
		`i (?:want|would like|need) to know |i'd like to know |i wonder |i was wondering )*` +
		`(?:(?:in|on|by|until|till|from|since|at|for|to|as of) )?`
	// timeQuestion matches the wording of a question asking when.
	timeQuestion = regexp.MustCompile(typeLeadIn + `(?:when\b|how soon\b|how long ago\b|` +
		`(?:what|which) (?:year|years|date|dates|day|days|month|months|time|deadline|timeline|time ?frame|period)\b|` +
		`what(?:'s|’s| is| was| are| were| will be) the (?:deadline|due date|date|dates|timeline|timetable|time ?frame|start date|end date|effective date|year)\b)`)
	// quantityQuestion matches the wording of a question asking how much,
	// how many or how far.
	quantityQuestion = regexp.MustCompile(typeLeadIn + `(?:how (?:much|many|far|long|big|large|old|high|low|tall|wide|deep|heavy|expensive|costly)\b|` +
		`what (?:percentage|percent|share|proportion|fraction|amount|amounts|number|sum|total|size|cost|price|quantity)\b|` +
		`what(?:'s|’s| is| was| are| were| will be) the (?:percentage|percent|share|proportion|fraction|amount|number|sum|total|size|cost|price|quantity|maximum|minimum|limit|cap)\b)`)
)

// questionType is the answer type question's wording asks for: the first
// of its clauses (split at , ; : and dashes) that starts, after a lead-in
// such as "so" or "tell me", with an interrogative of time or quantity
// decides. question is the raw question: NormalizeQuestion may have
// removed its interrogative with the framing ("when did they agree to").
func questionType(question string) answerType {
	q := strings.ToLower(question)
	if len(q) > MaxQuestionLen*utf8.UTFMax {
		q = q[:MaxQuestionLen*utf8.UTFMax]
	}
	for clause := range strings.FieldsFuncSeq(q, func(r rune) bool {
		return r == ',' || r == ';' || r == ':' || r == '—' || r == '–' || r == '?' || r == '!' || r == '(' || r == ')'
	}) {
		clause = strings.Join(strings.Fields(clause), " ")
		switch {
		case timeQuestion.MatchString(clause):
			return timeAnswer
		case quantityQuestion.MatchString(clause):
			return quantityAnswer
		}
	}
	return untyped
}

// ntok is a token of the answer scanner: a run of letters and digits
// (inner apostrophes kept), with its byte span in the text.
type ntok struct {
	s          string
	start, end int
	// num marks a token that starts with a digit; "1,000" and "2.5" are
	// one token.
	num bool
}

// scanTokens splits text into the scanner's tokens.
func scanTokens(text string) []ntok {
	var out []ntok
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !isWordRune(r) {
			i += size
			continue
		}
		start, num := i, unicode.IsDigit(r)
		j := i + size
		for j < len(text) {
			r, size := utf8.DecodeRuneInString(text[j:])
			if isWordRune(r) {
				j += size
				continue
			}
			// A number's inner comma or dot, and a word's inner
			// apostrophe, join when a digit or letter follows.
			if j+size < len(text) {
				r2, _ := utf8.DecodeRuneInString(text[j+size:])
				if (num && (r == ',' || r == '.') && unicode.IsDigit(r2)) || (!num && (r == '\'' || r == '’') && unicode.IsLetter(r2)) {
					j += size
					continue
				}
			}
			break
		}
		out = append(out, ntok{s: text[start:j], start: start, end: j, num: num})
		i = j
	}
	return out
}

var (
	months = toSet(`january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec`)
	weekdays  = toSet(`monday tuesday wednesday thursday friday saturday sunday`)
	timeUnits = toSet(`day days week weeks month months year years hour hours decade decades`)
	// timeAfter are the words after "N days" that make it a delay.
	timeAfter = toSet(`after before following from of prior`)
	// magnitudes make the number before them a quantity ("3 million").
	magnitudes = toSet(`percent percentage hundred thousand million billion trillion dozen`)
	// writtenNumbers are the numbers written out that count as a quantity;
	// "one" is left out, being more often a pronoun.
	writtenNumbers = toSet(`two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand
million billion trillion dozen half`)
	ordinals = toSet(`first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth
fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth thirtieth last`)
	// refWords number a document's parts and other documents: the number
	// after them is a reference, not an answer.
	refWords = toSet(`article articles art section sections sec secs paragraph paragraphs para paras chapter
chapters part parts title titles clause clauses item items law laws act order orders no nos number rule rules annex
annexes appendix schedule page pages p pp resolution resolutions regulation regulations subsection subparagraph
amendment amendments u.s.c usc c.f.r cfr e.o eo volume vol figure fig table step phase tier principle principles
recommendation recommendations goal goals objective objectives action actions priority priorities pillar pillars
question questions note notes point points division subtitle subpart line lines`)
)

// hasAnswerOf reports whether text holds an answer of type t: for
// timeAnswer a date, a year, a weekday or a delay, for quantityAnswer a
// number with a unit, a currency, a percentage or a noun, or a number
// written out. Labels and references do not count. Only the first
// maxAnswerScan bytes are read.
func hasAnswerOf(text string, t answerType) bool {
	if t == untyped {
		return false
	}
	if len(text) > maxAnswerScan {
		text = text[:maxAnswerScan]
	}
	toks := scanTokens(text)
	at := isQuantityAt
	if t == timeAnswer {
		at = isTimeAt
	}
	for i := range toks {
		if at(text, toks, i) {
			return true
		}
	}
	return false
}

// isTimeAt reports whether a time starts at toks[i] of text.
func isTimeAt(text string, toks []ntok, i int) bool {
	tk := toks[i]
	w := strings.ToLower(tk.s)
	if !tk.num {
		if !isCapitalized(tk.s) {
			// "within 30 days", "the first day of December".
			switch {
			case w == "within" && i+1 < len(toks) && isCount(toks[i+1]) && i+2 < len(toks):
				return timeUnits[strings.ToLower(unitAfterCount(toks, i+1).s)]
			case ordinals[w] && i+3 < len(toks) && strings.EqualFold(toks[i+1].s, "day") && strings.EqualFold(toks[i+2].s, "of"):
				return months[strings.ToLower(toks[i+3].s)] && isCapitalized(toks[i+3].s)
			}
			return isDelayAt(toks, i)
		}
		if weekdays[w] {
			return true
		}
		if months[w] {
			// "December 31", "March 2024", "5 January".
			if i+1 < len(toks) && toks[i+1].num && (isDayOfMonth(toks[i+1].s) || isYear(toks[i+1].s)) {
				return true
			}
			return i > 0 && toks[i-1].num && isDayOfMonth(toks[i-1].s)
		}
		return isDelayAt(toks, i)
	}
	if isYear(tk.s) && !isReference(text, toks, i) && !inCode(text, tk) {
		return true
	}
	return isDelayAt(toks, i)
}

// isDelayAt reports whether toks[i] is the count of a delay: "30 days
// after", "thirty (30) days before".
func isDelayAt(toks []ntok, i int) bool {
	if !isCount(toks[i]) {
		return false
	}
	u := unitAfterCount(toks, i)
	k := u.start
	if !timeUnits[strings.ToLower(u.s)] {
		return false
	}
	for j := i + 1; j < len(toks); j++ {
		if toks[j].start > k {
			return timeAfter[strings.ToLower(toks[j].s)]
		}
	}
	return false
}

// unitAfterCount is the word after the count at toks[i], past a repeat of
// the count in digits ("thirty (30) days") and "calendar", "business" or
// "working"; the zero ntok when there is none.
func unitAfterCount(toks []ntok, i int) ntok {
	j := i + 1
	if j < len(toks) && toks[j].num && !toks[i].num {
		j++
	}
	if j < len(toks) {
		switch strings.ToLower(toks[j].s) {
		case "calendar", "business", "working", "full", "consecutive":
			j++
		}
	}
	if j < len(toks) {
		return toks[j]
	}
	return ntok{}
}

// isCount reports whether tk is a count: digits, or a number written out.
func isCount(tk ntok) bool {
	return tk.num && isNumber(tk.s) || writtenNumbers[strings.ToLower(tk.s)] || strings.EqualFold(tk.s, "one")
}

// isQuantityAt reports whether a quantity starts at toks[i] of text.
func isQuantityAt(text string, toks []ntok, i int) bool {
	tk := toks[i]
	if !tk.num {
		w := strings.ToLower(tk.s)
		if !writtenNumbers[w] {
			return false
		}
		// A number written out counts before a word of content or a
		// magnitude ("two billion", "three states"), and after a
		// hyphen ("twenty-five").
		if i+1 < len(toks) {
			n := strings.ToLower(toks[i+1].s)
			return magnitudes[n] || writtenNumbers[n] || !isStopword(n)
		}
		return false
	}
	if !isNumber(tk.s) {
		return false
	}
	if isReference(text, toks, i) || isLabel(text, tk) || inCode(text, tk) {
		return false
	}
	before := strings.TrimRight(text[:tk.start], " \u00a0")
	if strings.HasSuffix(before, "$") || strings.HasSuffix(before, "€") || strings.HasSuffix(before, "£") {
		return true
	}
	after := strings.TrimLeft(text[tk.end:], " \u00a0")
	if strings.HasPrefix(after, "%") {
		return true
	}
	if i+1 >= len(toks) || toks[i+1].start != tk.end+len(text[tk.end:])-len(after) {
		return false
	}
	n := toks[i+1]
	w := strings.ToLower(n.s)
	if magnitudes[w] {
		return true
	}
	// A number before a word of content in lower case: "30 days",
	// "12 states", "5 tonnes". A year is not a count ("by 2030 emissions").
	if isYear(tk.s) || n.num || isCapitalized(n.s) || isStopword(w) || months[w] {
		return false
	}
	return true
}

// isReference reports whether the number toks[i] numbers something: it
// follows a reference word ("Article 102", "Sec. 3", "Public Law 102-477")
// or a section sign ("§ 105").
func isReference(text string, toks []ntok, i int) bool {
	tk := toks[i]
	before := strings.TrimRight(text[:tk.start], " \u00a0")
	if strings.HasSuffix(before, "§") || strings.HasSuffix(before, "¶") || strings.HasSuffix(before, "#") {
		return true
	}
	if i == 0 {
		return false
	}
	prev := toks[i-1]
	gap := text[prev.end:tk.start]
	if strings.Trim(gap, " .\u00a0") != "" {
		return false
	}
	return refWords[strings.ToLower(prev.s)]
}

// isLabel reports whether the number tk labels an item of a list: "(3)",
// "3)", or "3." where a sentence or the text starts.
func isLabel(text string, tk ntok) bool {
	prev, _ := utf8.DecodeLastRuneInString(text[:tk.start])
	next, size := utf8.DecodeRuneInString(text[tk.end:])
	if next == ')' || next == ']' {
		return true
	}
	if next == '.' {
		after, _ := utf8.DecodeRuneInString(text[tk.end+size:])
		if tk.end+size == len(text) || unicode.IsSpace(after) {
			before := strings.TrimRight(text[:tk.start], " \u00a0")
			last, _ := utf8.DecodeLastRuneInString(before)
			return before == "" || strings.ContainsRune(".;:(\n", last)
		}
	}
	return prev == '('
}

// inCode reports whether the number tk is part of a code or a reference
// joined by a hyphen or slash to another number ("102-477", "2019/904").
func inCode(text string, tk ntok) bool {
	joined := func(s string) bool {
		return len(s) >= 2 && (s[0] == '-' || s[0] == '/') && s[1] >= '0' && s[1] <= '9'
	}
	if joined(text[tk.end:]) {
		// A range of years ("2023-2025") is a time.
		rest := text[tk.end+1:]
		return !(isYear(tk.s) && len(rest) >= 4 && isYear(rest[:4]))
	}
	if tk.start >= 2 {
		c, d := text[tk.start-1], text[tk.start-2]
		if (c == '-' || c == '/') && d >= '0' && d <= '9' {
			return !(isYear(tk.s) && tk.start >= 5 && isYear(text[tk.start-5:tk.start-1]))
		}
	}
	return false
}

// isYear reports whether s is a year from 1800 to 2099.
func isYear(s string) bool {
	if len(s) != 4 {
		return false
	}
	for i := range 4 {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s >= "1800" && s <= "2099"
}

// isDayOfMonth reports whether s is a day of a month: 1 to 31, or its
// ordinal ("1st", "31st").
func isDayOfMonth(s string) bool {
	s = strings.TrimRight(strings.ToLower(s), "stndrh")
	if len(s) == 0 || len(s) > 2 {
		return false
	}
	n := 0
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n >= 1 && n <= 31
}

// answersType reports whether passage i answers q's type where it answers
// q: its sentence that covers the most of q's content holds an answer of
// the type q.want. A passage that holds a date in another sentence ("within
// 60 days" of a different duty) does not count.
func (e *Engine) answersType(q query, i int) bool {
	if !answerTypeBySentence {
		return hasAnswerOf(e.passages.text(i), q.want)
	}
	p := e.passages.passage(i)
	best, bestShare := -1, 0.0
	for k, s := range p.Sentences {
		terms := e.an.termSet(p.Text[s.Start:s.End])
		if sh := q.share(q.credits(func(t string) bool { return terms[t] })); sh > bestShare {
			best, bestShare = k, sh
		}
	}
	if best < 0 {
		return false
	}
	s := p.Sentences[best]
	return hasAnswerOf(p.Text[s.Start:s.End], q.want)
}

// answerTypeBySentence chooses what the signal reads: the passage's best
// sentence (true) or its whole text. Measured on the development sets, both
// changed no first-right answer at weights up to 0.2 (README.md, "Measured
// and not kept").
const answerTypeBySentence = true
