/* register: each quote's figures in SQLite, keyed by its inputs; see
 * register.h. */
#include "register.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "arena.h"
#include "buf.h"
#include "strmap.h"
#include "version.h"

/* PRAGMA application_id of a quotesmith register ("QSRG"), and the
 * version of its tables (PRAGMA user_version). */
#define APPLICATION_ID 0x51535247
#define FORMAT 2

/* Amounts are stored as integers in qs_decimal units (1/10,000). */
static const char *const schema_sql =
    "CREATE TABLE meta(name TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE quotes(key TEXT PRIMARY KEY, path TEXT NOT NULL UNIQUE,"
    " inputs TEXT NOT NULL, id TEXT NOT NULL, rep TEXT, currency TEXT NOT NULL,"
    " date TEXT NOT NULL, valid_until TEXT, currency_line INTEGER NOT NULL,"
    " currency_col INTEGER NOT NULL, id_line INTEGER NOT NULL, id_col INTEGER NOT NULL,"
    " taxable INTEGER NOT NULL, discount INTEGER NOT NULL, margin INTEGER);"
    "CREATE TABLE departments(key TEXT NOT NULL, seq INTEGER NOT NULL, name TEXT NOT NULL,"
    " net INTEGER NOT NULL, PRIMARY KEY(key, seq));";

enum { ST_INPUTS, ST_GET, ST_DEPTS, ST_DELETE_DEPTS, ST_DELETE, ST_PUT, ST_PUT_DEPT, NST };

static const char *const statements[NST] = {
    "SELECT key, inputs FROM quotes WHERE path = ?1",
    "SELECT key, id, rep, currency, date, valid_until, currency_line, currency_col,"
    " id_line, id_col, taxable, discount, margin FROM quotes WHERE path = ?1",
    "SELECT name, net FROM departments WHERE key = ?1 ORDER BY seq",
    "DELETE FROM departments WHERE key IN (SELECT key FROM quotes WHERE path = ?1)",
    "DELETE FROM quotes WHERE path = ?1",
    "INSERT INTO quotes VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
    " ?14, ?15)",
    "INSERT INTO departments VALUES (?1, ?2, ?3, ?4)",
};

struct qs_register {
    sqlite3 *db;
    const char *path;
    sqlite3_stmt *st[NST];
    qs_arena arena;            /* the digest cache's paths */
    qs_strmap digests;         /* display path -> its digest's index in digest */
    unsigned char (*digest)[QS_SHA256_SIZE];
    size_t ndigests, digests_cap;
};

/* An error of the register at its path: an environment failure. */
static void fail(qs_diags *d, const char *path, sqlite3 *db, const char *what)
{
    qs_diag_add(d, QS_SEV_ERROR, path, 0, 0, "register", "%s: %s", what,
                db ? sqlite3_errmsg(db) : "out of memory");
    qs_diags_set_environment_failed(d);
}

static bool exec(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK;
}

/* The first column of the first row of sql as an integer; false when the
 * statement fails (as it does on a file that is not a database). */
static bool query_int(sqlite3 *db, const char *sql, sqlite3_int64 *out)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        return false;
    int rc = sqlite3_step(s);
    *out = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_finalize(s);
    return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

/* SQLite's quick_check says "ok". */
static bool intact(sqlite3 *db)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &s, NULL) != SQLITE_OK)
        return false;
    bool ok = sqlite3_step(s) == SQLITE_ROW &&
              strcmp((const char *)sqlite3_column_text(s, 0), "ok") == 0;
    sqlite3_finalize(s);
    return ok;
}

/* The engine that wrote the register (its figures depend on it). */
static bool same_engine(sqlite3 *db)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE name = 'engine'", -1, &s,
                           NULL) != SQLITE_OK)
        return false;
    bool same = sqlite3_step(s) == SQLITE_ROW &&
                strcmp((const char *)sqlite3_column_text(s, 0), QS_VERSION) == 0;
    sqlite3_finalize(s);
    return same;
}

/* (Re)creates the tables, empty, in one transaction. */
static bool create_tables(sqlite3 *db)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "PRAGMA application_id = %d; PRAGMA user_version = %d;"
             "INSERT INTO meta VALUES ('engine', '%s');", APPLICATION_ID, FORMAT, QS_VERSION);
    return exec(db, "BEGIN IMMEDIATE; DROP TABLE IF EXISTS meta;"
                    "DROP TABLE IF EXISTS quotes; DROP TABLE IF EXISTS departments;") &&
           exec(db, schema_sql) && exec(db, sql) && exec(db, "COMMIT");
}

/* Removes the register file and its WAL companions. */
static void remove_files(const char *path)
{
    char side[4096];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
}

