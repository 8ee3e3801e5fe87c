//! Open enumerations for values the service sends.
//!
//! progenitor would generate closed enums, so one new backup type or status
//! would fail a whole page. These types recognise the values known today and
//! keep any other string as it was received; every value is written back
//! exactly as it was read.
//!
//! The request filters are the closed types generated from the spec's lists of
//! known values (`types::BackupTypeFilter`, `types::BackupStatusFilter`); a
//! filter value converts into the open type, and an open value converts back
//! when the filter takes it:
//!
//! ```
//! use huaweicloud_rds::BackupType;
//! use huaweicloud_rds::types::BackupTypeFilter;
//!
//! assert_eq!(BackupType::from(BackupTypeFilter::Auto), BackupType::Auto);
//! assert_eq!(BackupTypeFilter::try_from(&BackupType::Manual), Ok(BackupTypeFilter::Manual));
//! assert!(BackupTypeFilter::try_from(&BackupType::from("snapshot")).is_err());
//! ```

use std::borrow::Cow;
use std::convert::Infallible;
use std::fmt;
use std::str::FromStr;

use crate::generated::types::{BackupStatusFilter, BackupStatusKnown, BackupTypeFilter};

/// Declares an open enum whose known values are matched exactly (the service
/// writes them in one spelling), with an `Unknown(String)` fallback.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, Hash, Debug)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version of the client does not know, kept verbatim.
            Unknown(String),
        }

        impl $name {
            /// Every value known to this version of the client.
            pub const KNOWN: &'static [$name] = &[$($name::$variant),+];

            /// The value exactly as the service wrote it.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $wire, )+
                    $name::Unknown(other) => other,
                }
            }

            /// Whether this is a value the client does not know.
            pub fn is_unknown(&self) -> bool {
                matches!(self, $name::Unknown(_))
            }

            fn from_wire(value: Cow<'_, str>) -> Self {
                match &*value {
                    $( $wire => $name::$variant, )+
                    _ => $name::Unknown(value.into_owned()),
                }
            }
        }

        impl FromStr for $name {
            type Err = Infallible;
            fn from_str(s: &str) -> Result<Self, Infallible> {
                Ok($name::from_wire(Cow::Borrowed(s)))
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name::from_wire(Cow::Borrowed(s))
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                $name::from_wire(Cow::Owned(s))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_str(WireVisitor(stringify!($name)))
                    .map(|cow| $name::from_wire(cow))
            }
        }
    };
}

/// Reads a JSON string without copying it when the input allows.
struct WireVisitor(&'static str);

impl<'de> serde::de::Visitor<'de> for WireVisitor {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a string ({})", self.0)
    }

    fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

open_enum! {
    /// Backup type (备份类型).
    ///
    /// ```
    /// use huaweicloud_rds::BackupType;
    ///
    /// assert_eq!("auto".parse::<BackupType>(), Ok(BackupType::Auto));
    /// let new: BackupType = "snapshot".into();
    /// assert!(new.is_unknown());
    /// assert_eq!(new.as_str(), "snapshot");
    /// ```
    BackupType {
        /// `auto`: automatic full backup (自动全量备份).
        Auto = "auto",
        /// `manual`: manual full backup (手动全量备份).
        Manual = "manual",
        /// `fragment`: differential full backup (差异全量备份).
        Fragment = "fragment",
        /// `incremental`: automatic incremental backup (自动增量备份).
        Incremental = "incremental",
    }
}

open_enum! {
    /// Backup status (备份状态).
    BackupStatus {
        /// `BUILDING`: the backup is being taken (备份中).
        Building = "BUILDING",
        /// `COMPLETED`: the backup is done (备份完成).
        Completed = "COMPLETED",
        /// `FAILED`: the backup failed (备份失败).
        Failed = "FAILED",
        /// `DELETING`: the backup is being deleted (备份删除中).
        Deleting = "DELETING",
    }
}

/// A database engine the client knows (see [`DatastoreType::engine`]).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub enum Engine {
    /// MySQL.
    MySql,
    /// PostgreSQL.
    PostgreSql,
    /// Microsoft SQL Server (`SQLServer`).
    SqlServer,
    /// MariaDB (beyond the documented page).
    MariaDb,
}

