package retrieval

import "testing"

// TestCollectionIDs checks that the IDs passages get in chromem-go's
// collection read back as their numbers, and that no other string does.
func TestCollectionIDs(t *testing.T) {
	ids := collectionIDs(12)
	for i, id := range ids {
		if got, ok := passageOf(id, len(ids)); !ok || got != i {
			t.Errorf("passageOf(%q) = %d, %v; want %d", id, got, ok, i)
		}
	}
	for _, id := range []string{"", "12", "-1", "01", "+3", " 3", "3a", "99999999999999999999"} {
		if i, ok := passageOf(id, len(ids)); ok {
			t.Errorf("passageOf(%q) = %d, want none", id, i)
		}
	}
}
