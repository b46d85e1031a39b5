/**
 * The execution's status. A completion event normally carries `Completed` or `Failed`.
 */
export type ExecutionStatus = "InProgress" | "Completed" | "Enqueued" | "Failed" | "Paused";
/**
 * A webhook event payload containing event type and data: what Kaizen Automation POSTs to a registered `events` webhook when an execution has finished running. Signed with the `X-Webhooks-Signature`, `X-Webhooks-Timestamp` and `X-Webhooks-Id` headers.
 */
export interface KaizenWebhookEvent {
    data: Execution;
    /**
     * The event type. `execution.complete` is the only documented name; other event kinds exist (downloads complete, error analysis complete, agent execution complete) but their names are not published, so they fail this schema while typed parsing keeps them.
     */
    type: "execution.complete";
    [k: string]: unknown;
}
/**
 * Data about the completed execution.
 */
export interface Execution {
    /**
     * The agent conversation thread, on executions started by an agent. Seen on execution records; may not appear in webhooks.
     */
    agentConversationThreadId?: string;
    /**
     * How many attempts were made.
     */
    attempts?: number;
    /**
     * The browser authentications performed during the execution.
     */
    authentications?: Authentication[];
    /**
     * The batch the execution belonged to; null when it ran alone.
     */
    batch?: Batch | null;
    /**
     * The browser session's id, as shown in the vendor's webhook example; null when the execution ran without one, as the vendor's execution records document it.
     */
    browserSessionId?: string | null;
    /**
     * The browser vendor's id for the session. Seen on execution records; may not appear in webhooks.
     */
    browserSessionVendorId?: string;
    /**
     * Execution context, free-form, as shown in the vendor's webhook example.
     */
    context?: {
        [k: string]: unknown;
    };
    /**
     * Session authentication responses with login summary.
     */
    contextAuthentications?: ContextAuthentication[];
    /**
     * Files the execution downloaded; null when there are none.
     */
    downloads?: Downloads | null;
    /**
     * How long the execution ran, in milliseconds; null when it did not finish.
     */
    durationMs?: number | null;
    /**
     * When the execution ended; null when it did not finish.
     */
    endTime?: string | null;
    /**
     * Unique identifier for the execution.
     */
    id: string;
    /**
     * Whether no further attempt will follow.
     */
    isLastAttempt?: boolean;
    /**
     * Whether this was a test execution. Seen on execution records; may not appear in webhooks.
     */
    isTest?: boolean;
    /**
     * URL for live view of the execution. Legacy: in the earliest documented shape only.
     */
    liveViewUrl?: string;
    /**
     * The saved logins the execution used.
     */
    logins?: Login[];
    /**
     * Caller-supplied metadata attached to the execution.
     */
    metadata?: {
        [k: string]: unknown;
    };
    /**
     * Optional name for the execution (a number given at creation is converted to a string).
     */
    name?: string;
    /**
     * ID of the organization this execution belongs to. Legacy: in the earliest documented shape only.
     */
    organizationId?: string;
    /**
     * Runtime parameters for the workflow execution.
     */
    params?: {
        [k: string]: unknown;
    };
    /**
     * The execution this one was retried or spawned from; null when it has no parent.
     */
    parentExecutionId?: string | null;
    /**
     * The workflow's result, free-form.
     */
    response?: unknown;
    /**
     * The result stored as a file; null when there is none.
     */
    responseFile?: ExecutionFile | null;
    /**
     * The browser session the execution ran in.
     */
    sessionId?: string;
    /**
     * The block the execution started from; null when it started at the beginning.
     */
    startBlock?: StartBlock | null;
    /**
     * When the execution started.
     */
    startTime: string;
    status: ExecutionStatus;
    /**
     * How many attempts are allowed.
     */
    totalAttempts?: number;
    /**
     * The result as JSON text, cut short when it is large.
     */
    truncatedResponse?: string;
    workflow?: Workflow;
    [k: string]: unknown;
}
/**
 * One browser authentication performed during the execution.
 */
export interface Authentication {
    /**
     * The browser session the authentication ran in.
     */
    browserSessionId?: string;
    /**
     * URL for live view of the authentication.
     */
    liveViewUrl?: string;
    /**
     * The authentication's status. The vendor publishes no value set, so any string is accepted.
     */
    status?: string;
    [k: string]: unknown;
}
/**
 * A batch of executions, by id and name.
 */
export interface Batch {
    /**
     * The batch's id.
     */
    id?: string;
    /**
     * The batch's name.
     */
    name?: string;
    [k: string]: unknown;
}
/**
 * A session authentication response with its login summary.
 */
