// compose-config loads a compose file with compose-go, the loader behind `docker compose
// config`, the way the compose CLI sets it up (environment, .env or --env-file, profiles from
// --profile or COMPOSE_PROFILES), and prints the project it resolved as JSON. A file compose
// would refuse makes it exit 1 with compose's own message on stderr.
//
//	compose-config --file compose.yaml [--project-directory DIR] [--env-file FILE]... [--profile NAME]...
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
)

type list []string

func (l *list) String() string     { return strings.Join(*l, ",") }
func (l *list) Set(v string) error { *l = append(*l, v); return nil }

func main() {
	var files, envFiles, profiles list
	projectDirectory := flag.String("project-directory", "", "the folder relative paths start from (default: the first file's)")
	flag.Var(&files, "file", "a compose file (repeatable)")
	flag.Var(&envFiles, "env-file", "an env file for interpolation instead of the project's .env (repeatable)")
	flag.Var(&profiles, "profile", "a profile to enable (repeatable; default: COMPOSE_PROFILES)")
	flag.Parse()

	options, err := cli.NewProjectOptions(files,
		cli.WithWorkingDirectory(*projectDirectory),
		cli.WithOsEnv,
		cli.WithEnvFiles(envFiles...),
		cli.WithDotEnv,
		cli.WithDefaultProfiles(profiles...),
		cli.WithResolvedPaths(true),
	)
	if err == nil {
		err = load(options)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func load(options *cli.ProjectOptions) error {
	project, err := options.LoadProject(context.Background())
	if err != nil {
		return err
	}
	out, err := project.MarshalJSON()
	if err != nil {
		return err
	}
	_, err = os.Stdout.Write(append(out, '\n'))
	return err
}
