// Umbrella header for the system library imported as `CSQLite`.
#include <sqlite3.h>
