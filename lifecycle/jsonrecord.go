package lifecycle

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// Most actions record a small flat object of strings, booleans and whole
// numbers (report_issue, file_contract, audit, …), and a replay reads
// hundreds of them. A record of that shape is read and written here
// directly, without encoding/json's reflection, whenever the JSON is one
// that encoding/json reads into the same value or writes byte for byte:
// keys spelt exactly as the fields' JSON names, strings without escapes,
// whole numbers without fraction or exponent. Anything else (an escape, a
// key in other case or unknown, a fraction, a syntax error) is handed to
// encoding/json, so every value read and every error returned is
// encoding/json's own. FuzzRecordCodec holds both ways against
// encoding/json.

// recordReader is a record type read directly: readField reads the value
// of key into the record, reporting false when the key or the value is
// not one it reads.
type recordReader interface {
	readField(r *jsonReader, key []byte) bool
}

// recordWriter is a record type written directly; it reports false when
// a value needs encoding/json (a string to escape).
type recordWriter interface {
	writeRecord(w *jsonWriter)
}

// readRecord reads data, one JSON object with white space around it, into
// v, reporting whether it could; on false, v may be half filled and the
// caller reads data with encoding/json into a fresh value.
func readRecord(data []byte, v recordReader) bool {
	r := jsonReader{data: data}
	if len(data) <= maxSharedText {
		r.text = string(data)
	}
	if !r.object(v) {
		return false
	}
	r.space()
	return r.pos == len(r.data)
}

// jsonValue returns the one JSON value data holds, without the white
// space around it, if data is valid JSON.
func jsonValue(data []byte) ([]byte, bool) {
	r := jsonReader{data: data}
	r.space()
	start := r.pos
	if !r.skip(0) {
		return nil, false
	}
	end := r.pos
	r.space()
	return data[start:end], r.pos == len(data)
}

// encodeRecord is json.Marshal(rec), written directly when rec's type
// allows it.
func encodeRecord(rec any) ([]byte, error) {
	if rw, ok := rec.(recordWriter); ok {
		w := jsonWriter{buf: make([]byte, 0, 128), ok: true}
		rw.writeRecord(&w)
		if w.ok {
			return w.buf, nil
		}
	}
	return json.Marshal(rec)
}

// maxSharedText is the size up to which the strings of a record share one
// copy of it; a longer record (a change with its whole decision) has its
// strings copied one by one, so that they do not keep it all alive.
const maxSharedText = 512

// maxSkipDepth bounds the nesting a value read as raw JSON may have;
// deeper input goes to encoding/json, which has its own limit.
const maxSkipDepth = 512

// jsonReader reads JSON from data at pos. Each method reports false for
// input it does not read the way encoding/json would.
type jsonReader struct {
	data []byte
	// text is data as a string, or empty: the strings read are slices of
	// it, one copy of the record for all its strings.
	text string
	pos  int
}

// space skips JSON white space.
func (r *jsonReader) space() {
	for r.pos < len(r.data) {
		switch r.data[r.pos] {
		case ' ', '\t', '\n', '\r':
			r.pos++
		default:
			return
		}
	}
}

// consume skips white space and the byte c, reporting whether c was next.
func (r *jsonReader) consume(c byte) bool {
	r.space()
	if r.pos < len(r.data) && r.data[r.pos] == c {
		r.pos++
		return true
	}
	return false
}

// object reads a JSON object into v.
func (r *jsonReader) object(v recordReader) bool {
	if !r.consume('{') {
		return false
	}
	if r.consume('}') {
		return true
	}
	for {
		start, end, ok := r.plain()
		if !ok || !r.consume(':') || !v.readField(r, r.data[start:end]) {
			return false
		}
		if r.consume(',') {
			continue
		}
		return r.consume('}')
	}
}

