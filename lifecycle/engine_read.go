package lifecycle

import "time"

// PermittedOn is Engine.Permitted on a project already read with Get: it
// answers from p without reading the project again, so that a caller who
// shows a project with what the actor may do on it reads it once. An
// actor who may not see p is permitted nothing.
func (e *Engine) PermittedOn(p *Project, actor Actor) []Action {
	if p == nil {
		return nil
	}
	return Permitted(e.RulebookOf(p), p, actor)
}

// ObligationsOn is Engine.Obligations on a project already read with Get
// (see PermittedOn): the project's duties as of asOf, with the documents
// each still lacks when the engine keeps documents.
func (e *Engine) ObligationsOn(p *Project, asOf time.Time) ([]Obligation, error) {
	if p == nil {
		return nil, nil
	}
	rb := e.RulebookOf(p)
	obs, err := obligationsOf(rb, e.cal, p, asOf)
	if err == nil && e.docs != nil {
		missingDocuments(rb, p, obs)
	}
	return obs, err
}
