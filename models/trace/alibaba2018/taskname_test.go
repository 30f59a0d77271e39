package alibaba2018

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseTaskName(t *testing.T) {
	long := "M5_14_17_28_30_40_42_52_54_64_66_76_78_88_90_100_1"  // 50 bytes, last id cut
	longU := "J28_4_5_6_7_8_10_11_12_14_15_16_17_19_20_22_23_24_" // 50 bytes, ends in '_'
	tests := []struct {
		name string
		want TaskName
		err  string
	}{
		{"R13_2_3_12", TaskName{Kind: 'R', ID: 13, Parents: []int{2, 3, 12}}, ""},
		{"M1", TaskName{Kind: 'M', ID: 1}, ""},
		{"J4_2_3", TaskName{Kind: 'J', ID: 4, Parents: []int{2, 3}}, ""},
		{"R2_2", TaskName{Kind: 'R', ID: 2, Parents: []int{2}}, ""}, // self loop: Validate's job
		{"R3_1_1", TaskName{Kind: 'R', ID: 3, Parents: []int{1, 1}}, ""},
		{"M0", TaskName{Kind: 'M', ID: 0}, ""},
		{"task_LTg0MTUwNTA5Mjg4MDcxNjk2MQ==", TaskName{ID: -1, Independent: true}, ""},
		{"MergeTask", TaskName{ID: -1, Independent: true}, ""},
		{long, TaskName{Kind: 'M', ID: 5, Parents: []int{14, 17, 28, 30, 40, 42, 52, 54, 64, 66, 76, 78, 88, 90, 100}, Truncated: true}, ""},
		{longU, TaskName{Kind: 'J', ID: 28, Parents: []int{4, 5, 6, 7, 8, 10, 11, 12, 14, 15, 16, 17, 19, 20, 22, 23, 24}, Truncated: true}, ""},
		{"", TaskName{}, `empty task name`},
		{"R", TaskName{}, `malformed task name "R": empty task id`},
		{"R_2", TaskName{}, `malformed task name "R_2": empty task id`},
		{"R1__2", TaskName{}, `malformed task name "R1__2": empty parent id`},
		{"R1_2_", TaskName{}, `malformed task name "R1_2_": empty parent id`},
		{"Rx_1", TaskName{}, `malformed task name "Rx_1": invalid task id "x"`},
		{"R1_y", TaskName{}, `malformed task name "R1_y": invalid parent id "y"`},
		{"R1_-2", TaskName{}, `malformed task name "R1_-2": invalid parent id "-2"`},
		{"R1234567890", TaskName{}, `malformed task name "R1234567890": invalid task id "1234567890"`},
		{"r1", TaskName{}, `malformed task name "r1": want an upper-case letter, a task id and _-separated parent ids, or task_...`},
		{"_1", TaskName{}, `malformed task name "_1": want an upper-case letter, a task id and _-separated parent ids, or task_...`},
		{"M" + strings.Repeat("1", 49), TaskName{}, `malformed task name "M1111111111111111111111111111111111111111111111111": invalid task id "1111111111111111111111111111111111111111111111111"`},
		{long[:48] + "__", TaskName{}, `malformed task name "M5_14_17_28_30_40_42_52_54_64_66_76_78_88_90_100__": empty parent id`},
	}
	for _, tc := range tests {
		got, err := ParseTaskName(tc.name)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("ParseTaskName(%q) error = %v, want %q", tc.name, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseTaskName(%q): %v", tc.name, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseTaskName(%q) = %+v, want %+v", tc.name, got, tc.want)
		}
	}
}
