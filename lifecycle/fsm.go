package lifecycle

import (
	"context"
	"sync"

	"github.com/looplab/fsm"
)

// runner moves a state through the transition table of one kind with
// looplab/fsm. The machine's role is kept to the move itself: the engine
// checks roles and guards first, so an fsm callback never calls back into
// the machine. Machines are pooled because an fsm.FSM carries its current
// state; each use sets the state, fires one event and returns the machine.
// Every accepted action is fired through the machine (Decide), so a table
// the machine would not run cannot move a project.
type runner struct {
	events fsm.Events
	pool   sync.Pool
}

func newRunner(m *machine) *runner {
	r := &runner{}
	for _, t := range m.rows {
		for _, from := range t.From {
			r.events = append(r.events, fsm.EventDesc{Name: t.event(), Src: []string{string(from)}, Dst: string(t.Dest(from))})
		}
	}
	r.pool.New = func() any { return fsm.NewFSM(string(StateNone), r.events, nil) }
	return r
}

// fire takes the row t from state from and returns the state the machine
// reached. A row that stays in its state is a self-transition, which fsm
// reports as NoTransitionError; that is its success.
func (r *runner) fire(t Transition, from State) (State, error) {
	f := r.pool.Get().(*fsm.FSM)
	defer r.pool.Put(f)
	f.SetState(string(from))
	if err := f.Event(context.Background(), t.event()); err != nil {
		if none, ok := err.(fsm.NoTransitionError); !ok || none.Err != nil {
			return from, err
		}
	}
	return State(f.Current()), nil
}
