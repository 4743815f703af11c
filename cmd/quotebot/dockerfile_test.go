package main

import (
	"bytes"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// repoRoot is the repository's root, seen from this package's folder,
// where go test runs.
const repoRoot = "../.."

// dockerStage is one stage of the Dockerfile: its base image, its name
// (after AS) and its instructions.
type dockerStage struct {
	base, name string
	nodes      []*parser.Node
}

// parseDockerfile parses the repository's Dockerfile with BuildKit's own
// parser into its stages.
func parseDockerfile(t *testing.T) []dockerStage {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := parser.Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("parse Dockerfile: %v", err)
	}
	var stages []dockerStage
	for _, n := range res.AST.Children {
		if strings.EqualFold(n.Value, "FROM") {
			a := nodeArgs(n)
			st := dockerStage{base: a[0]}
			if len(a) == 3 && strings.EqualFold(a[1], "AS") {
				st.name = a[2]
			}
			stages = append(stages, st)
			continue
		}
		if len(stages) == 0 {
			continue // ARG before the first FROM
		}
		stages[len(stages)-1].nodes = append(stages[len(stages)-1].nodes, n)
	}
	return stages
}

// nodeArgs is the words of an instruction after its keyword.
func nodeArgs(n *parser.Node) []string {
	var a []string
	for x := n.Next; x != nil; x = x.Next {
		a = append(a, x.Value)
	}
	return a
}

// find returns the stage's instructions of the keyword instr.
func (s dockerStage) find(instr string) []*parser.Node {
	var found []*parser.Node
	for _, n := range s.nodes {
		if strings.EqualFold(n.Value, instr) {
			found = append(found, n)
		}
	}
	return found
}

// env is the stage's ENV settings, unexpanded.
func (s dockerStage) env() map[string]string {
	env := map[string]string{}
	for _, n := range s.find("ENV") {
		a := nodeArgs(n)
		for i := 0; i+1 < len(a); i += 3 { // key, value, "="
			env[a[i]] = a[i+1]
		}
	}
	return env
}

// copies reports whether the stage has COPY with every flag of flags
// (prefix match) from src to dst.
func (s dockerStage) copies(flags []string, src, dst string) bool {
	for _, n := range s.find("COPY") {
		hasFlags := true
		for _, f := range flags {
			hasFlags = hasFlags && slices.ContainsFunc(n.Flags, func(g string) bool { return strings.HasPrefix(g, f) })
		}
		if hasFlags && slices.Equal(nodeArgs(n), []string{src, dst}) {
			return true
		}
	}
	return false
}

// buildArgs is a set of build arguments for shell.Lex.
type buildArgs map[string]string

func (b buildArgs) Get(k string) (string, bool) { v, ok := b[k]; return v, ok }
func (b buildArgs) Keys() []string {
	var keys []string
	for k := range b {
		keys = append(keys, k)
	}
	return keys
}

// expand expands a word of the Dockerfile as BuildKit does, with args.
func expand(t *testing.T, word string, args buildArgs) string {
	t.Helper()
	v, _, err := shell.NewLex('\\').ProcessWord(word, args)
	if err != nil {
		t.Fatalf("expand %q: %v", word, err)
	}
	return v
}

// goBuild is the Dockerfile's go build: the stage that runs it, its
// environment assignments (NAME=value words before the command), its words
// and its output path (-o).
type goBuild struct {
	stage  dockerStage
	env    []string
	words  []string
	output string
}

// findGoBuild returns the Dockerfile's RUN that builds quotebot, split
// into words as the shell does.
func findGoBuild(t *testing.T, stages []dockerStage) goBuild {
	t.Helper()
	for _, st := range stages {
		for _, n := range st.find("RUN") {
			script := strings.Join(nodeArgs(n), " ")
			if !strings.Contains(script, "go build") {
				continue
			}
			words, err := shell.NewLex('\\').ProcessWords(script, buildArgs{})
			if err != nil {
				t.Fatalf("split %q: %v", script, err)
			}
			b := goBuild{stage: st}
			for len(words) > 0 && regexp.MustCompile(`^[A-Z_][A-Z0-9_]*=`).MatchString(words[0]) {
				b.env, words = append(b.env, words[0]), words[1:]
			}
			if len(words) < 2 || words[0] != "go" || words[1] != "build" || slices.ContainsFunc(words, func(w string) bool { return strings.ContainsAny(w, ";&|") }) {
				t.Fatalf("the build RUN %q is not one go build command", script)
			}
			b.words = words
			if i := slices.Index(words, "-o"); i >= 0 && i+1 < len(words) {
				b.output = words[i+1]
			}
			return b
		}
	}
	t.Fatal("no RUN in the Dockerfile runs go build")
	return goBuild{}
}

