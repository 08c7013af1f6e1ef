//! Service catalog, orders, running instances, saved configurations and
//! their usage (SPEC §6, issue 16).

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use validator::{Validate, ValidationError};

/// The longest offering id (a slug such as `postgresql`).
pub const OFFERING_ID_MAX: usize = 64;

/// An offering id is a slug: 1–64 of `a-z`, `0-9` and `-`, starting with a
/// letter or a digit.
pub fn is_offering_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= OFFERING_ID_MAX
        && !id.starts_with('-')
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn offering_id(id: &str) -> Result<(), ValidationError> {
    if is_offering_id(id) {
        Ok(())
    } else {
        Err(ValidationError::new("slug"))
    }
}

fn finite_price(price: f64) -> Result<(), ValidationError> {
    if price.is_finite() && (0.0..=1_000_000.0).contains(&price) {
        Ok(())
    } else {
        Err(ValidationError::new("range"))
    }
}

/// Which spawner runs an offering: its kind (`local`, `kubernetes`,
/// `slurm`) and, for the local one, the recipe (`postgresql`, `jupyterlab`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SpawnerSpec {
    #[validate(length(min = 1, max = 32))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 32))]
    pub kind: String,
    #[serde(default)]
    #[validate(length(min = 1, max = 64))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub recipe: Option<String>,
}

/// An offering's own caps on running instances (the policy's apply too).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OfferingLimits {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(range(min = 1))]
    pub max_per_user: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(range(min = 1))]
    pub max_per_project: Option<u32>,
}

/// One offering of the catalog.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Offering {
    pub id: String,
    pub name: String,
    pub category: String,
    pub description: String,
    /// JSON Schema (draft 2020-12) of the configuration, with defaults.
    pub config_schema: Value,
    /// minijinja template of the instance's README (Markdown).
    pub readme_template: String,
    /// Price of one instance-hour, in `unit`.
    pub price_per_hour: f64,
    /// Currency (`EUR`).
    pub unit: String,
    pub spawner: SpawnerSpec,
    pub limits: OfferingLimits,
    /// Whether this server has a spawner that runs it.
    pub available: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfferingPage {
    pub items: Vec<Offering>,
    /// The cursor of the next page; `None` on the last one.
    pub next_cursor: Option<String>,
}

/// `POST /catalog` (admin).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateOffering {
    /// A slug: `a-z`, `0-9`, `-`.
    #[validate(custom(function = "offering_id"))]
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 64, pattern = "^[a-z0-9][a-z0-9-]*$")
    )]
    pub id: String,
    #[validate(length(min = 1, max = 200))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub name: String,
    #[validate(length(min = 1, max = 100))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub category: String,
    #[serde(default)]
    #[validate(length(max = 4000))]
    #[cfg_attr(feature = "openapi", schema(max_length = 4000))]
    pub description: String,
    /// JSON Schema (draft 2020-12); remote `$ref`s are not followed.
    pub config_schema: Value,
    #[serde(default)]
    #[validate(length(max = 20000))]
    #[cfg_attr(feature = "openapi", schema(max_length = 20000))]
    pub readme_template: String,
    #[validate(custom(function = "finite_price"))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1000000))]
    pub price_per_hour: f64,
    #[validate(length(min = 1, max = 16))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 16))]
    pub unit: String,
    #[validate(nested)]
    #[serde(deserialize_with = "object")]
    pub spawner: SpawnerSpec,
    #[serde(default, deserialize_with = "object")]
    #[validate(nested)]
    pub limits: OfferingLimits,
}

/// `PATCH /catalog/{id}` (admin): only what is sent changes.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateOffering {
    #[validate(length(min = 1, max = 200))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub name: Option<String>,
    #[validate(length(min = 1, max = 100))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub category: Option<String>,
    #[validate(length(max = 4000))]
    #[cfg_attr(feature = "openapi", schema(max_length = 4000))]
    pub description: Option<String>,
    pub config_schema: Option<Value>,
    #[validate(length(max = 20000))]
    #[cfg_attr(feature = "openapi", schema(max_length = 20000))]
    pub readme_template: Option<String>,
    #[validate(custom(function = "finite_price"))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1000000))]
    pub price_per_hour: Option<f64>,
    #[validate(length(min = 1, max = 16))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 16))]
    pub unit: Option<String>,
    #[validate(nested)]
    #[serde(default, deserialize_with = "object_or_null")]
    pub spawner: Option<SpawnerSpec>,
    #[validate(nested)]
    #[serde(default, deserialize_with = "object_or_null")]
    pub limits: Option<OfferingLimits>,
}

