package dict

import (
	"encoding/binary"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// aikWord is one record of a hand-made words.dat.
type aikWord struct {
	spelling string // ':' for a space, as the file spells it
	meanings []uint16
}

// aikWords encodes words.dat records.
func aikWords(ws ...aikWord) []byte {
	var b []byte
	for _, w := range ws {
		b = append(b, w.spelling...)
		b = append(b, 0)
		b = aikList(b, w.meanings...)
	}
	return b
}

// aikList appends big-endian uint16 numbers and the 0xffff end mark.
func aikList(b []byte, ids ...uint16) []byte {
	for _, id := range ids {
		b = binary.BigEndian.AppendUint16(b, id)
	}
	return binary.BigEndian.AppendUint16(b, 0xffff)
}

// aikMeanings encodes meanings.dat groups: two title ids, then the words.
func aikMeanings(groups ...[]uint16) []byte {
	var b []byte
	for _, g := range groups {
		b = aikList(b, g...)
	}
	return b
}

func writeAiksaurus(t *testing.T, words, meanings []byte) string {
	t.Helper()
	dir := t.TempDir()
	for name, b := range map[string][]byte{"words.dat": words, "meanings.dat": meanings} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// tinyWords are four words in two meanings: 0 {leave, pull out, quit}
// titled leave/quit, and 1 {leave, permission} titled leave/permission.
var tinyWords = []aikWord{
	{"leave", []uint16{0, 1}},
	{"permission", []uint16{1}},
	{"pull:out", []uint16{0}},
	{"quit", []uint16{0}},
}

var tinyMeanings = [][]uint16{{0, 3, 0, 2, 3}, {0, 1, 0, 1}}

func TestReadAiksaurus(t *testing.T) {
	tests := []struct {
		name     string
		words    []byte
		meanings []byte
		want     *Thesaurus // nil: want ErrAiksaurusFormat
	}{
		{
			name:     "two meanings",
			words:    aikWords(tinyWords...),
			meanings: aikMeanings(tinyMeanings...),
			want: &Thesaurus{
				Words:        []string{"leave", "permission", "pull out", "quit"},
				Meanings:     []Meaning{{Title: [2]int{0, 3}, Words: []int{0, 2, 3}}, {Title: [2]int{0, 1}, Words: []int{0, 1}}},
				WordMeanings: [][]int{{0, 1}, {1}, {0}, {0}},
			},
		},
		{
			name:     "word without meanings",
			words:    aikWords(aikWord{"alone", nil}),
			meanings: nil,
			want:     &Thesaurus{Words: []string{"alone"}, WordMeanings: [][]int{nil}},
		},
		{"word list without end mark", aikWords(tinyWords...)[:len(aikWords(tinyWords...))-1], aikMeanings(tinyMeanings...), nil},
		{"word without 0 byte", []byte("leave"), aikMeanings(tinyMeanings...), nil},
		{"empty word", aikWords(aikWord{"", []uint16{0}}), aikMeanings([]uint16{0, 0, 0}), nil},
		{"meaning without end mark", aikWords(tinyWords...), aikMeanings(tinyMeanings...)[:6], nil},
		{"meaning without title", aikWords(tinyWords...), aikMeanings([]uint16{0}), nil},
		{"word number out of range", aikWords(tinyWords...), aikMeanings([]uint16{0, 4, 0}), nil},
		{"meaning number out of range", aikWords(aikWord{"leave", []uint16{1}}), aikMeanings([]uint16{0, 0, 0}), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadAiksaurus(writeAiksaurus(t, tt.words, tt.meanings))
			if tt.want == nil {
				if !errors.Is(err, ErrAiksaurusFormat) {
					t.Fatalf("err = %v, want ErrAiksaurusFormat", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestReadAiksaurusMissing(t *testing.T) {
	if _, err := ReadAiksaurus(t.TempDir()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("err = %v, want one wrapping os.ErrNotExist", err)
	}
}

func TestThesaurusEntries(t *testing.T) {
	th := &Thesaurus{
		Words: []string{"draw back", "pull out", "Quit", "withdraw", "a", "b", "c", "d", "e"},
		Meanings: []Meaning{
			{Title: [2]int{3, 2}, Words: []int{0, 1, 2, 3}},
			{Title: [2]int{3, 8}, Words: []int{3, 4, 5, 6, 7, 8}},
			{Title: [2]int{3, 3}, Words: []int{3, 4, 5, 6, 7}},
		},
	}
	lemmas := map[string]bool{"pull_out": true}
	tests := []struct {
		name     string
		maxWords int
		want     []Entry
	}{
		{
			name:     "no split",
			maxWords: 10,
			want: []Entry{
				{Heads: []string{"pull_out", "quit", "withdraw"}, Senses: [][]string{{"draw", "back"}}},
				{Heads: []string{"withdraw", "a", "b", "c", "d", "e"}, Senses: [][]string{nil}},
				{Heads: []string{"withdraw", "a", "b", "c", "d"}, Senses: [][]string{nil}},
			},
		},
		{
			name:     "groups over 4 words split, titles in each part",
			maxWords: 4,
			want: []Entry{
				{Heads: []string{"pull_out", "quit", "withdraw"}, Senses: [][]string{{"draw", "back"}}},
				{Heads: []string{"withdraw", "e", "a", "b"}, Senses: [][]string{nil}},
				{Heads: []string{"withdraw", "e", "c", "d"}, Senses: [][]string{nil}},
				{Heads: []string{"withdraw", "a", "b", "c"}, Senses: [][]string{nil}},
				{Heads: []string{"withdraw", "d"}, Senses: [][]string{nil}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []Entry
			th.Entries(lemmas, tt.maxWords, func(e Entry) { got = append(got, e) })
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

// debianAiksaurus is where Debian's libaiksaurus-1.2-data installs the
// thesaurus.
const debianAiksaurus = "/usr/share/aiksaurus"

// TestAiksaurusDebian reads the installed thesaurus and checks it against
// what the aiksaurus command printed for "withdraw" and, when the command
// is installed, against its output for a few words. It is skipped without
// libaiksaurus-1.2-data.
func TestAiksaurusDebian(t *testing.T) {
	if _, err := os.Stat(filepath.Join(debianAiksaurus, "meanings.dat")); err != nil {
		t.Skip("libaiksaurus-1.2-data is not installed:", err)
	}
	th, err := ReadAiksaurus(debianAiksaurus)
	if err != nil {
		t.Fatal(err)
	}
	if len(th.Words) < 20000 || len(th.Meanings) < 2000 {
		t.Errorf("%d words and %d meanings, want Debian's 25,433 and 2,621", len(th.Words), len(th.Meanings))
	}
	// The first group `aiksaurus withdraw` prints (version 1.2.1).
	want := "=== wince ===\ncringe, draw back, draw in, duck, flinch, pull back, pull in, pull out, retract, shrink, shy, wince, withdraw"
	if got := cliGroups(th, "withdraw"); !strings.HasPrefix(got, want+"\n") {
		t.Errorf("withdraw's groups start\n%s\nwant\n%s", got, want)
	}
	cli, err := exec.LookPath("aiksaurus")
	if err != nil {
		t.Log("the aiksaurus command is not installed; compared one group only")
		return
	}
	for _, w := range []string{"withdraw", "veto", "allowance", "pull out", "clear-cut"} {
		out, err := exec.Command(cli, w).Output()
		if err != nil {
			t.Fatalf("aiksaurus %s: %v", w, err)
		}
		if got, want := cliGroups(th, w), normaliseCLI(string(out)); got != want {
			t.Errorf("%s: parsed\n%s\naiksaurus printed\n%s", w, got, want)
		}
	}
}

// cliGroups formats word's meanings as the aiksaurus command does, less its
// padding: each group headed by its title word that is not word.
func cliGroups(th *Thesaurus, word string) string {
	id := -1
	for i, w := range th.Words {
		if w == word {
			id = i
		}
	}
	if id < 0 {
		return ""
	}
	var b strings.Builder
	for _, m := range th.WordMeanings[id] {
		title := th.Meanings[m].Title[0]
		if title == id {
			title = th.Meanings[m].Title[1]
		}
		words := make([]string, len(th.Meanings[m].Words))
		for i, w := range th.Meanings[m].Words {
			words[i] = th.Words[w]
		}
		b.WriteString("=== " + th.Words[title] + " ===\n" + strings.Join(words, ", ") + "\n")
	}
	return b.String()
}

// normaliseCLI removes the aiksaurus command's padding: the '=' run after a
// title is cut to three, and blank lines dropped.
func normaliseCLI(out string) string {
	var b strings.Builder
	for _, line := range strings.Split(out, "\n") {
		switch {
		case line == "":
		case strings.HasPrefix(line, "=== "):
			b.WriteString(strings.TrimRight(line, "= ") + " ===\n")
		default:
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}
