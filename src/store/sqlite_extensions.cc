// The SQLite extensions compiled into Debian's libsqlite3.a that cammio never
// uses, left out of the link.
//
// Debian builds SQLite with FTS3/FTS4, FTS5, R*Tree and the dbstat virtual
// table. Its static archive keeps one object per source file, and
// sqlite3_open_v2 (main.o) registers those extensions on every connection
// through these four functions, so each reference pulls a whole extension
// into the binary: about 340 KB of the stripped product, no SQL of ours uses
// any of them (src/store is the only place that holds SQL; it creates no
// virtual table).
//
// Defining the four functions here, in an object the linker takes before it
// reads libsqlite3.a (CMakeLists.txt lists them with --undefined on
// cammio_store, which puts this object on the link), resolves main.o's
// references, so the archive's fts3*.o, fts5.o, rtree.o and dbstat.o are
// never pulled. On a connection the four extensions are then absent: a
// CREATE VIRTUAL TABLE ... USING fts5 fails with "no such module"
// (tests/store/sqlite_extensions_test.cc), everything else is unchanged.
//
// Should an SQLite build define one of them in an object the link needs
// anyway (an amalgamation: one sqlite3.o), the link fails with a duplicate
// definition: never a silent mix. Thread-safety: the functions touch nothing.
#include <sqlite3.h>

extern "C" {

// Each is called by sqlite3_open_v2 for a new connection; SQLITE_OK lets the
// open go on without registering the extension.
int sqlite3Fts3Init(sqlite3*) { return SQLITE_OK; }
int sqlite3Fts5Init(sqlite3*) { return SQLITE_OK; }
int sqlite3RtreeInit(sqlite3*) { return SQLITE_OK; }
int sqlite3DbstatRegister(sqlite3*) { return SQLITE_OK; }

}  // extern "C"
