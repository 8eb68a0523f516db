// The peer: the request auth's GET /auth/me serves, written as a Knative Functions
// (faas-js-runtime) function, with its dependencies loaded from node_modules as `func` deploys them.
import { authMeWork } from './auth-me-work.mjs';

const work = authMeWork(process.env);

async function readiness(_request, reply) {
  if (await work.ready()) reply.send('OK');
  else reply.code(503).send('MongoDB unavailable');
}

const handle = (context) => work.me(context.headers.authorization);

export { handle, readiness };
