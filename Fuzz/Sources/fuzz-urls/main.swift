// Entry point: hands the command line to libFuzzer.
import FuzzSupport

runFuzzer { data, size in fuzzURLs(data, size) }
