package discordbot

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// TestRouteLibraryLogs checks that discordgo's log lines reach the slog
// logger at their level, with the message formatted. It changes discordgo's
// process-wide logger, so it does not run in parallel and restores it.
func TestRouteLibraryLogs(t *testing.T) {
	prev := discordgo.Logger
	t.Cleanup(func() { discordgo.Logger = prev })
	var buf bytes.Buffer
	RouteLibraryLogs(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))

	tests := []struct {
		level int
		want  string
	}{
		{discordgo.LogError, "level=ERROR"},
		{discordgo.LogWarning, "level=WARN"},
		{discordgo.LogInformational, "level=INFO"},
		{discordgo.LogDebug, "level=DEBUG"},
	}
	for _, tt := range tests {
		buf.Reset()
		discordgo.Logger(tt.level, 1, "error connecting to gateway %s, %s\n", "ws://127.0.0.1:1/gateway", "refused")
		line := buf.String()
		if !strings.Contains(line, tt.want) || !strings.Contains(line, `msg="discordgo: error connecting to gateway ws://127.0.0.1:1/gateway, refused"`) {
			t.Errorf("level %d logged %q, want %s and the formatted message", tt.level, line, tt.want)
		}
	}
}
