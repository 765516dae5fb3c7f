//! The parsers under the readers and the forms: dates, amounts in đồng, student codes,
//! tiers, carriers, the legacy-encoding converter and the folding of Vietnamese text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let _ = domain::dates::parse_date(s);
    let _ = domain::money::Dong::parse(s);
    let _ = sheets::statements::parse_amount(s);
    let _ = domain::students::StudentCode::parse(s);
    let _ = domain::handover::sim_number(s);
    let _ = domain::signal::Carrier::parse(s);
    let _ = domain::signal::platform_url(s);
    let _ = domain::aftercare::attendee_count(s);
    let tiers = domain::students::programs::tiers_2022();
    let folded = text::fold(s);
    let _ = domain::students::programs::match_tier(&tiers, &folded);
    let _ = text::place_key(s);
    let _ = text::slug(s);
    let (u, _) = text::to_unicode(s);
    let _ = text::legacy::decode_tcvn3(s);
    let _ = text::legacy::decode_vni(s);
    let mut d = text::CellDecoder::new();
    let _ = d.decode(&u);
});
