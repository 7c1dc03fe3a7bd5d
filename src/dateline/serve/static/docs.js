// The API docs page: Swagger UI (bundled, offline) over this server's OpenAPI description.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  window.SwaggerUIBundle({ url: "/api/openapi.json", dom_id: "#swagger-ui" });
});
