/* pool: runs numbered tasks in forked worker processes, at most N at a
 * time (libharu is not thread-safe, and a crash must not take the others
 * along). Each worker runs one task, then sends its diagnostics and a
 * payload (bytes of the caller's choosing) back over a pipe; the parent
 * collects them in the order the workers end. Used by batch (one quote
 * per task) and by leads --letters (one letter per task).
 * Ownership: the pool owns its pipes and buffers; a payload lives until
 * the done callback returns; diagnostics go into the caller's sinks. */
#ifndef QS_POOL_H
#define QS_POOL_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "diag.h"

typedef enum {
    QS_POOL_RUN,    /* start the task */
    QS_POOL_SKIP,   /* leave it out */
    QS_POOL_STOP    /* leave it and every later task out (running ones end) */
} qs_pool_verdict;

/* How one task ended, as its done callback sees it. */
typedef struct {
    bool started;          /* false: no worker could be made (error: errno) */
    int error;
    int wait_status;       /* as waitpid reports it */
    bool replied;          /* the worker's reply came whole */
    const char *payload;   /* the worker's payload ("" when none) */
    size_t size;
    double seconds;        /* from fork to the end */
} qs_pool_result;

/* True when the task's worker started, replied whole and exited 0. */
bool qs_pool_succeeded(const qs_pool_result *r);

typedef struct {
    size_t count;          /* tasks 0 .. count-1, started in this order */
    unsigned jobs;         /* workers at once, >= 1 */
    /* In the parent, before task i starts; NULL runs every task. */
    qs_pool_verdict (*begin)(size_t i, void *ctx);
    /* In the worker: runs task i, adds diagnostics to d and what the parent
     * needs to payload; returns the worker's exit status. */
    int (*run)(size_t i, void *ctx, qs_diags *d, qs_buf *payload);
    /* In the parent: where task i's diagnostics go. */
    qs_diags *(*sink)(size_t i, void *ctx);
    /* In the parent, when task i ended (its diagnostics are in its sink
     * already). Returns false to start no further task. */
    bool (*done)(size_t i, void *ctx, const qs_pool_result *r);
    void *ctx;
} qs_pool;

/* Runs the tasks and returns when every started worker has ended. */
void qs_pool_run(const qs_pool *p);

#endif
