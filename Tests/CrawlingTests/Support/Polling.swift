/// Checks `condition` every `interval` until it holds, at most `tries` times
/// (20 s by default); whether it held. (A `for … where` loop would not stop
/// once the condition holds: it skips the body and runs on.)
@discardableResult
func poll(tries: Int = 2000, every interval: Duration = .milliseconds(10), until condition: () -> Bool) async -> Bool {
    for _ in 0..<tries {
        if condition() { return true }
        try? await Task.sleep(for: interval)
    }
    return condition()
}
