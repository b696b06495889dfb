import Foundation
import TestServer

/// Reads a feed back with Python's own parsers (json, csv, xml.etree, gzip),
/// and hands what they read over as JSON: a JSON feed as it is, JSON Lines as
/// an array, CSV as an array of rows, XML as a tree of
/// `{"tag", "attrib", "text", "children"}` objects.
enum FeedReader {
    static let script = """
        import csv, gzip, io, json, sys
        import xml.etree.ElementTree as ET
        path, fmt = sys.argv[1], sys.argv[2]
        with (gzip.open if path.endswith('.gz') else open)(path, 'rb') as source:
            data = source.read()
        if fmt == 'json':
            result = json.loads(data.decode('utf-8'))
        elif fmt == 'jsonl':
            result = [json.loads(line) for line in data.decode('utf-8').splitlines()]
        elif fmt == 'csv':
            result = list(csv.reader(io.StringIO(data.decode('utf-8'), newline='')))
        else:
            def tree(element):
                return {'tag': element.tag, 'attrib': element.attrib, 'text': element.text or '',
                        'children': [tree(child) for child in element]}
            result = tree(ET.fromstring(data))
        json.dump(result, sys.stdout)
        """

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// What Python read from the feed at `path` in `format` (`json`, `jsonl`, `csv` or `xml`).
    static func read(_ path: String, format: String) async throws -> Any {
        let result = try await ChildProcess.output(of: "/usr/bin/env", ["python3", "-c", script, path, format], timeout: .seconds(60))
        guard result.status == 0 else { throw Failure(description: "python could not read \(path): \(result.text)") }
        return try JSONSerialization.jsonObject(with: Data(result.text.utf8))
    }
}

/// One element of an XML tree as ``FeedReader`` hands it over.
struct XMLNode {
    let tag: String
    let attributes: [String: String]
    let text: String
    let children: [XMLNode]

    init(_ object: Any) {
        let dictionary = object as? [String: Any] ?? [:]
        tag = dictionary["tag"] as? String ?? ""
        attributes = dictionary["attrib"] as? [String: String] ?? [:]
        text = dictionary["text"] as? String ?? ""
        children = (dictionary["children"] as? [Any] ?? []).map(XMLNode.init)
    }

    /// The first child named `tag`.
    subscript(_ tag: String) -> XMLNode? {
        children.first { $0.tag == tag }
    }
}
