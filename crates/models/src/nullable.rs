//! Keys that may be null: how schemars describes one that must be present, and how a model
//! tells one sent as `null` from one not sent.

use std::borrow::Cow;
use std::marker::PhantomData;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer};

/// The schema of an `Option<T>` field whose key is required (`live_status`): `T` or null, as
/// `Option<T>` says, but listed in `required`. schemars takes every `Option` field for optional,
/// and its own `#[schemars(required)]` drops the null. The generator puts
/// `#[schemars(with = "crate::nullable::RequiredNullable<T>")]` on such fields.
pub(crate) struct RequiredNullable<T>(PhantomData<T>);

impl<T: JsonSchema> JsonSchema for RequiredNullable<T> {
    fn inline_schema() -> bool {
        Option::<T>::inline_schema()
    }

    fn schema_name() -> Cow<'static, str> {
        Option::<T>::schema_name()
    }

    fn schema_id() -> Cow<'static, str> {
        Option::<T>::schema_id()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        Option::<T>::json_schema(generator)
    }
}

/// Reads a key that is present, whatever its value, as `Some`: with `#[serde(default)]` for one
/// that is absent, an `Option<Option<T>>` field is `None` when the key was not sent and
/// `Some(None)` when it was sent as `null`, and writes back the same. The generator puts it on
/// every optional field that may be null.
pub(crate) fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(deserializer).map(Some)
}
