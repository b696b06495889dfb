// Umbrella header for the system library imported as `CBrotli`.
#include <brotli/encode.h>
