package retrieval

import (
	"math"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"

	"github.com/quotebot/quotebot/retrieval/wordnet"
)

// token is one word of a text: its lower-case form and its byte range.
type token struct {
	word       string
	start, end int
}

// tokenize splits s into words: runs of letters and digits, keeping inner
// apostrophes ("don't") and dotted acronyms ("u.s."); hyphens and other
// punctuation separate words. Possessive "'s" is dropped.
func tokenize(s string) []token {
	var toks []token
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isWordRune(r) {
			i += size
			continue
		}
		start := i
		j := i
		// piece is where the text after the token's last dot starts: a
		// dot joins only after a piece of one letter (see isAcronymDot).
		piece := i
		for j < len(s) {
			r, size := utf8.DecodeRuneInString(s[j:])
			if isWordRune(r) {
				j += size
				continue
			}
			// Inner apostrophes and acronym dots join when a word rune follows.
			if (r == '\'' || r == '’' || r == '.') && j+size < len(s) {
				r2, _ := utf8.DecodeRuneInString(s[j+size:])
				if isWordRune(r2) && (r != '.' || isAcronymDot(s, piece, j)) {
					j += size
					if r == '.' {
						piece = j
					}
					continue
				}
			}
			break
		}
		end := j
		// Keep the closing dot of an acronym like "U.S.".
		if end < len(s) && s[end] == '.' && strings.Contains(s[start:end], ".") {
			end++
		}
		word := strings.ToLower(s[start:end])
		word = strings.ReplaceAll(word, "’", "'")
		word = strings.TrimSuffix(word, "'s")
		if word != "" {
			toks = append(toks, token{word: word, start: start, end: end})
		}
		i = j
		if i == start {
			i += size
		}
	}
	return toks
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// isAcronymDot reports whether the dot at s[dot] continues an acronym of
// single letters ("U.S", "e.g"): the piece of the token since its previous
// dot, s[piece:dot], is one letter. Every earlier piece was one letter too,
// or its dot would have ended the token; so checking the last piece alone
// keeps tokenizing linear in a run like "a.b.c.d…".
func isAcronymDot(s string, piece, dot int) bool {
	return utf8.RuneCountInString(s[piece:dot]) == 1
}

// stopwords are English function words and the words people use to frame a
// question about a document ("say", "mention", "anything"); they carry no
// topic, so they are neither indexed nor searched for.
var stopwords = toSet(`a about above after again against all also am an and any anything are aren't as at be
because been before being below between both but by can can't cannot could couldn't did didn't do does doesn't
doing don't down during each either else ever every few for from further get gets got had hadn't has hasn't have
haven't having he he'd he'll he's her here here's hers herself him himself his how how's however i i'd i'll i'm
i've if in into is isn't it it's its itself just let's me more most mustn't my myself neither no nor not now of off
on once only or other ought our ours ourselves out over own please same shan't she she'd she'll she's should
shouldn't so some such than that that's the their theirs them themselves then there there's these they they'd
they'll they're they've this those though through to too under until up upon us very via was wasn't we we'd we'll
we're we've were weren't what what's when when's where where's whether which while who who's whom whose why why's
will with won't would wouldn't yet you you'd you'll you're you've your yours yourself yourselves
say says said saying tell tells told mention mentions mentioned mentioning talk talks talked talking discuss
discusses discussed discussing speak spoke state stated stating note noted something everything nothing stuff
thing things anyone someone regarding concerning re hey hi hello thanks thank ok okay know think
towards toward among amongst within without across along around behind beyond despite except inside outside
per since throughout unlike versus shall must might
position positions stance view views opinion anybody kind sort bit lot really actually like`)

