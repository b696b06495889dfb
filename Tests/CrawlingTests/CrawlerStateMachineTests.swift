import AsyncURLSupport
import Testing

@testable import Crawling

/// The crawler's lifecycle as a value: every event's new state and action,
/// without a client, a frontier or a server.
@Suite("The crawler's state machine")
struct CrawlerStateMachineTests {
    /// Work that counts how often it was cancelled.
    final class Work: CancellableWork {
        private let cancellations = LockedState(0)
        var cancelCount: Int { cancellations.withLock { $0 } }
        func cancel() { cancellations.withLock { $0 += 1 } }
    }

    typealias Machine = CrawlerStateMachine<String>

    private func isStartingGraceTimer(_ action: Machine.StopAction, cancelling work: Work?) -> Bool {
        guard case .cancelAndStartGraceTimer(let cancelled) = action else { return false }
        return (cancelled as? Work) === work
    }

    private func cancels(_ action: Machine.RegistrationAction, _ work: Work) -> Bool {
        guard case .cancel(let cancelled) = action else { return false }
        return (cancelled as? Work) === work
    }

    /// A machine whose run was stopped while its workers ran, with the grace timer started.
    private func stoppedWhileRunning() -> (machine: Machine, workers: Work, timer: Work) {
        var machine = Machine()
        _ = machine.run()
        let workers = Work()
        _ = machine.started("resources", workers: workers)
        _ = machine.stop()
        let timer = Work()
        if case .cancel = machine.graceTimerStarted(timer) { Issue.record("the timer is kept") }
        return (machine, workers, timer)
    }

    @Test("A stop before run makes run return at once, with nothing to cancel")
    func stopBeforeRun() {
        var machine = Machine()
        guard case .none = machine.stop() else {
            Issue.record("a stop before run has nothing to do")
            return
        }
        #expect(machine.isStopping)
        guard case .returnEmpty = machine.run() else {
            Issue.record("run after a stop returns at once")
            return
        }
    }

    @Test("A stop during the start-up cancels it, and the workers started after it leave at once")
    func stopDuringStartup() {
        var machine = Machine()
        guard case .start = machine.run() else {
            Issue.record("run starts")
            return
        }
        let startup = Work()
        guard case .none = machine.startupBegan(startup) else {
            Issue.record("the start-up is kept")
            return
        }
        #expect(isStartingGraceTimer(machine.stop(), cancelling: startup))
        #expect(machine.isStopping)
        let workers = Work()
        #expect(cancels(machine.started("resources", workers: workers), workers))
        #expect(machine.resources == "resources")
    }

    @Test("A stop that comes before the start-up task is known cancels that task when it registers")
    func stopBeforeStartupRegisters() {
        var machine = Machine()
        _ = machine.run()
        #expect(isStartingGraceTimer(machine.stop(), cancelling: nil))
        let startup = Work()
        #expect(cancels(machine.startupBegan(startup), startup))
    }

    @Test("A second stop does nothing")
    func doubleStop() {
        var machine = Machine()
        _ = machine.run()
        let workers = Work()
        guard case .none = machine.started("resources", workers: workers) else {
            Issue.record("the workers run")
            return
        }
        #expect(isStartingGraceTimer(machine.stop(), cancelling: workers))
        guard case .none = machine.stop() else {
            Issue.record("a second stop does nothing")
            return
        }
        guard case .refuse = machine.run() else {
            Issue.record("run while stopping is refused")
            return
        }
    }

    @Test("Abandoning during the grace period cancels the workers and the timer and shuts the client down")
    func abandonDuringGrace() {
        var (machine, workers, timer) = stoppedWhileRunning()
        guard case .abandon(let work, let resources) = machine.graceExpired() else {
            Issue.record("the grace period's end abandons")
            return
        }
        #expect(work.compactMap { $0 as? Work }.map(ObjectIdentifier.init) == [ObjectIdentifier(workers), ObjectIdentifier(timer)])
        #expect(resources == "resources")
        #expect(machine.isAbandoned)
        guard case .none = machine.graceExpired() else {
            Issue.record("abandoning twice does nothing")
            return
        }
        guard case .none = machine.stop() else {
            Issue.record("a stop after abandoning does nothing")
            return
        }
        #expect(machine.finished() == nil, "the timer was cancelled with the abandon")
    }

    @Test("The end of a run returns the grace timer to cancel and forgets the resources; a timer started after it is cancelled")
    func finish() {
        var (machine, _, timer) = stoppedWhileRunning()
        #expect((machine.finished() as? Work) === timer)
        #expect(machine.resources == nil)
        #expect(!machine.isAbandoned)
        let late = Work()
        #expect(cancels(machine.graceTimerStarted(late), late))
        guard case .none = machine.graceExpired() else {
            Issue.record("nothing to abandon after the end")
            return
        }
        guard case .returnEmpty = machine.run() else {
            Issue.record("a crawler runs once")
            return
        }
    }

    @Test("A run that ends by itself has no timer to cancel")
    func finishWithoutStop() {
        var machine = Machine()
        _ = machine.run()
        _ = machine.started("resources", workers: Work())
        #expect(!machine.isStopping)
        #expect(machine.finished() == nil)
        #expect(machine.isStopping)
    }
}
