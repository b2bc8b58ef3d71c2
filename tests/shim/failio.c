/* failio: an LD_PRELOAD shim that makes chosen I/O calls fail, to prove
 * that a failed build leaves no partial output (docs/package.md).
 *
 *   QS_FAIL="OP:ERRNO:N[+][,OP:ERRNO:N[+]]..."
 *       OP     write, fsync, close, open (open, openat, creat, mkstemp),
 *              rename, link, mkdir
 *       ERRNO  ENOSPC, EIO, EINTR, EACCES, EROFS, EDQUOT, EPERM, ENOENT,
 *              EXDEV, EMLINK, ENOTDIR, EEXIST, or SHORT (write only: write
 *              half the bytes and return that count, a short write), or
 *              KILL (the process kills itself with SIGKILL: a crash that
 *              no sanitizer or handler can turn into an exit), or SLOW
 *              (the call succeeds after 20 ms: widens race windows)
 *       N      fail the Nth matching call (1-based); "N+" fails the Nth and
 *              every later one
 *   QS_FAIL_DIR=DIR   count only calls on paths (or fds open on files)
 *              inside DIR; without it every call counts
 *   QS_FAIL_LOG=1     print each injected failure on stderr
 *
 * Build: cc -fPIC -shared -o failio.so tests/shim/failio.c -ldl
 * It is a test tool: it never ships in the quotesmith binary. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

enum { OP_WRITE, OP_FSYNC, OP_CLOSE, OP_OPEN, OP_RENAME, OP_LINK, OP_MKDIR, OP_COUNT };
static const char *const op_names[OP_COUNT] = {
    "write", "fsync", "close", "open", "rename", "link", "mkdir"
};

#define ERR_SHORT (-1)
#define ERR_KILL (-2)
#define ERR_SLOW (-3)
#define MAX_RULES 16

typedef struct {
    int op;
    int err;               /* errno, or ERR_SHORT */
    unsigned long nth;
    bool and_later;
} rule;

static rule rules[MAX_RULES];
static size_t nrules;
static unsigned long calls[OP_COUNT];
static char scope[PATH_MAX];   /* empty: every call counts */
static bool logging;
static bool ready;

static const struct {
    const char *name;
    int value;
} errnos[] = {
    {"ENOSPC", ENOSPC}, {"EIO", EIO}, {"EINTR", EINTR}, {"EACCES", EACCES},
    {"EROFS", EROFS}, {"EDQUOT", EDQUOT}, {"EPERM", EPERM}, {"ENOENT", ENOENT},
    {"EXDEV", EXDEV}, {"EMLINK", EMLINK}, {"ENOTDIR", ENOTDIR},
    {"EEXIST", EEXIST}, {"SHORT", ERR_SHORT},
    {"KILL", ERR_KILL}, {"SLOW", ERR_SLOW},
};

static void parse_rule(char *spec)
{
    char *op = strtok(spec, ":");
    char *err = strtok(NULL, ":");
    char *nth = strtok(NULL, ":");
    if (!op || !err || !nth || nrules == MAX_RULES)
        return;
    rule r = {-1, 0, 0, false};
    for (int i = 0; i < OP_COUNT; i++)
        if (strcmp(op, op_names[i]) == 0)
            r.op = i;
    bool known = false;
    for (size_t i = 0; i < sizeof errnos / sizeof errnos[0]; i++)
        if (strcmp(err, errnos[i].name) == 0) {
            r.err = errnos[i].value;
            known = true;
        }
    char *end;
    r.nth = strtoul(nth, &end, 10);
    r.and_later = *end == '+';
    if (r.op < 0 || !known || r.nth == 0)
        return;
    rules[nrules++] = r;
}

/* An absolute, lexically clean-enough form of `path`: the real path of its
 * directory plus its last component (which may not exist yet). */