impl Engine {
    /// Every engine known to this version of the client.
    pub const ALL: &'static [Engine] = &[
        Engine::MySql,
        Engine::PostgreSql,
        Engine::SqlServer,
        Engine::MariaDb,
    ];

    /// The engine's name as the documentation spells it.
    pub fn canonical_name(self) -> &'static str {
        match self {
            Engine::MySql => "MySQL",
            Engine::PostgreSql => "PostgreSQL",
            Engine::SqlServer => "SQLServer",
            Engine::MariaDb => "MariaDB",
        }
    }

    /// The engine named `name`, ignoring ASCII case (the service's datastore
    /// type is case-insensitive).
    pub fn from_name(name: &str) -> Option<Engine> {
        Engine::ALL
            .iter()
            .copied()
            .find(|e| e.canonical_name().eq_ignore_ascii_case(name))
    }
}

impl fmt::Display for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.canonical_name())
    }
}

/// Database engine of a backup (数据库引擎), as the service wrote it.
///
/// The service treats engine names case-insensitively and has been seen to
/// write `mysql` as well as `MySQL`; this type recognises either
/// ([`DatastoreType::engine`]) and writes back the exact spelling it read.
///
/// ```
/// use huaweicloud_rds::{DatastoreType, Engine};
///
/// let t: DatastoreType = "mysql".into();
/// assert_eq!(t.engine(), Some(Engine::MySql));
/// assert_eq!(t.as_str(), "mysql");
/// assert_eq!(DatastoreType::from("openGauss").engine(), None);
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct DatastoreType {
    raw: String,
    engine: Option<Engine>,
}

impl DatastoreType {
    /// The known engine, matched case-insensitively; `None` for a new one.
    pub fn engine(&self) -> Option<Engine> {
        self.engine
    }

    /// The value exactly as the service wrote it.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// Whether this is an engine the client does not know.
    pub fn is_unknown(&self) -> bool {
        self.engine.is_none()
    }
}

impl From<Engine> for DatastoreType {
    fn from(engine: Engine) -> Self {
        DatastoreType {
            raw: engine.canonical_name().to_owned(),
            engine: Some(engine),
        }
    }
}

impl From<String> for DatastoreType {
    fn from(raw: String) -> Self {
        DatastoreType {
            engine: Engine::from_name(&raw),
            raw,
        }
    }
}

impl From<&str> for DatastoreType {
    fn from(raw: &str) -> Self {
        DatastoreType::from(raw.to_owned())
    }
}

impl FromStr for DatastoreType {
    type Err = Infallible;
    fn from_str(s: &str) -> Result<Self, Infallible> {
        Ok(DatastoreType::from(s))
    }
}

impl fmt::Display for DatastoreType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl serde::Serialize for DatastoreType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.raw)
    }
}

impl<'de> serde::Deserialize<'de> for DatastoreType {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(WireVisitor("DatastoreType"))
            .map(|cow| DatastoreType::from(cow.into_owned()))
    }
}

/// An open value that the closed type it was converted to does not take: an
/// unknown value, or a known one outside a filter's list (a `DELETING` status
/// cannot be filtered on).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct NotAccepted {
    value: String,
    target: &'static str,
}

impl NotAccepted {
    /// The value as it was received.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The name of the closed type that refused it.
    pub fn target(&self) -> &'static str {
        self.target
    }
}

impl fmt::Display for NotAccepted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not a value of {}", self.value, self.target)
    }
}

impl std::error::Error for NotAccepted {}

/// `From<closed> for open` and `TryFrom<&open> for closed`, variant by
/// variant; the variants must be named alike in both.
macro_rules! closed_subset {
    ($closed:ident => $open:ident { $($variant:ident),+ $(,)? }) => {
        impl From<$closed> for $open {
            fn from(value: $closed) -> Self {
                match value {
                    $( $closed::$variant => $open::$variant, )+
                }
            }
        }

        impl TryFrom<&$open> for $closed {
            type Error = NotAccepted;
            fn try_from(value: &$open) -> Result<Self, NotAccepted> {
                match value {
                    $( $open::$variant => Ok($closed::$variant), )+
                    #[allow(unreachable_patterns)]
                    other => Err(NotAccepted {
                        value: other.as_str().to_owned(),
                        target: stringify!($closed),
                    }),
                }
            }
        }
    };
}

closed_subset!(BackupTypeFilter => BackupType { Auto, Manual, Fragment, Incremental });
closed_subset!(BackupStatusFilter => BackupStatus { Building, Completed, Failed });
closed_subset!(BackupStatusKnown => BackupStatus { Building, Completed, Failed, Deleting });

