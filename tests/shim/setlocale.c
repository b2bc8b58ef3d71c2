/* setlocale: an LD_PRELOAD shim that puts the program it is loaded into
 * under the locale QS_LOCALE names (setlocale(LC_ALL, ...), messages left
 * in C) before main runs, and takes itself out of LD_PRELOAD so that the
 * tools the program starts (pdfinfo in a unit test) keep their own.
 * quotesmith never calls setlocale; with this shim and a decimal-comma
 * locale (de_DE.UTF-8) the suite proves that no number it writes goes
 * through the C library's locale (tests/run.sh, QS_LOCALE). */
#define _XOPEN_SOURCE 700
#include <locale.h>
#include <stdlib.h>

__attribute__((constructor)) static void use_test_locale(void)
{
    const char *name = getenv("QS_LOCALE");
    if (name && *name) {
        setlocale(LC_ALL, name);
        setlocale(LC_MESSAGES, "C");
    }
    unsetenv("LD_PRELOAD");
}
