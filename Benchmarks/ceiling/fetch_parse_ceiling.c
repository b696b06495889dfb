/*
 * The fetch + parse ceiling: what a minimal C crawler made of libcurl and libxml2,
 * and nothing else, does with a list of pages.
 *
 * Reads URLs (one a line) from standard input, then fetches them with libcurl's
 * multi interface (a curl_multi_poll loop, as curl --parallel): at most --parallel
 * transfers at once (default 64) and at most --per-host connections per host
 * (CURLMOPT_MAX_HOST_CONNECTIONS, default 2: asyncurl-crawl's defaults), HTTP/1.1
 * keep-alive, no compression asked, no proxy, 64 KiB receive buffers (as
 * asyncurl-crawl), one easy handle per transfer slot reused from page to page.
 * Each transfer has its own libxml2 HTML push parser (href_collector.h: the same
 * SAX callback and options as sax_ceiling.c); the write callback feeds every chunk
 * to htmlParseChunk as it arrives, and the parse is ended and its context freed
 * when the transfer completes. No URL resolution, no frontier: the list is fixed.
 *
 * Timed: the wall time of a round, from creating the multi handles (so
 * connections are opened in the round) to the end of the last parse. The best of
 * --rounds rounds is printed as: pages links bytes seconds (pages with HTTP 200,
 * hrefs kept, body bytes received). Any failed transfer or non-200 page is named
 * on standard error and the program exits 1.
 *
 * With --threads N the URLs are dealt out to N threads (URL i to thread i mod N),
 * each with its own multi handle, parsers and collector, and its share of the
 * --parallel and --per-host limits (divided by N, at least 1 each): what N cores
 * give.
 *
 * Usage: fetch_parse_ceiling [--rounds R] [--threads T] [--parallel N] [--per-host N] < URLS
 * Build: cc -O2 -o fetch_parse_ceiling fetch_parse_ceiling.c $(pkg-config --cflags --libs libcurl libxml-2.0) -lpthread
 */
#define _POSIX_C_SOURCE 200809L /* strdup, clock_gettime under -std=c11 */
#include "href_collector.h"
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { max_threads = 64, max_reported = 5 };

/* One thread's share of a round: URL first, first + stride, ... */
struct share {
    char *const *urls;
    size_t count;
    size_t first;
    size_t stride;
    long parallel;
    long per_host;
    htmlSAXHandler sax;
    struct collector collector;
    size_t pages;
    size_t bytes;
    size_t failures;
};

/* One transfer slot: an easy handle and the parser of the page it is fetching. */
struct slot {
    CURL *easy;
    htmlParserCtxtPtr parser;
    struct share *share;
    const char *url;
    int added;
};

static double now(void) {
    struct timespec time;
    clock_gettime(CLOCK_MONOTONIC, &time);
    return (double)time.tv_sec + (double)time.tv_nsec / 1e9;
}

static void fail(struct share *share, const char *url, const char *why) {
    if (share->failures++ < max_reported) {
        fprintf(stderr, "%s: %s\n", url, why);
    }
}

static size_t write_body(char *data, size_t size, size_t count, void *context) {
    struct slot *slot = context;
    size_t length = size * count;
    slot->share->bytes += length;
    if (slot->parser != NULL && length > 0) {
        htmlParseChunk(slot->parser, data, (int)length, 0);
    }
    return length;
}

/* Ends the slot's parse and frees its context; safe to call twice. */
static void end_parse(struct slot *slot) {
    if (slot->parser != NULL) {
        htmlParseChunk(slot->parser, NULL, 0, 1);
        htmlFreeParserCtxt(slot->parser);
        slot->parser = NULL;
    }
}

static CURL *new_easy(struct slot *slot) {
    CURL *easy = curl_easy_init();
    if (easy == NULL) {
        return NULL;
    }
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, write_body);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, slot);
    curl_easy_setopt(easy, CURLOPT_PRIVATE, slot);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_PROXY, "");
    curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(easy, CURLOPT_BUFFERSIZE, 64L * 1024);
    return easy;
}

