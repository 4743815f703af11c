package redisdedupe

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/redis/go-redis/v9"
)

// RouteLibraryLogs sends go-redis's own log lines (a failed dial, a pool
// retrying) to logger at debug level, instead of the standard logger's
// unstructured stderr lines: the Deduper reports failures itself, through
// its hooks, once per change of status. go-redis keeps one logger for the
// whole process, so a program calls this once.
func RouteLibraryLogs(logger *slog.Logger) {
	redis.SetLogger(libraryLogger{logger})
}

type libraryLogger struct{ l *slog.Logger }

func (l libraryLogger) Printf(ctx context.Context, format string, v ...any) {
	msg := strings.TrimSpace(fmt.Sprintf(format, v...))
	l.l.Log(ctx, slog.LevelDebug, "go-redis: "+strings.TrimPrefix(msg, "redis: "))
}
