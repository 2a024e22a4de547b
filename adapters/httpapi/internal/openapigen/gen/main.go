// Command gen writes adapters/httpapi/openapi.json from openapi.base.json
// and the Go payload types (see package openapigen). Run it with
// go generate in adapters/httpapi.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/govit-cn/govit/adapters/httpapi/internal/openapigen"
)

func main() {
	base := flag.String("base", "openapi.base.json", "the hand-written base")
	out := flag.String("out", "openapi.json", "the document to write")
	root := flag.String("root", "../..", "the module's root, relative to the working directory")
	flag.Parse()
	data, err := os.ReadFile(*base)
	if err == nil {
		data, err = openapigen.Generate(data, *root)
	}
	if err == nil {
		err = os.WriteFile(*out, data, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