static void absolute(const char *path, char out[PATH_MAX])
{
    char buf[PATH_MAX];
    if (path[0] == '/') {
        snprintf(buf, sizeof buf, "%s", path);
    } else {
        char cwd[PATH_MAX];
        if (!getcwd(cwd, sizeof cwd))
            cwd[0] = '\0';
        snprintf(buf, sizeof buf, "%s/%s", cwd, path);
    }
    size_t len = strlen(buf);
    while (len > 1 && buf[len - 1] == '/')
        buf[--len] = '\0';
    char *slash = strrchr(buf, '/');
    char dir[PATH_MAX];
    if (slash && slash != buf) {
        *slash = '\0';
        size_t dlen, blen = strlen(slash + 1);
        if (realpath(buf, dir) && (dlen = strlen(dir)) + blen + 2 <= PATH_MAX) {
            memcpy(out, dir, dlen);
            out[dlen] = '/';
            memcpy(out + dlen + 1, slash + 1, blen + 1);
            return;
        }
        *slash = '/';
    }
    if (!realpath(buf, out))
        snprintf(out, PATH_MAX, "%s", buf);
}

__attribute__((constructor)) static void init(void)
{
    const char *spec = getenv("QS_FAIL");
    const char *dir = getenv("QS_FAIL_DIR");
    logging = getenv("QS_FAIL_LOG") != NULL;
    if (dir && *dir)
        absolute(dir, scope);
    if (spec) {
        char *copy = strdup(spec);
        char *save = NULL;
        for (char *s = copy ? strtok_r(copy, ",", &save) : NULL; s;
             s = strtok_r(NULL, ",", &save)) {
            char one[128];
            snprintf(one, sizeof one, "%s", s);
            parse_rule(one);
        }
        free(copy);
    }
    ready = true;
}

static bool path_in_scope(const char *path)
{
    if (!scope[0])
        return true;
    if (!path)
        return false;
    char abs[PATH_MAX];
    absolute(path, abs);
    size_t len = strlen(scope);
    return strncmp(abs, scope, len) == 0 && (abs[len] == '/' || abs[len] == '\0');
}

static bool fd_in_scope(int fd)
{
    if (!scope[0])
        return true;
    char link[64], target[PATH_MAX];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, target, sizeof target - 1);
    if (n <= 0)
        return false;
    target[n] = '\0';
    return path_in_scope(target);
}

/* Counts one in-scope call of `op`; returns the rule that fails it, or NULL. */
static const rule *should_fail(int op, bool in_scope)
{
    if (!ready || !in_scope)
        return NULL;
    unsigned long n = ++calls[op];
    for (size_t i = 0; i < nrules; i++)
        if (rules[i].op == op && (n == rules[i].nth || (rules[i].and_later && n > rules[i].nth))) {
            if (logging)
                fprintf(stderr, "failio: failing %s call %lu\n", op_names[op], n);
            if (rules[i].err == ERR_KILL)
                raise(SIGKILL);
            if (rules[i].err == ERR_SLOW) {
                struct timespec pause = {0, 20 * 1000 * 1000};
                nanosleep(&pause, NULL);
                return NULL;
            }
            return &rules[i];
        }
    return NULL;
}

/* Stores the next definition of `name` (libc's) in the function pointer
 * at `slot` (copying the bytes: ISO C has no object-to-function cast). */
static void resolve(void *slot, const char *name)
{
    void *f = dlsym(RTLD_NEXT, name);
    if (!f)
        abort();
    memcpy(slot, &f, sizeof f);
}

ssize_t write(int fd, const void *buf, size_t count)
{
    static ssize_t (*real)(int, const void *, size_t);
    if (!real)
        resolve(&real, "write");
    const rule *r = should_fail(OP_WRITE, fd_in_scope(fd));
    if (r && r->err == ERR_SHORT && count > 1)
        return real(fd, buf, count / 2);
    if (r && r->err != ERR_SHORT) {
        errno = r->err;
        return -1;
    }
    return real(fd, buf, count);
}

