// Internationalized domain names through GNU libidn2.
internal import CIDN2

/// Converts Unicode host names to their ASCII (punycode) form with libidn2
/// (`idn2_lookup_u8`, NFC input, UTS 46 non-transitional processing), which is what
/// the WHATWG URL standard's "domain to ASCII" asks for.
///
/// libcurl's URL API was measured first: libcurl 7.88.1's `CURLU_PUNYCODE` goes through
/// `idn2_lookup_ul`, which converts from the *process locale*; under the default "C"
/// locale every non-ASCII host fails with `CURLUE_OUT_OF_MEMORY`. A library must not
/// depend on (or change) the process locale, so libidn2's UTF-8 entry point is called
/// directly instead.
enum IDNAConverter {
    /// The ASCII form of `host` (UTF-8), or nil when libidn2 rejects it.
    static func toASCII(_ host: String) -> String? {
        var output: UnsafeMutablePointer<UInt8>? = nil
        let flags = Int32(IDN2_NFC_INPUT.rawValue | IDN2_NONTRANSITIONAL.rawValue)
        let status = host.withCString { pointer in
            pointer.withMemoryRebound(to: UInt8.self, capacity: host.utf8.count + 1) { bytes in
                idn2_lookup_u8(bytes, &output, flags)
            }
        }
        // The buffer libidn2 allocated is released here, exactly once, on every path.
        defer { if let output { idn2_free(output) } }
        guard status == Int32(IDN2_OK.rawValue), let output else { return nil }
        return String(cString: output)
    }
}
