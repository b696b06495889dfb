/// The parameters and replies of the DevTools commands and events the
/// renderer uses, typed (the protocol's names, so they encode as it expects).
enum DevTools {
    struct CreateBrowserContext: Encodable { var disposeOnDetach = true }
    struct BrowserContextCreated: Decodable { let browserContextId: String }
    struct BrowserContext: Encodable { let browserContextId: String }
    struct CreateTarget: Encodable {
        let url: String
        let browserContextId: String
    }
    struct TargetCreated: Decodable { let targetId: String }
    struct AttachToTarget: Encodable {
        let targetId: String
        var flatten = true
    }
    struct Attached: Decodable { let sessionId: String }
    /// `Target.setAutoAttach`: attach to the targets a session's page makes
    /// (out-of-process iframes, workers), each held before it runs until told to go.
    struct AutoAttach: Encodable {
        var autoAttach = true
        var waitForDebuggerOnStart = true
        var flatten = true
    }
    /// `Target.attachedToTarget`: a target the page made, attached as `sessionId`.
    struct AttachedToTarget: Decodable {
        struct Info: Decodable {
            let targetId: String
            let type: String
        }
        let sessionId: String
        let targetInfo: Info
    }
    /// `Target.detachedFromTarget`.
    struct DetachedFromTarget: Decodable { let sessionId: String }
    struct Target: Encodable { let targetId: String }
    struct DownloadBehavior: Encodable { var behavior = "deny" }
    struct UserAgentOverride: Encodable { let userAgent: String }
    struct ScriptOnNewDocument: Encodable { let source: String }
    struct BypassServiceWorker: Encodable { var bypass = true }

    struct RequestPattern: Encodable {
        var urlPattern = "*"
        var requestStage = "Request"
    }
    struct FetchEnable: Encodable { var patterns = [RequestPattern()] }
    struct Navigate: Encodable { let url: String }
    struct Navigated: Decodable {
        let loaderId: String?
        let errorText: String?
    }
    struct LifecycleEvents: Encodable { var enabled = true }
    /// `Page.lifecycleEvent`: a frame's document (`loaderId`) reached a stage (`name`, such as `load`).
    struct LifecycleEvent: Decodable {
        let frameId: String
        let loaderId: String
        let name: String
    }
    struct DialogAnswer: Encodable { var accept = false }
    struct Evaluate: Encodable {
        let expression: String
        var returnByValue = true
    }
    struct Evaluated: Decodable {
        struct Value: Decodable {
            let type: String
            let value: String?
        }
        let result: Value
    }

    struct CaptureScreenshot: Encodable { var format = "png" }
    struct Screenshot: Decodable { let data: String }

    struct HeaderEntry: Encodable {
        let name: String
        let value: String
    }
    struct FulfillRequest: Encodable {
        let requestId: String
        let responseCode: Int
        let responseHeaders: [HeaderEntry]
        let body: String
    }
    struct FailRequest: Encodable {
        let requestId: String
        let errorReason: String
    }

    /// `Fetch.requestPaused`: a request of the page, held until it is fulfilled or failed.
    struct RequestPaused: Decodable {
        struct Request: Decodable {
            let url: String
            let method: String
            let headers: [String: String]
            let postData: String?
            let hasPostData: Bool?
        }
        let requestId: String
        let request: Request
        let frameId: String
        let resourceType: String
    }
    /// `Target.targetCrashed` and `Target.detachedFromTarget`.
    struct TargetEvent: Decodable {
        let targetId: String?
        let sessionId: String?
    }
}
