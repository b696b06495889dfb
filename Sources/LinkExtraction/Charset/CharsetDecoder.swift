// Incremental decoding of a legacy-encoded body to UTF-8, with replacement of bad bytes.
internal import CLibXML2

/// Decodes bytes in a legacy encoding (`WINDOWS-1252`, `CP932`, `UTF-16LE`, ...) to UTF-8
/// chunk by chunk, with libxml2's encoding handler (iconv underneath) doing the work.
///
/// Unlike handing the encoding to libxml2's parser, a byte sequence that is not valid in
/// the encoding does not stop anything: it becomes U+FFFD, as browsers decode it. The
/// bytes 0x80-0x9F that a `WINDOWS-125x` code page leaves undefined (iconv rejects them)
/// become the C1 control of the same value, as in the WHATWG Encoding standard's tables.
/// (libxml2's parser stops at the first bad byte, and its push parser also drops the
/// markup it had buffered but not yet reported, so links before the byte were lost too.)
///
/// A multi-byte sequence split between chunks is kept until the next chunk; one left at
/// the end of the body becomes U+FFFD. In UTF-16 a bad code unit (a lone surrogate) is
/// replaced as a whole, so the bytes after it stay aligned.
///
/// Only the encodings of the WHATWG label table (``EncodingLabels``) are accepted; its
/// `replacement` encoding (one U+FFFD for the whole body) and `x-user-defined` (bytes
/// 0x80-0xFF to U+F780-U+F7FF) are decoded here, without iconv.
///
/// Ownership: the instance owns its libxml2 encoding handler and two `xmlBuffer`s (none
/// for the two built-in encodings) and frees each exactly once, in `deinit`. Not
/// thread-safe and not `Sendable`.
final class CharsetDecoder {
    /// The encoding decoded from (libxml2's name for it).
    let encoding: String
    private let handler: UnsafeMutablePointer<xmlCharEncodingHandler>?
    private let input: xmlBufferPtr?
    private let output: xmlBufferPtr?
    /// Whether the `replacement` encoding has written its one U+FFFD.
    private var replacedBody = false
    /// What replaces an undecodable byte at the front of the pending input.
    private let replacement: (UInt8) -> [UInt8]
    /// How many bytes one replacement stands for: a UTF-16 code unit, else one byte.
    private let unitLength: Int

    /// The UTF-8 encoding of U+FFFD.
    private static let replacementCharacter: [UInt8] = [0xEF, 0xBF, 0xBD]
    /// An incomplete sequence is never longer than this; more undecodable bytes are an error.
    private static let maxIncompleteSequence = 8

    /// A decoder from `encoding` (a name from ``EncodingLabels``), or nil when it is UTF-8
    /// (nothing to do), not in the table, or libxml2/iconv does not know it.
    init?(encoding: String) {
        guard encoding != "UTF-8", EncodingLabels.encodingNames.contains(encoding) else { return nil }
        if encoding == EncodingLabels.replacement || encoding == EncodingLabels.userDefined {
            self.encoding = encoding
            handler = nil
            input = nil
            output = nil
            unitLength = 1
            replacement = { _ in CharsetDecoder.replacementCharacter }
            return
        }
        LibXML2.ensureInitialized()
        guard let handler = xmlFindCharEncodingHandler(encoding) else { return nil }
        guard let input = xmlBufferCreate() else {
            xmlCharEncCloseFunc(handler)
            return nil
        }
        guard let output = xmlBufferCreate() else {
            xmlCharEncCloseFunc(handler)
            xmlBufferFree(input)
            return nil
        }
        self.encoding = encoding
        self.handler = handler
        self.input = input
        self.output = output
        unitLength = encoding.hasPrefix("UTF-16") ? 2 : 1
        if encoding.hasPrefix("WINDOWS-125") {
            replacement = { byte in
                (0x80...0x9F).contains(byte) ? [0xC2, byte] : CharsetDecoder.replacementCharacter
            }
        } else {
            replacement = { _ in CharsetDecoder.replacementCharacter }
        }
    }

    deinit {
        if let handler { xmlCharEncCloseFunc(handler) }
        if let input { xmlBufferFree(input) }
        if let output { xmlBufferFree(output) }
    }

    /// Decodes `bytes` (the next chunk) and returns the UTF-8 produced so far; with
    /// `isFinal`, a trailing incomplete sequence is replaced too. Never fails.
    func decode(_ bytes: UnsafeRawBufferPointer, isFinal: Bool) -> [UInt8] {
        guard let input else { return decodeBuiltIn(bytes) }
        var decoded: [UInt8] = []
        var offset = 0
        // xmlBufferAdd takes an `int` length: add big chunks in pieces.
        repeat {
            let length = min(bytes.count - offset, 1 << 26)
            if length > 0, let base = bytes.baseAddress {
                xmlBufferAdd(input, base.advanced(by: offset).assumingMemoryBound(to: xmlChar.self), Int32(length))
            }
            offset += length
            convertPending(into: &decoded, isFinal: isFinal && offset >= bytes.count)
        } while offset < bytes.count
        return decoded
    }

    /// The two encodings of the standard that iconv does not have.
    private func decodeBuiltIn(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        if encoding == EncodingLabels.replacement {
            guard !replacedBody, !bytes.isEmpty else { return [] }
            replacedBody = true
            return Self.replacementCharacter
        }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)
        for byte in bytes {
            if byte < 0x80 {
                decoded.append(byte)
            } else {
                // U+F780 + (byte - 0x80) = U+F700 + byte, three bytes in UTF-8.
                let scalar = 0xF700 + UInt32(byte)
                decoded += [0xE0 | UInt8(scalar >> 12), 0x80 | UInt8((scalar >> 6) & 0x3F), 0x80 | UInt8(scalar & 0x3F)]
            }
        }
        return decoded
    }

    /// Converts the pending input, replacing what cannot be converted.
    private func convertPending(into decoded: inout [UInt8], isFinal: Bool) {
        guard let handler, let input, let output else { return }
        while xmlBufferLength(input) > 0 {
            let pending = Int(xmlBufferLength(input))
            let status = withSilencedErrors { xmlCharEncInFunc(handler, output, input) }
            let produced = Int(xmlBufferLength(output))
            if produced > 0, let content = xmlBufferContent(output) {
                decoded.append(contentsOf: UnsafeBufferPointer(start: content, count: produced))
                xmlBufferEmpty(output)
            }
            let remaining = Int(xmlBufferLength(input))
            if remaining < pending { continue }
            // No progress: an undecodable byte at the front, or an incomplete sequence at the end.
            let isError = status == -2 || isFinal || remaining > Self.maxIncompleteSequence
            guard isError, let front = xmlBufferContent(input) else { return }
            decoded += replacement(front.pointee)
            xmlBufferShrink(input, UInt32(min(unitLength, remaining)))
        }
    }

    /// Runs `body` with libxml2's structured error handler set to discard errors, so that
    /// conversion errors (expected, and handled above) are not printed to stderr.
    /// libxml2 keeps the handler per thread; the previous one is restored afterwards.
    private func withSilencedErrors<Result>(_ body: () -> Result) -> Result {
        let previous = __xmlStructuredError().pointee
        let previousContext = __xmlStructuredErrorContext().pointee
        xmlSetStructuredErrorFunc(nil) { _, _ in }
        defer { xmlSetStructuredErrorFunc(previousContext, previous) }
        return body()
    }
}
