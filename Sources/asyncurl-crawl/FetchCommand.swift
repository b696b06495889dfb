import ArgumentParser
import AsyncURL
import AsyncURLSupport
import Crawling
import LinkExtraction
import Logging

/// `asyncurl-crawl fetch URL`: fetches one page as a crawl would and prints
/// what a spider would see (Scrapy's `fetch` and `parse`).
struct FetchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Fetch one page as a crawl would, and print what a spider sees.",
        usage: "asyncurl-crawl fetch [<options>] <url>",
        discussion: """
            Fetches URL with the crawl's settings: its site's robots.txt first \
            (unless --ignore-robots), the same user agent, address guard, time-out \
            and body limit. Prints the status line, the redirects followed and the \
            response headers, a blank line, then the page's links (--links), what \
            an XPath expression or CSS selector selects (--xpath, --css: one result \
            per line, elements as HTML), or else the body when it is text. With \
            --render, the page is rendered through headless Chromium first, as a \
            crawl renders it, and all of that is printed from the rendered document.

            Exit codes: 0 a response was received (any status); 1 the page could \
            not be fetched or rendered, or robots.txt disallows it or could not be fetched; \
            64 bad arguments.
            """
    )

    @Argument(help: "The page's URL (http or https).")
    var url: String

    @Option(help: ArgumentHelp("Print what this XPath expression selects.", valueName: "expression"))
    var xpath: String?

    @Option(help: ArgumentHelp("Print what this CSS selector selects.", valueName: "selector"))
    var css: String?

    @Flag(help: "Print the links a crawl would find on the page, one per line: the URL, a tab, the anchor text.")
    var links = false

    @OptionGroup(title: "Fetching")
    var fetching: FetchOptions

    @OptionGroup(title: "Rendering")
    var render: RenderPageOptions

    func validate() throws {
        if let problem = SeedCheck.problem(with: url) { throw ValidationError("the URL \(SeedCheck.quoted(url)) \(problem)") }
        guard [xpath != nil, css != nil, links].filter({ $0 }).count <= 1 else {
            throw ValidationError("give one of --xpath, --css and --links")
        }
        // Checked on an empty document, before anything is fetched.
        let empty = try HTMLDocument(string: "<html></html>")
        do {
            if let xpath { _ = try empty.evaluate(xpath) }
            if let css { _ = try empty.css(css) }
        } catch {
            throw ValidationError("\(error)")
        }
    }

    func run() async throws {
        LoggingSystem.bootstrap { SanitizingLogHandler(label: $0, level: .warning) }
        var settings = CrawlSettings()
        fetching.apply(to: &settings)
        settings.rendering = render.rendering
        let page: CrawlResponse
        do {
            page = try await PageFetcher(settings: settings).fetch(url)
        } catch {
            CrawlCommand.printError("\(error)")
            throw ExitCode(1)
        }
        print(Self.head(of: page.response))
        do {
            for line in try results(of: page) { print(line) }
        } catch {
            CrawlCommand.printError("\(error)")
            throw ExitCode(1)
        }
    }

    /// The status line, the redirects followed and the headers, without control characters.
    static func head(of response: Response) -> String {
        var lines = ["\(response.httpVersion) \(response.status) \(response.finalURL)"]
        for hop in response.redirectChain {
            lines.append("> redirected: \(hop.status) \(hop.url) -> \(hop.location)")
        }
        for field in response.headers {
            lines.append("\(field.name): \(field.value)")
        }
        return lines.map { $0.removingControlCharacters() }.joined(separator: "\n") + "\n"
    }

    /// What is printed after the head: links, selected nodes, or the body,
    /// without control characters (a page's text could move the terminal's cursor).
    private func results(of page: CrawlResponse) throws(SelectorError) -> [String] {
        if links {
            return page.links.map { $0.url.removingControlCharacters() + "\t" + $0.text.removingControlCharacters() }
        }
        if let xpath {
            switch try page.document().evaluate(xpath) {
            case .nodes(let nodes): return nodes.map(Self.printed)
            case let value: return [value.stringValue.removingControlCharacters(keepingLineFeeds: true)]
            }
        }
        if let css {
            return try page.document().css(css).map(Self.printed)
        }
        let type = page.response.headers["Content-Type"]?.lowercased() ?? ""
        let isText = page.isHTML || type.hasPrefix("text/") || type.contains("json") || type.contains("xml")
        return isText
            ? [page.text.removingControlCharacters(keepingLineFeeds: true)]
            : ["(\(page.body.count) bytes of \(type.isEmpty ? "unknown type" : type), not printed)"]
    }

    /// An element as HTML; other nodes as their text.
    private static func printed(_ node: HTMLNode) -> String {
        (node.kind == .element ? node.html : node.text).removingControlCharacters(keepingLineFeeds: true)
    }
}
