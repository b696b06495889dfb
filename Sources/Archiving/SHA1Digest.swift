internal import COpenSSLCrypto

/// An incremental SHA-1 digest (OpenSSL's libcrypto), as WARC records name their
/// content: `sha1:` followed by the 20-byte digest in base32 (RFC 4648, upper case).
///
/// Ownership: the instance owns its `EVP_MD_CTX` and frees it exactly once, in `deinit`.
/// Not thread-safe: use an instance from one task at a time.
package final class SHA1Digest {
    private let context: OpaquePointer?
    private var finished: [UInt8]?

    /// Starts an empty digest.
    package init() {
        context = EVP_MD_CTX_new()
        if let context, EVP_DigestInit_ex(context, EVP_sha1(), nil) != 1 {
            EVP_MD_CTX_free(context)
            finished = []
        }
    }

    deinit {
        if let context { EVP_MD_CTX_free(context) }
    }

    /// Adds bytes to the digest.
    package func update(_ bytes: UnsafeRawBufferPointer) {
        guard finished == nil, let context, let base = bytes.baseAddress, !bytes.isEmpty else { return }
        _ = EVP_DigestUpdate(context, base, bytes.count)
    }

    /// Adds bytes to the digest.
    package func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// The 20 bytes of the digest (the digest takes no more input after this).
    package func finish() -> [UInt8] {
        if let finished { return finished }
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok =
            context.map { context in output.withUnsafeMutableBufferPointer { EVP_DigestFinal_ex(context, $0.baseAddress, &length) == 1 } }
            ?? false
        let digest = ok ? Array(output.prefix(Int(length))) : []
        finished = digest
        return digest
    }

    /// The digest as WARC writes it: `sha1:` and 32 base32 characters.
    package func warcLabel() -> String {
        "sha1:" + Base32.encode(finish())
    }

    /// The 20 bytes of the digest of `bytes`.
    package static func digest(of bytes: UnsafeRawBufferPointer) -> [UInt8] {
        let digest = SHA1Digest()
        digest.update(bytes)
        return digest.finish()
    }

    /// The WARC label of `bytes`' digest.
    package static func warcLabel(of bytes: [UInt8]) -> String {
        "sha1:" + Base32.encode(bytes.withUnsafeBytes { digest(of: $0) })
    }
}
