package main

import (
	"runtime/debug"
	"strings"
)

// versionLine is what `quotebot --version` prints: "quotebot", the module
// version the binary was built as (v1.2.0 when installed with go install
// …@v1.2.0; a pseudo-version such as v0.0.0-20261130002357-3ca94f6abcde+dirty
// when built in a clone with a Go that stamps one; "(devel)" when none was
// recorded), then, in parentheses, what the build recorded of its source
// (the VCS revision, shortened to 12 characters, its time, "modified" when
// the work tree had changes) and the Go version. info and ok are
// debug.ReadBuildInfo's.
func versionLine(info *debug.BuildInfo, ok bool) string {
	version := "(devel)"
	if ok && info.Main.Version != "" {
		version = info.Main.Version
	}
	var details []string
	if ok {
		settings := map[string]string{}
		for _, s := range info.Settings {
			settings[s.Key] = s.Value
		}
		if rev := settings["vcs.revision"]; rev != "" {
			details = append(details, "revision "+rev[:min(len(rev), 12)])
		}
		if t := settings["vcs.time"]; t != "" {
			details = append(details, t)
		}
		if settings["vcs.modified"] == "true" {
			details = append(details, "modified")
		}
		if info.GoVersion != "" {
			details = append(details, info.GoVersion)
		}
	}
	if len(details) == 0 {
		return "quotebot " + version
	}
	return "quotebot " + version + " (" + strings.Join(details, ", ") + ")"
}
