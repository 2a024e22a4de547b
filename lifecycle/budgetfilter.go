package lifecycle

import "slices"

// InBudgetYear reports whether the project is of budget year y, as
// Query.BudgetYear selects: its declaration in force names y, or its
// latest budget entry is of y.
func (s Summary) InBudgetYear(y int) bool {
	return y != 0 && (s.BudgetYear == y || s.BudgetEntryYear == y)
}

// inBudgetYear keeps of page the summaries of q's budget year, if q names
// one: a store that predates the filter returns its pages unfiltered.
func (q Query) inBudgetYear(page []Summary) []Summary {
	if q.BudgetYear == 0 {
		return page
	}
	return slices.DeleteFunc(page, func(s Summary) bool { return !s.InBudgetYear(q.BudgetYear) })
}
