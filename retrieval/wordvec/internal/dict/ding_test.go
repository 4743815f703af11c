package dict

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
)

func TestDingPhrase(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Nuclear Weapon", "nuclear weapon"},
		{"pull out from sth.", "pull out from"},
		{"take sb.'s place", "take place"},
		{"get sb./sth. going", "get going"},
		{"backward(s) compatibility", "backward compatibility"},
		{"exhaust (end)  section", "exhaust section"},
		{"to resign", "resign"},
		{"sth.", ""},
	}
	for _, tt := range tests {
		if got := dingPhrase(tt.in); got != tt.want {
			t.Errorf("dingPhrase(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDingGroup(t *testing.T) {
	tests := []struct {
		name, article string
		want          []string
	}{
		{
			name: "synonyms and see",
			article: "nuke /njˈuːk/\n [coll.] Atomwaffe <fem>, Kernwaffe <fem> [mil.]\n" +
				"   Synonyms: {atomic weapon}, {Nuclear weapon}\n\n see: {atomic weapons}, {nukes}\n",
			want: []string{"nuke", "atomic weapon", "nuclear weapon"},
		},
		{
			name: "marker, example, one synonym repeating the headword",
			article: "withdraw /wɪθdɹˈɔː/ <v>\nsich zurückziehen <v, refl>\n" +
				"      \"withdraw from a contract\"  - von einem Vertrag zurücktreten\n" +
				"   Synonym: {pull out from sth.}\n   Synonym: {withdraw}\n",
			want: []string{"withdraw", "pull out from"},
		},
		{
			name:    "forms in parentheses, no pronunciation",
			article: "run (ran, run) <v>\nlaufen\n   Synonyms: {jog}\n",
			want:    []string{"run", "jog"},
		},
		{name: "no synonyms", article: "run /ɹˈʌn/\nLauf <masc>\n see: {runs}\n"},
		{name: "information entry", article: "00-database-info\nSynonyms: {a}, {b}\n"},
		{name: "unclosed brace", article: "cat /kat/\nKatze\n   Synonyms: {moggy\n"},
	}
	for _, tt := range tests {
		if got := dingGroup(tt.article); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: dingGroup = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestDing(t *testing.T) {
	dir := t.TempDir()
	writeDictd(t, dir, "freedict-eng-deu",
		"atomic weapon /ɐtˈɒmɪk/\nAtomwaffe <fem>\n   Synonyms: {nuclear weapon}, {nuke}\n",
		"nuke /njˈuːk/\n [coll.] Atomwaffe <fem>\n   Synonyms: {atomic weapon}, {nuclear weapon}\n",
		"run /ɹˈʌn/\nLauf <masc>\n",
		"quit /kwˈɪt/ <v>\naustreten\n   Synonyms: {resign}, {leave}\n",
	)
	groups, err := Ding(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"atomic weapon", "nuclear weapon", "nuke"}, {"quit", "resign", "leave"}}
	if !reflect.DeepEqual(groups, want) {
		t.Errorf("groups = %q, want %q (the nuke group once, none for run)", groups, want)
	}
	if err := os.WriteFile(filepath.Join(dir, "freedict-eng-deu.index"), []byte("word\tZZZZ\tBA\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Ding(dir); err == nil {
		t.Error("Ding with an index span past the end succeeded, want an error")
	}
	if _, err := Ding(t.TempDir()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Ding without its files: err = %v, want one wrapping os.ErrNotExist", err)
	}
}

func TestDingEntries(t *testing.T) {
	groups := [][]string{
		{"nuke", "atomic weapon", "nuclear weapon"},
		{"withdraw", "pull out", "leave", "quit", "resign"},
	}
	lemmas := map[string]bool{"nuclear_weapon": true, "pull_out": true}
	var got []Entry
	DingEntries(groups, lemmas, 3, func(e Entry) { got = append(got, e) })
	want := []Entry{
		{Heads: []string{"nuke", "nuclear_weapon"}, Senses: [][]string{{"atomic", "weapon"}}},
		{Heads: []string{"withdraw", "pull_out", "leave"}, Senses: [][]string{nil}},
		{Heads: []string{"withdraw", "quit", "resign"}, Senses: [][]string{nil}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("entries (at most 3 phrases) = %q, want %q", got, want)
	}
}

const debianDictd = "/usr/share/dictd"

func TestDingDebian(t *testing.T) {
	if _, err := os.Stat(filepath.Join(debianDictd, "freedict-eng-deu.index")); err != nil {
		t.Skip("dict-freedict-eng-deu is not installed:", err)
	}
	groups, err := Ding(debianDictd)
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) < 50000 {
		t.Errorf("%d groups, want Debian's (2022.04.21) 82,418", len(groups))
	}
	for _, want := range [][]string{
		{"withdraw", "resign", "leave", "quit"},
		{"daycare center", "day nursery", "daycare facility for children", "daycare centre"},
	} {
		same := func(g []string) bool {
			return len(g) == len(want) && !slices.ContainsFunc(want, func(w string) bool { return !slices.Contains(g, w) })
		}
		if !slices.ContainsFunc(groups, same) {
			t.Errorf("no group of %q", want)
		}
	}
	nukes := 0
	for _, g := range groups {
		if slices.Contains(g, "nuke") && slices.Contains(g, "nuclear weapon") {
			nukes++
		}
	}
	if nukes != 1 {
		t.Errorf("%d groups with nuke and nuclear weapon, want 1 (each group once)", nukes)
	}
}