static sqlite3 *connect(const char *path, qs_diags *d)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        fail(d, path, db, "cannot open the register");
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, 60000);   /* the other worker's transaction */
    return db;
}

/* The parent's checks (register.h); returns the connection or NULL. */
static sqlite3 *connect_checked(const char *path, qs_diags *d)
{
    sqlite3 *db = connect(path, d);
    sqlite3_int64 app, tables, format;
    if (!db)
        return NULL;
    if (!query_int(db, "PRAGMA application_id", &app) ||
        !query_int(db, "SELECT count(*) FROM sqlite_master", &tables)) {
        qs_diag_add(d, QS_SEV_ERROR, path, 0, 0, "register", "not a quotesmith register "
                    "(%s); remove it, or name another file with --register", sqlite3_errmsg(db));
        qs_diags_set_environment_failed(d);
        sqlite3_close(db);
        return NULL;
    }
    if (app != APPLICATION_ID && tables != 0) {
        qs_diag_add(d, QS_SEV_ERROR, path, 0, 0, "register", "an SQLite database, but not a "
                    "quotesmith register; remove it, or name another file with --register");
        qs_diags_set_environment_failed(d);
        sqlite3_close(db);
        return NULL;
    }
    if (app == APPLICATION_ID && !intact(db)) {
        qs_diag_add(d, QS_SEV_WARNING, path, 0, 0, "register", "the register is damaged "
                    "(SQLite quick_check failed): rebuilt from the quotes");
        sqlite3_close(db);
        remove_files(path);
        db = connect(path, d);
        if (!db)
            return NULL;
        app = 0;
    }
    bool current = app == APPLICATION_ID && query_int(db, "PRAGMA user_version", &format) &&
                   format == FORMAT && same_engine(db);
    if (!exec(db, "PRAGMA journal_mode = WAL") || (!current && !create_tables(db))) {
        fail(d, path, db, "cannot set up the register");
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

qs_register *qs_register_open(const char *path, bool check, qs_diags *d)
{
    sqlite3 *db = check ? connect_checked(path, d) : connect(path, d);
    if (!db)
        return NULL;
    qs_register *r = qs_xcalloc(1, sizeof *r);
    r->db = db;
    qs_arena_init(&r->arena);
    r->path = qs_arena_strdup(&r->arena, path);
    /* WAL: a commit survives a killed process; NORMAL syncs at checkpoints. */
    bool ok = exec(db, "PRAGMA synchronous = NORMAL");
    for (int i = 0; ok && i < NST; i++)
        ok = sqlite3_prepare_v2(db, statements[i], -1, &r->st[i], NULL) == SQLITE_OK;
    if (!ok) {
        fail(d, path, db, "cannot read the register");
        qs_register_close(r);
        return NULL;
    }
    return r;
}

void qs_register_close(qs_register *r)
{
    if (!r)
        return;
    for (int i = 0; i < NST; i++)
        sqlite3_finalize(r->st[i]);
    sqlite3_close(r->db);
    qs_strmap_free(&r->digests);
    free(r->digest);
    qs_arena_free(&r->arena);
    free(r);
}

/* ---- keys ---- */

static void key_add(qs_sha256_ctx *h, const char *path, const unsigned char digest[QS_SHA256_SIZE])
{
    qs_sha256_add(h, path, strlen(path) + 1);
    qs_sha256_add(h, digest, QS_SHA256_SIZE);
}

static void key_finish(qs_sha256_ctx *h, char key[QS_SHA256_HEX_SIZE])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char raw[QS_SHA256_SIZE];
    qs_sha256_finish(h, raw);
    for (int i = 0; i < QS_SHA256_SIZE; i++) {
        key[2 * i] = hex[raw[i] >> 4];
        key[2 * i + 1] = hex[raw[i] & 15];
    }
    key[2 * QS_SHA256_SIZE] = '\0';
}

/* What a stat of an input says of its bytes, as the register keeps it:
 * "SIZE INODE CTIME_NS" ("0 0 0": unknown, hash the file). The status
 * change time moves with every write and cannot be set back (unlike the
 * modification time, which cp -p and rsync -t carry over). */
static void stat_text(const struct stat *st, char out[64])
{
    snprintf(out, 64, "%lld %llu %lld", (long long)st->st_size, (unsigned long long)st->st_ino,
             (long long)st->st_ctim.tv_sec * 1000000000LL + st->st_ctim.tv_nsec);
}

void qs_register_key(const qs_inputs *in, char key[QS_SHA256_HEX_SIZE], char **deps)
{
    qs_sha256_ctx h;
    qs_buf b = {0};
    qs_sha256_init(&h);
    time_t now = time(NULL);
    for (const qs_input *f = in->head; f; f = f->next) {
        unsigned char digest[QS_SHA256_SIZE];
        qs_sha256(f->data, f->size, digest);
        key_add(&h, f->path, digest);
        /* A file changed in the last seconds may change again within the
         * same clock tick, unseen by its stat: it is hashed next time. */
        struct stat st;
        char known[64] = "0 0 0";
        if (stat(f->real, &st) == 0 && (size_t)st.st_size == f->size &&
            st.st_ctim.tv_sec < now - 2)
            stat_text(&st, known);
        qs_buf_printf(&b, "%s %s\n", known, f->path);
    }
    key_finish(&h, key);
    *deps = b.s ? b.s : qs_xstrdup("");
}

/* The digest of the file at display path `path` (confined to root), read
 * once per register connection (a price list serves many quotes); false
 * when it cannot be read. *in is the quote's inputs, set up on first use.
 * *digest stays valid until the next call. */
static bool digest_of(qs_register *r, qs_inputs **in, const char *root, size_t max_file_size,
                      const char *path, const unsigned char **digest)
{
    size_t at;
    if (qs_strmap_get(&r->digests, path, &at)) {
        *digest = r->digest[at];
        return true;
    }
    qs_diags quiet;   /* why a file cannot be read: the quote's load says */
    qs_diags_init(&quiet);
    if (!*in) {
        *in = qs_xcalloc(1, sizeof **in);
        if (!qs_inputs_init(*in, root, max_file_size, &quiet)) {
            free(*in);
            *in = NULL;
            qs_diags_free(&quiet);
            return false;
        }
    }
    const qs_input *f = qs_input_read(*in, path, NULL, &quiet);
    qs_diags_free(&quiet);
    if (!f)
        return false;
    r->digest = qs_xgrow(r->digest, &r->digests_cap, r->ndigests + 1, sizeof *r->digest);
    qs_sha256(f->data, f->size, r->digest[r->ndigests]);
    qs_strmap_add(&r->digests, qs_arena_strdup(&r->arena, path), r->ndigests);
    *digest = r->digest[r->ndigests++];
    return true;
}

/* Whether every input of a register row ("SIZE INODE CTIME_NS PATH" lines)
 * is, by its stat, the file that was hashed. */
static bool stats_unchanged(const char *inputs)
{
    bool same = *inputs != '\0';
    for (const char *line = inputs; same && *line;) {
        const char *end = strchr(line, '\n');
        const char *path = line;
        for (int field = 0; field < 3 && path; field++) {
            path = strchr(path, ' ');
            path = path ? path + 1 : NULL;
        }
        if (!end || !path || path > end || (size_t)(end - path) >= 4096)
            return false;
        char file[4096], known[64];
        memcpy(file, path, (size_t)(end - path));
        file[end - path] = '\0';
        struct stat st;
        if (stat(file, &st) != 0)
            return false;
        stat_text(&st, known);
        same = strncmp(line, "0 ", 2) != 0 && strlen(known) == (size_t)(path - 1 - line) &&
               strncmp(line, known, strlen(known)) == 0;
        line = end + 1;
    }
    return same;
}

bool qs_register_is_fresh(qs_register *r, const char *root, size_t max_file_size,
                          const char *path)
{
    sqlite3_stmt *s = r->st[ST_INPUTS];
    sqlite3_reset(s);
    sqlite3_bind_text(s, 1, path, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_ROW)
        return false;
    const char *stored = (const char *)sqlite3_column_text(s, 0);
    char *inputs = qs_xstrdup((const char *)sqlite3_column_text(s, 1));
    bool ok = stored && *inputs;
    if (ok && stats_unchanged(inputs)) {
        free(inputs);
        sqlite3_reset(s);
        return true;
    }
    qs_inputs *in = NULL;
    qs_sha256_ctx h;
    qs_sha256_init(&h);
    for (char *line = inputs, *next; ok && *line; line = next) {
        next = strchr(line, '\n');
        char *file = line;
        for (int field = 0; field < 3 && file; field++) {
            file = strchr(file, ' ');
            file = file ? file + 1 : NULL;
        }
        if (!next || !file || file > next)
            break;
        *next++ = '\0';
        const unsigned char *digest;
        ok = digest_of(r, &in, root, max_file_size, file, &digest);
        if (ok)
            key_add(&h, file, digest);
    }
    char key[QS_SHA256_HEX_SIZE];
    key_finish(&h, key);
    ok = ok && strcmp(key, stored) == 0;
    if (in) {
        qs_inputs_free(in);
        free(in);
    }
    free(inputs);
    sqlite3_reset(s);
    return ok;
}

/* ---- rows ---- */

bool qs_register_begin(qs_register *r, bool write, qs_diags *d)
{
    if (exec(r->db, write ? "BEGIN IMMEDIATE" : "BEGIN"))
        return true;
    fail(d, r->path, r->db, "cannot write the register");
    return false;
}

bool qs_register_commit(qs_register *r, qs_diags *d)
{
    if (exec(r->db, "COMMIT"))
        return true;
    fail(d, r->path, r->db, "cannot write the register");
    exec(r->db, "ROLLBACK");
    return false;
}

/* Runs a bound statement that returns no rows. */
static bool run(sqlite3_stmt *s)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc == SQLITE_DONE;
}

