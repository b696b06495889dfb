// swift-tools-version:6.1
// AsyncURL: a web crawler framework for Linux built on libcurl and libxml2.
import PackageDescription

let package = Package(
    name: "AsyncURL",
    products: [
        .library(name: "AsyncURL", targets: ["AsyncURL"]),
        .library(name: "LinkExtraction", targets: ["LinkExtraction"]),
        .library(name: "CrawlFrontier", targets: ["CrawlFrontier"]),
        .library(name: "Crawling", targets: ["Crawling"]),
        .library(name: "DistributedFrontier", targets: ["DistributedFrontier"]),
        .library(name: "Archiving", targets: ["Archiving"]),
        .library(name: "Rendering", targets: ["Rendering"]),
        .executable(name: "asyncurl-crawl", targets: ["AsyncURLCrawlCommand"]),
        .executable(name: "queue-example", targets: ["QueueExample"]),
        .executable(name: "docs-spider", targets: ["DocsSpider"]),
        .executable(name: "sitemap-spider", targets: ["SitemapSpiderExample"]),
        .executable(name: "fetch-benchmark", targets: ["FetchBenchmark"]),
        .executable(name: "seen-set-benchmark", targets: ["SeenSetBenchmark"]),
        .executable(name: "decision-log-benchmark", targets: ["DecisionLogBenchmark"]),
        .executable(name: "frontier-benchmark", targets: ["FrontierBenchmark"]),
        .executable(name: "link-benchmark", targets: ["LinkBenchmark"]),
        .executable(name: "redis-frontier-memory", targets: ["RedisFrontierMemory"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // MARK: C libraries (the only place C is imported)
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .systemLibrary(name: "CEpoll"),
        .systemLibrary(name: "CMalloc"),
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        .systemLibrary(
            name: "CIDN2",
            pkgConfig: "libidn2",
            providers: [.apt(["libidn2-dev"])]
        ),
        .systemLibrary(
            name: "CPSL",
            pkgConfig: "libpsl",
            providers: [.apt(["libpsl-dev"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // No pkgConfig: hiredis.pc adds -D_FILE_OFFSET_BITS=64, a flag SwiftPM
        // refuses with a warning in every package that depends on this one;
        // the header is included as <hiredis/hiredis.h>, so no -I is needed.
        .systemLibrary(
            name: "CHiredis",
            providers: [.apt(["libhiredis-dev"])]
        ),
        .systemLibrary(
            name: "COpenSSLCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        /// OpenSSL's TLS, for `rediss://` (Debian's hiredis 0.14 has none of its own).
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libssl",
            providers: [.apt(["libssl-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .systemLibrary(
            name: "CBrotli",
            pkgConfig: "libbrotlienc",
            providers: [.apt(["libbrotli-dev"])]
        ),

        // MARK: The framework
        /// Small concurrency helpers shared by the modules (not a product).
        .target(name: "AsyncURLSupport", dependencies: ["CEpoll"]),
        /// The fetch core: libcurl's multi interface on its own event-loop thread.
        .target(
            name: "AsyncURL",
            dependencies: [
                "AsyncURLSupport",
                "CCurl",
                "CEpoll",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        /// HTML parsing with libxml2: links, selectors, URL resolution and canonical form.
        .target(
            name: "LinkExtraction",
            dependencies: ["AsyncURLSupport", "CLibXML2", "CIDN2", "CZlib", "CPSL"],
            // XPath number functions use the C maths library.
            linkerSettings: [.linkedLibrary("m")]
        ),
        /// URL dedup, per-host politeness, robots.txt, retries, resumable state.
        .target(
            name: "CrawlFrontier",
            dependencies: [
                "AsyncURLSupport",
                "CSQLite",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "HeapModule", package: "swift-collections"),
            ]
        ),
        /// A frontier shared by many crawler processes, kept in Redis (hiredis).
        .target(
            name: "DistributedFrontier",
            dependencies: ["CrawlFrontier", "CHiredis", "COpenSSL", "AsyncURLSupport"]
        ),
        /// WARC 1.1 archives of what a crawl fetched (zlib, OpenSSL's SHA-1).
        .target(
            name: "Archiving",
            dependencies: [
                "AsyncURLSupport",
                "AsyncURL",
                "CZlib",
                "COpenSSLCrypto",
                .product(name: "DequeModule", package: "swift-collections"),
            ]
        ),
        /// JavaScript pages rendered by headless Chromium over its DevTools pipe,
        /// every request of the page fetched through the fetch core.
        .target(
            name: "Rendering",
            dependencies: ["AsyncURL", "AsyncURLSupport", "CEpoll", .product(name: "Logging", package: "swift-log")]
        ),
        /// The crawl loop: spiders, item pipelines, feeds, stats.
        .target(
            name: "Crawling",
            dependencies: [
                "Rendering",
                "Archiving",
                "AsyncURLSupport",
                "AsyncURL",
                "LinkExtraction",
                "CrawlFrontier",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),

        /// `asyncurl-crawl`, the command-line crawler.
        .executableTarget(
            name: "AsyncURLCrawlCommand",
            dependencies: [
                "Rendering",
                "Archiving",
                "AsyncURLSupport",
                "CMalloc",
                "Crawling",
                "CrawlFrontier",
                "DistributedFrontier",
                "LinkExtraction",
                "AsyncURL",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Sources/asyncurl-crawl"
        ),

        // MARK: Examples and benchmarks
        .executableTarget(
            name: "QueueExample",
            dependencies: ["AsyncURL"],
            path: "Examples/QueueExample"
        ),
        .executableTarget(
            name: "DocsSpider",
            dependencies: ["Crawling"],
            path: "Examples/DocsSpider"
        ),
        .executableTarget(
            name: "SitemapSpiderExample",
            dependencies: ["Crawling"],
            path: "Examples/SitemapSpider"
        ),
        .executableTarget(
            name: "FetchBenchmark",
            dependencies: [
                "AsyncURL",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/FetchBenchmark"
        ),
        .executableTarget(
            name: "LinkBenchmark",
            dependencies: [
                "LinkExtraction",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/LinkBenchmark"
        ),

        .executableTarget(
            name: "RedisFrontierMemory",
            dependencies: [
                "DistributedFrontier",
                "CrawlFrontier",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/RedisFrontierMemory"
        ),
        .executableTarget(
            name: "SeenSetBenchmark",
            dependencies: [
                "CrawlFrontier",
                "LinkExtraction",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/SeenSetBenchmark"
        ),
        .executableTarget(
            name: "DecisionLogBenchmark",
            dependencies: ["CrawlFrontier"],
            path: "Benchmarks/DecisionLogBenchmark"
        ),
        .executableTarget(
            name: "FrontierBenchmark",
            dependencies: [
                "AsyncURLSupport",
                "CrawlFrontier",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "HeapModule", package: "swift-collections"),
            ],
            path: "Benchmarks/FrontierBenchmark"
        ),

        // MARK: Tests
        /// A loopback HTTP server the tests start themselves (SwiftNIO, raw bytes on the wire).
        .target(
            name: "TestServer",
            dependencies: [
                "AsyncURLSupport",
                "CEpoll",
                .product(name: "Logging", package: "swift-log"),
                "CZlib",
                "CBrotli",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            path: "Tests/TestServer"
        ),
        .testTarget(
            name: "AsyncURLTests",
            dependencies: ["AsyncURL", "TestServer"]
        ),
        .testTarget(
            name: "LinkExtractionTests",
            dependencies: ["LinkExtraction", "TestServer"]
        ),
        .testTarget(
            name: "CrawlingTests",
            dependencies: ["Archiving", "AsyncURLSupport", "Crawling", "DistributedFrontier", "Rendering", "TestServer", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "DistributedFrontierTests",
            dependencies: ["DistributedFrontier", "Crawling", "TestServer"]
        ),
        .testTarget(
            name: "ArchivingTests",
            dependencies: ["Archiving", "AsyncURL", "TestServer"]
        ),
        .testTarget(
            name: "RenderingTests",
            dependencies: ["Rendering", "AsyncURL", "TestServer", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "CrawlFrontierTests",
            dependencies: ["CrawlFrontier", "CSQLite", "AsyncURL", "TestServer"]
        ),
    ]
)
