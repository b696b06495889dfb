#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import AsyncURL
import AsyncURLSupport

/// Writes items to a JSON Lines or CSV feed, one whole line per item.
///
/// Items are any `Encodable` value. JSON Lines gets one object per line with
/// sorted keys. CSV takes its columns from the first item (as Scrapy does);
/// later items' fields outside those columns are dropped and counted, nested
/// values are written as JSON. Safe to use from many tasks at once.
public final class FeedExporter: Sendable {
    /// The format written.
    public let format: FeedFormat
    /// The output path, `-` for standard output.
    public let path: String

    private struct State {
        var file: FeedFile?
        var columns: [String]?
        var itemCount = 0
        var droppedFieldCount = 0
    }

    // FeedFile is used only under this lock.
    private let state: LockedState<State>

    /// Opens the feed at `path` (`-` for standard output).
    /// - Parameter append: keep what the file holds and write after it (a
    ///   resumed crawl), instead of starting it empty. A CSV feed then keeps
    ///   the columns of its header line.
    public init(path: String, format: FeedFormat, append: Bool = false) throws(FeedError) {
        self.path = path
        self.format = format
        let file = try FeedFile(path: path, append: append)
        var columns: [String]?
        if append, format == .csv {
            let header = file.firstLine()
            if !header.isEmpty { columns = CSVField.parseRecord(String(decoding: header, as: UTF8.self)) }
        }
        state = LockedState(State(file: file, columns: columns))
    }

    /// Bytes in the feed's file so far; `nil` for standard output.
    public var length: Int? {
        guard path != "-" else { return nil }
        return state.withLock { $0.file?.length }
    }

    /// Cuts the feed back to its first `length` bytes: a resumed crawl drops
    /// what a killed run wrote after its last checkpoint.
    public func truncate(to length: Int) throws(FeedError) {
        try state.withLock { (state: inout State) throws(FeedError) in
            try state.file?.truncate(to: length)
            if length == 0 { state.columns = nil }
        }
    }

    /// The number of items written so far.
    public var itemCount: Int {
        state.withLock { $0.itemCount }
    }

    /// The number of CSV fields dropped because they were not among the columns.
    public var droppedFieldCount: Int {
        state.withLock { $0.droppedFieldCount }
    }

    /// Encodes and writes one item as one line.
    public func write(_ item: some Encodable) throws(FeedError) {
        let fields: [String: JSONValue]
        let jsonLine: [UInt8]
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let data = try encoder.encode(item)
            switch format {
            case .jsonLines:
                jsonLine = Array(data) + [0x0A]
                fields = [:]
            case .csv:
                jsonLine = []
                let value = try JSONDecoder().decode(JSONValue.self, from: data)
                if case .object(let members) = value { fields = members } else { fields = ["value": value] }
            }
        } catch {
            throw FeedError(path: path, message: "cannot encode item: \(error)")
        }
        try state.withLock { (state: inout State) throws(FeedError) in
            guard let file = state.file else { throw FeedError(path: path, message: "the feed is closed") }
            switch format {
            case .jsonLines:
                try file.write(jsonLine)
            case .csv:
                var line: [UInt8] = []
                if state.columns == nil {
                    let columns = fields.keys.sorted()
                    state.columns = columns
                    line += Array((columns.map(CSVField.escape).joined(separator: ",") + "\r\n").utf8)
                }
                let columns = state.columns ?? []
                state.droppedFieldCount += fields.keys.filter { !columns.contains($0) }.count
                let row = columns.map { CSVField.escape(fields[$0]?.fieldText ?? "") }.joined(separator: ",")
                line += Array((row + "\r\n").utf8)
                try file.write(line)
            }
            state.itemCount += 1
        }
    }

    /// Flushes the feed to disk and closes it. Later writes fail.
    public func close() {
        state.withLock { state in
            state.file?.synchronize()
            state.file?.close()
            state.file = nil
        }
    }
}

/// CSV field rendering (RFC 4180).
enum CSVField {
    /// Quotes a field when it holds a comma, quote, CR or LF (or starts with space).
    static func escape(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }) || field.hasPrefix(" ") || field.hasSuffix(" ") else {
            return field
        }
        return "\"" + field.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }

    /// The fields of one CSV record (a header line), quotes undone.
    static func parseRecord(_ line: String) -> [String] {
        var fields: [String] = []
        var field = ""
        var isQuoted = false
        var characters = line.makeIterator()
        while let character = characters.next() {
            if isQuoted {
                if character == "\"" {
                    // A doubled quote is a quote; a single one ends the quoted part.
                    var lookahead = characters
                    if lookahead.next() == "\"" {
                        field.append("\"")
                        characters = lookahead
                    } else {
                        isQuoted = false
                    }
                } else {
                    field.append(character)
                }
            } else if character == "\"" {
                isQuoted = true
            } else if character == "," {
                fields.append(field)
                field = ""
            } else {
                field.append(character)
            }
        }
        fields.append(field)
        return fields
    }
}
