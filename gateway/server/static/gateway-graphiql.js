/*
 * GraphiQL as the gateway serves it: the example operations as tabs, a signed-in state (filled
 * by the sign-in example's answer, cleared by the sign-out example's, shown as a badge at the
 * top right and sent as the Authorization header of every tab), and a "Query plan" panel
 * showing the plan of the last request.
 *
 * Plain ES2017 and React.createElement, no build step: React, ReactDOM and GraphiQL come from
 * the UMD bundles the gateway serves from the npm packages installed at setup.
 */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("gateway-graphiql-config").textContent);
  var session = config.session || { signIn: [], signOut: null, anonymous: [] };
  var h = React.createElement;

  // A tiny external store for React.useSyncExternalStore: the plan panel and the badge read one.
  function createStore(initial) {
    var value = initial;
    var listeners = new Set();
    return {
      get: function () { return value; },
      set: function (next) {
        value = next;
        listeners.forEach(function (listener) { listener(); });
      },
      subscribe: function (listener) {
        listeners.add(listener);
        return function () { listeners.delete(listener); };
      },
    };
  }

  var planStore = createStore({ text: null, operation: null, at: null });

  // The signed-in state: {token, name, note}. Kept in sessionStorage so a reload stays signed
  // in, while closing the browser forgets the token.
  var SESSION_KEY = "gateway-graphiql:session";

  function readStoredSession() {
    try {
      var stored = JSON.parse(window.sessionStorage.getItem(SESSION_KEY) || "null");
      if (stored && typeof stored.token === "string" && stored.token) {
        return { token: stored.token, name: stored.name || null, note: null };
      }
    } catch (error) {
      // storage refused or unreadable: start signed out
    }
    return { token: null, name: null, note: null };
  }

  var sessionStore = createStore(readStoredSession());

  function signIn(token, name) {
    sessionStore.set({ token: token, name: name, note: null });
    try {
      window.sessionStorage.setItem(SESSION_KEY, JSON.stringify({ token: token, name: name }));
    } catch (error) {
      // private mode or storage full: the state still lives until a reload
    }
  }

  function signOut(note) {
    sessionStore.set({ token: null, name: null, note: note });
    try {
      window.sessionStorage.removeItem(SESSION_KEY);
    } catch (error) {
      // nothing stored
    }
  }

  // The value at a dotted path of a response's data (list indexes as numbers), or undefined.
  function lookup(data, path) {
    return String(path).split(".").reduce(function (current, part) {
      return current !== null && typeof current === "object" ? current[part] : undefined;
    }, data);
  }

  // Headers for one request. The Authorization header is the signed-in token unless the tab's
  // Headers editor sets one of its own (the placeholder does not count; an empty value sends
  // none), or the operation is one the examples send without a token (signing in).
  function requestHeaders(fromEditor, introspection, anonymous) {
    var headers = {
      "content-type": "application/json",
      // multipart: an operation with @defer is answered in parts, which GraphiQL merges
      accept: "application/graphql-response+json, application/json, multipart/mixed;deferSpec=20220824",
    };
    var ownAuthorization = false;
    Object.keys(fromEditor || {}).forEach(function (name) {
      var value = fromEditor[name];
      if (name.toLowerCase() !== "authorization") {
        headers[name] = value;
      } else if (value !== config.authPlaceholder) {
        ownAuthorization = true;
        if (value) {
          headers[name] = value;
        }
      }
    });
    var token = sessionStore.get().token;
    var sentToken = !ownAuthorization && !anonymous && token ? token : null;
    if (sentToken) {
      headers.Authorization = "Bearer " + sentToken;
    }
    if (config.planHeader && !introspection) {
      headers[config.planHeader] = "1";
    }
    return { headers: headers, sentToken: sentToken };
  }

  function isUnauthenticated(status, body) {
    var errors = (body && body.errors) || [];
    return status === 401 || errors.some(function (error) {
      return error && error.extensions && error.extensions.code === "UNAUTHENTICATED";
    });
  }

  // What an answer means for the signed-in state: a sign-in answer carries a new token; a
  // sign-out answer, or a refusal of the token just sent, ends the session.
  function observeSession(status, body, sentToken) {
    var data = body && body.data;
    for (var i = 0; i < session.signIn.length; i += 1) {
      var rule = session.signIn[i];
      var token = lookup(data, rule.token);
      if (typeof token === "string" && token) {
        var name = rule.name ? lookup(data, rule.name) : null;
        signIn(token, typeof name === "string" ? name : null);
        return;
      }
    }
    var current = sessionStore.get().token;
    if (!sentToken || sentToken !== current) {
      return;
    }
    if (session.signOut && lookup(data, session.signOut.path) === true) {
      signOut("Signed out: the token was revoked. Run " + signInName + " to sign in again.");
    } else if (isUnauthenticated(status, body)) {
      signOut("Signed out: the token was refused (expired or revoked). Run " + signInName + " again.");
    }
  }

  function takePlan(body, operationName) {
    var extensions = body && body.extensions;
    if (!extensions || !("queryPlanText" in extensions || "queryPlan" in extensions)) {
      return body;
    }
    planStore.set({
      text: extensions.queryPlanText || JSON.stringify(extensions.queryPlan, null, 2),
      operation: operationName || "(anonymous operation)",
      at: new Date().toLocaleTimeString(),
    });
    var rest = Object.assign({}, extensions);
    delete rest.queryPlan;
    delete rest.queryPlanText;
    var shown = Object.assign({}, body);
    if (Object.keys(rest).length > 0) {
      shown.extensions = rest;
    } else {
      delete shown.extensions;
    }
    return shown;
  }

  // Names of the operations a document defines (strings and comments left out).
  function operationNames(query) {
    var code = String(query || "").replace(/"""[\s\S]*?"""|"(?:[^"\\\n]|\\.)*"|#[^\n]*/g, " ");
    var names = [];
    var pattern = /\b(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/g;
    var match;
    while ((match = pattern.exec(code)) !== null) {
      names.push(match[1]);
    }
    return names;
  }

  // Right after a tab switch GraphiQL can still send the previous tab's operation name; a name
  // the document does not define is that stale value, so use the document's only operation.
  function withCurrentOperationName(params) {
    if (!params.operationName) {
      return params;
    }
    var names = operationNames(params.query);
    if (names.indexOf(params.operationName) >= 0 || names.length > 1) {
      return params;
    }
    return Object.assign({}, params, { operationName: names.length === 1 ? names[0] : undefined });
  }

  // The sign-in example's operation name, for the badge's hints ("run SignIn").
  var signInName = session.signIn.length > 0 ? operationNames(session.signIn[0].query)[0] || "the sign-in example" : null;

  var anonymousOperations = session.anonymous.reduce(function (names, query) {
    return names.concat(operationNames(query));
  }, []);

  function isAnonymous(params) {
    var names = params.operationName ? [params.operationName] : operationNames(params.query);
    return names.length === 1 && anonymousOperations.indexOf(names[0]) >= 0;
  }

  async function post(params, editorHeaders) {
    var introspection = params.operationName === "IntrospectionQuery";
    var sent = requestHeaders(editorHeaders, introspection, isAnonymous(params));
    var response = await fetch(config.url, {
      method: "POST",
      headers: sent.headers,
      body: JSON.stringify(params),
      credentials: "same-origin",
    });
    if ((response.headers.get("content-type") || "").indexOf("multipart/mixed") === 0) {
      return multipartParts(response);
    }
    var text = await response.text();
    var body;
    try {
      body = JSON.parse(text);
    } catch (error) {
      body = {
        errors: [{ message: "The gateway answered HTTP " + response.status + " with: " + text.slice(0, 300) }],
      };
    }
    if (!introspection) {
      observeSession(response.status, body, sent.sentToken);
    }
    return body;
  }

  // The JSON payloads of a `multipart/mixed; boundary="-"` answer, each as soon as the
  // delimiter after it arrives (payloads are JSON, so they never hold a raw line break).
  async function* multipartParts(response) {
    var reader = response.body.getReader();
    var decoder = new TextDecoder();
    var buffer = "";
    var delimiter = /\r\n---(?:--)?\r\n/;
    for (;;) {
      var chunk = await reader.read();
      if (chunk.done) {
        return;
      }
      buffer += decoder.decode(chunk.value, { stream: true });
      var match;
      while ((match = delimiter.exec(buffer)) !== null) {
        var part = buffer.slice(0, match.index);
        buffer = buffer.slice(match.index + match[0].length);
        var start = part.indexOf("\r\n\r\n");
        if (start >= 0) {
          yield JSON.parse(part.slice(start + 4));
        }
      }
    }
  }

  async function* withPlans(parts, operationName) {
    for await (var part of parts) {
      yield takePlan(part, operationName);
    }
  }

  // Whether the operation to run is a subscription (named, or the document's only one).
  function isSubscription(params) {
    var code = String(params.query || "").replace(/"""[\s\S]*?"""|"(?:[^"\\\n]|\\.)*"|#[^\n]*/g, " ");
    if (params.operationName) {
      return new RegExp("\\bsubscription\\s+" + params.operationName + "\\b").test(code);
    }
    return /^\s*subscription\b/.test(code);
  }

  // A subscription runs over Server-Sent Events at the same URL (graphql-sse's distinct
  // connections mode): each `next` event is one result for GraphiQL, `complete` ends it, and
  // GraphiQL's stop button (the iterator's return) closes the stream.
  async function* subscribed(params, editorHeaders) {
    var sent = requestHeaders(editorHeaders, false, isAnonymous(params));
    var headers = Object.assign({}, sent.headers, { accept: "text/event-stream" });
    var response = await fetch(config.url, {
      method: "POST",
      headers: headers,
      body: JSON.stringify(params),
      credentials: "same-origin",
    });
    if (!response.body || (response.headers.get("content-type") || "").indexOf("text/event-stream") !== 0) {
      yield await response.json();
      return;
    }
    var reader = response.body.getReader();
    var decoder = new TextDecoder();
    var buffer = "";
    try {
      for (;;) {
        var chunk = await reader.read();
        if (chunk.done) {
          return;
        }
        buffer += decoder.decode(chunk.value, { stream: true });
        var events = buffer.split("\n\n");
        buffer = events.pop();
        for (var i = 0; i < events.length; i++) {
          var kind = (/^event: *(.*)$/m.exec(events[i]) || [])[1];
          var data = (/^data: *(.*)$/m.exec(events[i]) || [])[1];
          if (kind === "complete") {
            return;
          }
          if (kind === "next" && data) {
            yield JSON.parse(data);
          }
        }
      }
    } finally {
      reader.cancel().catch(function () {});
    }
  }

  async function fetcher(graphiqlParams, options) {
    var params = withCurrentOperationName(graphiqlParams);
    if (params.operationName !== "IntrospectionQuery" && isSubscription(params)) {
      return subscribed(params, options && options.headers);
    }
    var body = await post(params, options && options.headers);
    if (params.operationName === "IntrospectionQuery") {
      return body;
    }
    if (body && typeof body[Symbol.asyncIterator] === "function") {
      return withPlans(body, params.operationName);
    }
    return takePlan(body, params.operationName);
  }

  // The badge's Sign out: runs the sign-out example (revoking the token in every subgraph) when
  // there is one; the state is cleared whatever the answer.
  async function signOutNow() {
    if (session.signOut) {
      try {
        await post({ query: session.signOut.query }, {});
      } catch (error) {
        // the gateway is unreachable: forget the token anyway
      }
    }
    if (sessionStore.get().token) {
      signOut("Signed out.");
    }
  }

  function SessionBadge() {
    var state = React.useSyncExternalStore(sessionStore.subscribe, sessionStore.get);
    if (state.token) {
      return h(
        "div",
        {
          className: "gateway-session",
          "data-session": "signed-in",
          title: "Every tab sends this token as its Authorization header.",
        },
        h("span", null, "Signed in as ", h("strong", null, state.name || "the token's holder")),
        h("button", { type: "button", onClick: signOutNow }, "Sign out")
      );
    }
    return h(
      "div",
      { className: "gateway-session", "data-session": "signed-out" },
      state.note ? h("span", { className: "gateway-session-warning" }, state.note) : "Not signed in: run " + signInName
    );
  }

  function PlanIcon() {
    return h(
      "svg",
      { viewBox: "0 0 24 24", width: "1em", height: "1em", fill: "none", stroke: "currentColor", strokeWidth: 1.5 },
      h("rect", { x: 9, y: 2, width: 6, height: 5, rx: 1 }),
      h("rect", { x: 2, y: 17, width: 6, height: 5, rx: 1 }),
      h("rect", { x: 16, y: 17, width: 6, height: 5, rx: 1 }),
      h("path", { d: "M12 7v5M5 17v-5h14v5" })
    );
  }

  function PlanPanel() {
    var plan = React.useSyncExternalStore(planStore.subscribe, planStore.get);
    var children = [h("div", { className: "graphiql-doc-explorer-title", key: "title" }, "Query plan")];
    if (!config.planHeader) {
      children.push(h("p", { key: "off" }, "Query plans are not exposed by this gateway (production mode)."));
    } else if (plan.text === null) {
      children.push(h("p", { key: "none" }, "Run an operation: the plan the gateway used shows here."));
    } else {
      children.push(h("p", { key: "what" }, "Last request: " + plan.operation + " at " + plan.at));
      children.push(h("pre", { key: "plan", className: "gateway-query-plan" }, plan.text));
    }
    return h("div", { className: "gateway-plan-panel" }, children);
  }

  function storedTabs() {
    try {
      return window.localStorage.getItem("graphiql:tabState");
    } catch (error) {
      return null;
    }
  }

  var planPlugin = { title: "Query plan", icon: PlanIcon, content: PlanPanel };

  var tabs = config.tabs.map(function (tab) {
    return { query: tab.query, variables: tab.variables || undefined, headers: config.defaultHeaders };
  });

  var props = {
    fetcher: fetcher,
    plugins: [planPlugin],
    defaultHeaders: config.defaultHeaders,
    defaultEditorToolsVisibility: "variables",
    isHeadersEditorEnabled: true,
  };
  if (tabs.length > 0) {
    props.defaultTabs = tabs;
    // GraphiQL 3.9 opens the first default tab without its variables; on a first visit (no
    // saved tabs) hand them over as the initial variables.
    if (tabs[0].variables && !storedTabs()) {
      props.variables = tabs[0].variables;
    }
  } else {
    props.defaultQuery = "# No example operations were found; write a query here.\n{\n  __typename\n}\n";
  }

  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  // Long comment and operation lines wrap instead of running out of sight (GraphiQL offers no
  // option for it; its query editor is one CodeMirror 5 instance for the page's lifetime).
  function wrapQueryEditorLines(attempt) {
    var editor = document.querySelector(".graphiql-query-editor .CodeMirror");
    if (editor && editor.CodeMirror) {
      editor.CodeMirror.setOption("lineWrapping", true);
    } else if (attempt < 200) {
      window.setTimeout(function () { wrapQueryEditorLines(attempt + 1); }, 50);
    }
  }

  var badge = session.signIn.length > 0 ? h(GraphiQL.Logo, null, h(SessionBadge)) : null;
  root.render(h(GraphiQL, props, badge));
  wrapQueryEditorLines(0);
})();
