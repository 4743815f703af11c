package bot

import (
	"fmt"
	"strings"
)

// The replies that quote nothing, in plain text: every surface says the
// same thing and only puts it in its own format (escaping, bold, status
// codes). Reply.Text picks the one for a reply's kind.
const (
	// TooLong is the reply to a question longer than MaxQuestionLen
	// characters.
	TooLong = "That question is too long for me (over 1,000 characters); please ask it in fewer words."
	// Busy is the reply to a question that found every answer slot taken
	// and none freed up in time.
	Busy = "I'm answering a lot of questions right now; please ask again in a moment."
	// RateLimited is the reply to an asker over their rate.
	RateLimited = "You're asking faster than I can answer; try again in a few seconds."
	// Apology is the reply when answering failed (the engine failed, timed
	// out or panicked). The cause goes to the log only.
	Apology = "Sorry, something went wrong while answering. Please try again in a moment."
	// Restarting is the reply to a question that arrives while a chat bot
	// is shutting down.
	Restarting = "Sorry, I am restarting. Please ask again in a moment."
)

// NotCovered is the reply to a question the documents do not answer,
// naming the topics they cover.
func NotCovered(topics []string) string {
	if len(topics) == 0 {
		return "The documents do not cover that."
	}
	return "The documents do not cover that. They cover: " + strings.Join(topics, ", ") + "."
}

// ClosestLead introduces the closest passages of a reply of KindClosest,
// n of them: the documents do not say it in the question's words, so what
// follows is the nearest they come.
func ClosestLead(n int) string {
	if n > 1 {
		return "The documents don't say that in those words. Closest passages:"
	}
	return "The documents don't say that in those words. Closest passage:"
}

// Usage is the help text; command is how the asker invokes the bot ("/ask",
// "@quotebot"), or "" where a question is simply typed (the page).
func Usage(command string, topics []string) string {
	return usage(command, topics, nil)
}

// usage is Usage with esc applied to its plain-text pieces (not to
// command, which is in the platform's format already).
func usage(command string, topics []string, esc func(string) string) string {
	if esc == nil {
		esc = func(s string) string { return s }
	}
	example := "what did they say about fisheries?"
	if command != "" {
		example = command + " " + esc(example)
	} else {
		example = esc(example)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n%s%s", esc("Ask a question about the documents and I quote the passages that answer it, with where they come from."), esc("Example: "), example)
	if len(topics) > 0 {
		b.WriteString("\n" + esc("Topics covered: "+strings.Join(topics, ", ")+"."))
	}
	return b.String()
}
