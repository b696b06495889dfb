internal import CCurl
import Logging

/// The libcurl share object (`CURLSH`) of one client: the TLS sessions of
/// every transfer, and the cookies when the client keeps them (``CookieJar``).
///
/// libcurl keeps TLS session IDs and TLS 1.3 tickets in each easy handle
/// unless a share holds them (`CURL_LOCK_DATA_SSL_SESSION`), and the pooled
/// handles are handed out without regard to host: without a share, a new
/// connection from a handle that had not talked to its host did a full
/// handshake even when another handle held a session it could resume. In
/// this share a new connection resumes the session of an earlier one to the
/// same host and port. libcurl 7.88 keeps the 8 sessions used last (a size
/// it fixes; per-handle caches held 5 each, so a crawl that keeps opening
/// connections to more than 8 hosts in turn may find fewer sessions here),
/// found by host name, port and TLS settings (certificate
/// verification and the trusted certificates included), so a session is
/// offered only where it was made, and the host name is still checked
/// against the certificate the session holds.
///
/// A TLS 1.3 session serves one completed handshake: OpenSSL marks it not
/// resumable then (`tls_finish_handshake`), and the connection's new tickets,
/// read with its response, take its place here. A connection to the same host
/// that starts in between does a full handshake (with per-handle caches, a
/// handle holding a ticket of its own could have resumed there).
///
/// No lock callbacks: libcurl takes a share's locks only through the easy
/// handles that use it (`Curl_share_lock`, which does nothing when no lock
/// function is set), and a client's handles, like this object, are used on
/// its event-loop thread only (it is created before that thread starts).
///
/// Every ``EasyHandle`` in the share holds it, so `curl_share_cleanup` runs
/// once, in `deinit`, after every handle that used it was cleaned up
/// (libcurl refuses to free a share that a handle is still in).
final class CurlShare {
    let raw: UnsafeMutableRawPointer
    /// Whether the share holds the client's cookies.
    let sharesCookies: Bool
    private let logger: Logger

    /// `nil` when libcurl cannot allocate the share or refuses what it should hold.
    init?(sharesCookies: Bool, logger: Logger) {
        guard let raw = curl_share_init() else { return nil }
        var kinds = [CURL_LOCK_DATA_SSL_SESSION]
        if sharesCookies { kinds.append(CURL_LOCK_DATA_COOKIE) }
        for kind in kinds where asyncurl_share_setopt_long(raw, CURLSHOPT_SHARE, Int(kind.rawValue)) != CURLSHE_OK {
            curl_share_cleanup(raw)
            return nil
        }
        self.raw = raw
        self.sharesCookies = sharesCookies
        self.logger = logger
    }

    deinit {
        let code = curl_share_cleanup(raw)
        if code != CURLSHE_OK {
            logger.error("curl_share_cleanup failed", metadata: ["error": "\(String(cString: curl_share_strerror(code)))"])
        }
    }
}