static void bind_text(sqlite3_stmt *s, int i, const char *text)
{
    if (text)
        sqlite3_bind_text(s, i, text, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, i);
}

bool qs_register_put(qs_register *r, const char *key, const char *deps,
                     const qs_sales_quote *q, qs_diags *d)
{
    sqlite3_stmt *s = r->st[ST_DELETE_DEPTS];
    bind_text(s, 1, q->path);
    bool ok = run(s);
    s = r->st[ST_DELETE];
    bind_text(s, 1, q->path);
    ok = ok && run(s);
    s = r->st[ST_PUT];
    const char *text[] = {key, q->path, deps, q->id, q->rep, q->currency, q->date,
                          q->valid_until};
    for (int i = 0; i < 8; i++)
        bind_text(s, i + 1, text[i]);
    const sqlite3_int64 number[] = {q->currency_line, q->currency_col, q->id_line, q->id_col,
                                    q->taxable, q->discount};
    for (int i = 0; i < 6; i++)
        sqlite3_bind_int64(s, i + 9, number[i]);
    if (q->has_margin)
        sqlite3_bind_int64(s, 15, q->margin);
    ok = ok && run(s);
    s = r->st[ST_PUT_DEPT];
    for (size_t i = 0; ok && i < q->ndepts; i++) {
        bind_text(s, 1, key);
        sqlite3_bind_int64(s, 2, (sqlite3_int64)i);
        bind_text(s, 3, q->depts[i].name);
        sqlite3_bind_int64(s, 4, q->depts[i].net);
        ok = run(s);
    }
    if (!ok)
        fail(d, r->path, r->db, "cannot write the register");
    return ok;
}

