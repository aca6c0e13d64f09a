//go:build tools

// Pins the Pulumi CLI and the Node.js language host to one version; built by scripts/setup.sh only
// when no recent enough `pulumi` is on PATH.
package tools

import (
	_ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
)