// plain reads a string that needs no unescaping: no backslash, no control
// character, valid UTF-8. It returns the offsets of the bytes between the
// quotes.
func (r *jsonReader) plain() (start, end int, ok bool) {
	r.space()
	if r.pos >= len(r.data) || r.data[r.pos] != '"' {
		return 0, 0, false
	}
	start = r.pos + 1
	ascii := true
	for i := start; i < len(r.data); i++ {
		switch c := r.data[i]; {
		case c == '"':
			if !ascii && !utf8.Valid(r.data[start:i]) {
				return 0, 0, false
			}
			r.pos = i + 1
			return start, i, true
		case c == '\\' || c < 0x20:
			return 0, 0, false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return 0, 0, false
}

// readString reads a string value into s.
func readString[S ~string](r *jsonReader, s *S) bool {
	start, end, ok := r.plain()
	if ok {
		*s = S(r.string(start, end))
	}
	return ok
}

// string returns data[start:end] as a string.
func (r *jsonReader) string(start, end int) string {
	if r.text != "" {
		return r.text[start:end]
	}
	return string(r.data[start:end])
}

// readStrings reads an array of strings into s; [] is an empty slice and
// null a nil one, as encoding/json makes them.
func readStrings[S ~string](r *jsonReader, s *[]S) bool {
	if r.null() {
		*s = nil
		return true
	}
	if !r.consume('[') {
		return false
	}
	list := []S{}
	if !r.consume(']') {
		for {
			start, end, ok := r.plain()
			if !ok {
				return false
			}
			list = append(list, S(r.string(start, end)))
			if r.consume(',') {
				continue
			}
			if !r.consume(']') {
				return false
			}
			break
		}
	}
	*s = list
	return true
}

// boolean reads true or false into b.
func (r *jsonReader) boolean(b *bool) bool {
	r.space()
	rest := r.data[r.pos:]
	switch {
	case len(rest) >= 4 && string(rest[:4]) == "true":
		*b = true
		r.pos += 4
	case len(rest) >= 5 && string(rest[:5]) == "false":
		*b = false
		r.pos += 5
	default:
		return false
	}
	return true
}

// null reads null, if it is next.
func (r *jsonReader) null() bool {
	r.space()
	return r.literal("null")
}

// boolPointer reads true or false into a new *bool, and null as nil.
func (r *jsonReader) boolPointer(p **bool) bool {
	if r.null() {
		*p = nil
		return true
	}
	var b bool
	if !r.boolean(&b) {
		return false
	}
	*p = &b
	return true
}

// integer reads a whole number of at most 18 digits into n.
func (r *jsonReader) integer(n *int) bool {
	r.space()
	i := r.pos
	neg := i < len(r.data) && r.data[i] == '-'
	if neg {
		i++
	}
	start := i
	for i < len(r.data) && r.data[i] >= '0' && r.data[i] <= '9' {
		i++
	}
	digits := r.data[start:i]
	if len(digits) == 0 || len(digits) > 18 || (digits[0] == '0' && len(digits) > 1) {
		return false
	}
	if i < len(r.data) && (r.data[i] == '.' || r.data[i] == 'e' || r.data[i] == 'E') {
		return false
	}
	v := 0
	for _, c := range digits {
		v = v*10 + int(c-'0')
	}
	if neg {
		v = -v
	}
	*n, r.pos = v, i
	return true
}

// raw reads any JSON value, checking its syntax, into m as it is written.
func (r *jsonReader) raw(m *json.RawMessage) bool {
	r.space()
	start := r.pos
	if !r.skip(0) {
		return false
	}
	*m = append((*m)[:0], r.data[start:r.pos]...)
	return true
}

// unmarshal reads any JSON value, checking its syntax, and hands it to u
// as encoding/json would; u refusing it reports false.
func (r *jsonReader) unmarshal(u json.Unmarshaler) bool {
	r.space()
	start := r.pos
	if !r.skip(0) {
		return false
	}
	return u.UnmarshalJSON(r.data[start:r.pos]) == nil
}

// skip passes over one JSON value, reporting false for a syntax error
// (or nesting deeper than maxSkipDepth).
func (r *jsonReader) skip(depth int) bool {
	r.space()
	if r.pos >= len(r.data) {
		return false
	}
	switch c := r.data[r.pos]; {
	case c == '{':
		if depth >= maxSkipDepth {
			return false
		}
		r.pos++
		if r.consume('}') {
			return true
		}
		for {
			r.space()
			if !r.skipString() || !r.consume(':') || !r.skip(depth+1) {
				return false
			}
			if r.consume(',') {
				continue
			}
			return r.consume('}')
		}
	case c == '[':
		if depth >= maxSkipDepth {
			return false
		}
		r.pos++
		if r.consume(']') {
			return true
		}
		for {
			if !r.skip(depth + 1) {
				return false
			}
			if r.consume(',') {
				continue
			}
			return r.consume(']')
		}
	case c == '"':
		return r.skipString()
	case c == 't':
		return r.literal("true")
	case c == 'f':
		return r.literal("false")
	case c == 'n':
		return r.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		return r.skipNumber()
	}
	return false
}

func (r *jsonReader) literal(word string) bool {
	if len(r.data)-r.pos >= len(word) && string(r.data[r.pos:r.pos+len(word)]) == word {
		r.pos += len(word)
		return true
	}
	return false
}

// skipString passes over a string at pos, checking its escapes.
func (r *jsonReader) skipString() bool {
	if r.pos >= len(r.data) || r.data[r.pos] != '"' {
		return false
	}
	for i := r.pos + 1; i < len(r.data); i++ {
		switch c := r.data[i]; {
		case c == '"':
			r.pos = i + 1
			return true
		case c < 0x20:
			return false
		case c == '\\':
			i++
			if i >= len(r.data) {
				return false
			}
			switch r.data[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(r.data) {
					return false
				}
				for _, h := range r.data[i+1 : i+5] {
					if !isHex(h) {
						return false
					}
				}
				i += 4
			default:
				return false
			}
		}
	}
	return false
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// skipNumber passes over a number at pos: -?(0|[1-9]d*)(.d+)?([eE][+-]?d+)?
func (r *jsonReader) skipNumber() bool {
	d := r.data
	i := r.pos
	if i < len(d) && d[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
			n++
		}
		return n
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case digits() == 0:
		return false
	}
	if i < len(d) && d[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	r.pos = i
	return true
}

// jsonWriter writes a JSON object field by field, as encoding/json writes
// a struct; ok turns false at a string encoding/json would escape.
type jsonWriter struct {
	buf  []byte
	ok   bool
	more bool // a field was written: the next needs a comma
}

func (w *jsonWriter) open() { w.buf = append(w.buf, '{'); w.more = false }

func (w *jsonWriter) close() { w.buf = append(w.buf, '}'); w.more = true }

// key writes the key of the next field.
func (w *jsonWriter) key(k string) {
	if w.more {
		w.buf = append(w.buf, ',')
	}
	w.buf = append(w.buf, '"')
	w.buf = append(w.buf, k...)
	w.buf = append(w.buf, '"', ':')
	w.more = true
}

// str writes "k":"s".
func (w *jsonWriter) str(k, s string) {
	w.key(k)
	w.value(s)
}

// strOmit writes "k":"s" unless s is empty (omitempty).
func (w *jsonWriter) strOmit(k, s string) {
	if s != "" {
		w.str(k, s)
	}
}

// value writes a string value, or gives up on one encoding/json would
// escape: a quote, a backslash, a control character, <, > or &, invalid
// UTF-8, U+2028 or U+2029.
func (w *jsonWriter) value(s string) {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
				w.ok = false
				return
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || r == '\u2028' || r == '\u2029' {
			w.ok = false
			return
		}
		i += size
	}
	w.buf = append(w.buf, '"')
	w.buf = append(w.buf, s...)
	w.buf = append(w.buf, '"')
}

// boolean writes "k":b.
func (w *jsonWriter) boolean(k string, b bool) {
	w.key(k)
	if b {
		w.buf = append(w.buf, "true"...)
	} else {
		w.buf = append(w.buf, "false"...)
	}
}

// boolOmit writes "k":true, or nothing for false (omitempty).
func (w *jsonWriter) boolOmit(k string, b bool) {
	if b {
		w.boolean(k, b)
	}
}

// boolPointer writes "k":b, null for nil.
func (w *jsonWriter) boolPointer(k string, b *bool) {
	if b == nil {
		w.key(k)
		w.buf = append(w.buf, "null"...)
		return
	}
	w.boolean(k, *b)
}

// integer writes "k":n.
func (w *jsonWriter) integer(k string, n int) {
	w.key(k)
	w.buf = strconv.AppendInt(w.buf, int64(n), 10)
}

// writeStrings writes "k":[…], null for nil.
// integerOmit writes a whole number unless it is zero (omitempty).
func (w *jsonWriter) integerOmit(k string, n int) {
	if n != 0 {
		w.integer(k, n)
	}
}

func writeStrings[S ~string](w *jsonWriter, k string, list []S) {
	w.key(k)
	if list == nil {
		w.buf = append(w.buf, "null"...)
		return
	}
	w.buf = append(w.buf, '[')
	for i, s := range list {
		if i > 0 {
			w.buf = append(w.buf, ',')
		}
		w.value(string(s))
	}
	w.buf = append(w.buf, ']')
}

// The records read and written directly. Each readField lists the
// struct's JSON names, and each writeRecord writes the fields in the
// struct's order with its omitempty options, as encoding/json does.

func (p *WithdrawPayload) readField(r *jsonReader, key []byte) bool {
	switch string(key) {
	case "reason":
		return readString(r, &p.Reason)
	case "budget_year":
		return r.integer(&p.BudgetYear)
	}
	return false
}

func (p *WithdrawPayload) writeRecord(w *jsonWriter) {
	w.open()
	w.strOmit("reason", p.Reason)
	w.integerOmit("budget_year", p.BudgetYear)
	w.close()
}

func (p *DeliberatePayload) readField(r *jsonReader, key []byte) bool {
	switch string(key) {
	case "approved":
		return r.boolPointer(&p.Approved)
	case "meeting":
		return readString(r, &p.Meeting)
	case "opinion":
		return readString(r, &p.Opinion)
	}
	return false
}

func (p *DeliberatePayload) writeRecord(w *jsonWriter) {
	w.open()
	w.boolPointer("approved", p.Approved)
	w.strOmit("meeting", p.Meeting)
	w.strOmit("opinion", p.Opinion)
	w.close()
}

func (p *BudgetPayload) readField(r *jsonReader, key []byte) bool {
	switch string(key) {
	case "year":
		return r.integer(&p.Year)
	case "type":
		return readString(r, &p.Type)
	case "document":
		return readString(r, &p.Document)
	}
	return false
}

func (p *BudgetPayload) writeRecord(w *jsonWriter) {
	w.open()
	w.integer("year", p.Year)
	w.str("type", string(p.Type))
	w.strOmit("document", p.Document)
	w.close()
}

func (p *ApplyInitiationPayload) readField(r *jsonReader, key []byte) bool {
	switch string(key) {
	case "note":
		return readString(r, &p.Note)
	}
	return false
}

func (p *ApplyInitiationPayload) writeRecord(w *jsonWriter) {
	w.open()
	w.strOmit("note", p.Note)
	w.close()
}

func (p *ApproveInitiationPayload) readField(r *jsonReader, key []byte) bool {
	switch string(key) {
	case "approved":
		return r.boolPointer(&p.Approved)
	case "number":
		return readString(r, &p.Number)
	case "opinion":
		return readString(r, &p.Opinion)
	}
	return false
}

func (p *ApproveInitiationPayload) writeRecord(w *jsonWriter) {
	w.open()
	w.boolPointer("approved", p.Approved)
	w.strOmit("number", p.Number)
	w.strOmit("opinion", p.Opinion)
	w.close()
}

func (p *StartProcurementPayload) readField(r *jsonReader, key []byte) bool {
	switch string(key) {
	case "method":
		return readString(r, &p.Method)
	case "note":
		return readString(r, &p.Note)
	case "budget_year":
		return r.integer(&p.BudgetYear)
	}
	return false
}

func (p *StartProcurementPayload) writeRecord(w *jsonWriter) {
	w.open()
	w.strOmit("method", p.Method)
	w.strOmit("note", p.Note)
	w.integerOmit("budget_year", p.BudgetYear)
	w.close()
}

func (p *ContractInput) readField(r *jsonReader, key []byte) bool {
	switch string(key) {
	case "id":
		return readString(r, &p.ID)
	case "title":
		return readString(r, &p.Title)
	case "amount":
		return r.unmarshal(&p.Amount)
	case "signed_on":
		return readString(r, &p.SignedOn)
	case "supplier":
		return readString(r, &p.Supplier)
	case "supervision":
		return r.boolean(&p.Supervision)
	}
	return false
}

func (p *SignContractPayload) readField(r *jsonReader, key []byte) bool {
	switch string(key) {
	case "contract":
		return r.object(&p.Contract)
	case "budget_year":
		return r.integer(&p.BudgetYear)
	}
	return false
}

func (p *ContractRef) readField(r *jsonReader, key []byte) bool {
	switch string(key) {
	case "contract_id":
		return readString(r, &p.ContractID)
	}
	return false
}

func (p *ContractRef) writeRecord(w *jsonWriter) {
	w.open()
	w.str("contract_id", p.ContractID)
	w.close()
}

func (p *ReportIssuePayload) readField(r *jsonReader, key []byte) bool {
	switch string(key) {
	case "kind":
		return readString(r, &p.Kind)
	case "description":
		return readString(r, &p.Description)
	}
	return false
}

func (p *ReportIssuePayload) writeRecord(w *jsonWriter) {
	w.open()
	w.str("kind", string(p.Kind))
	w.str("description", p.Description)
	w.close()
}

func (p *ReasonPayload) readField(r *jsonReader, key []byte) bool {
	switch string(key) {
	case "reason":
		return readString(r, &p.Reason)
	}
	return false
}

func (p *ReasonPayload) writeRecord(w *jsonWriter) {
	w.open()
	w.str("reason", p.Reason)
	w.close()
}

func (p *OpinionPayload) readField(r *jsonReader, key []byte) bool {
	switch string(key) {
	case "opinion":
		return readString(r, &p.Opinion)
	}
	return false
}

func (p *OpinionPayload) writeRecord(w *jsonWriter) {
	w.open()
	w.strOmit("opinion", p.Opinion)
	w.close()
}

func (p *AcceptPayload) readField(r *jsonReader, key []byte) bool {
	switch string(key) {
	case "passed":
		return r.boolPointer(&p.Passed)
	case "opinion":
		return readString(r, &p.Opinion)
	}
	return false
}

func (p *AcceptPayload) writeRecord(w *jsonWriter) {
	w.open()
	w.boolPointer("passed", p.Passed)
	w.str("opinion", p.Opinion)
	w.close()
}

func (p *DeliverPayload) readField(r *jsonReader, key []byte) bool {
	switch string(key) {
	case "note":
		return readString(r, &p.Note)
	}
	return false
}

func (p *DeliverPayload) writeRecord(w *jsonWriter) {
	w.open()
	w.strOmit("note", p.Note)
	w.close()
}

func (p *ArchivePayload) readField(r *jsonReader, key []byte) bool {
	switch string(key) {
	case "documents":
		return readStrings(r, &p.Documents)
	case "without_data_structures":
		return r.boolean(&p.WithoutDataStructures)
	}
	return false
}

func (p *ArchivePayload) writeRecord(w *jsonWriter) {
	w.open()
	writeStrings(w, "documents", p.Documents)
	w.boolOmit("without_data_structures", p.WithoutDataStructures)
	w.close()
}

func (p *EvaluatePayload) readField(r *jsonReader, key []byte) bool {
	switch string(key) {
	case "grade":
		return readString(r, &p.Grade)
	case "opinion":
		return readString(r, &p.Opinion)
	}
	return false
}

func (p *EvaluatePayload) writeRecord(w *jsonWriter) {
	w.open()
	w.strOmit("grade", string(p.Grade))
	w.str("opinion", p.Opinion)
	w.close()
}

func (p *AuditPayload) readField(r *jsonReader, key []byte) bool {
	switch string(key) {
	case "summary":
		return readString(r, &p.Summary)
	case "findings":
		return readStrings(r, &p.Findings)
	}
	return false
}

func (p *AuditPayload) writeRecord(w *jsonWriter) {
	w.open()
	w.str("summary", p.Summary)
	if len(p.Findings) > 0 {
		writeStrings(w, "findings", p.Findings)
	}
	w.close()
}

func (p *TerminateContractPayload) readField(r *jsonReader, key []byte) bool {
	switch string(key) {
	case "contract_id":
		return readString(r, &p.ContractID)
	case "reason":
		return readString(r, &p.Reason)
	}
	return false
}

func (p *TerminateContractPayload) writeRecord(w *jsonWriter) {
	w.open()
	w.str("contract_id", p.ContractID)
	w.str("reason", p.Reason)
	w.close()
}

func (p *CompletePayload) readField(r *jsonReader, key []byte) bool {
	switch string(key) {
	case "final":
		return r.boolean(&p.Final)
	case "note":
		return readString(r, &p.Note)
	case "budget_year":
		return r.integer(&p.BudgetYear)
	}
	return false
}

func (p *CompletePayload) writeRecord(w *jsonWriter) {
	w.open()
	w.boolOmit("final", p.Final)
	w.strOmit("note", p.Note)
	w.integerOmit("budget_year", p.BudgetYear)
	w.close()
}

func (p *changeFold) readField(r *jsonReader, key []byte) bool {
	switch string(key) {
	case "kind":
		return readString(r, &p.Kind)
	case "approvers":
		return readStrings(r, &p.Approvers)
	case "new_budget":
		return r.unmarshal(&p.NewBudget)
	case "decision":
		return r.raw(&p.Decision)
	}
	return false
}
