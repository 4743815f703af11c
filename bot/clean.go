package bot

import (
	"regexp"
	"strings"
)

var (
	// chatMarkup matches Slack and Discord tokens that are not words: user,
	// role and channel mentions, special mentions and custom emoji.
	chatMarkup = regexp.MustCompile(`<(?:@[!&]?|#|!)[^>\s]*>|<a?:\w+:\d+>`)
	// slackLink matches Slack's <url|label> links; the label is kept.
	slackLink = regexp.MustCompile(`<(?:https?|mailto):[^|>\s]*\|([^>]*)>`)
	// bareLink matches Slack's <url> links; the URL is kept.
	bareLink = regexp.MustCompile(`<((?:https?|mailto):[^>\s]*)>`)
	// atName matches a leading "@name" a user typed to address the bot.
	atName = regexp.MustCompile(`^(?:@[\w.-]+[\s,:]*)+`)
)

// CleanQuestion removes the chat markup from a question as typed: Slack and
// Discord mention tokens (<@U…>, <@!id>, <@&role>, <#C…|name>, <!here>) and
// custom emoji (<:name:id>), link markup (keeping a link's label, or its
// URL when it has none) and a leading "@name" typed to address the bot. It
// joins runs of white space into one space and trims the result; the words
// and their case are kept. Removing the framing of a question ("what did
// they say about") is the engine's business, not this.
func CleanQuestion(q string) string {
	q = slackLink.ReplaceAllString(q, "$1")
	q = bareLink.ReplaceAllString(q, "$1")
	q = chatMarkup.ReplaceAllString(q, " ")
	q = strings.Join(strings.Fields(q), " ")
	q = atName.ReplaceAllString(q, "")
	return strings.TrimSpace(q)
}

// isHelp reports whether a cleaned question asks for help rather than an
// answer: it is empty, "?" or "help" (in any case, with trailing
// punctuation).
func isHelp(q string) bool {
	q = strings.TrimRight(q, "?!. ")
	return q == "" || strings.EqualFold(q, "help")
}

// AsksForHelp reports whether a question as typed asks for help rather than
// an answer, as Respond decides: once its chat markup is removed it is
// empty, "?" or "help". Adapters that must choose a reply's visibility
// before the reply is ready use it.
func AsksForHelp(question string) bool { return isHelp(CleanQuestion(question)) }
