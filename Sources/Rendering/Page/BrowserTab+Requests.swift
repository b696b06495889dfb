import AsyncURL
import Logging

extension BrowserTab {
    /// Handles the events of one of the tab's sessions (its page's, or an
    /// out-of-process iframe's) on the DevTools reader thread: nothing here blocks.
    func handle(_ event: DevToolsEvent, session: String) {
        switch event.method {
        case "Fetch.requestPaused":
            guard let paused = event.parameters(DevTools.RequestPaused.self) else { return }
            answer(paused, session: session)
        case "Target.attachedToTarget":
            guard let attached = event.parameters(DevTools.AttachedToTarget.self) else { return }
            attach(attached)
        case "Target.detachedFromTarget":
            guard let detached = event.parameters(DevTools.DetachedFromTarget.self) else { return }
            frameSessions.withLock { _ = $0.remove(detached.sessionId) }
            connection.setHandler(session: detached.sessionId, nil)
        case "Page.lifecycleEvent":
            // By document: the load of the page left for the last one (about:blank) may arrive late.
            guard let stage = event.parameters(DevTools.LifecycleEvent.self), stage.name == "load", stage.frameId == targetID else {
                return
            }
            updateJob { $0.loadedDocuments.insert(stage.loaderId) }
        case "Page.javascriptDialogOpening":
            // An alert or confirm would block the page's scripts until answered.
            Task {
                try? await connection.call(
                    "Page.handleJavaScriptDialog", DevTools.DialogAnswer(), session: session, timeout: settings.commandTimeout)
            }
        case "Inspector.targetCrashed" where session == sessionID:
            // The page's renderer (an iframe's own process crashing leaves the page as it is).
            updateJob { $0.crashed = true }
        default:
            break
        }
    }

    /// Decides how a paused request is answered and counts it in the job.
    func decide(_ paused: DevTools.RequestPaused, in job: inout PageJob) -> RequestDecision {
        let request = paused.request
        let isMainFrame = paused.resourceType == "Document" && paused.frameId == targetID
        if isMainFrame {
            guard !job.documentServed else {
                job.navigations.append(request.url)
                return .navigation
            }
            job.documentServed = true
            return .serveDocument(job.document)
        }
        let scheme = request.url.prefix { $0 != ":" }.lowercased()
        let refusal: String? =
            if scheme != "http" && scheme != "https" {
                "AccessDenied"
            } else if settings.blockedResourceTypes.contains(paused.resourceType.lowercased()) {
                "BlockedByClient"
            } else if job.requestsMade >= settings.maxRequestsPerPage || job.bytesLoaded >= settings.maxBytesPerPage {
                "BlockedByClient"
            } else if request.hasPostData == true && request.postData == nil { "BlockedByClient" } else { nil }
        if let refusal {
            job.requestsBlocked += 1
            let level: Logger.Level = refusal == "AccessDenied" ? .notice : .debug
            logger.log(
                level: level, "a rendered page's request was refused",
                metadata: [
                    "page": "\(job.url)", "request": "\(request.url.prefix(300))", "type": "\(paused.resourceType)", "reason": "\(refusal)"
                ])
            return .fail(refusal)
        }
        job.requestsMade += 1
        job.inFlight += 1
        job.lastActivity = .now
        return .fetch(maxBytes: settings.maxBytesPerPage - job.bytesLoaded, deadline: job.deadline)
    }

    /// A target the page made (a cross-site iframe in its own process, a
    /// worker), held before it runs: its requests go through the same
    /// interception as the page's (``guardSession(_:)``), then it runs. One
    /// that cannot be guarded still runs, with every request of its own left
    /// to the browser's dead proxy, which refuses them all.
    private func attach(_ attached: DevTools.AttachedToTarget) {
        let session = attached.sessionId
        frameSessions.withLock { _ = $0.insert(session) }
        connection.setHandler(session: session) { [self] event in handle(event, session: session) }
        Task {
            do throws(RenderError) {
                try await guardSession(session)
            } catch {
                logger.debug(
                    "a frame of a rendered page could not be guarded; its requests go to the dead proxy",
                    metadata: ["type": "\(attached.targetInfo.type)", "error": "\(error)"])
            }
            try? await connection.call(
                "Runtime.runIfWaitingForDebugger", NoParameters(), session: session, timeout: settings.commandTimeout)
        }
    }

    private func answer(_ paused: DevTools.RequestPaused, session: String) {
        let decision = updateJob { decide(paused, in: &$0) } ?? .fail("Aborted")
        let timeout = settings.commandTimeout
        Task {
            switch decision {
            case .serveDocument(let response):
                try? await connection.call(
                    "Fetch.fulfillRequest", SubresourceLoader.fulfilment(of: response, requestID: paused.requestId),
                    session: session, timeout: timeout)
            case .navigation:
                try? await connection.call(
                    "Fetch.failRequest", DevTools.FailRequest(requestId: paused.requestId, errorReason: "Aborted"),
                    session: session, timeout: timeout)
            case .fail(let reason):
                try? await connection.call(
                    "Fetch.failRequest", DevTools.FailRequest(requestId: paused.requestId, errorReason: reason),
                    session: session, timeout: timeout)
            case .fetch(let maxBytes, let deadline):
                await fetchAndAnswer(paused, maxBytes: maxBytes, deadline: deadline, session: session)
            }
        }
    }

    private func fetchAndAnswer(_ paused: DevTools.RequestPaused, maxBytes: Int, deadline: ContinuousClock.Instant, session: String) async {
        let result = await loader.load(paused.request, maxBytes: maxBytes, deadline: deadline)
        updateJob { job in
            job.inFlight -= 1
            job.lastActivity = .now
            if case .success(let response) = result { job.bytesLoaded += response.body.count }
            if case .failure = result { job.requestsBlocked += 1 }
        }
        let timeout = settings.commandTimeout
        switch result {
        case .success(let response):
            try? await connection.call(
                "Fetch.fulfillRequest", SubresourceLoader.fulfilment(of: response, requestID: paused.requestId),
                session: session, timeout: timeout)
        case .failure(let error):
            let reason = SubresourceLoader.failureReason(for: error)
            if error.kind == .blockedAddress || error.kind == .forbiddenRedirect {
                logger.notice(
                    "a rendered page's request was refused by the address policy",
                    metadata: [
                        "request": "\(paused.request.url.prefix(300))", "error": "\(error)"
                    ])
            }
            try? await connection.call(
                "Fetch.failRequest", DevTools.FailRequest(requestId: paused.requestId, errorReason: reason),
                session: session, timeout: timeout)
        }
    }
}
