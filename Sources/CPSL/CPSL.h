// Umbrella header for the system library imported as `CPSL` (libpsl, the Public Suffix List).
#include <libpsl.h>
