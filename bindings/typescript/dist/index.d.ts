export * from "./comfydeploy/http-validation-error.js";
export * from "./comfydeploy/workflow-run-webhook-body.js";
export * from "./comfydeploy/workflow-run-webhook-response.js";
export * from "./kaizen/webhook-event.js";
export * from "./schemas.js";
