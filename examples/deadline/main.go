// Command deadline counts Chinese working days from a date, as the
// deadlines of 第十二条 (file a contract within 7 working days of signing)
// and 第十五条 (archive within 10 working days of acceptance) are counted,
// and says which holidays and makeup working days (调休) it met.
//
//	go run ./examples/deadline -from 2026-09-30 -workdays 7
//	go run ./examples/deadline -from 2027-12-20 -workdays 10 -schedule 2028.json
//	go run ./examples/deadline -from 2027-12-20 -workdays 10 -project
//
// Exit status: 0 with the due date, 1 when it cannot be counted (e.g. a year
// with no published schedule, a schedule file that does not load), 2 for
// bad usage.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/govit-cn/govit/calendar"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// errUsage marks a mistake in the command line.
var errUsage = errors.New("usage")

// config is the parsed command line.
type config struct {
	from     string
	workdays int
	schedule string
	year     int
	project  bool
	lang     string
}

// run is the command: it reads args, writes the answer to stdout and
// problems to stderr, and returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) && !errors.Is(err, errUsage) {
			fmt.Fprintln(stderr, err)
		}
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	from, err := calendar.ParseDate(cfg.from)
	if err != nil {
		fmt.Fprintln(stderr, "-from:", err)
		return 2
	}
	var opts []calendar.Option
	if cfg.project {
		opts = append(opts, calendar.WithProjection())
	}
	c := calendar.China(opts...)
	if cfg.schedule != "" {
		if c, err = loadSchedule(c, cfg.schedule, cfg.year); err != nil {
			fmt.Fprintln(stderr, "-schedule:", err)
			return 1
		}
	}
	dl, err := c.Deadline(from, cfg.workdays)
	if err != nil {
		var e *calendar.Error
		if errors.As(err, &e) {
			fmt.Fprintln(stderr, e.MessageZh)
			fmt.Fprintln(stderr, e.MessageEn)
			if e.Code == calendar.CodeYearNotPublished && !cfg.project {
				fmt.Fprintln(stderr, "可用 -schedule 加载该年安排，或用 -project 按规则推算（暂定）。")
				fmt.Fprintln(stderr, "Load the year with -schedule, or use -project for a provisional projection.")
			}
		} else {
			fmt.Fprintln(stderr, err)
		}
		return 1
	}
	printDeadline(stdout, dl, cfg.lang)
	return 0
}

// parseFlags reads the command line.
func parseFlags(args []string, stderr io.Writer) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("deadline", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.from, "from", "", "day 0, the day of the event, as YYYY-MM-DD (Beijing date) `date`")
	fs.IntVar(&cfg.workdays, "workdays", 0, "working days to count; negative counts back (`n`)")
	fs.StringVar(&cfg.schedule, "schedule", "", "load a newly published year's schedule from a JSON or CSV `file`")
	fs.IntVar(&cfg.year, "year", 0, "year of a CSV schedule (default: the 4-digit year in the file name)")
	fs.BoolVar(&cfg.project, "project", false, "project years with no published schedule (answers marked provisional)")
	fs.StringVar(&cfg.lang, "lang", "both", "output language: zh, en or both")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: deadline -from YYYY-MM-DD -workdays N [-schedule FILE [-year YYYY]] [-project] [-lang zh|en|both]")
		fmt.Fprintln(fs.Output(), "用法：按国务院节假日安排计算工作日期限（第十二条7个工作日，第十五条10个工作日）。")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var problem string
	switch {
	case fs.NArg() > 0:
		problem = "unexpected arguments: " + strings.Join(fs.Args(), " ")
	case !set["from"]:
		problem = "-from is required"
	case !set["workdays"]:
		problem = "-workdays is required"
	case cfg.lang != "zh" && cfg.lang != "en" && cfg.lang != "both":
		problem = "-lang must be zh, en or both"
	case set["year"] && cfg.schedule == "":
		problem = "-year only applies with -schedule"
	}
	if problem != "" {
		fmt.Fprintln(stderr, "deadline:", problem)
		fs.Usage()
		return cfg, errUsage
	}
	return cfg, nil
}

// yearInName finds a schedule's year in its file name, e.g. 2028.csv.
var yearInName = regexp.MustCompile(`(?:^|[^0-9])([0-9]{4})(?:[^0-9]|$)`)

// loadSchedule adds the schedule in file to c: JSON, or CSV when the name
// ends in .csv.
func loadSchedule(c *calendar.Calendar, file string, year int) (*calendar.Calendar, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var s calendar.Schedule
	if strings.EqualFold(filepath.Ext(file), ".csv") {
		if year == 0 {
			m := yearInName.FindStringSubmatch(filepath.Base(file))
			if m == nil {
				return nil, fmt.Errorf("%s: give the year with -year (no 4-digit year in the file name)", file)
			}
			year, _ = strconv.Atoi(m[1])
		}
		s, err = calendar.ParseScheduleCSV(year, f)
	} else {
		s, err = calendar.ParseScheduleJSON(f)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return c.WithSchedule(s)
}

// printDeadline writes the due date, what was skipped and the notices
// relied on.
func printDeadline(w io.Writer, dl calendar.Deadline, lang string) {
	due := dl.Due.Format("2006-01-02")
	if lang != "en" {
		fmt.Fprintf(w, "截止日：%s（%s）\n", due, calendar.WeekdayZh(dl.Due.Weekday()))
		fmt.Fprintln(w, dl.Zh())
	}
	if lang != "zh" {
		fmt.Fprintf(w, "Due: %s (%s)\n", due, dl.Due.Weekday())
		fmt.Fprintln(w, dl.En())
	}
	for _, n := range dl.Notices {
		switch {
		case n.Projected:
			fmt.Fprintf(w, "依据 / Source: %d 推算（暂定） / projected (provisional)\n", n.Year)
		case len(n.Papers) > 0:
			fmt.Fprintf(w, "依据 / Source: %s %s\n", n.Title, strings.Join(n.Papers, " "))
		default:
			fmt.Fprintf(w, "依据 / Source: %s\n", n.Title)
		}
		if n.Note != "" && !n.Projected {
			fmt.Fprintf(w, "  注 / Note: %s\n", n.Note)
		}
	}
}
