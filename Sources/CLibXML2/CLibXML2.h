// Umbrella header for the system library imported as `CLibXML2`.
#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <libxml/HTMLtree.h>
#include <libxml/parserInternals.h>
