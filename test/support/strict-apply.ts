import {
  type KubernetesObject as ClientObject,
  HttpMethod,
  type KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';

/** The field manager zerochat's manifests are applied with, as `kubectl apply --server-side` would. */
export const FIELD_MANAGER = 'zerochat-test';

/** A refusal of the API server: its HTTP status and its Status message. */
export class ApiRefusal extends Error {
  override readonly name = 'ApiRefusal';
  readonly code: number;
  constructor(code: number, message: string) {
    super(`${code}: ${message}`);
    this.code = code;
  }
}

/**
 * Server-side apply as `kubectl apply --server-side --validate=strict` does it: the object is
 * sent as written, and the API server refuses a field its schema does not have
 * (fieldValidation=Strict) instead of dropping it. client-node's own patch() first passes
 * objects through its typed models, which drop the fields they do not know (a misspelt one,
 * a CRD's x-kubernetes-*) before the server could see them; this uses its discovery, URLs,
 * TLS and authentication, and sends and returns the JSON untouched.
 */
class StrictApplier extends KubernetesObjectApi {
  async apply(object: ClientObject): Promise<ClientObject> {
    return this.send(object, 'patch', JSON.stringify(object), {
      fieldManager: FIELD_MANAGER,
      force: 'true',
      fieldValidation: 'Strict',
    });
  }

  /** Server-side apply of the status subresource, as a controller (or the kubelet) writes it. */
  async applyStatus(object: ClientObject): Promise<ClientObject> {
    return this.send(
      object,
      'patch',
      JSON.stringify(object),
      { fieldManager: FIELD_MANAGER, force: 'true' },
      '/status',
    );
  }

  async get(object: ClientObject): Promise<ClientObject> {
    return this.send(object, 'read');
  }

  /** Deletes in the background: a Job's default (orphan) would wait for a garbage collector that does not run here. */
  async remove(object: ClientObject): Promise<void> {
    await this.send(object, 'delete', undefined, { propagationPolicy: 'Background' });
  }

  private async send(
    object: ClientObject,
    action: 'patch' | 'read' | 'delete',
    body?: string,
    query: Record<string, string> = {},
    subresource = '',
  ): Promise<ClientObject> {
    const path = (await this.specUriPath(structuredClone(object), action)) + subresource;
    const request = this.configuration.baseServer.makeRequestContext(
      path,
      { patch: HttpMethod.PATCH, read: HttpMethod.GET, delete: HttpMethod.DELETE }[action],
    );
    for (const [name, value] of Object.entries(query)) request.setQueryParam(name, value);
    request.setHeaderParam('Accept', 'application/json');
    if (body !== undefined) {
      request.setHeaderParam('Content-Type', PatchStrategy.ServerSideApply);
      request.setBody(body);
    }
    await this.configuration.authMethods.default?.applySecurityAuthentication(request);
    const response = await this.configuration.httpApi.send(request).toPromise();
    const answer = JSON.parse(await response.body.text()) as ClientObject & { message?: string };
    if (response.httpStatusCode >= 300) throw new ApiRefusal(response.httpStatusCode, answer.message ?? '');
    return answer;
  }
}

export function strictApplier(kubeConfig: KubeConfig) {
  const api = kubeConfig.makeApiClient(StrictApplier);
  return {
    /** Applies one object; resolves to the object as the API server stored it. */
    apply: <T extends ClientObject>(object: T) => api.apply(object) as Promise<T>,
    /** Writes its status through the status subresource. */
    applyStatus: <T extends ClientObject>(object: T) => api.applyStatus(object) as Promise<T>,
    /** Reads the stored object back, as JSON. */
    read: <T extends ClientObject>(object: T) => api.get(object) as Promise<T>,
    /** Deletes it; resolves false when there was nothing to delete. */
    remove: (object: ClientObject) =>
      api.remove(object).then(
        () => true,
        (error) => {
          if (error instanceof ApiRefusal && error.code === 404) return false;
          throw error;
        },
      ),
  };
}
