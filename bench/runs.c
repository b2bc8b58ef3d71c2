/* runs: runs a command N times in a row and prints the CPU time (user +
 * system) per run in milliseconds and the largest peak RSS in KiB, from
 * wait4's rusage of each run (microseconds, unlike /usr/bin/time's hundredths
 * of a second). Used by bench/render.sh.
 *
 *   runs N COMMAND [ARG...]    prints "cpu_ms_per_run max_rss_kib"
 *
 * The command's output goes to /dev/null; a run that fails stops the count
 * with exit status 1. */
#define _DEFAULT_SOURCE /* wait4 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 3 || atoi(argv[1]) < 1) {
        fprintf(stderr, "usage: runs N COMMAND [ARG...]\n");
        return 2;
    }
    int n = atoi(argv[1]);
    double cpu = 0;
    long rss = 0;
    for (int i = 0; i < n; i++) {
        pid_t pid = fork();
        if (pid < 0) {
            perror("runs: fork");
            return 1;
        }
        if (pid == 0) {
            int null = open("/dev/null", O_WRONLY);
            if (null >= 0) {
                dup2(null, 1);
                dup2(null, 2);
            }
            execvp(argv[2], argv + 2);
            _exit(127);
        }
        int status;
        struct rusage ru;
        if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) ||
            WEXITSTATUS(status) != 0) {
            fprintf(stderr, "runs: run %d of '%s' failed\n", i + 1, argv[2]);
            return 1;
        }
        cpu += ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3 +
               ru.ru_stime.tv_sec * 1e3 + ru.ru_stime.tv_usec / 1e3;
        if (ru.ru_maxrss > rss)
            rss = ru.ru_maxrss;
    }
    printf("%.3f %ld\n", cpu / n, rss);
    return 0;
}
