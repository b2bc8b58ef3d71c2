/* check: the smallest possible unit-test harness. Each CHECK prints one
 * "ok"/"FAIL" line; tests/run.sh counts them. */
#ifndef QS_CHECK_H
#define QS_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failures;

#define CHECK(cond, ...)                                                     \
    do {                                                                     \
        if (cond) {                                                          \
            printf("ok ");                                                   \
        } else {                                                             \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);                      \
            check_failures++;                                                \
        }                                                                    \
        printf(__VA_ARGS__);                                                 \
        printf("\n");                                                        \
    } while (0)

#define CHECK_STR(got, want, ...)                                            \
    CHECK(strcmp((got), (want)) == 0, __VA_ARGS__);                          \
    if (strcmp((got), (want)) != 0)                                          \
        printf("     got '%s', want '%s'\n", (got), (want))

#endif
