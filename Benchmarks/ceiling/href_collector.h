/*
 * What the ceilings (sax_ceiling.c, fetch_parse_ceiling.c) share: a libxml2 HTML
 * push parser whose SAX start-element callback keeps a strdup'd copy of the href
 * of every <a> and <area> in a collector, parsed with the same options
 * (HTML_PARSE_RECOVER | NOERROR | NOWARNING | NONET) in both programs.
 */
#ifndef ASYNCURL_HREF_COLLECTOR_H
#define ASYNCURL_HREF_COLLECTOR_H

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

/* A push parser for one page whose hrefs go to collector; NULL when libxml2 cannot make one. */
static htmlParserCtxtPtr href_parser(htmlSAXHandler *sax, struct collector *collector) {
    htmlParserCtxtPtr parser = htmlCreatePushParserCtxt(sax, NULL, NULL, 0, NULL, XML_CHAR_ENCODING_NONE);
    if (parser == NULL) {
        return NULL;
    }
    parser->_private = collector;
    parser->userData = parser;
    htmlCtxtUseOptions(parser, HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
    return parser;
}

/* Frees every kept href and the array; returns how many there were. */
static size_t collector_free(struct collector *collector) {
    size_t links = collector->count;
    for (size_t i = 0; i < collector->count; i++) {
        free(collector->hrefs[i]);
    }
    free(collector->hrefs);
    *collector = (struct collector){0};
    return links;
}

#endif
