//! A spawner that runs nothing, for tests and the bench's idle sweep
//! (issue 16 "make bench": 10,000 instances reporting activity). Compiled
//! only under `cfg(test)` or the `bench` feature and never built from the
//! configuration: [`Spawners::from_config`](super::Spawners::from_config)
//! does not know it.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::{Health, LaunchSpec, Launched, SpawnError, Spawner};

/// Instances are entries in a map: started ones run at once and report the
/// activity time the test sets.
pub struct FakeSpawner {
    kind: &'static str,
    instances: Mutex<HashMap<String, FakeInstance>>,
}

#[derive(Clone, Debug)]
struct FakeInstance {
    running: bool,
    last_activity: Option<DateTime<Utc>>,
}

impl FakeSpawner {
    /// A fake of spawner kind `kind` (e.g. `"local"`).
    pub fn new(kind: &'static str) -> FakeSpawner {
        FakeSpawner {
            kind,
            instances: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, FakeInstance>> {
        self.instances.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Sets what `last_activity` reports for an instance.
    pub fn set_activity(&self, instance_id: &str, at: Option<DateTime<Utc>>) {
        if let Some(i) = self.lock().get_mut(instance_id) {
            i.last_activity = at;
        }
    }

    /// Makes an instance vanish as if its process died.
    pub fn kill(&self, instance_id: &str) {
        if let Some(i) = self.lock().get_mut(instance_id) {
            i.running = false;
        }
    }

    fn id(handle: &Value) -> Result<String, SpawnError> {
        handle
            .get("fake")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| SpawnError::BadHandle(handle.to_string()))
    }
}

impl Spawner for FakeSpawner {
    fn kind(&self) -> &'static str {
        self.kind
    }

    fn runs(&self, _recipe: &str) -> bool {
        true
    }

    fn start(&self, spec: &LaunchSpec) -> Result<Launched, SpawnError> {
        self.lock().insert(
            spec.instance_id.to_owned(),
            FakeInstance {
                running: true,
                last_activity: None,
            },
        );
        Ok(Launched {
            handle: json!({ "fake": spec.instance_id }),
            open_url: format!("http://fake.invalid/{}", spec.instance_id),
            secrets: json!({ "token": "fake" }),
            connection: json!({ "host": "fake.invalid" }),
        })
    }

    fn health(&self, handle: &Value) -> Health {
        match Self::id(handle).map(|id| self.lock().get(&id).map(|i| i.running)) {
            Ok(Some(true)) => Health::Running,
            Ok(Some(false)) => Health::Stopped,
            Ok(None) => Health::Failed("unknown instance".into()),
            Err(e) => Health::Failed(e.to_string()),
        }
    }

    fn last_activity(&self, handle: &Value) -> Result<Option<DateTime<Utc>>, SpawnError> {
        let id = Self::id(handle)?;
        Ok(self.lock().get(&id).and_then(|i| i.last_activity))
    }

    fn stop(&self, handle: &Value) -> Result<(), SpawnError> {
        let id = Self::id(handle)?;
        if let Some(i) = self.lock().get_mut(&id) {
            i.running = false;
        }
        Ok(())
    }

    fn logs(&self, handle: &Value, _max_bytes: usize) -> Result<String, SpawnError> {
        Ok(format!("fake instance {}\n", Self::id(handle)?))
    }

    fn alive(&self, handle: &Value) -> bool {
        Self::id(handle).is_ok_and(|id| self.lock().get(&id).is_some_and(|i| i.running))
    }
}
