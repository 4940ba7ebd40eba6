// Command deploycheck checks deployment files with the parsers Docker itself uses, for
// machines without Docker (`make deploy-check`, tests/deploy):
//
//	deploycheck compose FILE...   load compose files as `docker compose config` does (the
//	                              compose-spec JSON schema, interpolation, merge keys, references
//	                              between services) with every profile on; print the services
//	deploycheck dockerfile FILE   parse a Dockerfile with BuildKit's parser and instruction
//	                              reader; print its stages and their instructions as JSON
//
// Anything wrong is an error on stderr and exit status 1.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: deploycheck compose FILE... | deploycheck dockerfile FILE")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "compose":
		err = checkCompose(os.Args[2:])
	case "dockerfile":
		err = checkDockerfile(os.Args[2])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "deploycheck:", err)
		os.Exit(1)
	}
}

// Service is what the compose check reports of one service.
type Service struct {
	Name     string            `json:"name"`
	Image    string            `json:"image"`
	Target   string            `json:"target,omitempty"`
	Replicas int               `json:"replicas"`
	Profiles []string          `json:"profiles,omitempty"`
	Command  []string          `json:"command,omitempty"`
	Env      map[string]string `json:"environment"`
}

func checkCompose(files []string) error {
	options, err := cli.NewProjectOptions(
		files,
		cli.WithOsEnv,
		cli.WithProfiles([]string{"*"}),
		cli.WithResolvedPaths(false),
	)
	if err != nil {
		return err
	}
	project, err := options.LoadProject(context.Background())
	if err != nil {
		return err
	}
	services := []Service{}
	for name, service := range project.Services {
		replicas := 1
		if service.Deploy != nil && service.Deploy.Replicas != nil {
			replicas = *service.Deploy.Replicas
		}
		env := map[string]string{}
		for key, value := range service.Environment {
			if value != nil {
				env[key] = *value
			}
		}
		target := ""
		if service.Build != nil {
			target = service.Build.Target
		}
		services = append(services, Service{
			Name: name, Image: service.Image, Target: target, Replicas: replicas,
			Profiles: service.Profiles, Command: service.Command, Env: env,
		})
	}
	sort.Slice(services, func(i, j int) bool { return services[i].Name < services[j].Name })
	return json.NewEncoder(os.Stdout).Encode(services)
}

// Stage is what the Dockerfile check reports of one build stage.
type Stage struct {
	Name         string   `json:"name"`
	Base         string   `json:"base"`
	Instructions []string `json:"instructions"`
}

func checkDockerfile(path string) error {
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()
	ast, err := parser.Parse(file)
	if err != nil {
		return err
	}
	for _, warning := range ast.Warnings {
		return fmt.Errorf("%s: %s", path, warning.Short)
	}
	stages, _, err := instructions.Parse(ast.AST, nil)
	if err != nil {
		return err
	}
	report := []Stage{}
	for _, stage := range stages {
		lines := []string{}
		for _, command := range stage.Commands {
			lines = append(lines, strings.TrimSpace(fmt.Sprint(command)))
		}
		report = append(report, Stage{Name: stage.Name, Base: stage.BaseName, Instructions: lines})
	}
	return json.NewEncoder(os.Stdout).Encode(report)
}
