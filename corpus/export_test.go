package corpus

import "strings"

// StripControls lets the tests build the text a document's passages are
// verbatim substrings of.
var StripControls = stripControls

// BodyLines is the lines of a text document after its header, which the
// tests check passages against.
func BodyLines(text string) []string {
	_, rest := readHeader(strings.Split(text, "\n"))
	return rest
}
