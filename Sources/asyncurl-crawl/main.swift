internal import CMalloc

#if canImport(Glibc)
    import Glibc
#endif

// Two malloc arenas per core, at most 8 (glibc's default is 8 per core), set
// here, on the main thread, before any other thread starts. With one arena
// for the process, the pool's threads parsing pages at once queued on its
// lock: 82% of the docs crawl's context switches were waits for it, and the
// crawl took 1.04-1.14 s against 0.70-0.79 s with 4 arenas (2 cores, idle);
// the 20,000-page crawl 12.5-13.7 s against 9.6-9.8 s, its peak RSS
// 43.0-43.2 MB against 45.3-48.7 MB.
_ = asyncurl_limit_malloc_arenas(Int32(min(8, 2 * max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))))))

// A write to a pipe whose reader went away (`--output - | head`) fails with
// EPIPE, which stops the crawl with a message and exit status 4, instead of
// the signal killing the process.
signal(SIGPIPE, SIG_IGN)

/// Parses the command line and runs its subcommand (in a function of its own: top-level
/// code would pick ArgumentParser's synchronous `main`, which only prints help).
func runCrawlCommand() async {
    await AsyncURLCrawl.main()
}

await runCrawlCommand()