export interface ContextAuthentication {
    /**
     * The authentication's outcome. Only `Unauthenticated` is documented, so any string is accepted.
     */
    authenticationStatus?: string;
    /**
     * The authentication's id.
     */
    contextAuthenticationId?: string;
    loginSummary?: LoginSummary;
    [k: string]: unknown;
}
/**
 * The login that was used.
 */
export interface LoginSummary {
    /**
     * Whether a person logs in by hand.
     */
    isManual?: boolean;
    /**
     * The login's id.
     */
    loginId?: string;
    /**
     * The login's name.
     */
    name?: string;
    [k: string]: unknown;
}
/**
 * The files an execution downloaded.
 */
export interface Downloads {
    /**
     * The downloaded files.
     */
    files?: ExecutionFile[];
    /**
     * A message about the downloads, often empty.
     */
    message?: string;
    /**
     * The state of the downloads. Only `pending` is documented, so any string is accepted.
     */
    status?: string;
    [k: string]: unknown;
}
/**
 * A file stored by Kaizen for an execution.
 */
export interface ExecutionFile {
    /**
     * Where to download the file.
     */
    downloadUrl?: string;
    /**
     * The file's id.
     */
    id?: string;
    /**
     * The file's storage key.
     */
    key?: string;
    /**
     * The file's MIME type.
     */
    mimeType?: string;
    /**
     * The file's name.
     */
    name?: string;
    /**
     * The file's size in bytes.
     */
    sizeBytes?: number;
    [k: string]: unknown;
}
/**
 * A saved login, by id and name.
 */
export interface Login {
    /**
     * The login's id.
     */
    id?: string;
    /**
     * The login's name.
     */
    name?: string;
    [k: string]: unknown;
}
/**
 * A workflow block, here the one the execution started from.
 */
export interface StartBlock {
    /**
     * The id of the block definition this block refers to.
     */
    blockReferenceId?: string;
    data?: StartBlockData;
    /**
     * The block's id.
     */
    id?: string;
    /**
     * Whether the block's result may be cached.
     */
    isCacheable?: boolean;
    locator?: Locator;
    /**
     * The block's name.
     */
    name?: string;
    parentRelationship?: ParentRelationship;
    /**
     * Whether the block is skipped when its target is not on the page.
     */
    skipIfNotPresent?: boolean;
    /**
     * Source of the function that transforms the block's output.
     */
    transformerFn?: string;
    /**
     * The kind of block. The vendor publishes no value set, so any string is accepted.
     */
    type?: string;
    /**
     * Whether the recovery agent may repair this block when it fails.
     */
    useWorkflowRecoveryAgent?: boolean;
    [k: string]: unknown;
}
/**
 * The block's settings.
 */
export interface StartBlockData {
    /**
     * Whether the block logs in even when a session exists.
     */
    forceLoginEveryTime?: boolean;
    /**
     * Whether the login is supplied as a runtime parameter.
     */
    isParameter?: boolean;
    /**
     * The saved login the block uses.
     */
    loginId?: string;
    [k: string]: unknown;
}
/**
 * How the block finds its target element on the page.
 */
export interface Locator {
    /**
     * Alternative text of the element.
     */
    altText?: string;
    /**
     * CSS selector for the element.
     */
    css?: string;
    /**
     * Accessible label of the element.
     */
    label?: string;
    /**
     * Placeholder text of the element.
     */
    placeholder?: string;
    /**
     * ARIA role of the element.
     */
    role?: string;
    /**
     * Visible text of the element.
     */
    text?: string;
    /**
     * Title attribute of the element.
     */
    title?: string;
    /**
     * XPath of the element.
     */
    xpath?: string;
    [k: string]: unknown;
}
/**
 * Where the block sits in the workflow.
 */
export interface ParentRelationship {
    /**
     * How deeply the block is nested.
     */
    blockDepth?: number;
    /**
     * The id of the enclosing block.
     */
    parentBlockId?: string;
    /**
     * The kind of the enclosing sequence. Only `sequence` is documented, so any string is accepted.
     */
    parentSequenceId?: string;
    /**
     * The block's position among its siblings.
     */
    positionInSequence?: number;
    [k: string]: unknown;
}
/**
 * The workflow that ran.
 */
export interface Workflow {
    /**
     * The workflow's id.
     */
    id?: string;
    /**
     * The workflow's name.
     */
    name?: string;
    [k: string]: unknown;
}
