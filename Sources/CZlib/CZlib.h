// Umbrella header for the system library imported as `CZlib`.
#include <zlib.h>
