package slackbot

import (
	"fmt"
	"testing"
	"time"
)

func TestDedupe(t *testing.T) {
	now := fixedNow
	d := newDedupe(time.Hour, 3, func() time.Time { return now })

	if !d.claim("Ev1") {
		t.Fatal("a new id was not claimed")
	}
	if d.claim("Ev1") {
		t.Error("an id being answered was claimed twice")
	}
	d.done("Ev1", true)
	now = now.Add(59 * time.Minute)
	if d.claim("Ev1") {
		t.Error("an answered id was claimed again within the hour")
	}
	now = now.Add(time.Minute)
	if !d.claim("Ev1") {
		t.Error("an answered id was still held after an hour")
	}

	if !d.claim("Ev2") {
		t.Fatal("a new id was not claimed")
	}
	d.done("Ev2", false)
	if !d.claim("Ev2") {
		t.Error("a released id (never answered) was not claimed again")
	}
	if d.claim("Ev2") {
		t.Error("a reclaimed id was claimed twice")
	}

	if !d.claim("") || !d.claim("") {
		t.Error("events without an id must always be answered")
	}
}

func TestDedupeBounded(t *testing.T) {
	now := fixedNow
	d := newDedupe(time.Hour, 100, func() time.Time { return now })
	for i := range 1000 {
		id := fmt.Sprintf("Ev%d", i)
		if !d.claim(id) {
			t.Fatalf("%s not claimed", id)
		}
		if i%2 == 0 {
			d.done(id, false) // released ids leave stale entries in order
		}
	}
	if len(d.seen) > 100 || len(d.order) > 200 {
		t.Errorf("holds %d ids and %d claims, want at most 100 and 200", len(d.seen), len(d.order))
	}
	if d.claim("Ev999") {
		t.Error("the newest id was forgotten")
	}
	if !d.claim("Ev1") {
		t.Error("the oldest id was kept past the bound")
	}
}
