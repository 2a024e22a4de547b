package lifecycle

import (
	"context"
	"time"

	"github.com/govit-cn/govit/review"
)

// Store keeps projects' events. Implementations: the in-memory MemoryStore
// of this package, and the SQL stores of adapters/sqlstore (SQLite and
// PostgreSQL). An embedder may bring its own and prove it with the
// contract suite in lifecycle/storetest.
//
// Errors:
//   - Load of an unknown project returns an error matching ErrNotFound.
//   - Append whose expected version is not the project's current version
//     returns an error matching ErrConflict (see ConflictError), and
//     appends nothing.
//   - Any other error is the store's own (I/O, context) and leaves the
//     store as it was: an append is all or nothing.
type Store interface {
	// Load returns the project's events in version order.
	Load(ctx context.Context, projectID string) ([]Event, error)
	// Append adds events to a project whose current version is expected
	// (0 for a new project). The events' versions must run consecutively
	// from expected+1. The summary, the project's projection after the
	// events, is written in the same transaction. On success it returns the
	// events as stored, with Seq assigned.
	Append(ctx context.Context, expected int64, events []Event, summary Summary) ([]Event, error)
	// List returns project summaries matching q, ordered by project ID,
	// with a cursor for the next page ("" when there is none).
	List(ctx context.Context, q Query) (page []Summary, next string, err error)
}

// Summary is a project's projection: what lists and overdue queries need
// without replaying events. The engine computes it from the folded
// project; stores only keep it.
type Summary struct {
	ProjectID string `json:"project_id"`
	Name      string `json:"name"`
	Unit      string `json:"unit"`
	Kind      string `json:"kind"`
	State     State  `json:"state"`
	Version   int64  `json:"version"`
	// Approved is the approved investment by funding source (zero until
	// approval).
	Approved review.Budget `json:"approved"`
	// NextDue is the due date (a civil date at midnight Beijing time) of
	// the earliest obligation not yet met, and NextDuty names it; zero
	// and empty when nothing is pending.
	NextDue  time.Time `json:"next_due,omitzero"`
	NextDuty string    `json:"next_duty,omitempty"`
	// UpdatedAt is the time of the last event.
	UpdatedAt time.Time `json:"updated_at"`

	// The figures of Stats, which a store keeps for StatsStore (List need
	// not return them, but for BudgetYear, and JSON leaves them out). BudgetYear is the budget year of the
	// declaration in force (0 when it names none) and Requested the
	// investment it asks for. DeclaredAt is the time of the first
	// declaration, ApprovedAt of the latest approval (zero before the
	// first), and ApprovalWorkdays the Chinese working days between them
	// (meaningful only when ApprovedAt is set; -1 when the calendar
	// cannot count them).
	BudgetYear       int           `json:"-"`
	Requested        review.Budget `json:"-"`
	DeclaredAt       time.Time     `json:"-"`
	ApprovedAt       time.Time     `json:"-"`
	ApprovalWorkdays int           `json:"-"`

	// Duties are the project's duties as Obligations lists them, without
	// their status (which depends on the day asked about), for a
	// DutyReader to keep with the projection; nil when the engine could
	// not count them (then a list loads the project).
	Duties []Obligation `json:"-"`

	// BudgetEntryYear is the year of the latest budget entry (纳入预算,
	// 第七条 for 建设类, 第五条 for 运维类), 0 before any or after a
	// re-declaration. List returns it and BudgetYear: the budget-year
	// filter (Query.BudgetYear) reads them.
	BudgetEntryYear int `json:"-"`
}

// Query filters List. Zero fields do not filter.
type Query struct {
	Unit  string
	State State
	Kind  string
	// DueBefore keeps projects whose NextDue is before this instant
	// (strictly): with the start of today in Beijing it lists the overdue.
	DueBefore time.Time
	// BudgetYear keeps the projects of a budget year: those whose
	// declaration in force names it (Summary.BudgetYear) or whose latest
	// budget entry is of it (Summary.BudgetEntryYear).
	BudgetYear int
	// After is the cursor returned by the previous page.
	After string
	// Limit caps the page size; 0 means the store's default (100).
	Limit int
}
