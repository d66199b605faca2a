// helm-render renders a Helm chart the way `helm template` does, with the same engine: Go's
// text/template, the sprig function library, and Helm's own built-ins (include, tpl, toYaml,
// fromYaml, toJson, required, fail, lookup; .Values, .Release, .Chart, .Template, .Capabilities).
// Like `helm lint --strict`, a reference to a missing value is an error.
//
// Usage: helm-render [-f values.yaml]... [--notes] CHART_DIR
//
// Output: every rendered manifest as "---\n# Source: <chart>/templates/<file>\n<yaml>", sorted by
// file name; with --notes, NOTES.txt alone. Errors go to stderr with exit code 1.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
	"gopkg.in/yaml.v3"
)

func main() {
	var valueFiles []string
	notes := false
	args := os.Args[1:]
	chartDir := ""
	for i := 0; i < len(args); i++ {
		switch args[i] {
		case "-f":
			i++
			if i >= len(args) {
				fail(errors.New("-f needs a file"))
			}
			valueFiles = append(valueFiles, args[i])
		case "--notes":
			notes = true
		default:
			chartDir = args[i]
		}
	}
	if chartDir == "" {
		fail(errors.New("usage: helm-render [-f values.yaml]... [--notes] CHART_DIR"))
	}
	out, err := render(chartDir, valueFiles, notes)
	if err != nil {
		fail(err)
	}
	fmt.Print(out)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "helm-render:", err)
	os.Exit(1)
}

func readYaml(path string) (map[string]interface{}, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	out := map[string]interface{}{}
	if err := yaml.Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return out, nil
}

// coalesce merges override into base, recursively for maps, as Helm merges -f files.
func coalesce(base, override map[string]interface{}) map[string]interface{} {
	for k, v := range override {
		if bv, ok := base[k].(map[string]interface{}); ok {
			if ov, ok := v.(map[string]interface{}); ok {
				base[k] = coalesce(bv, ov)
				continue
			}
		}
		base[k] = v
	}
	return base
}

func toYaml(v interface{}) string {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return ""
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

func render(chartDir string, valueFiles []string, notes bool) (string, error) {
	chartMeta, err := readYaml(filepath.Join(chartDir, "Chart.yaml"))
	if err != nil {
		return "", err
	}
	name, _ := chartMeta["name"].(string)
	if name == "" {
		return "", errors.New("Chart.yaml has no name")
	}
	values, err := readYaml(filepath.Join(chartDir, "values.yaml"))
	if err != nil {
		return "", err
	}
	for _, f := range valueFiles {
		extra, err := readYaml(f)
		if err != nil {
			return "", err
		}
		values = coalesce(values, extra)
	}
	// Helm capitalises the Chart.yaml fields it exposes.
	chart := map[string]interface{}{}
	for k, v := range chartMeta {
		chart[strings.ToUpper(k[:1])+k[1:]] = v
	}
	basePath := name + "/templates"

	root := template.New("chart").Option("missingkey=error")
	funcs := sprig.TxtFuncMap()
	funcs["toYaml"] = toYaml
	funcs["fromYaml"] = func(s string) map[string]interface{} {
		m := map[string]interface{}{}
		_ = yaml.Unmarshal([]byte(s), &m)
		return m
	}
	funcs["required"] = func(msg string, v interface{}) (interface{}, error) {
		if v == nil {
			return nil, errors.New(msg)
		}
		if s, ok := v.(string); ok && s == "" {
			return nil, errors.New(msg)
		}
		return v, nil
	}
	funcs["lookup"] = func(...interface{}) map[string]interface{} { return map[string]interface{}{} }
	funcs["include"] = func(name string, data interface{}) (string, error) {
		var buf bytes.Buffer
		if err := root.ExecuteTemplate(&buf, name, data); err != nil {
			return "", err
		}
		return buf.String(), nil
	}
	funcs["tpl"] = func(text string, data interface{}) (string, error) {
		t, err := root.Clone()
		if err != nil {
			return "", err
		}
		t, err = t.New("tpl").Parse(text)
		if err != nil {
			return "", err
		}
		var buf bytes.Buffer
		err = t.Execute(&buf, data)
		return buf.String(), err
	}
	root.Funcs(funcs)

	files, err := filepath.Glob(filepath.Join(chartDir, "templates", "*"))
	if err != nil {
		return "", err
	}
	sort.Strings(files)
	var names []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		tname := basePath + "/" + filepath.Base(f)
		if _, err := root.New(tname).Parse(string(data)); err != nil {
			return "", err
		}
		names = append(names, tname)
	}

	var out strings.Builder
	for _, tname := range names {
		base := filepath.Base(tname)
		if strings.HasPrefix(base, "_") || (base == "NOTES.txt") != notes {
			continue
		}
		scope := map[string]interface{}{
			"Values":       values,
			"Chart":        chart,
			"Release":      map[string]interface{}{"Name": name, "Namespace": "keptn", "Service": "Helm", "IsInstall": true, "IsUpgrade": false, "Revision": 1},
			"Template":     map[string]interface{}{"Name": tname, "BasePath": basePath},
			"Capabilities": map[string]interface{}{"KubeVersion": map[string]interface{}{"Version": "v1.27.0", "Major": "1", "Minor": "27"}},
		}
		var buf bytes.Buffer
		if err := root.ExecuteTemplate(&buf, tname, scope); err != nil {
			return "", err
		}
		if notes {
			out.WriteString(buf.String())
			continue
		}
		if strings.TrimSpace(buf.String()) == "" {
			continue
		}
		fmt.Fprintf(&out, "---\n# Source: %s\n%s\n", tname, strings.TrimSpace(buf.String()))
	}
	return out.String(), nil
}