/// Where an order stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum OrderState {
    Pending,
    Approved,
    Rejected,
    Cancelled,
}

impl OrderState {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "pending" => Self::Pending,
            "approved" => Self::Approved,
            "rejected" => Self::Rejected,
            "cancelled" => Self::Cancelled,
            _ => return None,
        })
    }
}

/// `POST /projects/{id}/orders`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateOrder {
    #[validate(length(min = 1, max = 64))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub offering_id: String,
    #[serde(default)]
    #[validate(length(max = 2000))]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub comment: Option<String>,
}

/// `PATCH /orders/{id}`: the order goes back to its approvers.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateOrder {
    #[validate(length(min = 1, max = 64))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub offering_id: Option<String>,
    #[validate(length(max = 2000))]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub comment: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderView {
    pub id: String,
    pub project_id: String,
    pub project_name: String,
    pub offering_id: String,
    pub offering_name: String,
    pub requested_by: String,
    pub comment: Option<String>,
    pub state: OrderState,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderPage {
    pub items: Vec<OrderView>,
    /// The cursor of the next page; `None` on the last one.
    pub next_cursor: Option<String>,
}

/// Where an instance stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum InstanceState {
    Starting,
    Running,
    Stopping,
    Stopped,
    Failed,
    Lost,
}

impl InstanceState {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Starting => "starting",
            Self::Running => "running",
            Self::Stopping => "stopping",
            Self::Stopped => "stopped",
            Self::Failed => "failed",
            Self::Lost => "lost",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "starting" => Self::Starting,
            "running" => Self::Running,
            "stopping" => Self::Stopping,
            "stopped" => Self::Stopped,
            "failed" => Self::Failed,
            "lost" => Self::Lost,
            _ => return None,
        })
    }
}

/// `POST /orders/{id}/instances`: no `config` and no `configuration_id`
/// launches with the offering's defaults (one click).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LaunchInstance {
    #[validate(length(min = 1, max = 64))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub name: String,
    #[serde(default)]
    pub config: Option<Value>,
    #[serde(default)]
    #[validate(length(min = 1, max = 64))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub configuration_id: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InstanceView {
    pub id: String,
    pub name: String,
    pub order_id: String,
    pub project_id: String,
    pub project_name: String,
    pub offering_id: String,
    pub offering_name: String,
    pub owner_id: String,
    pub state: InstanceState,
    /// The effective configuration (the offering's defaults merged under
    /// what was asked).
    pub config: Value,
    pub open_url: Option<String>,
    /// The rendered README (Markdown), with the generated credentials:
    /// shown to the owner only.
    pub readme: Option<String>,
    /// The same README as sanitised HTML.
    pub readme_html: Option<String>,
    pub failure: Option<String>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub stopped_at: Option<DateTime<Utc>>,
    pub last_activity_at: Option<DateTime<Utc>>,
    pub idle_notice_at: Option<DateTime<Utc>>,
    /// Instance-hours so far × the price at the time, in `unit`.
    pub cost_so_far: f64,
    pub unit: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InstancePage {
    pub items: Vec<InstanceView>,
    /// The cursor of the next page; `None` on the last one.
    pub next_cursor: Option<String>,
}

/// `DELETE /instances/{id}`: the instance's name, typed again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DeleteInstance {
    #[validate(length(max = 64))]
    #[cfg_attr(feature = "openapi", schema(max_length = 64))]
    pub confirm: String,
}

/// A configuration saved by its user for later launches.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SavedConfiguration {
    pub id: String,
    pub name: String,
    pub offering_id: String,
    pub config: Value,
    pub created_at: DateTime<Utc>,
}

/// `POST /me/configurations`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateConfiguration {
    #[validate(length(min = 1, max = 100))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub name: String,
    #[validate(length(min = 1, max = 64))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub offering_id: String,
    pub config: Value,
}

