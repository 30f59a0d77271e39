package results

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
)

// TestDocsListEveryColumn keeps docs/results.md in step with the schemas: each table's section
// lists every column, in order, with its type, nullability and unit.
func TestDocsListEveryColumn(t *testing.T) {
	doc, err := os.ReadFile("../docs/results.md")
	if err != nil {
		t.Fatal(err)
	}
	sections := map[string][]string{} // file name → table rows
	var cur string
	for _, line := range strings.Split(string(doc), "\n") {
		if strings.HasPrefix(line, "## ") {
			cur = strings.Trim(strings.TrimPrefix(line, "## "), "`")
			continue
		}
		if cur != "" && strings.HasPrefix(line, "| `") {
			sections[cur] = append(sections[cur], line)
		}
	}
	for file, schema := range map[string]*arrow.Schema{
		"jobs.arrow": JobsSchema(testMeta), "hosts.arrow": HostsSchema(testMeta), "summary.arrow": SummarySchema(testMeta),
		"services.arrow": ServicesSchema(testMeta),
		"links.arrow":    LinksSchema(testMeta), "storage.arrow": StorageSchema(testMeta),
		"provisioning.arrow": ProvisioningSchema(testMeta),
	} {
		var want, got []string
		for _, f := range schema.Fields() {
			typ := f.Type.String()
			if f.Nullable {
				typ += ", nullable"
			}
			unit, _ := f.Metadata.GetValue(FieldKeyUnit)
			want = append(want, strings.Join([]string{"`" + f.Name + "`", typ, unit}, " | "))
		}
		for _, row := range sections[file] {
			cells := strings.Split(strings.Trim(row, "|"), "|")
			for i := range cells {
				cells[i] = strings.TrimSpace(cells[i])
			}
			if len(cells) >= 3 {
				got = append(got, strings.Join(cells[:3], " | "))
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("docs/results.md section %s:\n got %q\nwant %q", file, got, want)
		}
	}
}
