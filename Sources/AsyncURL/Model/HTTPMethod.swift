/// An HTTP request method.
///
/// The common methods are provided as static members; any other token can be
/// made with ``init(rawValue:)`` (it is sent as a custom request method).
public struct HTTPMethod: RawRepresentable, Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The method token as sent on the wire, for example `GET`.
    public let rawValue: String

    /// Creates a method from its token. The token is upper-cased.
    public init(rawValue: String) {
        self.rawValue = rawValue.uppercased()
    }

    /// Creates a method from a string literal such as `"PROPFIND"`.
    public init(stringLiteral value: String) {
        self.init(rawValue: value)
    }

    /// `GET`: fetch a representation.
    public static let get = HTTPMethod(rawValue: "GET")
    /// `HEAD`: like `GET` but without a response body.
    public static let head = HTTPMethod(rawValue: "HEAD")
    /// `POST`: submit a body.
    public static let post = HTTPMethod(rawValue: "POST")
    /// `PUT`: replace a resource with the body.
    public static let put = HTTPMethod(rawValue: "PUT")
    /// `DELETE`: remove a resource.
    public static let delete = HTTPMethod(rawValue: "DELETE")
    /// `PATCH`: modify a resource partially.
    public static let patch = HTTPMethod(rawValue: "PATCH")
    /// `OPTIONS`: ask which methods a resource allows.
    public static let options = HTTPMethod(rawValue: "OPTIONS")

    /// The method token.
    public var description: String { rawValue }

    /// Whether the method is a valid RFC 9110 token: letters, digits and
    /// RFC 9110's `tchar` symbols only (`!#$%&'*+-.^_|~` and the backtick).
    /// A request with any other method fails with
    /// ``FetchError/Kind/invalidRequest`` before anything is sent.
    public var isValidToken: Bool { HTTPToken.isValid(rawValue) }
}
