internal import CCurl

/// Owns one libcurl easy handle (`CURL *`) and its error buffer.
///
/// The handle is created in `init` and cleaned up in `deinit`, so it is freed
/// exactly once, when the last Swift reference goes. An `EasyHandle` is used
/// only on the event-loop thread; between transfers it is `reset` (every
/// option back to its default; it stays in its ``CurlShare``) and kept in
/// the ``EasyHandlePool``.
final class EasyHandle {
    /// The raw handle. Valid for the lifetime of this object.
    let raw: UnsafeMutableRawPointer
    /// libcurl writes its message for a failed transfer here (`CURLOPT_ERRORBUFFER`).
    private let errorBuffer: UnsafeMutablePointer<CChar>
    /// The request header list currently set with `CURLOPT_HTTPHEADER`, owned here.
    private var headerList: UnsafeMutablePointer<curl_slist>?
    /// The first option that libcurl refused since the last reset, if any.
    private(set) var firstOptionFailure: (option: String, code: CURLcode)?
    /// The share this handle is in, kept so that it is freed after the handle
    /// (`curl_easy_reset` leaves a handle in its share).
    private var share: CurlShare?

    /// Creates a handle, or returns `nil` when libcurl cannot allocate one.
    init?() {
        guard let handle = curl_easy_init() else { return nil }
        raw = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        setPointer(CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(errorBuffer), name: "ERRORBUFFER")
    }

    deinit {
        curl_easy_cleanup(raw)
        if let headerList { curl_slist_free_all(headerList) }
        errorBuffer.deallocate()
    }

    /// Returns the handle to its freshly-created state, keeping its caches.
    func reset() {
        // libcurl 7.88 loses (leaks) the cookie-file list on reset (curl
        // issue 10694, fixed in 8.0): turning the cookie engine's file list
        // off first frees it.
        // (A refusal needs nothing more: curl_easy_reset follows either way.)
        record(asyncurl_easy_setopt_string(raw, CURLOPT_COOKIEFILE, nil), name: "COOKIEFILE")
        curl_easy_reset(raw)
        if let headerList {
            curl_slist_free_all(headerList)
            self.headerList = nil
        }
        firstOptionFailure = nil
        errorBuffer[0] = 0
        setPointer(CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(errorBuffer), name: "ERRORBUFFER")
    }

    /// libcurl's message for the last failure, or an empty string.
    var errorMessage: String {
        String(cString: errorBuffer)
    }

    /// Clears the error buffer before a new hop.
    func clearErrorMessage() {
        errorBuffer[0] = 0
    }

    // MARK: Typed options

    func set(_ option: CURLoption, _ value: Int, name: String) {
        record(asyncurl_easy_setopt_long(raw, option, value), name: name)
    }

    /// Sets an option whose refusal leaves libcurl's current value, which
    /// does as well (a tuning, not a behaviour): `false` when refused.
    @discardableResult
    func setIfAccepted(_ option: CURLoption, _ value: Int) -> Bool {
        asyncurl_easy_setopt_long(raw, option, value) == CURLE_OK
    }

    func set(_ option: CURLoption, _ value: Bool, name: String) {
        record(asyncurl_easy_setopt_long(raw, option, value ? 1 : 0), name: name)
    }

    func setLarge(_ option: CURLoption, _ value: Int64, name: String) {
        record(asyncurl_easy_setopt_off_t(raw, option, curl_off_t(value)), name: name)
    }

    /// Sets a string option. libcurl copies strings passed with `setopt`
    /// (except `POSTFIELDS`, which is never used here), so `value` need not outlive the call.
    func set(_ option: CURLoption, _ value: String?, name: String) {
        let code: CURLcode
        if let value {
            code = value.withCString { asyncurl_easy_setopt_string(raw, option, $0) }
        } else {
            code = asyncurl_easy_setopt_string(raw, option, nil)
        }
        record(code, name: name)
    }

    /// Puts the handle in `share` (`CURLOPT_SHARE`). Done for every hop, not
    /// once: libcurl 7.88's reset keeps the share but sets the handle's view
    /// of the shared TLS session cache back to its own default size (5 of
    /// the share's 8 sessions); attaching again restores it.
    func attach(_ share: CurlShare) {
        record(asyncurl_easy_setopt_share(raw, share.raw), name: "SHARE")
        self.share = share
    }

    func setPointer(_ option: CURLoption, _ value: UnsafeMutableRawPointer?, name: String) {
        record(asyncurl_easy_setopt_pointer(raw, option, value), name: name)
    }

    /// Replaces the request header list; the list is owned by this handle until the next call or reset.
    func setHeaderLines(_ lines: [String]) {
        var list: UnsafeMutablePointer<curl_slist>?
        for line in lines {
            guard let appended = line.withCString({ curl_slist_append(list, $0) }) else { continue }
            list = appended
        }
        record(asyncurl_easy_setopt_slist(raw, CURLOPT_HTTPHEADER, list), name: "HTTPHEADER")
        if let headerList { curl_slist_free_all(headerList) }
        headerList = list
    }

    func record(_ code: CURLcode, name: String) {
        if code != CURLE_OK && firstOptionFailure == nil {
            firstOptionFailure = (name, code)
        }
    }

    // MARK: Typed information

    func info(long option: CURLINFO) -> Int {
        var value = 0
        // An item this libcurl does not know reads as 0, like one not yet measured.
        guard asyncurl_easy_getinfo_long(raw, option, &value) == CURLE_OK else { return 0 }
        return value
    }

    func info(offset option: CURLINFO) -> Int64 {
        var value: curl_off_t = 0
        guard asyncurl_easy_getinfo_off_t(raw, option, &value) == CURLE_OK else { return 0 }
        return Int64(value)
    }

    func info(string option: CURLINFO) -> String? {
        var value: UnsafeMutablePointer<CChar>?
        guard asyncurl_easy_getinfo_string(raw, option, &value) == CURLE_OK, let value else { return nil }
        return String(cString: value)
    }

    /// A libcurl string-list value (`CURLINFO_COOKIELIST`) as strings; the list is freed here.
    func info(lines option: CURLINFO) -> [String] {
        var list: UnsafeMutablePointer<curl_slist>?
        guard asyncurl_easy_getinfo_slist(raw, option, &list) == CURLE_OK, let head = list else { return [] }
        defer { curl_slist_free_all(head) }
        var lines: [String] = []
        var node: UnsafeMutablePointer<curl_slist>? = head
        while let current = node {
            if let data = current.pointee.data { lines.append(String(cString: data)) }
            node = current.pointee.next
        }
        return lines
    }

    /// A libcurl `*_TIME_T` value (microseconds) as a `Duration`.
    func info(duration option: CURLINFO) -> Duration {
        .microseconds(info(offset: option))
    }
}
