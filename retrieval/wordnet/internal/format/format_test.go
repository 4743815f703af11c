package format

import "testing"

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
