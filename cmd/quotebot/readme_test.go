package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadmeSamples: the outputs the README shows are what the program
// prints, so the README cannot drift from it. A change to the answers, the
// topics or the scores of the built-in statement fails it until the README
// shows the new output.
func TestReadmeSamples(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	tests := [][]string{
		{"ask", "what did they say about fisheries?"},
		{"ask", "what did they say about football?"},
		{"ask", "--json", "--top", "1", "what did they say about fisheries?"},
		{"ask", "--json", "what did they say about football?"},
	}
	for _, args := range tests {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, out, errOut := runCLI(t, "", args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if !strings.Contains(string(readme), "\n"+out+"```") {
				t.Errorf("README.md does not show what quotebot %s prints; paste it there as a code block:\n%s", strings.Join(args, " "), out)
			}
		})
	}
}
