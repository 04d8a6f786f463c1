// Starts Swagger UI on /api/v1/docs/ from the settings in the page's JSON data block
// (apps/core/api_docs.py). drf-spectacular's own start-up script, as a static file, so the
// Content-Security-Policy needs no 'unsafe-inline'.
"use strict";

(function () {
  const config = JSON.parse(document.getElementById("swagger-config").textContent);
  const schemaAuthNames = config.schemaAuthNames;
  let schemaAuthFailed = false;
  const plugins = [];

  const reloadOn = (ori) => (...args) => {
    schemaAuthFailed = false;
    setTimeout(() => ui.specActions.download());
    return ori(...args);
  };
  if (schemaAuthNames.length > 0) {
    plugins.push(() => ({
      statePlugins: {
        auth: { wrapActions: { authorize: reloadOn, logout: reloadOn } },
      },
    }));
  }

  let ui;

  const isSchemaUrl = (url) =>
    ui !== undefined && url === new URL(ui.getConfigs().url, document.baseURI).href;

  const responseInterceptor = (response) => {
    if (!response.ok && isSchemaUrl(response.url) && !schemaAuthFailed) {
      // Retry the schema once without the typed-in credentials.
      schemaAuthFailed = true;
      setTimeout(() => ui.specActions.download());
    }
    return response;
  };

  const injectAuthCredentials = (request) => {
    if (ui === undefined) return;
    const state = ui.getState().get("auth").get("authorized");
    if (state === undefined) return;
    const authorized = state.toJS();
    for (const authName of schemaAuthNames) {
      const auth = authorized[authName];
      if (auth === undefined || auth.schema === undefined) continue;
      if (auth.schema.type === "apiKey" && auth.schema.in === "header") {
        request.headers[auth.schema.name] = auth.value;
        return;
      }
      if (auth.schema.type === "http" && auth.schema.scheme === "bearer") {
        request.headers.Authorization = "Bearer " + auth.value;
        return;
      }
    }
  };

  const requestInterceptor = (request) => {
    if (request.loadSpec && schemaAuthNames.length > 0 && !schemaAuthFailed) {
      injectAuthCredentials(request);
    }
    // Same-origin writes made with the session cookie need Django's CSRF token.
    if (!["GET", undefined].includes(request.method) && request.credentials === "same-origin") {
      request.headers[config.csrfHeaderName] = config.csrfToken;
    }
    return request;
  };

  ui = SwaggerUIBundle({
    url: config.url,
    dom_id: "#swagger-ui",
    presets: [SwaggerUIBundle.presets.apis],
    plugins,
    layout: "BaseLayout",
    requestInterceptor,
    responseInterceptor,
    ...config.settings,
  });
})();
