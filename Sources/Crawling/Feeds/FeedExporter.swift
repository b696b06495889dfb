import AsyncURL
import AsyncURLSupport

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// Writes items to a feed: JSON Lines, one JSON array, CSV or XML
/// (``FeedFormat``), gzip-compressed when the file's name ends in `.gz`.
///
/// Items are any `Encodable` value. JSON Lines gets one object per line with
/// sorted keys; a JSON feed the same objects, one a line, inside one array;
/// an XML feed one `<item>` element a line inside `<items>`. A JSON or XML
/// file is a whole document after every item (its closing part is written
/// with each item and moved after the next one), so a crawl that stops in any
/// way, even killed, leaves one that parses; on standard output the document
/// is closed by ``close()``. CSV takes its columns from the fields of the first item's
/// type, its `nil` optionals included (so no column is missing because the
/// first item lacked a value), unless they are given; later items' fields
/// outside those columns are dropped and counted, nested values are written
/// as JSON, and text cells that a spreadsheet would run as a formula (starting
/// with `=`, `+`, `-`, `@`, a tab or CR) get a leading `'`.
///
/// A compressed feed holds each item as a gzip member of its own (as
/// `.warc.gz` files hold records), which any gzip reader reads as one stream
/// and which can be cut back at any item, as a resumed crawl does.
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
    /// Whether the feed is written gzip-compressed (its name ends in `.gz`).
    public let isCompressed: Bool

    private struct State {
        var file: FeedFile?
        var columns: [String]?
        /// The columns given to the initializer.
        let givenColumns: [String]?
        var itemCount = 0
        var droppedFieldCount = 0
        /// Whether the document holds an item (the next one follows a separator).
        var hasItems = false
        /// Whether the file ends with the document's closing part.
        var endsClosed = false
    }

    /// What the format puts around the items.
    private let document: FeedDocument
    /// The document's opening and closing parts as they are in the file (compressed or not).
    private let encodedHeader: [UInt8]
    private let encodedTrailer: [UInt8]
    // FeedFile is used only under this lock.
    private let state: LockedState<State>

    /// Opens the feed at `path` (`-` for standard output).
    /// - Parameter path: the file written (created 0600), or `-` for standard
    ///   output; a name ending in `.gz` is written gzip-compressed.
    /// - Parameter format: the format; `nil`: the one the name tells
    ///   (`.jsonl`, `.json`, `.csv` or `.xml`, before any `.gz`).
    /// - Parameter append: keep what the file holds and write after it (a
    ///   resumed crawl), instead of starting it empty. A CSV feed then keeps
    ///   the columns of its header line; a JSON or XML feed goes on inside its document.
    /// - Parameter columns: a CSV feed's columns, in order; `nil`: the field
    ///   names of the first item's type, sorted.
    /// - Parameter redactsCredentials: remove the userinfo of URLs in the text written.
    /// - Throws: ``FeedError`` when the file cannot be opened, or no format
    ///   was given and the name tells none.
    public init(
        path: String, format: FeedFormat? = nil, append: Bool = false, columns: [String]? = nil,
        redactsCredentials: Bool = true
    ) throws(FeedError) {
        guard let format = format ?? FeedFormat(path: path) else {
            throw FeedError(path: path, message: "the name tells no feed format (.jsonl, .json, .csv or .xml): give one")
        }
        self.path = path
        self.format = format
        self.redactsCredentials = redactsCredentials
        isCompressed = path.hasSuffix(".gz")
        document = FeedDocument(format: format)
        let file = try FeedFile(path: path, append: append, compressed: isCompressed)
        encodedHeader = try file.encoded(document.header)
        encodedTrailer = try file.encoded(document.trailer)
        var current = columns
        if append, format == .csv {
            let header = file.firstLine()
            if !header.isEmpty { current = CSVField.parseRecord(String(decoding: header, as: UTF8.self)) }
        }
        var initial = State(file: file, columns: current, givenColumns: columns)
        try Self.takeUp(&initial, document: document, header: encodedHeader, trailer: encodedTrailer)
        state = LockedState(initial)
    }

    /// Starts the document in an empty file (closed at once when the file can
    /// be cut back), or takes up the one the file holds: whether it has items,
    /// and whether it ends closed.
    private static func takeUp(_ state: inout State, document: FeedDocument, header: [UInt8], trailer: [UInt8]) throws(FeedError) {
        guard let file = state.file, !header.isEmpty || !trailer.isEmpty else { return }
        if file.length == 0 {
            let closes = document.isClosed && file.isSeekable
            try file.write(header + (closes ? trailer : []))
            state.hasItems = false
            state.endsClosed = closes
        } else {
            state.endsClosed = document.isClosed && file.tail(trailer.count) == trailer
            state.hasItems = file.length > header.count + (state.endsClosed ? trailer.count : 0)
        }
    }

    /// Bytes in the feed's file so far; `nil` for standard output.
    public var length: Int? {
        guard path != "-" else { return nil }
        return state.withLock { $0.file?.length }
    }

    /// Cuts the feed back to its first `length` bytes: a resumed crawl drops
    /// what a killed run wrote after its last checkpoint. A JSON or XML feed
    /// cut to nothing starts its document again.
    /// - Parameter length: the bytes kept (a length the feed had after an item, or 0).
    /// - Throws: ``FeedError`` when the file cannot be cut or the document restarted.
    public func truncate(to length: Int) throws(FeedError) {
        try state.withLock { (state: inout State) throws(FeedError) in
            guard let file = state.file else { return }
            let content = length - encodedTrailer.count
            if document.isClosed, file.isSeekable, length < file.length, content >= encodedHeader.count {
                // The length was taken after an item, with the closing part
                // after it, which later items have overwritten: cut before it, close again.
                try file.truncate(to: content)
                try file.write(encodedTrailer)
            } else {
                try file.truncate(to: document.isClosed && content < encodedHeader.count ? 0 : length)
            }
            if length == 0 { state.columns = state.givenColumns }
            try Self.takeUp(&state, document: document, header: encodedHeader, trailer: encodedTrailer)
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

    /// An item encoded for the format: the text of a JSON Lines, JSON or XML
    /// item, or a CSV row's fields.
    private enum EncodedItem {
        case text([UInt8])
        case fields([String: JSONValue])
    }

    /// Encodes and writes one item (one line, a CSV row, or one array entry or element).
    /// - Parameter item: the value written.
    /// - Throws: ``FeedError`` when the item cannot be encoded, or the file
    ///   is closed or cannot be written (``FeedError/errorNumber`` then says why).
    public func write(_ item: some Encodable) throws(FeedError) {
        let encoded = try encode(item)
        try state.withLock { (state: inout State) throws(FeedError) in
            guard let file = state.file else { throw FeedError(path: path, message: "the feed is closed") }
            switch encoded {
            case .text(let text):
                try append((state.hasItems ? document.separator : document.firstSeparator) + text, to: file, state: &state)
            case .fields(let fields):
                var row: [UInt8] = []
                if state.columns == nil {
                    state.columns = Set(fields.keys).union(FieldNameRecorder.fieldNames(of: item) ?? []).sorted()
                }
                let columns = state.columns ?? []
                if file.length == 0 {
                    row += Array((columns.map(CSVField.escape).joined(separator: ",") + "\r\n").utf8)
                }
                state.droppedFieldCount += fields.keys.filter { !columns.contains($0) }.count
                row += Array((columns.map { CSVField.escape(cell(fields[$0] ?? .null)) }.joined(separator: ",") + "\r\n").utf8)
                try append(row, to: file, state: &state)
            }
            state.hasItems = true
            state.itemCount += 1
        }
    }

    /// Writes one item's record; in a file that can be cut back, a closed
    /// document's end is cut off and written again after the record, with it.
    private func append(_ record: [UInt8], to file: FeedFile, state: inout State) throws(FeedError) {
        let closes = document.isClosed && file.isSeekable
        let bytes = try file.encoded(record) + (closes ? encodedTrailer : [])
        if state.endsClosed {
            try file.truncate(to: file.length - encodedTrailer.count)
            state.endsClosed = false
        }
        try file.write(bytes)
        state.endsClosed = closes
    }

    /// The item as the format writes it (credentials removed when asked).
    private func encode(_ item: some Encodable) throws(FeedError) -> EncodedItem {
        do {
            let data: [UInt8]
            if let record = item as? PageRecord, format == .jsonLines || format == .json {
                // The page log: the same bytes as the encoder's, without its general machinery.
                data = record.jsonObject
            } else {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                data = Array(try encoder.encode(item))
            }
            switch format {
            case .jsonLines, .json:
                // Slashes are not escaped, so a URL's `://` is in the text as it is.
                let text =
                    redactsCredentials && data.contains(UInt8(ascii: "@"))
                    ? Array(String(decoding: data, as: UTF8.self).removingURLCredentials().utf8) : data
                return .text(format == .jsonLines ? text + [0x0A] : text)
            case .xml:
                let value = try JSONDecoder().decode(JSONValue.self, from: Data(data))
                return .text(Array(value.xmlElement(named: "item", redactsCredentials: redactsCredentials).utf8))
            case .csv:
                let value = try JSONDecoder().decode(JSONValue.self, from: Data(data))
                if case .object(let members) = value { return .fields(members) }
                return .fields(["value": value])
            }
        } catch {
            throw FeedError(path: path, message: "cannot encode item: \(error)")
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
    /// - Throws: ``FeedError`` when `fsync` fails.
    public func synchronize() throws(FeedError) {
        guard let duplicate = state.withLock({ $0.file?.duplicateDescriptor() }) else { return }
        defer { _ = Glibc.close(duplicate) }
        try FeedFile.synchronize(duplicate, path: path)
    }

    /// Closes a JSON or XML document that does not end closed (on standard
    /// output, or after a failed write), flushes the feed to disk and closes
    /// it. Later writes fail.
    public func close() {
        state.withLock { state in
            if let file = state.file, document.isClosed, !state.endsClosed {
                try? file.write(encodedTrailer)
            }
            try? state.file?.synchronize()
            state.file?.close()
            state.file = nil
        }
    }
}
