/// A started browser and its DevTools connection.
final class BrowserInstance: Sendable {
    let process: BrowserProcess
    let connection: DevToolsConnection
    /// The memory of the browser's processes, measured in the background.
    let memory: BrowserMemoryGauge

    private init(process: BrowserProcess, connection: DevToolsConnection, memoryCheckInterval: Duration) {
        self.process = process
        self.connection = connection
        memory = BrowserMemoryGauge(group: process.pid, interval: memoryCheckInterval)
    }

    /// Starts a browser, connects to it and denies downloads browser-wide.
    /// - Parameter settings: the binary, switches, limits and time-outs.
    /// - Throws: ``RenderError`` when it cannot be started or does not answer.
    static func launch(settings: RenderSettings) async throws(RenderError) -> BrowserInstance {
        let process = try BrowserProcess(
            executable: settings.browserExecutable, extraArguments: settings.extraBrowserArguments,
            temporaryDirectory: settings.temporaryDirectory)
        let connection = DevToolsConnection(
            pipe: DevToolsPipe(commandDescriptor: process.commandDescriptor, replyDescriptor: process.replyDescriptor))
        do {
            // A document's JSON escaping can grow it up to six times (\uXXXX).
            try connection.start(maxMessageBytes: settings.maxDocumentBytes * 6 + (1 << 20))
            try await connection.call("Browser.getVersion", NoParameters(), timeout: settings.commandTimeout)
            try await connection.call("Browser.setDownloadBehavior", DevTools.DownloadBehavior(), timeout: settings.commandTimeout)
        } catch {
            connection.finish(error)
            await process.terminate()
            throw RenderError(.browserUnavailable, detail: "\(settings.browserExecutable) did not start: \(error.detail)")
        }
        return BrowserInstance(process: process, connection: connection, memoryCheckInterval: settings.memoryCheckInterval)
    }

    /// Whether the browser still runs and its pipe is open.
    var isAlive: Bool { connection.end == nil && !process.hasExited }

    /// Ends the connection and the browser's process group; removes its profile.
    func shutdown() async {
        connection.finish(RenderError(.shutDown, detail: "the browser was shut down"))
        await process.terminate()
    }
}
