import ArgumentParser
import AsyncURLSupport
import CrawlFrontier
import Crawling
import DistributedFrontier

#if canImport(Glibc)
    import Glibc
#endif
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The options that make `asyncurl-crawl` one worker of a crawl shared
/// through Redis, and read that crawl's status.
struct SharedFrontierOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Share the crawl's frontier through Redis: every process given the same redis://[USER[:PASSWORD]@]HOST:PORT/NAME crawls NAME together (rediss:// for TLS, the server's certificate verified). Seeds are optional for all but the first worker. The password may come from $ASYNCURL_REDIS_PASSWORD instead (out of sight of ps).",
            valueName: "url"))
    var frontier: String?

    @Option(
        name: .customLong("redis-ca"),
        help: ArgumentHelp(
            "With a rediss:// --frontier: a PEM file of the certificate authorities to trust instead of the system's store (or $ASYNCURL_REDIS_CA).",
            valueName: "file"))
    var redisCA: String?

    @Option(
        name: .customLong("redis-cert"),
        help: ArgumentHelp(
            "With a rediss:// --frontier: a PEM client certificate, for servers that require one (mutual TLS).", valueName: "file"))
    var redisCertificate: String?

    @Option(
        name: .customLong("redis-key"),
        help: ArgumentHelp("The private key of --redis-cert (default: read from the --redis-cert file).", valueName: "file"))
    var redisKey: String?

    @Option(
        name: .customLong("redis-timeout"),
        help:
            "Seconds Redis may stay unreachable (with --frontier) before the worker gives up with an error (exit 3); meanwhile it retries and reconnects with a backoff."
    )
    var redisTimeout = 60.0

    @Option(
        name: .customLong("lease-timeout"),
        help:
            "Seconds a claimed URL stays a worker's without renewal (with --frontier): a dead worker's URLs go back to the queue after this."
    )
    var leaseTimeout = 60.0

    @Option(
        name: .customLong("seed-wait"),
        help: "Seconds a worker started without seeds waits for another to seed the crawl (with --frontier).")
    var seedWait = 600.0

    @Option(
        name: .customLong("max-callback-warnings"),
        help:
            "The most callback names warned about when a request's callback cannot run in this worker (queued by another worker or an earlier run); later names are not logged."
    )
    var maxCallbackWarnings = 100

    @Flag(help: "Print the shared crawl's progress (with --frontier) and exit.")
    var status = false

    @Flag(help: "With --status or --explain, print it as JSON.")
    var json = false

    @Flag(
        help:
            "Delete the shared crawl's state in Redis (with --frontier); with seeds, then start it afresh. Run it once, before the workers."
    )
    var reset = false

    func validate() throws {
        if let frontier {
            let url: RedisFrontierURL
            do {
                url = try RedisFrontierURL(parsing: frontier, environmentPassword: Self.environmentPassword)
            } catch {
                throw ValidationError("\(error)")
            }
            guard url.tls != nil || (redisCA == nil && redisCertificate == nil && redisKey == nil) else {
                throw ValidationError("--redis-ca, --redis-cert and --redis-key need a rediss:// (TLS) --frontier")
            }
            guard redisKey == nil || redisCertificate != nil else { throw ValidationError("--redis-key needs --redis-cert") }
        } else if status || reset {
            throw ValidationError("--status and --reset need --frontier redis://HOST:PORT/NAME")
        }
        guard leaseTimeout >= 1, seedWait >= 0, redisTimeout >= 0, maxCallbackWarnings >= 0 else {
            throw ValidationError(
                "--lease-timeout must be at least 1 second, --seed-wait, --redis-timeout and --max-callback-warnings not negative")
        }
    }

    /// The password in the environment (``RedisCredentials/passwordVariable``), when set and not empty.
    static var environmentPassword: String? { environment(RedisCredentials.passwordVariable) }

    /// An environment variable's value, when set and not empty.
    private static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        let text = String(decoding: UnsafeRawBufferPointer(start: value, count: strlen(value)), as: UTF8.self)
        return text.isEmpty ? nil : text
    }

    /// How a rediss:// connection is verified: `--redis-ca` (or `$ASYNCURL_REDIS_CA`), `--redis-cert`, `--redis-key`.
    var tls: RedisTLS {
        RedisTLS(caFile: redisCA ?? Self.environment(RedisTLS.caFileVariable), certificateFile: redisCertificate, keyFile: redisKey)
    }

    /// The shared crawl, when one is given.
    var url: RedisFrontierURL? {
        frontier.flatMap { try? RedisFrontierURL(parsing: $0, environmentPassword: Self.environmentPassword, tls: tls) }
    }

    /// The frontier factory for the settings, when the frontier is shared.
    var factory: FrontierFactory? {
        url.map {
            .redis(
                $0,
                options: RedisFrontierOptions(
                    leaseTimeout: .milliseconds(Int64(leaseTimeout * 1000)),
                    outageTimeout: .milliseconds(Int64(redisTimeout * 1000))))
        }
    }

    /// Prints the shared crawl's status (text or JSON) on standard output.
    func printStatus(_ url: RedisFrontierURL) async throws(RedisError) {
        let current = try await RedisCrawlStatus.read(url)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let data = (try? encoder.encode(current)) ?? Data()
            print(String(decoding: data, as: UTF8.self))
        } else {
            // Outcome names come from Redis, which any client can write.
            print(("crawl \(url)\n" + current.summary).removingControlCharacters(keepingLineFeeds: true))
        }
    }

    /// One seed of the crawl per distinct scheme and authority (what the
    /// scope needs: the seeds themselves are queued already), waiting
    /// (polling every 250 ms, at most --seed-wait) until a worker seeds it.
    /// A list of any length costs one seed per authority.
    func waitForSeeds(_ url: RedisFrontierURL) async throws(RedisError) -> [String] {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seedWait * 1000))
        var announced = false
        while true {
            var authorities = Set<String>()
            var seeds: [String] = []
            try await RedisCrawlStatus.forEachSeed(of: url) { seed in
                let authority = SeedAuthorities.authorityText(of: seed).map(String.init) ?? seed
                if authorities.insert(authority).inserted { seeds.append(seed) }
            }
            if !seeds.isEmpty || ContinuousClock.now >= deadline || Task.isCancelled { return seeds }
            if !announced {
                StandardError.write("asyncurl-crawl: waiting for crawl \(url.name) to be seeded\n")
                announced = true
            }
            try? await Task.sleep(for: .milliseconds(250))
        }
    }
}
