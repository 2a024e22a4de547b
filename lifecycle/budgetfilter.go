package lifecycle

// InBudgetYear reports whether the project is of budget year y, as
// Query.BudgetYear selects: its declaration in force names y, or its
// latest budget entry is of y.
func (s Summary) InBudgetYear(y int) bool {
	return y != 0 && (s.BudgetYear == y || s.BudgetEntryYear == y)
}
