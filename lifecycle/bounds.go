package lifecycle

import (
	"errors"
	"fmt"
	"time"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/shopspring/decimal"

	"github.com/govit-cn/govit/calendar"
	"github.com/govit-cn/govit/review"
)

// readAmount reads every amount (decimal.Decimal) of a payload with the
// module's one amount grammar (review.ParseAmount), so that a contract
// refuses the text a budget refuses ("+100", "5.", "1e2"); the reader
// names the member.
func readAmount(dec *jsontext.Decoder, d *decimal.Decimal) error {
	val, err := dec.ReadValue()
	if err != nil {
		return err
	}
	v, _, fs := review.ParseAmount("amount", []byte(val))
	if len(fs) > 0 {
		// The reader names the member (payload_value_invalid at its path).
		return errors.New(fs[0].EN)
	}
	*d = v
	return nil
}

// BudgetYearsAhead is how far ahead of the current year a budget year may
// be: budgets are planned by the year (第五条: each year's end for the
// next; 第七条: 纳入财政预算或新增预算) within a three-year rolling
// medium-term fiscal plan (国发〔2015〕3号), so a year further ahead is a
// mistake, not a plan. A year after the next but within this bound is the
// rulebook's to judge (Rulebook.RefuseOtherBudgetYear).
const BudgetYearsAhead = 3

// LatestBudgetYear is the latest budget year an action on the civil date
// of now may name: BudgetYearsAhead after now's year.
func LatestBudgetYear(now time.Time) int {
	return calendar.DateOf(now).Year() + BudgetYearsAhead
}

// checkBudgetYearAhead refuses a budget year after LatestBudgetYear at the
// JSON path field.
func checkBudgetYearAhead(year int, field, article string, now time.Time) *Error {
	latest := LatestBudgetYear(now)
	if year <= latest {
		return nil
	}
	f := review.Finding{Code: "budget_year_invalid", Article: article, Field: field,
		ZH: fmt.Sprintf("预算年度最迟为 %d 年（三年滚动财政规划之内），而不是 %d（%s）", latest, year, field),
		EN: fmt.Sprintf("%s may be at most %d (within a three-year rolling fiscal plan), not %d", field, latest, year)}
	return &Error{Kind: KindInvalid, Code: f.Code, Article: article, ZH: f.ZH, EN: f.EN, Findings: []review.Finding{f}}
}

// deriveDeclaration records a declaration as given; a first declaration's
// budget year is bounded by the clock (LatestBudgetYear), a later year's
// declaration by the om_budget_year guard (the year after the one on
// record).
func deriveDeclaration(c *call, in *DeclarePayload) (*review.Declaration, *Error) {
	if y := in.Declaration.BudgetYear; y != 0 && c.p.State == StateNone {
		if err := checkBudgetYearAhead(y, "budget_year", "第五条", c.now); err != nil {
			return nil, err
		}
	}
	return &in.Declaration, nil
}
