package corpus

import (
	"embed"
	"io/fs"
)

//go:embed seed/*.txt
var seedFS embed.FS

// Seed is the built-in corpus: the China–Peru joint statement of Nov 15,
// 2024, used when no corpus folder is given.
func Seed() fs.FS {
	sub, err := fs.Sub(seedFS, "seed")
	if err != nil {
		panic(err) // the embedded folder is fixed at build time
	}
	return sub
}
