/// CSV field rendering (RFC 4180), decided on Unicode scalars: a comma or a
/// quote followed by a combining mark is one `Character` in Swift but still a
/// comma or a quote to every CSV reader.
enum CSVField {
    /// The scalars that make a field quoted.
    private static func needsQuoting(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "," || scalar == "\"" || scalar == "\r" || scalar == "\n"
    }

    /// The first scalars that make a spreadsheet read a cell as a formula.
    private static func startsFormula(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "=" || scalar == "+" || scalar == "-" || scalar == "@" || scalar == "\t" || scalar == "\r"
    }

    /// A text cell made safe to open in a spreadsheet: one that starts with
    /// `=`, `+`, `-`, `@`, a tab or CR gets a leading `'`, so it is shown as
    /// text rather than run as a formula (OWASP's advice against CSV injection).
    static func neutralized(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, startsFormula(first) else { return text }
        return "'" + text
    }

    /// Quotes a field when it holds a comma, quote, CR or LF (or starts or
    /// ends with a space), doubling the quotes inside.
    static func escape(_ field: String) -> String {
        let scalars = field.unicodeScalars
        guard scalars.contains(where: needsQuoting) || scalars.first == " " || scalars.last == " " else {
            return field
        }
        var quoted = String.UnicodeScalarView()
        quoted.append("\"")
        for scalar in scalars {
            quoted.append(scalar)
            if scalar == "\"" { quoted.append("\"") }
        }
        quoted.append("\"")
        return String(quoted)
    }

    /// The fields of one CSV record (a header line), quotes undone.
    static func parseRecord(_ line: String) -> [String] {
        var fields: [String] = []
        var field = String.UnicodeScalarView()
        var isQuoted = false
        var scalars = line.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            if isQuoted {
                if scalar == "\"" {
                    // A doubled quote is a quote; a single one ends the quoted part.
                    var lookahead = scalars
                    if lookahead.next() == "\"" {
                        field.append("\"")
                        scalars = lookahead
                    } else {
                        isQuoted = false
                    }
                } else {
                    field.append(scalar)
                }
            } else if scalar == "\"" {
                isQuoted = true
            } else if scalar == "," {
                fields.append(String(field))
                field = String.UnicodeScalarView()
            } else {
                field.append(scalar)
            }
        }
        fields.append(String(field))
        return fields
    }
}
