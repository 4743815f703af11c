// Command floor measures the least memory a process can use while
// chromem-go holds N passages' D-dimensional vectors the way retrieval
// gives them to it (newCollection in retrieval/engine.go): one collection,
// one AddDocument per passage with the ID package colid gives it, no
// content, no metadata, and an embedding that is a slice of one array of N×D already
// normalized float32s, never copied. With -mmap that array is a file mapped
// read-only, as a loaded index's vectors are; otherwise it is on the heap.
// It runs one QueryEmbedding (which reads every vector) and prints its peak
// and current RSS and their ratio to the raw bytes of the vectors, N×D×4.
// With -empty it does nothing but print the same figures: the Go runtime's
// own floor.
//
// It is a measurement for the lead, not a test, and is not run in CI (it is
// under testdata/, so ./... skips it). Linux only (/proc/self/status). From
// the repository root:
//
//	go run ./testdata/bench/floor -n 100000 -d 100
//	go run ./testdata/bench/floor -n 100000 -d 768 -mmap
//	go run ./testdata/bench/floor -empty
//
// It imports chromem-go, which only retrieval does otherwise, so that the
// figure is chromem-go's own and nothing of quotebot's.
package main

import (
	"context"
	"encoding/binary"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"strings"
	"syscall"
	"unsafe"

	chromem "github.com/philippgille/chromem-go"

	"github.com/quotebot/quotebot/retrieval/colid"
)

func main() {
	n := flag.Int("n", 100000, "number of documents")
	d := flag.Int("d", 100, "dimensions of each vector")
	useMmap := flag.Bool("mmap", false, "keep the vectors in a mapped file (as a loaded index does) instead of the heap")
	empty := flag.Bool("empty", false, "build nothing: measure the Go runtime alone")
	flag.Parse()
	if *empty {
		report("empty program", 0)
		return
	}
	if *n <= 0 || *d <= 0 {
		fmt.Fprintln(os.Stderr, "floor: -n and -d must be positive")
		os.Exit(2)
	}
	vecs, err := vectors(*n, *d, *useMmap)
	if err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
	ctx := context.Background()
	embed := func(context.Context, string) ([]float32, error) { return nil, fmt.Errorf("not used") }
	col, err := chromem.NewDB().CreateCollection("passages", map[string]string{"dim": fmt.Sprint(*d)}, embed)
	if err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
	for i, id := range colid.IDs(*n) {
		v := vecs[i**d : (i+1)**d : (i+1)**d]
		if err := col.AddDocument(ctx, chromem.Document{ID: id, Embedding: v}); err != nil {
			fmt.Fprintln(os.Stderr, "floor:", err)
			os.Exit(1)
		}
	}
	q := make([]float32, *d)
	copy(q, vecs[:*d])
	res, err := col.QueryEmbedding(ctx, q, 10, nil, nil)
	if err != nil || len(res) == 0 {
		fmt.Fprintln(os.Stderr, "floor: query:", err)
		os.Exit(1)
	}
	where := "heap"
	if *useMmap {
		where = "mmap"
	}
	report(fmt.Sprintf("chromem-go n=%d d=%d vectors=%s count=%d", *n, *d, where, col.Count()), int64(*n)*int64(*d)*4)
	runtime.KeepAlive(col)
}

// vectors returns n unit vectors of d random values, on the heap or in a
// temporary file mapped read-only (the file is removed at once; the mapping
// keeps it).
func vectors(n, d int, useMmap bool) ([]float32, error) {
	rng := rand.New(rand.NewPCG(1, 2))
	v := make([]float32, d)
	fill := func(dst []float32) {
		var sum float64
		for k := range v {
			v[k] = float32(rng.NormFloat64())
			sum += float64(v[k]) * float64(v[k])
		}
		inv := 1 / math.Sqrt(sum)
		for k := range v {
			dst[k] = float32(float64(v[k]) * inv)
		}
	}
	if !useMmap {
		out := make([]float32, n*d)
		for i := range n {
			fill(out[i*d : (i+1)*d])
		}
		return out, nil
	}
	f, err := os.CreateTemp("", "floor-vectors-*")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	defer os.Remove(f.Name())
	buf := make([]byte, 0, d*4)
	row := make([]float32, d)
	for range n {
		fill(row)
		buf = buf[:0]
		for _, x := range row {
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(x))
		}
		if _, err := f.Write(buf); err != nil {
			return nil, err
		}
	}
	// Drop the written pages from this process's accounting: the mapping
	// below faults them in as a loaded index's would.
	m, err := syscall.Mmap(int(f.Fd()), 0, n*d*4, syscall.PROT_READ, syscall.MAP_PRIVATE)
	if err != nil {
		return nil, err
	}
	return unsafe.Slice((*float32)(unsafe.Pointer(&m[0])), n*d), nil
}

// report prints peak and current RSS from /proc/self/status, and their
// ratio to raw bytes when that is not 0.
func report(what string, raw int64) {
	st, err := os.ReadFile("/proc/self/status")
	if err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
	field := func(name string) int64 {
		for _, line := range strings.Split(string(st), "\n") {
			if rest, ok := strings.CutPrefix(line, name+":"); ok {
				var kb int64
				fmt.Sscan(rest, &kb)
				return kb * 1024
			}
		}
		return 0
	}
	hwm, rss := field("VmHWM"), field("VmRSS")
	anon, file := field("RssAnon"), field("RssFile")
	fmt.Printf("%s\n  peak RSS %.1f MB, RSS %.1f MB (anon %.1f MB, file %.1f MB)", what, mbOf(hwm), mbOf(rss), mbOf(anon), mbOf(file))
	if raw > 0 {
		fmt.Printf(", vectors %.1f MB, peak/vectors %.2f, RSS/vectors %.2f", mbOf(raw), float64(hwm)/float64(raw), float64(rss)/float64(raw))
	}
	fmt.Println()
}

func mbOf(b int64) float64 { return float64(b) / (1 << 20) }
