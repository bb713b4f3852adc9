//! UTF-16 text, with or without a byte order mark, decoded before it is
//! matched (it is not a view: the whole input is its decoded text).

/// Decodes UTF-16 text, with or without a byte order mark. `None` unless
/// the bytes look like UTF-16 text once decoded (see `utf16_order` and
/// `text_like`).
///
/// A byte order mark declares the encoding: the text may then hold a few
/// control characters (a form feed, an escape sequence, NUL padding at
/// its end), as text files do. Without one, the zero bytes of the first
/// kilobyte must all fall on one side of the code units, and the text must
/// decode cleanly.
///
/// ```
/// use leakhound::decode::utf16;
/// let bytes: Vec<u8> = "key = 1\n".encode_utf16().flat_map(u16::to_le_bytes).collect();
/// assert_eq!(utf16(&bytes).as_deref(), Some("key = 1\n"));
/// assert_eq!(utf16(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), None);
/// ```
pub fn utf16(bytes: &[u8]) -> Option<String> {
    let (body, little, declared) = match bytes {
        [0xFF, 0xFE, rest @ ..] => (rest, true, true),
        [0xFE, 0xFF, rest @ ..] => (rest, false, true),
        _ => (bytes, utf16_order(bytes)?, false),
    };
    let units = body.chunks_exact(2).map(|pair| {
        let pair = [pair[0], pair[1]];
        if little {
            u16::from_le_bytes(pair)
        } else {
            u16::from_be_bytes(pair)
        }
    });
    let text: String = char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    let text = if declared {
        text.trim_end_matches('\0').to_owned()
    } else {
        text
    };
    text_like(&text, declared).then_some(text)
}

/// Whether bytes start with a UTF-16 byte order mark and go on as UTF-16
/// might: not as plain ASCII text does (a Latin-1 file may start with
/// `ÿþ`). UTF-16 text in a script other than Latin can hold no zero byte
/// at all, but it leaves far fewer bytes in the ASCII range than text does.
pub fn has_utf16_bom(bytes: &[u8]) -> bool {
    if !(bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF])) {
        return false;
    }
    let probe = &bytes[2..bytes.len().min(1026)];
    let ascii = probe
        .iter()
        .filter(|&&b| (0x20..0x7F).contains(&b) || b"\t\n\r".contains(&b))
        .count();
    ascii * 10 < probe.len() * 9
}

/// Byte order of BOM-less UTF-16: `Some(true)` for little-endian. Either
/// most code units of the first kilobyte are ASCII (one zero byte, one
/// not), or every zero byte there is on one side of its code unit (text
/// mostly in other scripts, CJK say, whose spaces, digits and line breaks
/// are the only zero bytes). Binary data has zero bytes on both sides.
fn utf16_order(bytes: &[u8]) -> Option<bool> {
    let sample = &bytes[..bytes.len().min(1024) & !1];
    if sample.len() < 8 {
        return None;
    }
    let pairs = sample.len() / 2;
    let (mut le, mut be, mut both) = (0, 0, 0);
    for pair in sample.chunks_exact(2) {
        match (pair[0], pair[1]) {
            (0, 0) => both += 1,
            (_, 0) => le += 1,
            (0, _) => be += 1,
            _ => {}
        }
    }
    if le * 10 >= pairs * 9 || (le > 0 && be == 0 && both == 0) {
        Some(true)
    } else if be * 10 >= pairs * 9 || (be > 0 && le == 0 && both == 0) {
        Some(false)
    } else {
        None
    }
}

/// Whether decoded UTF-16 reads as text. Tab, line feed, carriage return,
/// form feed and escape are text; other control characters and unpaired
/// surrogates (decoded as U+FFFD) are not: with a byte order mark, one in
/// fifty characters may be such; without one, none.
fn text_like(text: &str, declared: bool) -> bool {
    let mut chars = 0usize;
    let mut odd = 0usize;
    for c in text.chars() {
        chars += 1;
        let control = c.is_control() && !"\t\n\r\x0c\x1b".contains(c);
        if control || c == char::REPLACEMENT_CHARACTER {
            odd += 1;
        }
    }
    chars > 0
        && if declared {
            odd * 50 <= chars
        } else {
            odd == 0
        }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_text() {
        let le: Vec<u8> = "a = 1\npassword = 'x'\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let mut be_bom = vec![0xFE, 0xFF];
        be_bom.extend("héllo wörld\n".encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(utf16(&le).as_deref(), Some("a = 1\npassword = 'x'\n"));
        assert_eq!(utf16(&be_bom).as_deref(), Some("héllo wörld\n"));
        assert_eq!(utf16(&[0u8; 64]), None);
        assert_eq!(utf16(b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0"), None);
    }

    fn le(text: &str) -> Vec<u8> {
        text.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    #[test]
    fn a_byte_order_mark_allows_a_few_control_characters() {
        let text = "\x0cpage 1\n\x1b[1mtoken = 'x'\x1b[0m\n".repeat(3);
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(le(&text));
        bytes.extend([0, 0, 0, 0]);
        assert_eq!(utf16(&bytes).as_deref(), Some(text.as_str()));
        let mut bel = vec![0xFF, 0xFE];
        bel.extend(le(&format!("{}\x07\n", "line of text ".repeat(10))));
        assert!(utf16(&bel).is_some(), "one odd character in a hundred");
        let mut noise = vec![0xFF, 0xFE];
        noise.extend((0..512u32).flat_map(|i| [(i % 7) as u8, (i % 3) as u8]));
        assert_eq!(utf16(&noise), None, "binary data after FF FE");
    }

    #[test]
    fn a_byte_order_mark_before_ascii_text_is_not_utf16() {
        let latin = b"\xff\xfe token = 'value' and more plain text here\n";
        assert!(!has_utf16_bom(latin));
        let mut cjk = vec![0xFF, 0xFE];
        cjk.extend(le(&"设置令牌值".repeat(20)));
        assert!(has_utf16_bom(&cjk));
        assert!(!has_utf16_bom(b"plain"));
    }

    #[test]
    fn bomless_utf16_in_another_script_is_text() {
        let text = "设置：\n令牌 = '值'\n".repeat(40);
        assert_eq!(utf16(&le(&text)).as_deref(), Some(text.as_str()));
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(utf16(&be).as_deref(), Some(text.as_str()));
    }
}
