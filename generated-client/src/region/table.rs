//! The region id and the built-in table of regions and their RDS endpoints.

use std::borrow::Cow;
use std::fmt;

use crate::error::Error;

/// A Huawei Cloud region id, e.g. `cn-north-4`.
///
/// The known regions are constants; any other well-formed id is accepted
/// too, so a region opened after this release still works.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Region(Cow<'static, str>);

macro_rules! regions {
    ($($konst:ident = $id:literal,)+) => {
        impl Region {
            $(
                #[doc = concat!("`", $id, "`")]
                pub const $konst: Region = Region(Cow::Borrowed($id));
            )+
            /// Every region this release knows.
            pub const KNOWN: &'static [Region] = &[$(Region::$konst),+];
        }
    };
}

// Every RDS region of huaweicloudsdkrds 3.1.219 (`v3/region/rds_region.py`).
regions! {
    AF_NORTH_1 = "af-north-1",
    AF_SOUTH_1 = "af-south-1",
    AP_SOUTHEAST_1 = "ap-southeast-1",
    AP_SOUTHEAST_2 = "ap-southeast-2",
    AP_SOUTHEAST_3 = "ap-southeast-3",
    AP_SOUTHEAST_4 = "ap-southeast-4",
    AP_SOUTHEAST_5 = "ap-southeast-5",
    AE_AD_1 = "ae-ad-1",
    CN_EAST_2 = "cn-east-2",
    CN_EAST_3 = "cn-east-3",
    CN_EAST_4 = "cn-east-4",
    CN_EAST_5 = "cn-east-5",
    CN_NORTH_1 = "cn-north-1",
    CN_NORTH_2 = "cn-north-2",
    CN_NORTH_4 = "cn-north-4",
    CN_NORTH_9 = "cn-north-9",
    CN_NORTH_11 = "cn-north-11",
    CN_NORTH_12 = "cn-north-12",
    CN_SOUTH_1 = "cn-south-1",
    CN_SOUTH_2 = "cn-south-2",
    CN_SOUTH_4 = "cn-south-4",
    CN_SOUTHWEST_2 = "cn-southwest-2",
    CN_SOUTHWEST_3 = "cn-southwest-3",
    EU_WEST_0 = "eu-west-0",
    EU_WEST_101 = "eu-west-101",
    LA_NORTH_2 = "la-north-2",
    LA_SOUTH_2 = "la-south-2",
    ME_EAST_1 = "me-east-1",
    MY_KUALALUMPUR_1 = "my-kualalumpur-1",
    NA_MEXICO_1 = "na-mexico-1",
    RU_MOSCOW_1 = "ru-moscow-1",
    RU_NORTHWEST_2 = "ru-northwest-2",
    SA_BRAZIL_1 = "sa-brazil-1",
    TR_WEST_1 = "tr-west-1",
}

impl Region {
    /// A region by id. Ids are lower-case letters, digits and `-`, so that
    /// an id can never change which host the client talks to.
    pub fn new(id: &str) -> Result<Region, Error> {
        let id = id.trim();
        let well_formed = !id.is_empty()
            && id.len() <= 63
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !id.starts_with('-')
            && !id.ends_with('-');
        if !well_formed {
            return Err(Error::Config(format!(
                "invalid region id {id:?}: expected lower-case letters, digits and '-', e.g. cn-north-4"
            )));
        }
        Ok(Region::KNOWN
            .iter()
            .find(|r| r.0 == id)
            .cloned()
            .unwrap_or_else(|| Region(Cow::Owned(id.to_owned()))))
    }

    /// The region id.
    pub fn id(&self) -> &str {
        &self.0
    }

    /// Whether this release lists the region (the official SDK's 34).
    pub fn is_known(&self) -> bool {
        Region::KNOWN.contains(self)
    }

    /// The built-in RDS endpoint: `https://rds.{region}.myhuaweicloud.com`,
    /// except eu-west-101, which is served from `myhuaweicloud.eu`. What a
    /// client uses also depends on the overrides ([`endpoint::resolve`](super::endpoint::resolve)).
    pub fn endpoint(&self) -> String {
        if *self == Region::EU_WEST_101 {
            "https://rds.eu-west-101.myhuaweicloud.eu".to_owned()
        } else {
            format!("https://rds.{}.myhuaweicloud.com", self.0)
        }
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for Region {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Region::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints() {
        assert_eq!(
            Region::CN_NORTH_4.endpoint(),
            "https://rds.cn-north-4.myhuaweicloud.com"
        );
        assert_eq!(
            Region::EU_WEST_101.endpoint(),
            "https://rds.eu-west-101.myhuaweicloud.eu"
        );
        assert_eq!(Region::KNOWN.len(), 34);
        for region in Region::KNOWN {
            assert_eq!(Region::new(region.id()).unwrap(), *region);
        }
    }

    #[test]
    fn unknown_but_well_formed_regions_work() {
        let r = Region::new("xx-newland-7").unwrap();
        assert!(!r.is_known());
        assert_eq!(r.endpoint(), "https://rds.xx-newland-7.myhuaweicloud.com");
        assert!(Region::new("cn-north-4").unwrap().is_known());
    }

    #[test]
    fn malformed_ids_cannot_redirect_the_client() {
        for bad in [
            "",
            "evil.com/",
            "cn-north-4.attacker",
            "CN-NORTH-4",
            "a b",
            "-x",
        ] {
            assert!(Region::new(bad).is_err(), "{bad:?}");
        }
    }
}
