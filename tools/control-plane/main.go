// control-plane is etcd and kube-apiserver in one binary, built from their own Go modules (both
// carry replace directives, so `go install` refuses them; this wrapper module requires them
// with the replace lines copied). The test suite starts an API server from it to apply
// zerochat's manifests for real.
//
//	control-plane etcd [etcd flags]
//	control-plane kube-apiserver [kube-apiserver flags]
package main

import (
	"fmt"
	"os"
	_ "time/tzdata" // kube-apiserver's own main imports it, for CronJob time zones

	"go.etcd.io/etcd/server/v3/etcdmain"
	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"
	_ "k8s.io/component-base/metrics/prometheus/clientgo"
	_ "k8s.io/component-base/metrics/prometheus/version"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: control-plane etcd|kube-apiserver [flags]")
		os.Exit(2)
	}
	// Each program reads its flags from os.Args as if it had been started on its own.
	os.Args = os.Args[1:]
	switch os.Args[0] {
	case "etcd":
		etcdmain.Main(os.Args)
	case "kube-apiserver":
		os.Exit(cli.Run(app.NewAPIServerCommand()))
	default:
		fmt.Fprintf(os.Stderr, "control-plane: unknown program %q (etcd or kube-apiserver)\n", os.Args[0])
		os.Exit(2)
	}
}
