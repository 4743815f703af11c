package format

import (
	"errors"
	"testing"
)

func TestWeight(t *testing.T) {
	tests := []struct {
		name string
		kind uint8
		rank int
		want float32
	}{
		{"synonym of first sense", Synonym, 1, 0.6},
		{"synonym of third sense", Synonym, 3, 0.2},
		{"derived of first sense", Derived, 1, 0.8},
		{"derived of fourth sense", Derived, 4, 0.2},
		{"pertainym of second sense", Pertainym, 2, 0.4},
		{"hypernym of first sense", Hypernym, 1, 0.15},
		{"hyponym of second sense", Hyponym, 2, 0.075},
		{"rank zero", Synonym, 0, 0},
		{"unknown kind", 0, 1, 0},
		{"kind beyond MaxKind", MaxKind + 1, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Weight(tt.kind, tt.rank); got != tt.want {
				t.Errorf("Weight(%d, %d) = %v, want %v", tt.kind, tt.rank, got, tt.want)
			}
		})
	}
}

func TestSlots(t *testing.T) {
	tests := []struct {
		keys int
		want uint32
	}{
		{0, 1},
		{1, 2},
		{2, 4},
		{5, 8},
		{6, 16},
		{147000, 262144},
	}
	for _, tt := range tests {
		got := Slots(tt.keys)
		if got != tt.want {
			t.Errorf("Slots(%d) = %d, want %d", tt.keys, got, tt.want)
		}
		if uint64(tt.keys)*3 > uint64(got)*2 {
			t.Errorf("Slots(%d) = %d: load above 2/3", tt.keys, got)
		}
	}
}

func TestPackRelation(t *testing.T) {
	tests := []struct {
		target uint32
		kind   uint8
		rank   int
	}{
		{0, Synonym, 1},
		{MaxTarget, Derived, MaxRank},
		{147000, Pertainym, 3},
		{MaxTarget, Hyponym, MaxRank},
		{1, Hypernym, 1},
	}
	for _, tt := range tests {
		target, kind, rank := UnpackRelation(PackRelation(tt.target, tt.kind, tt.rank))
		if target != tt.target || kind != tt.kind || rank != tt.rank {
			t.Errorf("UnpackRelation(PackRelation(%d, %d, %d)) = %d, %d, %d", tt.target, tt.kind, tt.rank, target, kind, rank)
		}
	}
}

func TestEntry(t *testing.T) {
	for _, id := range []int{0, 1, MaxIDs} {
		h := Hash("fishery")
		e := Entry(h, id)
		if e == 0 || EntryID(e) != id || EntryTag(e) != Tag(h) {
			t.Errorf("Entry(h, %d) = %#x: ID %d, tag %#x; want ID %d, tag %#x", id, e, EntryID(e), EntryTag(e), id, Tag(h))
		}
	}
	if EntryID(0) != -1 {
		t.Errorf("EntryID(0) = %d, want -1 for an empty slot", EntryID(0))
	}
}

func TestHashPieces(t *testing.T) {
	whole := Hash("fishery")
	if got := HashSum(HashAdd(HashAdd(HashAdd(HashStart, "fisher"), "y"), "")); got != whole {
		t.Errorf("hash of pieces %#x, of the whole %#x", got, whole)
	}
	if Hash("fishery") == Hash("fisherz") {
		t.Error("Hash ignores the last byte")
	}
}

func TestParseHeader(t *testing.T) {
	valid := Header{MaxPhraseWords: 2, TotalTagCount: 9, Lemmas: 1, LemmaBytes: 3, Relations: 0,
		LemmaSlots: 2, PrefixSlots: 1, Exceptions: 0, ExceptionBytes: 0, Bases: 0, ExceptionSlots: 1}
	file := func(h Header, extra int) string {
		return string(h.Append(nil)) + string(make([]byte, int(h.Size())-HeaderSize+extra))
	}
	if got, err := ParseHeader(file(valid, 0)); err != nil || got != valid {
		t.Fatalf("ParseHeader(valid) = %+v, %v; want %+v", got, err, valid)
	}
	with := func(f func(*Header)) Header { h := valid; f(&h); return h }
	tests := []struct {
		name string
		data string
	}{
		{"empty", ""},
		{"wrong magic", "NOPE" + file(valid, 0)[4:]},
		{"trailing byte", file(valid, 1)},
		{"missing byte", file(valid, -1)},
		{"phrases too long", file(with(func(h *Header) { h.MaxPhraseWords = MaxPhraseWords + 1 }), 0)},
		{"table without empty slot", file(with(func(h *Header) { h.LemmaSlots = 1 }), 0)},
		{"table size not a power of two", file(with(func(h *Header) { h.LemmaSlots = 3 }), 0)},
		{"too many lemmas", string(with(func(h *Header) { h.Lemmas = MaxIDs + 1 }).Append(nil))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ParseHeader(tt.data); !errors.Is(err, ErrHeader) {
				t.Errorf("ParseHeader() error %v, want one wrapping ErrHeader", err)
			}
		})
	}
}
