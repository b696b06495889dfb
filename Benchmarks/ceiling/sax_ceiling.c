/*
 * The parser's ceiling: how fast libxml2 itself extracts links from a site's pages.
 *
 * Reads every file named on standard input (one path a line) into memory, then
 * times, on one core, libxml2's HTML push parser (htmlCreatePushParserCtxt +
 * htmlParseChunk in 64 KiB chunks, as a page arrives from the network) with a SAX
 * start-element callback that keeps a copy of the href of every <a> and <area>.
 * Only the parsing is timed: no I/O, no URL resolution. The best of --rounds runs
 * is printed as: pages links bytes seconds.
 *
 * With --threads N the pages are dealt out to N threads (page i to thread i mod N),
 * each with its own parsers and collector, and the wall time from their start to
 * the last one's end is timed: what N cores of this machine really give, against
 * the one-core time divided by N.
 *
 * Usage: find SITE -name '*.html' | sax_ceiling [--rounds N] [--threads N]
 */
#include "href_collector.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct page {
    char *bytes;
    size_t length;
};

static int read_file(const char *path, struct page *page) {
    FILE *file = fopen(path, "rb");
    if (file == NULL) {
        return -1;
    }
    size_t capacity = 1 << 16, length = 0;
    char *bytes = malloc(capacity);
    size_t got;
    if (bytes == NULL) {
        fclose(file);
        return -1;
    }
    while ((got = fread(bytes + length, 1, capacity - length, file)) > 0) {
        length += got;
        if (length == capacity) {
            capacity *= 2;
            char *grown = realloc(bytes, capacity);
            if (grown == NULL) {
                free(bytes);
                fclose(file);
                return -1;
            }
            bytes = grown;
        }
    }
    fclose(file);
    page->bytes = bytes;
    page->length = length;
    return 0;
}

static double now(void) {
    struct timespec time;
    clock_gettime(CLOCK_MONOTONIC, &time);
    return (double)time.tv_sec + (double)time.tv_nsec / 1e9;
}

/* Parses every stride-th page from first on; returns the links kept. */
static size_t parse_all(const struct page *pages, size_t count, size_t first, size_t stride) {
    htmlSAXHandler sax;
    memset(&sax, 0, sizeof sax);
    sax.startElement = start_element;
    struct collector collector = {0};
    const size_t chunk = 64 * 1024;
    for (size_t p = first; p < count; p += stride) {
        htmlParserCtxtPtr parser = href_parser(&sax, &collector);
        if (parser == NULL) {
            continue;
        }
        for (size_t offset = 0; offset < pages[p].length; offset += chunk) {
            size_t length = pages[p].length - offset < chunk ? pages[p].length - offset : chunk;
            htmlParseChunk(parser, pages[p].bytes + offset, (int)length, 0);
        }
        htmlParseChunk(parser, NULL, 0, 1);
        htmlFreeParserCtxt(parser);
    }
    return collector_free(&collector);
}

/* One thread's share of a round. */
struct share {
    const struct page *pages;
    size_t count;
    size_t first;
    size_t stride;
    size_t links;
};

static void *parse_share(void *argument) {
    struct share *share = argument;
    share->links = parse_all(share->pages, share->count, share->first, share->stride);
    return NULL;
}

/* Parses every page once on `threads` threads; returns the links kept, or -1 when a thread cannot start. */
static long parse_on_threads(const struct page *pages, size_t count, int threads) {
    if (threads == 1) {
        return (long)parse_all(pages, count, 0, 1);
    }
    pthread_t ids[64];
    struct share shares[64];
    long links = 0;
    int started = 0;
    for (; started < threads; started++) {
        shares[started] = (struct share){pages, count, (size_t)started, (size_t)threads, 0};
        if (pthread_create(&ids[started], NULL, parse_share, &shares[started]) != 0) {
            links = -1;
            break;
        }
    }
    for (int t = 0; t < started; t++) {
        pthread_join(ids[t], NULL);
        if (links >= 0) {
            links += (long)shares[t].links;
        }
    }
    return links;
}

int main(int argc, char **argv) {
    int rounds = 3, threads = 1;
    for (int i = 1; i < argc; i += 2) {
        if (i + 1 < argc && strcmp(argv[i], "--rounds") == 0) {
            rounds = atoi(argv[i + 1]);
        } else if (i + 1 < argc && strcmp(argv[i], "--threads") == 0) {
            threads = atoi(argv[i + 1]);
        } else {
            fprintf(stderr, "usage: find SITE -name '*.html' | %s [--rounds N] [--threads N]\n", argv[0]);
            return 2;
        }
    }
    if (rounds < 1) {
        rounds = 1;
    }
    if (threads < 1 || threads > 64) {
        fprintf(stderr, "--threads must be 1 to 64\n");
        return 2;
    }
    struct page *pages = NULL;
    size_t count = 0, capacity = 0, bytes = 0;
    char path[4096];
    while (fgets(path, sizeof path, stdin) != NULL) {
        path[strcspn(path, "\n")] = '\0';
        if (path[0] == '\0') {
            continue;
        }
        if (count == capacity) {
            capacity = capacity ? capacity * 2 : 1024;
            struct page *grown = realloc(pages, capacity * sizeof *pages);
            if (grown == NULL) {
                return 1;
            }
            pages = grown;
        }
        if (read_file(path, &pages[count]) != 0) {
            fprintf(stderr, "cannot read %s\n", path);
            return 1;
        }
        bytes += pages[count].length;
        count++;
    }
    xmlInitParser();
    double best = -1;
    size_t links = 0;
    for (int round = 0; round < rounds; round++) {
        double start = now();
        long kept = parse_on_threads(pages, count, threads);
        double elapsed = now() - start;
        if (kept < 0) {
            fprintf(stderr, "cannot start %d threads\n", threads);
            return 1;
        }
        links = (size_t)kept;
        if (best < 0 || elapsed < best) {
            best = elapsed;
        }
    }
    printf("%zu %zu %zu %.4f\n", count, links, bytes, best);
    for (size_t i = 0; i < count; i++) {
        free(pages[i].bytes);
    }
    free(pages);
    xmlCleanupParser();
    return 0;
}
