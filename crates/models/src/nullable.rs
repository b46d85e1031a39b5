//! How schemars describes a key that must be present but may be null.

use std::borrow::Cow;
use std::marker::PhantomData;

use schemars::{JsonSchema, Schema, SchemaGenerator};

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
