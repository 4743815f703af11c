// Package synth makes synthetic corpora for benchmarks and timing runs:
// paragraphs of realistic length (2–5 sentences of 12–31 words) whose words
// are drawn with a Zipf distribution from the words of real documents. The
// same size always gives the same text.
package synth

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Sources are the repository's documents whose words make the vocabulary,
// relative to its root.
var Sources = []string{
	"corpus/seed/china-peru-statement.txt",
	"testdata/docs/plastic-pollution/plastic-pollution-strategy.txt",
	"testdata/docs/us-new-zealand/us-new-zealand-joint-statement.txt",
}

// PerDocument is the number of paragraphs of each file WriteCorpus writes.
const PerDocument = 500

var wordRE = regexp.MustCompile(`[A-Za-z]+`)

// Vocabulary returns every word of the Sources under the repository root
// in lower case, most frequent first (ties in alphabetical order).
func Vocabulary(root string) ([]string, error) {
	count := map[string]int{}
	for _, name := range Sources {
		data, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			return nil, err
		}
		for _, w := range wordRE.FindAllString(string(data), -1) {
			count[strings.ToLower(w)]++
		}
	}
	vocab := make([]string, 0, len(count))
	for w := range count {
		vocab = append(vocab, w)
	}
	sort.Slice(vocab, func(i, j int) bool {
		if count[vocab[i]] != count[vocab[j]] {
			return count[vocab[i]] > count[vocab[j]]
		}
		return vocab[i] < vocab[j]
	})
	return vocab, nil
}

// Paragraphs returns n paragraphs made of vocab's words.
func Paragraphs(n int, vocab []string) []string {
	rng := rand.New(rand.NewPCG(1, uint64(n)))
	zipf := rand.NewZipf(rand.New(rand.NewPCG(2, uint64(n))), 1.1, 2, uint64(len(vocab)-1))
	paras := make([]string, n)
	for i := range paras {
		var sb strings.Builder
		for s := 0; s < 2+rng.IntN(4); s++ {
			words := 12 + rng.IntN(20)
			for w := 0; w < words; w++ {
				word := vocab[zipf.Uint64()]
				if w == 0 {
					word = strings.ToUpper(word[:1]) + word[1:]
				}
				sb.WriteString(word)
				if w < words-1 {
					sb.WriteByte(' ')
				}
			}
			sb.WriteString(". ")
		}
		paras[i] = strings.TrimSpace(sb.String())
	}
	return paras
}

// WriteCorpus writes n paragraphs into the folder dir (created; it must not
// exist) as text documents of PerDocument paragraphs, one per line, each
// with a title and a date.
func WriteCorpus(dir string, n int, vocab []string) error {
	if err := os.Mkdir(dir, 0o755); err != nil {
		return err
	}
	paras := Paragraphs(n, vocab)
	for d := 0; d*PerDocument < n; d++ {
		var sb strings.Builder
		fmt.Fprintf(&sb, "Title: Synthetic document %d\nDate: Jan %d, 2025\n\n", d+1, d%28+1)
		for _, p := range paras[d*PerDocument : min(n, (d+1)*PerDocument)] {
			sb.WriteString(p)
			sb.WriteByte('\n')
		}
		name := filepath.Join(dir, fmt.Sprintf("doc-%04d.txt", d+1))
		if err := os.WriteFile(name, []byte(sb.String()), 0o644); err != nil {
			return err
		}
	}
	return nil
}
