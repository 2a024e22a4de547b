package calendar

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
)

// officialData holds one JSON file per State Council notice, 2007–2027, in
// the form ParseScheduleJSON reads.
//
//go:embed data/*.json
var officialData embed.FS

// officialSchedules parses the embedded notices, in year order.
func officialSchedules() ([]Schedule, error) {
	names, err := fs.Glob(officialData, "data/*.json")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	out := make([]Schedule, 0, len(names))
	for _, name := range names {
		f, err := officialData.Open(name)
		if err != nil {
			return nil, err
		}
		s, err := ParseScheduleJSON(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out = append(out, s)
	}
	return out, nil
}