impl TryFrom<&DatastoreType> for Engine {
    type Error = NotAccepted;
    fn try_from(value: &DatastoreType) -> Result<Self, NotAccepted> {
        value.engine().ok_or_else(|| NotAccepted {
            value: value.as_str().to_owned(),
            target: "Engine",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values_are_recognised_and_written_back() {
        for t in BackupType::KNOWN {
            let json = serde_json::to_string(t).unwrap();
            assert_eq!(&serde_json::from_str::<BackupType>(&json).unwrap(), t);
        }
        for s in BackupStatus::KNOWN {
            let json = serde_json::to_string(s).unwrap();
            assert_eq!(&serde_json::from_str::<BackupStatus>(&json).unwrap(), s);
        }
    }

    #[test]
    fn unknown_values_are_kept_verbatim() {
        let t: BackupType = serde_json::from_str("\"Snapshot\"").unwrap();
        assert_eq!(t, BackupType::Unknown("Snapshot".into()));
        assert_eq!(serde_json::to_string(&t).unwrap(), "\"Snapshot\"");
        // Case matters for types and statuses: the service writes one spelling.
        let s: BackupStatus = serde_json::from_str("\"completed\"").unwrap();
        assert!(s.is_unknown());
        assert_eq!(s.to_string(), "completed");
    }

    #[test]
    fn escaped_strings_are_read() {
        let t: BackupType = serde_json::from_str("\"\\u0061uto\"").unwrap();
        assert_eq!(t, BackupType::Auto);
    }

    #[test]
    fn datastore_type_is_case_insensitive_but_keeps_spelling() {
        let d: DatastoreType = serde_json::from_str("\"sqlserver\"").unwrap();
        assert_eq!(d.engine(), Some(Engine::SqlServer));
        assert_eq!(serde_json::to_string(&d).unwrap(), "\"sqlserver\"");
        let m = DatastoreType::from(Engine::MariaDb);
        assert_eq!(m.as_str(), "MariaDB");
        let unknown: DatastoreType = serde_json::from_str("\"openGauss\"").unwrap();
        assert!(unknown.is_unknown());
        assert_eq!(unknown.to_string(), "openGauss");
    }

    #[test]
    fn filters_convert_into_open_values_and_back() {
        for filter in [
            BackupTypeFilter::Auto,
            BackupTypeFilter::Manual,
            BackupTypeFilter::Fragment,
            BackupTypeFilter::Incremental,
        ] {
            let open = BackupType::from(filter);
            // The same wire value on both sides.
            assert_eq!(open.as_str(), filter.to_string());
            assert_eq!(BackupTypeFilter::try_from(&open), Ok(filter));
        }
        for filter in [
            BackupStatusFilter::Building,
            BackupStatusFilter::Completed,
            BackupStatusFilter::Failed,
        ] {
            let open = BackupStatus::from(filter);
            assert_eq!(open.as_str(), filter.to_string());
            assert_eq!(BackupStatusFilter::try_from(&open), Ok(filter));
        }
        for known in BackupStatus::KNOWN {
            let closed = BackupStatusKnown::try_from(known).unwrap();
            assert_eq!(&BackupStatus::from(closed), known);
        }
    }

    #[test]
    fn values_a_closed_type_does_not_take_are_refused_with_the_value() {
        let err = BackupTypeFilter::try_from(&BackupType::from("snapshot")).unwrap_err();
        assert_eq!(err.value(), "snapshot");
        assert_eq!(
            err.to_string(),
            "`snapshot` is not a value of BackupTypeFilter"
        );
        // Known, but the status filter does not take it.
        let err = BackupStatusFilter::try_from(&BackupStatus::Deleting).unwrap_err();
        assert_eq!(err.target(), "BackupStatusFilter");
        assert_eq!(err.value(), "DELETING");
        assert!(BackupStatusKnown::try_from(&BackupStatus::from("ARCHIVED")).is_err());
        assert_eq!(
            Engine::try_from(&DatastoreType::from("mariadb")),
            Ok(Engine::MariaDb)
        );
        assert_eq!(
            Engine::try_from(&DatastoreType::from("openGauss"))
                .unwrap_err()
                .value(),
            "openGauss"
        );
    }

    #[test]
    fn non_strings_are_refused() {
        let err = serde_json::from_str::<BackupType>("5").unwrap_err();
        assert!(err.to_string().contains("a string (BackupType)"), "{err}");
        assert!(serde_json::from_str::<DatastoreType>("null").is_err());
    }
}