/// One offering's share of a project's usage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UsageLine {
    pub offering_id: String,
    pub offering_name: String,
    pub instance_hours: f64,
    pub cost: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offering_ids_are_slugs() {
        assert!(is_offering_id("postgresql"));
        assert!(is_offering_id("vs-code-2"));
        assert!(!is_offering_id(""));
        assert!(!is_offering_id("-x"));
        assert!(!is_offering_id("PostgreSQL"));
        assert!(!is_offering_id("a/b"));
        assert!(!is_offering_id(&"a".repeat(65)));
    }

    #[test]
    fn states_round_trip() {
        for s in [
            OrderState::Pending,
            OrderState::Approved,
            OrderState::Rejected,
            OrderState::Cancelled,
        ] {
            assert_eq!(OrderState::parse(s.as_str()), Some(s));
            assert_eq!(
                serde_json::to_value(s).ok(),
                Some(Value::String(s.as_str().into()))
            );
        }
        for s in [
            InstanceState::Starting,
            InstanceState::Running,
            InstanceState::Stopping,
            InstanceState::Stopped,
            InstanceState::Failed,
            InstanceState::Lost,
        ] {
            assert_eq!(InstanceState::parse(s.as_str()), Some(s));
        }
        assert_eq!(OrderState::parse("done"), None);
        assert_eq!(InstanceState::parse("gone"), None);
    }

    #[test]
    fn create_offering_validates() {
        let mut o = CreateOffering {
            id: "postgresql".into(),
            name: "PostgreSQL".into(),
            category: "Databases".into(),
            description: String::new(),
            config_schema: serde_json::json!({"type": "object"}),
            readme_template: String::new(),
            price_per_hour: 0.05,
            unit: "EUR".into(),
            spawner: SpawnerSpec {
                kind: "local".into(),
                recipe: Some("postgresql".into()),
            },
            limits: OfferingLimits::default(),
        };
        assert!(o.validate().is_ok());
        o.id = "Bad Id".into();
        assert!(o.validate().is_err());
        o.id = "ok".into();
        o.price_per_hour = f64::NAN;
        assert!(o.validate().is_err());
        o.price_per_hour = 1.0;
        o.limits.max_per_user = Some(0);
        assert!(o.validate().is_err());
    }

    #[test]
    fn requests_deny_unknown_fields() {
        let r: Result<CreateOrder, _> =
            serde_json::from_str(r#"{"offering_id":"x","state":"approved"}"#);
        assert!(r.is_err());
        let r: Result<UpdateOffering, _> = serde_json::from_str(r#"{"available":true}"#);
        assert!(r.is_err());
    }
}

/// A nested object of a request body. serde's derived structs also accept
/// a JSON array of their fields in order (`"limits": [null, null]`), which
/// no client means and the OpenAPI document does not allow: read a map.
fn object<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<T, D::Error> {
    let map = serde_json::Map::<String, Value>::deserialize(d)?;
    T::deserialize(Value::Object(map)).map_err(serde::de::Error::custom)
}

/// [`object`], or `null`.
fn object_or_null<'de, D: Deserializer<'de>, T: DeserializeOwned>(
    d: D,
) -> Result<Option<T>, D::Error> {
    match Option::<serde_json::Map<String, Value>>::deserialize(d)? {
        Some(map) => T::deserialize(Value::Object(map))
            .map(Some)
            .map_err(serde::de::Error::custom),
        None => Ok(None),
    }
}

#[cfg(test)]
mod object_tests {
    use super::*;

    #[test]
    fn nested_objects_are_objects_not_arrays() {
        let base = r#""id":"x","name":"X","category":"c","description":"",
            "config_schema":{"type":"object"},"readme_template":"","price_per_hour":0,"unit":"EUR""#;
        let ok =
            format!(r#"{{{base},"spawner":{{"kind":"local"}},"limits":{{"max_per_user":2}}}}"#);
        let o: CreateOffering = serde_json::from_str(&ok).expect("an object");
        assert_eq!(o.limits.max_per_user, Some(2));
        let arr = format!(r#"{{{base},"spawner":{{"kind":"local"}},"limits":[null,null]}}"#);
        assert!(serde_json::from_str::<CreateOffering>(&arr).is_err());
        let u: UpdateOffering = serde_json::from_str(r#"{"limits":null}"#).expect("null");
        assert_eq!(u.limits, None);
        let u: UpdateOffering = serde_json::from_str("{}").expect("absent");
        assert_eq!(u.spawner, None);
        assert!(serde_json::from_str::<UpdateOffering>(r#"{"limits":[null,null]}"#).is_err());
        assert!(serde_json::from_str::<UpdateOffering>(r#"{"spawner":["local",null]}"#).is_err());
    }
}
