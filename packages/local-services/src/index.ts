export { cacheDir, REPO_ROOT } from './cache.ts';
export { createFerretDb, type FerretDb, type FerretDbOptions } from './ferretdb.ts';
export { findOnPath } from './find-binary.ts';
export { acceptsConnections, freePort } from './free-port.ts';
export {
  type BuildOptions,
  downloadModule,
  ensureFerretDb,
  ensureOllama,
  FERRETDB_VERSION,
  MissingToolError,
  OLLAMA_VERSION,
} from './go-build.ts';
export { ensureGoProgram } from './go-program.ts';
export {
  ETCD_VERSION,
  ensureControlPlane,
  KUBERNETES_VERSION,
  type KubernetesApiServer,
  type KubernetesApiServerOptions,
  startKubernetesApiServer,
} from './kubernetes-api-server.ts';
export { createOllamaServer, type OllamaServer, type OllamaServerOptions } from './ollama-server.ts';
export {
  type ProvidedService,
  type ProvidedServices,
  type ProvideServicesOptions,
  provideMongo,
  provideOllama,
  provideServices,
  registerSmolLm2,
  registerTinyModel,
} from './provide-services.ts';
export {
  reapLeftovers,
  type ServiceProcess,
  type ServiceProcessOptions,
  startServiceProcess,
  stopServicesOnSignals,
} from './service-process.ts';
export { ensureSmolLm2, SMOLLM2, type SmolLm2Options, smolLm2Path } from './smollm2.ts';
