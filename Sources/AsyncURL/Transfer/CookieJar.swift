import CCurl

/// A client's cookie jar: libcurl's cookie engine (RFC 6265 domain, path,
/// expiry and `Secure` rules) in a `CURLSH` share object that every transfer
/// of one client uses, so a cookie set by one response (redirect hops
/// included) goes with the later requests to its site.
///
/// Owned by the event-loop thread (every transfer runs there, so the share
/// needs no lock callbacks); `curl_share_cleanup` runs exactly once, in
/// `deinit`, after the loop has freed the easy handles that used it.
final class CookieJar {
    let share: UnsafeMutableRawPointer

    /// `nil` when libcurl cannot allocate the share object.
    init?() {
        guard let share = curl_share_init() else { return nil }
        guard asyncurl_share_setopt_long(share, CURLSHOPT_SHARE, Int(CURL_LOCK_DATA_COOKIE.rawValue)) == CURLSHE_OK else {
            curl_share_cleanup(share)
            return nil
        }
        self.share = share
    }

    deinit {
        curl_share_cleanup(share)
    }

    /// Turns the cookie engine on for one hop of a transfer, with this jar.
    func attach(to easy: EasyHandle) {
        easy.record(asyncurl_easy_setopt_share(easy.raw, share), name: "SHARE")
        // An empty file name starts the engine without reading a file.
        easy.set(CURLOPT_COOKIEFILE, "", name: "COOKIEFILE")
    }
}
