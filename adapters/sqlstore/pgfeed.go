package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// On PostgreSQL the rows every append used to share — the feed head,
// whose row lock gave positions in commit order but made appends commit
// one at a time, and the running totals, a few hot rows per unit — are no
// longer written by the appends. An append inserts only rows of its own:
// its events' marks in feed_pending (with the project's unit), the first
// with what the append changes in the totals (pgchange.go). The
// sequencer then, in a transaction
// of its own under feed_head's row lock (one sequencer at a time across
// every instance on the database):
//
//   - gives the committed pending events the next feed positions, in seq
//     order, with their webhook deliveries, and moves the head;
//   - folds the changes the marks carry into the totals, in the
//     statement that moves the marks, then drops the duty totals that
//     fall to no project.
//
// A transaction sees only committed marks, so positions go to committed
// events alone and are never taken back: a reader that has seen position
// p never later finds a new event at or below p. Two events of one
// project commit one after the other (the second append reads the
// first's version), so a later version always has a larger seq and a
// later position. Positions are consecutive and in the order the
// sequencer saw the events committed, which for events committed at
// nearly the same time may differ from their commit order.
//
// Every instance runs the sequencer after its own appends commit and once
// a second (for marks an instance left when it stopped), and Feed, Claim
// and Deliveries run it first when marks are pending, so that an event
// acknowledged before a read began is in what the read returns. Stats
// adds the changes of the marks still pending to the totals it reads, in
// one snapshot.

const (
	// sequenceBatch caps the events one sequencer transaction positions.
	sequenceBatch = 10000
	// sequenceTick is how often an instance runs the sequencer unasked.
	sequenceTick = time.Second
	// sequenceDelay is how long the sequencer waits after an append
	// wakes it, for others to commit: one run then positions them all.
	// A read of the feed does not wait for it (it sequences first), nor
	// does Stats (it adds the pending marks' changes); webhook deliveries
	// are written up to this much later. Each run is a transaction with
	// its own commit: at 20 ms they were some 30 a second under load.
	sequenceDelay = 100 * time.Millisecond
	// sequenceTimeout bounds a run of the sequencer goroutine.
	sequenceTimeout = 30 * time.Second
)

const (
	sqlSequenceLock    = `SELECT pos FROM feed_head FOR UPDATE`
	sqlSequenceHead    = `UPDATE feed_head SET pos = pos + $1`
	sqlDropEmptyDuties = `DELETE FROM duty_totals WHERE projects = 0`
)

// sqlSequence moves up to $2 pending marks, in seq order, to the feed at
// the positions after $1 with their webhook deliveries, folds the changes
// they carry into the totals, and returns how many it moved.
func sqlSequence() string {
	return `WITH moved AS (
	  DELETE FROM feed_pending WHERE seq IN (SELECT seq FROM feed_pending ORDER BY seq LIMIT $2)
	  RETURNING seq, unit, project_id, at, ` + pendingChangeColumns + `),
	numbered AS (
	  SELECT seq, unit, project_id, at, $1::bigint + row_number() OVER (ORDER BY seq) AS pos FROM moved),
	f AS (INSERT INTO event_feed (pos, seq) SELECT pos, seq FROM numbered),
	d AS (INSERT INTO webhook_deliveries (webhook_id, pos, project_id, next_at)
	  SELECT w.id, n.pos, n.project_id, n.at FROM numbered n JOIN webhooks w ON w.sees_all <> 0 OR w.unit = n.unit),
	` + sqlFoldChanges("moved") + `
	SELECT count(*) FROM numbered`
}

// Sequence runs the sequencer once on a PostgreSQL store (see above): it
// positions the committed events still pending, up to sequenceBatch of
// them, and folds the changes they carry into the totals. It returns how many events it
// positioned. On SQLite, where appends position their events themselves,
// it does nothing.
func (s *Store) Sequence(ctx context.Context) (int64, error) {
	if s.dialect != Postgres {
		return 0, nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, s.fail(ctx, "sequence", err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after Commit
	var head int64
	if err := tx.QueryRowContext(ctx, sqlSequenceLock).Scan(&head); err != nil {
		return 0, s.fail(ctx, "sequence", err)
	}
	var n int64
	if err := tx.QueryRowContext(ctx, sqlSequence(), head, sequenceBatch).Scan(&n); err != nil {
		return 0, s.fail(ctx, "sequence", err)
	}
	if n > 0 {
		if _, err := tx.ExecContext(ctx, sqlSequenceHead, n); err != nil {
			return 0, s.fail(ctx, "sequence", err)
		}
		if _, err := tx.ExecContext(ctx, sqlDropEmptyDuties); err != nil {
			return 0, s.fail(ctx, "sequence", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, s.fail(ctx, "sequence", err)
	}
	if n > 0 {
		s.changed.fire()
	}
	return n, nil
}

// sequencePending runs the sequencer when events are pending, until none
// committed before the call is left: what reads of the feed and of the
// webhook deliveries call first.
func (s *Store) sequencePending(ctx context.Context) error {
	if s.dialect != Postgres {
		return nil
	}
	for {
		var one int
		err := s.db.QueryRowContext(ctx, `SELECT 1 FROM feed_pending LIMIT 1`).Scan(&one)
		if err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return nil
			}
			return s.fail(ctx, "sequence", err)
		}
		n, err := s.Sequence(ctx)
		if err != nil {
			return err
		}
		if n < sequenceBatch {
			return nil
		}
	}
}

// sequencer runs sequencePending after this instance's appends (woken
// through seqWake) and every sequenceTick, until Close: an idle tick costs
// one read of feed_pending, no transaction. A run under way when
// Close is called finishes first: cancelling it would leave its
// statement running on the server while the store closes.
func (s *Store) sequencer() {
	defer close(s.seqDone)
	repeat(s.seqQuit, s.seqWake, sequenceDelay, sequenceTick, func() {
		ctx, cancel := context.WithTimeout(context.Background(), sequenceTimeout)
		defer cancel()
		if err := s.sequencePending(ctx); err != nil {
			s.logger.Warn("sqlstore: sequencing the feed", "err", err)
		}
	})
}

// wakeSequencer tells the sequencer an append committed.
func (s *Store) wakeSequencer() {
	if s.seqWake == nil {
		return
	}
	select {
	case s.seqWake <- struct{}{}:
	default:
	}
}
