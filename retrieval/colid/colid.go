// Package colid is how retrieval names passages in its chromem-go
// collection: by their numbers, 0 to n-1, in decimal. The collection is
// rebuilt at every load and never saved, so the names are retrieval's own
// choice; numbers let a search result lead straight back to its passage
// with no table from IDs to passages. It is a package of its own so that
// the memory-floor program (testdata/bench/floor) adds documents exactly as
// retrieval does without importing retrieval.
package colid

import "strconv"

// IDs returns the IDs of n passages. The strings share one allocation, so
// they cost the collection a few bytes a passage and the collector nothing
// to scan.
func IDs(n int) []string {
	var buf []byte
	ends := make([]int, n)
	for i := range n {
		buf = strconv.AppendInt(buf, int64(i), 10)
		ends[i] = len(buf)
	}
	all := string(buf)
	ids := make([]string, n)
	start := 0
	for i, end := range ends {
		ids[i], start = all[start:end], end
	}
	return ids
}

// Passage returns the passage number an ID (IDs) names, false for one that
// names none of n passages.
func Passage(id string, n int) (int, bool) {
	if id == "" || len(id) > 1 && id[0] == '0' {
		return 0, false
	}
	i := 0
	for _, c := range []byte(id) {
		if c < '0' || c > '9' || i > (n-int(c-'0'))/10 {
			return 0, false
		}
		i = i*10 + int(c-'0')
	}
	return i, i < n
}
