/**
 * Which event this delivery is. Sent since 2025-02-13 and absent before; not in the vendor's OpenAPI model.
 */
export type WorkflowRunEventType = "run.updated" | "run.output";
/**
 * One entry of an output list: a media file, a text, or a flag such as `animated: [true]`.
 */
export type OutputValue = MediaItem | string | boolean;
/**
 * The run's status when this update was sent.
 */
export type WorkflowRunStatus = "not-started" | "running" | "uploading" | "success" | "failed" | "started" | "queued" | "timeout" | "cancelled";
/**
 * The body ComfyDeploy POSTs to the `webhook` URL given when a run is created: the run's status, live status, progress and outputs. ComfyDeploy does not sign it; authenticate the caller with a token in the webhook URL.
 */
export interface WorkflowRunWebhookBody {
    event_type?: WorkflowRunEventType;
    /**
     * Human-readable progress text from the runner, usually `Executing <node class>`. The key is always present; the value is null when the runner has reported nothing.
     */
    live_status: string | null;
    /**
     * The run's outputs: every output so far on `run.updated`, the one new output on `run.output`, empty on intermediate updates. ComfyDeploy always sends it.
     */
    outputs?: WorkflowRunOutputModel[];
    /**
     * Fraction of the workflow's nodes executed so far, from 0 to 1 as sent by the runner. No maximum is promised, and values re-read from the database may carry float noise (0.3300000131130219). ComfyDeploy always sends it.
     */
    progress?: number;
    /**
     * The run's id. A UUID on the wire, but the vendor model types it as a plain string, so no format is asserted.
     */
    run_id: string;
    status: WorkflowRunStatus;
    [k: string]: unknown;
}
/**
 * One output of a run, as stored by ComfyDeploy: the files, texts and flags one ComfyUI node produced.
 */
export interface WorkflowRunOutputModel {
    /**
     * When the output was stored (UTC). ComfyDeploy's sender cuts Python's `isoformat()` to milliseconds, and when the stored microseconds are zero that cut removes the seconds instead (`2025-03-26T12:45Z`): such a value is not RFC 3339 and fails validation here, while hookschema's Rust models read it as the start of that minute.
     */
    created_at: string;
    /**
     * The node's output, keyed by ComfyUI output kind (`images`, `files`, `gifs`, `mesh`, `text`, `audio`, `animated`, …); every value is a list of media items, strings or booleans.
     */
    data: {
        [k: string]: OutputValue[];
    };
    /**
     * The output's id.
     */
    id: string;
    /**
     * ComfyUI node id. In the vendor model, but never sent on the webhook path (see `node_meta`).
     */
    node_id?: string | null;
    /**
     * Which ComfyUI node produced the output, usually `{"node_id": "9", "node_class": "SaveImage"}`. Any value; the key is always present and the value may be null.
     */
    node_meta: unknown;
    /**
     * The user-specified output id set on a ComfyDeploy output node. Sent since 2025-04-09.
     */
    output_id?: string | null;
    /**
     * The id of the run that produced this output.
     */
    run_id: string;
    /**
     * Output type. In the vendor model, but never sent on the webhook path.
     */
    type?: string | null;
    /**
     * When the output was last updated (UTC); written like `created_at`, with the same seconds-less quirk.
     */
    updated_at: string;
    [k: string]: unknown;
}
/**
 * A file a node produced and ComfyDeploy uploaded.
 */
export interface MediaItem {
    /**
     * The file's name.
     */
    filename: string;
    /**
     * Whether `url` is public; when false it is a pre-signed URL that expires.
     */
    is_public?: boolean | null;
    /**
     * The output id of the ComfyDeploy output node that produced the file: its output nodes (`output_image` among them) write it into each media item they upload, and the backend sends every attribute of the stored output row as it is. Not in the vendor's models. On the cancel path, where the raw output rows carry no top-level `output_id`, this is the only place the id is sent.
     */
    output_id?: string | null;
    /**
     * The ComfyUI subfolder, often empty.
     */
    subfolder?: string | null;
    /**
     * The ComfyUI folder the file was saved to (`output`, `temp`, …), not a MIME type.
     */
    type: string;
    /**
     * Seconds the upload took.
     */
    upload_duration?: number | null;
    /**
     * Where to download the file: a public URL, or a pre-signed temporary URL when `is_public` is false.
     */
    url: string;
    [k: string]: unknown;
}
