// The official Genesys Cloud JavaScript SDK, used as an application uses it, against cxbridge's gateway through the
// SDK's own gateway setting (setGateway). Run by SdkLoginIT with GATEWAY_PORT (and optionally GATEWAY_HOST); prints
// one JSON object with what happened, for the Java test to judge. Exits non-zero only when it could not run at all.
'use strict';
const platformClient = require('purecloud-platform-client-v2');

const gateway = {
  protocol: 'http',
  host: process.env.GATEWAY_HOST || '127.0.0.1',
  port: Number(process.env.GATEWAY_PORT),
  path_params_login: 'login',
  path_params_api: process.env.API_PREFIX || '',
};

function newClient() {
  const client = new platformClient.ApiClientClass();
  client.setGateway(gateway);
  return client;
}

// What an SDK call's failure says: the HTTP status and the body the gateway answered.
function failure(e) {
  if (e && e.response) return { status: e.response.status, body: e.response.data };
  if (e && typeof e === 'object' && 'status' in e) return { status: e.status, body: e };
  return { status: -1, body: String(e) };
}

async function attempt(fn) {
  try {
    return { ok: true, value: await fn() };
  } catch (e) {
    return { ok: false, ...failure(e) };
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const out = {};

  // 1. demo logs in with the SDK's own client-credentials login, then lists, creates and reads queues.
  const demo = newClient();
  const login = await attempt(() => demo.loginClientCredentialsGrant('demo', 'cxb_demo_key'));
  out.login = login.ok ? { ok: true, tokenPrefix: demo.authData.accessToken.slice(0, 5),
    expiresInMs: demo.authData.tokenExpiryTime - Date.now() } : login;
  out.token = login.ok ? demo.authData.accessToken : null;
  const routing = new platformClient.RoutingApi(demo);
  const name = `sdk-login-${Date.now()}`;
  const created = await attempt(() => routing.postRoutingQueues({ name }));
  out.created = created.ok ? { ok: true, id: created.value.id, name: created.value.name } : created;
  if (created.ok) {
    const read = await attempt(() => routing.getRoutingQueue(created.value.id));
    out.read = read.ok ? { ok: true, id: read.value.id, name: read.value.name } : read;
  }
  const listed = await attempt(() => routing.getRoutingQueues({ pageSize: 100, pageNumber: 1 }));
  out.listed = listed.ok ? { ok: true, total: listed.value.total, names: listed.value.entities.map((q) => q.name) } : listed;

  // 2. users: the organisation's users (the sim seeds 2,600 in the local stack), listed page by page as the SDK
  //    pages (pageNumber until pageCount), 500 a page (the platform's cap for users).
  const users = new platformClient.UsersApi(demo);
  const pages = [];
  let pageCount = 1;
  for (let page = 1; page <= pageCount && page <= 20; page++) {
    const r = await attempt(() => users.getUsers({ pageSize: 500, pageNumber: page }));
    if (!r.ok) { pages.push(r); break; }
    pageCount = r.value.pageCount;
    pages.push({ ok: true, pageNumber: r.value.pageNumber, pageCount: r.value.pageCount, total: r.value.total,
      ids: r.value.entities.map((u) => u.id) });
  }
  out.userPages = pages;

  // 3. the readonly client logs in too, reads, and is refused a write.
  const readonly = newClient();
  out.readonlyLogin = (await attempt(() => readonly.loginClientCredentialsGrant('readonly', 'cxb_readonly_key'))).ok;
  const roRouting = new platformClient.RoutingApi(readonly);
  out.readonlyRead = (await attempt(() => roRouting.getRoutingQueues({ pageSize: 1 }))).ok;
  out.readonlyWrite = await attempt(() => roRouting.postRoutingQueues({ name: `${name}-refused` }));

  // 4. a wrong secret: the SDK's login fails; another grant: refused (sent as the SDK would, by hand).
  out.wrongSecret = await attempt(() => newClient().loginClientCredentialsGrant('demo', 'not-the-key'));
  const res = await fetch(`http://${gateway.host}:${gateway.port}/login/oauth/token`, {
    method: 'POST',
    headers: { Authorization: 'Basic ' + Buffer.from('demo:cxb_demo_key').toString('base64'),
      'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=password&username=u&password=p',
  });
  out.passwordGrant = { status: res.status, body: await res.json() };

  // 5. a client whose tokens live 2 s: used after they expired, the call gets the platform's 401, and the
  //    application does what the SDK documents for client credentials: log in again, call again.
  const short = newClient();
  const shortLogin = await attempt(() => short.loginClientCredentialsGrant('sdk-short', 'cxb_sdk_short_key'));
  out.shortLogin = shortLogin.ok ? { ok: true, expiresInMs: short.authData.tokenExpiryTime - Date.now() } : shortLogin;
  const shortRouting = new platformClient.RoutingApi(short);
  out.shortFirst = (await attempt(() => shortRouting.getRoutingQueues({ pageSize: 1 }))).ok;
  await sleep(3000);
  const expired = await attempt(() => shortRouting.getRoutingQueues({ pageSize: 1 }));
  out.expired = expired;
  if (!expired.ok && expired.status === 401) {
    out.relogin = (await attempt(() => short.loginClientCredentialsGrant('sdk-short', 'cxb_sdk_short_key'))).ok;
    out.afterRelogin = (await attempt(() => shortRouting.getRoutingQueues({ pageSize: 1 }))).ok;
  }

  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((e) => {
  process.stderr.write(`sdk-login.js could not run: ${e && e.stack ? e.stack : e}\n`);
  process.exit(2);
});
