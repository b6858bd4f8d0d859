// tableauth admin theme: draws the "API keys" tab of a user's page (#/{realm}/users/{id}/api-keys) over tableauth's
// admin REST (/admin/realms/{realm}/tableauth-api-keys/users/{id}/...). Keycloak's declarative UI draws the tab
// itself (io.tableauth.rest.admin.ApiKeysUserTab); this script fills it in.
//
// It signs in the way the admin console does, as the console's own client: an authorization-code flow with PKCE,
// silently (prompt=none) in a hidden frame, on the admin's existing Keycloak session. So the calls carry the
// admin's own rights, and Keycloak checks them (view-users to list, manage-users to change).

const env = JSON.parse(document.getElementById("environment").textContent);
const ROUTE = /^#\/([^/?#]+)\/users\/([^/?#]+)\/api-keys\/?$/;
const ROOT_ID = "tableauth-api-keys";
const SILENT_PATH = "tableauth-silent-sso";

// ---- sign-in -------------------------------------------------------------------------------------------------

let token = null; // { access, refresh, expiresAt }

function base64url(bytes) {
  let s = "";
  bytes.forEach((b) => (s += String.fromCharCode(b)));
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function randomString(bytes) {
  const b = new Uint8Array(bytes);
  crypto.getRandomValues(b);
  return base64url(b);
}

function oidcUrl(endpoint) {
  return `${env.authServerUrl.replace(/\/$/, "")}/realms/${encodeURIComponent(env.realm)}/protocol/openid-connect/${endpoint}`;
}

function redirectUri() {
  return new URL(`${env.consoleBaseUrl.replace(/\/$/, "")}/${SILENT_PATH}`, location.origin).href;
}

/** A code from the authorization endpoint, without a page change: prompt=none in a hidden frame. */
function silentCode(challenge, state) {
  return new Promise((resolve, reject) => {
    const frame = document.createElement("iframe");
    frame.style.display = "none";
    frame.title = "tableauth sign-in";
    const params = new URLSearchParams({
      client_id: env.clientId,
      redirect_uri: redirectUri(),
      response_type: "code",
      response_mode: "fragment",
      scope: "openid",
      prompt: "none",
      state,
      code_challenge: challenge,
      code_challenge_method: "S256",
    });
    const done = (fn, value) => {
      clearTimeout(timer);
      frame.remove();
      fn(value);
    };
    const timer = setTimeout(() => done(reject, new Error("Signing in timed out")), 15000);
    frame.addEventListener("load", () => {
      let href;
      try {
        href = frame.contentWindow.location.href;
      } catch {
        return; // still on another origin
      }
      if (!href.startsWith(redirectUri())) {
        return;
      }
      const answer = new URLSearchParams(new URL(href).hash.slice(1));
      if (answer.get("state") !== state) {
        done(reject, new Error("Sign-in answered another request"));
      } else if (answer.get("error")) {
        done(reject, new Error(`Sign-in refused: ${answer.get("error")}`));
      } else {
        done(resolve, answer.get("code"));
      }
    });
    frame.src = `${oidcUrl("auth")}?${params}`;
    document.body.appendChild(frame);
  });
}

async function grant(form) {
  const response = await fetch(oidcUrl("token"), {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ client_id: env.clientId, ...form }),
  });
  if (!response.ok) {
    throw new Error(`Sign-in failed (${response.status})`);
  }
  const body = await response.json();
  token = {
    access: body.access_token,
    refresh: body.refresh_token,
    expiresAt: Date.now() + body.expires_in * 1000,
  };
  return token.access;
}

async function accessToken() {
  if (token && token.expiresAt - 15000 > Date.now()) {
    return token.access;
  }
  if (token && token.refresh) {
    try {
      return await grant({ grant_type: "refresh_token", refresh_token: token.refresh });
    } catch {
      token = null;
    }
  }
  const verifier = randomString(48);
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  const code = await silentCode(base64url(new Uint8Array(digest)), randomString(16));
  return grant({
    grant_type: "authorization_code",
    code,
    redirect_uri: redirectUri(),
    code_verifier: verifier,
  });
}

// ---- admin REST ----------------------------------------------------------------------------------------------

