import AsyncURL
import Testing

/// `FetchError.Kind` is a struct of static values: clients compare and
/// switch over it (with a default), and its names stay stable.
@Suite("FetchError.Kind")
struct FetchErrorKindTests {
    @Test("A switch with a default case matches the kinds it names")
    func switchMatches() {
        func label(_ kind: FetchError.Kind) -> String {
            switch kind {
            case .timeout: "slow"
            case .connectionLost, .connectionFailed: "network"
            default: "other"
            }
        }
        #expect(label(.timeout) == "slow")
        #expect(label(.connectionFailed) == "network")
        #expect(label(.tls) == "other")
    }

    @Test("Names round-trip and are the descriptions; unknown names give nil")
    func names() {
        #expect(FetchError.Kind.allCases.count == 17)
        for kind in FetchError.Kind.allCases {
            #expect(FetchError.Kind(rawValue: kind.rawValue) == kind)
            #expect(kind.description == kind.rawValue)
        }
        #expect(FetchError.Kind.bodyTooLarge.rawValue == "bodyTooLarge")
        #expect(FetchError.Kind(rawValue: "noSuchKind") == nil)
        #expect(Set(FetchError.Kind.allCases.map(\.rawValue)).count == FetchError.Kind.allCases.count)
    }

    @Test("Transient kinds are the ones a retry may fix")
    func transient() {
        let transient = FetchError.Kind.allCases.filter { FetchError(kind: $0, url: "http://127.0.0.1/", message: "").isTransient }
        #expect(Set(transient) == [.timeout, .connectionLost, .connectionFailed, .dnsFailure, .protocolError])
    }
}
