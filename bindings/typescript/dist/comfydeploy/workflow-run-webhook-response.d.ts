/**
 * What a receiver answers ComfyDeploy with, on HTTP 200. ComfyDeploy only checks for a 2xx status and ignores the body, but its API declares this shape.
 */
export interface WorkflowRunWebhookResponse {
    /**
     * The receiver's verdict, free text.
     */
    status: string;
    [k: string]: unknown;
}
