// Starting libFuzzer from a Swift executable's own `main`.
import CLibFuzzer

#if canImport(Glibc)
    import Glibc
#endif

/// Runs libFuzzer's driver on `testOneInput` with the process's command line, then exits
/// with its status. SwiftPM gives every executable its own `main`, so the harnesses call
/// `LLVMFuzzerRunDriver` from there instead of linking libFuzzer's `main`.
public func runFuzzer(_ testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Never {
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    let status = LLVMFuzzerRunDriver(&argc, &argv, testOneInput)
    exit(status)
}
