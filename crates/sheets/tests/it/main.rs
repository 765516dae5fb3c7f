//! The sheet readers' tests, one binary: hostile files refused, the samples read as their
//! README says.

extern crate songmaytinh_sheets as sheets;

mod encodings;
mod fuzz_corpus;
mod hostile;
mod peak;
mod samples;

#[global_allocator]
static ALLOC: peak::Counting = peak::Counting;
