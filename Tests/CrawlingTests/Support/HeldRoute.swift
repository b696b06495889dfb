import AsyncURLSupport
import TestServer

extension TestServer {
    /// Serves `path` with a small text body only once `released` is set (at
    /// most 60 s), so a crawl can be watched, scraped or stopped while it waits.
    func addHeldRoute(_ path: String, until released: LockedState<Bool>) {
        addRoute(path) { _ in
            for _ in 0..<600 where !released.withLock({ $0 }) {
                try? await Task.sleep(for: .milliseconds(100))
            }
            return TestResponse(headers: [("Content-Type", "text/plain")], body: Array("held".utf8))
        }
    }
}