// TestDockerfile checks the image's shape: a build stage and a final one;
// a static build (CGO_ENABLED=0); a final stage that runs as a non-root
// user; a HEALTHCHECK that runs `quotebot healthcheck` in exec form (the
// image has no shell); the port of QUOTEBOT_ADDR exposed; the index on the
// /data volume; and the optional corpus, whose stand-in holds no document.
func TestDockerfile(t *testing.T) {
	stages := parseDockerfile(t)
	if len(stages) < 2 {
		t.Fatalf("%d stages, want a build stage and a final one", len(stages))
	}
	build := findGoBuild(t, stages)
	final := stages[len(stages)-1]
	if build.stage.name == "" || build.stage.name == final.name {
		t.Fatalf("go build runs in stage %q, want a named stage before the final one", build.stage.name)
	}
	if !slices.Contains(build.env, "CGO_ENABLED=0") && build.stage.env()["CGO_ENABLED"] != "0" {
		t.Errorf("the build runs with %v and stage ENV %v, want CGO_ENABLED=0", build.env, build.stage.env())
	}

	users := final.find("USER")
	switch {
	case len(users) > 0:
		user := nodeArgs(users[len(users)-1])[0]
		if name, _, _ := strings.Cut(user, ":"); name == "root" || name == "0" {
			t.Errorf("the final stage runs as %q", user)
		}
	case !strings.HasPrefix(final.base, "gcr.io/distroless/") || !strings.HasSuffix(final.base, ":nonroot"):
		t.Errorf("the final stage (%s) sets no USER and its base is not a :nonroot distroless image", final.base)
	}

	entry := final.find("ENTRYPOINT")
	if len(entry) != 1 || !entry[0].Attributes["json"] {
		t.Fatal("want one ENTRYPOINT in exec form")
	}
	binary := nodeArgs(entry[0])[0]
	if build.output == "" || !final.copies([]string{"--from=" + build.stage.name}, build.output, binary) {
		t.Errorf("the final stage does not copy the build's output %q to its ENTRYPOINT %q", build.output, binary)
	}
	checks := final.find("HEALTHCHECK")
	if len(checks) != 1 || !checks[0].Attributes["json"] || !slices.Equal(nodeArgs(checks[0]), []string{"CMD", binary, "healthcheck"}) {
		t.Errorf("want HEALTHCHECK CMD [%q, \"healthcheck\"] in exec form", binary)
	}

	env := final.env()
	_, port, _ := strings.Cut(env["QUOTEBOT_ADDR"], ":")
	exposed := false
	for _, n := range final.find("EXPOSE") {
		exposed = exposed || slices.Contains(nodeArgs(n), port) || slices.Contains(nodeArgs(n), port+"/tcp")
	}
	if port == "" || !exposed {
		t.Errorf("QUOTEBOT_ADDR=%q: want its port exposed", env["QUOTEBOT_ADDR"])
	}
	volumes := final.find("VOLUME")
	if len(volumes) != 1 || !strings.HasPrefix(env["QUOTEBOT_DB"], nodeArgs(volumes[0])[0]+"/") {
		t.Errorf("QUOTEBOT_DB=%q: want it inside the image's one VOLUME", env["QUOTEBOT_DB"])
	}

	// Without CORPUS the image answers from the built-in statement: its
	// QUOTEBOT_CORPUS is empty, and the folder copied in its place holds
	// nothing quotebot would read.
	if got := expand(t, env["QUOTEBOT_CORPUS"], buildArgs{}); got != "" {
		t.Errorf("without CORPUS, QUOTEBOT_CORPUS=%q, want it empty", got)
	}
	if got := expand(t, env["QUOTEBOT_CORPUS"], buildArgs{"CORPUS": "docs"}); got != "/corpus" || !final.copies([]string{"--from=" + build.stage.name}, got, got) {
		t.Errorf("with CORPUS, QUOTEBOT_CORPUS=%q, want /corpus, copied from the build stage", got)
	}
	var source string
	for _, n := range build.stage.find("COPY") {
		if a := nodeArgs(n); len(a) == 2 && a[1] == "/corpus" {
			source = a[0]
		}
	}
	if got := expand(t, source, buildArgs{"CORPUS": "docs"}); got != "docs" {
		t.Errorf("COPY %s /corpus with CORPUS=docs copies %q", source, got)
	}
	standIn := expand(t, source, buildArgs{})
	err := filepath.WalkDir(filepath.Join(repoRoot, standIn), func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && isDocument(path) {
			t.Errorf("the corpus stand-in holds a document: %s", path)
		}
		return err
	})
	if err != nil {
		t.Errorf("the corpus stand-in %q: %v", standIn, err)
	}
}

