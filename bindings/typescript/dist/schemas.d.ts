/** The name of each schema of this package: `<vendor>/<schema>`. */
export type SchemaName = "comfydeploy/http-validation-error" | "comfydeploy/workflow-run-webhook-body" | "comfydeploy/workflow-run-webhook-response" | "kaizen/webhook-event";
/** Each JSON Schema (draft 2020-12) of this package, by name: the same as its file under
 * `schemas/`. */
export declare const schemas: Readonly<Record<SchemaName, Readonly<Record<string, unknown>>>>;
