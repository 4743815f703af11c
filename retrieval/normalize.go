package retrieval

import (
	"regexp"
	"strings"
)

var (
	// boilerplate matches the framing people put before the topic of a
	// question about a document ("what did they say about", "did the
	// statement mention", "anything on", "tell me about"). It is general
	// chat English, not tied to any document.
	boilerplate = regexp.MustCompile(`(?i)^(?:` + strings.Join([]string{
		`(?:so|and|ok|okay|hey|hi|hello|please|quick question)[\s,:!]+`,
		`(?:can|could|would) you (?:please )?(?:tell me|show me|find|quote|give me)(?: (?:what|anything|something))?(?: (?:about|on|regarding))?(?:\s+|$)`,
		`(?:please )?(?:tell me|show me|find|quote|give me)(?: (?:what|anything|something))?(?: (?:about|on|regarding))?(?:\s+|$)`,
		`(?:what|how|where|when|why)(?:'s| is| are| was| were| did| does| do| will| would| can| could| has| have)? (?:they|it|he|she|we|you|the (?:\w+ ){0,2}?(?:statement|document|text|declaration|report|minutes|policy|paper|agreement|parties|sides|countries|leaders|two))(?: \w+)? (?:say|said|says|mention|mentioned|state|stated|write|wrote|note|noted|announce|announced|discuss|discussed|agree|agreed|decide|decided|think|talk|talked)(?: about| on| regarding| concerning| of)?(?:\s+|$)`,
		`(?:did|does|do|was|were|is|are|has|have)(?: there)? (?:they|it|he|she|we|the (?:\w+ ){0,2}?(?:statement|document|text|declaration|report|minutes|policy|paper|parties|sides|countries|leaders|two))?\s*(?:say|said|mention|mentioned|discuss|discussed|talk|talked|cover|covered|address|addressed|touch|touched|anything|something)(?: about| on| upon| regarding)?(?:\s+|$)`,
		`(?:is|was) there (?:anything|something|a (?:word|mention|part|section|paragraph))(?: about| on| regarding| concerning)?(?:\s+|$)`,
		`(?:anything|something|any mention|any word|more)(?: (?:at all|said|written|mentioned))? (?:about|on|regarding|concerning|for|of)(?:\s+|$)`,
		`(?:what|how) about(?:\s+|$)`,
		`(?:what(?:'s| is| are| was| were)) (?:their|the|its|his|her|our) (?:position|stance|view|take|line|policy|opinion|plan|plans)(?: on| about| regarding| towards?| concerning)?(?:\s+|$)`,
		`(?:what|which) (?:do|does|did) (?:they|it|the \w+) (?:say|think)(?:\s+|$)`,
		`(?:i (?:want|would like|need) to know|i wonder|i was wondering)(?: what| if| whether)?(?: they| it)?(?: (?:said|say|mentioned))?(?: about| on)?(?:\s+|$)`,
	}, "|") + `)+`)
	trailingPunct = regexp.MustCompile(`[\s?!.,;:]+$`)
)

// NormalizeQuestion strips the framing before the topic of a question
// ("what did they say about", "did they mention", "anything on") and the
// punctuation after it, and joins runs of white space. The result keeps the
// user's words and case; it is empty when nothing but framing was asked.
// Chat markup (mentions, links, emoji) is not its business: bot.CleanQuestion
// removes it before a question reaches the engine.
func NormalizeQuestion(q string) string {
	q = strings.Join(strings.Fields(q), " ")
	q = trailingPunct.ReplaceAllString(q, "")
	if loc := boilerplate.FindStringIndex(q); loc != nil {
		q = q[loc[1]:]
	}
	return strings.TrimSpace(q)
}
