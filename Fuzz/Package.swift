// swift-tools-version:6.1
// libFuzzer harnesses for AsyncURL's parsers. A separate package so that the main
// package's build and tests are unaffected; build and run with `scripts/fuzz.sh`.
import PackageDescription

let package = Package(
    name: "AsyncURLFuzz",
    dependencies: [
        .package(name: "AsyncURL", path: "..")
    ],
    targets: [
        /// Invariant checks and input splitting shared by the harnesses.
        .target(name: "FuzzSupport", dependencies: ["CLibFuzzer"]),
        /// Declares libFuzzer's `LLVMFuzzerRunDriver` (the library comes with `-sanitize=fuzzer`).
        .systemLibrary(name: "CLibFuzzer"),
        /// HTML bytes → streaming link extraction, `LinkExtractor`, `HTMLDocument` queries.
        .executableTarget(
            name: "fuzz-links",
            dependencies: ["FuzzSupport", .product(name: "LinkExtraction", package: "AsyncURL")]
        ),
        /// robots.txt bytes → `RobotsTxt` parsing and decisions.
        .executableTarget(
            name: "fuzz-robots",
            dependencies: ["FuzzSupport", .product(name: "CrawlFrontier", package: "AsyncURL")]
        ),
        /// base + reference bytes → `WebURL` parsing/resolution and `CanonicalURL`.
        .executableTarget(
            name: "fuzz-urls",
            dependencies: ["FuzzSupport", .product(name: "LinkExtraction", package: "AsyncURL")]
        ),
    ]
)
