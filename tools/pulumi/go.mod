module pulumi-logto-m2m/tools/pulumi

go 1.25.11

require github.com/pulumi/pulumi/pkg/v3 v3.259.0 // indirect
