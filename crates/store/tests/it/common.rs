//! What the storage tests share beyond `store::testing`.

pub use songmaytinh_store::testing::{
    DAK_NONG_UNITS as DAK_NONG, PASSWORD as TEST_PASSWORD, add_user, new_user, raw_execute,
    seed_program, seed_units as seed, system, test_hash, unit_drafts as drafts,
};
