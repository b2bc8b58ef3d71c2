/* exitcode: diagnostics -> exit status. */
#include "exitcode.h"

static bool finding_fails(qs_severity sev, bool draft, bool strict)
{
    switch (sev) {
    case QS_SEV_ERROR: return true;
    case QS_SEV_APPROVAL: return !draft || strict;
    case QS_SEV_WARNING: return strict;
    case QS_SEV_NOTE: return false;
    }
    return true;
}

qs_exit qs_exit_status(const qs_diags *d, bool draft, bool strict)
{
    if (d->internal_failed)
        return QS_EXIT_INTERNAL;
    if (d->environment_failed)
        return QS_EXIT_ENVIRONMENT;
    for (size_t i = 0; i < d->count; i++)
        if (finding_fails(d->items[i].severity, draft, strict))
            return QS_EXIT_INVALID;
    return QS_EXIT_OK;
}
