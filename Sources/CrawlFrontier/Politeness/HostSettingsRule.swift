/// One line of a ``HostSettingsTable``: a host pattern and the settings for its hosts.
public struct HostSettingsRule: Sendable, Hashable {
    /// The hosts the rule applies to.
    public var pattern: HostPattern
    /// What the rule sets for them.
    public var settings: HostSettings

    /// Creates a rule.
    /// - Parameters:
    ///   - pattern: the hosts it applies to.
    ///   - settings: what it sets for them.
    public init(pattern: HostPattern, settings: HostSettings) {
        self.pattern = pattern
        self.settings = settings
    }

    /// Reads the command line's form, `PATTERN:key=value,...`, with the keys
    /// `per-host` (a positive count), `delay` (seconds), `autothrottle` (`on`
    /// or `off`) and `user-agent`, which takes the rest of the text (commas
    /// too), so it comes last: `*.example.com:per-host=4,delay=0.5,user-agent=Bot/1.0 (a, b)`.
    /// - Parameter text: the rule as written.
    /// - Throws: `HostSettingsSyntaxError` naming the text and what is wrong with it.
    public init(parsing text: String) throws(HostSettingsSyntaxError) {
        guard let colon = Self.patternEnd(in: text) else {
            throw HostSettingsSyntaxError(text: text, reason: "expected HOST:key=value,... (no ':' after the host)")
        }
        let patternText = String(text[..<colon])
        guard let pattern = HostPattern(patternText) else {
            throw HostSettingsSyntaxError(text: text, reason: "'\(patternText)' is not a host name or *.domain pattern")
        }
        var settings = HostSettings()
        var rest = text[text.index(after: colon)...]
        guard !rest.isEmpty else { throw HostSettingsSyntaxError(text: text, reason: "no settings after the host") }
        while !rest.isEmpty {
            guard let equals = rest.firstIndex(of: "=") else {
                throw HostSettingsSyntaxError(text: text, reason: "'\(rest)' is not key=value")
            }
            let key = rest[..<equals]
            if key == "user-agent" {
                settings.userAgent = String(rest[rest.index(after: equals)...])
                guard settings.userAgent?.isEmpty == false else { throw HostSettingsSyntaxError(text: text, reason: "empty user-agent") }
                break
            }
            let end = rest.firstIndex(of: ",") ?? rest.endIndex
            try Self.set(key, to: rest[rest.index(after: equals)..<end], in: &settings, text: text)
            rest = end == rest.endIndex ? rest[end...] : rest[rest.index(after: end)...]
        }
        self.init(pattern: pattern, settings: settings)
    }

    /// Where the pattern ends: the first `:` (after the `]` of an IPv6 literal).
    private static func patternEnd(in text: String) -> String.Index? {
        let searchFrom = text.hasPrefix("[") ? (text.firstIndex(of: "]") ?? text.startIndex) : text.startIndex
        return text[searchFrom...].firstIndex(of: ":")
    }

    /// Sets one `key=value` of the command line's form.
    private static func set(_ key: Substring, to value: Substring, in settings: inout HostSettings, text: String)
        throws(HostSettingsSyntaxError)
    {
        switch key {
        case "per-host":
            guard let count = Int(value), count > 0 else {
                throw HostSettingsSyntaxError(text: text, reason: "per-host must be a positive whole number, not '\(value)'")
            }
            settings.maxConcurrency = count
        case "delay":
            guard let seconds = Double(value), seconds >= 0, seconds <= 86_400 else {
                throw HostSettingsSyntaxError(text: text, reason: "delay must be seconds from 0 to 86400, not '\(value)'")
            }
            settings.delay = .milliseconds(Int64((seconds * 1000).rounded()))
        case "autothrottle":
            guard value == "on" || value == "off" else {
                throw HostSettingsSyntaxError(text: text, reason: "autothrottle must be on or off, not '\(value)'")
            }
            settings.autoThrottle = value == "on"
        default:
            throw HostSettingsSyntaxError(text: text, reason: "unknown key '\(key)' (per-host, delay, autothrottle, user-agent)")
        }
    }
}

/// A host setting that could not be read (see ``HostSettingsRule/init(parsing:)``).
public struct HostSettingsSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The rule as written.
    public var text: String
    /// What is wrong with it.
    public var reason: String

    /// A one-line message naming the rule.
    public var description: String { "'\(text)': \(reason)" }
}
