package lifecycle

import (
	"fmt"
	"slices"
	"strings"

	"github.com/govit-cn/govit/review"
)

// selfLoopLimit is the number of states up to which a row that leaves the
// state unchanged is drawn as loops; a row from more states is listed in a
// note instead, so the diagram stays legible.
const selfLoopLimit = 3

// Mermaid draws the transition table of a kind, with the roles of
// Yubei2019, as a Mermaid stateDiagram-v2. See (*Rulebook).Mermaid.
func Mermaid(kind review.Kind) string { return Yubei2019().Mermaid(kind) }

// Mermaid draws the transition table of a kind with this rulebook's roles
// as a Mermaid stateDiagram-v2: each state with its Chinese name, each row
// as an edge labelled with the action, its outcome, the roles and the
// article; rows that leave the state unchanged from many states are listed
// in a note. It is generated from Table, so it is always the table the
// engine runs. An unknown kind gives "".
func (rb *Rulebook) Mermaid(kind review.Kind) string {
	table := rb.Table(kind)
	if table == nil {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "stateDiagram-v2\n")
	fmt.Fprintf(&b, "    %%%% %s（%s）: %s %s\n", kind.ZH(), kind, rb.Document, rb.Title)
	states := States(kind)
	for _, s := range states {
		fmt.Fprintf(&b, "    state \"%s %s\" as %s\n", s.ZH(), s, s)
	}
	var notes []string
	outgoing := map[State]bool{}
	for _, t := range table {
		label := edgeLabel(t)
		if t.Stay {
			if len(t.From) > selfLoopLimit {
				notes = append(notes, fmt.Sprintf("%s: %s", label, stateList(t.From, states)))
				continue
			}
			for _, f := range t.From {
				fmt.Fprintf(&b, "    %s --> %s: %s\n", node(f), node(f), label)
			}
			continue
		}
		for _, f := range t.From {
			outgoing[f] = true
			fmt.Fprintf(&b, "    %s --> %s: %s\n", node(f), node(t.To), label)
		}
	}
	for _, s := range states {
		if !outgoing[s] {
			fmt.Fprintf(&b, "    %s --> [*]\n", s)
		}
	}
	if len(notes) > 0 {
		fmt.Fprintf(&b, "    note right of %s\n", states[0])
		fmt.Fprintf(&b, "        状态不变 (state unchanged)\n")
		for _, n := range notes {
			fmt.Fprintf(&b, "        %s\n", n)
		}
		fmt.Fprintf(&b, "    end note\n")
	}
	return b.String()
}

func node(s State) string {
	if s == StateNone {
		return "[*]"
	}
	return string(s)
}

// edgeLabel is "action outcome · roles · article".
func edgeLabel(t Transition) string {
	var parts []string
	a := string(t.Action)
	if t.Outcome != OutcomeNone {
		a += " " + string(t.Outcome)
	}
	parts = append(parts, a)
	var roles []string
	for _, r := range t.Roles {
		roles = append(roles, string(r))
	}
	parts = append(parts, strings.Join(roles, "/"), t.Article)
	return strings.Join(parts, " · ")
}

// stateList names the states of from, or "every state but …" when that
// is shorter.
func stateList(from, all []State) string {
	var missing []string
	for _, s := range all {
		if !slices.Contains(from, s) {
			missing = append(missing, string(s))
		}
	}
	if len(missing) == 0 {
		return "every state"
	}
	if len(missing) < len(from) {
		return "every state but " + strings.Join(missing, ", ")
	}
	var names []string
	for _, s := range from {
		names = append(names, string(s))
	}
	return strings.Join(names, ", ")
}
