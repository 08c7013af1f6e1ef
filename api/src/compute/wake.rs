//! The one thing every replica's state holds of compute: how to wake its
//! dispatcher (a no-op where none runs) and what its executor is. A leaf:
//! the application state names it without naming the capability.

use tokio::sync::Notify;

/// What every replica knows of compute: how to wake its dispatcher (a no-op
/// where none runs) and its executor's kind and slots.
#[derive(Default)]
pub struct Compute {
    wake: Notify,
    /// This replica's executor kind and slots, if it runs jobs.
    pub runs: Option<(&'static str, u32)>,
}

impl Compute {
    pub fn new(runs: Option<(&'static str, u32)>) -> Compute {
        Compute {
            wake: Notify::new(),
            runs,
        }
    }

    /// Asks for a dispatch pass now (a job was submitted, cancelled…).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Waits for [`Compute::wake`].
    pub async fn notified(&self) {
        self.wake.notified().await;
    }
}
