//! Static files, compiled into the binary: the server needs nothing beside it, and
//! nothing is fetched from a CDN.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

pub const HTMX: &str = "htmx-2.0.11.min.js";
pub const PICO: &str = "pico-2.1.1.min.css";
pub const SIGNATURE_PAD: &str = "signature_pad-5.1.4.umd.min.js";

const FILES: &[(&str, &str, &[u8])] = &[
    (
        HTMX,
        "text/javascript; charset=utf-8",
        include_bytes!("../static/vendor/htmx-2.0.11.min.js"),
    ),
    (
        PICO,
        "text/css; charset=utf-8",
        include_bytes!("../static/vendor/pico-2.1.1.min.css"),
    ),
    (
        SIGNATURE_PAD,
        "text/javascript; charset=utf-8",
        include_bytes!("../static/vendor/signature_pad-5.1.4.umd.min.js"),
    ),
    (
        "sign.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/sign.js"),
    ),
    (
        "app.css",
        "text/css; charset=utf-8",
        include_bytes!("../static/app.css"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/app.js"),
    ),
    (
        "scan.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/scan.js"),
    ),
    (
        "favicon.svg",
        "image/svg+xml",
        include_bytes!("../static/favicon.svg"),
    ),
];

pub async fn serve(Path(file): Path<String>) -> Response {
    match FILES.iter().find(|(name, _, _)| *name == file) {
        Some((name, mime, bytes)) => {
            // Vendored files carry their version in the name: cache them for a year.
            let cache = if name.contains('-') && name.contains(".min.") {
                "public, max-age=31536000, immutable"
            } else {
                "public, max-age=300"
            };
            (
                [
                    (header::CONTENT_TYPE, *mime),
                    (header::CACHE_CONTROL, cache),
                ],
                *bytes,
            )
                .into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
