/// The browser and its tabs: at most ``RenderSettings/tabs`` pages at once,
/// idle tabs kept for the next page, the browser started on first use and
/// again after it crashed, hung or grew past its memory limit.
import AsyncURLSupport
import Logging

actor BrowserPool {
    private let settings: RenderSettings
    private let logger: Logger
    private let loader: SubresourceLoader
    private let userAgent: String
    private var browser: BrowserInstance?
    private var starts = 0
    private var idleTabs: [BrowserTab] = []
    /// Pages being rendered, per browser (a retired browser is shut down when its count reaches 0).
    private var busy: [ObjectIdentifier: Int] = [:]
    private var retired: [ObjectIdentifier: BrowserInstance] = [:]
    private var checkedOut = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var isShutDown = false
    private(set) var counters = RenderCounters()

    init(settings: RenderSettings, loader: SubresourceLoader, userAgent: String, logger: Logger) {
        self.settings = settings
        self.logger = logger
        self.loader = loader
        self.userAgent = userAgent
    }

    /// A tab to render one page in, waiting while every tab is busy.
    func checkOut() async throws(RenderError) -> (BrowserTab, BrowserInstance) {
        while checkedOut >= settings.tabs, !isShutDown {
            await withCheckedContinuation { waiters.append($0) }
        }
        guard !isShutDown else { throw RenderError(.shutDown, detail: "the renderer was shut down") }
        checkedOut += 1
        do throws(RenderError) {
            let instance = try await runningBrowser()
            busy[ObjectIdentifier(instance), default: 0] += 1
            if let tab = idleTabs.popLast() { return (tab, instance) }
            do throws(RenderError) {
                return (
                    try await BrowserTab.open(
                        on: instance.connection, settings: settings, loader: loader, userAgent: userAgent, logger: logger), instance
                )
            } catch {
                await finished(with: instance)
                throw error
            }
        } catch {
            releaseSlot()
            throw error
        }
    }

    /// Returns a tab after a page: kept for the next page when it is healthy,
    /// closed when it failed or has rendered ``RenderSettings/pagesPerTab`` pages.
    func checkIn(_ tab: BrowserTab, of instance: BrowserInstance, page: RenderedPage?, failure: RenderError?) async {
        if let page { count(page) }
        let isCurrent = instance === browser && instance.isAlive
        if failure?.kind == .browserHung || !instance.isAlive { retire(instance) }
        if isCurrent, failure == nil, tab.pagesRendered < settings.pagesPerTab, (try? await tab.reset()) != nil, instance === browser {
            idleTabs.append(tab)
        } else if instance.isAlive {
            await tab.close()
        }
        // The last background measurement (reading it here, after every page, serialized the tabs).
        let resident = instance.isAlive ? instance.memory.reading() : 0
        counters.peakBrowserMemory = max(counters.peakBrowserMemory, resident)
        if instance === browser, resident > settings.maxBrowserMemory {
            counters.memoryRestarts += 1
            retire(instance)
        }
        await finished(with: instance)
        releaseSlot()
    }

    /// Counts a failure given up or retried.
    func record(_ failure: RenderError, retried: Bool) {
        if retried { counters.retries += 1 } else { counters.failures[failure.kind.name, default: 0] += 1 }
    }

    /// Closes every tab and the browser; waiting pages fail with ``RenderError/Kind-swift.struct/shutDown``.
    func shutdown() async {
        isShutDown = true
        let waiting = waiters
        waiters.removeAll()
        for waiter in waiting { waiter.resume() }
        idleTabs.removeAll()
        let browsers = Array(retired.values) + (browser.map { [$0] } ?? [])
        browser = nil
        retired.removeAll()
        for instance in browsers { await instance.shutdown() }
    }

    private func runningBrowser() async throws(RenderError) -> BrowserInstance {
        if let browser, browser.isAlive { return browser }
        if let browser { retire(browser) }
        let instance = try await BrowserInstance.launch(settings: settings)
        guard !isShutDown else {
            await instance.shutdown()
            throw RenderError(.shutDown, detail: "the renderer was shut down")
        }
        starts += 1
        if starts > 1 { counters.browserRestarts += 1 }
        browser = instance
        return instance
    }

    /// Takes `instance` out of use: new pages go to a new browser; it is shut
    /// down once its last page is done.
    private func retire(_ instance: BrowserInstance) {
        guard instance === browser else { return }
        browser = nil
        idleTabs.removeAll()
        retired[ObjectIdentifier(instance)] = instance
    }

    private func finished(with instance: BrowserInstance) async {
        let key = ObjectIdentifier(instance)
        busy[key, default: 1] -= 1
        guard busy[key] == 0 else { return }
        busy[key] = nil
        if let retiredInstance = retired.removeValue(forKey: key) { await retiredInstance.shutdown() }
    }

    private func releaseSlot() {
        checkedOut -= 1
        if !waiters.isEmpty { waiters.removeFirst().resume() }
    }

    private func count(_ page: RenderedPage) {
        counters.pages += 1
        if !page.waitCompleted { counters.waitsCutShort += 1 }
        counters.requestsMade += page.requestsMade
        counters.requestsBlocked += page.requestsBlocked
        counters.navigations += page.navigations.count
    }
}
