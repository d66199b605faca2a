// Renders webhook templates the way Keptn's webhook-service does, so the tests can check what a
// generated webhook.yaml really sends. Built and run by test/conformance/webhook-render.ts.
//
// stdin:  {"templates": {"name": "text", ...}, "event": {...}, "env": {"k": "v"}}
// stdout: {"name": {"output": "...", "error": "..."}, ...}
package main

import (
	"bytes"
	"encoding/json"
	"os"
	"text/template"
)

type request struct {
	Templates map[string]string `json:"templates"`
	// Decoded into interface{} values, so numbers are float64: the service decodes the
	// CloudEvent the same way, and {{.data.n}} prints 1e+06 there too.
	Event map[string]interface{} `json:"event"`
	// map[string]string, as the service's secret env is: .env.<name> is always a string.
	Env map[string]string `json:"env"`
}

type result struct {
	Output string `json:"output"`
	Error  string `json:"error"`
}

func main() {
	var req request
	in := json.NewDecoder(os.Stdin)
	// A misspelt field would otherwise render every template against an empty event.
	in.DisallowUnknownFields()
	if err := in.Decode(&req); err != nil || req.Templates == nil {
		os.Stderr.WriteString("webhook-render: stdin must be {\"templates\": {...}, \"event\": {...}, \"env\": {...}}\n")
		if err != nil {
			os.Stderr.WriteString(err.Error() + "\n")
		}
		os.Exit(2)
	}

	data := req.Event
	if data == nil {
		data = map[string]interface{}{}
	}
	// The service adds the secrets last, so an event field called "env" is hidden, as here.
	env := req.Env
	if env == nil {
		env = map[string]string{}
	}
	data["env"] = env

	results := map[string]result{}
	for name, text := range req.Templates {
		// No Funcs: the service registers none, so sprig-style helpers must fail to parse.
		tmpl, err := template.New(name).Option("missingkey=error").Parse(text)
		if err != nil {
			results[name] = result{Error: err.Error()}
			continue
		}
		var out bytes.Buffer
		if err := tmpl.Execute(&out, data); err != nil {
			// The service discards what was written before the error, so do we.
			results[name] = result{Error: err.Error()}
			continue
		}
		results[name] = result{Output: out.String()}
	}

	enc := json.NewEncoder(os.Stdout)
	// Keep <, > and & readable in the output; the JSON is the same to any parser.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(results); err != nil {
		os.Stderr.WriteString("webhook-render: " + err.Error() + "\n")
		os.Exit(1)
	}
}
