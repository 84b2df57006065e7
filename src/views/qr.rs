//! The one QR code renderer of the pages: the phone's "use on another
//! device" link and the wall's "join from your phone" both draw with it.
//!
//! The SVG is inline (no request, no inline style, so the CSP allows it) and
//! has no fixed size: each page's CSS sizes it by its viewBox.

/// The QR code of `text` as an inline `<svg>`. With a `label` it is an image
/// of that name (`role="img"`); without, it is hidden from assistive
/// technology (the page says what it is beside it). `None` if the text is
/// too long for a QR code.
pub fn svg(text: &str, label: Option<&str>) -> Option<String> {
    let code =
        qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M).ok()?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .module_dimensions(1, 1)
        .quiet_zone(true)
        .dark_color(qrcode::render::svg::Color("#000"))
        .light_color(qrcode::render::svg::Color("#fff"))
        .build();
    // Drop the XML declaration and the fixed size.
    let start = svg.find("<svg")?;
    let svg = &svg[start..];
    let open_end = svg.find('>')?;
    let (open, rest) = svg.split_at(open_end);
    let attrs: Vec<&str> = open["<svg".len()..]
        .split(' ')
        .filter(|a| !a.is_empty() && !a.starts_with("width=") && !a.starts_with("height="))
        .collect();
    let a11y = match label {
        Some(label) => {
            let label = maud::html! { (label) }.into_string();
            format!(r#"role="img" aria-label="{label}""#)
        }
        None => r#"aria-hidden="true" focusable="false""#.to_owned(),
    };
    Some(format!(
        "<svg {a11y} {} preserveAspectRatio=\"xMidYMid meet\"{rest}",
        attrs.join(" ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_labelled_code_is_an_image_without_style() {
        let svg = svg("http://x.test/e/camp/me?t=abc", Some("QR <code>")).unwrap();
        assert!(
            svg.starts_with("<svg role=\"img\" aria-label=\"QR &lt;code&gt;\""),
            "{svg}"
        );
        assert!(!svg.contains("style"));
    }

    #[test]
    fn an_unlabelled_code_is_hidden_and_scales() {
        let svg = svg("http://barcamp.test/e/camp", None).unwrap();
        assert!(svg.starts_with("<svg aria-hidden=\"true\""), "{svg}");
        assert!(svg.contains("viewBox="));
        assert!(!svg[..svg.find('>').unwrap()].contains(" width="));
        assert!(svg.ends_with("</svg>"));
    }
}
