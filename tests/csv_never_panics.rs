//! The CSV reader returns a value or an error for any bytes at all; it never panics.

use layoutlab::source::CsvSource;
use proptest::prelude::*;

fn feed(bytes: &[u8], skip_invalid: bool) {
    let source = CsvSource::new("fuzz.csv".into(), skip_invalid);
    let result = source.stream_from(bytes, |r| -> Result<(), std::convert::Infallible> {
        assert!(!r.sensor_id.is_empty() && r.sensor_id.len() <= 32);
        assert!(r.timestamp.is_finite());
        Ok(())
    });
    if let Err(e) = result {
        let text = e.to_string();
        assert!(text.starts_with("fuzz.csv"), "{text}");
        assert!(!text.contains('\n'), "{text:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400), skip in any::<bool>()) {
        feed(&bytes, skip);
    }

    #[test]
    fn arbitrary_rows_after_a_valid_header(
        body in prop::collection::vec(
            prop_oneof![
                Just(b','), Just(b'\n'), Just(b'\r'), Just(b'"'), Just(b'.'), Just(b'-'),
                Just(b'C'), Just(b'%'), Just(b'e'), Just(0xff), b'0'..=b'9', b'a'..=b'z',
            ],
            0..400,
        ),
        skip in any::<bool>(),
    ) {
        let mut bytes = b"sensor_id,timestamp,value,unit\n".to_vec();
        bytes.extend(body);
        feed(&bytes, skip);
    }
}
