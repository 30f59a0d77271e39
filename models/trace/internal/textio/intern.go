package textio

// Interner turns byte slices into strings, sharing one string per distinct value while
// its table holds fewer than its bound (after that, new values are plain copies). It keeps
// the many repeats of short values (statuses, machine ids, users) from each allocating.
type Interner struct {
	m   map[string]string
	max int
}

// NewInterner returns an Interner whose table holds at most max strings.
func NewInterner(max int) *Interner { return &Interner{m: map[string]string{}, max: max} }

// String returns b as a string; "" for an empty b.
func (in *Interner) String(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if s, ok := in.m[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(in.m) < in.max {
		in.m[s] = s
	}
	return s
}
