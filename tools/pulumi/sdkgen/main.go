// Command sdkgen writes the Python and Go SDKs of a package schema with the Pulumi CLI's own code generators
// (pkg/v3/codegen/python and pkg/v3/codegen/go, at the CLI's pinned version from ../go.mod). `pulumi package
// gen-sdk` hands generation to each language's host (pulumi-language-python, pulumi-language-go), which call
// these same generators; those hosts are not obtainable here, so this calls the generators directly.
//
// Usage: sdkgen <schema.json> <python|go> <out dir>
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: sdkgen <schema.json> <python|go> <out dir>")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2], os.Args[3]); err != nil {
		fmt.Fprintln(os.Stderr, "sdkgen:", err)
		os.Exit(1)
	}
}

func run(schemaPath, language, out string) error {
	raw, err := os.ReadFile(schemaPath)
	if err != nil {
		return err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return fmt.Errorf("%s: %w", schemaPath, err)
	}
	// A self-contained schema: no references to other packages to load.
	pkg, diags, err := schema.BindSpec(spec, schema.NewNullLoader(), schema.ValidationOptions{})
	if err != nil {
		return err
	}
	if diags.HasErrors() {
		return diags
	}
	var files map[string][]byte
	switch language {
	case "python":
		files, err = python.GeneratePackage("pulumi", pkg, nil, nil)
	case "go":
		files, err = gogen.GeneratePackage("pulumi", pkg, nil)
	default:
		return fmt.Errorf("unknown language %q (python, go)", language)
	}
	if err != nil {
		return err
	}
	return writeFiles(out, files)
}

func writeFiles(out string, files map[string][]byte) error {
	if err := os.RemoveAll(out); err != nil {
		return err
	}
	for name, data := range files {
		target := filepath.Join(out, name)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(target, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