// TestDockerfileBuild runs the Dockerfile's go build command, as it
// stands, with only its output moved to a temporary folder, and checks
// that the binary is static (no interpreter, no shared library), since the
// final image has no C library. Then it runs the build stage's index step
// with that binary, with and without CORPUS, and checks that the index it
// bakes, copied where the final stage puts it, is loaded as up to date
// rather than rebuilt.
func TestDockerfileBuild(t *testing.T) {
	stages := parseDockerfile(t)
	build := findGoBuild(t, stages)
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to run the Dockerfile's build with:", err)
	}
	binary := filepath.Join(t.TempDir(), "quotebot")
	words := slices.Clone(build.words)
	words[slices.Index(words, "-o")+1] = binary
	cmd := exec.Command(goTool, words[1:]...)
	cmd.Dir = repoRoot
	cmd.Env = append(os.Environ(), build.env...)
	t.Logf("running the Dockerfile's build: %s %q", strings.Join(build.env, " "), words)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	f, err := elf.Open(binary)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			t.Errorf("the binary has a %v program header: it is not static", p.Type)
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("the binary needs %v", libs)
	}

	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh to run the build stage's index step:", err)
	}
	var step string
	for _, n := range build.stage.find("RUN") {
		if s := strings.Join(nodeArgs(n), " "); strings.Contains(s, build.output+" index") {
			step = s
		}
	}
	if step == "" {
		t.Fatalf("no RUN in the build stage runs %s index", build.output)
	}
	final := stages[len(stages)-1]
	for _, corpusArg := range []string{"", "docs"} {
		t.Run("CORPUS="+corpusArg, func(t *testing.T) {
			dir := t.TempDir()
			paths := map[string]string{"/corpus": filepath.Join(dir, "corpus"), "/out/data": filepath.Join(dir, "out", "data"), "/data": filepath.Join(dir, "data")}
			if err := os.MkdirAll(paths["/corpus"], 0o755); err != nil {
				t.Fatal(err)
			}
			doc := "Title: Harbour notice\n\nThe northern channel will be dredged in spring.\n\nThe ferry runs hourly.\n"
			if err := os.WriteFile(filepath.Join(paths["/corpus"], "notice.txt"), []byte(doc), 0o644); err != nil {
				t.Fatal(err)
			}
			script := strings.NewReplacer(build.output, binary, "/corpus", paths["/corpus"], "/out/data", paths["/out/data"]).Replace(step)
			run := exec.Command(sh, "-c", script)
			run.Env = append(os.Environ(), "CORPUS="+corpusArg, "QUOTEBOT_DB=", "QUOTEBOT_CORPUS=")
			if out, err := run.CombinedOutput(); err != nil {
				t.Fatalf("%s: %v\n%s", script, err, out)
			}
			baked, err := os.ReadDir(paths["/out/data"])
			if err != nil {
				t.Fatal(err)
			}
			if corpusArg == "" {
				if len(baked) != 0 {
					t.Fatalf("without CORPUS the build baked %v", baked)
				}
				return
			}
			// COPY --from=build /out/data /data, then what serve would do
			// with the final stage's QUOTEBOT_CORPUS and QUOTEBOT_DB.
			if !final.copies([]string{"--from=" + build.stage.name, "--chown="}, "/out/data", "/data") {
				t.Fatal("the final stage does not copy /out/data to /data for its user")
			}
			if err := os.CopyFS(paths["/data"], os.DirFS(paths["/out/data"])); err != nil {
				t.Fatal(err)
			}
			env := final.env()
			db := strings.Replace(env["QUOTEBOT_DB"], "/data", paths["/data"], 1)
			corpusDir := paths[expand(t, env["QUOTEBOT_CORPUS"], buildArgs{"CORPUS": corpusArg})]
			code, out, errOut := runCLI(t, "", "index", "--db", db, "--corpus", corpusDir)
			if code != 0 || !strings.Contains(out, "index of 2 passages") || !strings.Contains(out, "is up to date") {
				t.Fatalf("the baked index at %s: exit %d, %s%s; want it up to date", db, code, out, errOut)
			}
		})
	}
}
