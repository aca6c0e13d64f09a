// Command sdkgen-dotnet writes the .NET SDK of a package schema with Pulumi's own .NET code generator. The CLI
// hands .NET generation to pulumi-language-dotnet (github.com/pulumi/pulumi-dotnet), which the Go module proxy
// does not serve here; the generator it grew out of is pkg/v3/codegen/dotnet, last shipped in pkg/v3 v3.206.0
// (the version the YAML language host pins), so that one is used.
//
// Usage: sdkgen-dotnet <schema.json> <out dir>
package main

import (
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"os"
	"path/filepath"

	"github.com/pulumi/pulumi/pkg/v3/codegen/dotnet"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: sdkgen-dotnet <schema.json> <out dir>")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "sdkgen-dotnet:", err)
		os.Exit(1)
	}
}

func run(schemaPath, out string) error {
	raw, err := os.ReadFile(schemaPath)
	if err != nil {
		return err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return fmt.Errorf("%s: %w", schemaPath, err)
	}
	// A self-contained schema: no references to other packages to load.
	pkg, err := schema.ImportSpec(spec, nil, schema.ValidationOptions{})
	if err != nil {
		return err
	}
	if pkg.LogoURL == "" {
		// The generator downloads the package icon, by default from raw.githubusercontent.com; offline, it gets a
		// plain square of its own through a file:// URL instead.
		logo, err := plainLogo()
		if err != nil {
			return err
		}
		defer os.Remove(logo)
		http.DefaultTransport.(*http.Transport).RegisterProtocol("file", http.NewFileTransport(http.Dir("/")))
		pkg.LogoURL = "file://" + logo
	}
	files, err := dotnet.GeneratePackage("pulumi", pkg, nil, nil)
	if err != nil {
		return err
	}
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

func plainLogo() (string, error) {
	img := image.NewRGBA(image.Rect(0, 0, 64, 64))
	for x := 0; x < 64; x++ {
		for y := 0; y < 64; y++ {
			img.Set(x, y, color.RGBA{0x5d, 0x34, 0xf2, 0xff})
		}
	}
	f, err := os.CreateTemp("", "logo-*.png")
	if err != nil {
		return "", err
	}
	defer f.Close()
	return f.Name(), png.Encode(f, img)
}