/* A column's text copied into a, or NULL. */
static const char *column_text(sqlite3_stmt *s, int i, qs_arena *a)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    return t ? qs_arena_strdup(a, (const char *)t) : NULL;
}

bool qs_register_get(qs_register *r, const char *path, qs_sales_history *h, qs_diags *d)
{
    qs_arena a;
    qs_arena_init(&a);
    qs_sales_quote q;
    memset(&q, 0, sizeof q);
    q.path = path;
    sqlite3_stmt *s = r->st[ST_GET];
    bind_text(s, 1, path);
    bool ok = sqlite3_step(s) == SQLITE_ROW;
    if (ok) {
        const char *key = column_text(s, 0, &a);
        q.id = column_text(s, 1, &a);
        q.rep = column_text(s, 2, &a);
        q.currency = column_text(s, 3, &a);
        q.date = column_text(s, 4, &a);
        q.valid_until = column_text(s, 5, &a);
        q.currency_line = (unsigned)sqlite3_column_int64(s, 6);
        q.currency_col = (unsigned)sqlite3_column_int64(s, 7);
        q.id_line = (unsigned)sqlite3_column_int64(s, 8);
        q.id_col = (unsigned)sqlite3_column_int64(s, 9);
        q.taxable = sqlite3_column_int64(s, 10);
        q.discount = sqlite3_column_int64(s, 11);
        q.has_margin = sqlite3_column_type(s, 12) != SQLITE_NULL;
        q.margin = sqlite3_column_int64(s, 12);
        ok = key && q.id && q.currency && q.date;
        sqlite3_reset(s);
        s = r->st[ST_DEPTS];
        bind_text(s, 1, key);
        size_t cap = 0;
        int rc = SQLITE_DONE;
        while (ok && (rc = sqlite3_step(s)) == SQLITE_ROW) {
            q.depts = qs_xgrow(q.depts, &cap, q.ndepts + 1, sizeof *q.depts);
            q.depts[q.ndepts].name = column_text(s, 0, &a);
            q.depts[q.ndepts++].net = sqlite3_column_int64(s, 1);
            ok = q.depts[q.ndepts - 1].name != NULL;
        }
        ok = ok && rc == SQLITE_DONE;
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (ok)
        qs_sales_add_quote(h, &q);
    else
        qs_diag_add(d, QS_SEV_ERROR, r->path, 0, 0, "register", "no readable figures for "
                    "'%.200s', which was just stored: %s", path, sqlite3_errmsg(r->db));
    if (!ok)
        qs_diags_set_environment_failed(d);
    free(q.depts);
    qs_arena_free(&a);
    return ok;
}
