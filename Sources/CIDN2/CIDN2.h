// Umbrella header for the system library imported as `CIDN2` (GNU libidn2, IDNA2008 + UTS 46).
#include <idn2.h>
