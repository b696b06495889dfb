import AsyncURLSupport
internal import COpenSSL
import Dispatch

#if canImport(Glibc)
    import Glibc
#endif

/// TLS for a hiredis that has none (Debian's 0.14): one verified TLS
/// connection to the server, relayed to one end of a local socket pair
/// whose other end hiredis talks plain RESP over.
///
/// ``open(host:port:tls:timeout:)`` connects, handshakes and verifies on the
/// caller's thread (the connection's queue), then hands the TLS connection
/// to a pump on a thread of its own and returns hiredis' end. The pump owns
/// the `SSL` and both sockets it holds and frees them once, when either side
/// closes: hiredis closing its end (`redisFree`, after an error or a
/// time-out) ends the TLS connection, and the server closing the TLS
/// connection closes hiredis' end, so hiredis sees the connection drop and
/// reconnects as it does without TLS.
enum RedisTLSBridge {
    /// Why a TLS connection could not be made (as a ``RedisError/Cause``).
    struct Failure: Error {
        var cause: RedisError.Cause
    }

    /// Connects to `host:port` over TLS and returns the socket hiredis is to use (its owner from then on).
    /// - Parameters:
    ///   - host: the server's name or address, checked against its certificate (and sent as SNI when a name).
    ///   - port: the server's TLS port.
    ///   - tls: the authorities to trust and the client certificate.
    ///   - timeout: the longest wait for the connection and for the handshake.
    static func open(host: String, port: Int, tls: RedisTLS, timeout: Duration) -> Result<Int32, Failure> {
        do throws(Failure) {
            let context = try makeContext(tls)
            defer { SSL_CTX_free(context) }
            let socket = try connect(host: host, port: port, timeout: timeout)
            let ssl: OpaquePointer
            do throws(Failure) {
                ssl = try handshake(context: context, socket: socket, host: host)
            } catch {
                close(socket)
                throw error
            }
            var pair: [Int32] = [-1, -1]
            guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else {
                let message = String(cString: strerror(errno))
                SSL_free(ssl)
                close(socket)
                throw Failure(cause: .connect("socketpair: \(message)"))
            }
            let pump = RedisTLSPump(ssl: ssl, server: socket, local: pair[1])
            DispatchQueue(label: "asyncurl.redis.tls.\(host):\(port)").async { pump.run() }
            return .success(pair[0])
        } catch {
            return .failure(error)
        }
    }

    /// A client context: peer verification on, TLS 1.2 or later, the trusted authorities and the client certificate loaded.
    private static func makeContext(_ tls: RedisTLS) throws(Failure) -> OpaquePointer {
        guard let context = SSL_CTX_new(TLS_client_method()) else { throw Failure(cause: .tls(lastError("SSL_CTX_new"))) }
        do throws(Failure) {
            SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
            guard asyncurl_ssl_ctx_require_tls12(context) == 1 else { throw Failure(cause: .tls(lastError("TLS version"))) }
            if let caFile = tls.caFile {
                guard SSL_CTX_load_verify_locations(context, caFile, nil) == 1 else {
                    throw Failure(cause: .tls(lastError("cannot read CA file \(caFile)")))
                }
            } else if SSL_CTX_set_default_verify_paths(context) != 1 {
                throw Failure(cause: .tls(lastError("cannot load the system's CA store")))
            }
            if let certificate = tls.certificateFile {
                let key = tls.keyFile ?? certificate
                guard SSL_CTX_use_certificate_chain_file(context, certificate) == 1 else {
                    throw Failure(cause: .tls(lastError("cannot read client certificate \(certificate)")))
                }
                guard SSL_CTX_use_PrivateKey_file(context, key, SSL_FILETYPE_PEM) == 1, SSL_CTX_check_private_key(context) == 1 else {
                    throw Failure(cause: .tls(lastError("cannot use client key \(key)")))
                }
            }
            return context
        } catch {
            SSL_CTX_free(context)
            throw error
        }
    }

    /// A TCP connection to `host:port` (the first address that answers), with
    /// `timeout` on connecting, sending and receiving until the handshake is done.
    private static func connect(host: String, port: Int, timeout: Duration) throws(Failure) -> Int32 {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let list else { throw Failure(cause: .connect(String(cString: gai_strerror(status)))) }
        defer { freeaddrinfo(list) }
        var lastError = "no address"
        var current: UnsafeMutablePointer<addrinfo>? = list
        while let address = current {
            current = address.pointee.ai_next
            let socket = Glibc.socket(
                address.pointee.ai_family, address.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), address.pointee.ai_protocol)
            guard socket >= 0 else { continue }
            var limit = timeout.timeval
            setsockopt(socket, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
            if Glibc.connect(socket, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0 { return socket }
            lastError = String(cString: strerror(errno))
            close(socket)
        }
        throw Failure(cause: .connect(lastError))
    }

    /// The TLS handshake on `socket`, with the server's certificate checked
    /// against `host`; the `SSL` on success (the caller's to free).
    private static func handshake(context: OpaquePointer, socket: Int32, host: String) throws(Failure) -> OpaquePointer {
        guard let ssl = SSL_new(context) else { throw Failure(cause: .tls(lastError("SSL_new"))) }
        let isAddress = host.contains(":") || host.split(separator: ".").count == 4 && host.allSatisfy { $0.isNumber || $0 == "." }
        let parameters = SSL_get0_param(ssl)
        let named =
            isAddress
            ? X509_VERIFY_PARAM_set1_ip_asc(parameters, host) == 1
            : X509_VERIFY_PARAM_set1_host(parameters, host, 0) == 1 && asyncurl_ssl_set_server_name(ssl, host) == 1
        guard named, SSL_set_fd(ssl, socket) == 1 else {
            SSL_free(ssl)
            throw Failure(cause: .tls(lastError("cannot set up TLS for \(host)")))
        }
        ERR_clear_error()
        if SSL_connect(ssl) == 1 {
            asyncurl_ssl_set_pump_modes(ssl)
            return ssl
        }
        let verdict = Int32(truncatingIfNeeded: SSL_get_verify_result(ssl))
        SSL_free(ssl)
        throw Failure(cause: cause(ofVerifyResult: verdict, host: host) ?? .tls(lastError("TLS handshake failed")))
    }

    /// A certificate check's failure as an error cause (`nil`: the certificate was not the problem).
    private static func cause(ofVerifyResult verdict: Int32, host: String) -> RedisError.Cause? {
        guard verdict != X509_V_OK else { return nil }
        let reason = String(cString: X509_verify_cert_error_string(Int(verdict)))
        switch verdict {
        case X509_V_ERR_HOSTNAME_MISMATCH, X509_V_ERR_IP_ADDRESS_MISMATCH:
            return .hostnameMismatch("the server's certificate is not for \(host) (\(reason))")
        default:
            return .certificateNotTrusted(reason)
        }
    }

    /// OpenSSL's last queued error (or the errno text), after `context`; the queue is emptied.
    private static func lastError(_ context: String) -> String {
        let code = ERR_get_error()
        ERR_clear_error()
        guard code != 0 else { return errno != 0 ? "\(context): \(String(cString: strerror(errno)))" : context }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        return "\(context): " + text(of: buffer)
    }
}