func toSet(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// isStopword reports whether word carries no topic: a stop word, a lone
// letter, or a number of one or two digits.
func isStopword(word string) bool {
	if stopwords[word] {
		return true
	}
	n := utf8.RuneCountInString(word)
	if n == 1 {
		return true
	}
	if n <= 2 && strings.IndexFunc(word, func(r rune) bool { return !unicode.IsDigit(r) }) < 0 {
		return true
	}
	return false
}

// stemPrefix marks a Snowball stem in the term space, so a stem never
// collides with a WordNet lemma.
const stemPrefix = "~"

// analyzer turns words into index terms using WordNet and a Snowball stemmer.
// Terms are WordNet lemmas ("fishery"), multi-word lemmas ("free trade") and
// stems ("~fisheri"). It is safe for concurrent use.
type analyzer struct {
	lex   *wordnet.Lexicon
	total float64

	mu    sync.RWMutex
	cache map[string]wordInfo
}

// wordInfo is what the analyzer knows of one word, cached.
type wordInfo struct {
	forms []string
	// specificity is how topical the word is in general English, in (0, 1]:
	// see (*analyzer).specificity.
	specificity float64
	// startsPhrase reports whether a multi-word lemma starts with the word.
	startsPhrase bool
}

func newAnalyzer() *analyzer {
	lex := wordnet.Default()
	return &analyzer{lex: lex, total: float64(lex.TotalTagCount()), cache: map[string]wordInfo{}}
}

// info returns the cached facts about word.
func (a *analyzer) info(word string) wordInfo {
	a.mu.RLock()
	wi, ok := a.cache[word]
	a.mu.RUnlock()
	if ok {
		return wi
	}
	lemmas := a.lex.Lemmas(word)
	forms := make([]string, 0, len(lemmas)+2)
	if len(lemmas) == 0 {
		forms = append(forms, word)
	}
	forms = append(forms, lemmas...)
	if !strings.Contains(word, ".") {
		forms = append(forms, stemPrefix+english.Stem(word, true))
	}
	wi = wordInfo{forms: forms, specificity: a.specificity(lemmas), startsPhrase: a.lex.IsPhrasePrefix(word)}
	if len(word) > maxCachedWordLen {
		return wi
	}
	a.mu.Lock()
	if len(a.cache) >= maxCachedWords {
		clear(a.cache)
	}
	a.cache[word] = wi
	a.mu.Unlock()
	return wi
}

// forms returns the exact terms of one word: its WordNet base forms (or the
// word itself when WordNet does not know it) and its stem.
func (a *analyzer) forms(word string) []string { return a.info(word).forms }

// specificity is how topical a word is in general English, from its most
// common base form's WordNet tag count c (how often its senses occur in
// WordNet's sense-tagged concordance of T tags): (ln(T/(1+c)) / ln T)².
// Everyday words ("make" 0.17, "change" 0.30) weigh less than topical ones
// ("tax" 0.45, "football" 0.64); words WordNet never saw tagged weigh 1.
func (a *analyzer) specificity(lemmas []string) float64 {
	c := 0
	for _, l := range lemmas {
		c = max(c, a.lex.TagCount(l))
	}
	if a.total <= 1 {
		return 1
	}
	x := math.Log(a.total/(1+float64(c))) / math.Log(a.total)
	x = math.Min(1, math.Max(x, 0.05))
	return x * x
}

// phrases returns the multi-word WordNet lemmas formed by consecutive tokens
// of toks, the tokens of text (for example "free trade" in "free trade
// agreement"), each with the index of its first and one past its last
// token. A phrase made only of stop words is skipped, and so is one whose
// words punctuation separates ("coal, oil" is not "coal oil").
func (a *analyzer) phrases(text string, toks []token) []phrase {
	var out []phrase
	maxN := min(a.lex.MaxPhraseWords(), 4)
	for i := range toks {
		for n := 2; n <= maxN && i+n <= len(toks); n++ {
			if !joined(text, toks[i+n-2], toks[i+n-1]) {
				break
			}
			// Stop as soon as no multi-word lemma starts with the words so
			// far (for one word, as the cache knows).
			if n == 2 && !a.info(toks[i].word).startsPhrase || n > 2 && !a.lex.IsPhrasePrefix(joinWords(toks[i:i+n-1])) {
				break
			}
			words := make([]string, n)
			content := false
			for k := 0; k < n; k++ {
				words[k] = toks[i+k].word
				content = content || !isStopword(words[k])
			}
			if !content {
				continue
			}
			p := strings.Join(words, " ")
			if a.lex.IsLemma(p) {
				out = append(out, phrase{text: p, from: i, to: i + n})
				continue
			}
			// Try the base form of the last word: "free trade agreements".
			// Its forms are its lemmas (or the word itself, which gives p
			// again) and its stem.
			for _, l := range a.forms(words[n-1]) {
				if strings.HasPrefix(l, stemPrefix) {
					continue
				}
				q := strings.Join(append(words[:n-1:n-1], l), " ")
				if q != p && a.lex.IsLemma(q) {
					out = append(out, phrase{text: q, from: i, to: i + n})
					break
				}
			}
		}
	}
	return out
}

// joined reports whether only spaces or a hyphen separate two consecutive
// tokens of text, so that they can be words of one lemma.
func joined(text string, a, b token) bool {
	gap := strings.TrimSpace(text[a.end:b.start])
	return gap == "" || gap == "-"
}

func joinWords(toks []token) string {
	if len(toks) == 1 {
		return toks[0].word
	}
	words := make([]string, len(toks))
	for i, t := range toks {
		words[i] = t.word
	}
	return strings.Join(words, " ")
}

// phrase is a multi-word lemma found in a token sequence.
type phrase struct {
	text     string
	from, to int
}

// isName reports whether a word whose forms are forms names a place,
// person or organisation in WordNet (see wordnet.Lexicon.IsName): every
// base form it has is a name.
func (a *analyzer) isName(forms []string) bool {
	n := 0
	for _, f := range forms {
		if strings.HasPrefix(f, stemPrefix) {
			continue
		}
		if !a.lex.IsName(f) {
			return false
		}
		n++
	}
	return n > 0
}