/* Starts fetching url in slot; returns 0, or -1 (counted as a failure) when it cannot. */
static int start(CURLM *multi, struct slot *slot, const char *url) {
    slot->url = url;
    slot->parser = href_parser(&slot->share->sax, &slot->share->collector);
    if (slot->parser == NULL) {
        fail(slot->share, url, "cannot create a parser");
        return -1;
    }
    curl_easy_setopt(slot->easy, CURLOPT_URL, url);
    if (curl_multi_add_handle(multi, slot->easy) != CURLM_OK) {
        end_parse(slot);
        fail(slot->share, url, "cannot add the transfer");
        return -1;
    }
    slot->added = 1;
    return 0;
}

/* A transfer is done: checks it, ends its parse and takes its handle out of the multi. */
static void finish(CURLM *multi, struct slot *slot, CURLcode result) {
    long status = 0;
    curl_easy_getinfo(slot->easy, CURLINFO_RESPONSE_CODE, &status);
    end_parse(slot);
    curl_multi_remove_handle(multi, slot->easy);
    slot->added = 0;
    if (result != CURLE_OK) {
        fail(slot->share, slot->url, curl_easy_strerror(result));
    } else if (status != 200) {
        char why[32];
        snprintf(why, sizeof why, "HTTP %ld", status);
        fail(slot->share, slot->url, why);
    } else {
        slot->share->pages++;
    }
}

/* Starts the share's next URL in slot, skipping any that cannot start; returns 1 if one did. */
static int start_next(CURLM *multi, struct slot *slot, size_t *next) {
    struct share *share = slot->share;
    while (*next < share->count) {
        const char *url = share->urls[*next];
        *next += share->stride;
        if (start(multi, slot, url) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Runs the multi until every slot is idle; returns -1 if libcurl's loop itself fails. */
static int drive(CURLM *multi, size_t *next, long active) {
    while (active > 0) {
        int running = 0;
        if (curl_multi_perform(multi, &running) != CURLM_OK) {
            return -1;
        }
        CURLMsg *message;
        int left;
        while ((message = curl_multi_info_read(multi, &left)) != NULL) {
            if (message->msg != CURLMSG_DONE) {
                continue;
            }
            struct slot *slot = NULL;
            curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, (char **)&slot);
            finish(multi, slot, message->data.result);
            active--;
            active += start_next(multi, slot, next);
        }
        if (active > 0 && curl_multi_poll(multi, NULL, 0, 1000, NULL) != CURLM_OK) {
            return -1;
        }
    }
    return 0;
}

/* Fetches and parses the share's URLs; failures are counted in the share. */
static void fetch_share(struct share *share) {
    size_t urls = share->first < share->count ? (share->count - share->first + share->stride - 1) / share->stride : 0;
    size_t slots = (size_t)share->parallel < urls ? (size_t)share->parallel : urls;
    struct slot *slot = calloc(slots ? slots : 1, sizeof *slot);
    CURLM *multi = curl_multi_init();
    if (slot == NULL || multi == NULL) {
        fail(share, "(all)", "cannot allocate the transfers");
        free(slot);
        curl_multi_cleanup(multi);
        return;
    }
    curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, share->per_host);
    size_t next = share->first;
    long active = 0;
    for (size_t i = 0; i < slots; i++) {
        slot[i].share = share;
        slot[i].easy = new_easy(&slot[i]);
        if (slot[i].easy == NULL) {
            fail(share, "(slot)", "cannot create an easy handle");
            continue;
        }
        active += start_next(multi, &slot[i], &next);
    }
    if (drive(multi, &next, active) != 0) {
        fail(share, "(all)", "the libcurl multi loop failed");
    }
    for (size_t i = 0; i < slots; i++) {
        end_parse(&slot[i]);
        if (slot[i].added) {
            curl_multi_remove_handle(multi, slot[i].easy);
        }
        curl_easy_cleanup(slot[i].easy);
    }
    curl_multi_cleanup(multi);
    free(slot);
}

static void *fetch_on_thread(void *argument) {
    fetch_share(argument);
    return NULL;
}

/* What a round gives, summed over its threads. */
struct round {
    size_t pages;
    size_t links;
    size_t bytes;
    size_t failures;
    double seconds;
};

/* Fetches and parses every URL once on `threads` threads. */
static struct round run_round(char *const *urls, size_t count, int threads, long parallel, long per_host) {
    static struct share shares[max_threads];
    pthread_t ids[max_threads];
    struct round round = {0};
    double begin = now();
    int started = 0;
    for (int t = 0; t < threads; t++) {
        shares[t] = (struct share){.urls = urls, .count = count, .first = (size_t)t, .stride = (size_t)threads};
        shares[t].parallel = parallel / threads > 0 ? parallel / threads : 1;
        shares[t].per_host = per_host / threads > 0 ? per_host / threads : 1;
        shares[t].sax.startElement = start_element;
    }
    if (threads == 1) {
        fetch_share(&shares[0]);
        started = 1;
    } else {
        for (; started < threads; started++) {
            if (pthread_create(&ids[started], NULL, fetch_on_thread, &shares[started]) != 0) {
                fprintf(stderr, "cannot start %d threads\n", threads);
                round.failures++;
                break;
            }
        }
        for (int t = 0; t < started; t++) {
            pthread_join(ids[t], NULL);
        }
    }
    round.seconds = now() - begin;
    for (int t = 0; t < started; t++) {
        round.pages += shares[t].pages;
        round.bytes += shares[t].bytes;
        round.failures += shares[t].failures;
        round.links += collector_free(&shares[t].collector);
    }
    return round;
}

/* Reads one URL a line into *urls (*count of them); returns 0, or -1 when it cannot. */
static int read_urls(FILE *input, char ***urls, size_t *count) {
    size_t capacity = 0;
    char line[8192];
    *urls = NULL;
    *count = 0;
    while (fgets(line, sizeof line, input) != NULL) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '\0') {
            continue;
        }
        if (*count == capacity) {
            capacity = capacity ? capacity * 2 : 1024;
            char **grown = realloc(*urls, capacity * sizeof **urls);
            if (grown == NULL) {
                break;
            }
            *urls = grown;
        }
        if (((*urls)[*count] = strdup(line)) == NULL) {
            break;
        }
        (*count)++;
    }
    return ferror(input) || !feof(input) ? -1 : 0;
}

