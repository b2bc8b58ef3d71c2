/* pool: numbered tasks in forked worker processes; see pool.h. */
#include "pool.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "arena.h"
#include "exitcode.h"

/* The wire between a worker and the parent: fields "LENGTH:BYTES". A
 * diagnostic is the record "D", severity, line, column, has-file, file,
 * rule, message; the reply ends with the record "P", payload. */
static void put_field(qs_buf *b, const char *s, size_t len)
{
    qs_buf_printf(b, "%zu:", len);
    qs_buf_add(b, s, len);
}

static void put_text(qs_buf *b, const char *s)
{
    put_field(b, s, strlen(s));
}

static void put_number(qs_buf *b, unsigned long v)
{
    char n[32];
    snprintf(n, sizeof n, "%lu", v);
    put_text(b, n);
}

static void encode(qs_buf *b, const qs_diags *d, const qs_buf *payload)
{
    for (size_t i = 0; i < d->count; i++) {
        const qs_diag *g = &d->items[i];
        put_text(b, "D");
        put_number(b, (unsigned long)g->severity);
        put_number(b, g->line);
        put_number(b, g->col);
        put_number(b, g->file != NULL);
        put_text(b, g->file ? g->file : "");
        put_text(b, g->rule);
        put_text(b, g->message);
    }
    put_text(b, "P");
    put_field(b, payload->s ? payload->s : "", payload->len);
}

/* The next field of the wire at *p (before end): its start and length.
 * Returns false when the wire ends before the field does. */
static bool get_field(const char **p, const char *end, const char **s, size_t *len)
{
    const char *q = *p;
    size_t n = 0;
    while (q < end && *q >= '0' && *q <= '9' && n < 1000000000)
        n = n * 10 + (size_t)(*q++ - '0');
    if (q >= end || *q != ':' || (size_t)(end - q - 1) < n)
        return false;
    *s = q + 1;
    *len = n;
    *p = q + 1 + n;
    return true;
}

/* Reads a worker's wire: its diagnostics into d, the payload into r.
 * Returns true when the payload record came (a worker that crashed may
 * have sent nothing, or half). */
static bool decode(const qs_buf *wire, qs_diags *d, qs_pool_result *r)
{
    const char *p = wire->s ? wire->s : "", *end = p + wire->len;
    qs_arena A;
    qs_arena_init(&A);
    bool whole = true, have = false;
    while (whole && !have) {
        const char *f;
        size_t n;
        whole = get_field(&p, end, &f, &n) && n == 1 && (f[0] == 'D' || f[0] == 'P');
        if (whole && f[0] == 'P') {
            have = whole = get_field(&p, end, &r->payload, &r->size);
            break;
        }
        char *v[8] = {0};
        for (size_t i = 1; i < 8 && whole; i++)
            if ((whole = get_field(&p, end, &f, &n)))
                v[i] = qs_arena_strndup(&A, f, n);
        if (whole) {
            unsigned long sev = strtoul(v[1], NULL, 10);
            qs_diag_add(d, sev <= QS_SEV_ERROR ? (qs_severity)sev : QS_SEV_ERROR,
                        strcmp(v[4], "1") == 0 ? v[5] : NULL,
                        (unsigned)strtoul(v[2], NULL, 10), (unsigned)strtoul(v[3], NULL, 10),
                        v[6], "%s", v[7]);
        }
    }
    qs_arena_free(&A);
    return have;
}

static void write_all(int fd, const char *s, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, s, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        s += w;
        len -= (size_t)w;
    }
}

/* One running worker. */
typedef struct {
    size_t task;
    pid_t pid;
    int fd;
    struct timespec start;
    qs_buf wire;
} slot;

static double seconds_since(const struct timespec *t0)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* The worker's side: runs the task, sends the reply, never returns. */
static void work(const qs_pool *p, size_t i, int fd)
{
    qs_diags d;
    qs_diags_init(&d);
    qs_buf payload = {0}, wire = {0};
    int status = p->run(i, p->ctx, &d, &payload);
    qs_diags_sort(&d);
    encode(&wire, &d, &payload);
    write_all(fd, wire.s, wire.len);
    close(fd);
    /* _exit: the worker shares the parent's memory and stdio buffers,
     * which are the parent's to free and flush (and a leak check here
     * would report the parent's live allocations). */
    _exit(status);
}

