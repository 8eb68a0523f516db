/**
 * The Knative release kub-setup.sh installs (knative-v1.22.0) as Go modules: their folders hold
 * the CRDs and default config maps, their packages the defaulting and validation that
 * tools/knative-validate runs (its go.mod requires the same versions).
 */
export const KNATIVE_SERVING_MODULE = 'knative.dev/serving@v0.49.0';
/** v0.49.0 is refused by the Go module proxy; v0.49.2 is the same release line. */
export const KNATIVE_EVENTING_MODULE = 'knative.dev/eventing@v0.49.2';