async function call(realm, userId, path, method = "GET", body) {
  const url = `${env.adminBaseUrl.replace(/\/$/, "")}/admin/realms/${encodeURIComponent(realm)}`
    + `/tableauth-api-keys/users/${encodeURIComponent(userId)}/${path}`;
  const response = await fetch(url, {
    method,
    headers: {
      Authorization: `Bearer ${await accessToken()}`,
      ...(body ? { "Content-Type": "application/json" } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // answered below
  }
  if (!response.ok) {
    const message = (json && (json.errorMessage || json.error_description || json.error))
      || (response.status === 403 ? "You may not do this for this user." : `Request failed (${response.status})`);
    throw new Error(message);
  }
  return json;
}

// ---- drawing -------------------------------------------------------------------------------------------------

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "onclick" || name === "onsubmit") {
      node.addEventListener(name.slice(2), value);
    } else if (value !== undefined && value !== null && value !== false) {
      node.setAttribute(name, value === true ? "" : value);
    }
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) {
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
  return node;
}

function when(iso) {
  return iso ? new Date(iso).toLocaleString() : "—";
}

class KeysPanel {
  constructor(realm, userId) {
    this.realm = realm;
    this.userId = userId;
    this.root = el("div", { id: ROOT_ID, class: "pf-v5-c-page__main-section pf-m-light" });
    this.message = el("div", { "data-testid": "tableauth-message" });
    this.secret = el("div", { "data-testid": "tableauth-secret-box" });
    this.list = el("div", { "data-testid": "tableauth-keys" });
    this.form = el("form", { class: "pf-v5-c-form", "data-testid": "tableauth-create", onsubmit: (e) => this.create(e) });
    this.root.append(
      el("h2", { class: "pf-v5-c-title pf-m-xl" }, "API keys"),
      el("p", { class: "pf-v5-u-mb-md" },
        "Keys this user calls your APIs with (X-API-Key). A key is shown once, when it is created or rotated; "
        + "only its hash is kept."),
      this.message, this.secret, this.list,
      el("h3", { class: "pf-v5-c-title pf-m-lg pf-v5-u-mt-lg" }, "Create a key"),
      this.form,
    );
  }

  say(text, kind = "danger") {
    this.message.replaceChildren(text ? el("div", { class: `pf-v5-c-alert pf-m-inline pf-m-${kind}`, role: "alert" },
      el("p", { class: "pf-v5-c-alert__title" }, text)) : "");
  }

  showSecret(key, what) {
    const value = el("code", { "data-testid": "tableauth-secret" }, key.key);
    const copy = el("button", { type: "button", class: "pf-v5-c-button pf-m-secondary pf-m-small pf-v5-u-ml-sm",
      onclick: () => navigator.clipboard && navigator.clipboard.writeText(key.key) }, "Copy");
    this.secret.replaceChildren(el("div", { class: "pf-v5-c-alert pf-m-inline pf-m-success", role: "status" },
      el("p", { class: "pf-v5-c-alert__title" }, `Key “${key.name}” ${what}. Copy it now: it is not shown again.`),
      el("div", { class: "pf-v5-c-alert__description" }, value, copy,
        key.previousKeyValidUntil ? el("p", {}, `The old key works until ${when(key.previousKeyValidUntil)}.`) : null)));
  }

  async load() {
    this.root.dataset.busy = "true";
    try {
      const [keys, scopes] = await Promise.all([
        call(this.realm, this.userId, "keys"),
        call(this.realm, this.userId, "scopes"),
      ]);
      this.drawList(keys);
      this.drawForm(scopes);
    } catch (e) {
      this.say(e.message);
    } finally {
      delete this.root.dataset.busy;
    }
  }

  drawList(keys) {
    if (!keys.length) {
      this.list.replaceChildren(el("p", { "data-testid": "tableauth-no-keys" }, "This user has no API keys."));
      return;
    }
    const head = el("tr", {}, ["Name", "Key", "Scopes", "Project", "Status", "Created", "Last used", "Expires", ""]
      .map((h) => el("th", { scope: "col" }, h)));
    const rows = keys.map((k) => el("tr", { "data-testid": "tableauth-key-row", "data-key-id": k.id },
      el("td", { "data-label": "Name" }, k.name),
      el("td", { "data-label": "Key" }, el("code", {}, `${k.prefix}…`)),
      el("td", { "data-label": "Scopes" }, k.scopes.join(", ")),
      el("td", { "data-label": "Project" }, k.projectId || "—"),
      el("td", { "data-label": "Status", "data-testid": "tableauth-key-status" }, k.status),
      el("td", { "data-label": "Created" }, when(k.createdAt)),
      el("td", { "data-label": "Last used" }, when(k.lastUsedAt)),
      el("td", { "data-label": "Expires" }, k.expiresAt ? when(k.expiresAt) : "never"),
      el("td", { class: "pf-v5-c-table__action" }, k.status === "revoked" ? "" : [
        el("button", { type: "button", class: "pf-v5-c-button pf-m-secondary pf-m-small",
          "data-testid": "tableauth-rotate", onclick: () => this.rotate(k) }, "Rotate"),
        el("button", { type: "button", class: "pf-v5-c-button pf-m-danger pf-m-small pf-v5-u-ml-sm",
          "data-testid": "tableauth-revoke", onclick: () => this.revoke(k) }, "Revoke"),
      ])));
    this.list.replaceChildren(el("table", { class: "pf-v5-c-table pf-m-compact pf-m-grid-md", role: "grid" },
      el("thead", {}, head), el("tbody", {}, rows)));
  }

  drawForm(scopes) {
    const field = (label, input) => el("div", { class: "pf-v5-c-form__group" },
      el("div", { class: "pf-v5-c-form__group-label" }, el("label", { class: "pf-v5-c-form__label", for: input.id },
        el("span", { class: "pf-v5-c-form__label-text" }, label))),
      el("div", { class: "pf-v5-c-form__group-control" }, input));
    const scopeBoxes = el("div", { id: "tableauth-key-scopes" }, scopes.map((s) => el("div", { class: "pf-v5-c-check" },
      el("input", { class: "pf-v5-c-check__input", type: "checkbox", name: "scope", value: s, id: `tableauth-scope-${s}` }),
      el("label", { class: "pf-v5-c-check__label", for: `tableauth-scope-${s}` }, s))));
    this.form.replaceChildren(
      field("Name", el("input", { class: "pf-v5-c-form-control", id: "tableauth-key-name", name: "name",
        required: true, maxlength: "255" })),
      field("Scopes", scopeBoxes),
      field("Project (client id)", el("input", { class: "pf-v5-c-form-control", id: "tableauth-key-project",
        name: "projectId", placeholder: "the realm's default client" })),
      field("Expires in days", el("input", { class: "pf-v5-c-form-control", id: "tableauth-key-days",
        name: "expiresInDays", type: "number", min: "1", max: "3650", placeholder: "never" })),
      el("div", { class: "pf-v5-c-form__actions" }, el("button", { type: "submit", class: "pf-v5-c-button pf-m-primary",
        "data-testid": "tableauth-create-key" }, "Create key")));
  }

  async create(event) {
    event.preventDefault();
    const data = new FormData(this.form);
    const body = { name: data.get("name"), scopes: data.getAll("scope") };
    if (data.get("projectId")) body.projectId = data.get("projectId");
    if (data.get("expiresInDays")) body.expiresInDays = Number(data.get("expiresInDays"));
    await this.act(() => call(this.realm, this.userId, "keys", "POST", body), "created");
    if (!this.message.textContent) this.form.reset();
  }

  rotate(key) {
    return this.act(() => call(this.realm, this.userId, `keys/${encodeURIComponent(key.id)}/rotate`, "POST"), "rotated");
  }

  revoke(key) {
    if (!window.confirm(`Revoke the key “${key.name}”? Whoever uses it is refused from now on.`)) return undefined;
    return this.act(() => call(this.realm, this.userId, `keys/${encodeURIComponent(key.id)}/revoke`, "POST"));
  }

  async act(request, shown) {
    this.say(null);
    this.secret.replaceChildren();
    this.root.dataset.busy = "true"; // until the list is drawn again (tests wait for it)
    try {
      const key = await request();
      if (shown) this.showSecret(key, shown); // first: the key must be seen even if the list fails to load
      this.drawList(await call(this.realm, this.userId, "keys"));
    } catch (e) {
      this.say(e.message);
    } finally {
      delete this.root.dataset.busy;
    }
  }
}

// ---- placing it on the tab -----------------------------------------------------------------------------------

let panel = null;

function place() {
  const match = ROUTE.exec(location.hash);
  if (!match) {
    panel = null;
    return;
  }
  const [, realm, userId] = match.map(decodeURIComponent);
  // the declarative tab's own panel: the visible tab content holding the tab's (never saved) note form
  const content = [...document.querySelectorAll(".pf-v5-c-tab-content")].find((c) => !c.hidden
    && c.querySelector("form"));
  if (!content) {
    return;
  }
  if (!panel || panel.realm !== realm || panel.userId !== userId) {
    panel = new KeysPanel(realm, userId);
    panel.load();
  }
  if (!content.contains(panel.root)) {
    for (const child of content.children) {
      if (child !== panel.root) child.style.display = "none";
    }
    content.prepend(panel.root);
  }
}

new MutationObserver(place).observe(document.body, { childList: true, subtree: true });
window.addEventListener("hashchange", place);
place();
