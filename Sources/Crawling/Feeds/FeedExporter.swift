#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import AsyncURL
import AsyncURLSupport
#if canImport(Glibc)
import Glibc
#endif

/// Writes items to a JSON Lines or CSV feed, one whole line per item.
///
/// Items are any `Encodable` value. JSON Lines gets one object per line with
/// sorted keys. CSV takes its columns from the fields of the first item's
/// type, its `nil` optionals included (so no column is missing because the
/// first item lacked a value), unless they are given; later items' fields
/// outside those columns are dropped and counted, nested values are written
/// as JSON, and text cells that a spreadsheet would run as a formula (starting
/// with `=`, `+`, `-`, `@`, a tab or CR) get a leading `'`.
///
/// By default the userinfo of every URL in an item's text (`http://user:secret@host/`)
/// is removed before it is written (``redactsCredentials``). A file the exporter
/// creates is readable by its owner only (mode 0600). Safe to use from many tasks at once.
public final class FeedExporter: Sendable {
    /// The format written.
    public let format: FeedFormat
    /// The output path, `-` for standard output.
    public let path: String
    /// Whether URLs' userinfo (credentials) is removed from the text written.
    public let redactsCredentials: Bool

    private struct State {
        var file: FeedFile?
        var columns: [String]?
        /// The columns given to the initializer.
        let givenColumns: [String]?
        var itemCount = 0
        var droppedFieldCount = 0
    }

    // FeedFile is used only under this lock.
    private let state: LockedState<State>

    /// Opens the feed at `path` (`-` for standard output).
    /// - Parameter path: the file written (created 0600), or `-` for standard output.
    /// - Parameter format: JSON Lines or CSV.
    /// - Parameter append: keep what the file holds and write after it (a
    ///   resumed crawl), instead of starting it empty. A CSV feed then keeps
    ///   the columns of its header line.
    /// - Parameter columns: a CSV feed's columns, in order; `nil`: the field
    ///   names of the first item's type, sorted.
    /// - Parameter redactsCredentials: remove the userinfo of URLs in the text written.
    public init(path: String, format: FeedFormat, append: Bool = false, columns: [String]? = nil,
                redactsCredentials: Bool = true) throws(FeedError) {
        self.path = path
        self.format = format
        self.redactsCredentials = redactsCredentials
        let file = try FeedFile(path: path, append: append)
        var current = columns
        if append, format == .csv {
            let header = file.firstLine()
            if !header.isEmpty { current = CSVField.parseRecord(String(decoding: header, as: UTF8.self)) }
        }
        state = LockedState(State(file: file, columns: current, givenColumns: columns))
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
            if length == 0 { state.columns = state.givenColumns }
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
                // Slashes are not escaped, so a URL's `://` is in the text as it is.
                let redacted = redactsCredentials && data.contains(UInt8(ascii: "@"))
                    ? Array(String(decoding: data, as: UTF8.self).removingURLCredentials().utf8) : Array(data)
                jsonLine = redacted + [0x0A]
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
                    state.columns = Set(fields.keys).union(FieldNameRecorder.fieldNames(of: item) ?? []).sorted()
                }
                let columns = state.columns ?? []
                if file.length == 0 {
                    line += Array((columns.map(CSVField.escape).joined(separator: ",") + "\r\n").utf8)
                }
                state.droppedFieldCount += fields.keys.filter { !columns.contains($0) }.count
                let row = columns.map { CSVField.escape(cell(fields[$0] ?? .null)) }.joined(separator: ",")
                line += Array((row + "\r\n").utf8)
                try file.write(line)
            }
            state.itemCount += 1
        }
    }

    /// The text of a CSV cell: credentials removed and formulas neutralized in text.
    private func cell(_ value: JSONValue) -> String {
        let text = redactsCredentials ? value.fieldText.removingURLCredentials() : value.fieldText
        if case .string = value { return CSVField.neutralized(text) }
        return text
    }

    /// Asks the kernel to put what was written on disk (`fsync`; nothing for
    /// standard output), so a checkpoint never counts bytes a power loss could take back.
    /// The `fsync` goes through a duplicate descriptor, outside the feed's
    /// lock, so writers are not held up while the disk works.
    public func synchronize() throws(FeedError) {
        guard let duplicate = state.withLock({ $0.file?.duplicateDescriptor() }) else { return }
        defer { _ = Glibc.close(duplicate) }
        try FeedFile.synchronize(duplicate, path: path)
    }

    /// Flushes the feed to disk and closes it. Later writes fail.
    public func close() {
        state.withLock { state in
            try? state.file?.synchronize()
            state.file?.close()
            state.file = nil
        }
    }
}
