//! What HTTP servers share: dates in headers and logs, MIME types, paths.

use crate::clock::SimTime;

/// `Tue, 01 Jul 2025 10:00:00 GMT` (RFC 7231 IMF-fixdate).
pub fn http_date(t: SimTime) -> String {
    let c = t.civil();
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} GMT",
        c.weekday_abbr(),
        c.day,
        c.month_abbr(),
        c.year,
        c.hour,
        c.minute,
        c.second
    )
}

/// `01/Jul/2025:10:00:00 +0000` (the common log format's time).
pub fn clf_date(t: SimTime) -> String {
    let c = t.civil();
    format!(
        "{:02}/{}/{}:{:02}:{:02}:{:02} +0000",
        c.day,
        c.month_abbr(),
        c.year,
        c.hour,
        c.minute,
        c.second
    )
}

/// A Content-Type by file extension (nginx's mime.types, the common part).
pub fn mime(path: &str) -> &'static str {
    let ext = path.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" | "shtml" => "text/html",
        "css" => "text/css",
        "js" => "application/javascript",
        "json" => "application/json",
        "txt" => "text/plain",
        "xml" => "text/xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" | "svgz" => "image/svg+xml",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

/// The request target's path without the query, percent-decoded, normalized.
pub fn request_path(target: &str) -> String {
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let mut out = Vec::new();
    let b = path.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&path[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    crate::vfs::normalize("/", &String::from_utf8_lossy(&out))
}

/// The value of a request header (case-insensitive name).
pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}
