// knative-validate runs Knative objects through Knative's own defaulting and validation, as
// Knative's admission webhooks do on create: SetDefaults, then Validate, inside
// apis.WithinCreate, with the config maps Knative installs (config-defaults, config-features,
// config-autoscaler, config-br-defaults, ...) in the context.
//
//	knative-validate --configmaps DIR [--configmaps DIR]... < objects.json
//
// Reads a JSON array of objects; prints one JSON result per object (kind, name, Knative's
// errors and warnings, the defaulted object). Objects of other API groups are reported as not Knative's.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"

	eventingconfig "knative.dev/eventing/pkg/apis/config"
	eventingv1 "knative.dev/eventing/pkg/apis/eventing/v1"
	"knative.dev/eventing/pkg/apis/feature"
	messagingconfig "knative.dev/eventing/pkg/apis/messaging/config"
	messagingv1 "knative.dev/eventing/pkg/apis/messaging/v1"
	sourcesconfig "knative.dev/eventing/pkg/apis/sources/config"
	sourcesv1 "knative.dev/eventing/pkg/apis/sources/v1"
	"knative.dev/pkg/apis"
	servingconfig "knative.dev/serving/pkg/apis/config"
	servingv1 "knative.dev/serving/pkg/apis/serving/v1"
)

// The kinds Knative's webhooks default and validate, of the groups zerochat uses.
var kinds = map[schema.GroupVersionKind]func() object{
	servingv1.SchemeGroupVersion.WithKind("Service"):       func() object { return &servingv1.Service{} },
	servingv1.SchemeGroupVersion.WithKind("Configuration"): func() object { return &servingv1.Configuration{} },
	servingv1.SchemeGroupVersion.WithKind("Route"):         func() object { return &servingv1.Route{} },
	eventingv1.SchemeGroupVersion.WithKind("Broker"):       func() object { return &eventingv1.Broker{} },
	eventingv1.SchemeGroupVersion.WithKind("Trigger"):      func() object { return &eventingv1.Trigger{} },
	messagingv1.SchemeGroupVersion.WithKind("Channel"):     func() object { return &messagingv1.Channel{} },
	messagingv1.SchemeGroupVersion.WithKind("Subscription"): func() object {
		return &messagingv1.Subscription{}
	},
	sourcesv1.SchemeGroupVersion.WithKind("PingSource"):      func() object { return &sourcesv1.PingSource{} },
	sourcesv1.SchemeGroupVersion.WithKind("SinkBinding"):     func() object { return &sourcesv1.SinkBinding{} },
	sourcesv1.SchemeGroupVersion.WithKind("ApiServerSource"): func() object { return &sourcesv1.ApiServerSource{} },
	sourcesv1.SchemeGroupVersion.WithKind("ContainerSource"): func() object { return &sourcesv1.ContainerSource{} },
}

var knativeGroups = map[string]bool{
	"serving.knative.dev": true, "eventing.knative.dev": true, "messaging.knative.dev": true,
	"sources.knative.dev": true, "flows.knative.dev": true, "sinks.knative.dev": true,
}

type object interface {
	apis.Defaultable
	apis.Validatable
}

type result struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Name       string `json:"name"`
	// Knative is false for objects of other API groups (nothing was checked).
	Knative   bool        `json:"knative"`
	Errors    []string    `json:"errors"`
	Warnings  []string    `json:"warnings"`
	Defaulted interface{} `json:"defaulted,omitempty"`
}

type dirs []string

func (d *dirs) String() string     { return strings.Join(*d, ",") }
func (d *dirs) Set(v string) error { *d = append(*d, v); return nil }

// updater is what each Knative config store has: it takes a config map it knows by name.
type updater interface {
	OnConfigChanged(*corev1.ConfigMap)
}

