// The HTML elements the link collector reacts to.

/// Elements that carry links or affect link extraction.
enum ElementKind: Sendable {
    case anchor, area, link, iframe, frame, image, script, base, meta

    /// Recognises a lowercase, NUL-terminated element name from libxml2 without allocating.
    @inline(__always)
    static func recognize(_ name: UnsafePointer<UInt8>) -> ElementKind? {
        switch name[0] {
        case 0x61:  // a
            if name[1] == 0 { return .anchor }
            return equals(name, "area") ? .area : nil
        case 0x6C: return equals(name, "link") ? .link : nil
        case 0x69:  // i
            if equals(name, "iframe") { return .iframe }
            return equals(name, "img") ? .image : nil
        case 0x66: return equals(name, "frame") ? .frame : nil
        case 0x73: return equals(name, "script") ? .script : nil
        case 0x62: return equals(name, "base") ? .base : nil
        case 0x6D: return equals(name, "meta") ? .meta : nil
        default: return nil
        }
    }

    /// Recognises an element name given as a Swift string (tree mode).
    static func recognize(_ name: String) -> ElementKind? {
        var copy = name
        return copy.withUTF8 { buffer -> ElementKind? in
            guard buffer.count < 16 else { return nil }
            var bytes = [UInt8](repeating: 0, count: 17)
            for (index, byte) in buffer.enumerated() { bytes[index] = (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte }
            return bytes.withUnsafeBufferPointer { pointer in
                pointer.baseAddress.flatMap { recognize($0) }
            }
        }
    }

    /// Compares a NUL-terminated C string with an ASCII literal, terminator included.
    @inline(__always)
    static func equals(_ cString: UnsafePointer<UInt8>, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        let literalBytes = literal.utf8Start
        for index in 0..<count where cString[index] != literalBytes[index] { return false }
        return cString[count] == 0
    }

    /// The element name.
    var tagName: String {
        switch self {
        case .anchor: "a"
        case .area: "area"
        case .link: "link"
        case .iframe: "iframe"
        case .frame: "frame"
        case .image: "img"
        case .script: "script"
        case .base: "base"
        case .meta: "meta"
        }
    }

    /// The attribute holding the URL, for elements that carry links.
    var urlAttribute: String? {
        switch self {
        case .anchor, .area, .link, .base: "href"
        case .iframe, .frame, .image, .script: "src"
        case .meta: nil
        }
    }
}
