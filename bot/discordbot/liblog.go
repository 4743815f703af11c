package discordbot

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/bwmarrin/discordgo"
)

// RouteLibraryLogs sends discordgo's own log lines (reconnects, heartbeat
// failures) to logger at the matching level, instead of the standard
// logger's unstructured stderr lines. discordgo keeps one logger for the
// whole process, so a program calls this once, not per Bot.
func RouteLibraryLogs(logger *slog.Logger) {
	discordgo.Logger = func(msgL, caller int, format string, a ...any) {
		msg := strings.TrimSpace(fmt.Sprintf(format, a...))
		logger.Log(context.Background(), libraryLevel(msgL), "discordgo: "+msg)
	}
}

// libraryLevel maps discordgo's levels (LogError = 0 … LogDebug = 3) to
// slog's.
func libraryLevel(msgL int) slog.Level {
	switch msgL {
	case discordgo.LogError:
		return slog.LevelError
	case discordgo.LogWarning:
		return slog.LevelWarn
	case discordgo.LogInformational:
		return slog.LevelInfo
	default:
		return slog.LevelDebug
	}
}
