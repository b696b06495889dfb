/// Builds a crawl's frontier from its configuration and a robots.txt fetcher.
///
/// ``inMemory`` keeps everything in this process; other factories keep the
/// frontier on disk or share it between processes.
public struct FrontierFactory: Sendable {
    /// Fetches `scheme://host:port/robots.txt` (the argument) for a host.
    public typealias RobotsFetcher = @Sendable (String) async -> RobotsFetchResult

    private let make: @Sendable (FrontierConfiguration, @escaping RobotsFetcher) async throws -> any URLFrontier

    /// Creates a factory from a function that builds the frontier.
    public init(_ make: @escaping @Sendable (FrontierConfiguration, @escaping RobotsFetcher) async throws -> any URLFrontier) {
        self.make = make
    }

    /// Builds the frontier.
    public func makeFrontier(configuration: FrontierConfiguration, robotsFetcher: @escaping RobotsFetcher) async throws -> any URLFrontier {
        try await make(configuration, robotsFetcher)
    }

    /// A ``Frontier`` in this process's memory: nothing survives the process.
    public static let inMemory = FrontierFactory { configuration, fetcher in
        Frontier(configuration: configuration, robotsFetcher: fetcher)
    }
}
