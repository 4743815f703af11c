package colid

import "testing"

// TestIDs checks that the IDs passages get in chromem-go's
// collection read back as their numbers, and that no other string does.
func TestIDs(t *testing.T) {
	ids := IDs(12)
	for i, id := range ids {
		if got, ok := Passage(id, len(ids)); !ok || got != i {
			t.Errorf("Passage(%q) = %d, %v; want %d", id, got, ok, i)
		}
	}
	for _, id := range []string{"", "12", "-1", "01", "+3", " 3", "3a", "99999999999999999999"} {
		if i, ok := Passage(id, len(ids)); ok {
			t.Errorf("Passage(%q) = %d, want none", id, i)
		}
	}
}
