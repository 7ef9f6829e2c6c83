/* err.h - errors that carry context up to one clear message.
 *
 * A function that can fail returns int (0 ok, -1 failure) and fills a
 * caller-provided struct kerr. Each layer may prefix context ("apply
 * deployment/web on member1: ") so the user sees one line saying what
 * failed, where, why and what to try. Every function accepts err == NULL.
 */
#ifndef KURATOR_ERR_H
#define KURATOR_ERR_H

#include <stdarg.h>

/* Broad classes; the UI maps them to exit codes and colours. */
enum kerr_kind {
	KERR_NONE = 0,
	KERR_FAIL,        /* generic failure                                  */
	KERR_USAGE,       /* the user typed something wrong (exit code 2)     */
	KERR_NOTFOUND,    /* object, file, context ... does not exist         */
	KERR_CONFLICT,    /* already exists, field manager conflict, 409      */
	KERR_AUTH,        /* 401/403, bad credentials, TLS client cert refused */
	KERR_NETWORK,     /* connect, DNS, TLS, reset: retriable              */
	KERR_TIMEOUT,     /* deadline passed                                  */
	KERR_CANCELLED,   /* the user or the job system cancelled             */
	KERR_INVALID,     /* bad input data: YAML, JSON, 422 Invalid          */
	KERR_GONE,        /* 410: watch resourceVersion too old               */
};

struct kerr {
	enum kerr_kind kind;
	int http;          /* HTTP status when the error came from a server, else 0 */
	char reason[64];   /* Kubernetes Status reason ("NotFound", "AlreadyExists"), may be "" */
	char msg[1536];
};

/* Set kind and message (printf-style); returns -1 so callers can
 * "return kerr_set(err, KERR_NOTFOUND, "no context %s", name);". */
int kerr_set(struct kerr *err, enum kerr_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int kerr_vset(struct kerr *err, enum kerr_kind kind, const char *fmt, va_list ap);

/* Prefix context to an existing message: "ctx: old message". Returns -1. */
int kerr_prefix(struct kerr *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Append a hint (" (try: ...)") once. Returns -1. */
int kerr_hint(struct kerr *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void kerr_clear(struct kerr *err);
int kerr_is(const struct kerr *err, enum kerr_kind kind);

/* Exit code for the one-shot CLI: 0 ok, 2 usage, 1 anything else. */
int kerr_exit_code(const struct kerr *err);

/* A short lowercase name for the kind ("not found", "timeout"). */
const char *kerr_kind_name(enum kerr_kind kind);

#endif
