internal import CMalloc

#if canImport(Glibc)
    import Glibc
#endif

// One malloc arena for the whole process, set here, on the main thread,
// before any other thread starts: with one arena per thread (glibc's
// default) the crawl benchmark's peak RSS was 44.5 MB, with one 41.1 MB
// (Benchmarks/crawl/run.sh, 20,000 pages); glibc's per-thread caches keep
// small allocations off the arena's lock.
_ = asyncurl_use_one_malloc_arena()

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