static void free_urls(char **urls, size_t count) {
    for (size_t i = 0; i < count; i++) {
        free(urls[i]);
    }
    free(urls);
}

static int usage(const char *program) {
    fprintf(stderr, "usage: %s [--rounds R] [--threads T] [--parallel N] [--per-host N] < URLS\n", program);
    return 2;
}

int main(int argc, char **argv) {
    long rounds = 3, threads = 1, parallel = 64, per_host = 2;
    for (int i = 1; i < argc; i += 2) {
        long *option = NULL;
        if (i + 1 < argc && strcmp(argv[i], "--rounds") == 0) {
            option = &rounds;
        } else if (i + 1 < argc && strcmp(argv[i], "--threads") == 0) {
            option = &threads;
        } else if (i + 1 < argc && strcmp(argv[i], "--parallel") == 0) {
            option = &parallel;
        } else if (i + 1 < argc && strcmp(argv[i], "--per-host") == 0) {
            option = &per_host;
        } else {
            return usage(argv[0]);
        }
        char *end;
        *option = strtol(argv[i + 1], &end, 10);
        if (*end != '\0' || *option < 1) {
            fprintf(stderr, "%s needs a positive number\n", argv[i]);
            return 2;
        }
    }
    if (threads > max_threads) {
        fprintf(stderr, "--threads must be 1 to %d\n", max_threads);
        return 2;
    }
    char **urls;
    size_t count;
    if (read_urls(stdin, &urls, &count) != 0 || count == 0) {
        fprintf(stderr, count == 0 ? "no URLs on standard input\n" : "cannot read the URLs\n");
        free_urls(urls, count);
        return 1;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "cannot initialize libcurl\n");
        return 1;
    }
    xmlInitParser();
    struct round best = {0};
    int status = 0;
    for (long r = 0; r < rounds && status == 0; r++) {
        struct round round = run_round(urls, count, (int)threads, parallel, per_host);
        if (round.failures > 0) {
            fprintf(stderr, "round %ld: %zu transfers failed (%zu pages of %zu fetched)\n", r + 1, round.failures, round.pages, count);
            status = 1;
        } else if (r == 0 || round.seconds < best.seconds) {
            best = round;
        }
    }
    if (status == 0) {
        printf("%zu %zu %zu %.4f\n", best.pages, best.links, best.bytes, best.seconds);
    }
    free_urls(urls, count);
    xmlCleanupParser();
    curl_global_cleanup();
    return status;
}
