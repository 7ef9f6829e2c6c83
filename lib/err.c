#include "lib/err.h"

#include <stdio.h>
#include <string.h>

int kerr_vset(struct kerr *err, enum kerr_kind kind, const char *fmt, va_list ap)
{
	if (!err)
		return -1;
	err->kind = kind;
	err->http = 0;
	err->reason[0] = '\0';
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	return -1;
}

int kerr_set(struct kerr *err, enum kerr_kind kind, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kerr_vset(err, kind, fmt, ap);
	va_end(ap);
	return -1;
}

int kerr_prefix(struct kerr *err, const char *fmt, ...)
{
	char ctx[512];
	size_t clen, mlen;
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(ctx, sizeof ctx - 2, fmt, ap);
	va_end(ap);
	strcat(ctx, ": ");
	clen = strlen(ctx);
	mlen = strnlen(err->msg, sizeof err->msg - 1);
	if (clen + mlen > sizeof err->msg - 1)
		mlen = sizeof err->msg - 1 - clen;
	/* Shift the old message right, then put the context in front. */
	memmove(err->msg + clen, err->msg, mlen);
	memcpy(err->msg, ctx, clen);
	err->msg[clen + mlen] = '\0';
	if (err->kind == KERR_NONE)
		err->kind = KERR_FAIL;
	return -1;
}

int kerr_hint(struct kerr *err, const char *fmt, ...)
{
	char hint[512];
	size_t len;
	va_list ap;

	if (!err || strstr(err->msg, " (try: "))
		return -1;
	va_start(ap, fmt);
	vsnprintf(hint, sizeof hint, fmt, ap);
	va_end(ap);
	len = strlen(err->msg);
	snprintf(err->msg + len, sizeof err->msg - len, " (try: %s)", hint);
	return -1;
}

void kerr_clear(struct kerr *err)
{
	if (!err)
		return;
	err->kind = KERR_NONE;
	err->http = 0;
	err->reason[0] = '\0';
	err->msg[0] = '\0';
}

int kerr_is(const struct kerr *err, enum kerr_kind kind)
{
	return err && err->kind == kind;
}

int kerr_exit_code(const struct kerr *err)
{
	if (!err || err->kind == KERR_NONE)
		return 0;
	return err->kind == KERR_USAGE ? 2 : 1;
}

const char *kerr_kind_name(enum kerr_kind kind)
{
	static const char *const names[] = {
		[KERR_NONE] = "ok",           [KERR_FAIL] = "failed",
		[KERR_USAGE] = "usage",       [KERR_NOTFOUND] = "not found",
		[KERR_CONFLICT] = "conflict", [KERR_AUTH] = "unauthorized",
		[KERR_NETWORK] = "network",   [KERR_TIMEOUT] = "timeout",
		[KERR_CANCELLED] = "cancelled", [KERR_INVALID] = "invalid",
		[KERR_GONE] = "gone",
	};
	if ((unsigned)kind >= sizeof names / sizeof names[0])
		return "failed";
	return names[kind];
}
