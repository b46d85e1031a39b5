//! What the statuses mean, beyond their names.

use crate::comfydeploy::WorkflowRunStatus;
use crate::kaizen::ExecutionStatus;

impl WorkflowRunStatus {
    /// Whether the run is over: `success`, `failed`, `timeout` or `cancelled`. ComfyDeploy sends
    /// no update after one of these. A status this version does not know is not terminal: wait
    /// for one it knows rather than stop early.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            Self::Success | Self::Failed | Self::Timeout | Self::Cancelled
        )
    }
}

impl ExecutionStatus {
    /// Whether the execution has finished: `Completed` or `Failed`. A status this version does
    /// not know is not finished.
    pub fn is_finished(&self) -> bool {
        matches!(self, Self::Completed | Self::Failed)
    }
}
