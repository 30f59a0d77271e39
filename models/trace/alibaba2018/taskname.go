package alibaba2018

import (
	"fmt"
	"strings"
)

// MaxTaskNameLen is the length at which the trace cuts task names. In the
// sample, 330 of 55,874 names are exactly 50 bytes long and none is longer;
// 83 of them end in '_' and 247 end in the middle of what is evidently a
// parent id (taking those ids at face value creates 13 false dependency
// cycles, dropping them leaves none).
const MaxTaskNameLen = 50

// maxIDDigits bounds a task or parent id (at most 999,999,999).
const maxIDDigits = 9

// TaskName is a decoded batch_task task_name (see the package doc).
type TaskName struct {
	Kind        byte  // 'M', 'R', 'J', ...: an upper-case ASCII letter; 0 when Independent
	ID          int   // task id within the job; -1 when Independent
	Parents     []int // ids of the tasks that must finish first, in name order; nil when none
	Independent bool  // the name carries no DAG information ("task_...", "MergeTask")
	Truncated   bool  // the name was cut at MaxTaskNameLen: Parents may be incomplete
}

// ParseTaskName decodes a task name.
//
//   - "task_..." and names made only of two or more ASCII letters (e.g. "MergeTask")
//     are Independent: no id, no parents.
//   - Every other name must be DAG-encoded: one upper-case ASCII letter (the task kind),
//     the task id (1..9 decimal digits), then zero or more "_" + parent id (1..9 digits).
//     "R13_2_3_12" is kind 'R', id 13, parents [2 3 12].
//   - A DAG name exactly MaxTaskNameLen bytes long that has a parent list is Truncated:
//     a trailing "_" is removed, otherwise the last parent id, which may have been cut
//     (e.g. "..._100_1" for "..._100_102"), is dropped.
//
// Anything else ("", "R", "R_2", "R1__2", "Rx_1", "r1", "R1_2_") is an error.
func ParseTaskName(name string) (TaskName, error) {
	if name == "" {
		return TaskName{}, fmt.Errorf("empty task name")
	}
	if strings.HasPrefix(name, "task_") || isWord(name) {
		return TaskName{ID: -1, Independent: true}, nil
	}
	bad := func(why string) (TaskName, error) {
		const max = 60
		q := name
		if len(q) > max {
			q = q[:max] + "..."
		}
		return TaskName{}, fmt.Errorf("malformed task name %q: %s", q, why)
	}
	if c := name[0]; c < 'A' || c > 'Z' {
		return bad("want an upper-case letter, a task id and _-separated parent ids, or task_...")
	}
	tn := TaskName{Kind: name[0]}
	rest := name[1:]
	if len(name) == MaxTaskNameLen {
		if i := strings.LastIndexByte(rest, '_'); i >= 0 {
			// Either a trailing '_' or a possibly cut last parent id: drop both.
			tn.Truncated = true
			rest = rest[:i]
		}
	}
	for k := 0; ; k++ {
		seg := rest
		i := strings.IndexByte(rest, '_')
		if i >= 0 {
			seg, rest = rest[:i], rest[i+1:]
		}
		id, ok := parseID(seg)
		what := "parent id"
		if k == 0 {
			what = "task id"
		}
		switch {
		case seg == "":
			return bad("empty " + what)
		case !ok:
			return bad(fmt.Sprintf("invalid %s %q", what, seg))
		case k == 0:
			tn.ID = id
		default:
			tn.Parents = append(tn.Parents, id)
		}
		if i < 0 {
			return tn, nil
		}
	}
}

// parseID parses 1..maxIDDigits decimal digits.
func parseID(s string) (int, bool) {
	if len(s) == 0 || len(s) > maxIDDigits {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// isWord reports whether s is two or more ASCII letters.
func isWord(s string) bool {
	if len(s) < 2 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}
