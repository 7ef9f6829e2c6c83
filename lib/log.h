/* log.h - the diagnostic log ($XDG_STATE_HOME/kurator/kurator.log, 0600).
 *
 * Nothing here is shown to the user directly; user-facing errors travel as
 * struct kerr. Every line passes through log_redact() so tokens, passwords
 * and keys never reach the file. Thread-safe.
 */
#ifndef KURATOR_LOG_H
#define KURATOR_LOG_H

#include <stddef.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* Open the log file (path NULL: default location). Safe to skip: before
 * log_open, or if it fails, messages go nowhere (KURATOR_LOG=stderr sends
 * them to stderr). */
int log_open(const char *path);
void log_close(void);
void log_set_level(enum log_level level);
/* Copy every line to stderr (1) or not (0), overriding KURATOR_LOG. */
void log_set_stderr(int on);
void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

/* Redact secrets in place in a NUL-terminated line: "Bearer X", "token=X",
 * "--token X", "--token=X", "password=X", "--password X", "client-key-data: X",
 * "Authorization: X", PEM private key blocks. Replaces the secret with
 * "<redacted>" (the string may shrink; never grows). Returns s. */
char *log_redact(char *s);

#endif
