package retrieval

import (
	"encoding/binary"
	"hash/fnv"
	"runtime"
	"strings"
)

// DocDigests maps each document the engine holds, by ID, to a digest of
// everything the engine answers from in it: its title, date and URL, and
// each passage's ID, paragraph, part, text, section and context, in order.
// Two engines give a document the same digest when it reads the same in
// both, so comparing the maps of the engine before and after a reload
// names the documents added, removed and changed. It walks the passages
// once; a digest is 64 bits of FNV-1a, which detects edits, not forgeries.
func (e *Engine) DocDigests() map[string]uint64 {
	out := map[string]uint64{}
	for _, r := range e.docRanges() {
		h := fnv.New64a()
		field := func(s string) {
			h.Write(binary.LittleEndian.AppendUint64(nil, uint64(len(s))))
			h.Write([]byte(s))
		}
		num := func(n int) { h.Write(binary.LittleEndian.AppendUint64(nil, uint64(n))) }
		field(r.info.Title)
		field(r.info.Date)
		field(r.info.URL)
		for i := r.start; i < r.end; i++ {
			p := e.passages.passage(i)
			field(p.ID)
			num(p.Paragraph)
			num(p.Part)
			field(p.Text)
			field(p.Section)
			field(p.Context)
		}
		out[strings.Clone(r.info.ID)] = h.Sum64()
	}
	runtime.KeepAlive(e) // the IDs are copies (see Hit.detached)
	return out
}
