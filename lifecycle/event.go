package lifecycle

import (
	"encoding/json"
	"time"
)

// Event is one accepted action, immutable once appended. A project's state
// is the fold of its events in version order (see Replay), so replaying a
// history rebuilds the project exactly.
type Event struct {
	// ProjectID identifies the project.
	ProjectID string `json:"project_id"`
	// Version is the project's version after this event: 1 for the
	// declaration, then consecutive.
	Version int64 `json:"version"`
	// Action is the action name of the specification (declare, …).
	Action Action `json:"action"`
	// Actor took the action.
	Actor Actor `json:"actor"`
	// Role is the role under which the actor took it.
	Role Role `json:"role"`
	// At is when the action was taken (from the engine's clock), UTC.
	At time.Time `json:"at"`
	// Article cites the provision the action carries out.
	Article string `json:"article,omitempty"`
	// Payload is the action's record as JSON (amounts as decimal
	// strings): its payload as read and, for an action whose outcome the
	// engine derives (a review, a change), what it derived, so that a
	// replay never decides again. See doc.go for each action's type.
	Payload json.RawMessage `json:"payload,omitempty"`
	// Seq is the store's global sequence number, assigned on append; 0
	// before. It is not part of the event's identity.
	Seq int64 `json:"seq,omitempty"`
}
