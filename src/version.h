/* version: the tool's version, shown by --version, in PDFs and manifests. */
#ifndef QS_VERSION_H
#define QS_VERSION_H
#define QS_VERSION "0.1.0"
#endif
