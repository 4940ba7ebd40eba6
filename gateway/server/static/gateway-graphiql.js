/*
 * GraphiQL as the gateway serves it: the example operations as tabs, a header editor opened on
 * an Authorization placeholder, and a "Query plan" panel showing the plan of the last request.
 *
 * Plain ES2017 and React.createElement, no build step: React, ReactDOM and GraphiQL come from
 * the UMD bundles the gateway serves from the npm packages installed at setup.
 */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("gateway-graphiql-config").textContent);
  var h = React.createElement;

  var planState = { text: null, operation: null, at: null };
  var listeners = new Set();

  function setPlan(next) {
    planState = next;
    listeners.forEach(function (listener) { listener(); });
  }

  function subscribe(listener) {
    listeners.add(listener);
    return function () { listeners.delete(listener); };
  }

  function readPlan() {
    return planState;
  }

  // The last real Authorization value sent from any tab. A tab whose header editor still holds
  // the placeholder sends it too, so a token pasted once works in every tab (single sign-on).
  // Kept in memory only: a reload forgets it.
  var rememberedAuthorization = null;

  function requestHeaders(fromEditor, introspection) {
    var headers = {
      "content-type": "application/json",
      accept: "application/graphql-response+json, application/json",
    };
    Object.keys(fromEditor || {}).forEach(function (name) {
      var value = fromEditor[name];
      if (name.toLowerCase() !== "authorization") {
        headers[name] = value;
      } else if (value !== config.authPlaceholder) {
        rememberedAuthorization = value;
        headers[name] = value;
      } else if (rememberedAuthorization !== null) {
        headers[name] = rememberedAuthorization;
      }
    });
    if (config.planHeader && !introspection) {
      headers[config.planHeader] = "1";
    }
    return headers;
  }

  function takePlan(body, operationName) {
    var extensions = body && body.extensions;
    if (!extensions || !("queryPlanText" in extensions || "queryPlan" in extensions)) {
      return body;
    }
    setPlan({
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

  async function fetcher(graphiqlParams, options) {
    var params = withCurrentOperationName(graphiqlParams);
    var introspection = params.operationName === "IntrospectionQuery";
    var response = await fetch(config.url, {
      method: "POST",
      headers: requestHeaders(options && options.headers, introspection),
      body: JSON.stringify(params),
      credentials: "same-origin",
    });
    var text = await response.text();
    var body;
    try {
      body = JSON.parse(text);
    } catch (error) {
      return {
        errors: [{ message: "The gateway answered HTTP " + response.status + " with: " + text.slice(0, 300) }],
      };
    }
    return introspection ? body : takePlan(body, params.operationName);
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
    var plan = React.useSyncExternalStore(subscribe, readPlan);
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
    defaultEditorToolsVisibility: "headers",
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
  root.render(h(GraphiQL, props));
})();
