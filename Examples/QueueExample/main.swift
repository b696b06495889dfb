// The original AsyncURL workflow: put request descriptions on a queue, run
// them all in parallel on one event-loop thread, get the results back.
//
//     swift run queue-example http://127.0.0.1:8080/ http://127.0.0.1:8080/about.html
//     printf '%s\n' URL1 URL2 | swift run queue-example
//
// Each URL is fetched with GET; the first one is also sent as a POST with a
// JSON body and custom headers, to show the other fields of a session.
import AsyncURL
import Foundation

var urls = Array(CommandLine.arguments.dropFirst())
if urls.isEmpty {
    while let line = readLine() {
        let url = line.trimmingCharacters(in: .whitespaces)
        if !url.isEmpty { urls.append(url) }
    }
}
guard !urls.isEmpty else {
    FileHandle.standardError.write(Data("usage: queue-example URL... (or URLs on standard input)\n".utf8))
    exit(2)
}

let fetch: AsyncURLFetch
do {
    fetch = try AsyncURLFetch(maxConcurrency: 32)
} catch {
    FileHandle.standardError.write(Data("cannot start libcurl: \(error)\n".utf8))
    exit(1)
}

for url in urls {
    var session = AsyncURLSession()
    session.fetchURL = url
    session.fetchMethod = .get
    session.headers = ["Accept": "text/html"]
    fetch.queue.putNowait(session)
}
var post = AsyncURLSession()
post.fetchURL = urls[0]
post.fetchMethod = .post
post.headers = ["Content-Type": "application/json", "X-Example": "queue"]
post.body = Data(#"{"hello":"AsyncURL"}"#.utf8)
fetch.queue.putNowait(post)

print("fetching \(fetch.queue.count) requests with up to \(fetch.maxConcurrency) in parallel (\(FetchClient.libcurlVersion))")
let started = ContinuousClock.now
var failures = 0
for result in await fetch.parallel() {
    let session = result.session
    switch result.result {
    case .success(let response):
        let title =
            response.text.range(of: "<title>").flatMap { open in
                response.text[open.upperBound...].range(of: "</title>").map { String(response.text[open.upperBound..<$0.lowerBound]) }
            } ?? ""
        print(
            "\(session.fetchMethod) \(session.fetchURL) -> \(response.status) \(response.httpVersion) \(response.body.count) bytes\(title.isEmpty ? "" : " \"\(title)\"")"
        )
    case .failure(let error):
        failures += 1
        print("\(session.fetchMethod) \(session.fetchURL) -> error: \(error)")
    }
}
print("done in \(ContinuousClock.now - started), \(failures) failed")
exit(failures == 0 ? 0 : 1)
