// Fetches a list of URLs with AsyncURL as fast as it can, for comparison with
// `curl --parallel` on the same list (see Benchmarks/fetch/run.sh).
import ArgumentParser
import AsyncURL
import Foundation

@main
struct FetchBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch-benchmark",
        abstract: "Fetch every URL of a file with AsyncURL and print the throughput."
    )

    @Option(help: "A file with one URL per line.")
    var urlsFile: String

    @Option(help: "The most transfers in flight at once.")
    var concurrency = 64

    @Flag(help: "Ask for HTTP/1.1 only.")
    var http1 = false

    @Flag(help: "Speak HTTP/2 without upgrade on cleartext connections (prior knowledge).")
    var http2PriorKnowledge = false

    @Option(help: "The event loop: epoll (socket_action) or poll (curl_multi_poll).")
    var eventLoop = "epoll"

    func run() async throws {
        let text = try String(contentsOfFile: urlsFile, encoding: .utf8)
        let urls = text.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty }
        var configuration = FetchClient.Configuration()
        if http1 { configuration.httpVersion = .http1_1 }
        if http2PriorKnowledge { configuration.httpVersion = .http2PriorKnowledge }
        configuration.eventLoop = eventLoop == "poll" ? .poll : .epoll
        let fetch = try AsyncURLFetch(maxConcurrency: concurrency, configuration: configuration)
        fetch.queue.putNowait(contentsOf: urls.map { AsyncURLSession(fetchURL: $0) })

        let started = ContinuousClock.now
        var ok = 0
        var failed = 0
        var bytes = 0
        var firstError: FetchError?
        for await result in fetch.completions() {
            switch result.result {
            case .success(let response):
                ok += 1
                bytes += response.body.count
            case .failure(let error):
                failed += 1
                if firstError == nil { firstError = error }
            }
        }
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        if let firstError {
            FileHandle.standardError.write(Data("first error: \(firstError)\n".utf8))
        }
        print(String(format: "RESULT requests=%d ok=%d failed=%d seconds=%.3f bytes=%d", urls.count, ok, failed, seconds, bytes))
    }
}
