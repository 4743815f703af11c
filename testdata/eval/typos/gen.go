//go:build ignore

// Command gen writes the typo sets: each evaluation set's questions with
// one random edit (a deletion, transposition, substitution or insertion,
// never at the first or last letter) in their longest lower-case word of
// six letters or more. Questions without such a word are left out. It is
// deterministic; run it from the repository root:
//
//	go run testdata/eval/typos/gen.go
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

var sets = []string{
	"testdata/seed-questions.jsonl",
	"testdata/eval/plastic-pollution-strategy.jsonl",
	"testdata/eval/us-new-zealand-joint-statement.jsonl",
	"testdata/eval/us-india-joint-statement.jsonl",
	"testdata/eval/east-palestine-executive-order.jsonl",
}

var word = regexp.MustCompile(`[A-Za-z]+`)

func main() {
	rng := rand.New(rand.NewPCG(7, 7))
	for _, path := range sets {
		if err := write(path, rng); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}

func write(path string, rng *rand.Rand) error {
	in, err := os.Open(path)
	if err != nil {
		return err
	}
	defer in.Close()
	var out strings.Builder
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		var q struct {
			Q      string   `json:"q"`
			Expect []string `json:"expect"`
		}
		if err := json.Unmarshal(sc.Bytes(), &q); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		longest := ""
		for _, w := range word.FindAllString(q.Q, -1) {
			if len(w) >= 6 && w == strings.ToLower(w) && len(w) > len(longest) {
				longest = w
			}
		}
		if longest == "" {
			continue
		}
		q.Q = strings.Replace(q.Q, longest, typo(longest, rng), 1)
		line, err := json.Marshal(q)
		if err != nil {
			return err
		}
		out.Write(line)
		out.WriteByte('\n')
	}
	if err := sc.Err(); err != nil {
		return err
	}
	name := filepath.Join("testdata/eval/typos", strings.TrimSuffix(filepath.Base(path), ".jsonl")+".jsonl")
	return os.WriteFile(name, []byte(out.String()), 0o644)
}

func typo(w string, rng *rand.Rand) string {
	i := 1 + rng.IntN(len(w)-2)
	c := string(rune('a' + rng.IntN(26)))
	switch rng.IntN(4) {
	case 0:
		return w[:i] + w[i+1:]
	case 1:
		return w[:i] + string(w[i+1]) + string(w[i]) + w[i+2:]
	case 2:
		return w[:i] + c + w[i+1:]
	default:
		return w[:i] + c + w[i:]
	}
}
