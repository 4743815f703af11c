package main

import (
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
)

// TestHelpOnStdout: every command's --help (and -h) prints its usage and
// flags on standard output, nothing on standard error, and exits 0, so
// `quotebot ask --help | less` works.
func TestHelpOnStdout(t *testing.T) {
	tests := []struct {
		args []string
		want []string // in stdout
	}{
		{[]string{"--help"}, []string{"quotebot ask", "quotebot serve", "quotebot calibrate", "quotebot --version"}},
		{[]string{"-h"}, []string{"quotebot ask"}},
		{[]string{"help"}, []string{"quotebot ask"}},
		{[]string{"ask", "--help"}, []string{"quotebot ask [--top N]", "-top N", "-corpus folder"}},
		{[]string{"ask", "-h"}, []string{"quotebot ask [--top N]"}},
		{[]string{"ask", "what about fish?", "--help"}, []string{"quotebot ask [--top N]"}},
		{[]string{"index", "--help"}, []string{"Usage: quotebot index", "-strict"}},
		{[]string{"eval", "--help"}, []string{"Usage: quotebot eval", "-v"}},
		{[]string{"serve", "--help"}, []string{"Usage: quotebot serve", "-addr address", "QUOTEBOT_API_TOKEN"}},
		{[]string{"calibrate", "--help"}, []string{"Usage: quotebot calibrate", "-sets file"}},
		{[]string{"healthcheck", "--help"}, []string{"Usage: quotebot healthcheck", "-addr address"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, out, errOut := runCLI(t, "", tt.args...)
			if code != 0 || errOut != "" {
				t.Fatalf("exit %d, stderr %q; want 0 and nothing on stderr", code, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

// TestVersion: --version prints one line with the module version and what
// the build recorded of its source, and exits 0.
func TestVersion(t *testing.T) {
	for _, arg := range []string{"--version", "-version", "version"} {
		code, out, errOut := runCLI(t, "", arg)
		if code != 0 || errOut != "" || !regexp.MustCompile(`^quotebot \S+( \(.*\))?\n$`).MatchString(out) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want 0 and one line", arg, code, out, errOut)
		}
	}

	setting := func(kv ...string) []debug.BuildSetting {
		var s []debug.BuildSetting
		for i := 0; i < len(kv); i += 2 {
			s = append(s, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return s
	}
	tests := []struct {
		name string
		info *debug.BuildInfo
		ok   bool
		want string
	}{
		{"no build info", nil, false, "quotebot (devel)"},
		{"go install of a release", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.0"}}, true, "quotebot v1.2.0 (go1.26.8)"},
		{"built in a clone with changes", &debug.BuildInfo{
			GoVersion: "go1.26.8",
			Main:      debug.Module{Version: "v0.0.0-20261130002357-3ca94f6abcde+dirty"},
			Settings:  setting("vcs", "git", "vcs.revision", "3ca94f6abcdef0123456789abcdef0123456789a", "vcs.time", "2026-11-30T00:23:57Z", "vcs.modified", "true"),
		}, true, "quotebot v0.0.0-20261130002357-3ca94f6abcde+dirty (revision 3ca94f6abcde, 2026-11-30T00:23:57Z, modified, go1.26.8)"},
		{"clean tree, no version", &debug.BuildInfo{
			Settings: setting("vcs.revision", "abc123", "vcs.modified", "false"),
		}, true, "quotebot (devel) (revision abc123)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := versionLine(tt.info, tt.ok); got != tt.want {
				t.Errorf("versionLine = %q, want %q", got, tt.want)
			}
		})
	}
}
