//! [`Script`]: faults played one per request.

use std::collections::VecDeque;

use super::fault::Fault;

/// Faults to play one per request, in order; afterwards normal behaviour, or the
/// last fault again with [`Script::repeat_last`].
///
/// ```
/// use huaweicloud_rds_mock::{Fault, Script};
/// let twice = Script::new([Fault::unavailable(0), Fault::unavailable(0)]);
/// let forever = Script::new([Fault::ResetBeforeHeaders]).repeat_last();
/// # let _ = (twice, forever);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Script {
    faults: VecDeque<Fault>,
    repeat_last: bool,
}

impl Script {
    /// These faults, one per request.
    pub fn new(faults: impl IntoIterator<Item = Fault>) -> Script {
        Script {
            faults: faults.into_iter().collect(),
            repeat_last: false,
        }
    }

    /// Once the others are played, play the last fault for every further request.
    pub fn repeat_last(mut self) -> Script {
        self.repeat_last = true;
        self
    }

    /// The fault for the next request, if the script has one.
    pub(crate) fn next(&mut self) -> Option<Fault> {
        if self.repeat_last && self.faults.len() == 1 {
            return self.faults.front().cloned();
        }
        self.faults.pop_front()
    }
}

impl From<Vec<Fault>> for Script {
    fn from(faults: Vec<Fault>) -> Script {
        Script::new(faults)
    }
}

impl<const N: usize> From<[Fault; N]> for Script {
    fn from(faults: [Fault; N]) -> Script {
        Script::new(faults)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_script_plays_in_order_then_stops_or_repeats_its_last_fault() {
        let mut once = Script::new([Fault::Hang, Fault::EmptyBody]);
        assert_eq!(once.next(), Some(Fault::Hang));
        assert_eq!(once.next(), Some(Fault::EmptyBody));
        assert_eq!(once.next(), None);
        let mut forever = Script::new([Fault::Hang, Fault::EmptyBody]).repeat_last();
        assert_eq!(forever.next(), Some(Fault::Hang));
        for _ in 0..3 {
            assert_eq!(forever.next(), Some(Fault::EmptyBody));
        }
        assert_eq!(Script::default().repeat_last().next(), None);
    }
}
