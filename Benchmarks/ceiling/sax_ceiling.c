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
 * Usage: find SITE -name '*.html' | sax_ceiling [--rounds N]
 */
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

struct page {
    char *bytes;
    size_t length;
};

struct collector {
    char **hrefs;
    size_t count;
    size_t capacity;
};

static void keep(struct collector *collector, const xmlChar *href) {
    if (collector->count == collector->capacity) {
        size_t capacity = collector->capacity ? collector->capacity * 2 : 4096;
        char **grown = realloc(collector->hrefs, capacity * sizeof(char *));
        if (grown == NULL) {
            return;
        }
        collector->hrefs = grown;
        collector->capacity = capacity;
    }
    char *copy = strdup((const char *)href);
    if (copy != NULL) {
        collector->hrefs[collector->count++] = copy;
    }
}

static void start_element(void *context, const xmlChar *name, const xmlChar **attributes) {
    xmlParserCtxtPtr parser = context;
    struct collector *collector = parser->_private;
    if (attributes == NULL) {
        return;
    }
    if (strcasecmp((const char *)name, "a") != 0 && strcasecmp((const char *)name, "area") != 0) {
        return;
    }
    for (size_t i = 0; attributes[i] != NULL; i += 2) {
        if (strcasecmp((const char *)attributes[i], "href") == 0 && attributes[i + 1] != NULL) {
            keep(collector, attributes[i + 1]);
        }
    }
}

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

/* Parses every page once; returns the links kept. */
static size_t parse_all(const struct page *pages, size_t count) {
    htmlSAXHandler sax;
    memset(&sax, 0, sizeof sax);
    sax.startElement = start_element;
    struct collector collector = {0};
    const size_t chunk = 64 * 1024;
    for (size_t p = 0; p < count; p++) {
        htmlParserCtxtPtr parser = htmlCreatePushParserCtxt(&sax, NULL, NULL, 0, NULL, XML_CHAR_ENCODING_NONE);
        if (parser == NULL) {
            continue;
        }
        parser->_private = &collector;
        parser->userData = parser;
        htmlCtxtUseOptions(parser, HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
        for (size_t offset = 0; offset < pages[p].length; offset += chunk) {
            size_t length = pages[p].length - offset < chunk ? pages[p].length - offset : chunk;
            htmlParseChunk(parser, pages[p].bytes + offset, (int)length, 0);
        }
        htmlParseChunk(parser, NULL, 0, 1);
        htmlFreeParserCtxt(parser);
    }
    size_t links = collector.count;
    for (size_t i = 0; i < collector.count; i++) {
        free(collector.hrefs[i]);
    }
    free(collector.hrefs);
    return links;
}

int main(int argc, char **argv) {
    int rounds = 3;
    if (argc == 3 && strcmp(argv[1], "--rounds") == 0) {
        rounds = atoi(argv[2]);
    } else if (argc != 1) {
        fprintf(stderr, "usage: find SITE -name '*.html' | %s [--rounds N]\n", argv[0]);
        return 2;
    }
    if (rounds < 1) {
        rounds = 1;
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
        links = parse_all(pages, count);
        double elapsed = now() - start;
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