/* In a new worker: makes it die with its parent. A worker whose parent
 * was killed (kill -9, a CI job cancelled) would otherwise go on building
 * and write a package nobody waits for. Linux sends SIGKILL to the worker
 * when its parent dies (PR_SET_PDEATHSIG); the getppid() check catches a
 * parent that died between fork() and prctl(). Elsewhere the worker runs
 * to its end. */
static void die_with_parent(pid_t parent)
{
#ifdef __linux__
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
        _exit(QS_EXIT_INTERNAL);
#else
    (void)parent;
#endif
}

/* Starts a worker for task i in s. Returns false (errno set) when no
 * process could be made. */
static bool start(const qs_pool *p, size_t i, slot *s, const slot *running, size_t nrunning)
{
    int fds[2];
    if (pipe(fds) != 0)
        return false;
    fflush(stdout);
    fflush(stderr);
    clock_gettime(CLOCK_MONOTONIC, &s->start);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(fds[0]);
        close(fds[1]);
        errno = e;
        return false;
    }
    if (pid == 0) {
        die_with_parent(parent);
        close(fds[0]);
        for (size_t k = 0; k < nrunning; k++)
            close(running[k].fd);
        work(p, i, fds[1]);
    }
    close(fds[1]);
    *s = (slot){.task = i, .pid = pid, .fd = fds[0], .start = s->start};
    return true;
}

/* Collects a worker that closed its pipe and tells the caller. */
static bool finish(const qs_pool *p, slot *s)
{
    close(s->fd);
    int ws = 0;
    while (waitpid(s->pid, &ws, 0) < 0 && errno == EINTR)
        ;
    qs_pool_result r = {.started = true, .wait_status = ws, .payload = "",
                        .seconds = seconds_since(&s->start)};
    r.replied = decode(&s->wire, p->sink(s->task, p->ctx), &r);
    bool go_on = p->done(s->task, p->ctx, &r);
    qs_buf_free(&s->wire);
    return go_on;
}

void qs_pool_run(const qs_pool *p)
{
    unsigned jobs = p->jobs ? p->jobs : 1;
    struct pollfd *pfd = qs_xmalloc(jobs * sizeof *pfd);
    slot *running = qs_xmalloc(jobs * sizeof *running);
    size_t next = 0, nrunning = 0;
    bool stop = false;
    for (;;) {
        while (!stop && nrunning < jobs && next < p->count) {
            qs_pool_verdict v = p->begin ? p->begin(next, p->ctx) : QS_POOL_RUN;
            if (v != QS_POOL_RUN) {
                stop = v == QS_POOL_STOP;
                next++;
                continue;
            }
            if (!start(p, next, &running[nrunning], running, nrunning)) {
                if (nrunning > 0)
                    break;   /* try again when a worker ended */
                qs_pool_result r = {.error = errno, .payload = ""};
                stop = !p->done(next, p->ctx, &r);
                next++;
                continue;
            }
            nrunning++;
            next++;
        }
        if (nrunning == 0)
            break;
        for (size_t i = 0; i < nrunning; i++)
            pfd[i] = (struct pollfd){.fd = running[i].fd, .events = POLLIN};
        if (poll(pfd, (nfds_t)nrunning, -1) < 0) {
            if (errno == EINTR)
                continue;
            abort();
        }
        for (size_t i = nrunning; i-- > 0;) {
            if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            char chunk[65536];
            ssize_t got = read(running[i].fd, chunk, sizeof chunk);
            if (got < 0 && errno == EINTR)
                continue;
            if (got > 0) {
                qs_buf_add(&running[i].wire, chunk, (size_t)got);
                continue;
            }
            stop = !finish(p, &running[i]) || stop;
            running[i] = running[--nrunning];
        }
    }
    free(running);
    free(pfd);
}

bool qs_pool_succeeded(const qs_pool_result *r)
{
    return r->started && r->replied && WIFEXITED(r->wait_status) &&
           WEXITSTATUS(r->wait_status) == 0;
}
