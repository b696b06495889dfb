// Inserts N distinct URLs' fingerprints into the frontier's FingerprintSet and
// into Swift's Set<UInt64>, in one run, and prints bytes per URL and inserts/s.
//
//     swift run -c release seen-set-benchmark [--urls 10000000]
import ArgumentParser
import CrawlFrontier
import Foundation
import LinkExtraction

@main
struct SeenSetBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seen-set-benchmark",
        abstract: "Insert N distinct URL fingerprints; compare FingerprintSet with Set<UInt64>."
    )

    @Option(help: "How many distinct URLs.")
    var urls = 10_000_000

    func run() {
        let clock = ContinuousClock()
        var fingerprints = [UInt64]()
        fingerprints.reserveCapacity(urls)
        let hashing = clock.measure {
            for index in 0..<urls {
                let url = "http://host-\(index % 5000).example.com/section-\(index % 97)/page-\(index).html?sort=asc&p=\(index % 13)"
                fingerprints.append(XXHash64.hash(url))
            }
        }

        var compact = FingerprintSet()
        var compactNew = 0
        let compactTime = clock.measure {
            for fingerprint in fingerprints where compact.insert(fingerprint) { compactNew += 1 }
        }
        // Lookups of present and absent values, to show the cost of membership tests.
        var found = 0
        let lookupTime = clock.measure {
            for fingerprint in fingerprints.prefix(1_000_000) where compact.contains(fingerprint) { found += 1 }
            for fingerprint in fingerprints.prefix(1_000_000) where compact.contains(~fingerprint) { found += 1 }
        }

        var standard = Set<UInt64>()
        var standardNew = 0
        let standardTime = clock.measure {
            for fingerprint in fingerprints where standard.insert(fingerprint).inserted { standardNew += 1 }
        }
        // Set<UInt64> keeps a power-of-two bucket count with at most 3/4 in use
        // (`capacity` is the usable part), 8 bytes a bucket plus an occupancy bit.
        var buckets = 1
        while buckets * 3 / 4 < standard.capacity { buckets *= 2 }
        let standardBytes = buckets * 8 + buckets / 8

        func seconds(_ duration: Duration) -> Double {
            Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        }
        let compactRate = Double(urls) / seconds(compactTime)
        let standardRate = Double(urls) / seconds(standardTime)
        print("URLs: \(urls) distinct, hashed (XXH64 of the URL string) in \(String(format: "%.2f", seconds(hashing))) s")
        print(
            String(
                format: "FingerprintSet: %d unique, %.1f bytes/URL, %.1f M inserts/s, %.1f M lookups/s",
                compactNew, Double(compact.memoryBytes) / Double(compact.count), compactRate / 1e6, 2e6 / seconds(lookupTime) / 1e6))
        print(
            String(
                format: "Set<UInt64>:    %d unique, %.1f bytes/URL, %.1f M inserts/s",
                standardNew, Double(standardBytes) / Double(standard.count), standardRate / 1e6))
        print(
            String(
                format: "ratio: FingerprintSet uses %.2fx the memory and runs %.2fx the insert rate of Set<UInt64>",
                Double(compact.memoryBytes) / Double(standardBytes), compactRate / standardRate))
    }
}