int fsync(int fd)
{
    static int (*real)(int);
    if (!real)
        resolve(&real, "fsync");
    const rule *r = should_fail(OP_FSYNC, fd_in_scope(fd));
    if (r && r->err != ERR_SHORT) {
        errno = r->err;
        return -1;
    }
    return real(fd);
}

int close(int fd)
{
    static int (*real)(int);
    if (!real)
        resolve(&real, "close");
    const rule *r = should_fail(OP_CLOSE, fd_in_scope(fd));
    int rc = real(fd);        /* like Linux: the fd is gone either way */
    if (r && r->err != ERR_SHORT) {
        errno = r->err;
        return -1;
    }
    return rc;
}

static int fail_open(const char *path)
{
    const rule *r = should_fail(OP_OPEN, path_in_scope(path));
    if (r && r->err != ERR_SHORT) {
        errno = r->err;
        return -1;
    }
    return 0;
}

int open(const char *path, int flags, ...)
{
    static int (*real)(const char *, int, ...);
    if (!real)
        resolve(&real, "open");
    mode_t mode = 0;
    if (flags & (O_CREAT | O_TMPFILE)) {
        va_list ap;
        va_start(ap, flags);
        mode = (mode_t)va_arg(ap, int);
        va_end(ap);
    }
    if (fail_open(path) < 0)
        return -1;
    return real(path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
    static int (*real)(const char *, int, ...);
    if (!real)
        resolve(&real, "open64");
    mode_t mode = 0;
    if (flags & (O_CREAT | O_TMPFILE)) {
        va_list ap;
        va_start(ap, flags);
        mode = (mode_t)va_arg(ap, int);
        va_end(ap);
    }
    if (fail_open(path) < 0)
        return -1;
    return real(path, flags, mode);
}

int openat(int dirfd, const char *path, int flags, ...)
{
    static int (*real)(int, const char *, int, ...);
    if (!real)
        resolve(&real, "openat");
    mode_t mode = 0;
    if (flags & (O_CREAT | O_TMPFILE)) {
        va_list ap;
        va_start(ap, flags);
        mode = (mode_t)va_arg(ap, int);
        va_end(ap);
    }
    if ((dirfd == AT_FDCWD || path[0] == '/') && fail_open(path) < 0)
        return -1;
    return real(dirfd, path, flags, mode);
}

int creat(const char *path, mode_t mode)
{
    static int (*real)(const char *, mode_t);
    if (!real)
        resolve(&real, "creat");
    if (fail_open(path) < 0)
        return -1;
    return real(path, mode);
}

/* glibc's mkstemp opens through an internal call the shim cannot see. */
int mkstemp(char *template)
{
    static int (*real)(char *);
    if (!real)
        resolve(&real, "mkstemp");
    if (fail_open(template) < 0)
        return -1;
    return real(template);
}

int mkstemp64(char *template)
{
    static int (*real)(char *);
    if (!real)
        resolve(&real, "mkstemp64");
    if (fail_open(template) < 0)
        return -1;
    return real(template);
}

int rename(const char *from, const char *to)
{
    static int (*real)(const char *, const char *);
    if (!real)
        resolve(&real, "rename");
    const rule *r = should_fail(OP_RENAME, path_in_scope(to));
    if (r && r->err != ERR_SHORT) {
        errno = r->err;
        return -1;
    }
    return real(from, to);
}

int link(const char *from, const char *to)
{
    static int (*real)(const char *, const char *);
    if (!real)
        resolve(&real, "link");
    const rule *r = should_fail(OP_LINK, path_in_scope(to));
    if (r && r->err != ERR_SHORT) {
        errno = r->err;
        return -1;
    }
    return real(from, to);
}

int mkdir(const char *path, mode_t mode)
{
    static int (*real)(const char *, mode_t);
    if (!real)
        resolve(&real, "mkdir");
    const rule *r = should_fail(OP_MKDIR, path_in_scope(path));
    if (r && r->err != ERR_SHORT) {
        errno = r->err;
        return -1;
    }
    return real(path, mode);
}
