// Umbrella header for the system library imported as `CLibXML2`.
//
// Debian's libxml2 is built with ICU, so its encoding.h includes the system's
// <unicode/ucnv.h>; Foundation carries its own ICU (_FoundationICU) with a
// different `UErrorCode`, and a target that imports both (the CLI, through
// SwiftNIO and Foundation) fails with "'UErrorCode' has different definitions
// in different modules". The ICU part is only the two trailing pointer fields of
// `xmlCharEncodingHandler`, which AsyncURL never reads (it only passes handler
// pointers back to libxml2), so it is left out here.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <libxml/HTMLtree.h>
#include <libxml/parserInternals.h>
