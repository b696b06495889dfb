/// The frame a format puts around its items: what opens the document, what
/// goes before each item, and what closes it (empty for JSON Lines and CSV,
/// whose header row the exporter writes with the first row).
struct FeedDocument {
    /// Written once, when the document starts.
    let header: [UInt8]
    /// Written before the first item.
    let firstSeparator: [UInt8]
    /// Written before every later item.
    let separator: [UInt8]
    /// Written after the last item; a file holds it after every write.
    let trailer: [UInt8]

    /// The frame of `format`.
    init(format: FeedFormat) {
        switch format {
        case .jsonLines, .csv:
            (header, firstSeparator, separator, trailer) = ([], [], [], [])
        case .json:
            (header, firstSeparator, separator, trailer) = (Array("[".utf8), Array("\n".utf8), Array(",\n".utf8), Array("\n]\n".utf8))
        case .xml:
            header = Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<items>".utf8)
            (firstSeparator, separator, trailer) = (Array("\n".utf8), Array("\n".utf8), Array("\n</items>\n".utf8))
        }
    }

    /// Whether the document has a closing part.
    var isClosed: Bool { !trailer.isEmpty }
}
