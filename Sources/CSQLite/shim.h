// The system's SQLite (Debian: libsqlite3-dev), used directly by the store's SQLite driver.
#include <sqlite3.h>
