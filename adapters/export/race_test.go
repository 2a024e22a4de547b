//go:build race

package export

// raceDetector is true under -race, which makes the XLSX writer some
// twenty times slower.
const raceDetector = true
