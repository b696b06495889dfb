// A whole document's bytes as UTF-8: one decoding for selectors' trees and for text.

/// Decodes a whole document as `HTMLDocument` reads it: the encoding chosen by
/// `CharsetDetector` (the `Content-Type` header, a byte order mark, a
/// `<meta>` in the first 1024 bytes, else UTF-8), the byte order mark
/// dropped, bytes the encoding does not define replaced with U+FFFD.
public enum DocumentText {
    /// The text of `bytes`, and the encoding it was decoded from.
    /// - Parameters:
    ///   - bytes: the body as received.
    ///   - contentType: the response's `Content-Type` header value, if any.
    public static func decode(_ bytes: some Collection<UInt8>, contentType: String?) -> (text: String, encoding: String) {
        Array(bytes).withUnsafeBytes { buffer in
            let utf8 = utf8Bytes(of: buffer, contentType: contentType)
            let text =
                if let decoded = utf8.decoded {
                    String(decoding: decoded, as: UTF8.self)
                } else {
                    String(decoding: utf8.body, as: UTF8.self)
                }
            return (text, utf8.encoding)
        }
    }

    /// The document as UTF-8: `decoded` when it was in another encoding, else
    /// `nil` and `body` (`html` without a UTF-8 byte order mark) is UTF-8 already.
    /// - Parameters:
    ///   - html: the body as received.
    ///   - contentType: the response's `Content-Type` header value, if any.
    static func utf8Bytes(
        of html: UnsafeRawBufferPointer, contentType: String?
    ) -> (decoded: [UInt8]?, body: UnsafeRawBufferPointer, encoding: String) {
        let detected = CharsetDetector.detect(contentType: contentType, prefix: html, defaultEncoding: "UTF-8")
        // Other encodings are decoded to UTF-8 first, so that bytes the encoding does not
        // define become U+FFFD instead of ending the parse (as in `StreamingLinkExtractor`).
        let decoder = CharsetDecoder(encoding: detected.encoding)
        let encoding = decoder?.encoding ?? "UTF-8"
        var body = html
        if let bom = CharsetDetector.byteOrderMark(in: html), bom.encoding == encoding {
            body = UnsafeRawBufferPointer(rebasing: html[bom.length...])
        }
        return (decoder?.decode(body, isFinal: true), body, encoding)
    }
}