func main() {
	var configDirs dirs
	flag.Var(&configDirs, "configmaps", "a folder of Knative's config map YAML files (repeatable)")
	flag.Parse()

	// Warnings and errors of the config stores (a config map they refuse) go to stderr.
	logger := zap.New(zapcore.NewCore(
		zapcore.NewConsoleEncoder(zap.NewDevelopmentEncoderConfig()), zapcore.Lock(os.Stderr), zapcore.WarnLevel,
	)).Sugar()
	servingStore := servingconfig.NewStore(logger)
	eventingStore := eventingconfig.NewStore(logger)
	channelStore := messagingconfig.NewStore(logger)
	pingStore := sourcesconfig.NewStore(logger)
	featureStore := feature.NewStore(logger)
	// Each store takes only the config maps it has a constructor for (namespace/name).
	stores := map[string]updater{
		"knative-serving/config-defaults":       servingStore,
		"knative-serving/config-features":       servingStore,
		"knative-serving/config-autoscaler":     servingStore,
		"knative-eventing/config-br-defaults":   eventingStore,
		"knative-eventing/default-ch-webhook":   channelStore,
		"knative-eventing/config-ping-defaults": pingStore,
		"knative-eventing/config-features":      featureStore,
	}
	for _, dir := range configDirs {
		if err := loadConfigMaps(dir, stores); err != nil {
			fail(err)
		}
	}
	// The order of Knative's webhooks (cmd/webhook of serving and eventing).
	withConfig := func(ctx context.Context) context.Context {
		ctx = servingStore.ToContext(ctx)
		return featureStore.ToContext(channelStore.ToContext(pingStore.ToContext(eventingStore.ToContext(ctx))))
	}

	var input []json.RawMessage
	if err := json.NewDecoder(os.Stdin).Decode(&input); err != nil {
		fail(fmt.Errorf("stdin: a JSON array of objects: %w", err))
	}
	results := make([]result, 0, len(input))
	for _, raw := range input {
		results = append(results, check(withConfig, raw))
	}
	out := json.NewEncoder(os.Stdout)
	out.SetIndent("", "  ")
	if err := out.Encode(results); err != nil {
		fail(err)
	}
}

func check(withConfig func(context.Context) context.Context, raw json.RawMessage) result {
	var meta struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Metadata   struct {
			Name string `json:"name"`
		} `json:"metadata"`
	}
	r := result{Errors: []string{}, Warnings: []string{}}
	if err := json.Unmarshal(raw, &meta); err != nil {
		r.Errors = append(r.Errors, err.Error())
		return r
	}
	r.APIVersion, r.Kind, r.Name = meta.APIVersion, meta.Kind, meta.Metadata.Name
	gvk := schema.FromAPIVersionAndKind(meta.APIVersion, meta.Kind)
	if !knativeGroups[gvk.Group] {
		return r
	}
	r.Knative = true
	newObject, known := kinds[gvk]
	if !known {
		r.Errors = append(r.Errors, fmt.Sprintf("knative-validate does not know %s", gvk))
		return r
	}
	obj := newObject()
	// Strict: a field Knative's Go types do not have is an error, as the webhook's decoder says.
	if err := yaml.UnmarshalStrict(raw, obj); err != nil {
		r.Errors = append(r.Errors, err.Error())
		return r
	}
	ctx := apis.WithinCreate(withConfig(context.Background()))
	obj.SetDefaults(ctx)
	// As the webhook answers: error-level findings refuse the object, warning-level ones are
	// warnings (kubectl prints them) and it is admitted.
	if err := obj.Validate(ctx); err != nil {
		r.Errors = append(r.Errors, messages(err.Filter(apis.ErrorLevel))...)
		r.Warnings = append(r.Warnings, messages(err.Filter(apis.WarningLevel))...)
	}
	r.Defaulted = obj
	return r
}

func messages(err *apis.FieldError) []string {
	if err == nil {
		return nil
	}
	var out []string
	for _, e := range err.WrappedErrors() {
		out = append(out, e.Error())
	}
	if len(out) == 0 {
		out = append(out, err.Error())
	}
	return out
}

// loadConfigMaps gives each config map of a folder to the store that reads it.
func loadConfigMaps(dir string, stores map[string]updater) error {
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return err
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		for _, document := range strings.Split(string(data), "\n---") {
			var cm corev1.ConfigMap
			if err := yaml.Unmarshal([]byte(document), &cm); err != nil {
				return fmt.Errorf("%s: %w", file, err)
			}
			if cm.Kind != "ConfigMap" {
				continue
			}
			if store, known := stores[cm.Namespace+"/"+cm.Name]; known {
				store.OnConfigChanged(&cm)
			}
		}
	}
	return nil
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "knative-validate:", err)
	os.Exit(1)
}
